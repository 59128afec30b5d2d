/* The per-operation request structs (tracker_requests.h): a lifecycle written with the _v2
 * calls leaves the record the ot_request calls leave; idempotency keys are shared between the
 * two forms; NULL requests, unknown versions and bad members are refused; the _init
 * functions. */
#include <stdlib.h>

#include "test_util.h"
#include <ordertrack/adapters/memory.h>
#include <ordertrack/sys/clock.h>

#define T0 1795416001000LL

struct side {
    ot_storage *storage;
    ot_tracker *tracker;
    int64_t now;
};

static int64_t fake_now(void *userdata)
{
    struct side *s = userdata;
    return s->now += 1000;
}

static void side_open(struct side *s)
{
    ot_tracker_options o = OT_TRACKER_OPTIONS_INIT;
    ot_clock clock = OT_CLOCK_INIT;
    ot_error err;

    s->now = T0;
    clock.now_ms = fake_now;
    clock.userdata = s;
    assert_int_equal(ot_storage_memory_new(&s->storage, &err), 0);
    o.storage = s->storage;
    o.clock = &clock;
    assert_int_equal(ot_tracker_new(&s->tracker, &o, &err), 0);
}

static void side_close(struct side *s)
{
    ot_tracker_free(s->tracker);
    ot_storage_close(s->storage);
}

static void ok(int rc, const ot_error *err, const char *what)
{
    if (rc != 0)
        fail_msg("%s: %d %s", what, rc, err->message);
}

/* The stored record's JSON with its random ids masked (free with ot_free). */
static char *record(struct side *s, const char *order_id)
{
    ot_order *o = NULL;
    char *json = NULL;
    assert_int_equal(ot_tracker_get(&o, s->tracker, order_id, NULL), 0);
    assert_int_equal(ot_order_verify_history(o, NULL), 0);
    assert_int_equal(ot_order_to_json(&json, NULL, o, NULL), 0);
    ot_order_free(o);
    ot_test_mask_random(json);
    return json;
}

/* Every operation with the ot_request calls. */
static void lifecycle_v1(ot_tracker *t, const char *id)
{
    ot_request r = OT_REQUEST_INIT;
    int64_t retry = -1;
    ot_error err;

#define R() (r = (ot_request)OT_REQUEST_INIT, r.order_id = id, r.updated_by = "ops")
    R();
    r.store_id = "s-1";
    r.customer_id = "c-1";
    r.provider = OT_PROVIDER_UBER;
    r.metadata_json = "{\"lane\":2}";
    r.estimated_delivery_ms = T0 + 3600000;
    ok(ot_tracker_init_order(NULL, t, &r, &err), &err, "init");
    R();
    r.store_id = "s-1";
    ok(ot_tracker_store_acknowledge(NULL, t, &r, &err), &err, "ack");
    ok(ot_tracker_start_picking(NULL, t, &r, &err), &err, "picking");
    r.original_item_id = "milk";
    r.substitute_item_id = "oat milk";
    r.reason = "out of stock";
    r.price_difference = 0.5;
    ok(ot_tracker_add_substitution(NULL, t, &r, &err), &err, "substitution");
    R();
    r.original_item_id = "milk";
    r.approved = 1;
    r.notes = "fine";
    ok(ot_tracker_respond_substitution(NULL, t, &r, &err), &err, "respond");
    R();
    r.store_id = "s-1";
    ok(ot_tracker_ready(NULL, t, &r, &err), &err, "ready");
    R();
    ok(ot_tracker_assign_driver(NULL, &retry, t, &r, &err), &err, "no driver");
    assert_int_equal(retry, 30000);
    r.driver_id = "d-1";
    r.driver_name = "Ana";
    r.driver_phone = "+15550100";
    r.vehicle_type = "bike";
    r.tracking_url = "https://track.example/1";
    ok(ot_tracker_assign_driver(NULL, &retry, t, &r, &err), &err, "assign");
    assert_int_equal(retry, 0);
    R();
    r.latitude = 12.9;
    r.longitude = 77.6;
    r.has_accuracy = 1;
    r.accuracy = 4.0;
    r.time_ms = T0 + 50000;
    ok(ot_tracker_update_location(NULL, t, &r, &err), &err, "location");
    R();
    r.issue_type = "late";
    r.description = "traffic";
    r.severity = OT_SEVERITY_HIGH;
    ok(ot_tracker_raise_issue(NULL, t, &r, &err), &err, "issue");
    R();
    r.issue_index = 1;
    r.resolution = "cleared";
    ok(ot_tracker_resolve_issue(NULL, t, &r, &err), &err, "resolve");
    R();
    r.time_ms = T0 + 60000;
    ok(ot_tracker_pickup(NULL, t, &r, &err), &err, "pickup");
    R();
    r.status = OT_STATUS_IN_TRANSIT;
    ok(ot_tracker_set_status(NULL, t, &r, &err), &err, "in transit");
    R();
    r.time_ms = T0 + 70000;
    ok(ot_tracker_delivered(NULL, t, &r, &err), &err, "delivered");
#undef R
}

/* The same operations with the _v2 calls. */
static void lifecycle_v2(ot_tracker *t, const char *id)
{
    const ot_write_common w = {id, NULL, NULL, 0, "ops", NULL, NULL};
    ot_init_order_request init = OT_INIT_ORDER_REQUEST_INIT;
    ot_store_acknowledge_request ack = OT_STORE_ACKNOWLEDGE_REQUEST_INIT;
    ot_start_picking_request picking = OT_START_PICKING_REQUEST_INIT;
    ot_add_substitution_request sub = OT_ADD_SUBSTITUTION_REQUEST_INIT;
    ot_respond_substitution_request respond = OT_RESPOND_SUBSTITUTION_REQUEST_INIT;
    ot_ready_request ready = OT_READY_REQUEST_INIT;
    ot_assign_driver_request assign = OT_ASSIGN_DRIVER_REQUEST_INIT;
    ot_update_location_request loc = OT_UPDATE_LOCATION_REQUEST_INIT;
    ot_raise_issue_request issue = OT_RAISE_ISSUE_REQUEST_INIT;
    ot_resolve_issue_request resolve = OT_RESOLVE_ISSUE_REQUEST_INIT;
    ot_pickup_request pickup = OT_PICKUP_REQUEST_INIT;
    ot_set_status_request status = OT_SET_STATUS_REQUEST_INIT;
    ot_delivered_request delivered = OT_DELIVERED_REQUEST_INIT;
    int64_t retry = -1;
    ot_error err;

    init.write = w;
    init.write.metadata_json = "{\"lane\":2}";
    init.store_id = "s-1";
    init.customer_id = "c-1";
    init.provider = OT_PROVIDER_UBER;
    init.estimated_delivery_ms = T0 + 3600000;
    ok(ot_tracker_init_order_v2(NULL, t, &init, &err), &err, "init");
    ack.write = w;
    ack.store_id = "s-1";
    ok(ot_tracker_store_acknowledge_v2(NULL, t, &ack, &err), &err, "ack");
    picking.write = w;
    picking.store_id = "s-1";
    ok(ot_tracker_start_picking_v2(NULL, t, &picking, &err), &err, "picking");
    sub.write = w;
    sub.store_id = "s-1";
    sub.original_item_id = "milk";
    sub.substitute_item_id = "oat milk";
    sub.reason = "out of stock";
    sub.price_difference = 0.5;
    ok(ot_tracker_add_substitution_v2(NULL, t, &sub, &err), &err, "substitution");
    respond.write = w;
    respond.write.notes = "fine";
    respond.original_item_id = "milk";
    respond.approved = 1;
    ok(ot_tracker_respond_substitution_v2(NULL, t, &respond, &err), &err, "respond");
    ready.write = w;
    ready.store_id = "s-1";
    ok(ot_tracker_ready_v2(NULL, t, &ready, &err), &err, "ready");
    assign.write = w;
    ok(ot_tracker_assign_driver_v2(NULL, &retry, t, &assign, &err), &err, "no driver");
    assert_int_equal(retry, 30000);
    assign.driver_id = "d-1";
    assign.driver_name = "Ana";
    assign.driver_phone = "+15550100";
    assign.vehicle_type = "bike";
    assign.tracking_url = "https://track.example/1";
    ok(ot_tracker_assign_driver_v2(NULL, &retry, t, &assign, &err), &err, "assign");
    assert_int_equal(retry, 0);
    loc.write = w;
    loc.latitude = 12.9;
    loc.longitude = 77.6;
    loc.has_accuracy = 1;
    loc.accuracy = 4.0;
    loc.time_ms = T0 + 50000;
    ok(ot_tracker_update_location_v2(NULL, t, &loc, &err), &err, "location");
    issue.write = w;
    issue.issue_type = "late";
    issue.description = "traffic";
    issue.severity = OT_SEVERITY_HIGH;
    ok(ot_tracker_raise_issue_v2(NULL, t, &issue, &err), &err, "issue");
    resolve.write = w;
    resolve.issue_index = 1;
    resolve.resolution = "cleared";
    ok(ot_tracker_resolve_issue_v2(NULL, t, &resolve, &err), &err, "resolve");
    pickup.write = w;
    pickup.time_ms = T0 + 60000;
    ok(ot_tracker_pickup_v2(NULL, t, &pickup, &err), &err, "pickup");
    status.write = w;
    status.status = OT_STATUS_IN_TRANSIT;
    ok(ot_tracker_set_status_v2(NULL, t, &status, &err), &err, "in transit");
    delivered.write = w;
    delivered.time_ms = T0 + 70000;
    ok(ot_tracker_delivered_v2(NULL, t, &delivered, &err), &err, "delivered");
}

/* Both forms, each on its own store at the same clock, leave the same record. */
static void test_same_record(void **state)
{
    struct side a, b;
    char *ja, *jb;
    ot_order *o = NULL;

    (void)state;
    side_open(&a);
    side_open(&b);
    lifecycle_v1(a.tracker, "o-1");
    lifecycle_v2(b.tracker, "o-1");
    ja = record(&a, "o-1");
    jb = record(&b, "o-1");
    assert_string_equal(ja, jb);
    assert_int_equal(ot_tracker_get(&o, b.tracker, "o-1", NULL), 0);
    assert_int_equal(ot_order_status(o), OT_STATUS_DELIVERED);
    assert_int_equal(ot_order_issue_count(o), 2); /* no_drivers and late */
    assert_int_equal(ot_order_substitution_count(o), 1);
    ot_order_free(o);
    ot_free(ja);
    ot_free(jb);
    side_close(&a);
    side_close(&b);
}

/* A key is one key whichever form used it: the same values replay, others conflict; the
 * scope of ot_write_common is the scope of ot_request version 2. */
static void test_idempotency_across_forms(void **state)
{
    struct side s;
    ot_request r = OT_REQUEST_INIT;
    ot_raise_issue_request issue = OT_RAISE_ISSUE_REQUEST_INIT;
    ot_order *o = NULL;
    ot_error err;
    int64_t version;

    (void)state;
    side_open(&s);
    r.order_id = "o-2";
    r.store_id = "s-1";
    r.customer_id = "c-1";
    r.provider = OT_PROVIDER_UBER;
    ok(ot_tracker_init_order(NULL, s.tracker, &r, &err), &err, "init");
    r = (ot_request)OT_REQUEST_INIT;
    r.order_id = "o-2";
    r.idempotency_key = "k-1";
    r.idempotency_scope = "caller-a";
    r.issue_type = "late";
    r.description = "traffic";
    r.severity = OT_SEVERITY_LOW;
    ok(ot_tracker_raise_issue(&o, s.tracker, &r, &err), &err, "raise v1");
    version = ot_order_version(o);
    ot_order_free(o);

    issue.write.order_id = "o-2";
    issue.write.idempotency_key = "k-1";
    issue.write.idempotency_scope = "caller-a";
    issue.issue_type = "late";
    issue.description = "traffic";
    issue.severity = OT_SEVERITY_LOW;
    ok(ot_tracker_raise_issue_v2(&o, s.tracker, &issue, &err), &err, "replay v2");
    assert_int_equal(ot_order_version(o), version);
    assert_int_equal(ot_order_issue_count(o), 1);
    ot_order_free(o);
    /* another caller's key of the same name is its own */
    issue.write.idempotency_scope = "caller-b";
    ok(ot_tracker_raise_issue_v2(&o, s.tracker, &issue, &err), &err, "other scope");
    assert_int_equal(ot_order_issue_count(o), 2);
    ot_order_free(o);
    /* the key with other values */
    issue.write.idempotency_scope = "caller-a";
    issue.description = "rain";
    assert_ot_error(ot_tracker_raise_issue_v2(&o, s.tracker, &issue, &err),
                    OT_EIDEMPOTENCY_CONFLICT, err);
    assert_null(o);
    side_close(&s);
}

/* Each call with a NULL request, version 0 and a version from the future: refused with *out
 * NULL and nothing written. */
static void test_null_and_versions(void **state)
{
    struct side s;
    ot_init_order_request init = OT_INIT_ORDER_REQUEST_INIT;
    ot_set_status_request status = OT_SET_STATUS_REQUEST_INIT;
    ot_store_acknowledge_request ack = OT_STORE_ACKNOWLEDGE_REQUEST_INIT;
    ot_start_picking_request picking = OT_START_PICKING_REQUEST_INIT;
    ot_add_substitution_request sub = OT_ADD_SUBSTITUTION_REQUEST_INIT;
    ot_respond_substitution_request respond = OT_RESPOND_SUBSTITUTION_REQUEST_INIT;
    ot_ready_request ready = OT_READY_REQUEST_INIT;
    ot_assign_driver_request assign = OT_ASSIGN_DRIVER_REQUEST_INIT;
    ot_update_location_request loc = OT_UPDATE_LOCATION_REQUEST_INIT;
    ot_pickup_request pickup = OT_PICKUP_REQUEST_INIT;
    ot_delivered_request delivered = OT_DELIVERED_REQUEST_INIT;
    ot_raise_issue_request issue = OT_RAISE_ISSUE_REQUEST_INIT;
    ot_resolve_issue_request resolve = OT_RESOLVE_ISSUE_REQUEST_INIT;
    ot_order *o = (ot_order *)&s; /* not NULL: the call must clear it */
    int64_t retry = 7;
    ot_error err;
    ot_tracker *t;
    unsigned bad[] = {0, 2, 99};
    size_t i;

    (void)state;
    side_open(&s);
    t = s.tracker;
#define NULL_REQUEST(call)                                   \
    do {                                                     \
        o = (ot_order *)&s;                                  \
        assert_ot_error(call, OT_EINVAL, err);               \
        assert_string_equal(err.field, "request");           \
        assert_null(o);                                      \
    } while (0)
    NULL_REQUEST(ot_tracker_init_order_v2(&o, t, NULL, &err));
    NULL_REQUEST(ot_tracker_set_status_v2(&o, t, NULL, &err));
    NULL_REQUEST(ot_tracker_store_acknowledge_v2(&o, t, NULL, &err));
    NULL_REQUEST(ot_tracker_start_picking_v2(&o, t, NULL, &err));
    NULL_REQUEST(ot_tracker_add_substitution_v2(&o, t, NULL, &err));
    NULL_REQUEST(ot_tracker_respond_substitution_v2(&o, t, NULL, &err));
    NULL_REQUEST(ot_tracker_ready_v2(&o, t, NULL, &err));
    NULL_REQUEST(ot_tracker_assign_driver_v2(&o, &retry, t, NULL, &err));
    assert_int_equal(retry, 0);
    NULL_REQUEST(ot_tracker_update_location_v2(&o, t, NULL, &err));
    NULL_REQUEST(ot_tracker_pickup_v2(&o, t, NULL, &err));
    NULL_REQUEST(ot_tracker_delivered_v2(&o, t, NULL, &err));
    NULL_REQUEST(ot_tracker_raise_issue_v2(&o, t, NULL, &err));
    NULL_REQUEST(ot_tracker_resolve_issue_v2(&o, t, NULL, &err));
#undef NULL_REQUEST

#define BAD_VERSION(req, call)                               \
    do {                                                     \
        (req).version = bad[i];                              \
        (req).write.order_id = "o-3";                        \
        o = (ot_order *)&s;                                  \
        assert_ot_error(call, OT_EVERSION, err);             \
        assert_string_equal(err.field, "version");           \
        assert_null(o);                                      \
    } while (0)
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        BAD_VERSION(init, ot_tracker_init_order_v2(&o, t, &init, &err));
        BAD_VERSION(status, ot_tracker_set_status_v2(&o, t, &status, &err));
        BAD_VERSION(ack, ot_tracker_store_acknowledge_v2(&o, t, &ack, &err));
        BAD_VERSION(picking, ot_tracker_start_picking_v2(&o, t, &picking, &err));
        BAD_VERSION(sub, ot_tracker_add_substitution_v2(&o, t, &sub, &err));
        BAD_VERSION(respond, ot_tracker_respond_substitution_v2(&o, t, &respond, &err));
        BAD_VERSION(ready, ot_tracker_ready_v2(&o, t, &ready, &err));
        BAD_VERSION(assign, ot_tracker_assign_driver_v2(&o, NULL, t, &assign, &err));
        BAD_VERSION(loc, ot_tracker_update_location_v2(&o, t, &loc, &err));
        BAD_VERSION(pickup, ot_tracker_pickup_v2(&o, t, &pickup, &err));
        BAD_VERSION(delivered, ot_tracker_delivered_v2(&o, t, &delivered, &err));
        BAD_VERSION(issue, ot_tracker_raise_issue_v2(&o, t, &issue, &err));
        BAD_VERSION(resolve, ot_tracker_resolve_issue_v2(&o, t, &resolve, &err));
    }
#undef BAD_VERSION
    /* nothing was created */
    assert_ot_error(ot_tracker_get(&o, t, "o-3", &err), OT_ENOTFOUND, err);
    side_close(&s);
}

/* Bad members reach the operation's own checks and are named as with ot_request. */
static void test_bad_members(void **state)
{
    struct side s;
    ot_init_order_request init = OT_INIT_ORDER_REQUEST_INIT;
    ot_set_status_request status = OT_SET_STATUS_REQUEST_INIT;
    ot_start_picking_request picking = OT_START_PICKING_REQUEST_INIT;
    ot_update_location_request loc = OT_UPDATE_LOCATION_REQUEST_INIT;
    ot_raise_issue_request issue = OT_RAISE_ISSUE_REQUEST_INIT;
    ot_resolve_issue_request resolve = OT_RESOLVE_ISSUE_REQUEST_INIT;
    ot_error err;

    (void)state;
    side_open(&s);
    /* a creation with If-Match: nothing to match */
    init.write.order_id = "o-4";
    init.write.expected_version = 3;
    init.store_id = "s-1";
    init.customer_id = "c-1";
    init.provider = OT_PROVIDER_UBER;
    assert_ot_error(ot_tracker_init_order_v2(NULL, s.tracker, &init, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "expected_version");
    init.write.expected_version = 0;
    init.write.order_id = "..";
    assert_ot_error(ot_tracker_init_order_v2(NULL, s.tracker, &init, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "order_id");
    init.write.order_id = "o-4";
    init.provider = OT_PROVIDER_DELHIVERY; /* parcel: a tracking id is required */
    assert_ot_error(ot_tracker_init_order_v2(NULL, s.tracker, &init, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "tracking_id");
    init.provider = OT_PROVIDER_UBER;
    init.write.metadata_json = "[1]";
    assert_ot_error(ot_tracker_init_order_v2(NULL, s.tracker, &init, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "metadata");
    init.write.metadata_json = NULL;
    init.write.idempotency_scope = "two words";
    init.write.idempotency_key = "k";
    assert_ot_error(ot_tracker_init_order_v2(NULL, s.tracker, &init, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "idempotency_scope");
    init.write.idempotency_scope = NULL;
    init.write.idempotency_key = NULL;
    ok(ot_tracker_init_order_v2(NULL, s.tracker, &init, &err), &err, "init");
    assert_ot_error(ot_tracker_init_order_v2(NULL, s.tracker, &init, &err), OT_EEXISTS, err);

    status.write.order_id = "o-4";
    status.status = 999;
    assert_ot_error(ot_tracker_set_status_v2(NULL, s.tracker, &status, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "status");
    status.status = OT_STATUS_DELIVERED;
    assert_ot_error(ot_tracker_set_status_v2(NULL, s.tracker, &status, &err), OT_ETRANSITION,
                    err);
    status.status = OT_STATUS_STORE_NOTIFIED;
    status.write.expected_version = 9;
    assert_ot_error(ot_tracker_set_status_v2(NULL, s.tracker, &status, &err), OT_ECONFLICT,
                    err);
    status.write.expected_version = -1;
    assert_ot_error(ot_tracker_set_status_v2(NULL, s.tracker, &status, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "expected_version");

    picking.write.order_id = "o-4";
    picking.store_id = "s-other";
    assert_ot_error(ot_tracker_start_picking_v2(NULL, s.tracker, &picking, &err), OT_ENOTFOUND,
                    err);
    assert_string_equal(err.field, "store_id");

    loc.write.order_id = "o-4";
    loc.latitude = 1.0;
    assert_ot_error(ot_tracker_update_location_v2(NULL, s.tracker, &loc, &err), OT_ESTATE, err);

    issue.write.order_id = "o-4";
    issue.issue_type = "late";
    issue.description = "traffic";
    issue.severity = 42;
    assert_ot_error(ot_tracker_raise_issue_v2(NULL, s.tracker, &issue, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "severity");

    resolve.write.order_id = "o-4";
    resolve.issue_index = 5;
    resolve.resolution = "done";
    assert_ot_error(ot_tracker_resolve_issue_v2(NULL, s.tracker, &resolve, &err), OT_ENOTFOUND,
                    err);
    assert_string_equal(err.field, "issue_index");
    resolve.write.order_id = "no-such-order";
    assert_ot_error(ot_tracker_resolve_issue_v2(NULL, s.tracker, &resolve, &err), OT_ENOTFOUND,
                    err);
    assert_ot_error(ot_tracker_resolve_issue_v2(NULL, NULL, &resolve, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "tracker");
    side_close(&s);
}

/* Each _init fills its struct as its _INIT does; NULL and unknown versions are refused. */
static void test_init_functions(void **state)
{
    ot_error err;
    (void)state;
#define INIT_CASE(type, fn, INIT, VERSION)                                  \
    do {                                                                    \
        static const type want = INIT;                                      \
        type got;                                                           \
        memset(&got, 0x5a, sizeof got);                                     \
        assert_int_equal(fn(&got, VERSION, &err), 0);                       \
        assert_memory_equal(&got, &want, sizeof got);                       \
        assert_ot_error(fn(NULL, VERSION, &err), OT_EINVAL, err);           \
        assert_ot_error(fn(&got, 0, &err), OT_EVERSION, err);               \
        assert_ot_error(fn(&got, (VERSION) + 1, &err), OT_EVERSION, err);   \
    } while (0)
    INIT_CASE(ot_init_order_request, ot_init_order_request_init, OT_INIT_ORDER_REQUEST_INIT,
              OT_INIT_ORDER_REQUEST_VERSION);
    INIT_CASE(ot_set_status_request, ot_set_status_request_init, OT_SET_STATUS_REQUEST_INIT,
              OT_SET_STATUS_REQUEST_VERSION);
    INIT_CASE(ot_store_acknowledge_request, ot_store_acknowledge_request_init,
              OT_STORE_ACKNOWLEDGE_REQUEST_INIT, OT_STORE_ACKNOWLEDGE_REQUEST_VERSION);
    INIT_CASE(ot_start_picking_request, ot_start_picking_request_init,
              OT_START_PICKING_REQUEST_INIT, OT_START_PICKING_REQUEST_VERSION);
    INIT_CASE(ot_add_substitution_request, ot_add_substitution_request_init,
              OT_ADD_SUBSTITUTION_REQUEST_INIT, OT_ADD_SUBSTITUTION_REQUEST_VERSION);
    INIT_CASE(ot_respond_substitution_request, ot_respond_substitution_request_init,
              OT_RESPOND_SUBSTITUTION_REQUEST_INIT, OT_RESPOND_SUBSTITUTION_REQUEST_VERSION);
    INIT_CASE(ot_ready_request, ot_ready_request_init, OT_READY_REQUEST_INIT,
              OT_READY_REQUEST_VERSION);
    INIT_CASE(ot_assign_driver_request, ot_assign_driver_request_init,
              OT_ASSIGN_DRIVER_REQUEST_INIT, OT_ASSIGN_DRIVER_REQUEST_VERSION);
    INIT_CASE(ot_update_location_request, ot_update_location_request_init,
              OT_UPDATE_LOCATION_REQUEST_INIT, OT_UPDATE_LOCATION_REQUEST_VERSION);
    INIT_CASE(ot_pickup_request, ot_pickup_request_init, OT_PICKUP_REQUEST_INIT,
              OT_PICKUP_REQUEST_VERSION);
    INIT_CASE(ot_delivered_request, ot_delivered_request_init, OT_DELIVERED_REQUEST_INIT,
              OT_DELIVERED_REQUEST_VERSION);
    INIT_CASE(ot_raise_issue_request, ot_raise_issue_request_init, OT_RAISE_ISSUE_REQUEST_INIT,
              OT_RAISE_ISSUE_REQUEST_VERSION);
    INIT_CASE(ot_resolve_issue_request, ot_resolve_issue_request_init,
              OT_RESOLVE_ISSUE_REQUEST_INIT, OT_RESOLVE_ISSUE_REQUEST_VERSION);
#undef INIT_CASE
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_record),
        cmocka_unit_test(test_idempotency_across_forms),
        cmocka_unit_test(test_null_and_versions),
        cmocka_unit_test(test_bad_members),
        cmocka_unit_test(test_init_functions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
