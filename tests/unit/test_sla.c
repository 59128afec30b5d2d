/* SLA policies, the per-order report at exact boundaries, ETA error, JSON in and out. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "test_util.h"
#include "base/time_internal.h"
#include "sla/sla_internal.h"
#include "alloc_sweep.h"

#define T0 INT64_C(1795416001123) /* 2026-11-23T06:40:01.123Z */

static ot_sla_report evaluate(const ot_sla_policy *p, const ot_sla_times *t, int64_t now)
{
    ot_sla_report r = OT_SLA_REPORT_INIT;
    ot_error err;
    ot_error_clear(&err);
    if (ot_sla_evaluate_policy(&r, p, t, now, &err) != 0)
        fail_msg("evaluate: %s", err.message);
    return r;
}

/* Each timed stage: which member starts it, which ends it, and its allowance. */
struct stage_case {
    int stage;
    size_t start;
    size_t finish;
    int64_t allowed; /* under OT_SLA_POLICY_INIT */
    int provider;
};

static void set_time(ot_sla_times *t, size_t offset, int64_t v)
{
    memcpy((char *)t + offset, &v, sizeof v);
}

#define OFF(m) offsetof(ot_sla_times, m)

static const struct stage_case stage_cases[] = {
    {OT_SLA_STAGE_STORE_ACKNOWLEDGMENT, OFF(store_notified_ms), OFF(store_acknowledged_ms),
     300000, OT_PROVIDER_UBER},
    {OT_SLA_STAGE_PICKING, OFF(store_acknowledged_ms), OFF(ready_ms), 1200000,
     OT_PROVIDER_UBER},
    {OT_SLA_STAGE_PICKING, OFF(picking_started_ms), OFF(ready_ms), 1200000, OT_PROVIDER_UBER},
    {OT_SLA_STAGE_DRIVER_ASSIGNMENT, OFF(ready_ms), OFF(driver_assigned_ms), 600000,
     OT_PROVIDER_DOORDASH},
    {OT_SLA_STAGE_PICKUP, OFF(driver_assigned_ms), OFF(driver_pickup_ms), 900000,
     OT_PROVIDER_INTERNAL},
    {OT_SLA_STAGE_NO_SCAN, OFF(last_scan_ms), OFF(delivered_ms), INT64_C(172800000),
     OT_PROVIDER_DELHIVERY},
    {OT_SLA_STAGE_NDR_AGE, OFF(ndr_since_ms), OFF(delivered_ms), INT64_C(259200000),
     OT_PROVIDER_SHIPROCKET},
};

static void expect_state(const ot_sla_report *r, int stage, int state, int64_t elapsed)
{
    const char *got = "?", *want = "?";
    const ot_sla_stage_report *e = &r->stages[stage];
    ot_sla_state_to_string(&got, e->state, NULL);
    ot_sla_state_to_string(&want, state, NULL);
    if (e->state != state || e->elapsed_ms != elapsed)
        fail_msg("stage %d: state %s elapsed %lld, expected %s elapsed %lld", stage, got,
                 (long long)e->elapsed_ms, want, (long long)elapsed);
}

static void test_stage_boundaries(void **state)
{
    const ot_sla_policy p = OT_SLA_POLICY_INIT;
    size_t i;
    (void)state;
    for (i = 0; i < sizeof stage_cases / sizeof stage_cases[0]; i++) {
        const struct stage_case *c = &stage_cases[i];
        ot_sla_times t = OT_SLA_TIMES_INIT;
        ot_sla_report r;
        int64_t a = c->allowed, w = (a * 8 + 5) / 10; /* 0.8 A, to the nearest ms */

        t.provider = c->provider;
        r = evaluate(&p, &t, T0);
        expect_state(&r, c->stage, OT_SLA_STATE_PENDING, 0);
        assert_int_equal(r.stages[c->stage].applies, 1);
        assert_int_equal(r.stages[c->stage].started_ms, 0);

        set_time(&t, c->start, T0);
        r = evaluate(&p, &t, T0 - 5); /* clock behind the start: elapsed clamps to 0 */
        expect_state(&r, c->stage, OT_SLA_STATE_OK, 0);
        r = evaluate(&p, &t, T0 + w - 1);
        expect_state(&r, c->stage, OT_SLA_STATE_OK, w - 1);
        assert_int_equal(r.stages[c->stage].allowed_ms, a);
        assert_int_equal(r.stages[c->stage].warning_ms, w);
        assert_int_equal(r.stages[c->stage].started_ms, T0);
        assert_int_equal(r.stages[c->stage].finished_ms, 0);
        r = evaluate(&p, &t, T0 + w);
        expect_state(&r, c->stage, OT_SLA_STATE_WARNING, w);
        r = evaluate(&p, &t, T0 + a);
        expect_state(&r, c->stage, OT_SLA_STATE_WARNING, a);
        assert_int_equal(r.state, OT_SLA_STATE_WARNING);
        r = evaluate(&p, &t, T0 + a + 1);
        expect_state(&r, c->stage, OT_SLA_STATE_BREACHED, a + 1);
        assert_int_equal(r.state, OT_SLA_STATE_BREACHED);

        /* A finished stage is judged on its own duration, whatever the time now. */
        set_time(&t, c->finish, T0 + w - 1);
        r = evaluate(&p, &t, T0 + 10 * a);
        expect_state(&r, c->stage, OT_SLA_STATE_OK, w - 1);
        assert_int_equal(r.stages[c->stage].finished_ms, T0 + w - 1);
        set_time(&t, c->finish, T0 + w);
        r = evaluate(&p, &t, T0 + 10 * a);
        expect_state(&r, c->stage, OT_SLA_STATE_WARNING, w);
        set_time(&t, c->finish, T0 + a);
        r = evaluate(&p, &t, T0 + 10 * a);
        expect_state(&r, c->stage, OT_SLA_STATE_WARNING, a);
        set_time(&t, c->finish, T0 + a + 1);
        r = evaluate(&p, &t, T0 + 10 * a);
        expect_state(&r, c->stage, OT_SLA_STATE_BREACHED, a + 1);
    }
}

static void test_delivery_against_eta(void **state)
{
    const ot_sla_policy p = OT_SLA_POLICY_INIT;
    ot_sla_times t = OT_SLA_TIMES_INIT;
    ot_sla_report r;
    const int64_t pickup = T0, eta = T0 + 1800000, grace = 600000;
    const int64_t a = eta + grace - pickup, w = (a * 8 + 5) / 10;
    (void)state;

    t.provider = OT_PROVIDER_UBER;
    t.driver_pickup_ms = pickup;
    r = evaluate(&p, &t, T0 + 10);
    /* no ETA: no budget, so not a stage of the report (nor after delivery) */
    expect_state(&r, OT_SLA_STAGE_DELIVERY, OT_SLA_STATE_PENDING, 0);
    assert_int_equal(r.stages[OT_SLA_STAGE_DELIVERY].applies, 0);
    assert_int_equal(r.stages[OT_SLA_STAGE_DELIVERY].allowed_ms, 0);
    t.delivered_ms = T0 + 100;
    r = evaluate(&p, &t, T0 + 200);
    assert_int_equal(r.stages[OT_SLA_STAGE_DELIVERY].applies, 0);
    assert_int_equal(r.state, OT_SLA_STATE_PENDING);
    t.delivered_ms = 0;
    /* an ETA but no pickup yet: the deadline has no start to measure from */
    t.estimated_delivery_ms = eta;
    t.driver_pickup_ms = 0;
    r = evaluate(&p, &t, T0 + 10);
    assert_int_equal(r.stages[OT_SLA_STAGE_DELIVERY].applies, 0);
    t.driver_pickup_ms = pickup;

    r = evaluate(&p, &t, T0 + 10);
    assert_int_equal(r.stages[OT_SLA_STAGE_DELIVERY].applies, 1);
    r = evaluate(&p, &t, pickup + w - 1);
    expect_state(&r, OT_SLA_STAGE_DELIVERY, OT_SLA_STATE_OK, w - 1);
    assert_int_equal(r.stages[OT_SLA_STAGE_DELIVERY].allowed_ms, a);
    r = evaluate(&p, &t, pickup + w);
    expect_state(&r, OT_SLA_STAGE_DELIVERY, OT_SLA_STATE_WARNING, w);
    r = evaluate(&p, &t, eta + grace);
    expect_state(&r, OT_SLA_STAGE_DELIVERY, OT_SLA_STATE_WARNING, a);
    r = evaluate(&p, &t, eta + grace + 1);
    expect_state(&r, OT_SLA_STAGE_DELIVERY, OT_SLA_STATE_BREACHED, a + 1);

    t.delivered_ms = eta + grace;
    r = evaluate(&p, &t, eta + 100 * grace);
    expect_state(&r, OT_SLA_STAGE_DELIVERY, OT_SLA_STATE_WARNING, a);
    t.delivered_ms = eta + grace + 1;
    r = evaluate(&p, &t, eta + 100 * grace);
    expect_state(&r, OT_SLA_STAGE_DELIVERY, OT_SLA_STATE_BREACHED, a + 1);

    /* An ETA already past at pickup leaves nothing: allowed 0, any delay breaches. */
    t.delivered_ms = 0;
    t.estimated_delivery_ms = pickup - grace - 1000;
    r = evaluate(&p, &t, pickup);
    expect_state(&r, OT_SLA_STAGE_DELIVERY, OT_SLA_STATE_WARNING, 0);
    assert_int_equal(r.stages[OT_SLA_STAGE_DELIVERY].allowed_ms, 0);
    r = evaluate(&p, &t, pickup + 1);
    expect_state(&r, OT_SLA_STAGE_DELIVERY, OT_SLA_STATE_BREACHED, 1);
}

static void test_warning_fraction_and_disabled_stage(void **state)
{
    ot_sla_policy p = OT_SLA_POLICY_INIT;
    ot_sla_times t = OT_SLA_TIMES_INIT;
    ot_sla_report r;
    (void)state;

    /* 1.0: warning only at exactly A. 1/3 of 1000 rounds to 333. */
    p.warning_fraction = 1.0;
    p.store_acknowledgment_ms = 1000;
    t.store_notified_ms = T0;
    r = evaluate(&p, &t, T0 + 999);
    expect_state(&r, OT_SLA_STAGE_STORE_ACKNOWLEDGMENT, OT_SLA_STATE_OK, 999);
    r = evaluate(&p, &t, T0 + 1000);
    expect_state(&r, OT_SLA_STAGE_STORE_ACKNOWLEDGMENT, OT_SLA_STATE_WARNING, 1000);
    p.warning_fraction = 1.0 / 3.0;
    r = evaluate(&p, &t, T0 + 332);
    expect_state(&r, OT_SLA_STAGE_STORE_ACKNOWLEDGMENT, OT_SLA_STATE_OK, 332);
    assert_int_equal(r.stages[OT_SLA_STAGE_STORE_ACKNOWLEDGMENT].warning_ms, 333);
    r = evaluate(&p, &t, T0 + 333);
    expect_state(&r, OT_SLA_STAGE_STORE_ACKNOWLEDGMENT, OT_SLA_STATE_WARNING, 333);

    /* An allowance of 0 switches the stage off: it no longer counts for the worst state. */
    p.store_acknowledgment_ms = 0;
    r = evaluate(&p, &t, T0 + 100000000);
    assert_int_equal(r.stages[OT_SLA_STAGE_STORE_ACKNOWLEDGMENT].applies, 0);
    assert_int_equal(r.stages[OT_SLA_STAGE_STORE_ACKNOWLEDGMENT].state, OT_SLA_STATE_PENDING);
    assert_int_equal(r.state, OT_SLA_STATE_PENDING);
}

static void test_courier_stages_and_closed(void **state)
{
    const ot_sla_policy p = OT_SLA_POLICY_INIT;
    ot_sla_times t = OT_SLA_TIMES_INIT;
    ot_sla_report r;
    const int64_t h = 3600000;
    (void)state;

    /* Hyperlocal (and unknown) providers have no courier stages. */
    t.last_scan_ms = T0;
    t.ndr_since_ms = T0;
    t.provider = OT_PROVIDER_UBER;
    r = evaluate(&p, &t, T0 + 100 * h);
    assert_int_equal(r.stages[OT_SLA_STAGE_NO_SCAN].applies, 0);
    assert_int_equal(r.stages[OT_SLA_STAGE_NDR_AGE].applies, 0);
    assert_int_equal(r.state, OT_SLA_STATE_PENDING);
    t.provider = OT_PROVIDER_UNKNOWN;
    r = evaluate(&p, &t, T0 + 100 * h);
    assert_int_equal(r.stages[OT_SLA_STAGE_NO_SCAN].applies, 0);

    t.provider = OT_PROVIDER_VELOCITY;
    r = evaluate(&p, &t, T0 + 60 * h);
    expect_state(&r, OT_SLA_STAGE_NO_SCAN, OT_SLA_STATE_BREACHED, 60 * h);
    expect_state(&r, OT_SLA_STAGE_NDR_AGE, OT_SLA_STATE_WARNING, 60 * h);
    assert_int_equal(r.state, OT_SLA_STATE_BREACHED);

    /* A closed order (RTO delivered, lost...) stops every running clock there. */
    t.closed_ms = T0 + 10 * h;
    r = evaluate(&p, &t, T0 + 500 * h);
    expect_state(&r, OT_SLA_STAGE_NO_SCAN, OT_SLA_STATE_OK, 10 * h);
    expect_state(&r, OT_SLA_STAGE_NDR_AGE, OT_SLA_STATE_OK, 10 * h);
    assert_int_equal(r.state, OT_SLA_STATE_OK);
    /* ... but not before it happens. */
    r = evaluate(&p, &t, T0 + 5 * h);
    expect_state(&r, OT_SLA_STAGE_NO_SCAN, OT_SLA_STATE_OK, 5 * h);
}

/* Which stages each kind of order is monitored for (docs/sla.md, "Stages by order kind"). */
static void test_stages_by_kind(void **state)
{
    static const struct {
        int provider;
        int parcel;
    } kinds[] = {
        {OT_PROVIDER_UNKNOWN, 0}, {OT_PROVIDER_UBER, 0}, {OT_PROVIDER_DOORDASH, 0},
        {OT_PROVIDER_INTERNAL, 0}, {OT_PROVIDER_DELHIVERY, 1}, {OT_PROVIDER_DELHIVERY_B2B, 1},
        {OT_PROVIDER_SHIPROCKET, 1}, {OT_PROVIDER_VELOCITY, 1},
    };
    static const int store_stages[] = {
        OT_SLA_STAGE_STORE_ACKNOWLEDGMENT, OT_SLA_STAGE_PICKING,
        OT_SLA_STAGE_DRIVER_ASSIGNMENT, OT_SLA_STAGE_PICKUP,
    };
    const ot_sla_policy p = OT_SLA_POLICY_INIT;
    ot_sla_times t = OT_SLA_TIMES_INIT;
    ot_sla_report r;
    size_t i, j;
    (void)state;

    /* every clock running, all breached at T0 + 400 h if monitored */
    t.store_notified_ms = T0;
    t.store_acknowledged_ms = T0 + 1;
    t.ready_ms = T0 + 2;
    t.driver_assigned_ms = T0 + 3;
    t.driver_pickup_ms = T0 + 4;
    t.estimated_delivery_ms = T0 + 5;
    t.last_scan_ms = T0 + 6;
    t.ndr_since_ms = T0 + 7;
    for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        t.provider = kinds[i].provider;
        r = evaluate(&p, &t, T0 + INT64_C(1440000000));
        for (j = 0; j < sizeof store_stages / sizeof store_stages[0]; j++) {
            assert_int_equal(r.stages[store_stages[j]].applies, !kinds[i].parcel);
            if (kinds[i].parcel) /* not applicable: no budget, not judged */
                assert_int_equal(r.stages[store_stages[j]].state, OT_SLA_STATE_PENDING);
        }
        assert_int_equal(r.stages[OT_SLA_STAGE_DELIVERY].applies, 1);
        assert_int_equal(r.stages[OT_SLA_STAGE_NO_SCAN].applies, kinds[i].parcel);
        assert_int_equal(r.stages[OT_SLA_STAGE_NDR_AGE].applies, kinds[i].parcel);
        assert_int_equal(r.state, OT_SLA_STATE_BREACHED);
    }

    /* a parcel shipment that only ever had store times has nothing to report */
    memset(&t, 0, sizeof t);
    t.version = OT_SLA_TIMES_VERSION;
    t.provider = OT_PROVIDER_DELHIVERY;
    t.store_notified_ms = T0;
    r = evaluate(&p, &t, T0 + INT64_C(1440000000));
    assert_int_equal(r.state, OT_SLA_STATE_PENDING);
    assert_int_equal(r.stages[OT_SLA_STAGE_STORE_ACKNOWLEDGMENT].applies, 0);
    assert_int_equal(r.stages[OT_SLA_STAGE_NO_SCAN].applies, 1);      /* pending: may run */

    /* once delivered or closed, a stage that never started is not reported: it never runs */
    t.last_scan_ms = T0;
    t.delivered_ms = T0 + 1000;
    r = evaluate(&p, &t, T0 + 2000);
    assert_int_equal(r.stages[OT_SLA_STAGE_NO_SCAN].applies, 1);
    assert_int_equal(r.stages[OT_SLA_STAGE_NO_SCAN].elapsed_ms, 1000);
    assert_int_equal(r.stages[OT_SLA_STAGE_NDR_AGE].applies, 0);
    memset(&t, 0, sizeof t);
    t.version = OT_SLA_TIMES_VERSION;
    t.provider = OT_PROVIDER_UBER;
    t.store_notified_ms = T0;
    r = evaluate(&p, &t, T0 + 1000);
    assert_int_equal(r.stages[OT_SLA_STAGE_PICKING].applies, 1);
    t.closed_ms = T0 + 500;                                            /* cancelled */
    r = evaluate(&p, &t, T0 + 1000);
    expect_state(&r, OT_SLA_STAGE_STORE_ACKNOWLEDGMENT, OT_SLA_STATE_OK, 500);
    assert_int_equal(r.stages[OT_SLA_STAGE_PICKING].applies, 0);
    assert_int_equal(r.stages[OT_SLA_STAGE_PICKUP].applies, 0);
}

static void test_worst_state(void **state)
{
    const ot_sla_policy p = OT_SLA_POLICY_INIT;
    ot_sla_times t = OT_SLA_TIMES_INIT;
    ot_sla_report r;
    (void)state;
    t.store_notified_ms = T0;
    t.store_acknowledged_ms = T0 + 300001;   /* breached */
    t.ready_ms = T0 + 300001 + 1000;         /* picking ok */
    r = evaluate(&p, &t, T0 + 300001 + 1000 + 500000); /* driver assignment: warning */
    assert_int_equal(r.stages[OT_SLA_STAGE_STORE_ACKNOWLEDGMENT].state, OT_SLA_STATE_BREACHED);
    assert_int_equal(r.stages[OT_SLA_STAGE_PICKING].state, OT_SLA_STATE_OK);
    assert_int_equal(r.stages[OT_SLA_STAGE_DRIVER_ASSIGNMENT].state, OT_SLA_STATE_WARNING);
    assert_int_equal(r.stages[OT_SLA_STAGE_PICKUP].state, OT_SLA_STATE_PENDING);
    assert_int_equal(r.state, OT_SLA_STATE_BREACHED);
    assert_int_equal(r.stage_count, OT_SLA_STAGE_COUNT);
    assert_int_equal(r.now_ms, T0 + 300001 + 1000 + 500000);
}

static void test_per_store_overrides(void **state)
{
    ot_sla_policies *set = NULL;
    ot_sla_policy fast = OT_SLA_POLICY_INIT, got;
    ot_sla_times t = OT_SLA_TIMES_INIT;
    ot_sla_report r = OT_SLA_REPORT_INIT;
    ot_error err;
    char id[16];
    int i;
    (void)state;

    assert_int_equal(ot_sla_policies_new(&set, NULL, &err), 0);
    fast.picking_ms = 60000;
    assert_int_equal(ot_sla_policies_put(set, "store-1", &fast, &err), 0);
    /* Many stores, inserted out of order, all found. */
    for (i = 99; i >= 0; i--) {
        snprintf(id, sizeof id, "s%03d", i);
        fast.pickup_ms = 1000 + i;
        assert_int_equal(ot_sla_policies_put(set, id, &fast, &err), 0);
    }
    assert_int_equal(ot_sla_policies_count(set), 101);
    for (i = 0; i < 100; i++) {
        snprintf(id, sizeof id, "s%03d", i);
        assert_int_equal(ot_sla_policies_lookup(&got, set, id, &err), 1);
        assert_int_equal(got.pickup_ms, 1000 + i);
    }
    assert_int_equal(ot_sla_policies_lookup(&got, set, "store-2", &err), 0);
    assert_int_equal(got.picking_ms, 1200000);
    assert_int_equal(ot_sla_policies_lookup(&got, set, NULL, &err), 0);

    t.store_acknowledged_ms = T0;
    t.store_id = "store-1";
    assert_int_equal(ot_sla_evaluate(&r, set, &t, T0 + 60001, &err), 0);
    expect_state(&r, OT_SLA_STAGE_PICKING, OT_SLA_STATE_BREACHED, 60001);
    t.store_id = "store-2";
    assert_int_equal(ot_sla_evaluate(&r, set, &t, T0 + 60001, &err), 0);
    expect_state(&r, OT_SLA_STAGE_PICKING, OT_SLA_STATE_OK, 60001);
    t.store_id = NULL;
    assert_int_equal(ot_sla_evaluate(&r, set, &t, T0 + 60001, &err), 0);
    expect_state(&r, OT_SLA_STAGE_PICKING, OT_SLA_STATE_OK, 60001);

    /* Replace, change the default, remove. */
    fast.picking_ms = 70000;
    assert_int_equal(ot_sla_policies_put(set, "store-1", &fast, &err), 0);
    assert_int_equal(ot_sla_policies_count(set), 101);
    t.store_id = "store-1";
    assert_int_equal(ot_sla_evaluate(&r, set, &t, T0 + 60001, &err), 0);
    expect_state(&r, OT_SLA_STAGE_PICKING, OT_SLA_STATE_WARNING, 60001); /* W = 56000 */
    fast.picking_ms = 50000;
    assert_int_equal(ot_sla_policies_set_default(set, &fast, &err), 0);
    assert_int_equal(ot_sla_policies_remove(set, "store-1", &err), 0);
    assert_int_equal(ot_sla_policies_count(set), 100);
    assert_ot_error(ot_sla_policies_remove(set, "store-1", &err), OT_ENOTFOUND, err);
    assert_int_equal(ot_sla_evaluate(&r, set, &t, T0 + 60001, &err), 0);
    expect_state(&r, OT_SLA_STAGE_PICKING, OT_SLA_STATE_BREACHED, 60001);
    for (i = 0; i < 100; i++) {
        snprintf(id, sizeof id, "s%03d", i);
        assert_int_equal(ot_sla_policies_remove(set, id, &err), 0);
    }
    assert_int_equal(ot_sla_policies_count(set), 0);
    ot_sla_policies_free(set);
    ot_sla_policies_free(NULL);
}

static void test_eta_error(void **state)
{
    ot_sla_times t = OT_SLA_TIMES_INIT;
    int64_t e = 42;
    ot_error err;
    (void)state;
    assert_ot_error(ot_sla_eta_error(&e, &t, &err), OT_ESTATE, err);
    assert_string_equal(err.field, "delivered_ms");
    t.delivered_ms = T0;
    assert_ot_error(ot_sla_eta_error(&e, &t, &err), OT_ESTATE, err);
    assert_string_equal(err.field, "estimated_delivery_ms");
    assert_int_equal(e, 42);
    t.estimated_delivery_ms = T0 + 90000; /* early: negative */
    assert_int_equal(ot_sla_eta_error(&e, &t, &err), 0);
    assert_int_equal(e, -90000);
    t.estimated_delivery_ms = T0 - 1; /* late by 1 ms */
    assert_int_equal(ot_sla_eta_error(&e, &t, &err), 0);
    assert_int_equal(e, 1);
    t.estimated_delivery_ms = T0;
    assert_int_equal(ot_sla_eta_error(&e, &t, &err), 0);
    assert_int_equal(e, 0);
}

static void test_time_format(void **state)
{
    char buf[OT__TIME_SIZE];
    (void)state;
    ot__time_format(buf, T0);
    assert_string_equal(buf, "2026-11-23T06:40:01.123Z");
    ot__time_format(buf, 1);
    assert_string_equal(buf, "1970-01-01T00:00:00.001Z");
    ot__time_format(buf, INT64_C(951868799999));
    assert_string_equal(buf, "2000-02-29T23:59:59.999Z");
    ot__time_format(buf, INT64_C(253402300799999));
    assert_string_equal(buf, "9999-12-31T23:59:59.999Z");
    assert_true(ot__time_representable(INT64_C(253402300799999)));
    assert_false(ot__time_representable(INT64_C(253402300800000)));
    assert_false(ot__time_representable(-1));
}

static void test_report_json(void **state)
{
    const ot_sla_policy p = OT_SLA_POLICY_INIT;
    ot_sla_times t = OT_SLA_TIMES_INIT;
    ot_sla_report r;
    char *json = NULL;
    size_t len = 0;
    ot_error err;
    (void)state;

    t.provider = OT_PROVIDER_UBER;
    t.store_notified_ms = T0;
    t.store_acknowledged_ms = T0 + 240000; /* exactly the warning point */
    r = evaluate(&p, &t, T0 + 240000 + 1000);
    assert_int_equal(ot_sla_report_to_json(&json, &len, &r, &err), 0);
    assert_int_equal(len, strlen(json));
    assert_string_equal(json,
        "{\"stages\":["
        "{\"stage\":\"store_acknowledgment\",\"started_at\":\"2026-11-23T06:40:01.123Z\","
        "\"finished_at\":\"2026-11-23T06:44:01.123Z\",\"elapsed_ms\":240000,"
        "\"allowed_ms\":300000,\"state\":\"warning\"},"
        "{\"stage\":\"picking\",\"started_at\":\"2026-11-23T06:44:01.123Z\","
        "\"finished_at\":null,\"elapsed_ms\":1000,\"allowed_ms\":1200000,\"state\":\"ok\"},"
        "{\"stage\":\"driver_assignment\",\"started_at\":null,\"finished_at\":null,"
        "\"elapsed_ms\":0,\"allowed_ms\":600000,\"state\":\"pending\"},"
        "{\"stage\":\"pickup\",\"started_at\":null,\"finished_at\":null,"
        "\"elapsed_ms\":0,\"allowed_ms\":900000,\"state\":\"pending\"}],"
        "\"state\":\"warning\",\"evaluated_at\":\"2026-11-23T06:44:02.123Z\"}");
    ot_free(json);

    /* Parcel orders list the parcel stages only (store times or not); len may be NULL. */
    t.provider = OT_PROVIDER_DELHIVERY;
    t.driver_pickup_ms = T0;
    t.last_scan_ms = T0;
    t.estimated_delivery_ms = T0 + 3600000;
    r = evaluate(&p, &t, T0 + 240000 + 1000);
    assert_int_equal(ot_sla_report_to_json(&json, NULL, &r, &err), 0);
    assert_string_equal(json,
        "{\"stages\":["
        "{\"stage\":\"delivery\",\"started_at\":\"2026-11-23T06:40:01.123Z\","
        "\"finished_at\":null,\"elapsed_ms\":241000,\"allowed_ms\":4200000,\"state\":\"ok\"},"
        "{\"stage\":\"no_scan\",\"started_at\":\"2026-11-23T06:40:01.123Z\","
        "\"finished_at\":null,\"elapsed_ms\":241000,\"allowed_ms\":172800000,"
        "\"state\":\"ok\"},"
        "{\"stage\":\"ndr_age\",\"started_at\":null,\"finished_at\":null,"
        "\"elapsed_ms\":0,\"allowed_ms\":259200000,\"state\":\"pending\"}],"
        "\"state\":\"ok\",\"evaluated_at\":\"2026-11-23T06:44:02.123Z\"}");
    ot_free(json);

    /* Bad reports (in the parcel report, delivery is an applicable stage). */
    r.stages[OT_SLA_STAGE_DELIVERY].state = 9;
    assert_ot_error(ot_sla_report_to_json(&json, &len, &r, &err), OT_EINVAL, err);
    assert_null(json);
    r.stages[OT_SLA_STAGE_DELIVERY].state = OT_SLA_STATE_OK;
    r.stages[OT_SLA_STAGE_DELIVERY].started_ms = INT64_C(253402300800000);
    assert_ot_error(ot_sla_report_to_json(&json, &len, &r, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "started_ms");
    r.stages[OT_SLA_STAGE_DELIVERY].started_ms = T0;
    r.stages[OT_SLA_STAGE_DELIVERY].stage = OT_SLA_STAGE_PICKUP;
    assert_ot_error(ot_sla_report_to_json(&json, &len, &r, &err), OT_EINVAL, err);
    r.stages[OT_SLA_STAGE_DELIVERY].stage = OT_SLA_STAGE_DELIVERY;
    r.state = 0;
    assert_ot_error(ot_sla_report_to_json(&json, &len, &r, &err), OT_EINVAL, err);
    r.state = OT_SLA_STATE_OK;
    r.stage_count = OT_SLA_REPORT_MAX_STAGES + 1;
    assert_ot_error(ot_sla_report_to_json(&json, &len, &r, &err), OT_EINVAL, err);
    r.stage_count = OT_SLA_STAGE_COUNT;
    r.version = 2;
    assert_ot_error(ot_sla_report_to_json(&json, &len, &r, &err), OT_EVERSION, err);
    assert_ot_error(ot_sla_report_to_json(&json, &len, NULL, &err), OT_EINVAL, err);
    assert_ot_error(ot_sla_report_to_json(NULL, &len, &r, &err), OT_EINVAL, err);
}

static ot_sla_policies *load_ok(const char *json)
{
    ot_sla_policies *set = NULL;
    ot_error err;
    ot_error_clear(&err);
    if (ot_sla_policies_from_json(&set, json, strlen(json), &err) != 0)
        fail_msg("load %s: %s", json, err.message);
    return set;
}

static void test_policies_from_json(void **state)
{
    ot_sla_policies *set;
    ot_sla_policy p;
    ot_error err;
    size_t i;
    static const struct {
        const char *json;
        int code;
        const char *field;
    } bad[] = {
        {"{", OT_EPARSE, "sla"},
        {"[]", OT_EINVAL, "sla"},
        {"{\"picking_ms\": -1}", OT_EINVAL, "sla.picking_ms"},
        {"{\"picking_ms\": 1.5}", OT_EINVAL, "sla.picking_ms"},
        {"{\"picking_ms\": \"600\"}", OT_EINVAL, "sla.picking_ms"},
        {"{\"pickup_ms\": 31622400001}", OT_EINVAL, "sla.pickup_ms"},
        {"{\"warning_fraction\": 0}", OT_EINVAL, "sla.warning_fraction"},
        {"{\"warning_fraction\": 1.01}", OT_EINVAL, "sla.warning_fraction"},
        {"{\"warning_fraction\": null}", OT_EINVAL, "sla.warning_fraction"},
        {"{\"picking\": 1}", OT_EINVAL, "sla.picking"},
        {"{\"picking_ms\": 1, \"picking_ms\": 2}", OT_EPARSE, "sla"},
        {"{\"stores\": []}", OT_EINVAL, "sla.stores"},
        {"{\"stores\": {\"s1\": 5}}", OT_EINVAL, "sla.stores.s1"},
        {"{\"stores\": {\"s1\": {\"ndr_age_ms\": true}}}", OT_EINVAL,
         "sla.stores.s1.ndr_age_ms"},
        {"{\"stores\": {\"s1\": {\"stores\": {}}}}", OT_EINVAL, "sla.stores.s1.stores"},
        {"{\"stores\": {\"\": {}}}", OT_EINVAL, "store_id"},
    };
    (void)state;

    /* The block of docs/API.md. */
    set = load_ok("{\"store_acknowledgment_ms\": 300000, \"picking_ms\": 1200000,"
                  " \"driver_assignment_ms\": 600000, \"delivery_grace_ms\": 600000,"
                  " \"warning_fraction\": 0.8}");
    assert_int_equal(ot_sla_policies_lookup(&p, set, NULL, &err), 0);
    assert_int_equal(p.pickup_ms, 900000);
    assert_true(p.warning_fraction == 0.8);
    assert_int_equal(ot_sla_policies_count(set), 0);
    ot_sla_policies_free(set);

    /* Store overrides start from the block's own values. */
    set = load_ok("{\"picking_ms\": 1000, \"warning_fraction\": 1,"
                  " \"stores\": {\"store-1\": {\"pickup_ms\": 5, \"warning_fraction\": 0.5},"
                  " \"store-2\": {}}}");
    assert_int_equal(ot_sla_policies_count(set), 2);
    assert_int_equal(ot_sla_policies_lookup(&p, set, "store-1", &err), 1);
    assert_int_equal(p.picking_ms, 1000);
    assert_int_equal(p.pickup_ms, 5);
    assert_true(p.warning_fraction == 0.5);
    assert_int_equal(ot_sla_policies_lookup(&p, set, "store-2", &err), 1);
    assert_true(p.warning_fraction == 1.0);
    assert_int_equal(p.pickup_ms, 900000);
    assert_int_equal(ot_sla_policies_lookup(&p, set, "store-3", &err), 0);
    assert_int_equal(p.picking_ms, 1000);
    ot_sla_policies_free(set);

    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        set = (ot_sla_policies *)&err; /* must be reset to NULL */
        assert_ot_error(ot_sla_policies_from_json(&set, bad[i].json, strlen(bad[i].json), &err),
                        bad[i].code, err);
        if (strcmp(err.field, bad[i].field) != 0)
            fail_msg("%s: field \"%s\", expected \"%s\" (%s)", bad[i].json, err.field,
                     bad[i].field, err.message);
        assert_null(set);
    }
    assert_ot_error(ot_sla_policies_from_json(NULL, "{}", 2, &err), OT_EINVAL, err);
    assert_ot_error(ot_sla_policies_from_json(&set, NULL, 2, &err), OT_EINVAL, err);
}

static void test_codecs(void **state)
{
    static const char *const stages[] = {NULL, "store_acknowledgment", "picking",
                                         "driver_assignment", "pickup", "delivery", "no_scan",
                                         "ndr_age"};
    static const char *const states[] = {NULL, "pending", "ok", "warning", "breached"};
    const char *name;
    ot_sla_stage stage;
    ot_sla_state st;
    ot_error err;
    int v;
    (void)state;
    for (v = 1; v < OT_SLA_STAGE_COUNT; v++) {
        assert_int_equal(ot_sla_stage_to_string(&name, v, &err), 0);
        assert_string_equal(name, stages[v]);
        assert_int_equal(ot_sla_stage_from_string(&stage, name, &err), 0);
        assert_int_equal(stage, v);
    }
    for (v = 1; v < OT_SLA_STATE_COUNT; v++) {
        assert_int_equal(ot_sla_state_to_string(&name, v, &err), 0);
        assert_string_equal(name, states[v]);
        assert_int_equal(ot_sla_state_from_string(&st, name, &err), 0);
        assert_int_equal(st, v);
    }
    assert_ot_error(ot_sla_stage_to_string(&name, 0, &err), OT_EINVAL, err);
    assert_ot_error(ot_sla_stage_to_string(&name, OT_SLA_STAGE_COUNT, &err), OT_EINVAL, err);
    assert_ot_error(ot_sla_stage_to_string(NULL, 1, &err), OT_EINVAL, err);
    assert_ot_error(ot_sla_stage_from_string(&stage, "Picking", &err), OT_EINVAL, err);
    assert_ot_error(ot_sla_stage_from_string(&stage, NULL, &err), OT_EINVAL, err);
    assert_ot_error(ot_sla_stage_from_string(NULL, "picking", &err), OT_EINVAL, err);
    assert_ot_error(ot_sla_state_to_string(&name, -1, &err), OT_EINVAL, err);
    assert_ot_error(ot_sla_state_to_string(&name, OT_SLA_STATE_COUNT, &err), OT_EINVAL, err);
    assert_ot_error(ot_sla_state_to_string(NULL, 1, &err), OT_EINVAL, err);
    assert_ot_error(ot_sla_state_from_string(&st, "late", &err), OT_EINVAL, err);
    assert_ot_error(ot_sla_state_from_string(&st, NULL, &err), OT_EINVAL, err);
    assert_ot_error(ot_sla_state_from_string(NULL, "ok", &err), OT_EINVAL, err);
}

static void test_bad_input(void **state)
{
    ot_sla_policy p = OT_SLA_POLICY_INIT, good = OT_SLA_POLICY_INIT;
    ot_sla_times t = OT_SLA_TIMES_INIT;
    ot_sla_report r = OT_SLA_REPORT_INIT;
    ot_sla_summary s = OT_SLA_SUMMARY_INIT;
    ot_sla_policies *set = NULL;
    ot_error err;
    int64_t e;
    (void)state;

    /* Init functions. */
    assert_int_equal(ot_sla_policy_init(&p, OT_SLA_POLICY_VERSION, &err), 0);
    assert_int_equal(p.version, good.version);
    assert_int_equal(p.store_acknowledgment_ms, 300000);
    assert_int_equal(p.picking_ms, 1200000);
    assert_int_equal(p.driver_assignment_ms, 600000);
    assert_int_equal(p.pickup_ms, 900000);
    assert_int_equal(p.delivery_grace_ms, 600000);
    assert_true(p.warning_fraction == 0.8);
    assert_int_equal(p.no_scan_ms, INT64_C(172800000));
    assert_int_equal(p.ndr_age_ms, INT64_C(259200000));
    assert_ot_error(ot_sla_policy_init(NULL, 1, &err), OT_EINVAL, err);
    assert_ot_error(ot_sla_policy_init(&p, 0, &err), OT_EVERSION, err);
    assert_ot_error(ot_sla_policy_init(&p, 2, &err), OT_EVERSION, err);
    assert_int_equal(ot_sla_times_init(&t, OT_SLA_TIMES_VERSION, &err), 0);
    assert_ot_error(ot_sla_times_init(NULL, 1, &err), OT_EINVAL, err);
    assert_ot_error(ot_sla_times_init(&t, 2, &err), OT_EVERSION, err);
    assert_int_equal(ot_sla_report_init(&r, OT_SLA_REPORT_VERSION, &err), 0);
    assert_ot_error(ot_sla_report_init(NULL, 1, &err), OT_EINVAL, err);
    assert_ot_error(ot_sla_report_init(&r, 0, &err), OT_EVERSION, err);
    assert_int_equal(ot_sla_summary_init(&s, OT_SLA_SUMMARY_VERSION, &err), 0);
    assert_ot_error(ot_sla_summary_init(NULL, 1, &err), OT_EINVAL, err);
    assert_ot_error(ot_sla_summary_init(&s, 2, &err), OT_EVERSION, err);

    /* Policy checks name the member. */
    assert_int_equal(ot_sla_policy_check(&p, &err), 0);
    assert_ot_error(ot_sla_policy_check(NULL, &err), OT_EINVAL, err);
    p.version = 0;
    assert_ot_error(ot_sla_policy_check(&p, &err), OT_EVERSION, err);
    p = good;
    p.picking_ms = -1;
    assert_ot_error(ot_sla_policy_check(&p, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "picking_ms");
    p = good;
    p.ndr_age_ms = OT_SLA_MAX_DURATION_MS + 1;
    assert_ot_error(ot_sla_policy_check(&p, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "ndr_age_ms");
    p = good;
    p.warning_fraction = NAN;
    assert_ot_error(ot_sla_policy_check(&p, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "warning_fraction");
    p.warning_fraction = 0.0;
    assert_ot_error(ot_sla_policy_check(&p, &err), OT_EINVAL, err);

    /* Policy set. */
    assert_ot_error(ot_sla_policies_new(NULL, NULL, &err), OT_EINVAL, err);
    assert_ot_error(ot_sla_policies_new(&set, &p, &err), OT_EINVAL, err);
    assert_null(set);
    assert_int_equal(ot_sla_policies_new(&set, &good, &err), 0);
    assert_ot_error(ot_sla_policies_set_default(NULL, &good, &err), OT_EINVAL, err);
    assert_ot_error(ot_sla_policies_set_default(set, NULL, &err), OT_EINVAL, err);
    assert_ot_error(ot_sla_policies_set_default(set, &p, &err), OT_EINVAL, err);
    assert_ot_error(ot_sla_policies_put(NULL, "s", &good, &err), OT_EINVAL, err);
    assert_ot_error(ot_sla_policies_put(set, NULL, &good, &err), OT_EINVAL, err);
    assert_ot_error(ot_sla_policies_put(set, "", &good, &err), OT_EINVAL, err);
    {
        char longid[300];
        memset(longid, 'x', sizeof longid - 1);
        longid[sizeof longid - 1] = '\0';
        assert_ot_error(ot_sla_policies_put(set, longid, &good, &err), OT_EINVAL, err);
    }
    assert_ot_error(ot_sla_policies_put(set, "s", &p, &err), OT_EINVAL, err);
    assert_ot_error(ot_sla_policies_put(set, "s", NULL, &err), OT_EINVAL, err);
    assert_int_equal(ot_sla_policies_count(set), 0);
    assert_int_equal(ot_sla_policies_count(NULL), 0);
    assert_ot_error(ot_sla_policies_remove(NULL, "s", &err), OT_EINVAL, err);
    assert_ot_error(ot_sla_policies_remove(set, NULL, &err), OT_EINVAL, err);
    assert_ot_error(ot_sla_policies_lookup(NULL, set, "s", &err), OT_EINVAL, err);
    assert_ot_error(ot_sla_policies_lookup(&p, NULL, "s", &err), OT_EINVAL, err);

    /* Evaluation. */
    p = good;
    t.store_notified_ms = T0;
    assert_ot_error(ot_sla_evaluate_policy(NULL, &p, &t, T0, &err), OT_EINVAL, err);
    assert_ot_error(ot_sla_evaluate_policy(&r, NULL, &t, T0, &err), OT_EINVAL, err);
    assert_ot_error(ot_sla_evaluate_policy(&r, &p, NULL, T0, &err), OT_EINVAL, err);
    assert_ot_error(ot_sla_evaluate_policy(&r, &p, &t, -1, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "now_ms");
    r.version = 0;
    assert_ot_error(ot_sla_evaluate_policy(&r, &p, &t, T0, &err), OT_EVERSION, err);
    r.version = OT_SLA_REPORT_VERSION + 1;
    assert_ot_error(ot_sla_evaluate_policy(&r, &p, &t, T0, &err), OT_EVERSION, err);
    r.version = OT_SLA_REPORT_VERSION;
    t.version = 2;
    assert_ot_error(ot_sla_evaluate_policy(&r, &p, &t, T0, &err), OT_EVERSION, err);
    t.version = OT_SLA_TIMES_VERSION;
    t.provider = OT_PROVIDER_COUNT;
    assert_ot_error(ot_sla_evaluate_policy(&r, &p, &t, T0, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "provider");
    t.provider = -1;
    assert_ot_error(ot_sla_evaluate_policy(&r, &p, &t, T0, &err), OT_EINVAL, err);
    t.provider = 0;
    t.ready_ms = -5;
    assert_ot_error(ot_sla_evaluate_policy(&r, &p, &t, T0, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "ready_ms");
    assert_ot_error(ot_sla_eta_error(&e, &t, &err), OT_EINVAL, err);
    t.ready_ms = 0;
    p.pickup_ms = -1;
    assert_ot_error(ot_sla_evaluate_policy(&r, &p, &t, T0, &err), OT_EINVAL, err);
    assert_ot_error(ot_sla_evaluate(&r, NULL, &t, T0, &err), OT_EINVAL, err);
    assert_ot_error(ot_sla_evaluate(&r, set, NULL, T0, &err), OT_EINVAL, err);
    assert_ot_error(ot_sla_evaluate(NULL, set, &t, T0, &err), OT_EINVAL, err);
    assert_ot_error(ot_sla_eta_error(NULL, &t, &err), OT_EINVAL, err);
    assert_ot_error(ot_sla_eta_error(&e, NULL, &err), OT_EINVAL, err);
    /* NULL err is allowed everywhere. */
    assert_int_equal(ot_sla_eta_error(NULL, &t, NULL), OT_EINVAL);
    ot_sla_policies_free(set);
}

struct reader {
    const ot_sla_policies *set;
    int failures;
};

static void *read_many(void *arg)
{
    struct reader *rd = arg;
    static const char *const stores[] = {"store-1", "store-2", NULL};
    int i;
    for (i = 0; i < 20000; i++) {
        ot_sla_times t = OT_SLA_TIMES_INIT;
        ot_sla_report r = OT_SLA_REPORT_INIT;
        t.store_id = stores[i % 3];
        t.store_acknowledged_ms = T0;
        if (ot_sla_evaluate(&r, rd->set, &t, T0 + 60001, NULL) != 0 ||
            r.stages[OT_SLA_STAGE_PICKING].state !=
                (i % 3 == 0 ? OT_SLA_STATE_BREACHED : OT_SLA_STATE_OK))
            rd->failures++;
    }
    return NULL;
}

/* A set that nobody changes may be read from many threads at once (run under TSan too). */
static void test_concurrent_readers(void **state)
{
    ot_sla_policies *set = NULL;
    ot_sla_policy fast = OT_SLA_POLICY_INIT;
    pthread_t th[4];
    struct reader rd[4];
    int i;
    (void)state;
    assert_int_equal(ot_sla_policies_new(&set, NULL, NULL), 0);
    fast.picking_ms = 60000;
    assert_int_equal(ot_sla_policies_put(set, "store-1", &fast, NULL), 0);
    for (i = 0; i < 4; i++) {
        rd[i].set = set;
        rd[i].failures = 0;
        assert_int_equal(pthread_create(&th[i], NULL, read_many, &rd[i]), 0);
    }
    for (i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(rd[i].failures, 0);
    }
    ot_sla_policies_free(set);
}

static int load_and_encode(void)
{
    static const char json[] = "{\"picking_ms\": 1000, \"stores\": {\"b\": {}, \"a\": {},"
                               " \"c\": {}, \"d\": {}, \"e\": {}, \"f\": {}, \"g\": {},"
                               " \"h\": {}, \"i\": {}}}";
    ot_sla_policies *set = NULL;
    ot_sla_times t = OT_SLA_TIMES_INIT;
    ot_sla_report r = OT_SLA_REPORT_INIT;
    char *out = NULL;
    ot_error err;
    int rc;

    rc = ot_sla_policies_from_json(&set, json, sizeof json - 1, &err);
    if (rc < 0)
        return rc;
    t.store_id = "c";
    t.store_notified_ms = T0;
    if ((rc = ot_sla_evaluate(&r, set, &t, T0 + 1, &err)) == 0 &&
        (rc = ot_sla_report_to_json(&out, NULL, &r, &err)) == 0)
        ot_free(out);
    ot_sla_policies_free(set);
    return rc;
}

static int stats_new(void)
{
    ot_sla_stats *s = NULL;
    int rc = ot_sla_stats_new(&s, NULL);
    ot_sla_stats_free(s);
    return rc;
}

static void test_allocation_failures(void **state)
{
    (void)state;
    /* 9 stores: the set grows past its first 8 slots. */
    assert_true(alloc_sweep_op("load_and_encode", load_and_encode) >= 12);
    assert_int_equal(alloc_sweep_op("stats_new", stats_new), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stage_boundaries),
        cmocka_unit_test(test_delivery_against_eta),
        cmocka_unit_test(test_warning_fraction_and_disabled_stage),
        cmocka_unit_test(test_courier_stages_and_closed),
        cmocka_unit_test(test_stages_by_kind),
        cmocka_unit_test(test_worst_state),
        cmocka_unit_test(test_per_store_overrides),
        cmocka_unit_test(test_eta_error),
        cmocka_unit_test(test_time_format),
        cmocka_unit_test(test_report_json),
        cmocka_unit_test(test_policies_from_json),
        cmocka_unit_test(test_codecs),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_concurrent_readers),
        cmocka_unit_test(test_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
