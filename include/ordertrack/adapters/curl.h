/**
 * @file adapters/curl.h
 * @brief libordertrack-curl: the HTTP port over libcurl.
 *
 * Link with `pkg-config ordertrack-curl` or the CMake target `ordertrack::curl`. The port
 * uses the libcurl multi interface: up to `max_in_flight` transfers of a batch run at once,
 * connections are kept in the multi handle and reused across batches, TLS peers and host
 * names are always verified, only http and https are allowed, redirects are not followed,
 * each transfer has a timeout and a connect timeout, and a body larger than
 * `max_response_bytes` aborts its transfer with OT_ELIMIT.
 *
 * Thread safety: one port may be shared by threads; its batches are serialised.
 * Memory: response data goes through libordertrack (its allocator hooks); the adapter's own
 * bookkeeping and libcurl use the C library's malloc.
 */
#ifndef ORDERTRACK_ADAPTERS_CURL_H
#define ORDERTRACK_ADAPTERS_CURL_H

#include <stddef.h>
#include <stdint.h>

#include "../export.h"
#include "../error.h"
#include "../sys/http.h"

#define OT_CURL_OPTIONS_VERSION 1

/** Options of the curl port. Version 1 members are all of the following. */
typedef struct ot_curl_options {
    unsigned version;               /**< OT_CURL_OPTIONS_VERSION */
    unsigned max_in_flight;         /**< concurrent transfers per batch (1..1024) */
    int64_t connect_timeout_ms;     /**< per connection attempt (> 0) */
    int64_t default_timeout_ms;     /**< for requests with timeout_ms 0 (> 0) */
    size_t max_response_bytes;      /**< body limit per response (> 0) */
    const char *ca_file;            /**< CA bundle (copied), NULL: libcurl's default */
    const char *user_agent;         /**< copied; NULL: "libordertrack-curl/<version>" */
} ot_curl_options;

#define OT_CURL_OPTIONS_INIT \
    { OT_CURL_OPTIONS_VERSION, 8u, 10000, 30000, (size_t)8 << 20, NULL, NULL }

OT_BEGIN_DECLS

/** Fill `options` with the defaults of `version` (the values of OT_CURL_OPTIONS_INIT). */
OT_EXTERN int ot_curl_options_init(ot_curl_options *options, unsigned version, ot_error *err);

/**
 * Fill `port` with a new curl port (`options` NULL: the defaults). Hand the port to
 * ot_http_client_new(), which closes it, or call `port->close(port->userdata)` yourself.
 * OT_EINVAL names a bad option, OT_EVERSION an unknown options version, OT_EHTTP a libcurl
 * initialisation failure. Initialises libcurl globally (thread-safe in libcurl >= 7.84).
 */
OT_EXTERN int ot_curl_http_new(ot_http *port, const ot_curl_options *options, ot_error *err);

OT_END_DECLS

#endif /* ORDERTRACK_ADAPTERS_CURL_H */
