/**
 * @file sys/http.h
 * @brief The HTTP port: the vtable an HTTP adapter implements (for adapter authors).
 *
 * A port sends a batch of requests and waits for all of them (a single request is a batch
 * of one), each with its own timeout, and fills one response per request through the
 * setters below. Responses are created and freed by libordertrack (through its allocator
 * hooks); an adapter only fills them, so no memory crosses libraries. Retries, circuit
 * breakers and fallbacks are not the port's business: ot_http_client (ordertrack/http.h)
 * adds them above any port. docs/http.md is the guide for adapter authors.
 */
#ifndef ORDERTRACK_SYS_HTTP_H
#define ORDERTRACK_SYS_HTTP_H

#include <stddef.h>

#include "../export.h"
#include "../error.h"
#include "../http.h"

/** Newest version of `ot_http` this header describes (its `version` member). */
#define OT_HTTP_VERSION 2

/** What ot_http_stream.next answers. */
typedef enum ot_http_next {
    OT_HTTP_NEXT_SEND = 0,  /**< `*request` and `*response` are set: send it now */
    OT_HTTP_NEXT_WAIT = 1,  /**< nothing to send now: ask again after the next completion,
                                 or after `*wait_ms` when it is >= 0 */
    OT_HTTP_NEXT_END = 2    /**< nothing more: finish the requests in flight and return */
} ot_http_next;

/** Newest version of `ot_http_stream` this header describes (its `version` member). */
#define OT_HTTP_STREAM_VERSION 1

/**
 * A stream of requests for ot_http.send_stream, filled by its caller (the HTTP client): the
 * port asks for the next request whenever it can send one and reports each request as soon
 * as its response is filled, so a finished request's place is taken at once instead of at
 * the end of a batch. Both callbacks run on the thread that called send_stream, never at
 * the same time; they may call the HTTP client for other requests (a login).
 */
typedef struct ot_http_stream {
    unsigned version;       /**< OT_HTTP_STREAM_VERSION */
    void *ctx;              /**< passed to both callbacks */
    /**
     * The next request: set `*request` (borrowed until its `done`) and `*response` (empty,
     * created by libordertrack, to fill as send_batch fills one) and answer
     * OT_HTTP_NEXT_SEND; or answer OT_HTTP_NEXT_WAIT (set `*wait_ms`, -1 for "after the next
     * completion", which needs a request in flight) or OT_HTTP_NEXT_END. The caller decides
     * how many requests are in flight at once by answering WAIT.
     */
    int (*next)(void *ctx, const ot_http_request **request, ot_http_response **response,
                long long *wait_ms);
    /** `request`'s `response` is filled (a status, or a transport error as send_batch
        sets one): called once for every request `next` gave, also when the stream fails. */
    void (*done)(void *ctx, const ot_http_request *request, ot_http_response *response);
} ot_http_stream;

/** Initialiser of `ot_http_stream` at OT_HTTP_STREAM_VERSION (callbacks to set). */
#define OT_HTTP_STREAM_INIT { OT_HTTP_STREAM_VERSION, NULL, NULL, NULL }

/**
 * The HTTP port. Members are only appended; each says since which version it is valid.
 * The core refuses a version it does not know (OT_EVERSION).
 */
typedef struct ot_http {
    unsigned version;        /**< OT_HTTP_VERSION the adapter was written against */
    void *userdata;          /**< the adapter's state, passed to every function */
    /**
     * Valid since version 1; required. Send `requests[0..n-1]` (n >= 1), concurrently as
     * far as the adapter allows, and return when all have finished. Each `responses[i]`
     * arrives empty; fill it with the HTTP status, headers and body, or, when no HTTP answer
     * was received, leave the status 0 and set a transport error: OT_ETIMEOUT (the
     * request's timeout_ms elapsed), OT_ELIMIT (the body exceeded the adapter's limit),
     * OT_EHTTP (connect, TLS or protocol failure), OT_EINVAL (a request the adapter cannot
     * send). Return 0 when every response was filled; a negative code (with `err`) only
     * when the batch as a whole failed; responses left empty then count as failed with it.
     * The flags and fallback members of a request are for the client; ignore them.
     */
    int (*send_batch)(void *userdata, const ot_http_request *const *requests, size_t n,
                      ot_http_response *const *responses, ot_error *err);
    /** Valid since version 1; may be NULL. Release the adapter; called once, last. */
    void (*close)(void *userdata);
    /**
     * Valid since version 2; may be NULL (the client then sends in batches). Send the
     * requests `stream->next` gives, as many at once as the adapter allows and the stream
     * asks, calling `stream->done` for each as soon as its response is filled, and return
     * when `next` answered OT_HTTP_NEXT_END and nothing is in flight. A negative code (with
     * `err`) only when the stream as a whole failed: every request in flight then gets a
     * transport error and its `done` before the return. Must not hold anything that a
     * send_batch called from a callback (on another client of the same port) would wait
     * for.
     */
    int (*send_stream)(void *userdata, const ot_http_stream *stream, ot_error *err);
} ot_http;

/** Initialiser of `ot_http` with its defaults at OT_HTTP_VERSION. */
#define OT_HTTP_INIT { OT_HTTP_VERSION, NULL, NULL, NULL, NULL }

OT_BEGIN_DECLS

/**
 * Fill `http` with the empty defaults of `version` (for bindings that cannot use the macro).
 * @param http the struct to fill (caller-owned)
 * @param version the struct version to fill, 1 to OT_HTTP_VERSION
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL for a NULL struct, or OT_EVERSION for a version this library does not
 *         know
 */
OT_EXTERN int ot_http_init(ot_http *http, unsigned version, ot_error *err);

/**
 * Clear a response back to its just-created state (status 0, no error, headers or body),
 * e.g. when an interim 1xx answer is followed by the final one. Accepts NULL.
 * @param response the response, or NULL
 */
OT_EXTERN void ot_http_response_reset(ot_http_response *response);
/**
 * Set the HTTP status (100..599); OT_EINVAL otherwise.
 * @param response the response to change
 * @param status the HTTP status, 100..599
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_http_response_set_status(ot_http_response *response, int status,
                                          ot_error *err);
/**
 * Record a transport failure: `code` is a negative OT_E... code, `message` says what
 * failed (copied, truncated to OT_ERROR_MESSAGE_SIZE - 1 bytes; NULL gives ot_strerror's).
 * The status is set to 0. OT_EINVAL for a NULL response or a code that is not an error.
 * @param response the response to change
 * @param code a negative OT_E... code
 * @param message what failed (copied), or NULL for ot_strerror(code)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_http_response_set_error(ot_http_response *response, int code,
                                         const char *message, ot_error *err);
/**
 * Append a header (copied; the lengths exclude any NUL). OT_ENOMEM, OT_EINVAL.
 * @param response the response to change
 * @param name the header name (copied)
 * @param name_length length of `name` in bytes
 * @param value the header value (copied)
 * @param value_length length of `value` in bytes
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_http_response_add_header(ot_http_response *response, const char *name,
                                          size_t name_length, const char *value,
                                          size_t value_length, ot_error *err);
/**
 * Append `length` bytes to the body (copied). OT_ENOMEM, OT_EINVAL.
 * @param response the response to change
 * @param data the bytes to append (copied)
 * @param length number of bytes
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_http_response_append_body(ot_http_response *response, const void *data,
                                           size_t length, ot_error *err);

OT_END_DECLS

#endif /* ORDERTRACK_SYS_HTTP_H */
