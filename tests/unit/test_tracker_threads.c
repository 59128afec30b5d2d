/* Several threads hammer one order and many orders through one tracker: no update is lost,
 * no history entry is duplicated, the hash chains verify, and a shared idempotency key has
 * exactly one effect. Several SLA sweepers (one tracker each, as on several processes) race
 * over the same orders: each breach is notified exactly once. Runs under ThreadSanitizer
 * (ctest label tsan). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "test_util.h"
#include <ordertrack/adapters/memory.h>
#include <ordertrack/sys/clock.h>
#include <ordertrack/sys/notice.h>

#define THREADS 4
#define HOT_WRITES 40       /* per thread, on the one hot order */
#define ORDERS 8            /* shared orders */
#define ROUNDS 10           /* writes per thread per shared order */
#define OWN 10              /* orders each thread creates */

struct shared {
    ot_tracker *tracker;
    int failures;           /* written under `lock` */
    int keyed_effects;
    pthread_mutex_t lock;
};

struct worker {
    struct shared *s;
    int id;
};

static void failed(struct shared *s, const char *what, int rc, const ot_error *err)
{
    pthread_mutex_lock(&s->lock);
    s->failures++;
    fprintf(stderr, "%s: %s (%s)\n", what, ot_code_name(rc), err->message);
    pthread_mutex_unlock(&s->lock);
}

static int issue(ot_tracker *t, const char *order_id, const char *description,
                 const char *key, ot_error *err)
{
    ot_request r = OT_REQUEST_INIT;
    r.order_id = order_id;
    r.issue_type = "load";
    r.description = description;
    r.severity = OT_SEVERITY_LOW;
    r.idempotency_key = key;
    return ot_tracker_raise_issue(NULL, t, &r, err);
}

static void *work(void *arg)
{
    struct worker *w = arg;
    struct shared *s = w->s;
    char text[64], id[32];
    ot_error err;
    int i, j, rc;

    for (i = 0; i < HOT_WRITES; i++) {
        snprintf(text, sizeof text, "hot t%d n%d", w->id, i);
        if ((rc = issue(s->tracker, "hot", text, NULL, &err)))
            failed(s, "hot", rc, &err);
    }
    for (i = 0; i < ROUNDS; i++)
        for (j = 0; j < ORDERS; j++) {
            snprintf(id, sizeof id, "shared-%d", (j + w->id) % ORDERS);
            snprintf(text, sizeof text, "t%d r%d", w->id, i);
            if ((rc = issue(s->tracker, id, text, NULL, &err)))
                failed(s, "shared", rc, &err);
        }
    for (i = 0; i < OWN; i++) {
        ot_request r = OT_REQUEST_INIT;
        snprintf(id, sizeof id, "own-%d-%d", w->id, i);
        r.order_id = id;
        r.store_id = "store-1";
        r.customer_id = "cust";
        r.provider = OT_PROVIDER_INTERNAL;
        if ((rc = ot_tracker_init_order(NULL, s->tracker, &r, &err)))
            failed(s, "own", rc, &err);
        r.status = OT_STATUS_STORE_NOTIFIED;
        if ((rc = ot_tracker_set_status(NULL, s->tracker, &r, &err)))
            failed(s, "own status", rc, &err);
    }
    /* every thread sends the same keyed request: one effect, the others replay it */
    if ((rc = issue(s->tracker, "hot", "keyed", "same-key", &err)))
        failed(s, "keyed", rc, &err);
    return NULL;
}

static void check_order(ot_tracker *t, const char *id, int64_t version, size_t issues)
{
    ot_order *o = NULL;
    ot_history_entry a = OT_HISTORY_ENTRY_INIT, b = OT_HISTORY_ENTRY_INIT;
    ot_error err;
    size_t i, j, n;
    assert_int_equal(ot_tracker_get(&o, t, id, &err), 0);
    assert_int_equal(ot_order_version(o), version);
    assert_int_equal(ot_order_issue_count(o), issues);
    n = ot_order_history_count(o);
    assert_int_equal(n, (size_t)version);
    if (ot_order_verify_history(o, &err))
        fail_msg("%s: %s", id, err.message);
    /* no entry twice: every issue_raised entry's hash is distinct (cheap check on the
     * descriptions would miss equal ones; hashes chain, so compare neighbours' links) */
    for (i = 1; i < n; i++) {
        assert_int_equal(ot_order_history_at(&a, o, i - 1, &err), 0);
        assert_int_equal(ot_order_history_at(&b, o, i, &err), 0);
        assert_string_equal(b.prev_hash, a.hash);
    }
    for (i = 0; i < issues; i++) {
        ot_issue_view x = OT_ISSUE_VIEW_INIT, y = OT_ISSUE_VIEW_INIT;
        assert_int_equal(ot_order_issue_at(&x, o, i, &err), 0);
        for (j = i + 1; j < issues; j++) {
            assert_int_equal(ot_order_issue_at(&y, o, j, &err), 0);
            if (strcmp(x.description, y.description) == 0)
                fail_msg("%s: issue \"%s\" recorded twice", id, x.description);
        }
    }
    ot_order_free(o);
}

static void test_hammer(void **state)
{
    struct shared s;
    struct worker w[THREADS];
    pthread_t th[THREADS];
    ot_storage *st = NULL;
    ot_tracker_options o = OT_TRACKER_OPTIONS_INIT;
    ot_request r = OT_REQUEST_INIT;
    ot_error err;
    char id[32];
    int i, j;
    (void)state;

    memset(&s, 0, sizeof s);
    pthread_mutex_init(&s.lock, NULL);
    assert_int_equal(ot_storage_memory_new(&st, &err), 0);
    o.storage = st;
    o.max_retries = 100;
    o.max_issues = OT_TRACKER_MAX_COUNT_LIMIT; /* every thread raises issues on "hot" */
    assert_int_equal(ot_tracker_new(&s.tracker, &o, &err), 0);
    r.store_id = "store-1";
    r.customer_id = "cust";
    r.provider = OT_PROVIDER_UBER;
    r.order_id = "hot";
    assert_int_equal(ot_tracker_init_order(NULL, s.tracker, &r, &err), 0);
    for (i = 0; i < ORDERS; i++) {
        snprintf(id, sizeof id, "shared-%d", i);
        r.order_id = id;
        assert_int_equal(ot_tracker_init_order(NULL, s.tracker, &r, &err), 0);
    }
    for (i = 0; i < THREADS; i++) {
        w[i].s = &s;
        w[i].id = i;
        assert_int_equal(pthread_create(&th[i], NULL, work, &w[i]), 0);
    }
    for (i = 0; i < THREADS; i++)
        pthread_join(th[i], NULL);
    assert_int_equal(s.failures, 0);

    /* hot: init + every thread's writes + one keyed write */
    check_order(s.tracker, "hot", 1 + THREADS * HOT_WRITES + 1, THREADS * HOT_WRITES + 1);
    for (i = 0; i < ORDERS; i++) {
        snprintf(id, sizeof id, "shared-%d", i);
        check_order(s.tracker, id, 1 + THREADS * ROUNDS, THREADS * ROUNDS);
    }
    for (i = 0; i < THREADS; i++)
        for (j = 0; j < OWN; j++) {
            snprintf(id, sizeof id, "own-%d-%d", i, j);
            check_order(s.tracker, id, 2, 0);
        }
    ot_tracker_free(s.tracker);
    ot_storage_close(st);
    pthread_mutex_destroy(&s.lock);
}

#define SWEPT 20             /* orders the sweepers race over */
#define T0 INT64_C(1795416001000)

struct sweeper {
    ot_tracker *tracker;
    pthread_mutex_t *lock;
    int *breaches;          /* notices of all sweepers, under `lock` */
    ot_sla_sweep_result result;
    int rc;
};

static int64_t fixed_clock(void *userdata)
{
    (void)userdata;
    return T0;
}

static void count_breach(void *userdata, const ot_notice *n)
{
    struct sweeper *w = userdata;
    if (n->kind != OT_NOTICE_SLA_BREACH)
        return;
    pthread_mutex_lock(w->lock);
    (*w->breaches)++;
    pthread_mutex_unlock(w->lock);
}

static void *sweep(void *arg)
{
    struct sweeper *w = arg;
    w->rc = ot_tracker_sla_sweep(&w->result, w->tracker, T0 + 300001, 0, NULL);
    return NULL;
}

static void test_concurrent_sweeps(void **state)
{
    struct sweeper w[THREADS];
    pthread_t th[THREADS];
    pthread_mutex_t lock;
    ot_storage *st = NULL;
    ot_clock clock = OT_CLOCK_INIT;
    ot_notice_sink sink = OT_NOTICE_SINK_INIT;
    ot_tracker_options o = OT_TRACKER_OPTIONS_INIT;
    ot_request r = OT_REQUEST_INIT;
    ot_error err;
    char id[32];
    int i, breaches = 0;
    size_t notices = 0;
    (void)state;

    pthread_mutex_init(&lock, NULL);
    assert_int_equal(ot_storage_memory_new(&st, &err), 0);
    clock.now_ms = fixed_clock;
    o.storage = st;
    o.clock = &clock;
    o.notices = &sink;
    o.max_retries = 100;
    o.max_issues = OT_TRACKER_MAX_COUNT_LIMIT; /* every thread raises issues on "hot" */
    sink.notify = count_breach;
    for (i = 0; i < THREADS; i++) {
        w[i].lock = &lock;
        w[i].breaches = &breaches;
        w[i].result = (ot_sla_sweep_result)OT_SLA_SWEEP_RESULT_INIT;
        sink.userdata = &w[i];
        assert_int_equal(ot_tracker_new(&w[i].tracker, &o, &err), 0);
    }
    r.store_id = "store-1";
    r.customer_id = "cust";
    r.provider = OT_PROVIDER_UBER;
    for (i = 0; i < SWEPT; i++) {
        snprintf(id, sizeof id, "late-%02d", i);
        r.order_id = id;
        r.status = OT_STATUS_STORE_NOTIFIED;
        assert_int_equal(ot_tracker_init_order(NULL, w[0].tracker, &r, &err), 0);
        assert_int_equal(ot_tracker_set_status(NULL, w[0].tracker, &r, &err), 0);
    }
    for (i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&th[i], NULL, sweep, &w[i]), 0);
    for (i = 0; i < THREADS; i++)
        pthread_join(th[i], NULL);
    for (i = 0; i < THREADS; i++) {
        assert_int_equal(w[i].rc, 0);
        assert_int_equal(w[i].result.complete, 1);
        notices += w[i].result.notices;
    }
    assert_int_equal(breaches, SWEPT);
    assert_int_equal(notices, SWEPT);
    for (i = 0; i < SWEPT; i++) {
        ot_order *ord = NULL;
        snprintf(id, sizeof id, "late-%02d", i);
        assert_int_equal(ot_tracker_get(&ord, w[0].tracker, id, &err), 0);
        assert_int_equal(ot_order_version(ord), 3);     /* init, notified, one sla_notified */
        assert_int_equal(ot_order_verify_history(ord, &err), 0);
        ot_order_free(ord);
    }
    for (i = 0; i < THREADS; i++)
        ot_tracker_free(w[i].tracker);
    ot_storage_close(st);
    pthread_mutex_destroy(&lock);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hammer),
        cmocka_unit_test(test_concurrent_sweeps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
