/**
 * @file http.h
 * @brief HTTP requests and responses, and the resilient HTTP client of the core.
 *
 * An `ot_http_client` wraps an HTTP port (a vtable, see ordertrack/sys/http.h; the curl
 * adapter provides one) and adds, above the port so that every adapter gets them:
 *   - retries with exponential backoff and full jitter for idempotent requests that failed
 *     transiently (429, 5xx except 501 and 505, time-outs, transport errors), honouring
 *     `Retry-After`, bounded in attempts and total time;
 *   - a circuit breaker per host (scheme default port included): open after N consecutive
 *     failures, fail fast with OT_EUNAVAILABLE while open, let a single probe through after
 *     a cool-down (half-open), close on its success;
 *   - fallback to a secondary request (another endpoint or provider) when the primary fails.
 * The clock (with its sleep) and the random source are injectable (`ot_http_hooks`), so
 * tests never sleep. The breaker state lives in the client; there is no global state.
 * docs/http.md describes the policy in full.
 */
#ifndef ORDERTRACK_HTTP_H
#define ORDERTRACK_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "export.h"
#include "error.h"

/** One request header. Both strings are NUL-terminated and must not contain CR or LF. */
typedef struct ot_http_header {
    const char *name; /**< header name */
    const char *value; /**< header value */
} ot_http_header;

/** Request flags. */
enum ot_http_request_flag {
    /** Safe to send twice (an idempotency key makes a POST so): the client may retry it. */
    OT_HTTP_REQUEST_IDEMPOTENT = 1u << 0
};

/** Newest version of `ot_http_request` this header describes (its `version` member). */
#define OT_HTTP_REQUEST_VERSION 1

/**
 * A request, filled by the caller; every pointer is borrowed for the duration of the call.
 * Version 1 members are all of the following; new members are only appended.
 */
typedef struct ot_http_request {
    unsigned version;                /**< OT_HTTP_REQUEST_VERSION */
    const char *method;              /**< "GET", "POST", ...; NULL means "GET" */
    const char *url;                 /**< absolute http:// or https:// URL */
    const ot_http_header *headers;   /**< header_count headers, or NULL */
    size_t header_count;             /**< number of `headers` */
    const void *body;                /**< body_length bytes; NULL when body_length is 0 */
    size_t body_length;              /**< length of `body` in bytes */
    int64_t timeout_ms;              /**< whole exchange; 0 = the adapter's default */
    unsigned flags;                  /**< OR of enum ot_http_request_flag */
    /** Secondary endpoint or provider used by ot_http_client_send when this one fails or
     *  its circuit is open; NULL for none. Ports ignore it. Its own fallback is ignored. */
    const struct ot_http_request *fallback;
} ot_http_request;

/** Initialiser of `ot_http_request` with its defaults at OT_HTTP_REQUEST_VERSION. */
#define OT_HTTP_REQUEST_INIT \
    { OT_HTTP_REQUEST_VERSION, NULL, NULL, NULL, 0, NULL, 0, 0, 0u, NULL }

/**
 * A response: status, headers and body, or a transport error (status 0). Opaque; created by
 * the library, freed with ot_http_response_free(). A response may be read from several
 * threads at once; it is written only by the call that fills it.
 */
typedef struct ot_http_response ot_http_response;

/** State of a host's circuit breaker. */
typedef enum ot_http_breaker_state {
    OT_HTTP_BREAKER_UNKNOWN = 0,
    OT_HTTP_BREAKER_CLOSED = 1,      /**< requests pass */
    OT_HTTP_BREAKER_OPEN = 2,        /**< requests fail fast with OT_EUNAVAILABLE */
    OT_HTTP_BREAKER_HALF_OPEN = 3    /**< one probe is in flight; others fail fast */
} ot_http_breaker_state;

/** Newest version of `ot_http_policy` this header describes (its `version` member). */
#define OT_HTTP_POLICY_VERSION 1

/**
 * Resilience policy, filled by the caller (start from OT_HTTP_POLICY_INIT). Times are in
 * milliseconds. Version 1 members are all of the following; new members are only appended.
 */
typedef struct ot_http_policy {
    unsigned version;                    /**< OT_HTTP_POLICY_VERSION */
    unsigned max_attempts;               /**< per endpoint, first try included; 1 = no retry */
    int64_t base_delay_ms;               /**< backoff cap of the first retry, doubled after */
    int64_t max_delay_ms;                /**< upper bound of one backoff delay */
    int64_t max_total_ms;                /**< per endpoint: no retry would end past it; 0 = no
                                              bound; also caps each attempt's timeout */
    int64_t max_retry_after_ms;          /**< a longer Retry-After ends the retries */
    unsigned breaker_threshold;          /**< consecutive failures that open; 0 = no breaker */
    int64_t breaker_cooldown_ms;         /**< open time before the half-open probe */
} ot_http_policy;

/** Initialiser of `ot_http_policy` with its defaults at OT_HTTP_POLICY_VERSION. */
#define OT_HTTP_POLICY_INIT { OT_HTTP_POLICY_VERSION, 3u, 100, 10000, 30000, 60000, 5u, 30000 }

/** Newest version of `ot_http_hooks` this header describes (its `version` member). */
#define OT_HTTP_HOOKS_VERSION 2

struct ot_clock;

/**
 * Time and random source of a client (NULL hooks: the system's clock and sleep and a
 * per-client xorshift generator). Version 2: give `clock` (the clock port, sys/clock.h:
 * now_ms and sleep_ms) and leave now_ms and sleep_ms NULL (both given: OT_EINVAL naming
 * them); `random` is then optional. Without a clock (version 1): set now_ms, sleep_ms and
 * random, all three. Called from the thread that calls ot_http_client_send(); must be
 * thread-safe if the client is shared. `sleep_ms` takes `userdata` last, as released in
 * 1.0.0; the clock port's sleep_ms, like every newer callback, takes it first
 * (docs/conventions.md, "Callbacks").
 */
typedef struct ot_http_hooks {
    unsigned version;                            /**< OT_HTTP_HOOKS_VERSION */
    void *userdata;                              /**< passed to every hook */
    int64_t (*now_ms)(void *userdata);           /**< ms since the epoch, UTC (no clock) */
    void (*sleep_ms)(int64_t ms, void *userdata);/**< wait ms (> 0) milliseconds (no clock) */
    uint32_t (*random)(void *userdata);          /**< uniform over 0..UINT32_MAX; NULL with
                                                      a clock: the default generator */
    const struct ot_clock *clock;                /**< (since 2) the client's time and sleep;
                                                      copied; NULL: now_ms and sleep_ms */
} ot_http_hooks;

/** Initialiser of `ot_http_hooks` with its defaults at OT_HTTP_HOOKS_VERSION. */
#define OT_HTTP_HOOKS_INIT { OT_HTTP_HOOKS_VERSION, NULL, NULL, NULL, NULL, NULL }

/** The resilient client: an opaque handle; thread-safe (breakers are behind a mutex). */
typedef struct ot_http_client ot_http_client;

/* Defined in ordertrack/sys/http.h. */
struct ot_http;

OT_BEGIN_DECLS

/**
 * Fill `request` with the defaults of `version` (for bindings that cannot use the macro).
 * @param request the struct to fill (caller-owned)
 * @param version the struct version to fill, 1 to OT_HTTP_REQUEST_VERSION
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL for a NULL struct, or OT_EVERSION for a version this library does not
 *         know
 */
OT_EXTERN int ot_http_request_init(ot_http_request *request, unsigned version, ot_error *err);
/**
 * Fill `policy` with the defaults of `version` (the values of OT_HTTP_POLICY_INIT).
 * @param policy the struct to fill (caller-owned)
 * @param version the struct version to fill, 1 to OT_HTTP_POLICY_VERSION
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL for a NULL struct, or OT_EVERSION for a version this library does not
 *         know
 */
OT_EXTERN int ot_http_policy_init(ot_http_policy *policy, unsigned version, ot_error *err);
/**
 * Fill `hooks` with the empty defaults of `version`.
 * @param hooks the struct to fill (caller-owned)
 * @param version the struct version to fill, 1 to OT_HTTP_HOOKS_VERSION
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL for a NULL struct, or OT_EVERSION for a version this library does not
 *         know
 */
OT_EXTERN int ot_http_hooks_init(ot_http_hooks *hooks, unsigned version, ot_error *err);

/**
 * New empty response (status 0, no error) into `*response`; free with ot_http_response_free.
 * @param response receives the new response (free with ot_http_response_free())
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_http_response_new(ot_http_response **response, ot_error *err);
/**
 * Free a response and everything it holds. Accepts NULL.
 * @param response the response, or NULL
 */
OT_EXTERN void ot_http_response_free(ot_http_response *response);
/**
 * HTTP status (100..599), or 0 when there was no HTTP answer (see the error code).
 * @param response the response (read only)
 * @return the HTTP status, or 0 without an HTTP answer
 */
OT_EXTERN int ot_http_response_status(const ot_http_response *response);
/**
 * 0, or the OT_E... code of a transport failure (OT_ETIMEOUT, OT_ELIMIT, OT_EHTTP, ...).
 * @param response the response (read only)
 * @return 0, or the negative OT_E... code of the transport failure
 */
OT_EXTERN int ot_http_response_error_code(const ot_http_response *response);
/**
 * Message of the transport failure; "" without one. Owned by the response; never NULL.
 * @param response the response (read only)
 * @return the message (owned by the response), never NULL
 */
OT_EXTERN const char *ot_http_response_error_message(const ot_http_response *response);
/**
 * Body: `*length` bytes (NUL-terminated for convenience; "" when empty). Owned by the
 * response. `length` may be NULL.
 * @param response the response (read only)
 * @param length receives the body's length in bytes; may be NULL
 * @return the body (owned by the response), never NULL
 */
OT_EXTERN const char *ot_http_response_body(const ot_http_response *response, size_t *length);
/**
 * Number of headers received.
 * @param response the response (read only)
 * @return the number of headers
 */
OT_EXTERN size_t ot_http_response_header_count(const ot_http_response *response);
/**
 * Header `index` (in arrival order) into `*name`, `*value` (owned by the response).
 * @param response the response (read only)
 * @param index 0-based position, below ot_http_response_header_count()
 * @param name receives the header's name (owned by the response)
 * @param value receives the header's value (owned by the response)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_http_response_header_at(const ot_http_response *response, size_t index,
                                         const char **name, const char **value, ot_error *err);
/**
 * Value of the first header named `name` (case-insensitive), or NULL. Owned by the response.
 * @param response the response (read only)
 * @param name the header name to look for (any case)
 * @return the value (owned by the response), or NULL
 */
OT_EXTERN const char *ot_http_response_header(const ot_http_response *response,
                                              const char *name);
/**
 * Attempts ot_http_client_send made for this response (both endpoints); 0 for a port's.
 * @param response the response (read only)
 * @return the number of attempts
 */
OT_EXTERN unsigned ot_http_response_attempts(const ot_http_response *response);
/**
 * 1 if the response is the fallback's (the primary failed or its circuit was open), else 0.
 * @param response the response (read only)
 * @return 1 or 0
 */
OT_EXTERN int ot_http_response_fallback_used(const ot_http_response *response);

/**
 * New client over `port` (a vtable, see ordertrack/sys/http.h; copied) with `policy` (NULL:
 * OT_HTTP_POLICY_INIT; copied) and `hooks` (NULL: the real clock, sleep and random). On
 * success the client owns the port: ot_http_client_free() closes it. On failure the caller
 * still owns it. Refuses a port, policy or hooks version it does not know (OT_EVERSION).
 * @param client receives the new client (free with ot_http_client_free())
 * @param port the HTTP port (copied; owned by the client on success)
 * @param policy retries, breakers and fallbacks (copied), or NULL for OT_HTTP_POLICY_INIT
 * @param hooks clock, sleep and random hooks (copied), or NULL for the real ones
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_http_client_new(ot_http_client **client, const struct ot_http *port,
                                 const ot_http_policy *policy, const ot_http_hooks *hooks,
                                 ot_error *err);
/**
 * Close the port and free the client. Accepts NULL. No call may be in flight.
 * @param client the client, or NULL
 */
OT_EXTERN void ot_http_client_free(ot_http_client *client);
/**
 * Send `n` requests through the port, with the policy's retries, breakers and fallbacks,
 * and wait for all. Fills `responses[i]` with a new response for `requests[i]` (free each
 * with ot_http_response_free); each holds an HTTP status or a transport error, including
 * OT_EUNAVAILABLE when the host's circuit is open. Returns 0 when every response was
 * produced, OT_EINVAL (naming the request and field) for a bad argument or OT_ENOMEM; on
 * failure every `responses[i]` is NULL. Thread-safe.
 * @param client the client
 * @param requests the `n` requests (read only)
 * @param n number of requests
 * @param responses array of `n` slots, each receiving a new response (free with
 *        ot_http_response_free())
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_http_client_send(ot_http_client *client, const ot_http_request *const *requests,
                                  size_t n, ot_http_response **responses, ot_error *err);
/**
 * Breaker state (ot_http_breaker_state, >0) of the host of `url`; CLOSED for a host never
 * seen. OT_EINVAL for a NULL client or a URL without a host. Thread-safe.
 * @param client the client
 * @param url a URL of the host whose breaker to report
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return the breaker state (ot_http_breaker_state, > 0), or OT_EINVAL
 */
OT_EXTERN int ot_http_client_breaker_state(ot_http_client *client, const char *url,
                                           ot_error *err);

OT_END_DECLS

#endif /* ORDERTRACK_HTTP_H */
