/* app.c + handlers.c + metrics.c + storage_probe.c: the request pipeline without sockets
 * (without a tracker the order routes answer 501; the e2e tests drive them). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "otd_test.h"

#include "app.h"
#include "storage_probe.h"

#include <ordertrack/adapters/memory.h>
#include <ordertrack/ordertrack.h>


static const char cfg_json[] =
    "{\"storage\": \"memory:\", \"api_keys\": [{\"key\": \"admin-secret-012\", \"role\": \"admin\"},"
    " {\"key\": \"store-1-secret-0\", \"role\": \"store\", \"stores\": [\"store-1\"]},"
    " {\"key\": \"courier-secret-0\", \"role\": \"courier\"}],"
    " \"limits\": {\"requests_per_second\": 1, \"burst\": 2}}";

struct fixture {
    otd_config cfg;
    otd_app app;
    int64_t now;
    int64_t step; /* clock advance per call: 10 s refills every bucket, 0 freezes time */
};

static int64_t fake_clock(void *ctx)
{
    return *(int64_t *)ctx;
}

static int probe_ok(void *ctx)
{
    (void)ctx;
    return 0;
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    char err[256];

    if (!f || otd_config_load_string(&f->cfg, cfg_json, "t", err, sizeof err) != 0 ||
        otd_app_init(&f->app, &f->cfg, fake_clock, &f->now) != 0)
        return -1;
    f->step = 10000;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    otd_app_cleanup(&f->app);
    otd_config_free(&f->cfg);
    free(f);
    return 0;
}

/* A request from `source` (NULL: an unknown peer). */
static unsigned call_from(struct fixture *f, const char *method, const char *path,
                          const char *const *headers, const otd_addr *source,
                          otd_request *req, otd_response *res)
{
    f->now += f->step;
    memset(req, 0, sizeof *req);
    req->method = method;
    req->path = path;
    req->header = otd_test_lookup;
    req->query = otd_test_lookup;
    req->lookup_ctx = (void *)headers;
    req->source = source;
    otd_app_handle(&f->app, req, res);
    return res->status;
}

static unsigned call(struct fixture *f, const char *method, const char *path,
                     const char *const *headers, otd_request *req, otd_response *res)
{
    return call_from(f, method, path, headers, NULL, req, res);
}

/* The API error code in res's body. */
static void assert_code(const otd_response *res, const char *code)
{
    json_t *doc = json_loadb(res->body, res->body_len, 0, NULL);
    const char *got = json_string_value(json_object_get(json_object_get(doc, "error"), "code"));
    if (!got || strcmp(got, code) != 0)
        fail_msg("body %.*s lacks code %s", (int)res->body_len, res->body, code);
    json_decref(doc);
}

static const char *const admin[] = {"Authorization", "Bearer admin-secret-012", NULL};
static const char *const store1[] = {"Authorization", "Bearer store-1-secret-0", NULL};
static const char *const courier[] = {"Authorization", "Bearer courier-secret-0", NULL};

static void test_healthz(void **state)
{
    struct fixture *f = *state;
    otd_request req;
    otd_response res;

    assert_int_equal(call(f, "GET", "/healthz", NULL, &req, &res), 503);
    assert_string_equal(res.body, "{\"status\":\"degraded\",\"storage\":\"unavailable\"}");
    otd_response_clear(&res);
    f->app.storage_probe = probe_ok;
    assert_int_equal(call(f, "GET", "/healthz", NULL, &req, &res), 200);
    assert_string_equal(res.body, "{\"status\":\"ok\",\"storage\":\"ok\"}");
    assert_string_equal(res.content_type, OTD_CONTENT_TYPE_JSON);
    assert_null(req.key);
    otd_response_clear(&res);
}

static void test_routing_errors(void **state)
{
    struct fixture *f = *state;
    otd_request req;
    otd_response res;

    assert_int_equal(call(f, "GET", "/nope", admin, &req, &res), 404);
    assert_code(&res, "not_found");
    otd_response_clear(&res);
    assert_int_equal(call(f, "PATCH", "/tracking/orders/o1", admin, &req, &res), 405);
    assert_code(&res, "method_not_allowed");
    assert_string_equal(res.allow, "GET");
    otd_response_clear(&res);
}

static void test_authentication(void **state)
{
    struct fixture *f = *state;
    static const char *const unknown[] = {"Authorization", "Bearer nope", NULL};
    static const char *const basic[] = {"Authorization", "Basic eDp5", NULL};
    otd_request req;
    otd_response res;

    assert_int_equal(call(f, "GET", "/tracking/orders/o1", NULL, &req, &res), 401);
    assert_code(&res, "unauthorized");
    otd_response_clear(&res);
    assert_int_equal(call(f, "GET", "/tracking/orders/o1", unknown, &req, &res), 401);
    otd_response_clear(&res);
    assert_int_equal(call(f, "GET", "/tracking/orders/o1", basic, &req, &res), 401);
    otd_response_clear(&res);
    assert_int_equal(call(f, "GET", "/metrics", NULL, &req, &res), 401);
    otd_response_clear(&res);
}

static void test_authorisation(void **state)
{
    struct fixture *f = *state;
    otd_request req;
    otd_response res;

    /* /metrics is for admin keys. */
    assert_int_equal(call(f, "GET", "/metrics", store1, &req, &res), 403);
    assert_code(&res, "forbidden");
    otd_response_clear(&res);
    /* A store key outside its stores. */
    assert_int_equal(call(f, "POST", "/tracking/store/store-2/ready", store1, &req, &res), 403);
    assert_non_null(strstr(res.body, "\"field\":\"store_id\""));
    otd_response_clear(&res);
    /* A courier key may not create orders nor act for a store. */
    assert_int_equal(call(f, "POST", "/tracking/orders/o1/init", courier, &req, &res), 403);
    otd_response_clear(&res);
    assert_int_equal(call(f, "POST", "/tracking/store/store-1/ready", courier, &req, &res), 403);
    otd_response_clear(&res);
    /* Allowed, and answered 501 without a tracker. */
    assert_int_equal(call(f, "POST", "/tracking/store/store-1/ready", store1, &req, &res), 501);
    assert_code(&res, "not_implemented");
    assert_ptr_equal(req.key, &f->cfg.keys[1]);
    otd_response_clear(&res);
    assert_int_equal(call(f, "PUT", "/tracking/delivery/o1/location", courier, &req, &res), 501);
    otd_response_clear(&res);
    /* Webhooks authenticate by partner signature, not by key. */
    assert_int_equal(call(f, "POST", "/tracking/webhooks/uber", NULL, &req, &res), 501);
    assert_null(req.key);
    otd_response_clear(&res);
}

static void test_rate_limit(void **state)
{
    struct fixture *f = *state;
    otd_request req;
    otd_response res;

    f->step = 0;
    for (int i = 0; i < 2; i++) {
        assert_int_equal(call(f, "GET", "/tracking/orders/o1", courier, &req, &res), 501);
        otd_response_clear(&res);
    }
    assert_int_equal(call(f, "GET", "/tracking/orders/o1", courier, &req, &res), 429);
    assert_code(&res, "rate_limited");
    assert_int_equal(res.retry_after, 1);
    otd_response_clear(&res);
    /* Per key: the admin key still has its burst. */
    assert_int_equal(call(f, "GET", "/tracking/orders/o1", admin, &req, &res), 501);
    otd_response_clear(&res);
    f->now += 1000;
    assert_int_equal(call(f, "GET", "/tracking/orders/o1", courier, &req, &res), 501);
    otd_response_clear(&res);
}

/* Failed authentications are limited per source address (default: burst 10, 10 a minute):
 * 401 up to the burst, then 429 with Retry-After; a valid key from that address is still
 * served; another address and an unknown peer are not affected; the bucket refills. */
static void test_auth_failure_limit(void **state)
{
    struct fixture *f = *state;
    static const char *const guessed[] = {"Authorization", "Bearer guess", NULL};
    const otd_addr attacker = {{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 7}};
    const otd_addr other = {{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 8}};
    otd_request req;
    otd_response res;

    f->step = 0;
    for (int i = 0; i < 10; i++) {
        assert_int_equal(call_from(f, "GET", "/tracking/orders/o1", i % 2 ? guessed : NULL,
                                   &attacker, &req, &res),
                         401);
        otd_response_clear(&res);
    }
    for (int i = 0; i < 5; i++) {
        assert_int_equal(call_from(f, "GET", "/tracking/orders/o1", guessed, &attacker, &req,
                                   &res),
                         429);
        assert_code(&res, "rate_limited");
        assert_int_equal(res.retry_after, 6); /* one failure back every 6 s */
        assert_non_null(strstr(res.body, "failed authentications"));
        otd_response_clear(&res);
    }
    /* the honest client behind the same address is served */
    assert_int_equal(call_from(f, "GET", "/tracking/orders/o1", admin, &attacker, &req, &res),
                     501);
    otd_response_clear(&res);
    assert_int_equal(call_from(f, "GET", "/tracking/orders/o1", guessed, &other, &req, &res),
                     401);
    otd_response_clear(&res);
    assert_int_equal(call(f, "GET", "/tracking/orders/o1", guessed, &req, &res), 401);
    otd_response_clear(&res);
    f->now += 5999;
    assert_int_equal(call_from(f, "GET", "/tracking/orders/o1", guessed, &attacker, &req, &res),
                     429);
    assert_int_equal(res.retry_after, 1);
    otd_response_clear(&res);
    f->now += 1;
    assert_int_equal(call_from(f, "GET", "/tracking/orders/o1", guessed, &attacker, &req, &res),
                     401);
    otd_response_clear(&res);
    /* counted: 10 + 1 + 1 + 1 answered 401, 5 + 1 answered 429 */
    assert_int_equal(call(f, "GET", "/metrics", admin, &req, &res), 200);
    if (!strstr(res.body, "ordertrackd_auth_failures_total{credential=\"api_key\","
                          "answer=\"unauthorized\"} 13\n") ||
        !strstr(res.body, "ordertrackd_auth_failures_total{credential=\"api_key\","
                          "answer=\"rate_limited\"} 6\n") ||
        !strstr(res.body, "ordertrackd_auth_failure_sources_evicted_total 0\n"))
        fail_msg("metrics:\n%s", res.body);
    otd_response_clear(&res);
}

static void test_headers(void **state)
{
    struct fixture *f = *state;
    char long_key[300];
    otd_request req;
    otd_response res;

    static const char *const good[] = {"Authorization", "Bearer admin-secret-012",
                                       "Idempotency-Key", "abc 123-~", "If-Match", "\"42\"",
                                       NULL};
    assert_int_equal(call(f, "POST", "/tracking/orders/o1/init", good, &req, &res), 501);
    assert_string_equal(req.idempotency_key, "abc 123-~");
    assert_true(req.has_if_match);
    assert_true(req.if_match == 42);
    assert_string_equal(req.match.order_id, "o1");
    otd_response_clear(&res);

    static const char *const star[] = {"Authorization", "Bearer admin-secret-012", "If-Match", "*",
                                       NULL};
    assert_int_equal(call(f, "PUT", "/tracking/orders/o1/status", star, &req, &res), 501);
    assert_false(req.has_if_match);
    otd_response_clear(&res);

    static const char *const bad_match[][5] = {
        {"Authorization", "Bearer admin-secret-012", "If-Match", "42", NULL},
        {"Authorization", "Bearer admin-secret-012", "If-Match", "\"4x\"", NULL},
        {"Authorization", "Bearer admin-secret-012", "If-Match", "\"\"", NULL},
        {"Authorization", "Bearer admin-secret-012", "If-Match", "W/\"1\"", NULL},
        {"Authorization", "Bearer admin-secret-012", "If-Match", "\"-1\"", NULL},
    };
    for (size_t i = 0; i < sizeof bad_match / sizeof bad_match[0]; i++) {
        assert_int_equal(call(f, "PUT", "/tracking/orders/o1/status", bad_match[i], &req, &res),
                         400);
        assert_non_null(strstr(res.body, "\"field\":\"If-Match\""));
        otd_response_clear(&res);
    }

    memset(long_key, 'k', 256);
    long_key[256] = '\0';
    const char *const too_long[] = {"Authorization", "Bearer admin-secret-012", "Idempotency-Key",
                                    long_key, NULL};
    const char *const control[] = {"Authorization", "Bearer admin-secret-012", "Idempotency-Key",
                                   "a\tb", NULL};
    const char *const empty[] = {"Authorization", "Bearer admin-secret-012", "Idempotency-Key", "",
                                 NULL};
    const char *const *bad_keys[] = {too_long, control, empty};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(call(f, "POST", "/tracking/orders/o1/init", bad_keys[i], &req, &res),
                         400);
        assert_code(&res, "invalid_request");
        assert_non_null(strstr(res.body, "\"field\":\"Idempotency-Key\""));
        otd_response_clear(&res);
    }
    /* 255 characters are fine; on a GET the header is ignored. */
    long_key[255] = '\0';
    assert_int_equal(call(f, "POST", "/tracking/orders/o1/init", too_long, &req, &res), 501);
    otd_response_clear(&res);
    assert_int_equal(call(f, "GET", "/tracking/orders/o1", control, &req, &res), 501);
    assert_null(req.idempotency_key);
    otd_response_clear(&res);
    /* Webhooks and public routes ignore both headers (no 400: the webhook needs the
     * tracker, 501 here; /healthz has no storage, 503). */
    const char *const webhook[] = {"X-API-Key", "k", "Idempotency-Key", "a\tb", "If-Match",
                                   "W/\"1\"", NULL};
    assert_int_equal(call(f, "POST", "/tracking/webhooks/velocity", webhook, &req, &res), 501);
    assert_null(req.idempotency_key);
    otd_response_clear(&res);
    assert_int_equal(call(f, "GET", "/healthz", webhook, &req, &res), 503);
    otd_response_clear(&res);
}

static void test_metrics(void **state)
{
    struct fixture *f = *state;
    otd_request req;
    otd_response res;
    const otd_route *routes = otd_routes();

    otd_metrics_observe(f->app.metrics, &routes[OTD_ROUTE_HEALTHZ], 200, 0.0004);
    otd_metrics_observe(f->app.metrics, &routes[OTD_ROUTE_HEALTHZ], 200, 0.003);
    otd_metrics_observe(f->app.metrics, &routes[OTD_ROUTE_HEALTHZ], 503, 20.0);
    otd_metrics_observe(f->app.metrics, NULL, 404, 0.0001);
    otd_metrics_observe(f->app.metrics, NULL, 418, 0.0001);
    otd_metrics_observe(NULL, NULL, 404, 0.0001);

    assert_int_equal(call(f, "GET", "/metrics", admin, &req, &res), 200);
    assert_string_equal(res.content_type, OTD_CONTENT_TYPE_PROMETHEUS);
    assert_int_equal(strlen(res.body), res.body_len);
    static const char *const lines[] = {
        "# TYPE ordertrackd_http_requests_total counter\n",
        "ordertrackd_http_requests_total{route=\"/healthz\",method=\"GET\",code=\"200\"} 2\n",
        "ordertrackd_http_requests_total{route=\"/healthz\",method=\"GET\",code=\"503\"} 1\n",
        "ordertrackd_http_requests_total{route=\"unmatched\",method=\"\",code=\"404\"} 1\n",
        "ordertrackd_http_requests_total{route=\"unmatched\",method=\"\",code=\"other\"} 1\n",
        "# TYPE ordertrackd_http_request_duration_seconds histogram\n",
        "ordertrackd_http_request_duration_seconds_bucket{route=\"/healthz\",method=\"GET\","
        "le=\"0.001\"} 1\n",
        "ordertrackd_http_request_duration_seconds_bucket{route=\"/healthz\",method=\"GET\","
        "le=\"0.005\"} 2\n",
        "ordertrackd_http_request_duration_seconds_bucket{route=\"/healthz\",method=\"GET\","
        "le=\"10\"} 2\n",
        "ordertrackd_http_request_duration_seconds_bucket{route=\"/healthz\",method=\"GET\","
        "le=\"+Inf\"} 3\n",
        "ordertrackd_http_request_duration_seconds_count{route=\"/healthz\",method=\"GET\"} 3\n",
    };
    static const char sum[] =
        "ordertrackd_http_request_duration_seconds_sum{route=\"/healthz\",method=\"GET\"} ";
    const char *at = strstr(res.body, sum);
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
        if (!strstr(res.body, lines[i]))
            fail_msg("missing: %s\nin:\n%s", lines[i], res.body);
    /* the sum in the registry's shortest round-trip form (was "%.6f": 20.003400) */
    if (!at || fabs(strtod(at + sizeof sum - 1, NULL) - 20.0034) > 1e-9)
        fail_msg("missing or wrong: %s20.0034\nin:\n%s", sum, res.body);
    otd_response_clear(&res);
}

static void test_respond_helpers(void **state)
{
    otd_response res;
    ot_error e;
    (void)state;

    memset(&res, 0, sizeof res);
    ot_error_clear(&e);
    strcpy(e.message, "picking_in_progress -> delivered is not allowed");
    strcpy(e.from, "picking_in_progress");
    strcpy(e.to, "delivered");
    otd_respond_ot_error(&res, OT_ETRANSITION, &e);
    assert_int_equal(res.status, 409);
    assert_code(&res, "invalid_transition");
    assert_non_null(strstr(res.body, "\"from\":\"picking_in_progress\""));
    assert_string_equal(res.content_type, OTD_CONTENT_TYPE_JSON);
    /* Answering again replaces the body (no leak under ASan). */
    otd_respond_ot_error(&res, OT_ESTORAGE, NULL);
    assert_int_equal(res.status, 503);
    assert_code(&res, "storage_unavailable");
    otd_respond_json(&res, 201, json_pack("{si}", "version", 1));
    assert_int_equal(res.status, 201);
    assert_string_equal(res.body, "{\"version\":1}");
    otd_respond_json(&res, 200, NULL); /* a failed json_pack upstream: 500, no crash */
    assert_int_equal(res.status, 500);
    otd_response_clear(&res);
    assert_null(res.body);
}

/* An adapter whose writes end with `write_rc` (0, a full disk, a corrupt file, a refusal)
 * and whose reads go to the memory store: the watch is what is under test. */
struct failing {
    ot_storage *mem;
    int write_rc;
};

static int failing_create(void *ud, const ot_storage_record *r, const ot_idempotency_record *i,
                          ot_error *err)
{
    struct failing *f = ud;
    (void)r;
    (void)i;
    return f->write_rc ? ot_error_set(err, f->write_rc, "sqlite", "write failed") : 0;
}

static int failing_load(void *ud, const char *id, ot_order **out, ot_error *err)
{
    struct failing *f = ud;
    return f->mem->load(f->mem->userdata, id, out, err);
}

static void test_storage_probe(void **state)
{
    static const struct {
        int write_rc, want;
    } cases[] = {
        {0, OTD_STORAGE_OK},
        {OT_ESTORAGE, OTD_STORAGE_WRITES_FAILING},
        {OT_EEXISTS, OTD_STORAGE_WRITES_FAILING}, /* a refusal proves nothing either way */
        {0, OTD_STORAGE_OK},                      /* a write that succeeds clears it */
        {OT_EINTEGRITY, OTD_STORAGE_CORRUPT},
        {0, OTD_STORAGE_OK},
    };
    struct failing f = {NULL, 0};
    ot_storage inner = OT_STORAGE_INIT, *w, *storage = NULL;
    ot_storage_record rec;
    ot_storage broken = OT_STORAGE_INIT;

    (void)state;
    memset(&rec, 0, sizeof rec);
    assert_int_equal(ot_storage_memory_new(&f.mem, NULL), 0);
    inner.userdata = &f;
    inner.create = failing_create;
    inner.load = failing_load;
    assert_non_null(w = otd_storage_watch_new(&inner));
    assert_int_equal(w->version, OT_STORAGE_VERSION);
    assert_null(w->idem_get); /* optional members stay absent */
    assert_int_equal(otd_storage_probe(w), OTD_STORAGE_OK);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        f.write_rc = cases[i].write_rc;
        (void)w->create(w->userdata, &rec, NULL, NULL);
        assert_int_equal(otd_storage_probe(w), cases[i].want);
    }
    assert_string_equal(otd_storage_state_name(OTD_STORAGE_WRITES_FAILING), "writes_failing");
    assert_string_equal(otd_storage_state_name(OTD_STORAGE_CORRUPT), "corrupt");
    w->close(w->userdata);
    ot_storage_close(f.mem);

    assert_int_equal(ot_storage_memory_new(&storage, NULL), 0);
    assert_non_null(w = otd_storage_watch_new(storage));
    assert_int_equal(otd_storage_probe(w), OTD_STORAGE_OK);
    ot_storage_close(w); /* closes the memory store too (ASan: no leak) */
    assert_int_equal(otd_storage_probe(&broken), OTD_STORAGE_UNAVAILABLE); /* not a watch */
    assert_int_equal(otd_storage_probe(NULL), OTD_STORAGE_UNAVAILABLE);
}

/* call() with a body. */
static unsigned send(struct fixture *f, const char *method, const char *path,
                     const char *const *headers, const char *body, otd_response *res)
{
    otd_request req;

    f->now += f->step;
    memset(&req, 0, sizeof req);
    req.method = method;
    req.path = path;
    req.body = body;
    req.body_len = body ? strlen(body) : 0;
    req.header = otd_test_lookup;
    req.query = otd_test_lookup;
    req.lookup_ctx = (void *)headers;
    otd_app_handle(&f->app, &req, res);
    return res->status;
}

static int tracker_setup(void **state)
{
    struct fixture *f;
    ot_tracker_options opt = OT_TRACKER_OPTIONS_INIT;
    ot_storage *storage = NULL;
    ot_tracker *tracker = NULL;

    if (setup(state) != 0)
        return -1;
    f = *state;
    if (ot_storage_memory_new(&storage, NULL) != 0)
        return -1;
    opt.storage = storage;
    if (ot_tracker_new(&tracker, &opt, NULL) != 0)
        return -1;
    f->app.tracker = tracker;
    f->app.probe_ctx = storage;
    return 0;
}

static int tracker_teardown(void **state)
{
    struct fixture *f = *state;

    ot_tracker_free(f->app.tracker);
    ot_storage_close(f->app.probe_ctx);
    return teardown(state);
}

/* ot_tracker_store_ack_sweep at `now` (ms): how many level `level` steps it recorded. */
static size_t ack_sweep(struct fixture *f, int64_t now, int level)
{
    ot_escalation_sweep_result r = OT_ESCALATION_SWEEP_RESULT_INIT;
    ot_error err;
    if (ot_tracker_store_ack_sweep(&r, f->app.tracker, now, 0, &err) != 0)
        fail_msg("store-ack sweep: %s", err.message);
    assert_int_equal(r.complete, 1);
    return level == 1 ? r.alerts : level == 2 ? r.escalations : r.alerts + r.escalations;
}

static void test_order_routes(void **state)
{
    struct fixture *f = *state;
    otd_response res;
    static const char *const if0[] = {"Authorization", "Bearer admin-secret-012", "If-Match", "\"0\"",
                                      NULL};
    static const char init[] =
        "{\"store_id\":\"store-1\",\"customer_id\":\"c\",\"delivery_provider\":\"internal\"}";

    assert_int_equal(send(f, "POST", "/tracking/orders/o1/init", store1, init, &res), 201);
    assert_true(res.has_etag);
    assert_true(res.etag == 1);
    otd_response_clear(&res);
    /* Another store's key may not see the order: 403 after loading it. */
    assert_int_equal(send(f, "POST", "/tracking/orders/o2/init", admin,
                          "{\"store_id\":\"store-2\",\"customer_id\":\"c\","
                          "\"delivery_provider\":\"internal\"}",
                          &res),
                     201);
    otd_response_clear(&res);
    assert_int_equal(send(f, "GET", "/tracking/orders/o2", store1, NULL, &res), 403);
    assert_code(&res, "forbidden");
    otd_response_clear(&res);
    assert_int_equal(send(f, "GET", "/tracking/orders/o3", admin, NULL, &res), 404);
    otd_response_clear(&res);
    /* If-Match "0" never matches. */
    assert_int_equal(send(f, "PUT", "/tracking/orders/o1/status", if0,
                          "{\"status\":\"store_notified\",\"updated_by\":\"t\"}", &res),
                     412);
    assert_code(&res, "version_conflict");
    otd_response_clear(&res);
    assert_int_equal(send(f, "PUT", "/tracking/orders/o1/status", admin,
                          "{\"status\":\"delivered\",\"updated_by\":\"t\"}", &res),
                     409);
    assert_non_null(strstr(res.body, "\"from\":\"submitted\",\"to\":\"delivered\""));
    otd_response_clear(&res);
    assert_int_equal(send(f, "PUT", "/tracking/delivery/o1/location", courier,
                          "{\"latitude\":1,\"longitude\":2,\"timestamp\":\"yesterday\"}", &res),
                     400);
    assert_non_null(strstr(res.body, "\"field\":\"timestamp\""));
    otd_response_clear(&res);
    /* The library's sweep on the app's tracker: store-1's order waits in store_notified;
     * with the default 5 minutes and 10 more nothing is due now, the alert (severity high)
     * after 6 minutes, the escalation (critical) an hour later, each once. */
    assert_int_equal(send(f, "PUT", "/tracking/orders/o1/status", admin,
                          "{\"status\":\"store_notified\",\"updated_by\":\"t\"}", &res),
                     200);
    otd_response_clear(&res);
    int64_t now = (int64_t)time(NULL) * 1000;
    assert_int_equal(ack_sweep(f, now, 0), 0);
    assert_int_equal(ack_sweep(f, now + 360000, 1), 1);
    assert_int_equal(ack_sweep(f, now + 360000, 1), 0);
    assert_int_equal(ack_sweep(f, now + 3600000, 2), 1);
    assert_int_equal(ack_sweep(f, now + 7200000, 2), 0);
    assert_int_equal(send(f, "GET", "/tracking/orders/o1", admin, NULL, &res), 200);
    assert_non_null(strstr(res.body, "\"issue_type\":\"store_ack_timeout\""));
    assert_non_null(strstr(res.body, "\"severity\":\"high\""));
    assert_non_null(strstr(res.body, "\"severity\":\"critical\""));
    otd_response_clear(&res);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_healthz, setup, teardown),
        cmocka_unit_test_setup_teardown(test_routing_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_authentication, setup, teardown),
        cmocka_unit_test_setup_teardown(test_authorisation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rate_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_auth_failure_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_headers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_metrics, setup, teardown),
        cmocka_unit_test(test_respond_helpers),
        cmocka_unit_test(test_storage_probe),
        cmocka_unit_test_setup_teardown(test_order_routes, tracker_setup, tracker_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
