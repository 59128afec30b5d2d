/* The escalation ladder on an injected clock (nothing sleeps): the store-acknowledgment sweep
 * (level 1 at the breach, nothing until the further time, level 2 then, nothing after; an
 * acknowledgment in between stops it; a reassigned store starts again), once across a restart
 * (SQLite) and against a concurrent sweeper, the no-driver escalation at attempt N, and the
 * policy checks. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "test_util.h"
#include <ordertrack/adapters/memory.h>
#include <ordertrack/sys/clock.h>
#include <ordertrack/sys/notice.h>
#ifdef OT_TEST_SQLITE
#include <ordertrack/adapters/sqlite.h>
#endif

#define T0 1795416001000LL /* 2026-11-23T06:40:01.000Z */
#define A 300000LL         /* default store acknowledgment allowance */
#define E 600000LL         /* default further time before level 2 */

struct fixture {
    ot_storage *storage;
    ot_tracker *tracker;
    int64_t now;
    int kinds[16];          /* notices by kind */
    char last_detail[64];   /* of the last TIMEOUT_ALERT or ESCALATION */
    ot_storage wrapper;     /* a storage whose commit lets `rival` sweep first */
    ot_tracker *rival;
    int inject;
    char path[256];         /* SQLite file, or "" */
};

static int64_t clock_now(void *userdata)
{
    return ((struct fixture *)userdata)->now;
}

static void on_notice(void *userdata, const ot_notice *n)
{
    struct fixture *f = userdata;
    assert_true(n->kind > 0 && n->kind < 16);
    f->kinds[n->kind]++;
    if (n->kind == OT_NOTICE_TIMEOUT_ALERT || n->kind == OT_NOTICE_ESCALATION)
        snprintf(f->last_detail, sizeof f->last_detail, "%s", n->detail);
}

static void must(int rc, const ot_error *err, const char *what)
{
    if (rc)
        fail_msg("%s: %s (%s)", what, ot_code_name(rc), err->message);
}

static ot_tracker *make_tracker(struct fixture *f, const ot_storage *storage,
                                const ot_escalation_policy *policy)
{
    ot_clock clock = OT_CLOCK_INIT;
    ot_notice_sink sink = OT_NOTICE_SINK_INIT;
    ot_tracker_options o = OT_TRACKER_OPTIONS_INIT;
    ot_tracker *t = NULL;
    ot_error err;
    clock.now_ms = clock_now;
    clock.userdata = f;
    sink.notify = on_notice;
    sink.userdata = f;
    o.storage = storage;
    o.clock = &clock;
    o.notices = &sink;
    o.escalation = policy;
    must(ot_tracker_new(&t, &o, &err), &err, "tracker");
    return t;
}

static void open_storage(struct fixture *f)
{
    ot_error err;
#ifdef OT_TEST_SQLITE
    if (f->path[0]) {
        must(ot_storage_sqlite_open(&f->storage, f->path, NULL, &err), &err, "sqlite");
        return;
    }
#endif
    must(ot_storage_memory_new(&f->storage, &err), &err, "memory");
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    f->now = T0;
    open_storage(f);
    f->tracker = make_tracker(f, f->storage, NULL);
    *state = f;
    return 0;
}

#ifdef OT_TEST_SQLITE
static int setup_sqlite(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    f->now = T0;
    snprintf(f->path, sizeof f->path, "%s/ot-escalation-%ld.db",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (long)getpid());
    unlink(f->path);
    open_storage(f);
    f->tracker = make_tracker(f, f->storage, NULL);
    *state = f;
    return 0;
}
#endif

static int teardown(void **state)
{
    struct fixture *f = *state;
    char side[300];
    ot_tracker_free(f->tracker);
    ot_tracker_free(f->rival);
    ot_storage_close(f->storage);
    if (f->path[0]) {
        unlink(f->path);
        snprintf(side, sizeof side, "%s-wal", f->path);
        unlink(side);
        snprintf(side, sizeof side, "%s-shm", f->path);
        unlink(side);
    }
    free(f);
    return 0;
}

static ot_request req(const char *order_id, const char *store_id)
{
    ot_request r = OT_REQUEST_INIT;
    r.order_id = order_id;
    r.store_id = store_id;
    r.updated_by = "tester";
    return r;
}

/* A new order of `store`, notified to it at T0. */
static void notified_order(struct fixture *f, const char *id, const char *store)
{
    ot_request r = req(id, store);
    ot_error err;
    f->now = T0 - 1000;
    r.customer_id = "cust-1";
    r.provider = OT_PROVIDER_UBER;
    must(ot_tracker_init_order(NULL, f->tracker, &r, &err), &err, "init");
    r = req(id, NULL);
    r.status = OT_STATUS_STORE_NOTIFIED;
    f->now = T0;
    must(ot_tracker_set_status(NULL, f->tracker, &r, &err), &err, "store_notified");
}

static ot_escalation_sweep_result sweep_at(struct fixture *f, ot_tracker *t, int64_t at)
{
    ot_escalation_sweep_result r = OT_ESCALATION_SWEEP_RESULT_INIT;
    ot_error err;
    f->now = at;
    must(ot_tracker_store_ack_sweep(&r, t, 0, 0, &err), &err, "sweep");
    assert_int_equal(r.complete, 1);
    return r;
}

/* The issues of `id` of `type` and `severity` ("high", "critical"). */
static size_t issues(struct fixture *f, const char *id, const char *type, int severity)
{
    ot_issue_view v = OT_ISSUE_VIEW_INIT;
    ot_order *o = NULL;
    ot_error err;
    size_t i, n = 0;
    must(ot_tracker_get(&o, f->tracker, id, &err), &err, "get");
    for (i = 0; i < ot_order_issue_count(o); i++)
        if (ot_order_issue_at(&v, o, i, NULL) == 0 && strcmp(v.issue_type, type) == 0 &&
            v.severity == severity)
            n++;
    must(ot_order_verify_history(o, &err), &err, "verify");
    ot_order_free(o);
    return n;
}

static void test_ladder(void **state)
{
    struct fixture *f = *state;
    ot_escalation_sweep_result r;

    notified_order(f, "o1", "store-1");
    r = sweep_at(f, f->tracker, T0 + A);            /* at the allowance: not breached */
    assert_int_equal(r.examined, 1);
    assert_int_equal(r.alerts + r.escalations, 0);
    r = sweep_at(f, f->tracker, T0 + A + 1);        /* level 1 */
    assert_int_equal(r.alerts, 1);
    assert_int_equal(r.escalations, 0);
    assert_int_equal(f->kinds[OT_NOTICE_TIMEOUT_ALERT], 1);
    assert_string_equal(f->last_detail, "store_ack_timeout");
    assert_int_equal(f->kinds[OT_NOTICE_ISSUE_RAISED], 0);  /* the step says it */
    assert_int_equal(issues(f, "o1", "store_ack_timeout", OT_SEVERITY_HIGH), 1);
    r = sweep_at(f, f->tracker, T0 + A + 2);        /* nothing more ... */
    assert_int_equal(r.alerts + r.escalations, 0);
    r = sweep_at(f, f->tracker, T0 + A + E);        /* ... until the further time */
    assert_int_equal(r.alerts + r.escalations, 0);
    r = sweep_at(f, f->tracker, T0 + A + E + 1);    /* level 2 */
    assert_int_equal(r.alerts, 0);
    assert_int_equal(r.escalations, 1);
    assert_int_equal(f->kinds[OT_NOTICE_ESCALATION], 1);
    assert_string_equal(f->last_detail, "store_ack_timeout");
    assert_int_equal(issues(f, "o1", "store_ack_timeout", OT_SEVERITY_CRITICAL), 1);
    r = sweep_at(f, f->tracker, T0 + 86400000);     /* nothing after */
    assert_int_equal(r.alerts + r.escalations, 0);
    assert_int_equal(f->kinds[OT_NOTICE_TIMEOUT_ALERT], 1);
    assert_int_equal(f->kinds[OT_NOTICE_ESCALATION], 1);
    assert_int_equal(issues(f, "o1", "store_ack_timeout", OT_SEVERITY_HIGH), 1);

#ifdef OT_TEST_SQLITE
    if (f->path[0]) {   /* a restart: a new storage handle and tracker read it back */
        ot_tracker_free(f->tracker);
        ot_storage_close(f->storage);
        open_storage(f);
        f->tracker = make_tracker(f, f->storage, NULL);
        r = sweep_at(f, f->tracker, T0 + 2 * 86400000LL);
        assert_int_equal(r.examined, 1);
        assert_int_equal(r.alerts + r.escalations, 0);
    }
#endif
}

static void test_acknowledged_between(void **state)
{
    struct fixture *f = *state;
    ot_escalation_sweep_result r;
    ot_request ack = req("o2", "store-1");
    ot_error err;

    notified_order(f, "o2", "store-1");
    r = sweep_at(f, f->tracker, T0 + A + 1000);
    assert_int_equal(r.alerts, 1);
    f->now = T0 + A + 2000;
    must(ot_tracker_store_acknowledge(NULL, f->tracker, &ack, &err), &err, "ack");
    r = sweep_at(f, f->tracker, T0 + A + E + 5000);
    assert_int_equal(r.examined, 0);                /* no longer store_notified */
    assert_int_equal(f->kinds[OT_NOTICE_ESCALATION], 0);
    assert_int_equal(issues(f, "o2", "store_ack_timeout", OT_SEVERITY_CRITICAL), 0);
}

/* Found late (the host was down): level 2 only, once; a reassigned store starts again. */
static void test_late_and_reassigned(void **state)
{
    struct fixture *f = *state;
    ot_escalation_sweep_result r;
    ot_request reject = req("o3", "store-1");
    ot_error err;

    notified_order(f, "o3", "store-1");
    r = sweep_at(f, f->tracker, T0 + 3600000);
    assert_int_equal(r.alerts, 0);
    assert_int_equal(r.escalations, 1);
    assert_int_equal(f->kinds[OT_NOTICE_TIMEOUT_ALERT], 0);
    r = sweep_at(f, f->tracker, T0 + 3600001);
    assert_int_equal(r.alerts + r.escalations, 0);

    reject.rejected = 1;
    reject.reason = "closed";
    reject.reassign_to = "store-2";
    f->now = T0 + 3700000;
    must(ot_tracker_store_acknowledge(NULL, f->tracker, &reject, &err), &err, "reject");
    r = sweep_at(f, f->tracker, T0 + 3700000 + A);
    assert_int_equal(r.alerts + r.escalations, 0);
    r = sweep_at(f, f->tracker, T0 + 3700000 + A + 1);
    assert_int_equal(r.alerts, 1);                  /* store-2's own ladder */
    assert_int_equal(issues(f, "o3", "store_ack_timeout", OT_SEVERITY_HIGH), 1);
    assert_int_equal(issues(f, "o3", "store_ack_timeout", OT_SEVERITY_CRITICAL), 1);
}

/* A store_ack_timeout issue raised before 1.2 (ordertrackd's own sweep) counts as level 1;
 * store_ack_escalation_ms 0 switches level 2 off. */
static void test_legacy_issue_and_no_level2(void **state)
{
    struct fixture *f = *state;
    ot_escalation_policy p = OT_ESCALATION_POLICY_INIT;
    ot_escalation_sweep_result r;
    ot_request raise = req("o4", NULL);
    ot_tracker *t;
    ot_error err;

    notified_order(f, "o4", "store-1");
    raise.issue_type = "store_ack_timeout";
    raise.description = "store store-1 did not acknowledge within 300000 ms";
    raise.severity = OT_SEVERITY_HIGH;
    f->now = T0 + A + 1;
    must(ot_tracker_raise_issue(NULL, f->tracker, &raise, &err), &err, "raise");
    r = sweep_at(f, f->tracker, T0 + A + 10);
    assert_int_equal(r.alerts + r.escalations, 0);
    r = sweep_at(f, f->tracker, T0 + A + E + 1);
    assert_int_equal(r.escalations, 1);

    p.store_ack_escalation_ms = 0;
    t = make_tracker(f, f->storage, &p);
    notified_order(f, "o5", "store-1");
    r = sweep_at(f, t, T0 + 86400000);
    assert_int_equal(r.alerts, 1);
    assert_int_equal(r.escalations, 0);
    r = sweep_at(f, t, T0 + 2 * 86400000LL);
    assert_int_equal(r.alerts + r.escalations, 0);
    ot_tracker_free(t);
}

/* The fixture of the commit trampoline (the wrapper's userdata stays the adapter's). */
static struct fixture *current;

static int rival_commit(void *userdata, int64_t expected, const ot_storage_record *rec,
                        const ot_idempotency_record *idem, ot_error *err)
{
    struct fixture *f = current;
    (void)userdata;
    if (f->inject > 0) {
        ot_escalation_sweep_result r = OT_ESCALATION_SWEEP_RESULT_INIT;
        f->inject--;
        assert_int_equal(ot_tracker_store_ack_sweep(&r, f->rival, 0, 0, NULL), 0);
        assert_int_equal(r.alerts, 1);
    }
    return f->storage->commit(f->storage->userdata, expected, rec, idem, err);
}

/* Two instances on one storage: the commit loser reloads, finds the level recorded and stays
 * quiet. */
static void test_concurrent(void **state)
{
    struct fixture *f = *state;
    ot_escalation_sweep_result r;
    ot_tracker *mine;

    notified_order(f, "c1", "store-1");
    f->rival = make_tracker(f, f->storage, NULL);
    f->wrapper = *f->storage;
    current = f;
    f->wrapper.commit = rival_commit;
    f->wrapper.close = NULL;
    mine = make_tracker(f, &f->wrapper, NULL);
    f->inject = 1;
    r = sweep_at(f, mine, T0 + A + 1);
    assert_int_equal(r.examined, 1);
    assert_int_equal(r.alerts, 0);
    assert_int_equal(r.conflicts, 1);
    assert_int_equal(f->kinds[OT_NOTICE_TIMEOUT_ALERT], 1);
    assert_int_equal(issues(f, "c1", "store_ack_timeout", OT_SEVERITY_HIGH), 1);
    ot_tracker_free(mine);
}

/* Assign without a driver: attempts 1..N-1 are ordinary no_drivers issues, attempt N
 * escalates once, later attempts do not. */
static void test_no_driver(void **state)
{
    struct fixture *f = *state;
    ot_escalation_policy p = OT_ESCALATION_POLICY_INIT;
    ot_request r = req("d1", "store-1");
    ot_tracker *t;
    int64_t retry = 0;
    ot_error err;
    int attempt;
    static const int status[] = {OT_STATUS_STORE_NOTIFIED, OT_STATUS_STORE_ACKNOWLEDGED,
                                 OT_STATUS_PICKING_IN_PROGRESS, OT_STATUS_READY_FOR_PICKUP};
    size_t i;

    p.no_driver_escalation_attempts = 4;
    t = make_tracker(f, f->storage, &p);
    r.customer_id = "cust-1";
    r.provider = OT_PROVIDER_INTERNAL;
    must(ot_tracker_init_order(NULL, t, &r, &err), &err, "init");
    for (i = 0; i < sizeof status / sizeof status[0]; i++) {
        ot_request s = req("d1", NULL);
        s.status = status[i];
        must(ot_tracker_set_status(NULL, t, &s, &err), &err, "status");
    }
    r = req("d1", NULL);
    for (attempt = 1; attempt <= 6; attempt++) {
        f->now += 1000;
        must(ot_tracker_assign_driver(NULL, &retry, t, &r, &err), &err, "no driver");
        assert_true(retry > 0);
        assert_int_equal(f->kinds[OT_NOTICE_ESCALATION], attempt >= 4);
        assert_int_equal(f->kinds[OT_NOTICE_ISSUE_RAISED], attempt - (attempt >= 4));
    }
    assert_string_equal(f->last_detail, "no_drivers");
    assert_int_equal(issues(f, "d1", "no_drivers", OT_SEVERITY_MEDIUM), 6);
    assert_int_equal(issues(f, "d1", "no_drivers", OT_SEVERITY_CRITICAL), 1);
    assert_int_equal(f->kinds[OT_NOTICE_TIMEOUT_ALERT], 0);
    ot_tracker_free(t);

    /* 0: never */
    p.no_driver_escalation_attempts = 0;
    t = make_tracker(f, f->storage, &p);
    for (attempt = 0; attempt < 3; attempt++)
        must(ot_tracker_assign_driver(NULL, NULL, t, &r, &err), &err, "no driver");
    assert_int_equal(f->kinds[OT_NOTICE_ESCALATION], 1);
    ot_tracker_free(t);
}

static void test_bad_input(void **state)
{
    struct fixture *f = *state;
    ot_escalation_policy p = OT_ESCALATION_POLICY_INIT;
    ot_escalation_sweep_result r = OT_ESCALATION_SWEEP_RESULT_INIT;
    ot_tracker_options o = OT_TRACKER_OPTIONS_INIT;
    ot_tracker *t = NULL;
    ot_error err;

    o.storage = f->storage;
    o.escalation = &p;
    p.version = 0;
    assert_ot_error(ot_tracker_new(&t, &o, &err), OT_EVERSION, err);
    p.version = OT_ESCALATION_POLICY_VERSION + 1;
    assert_ot_error(ot_tracker_new(&t, &o, &err), OT_EVERSION, err);
    p.version = OT_ESCALATION_POLICY_VERSION;
    p.store_ack_escalation_ms = -1;
    assert_ot_error(ot_tracker_new(&t, &o, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "store_ack_escalation_ms");
    p.store_ack_escalation_ms = OT_ESCALATION_MAX_MS + 1;
    assert_ot_error(ot_tracker_new(&t, &o, &err), OT_EINVAL, err);
    p.store_ack_escalation_ms = OT_ESCALATION_MAX_MS;
    p.no_driver_escalation_attempts = OT_ESCALATION_MAX_ATTEMPTS + 1;
    assert_ot_error(ot_tracker_new(&t, &o, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "no_driver_escalation_attempts");
    assert_null(t);
    /* a version 3 caller has no `escalation` member: never read */
    o.version = 3;
    must(ot_tracker_new(&t, &o, &err), &err, "options v3");
    ot_tracker_free(t);

    assert_ot_error(ot_tracker_store_ack_sweep(NULL, f->tracker, 0, 0, &err), OT_EINVAL, err);
    assert_ot_error(ot_tracker_store_ack_sweep(&r, NULL, 0, 0, &err), OT_EINVAL, err);
    assert_ot_error(ot_tracker_store_ack_sweep(&r, f->tracker, -1, 0, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "now_ms");
    memset(r.resume, 'x', sizeof r.resume);
    assert_ot_error(ot_tracker_store_ack_sweep(&r, f->tracker, 0, 0, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "resume");
    r.resume[0] = '\0';
    r.version = 2;
    assert_ot_error(ot_tracker_store_ack_sweep(&r, f->tracker, 0, 0, &err), OT_EVERSION, err);
    assert_ot_error(ot_escalation_policy_init(&p, 2, &err), OT_EVERSION, err);
    assert_ot_error(ot_escalation_sweep_result_init(NULL, 1, &err), OT_EINVAL, err);
    must(ot_escalation_policy_init(&p, 1, &err), &err, "policy init");
    assert_int_equal(p.store_ack_escalation_ms, E);
    assert_int_equal(p.no_driver_escalation_attempts, 3);
    must(ot_escalation_sweep_result_init(&r, 1, &err), &err, "result init");
    assert_int_equal(r.complete, 0);
}

/* A bounded sweep goes round in chunks and records every order once. */
static void test_bounded(void **state)
{
    struct fixture *f = *state;
    ot_escalation_sweep_result r = OT_ESCALATION_SWEEP_RESULT_INIT;
    size_t alerts = 0, calls = 0;
    char id[16];
    ot_error err;
    int i;

    for (i = 0; i < 7; i++) {
        snprintf(id, sizeof id, "b%d", i);
        notified_order(f, id, "store-1");
    }
    f->now = T0 + A + 1;
    do {
        must(ot_tracker_store_ack_sweep(&r, f->tracker, 0, 3, &err), &err, "bounded");
        assert_true(r.examined <= 3);
        alerts += r.alerts;
        calls++;
    } while (!r.complete);
    assert_int_equal(alerts, 7);
    assert_int_equal(calls, 3);
    assert_int_equal(f->kinds[OT_NOTICE_TIMEOUT_ALERT], 7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_ladder, setup, teardown),
#ifdef OT_TEST_SQLITE
        cmocka_unit_test_setup_teardown(test_ladder, setup_sqlite, teardown),
        cmocka_unit_test_setup_teardown(test_concurrent, setup_sqlite, teardown),
#endif
        cmocka_unit_test_setup_teardown(test_acknowledged_between, setup, teardown),
        cmocka_unit_test_setup_teardown(test_late_and_reassigned, setup, teardown),
        cmocka_unit_test_setup_teardown(test_legacy_issue_and_no_level2, setup, teardown),
        cmocka_unit_test_setup_teardown(test_concurrent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_driver, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_input, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bounded, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
