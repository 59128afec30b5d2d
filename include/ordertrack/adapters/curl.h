/**
 * @file adapters/curl.h
 * @brief libordertrack-curl: the HTTP port over libcurl, and e-mail over its SMTP.
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

/** Newest version of `ot_curl_options` this header describes (its `version` member). */
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

/** Initialiser of `ot_curl_options` with its defaults at OT_CURL_OPTIONS_VERSION. */
#define OT_CURL_OPTIONS_INIT \
    { OT_CURL_OPTIONS_VERSION, 8u, 10000, 30000, (size_t)8 << 20, NULL, NULL }

/** TLS policy of an SMTP submission. */
typedef enum ot_curl_smtp_tls {
    OT_CURL_SMTP_TLS_UNKNOWN = 0,
    /** smtp:// must upgrade with STARTTLS (refused if the server does not offer it);
     *  smtps:// is TLS from the start. Peer and host name are always verified. */
    OT_CURL_SMTP_TLS_REQUIRED = 1,
    /** smtp:// without TLS, for a relay on the same host; refused with smtps://. */
    OT_CURL_SMTP_TLS_NONE = 2
} ot_curl_smtp_tls;

/** Newest version of `ot_curl_smtp_options` this header describes (its `version` member). */
#define OT_CURL_SMTP_OPTIONS_VERSION 1

/**
 * An SMTP submission, filled by the caller (start from OT_CURL_SMTP_OPTIONS_INIT); every
 * pointer is borrowed for the call. Version 1 members are all of the following.
 */
typedef struct ot_curl_smtp_options {
    unsigned version;               /**< OT_CURL_SMTP_OPTIONS_VERSION */
    const char *url;                /**< "smtp://host:port" or "smtps://host:port"; no path */
    const char *from;               /**< envelope sender: "a@b.c" or "Name <a@b.c>" */
    const char *const *to;          /**< to_count envelope recipients, same forms */
    size_t to_count;                /**< 1..100 */
    const char *user;               /**< AUTH user; NULL: no authentication */
    const char *password;           /**< AUTH password (with user); never printed */
    int64_t timeout_ms;             /**< whole exchange (> 0, at most one day) */
    int tls;                        /**< ot_curl_smtp_tls */
    const char *ca_file;            /**< CA bundle, NULL: libcurl's default */
} ot_curl_smtp_options;

/** Initialiser of `ot_curl_smtp_options` with its defaults at OT_CURL_SMTP_OPTIONS_VERSION. */
#define OT_CURL_SMTP_OPTIONS_INIT \
    { OT_CURL_SMTP_OPTIONS_VERSION, NULL, NULL, NULL, 0, NULL, NULL, 30000, \
      OT_CURL_SMTP_TLS_REQUIRED, NULL }

OT_BEGIN_DECLS

/**
 * Fill `options` with the defaults of `version` (the values of OT_CURL_OPTIONS_INIT).
 * @param options the struct to fill (caller-owned)
 * @param version the struct version to fill, 1 to OT_CURL_OPTIONS_VERSION
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL for a NULL struct, or OT_EVERSION for a version this library does not
 *         know
 */
OT_EXTERN int ot_curl_options_init(ot_curl_options *options, unsigned version, ot_error *err);

/**
 * Fill `port` with a new curl port (`options` NULL: the defaults) of version 1 (batches
 * only), the struct a 1.0 header declared: ot_curl_http_open(port, 1, options, err).
 * Hand the port to ot_http_client_new(), which closes it, or call
 * `port->close(port->userdata)` yourself.
 * OT_EINVAL names a bad option, OT_EVERSION an unknown options version, OT_EHTTP a libcurl
 * initialisation failure. Initialises libcurl globally (thread-safe in libcurl >= 7.84).
 * @param port the port struct to fill (caller-owned); hand it to ot_http_client_new()
 * @param options the port's options (copied), or NULL for the defaults
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_curl_http_new(ot_http *port, const ot_curl_options *options, ot_error *err);

/**
 * Fill `port`, an ot_http of version `port_version`, with a new curl port (since 1.14).
 * Version 2 (OT_HTTP_VERSION) adds send_stream: up to `max_in_flight` requests of a stream
 * in flight on a libcurl multi handle of its own, each reported as it completes
 * (sys/http.h); version 1 is ot_curl_http_new()'s port. Only the members of that version
 * are written. Otherwise as ot_curl_http_new().
 * @param port the port struct to fill (caller-owned), of version `port_version`
 * @param port_version 1..OT_HTTP_VERSION: pass OT_HTTP_VERSION
 * @param options the port's options (copied), or NULL for the defaults
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, OT_EVERSION for a port version this library does not know, or
 *         another negative OT_E... code described in `err`
 */
OT_EXTERN int ot_curl_http_open(ot_http *port, unsigned port_version,
                                const ot_curl_options *options, ot_error *err);

/**
 * Fill `options` with the defaults of `version` (the values of OT_CURL_SMTP_OPTIONS_INIT).
 * @param options the struct to fill (caller-owned)
 * @param version the struct version to fill, 1 to OT_CURL_SMTP_OPTIONS_VERSION
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL for a NULL struct, or OT_EVERSION for a version this library does not
 *         know
 */
OT_EXTERN int ot_curl_smtp_options_init(ot_curl_smtp_options *options, unsigned version,
                                        ot_error *err);

/**
 * Send `message` (`len` bytes of RFC 5322 text with CRLF line ends, e.g. from
 * ot_alerts_email_format) to the recipients of `opts` through libcurl's SMTP, and wait for
 * the server's answer to the data. Returns 0 when the server accepted it; OT_EINVAL names a
 * bad option, OT_EVERSION an unknown version, OT_ETIMEOUT, OT_EAUTH (login refused) or
 * OT_EHTTP (connection, TLS or a refusal; the message gives libcurl's reason). Messages
 * never hold the password or the URL's userinfo. Thread-safe (one connection per call).
 * @param opts the server, credentials, sender and recipients
 * @param message the message text (RFC 5322, CRLF line ends); need not be NUL-terminated
 * @param len length of `message` in bytes
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_curl_smtp_send(const ot_curl_smtp_options *opts, const char *message,
                                size_t len, ot_error *err);

OT_END_DECLS

#endif /* ORDERTRACK_ADAPTERS_CURL_H */
