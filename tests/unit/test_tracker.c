/* The tracking engine: the seed lifecycle, store rejection, no-driver retry, locations,
 * terminal states, idempotency, optimistic locking, courier updates, bad input. */
#include <stdio.h>
#include <stdlib.h>

#include "test_util.h"
#include <ordertrack/adapters/memory.h>
#include <ordertrack/sys/clock.h>
#include <ordertrack/sys/notice.h>

#define T0 1795416001000LL

struct fixture {
    ot_storage *storage;
    ot_tracker *tracker;
    int64_t now;
    int notices[16];    /* by kind */
    int locations;      /* OT_NOTICE_LOCATION_UPDATED notices */
    int inject;         /* conflicting writes to inject before the next commits */
    ot_storage wrapper; /* storage that injects concurrent writers */
    ot_tracker *rival;  /* the concurrent writer */
    int64_t skew;       /* clock_skew_ms of tracker(); 0: the largest */
};

static int64_t fake_now(void *userdata)
{
    struct fixture *f = userdata;
    return f->now += 1000;
}

static void on_notice(void *userdata, const ot_notice *n)
{
    struct fixture *f = userdata;
    if (n->kind > 0 && n->kind < (int)(sizeof f->notices / sizeof f->notices[0]))
        f->notices[n->kind]++;
    if (n->kind == OT_NOTICE_LOCATION_UPDATED) {
        assert_int_equal(n->version, OT_NOTICE_VERSION);
        assert_null(n->detail);
        f->locations++;
    }
}

/* The fixture of the commit trampoline (the adapter's userdata stays the adapter's). */
static struct fixture *current;

/* A commit that first lets a rival tracker commit to the same order (a concurrent writer
 * on another instance), `inject` times. */
static int injecting_commit(void *userdata, int64_t expected, const ot_storage_record *rec,
                            const ot_idempotency_record *idem, ot_error *err)
{
    struct fixture *f = current;
    (void)userdata;
    if (f->inject > 0) {
        ot_request r = OT_REQUEST_INIT;
        f->inject--;
        r.order_id = rec->order_id;
        r.issue_type = "rival";
        r.description = "a concurrent writer";
        r.severity = OT_SEVERITY_LOW;
        assert_int_equal(ot_tracker_raise_issue(NULL, f->rival, &r, NULL), 0);
    }
    return f->storage->commit(f->storage->userdata, expected, rec, idem, err);
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    ot_tracker_options o = OT_TRACKER_OPTIONS_INIT;
    ot_error err;
    f->now = T0;
    assert_int_equal(ot_storage_memory_new(&f->storage, &err), 0);
    f->wrapper = *f->storage;
    f->wrapper.commit = injecting_commit;
    f->wrapper.close = NULL;
    o.storage = f->storage;
    assert_int_equal(ot_tracker_new(&f->rival, &o, &err), 0);
    current = f;
    *state = f;
    return 0;
}

static ot_tracker *tracker(struct fixture *f, unsigned max_retries)
{
    ot_clock clock = OT_CLOCK_INIT;
    ot_notice_sink sink = OT_NOTICE_SINK_INIT;
    ot_tracker_options o = OT_TRACKER_OPTIONS_INIT;
    ot_error err;
    clock.now_ms = fake_now;
    clock.userdata = f;
    /* these cases date events minutes to hours past the fake clock; the clock skew has
     * cases of its own (test_future_times) */
    o.clock_skew_ms = f->skew ? f->skew : OT_TRACKER_CLOCK_SKEW_MAX_MS;
    sink.notify = on_notice;
    sink.userdata = f;
    o.storage = &f->wrapper;
    o.clock = &clock;
    o.notices = &sink;
    o.max_retries = max_retries;
    ot_tracker_free(f->tracker);
    assert_int_equal(ot_tracker_new(&f->tracker, &o, &err), 0);
    return f->tracker;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    ot_tracker_free(f->tracker);
    ot_tracker_free(f->rival);
    ot_storage_close(f->storage);
    free(f);
    return 0;
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

static ot_request req(const char *order_id)
{
    ot_request r = OT_REQUEST_INIT;
    r.order_id = order_id;
    r.store_id = "store-1";
    r.updated_by = "tester";
    return r;
}

static void must(int rc, const ot_error *err, const char *what)
{
    if (rc)
        fail_msg("%s: %s (%s)", what, ot_code_name(rc), err->message);
}

static void init_order(ot_tracker *t, const char *id, int provider, const char *awb)
{
    ot_request r = req(id);
    ot_error err;
    r.customer_id = "cust-1";
    r.provider = provider;
    r.tracking_id = awb;
    r.metadata_json = "{\"channel\":\"app\"}";
    must(ot_tracker_init_order(NULL, t, &r, &err), &err, "init");
}

static void step(ot_tracker *t, const char *id, int status)
{
    ot_request r = req(id);
    ot_error err;
    r.status = status;
    must(ot_tracker_set_status(NULL, t, &r, &err), &err, "set_status");
}

static ot_order *get(ot_tracker *t, const char *id)
{
    ot_order *o = NULL;
    ot_error err;
    must(ot_tracker_get(&o, t, id, &err), &err, "get");
    return o;
}

static int status_of(ot_tracker *t, const char *id)
{
    ot_order *o = get(t, id);
    int s = ot_order_status(o);
    ot_order_free(o);
    return s;
}

static void substitution(ot_tracker *t, const char *id, const char *item, double diff)
{
    ot_request r = req(id);
    ot_error err;
    r.original_item_id = item;
    r.substitute_item_id = "alt";
    r.reason = "out of stock";
    r.price_difference = diff;
    must(ot_tracker_add_substitution(NULL, t, &r, &err), &err, "add_substitution");
}

static void respond(ot_tracker *t, const char *id, const char *item, int approved)
{
    ot_request r = req(id);
    ot_error err;
    r.original_item_id = item;
    r.approved = approved;
    must(ot_tracker_respond_substitution(NULL, t, &r, &err), &err, "respond");
}

static size_t count_events(const ot_order *o, const char *event)
{
    ot_history_entry h = OT_HISTORY_ENTRY_INIT;
    size_t i, n = 0;
    for (i = 0; i < ot_order_history_count(o); i++)
        if (ot_order_history_at(&h, o, i, NULL) == 0 && strcmp(h.event, event) == 0)
            n++;
    return n;
}

static void test_seed_lifecycle(void **state)
{
    struct fixture *f = *state;
    ot_tracker *t = tracker(f, 8);
    ot_request r;
    ot_order *o;
    ot_error err;
    int64_t retry = -1, ms;
    ot_location_view loc = OT_LOCATION_VIEW_INIT;

    init_order(t, "ord-1", OT_PROVIDER_UBER, NULL);
    o = get(t, "ord-1");
    assert_int_equal(ot_order_status(o), OT_STATUS_SUBMITTED);
    assert_int_equal(ot_order_version(o), 1);
    assert_int_equal(ot_order_history_count(o), 1);
    assert_int_equal(ot_order_shipment_status(o), 0);
    assert_int_equal(strlen(ot_order_id(o)), 24);
    ot_order_free(o);

    step(t, "ord-1", OT_STATUS_STORE_NOTIFIED);
    r = req("ord-1");
    must(ot_tracker_store_acknowledge(NULL, t, &r, &err), &err, "acknowledge");
    must(ot_tracker_start_picking(NULL, t, &r, &err), &err, "start picking");
    substitution(t, "ord-1", "milk", 0.5);
    substitution(t, "ord-1", "bread", -0.25);
    assert_int_equal(status_of(t, "ord-1"), OT_STATUS_SUBSTITUTIONS_NEEDED);
    /* ready is refused while a substitution waits for the customer */
    assert_ot_error(ot_tracker_ready(NULL, t, &r, &err), OT_ESTATE, err);
    /* the customer rejects one: the order is updated and picking resumes */
    respond(t, "ord-1", "milk", 0);
    assert_int_equal(status_of(t, "ord-1"), OT_STATUS_PICKING_IN_PROGRESS);
    assert_ot_error(ot_tracker_ready(NULL, t, &r, &err), OT_ESTATE, err);  /* bread pends */
    substitution(t, "ord-1", "milk", 0.75);
    respond(t, "ord-1", "bread", 1);
    assert_int_equal(status_of(t, "ord-1"), OT_STATUS_SUBSTITUTIONS_NEEDED); /* milk pends */
    respond(t, "ord-1", "milk", 1);
    assert_int_equal(status_of(t, "ord-1"), OT_STATUS_SUBSTITUTIONS_APPROVED);
    must(ot_tracker_ready(NULL, t, &r, &err), &err, "ready");

    /* no driver: an issue, the status stays, exponential backoff */
    must(ot_tracker_assign_driver(NULL, &retry, t, &r, &err), &err, "no driver 1");
    assert_int_equal(retry, 30000);
    must(ot_tracker_assign_driver(NULL, &retry, t, &r, &err), &err, "no driver 2");
    assert_int_equal(retry, 60000);
    must(ot_tracker_assign_driver(NULL, &retry, t, &r, &err), &err, "no driver 3");
    assert_int_equal(retry, 120000);
    assert_int_equal(status_of(t, "ord-1"), OT_STATUS_READY_FOR_PICKUP);
    /* location before a driver: refused */
    r.latitude = 12.9;
    r.longitude = 77.6;
    assert_ot_error(ot_tracker_update_location(NULL, t, &r, &err), OT_ESTATE, err);

    r.driver_id = "drv-1";
    r.driver_name = "Ana";
    r.driver_phone = "+15550100";
    r.vehicle_type = "bike";
    r.tracking_url = "https://track.example/1";
    must(ot_tracker_assign_driver(NULL, &retry, t, &r, &err), &err, "assign");
    assert_int_equal(retry, 0);
    /* the same driver again: a repeat, nothing changes */
    assert_ot_error(ot_tracker_assign_driver(NULL, NULL, t, &r, &err), OT_ESTALE, err);
    /* the partner reassigns before the pickup: another driver_assigned entry, the status
     * kept, the driver replaced, `reassigned_from` naming the first */
    {
        ot_driver_view d = OT_DRIVER_VIEW_INIT;
        size_t n_before;
        must(ot_tracker_get(&o, t, "ord-1", &err), &err, "get");
        n_before = ot_order_history_count(o);
        ot_order_free(o);
        r.driver_id = "drv-2";
        r.driver_name = "Ben";
        must(ot_tracker_assign_driver(&o, NULL, t, &r, &err), &err, "reassign");
        assert_int_equal(ot_order_status(o), OT_STATUS_DRIVER_ASSIGNED);
        assert_int_equal(ot_order_driver_details(&d, o, &err), 0);
        assert_string_equal(d.driver_id, "drv-2");
        assert_string_equal(d.name, "Ben");
        assert_int_equal(ot_order_history_count(o), n_before + 1);
        {
            char *json = NULL;
            size_t len;
            assert_int_equal(ot_order_to_json(&json, &len, o, &err), 0);
            assert_non_null(strstr(json, "\"reassigned_from\":\"drv-1\""));
            ot_free(json);
        }
        ot_order_free(o);
    }

    r = req("ord-1");
    r.latitude = 12.9;
    r.longitude = 77.6;
    r.has_accuracy = 1;
    r.accuracy = 4.0;
    r.time_ms = T0 + 500000;
    must(ot_tracker_update_location(NULL, t, &r, &err), &err, "location");
    /* an older position is ignored, nothing changes */
    {
        char *before = stored(f, "ord-1"), *after;
        r.latitude = 10.0;
        r.time_ms = T0 + 400000;
        assert_ot_error(ot_tracker_update_location(&o, t, &r, &err), OT_ESTALE, err);
        assert_non_null(o);
        ot_order_free(o);
        after = stored(f, "ord-1");
        assert_string_equal(before, after);
        ot_free(before);
        ot_free(after);
    }
    r.latitude = 91.0;
    r.time_ms = T0 + 600000;
    assert_ot_error(ot_tracker_update_location(NULL, t, &r, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "latitude");

    r = req("ord-1");
    must(ot_tracker_pickup(NULL, t, &r, &err), &err, "pickup");
    /* after the pickup the goods are with drv-2: another driver is refused naming the
     * driver; drv-2 again is a step back, as before */
    r.driver_id = "drv-3";
    r.driver_name = "Cy";
    r.driver_phone = "+15550101";
    r.vehicle_type = "bike";
    assert_ot_error(ot_tracker_assign_driver(NULL, NULL, t, &r, &err), OT_ESTATE, err);
    assert_string_equal(err.field, "driver.driver_id");
    r.driver_id = "drv-2";
    assert_ot_error(ot_tracker_assign_driver(NULL, NULL, t, &r, &err), OT_ETRANSITION, err);
    r = req("ord-1");
    step(t, "ord-1", OT_STATUS_IN_TRANSIT);
    r.time_ms = T0 + 900000;
    must(ot_tracker_delivered(&o, t, &r, &err), &err, "delivered");

    assert_int_equal(ot_order_status(o), OT_STATUS_DELIVERED);
    assert_int_equal(ot_order_time(&ms, o, OT_TIME_ACTUAL_DELIVERY, &err), 0);
    assert_int_equal(ms, T0 + 900000);
    assert_int_equal(ot_order_time(&ms, o, OT_TIME_STORE_ACKNOWLEDGMENT, &err), 0);
    assert_int_equal(ot_order_time(&ms, o, OT_TIME_PICKING_START, &err), 0);
    assert_int_equal(ot_order_time(&ms, o, OT_TIME_PICKING_COMPLETE, &err), 0);
    assert_int_equal(ot_order_time(&ms, o, OT_TIME_DELIVERY_PICKUP, &err), 0);
    assert_int_equal(ot_order_driver_location(&loc, o, &err), 0);
    assert_true(loc.latitude > 12.8 && loc.latitude < 13.0);
    assert_int_equal(ot_order_issue_count(o), 4);   /* three no_drivers, the third escalated */
    assert_int_equal(ot_order_substitution_count(o), 3);
    assert_int_equal(count_events(o, "inventory_adjusted"), 2);
    assert_int_equal(count_events(o, "substitution_responded"), 3);
    assert_int_equal(ot_order_verify_history(o, &err), 0);
    ot_order_free(o);

    /* terminal: no way out, and no location either */
    r = req("ord-1");
    r.status = OT_STATUS_CANCELLED;
    assert_ot_error(ot_tracker_set_status(NULL, t, &r, &err), OT_ETRANSITION, err);
    assert_string_equal(err.from, "delivered");
    assert_string_equal(err.to, "cancelled");
    r.latitude = 1.0;
    assert_ot_error(ot_tracker_update_location(NULL, t, &r, &err), OT_ESTATE, err);
    assert_true(f->notices[OT_NOTICE_STATUS_CHANGED] >= 12);
    /* two no_drivers issues, then the third attempt's escalation instead of a third */
    assert_int_equal(f->notices[OT_NOTICE_ISSUE_RAISED], 2);
    assert_int_equal(f->notices[OT_NOTICE_ESCALATION], 1);

    /* cancelled and failed end an order from any non-terminal state */
    init_order(t, "ord-2", OT_PROVIDER_DOORDASH, NULL);
    step(t, "ord-2", OT_STATUS_CANCELLED);
    r = req("ord-2");
    r.status = OT_STATUS_STORE_NOTIFIED;
    assert_ot_error(ot_tracker_set_status(NULL, t, &r, &err), OT_ETRANSITION, err);
}

static void test_store_rejection(void **state)
{
    struct fixture *f = *state;
    ot_tracker *t = tracker(f, 8);
    ot_request r = req("ord-r");
    ot_issue_view issue = OT_ISSUE_VIEW_INIT;
    ot_order *o;
    ot_error err;

    init_order(t, "ord-r", OT_PROVIDER_INTERNAL, NULL);
    step(t, "ord-r", OT_STATUS_STORE_NOTIFIED);
    r.rejected = 1;
    assert_ot_error(ot_tracker_store_acknowledge(NULL, t, &r, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "reason");
    r.reason = "closing early";
    r.reassign_to = "store-2";
    must(ot_tracker_store_acknowledge(&o, t, &r, &err), &err, "reject");
    assert_string_equal(ot_order_store_id(o), "store-2");
    assert_int_equal(ot_order_status(o), OT_STATUS_STORE_NOTIFIED);
    assert_int_equal(ot_order_issue_at(&issue, o, 0, &err), 0);
    assert_string_equal(issue.issue_type, "store_rejected");
    ot_order_free(o);
    /* the old store no longer sees it */
    r = req("ord-r");
    assert_ot_error(ot_tracker_store_acknowledge(NULL, t, &r, &err), OT_ENOTFOUND, err);
    r.store_id = "store-2";
    must(ot_tracker_store_acknowledge(&o, t, &r, &err), &err, "acknowledge by store-2");
    assert_int_equal(ot_order_status(o), OT_STATUS_STORE_ACKNOWLEDGED);
    ot_order_free(o);
    /* a rejection without reassignment records the issue and keeps the status */
    r.rejected = 1;
    r.reason = "no staff";
    must(ot_tracker_store_acknowledge(&o, t, &r, &err), &err, "reject in place");
    assert_int_equal(ot_order_status(o), OT_STATUS_STORE_ACKNOWLEDGED);
    assert_int_equal(ot_order_issue_count(o), 2);
    ot_order_free(o);
    /* too late once picking started */
    r.rejected = 0;
    must(ot_tracker_start_picking(NULL, t, &r, &err), &err, "start picking");
    r.rejected = 1;
    assert_ot_error(ot_tracker_store_acknowledge(NULL, t, &r, &err), OT_ESTATE, err);
}

static void test_failed_writes_change_nothing(void **state)
{
    struct fixture *f = *state;
    ot_tracker *t = tracker(f, 8);
    ot_request r = req("ord-f");
    char *before, *after;
    int notices;
    ot_error err;

    init_order(t, "ord-f", OT_PROVIDER_UBER, NULL);
    before = stored(f, "ord-f");
    notices = f->notices[1] + f->notices[2] + f->notices[3];
    r.status = OT_STATUS_DELIVERED;
    assert_ot_error(ot_tracker_set_status(NULL, t, &r, &err), OT_ETRANSITION, err);
    assert_string_equal(err.from, "submitted");
    assert_string_equal(err.to, "delivered");
    r.status = 99;
    assert_ot_error(ot_tracker_set_status(NULL, t, &r, &err), OT_EINVAL, err);
    r.status = OT_STATUS_STORE_NOTIFIED;
    r.expected_version = 7;
    assert_ot_error(ot_tracker_set_status(NULL, t, &r, &err), OT_ECONFLICT, err);
    r.expected_version = 0;
    r.metadata_json = "[1]";
    assert_ot_error(ot_tracker_set_status(NULL, t, &r, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "metadata");
    r.metadata_json = "{\"ot\":1}";
    assert_ot_error(ot_tracker_set_status(NULL, t, &r, &err), OT_EINVAL, err);
    r.metadata_json = NULL;
    r.store_id = "store-9";
    assert_ot_error(ot_tracker_start_picking(NULL, t, &r, &err), OT_ENOTFOUND, err);
    r = req("ord-f");
    assert_ot_error(ot_tracker_ready(NULL, t, &r, &err), OT_ETRANSITION, err);
    assert_ot_error(ot_tracker_pickup(NULL, t, &r, &err), OT_ETRANSITION, err);
    r.issue_index = 5;
    r.resolution = "x";
    assert_ot_error(ot_tracker_resolve_issue(NULL, t, &r, &err), OT_ENOTFOUND, err);
    r.original_item_id = "milk";
    assert_ot_error(ot_tracker_respond_substitution(NULL, t, &r, &err), OT_ESTATE, err);
    after = stored(f, "ord-f");
    assert_string_equal(before, after);
    /* notices follow commits only */
    assert_int_equal(f->notices[1] + f->notices[2] + f->notices[3], notices);
    ot_free(before);
    ot_free(after);
}

static void test_idempotency(void **state)
{
    struct fixture *f = *state;
    ot_tracker *t = tracker(f, 8);
    ot_request r = req("ord-i");
    ot_order *a = NULL, *b = NULL;
    char *ja, *jb;
    ot_error err;

    r.customer_id = "cust-1";
    r.provider = OT_PROVIDER_UBER;
    r.idempotency_key = "init-key-1";
    must(ot_tracker_init_order(&a, t, &r, &err), &err, "init");
    must(ot_tracker_init_order(&b, t, &r, &err), &err, "init replay");
    assert_int_equal(ot_order_to_json(&ja, NULL, a, &err), 0);
    assert_int_equal(ot_order_to_json(&jb, NULL, b, &err), 0);
    assert_string_equal(ja, jb);   /* the same record, id included */
    ot_free(ja);
    ot_free(jb);
    ot_order_free(a);
    ot_order_free(b);
    /* without the key, a second init is refused */
    r.idempotency_key = NULL;
    assert_ot_error(ot_tracker_init_order(NULL, t, &r, &err), OT_EEXISTS, err);
    /* the same key with another request */
    r.idempotency_key = "init-key-1";
    r.customer_id = "cust-2";
    assert_ot_error(ot_tracker_init_order(NULL, t, &r, &err), OT_EIDEMPOTENCY_CONFLICT, err);
    assert_string_equal(err.field, "idempotency_key");

    /* a replay returns the first result even after later writes, with no second effect */
    r = req("ord-i");
    r.idempotency_key = "issue-key";
    r.issue_type = "late";
    r.description = "customer called";
    r.severity = OT_SEVERITY_HIGH;
    must(ot_tracker_raise_issue(&a, t, &r, &err), &err, "issue");
    step(t, "ord-i", OT_STATUS_STORE_NOTIFIED);
    must(ot_tracker_raise_issue(&b, t, &r, &err), &err, "issue replay");
    assert_int_equal(ot_order_version(a), ot_order_version(b));
    assert_int_equal(ot_order_issue_count(b), 1);
    ot_order_free(a);
    ot_order_free(b);
    a = get(t, "ord-i");
    assert_int_equal(ot_order_issue_count(a), 1);
    assert_int_equal(ot_order_version(a), 3);
    ot_order_free(a);
    /* a key is per request: another operation with it conflicts */
    r.status = OT_STATUS_CANCELLED;
    assert_ot_error(ot_tracker_set_status(NULL, t, &r, &err), OT_EIDEMPOTENCY_CONFLICT, err);
    r.status = 0;
    /* after the time to live, the key is forgotten and the request runs again */
    f->now += 86400000 + 1;
    must(ot_tracker_raise_issue(&a, t, &r, &err), &err, "issue after expiry");
    assert_int_equal(ot_order_issue_count(a), 2);
    ot_order_free(a);
    /* an ignored result is replayed too */
    r = req("ord-i");
    r.idempotency_key = "bad key";
    assert_ot_error(ot_tracker_raise_issue(NULL, t, &r, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "idempotency_key");
}

/* Keys are the caller's (idempotency_scope, version 2): two callers' same key are two
 * keys, each replaying its own result; unscoped keys (version 1) keep their meaning. */
static void test_idempotency_scope(void **state)
{
    struct fixture *f = *state;
    ot_tracker *t = tracker(f, 8);
    ot_request r;
    ot_order *a = NULL;
    ot_error err;
    char long_scope[130];
    static const char *const ids[] = {"ord-sa", "ord-sb", "ord-su"};
    static const char *const scopes[] = {"store-a", "store-b", NULL};
    size_t i, round;

    for (round = 0; round < 2; round++)   /* first results, then their replays */
        for (i = 0; i < 3; i++) {
            r = req(ids[i]);
            r.customer_id = "cust-1";
            r.provider = OT_PROVIDER_UBER;
            r.idempotency_key = "same-key";
            r.idempotency_scope = scopes[i];
            must(ot_tracker_init_order(&a, t, &r, &err), &err, "scoped init");
            assert_string_equal(ot_order_order_id(a), ids[i]);
            assert_int_equal(ot_order_version(a), 1);
            ot_order_free(a);
            a = NULL;
        }
    /* one caller's key with another request of its own is still a conflict */
    r = req("ord-sc");
    r.customer_id = "cust-1";
    r.provider = OT_PROVIDER_UBER;
    r.idempotency_key = "same-key";
    r.idempotency_scope = "store-a";
    assert_ot_error(ot_tracker_init_order(NULL, t, &r, &err), OT_EIDEMPOTENCY_CONFLICT, err);
    /* a version 1 request has no scope member: its key is the unscoped one */
    r = req("ord-su");
    r.version = 1;
    r.customer_id = "cust-1";
    r.provider = OT_PROVIDER_UBER;
    r.idempotency_key = "same-key";
    r.idempotency_scope = "store-a";
    must(ot_tracker_init_order(&a, t, &r, &err), &err, "version 1 replay");
    assert_string_equal(ot_order_order_id(a), "ord-su");
    ot_order_free(a);
    /* bad scopes */
    memset(long_scope, 's', sizeof long_scope - 1);
    long_scope[sizeof long_scope - 1] = '\0';
    {
        static const char *const bad[] = {"", "a b", "caf\xc3\xa9"};
        for (i = 0; i < 4; i++) {
            r = req("ord-sd");
            r.customer_id = "cust-1";
            r.provider = OT_PROVIDER_UBER;
            r.idempotency_key = "k";
            r.idempotency_scope = i < 3 ? bad[i] : long_scope;
            assert_ot_error(ot_tracker_init_order(NULL, t, &r, &err), OT_EINVAL, err);
            assert_string_equal(err.field, "idempotency_scope");
        }
    }
}

static void test_optimistic_lock(void **state)
{
    struct fixture *f = *state;
    ot_tracker *t = tracker(f, 8);
    ot_request r = req("ord-c");
    ot_order *o;
    ot_error err;

    init_order(t, "ord-c", OT_PROVIDER_UBER, NULL);
    /* two rivals commit in between: the tracker reloads and applies on top */
    f->inject = 2;
    r.status = OT_STATUS_STORE_NOTIFIED;
    must(ot_tracker_set_status(&o, t, &r, &err), &err, "set_status under contention");
    assert_int_equal(ot_order_version(o), 4);
    assert_int_equal(ot_order_issue_count(o), 2);
    assert_int_equal(ot_order_status(o), OT_STATUS_STORE_NOTIFIED);
    assert_int_equal(ot_order_verify_history(o, &err), 0);
    ot_order_free(o);
    /* If-Match: a conflict is reported, never retried */
    f->inject = 1;
    r.status = OT_STATUS_STORE_ACKNOWLEDGED;
    r.expected_version = 4;
    assert_ot_error(ot_tracker_set_status(NULL, t, &r, &err), OT_ECONFLICT, err);
    assert_int_equal(status_of(t, "ord-c"), OT_STATUS_STORE_NOTIFIED);
    /* retries are bounded */
    t = tracker(f, 1);
    f->inject = 5;
    r.expected_version = 0;
    assert_ot_error(ot_tracker_set_status(NULL, t, &r, &err), OT_ECONFLICT, err);
    f->inject = 0;
    must(ot_tracker_set_status(NULL, t, &r, &err), &err, "set_status without contention");
}

static ot_update parcel_update(const char *awb, const char *event_id, int shipment,
                               const char *raw)
{
    ot_update u = OT_UPDATE_INIT;
    u.provider = OT_PROVIDER_DELHIVERY;
    u.tracking_id = awb;
    u.event_id = event_id;
    u.shipment_status = shipment;
    u.raw_status = raw;
    u.event_time_ms = T0 + 3600000;
    return u;
}

static void test_courier_parcel(void **state)
{
    struct fixture *f = *state;
    ot_tracker *t = tracker(f, 8);
    ot_update u;
    ot_order *o;
    ot_error err;
    char *before, *after;

    init_order(t, "ord-p", OT_PROVIDER_DELHIVERY, "AWB123");
    o = get(t, "ord-p");
    assert_int_equal(ot_order_shipment_status(o), OT_SHIPMENT_PENDING);
    ot_order_free(o);
    /* a parcel order needs its AWB */
    {
        ot_request r = req("ord-p2");
        r.customer_id = "c";
        r.provider = OT_PROVIDER_SHIPROCKET;
        assert_ot_error(ot_tracker_init_order(NULL, t, &r, &err), OT_EINVAL, err);
        assert_string_equal(err.field, "tracking_id");
    }
    u = parcel_update("AWB123", "ev-1", OT_SHIPMENT_IN_TRANSIT, "In Transit");
    must(ot_tracker_apply_update(&o, t, &u, NULL, &err), &err, "in transit");
    assert_int_equal(ot_order_shipment_status(o), OT_SHIPMENT_IN_TRANSIT);
    assert_int_equal(ot_order_status(o), OT_STATUS_IN_TRANSIT);
    assert_string_equal(ot_order_courier_status_raw(o), "In Transit");
    ot_order_free(o);
    /* the same partner event again: ignored, unchanged */
    before = stored(f, "ord-p");
    assert_ot_error(ot_tracker_apply_update(&o, t, &u, NULL, &err), OT_ESTALE, err);
    ot_order_free(o);
    /* an ignored result is remembered under its key and replayed as such */
    assert_ot_error(ot_tracker_apply_update(&o, t, &u, "dup-key", &err), OT_ESTALE, err);
    ot_order_free(o);
    assert_ot_error(ot_tracker_apply_update(&o, t, &u, "dup-key", &err), OT_ESTALE, err);
    assert_non_null(o);
    assert_int_equal(ot_order_shipment_status(o), OT_SHIPMENT_IN_TRANSIT);
    ot_order_free(o);
    /* a state already passed: stale */
    u = parcel_update("AWB123", "ev-0", OT_SHIPMENT_PENDING, "Manifested");
    assert_ot_error(ot_tracker_apply_update(NULL, t, &u, NULL, &err), OT_ESTALE, err);
    after = stored(f, "ord-p");
    assert_string_equal(before, after);
    ot_free(before);
    ot_free(after);
    /* skipping forward is legal for a courier */
    u = parcel_update("AWB123", "ev-2", OT_SHIPMENT_DELIVERED, "Delivered");
    must(ot_tracker_apply_update(&o, t, &u, "webhook-ev-2", &err), &err, "delivered");
    assert_int_equal(ot_order_status(o), OT_STATUS_DELIVERED);
    ot_order_free(o);
    must(ot_tracker_apply_update(&o, t, &u, "webhook-ev-2", &err), &err, "replayed webhook");
    ot_order_free(o);
    /* going back after a terminal state never applies */
    u = parcel_update("AWB123", "ev-3", OT_SHIPMENT_RTO, "RTO");
    assert_ot_error(ot_tracker_apply_update(NULL, t, &u, NULL, &err), OT_ETRANSITION, err);
    assert_string_equal(err.from, "delivered");
    /* an unmapped raw status: an issue, no status change */
    init_order(t, "ord-q", OT_PROVIDER_VELOCITY, "AWB9");
    u = parcel_update("AWB9", "ev-9", 0, "Weird Status");
    u.provider = OT_PROVIDER_VELOCITY;
    u.flags = OT_UPDATE_UNMAPPED;
    must(ot_tracker_apply_update(&o, t, &u, NULL, &err), &err, "unmapped");
    assert_int_equal(ot_order_issue_count(o), 1);
    assert_int_equal(ot_order_status(o), OT_STATUS_SUBMITTED);
    ot_order_free(o);
    /* lost implies failed */
    u = parcel_update("AWB9", "ev-10", OT_SHIPMENT_LOST, "Lost");
    u.provider = OT_PROVIDER_VELOCITY;
    must(ot_tracker_apply_update(&o, t, &u, NULL, &err), &err, "lost");
    assert_int_equal(ot_order_status(o), OT_STATUS_FAILED);
    assert_int_equal(ot_order_shipment_status(o), OT_SHIPMENT_LOST);
    ot_order_free(o);
    /* unknown AWB */
    u = parcel_update("NOPE", "ev-11", OT_SHIPMENT_IN_TRANSIT, "x");
    assert_ot_error(ot_tracker_apply_update(NULL, t, &u, NULL, &err), OT_ENOTFOUND, err);
    u.shipment_status = 42;
    u.tracking_id = "AWB123";
    u.event_id = "ev-1";    /* a redelivery is ignored before anything else */
    assert_ot_error(ot_tracker_apply_update(NULL, t, &u, NULL, &err), OT_ESTALE, err);
    u.event_id = "ev-new";
    assert_ot_error(ot_tracker_apply_update(NULL, t, &u, NULL, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "shipment_status");
}

static void test_courier_hyperlocal(void **state)
{
    struct fixture *f = *state;
    ot_tracker *t = tracker(f, 8);
    ot_update u = OT_UPDATE_INIT;
    ot_driver_view d = OT_DRIVER_VIEW_INIT;
    ot_location_view loc = OT_LOCATION_VIEW_INIT;
    ot_order *o;
    ot_error err;
    ot_request r = req("ord-h");

    init_order(t, "ord-h", OT_PROVIDER_UBER, NULL);
    step(t, "ord-h", OT_STATUS_STORE_NOTIFIED);
    step(t, "ord-h", OT_STATUS_STORE_ACKNOWLEDGED);
    step(t, "ord-h", OT_STATUS_PICKING_IN_PROGRESS);
    must(ot_tracker_ready(NULL, t, &r, &err), &err, "ready");
    u.provider = OT_PROVIDER_UBER;
    u.order_id = "ord-h";
    u.event_id = "uber-1";
    u.status = OT_STATUS_DRIVER_ASSIGNED;
    u.raw_status = "pickup";
    u.driver_id = "u-drv";
    u.driver_name = "Bo";
    u.flags = OT_UPDATE_HAS_POSITION;
    u.latitude = 37.77;
    u.longitude = -122.41;
    u.event_time_ms = T0 + 100000;
    must(ot_tracker_apply_update(&o, t, &u, NULL, &err), &err, "driver assigned");
    assert_int_equal(ot_order_status(o), OT_STATUS_DRIVER_ASSIGNED);
    assert_int_equal(ot_order_driver_details(&d, o, &err), 0);
    assert_string_equal(d.driver_id, "u-drv");
    assert_string_equal(d.phone, "unknown");
    assert_int_equal(ot_order_driver_location(&loc, o, &err), 0);
    ot_order_free(o);
    /* a position with the same status: location only (projection) */
    u.event_id = "uber-2";
    u.latitude = 37.78;
    u.event_time_ms = T0 + 200000;
    must(ot_tracker_apply_update(&o, t, &u, NULL, &err), &err, "position");
    assert_int_equal(ot_order_driver_location(&loc, o, &err), 0);
    assert_true(loc.latitude > 37.775);
    ot_order_free(o);
    /* an older position: ignored */
    u.event_id = "uber-3";
    u.latitude = 30.0;
    u.event_time_ms = T0 + 150000;
    assert_ot_error(ot_tracker_apply_update(NULL, t, &u, NULL, &err), OT_ESTALE, err);
    /* a courier never takes the order back */
    u.flags = 0;
    u.status = OT_STATUS_READY_FOR_PICKUP;
    assert_ot_error(ot_tracker_apply_update(NULL, t, &u, NULL, &err), OT_ESTALE, err);
    u.status = OT_STATUS_DELIVERED;
    u.event_id = "uber-4";
    must(ot_tracker_apply_update(&o, t, &u, NULL, &err), &err, "delivered (skipping ahead)");
    assert_int_equal(ot_order_status(o), OT_STATUS_DELIVERED);
    assert_int_equal(ot_order_verify_history(o, &err), 0);
    ot_order_free(o);
    /* a partner's position after the delivery is late, not wrong (the API's location route
     * answers OT_ESTATE instead) */
    u.event_id = "uber-5";
    u.status = OT_STATUS_IN_TRANSIT;
    u.flags = OT_UPDATE_HAS_POSITION | OT_UPDATE_LOCATION_ONLY;
    u.event_time_ms = T0 + 900000;
    assert_ot_error(ot_tracker_apply_update(NULL, t, &u, NULL, &err), OT_ESTALE, err);
}

/* The history from entry `from` on: `n` statuses and event names, in order. */
static void expect_history(const ot_order *o, size_t from, size_t n, const int *statuses,
                           const char *const *events)
{
    ot_history_entry h = OT_HISTORY_ENTRY_INIT;
    size_t i;
    assert_int_equal(ot_order_history_count(o), from + n);
    for (i = 0; i < n; i++) {
        assert_int_equal(ot_order_history_at(&h, o, from + i, NULL), 0);
        assert_int_equal(h.status, statuses[i]);
        assert_string_equal(h.event, events[i]);
    }
}

/* 1 if the order's JSON holds `needle`. */
static int json_has(const ot_order *o, const char *needle)
{
    char *json = NULL;
    int found;
    assert_int_equal(ot_order_to_json(&json, NULL, o, NULL), 0);
    found = strstr(json, needle) != NULL;
    ot_free(json);
    return found;
}

static ot_request at(const char *id, double lat, int64_t time_ms)
{
    ot_request r = req(id);
    r.latitude = lat;
    r.longitude = 77.6;
    r.time_ms = time_ms;
    return r;
}

/* Seed 000's routes alone finish an order: acknowledge from submitted records the implied
 * store_notified, the first location after pickup moves the order to in_transit, delivered
 * from driver_pickup_complete records the implied in_transit. Every other step stays strict. */
static void test_seed_routes_only(void **state)
{
    static const int whole[] = {
        OT_STATUS_SUBMITTED, OT_STATUS_STORE_NOTIFIED, OT_STATUS_STORE_ACKNOWLEDGED,
        OT_STATUS_PICKING_IN_PROGRESS, OT_STATUS_READY_FOR_PICKUP, OT_STATUS_DRIVER_ASSIGNED,
        OT_STATUS_DRIVER_PICKUP_COMPLETE, OT_STATUS_IN_TRANSIT, OT_STATUS_DELIVERED};
    static const char *const whole_events[] = {
        "created", "status_changed", "store_acknowledged", "picking_started", "ready",
        "driver_assigned", "picked_up", "status_changed", "delivered"};
    static const int tail[] = {OT_STATUS_IN_TRANSIT, OT_STATUS_DELIVERED};
    static const char *const tail_events[] = {"status_changed", "delivered"};
    struct fixture *f = *state;
    ot_tracker *t = tracker(f, 8);
    ot_request r = req("ord-r");
    ot_order *o;
    ot_error err;
    int64_t ms;
    size_t before;

    init_order(t, "ord-r", OT_PROVIDER_INTERNAL, NULL);
    /* strict: nothing skips ahead from submitted but the acknowledgment */
    assert_ot_error(ot_tracker_start_picking(NULL, t, &r, &err), OT_ETRANSITION, err);
    must(ot_tracker_store_acknowledge(&o, t, &r, &err), &err, "acknowledge");
    assert_int_equal(ot_order_status(o), OT_STATUS_STORE_ACKNOWLEDGED);
    assert_true(json_has(o, "\"implied_by\":\"store_acknowledge\""));
    ot_order_free(o);
    must(ot_tracker_start_picking(NULL, t, &r, &err), &err, "start picking");
    must(ot_tracker_ready(NULL, t, &r, &err), &err, "ready");
    /* strict: no pickup or delivery before a driver */
    assert_ot_error(ot_tracker_pickup(NULL, t, &r, &err), OT_ETRANSITION, err);
    assert_ot_error(ot_tracker_delivered(NULL, t, &r, &err), OT_ETRANSITION, err);
    r.driver_id = "drv-1";
    r.driver_name = "Ravi";
    r.driver_phone = "+911234567890";
    r.vehicle_type = "bike";
    must(ot_tracker_assign_driver(NULL, NULL, t, &r, &err), &err, "assign");
    r = at("ord-r", 12.90, 0);
    must(ot_tracker_update_location(&o, t, &r, &err), &err, "location before pickup");
    assert_int_equal(ot_order_status(o), OT_STATUS_DRIVER_ASSIGNED);
    ot_order_free(o);
    /* strict: delivered needs the pickup first */
    r = req("ord-r");
    assert_ot_error(ot_tracker_delivered(NULL, t, &r, &err), OT_ETRANSITION, err);
    assert_string_equal(err.from, "driver_assigned");
    r.time_ms = f->now + 50000;
    must(ot_tracker_pickup(&o, t, &r, &err), &err, "pickup");
    before = ot_order_history_count(o);
    ot_order_free(o);
    /* a position from before the pickup, sent late: stored, no status change */
    r = at("ord-r", 12.91, f->now + 20000);
    must(ot_tracker_update_location(&o, t, &r, &err), &err, "late location");
    assert_int_equal(ot_order_status(o), OT_STATUS_DRIVER_PICKUP_COMPLETE);
    assert_int_equal(ot_order_history_count(o), before);
    ot_order_free(o);
    /* the first one after: in_transit, its own history entry */
    r = at("ord-r", 12.92, f->now + 60000);
    must(ot_tracker_update_location(&o, t, &r, &err), &err, "location after pickup");
    assert_int_equal(ot_order_status(o), OT_STATUS_IN_TRANSIT);
    assert_int_equal(ot_order_history_count(o), before + 1);
    assert_true(json_has(o, "\"implied_by\":\"update_location\""));
    ot_order_free(o);
    /* later ones: positions only */
    r = at("ord-r", 12.93, f->now + 70000);
    must(ot_tracker_update_location(&o, t, &r, &err), &err, "location in transit");
    assert_int_equal(ot_order_history_count(o), before + 1);
    ot_order_free(o);
    r = req("ord-r");
    must(ot_tracker_delivered(&o, t, &r, &err), &err, "delivered");
    expect_history(o, 0, 9, whole, whole_events);
    assert_int_equal(ot_order_verify_history(o, &err), 0);
    ot_order_free(o);

    /* pickup, then delivered at once: the implied in_transit is recorded first, and the
     * delivery keeps the time the driver gave */
    init_order(t, "ord-q", OT_PROVIDER_INTERNAL, NULL);
    r = req("ord-q");
    must(ot_tracker_store_acknowledge(NULL, t, &r, &err), &err, "acknowledge");
    must(ot_tracker_start_picking(NULL, t, &r, &err), &err, "start picking");
    must(ot_tracker_ready(NULL, t, &r, &err), &err, "ready");
    r.driver_id = "drv-2";
    r.driver_name = "Mina";
    r.driver_phone = "+911234567891";
    r.vehicle_type = "scooter";
    must(ot_tracker_assign_driver(NULL, NULL, t, &r, &err), &err, "assign");
    r = req("ord-q");
    must(ot_tracker_pickup(&o, t, &r, &err), &err, "pickup");
    before = ot_order_history_count(o);
    ot_order_free(o);
    r.idempotency_key = "deliver-q";
    r.time_ms = T0 + 7200000;
    must(ot_tracker_delivered(&o, t, &r, &err), &err, "delivered after pickup");
    expect_history(o, before, 2, tail, tail_events);
    assert_true(json_has(o, "\"implied_by\":\"delivered\""));
    assert_int_equal(ot_order_time(&ms, o, OT_TIME_ACTUAL_DELIVERY, &err), 0);
    assert_int_equal(ms, T0 + 7200000);
    assert_int_equal(ot_order_verify_history(o, &err), 0);
    ot_order_free(o);
    /* replayed: the same answer, no third entry */
    must(ot_tracker_delivered(&o, t, &r, &err), &err, "replay");
    assert_int_equal(ot_order_history_count(o), before + 2);
    ot_order_free(o);
    /* the generic status route stays one step at a time */
    init_order(t, "ord-s", OT_PROVIDER_INTERNAL, NULL);
    r = req("ord-s");
    r.status = OT_STATUS_STORE_ACKNOWLEDGED;
    assert_ot_error(ot_tracker_set_status(NULL, t, &r, &err), OT_ETRANSITION, err);
}

/* Partners that name no driver id (Uber): the driver is kept under the parser's id, also when
 * it arrives without status news (a repeated status, a location-only courier_update). */
static void test_courier_driver_without_status(void **state)
{
    struct fixture *f = *state;
    ot_tracker *t = tracker(f, 8);
    ot_update u = OT_UPDATE_INIT;
    ot_driver_view d = OT_DRIVER_VIEW_INIT;
    ot_request r = req("ord-u");
    ot_order *o;
    ot_error err;
    size_t before;

    init_order(t, "ord-u", OT_PROVIDER_UBER, "del_1");
    must(ot_tracker_store_acknowledge(NULL, t, &r, &err), &err, "acknowledge");
    must(ot_tracker_start_picking(NULL, t, &r, &err), &err, "start picking");
    must(ot_tracker_ready(NULL, t, &r, &err), &err, "ready");
    /* pending: assigned, no courier yet */
    u.provider = OT_PROVIDER_UBER;
    u.tracking_id = "del_1";
    u.event_id = "evt-1";
    u.raw_status = "pending";
    u.status = OT_STATUS_DRIVER_ASSIGNED;
    must(ot_tracker_apply_update(&o, t, &u, NULL, &err), &err, "pending");
    assert_ot_error(ot_order_driver_details(&d, o, &err), OT_ENOTFOUND, err);
    ot_order_free(o);
    /* pickup (the same lifecycle status) with the courier: kept, status unchanged */
    u.event_id = "evt-2";
    u.raw_status = "pickup";
    u.driver_id = "uber:del_1";
    u.driver_name = "Sam K.";
    u.driver_phone = "+15555550199";
    u.vehicle_type = "car (blue Toyota Prius)";
    u.photo_url = "https://cdn.example/courier.jpg";
    u.flags = OT_UPDATE_HAS_POSITION;
    u.latitude = 37.79;
    u.longitude = -122.39;
    u.event_time_ms = T0 + 60000;
    must(ot_tracker_apply_update(&o, t, &u, NULL, &err), &err, "pickup with courier");
    assert_int_equal(ot_order_status(o), OT_STATUS_DRIVER_ASSIGNED);
    assert_int_equal(ot_order_driver_details(&d, o, &err), 0);
    assert_string_equal(d.driver_id, "uber:del_1");
    assert_string_equal(d.name, "Sam K.");
    assert_string_equal(d.phone, "+15555550199");
    assert_string_equal(d.vehicle_type, "car (blue Toyota Prius)");
    assert_string_equal(d.photo_url, "https://cdn.example/courier.jpg");
    before = ot_order_history_count(o);
    assert_int_equal(count_events(o, "courier_update"), 2);
    ot_order_free(o);
    /* courier_update every 20 s with the same courier: a position, no history entry */
    u.event_id = "evt-3";
    u.flags = OT_UPDATE_HAS_POSITION | OT_UPDATE_LOCATION_ONLY;
    u.latitude = 37.80;
    u.event_time_ms = T0 + 80000;
    must(ot_tracker_apply_update(&o, t, &u, NULL, &err), &err, "courier_update");
    assert_int_equal(ot_order_history_count(o), before);
    ot_order_free(o);
    /* a new courier in a courier_update: recorded (same id: Uber names one per delivery) */
    u.event_id = "evt-4";
    u.driver_name = "Lee P.";
    u.event_time_ms = T0 + 100000;
    must(ot_tracker_apply_update(&o, t, &u, NULL, &err), &err, "another courier");
    assert_int_equal(ot_order_history_count(o), before + 1);
    assert_int_equal(ot_order_status(o), OT_STATUS_DRIVER_ASSIGNED);
    assert_int_equal(ot_order_driver_details(&d, o, &err), 0);
    assert_string_equal(d.name, "Lee P.");
    assert_string_equal(d.phone, "+15555550199");
    assert_int_equal(ot_order_verify_history(o, &err), 0);
    ot_order_free(o);
    /* redelivered: ignored */
    assert_ot_error(ot_tracker_apply_update(NULL, t, &u, NULL, &err), OT_ESTALE, err);
    /* a driver field without any id (none known, none sent) cannot form driver_details */
    init_order(t, "ord-v", OT_PROVIDER_DOORDASH, NULL);
    r = req("ord-v");
    must(ot_tracker_store_acknowledge(NULL, t, &r, &err), &err, "acknowledge");
    must(ot_tracker_start_picking(NULL, t, &r, &err), &err, "start picking");
    must(ot_tracker_ready(NULL, t, &r, &err), &err, "ready");
    u = (ot_update)OT_UPDATE_INIT;
    u.provider = OT_PROVIDER_DOORDASH;
    u.order_id = "ord-v";
    u.event_id = "dd-1";
    u.status = OT_STATUS_DRIVER_ASSIGNED;
    u.driver_name = "Jordan";
    must(ot_tracker_apply_update(&o, t, &u, NULL, &err), &err, "nameless id");
    assert_int_equal(ot_order_status(o), OT_STATUS_DRIVER_ASSIGNED);
    assert_ot_error(ot_order_driver_details(&d, o, &err), OT_ENOTFOUND, err);
    ot_order_free(o);
}

static void test_reads(void **state)
{
    struct fixture *f = *state;
    ot_tracker *t = tracker(f, 8);
    ot_list_request l = OT_LIST_REQUEST_INIT;
    char *json;
    size_t len;
    ot_error err;
    int i;

    for (i = 0; i < 5; i++) {
        char id[16];
        snprintf(id, sizeof id, "list-%d", i);
        init_order(t, id, i < 3 ? OT_PROVIDER_UBER : OT_PROVIDER_DOORDASH, NULL);
    }
    must(ot_tracker_history(&json, &len, t, "list-1", &err), &err, "history");
    assert_non_null(strstr(json, "\"order_id\":\"list-1\",\"status_history\":[{"));
    ot_free(json);
    must(ot_tracker_live_location(&json, &len, t, "list-1", &err), &err, "live");
    assert_non_null(strstr(json, "\"driver_location\":null"));
    ot_free(json);
    l.limit = 2;
    l.provider = OT_PROVIDER_UBER;
    must(ot_tracker_list(&json, &len, t, &l, &err), &err, "list");
    assert_non_null(strstr(json, "\"next_cursor\":\"list-1\""));
    ot_free(json);
    l.cursor = "list-1";
    must(ot_tracker_list(&json, &len, t, &l, &err), &err, "list page 2");
    assert_non_null(strstr(json, "\"next_cursor\":null"));
    assert_non_null(strstr(json, "list-2"));
    ot_free(json);
    l.limit = 0;
    assert_ot_error(ot_tracker_list(&json, &len, t, &l, &err), OT_EINVAL, err);
    assert_ot_error(ot_tracker_history(&json, &len, t, "missing", &err), OT_ENOTFOUND, err);
    assert_ot_error(ot_tracker_live_location(NULL, &len, t, "list-1", &err), OT_EINVAL, err);
}

/* A write that moves driver_location notifies LOCATION_UPDATED (the event streams' cue), by
 * the location route and by a partner update alike; a stale or position-less write does not. */
static void test_location_notices(void **state)
{
    struct fixture *f = *state;
    ot_tracker *t = tracker(f, 8);
    ot_update u = OT_UPDATE_INIT;
    ot_request r = req("ord-l");
    int64_t retry = 0;
    ot_error err;

    init_order(t, "ord-l", OT_PROVIDER_UBER, NULL);
    step(t, "ord-l", OT_STATUS_STORE_NOTIFIED);
    step(t, "ord-l", OT_STATUS_STORE_ACKNOWLEDGED);
    step(t, "ord-l", OT_STATUS_PICKING_IN_PROGRESS);
    must(ot_tracker_ready(NULL, t, &r, &err), &err, "ready");
    r.driver_id = "drv-1";
    r.driver_name = "Ana";
    r.driver_phone = "+15550100";
    r.vehicle_type = "bike";
    must(ot_tracker_assign_driver(NULL, &retry, t, &r, &err), &err, "assign");
    assert_int_equal(f->locations, 0);

    r = req("ord-l");
    r.latitude = 12.9;
    r.longitude = 77.6;
    r.time_ms = T0 + 500000;
    must(ot_tracker_update_location(NULL, t, &r, &err), &err, "location");
    assert_int_equal(f->locations, 1);
    r.time_ms = T0 + 400000; /* older: ignored, no notice */
    assert_ot_error(ot_tracker_update_location(NULL, t, &r, &err), OT_ESTALE, err);
    assert_int_equal(f->locations, 1);

    u.provider = OT_PROVIDER_UBER;
    u.order_id = "ord-l";
    u.event_id = "uber-l1";
    u.status = OT_STATUS_DRIVER_ASSIGNED;
    u.raw_status = "pickup";
    u.flags = OT_UPDATE_HAS_POSITION;
    u.latitude = 12.95;
    u.longitude = 77.61;
    u.event_time_ms = T0 + 600000;
    must(ot_tracker_apply_update(NULL, t, &u, NULL, &err), &err, "partner position");
    assert_int_equal(f->locations, 2);
    /* status news without a position: no location notice */
    u.event_id = "uber-l2";
    u.flags = 0;
    u.status = OT_STATUS_DRIVER_PICKUP_COMPLETE;
    u.raw_status = "pickup_complete";
    must(ot_tracker_apply_update(NULL, t, &u, NULL, &err), &err, "picked up");
    assert_int_equal(f->locations, 2);
}

/* Bounded orders (issue 17): ids, the version 5 limits and their refusals, which change
 * nothing; a version 4 struct keeps the defaults. */
static void test_order_limits(void **state)
{
    static const char *const good_ids[] = {"m-1", "A.b_c:d-9", "..x", "x..", "a"};
    static const char *const bad_ids[] = {"", ".", "..", "a/b", "a b", "a\x01b", "\xc3\xa9",
                                          "a%00"};
    struct fixture *f = *state;
    ot_tracker_options o = OT_TRACKER_OPTIONS_INIT;
    ot_tracker *t;
    ot_request r;
    ot_order *ord;
    ot_error err;
    char id[OT_ORDER_ID_MAX + 2], *before, *after, big[4001];
    size_t i;

    for (i = 0; i < sizeof good_ids / sizeof good_ids[0]; i++)
        must(ot_order_id_check(good_ids[i], &err), &err, good_ids[i]);
    for (i = 0; i < sizeof bad_ids / sizeof bad_ids[0]; i++) {
        assert_ot_error(ot_order_id_check(bad_ids[i], &err), OT_EINVAL, err);
        assert_string_equal(err.field, "order_id");
    }
    assert_ot_error(ot_order_id_check(NULL, &err), OT_EINVAL, err);
    memset(id, 'a', sizeof id - 1);
    id[OT_ORDER_ID_MAX] = '\0';
    must(ot_order_id_check(id, &err), &err, "128 characters");
    id[OT_ORDER_ID_MAX] = 'a';
    id[OT_ORDER_ID_MAX + 1] = '\0';
    assert_ot_error(ot_order_id_check(id, &err), OT_EINVAL, err);
    r = req("..");
    r.customer_id = "c";
    r.provider = OT_PROVIDER_INTERNAL;
    assert_ot_error(ot_tracker_init_order(NULL, f->rival, &r, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "order_id");

    /* each limit in its range, named when not */
    o.storage = f->storage;
    o.max_issues = 0;
    assert_ot_error(ot_tracker_new(&t, &o, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "max_issues");
    o.max_issues = 3;
    o.max_substitutions = OT_TRACKER_MAX_COUNT_LIMIT + 1;
    assert_ot_error(ot_tracker_new(&t, &o, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "max_substitutions");
    o.max_substitutions = 1;
    o.max_metadata_bytes = 1;
    assert_ot_error(ot_tracker_new(&t, &o, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "max_metadata_bytes");
    o.max_metadata_bytes = 64;
    o.max_record_bytes = 4095;
    assert_ot_error(ot_tracker_new(&t, &o, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "max_record_bytes");
    o.max_record_bytes = 8192;
    must(ot_tracker_new(&t, &o, &err), &err, "limits");

    /* issues: three, then OT_ELIMIT naming issues, nothing stored */
    r = req("lim-1");
    r.customer_id = "c";
    r.provider = OT_PROVIDER_INTERNAL;
    must(ot_tracker_init_order(NULL, t, &r, &err), &err, "init");
    r = req("lim-1");
    r.issue_type = "damaged";
    r.description = "dented box";
    r.severity = OT_SEVERITY_LOW;
    for (i = 0; i < 3; i++)
        must(ot_tracker_raise_issue(NULL, t, &r, &err), &err, "raise_issue");
    before = stored(f, "lim-1");
    assert_ot_error(ot_tracker_raise_issue(NULL, t, &r, &err), OT_ELIMIT, err);
    assert_string_equal(err.field, "issues");
    after = stored(f, "lim-1");
    assert_string_equal(before, after);
    ot_free(after);

    /* metadata over 64 bytes */
    r = req("lim-1");
    r.status = OT_STATUS_STORE_NOTIFIED;
    r.metadata_json = "{\"k\": \"0123456789012345678901234567890123456789012345678901234567\"}";
    assert_ot_error(ot_tracker_set_status(NULL, t, &r, &err), OT_ELIMIT, err);
    assert_string_equal(err.field, "metadata");

    /* the record: 4 KB notes fill 8 KiB; the refused write stores nothing */
    memset(big, 'n', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    r = req("lim-1");
    r.notes = big;
    r.resolution = "fixed";
    for (i = 0; i < 3; i++) {
        r.issue_index = i;
        if (ot_tracker_resolve_issue(NULL, t, &r, &err) != 0)
            break;
    }
    assert_true(i > 0 && i < 3);
    assert_int_equal(err.code, OT_ELIMIT);
    assert_string_equal(err.field, "record");
    after = stored(f, "lim-1");
    assert_true(strlen(after) <= 8192);
    ot_free(after);
    ot_free(before);
    ord = get(t, "lim-1");
    assert_int_equal(ot_order_issue_count(ord), 3);
    ot_order_free(ord);
    ot_tracker_free(t);

    /* substitutions: one, then OT_ELIMIT */
    o.max_record_bytes = OT_TRACKER_MAX_RECORD_BYTES_DEFAULT;
    must(ot_tracker_new(&t, &o, &err), &err, "limits");
    init_order(t, "lim-2", OT_PROVIDER_INTERNAL, NULL);
    step(t, "lim-2", OT_STATUS_STORE_NOTIFIED);
    step(t, "lim-2", OT_STATUS_STORE_ACKNOWLEDGED);
    step(t, "lim-2", OT_STATUS_PICKING_IN_PROGRESS);
    substitution(t, "lim-2", "item-1", 1.0);
    r = req("lim-2");
    r.original_item_id = "item-2";
    r.substitute_item_id = "alt";
    r.reason = "out of stock";
    assert_ot_error(ot_tracker_add_substitution(NULL, t, &r, &err), OT_ELIMIT, err);
    assert_string_equal(err.field, "substitutions");
    ot_tracker_free(t);

    /* a version 4 struct: the defaults */
    o = (ot_tracker_options)OT_TRACKER_OPTIONS_INIT;
    o.version = 4;
    o.storage = f->storage;
    o.max_issues = 0; /* not read */
    must(ot_tracker_new(&t, &o, &err), &err, "version 4");
    ot_tracker_free(t);
}

static void test_bad_input(void **state)
{
    struct fixture *f = *state;
    ot_tracker *t = tracker(f, 8), *t2;
    ot_tracker_options o = OT_TRACKER_OPTIONS_INIT;
    ot_request r = req("ord-b");
    ot_update u = OT_UPDATE_INIT;
    ot_order *out;
    ot_error err;

    assert_ot_error(ot_tracker_new(NULL, &o, &err), OT_EINVAL, err);
    assert_ot_error(ot_tracker_new(&t2, NULL, &err), OT_EINVAL, err);
    assert_ot_error(ot_tracker_new(&t2, &o, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "storage");
    o.storage = f->storage;
    o.version = 7;
    assert_ot_error(ot_tracker_new(&t2, &o, &err), OT_EVERSION, err);
    o.version = OT_TRACKER_OPTIONS_VERSION;
    o.no_driver_retry_base_ms = 0;
    assert_ot_error(ot_tracker_new(&t2, &o, &err), OT_EINVAL, err);
    assert_ot_error(ot_tracker_options_init(&o, 0, &err), OT_EVERSION, err);
    assert_ot_error(ot_request_init(NULL, 1, &err), OT_EINVAL, err);
    assert_int_equal(ot_request_init(&r, OT_REQUEST_VERSION, &err), 0);
    assert_ot_error(ot_tracker_init_order(NULL, NULL, &r, &err), OT_EINVAL, err);
    assert_ot_error(ot_tracker_init_order(NULL, t, NULL, &err), OT_EINVAL, err);
    assert_ot_error(ot_tracker_init_order(NULL, t, &r, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "order_id");
    r = req("ord-b");
    r.customer_id = "c";
    r.provider = 99;
    assert_ot_error(ot_tracker_init_order(NULL, t, &r, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "provider");
    r.provider = OT_PROVIDER_UBER;
    r.notes = "bad \xff utf-8";
    assert_ot_error(ot_tracker_init_order(NULL, t, &r, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "notes");
    r.notes = NULL;
    r.version = 9;
    assert_ot_error(ot_tracker_init_order(NULL, t, &r, &err), OT_EVERSION, err);
    r.version = OT_REQUEST_VERSION;
    must(ot_tracker_init_order(NULL, t, &r, &err), &err, "init");
    r.severity = 0;
    r.issue_type = "x";
    r.description = "y";
    assert_ot_error(ot_tracker_raise_issue(NULL, t, &r, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "severity");
    assert_ot_error(ot_tracker_get(&out, t, NULL, &err), OT_EINVAL, err);
    assert_ot_error(ot_tracker_get(NULL, t, "ord-b", &err), OT_EINVAL, err);
    assert_ot_error(ot_tracker_get(&out, t, "nope", &err), OT_ENOTFOUND, err);
    assert_ot_error(ot_tracker_apply_update(NULL, t, NULL, NULL, &err), OT_EINVAL, err);
    assert_ot_error(ot_tracker_apply_update(NULL, t, &u, NULL, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "provider");
    u.provider = OT_PROVIDER_UBER;
    assert_ot_error(ot_tracker_apply_update(NULL, t, &u, NULL, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "order_id");
    u.version = 0;
    assert_ot_error(ot_tracker_apply_update(NULL, t, &u, NULL, &err), OT_EVERSION, err);
    ot_tracker_free(NULL);
}

typedef int (*write_fn)(ot_order **, ot_tracker *, const ot_request *, ot_error *);

static int assign(ot_order **out, ot_tracker *t, const ot_request *r, ot_error *err)
{
    return ot_tracker_assign_driver(out, NULL, t, r, err);
}

/* Every write refuses a NULL tracker, a NULL request, an unknown request version, a missing
 * or over-long order id and a bad idempotency key, naming the field, and an unknown order. */
static void test_every_write_bad_input(void **state)
{
    static const struct {
        const char *name;
        write_fn fn;
    } writes[] = {
        {"init_order", ot_tracker_init_order}, {"set_status", ot_tracker_set_status},
        {"store_acknowledge", ot_tracker_store_acknowledge},
        {"start_picking", ot_tracker_start_picking},
        {"add_substitution", ot_tracker_add_substitution},
        {"respond_substitution", ot_tracker_respond_substitution}, {"ready", ot_tracker_ready},
        {"assign_driver", assign}, {"update_location", ot_tracker_update_location},
        {"pickup", ot_tracker_pickup}, {"delivered", ot_tracker_delivered},
        {"raise_issue", ot_tracker_raise_issue}, {"resolve_issue", ot_tracker_resolve_issue},
    };
    struct fixture *f = *state;
    ot_tracker *t = tracker(f, 8);
    char long_id[200];
    ot_order *out = (ot_order *)&out;
    size_t i;
    ot_error err;

    memset(long_id, 'x', sizeof long_id - 1);
    long_id[sizeof long_id - 1] = '\0';
    for (i = 0; i < sizeof writes / sizeof writes[0]; i++) {
        ot_request r = req(NULL);
        assert_ot_error(writes[i].fn(&out, NULL, &r, &err), OT_EINVAL, err);
        assert_null(out);
        assert_string_equal(err.field, "tracker");
        assert_ot_error(writes[i].fn(NULL, t, NULL, &err), OT_EINVAL, err);
        assert_string_equal(err.field, "request");
        assert_ot_error(writes[i].fn(NULL, t, &r, &err), OT_EINVAL, err);
        assert_string_equal(err.field, "order_id");
        r.order_id = long_id;
        assert_ot_error(writes[i].fn(NULL, t, &r, &err), OT_EINVAL, err);
        assert_string_equal(err.field, "order_id");
        r.order_id = "ord-x";
        r.version = 0;
        assert_ot_error(writes[i].fn(NULL, t, &r, &err), OT_EVERSION, err);
        r.version = OT_REQUEST_VERSION;
        r.idempotency_key = "";
        assert_ot_error(writes[i].fn(NULL, t, &r, &err), OT_EINVAL, err);
        assert_string_equal(err.field, "idempotency_key");
        r.idempotency_key = NULL;
        r.expected_version = -1;
        assert_ot_error(writes[i].fn(NULL, t, &r, &err), OT_EINVAL, err);
        r.expected_version = 0;
        if (writes[i].fn != ot_tracker_init_order) {
            assert_ot_error(writes[i].fn(NULL, t, &r, &err), OT_ENOTFOUND, err);
            assert_string_equal(err.field, "order_id");
        }
    }
}

#define Y2100 INT64_C(4102444800000) /* 2100-01-01T00:00:00Z */
#define Y2999 INT64_C(32472144000000) /* 2999-01-01T00:00:00Z */

static int64_t location_time(ot_tracker *t, const char *id)
{
    ot_location_view v = OT_LOCATION_VIEW_INIT;
    ot_order *o = get(t, id);
    int64_t ms = ot_order_driver_location(&v, o, NULL) == 0 ? v.timestamp_ms : -1;
    ot_order_free(o);
    return ms;
}

/* Times past the fake clock + the default skew (5 min): a caller's is refused, a courier's
 * becomes now (the event keeps what was said), and a stored one (written before the clamp,
 * or under another clock) does not keep real updates out. */
static void test_future_times(void **state)
{
    struct fixture *f = *state;
    ot_tracker *t;
    ot_request r;
    ot_update u = OT_UPDATE_INIT;
    ot_order *o;
    ot_error err;
    int64_t now;

    f->skew = OT_TRACKER_CLOCK_SKEW_DEFAULT_MS;
    t = tracker(f, 8);
    init_order(t, "ord-f", OT_PROVIDER_INTERNAL, NULL);
    step(t, "ord-f", OT_STATUS_STORE_NOTIFIED);
    step(t, "ord-f", OT_STATUS_STORE_ACKNOWLEDGED);
    step(t, "ord-f", OT_STATUS_PICKING_IN_PROGRESS);
    step(t, "ord-f", OT_STATUS_READY_FOR_PICKUP);
    r = req("ord-f");
    r.driver_id = "drv-1";
    r.driver_name = "Ravi";
    r.driver_phone = "+911234567890";
    r.vehicle_type = "bike";
    must(ot_tracker_assign_driver(NULL, NULL, t, &r, &err), &err, "assign");

    /* a caller's time: refused past now + skew, nothing stored; within it, kept */
    r = at("ord-f", 12.90, Y2100);
    assert_ot_error(ot_tracker_update_location(NULL, t, &r, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "time_ms");
    assert_int_equal(location_time(t, "ord-f"), -1);
    r = at("ord-f", 12.90, f->now + 60000);
    must(ot_tracker_update_location(NULL, t, &r, &err), &err, "location within the skew");
    r = req("ord-f");
    r.time_ms = Y2999;
    assert_ot_error(ot_tracker_pickup(NULL, t, &r, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "time_ms");

    /* a partner's position dated 2100: now, so the next real one still applies */
    f->now += 120000;   /* past the position above */
    u.provider = OT_PROVIDER_INTERNAL;
    u.order_id = "ord-f";
    u.flags = OT_UPDATE_HAS_POSITION | OT_UPDATE_LOCATION_ONLY;
    u.latitude = 12.95;
    u.longitude = 77.6;
    u.event_time_ms = Y2100;
    must(ot_tracker_apply_update(NULL, t, &u, NULL, &err), &err, "position dated 2100");
    now = location_time(t, "ord-f");
    assert_true(now > T0 && now <= f->now);
    r = at("ord-f", 12.96, f->now + 1000);
    must(ot_tracker_update_location(NULL, t, &r, &err), &err, "real location after it");
    assert_true(location_time(t, "ord-f") == r.time_ms);

    /* a partner's status dated 2999: applied at now, the event says what was claimed */
    u.event_id = "evt-2999";
    u.flags = 0;
    u.status = OT_STATUS_DRIVER_PICKUP_COMPLETE;
    u.event_time_ms = Y2999;
    must(ot_tracker_apply_update(&o, t, &u, NULL, &err), &err, "status dated 2999");
    assert_int_equal(ot_order_status(o), OT_STATUS_DRIVER_PICKUP_COMPLETE);
    assert_true(json_has(o, "\"time_clamped_from\":\"2999-01-01T00:00:00.000Z\""));
    assert_false(json_has(o, "\"time\":\"2999-"));
    ot_order_free(o);

    /* an order frozen before the clamp: a position stored under a clock in 2100, read back
     * under the real one, is not trusted; the next real report replaces it */
    f->now = Y2100;
    r = at("ord-f", 12.97, Y2100);
    must(ot_tracker_update_location(NULL, t, &r, &err), &err, "location in 2100's clock");
    assert_true(location_time(t, "ord-f") == Y2100);
    f->now = T0 + 3600000;
    r = at("ord-f", 12.98, f->now + 1000);
    must(ot_tracker_update_location(NULL, t, &r, &err), &err, "real location, recovered");
    assert_true(location_time(t, "ord-f") == r.time_ms);
    u.event_id = "evt-real";
    u.status = 0;
    u.flags = OT_UPDATE_HAS_POSITION | OT_UPDATE_LOCATION_ONLY;
    u.event_time_ms = f->now + 5000;
    must(ot_tracker_apply_update(NULL, t, &u, NULL, &err), &err, "partner position");
    assert_true(location_time(t, "ord-f") == u.event_time_ms);

    /* the option's range */
    {
        ot_tracker_options o2 = OT_TRACKER_OPTIONS_INIT;
        ot_tracker *t2 = NULL;
        assert_true(o2.clock_skew_ms == OT_TRACKER_CLOCK_SKEW_DEFAULT_MS);
        o2.storage = f->storage;
        o2.clock_skew_ms = -1;
        assert_ot_error(ot_tracker_new(&t2, &o2, &err), OT_EINVAL, err);
        assert_string_equal(err.field, "clock_skew_ms");
        o2.clock_skew_ms = OT_TRACKER_CLOCK_SKEW_MAX_MS + 1;
        assert_ot_error(ot_tracker_new(&t2, &o2, &err), OT_EINVAL, err);
        o2.clock_skew_ms = 0;
        must(ot_tracker_new(&t2, &o2, &err), &err, "skew 0");
        ot_tracker_free(t2);
    }
}

/* Replace `from` by `to` in the stored record of `id`, behind the tracker (as someone with
 * access to the storage would). */
static void tamper(struct fixture *f, const char *id, const char *from, const char *to)
{
    ot_order *o = NULL, *edited = NULL;
    ot_storage_record rec;
    char *json = NULL, *at_from, buf[8192];
    ot_error err;

    must(f->storage->load(f->storage->userdata, id, &o, &err), &err, "load");
    assert_int_equal(ot_order_to_json(&json, NULL, o, NULL), 0);
    at_from = strstr(json, from);
    assert_non_null(at_from);
    assert_true(strlen(json) + strlen(to) < sizeof buf);
    snprintf(buf, sizeof buf, "%.*s%s%s", (int)(at_from - json), json, to,
             at_from + strlen(from));
    ot_free(json);
    must(ot_order_from_json(&edited, buf, strlen(buf), &err), &err, "decode the edit");
    must(ot_storage_record_init(&rec, edited, ot_order_history_count(edited), &err), &err,
         "record");
    must(f->storage->commit(f->storage->userdata, ot_order_version(o), &rec, NULL, &err), &err,
         "commit the edit");
    ot_storage_record_release(&rec);
    ot_order_free(edited);
    ot_order_free(o);
}

/* A record edited behind the library is neither served nor extended: its chain head (the
 * last entry's hash, link and status) is checked at every load. */
static void test_tampered_record(void **state)
{
    struct fixture *f = *state;
    ot_tracker *t = tracker(f, 8);
    ot_request r;
    ot_order *o = NULL;
    ot_error err;
    char *before, *after;

    init_order(t, "ord-t", OT_PROVIDER_INTERNAL, NULL);
    step(t, "ord-t", OT_STATUS_STORE_NOTIFIED);
    step(t, "ord-t", OT_STATUS_STORE_ACKNOWLEDGED);
    /* current_status moved ahead without an event */
    tamper(f, "ord-t", "\"current_status\":\"store_acknowledged\"",
           "\"current_status\":\"picking_in_progress\"");
    assert_ot_error(ot_tracker_get(&o, t, "ord-t", &err), OT_EINTEGRITY, err);
    assert_null(o);
    assert_string_equal(err.field, "current_status");
    before = stored(f, "ord-t");
    r = req("ord-t");
    r.status = OT_STATUS_PICKING_IN_PROGRESS;
    assert_ot_error(ot_tracker_set_status(&o, t, &r, &err), OT_EINTEGRITY, err);
    assert_null(o);
    after = stored(f, "ord-t");
    assert_string_equal(before, after);   /* nothing written: the chain is not extended */
    ot_free(before);
    ot_free(after);

    /* the last entry edited (its author) */
    init_order(t, "ord-u", OT_PROVIDER_INTERNAL, NULL);
    tamper(f, "ord-u", "\"updated_by\":\"tester\"", "\"updated_by\":\"mallory\"");
    assert_ot_error(ot_tracker_get(&o, t, "ord-u", &err), OT_EINTEGRITY, err);
    assert_non_null(strstr(err.message, "hash"));
    /* an untouched order still reads */
    init_order(t, "ord-v", OT_PROVIDER_INTERNAL, NULL);
    o = get(t, "ord-v");
    ot_order_free(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_seed_lifecycle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store_rejection, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_writes_change_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_idempotency, setup, teardown),
        cmocka_unit_test_setup_teardown(test_idempotency_scope, setup, teardown),
        cmocka_unit_test_setup_teardown(test_optimistic_lock, setup, teardown),
        cmocka_unit_test_setup_teardown(test_courier_parcel, setup, teardown),
        cmocka_unit_test_setup_teardown(test_courier_hyperlocal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_location_notices, setup, teardown),
        cmocka_unit_test_setup_teardown(test_seed_routes_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_courier_driver_without_status, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reads, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_input, setup, teardown),
        cmocka_unit_test_setup_teardown(test_future_times, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tampered_record, setup, teardown),
        cmocka_unit_test_setup_teardown(test_order_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_every_write_bad_input, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
