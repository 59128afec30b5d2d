/* Courier updates are bound to their order's partner (issue 17, defect 1): an update of one
 * provider never changes another provider's order, found by order id or by tracking id, nor
 * an order of its own provider whose delivery id / AWB it does not name. A refusal changes
 * nothing (the stored bytes compare equal) and is counted in
 * ordertrack_updates_refused_total{provider,reason}. */
#include <stdio.h>
#include <stdlib.h>

#include "test_util.h"
#include <ordertrack/adapters/memory.h>

struct fixture {
    ot_storage *storage;
    ot_metrics *metrics;
    ot_tracker *tracker;
};

static const int providers[] = {OT_PROVIDER_UBER,      OT_PROVIDER_DOORDASH,
                                OT_PROVIDER_INTERNAL,  OT_PROVIDER_DELHIVERY,
                                OT_PROVIDER_DELHIVERY_B2B, OT_PROVIDER_SHIPROCKET,
                                OT_PROVIDER_VELOCITY};
#define N_PROVIDERS (sizeof providers / sizeof providers[0])

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    ot_tracker_options o = OT_TRACKER_OPTIONS_INIT;
    ot_error err;
    assert_int_equal(ot_storage_memory_new(&f->storage, &err), 0);
    assert_int_equal(ot_metrics_new(&f->metrics, &err), 0);
    o.storage = f->storage;
    o.metrics = f->metrics;
    assert_int_equal(ot_tracker_new(&f->tracker, &o, &err), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    ot_tracker_free(f->tracker);
    ot_storage_close(f->storage);
    ot_metrics_free(f->metrics);
    free(f);
    return 0;
}

static const char *name_of(int provider)
{
    const char *name = "?";
    assert_int_equal(ot_provider_to_string(&name, provider, NULL), 0);
    return name;
}

static void init_order(ot_tracker *t, const char *id, int provider, const char *tracking_id)
{
    ot_request r = OT_REQUEST_INIT;
    ot_error err;
    r.order_id = id;
    r.store_id = "store-1";
    r.customer_id = "cust-1";
    r.provider = provider;
    r.tracking_id = tracking_id;
    if (ot_tracker_init_order(NULL, t, &r, &err) != 0)
        fail_msg("init %s: %s", id, err.message);
}

/* The stored record's bytes (free with ot_free). */
static char *stored(struct fixture *f, const char *order_id)
{
    ot_order *o = NULL;
    char *json = NULL;
    assert_int_equal(f->storage->load(f->storage->userdata, order_id, &o, NULL), 0);
    assert_int_equal(ot_order_to_json(&json, NULL, o, NULL), 0);
    ot_order_free(o);
    return json;
}

/* An update that changes any order it reaches (an unmapped status is recorded as an issue
 * in every state, and it names a driver). */
static ot_update attack(int provider, const char *order_id, const char *tracking_id,
                        const char *event_id)
{
    ot_update u = OT_UPDATE_INIT;
    u.provider = provider;
    u.order_id = order_id;
    u.tracking_id = tracking_id;
    u.event_id = event_id;
    u.raw_status = "attacker_status";
    u.flags = OT_UPDATE_UNMAPPED;
    u.driver_id = "attacker-courier";
    return u;
}

static double refused(struct fixture *f, int provider, const char *reason)
{
    char *text = NULL, needle[160];
    const char *at;
    double v = -1;
    assert_int_equal(ot_metrics_write_prometheus(&text, NULL, f->metrics, NULL), 0);
    snprintf(needle, sizeof needle,
             "ordertrack_updates_refused_total{provider=\"%s\",reason=\"%s\"} ",
             name_of(provider), reason);
    at = strstr(text, needle);
    if (at)
        v = strtod(at + strlen(needle), NULL);
    ot_free(text);
    if (v < 0)
        fail_msg("no sample %s", needle);
    return v;
}

static void expect_refused(struct fixture *f, const char *victim, const ot_update *u,
                           const char *field)
{
    char *before = stored(f, victim), *after;
    ot_order *o = (ot_order *)1;
    ot_error err;
    assert_ot_error(ot_tracker_apply_update(&o, f->tracker, u, "attack-key", &err), OT_EAUTH,
                    err);
    assert_null(o);
    assert_string_equal(err.field, field);
    after = stored(f, victim);
    assert_string_equal(before, after);
    ot_free(before);
    ot_free(after);
}

/* Every provider against every other provider's order, by order id and by tracking id. */
static void test_every_partner_pair(void **state)
{
    struct fixture *f = *state;
    char id[64], tid[64], ev[64];
    size_t p, q;
    for (p = 0; p < N_PROVIDERS; p++) {
        snprintf(id, sizeof id, "ord-%s", name_of(providers[p]));
        snprintf(tid, sizeof tid, "T-%s", name_of(providers[p]));
        init_order(f->tracker, id, providers[p], tid);
    }
    for (p = 0; p < N_PROVIDERS; p++)
        for (q = 0; q < N_PROVIDERS; q++) {
            ot_update u;
            if (p == q)
                continue;
            snprintf(id, sizeof id, "ord-%s", name_of(providers[p]));
            snprintf(tid, sizeof tid, "T-%s", name_of(providers[p]));
            /* the victim's order id with the attacker's own delivery id */
            snprintf(ev, sizeof ev, "ev-%zu-%zu-a", p, q);
            u = attack(providers[q], id, "ATTACKER-DELIVERY", ev);
            expect_refused(f, id, &u, "provider");
            /* the victim's order id alone */
            snprintf(ev, sizeof ev, "ev-%zu-%zu-b", p, q);
            u = attack(providers[q], id, NULL, ev);
            expect_refused(f, id, &u, "provider");
            /* the victim's AWB / delivery id alone */
            snprintf(ev, sizeof ev, "ev-%zu-%zu-c", p, q);
            u = attack(providers[q], NULL, tid, ev);
            expect_refused(f, id, &u, "provider");
        }
    for (q = 0; q < N_PROVIDERS; q++) {
        assert_true(refused(f, providers[q], "provider_mismatch") == 3.0 * (N_PROVIDERS - 1));
        assert_true(refused(f, providers[q], "tracking_id_mismatch") == 0);
    }
    /* each partner still reaches its own order */
    for (p = 0; p < N_PROVIDERS; p++) {
        ot_update u;
        ot_order *o = NULL;
        ot_error err;
        snprintf(id, sizeof id, "ord-%s", name_of(providers[p]));
        snprintf(tid, sizeof tid, "T-%s", name_of(providers[p]));
        u = attack(providers[p], NULL, tid, "own");
        if (ot_tracker_apply_update(&o, f->tracker, &u, NULL, &err) != 0)
            fail_msg("%s: %s", id, err.message);
        assert_string_equal(ot_order_order_id(o), id);
        assert_int_equal(ot_order_issue_count(o), 1);
        ot_order_free(o);
    }
}

/* Within one provider, a delivery id / AWB that is not the order's is refused; an order
 * without one takes the partner's updates by order id. */
static void test_tracking_id_binding(void **state)
{
    struct fixture *f = *state;
    ot_update u;
    ot_order *o = NULL;
    ot_error err;

    init_order(f->tracker, "u-1", OT_PROVIDER_UBER, "uber-delivery-1");
    init_order(f->tracker, "u-2", OT_PROVIDER_UBER, NULL);
    init_order(f->tracker, "d-1", OT_PROVIDER_DELHIVERY, "AWB-1");
    /* another Uber delivery naming u-1 as its external id */
    u = attack(OT_PROVIDER_UBER, "u-1", "uber-delivery-2", "ev-1");
    expect_refused(f, "u-1", &u, "tracking_id");
    u = attack(OT_PROVIDER_DELHIVERY, "d-1", "AWB-2", "ev-2");
    expect_refused(f, "d-1", &u, "tracking_id");
    assert_true(refused(f, OT_PROVIDER_UBER, "tracking_id_mismatch") == 1);
    assert_true(refused(f, OT_PROVIDER_DELHIVERY, "tracking_id_mismatch") == 1);
    assert_true(refused(f, OT_PROVIDER_UBER, "provider_mismatch") == 0);
    /* its own delivery id, and an order that has none yet */
    u = attack(OT_PROVIDER_UBER, "u-1", "uber-delivery-1", "ev-3");
    assert_int_equal(ot_tracker_apply_update(NULL, f->tracker, &u, NULL, &err), 0);
    u = attack(OT_PROVIDER_UBER, "u-2", "uber-delivery-9", "ev-4");
    assert_int_equal(ot_tracker_apply_update(&o, f->tracker, &u, NULL, &err), 0);
    assert_int_equal(ot_order_issue_count(o), 1);
    ot_order_free(o);
    /* DoorDash names a delivery by our order id alone: no id of its own to compare */
    init_order(f->tracker, "dd-1", OT_PROVIDER_DOORDASH, "dd-support-ref");
    u = attack(OT_PROVIDER_DOORDASH, "dd-1", "dd-1", "ev-5");
    assert_int_equal(ot_tracker_apply_update(NULL, f->tracker, &u, NULL, &err), 0);
}

/* Two partners may use the same AWB string: each reaches its own order. */
static void test_shared_awb(void **state)
{
    struct fixture *f = *state;
    ot_update u;
    ot_order *o = NULL;
    ot_error err;
    char *before;

    init_order(f->tracker, "s-1", OT_PROVIDER_SHIPROCKET, "SHARED-AWB");
    init_order(f->tracker, "d-1", OT_PROVIDER_DELHIVERY, "SHARED-AWB");
    before = stored(f, "s-1");
    u = attack(OT_PROVIDER_DELHIVERY, NULL, "SHARED-AWB", "ev-d");
    assert_int_equal(ot_tracker_apply_update(&o, f->tracker, &u, NULL, &err), 0);
    assert_string_equal(ot_order_order_id(o), "d-1");
    ot_order_free(o);
    {
        char *after = stored(f, "s-1");
        assert_string_equal(before, after);
        ot_free(after);
    }
    ot_free(before);
    u = attack(OT_PROVIDER_SHIPROCKET, NULL, "SHARED-AWB", "ev-s");
    assert_int_equal(ot_tracker_apply_update(&o, f->tracker, &u, NULL, &err), 0);
    assert_string_equal(ot_order_order_id(o), "s-1");
    ot_order_free(o);
    /* Velocity has no order with it: the first match is refused, not applied */
    u = attack(OT_PROVIDER_VELOCITY, NULL, "SHARED-AWB", "ev-v");
    assert_ot_error(ot_tracker_apply_update(NULL, f->tracker, &u, NULL, &err), OT_EAUTH, err);
    assert_true(refused(f, OT_PROVIDER_VELOCITY, "provider_mismatch") == 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_every_partner_pair, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tracking_id_binding, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shared_awb, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
