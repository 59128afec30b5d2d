/* The request pipeline: route -> key -> rate limit -> role and store scope -> headers ->
 * handler. Each refusal is answered with the error body of docs/API.md. */
#include "app.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ordertrack/metrics.h>

#include "http_errors.h"

/* The parts built over cfg: authentication and the rate limits. */
static int build_limits(otd_app *app, const otd_config *cfg, otd_clock_fn clock,
                        void *clock_ctx)
{
    app->cfg = cfg;
    app->auth = otd_auth_new(cfg);
    app->ratelimit = otd_ratelimit_new(cfg->n_keys, cfg->requests_per_second, cfg->burst,
                                       clock ? clock : otd_clock_monotonic_ms, clock_ctx);
    app->auth_failures = otd_addrlimit_new(cfg->auth_failure_sources,
                                           cfg->auth_failures_per_minute,
                                           cfg->auth_failure_burst,
                                           clock ? clock : otd_clock_monotonic_ms, clock_ctx);
    return app->auth && app->ratelimit && app->auth_failures ? 0 : -1;
}

int otd_app_init(otd_app *app, const otd_config *cfg, otd_clock_fn clock, void *clock_ctx)
{
    memset(app, 0, sizeof *app);
    app->owns_metrics = 1;
    if (ot_metrics_new(&app->metrics, NULL) != 0 ||
        otd_metrics_register(app->metrics, NULL) != 0 ||
        build_limits(app, cfg, clock, clock_ctx) != 0) {
        otd_app_cleanup(app);
        return -1;
    }
    return 0;
}

int otd_app_derive(otd_app *app, const otd_app *shared, const otd_config *cfg)
{
    *app = *shared;
    app->auth = NULL;
    app->ratelimit = NULL;
    app->auth_failures = NULL;
    app->live = NULL;
    app->owns_metrics = 0;
    if (build_limits(app, cfg, NULL, NULL) != 0) {
        otd_app_cleanup(app);
        return -1;
    }
    return 0;
}

void otd_app_cleanup(otd_app *app)
{
    otd_auth_free(app->auth);
    otd_ratelimit_free(app->ratelimit);
    otd_addrlimit_free(app->auth_failures);
    if (app->owns_metrics)
        ot_metrics_free(app->metrics);
    memset(app, 0, sizeof *app);
}

void otd_response_clear(otd_response *res)
{
    free(res->body);
    memset(res, 0, sizeof *res);
}

static void set_body(otd_response *res, unsigned status, char *body, const char *type)
{
    free(res->body);
    res->body = body;
    res->body_len = body ? strlen(body) : 0;
    res->status = body ? status : 500;
    res->content_type = type;
}

void otd_respond_error(otd_response *res, int api_err, const char *message, json_t *details)
{
    set_body(res, otd_api_error_status(api_err), otd_error_body(api_err, message, details),
             OTD_CONTENT_TYPE_JSON);
}

void otd_respond_ot_error(otd_response *res, int rc, const ot_error *e)
{
    unsigned status = 500;
    char *body = otd_error_body_from_ot(rc, e, &status);

    /* a record that fails its integrity check was edited behind the library: someone must
     * look, not just the client (docs/reliability.md) */
    if (rc == OT_EINTEGRITY)
        snprintf(res->alert, sizeof res->alert, "ALERT integrity_error: %s%s%s",
                 e && e->field[0] ? e->field : "", e && e->field[0] ? ": " : "",
                 e && e->message[0] ? e->message : ot_strerror(rc));
    set_body(res, status, body, OTD_CONTENT_TYPE_JSON);
}

void otd_respond_json(otd_response *res, unsigned status, json_t *doc)
{
    char *text = doc ? json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;

    json_decref(doc);
    set_body(res, status, text, OTD_CONTENT_TYPE_JSON);
}

void otd_respond_auth_failure(otd_app *app, const otd_request *req, otd_response *res,
                              int credential, const char *message, json_t *details)
{
    unsigned retry = 0;
    int evicted = 0;
    char text[160];
    /* an unknown source (no peer address) is not limited */
    int within = req->source ? otd_addrlimit_fail(app->auth_failures, req->source, &retry,
                                                  &evicted) != 0
                             : 1;

    otd_metrics_count_auth_failure(app->metrics, credential, !within, evicted);
    if (within) {
        otd_respond_error(res, OTD_ERR_UNAUTHORIZED, message, details);
        return;
    }
    json_decref(details);
    snprintf(text, sizeof text,
             "too many failed authentications from this address (limit %g a minute)",
             app->cfg->auth_failures_per_minute);
    otd_respond_error(res, OTD_ERR_RATE_LIMITED, text,
                      json_pack("{sI}", "retry_after_s", (json_int_t)retry));
    res->retry_after = retry;
}

/* {"field": name} as error details. */
static json_t *field_detail(const char *name)
{
    return json_pack("{ss}", "field", name);
}

static const char *lookup(const otd_request *req, otd_lookup_fn fn, const char *name)
{
    return fn ? fn(req->lookup_ctx, name) : NULL;
}

/* 1..255 printable ASCII characters (space included, as in the header's value). */
static int valid_idempotency_key(const char *s)
{
    size_t n = 0;

    for (; s[n]; n++)
        if ((unsigned char)s[n] < 0x20 || (unsigned char)s[n] > 0x7e)
            return 0;
    return n >= 1 && n <= OTD_IDEMPOTENCY_KEY_MAX;
}

/* If-Match: "<n>" (a strong ETag holding the version); "*" means any version. */
static int parse_if_match(const char *s, int *has, unsigned long long *version)
{
    char *end;
    size_t n = strlen(s);

    *has = 0;
    if (strcmp(s, "*") == 0)
        return 0;
    if (n < 3 || s[0] != '"' || s[n - 1] != '"' || s[1] < '0' || s[1] > '9')
        return -1;
    errno = 0;
    *version = strtoull(s + 1, &end, 10);
    if (errno || end != s + n - 1)
        return -1;
    *has = 1;
    return 0;
}

static int is_write(const char *method)
{
    return strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0;
}

/* Authentication, rate limit and authorisation of a key route; 0 when the request may go on
 * (res untouched), -1 when res holds the refusal. */
static int admit(otd_app *app, otd_request *req, otd_response *res)
{
    const otd_route *route = req->match.route;
    const otd_api_key *key = NULL;
    size_t index = 0;
    unsigned retry = 0;
    char message[160];
    int rc;

    rc = otd_auth_check(app->auth, lookup(req, req->header, "Authorization"), &key, &index);
    if (rc != OTD_AUTH_OK) {
        otd_respond_auth_failure(app, req, res, OTD_CREDENTIAL_API_KEY, otd_auth_reason(rc),
                                 NULL);
        return -1;
    }
    req->key = key;
    if (otd_ratelimit_take(app->ratelimit, index, &retry) != 1) {
        snprintf(message, sizeof message, "rate limit of %g requests per second exceeded",
                 app->cfg->requests_per_second);
        otd_respond_error(res, OTD_ERR_RATE_LIMITED, message,
                          json_pack("{sI}", "retry_after_s", (json_int_t)retry));
        res->retry_after = retry;
        return -1;
    }
    if (!otd_auth_role_allowed(key, route->roles)) {
        snprintf(message, sizeof message, "a %s key may not call %s %s",
                 otd_role_name(key->role), route->method, route->pattern);
        otd_respond_error(res, OTD_ERR_FORBIDDEN, message, NULL);
        return -1;
    }
    if (req->match.store_id[0] && !otd_auth_store_allowed(key, req->match.store_id)) {
        snprintf(message, sizeof message, "this key may not act for store \"%.64s\"",
                 req->match.store_id);
        otd_respond_error(res, OTD_ERR_FORBIDDEN, message, field_detail("store_id"));
        return -1;
    }
    return 0;
}

/* Idempotency-Key and If-Match; 0 or -1 with res holding the 400. */
static int read_headers(otd_request *req, otd_response *res)
{
    const char *v;

    if (is_write(req->method) && (v = lookup(req, req->header, "Idempotency-Key"))) {
        if (!valid_idempotency_key(v)) {
            otd_respond_error(res, OTD_ERR_INVALID_REQUEST,
                              "Idempotency-Key must be 1-255 printable ASCII characters",
                              field_detail("Idempotency-Key"));
            return -1;
        }
        req->idempotency_key = v;
    }
    if ((v = lookup(req, req->header, "If-Match")) &&
        parse_if_match(v, &req->has_if_match, &req->if_match) != 0) {
        otd_respond_error(res, OTD_ERR_INVALID_REQUEST,
                          "If-Match must be a quoted version number, e.g. \"3\"",
                          field_detail("If-Match"));
        return -1;
    }
    return 0;
}

/* An order id in the path follows the library's rule (ot_order_id_check): 400 naming
 * order_id for "..", a control character, a decoded '/' and the like. */
static int check_order_id(const otd_request *req, otd_response *res)
{
    ot_error e;

    if (!req->match.order_id[0] || ot_order_id_check(req->match.order_id, &e) == 0)
        return 0;
    otd_respond_error(res, OTD_ERR_INVALID_REQUEST, e.message,
                      json_pack("{ss}", "field", "order_id"));
    return -1;
}

void otd_app_handle(otd_app *app, otd_request *req, otd_response *res)
{
    char message[200];
    otd_handler_fn handler;
    int rc;

    memset(res, 0, sizeof *res);
    rc = otd_route_match(req->method, req->path, &req->match);
    if (rc == 404) {
        otd_respond_error(res, OTD_ERR_NOT_FOUND, "no such route", NULL);
        return;
    }
    if (rc == 405) {
        snprintf(message, sizeof message, "%.16s is not allowed here; use %s", req->method,
                 req->match.allow);
        otd_respond_error(res, OTD_ERR_METHOD_NOT_ALLOWED, message, NULL);
        memcpy(res->allow, req->match.allow, sizeof res->allow);
        return;
    }
    if (req->match.route->auth == OTD_ROUTE_AUTH_KEY && admit(app, req, res) != 0)
        return;
    /* Idempotency-Key and If-Match belong to the key routes: webhooks ignore them (partners'
     * event ids de-duplicate; a 400 would make a partner drop the update), and so do the
     * public routes. */
    if ((req->match.route->auth == OTD_ROUTE_AUTH_KEY && read_headers(req, res) != 0) ||
        check_order_id(req, res) != 0)
        return;
    handler = otd_route_handler(req->match.route->id);
    if (!handler || (!app->tracker && req->match.route->id != OTD_ROUTE_HEALTHZ &&
                     req->match.route->id != OTD_ROUTE_METRICS &&
                     req->match.route->id != OTD_ROUTE_OPENAPI &&
                     req->match.route->id != OTD_ROUTE_PAGE_STATIC)) {
        snprintf(message, sizeof message,
                 "%s %s needs the tracker, which this process does not have",
                 req->match.route->method, req->match.route->pattern);
        otd_respond_error(res, OTD_ERR_NOT_IMPLEMENTED, message, NULL);
        return;
    }
    handler(app, req, res);
    if (res->alert[0])
        otc_log_write(app->log, OTC_LOG_ERROR, res->alert, NULL);
    if (!res->status)
        otd_respond_error(res, OTD_ERR_INTERNAL, "the handler gave no answer", NULL);
}
