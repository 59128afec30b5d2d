/* The poll pipeline (lib/core/poll/poll.c): answers applied on applier threads while the
 * next requests are on the wire, pages fetched ahead. A fake Shiprocket port (memory store,
 * no network) answers each request from the AWBs in its body: in reverse order, with
 * scripted failures, unmapped statuses, AWBs left out and AWBs not asked for; the summary
 * must be exactly that of the serial cycle. Runs under ThreadSanitizer (ctest label tsan). */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "test_util.h"
#include <ordertrack/adapters/memory.h>
#include <ordertrack/sys/clock.h>
#include <ordertrack/sys/http.h>
#include <ordertrack/sys/storage.h>

#define MAX_BATCHES 256

/* The fake port's script and what it saw. Only the calling thread sends (the pipeline's
 * design), which the port checks, so none of this needs a lock. */
struct port_state {
    pthread_t caller;
    int wrong_thread;
    size_t batches[MAX_BATCHES], batch_count;   /* tracking batches only */
    size_t requests;                            /* tracking requests so far */
    long fail_500, fail_garbage;                /* 0-based request numbers; -1: none */
    int leave_out_last;                         /* request 0 does not mention its last AWB */
    int stranger;                               /* request 0 also answers about ZZZ */
    int unmapped_every;                         /* AWB numbers divisible by it report 99 */
    long delay_us;                              /* per tracking batch */
};

static struct port_state ps;

static void port_reset(void)
{
    memset(&ps, 0, sizeof ps);
    ps.caller = pthread_self();
    ps.fail_500 = ps.fail_garbage = -1;
    ps.delay_us = 2000;
}

static int append(ot_http_response *resp, const char *s, ot_error *err)
{
    return ot_http_response_append_body(resp, s, strlen(s), err);
}

/* One AWB's answer: in transit (18) or an unknown status (99). */
static int answer_awb(ot_http_response *resp, const char *awb, int first, ot_error *err)
{
    char buf[512];
    int num = 0, status;
    sscanf(awb, "A%d", &num);
    status = ps.unmapped_every && num % ps.unmapped_every == 0 ? 99 : 18;
    snprintf(buf, sizeof buf,
             "%s\"%s\": {\"tracking_data\": {\"track_status\": 1, \"shipment_status\": %d,"
             " \"shipment_track\": [{\"awb_code\": \"%s\", \"current_status\": \"S%d\"}],"
             " \"shipment_track_activities\": [{\"date\": \"2026-01-01 10:00:00\","
             " \"activity\": \"S%d\", \"location\": \"Delhi\", \"sr-status\": \"%d\"}]}}",
             first ? "" : ", ", awb, status, awb, status, status, status);
    return append(resp, buf, err);
}

/* Answer one tracking request (body {"awbs": ["A1", ...]}) with the AWBs in reverse. */
static int answer(const ot_http_request *req, ot_http_response *resp, long index,
                  ot_error *err)
{
    char awbs[64][32];
    size_t n = 0, i;
    const char *p = req->body ? strstr((const char *)req->body, "[") : NULL;
    int rc;

    if (index == ps.fail_500)
        return ot_http_response_set_status(resp, 500, err);
    if ((rc = ot_http_response_set_status(resp, 200, err)))
        return rc;
    if (index == ps.fail_garbage)
        return append(resp, "<html>not json</html>", err);
    while (p && (p = strchr(p, '"')) != NULL && n < 64) {
        const char *end = strchr(p + 1, '"');
        size_t len = end ? (size_t)(end - p - 1) : 0;
        if (!end || len >= sizeof awbs[0])
            break;
        memcpy(awbs[n], p + 1, len);
        awbs[n++][len] = '\0';
        p = end + 1;
    }
    if (index == 0 && ps.leave_out_last && n > 0)
        n--;
    if ((rc = append(resp, "{", err)))
        return rc;
    for (i = n; i-- > 0;)
        if ((rc = answer_awb(resp, awbs[i], i == n - 1, err)))
            return rc;
    if (index == 0 && ps.stranger && (rc = answer_awb(resp, "ZZZ", n == 0, err)))
        return rc;
    return append(resp, "}", err);
}

static int fake_send(void *userdata, const ot_http_request *const *requests, size_t n,
                     ot_http_response *const *responses, ot_error *err)
{
    size_t i, base;
    int rc;
    (void)userdata;
    if (!pthread_equal(pthread_self(), ps.caller))
        ps.wrong_thread = 1;
    if (strstr(requests[0]->url, "/auth/login")) {
        if ((rc = ot_http_response_set_status(responses[0], 200, err)))
            return rc;
        return append(responses[0], "{\"token\": \"jwt-1\"}", err);
    }
    if (ps.batch_count < MAX_BATCHES)
        ps.batches[ps.batch_count++] = n;
    base = ps.requests;
    ps.requests += n;
    if (ps.delay_us > 0) {      /* while the appliers work on the previous round */
        struct timespec ts = {0, ps.delay_us * 1000L};
        nanosleep(&ts, NULL);
    }
    for (i = n; i-- > 0;)       /* filled out of order */
        if ((rc = answer(requests[i], responses[i], (long)(base + i), err)))
            return rc;
    return 0;
}

#define T0 1767225600000LL       /* 2026-01-01T00:00:00Z */
static int64_t clock_now = T0;  /* the tracker's and the courier client's clock */

static int64_t fixed_now(void *userdata)
{
    (void)userdata;
    return clock_now;
}

/* Fails the `fail_query`-th storage query (1-based); everything else goes to the store. */
struct fx {
    ot_storage *memory;
    ot_storage wrapped;
    unsigned queries, fail_query;
    unsigned foreign_commits;   /* commits from another thread than the test's */
    ot_clock clock;
    ot_tracker *tracker;
    ot_http_client *http;
    ot_courier_client *courier;
};

static struct fx *the_fx;

static int failing_query(void *userdata, const ot_storage_query *q, ot_storage_emit emit,
                         void *ctx, char *next_cursor, size_t cursor_size, ot_error *err)
{
    struct fx *f = the_fx;     /* `userdata` stays the memory store's */
    if (++f->queries == f->fail_query)
        return ot_error_set(err, OT_ESTORAGE, NULL, "injected query failure");
    return f->memory->query(userdata, q, emit, ctx, next_cursor, cursor_size, err);
}

/* Counts commits made on a thread other than the test's (the poll's applier threads). */
static int counting_commit(void *userdata, int64_t expected, const ot_storage_record *rec,
                           const ot_idempotency_record *idem, ot_error *err)
{
    struct fx *f = the_fx;
    if (!pthread_equal(pthread_self(), ps.caller))
        __atomic_add_fetch(&f->foreign_commits, 1, __ATOMIC_RELAXED);
    return f->memory->commit(userdata, expected, rec, idem, err);
}

static void must(int rc, const ot_error *err, const char *what)
{
    if (rc)
        fail_msg("%s: %s (%s)", what, ot_code_name(rc), err->message);
}

static struct fx *fx_new(size_t orders)
{
    static struct fx fx;
    ot_tracker_options o = OT_TRACKER_OPTIONS_INIT;
    ot_courier_config cc = OT_COURIER_CONFIG_INIT;
    ot_http_policy policy = OT_HTTP_POLICY_INIT;
    ot_http port = OT_HTTP_INIT;
    ot_request r = OT_REQUEST_INIT;
    ot_error err;
    size_t i;

    memset(&fx, 0, sizeof fx);
    /* the simulator dates its scans hours past this fake clock (base_time + i h) */
    o.clock_skew_ms = OT_TRACKER_CLOCK_SKEW_MAX_MS;
    port_reset();
    clock_now = T0;
    fx.clock = (ot_clock)OT_CLOCK_INIT;
    fx.clock.now_ms = fixed_now;
    must(ot_storage_memory_new(&fx.memory, &err), &err, "memory store");
    fx.wrapped = *fx.memory;
    the_fx = &fx;
    fx.wrapped.query = failing_query;
    fx.wrapped.commit = counting_commit;
    fx.wrapped.close = NULL;
    o.storage = &fx.wrapped;
    o.clock = &fx.clock;
    must(ot_tracker_new(&fx.tracker, &o, &err), &err, "tracker");
    r.store_id = "store-1";
    r.customer_id = "cust-1";
    r.provider = OT_PROVIDER_SHIPROCKET;
    for (i = 0; i < orders; i++) {
        char id[32], awb[32];
        snprintf(id, sizeof id, "ord-%05zu", i);
        snprintf(awb, sizeof awb, "A%zu", i);
        r.order_id = id;
        r.tracking_id = awb;
        must(ot_tracker_init_order(NULL, fx.tracker, &r, &err), &err, "init order");
    }
    port.send_batch = fake_send;
    policy.max_attempts = 1;
    policy.breaker_threshold = 0;
    must(ot_http_client_new(&fx.http, &port, &policy, NULL, &err), &err, "http client");
    cc.provider = OT_PROVIDER_SHIPROCKET;
    cc.base_url = "https://apiv2.example.com";
    cc.email = "ops@example.com";
    cc.password = "pw";
    must(ot_courier_client_new(&fx.courier, &cc, &fx.clock, &err), &err, "courier client");
    fx.queries = 0;             /* count the poll's queries only */
    return &fx;
}

static void fx_free(struct fx *f)
{
    ot_courier_client_free(f->courier);
    ot_http_client_free(f->http);
    ot_tracker_free(f->tracker);
    ot_storage_close(f->memory);
}

static int poll_with(struct fx *f, ot_poll_summary *s, unsigned workers, size_t batch,
                     size_t max_orders, int on_caller, ot_error *err)
{
    ot_poll_config pc = OT_POLL_CONFIG_INIT;
    pc.apply_on_caller = on_caller;
    *s = (ot_poll_summary)OT_POLL_SUMMARY_INIT;
    pc.courier = f->courier;
    pc.workers = workers;
    pc.batch_size = batch;
    pc.max_orders = max_orders;
    return ot_poll_run(s, f->tracker, f->http, &pc, err);
}

static int poll(struct fx *f, ot_poll_summary *s, unsigned workers, size_t batch,
                size_t max_orders, ot_error *err)
{
    return poll_with(f, s, workers, batch, max_orders, 0, err);
}

/* Orders whose shipment is now in transit, among the first `n`. */
static size_t in_transit(struct fx *f, size_t n)
{
    size_t i, count = 0;
    for (i = 0; i < n; i++) {
        char id[32];
        ot_order *o = NULL;
        ot_error err;
        snprintf(id, sizeof id, "ord-%05zu", i);
        must(ot_tracker_get(&o, f->tracker, id, &err), &err, "get");
        count += ot_order_shipment_status(o) == OT_SHIPMENT_IN_TRANSIT;
        ot_order_free(o);
    }
    return count;
}

static void expect(const ot_poll_summary *s, size_t orders, size_t requests, size_t failed,
                   size_t changed, size_t unchanged, size_t unknown, size_t issues,
                   size_t errors, size_t missing)
{
    assert_int_equal(s->orders, orders);
    assert_int_equal(s->requests, requests);
    assert_int_equal(s->failed_requests, failed);
    assert_int_equal(s->changed, changed);
    assert_int_equal(s->unchanged, unchanged);
    assert_int_equal(s->unknown, unknown);
    assert_int_equal(s->issues, issues);
    assert_int_equal(s->errors, errors);
    assert_int_equal(s->missing, missing);
}

/* More orders than workers x batch, rounds that straddle storage pages (1000 orders, 350
 * per round), answers out of order: every order is polled once, in rounds of `workers`. */
static void test_pages_and_rounds(void **state)
{
    struct fx *f = fx_new(2345);
    ot_poll_summary s;
    ot_error err;
    size_t i;
    (void)state;

    must(poll(f, &s, 7, 50, 0, &err), &err, "poll");
    expect(&s, 2345, 47, 0, 2345, 0, 0, 0, 0, 0);
    assert_int_equal(s.logins, 1);
    assert_int_equal(s.first_failure.code, 0);
    assert_int_equal(ps.batch_count, 7);
    for (i = 0; i < 6; i++)
        assert_int_equal(ps.batches[i], 7);
    assert_int_equal(ps.batches[6], 5);
    assert_false(ps.wrong_thread);
    assert_int_equal(in_transit(f, 2345), 2345);

    /* the same answers again: each scan is no newer than the order's last one */
    must(poll(f, &s, 7, 50, 0, &err), &err, "poll again");
    expect(&s, 2345, 47, 0, 0, 2345, 0, 0, 0, 0);
    fx_free(f);
}

/* apply_on_caller: the same results, and the tracker's storage is written from the calling
 * thread only (a host whose storage is not thread-safe); by default, with more than one
 * core, the applier threads write. */
static void test_apply_on_caller(void **state)
{
    struct fx *f = fx_new(600);
    ot_poll_summary s;
    ot_error err;
    (void)state;

    must(poll_with(f, &s, 4, 50, 0, 1, &err), &err, "poll on caller");
    expect(&s, 600, 12, 0, 600, 0, 0, 0, 0, 0);
    assert_int_equal(f->foreign_commits, 0);
    assert_int_equal(in_transit(f, 600), 600);
    fx_free(f);

    f = fx_new(600);
    must(poll(f, &s, 4, 50, 0, &err), &err, "poll with appliers");
    expect(&s, 600, 12, 0, 600, 0, 0, 0, 0, 0);
    if (sysconf(_SC_NPROCESSORS_ONLN) > 1)
        assert_true(f->foreign_commits > 0);
    fx_free(f);
}

/* One worker: one request at a time, each applied while the next is sent. */
static void test_one_worker(void **state)
{
    struct fx *f = fx_new(120);
    ot_poll_summary s;
    ot_error err;
    size_t i;
    (void)state;

    must(poll(f, &s, 1, 50, 0, &err), &err, "poll");
    expect(&s, 120, 3, 0, 120, 0, 0, 0, 0, 0);
    assert_int_equal(ps.batch_count, 3);
    for (i = 0; i < 3; i++)
        assert_int_equal(ps.batches[i], 1);
    assert_int_equal(in_transit(f, 120), 120);
    /* max_orders still bounds the run */
    must(poll(f, &s, 1, 50, 70, &err), &err, "poll with max_orders");
    expect(&s, 70, 2, 0, 0, 70, 0, 0, 0, 0);
    fx_free(f);
}

/* Failed requests in two different rounds: counted, their orders untouched, the run goes on,
 * and the first failure is the earlier request's whichever answer was applied first. */
static void test_failures_mid_run(void **state)
{
    struct fx *f = fx_new(600);
    ot_poll_summary s;
    ot_error err;
    (void)state;

    ps.fail_garbage = 9;        /* third round (requests 8-11) */
    ps.fail_500 = 4;            /* second round (requests 4-7) */
    must(poll(f, &s, 4, 50, 0, &err), &err, "poll");
    expect(&s, 600, 12, 2, 500, 0, 0, 0, 0, 0);
    assert_int_equal(s.first_failure.code, OT_EHTTP);
    assert_non_null(strstr(s.first_failure.message, "AWB A200 and others"));
    assert_non_null(strstr(s.first_failure.message, "HTTP 500"));
    assert_int_equal(in_transit(f, 600), 500);
    fx_free(f);
}

/* An answer that leaves an AWB out and names one not asked for, and unmapped statuses
 * (an issue once per order and raw status, across runs). */
static void test_strangers_missing_unmapped(void **state)
{
    struct fx *f = fx_new(300);
    ot_poll_summary s;
    ot_error err;
    (void)state;

    ps.leave_out_last = 1;
    ps.stranger = 1;
    ps.unmapped_every = 10;     /* A0, A10, ... A290: 30 orders */
    must(poll(f, &s, 3, 50, 0, &err), &err, "poll");
    /* A49 left out of request 0 */
    expect(&s, 300, 6, 0, 269, 0, 30, 30, 1, 1);
    assert_int_equal(s.first_failure.code, OT_ENOTFOUND);
    assert_non_null(strstr(s.first_failure.message, "ZZZ"));
    /* the script's request 0 has passed: A49 is answered now, nobody else is named */
    must(poll(f, &s, 3, 50, 0, &err), &err, "poll again");
    expect(&s, 300, 6, 0, 1, 269, 30, 0, 0, 0);
    fx_free(f);
}

/* A storage query failing in the middle: the rounds already sent are applied, the run
 * stops with the query's code, and the summary tells what was done. */
/* stale_after_ms (the fallback tracker): only orders with no courier event in the window,
 * or, with none at all, created before it; max_orders counts the orders taken. */
static void test_stale_selection(void **state)
{
    struct fx *f = fx_new(100);
    ot_poll_config pc = OT_POLL_CONFIG_INIT;
    ot_poll_summary s;
    ot_error err;
    (void)state;

    must(poll(f, &s, 4, 10, 40, &err), &err, "primary poll of 40");
    expect(&s, 40, 4, 0, 40, 0, 0, 0, 0, 0);
    /* 3 h later, 2 h window: the 60 never updated (created at T0) are taken, one per
     * request; the 40 have a scan of 2026-01-01 10:00 (after T0 + 1 h) and are not. */
    clock_now = T0 + 3 * 3600000LL;
    pc.courier = f->courier;
    pc.batch_size = 1;
    pc.workers = 3;
    pc.stale_after_ms = 2 * 3600000LL;
    ps.batch_count = 0;
    s = (ot_poll_summary)OT_POLL_SUMMARY_INIT;
    must(ot_poll_run(&s, f->tracker, f->http, &pc, &err), &err, "fallback poll");
    expect(&s, 60, 60, 0, 60, 0, 0, 0, 0, 0);
    assert_int_equal(ps.batch_count, 20);
    assert_int_equal(ps.batches[0], 3);
    assert_int_equal(in_transit(f, 100), 100);
    /* a day later every order has gone quiet; max_orders caps the orders taken */
    clock_now = T0 + 24 * 3600000LL;
    pc.max_orders = 7;
    must(ot_poll_run(&s, f->tracker, f->http, &pc, &err), &err, "capped fallback poll");
    expect(&s, 7, 7, 0, 0, 7, 0, 0, 0, 0);
    pc.max_orders = 0;
    must(ot_poll_run(&s, f->tracker, f->http, &pc, &err), &err, "whole fallback poll");
    expect(&s, 100, 100, 0, 0, 100, 0, 0, 0, 0);
    /* a window out of range is refused, naming the field */
    pc.stale_after_ms = -1;
    assert_int_equal(ot_poll_run(&s, f->tracker, f->http, &pc, &err), OT_EINVAL);
    assert_string_equal(err.field, "stale_after_ms");
    /* a version 2 config never reads the member */
    pc.version = 2;
    must(ot_poll_run(&s, f->tracker, f->http, &pc, &err), &err, "version 2 config");
    expect(&s, 100, 100, 0, 0, 100, 0, 0, 0, 0);
    fx_free(f);
}

static void test_query_fails_mid_run(void **state)
{
    struct fx *f = fx_new(1500);
    ot_poll_summary s;
    ot_error err;
    (void)state;

    f->fail_query = 2;
    /* page 1 (1000 orders) makes rounds of 350, 350; the 300 left wait for page 2 */
    assert_ot_error(poll(f, &s, 7, 50, 0, &err), OT_ESTORAGE, err);
    expect(&s, 1000, 14, 0, 700, 0, 0, 0, 0, 0);
    assert_int_equal(in_transit(f, 1500), 700);
    fx_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pages_and_rounds),
        cmocka_unit_test(test_apply_on_caller),
        cmocka_unit_test(test_one_worker),
        cmocka_unit_test(test_failures_mid_run),
        cmocka_unit_test(test_strangers_missing_unmapped),
        cmocka_unit_test(test_query_fails_mid_run),
        cmocka_unit_test(test_stale_selection),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
