/* ot_tracker_gps_sweep on a fake clock: a hyperlocal order in transit with no position for
 * longer than the gap raises one gps_gap issue and one notice; sweeping again raises nothing
 * more; a new position clears it at the next sweep; a second silence is a new gap. Orders
 * without a driver and parcel orders are left alone; ot_order_verify accepts the records the
 * sweep wrote. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <ordertrack/ordertrack.h>
#include <ordertrack/adapters/memory.h>
#include <ordertrack/sys/clock.h>
#include <ordertrack/sys/notice.h>
#include <ordertrack/sys/storage.h>

#define T0 1795420800000LL /* 2026-11-23T08:00:00Z */
#define GAP 120000LL

struct world {
    int64_t now;
    int gap_notices;
    ot_storage *storage;
    ot_tracker *tracker;
};

static int64_t now_ms(void *ud) { return ((struct world *)ud)->now; }

static void notify(void *ud, const ot_notice *n)
{
    struct world *w = ud;
    if (n->kind == OT_NOTICE_ISSUE_RAISED && n->detail && strcmp(n->detail, "gps_gap") == 0)
        w->gap_notices++;
}

static void ok(int rc, const ot_error *e)
{
    if (rc != 0)
        fail_msg("rc %d: %s: %s", rc, e->field, e->message);
}

static void order(struct world *w, const char *id, int provider, const char *awb, int upto)
{
    static const int path[] = {OT_STATUS_STORE_NOTIFIED, OT_STATUS_STORE_ACKNOWLEDGED,
                               OT_STATUS_PICKING_IN_PROGRESS, OT_STATUS_READY_FOR_PICKUP,
                               OT_STATUS_DRIVER_ASSIGNED, OT_STATUS_DRIVER_PICKUP_COMPLETE,
                               OT_STATUS_IN_TRANSIT};
    ot_request r = OT_REQUEST_INIT;
    ot_error e;
    r.order_id = id;
    r.store_id = "s-1";
    r.customer_id = "c-1";
    r.provider = provider;
    r.tracking_id = awb;
    ok(ot_tracker_init_order(NULL, w->tracker, &r, &e), &e);
    for (size_t i = 0; i < sizeof path / sizeof path[0] && path[i] <= upto; i++) {
        ot_request s = OT_REQUEST_INIT;
        s.order_id = id;
        s.status = path[i];
        ok(ot_tracker_set_status(NULL, w->tracker, &s, &e), &e);
    }
}

static void locate(struct world *w, const char *id)
{
    ot_request r = OT_REQUEST_INIT;
    ot_error e;
    r.order_id = id;
    r.latitude = 12.97;
    r.longitude = 77.59;
    ok(ot_tracker_update_location(NULL, w->tracker, &r, &e), &e);
}

static ot_gps_sweep_result sweep(struct world *w)
{
    ot_gps_sweep_result out = OT_GPS_SWEEP_RESULT_INIT;
    ot_error e;
    ok(ot_tracker_gps_sweep(&out, w->tracker, 0, GAP, &e), &e);
    return out;
}

/* open gps_gap issues of `id` */
static int open_gaps(struct world *w, const char *id, size_t *total)
{
    ot_order *o = NULL;
    ot_error e;
    int open = 0;
    ok(ot_tracker_get(&o, w->tracker, id, &e), &e);
    *total = 0;
    for (size_t i = 0; i < ot_order_issue_count(o); i++) {
        ot_issue_view v = OT_ISSUE_VIEW_INIT;
        ok(ot_order_issue_at(&v, o, i, &e), &e);
        if (strcmp(v.issue_type, "gps_gap") == 0) {
            (*total)++;
            open += v.resolved_at_ms == 0;
        }
    }
    ok(ot_order_verify(o, &e), &e);
    ot_order_free(o);
    return open;
}

static void test_gap_raised_once_and_cleared(void **state)
{
    struct world w = {T0, 0, NULL, NULL};
    ot_tracker_options o = OT_TRACKER_OPTIONS_INIT;
    ot_clock clock = OT_CLOCK_INIT;
    ot_notice_sink sink = OT_NOTICE_SINK_INIT;
    ot_gps_sweep_result r;
    ot_error e;
    size_t total;
    (void)state;

    ok(ot_storage_memory_new(&w.storage, &e), &e);
    clock.userdata = &w;
    clock.now_ms = now_ms;
    sink.userdata = &w;
    sink.notify = notify;
    o.storage = w.storage;
    o.clock = &clock;
    o.notices = &sink;
    ok(ot_tracker_new(&w.tracker, &o, &e), &e);

    order(&w, "moving", OT_PROVIDER_INTERNAL, NULL, OT_STATUS_IN_TRANSIT);
    order(&w, "picking", OT_PROVIDER_INTERNAL, NULL, OT_STATUS_PICKING_IN_PROGRESS);
    order(&w, "parcel", OT_PROVIDER_DELHIVERY, "AWB1", OT_STATUS_IN_TRANSIT);
    locate(&w, "moving");

    w.now = T0 + GAP - 1; /* one ms short of the gap */
    r = sweep(&w);
    assert_int_equal(r.examined, 2); /* moving and parcel; picking has no driver */
    assert_int_equal(r.raised, 0);
    assert_int_equal(open_gaps(&w, "moving", &total), 0);

    w.now = T0 + GAP;
    r = sweep(&w);
    assert_int_equal(r.raised, 1);
    assert_int_equal(w.gap_notices, 1);
    assert_int_equal(open_gaps(&w, "moving", &total), 1);
    assert_int_equal(open_gaps(&w, "parcel", &total), 0);

    w.now += 10 * GAP; /* still silent: the same gap, nothing new */
    r = sweep(&w);
    assert_int_equal(r.raised + r.cleared, 0);
    assert_int_equal(w.gap_notices, 1);

    w.now += 1000;
    locate(&w, "moving"); /* positions resume */
    w.now += 1000;
    r = sweep(&w);
    assert_int_equal(r.cleared, 1);
    assert_int_equal(open_gaps(&w, "moving", &total), 0);
    assert_int_equal(total, 1);

    w.now += GAP; /* silent again: a new gap */
    r = sweep(&w);
    assert_int_equal(r.raised, 1);
    assert_int_equal(w.gap_notices, 2);
    assert_int_equal(open_gaps(&w, "moving", &total), 1);
    assert_int_equal(total, 2);

    r = (ot_gps_sweep_result)OT_GPS_SWEEP_RESULT_INIT;
    assert_int_equal(ot_tracker_gps_sweep(&r, w.tracker, 0, 999, &e), OT_EINVAL);
    assert_string_equal(e.field, "gap_ms");
    ot_tracker_free(w.tracker);
    ot_storage_close(w.storage);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gap_raised_once_and_cleared),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
