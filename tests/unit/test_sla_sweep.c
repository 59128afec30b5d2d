/* SLA from the tracker: times from an order record, the /sla report, the sweep that notifies
 * each warning and breach exactly once (across sweeps, a restart, on memory and SQLite
 * storage, and against a concurrent sweeper), per-store policies, and the ALERT /
 * RTO_STARTED notices. An injected clock: nothing sleeps. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "test_util.h"
#include "alloc_sweep.h"
#include <ordertrack/adapters/memory.h>
#include <ordertrack/sys/clock.h>
#include <ordertrack/sys/notice.h>
#ifdef OT_TEST_SQLITE
#include <ordertrack/adapters/sqlite.h>
#endif

#define T0 1795416001000LL /* 2026-11-23T06:40:01.000Z */
#define W 240000LL         /* default store acknowledgment: warning */
#define A 300000LL         /* and allowance */

struct seen {
    int kind;
    char order_id[64];
    char detail[64];
};

struct fixture {
    ot_storage *storage;
    ot_tracker *tracker;
    int64_t now;
    struct seen seen[64];
    size_t count;
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
    struct seen *s;
    assert_true(f->count < sizeof f->seen / sizeof f->seen[0]);
    s = &f->seen[f->count++];
    s->kind = n->kind;
    snprintf(s->order_id, sizeof s->order_id, "%s", n->order_id);
    snprintf(s->detail, sizeof s->detail, "%s", n->detail ? n->detail : "");
}

/* Notices of `kind` (about `order_id` and with `detail` when not NULL). */
static int seen(const struct fixture *f, int kind, const char *order_id, const char *detail)
{
    size_t i;
    int n = 0;
    for (i = 0; i < f->count; i++)
        if (f->seen[i].kind == kind && (!order_id || !strcmp(f->seen[i].order_id, order_id)) &&
            (!detail || !strcmp(f->seen[i].detail, detail)))
            n++;
    return n;
}

static void must(int rc, const ot_error *err, const char *what)
{
    if (rc)
        fail_msg("%s: %s (%s)", what, ot_code_name(rc), err->message);
}

static ot_tracker *make_tracker(struct fixture *f, const ot_storage *storage,
                                const ot_sla_policies *sla, ot_metrics *metrics)
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
    o.sla = sla;
    o.metrics = metrics;
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
    f->tracker = make_tracker(f, f->storage, NULL, NULL);
    *state = f;
    return 0;
}

#ifdef OT_TEST_SQLITE
static int setup_sqlite(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    f->now = T0;
    snprintf(f->path, sizeof f->path, "%s/ot-sla-sweep-%ld.db",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (long)getpid());
    unlink(f->path);
    open_storage(f);
    f->tracker = make_tracker(f, f->storage, NULL, NULL);
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

static void init_order(struct fixture *f, const char *id, const char *store, int provider,
                       const char *awb, int64_t eta)
{
    ot_request r = req(id, store);
    ot_error err;
    r.customer_id = "cust-1";
    r.provider = provider;
    r.tracking_id = awb;
    r.estimated_delivery_ms = eta;
    must(ot_tracker_init_order(NULL, f->tracker, &r, &err), &err, "init");
}

/* A write at time `at` (the clock reads it). */
static void set_status(struct fixture *f, int64_t at, const char *id, int status)
{
    ot_request r = req(id, NULL);
    ot_error err;
    f->now = at;
    r.status = status;
    must(ot_tracker_set_status(NULL, f->tracker, &r, &err), &err, "set_status");
}

static ot_update parcel(const char *awb, const char *event_id, int shipment, int64_t when)
{
    ot_update u = OT_UPDATE_INIT;
    u.provider = OT_PROVIDER_DELHIVERY;
    u.tracking_id = awb;
    u.event_id = event_id;
    u.shipment_status = shipment;
    u.raw_status = "scan";
    u.event_time_ms = when;
    return u;
}

static void courier(struct fixture *f, int64_t at, ot_update u)
{
    ot_error err;
    f->now = at;
    must(ot_tracker_apply_update(NULL, f->tracker, &u, NULL, &err), &err, "courier update");
}

static void times_of(struct fixture *f, const char *id, ot_sla_times *t)
{
    static char store[64];  /* store_id is borrowed from the record: keep a copy */
    ot_order *o = NULL;
    ot_error err;
    must(ot_tracker_get(&o, f->tracker, id, &err), &err, "get");
    t->version = OT_SLA_TIMES_VERSION;
    must(ot_sla_times_from_order(t, o, &err), &err, "times");
    snprintf(store, sizeof store, "%s", t->store_id ? t->store_id : "");
    t->store_id = store;
    ot_order_free(o);
}

static size_t sla_events(struct fixture *f, const char *id)
{
    ot_history_entry h = OT_HISTORY_ENTRY_INIT;
    ot_order *o = NULL;
    ot_error err;
    size_t i, n = 0;
    must(ot_tracker_get(&o, f->tracker, id, &err), &err, "get");
    for (i = 0; i < ot_order_history_count(o); i++)
        if (ot_order_history_at(&h, o, i, NULL) == 0 && strcmp(h.event, "sla_notified") == 0)
            n++;
    must(ot_order_verify_history(o, &err), &err, "verify");
    ot_order_free(o);
    return n;
}

static ot_sla_sweep_result sweep_at(struct fixture *f, ot_tracker *t, int64_t at, size_t max)
{
    ot_sla_sweep_result r = OT_SLA_SWEEP_RESULT_INIT;
    ot_error err;
    f->now = at;
    must(ot_tracker_sla_sweep(&r, t, 0, max, &err), &err, "sweep");
    return r;
}

static void test_times_hyperlocal(void **state)
{
    struct fixture *f = *state;
    ot_sla_times t = OT_SLA_TIMES_INIT;
    ot_request r = req("h1", "store-1");
    ot_error err;
    ot_order *o;

    init_order(f, "h1", "store-1", OT_PROVIDER_UBER, NULL, T0 + 3600000);
    times_of(f, "h1", &t);
    assert_int_equal(t.store_notified_ms, 0);
    assert_int_equal(t.provider, OT_PROVIDER_UBER);
    assert_string_equal(t.store_id, "store-1");
    assert_int_equal(t.estimated_delivery_ms, T0 + 3600000);

    set_status(f, T0 + 1000, "h1", OT_STATUS_STORE_NOTIFIED);
    f->now = T0 + 61000;
    r.updated_by = NULL;
    must(ot_tracker_store_acknowledge(NULL, f->tracker, &r, &err), &err, "ack");
    f->now = T0 + 121000;
    must(ot_tracker_start_picking(NULL, f->tracker, &r, &err), &err, "picking");
    f->now = T0 + 601000;
    must(ot_tracker_ready(NULL, f->tracker, &r, &err), &err, "ready");
    f->now = T0 + 700000;
    r.driver_id = "d1";
    r.driver_name = "Ana";
    r.driver_phone = "+15550100";
    r.vehicle_type = "bike";
    must(ot_tracker_assign_driver(NULL, NULL, f->tracker, &r, &err), &err, "assign");
    r = req("h1", NULL);
    f->now = T0 + 800000;
    r.time_ms = T0 + 790000;
    must(ot_tracker_pickup(NULL, f->tracker, &r, &err), &err, "pickup");
    set_status(f, T0 + 900000, "h1", OT_STATUS_IN_TRANSIT);
    f->now = T0 + 3000000;
    r.time_ms = T0 + 2990000;
    must(ot_tracker_delivered(NULL, f->tracker, &r, &err), &err, "delivered");

    times_of(f, "h1", &t);
    assert_int_equal(t.store_notified_ms, T0 + 1000);
    assert_int_equal(t.store_acknowledged_ms, T0 + 61000);
    assert_int_equal(t.picking_started_ms, T0 + 121000);
    assert_int_equal(t.ready_ms, T0 + 601000);
    assert_int_equal(t.driver_assigned_ms, T0 + 700000);
    assert_int_equal(t.driver_pickup_ms, T0 + 790000);
    assert_int_equal(t.delivered_ms, T0 + 2990000);
    assert_int_equal(t.estimated_delivery_ms, T0 + 3600000);
    assert_int_equal(t.last_scan_ms, 0);
    assert_int_equal(t.ndr_since_ms, 0);
    assert_int_equal(t.closed_ms, 0);
    {
        int64_t eta_error = 0;
        must(ot_sla_eta_error(&eta_error, &t, &err), &err, "eta error");
        assert_int_equal(eta_error, -610000);  /* early */
    }

    /* a reassigned order starts its acknowledgment clock again */
    init_order(f, "h2", "store-1", OT_PROVIDER_DOORDASH, NULL, 0);
    set_status(f, T0 + 1000, "h2", OT_STATUS_STORE_NOTIFIED);
    r = req("h2", "store-1");
    r.rejected = 1;
    r.reason = "closed";
    r.reassign_to = "store-2";
    f->now = T0 + 100000;
    must(ot_tracker_store_acknowledge(NULL, f->tracker, &r, &err), &err, "reject");
    times_of(f, "h2", &t);
    assert_int_equal(t.store_notified_ms, T0 + 100000);
    assert_int_equal(t.store_acknowledged_ms, 0);
    assert_string_equal(t.store_id, "store-2");
    r = req("h2", "store-2");
    f->now = T0 + 150000;
    must(ot_tracker_store_acknowledge(NULL, f->tracker, &r, &err), &err, "ack");
    times_of(f, "h2", &t);
    assert_int_equal(t.store_acknowledged_ms, T0 + 150000);

    /* cancelled: the clocks stop there */
    set_status(f, T0 + 200000, "h2", OT_STATUS_CANCELLED);
    times_of(f, "h2", &t);
    assert_int_equal(t.closed_ms, T0 + 200000);

    /* bad input */
    must(ot_tracker_get(&o, f->tracker, "h2", &err), &err, "get");
    assert_ot_error(ot_sla_times_from_order(NULL, o, &err), OT_EINVAL, err);
    assert_ot_error(ot_sla_times_from_order(&t, NULL, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "order");
    t.version = 0;
    assert_ot_error(ot_sla_times_from_order(&t, o, &err), OT_EVERSION, err);
    t.version = OT_SLA_TIMES_VERSION + 1;
    assert_ot_error(ot_sla_times_from_order(&t, o, &err), OT_EVERSION, err);
    ot_order_free(o);
}

static void test_times_parcel(void **state)
{
    struct fixture *f = *state;
    ot_sla_times t = OT_SLA_TIMES_INIT;
    ot_sla_report rep = OT_SLA_REPORT_INIT;
    ot_error err;

    init_order(f, "p1", "store-1", OT_PROVIDER_DELHIVERY, "AWB1", T0 + 86400000);
    courier(f, T0 + 20000, parcel("AWB1", "e1", OT_SHIPMENT_IN_TRANSIT, T0 + 10000));
    courier(f, T0 + 60000, parcel("AWB1", "e2", OT_SHIPMENT_NDR, T0 + 50000));
    times_of(f, "p1", &t);
    assert_int_equal(t.driver_pickup_ms, T0 + 10000);   /* the first scan past pending */
    assert_int_equal(t.last_scan_ms, T0 + 50000);
    assert_int_equal(t.ndr_since_ms, T0 + 50000);
    courier(f, T0 + 80000, parcel("AWB1", "e3", OT_SHIPMENT_OUT_FOR_DELIVERY, T0 + 70000));
    times_of(f, "p1", &t);
    assert_int_equal(t.ndr_since_ms, 0);                 /* the NDR is over */
    courier(f, T0 + 95000, parcel("AWB1", "e4", OT_SHIPMENT_NDR, T0 + 90000));
    times_of(f, "p1", &t);
    assert_int_equal(t.ndr_since_ms, T0 + 90000);        /* a new one */
    assert_int_equal(t.last_scan_ms, T0 + 90000);
    assert_int_equal(t.closed_ms, 0);
    /* the courier stages apply to a parcel order */
    must(ot_sla_evaluate_policy(&rep, &(ot_sla_policy)OT_SLA_POLICY_INIT, &t, T0 + 100000,
                                &err), &err, "evaluate");
    assert_true(rep.stages[OT_SLA_STAGE_NO_SCAN].applies);
    assert_int_equal(rep.stages[OT_SLA_STAGE_NO_SCAN].elapsed_ms, 10000);
    assert_int_equal(rep.stages[OT_SLA_STAGE_NDR_AGE].elapsed_ms, 10000);
    /* RTO ends the clocks */
    courier(f, T0 + 120000, parcel("AWB1", "e5", OT_SHIPMENT_RTO, T0 + 110000));
    times_of(f, "p1", &t);
    assert_int_equal(t.closed_ms, T0 + 110000);
    assert_int_equal(t.ndr_since_ms, 0);
}

static void test_report(void **state)
{
    struct fixture *f = *state;
    char *json = NULL;
    size_t len = 0;
    ot_error err;

    init_order(f, "r1", "store-1", OT_PROVIDER_UBER, NULL, 0);
    set_status(f, T0 + 1000, "r1", OT_STATUS_STORE_NOTIFIED);
    must(ot_tracker_sla_report(&json, &len, f->tracker, "r1", T0 + 1000 + W, &err), &err,
         "report");
    assert_int_equal(strlen(json), len);
    assert_non_null(strstr(json, "{\"stage\":\"store_acknowledgment\",\"started_at\":"
                                 "\"2026-11-23T06:40:02.000Z\",\"finished_at\":null,"
                                 "\"elapsed_ms\":240000,\"allowed_ms\":300000,"
                                 "\"state\":\"warning\"}"));
    ot_free(json);
    /* 0: the tracker's clock */
    f->now = T0 + 1000 + A + 1;
    must(ot_tracker_sla_report(&json, NULL, f->tracker, "r1", 0, &err), &err, "report now");
    assert_non_null(strstr(json, "\"state\":\"breached\",\"evaluated_at\":"
                                 "\"2026-11-23T06:45:02.001Z\"}"));
    ot_free(json);
    assert_ot_error(ot_tracker_sla_report(NULL, NULL, f->tracker, "r1", 0, &err), OT_EINVAL,
                    err);
    assert_ot_error(ot_tracker_sla_report(&json, NULL, NULL, "r1", 0, &err), OT_EINVAL, err);
    assert_null(json);
    assert_ot_error(ot_tracker_sla_report(&json, NULL, f->tracker, "nope", 0, &err),
                    OT_ENOTFOUND, err);
    assert_string_equal(err.field, "order_id");
    assert_ot_error(ot_tracker_sla_report(&json, NULL, f->tracker, NULL, 0, &err), OT_EINVAL,
                    err);
    assert_ot_error(ot_tracker_sla_report(&json, NULL, f->tracker, "r1", -1, &err), OT_EINVAL,
                    err);
    assert_string_equal(err.field, "now_ms");
}

/* The edges of one stage, once each, then a restart. */
static void test_sweep_once(void **state)
{
    struct fixture *f = *state;
    ot_sla_sweep_result r;
    const int64_t n0 = T0 + 1000;

    init_order(f, "s1", "store-1", OT_PROVIDER_UBER, NULL, 0);
    set_status(f, n0, "s1", OT_STATUS_STORE_NOTIFIED);
    init_order(f, "s0", "store-1", OT_PROVIDER_UBER, NULL, 0);     /* not notified yet */
    init_order(f, "sx", "store-1", OT_PROVIDER_UBER, NULL, 0);
    set_status(f, n0, "sx", OT_STATUS_STORE_NOTIFIED);
    set_status(f, n0 + 1, "sx", OT_STATUS_CANCELLED);               /* terminal: skipped */

    r = sweep_at(f, f->tracker, n0 + W - 1, 0);
    assert_int_equal(r.examined, 2);
    assert_int_equal(r.notices, 0);
    assert_int_equal(r.complete, 1);
    r = sweep_at(f, f->tracker, n0 + W, 0);                         /* ok -> warning */
    assert_int_equal(r.notices, 1);
    assert_int_equal(r.warnings, 1);
    assert_int_equal(seen(f, OT_NOTICE_SLA_WARNING, "s1", "store_acknowledgment"), 1);
    r = sweep_at(f, f->tracker, n0 + W, 0);                         /* again: nothing */
    assert_int_equal(r.notices, 0);
    r = sweep_at(f, f->tracker, n0 + A, 0);                         /* still a warning */
    assert_int_equal(r.notices, 0);
    r = sweep_at(f, f->tracker, n0 + A + 1, 0);                     /* warning -> breach */
    assert_int_equal(r.notices, 1);
    assert_int_equal(r.breaches, 1);
    assert_int_equal(seen(f, OT_NOTICE_SLA_BREACH, "s1", "store_acknowledgment"), 1);
    r = sweep_at(f, f->tracker, n0 + A + 2, 0);
    assert_int_equal(r.notices, 0);
    assert_int_equal(sla_events(f, "s1"), 2);

    /* a restart: a new tracker on the same storage (SQLite: the file reopened) */
    ot_tracker_free(f->tracker);
#ifdef OT_TEST_SQLITE
    if (f->path[0]) {
        ot_storage_close(f->storage);
        open_storage(f);
    }
#endif
    f->tracker = make_tracker(f, f->storage, NULL, NULL);
    r = sweep_at(f, f->tracker, n0 + 10 * A, 0);
    assert_int_equal(r.examined, 2);
    assert_int_equal(r.notices, 0);
    assert_int_equal(seen(f, OT_NOTICE_SLA_WARNING, NULL, NULL), 1);
    assert_int_equal(seen(f, OT_NOTICE_SLA_BREACH, NULL, NULL), 1);

    /* ok -> breached in one step: one breach, no warning */
    set_status(f, n0 + 10 * A, "s0", OT_STATUS_STORE_NOTIFIED);
    r = sweep_at(f, f->tracker, n0 + 12 * A, 0);
    assert_int_equal(r.notices, 1);
    assert_int_equal(seen(f, OT_NOTICE_SLA_BREACH, "s0", "store_acknowledgment"), 1);
    assert_int_equal(seen(f, OT_NOTICE_SLA_WARNING, "s0", NULL), 0);

    /* the next stage is its own: s1 acknowledged, picking runs into its warning */
    {
        ot_request q = req("s1", "store-1");
        ot_error err;
        f->now = n0 + 20 * A;
        must(ot_tracker_store_acknowledge(NULL, f->tracker, &q, &err), &err, "ack");
    }
    r = sweep_at(f, f->tracker, n0 + 20 * A + 960000, 0);           /* 0.8 x 20 min */
    assert_int_equal(r.notices, 1);
    assert_int_equal(seen(f, OT_NOTICE_SLA_WARNING, "s1", "picking"), 1);
    r = sweep_at(f, f->tracker, n0 + 20 * A + 960000, 0);
    assert_int_equal(r.notices, 0);

    /* max_orders bounds the work; the same result struct resumes where it stopped */
    {
        ot_sla_sweep_result b = OT_SLA_SWEEP_RESULT_INIT;
        size_t total = 0;
        int calls = 0;
        ot_error err;
        f->now = n0 + 20 * A + 960000;
        do {
            must(ot_tracker_sla_sweep(&b, f->tracker, 0, 1, &err), &err, "bounded sweep");
            assert_true(b.examined <= 1);
            assert_true(b.complete || b.resume[0]);
            total += b.examined;
        } while (!b.complete && ++calls < 10);
        assert_int_equal(b.complete, 1);
        assert_string_equal(b.resume, "");
        assert_int_equal(total, 2);                                 /* s0 and s1, once */
        assert_int_equal(b.notices, 0);
    }
}

/* The fixture of the commit trampoline (the wrapper's userdata stays the adapter's). */
static struct fixture *current;

static int rival_commit(void *userdata, int64_t expected, const ot_storage_record *rec,
                        const ot_idempotency_record *idem, ot_error *err)
{
    struct fixture *f = current;
    (void)userdata;
    if (f->inject > 0) {
        ot_sla_sweep_result r = OT_SLA_SWEEP_RESULT_INIT;
        f->inject--;
        assert_int_equal(ot_tracker_sla_sweep(&r, f->rival, 0, 0, NULL), 0);
        assert_int_equal(r.notices, 1);
    }
    return f->storage->commit(f->storage->userdata, expected, rec, idem, err);
}

/* Two sweepers on one storage: the commit loser reloads, finds it recorded, stays quiet. */
static void test_sweep_concurrent(void **state)
{
    struct fixture *f = *state;
    ot_tracker *mine;
    ot_sla_sweep_result r;

    init_order(f, "c1", "store-1", OT_PROVIDER_UBER, NULL, 0);
    set_status(f, T0 + 1000, "c1", OT_STATUS_STORE_NOTIFIED);
    f->rival = make_tracker(f, f->storage, NULL, NULL);
    f->wrapper = *f->storage;
    current = f;
    f->wrapper.commit = rival_commit;
    f->wrapper.close = NULL;
    mine = make_tracker(f, &f->wrapper, NULL, NULL);
    f->inject = 1;
    r = sweep_at(f, mine, T0 + 1000 + A + 1, 0);
    assert_int_equal(r.examined, 1);
    assert_int_equal(r.notices, 0);
    assert_int_equal(r.conflicts, 1);
    assert_int_equal(seen(f, OT_NOTICE_SLA_BREACH, "c1", "store_acknowledgment"), 1);
    assert_int_equal(sla_events(f, "c1"), 1);
    ot_tracker_free(mine);
}

static ot_order *get_order(struct fixture *f, const char *id)
{
    ot_order *o = NULL;
    ot_error err;
    must(ot_tracker_get(&o, f->tracker, id, &err), &err, "get");
    return o;
}

static void expect_revision(struct fixture *f, const char *id, int64_t revision,
                            int64_t version)
{
    ot_order *o = get_order(f, id);
    assert_int_equal(ot_order_revision(o), revision);
    assert_int_equal(ot_order_version(o), version);
    ot_order_free(o);
}

/* The sweep's sla_notified commits move the version but not the revision, so a writer
 * holding the revision (ordertrackd's ETag) still passes its expected_version (If-Match):
 * also when the sweep commits between its load and its commit. Visible changes, a location
 * included, move the revision. */
static void test_revision(void **state)
{
    struct fixture *f = *state;
    const int64_t n0 = T0 + 1000;
    ot_request q = req("v1", "store-1");
    ot_tracker *mine;
    ot_error err;

    assert_int_equal(ot_order_revision(NULL), -1);
    init_order(f, "v1", "store-1", OT_PROVIDER_UBER, NULL, 0);
    set_status(f, n0, "v1", OT_STATUS_STORE_NOTIFIED);
    expect_revision(f, "v1", 2, 2);
    assert_int_equal(sweep_at(f, f->tracker, n0 + W, 0).warnings, 1);
    expect_revision(f, "v1", 2, 3);
    assert_int_equal(sweep_at(f, f->tracker, n0 + A + 1, 0).breaches, 1);
    expect_revision(f, "v1", 2, 4);                  /* two bookkeeping commits on top */

    /* any expected version from the revision to the version is current */
    q.expected_version = 1;
    assert_ot_error(ot_tracker_store_acknowledge(NULL, f->tracker, &q, &err), OT_ECONFLICT, err);
    assert_string_equal(err.field, "expected_version");
    q.expected_version = 5;
    assert_ot_error(ot_tracker_store_acknowledge(NULL, f->tracker, &q, &err), OT_ECONFLICT, err);
    q.expected_version = 2;
    must(ot_tracker_store_acknowledge(NULL, f->tracker, &q, &err), &err, "ack at revision");
    expect_revision(f, "v1", 5, 5);
    /* a visible change since: the old revision and the old version are both stale now */
    q.expected_version = 4;
    assert_ot_error(ot_tracker_start_picking(NULL, f->tracker, &q, &err), OT_ECONFLICT, err);
    q.expected_version = 2;
    assert_ot_error(ot_tracker_start_picking(NULL, f->tracker, &q, &err), OT_ECONFLICT, err);

    /* the sweep commits between the writer's load and its commit: the writer reloads,
     * finds only bookkeeping since its expected version, and commits */
    f->rival = make_tracker(f, f->storage, NULL, NULL);
    f->wrapper = *f->storage;
    current = f;
    f->wrapper.commit = rival_commit;
    f->wrapper.close = NULL;
    mine = make_tracker(f, &f->wrapper, NULL, NULL);
    f->now = n0 + 10 * A + 1200001;                   /* picking (from the ack) breached */
    f->inject = 1;
    q.expected_version = 5;
    must(ot_tracker_start_picking(NULL, mine, &q, &err), &err, "picking past a sweep");
    assert_int_equal(f->inject, 0);
    ot_tracker_free(mine);
    expect_revision(f, "v1", 7, 7);                  /* 6: the rival's sla_notified */
    assert_int_equal(seen(f, OT_NOTICE_SLA_BREACH, "v1", "picking"), 1);

    /* a location is a visible change without a history entry: it moves the revision */
    q.expected_version = 0;
    f->now += 1000;
    must(ot_tracker_ready(NULL, f->tracker, &q, &err), &err, "ready");
    q.driver_id = "d-1";
    q.driver_name = "Asha";
    q.driver_phone = "+91 98000 00009";
    q.vehicle_type = "scooter";
    must(ot_tracker_assign_driver(NULL, NULL, f->tracker, &q, &err), &err, "assign");
    expect_revision(f, "v1", 9, 9);
    assert_int_equal(sweep_at(f, f->tracker, f->now + 900001, 0).breaches, 1); /* pickup */
    expect_revision(f, "v1", 9, 10);
    q.latitude = 12.97;
    q.longitude = 77.59;
    must(ot_tracker_update_location(NULL, f->tracker, &q, &err), &err, "location");
    expect_revision(f, "v1", 11, 11);
}

static void test_sweep_per_store(void **state)
{
    struct fixture *f = *state;
    static const char cfg[] =
        "{\"store_acknowledgment_ms\": 600000,"
        " \"stores\": {\"store-9\": {\"store_acknowledgment_ms\": 60000}}}";
    ot_sla_policies *p = NULL;
    ot_sla_sweep_result r;
    ot_tracker *t;
    char *json = NULL;
    ot_error err;

    must(ot_sla_policies_from_json(&p, cfg, sizeof cfg - 1, &err), &err, "policies");
    t = make_tracker(f, f->storage, p, NULL);
    init_order(f, "a1", "store-1", OT_PROVIDER_UBER, NULL, 0);
    init_order(f, "a9", "store-9", OT_PROVIDER_UBER, NULL, 0);
    set_status(f, T0 + 1000, "a1", OT_STATUS_STORE_NOTIFIED);
    set_status(f, T0 + 1000, "a9", OT_STATUS_STORE_NOTIFIED);
    r = sweep_at(f, t, T0 + 1000 + 60001, 0);
    assert_int_equal(r.notices, 1);
    assert_int_equal(seen(f, OT_NOTICE_SLA_BREACH, "a9", "store_acknowledgment"), 1);
    assert_int_equal(seen(f, OT_NOTICE_SLA_BREACH, "a1", NULL), 0);
    must(ot_tracker_sla_report(&json, NULL, t, "a1", T0 + 1000 + 480000, &err), &err, "rep");
    assert_non_null(strstr(json, "\"allowed_ms\":600000,\"state\":\"warning\""));
    ot_free(json);
    r = sweep_at(f, t, T0 + 1000 + 480000, 0);
    assert_int_equal(r.notices, 1);
    assert_int_equal(seen(f, OT_NOTICE_SLA_WARNING, "a1", "store_acknowledgment"), 1);
    ot_tracker_free(t);
    ot_sla_policies_free(p);
}

static void test_sweep_bad_input(void **state)
{
    struct fixture *f = *state;
    ot_sla_sweep_result r = OT_SLA_SWEEP_RESULT_INIT;
    ot_error err;

    assert_ot_error(ot_tracker_sla_sweep(NULL, f->tracker, 0, 0, &err), OT_EINVAL, err);
    assert_ot_error(ot_tracker_sla_sweep(&r, NULL, 0, 0, &err), OT_EINVAL, err);
    assert_ot_error(ot_tracker_sla_sweep(&r, f->tracker, -5, 0, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "now_ms");
    r.version = 0;
    assert_ot_error(ot_tracker_sla_sweep(&r, f->tracker, 0, 0, &err), OT_EVERSION, err);
    r.version = OT_SLA_SWEEP_RESULT_VERSION + 1;
    assert_ot_error(ot_tracker_sla_sweep(&r, f->tracker, 0, 0, &err), OT_EVERSION, err);
    assert_ot_error(ot_sla_sweep_result_init(NULL, 1, &err), OT_EINVAL, err);
    assert_ot_error(ot_sla_sweep_result_init(&r, 2, &err), OT_EVERSION, err);
    assert_int_equal(ot_sla_sweep_result_init(&r, 1, &err), 0);
    assert_int_equal(r.version, 1);
    assert_int_equal(r.examined, 0);
    /* a resume point no sweep wrote */
    r = (ot_sla_sweep_result)OT_SLA_SWEEP_RESULT_INIT;
    snprintf(r.resume, sizeof r.resume, "%s", "garbage");
    assert_ot_error(ot_tracker_sla_sweep(&r, f->tracker, 0, 0, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "resume");
    snprintf(r.resume, sizeof r.resume, "%s", "99:x");
    assert_ot_error(ot_tracker_sla_sweep(&r, f->tracker, 0, 0, &err), OT_EINVAL, err);
    memset(r.resume, 'x', sizeof r.resume);
    assert_ot_error(ot_tracker_sla_sweep(&r, f->tracker, 0, 0, &err), OT_EINVAL, err);
    r = (ot_sla_sweep_result)OT_SLA_SWEEP_RESULT_INIT;
    /* an empty storage: nothing to do, complete */
    assert_int_equal(ot_tracker_sla_sweep(&r, f->tracker, T0, 0, &err), 0);
    assert_int_equal(r.examined, 0);
    assert_int_equal(r.complete, 1);
}

/* Version 1 options (without sla and metrics), as a caller built against version 1 lays
 * them out: the library touches only their bytes (ASan would see an overrun). */
struct options_v1 {
    unsigned version;
    const ot_storage *storage;
    const ot_clock *clock;
    const ot_notice_sink *notices;
    unsigned max_retries;
    int64_t no_driver_retry_base_ms;
    int64_t no_driver_retry_cap_ms;
    int64_t idempotency_ttl_ms;
};

static void test_options_v1(void **state)
{
    struct fixture *f = *state;
    struct options_v1 *o = malloc(sizeof *o);
    ot_tracker *t = NULL;
    ot_error err;

    assert_int_equal(sizeof *o, offsetof(ot_tracker_options, sla));
    must(ot_tracker_options_init((ot_tracker_options *)(void *)o, 1, &err), &err, "options v1");
    assert_int_equal(o->version, 1);
    assert_int_equal(o->max_retries, 8);
    o->storage = f->storage;
    must(ot_tracker_new(&t, (const ot_tracker_options *)(const void *)o, &err), &err,
         "tracker v1");
    ot_tracker_free(t);
    free(o);
    assert_ot_error(ot_tracker_options_init(NULL, 2, &err), OT_EINVAL, err);
    {
        ot_tracker_options full;
        assert_ot_error(ot_tracker_options_init(&full, OT_TRACKER_OPTIONS_VERSION + 1, &err),
                        OT_EVERSION, err);
        memset(&full, 0xa5, sizeof full);
        must(ot_tracker_options_init(&full, 4, &err), &err, "options v4");
        assert_null(full.sla);
        assert_null(full.metrics);
        assert_null(full.pii);
        assert_null(full.escalation);
        assert_int_equal(full.location_trail, OT_TRACKER_LOCATION_TRAIL_DEFAULT);
    }
}

static void test_alerts(void **state)
{
    struct fixture *f = *state;
    ot_request r;
    ot_error err;
    ot_update u;

    /* cancelled: one alert; a refused write: no notice at all */
    init_order(f, "x1", "store-1", OT_PROVIDER_UBER, NULL, 0);
    set_status(f, T0 + 1000, "x1", OT_STATUS_CANCELLED);
    assert_int_equal(seen(f, OT_NOTICE_ALERT, "x1", "cancelled"), 1);
    f->count = 0;
    r = req("x1", NULL);
    r.status = OT_STATUS_FAILED;
    assert_ot_error(ot_tracker_set_status(NULL, f->tracker, &r, &err), OT_ETRANSITION, err);
    assert_int_equal(f->count, 0);

    /* failed through the API */
    init_order(f, "x2", "store-1", OT_PROVIDER_UBER, NULL, 0);
    set_status(f, T0 + 2000, "x2", OT_STATUS_FAILED);
    assert_int_equal(seen(f, OT_NOTICE_ALERT, "x2", "failed"), 1);

    /* lost: the shipment's reason, once (not also "failed") */
    init_order(f, "x3", "store-1", OT_PROVIDER_DELHIVERY, "AWB3", 0);
    courier(f, T0 + 3000, parcel("AWB3", "l1", OT_SHIPMENT_IN_TRANSIT, 0));
    courier(f, T0 + 4000, parcel("AWB3", "l2", OT_SHIPMENT_LOST, 0));
    assert_int_equal(seen(f, OT_NOTICE_ALERT, "x3", NULL), 1);
    assert_int_equal(seen(f, OT_NOTICE_ALERT, "x3", "lost"), 1);
    /* a redelivered partner event changes nothing and says nothing */
    f->count = 0;
    u = parcel("AWB3", "l2", OT_SHIPMENT_LOST, 0);
    assert_ot_error(ot_tracker_apply_update(NULL, f->tracker, &u, NULL, &err), OT_ESTALE, err);
    assert_int_equal(f->count, 0);

    init_order(f, "x4", "store-1", OT_PROVIDER_DELHIVERY, "AWB4", 0);
    courier(f, T0 + 5000, parcel("AWB4", "d1", OT_SHIPMENT_DESTROY, 0));
    assert_int_equal(seen(f, OT_NOTICE_ALERT, "x4", "destroy"), 1);
    init_order(f, "x5", "store-1", OT_PROVIDER_DELHIVERY, "AWB5", 0);
    courier(f, T0 + 6000, parcel("AWB5", "b1", OT_SHIPMENT_BOOKING_CANCELLED, 0));
    assert_int_equal(seen(f, OT_NOTICE_ALERT, "x5", "booking_cancelled"), 1);
    assert_int_equal(seen(f, OT_NOTICE_ALERT, "x5", NULL), 1);

    /* RTO: RTO_STARTED once (entering the return family), and the lifecycle's failure */
    init_order(f, "x6", "store-1", OT_PROVIDER_DELHIVERY, "AWB6", 0);
    courier(f, T0 + 7000, parcel("AWB6", "r0", OT_SHIPMENT_IN_TRANSIT, 0));
    courier(f, T0 + 8000, parcel("AWB6", "r1", OT_SHIPMENT_RTO, 0));
    courier(f, T0 + 9000, parcel("AWB6", "r2", OT_SHIPMENT_RTO_IN_TRANSIT, 0));
    assert_int_equal(seen(f, OT_NOTICE_RTO_STARTED, "x6", NULL), 1);
    assert_int_equal(seen(f, OT_NOTICE_ALERT, "x6", "failed"), 1);
    init_order(f, "x7", "store-1", OT_PROVIDER_DELHIVERY, "AWB7", 0);
    courier(f, T0 + 9500, parcel("AWB7", "q1", OT_SHIPMENT_RTO_IN_TRANSIT, 0));
    assert_int_equal(seen(f, OT_NOTICE_RTO_STARTED, "x7", NULL), 1);
}

/* Allocation failures in a sweep: never a notice without its recorded event, never a
 * recorded event without its notice, nothing leaked. */
struct alloc_ctx {
    int notices;
    long recorded;   /* -1: could not be counted (the count itself ran out of memory) */
};

static void count_notice(void *userdata, const ot_notice *n)
{
    if (n->kind == OT_NOTICE_SLA_BREACH || n->kind == OT_NOTICE_SLA_WARNING)
        ((struct alloc_ctx *)userdata)->notices++;
}

static int64_t fixed_now(void *userdata)
{
    (void)userdata;
    return T0 + 1000;
}

static int sweep_scenario(void *ctx)
{
    struct alloc_ctx *c = ctx;
    ot_storage *s = NULL;
    ot_tracker *t = NULL;
    ot_tracker_options o = OT_TRACKER_OPTIONS_INIT;
    ot_clock clock = OT_CLOCK_INIT;
    ot_notice_sink sink = OT_NOTICE_SINK_INIT;
    ot_sla_sweep_result r = OT_SLA_SWEEP_RESULT_INIT;
    ot_request q = req("m1", "store-1");
    ot_order *ord = NULL;
    char *json = NULL;
    int rc;

    c->notices = 0;
    c->recorded = -1;
    clock.now_ms = fixed_now;
    sink.notify = count_notice;
    sink.userdata = c;
    if ((rc = ot_storage_memory_new(&s, NULL)))
        return rc;
    o.storage = s;
    o.clock = &clock;
    o.notices = &sink;
    q.customer_id = "c";
    q.provider = OT_PROVIDER_UBER;
    if (!(rc = ot_tracker_new(&t, &o, NULL)) && !(rc = ot_tracker_init_order(NULL, t, &q, NULL))) {
        q.status = OT_STATUS_STORE_NOTIFIED;
        rc = ot_tracker_set_status(NULL, t, &q, NULL);
    }
    c->notices = 0;
    if (!rc)
        rc = ot_tracker_sla_sweep(&r, t, T0 + 1000 + A + 1, 0, NULL);
    if (!rc)
        rc = ot_tracker_sla_report(&json, NULL, t, "m1", T0 + 1000 + A + 1, NULL);
    ot_free(json);
    if (t && ot_tracker_get(&ord, t, "m1", NULL) == 0) {
        ot_history_entry h = OT_HISTORY_ENTRY_INIT;
        size_t i;
        c->recorded = 0;
        for (i = 0; i < ot_order_history_count(ord); i++)
            if (ot_order_history_at(&h, ord, i, NULL) == 0 && !strcmp(h.event, "sla_notified"))
                c->recorded++;
        ot_order_free(ord);
    }
    ot_tracker_free(t);
    ot_storage_close(s);
    return rc;
}

static int sweep_check(void *ctx, int rc)
{
    struct alloc_ctx *c = ctx;
    if (rc == 0 && (c->notices != 1 || (c->recorded >= 0 && c->recorded != 1)))
        return -1;
    return c->recorded < 0 || c->recorded == c->notices ? 0 : -1;
}

static void test_sweep_allocation_failures(void **state)
{
    struct alloc_ctx c;
    struct alloc_sweep_stats stats;
    (void)state;
    assert_int_equal(alloc_sweep_run("sla sweep", sweep_scenario, &c, sweep_check, &stats), 0);
    assert_true(stats.runs > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_times_hyperlocal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_times_parcel, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sweep_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sweep_concurrent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sweep_per_store, setup, teardown),
        cmocka_unit_test_setup_teardown(test_revision, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sweep_bad_input, setup, teardown),
        cmocka_unit_test_setup_teardown(test_options_v1, setup, teardown),
        cmocka_unit_test_setup_teardown(test_alerts, setup, teardown),
        cmocka_unit_test(test_sweep_allocation_failures),
#ifdef OT_TEST_SQLITE
        cmocka_unit_test_setup_teardown(test_sweep_once, setup_sqlite, teardown),
        cmocka_unit_test_setup_teardown(test_sweep_concurrent, setup_sqlite, teardown),
        cmocka_unit_test_setup_teardown(test_revision, setup_sqlite, teardown),
#endif
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
