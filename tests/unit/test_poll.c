/* Courier polling (poll.h) against the courier simulator (tests/sim/courier_sim.py), started
 * by the test on 127.0.0.1, through libordertrack-curl. The clock of the tracker, the HTTP
 * client and the courier clients is a fake one whose sleep only advances it. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_util.h"
#include <ordertrack/adapters/curl.h>
#include <ordertrack/adapters/memory.h>
#include <ordertrack/adapters/sqlite.h>
#include <ordertrack/sys/clock.h>
#include <ordertrack/sys/http.h>
#include <ordertrack/sys/storage.h>
#include "courier_sim.h"

#define T0 1767225600000LL /* 2026-01-01T00:00:00Z */
#define HOUR (3600 * 1000LL)
#define DAY (24 * HOUR)

struct fx {
    ot_sim sim;
    ot_storage *storage;
    ot_tracker *tracker;
    ot_http_client *http;
    ot_courier_client *courier;
    int64_t now;
    unsigned sleeps;
    int64_t slept;
    char db[64];
};

static int64_t fake_now(void *userdata)
{
    struct fx *f = userdata;
    return __atomic_add_fetch(&f->now, 1, __ATOMIC_SEQ_CST);
}

/* Called by the HTTP client and the poll's delay on the polling thread; the clock is also
 * read by the tracker on the poll's applier threads, hence the atomic add. */
static void fake_sleep(int64_t ms, void *userdata)
{
    struct fx *f = userdata;
    f->sleeps++;
    f->slept += ms;
    __atomic_add_fetch(&f->now, ms, __ATOMIC_SEQ_CST);
}

static uint32_t fake_random(void *userdata)
{
    (void)userdata;
    return 0x80000000u;
}

static void must(int rc, const ot_error *err, const char *what)
{
    if (rc)
        fail_msg("%s: %s (%s)", what, ot_code_name(rc), err->message);
}

/* A new HTTP client over curl with `policy` (NULL: one with short budgets). */
static void http_new(struct fx *f, const ot_http_policy *policy)
{
    ot_curl_options options = OT_CURL_OPTIONS_INIT;
    ot_http_policy p = OT_HTTP_POLICY_INIT;
    ot_http_hooks hooks = OT_HTTP_HOOKS_INIT;
    ot_http port;
    ot_error err;

    options.max_in_flight = 8;
    options.connect_timeout_ms = 2000;
    options.default_timeout_ms = 5000;
    must(ot_curl_http_new(&port, &options, &err), &err, "curl port");
    p.max_attempts = 4;
    p.max_total_ms = 0;
    hooks.now_ms = fake_now;
    hooks.sleep_ms = fake_sleep;
    hooks.random = fake_random;
    hooks.userdata = f;
    ot_http_client_free(f->http);
    must(ot_http_client_new(&f->http, &port, policy ? policy : &p, &hooks, &err), &err,
         "http client");
}

static struct fx *fx_new(const char *sqlite_path)
{
    struct fx *f = calloc(1, sizeof *f);
    ot_tracker_options o = OT_TRACKER_OPTIONS_INIT;
    ot_clock clock = OT_CLOCK_INIT;
    ot_error err;

    assert_non_null(f);
    f->now = T0;
    /* the simulator dates its scans hours past this fake clock (base_time + i h) */
    o.clock_skew_ms = OT_TRACKER_CLOCK_SKEW_MAX_MS;
    if (ot_sim_start(&f->sim, OT_TEST_SIM, NULL) != 0)
        fail_msg("cannot start %s", OT_TEST_SIM);
    if (sqlite_path) {
        snprintf(f->db, sizeof f->db, "%s", sqlite_path);
        unlink(f->db);
        must(ot_storage_sqlite_open(&f->storage, f->db, NULL, &err), &err, "sqlite");
    } else {
        must(ot_storage_memory_new(&f->storage, &err), &err, "memory storage");
    }
    clock.now_ms = fake_now;
    clock.userdata = f;
    o.storage = f->storage;
    o.clock = &clock;
    must(ot_tracker_new(&f->tracker, &o, &err), &err, "tracker");
    http_new(f, NULL);
    return f;
}

static void fx_free(struct fx *f)
{
    ot_courier_client_free(f->courier);
    ot_http_client_free(f->http);
    ot_tracker_free(f->tracker);
    ot_storage_close(f->storage);
    ot_sim_stop(&f->sim);
    if (f->db[0]) {
        char path[80];
        unlink(f->db);
        snprintf(path, sizeof path, "%s-wal", f->db);
        unlink(path);
        snprintf(path, sizeof path, "%s-shm", f->db);
        unlink(path);
    }
    free(f);
}

/* The courier client of `provider` against the simulator, with `batch` (0: default). */
static void courier_new(struct fx *f, int provider, size_t batch, int64_t timeout_ms)
{
    ot_courier_config c = OT_COURIER_CONFIG_INIT;
    ot_clock clock = OT_CLOCK_INIT;
    ot_error err;

    c.provider = provider;
    c.base_url = f->sim.base_url;
    c.token = "dl-key";
    c.username = provider == OT_PROVIDER_VELOCITY ? "+919999999999" : "b2b";
    c.email = "ops@example.com";
    c.password = "pw";
    c.batch_size = batch;
    c.timeout_ms = timeout_ms;
    clock.now_ms = fake_now;
    clock.userdata = f;
    ot_courier_client_free(f->courier);
    must(ot_courier_client_new(&f->courier, &c, &clock, &err), &err, "courier client");
}

static void sim(struct fx *f, const char *method, const char *path, const char *json)
{
    int status = ot_sim_call(&f->sim, method, path, json, NULL);
    if (status != 200)
        fail_msg("simulator %s %s: %d", method, path, status);
}

static void order_new(struct fx *f, const char *id, int provider, const char *awb)
{
    ot_request r = OT_REQUEST_INIT;
    ot_error err;
    r.order_id = id;
    r.store_id = "store-1";
    r.customer_id = "cust-1";
    r.provider = provider;
    r.tracking_id = awb;
    must(ot_tracker_init_order(NULL, f->tracker, &r, &err), &err, "init");
}

static ot_poll_summary poll_once(struct fx *f, unsigned workers, size_t max_orders)
{
    ot_poll_summary s = OT_POLL_SUMMARY_INIT;
    ot_poll_config c = OT_POLL_CONFIG_INIT;
    ot_error err;
    c.courier = f->courier;
    c.workers = workers;
    c.max_orders = max_orders;
    must(ot_poll_run(&s, f->tracker, f->http, &c, &err), &err, "poll");
    return s;
}

static int shipment(struct fx *f, const char *id)
{
    ot_order *o = NULL;
    ot_error err;
    int s;
    must(ot_tracker_get(&o, f->tracker, id, &err), &err, "get");
    s = ot_order_shipment_status(o);
    ot_order_free(o);
    return s;
}

static size_t history(struct fx *f, const char *id, size_t *issues)
{
    ot_order *o = NULL;
    ot_error err;
    size_t n;
    must(ot_tracker_get(&o, f->tracker, id, &err), &err, "get");
    n = ot_order_history_count(o);
    if (issues)
        *issues = ot_order_issue_count(o);
    ot_order_free(o);
    return n;
}

/* Requests the simulator received on `path`, and the largest AWB list among them. */
static unsigned sim_count(struct fx *f, const char *path)
{
    char needle[128], *log = NULL, *at;
    unsigned n = 0;
    assert_int_equal(ot_sim_call(&f->sim, "GET", "/_sim/log", NULL, &log), 200);
    snprintf(needle, sizeof needle, "\"path\": \"%s\"", path);
    for (at = log; (at = strstr(at, needle)) != NULL; at += strlen(needle))
        n++;
    free(log);
    return n;
}

static void expect_summary(const ot_poll_summary *s, size_t orders, size_t requests,
                           size_t changed, size_t failed)
{
    if (s->orders != orders || s->requests != requests || s->changed != changed ||
        s->failed_requests != failed)
        fail_msg("summary: orders %zu (want %zu), requests %zu (%zu), changed %zu (%zu), "
                 "failed %zu (%zu), unchanged %zu, errors %zu, missing %zu: %s",
                 s->orders, orders, s->requests, requests, s->changed, changed,
                 s->failed_requests, failed, s->unchanged, s->errors, s->missing,
                 s->first_failure.message);
}

/* An order frozen by a scan dated 2999 (stored before times were clamped: here under a clock
 * that read 2999 then) recovers: the poller does not trust a stored courier time past now +
 * skew when it skips scans that are not newer. */
static void test_frozen_order_recovers(void **state)
{
    struct fx *f = fx_new(NULL);
    ot_update u = OT_UPDATE_INIT;
    ot_error err;
    int64_t back;
    (void)state;

    sim(f, "POST", "/_sim/awbs",
        "{\"DL9\": {\"courier\": \"delhivery\", \"steps\": [\"UD/In Transit\", "
        "\"UD/Dispatched\"]}}");
    order_new(f, "ord-9", OT_PROVIDER_DELHIVERY, "DL9");
    courier_new(f, OT_PROVIDER_DELHIVERY, 0, 0);
    back = f->now;
    f->now = INT64_C(32472144000000);   /* 2999-01-01T00:00:00Z */
    u.provider = OT_PROVIDER_DELHIVERY;
    u.order_id = "ord-9";
    u.shipment_status = OT_SHIPMENT_IN_TRANSIT;
    u.event_time_ms = f->now;
    must(ot_tracker_apply_update(NULL, f->tracker, &u, NULL, &err), &err, "the 2999 scan");
    f->now = back;
    poll_once(f, 1, 0);   /* in transit again: stale */
    poll_once(f, 1, 0);   /* dispatched, dated 2026: applies */
    assert_int_equal(shipment(f, "ord-9"), OT_SHIPMENT_OUT_FOR_DELIVERY);
    fx_free(f);
}

static void test_delhivery_b2c_cycle(void **state)
{
    struct fx *f = fx_new(NULL);
    ot_poll_summary s;
    size_t issues;
    int i;
    (void)state;

    sim(f, "POST", "/_sim/awbs",
        "{\"DL1\": {\"courier\": \"delhivery\", \"steps\": [\"UD/Manifested\", "
        "\"UD/In Transit\", \"UD/Held Up\", \"UD/Pending/EOD-74\", \"UD/Dispatched\", "
        "\"DL/Delivered\"]},"
        " \"DL2\": {\"courier\": \"delhivery\", \"steps\": [\"UD/In Transit\", "
        "\"RT/In Transit\", \"RT/Pending\", \"DL/RTO\"]}}");
    order_new(f, "ord-1", OT_PROVIDER_DELHIVERY, "DL1");
    order_new(f, "ord-2", OT_PROVIDER_DELHIVERY, "DL2");
    order_new(f, "ord-3", OT_PROVIDER_DELHIVERY, "DL-UNKNOWN");
    order_new(f, "ord-4", OT_PROVIDER_SHIPROCKET, "SR-NOT-MINE");
    courier_new(f, OT_PROVIDER_DELHIVERY, 0, 0);

    s = poll_once(f, 4, 0);
    expect_summary(&s, 3, 1, 1, 0);          /* DL1 pending again: unchanged; DL2 moves */
    assert_int_equal(s.missing, 1);          /* DL-UNKNOWN */
    assert_int_equal(shipment(f, "ord-2"), OT_SHIPMENT_IN_TRANSIT);
    for (i = 0; i < 6; i++)
        s = poll_once(f, 4, 0);
    assert_int_equal(shipment(f, "ord-1"), OT_SHIPMENT_DELIVERED);
    assert_int_equal(shipment(f, "ord-2"), OT_SHIPMENT_RTO_DELIVERED);
    assert_int_equal(shipment(f, "ord-3"), OT_SHIPMENT_PENDING);
    assert_int_equal(shipment(f, "ord-4"), OT_SHIPMENT_PENDING);
    /* created, in transit, the unmapped "Held Up" issue (once, though seen four times), ndr,
     * out_for_delivery, delivered: each scan applied exactly once */
    assert_int_equal(history(f, "ord-1", &issues), 6);
    assert_int_equal(issues, 1);
    /* created, in transit, rto, rto in transit, rto_delivered */
    assert_int_equal(history(f, "ord-2", NULL), 5);
    /* both delivered: only the unknown AWB is still polled, one GET per run */
    assert_int_equal(s.orders, 1);
    assert_int_equal(s.requests, 1);
    assert_int_equal(sim_count(f, "/api/v1/packages/json/"), 7);
    fx_free(f);
}

static void test_delhivery_batches_and_workers(void **state)
{
    struct fx *f = fx_new(NULL);
    char awbs[16384], id[32], awb[32];
    ot_poll_summary s;
    size_t len = 0;
    int i;
    (void)state;

    len += (size_t)snprintf(awbs + len, sizeof awbs - len, "{");
    for (i = 0; i < 120; i++) {
        snprintf(id, sizeof id, "ord-%03d", i);
        snprintf(awb, sizeof awb, "AWB%03d", i);
        order_new(f, id, OT_PROVIDER_DELHIVERY, awb);
        len += (size_t)snprintf(awbs + len, sizeof awbs - len,
                                "%s\"%s\": {\"courier\": \"delhivery\", \"steps\": "
                                "[\"UD/In Transit\", \"DL/Delivered\"]}", i ? "," : "", awb);
    }
    snprintf(awbs + len, sizeof awbs - len, "}");
    sim(f, "POST", "/_sim/awbs", awbs);
    courier_new(f, OT_PROVIDER_DELHIVERY, 0, 0);
    s = poll_once(f, 2, 100);                /* 100 orders: two batches of 50 */
    expect_summary(&s, 100, 2, 100, 0);
    s = poll_once(f, 2, 0);                  /* 100 delivered, 20 in transit */
    expect_summary(&s, 120, 3, 120, 0);
    s = poll_once(f, 2, 0);
    expect_summary(&s, 20, 1, 20, 0);
    s = poll_once(f, 2, 0);
    expect_summary(&s, 0, 0, 0, 0);
    fx_free(f);
}

static void test_delhivery_b2b_cycle(void **state)
{
    struct fx *f = fx_new(NULL);
    ot_poll_summary s;
    (void)state;

    sim(f, "POST", "/_sim/awbs",
        "{\"LR1\": {\"courier\": \"delhivery_b2b\", \"steps\": [\"PICKED_UP\", "
        "\"REACH_DESTINATION\", \"OFD\", \"DELIVERED\"]},"
        " \"LR2\": {\"courier\": \"delhivery_b2b\", \"steps\": [\"LEFT_ORIGIN\", \"LOST\"]}}");
    order_new(f, "ord-1", OT_PROVIDER_DELHIVERY_B2B, "LR1");
    order_new(f, "ord-2", OT_PROVIDER_DELHIVERY_B2B, "LR2");
    courier_new(f, OT_PROVIDER_DELHIVERY_B2B, 0, 0);
    s = poll_once(f, 3, 0);
    expect_summary(&s, 2, 2, 2, 0);          /* one GET per LR */
    assert_int_equal(s.logins, 1);
    s = poll_once(f, 3, 0);
    expect_summary(&s, 2, 2, 1, 0);          /* LR1 REACH_DESTINATION: still in transit */
    assert_int_equal(shipment(f, "ord-2"), OT_SHIPMENT_LOST);
    poll_once(f, 3, 0);
    s = poll_once(f, 3, 0);
    expect_summary(&s, 1, 1, 1, 0);
    assert_int_equal(s.logins, 0);
    assert_int_equal(shipment(f, "ord-1"), OT_SHIPMENT_DELIVERED);
    assert_int_equal(history(f, "ord-1", NULL), 4); /* created, in transit, OFD, delivered */
    assert_int_equal(sim_count(f, "/ums/login"), 1);
    fx_free(f);
}

static void shiprocket_cycle(const char *db)
{
    struct fx *f = fx_new(db);
    ot_poll_summary s;
    int i;

    sim(f, "POST", "/_sim/awbs",
        "{\"SR1\": {\"courier\": \"shiprocket\", \"steps\": [6, 18, 17, 21, 17, 7]},"
        " \"SR2\": {\"courier\": \"shiprocket\", \"steps\": [42, 99, 9, 46, 10]},"
        " \"SR3\": {\"courier\": \"shiprocket\", \"steps\": [18, 12]}}");
    order_new(f, "ord-1", OT_PROVIDER_SHIPROCKET, "SR1");
    order_new(f, "ord-2", OT_PROVIDER_SHIPROCKET, "SR2");
    order_new(f, "ord-3", OT_PROVIDER_SHIPROCKET, "SR3");
    courier_new(f, OT_PROVIDER_SHIPROCKET, 0, 0);
    s = poll_once(f, 50, 0);
    expect_summary(&s, 3, 1, 3, 0);
    assert_int_equal(s.logins, 1);
    for (i = 0; i < 6; i++)
        s = poll_once(f, 50, 0);
    assert_int_equal(shipment(f, "ord-1"), OT_SHIPMENT_DELIVERED);
    assert_int_equal(shipment(f, "ord-2"), OT_SHIPMENT_RTO_DELIVERED);
    assert_int_equal(shipment(f, "ord-3"), OT_SHIPMENT_LOST);
    /* created, in transit, a revised ETA (a scan without shipment news whose etd moved:
     * docs/events.md "Courier updates"), OFD, ndr, OFD again, delivered */
    assert_int_equal(history(f, "ord-1", NULL), 7);
    /* created, in transit, issue (status 99 unmapped), rto, rto in transit, rto_delivered */
    assert_int_equal(history(f, "ord-2", NULL), 6);
    assert_int_equal(sim_count(f, "/v1/external/auth/login"), 1);
    fx_free(f);
}

static void test_shiprocket_cycle(void **state)
{
    (void)state;
    shiprocket_cycle(NULL);
}

static void test_shiprocket_cycle_sqlite(void **state)
{
    char path[64];
    (void)state;
    snprintf(path, sizeof path, "/tmp/ot_poll_%d.db", (int)getpid());
    shiprocket_cycle(path);
}

static void test_velocity_cycle(void **state)
{
    struct fx *f = fx_new(NULL);
    ot_poll_summary s;
    int i;
    (void)state;

    sim(f, "POST", "/_sim/awbs",
        "{\"V1\": {\"courier\": \"velocity\", \"steps\": [\"pickup_scheduled\", "
        "\"in_transit\", \"out_for_delivery\", \"ndr_raised\", \"out_for_delivery\", "
        "\"delivered\"]},"
        " \"V2\": {\"courier\": \"velocity\", \"steps\": [\"in_transit\", \"rto_initiated\", "
        "\"rto_in_transit\", \"rto_delivered\"]},"
        " \"V3\": {\"courier\": \"velocity\", \"steps\": [\"cancelled\"]},"
        " \"V4\": {\"courier\": \"velocity\", \"steps\": [\"in_transit\", \"cancelled\"]}}");
    order_new(f, "ord-1", OT_PROVIDER_VELOCITY, "V1");
    order_new(f, "ord-2", OT_PROVIDER_VELOCITY, "V2");
    order_new(f, "ord-3", OT_PROVIDER_VELOCITY, "V3");
    order_new(f, "ord-4", OT_PROVIDER_VELOCITY, "V4");
    courier_new(f, OT_PROVIDER_VELOCITY, 0, 0);
    s = poll_once(f, 1, 0);
    expect_summary(&s, 4, 1, 3, 0);
    assert_int_equal(s.unchanged, 1);
    assert_int_equal(shipment(f, "ord-3"), OT_SHIPMENT_BOOKING_CANCELLED);
    s = poll_once(f, 1, 0);
    /* cancelled after pickup: the graph refuses it, the run goes on */
    assert_int_equal(s.errors, 1);
    assert_int_equal(s.first_failure.code, OT_ETRANSITION);
    assert_non_null(strstr(s.first_failure.message, "V4"));
    assert_int_equal(shipment(f, "ord-4"), OT_SHIPMENT_IN_TRANSIT);
    for (i = 0; i < 5; i++)
        poll_once(f, 1, 0);
    assert_int_equal(shipment(f, "ord-1"), OT_SHIPMENT_DELIVERED);
    assert_int_equal(shipment(f, "ord-2"), OT_SHIPMENT_RTO_DELIVERED);
    assert_int_equal(history(f, "ord-1", NULL), 6);
    assert_int_equal(history(f, "ord-2", NULL), 5);
    fx_free(f);
}

/* 429 with Retry-After, 5xx, a time-out and a dropped connection: each retried by the HTTP
 * client; every order ends right and every step is in the history once. */
static void test_faults_retried(void **state)
{
    struct fx *f = fx_new(NULL);
    ot_poll_summary s;
    int64_t before;
    int i;
    (void)state;

    sim(f, "POST", "/_sim/awbs",
        "{\"SR1\": {\"courier\": \"shiprocket\", \"steps\": [18, 17, 7]},"
        " \"SR2\": {\"courier\": \"shiprocket\", \"steps\": [18, 21, 17, 7]}}");
    order_new(f, "ord-1", OT_PROVIDER_SHIPROCKET, "SR1");
    order_new(f, "ord-2", OT_PROVIDER_SHIPROCKET, "SR2");
    courier_new(f, OT_PROVIDER_SHIPROCKET, 0, 400);
    sim(f, "POST", "/_sim/faults",
        "[{\"path\": \"/v1/external/courier\", \"status\": 429, \"retry_after\": 7}]");
    before = f->slept;
    s = poll_once(f, 4, 0);
    expect_summary(&s, 2, 1, 2, 0);
    assert_true(f->slept - before >= 7000);  /* Retry-After honoured, on the fake clock */
    sim(f, "POST", "/_sim/faults",
        "[{\"path\": \"/v1/external/courier\", \"status\": 503, \"times\": 2}]");
    s = poll_once(f, 4, 0);
    expect_summary(&s, 2, 1, 2, 0);
    sim(f, "POST", "/_sim/faults",
        "[{\"path\": \"/v1/external/courier\", \"delay_ms\": 1500}]");
    s = poll_once(f, 4, 0);
    expect_summary(&s, 2, 1, 2, 0);          /* timed out after 400 ms, then answered */
    sim(f, "POST", "/_sim/faults", "[{\"path\": \"/v1/external/courier\", \"drop\": true}]");
    s = poll_once(f, 4, 0);
    expect_summary(&s, 1, 1, 1, 0);
    for (i = 0; i < 2; i++)
        poll_once(f, 4, 0);
    assert_int_equal(shipment(f, "ord-1"), OT_SHIPMENT_DELIVERED);
    assert_int_equal(shipment(f, "ord-2"), OT_SHIPMENT_DELIVERED);
    assert_int_equal(history(f, "ord-1", NULL), 4);
    assert_int_equal(history(f, "ord-2", NULL), 5);
    /* one answer per run with orders (4), plus the 429, the two 503s, the late answer and
     * the dropped connection */
    assert_int_equal(sim_count(f, "/v1/external/courier/track/awbs"), 4 + 5);
    fx_free(f);
}

/* Failures beyond the retries: the requests are counted as failed, the cycle goes on, the
 * breaker opens and later requests fail fast; after the cool-down everything is applied
 * once. */
static void test_breaker_and_failed_batches(void **state)
{
    struct fx *f = fx_new(NULL);
    ot_http_policy p = OT_HTTP_POLICY_INIT;
    ot_poll_summary s;
    (void)state;

    p.max_attempts = 2;
    p.breaker_threshold = 3;
    p.breaker_cooldown_ms = 60000;
    http_new(f, &p);
    sim(f, "POST", "/_sim/awbs",
        "{\"D1\": {\"courier\": \"delhivery\", \"steps\": [\"UD/In Transit\", \"DL/Delivered\"]},"
        " \"D2\": {\"courier\": \"delhivery\", \"steps\": [\"UD/In Transit\", \"DL/Delivered\"]},"
        " \"D3\": {\"courier\": \"delhivery\", \"steps\": [\"UD/In Transit\", \"DL/Delivered\"]}}");
    order_new(f, "ord-1", OT_PROVIDER_DELHIVERY, "D1");
    order_new(f, "ord-2", OT_PROVIDER_DELHIVERY, "D2");
    order_new(f, "ord-3", OT_PROVIDER_DELHIVERY, "D3");
    courier_new(f, OT_PROVIDER_DELHIVERY, 1, 0);   /* the fallback shape: one AWB per GET */
    sim(f, "POST", "/_sim/faults",
        "[{\"path\": \"/api/v1/packages\", \"status\": 500, \"times\": 3}]");
    s = poll_once(f, 1, 0);
    /* D1: 500, 500 (failed); D2: 500 opens the breaker, its retry is refused; D3 fast */
    expect_summary(&s, 3, 3, 0, 3);
    assert_int_equal(s.first_failure.code, OT_EHTTP);
    assert_non_null(strstr(s.first_failure.message, "D1"));
    assert_int_equal(ot_http_client_breaker_state(f->http, f->sim.base_url, NULL),
                     OT_HTTP_BREAKER_OPEN);
    assert_int_equal(sim_count(f, "/api/v1/packages/json/"), 3);
    assert_int_equal(shipment(f, "ord-1"), OT_SHIPMENT_PENDING);
    assert_int_equal(history(f, "ord-1", NULL), 1);
    f->now += 61000;                          /* past the cool-down */
    s = poll_once(f, 1, 0);
    expect_summary(&s, 3, 3, 3, 0);
    s = poll_once(f, 1, 0);
    expect_summary(&s, 3, 3, 3, 0);
    s = poll_once(f, 1, 0);
    expect_summary(&s, 0, 0, 0, 0);
    assert_int_equal(history(f, "ord-2", NULL), 3);
    fx_free(f);
}

/* The Delhivery fallback tracker: one AWB per GET, `workers` at a time, delay_ms between
 * rounds (on the injected sleep). */
static void test_fallback_delay(void **state)
{
    struct fx *f = fx_new(NULL);
    ot_poll_summary s = OT_POLL_SUMMARY_INIT;
    ot_poll_config c = OT_POLL_CONFIG_INIT;
    ot_error err;
    char awb[16], id[16];
    int i;
    (void)state;

    for (i = 0; i < 5; i++) {
        char body[128];
        snprintf(awb, sizeof awb, "F%d", i);
        snprintf(id, sizeof id, "ord-%d", i);
        order_new(f, id, OT_PROVIDER_DELHIVERY, awb);
        snprintf(body, sizeof body, "{\"%s\": {\"courier\": \"delhivery\", \"steps\": "
                 "[\"UD/Dispatched\"]}}", awb);
        sim(f, "POST", "/_sim/awbs", body);
    }
    courier_new(f, OT_PROVIDER_DELHIVERY, 0, 0);
    c.courier = f->courier;
    c.batch_size = 1;                         /* the same account as the batch tracker */
    c.workers = 2;
    c.delay_ms = 5000;
    c.sleep_ms = fake_sleep;
    c.userdata = f;
    must(ot_poll_run(&s, f->tracker, f->http, &c, &err), &err, "poll");
    expect_summary(&s, 5, 5, 5, 0);
    assert_int_equal(f->sleeps, 2);          /* rounds of 2, 2, 1 */
    assert_int_equal(f->slept, 10000);
    fx_free(f);
}

static void clock_sleep(void *userdata, int64_t ms)
{
    fake_sleep(ms, userdata);
}

/* The delay between rounds waits on the tracker's clock (version 2, sleep_ms) when the
 * config gives no sleep_ms; a config.sleep_ms beside such a clock is refused. */
static void test_delay_on_tracker_clock(void **state)
{
    struct fx *f = fx_new(NULL);
    ot_tracker_options o = OT_TRACKER_OPTIONS_INIT;
    ot_clock clock = OT_CLOCK_INIT;
    ot_poll_summary s = OT_POLL_SUMMARY_INIT;
    ot_poll_config c = OT_POLL_CONFIG_INIT;
    ot_error err;
    char awb[16], id[16];
    int i;
    (void)state;

    clock.now_ms = fake_now;
    clock.sleep_ms = clock_sleep;
    clock.userdata = f;
    o.clock_skew_ms = OT_TRACKER_CLOCK_SKEW_MAX_MS;
    o.storage = f->storage;
    o.clock = &clock;
    ot_tracker_free(f->tracker);
    must(ot_tracker_new(&f->tracker, &o, &err), &err, "tracker");
    for (i = 0; i < 3; i++) {
        char body[128];
        snprintf(awb, sizeof awb, "C%d", i);
        snprintf(id, sizeof id, "ord-%d", i);
        order_new(f, id, OT_PROVIDER_DELHIVERY, awb);
        snprintf(body, sizeof body, "{\"%s\": {\"courier\": \"delhivery\", \"steps\": "
                 "[\"UD/Dispatched\"]}}", awb);
        sim(f, "POST", "/_sim/awbs", body);
    }
    courier_new(f, OT_PROVIDER_DELHIVERY, 0, 0);
    c.courier = f->courier;
    c.batch_size = 1;
    c.workers = 1;
    c.delay_ms = 700;
    c.sleep_ms = fake_sleep;
    c.userdata = f;
    assert_ot_error(ot_poll_run(&s, f->tracker, f->http, &c, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "sleep_ms");
    assert_int_equal(f->sleeps, 0);
    c.sleep_ms = NULL;
    c.userdata = NULL;
    must(ot_poll_run(&s, f->tracker, f->http, &c, &err), &err, "poll");
    expect_summary(&s, 3, 3, 3, 0);
    assert_int_equal(f->sleeps, 2);          /* rounds of 1, 1, 1 */
    assert_int_equal(f->slept, 1400);
    fx_free(f);
}

/* A second host: the HTTP client switches to it when the first cannot be reached. */
static void test_fallback_host(void **state)
{
    struct fx *f = fx_new(NULL);
    ot_courier_config c = OT_COURIER_CONFIG_INIT;
    ot_poll_summary s;
    ot_error err;
    (void)state;

    sim(f, "POST", "/_sim/awbs",
        "{\"D1\": {\"courier\": \"delhivery\", \"steps\": [\"UD/Dispatched\"]}}");
    order_new(f, "ord-1", OT_PROVIDER_DELHIVERY, "D1");
    c.provider = OT_PROVIDER_DELHIVERY;
    c.base_url = "http://127.0.0.1:1";        /* nothing listens there: refused */
    c.fallback_base_url = f->sim.base_url;
    c.token = "dl-key";
    must(ot_courier_client_new(&f->courier, &c, NULL, &err), &err, "client");
    s = poll_once(f, 1, 0);
    expect_summary(&s, 1, 1, 1, 0);
    assert_int_equal(shipment(f, "ord-1"), OT_SHIPMENT_OUT_FOR_DELIVERY);
    assert_int_equal(sim_count(f, "/api/v1/packages/json/"), 1);
    fx_free(f);
}

/* Shiprocket's 10-day token: kept for 9 days minus a moment, refreshed at 9 days. */
static void test_shiprocket_token_refresh(void **state)
{
    struct fx *f = fx_new(NULL);
    ot_poll_summary s;
    int64_t first, second;
    ot_error err;
    (void)state;

    sim(f, "POST", "/_sim/awbs",
        "{\"SR1\": {\"courier\": \"shiprocket\", \"steps\": [18, 17, 21, 17, 7]}}");
    order_new(f, "ord-1", OT_PROVIDER_SHIPROCKET, "SR1");
    courier_new(f, OT_PROVIDER_SHIPROCKET, 0, 0);
    must(ot_courier_client_token_expiry(&first, f->courier, &err), &err, "expiry");
    assert_int_equal(first, 0);
    s = poll_once(f, 1, 0);
    assert_int_equal(s.logins, 1);
    must(ot_courier_client_token_expiry(&first, f->courier, &err), &err, "expiry");
    assert_true(first >= f->now + 10 * DAY - 1000 && first <= f->now + 10 * DAY);
    f->now += 8 * DAY;
    s = poll_once(f, 1, 0);
    assert_int_equal(s.logins, 0);
    f->now += DAY - 60000;                    /* 9 days less a minute */
    s = poll_once(f, 1, 0);
    assert_int_equal(s.logins, 0);
    f->now += 60000;                          /* 9 days: refreshed before the expiry */
    s = poll_once(f, 1, 0);
    assert_int_equal(s.logins, 1);
    expect_summary(&s, 1, 1, 1, 0);
    must(ot_courier_client_token_expiry(&second, f->courier, &err), &err, "expiry");
    assert_true(second > first);
    assert_int_equal(sim_count(f, "/v1/external/auth/login"), 2);
    fx_free(f);
}

/* Velocity's 24-hour token: refreshed an hour before it expires. */
static void test_velocity_token_refresh(void **state)
{
    struct fx *f = fx_new(NULL);
    ot_poll_summary s;
    (void)state;

    sim(f, "POST", "/_sim/awbs",
        "{\"V1\": {\"courier\": \"velocity\", \"steps\": [\"in_transit\"]}}");
    order_new(f, "ord-1", OT_PROVIDER_VELOCITY, "V1");
    courier_new(f, OT_PROVIDER_VELOCITY, 0, 0);
    s = poll_once(f, 1, 0);
    assert_int_equal(s.logins, 1);
    f->now += 22 * HOUR;
    s = poll_once(f, 1, 0);
    assert_int_equal(s.logins, 0);
    f->now += HOUR;                           /* 23 hours: an hour before the expiry */
    s = poll_once(f, 1, 0);
    assert_int_equal(s.logins, 1);
    expect_summary(&s, 1, 1, 0, 0);
    assert_int_equal(sim_count(f, "/custom/api/v1/auth-token"), 2);
    fx_free(f);
}

/* A 401 (the courier revoked the token): one new login, the request sent again once. */
static void test_unauthorized_relogin_once(void **state)
{
    struct fx *f = fx_new(NULL);
    ot_poll_summary s;
    (void)state;

    sim(f, "POST", "/_sim/awbs",
        "{\"V1\": {\"courier\": \"velocity\", \"steps\": [\"in_transit\", \"delivered\"]},"
        " \"L1\": {\"courier\": \"delhivery_b2b\", \"steps\": [\"PICKED_UP\", \"DELIVERED\"]}}");
    order_new(f, "ord-1", OT_PROVIDER_VELOCITY, "V1");
    order_new(f, "ord-2", OT_PROVIDER_DELHIVERY_B2B, "L1");
    courier_new(f, OT_PROVIDER_VELOCITY, 0, 0);
    s = poll_once(f, 1, 0);
    expect_summary(&s, 1, 1, 1, 0);
    sim(f, "POST", "/_sim/tokens/expire", NULL);
    s = poll_once(f, 1, 0);
    expect_summary(&s, 1, 2, 1, 0);
    assert_int_equal(s.logins, 1);
    assert_int_equal(shipment(f, "ord-1"), OT_SHIPMENT_DELIVERED);
    assert_int_equal(history(f, "ord-1", NULL), 3);

    /* a courier that keeps answering 401: one login, one resend, then the batch fails */
    courier_new(f, OT_PROVIDER_DELHIVERY_B2B, 0, 0);
    sim(f, "POST", "/_sim/faults", "[{\"path\": \"/lrn/track\", \"status\": 401, \"times\": 3}]");
    s = poll_once(f, 1, 0);
    assert_int_equal(s.logins, 2);           /* the first token, and one after the 401 */
    expect_summary(&s, 1, 2, 0, 1);
    assert_int_equal(s.first_failure.code, OT_EAUTH);
    assert_int_equal(history(f, "ord-2", NULL), 1);
    s = poll_once(f, 1, 0);                  /* one fault left: 401, re-login, answered */
    expect_summary(&s, 1, 2, 1, 0);
    assert_int_equal(shipment(f, "ord-2"), OT_SHIPMENT_IN_TRANSIT);
    fx_free(f);
}

static void test_login_refused(void **state)
{
    struct fx *f = fx_new(NULL);
    ot_courier_config c = OT_COURIER_CONFIG_INIT;
    ot_poll_summary s;
    ot_error err;
    (void)state;

    c.provider = OT_PROVIDER_SHIPROCKET;
    c.base_url = f->sim.base_url;
    c.email = "ops@example.com";
    c.password = "wrong";
    must(ot_courier_client_new(&f->courier, &c, NULL, &err), &err, "client");
    assert_ot_error(ot_courier_client_login(f->courier, f->http, &err), OT_EAUTH, err);
    assert_non_null(strstr(err.message, "shiprocket"));
    order_new(f, "ord-1", OT_PROVIDER_SHIPROCKET, "SR1");
    s = poll_once(f, 1, 0);
    expect_summary(&s, 1, 0, 0, 1);
    assert_int_equal(s.first_failure.code, OT_EAUTH);
    assert_non_null(strstr(s.first_failure.message, "SR1"));
    fx_free(f);
}

struct runner {
    struct fx *f;
    ot_poll_summary s;
    int rc;
};

static void *run_poll(void *arg)
{
    struct runner *r = arg;
    ot_poll_config c = OT_POLL_CONFIG_INIT;
    ot_error err;
    ot_poll_summary_init(&r->s, OT_POLL_SUMMARY_VERSION, NULL);
    c.courier = r->f->courier;
    c.workers = 2;
    r->rc = ot_poll_run(&r->s, r->f->tracker, r->f->http, &c, &err);
    return NULL;
}

/* One courier client, tracker and HTTP client shared by runs on two threads: one login, and
 * every order reaches its last status. */
static void test_shared_between_threads(void **state)
{
    struct fx *f = fx_new(NULL);
    struct runner a = {f, OT_POLL_SUMMARY_INIT, 0}, b = {f, OT_POLL_SUMMARY_INIT, 0};
    pthread_t ta, tb;
    char id[16], awb[16], body[128];
    int i;
    (void)state;

    for (i = 0; i < 20; i++) {
        snprintf(id, sizeof id, "ord-%02d", i);
        snprintf(awb, sizeof awb, "V%02d", i);
        order_new(f, id, OT_PROVIDER_VELOCITY, awb);
        snprintf(body, sizeof body, "{\"%s\": {\"courier\": \"velocity\", \"steps\": "
                 "[\"in_transit\", \"out_for_delivery\", \"delivered\"]}}", awb);
        sim(f, "POST", "/_sim/awbs", body);
    }
    courier_new(f, OT_PROVIDER_VELOCITY, 5, 0);
    for (i = 0; i < 3; i++) {
        assert_int_equal(pthread_create(&ta, NULL, run_poll, &a), 0);
        assert_int_equal(pthread_create(&tb, NULL, run_poll, &b), 0);
        pthread_join(ta, NULL);
        pthread_join(tb, NULL);
        assert_int_equal(a.rc, 0);
        assert_int_equal(b.rc, 0);
        assert_int_equal(a.s.errors + b.s.errors + a.s.failed_requests + b.s.failed_requests, 0);
    }
    poll_once(f, 4, 0);
    poll_once(f, 4, 0);
    for (i = 0; i < 20; i++) {
        snprintf(id, sizeof id, "ord-%02d", i);
        assert_int_equal(shipment(f, id), OT_SHIPMENT_DELIVERED);
        assert_true(history(f, id, NULL) <= 4);
    }
    assert_int_equal(sim_count(f, "/custom/api/v1/auth-token"), 1);
    fx_free(f);
}

static void test_bad_input(void **state)
{
    ot_courier_config c = OT_COURIER_CONFIG_INIT;
    ot_poll_config pc = OT_POLL_CONFIG_INIT;
    ot_poll_summary s = OT_POLL_SUMMARY_INIT;
    ot_courier_client *client = NULL;
    ot_clock bad_clock = OT_CLOCK_INIT;
    ot_storage *storage;
    ot_tracker *tracker;
    ot_tracker_options o = OT_TRACKER_OPTIONS_INIT;
    ot_http port = OT_HTTP_INIT;
    ot_http_client *http;
    int64_t expiry;
    ot_error err;
    (void)state;

    assert_ot_error(ot_courier_config_init(NULL, OT_COURIER_CONFIG_VERSION, &err), OT_EINVAL, err);
    assert_ot_error(ot_courier_config_init(&c, 99, &err), OT_EVERSION, err);
    assert_ot_error(ot_poll_config_init(NULL, OT_POLL_CONFIG_VERSION, &err), OT_EINVAL, err);
    assert_ot_error(ot_poll_config_init(&pc, 0, &err), OT_EVERSION, err);
    assert_ot_error(ot_poll_summary_init(NULL, OT_POLL_SUMMARY_VERSION, &err), OT_EINVAL, err);
    assert_ot_error(ot_poll_summary_init(&s, 2, &err), OT_EVERSION, err);
    assert_int_equal(ot_courier_config_init(&c, OT_COURIER_CONFIG_VERSION, &err), 0);
    assert_int_equal(ot_poll_config_init(&pc, OT_POLL_CONFIG_VERSION, &err), 0);
    assert_int_equal(ot_poll_summary_init(&s, OT_POLL_SUMMARY_VERSION, &err), 0);

    assert_ot_error(ot_courier_client_new(NULL, &c, NULL, &err), OT_EINVAL, err);
    assert_ot_error(ot_courier_client_new(&client, NULL, NULL, &err), OT_EINVAL, err);
    c.version = 7;
    assert_ot_error(ot_courier_client_new(&client, &c, NULL, &err), OT_EVERSION, err);
    c.version = OT_COURIER_CONFIG_VERSION;
    c.provider = OT_PROVIDER_UBER;
    assert_ot_error(ot_courier_client_new(&client, &c, NULL, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "provider");
    c.provider = 99;
    assert_ot_error(ot_courier_client_new(&client, &c, NULL, &err), OT_EINVAL, err);
    c.provider = OT_PROVIDER_DELHIVERY;
    assert_ot_error(ot_courier_client_new(&client, &c, NULL, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "base_url");
    c.base_url = "ftp://example.com";
    assert_ot_error(ot_courier_client_new(&client, &c, NULL, &err), OT_EINVAL, err);
    c.base_url = "https://track.example.com/?x=1";
    assert_ot_error(ot_courier_client_new(&client, &c, NULL, &err), OT_EINVAL, err);
    c.base_url = "https://track.example.com/";
    assert_ot_error(ot_courier_client_new(&client, &c, NULL, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "token");
    assert_non_null(strstr(err.message, "delhivery"));
    c.token = "bad\r\nkey";
    assert_ot_error(ot_courier_client_new(&client, &c, NULL, &err), OT_EINVAL, err);
    c.token = "key";
    c.batch_size = 51;
    assert_ot_error(ot_courier_client_new(&client, &c, NULL, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "batch_size");
    c.batch_size = 0;
    c.timeout_ms = -1;
    assert_ot_error(ot_courier_client_new(&client, &c, NULL, &err), OT_EINVAL, err);
    c.timeout_ms = 0;
    c.token_ttl_ms = -5;
    assert_ot_error(ot_courier_client_new(&client, &c, NULL, &err), OT_EINVAL, err);
    c.token_ttl_ms = 0;
    c.fallback_base_url = "nope";
    assert_ot_error(ot_courier_client_new(&client, &c, NULL, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "fallback_base_url");
    c.fallback_base_url = NULL;
    bad_clock.version = 9;
    assert_ot_error(ot_courier_client_new(&client, &c, &bad_clock, &err), OT_EVERSION, err);
    bad_clock.version = OT_CLOCK_VERSION;
    assert_ot_error(ot_courier_client_new(&client, &c, &bad_clock, &err), OT_EINVAL, err);
    c.provider = OT_PROVIDER_SHIPROCKET;
    c.password = "pw";
    assert_ot_error(ot_courier_client_new(&client, &c, NULL, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "email");
    c.provider = OT_PROVIDER_VELOCITY;
    assert_ot_error(ot_courier_client_new(&client, &c, NULL, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "username");
    c.username = "+91";
    c.password = NULL;
    assert_ot_error(ot_courier_client_new(&client, &c, NULL, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "password");
    c.password = "pw";
    assert_int_equal(ot_courier_client_new(&client, &c, NULL, &err), 0);
    assert_int_equal(ot_courier_client_provider(client, &err), OT_PROVIDER_VELOCITY);
    assert_ot_error(ot_courier_client_provider(NULL, &err), OT_EINVAL, err);
    assert_ot_error(ot_courier_client_token_expiry(NULL, client, &err), OT_EINVAL, err);
    assert_ot_error(ot_courier_client_token_expiry(&expiry, NULL, &err), OT_EINVAL, err);
    assert_ot_error(ot_courier_client_login(NULL, NULL, &err), OT_EINVAL, err);
    assert_ot_error(ot_courier_client_login(client, NULL, &err), OT_EINVAL, err);
    ot_courier_client_free(NULL);

    assert_int_equal(ot_storage_memory_new(&storage, &err), 0);
    o.storage = storage;
    assert_int_equal(ot_tracker_new(&tracker, &o, &err), 0);
    port.send_batch = NULL;
    assert_int_equal(ot_curl_http_new(&port, NULL, &err), 0);
    assert_int_equal(ot_http_client_new(&http, &port, NULL, NULL, &err), 0);
    pc.courier = client;
    assert_ot_error(ot_poll_run(NULL, tracker, http, &pc, &err), OT_EINVAL, err);
    assert_ot_error(ot_poll_run(&s, NULL, http, &pc, &err), OT_EINVAL, err);
    assert_ot_error(ot_poll_run(&s, tracker, NULL, &pc, &err), OT_EINVAL, err);
    assert_ot_error(ot_poll_run(&s, tracker, http, NULL, &err), OT_EINVAL, err);
    s.version = 0;
    assert_ot_error(ot_poll_run(&s, tracker, http, &pc, &err), OT_EVERSION, err);
    s.version = OT_POLL_SUMMARY_VERSION;
    pc.version = 5;
    assert_ot_error(ot_poll_run(&s, tracker, http, &pc, &err), OT_EVERSION, err);
    pc.version = OT_POLL_CONFIG_VERSION;
    pc.courier = NULL;
    assert_ot_error(ot_poll_run(&s, tracker, http, &pc, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "courier");
    pc.courier = client;
    pc.batch_size = 46;                       /* velocity: 45 at most */
    assert_ot_error(ot_poll_run(&s, tracker, http, &pc, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "batch_size");
    pc.batch_size = 45;
    pc.workers = 5000;
    assert_ot_error(ot_poll_run(&s, tracker, http, &pc, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "workers");
    pc.workers = 1;
    pc.delay_ms = -1;
    assert_ot_error(ot_poll_run(&s, tracker, http, &pc, &err), OT_EINVAL, err);
    pc.delay_ms = 0;
    /* nothing to poll: no request at all */
    assert_int_equal(ot_poll_run(&s, tracker, http, &pc, &err), 0);
    assert_int_equal(s.orders, 0);
    assert_int_equal(s.requests, 0);
    ot_http_client_free(http);
    ot_tracker_free(tracker);
    ot_storage_close(storage);
    ot_courier_client_free(client);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_delhivery_b2c_cycle),
        cmocka_unit_test(test_frozen_order_recovers),
        cmocka_unit_test(test_delhivery_batches_and_workers),
        cmocka_unit_test(test_delhivery_b2b_cycle),
        cmocka_unit_test(test_shiprocket_cycle),
        cmocka_unit_test(test_shiprocket_cycle_sqlite),
        cmocka_unit_test(test_velocity_cycle),
        cmocka_unit_test(test_faults_retried),
        cmocka_unit_test(test_breaker_and_failed_batches),
        cmocka_unit_test(test_fallback_delay),
        cmocka_unit_test(test_delay_on_tracker_clock),
        cmocka_unit_test(test_fallback_host),
        cmocka_unit_test(test_shiprocket_token_refresh),
        cmocka_unit_test(test_velocity_token_refresh),
        cmocka_unit_test(test_unauthorized_relogin_once),
        cmocka_unit_test(test_login_refused),
        cmocka_unit_test(test_shared_between_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
