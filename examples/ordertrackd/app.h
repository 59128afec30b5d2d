/* The request pipeline of ordertrackd, independent of the HTTP server: route, authenticate,
 * rate-limit, authorise, validate the Idempotency-Key and If-Match headers, then call the
 * route's handler. server.c feeds it; the unit tests call it directly. */
#ifndef OTD_APP_H
#define OTD_APP_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <ordertrack/courier_def.h>
#include <ordertrack/error.h>

#include "auth.h"
#include "config.h"
#include "log.h"
#include "metrics.h"
#include "ratelimit.h"
#include "router.h"

/* Library types; their headers define them (a repeated typedef is valid C11). */
typedef struct ot_tracker ot_tracker;
typedef struct ot_storage ot_storage;

#define OTD_IDEMPOTENCY_KEY_MAX 255
#define OTD_CONTENT_TYPE_JSON "application/json; charset=utf-8"
#define OTD_CONTENT_TYPE_PROMETHEUS "text/plain; version=0.0.4; charset=utf-8"

/* Storage health probe: an otd_storage_state (storage_probe.h), OTD_STORAGE_OK (0) when
 * reads answer and writes succeed. Called from worker threads. */
typedef int (*otd_probe_fn)(void *ctx);

struct otd_live;

/* Shared by every request; read-only once the server runs (the parts it points to are
 * thread-safe). With a config reload (live.h) each request runs on the otd_app of the
 * generation it started in: cfg, auth, ratelimit, auth_failures and tracker are that
 * generation's, the rest is shared by all. */
typedef struct otd_app {
    const otd_config *cfg;
    otd_auth *auth;
    otd_ratelimit *ratelimit;
    otd_addrlimit *auth_failures; /* failed authentications per source address */
    ot_metrics *metrics;          /* the library's registry with ordertrackd's metrics
                                     (metrics.h): the tracker counts into it too */
    ot_tracker *tracker;       /* NULL: the tracker routes answer 501 (unit tests) */
    otd_probe_fn storage_probe;
    void *probe_ctx;
    void *events;                /* the SSE hub (events.h), owned by the host; or NULL */
    const otc_log *log;          /* where log lines go; NULL: text at info on stderr */
    struct otd_live *live;       /* the server's: the current generation (live.h); NULL:
                                    every request runs on this app */
    int owns_metrics;            /* metrics is freed with the app */
    const ot_courier_registry *couriers; /* the start-up config's couriers (courier_def.h):
                                    built-in plus courier_definitions; NULL: built-in only */
    const char *openapi_json;    /* served at GET /openapi.json (openapi_json.h), static; or
                                    NULL: that route answers 501 */
    size_t openapi_json_len;
    const struct otd_page_bundle *page; /* the tracking page's files (page_assets.h),
                                           static; or NULL: the page answers 501 */
    const ot_storage *storage;   /* the tracker's storage, for tombstones (GET of an archived
                                    order answers 410 with where it went); or NULL */
} otd_app;

/* Header and query-argument lookup provided by the server (or a test). NULL when absent. */
typedef const char *(*otd_lookup_fn)(void *ctx, const char *name);

typedef struct otd_request {
    const char *method;
    const char *path;               /* without the query string */
    const char *body;               /* the whole request body, not NUL-terminated; may be NULL */
    size_t body_len;
    otd_lookup_fn header, query;
    void *lookup_ctx;
    const otd_addr *source;         /* the peer's address; NULL: unknown (not limited) */
    /* Filled by the pipeline before the handler runs: */
    otd_match match;                /* route and captures */
    const otd_api_key *key;         /* the caller's key; NULL on public and partner routes */
    const char *idempotency_key;    /* validated, or NULL */
    int has_if_match;
    unsigned long long if_match;    /* the version in If-Match: "<n>" */
} otd_request;

typedef struct otd_response {
    unsigned status;
    char *body;                     /* malloc'd, owned by the response */
    size_t body_len;
    const char *content_type;       /* static string */
    int has_etag;
    unsigned long long etag;        /* sent as ETag: "<n>" */
    unsigned retry_after;           /* seconds, sent as Retry-After when non-zero */
    const char *cache_control;      /* static string sent as Cache-Control, or NULL */
    char allow[64];                 /* sent as Allow when non-empty */
    int stream;                     /* OTD_STREAM_API: serve req's order as Server-Sent Events
                                       (events.h) from history index stream_from;
                                       OTD_STREAM_CUSTOMER: stream_order_id's customer
                                       view; body unused */
    unsigned long stream_from;
    char stream_order_id[OTD_CAPTURE_MAX];
    int64_t stream_until_s;         /* OTD_STREAM_CUSTOMER: the link's expiry (Unix s) */
    const char *const *headers;     /* more headers: name, value, ..., NULL (static) */
    char alert[OT_ERROR_MESSAGE_SIZE + 96]; /* logged as an error by the pipeline when
                                               non-empty (an integrity_error) */
} otd_response;

enum otd_stream_kind { OTD_STREAM_NONE, OTD_STREAM_API, OTD_STREAM_CUSTOMER };

/* A route's handler: fills res. The tracker is app->tracker. */
typedef void (*otd_handler_fn)(otd_app *app, const otd_request *req, otd_response *res);

/* Build the shared state over cfg (which must outlive it), with a new metrics registry.
 * 0, or -1 when out of memory. */
int otd_app_init(otd_app *app, const otd_config *cfg, otd_clock_fn clock, void *clock_ctx);
void otd_app_cleanup(otd_app *app);

/* Build app over cfg (which must outlive it): its own auth and rate limits, the rest (metrics,
 * tracker, probe, events, log) borrowed from `shared`. 0, or -1 when out of memory. */
int otd_app_derive(otd_app *app, const otd_app *shared, const otd_config *cfg);

/* Run the pipeline for req and fill res (always: on failure it holds the error answer). */
void otd_app_handle(otd_app *app, otd_request *req, otd_response *res);

/* A failed authentication (a bad API key or webhook credential, enum otd_credential) from
 * req's source: 401 `unauthorized` with `message` and `details` while the source is within
 * limits.auth_failures_per_minute / auth_failure_burst, else 429 `rate_limited` with
 * Retry-After. Counted in the metrics. `details` is consumed. */
void otd_respond_auth_failure(otd_app *app, const otd_request *req, otd_response *res,
                              int credential, const char *message, json_t *details);

/* Answer with the JSON error body of api_err (enum otd_api_error); details consumed. */
void otd_respond_error(otd_response *res, int api_err, const char *message, json_t *details);

/* Answer a failed library call: the API error of rc with e's message, field and states. */
void otd_respond_ot_error(otd_response *res, int rc, const ot_error *e);

/* Answer `status` with `doc` serialised (doc consumed). */
void otd_respond_json(otd_response *res, unsigned status, json_t *doc);

/* Release the body of res and reset it. */
void otd_response_clear(otd_response *res);

/* The handler of each route (NULL: not wired yet, answered 501 not_implemented). */
otd_handler_fn otd_route_handler(otd_route_id id);

#endif
