/* The order model: codec round trip, bad input per field kind, accessors, hash chain. */
#include <stdio.h>
#include <stdlib.h>

#include "test_util.h"
#include "order/order_internal.h"
#include <ordertrack/sys/storage.h>

#define T0 1795416001123LL /* 2026-11-23T06:40:01.123Z */

/* A record with every field set, built through events the way the tracker builds it. */
static ot_order *full_order(void)
{
    ot_order *o = NULL;
    json_t *doc = ot__order_skeleton();
    ot_error err;
    assert_non_null(doc);
    assert_int_equal(ot__order_wrap(&o, doc, &err), 0);
    assert_int_equal(ot__order_append_event(o, OT__EV_CREATED, OT_STATUS_SUBMITTED, T0, "api",
        NULL, NULL, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:n, s:{s:s, s:i}}",
        "id", "rec-1", "order_id", "ord-1", "store_id", "store-1", "customer_id", "cust-\xc3\xa9",
        "delivery_provider", "uber", "delivery_tracking_id", "trk-1",
        "delivery_tracking_url", "https://t.example/1",
        "estimated_delivery_time", "2026-11-23T07:40:00.000Z", "shipment_status",
        "metadata", "channel", "app", "items", 3), &err), 0);
    assert_int_equal(ot__order_append_event(o, OT__EV_STORE_ACKNOWLEDGED,
        OT_STATUS_STORE_ACKNOWLEDGED, T0 + 1000, "store-1", "ack", NULL, NULL, &err), 0);
    assert_int_equal(ot__order_append_event(o, OT__EV_PICKING_STARTED,
        OT_STATUS_PICKING_IN_PROGRESS, T0 + 2000, "picker", NULL, NULL, NULL, &err), 0);
    assert_int_equal(ot__order_append_event(o, OT__EV_SUBSTITUTION_ADDED,
        OT_STATUS_SUBSTITUTIONS_NEEDED, T0 + 3000, "picker", NULL, NULL,
        json_pack("{s:s, s:s, s:s, s:f}", "original_item_id", "milk-1", "substitute_item_id",
                  "milk-2", "reason", "out of stock", "price_difference", 0.35), &err), 0);
    assert_int_equal(ot__order_append_event(o, OT__EV_SUBSTITUTION_RESPONDED,
        OT_STATUS_SUBSTITUTIONS_APPROVED, T0 + 4000, "cust", NULL, NULL,
        json_pack("{s:s, s:b}", "original_item_id", "milk-1", "approved", 1), &err), 0);
    assert_int_equal(ot__order_append_event(o, OT__EV_ISSUE_RAISED,
        OT_STATUS_SUBSTITUTIONS_APPROVED, T0 + 5000, "ops", NULL, NULL,
        json_pack("{s:s, s:s, s:s}", "issue_type", "late", "description", "slow picking",
                  "severity", "low"), &err), 0);
    assert_int_equal(ot__order_append_event(o, OT__EV_ISSUE_RESOLVED,
        OT_STATUS_SUBSTITUTIONS_APPROVED, T0 + 6000, "ops", NULL, NULL,
        json_pack("{s:i, s:s}", "index", 0, "resolution", "done"), &err), 0);
    assert_int_equal(ot__order_append_event(o, OT__EV_READY, OT_STATUS_READY_FOR_PICKUP,
        T0 + 7000, "picker", NULL, NULL, NULL, &err), 0);
    assert_int_equal(ot__order_append_event(o, OT__EV_DRIVER_ASSIGNED,
        OT_STATUS_DRIVER_ASSIGNED, T0 + 8000, "uber", NULL, NULL,
        json_pack("{s:{s:s, s:s, s:s, s:s, s:s, s:n}}", "driver_details", "driver_id", "d-1",
                  "name", "Ana", "phone", "+15550100", "vehicle_type", "car",
                  "vehicle_number", "KA-01", "photo_url"), &err), 0);
    assert_int_equal(ot__order_append_event(o, OT__EV_COURIER_UPDATE,
        OT_STATUS_IN_TRANSIT, T0 + 9000, "uber", NULL, NULL,
        json_pack("{s:s, s:{s:f, s:f, s:s, s:f}}", "courier_status_raw", "en_route",
                  "driver_location", "latitude", 12.9716, "longitude", 77.5946, "timestamp",
                  "2026-11-23T06:40:10.123Z", "accuracy", 5.5), &err), 0);
    json_object_set_new(o->doc, "version", json_integer(10));
    return o;
}

static char *encode(const ot_order *o, size_t *len)
{
    char *json = NULL;
    ot_error err;
    int rc = ot_order_to_json(&json, len, o, &err);
    if (rc)
        fail_msg("encode: %s", err.message);
    return json;
}

static void test_round_trip(void **state)
{
    ot_order *o = full_order(), *back = NULL;
    size_t len, len2;
    char *a = encode(o, &len), *b;
    ot_error err;
    (void)state;
    assert_int_equal(ot_order_from_json(&back, a, len, &err), 0);
    b = encode(back, &len2);
    assert_int_equal(len, len2);
    assert_string_equal(a, b);
    assert_int_equal(ot_order_verify_history(back, &err), 0);
    assert_non_null(strstr(a, "\"created_at\":\"2026-11-23T06:40:01.123Z\""));
    assert_non_null(strstr(a, "\"shipment_status\":null"));
    assert_non_null(strstr(a, "\"picking_complete_time\":\"2026-11-23T06:40:08.123Z\""));
    ot_free(a);
    ot_free(b);
    ot_order_free(o);
    ot_order_free(back);
}

static void test_accessors(void **state)
{
    ot_order *o = full_order();
    ot_history_entry h = OT_HISTORY_ENTRY_INIT;
    ot_substitution_view s = OT_SUBSTITUTION_VIEW_INIT;
    ot_issue_view i = OT_ISSUE_VIEW_INIT;
    ot_location_view l = OT_LOCATION_VIEW_INIT;
    ot_driver_view d = OT_DRIVER_VIEW_INIT;
    int64_t ms = 0;
    char *meta;
    ot_error err;
    (void)state;
    assert_string_equal(ot_order_id(o), "rec-1");
    assert_string_equal(ot_order_order_id(o), "ord-1");
    assert_string_equal(ot_order_store_id(o), "store-1");
    assert_string_equal(ot_order_customer_id(o), "cust-\xc3\xa9");
    assert_string_equal(ot_order_tracking_id(o), "trk-1");
    assert_string_equal(ot_order_tracking_url(o), "https://t.example/1");
    assert_string_equal(ot_order_courier_status_raw(o), "en_route");
    assert_int_equal(ot_order_status(o), OT_STATUS_IN_TRANSIT);
    assert_int_equal(ot_order_provider(o), OT_PROVIDER_UBER);
    assert_int_equal(ot_order_shipment_status(o), 0);
    assert_int_equal(ot_order_version(o), 10);
    assert_int_equal(ot_order_time(&ms, o, OT_TIME_STORE_ACKNOWLEDGMENT, &err), 0);
    assert_int_equal(ms, T0 + 1000);
    assert_ot_error(ot_order_time(&ms, o, OT_TIME_DELIVERY_PICKUP, &err), OT_ENOTFOUND, err);
    assert_ot_error(ot_order_time(&ms, o, 99, &err), OT_EINVAL, err);
    assert_ot_error(ot_order_time(NULL, o, 1, &err), OT_EINVAL, err);
    assert_int_equal(ot_order_history_count(o), 10);
    assert_int_equal(ot_order_history_at(&h, o, 3, &err), 0);
    assert_string_equal(h.event, "substitution_added");
    assert_int_equal(h.status, OT_STATUS_SUBSTITUTIONS_NEEDED);
    assert_int_equal(strlen(h.hash), 64);
    assert_ot_error(ot_order_history_at(&h, o, 10, &err), OT_ENOTFOUND, err);
    assert_int_equal(ot_order_substitution_at(&s, o, 0, &err), 0);
    assert_int_equal(s.status, OT_SUBSTITUTION_APPROVED);
    assert_true(s.price_difference > 0.34 && s.price_difference < 0.36);
    assert_int_equal(s.customer_responded_at_ms, T0 + 4000);
    assert_int_equal(ot_order_issue_at(&i, o, 0, &err), 0);
    assert_string_equal(i.resolution, "done");
    assert_int_equal(i.severity, OT_SEVERITY_LOW);
    assert_int_equal(ot_order_driver_location(&l, o, &err), 0);
    assert_true(l.has_accuracy && l.latitude > 12.9);
    assert_int_equal(ot_order_driver_details(&d, o, &err), 0);
    assert_string_equal(d.vehicle_number, "KA-01");
    assert_null(d.photo_url);
    assert_int_equal(ot_order_metadata_json(&meta, NULL, o, &err), 0);
    assert_string_equal(meta, "{\"channel\":\"app\",\"items\":3}");
    ot_free(meta);
    h.version = 99;
    assert_ot_error(ot_order_history_at(&h, o, 0, &err), OT_EVERSION, err);
    assert_ot_error(ot_order_history_at(NULL, o, 0, &err), OT_EINVAL, err);
    assert_ot_error(ot_order_issue_at(&i, NULL, 0, &err), OT_EINVAL, err);
    assert_null(ot_order_id(NULL));
    assert_int_equal(ot_order_status(NULL), 0);
    assert_int_equal(ot_order_history_count(NULL), 0);
    ot_order_free(o);
    ot_order_free(NULL);
}

/* Replace the value at `path` (dot-separated; numeric parts index arrays) and decode. */
static void expect_bad(const char *path, const char *value_json, int code, const char *field)
{
    ot_order *o = full_order(), *out = (ot_order *)1;
    char *text = encode(o, NULL), *bad, buf[128], *part, *save = NULL, *last;
    json_t *doc = json_loads(text, 0, NULL), *parent = doc, *value;
    ot_error err;

    snprintf(buf, sizeof buf, "%s", path);
    last = NULL;
    for (part = strtok_r(buf, ".", &save); part; part = strtok_r(NULL, ".", &save)) {
        if (last)
            parent = json_is_array(parent) ? json_array_get(parent, (size_t)atoi(last))
                                           : json_object_get(parent, last);
        last = part;
    }
    if (!value_json)
        json_object_del(parent, last);
    else {
        value = json_loads(value_json, JSON_DECODE_ANY, NULL);
        assert_non_null(value);
        if (json_is_array(parent))
            json_array_set_new(parent, (size_t)atoi(last), value);
        else
            json_object_set_new(parent, last, value);
    }
    bad = json_dumps(doc, JSON_COMPACT);
    ot_error_clear(&err);
    assert_int_equal(ot_order_from_json(&out, bad, strlen(bad), &err), code);
    assert_null(out);
    assert_true(err.message[0] != '\0');
    if (strcmp(err.field, field) != 0)
        fail_msg("%s: field \"%s\", expected \"%s\" (%s)", path, err.field, field, err.message);
    free(bad);
    json_decref(doc);
    ot_free(text);
    ot_order_free(o);
}

static void test_bad_fields(void **state)
{
    (void)state;
    /* type errors */
    expect_bad("order_id", "42", OT_EINVAL, "order_id");
    expect_bad("status_history", "{}", OT_EINVAL, "status_history");
    expect_bad("version", "1.5", OT_EINVAL, "version");
    expect_bad("metadata", "[]", OT_EINVAL, "metadata");
    expect_bad("driver_location", "\"here\"", OT_EINVAL, "driver_location");
    expect_bad("substitutions.0.price_difference", "\"0.3\"", OT_EINVAL,
               "substitutions[0].price_difference");
    /* missing required field, unknown field */
    expect_bad("customer_id", NULL, OT_EINVAL, "customer_id");
    expect_bad("status_history.0.updated_by", NULL, OT_EINVAL, "status_history[0].updated_by");
    expect_bad("colour", "\"red\"", OT_EINVAL, "colour");
    expect_bad("driver_details.shoe_size", "42", OT_EINVAL, "driver_details.shoe_size");
    /* enum names */
    expect_bad("current_status", "\"Delivered\"", OT_EINVAL, "current_status");
    /* a lower-case name is a run-time courier's (courier_def.h); this is no courier name */
    expect_bad("delivery_provider", "\"Fed Ex\"", OT_EINVAL, "delivery_provider");
    expect_bad("issues.0.severity", "\"urgent\"", OT_EINVAL, "issues[0].severity");
    expect_bad("substitutions.0.status", "\"maybe\"", OT_EINVAL, "substitutions[0].status");
    expect_bad("status_history.2.status", "\"lost\"", OT_EINVAL, "status_history[2].status");
    /* ranges */
    expect_bad("driver_location.latitude", "90.5", OT_EINVAL, "driver_location.latitude");
    expect_bad("driver_location.longitude", "-180.01", OT_EINVAL, "driver_location.longitude");
    expect_bad("driver_location.accuracy", "-1", OT_EINVAL, "driver_location.accuracy");
    expect_bad("version", "-1", OT_EINVAL, "version");
    /* timestamps */
    expect_bad("created_at", "\"2026-02-30T00:00:00Z\"", OT_EINVAL, "created_at");
    expect_bad("updated_at", "\"yesterday\"", OT_EINVAL, "updated_at");
    expect_bad("status_history.1.timestamp", "\"2026-11-23 06:40:01\"", OT_EINVAL,
               "status_history[1].timestamp");
    expect_bad("picking_start_time", "1795416001123", OT_EINVAL, "picking_start_time");
    /* string lengths */
    expect_bad("store_id", "\"\"", OT_EINVAL, "store_id");
    {
        char big[300];
        memset(big, 'x', sizeof big);
        big[0] = '"';
        big[sizeof big - 2] = '"';
        big[sizeof big - 1] = '\0';
        expect_bad("driver_details.driver_id", big, OT_EINVAL, "driver_details.driver_id");
    }
    /* cross-field rules */
    expect_bad("shipment_status", "\"pending\"", OT_EINVAL, "shipment_status");
    expect_bad("delivery_provider", "\"delhivery\"", OT_EINVAL, "shipment_status");
    expect_bad("status_history", "[]", OT_EINVAL, "status_history");
}

static void test_bad_bytes(void **state)
{
    static const char bad_utf8[] = "{\"id\":\"a\xff\"}";
    static const char nul[] = "{\"id\":\"a\\u0000b\"}";
    ot_order *o;
    ot_error err;
    (void)state;
    assert_ot_error(ot_order_from_json(&o, bad_utf8, strlen(bad_utf8), &err), OT_EPARSE, err);
    assert_ot_error(ot_order_from_json(&o, nul, strlen(nul), &err), OT_EPARSE, err);
    assert_ot_error(ot_order_from_json(&o, "{", 1, &err), OT_EPARSE, err);
    assert_ot_error(ot_order_from_json(&o, "[]", 2, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "order");
    assert_ot_error(ot_order_from_json(NULL, "{}", 2, &err), OT_EINVAL, err);
    assert_ot_error(ot_order_from_json(&o, NULL, 2, &err), OT_EINVAL, err);
    assert_ot_error(ot_order_to_json(NULL, NULL, NULL, &err), OT_EINVAL, err);
    {
        char *json;
        assert_ot_error(ot_order_to_json(&json, NULL, NULL, &err), OT_EINVAL, err);
    }
}

static void test_timestamps_normalised(void **state)
{
    ot_order *o = full_order(), *back;
    char *text, *p, *out;
    ot_error err;
    (void)state;
    /* an offset and no milliseconds in the input come out as UTC with milliseconds */
    {
        json_t *doc;
        text = encode(o, NULL);
        doc = json_loads(text, 0, NULL);
        json_object_set_new(doc, "estimated_delivery_time", json_string("2026-11-23T13:10:00+05:30"));
        p = json_dumps(doc, JSON_COMPACT);
        assert_int_equal(ot_order_from_json(&back, p, strlen(p), &err), 0);
        free(p);
        json_decref(doc);
    }
    out = encode(back, NULL);
    assert_non_null(strstr(out, "\"estimated_delivery_time\":\"2026-11-23T07:40:00.000Z\""));
    ot_free(out);
    ot_free(text);
    ot_order_free(back);
    ot_order_free(o);
}

static void tamper(const char *path_field, int index, const char *value, int del)
{
    ot_order *o = full_order();
    json_t *history = json_object_get(o->doc, "status_history");
    ot_error err;
    if (del)
        json_array_remove(history, (size_t)index);
    else
        json_object_set_new(json_array_get(history, (size_t)index), path_field,
                            json_string(value));
    assert_ot_error(ot_order_verify_history(o, &err), OT_EINTEGRITY, err);
    ot_order_free(o);
}

static void test_hash_chain(void **state)
{
    ot_order *o = full_order();
    ot_error err;
    (void)state;
    assert_int_equal(ot_order_verify_history(o, &err), 0);
    tamper("notes", 1, "edited", 0);
    tamper("updated_by", 0, "mallory", 0);
    tamper("timestamp", 4, "2026-11-23T06:00:00.000Z", 0);
    tamper(NULL, 2, NULL, 1);                      /* deletion in the middle */
    tamper(NULL, 9, NULL, 1);                      /* deletion of the last entry */
    {
        json_t *h = json_object_get(o->doc, "status_history");
        json_t *data = json_object_get(json_object_get(json_object_get(
            json_array_get(h, 3), "metadata"), "ot"), "data");
        json_object_set_new(data, "price_difference", json_real(-5.0));
        assert_ot_error(ot_order_verify_history(o, &err), OT_EINTEGRITY, err);
        assert_string_equal(err.field, "status_history[3]");
    }
    assert_ot_error(ot_order_verify_history(NULL, &err), OT_EINVAL, err);
    ot_order_free(o);
}

static void test_projection_from_events(void **state)
{
    ot_order *o = full_order(), *replayed = NULL;
    char *a, *b;
    ot_error err;
    (void)state;
    /* the history alone rebuilds the record (version is the commit counter) */
    assert_int_equal(ot__order_replay(&replayed, o, &err), 0);
    json_object_set_new(replayed->doc, "version", json_integer(10));
    a = encode(o, NULL);
    b = encode(replayed, NULL);
    assert_string_equal(a, b);
    ot_free(a);
    ot_free(b);
    ot_order_free(replayed);
    /* a projection edited behind the history's back is detected */
    json_object_set_new(o->doc, "store_id", json_string("store-evil"));
    assert_ot_error(ot_order_verify_history(o, &err), OT_EINTEGRITY, err);
    assert_string_equal(err.field, "order");
    ot_order_free(o);
}

/* A one-record store whose load answers ot_order_clone() of the record it holds, as an
 * adapter's cache of decoded records does; commit keeps what the tracker sends. */
struct clone_store {
    const ot_order *held;
    ot_order *committed;
};

static int cs_create(void *ud, const ot_storage_record *rec, const ot_idempotency_record *idem,
                     ot_error *err)
{
    (void)ud, (void)rec, (void)idem;
    return ot_error_set(err, OT_EEXISTS, "order_id", "exists");
}

static int cs_load(void *ud, const char *order_id, ot_order **out, ot_error *err)
{
    (void)order_id;
    return ot_order_clone(out, ((struct clone_store *)ud)->held, err);
}

static int cs_commit(void *ud, int64_t expected, const ot_storage_record *rec,
                     const ot_idempotency_record *idem, ot_error *err)
{
    struct clone_store *cs = ud;
    (void)idem;
    assert_int_equal(expected, ot_order_version(cs->held));
    ot_order_free(cs->committed);
    cs->committed = NULL;
    return ot_order_clone(&cs->committed, rec->order, err);
}

static int cs_query(void *ud, const ot_storage_query *q, ot_storage_emit emit, void *ctx,
                    char *next_cursor, size_t cursor_size, ot_error *err)
{
    (void)ud, (void)q, (void)emit, (void)ctx, (void)cursor_size, (void)err;
    next_cursor[0] = '\0';
    return 0;
}

static void test_clone(void **state)
{
    ot_order *o = full_order(), *c = NULL, *c2 = NULL, *after = NULL;
    struct clone_store cs = {NULL, NULL};
    ot_storage st = OT_STORAGE_INIT;
    ot_tracker_options to = OT_TRACKER_OPTIONS_INIT;
    ot_tracker *t = NULL;
    ot_request r = OT_REQUEST_INIT;
    char *a, *b;
    ot_error err;
    (void)state;

    /* equal by its JSON, and independent of the source's lifetime */
    assert_int_equal(ot_order_clone(&c, o, &err), 0);
    assert_ptr_not_equal(c, o);
    a = encode(o, NULL);
    b = encode(c, NULL);
    assert_string_equal(a, b);
    ot_free(b);
    assert_int_equal(ot_order_clone(&c2, c, &err), 0);
    ot_order_free(c);
    b = encode(c2, NULL);
    assert_string_equal(a, b);
    ot_free(b);
    assert_int_equal(ot_order_verify_history(c2, &err), 0);

    /* changing a clone (an event appended, as a write does) leaves the source alone */
    assert_int_equal(ot__order_append_event(c2, OT__EV_DELIVERED, OT_STATUS_DELIVERED,
                                            T0 + 10000, "uber", "left at door", NULL, NULL,
                                            &err), 0);
    assert_int_equal(ot_order_history_count(c2), ot_order_history_count(o) + 1);
    b = encode(o, NULL);
    assert_string_equal(a, b);
    ot_free(b);
    ot_order_free(c2);

    /* a tracker write over a store that hands out clones of `o`: the write commits a new
     * record and `o` does not move */
    cs.held = o;
    st.userdata = &cs;
    st.create = cs_create;
    st.load = cs_load;
    st.commit = cs_commit;
    st.query = cs_query;
    to.storage = &st;
    assert_int_equal(ot_tracker_new(&t, &to, &err), 0);
    r.order_id = "ord-1";
    r.updated_by = "ops";
    r.issue_type = "damaged";
    r.description = "box wet";
    r.severity = OT_SEVERITY_HIGH;
    assert_int_equal(ot_tracker_raise_issue(&after, t, &r, &err), 0);
    assert_non_null(cs.committed);
    assert_int_equal(ot_order_issue_count(cs.committed), ot_order_issue_count(o) + 1);
    assert_int_equal(ot_order_history_count(after), ot_order_history_count(o) + 1);
    assert_int_equal(ot_order_version(after), ot_order_version(o) + 1);
    b = encode(o, NULL);
    assert_string_equal(a, b);
    ot_free(b);
    assert_int_equal(ot_order_verify_history(o, &err), 0);
    ot_order_free(after);
    ot_order_free(cs.committed);
    ot_tracker_free(t);

    /* bad arguments */
    c = o;
    assert_ot_error(ot_order_clone(NULL, o, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "out");
    assert_ot_error(ot_order_clone(&c, NULL, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "order");
    assert_null(c);
    assert_int_equal(ot_order_clone(NULL, NULL, NULL), OT_EINVAL);
    ot_free(a);
    ot_order_free(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_accessors),
        cmocka_unit_test(test_bad_fields),
        cmocka_unit_test(test_bad_bytes),
        cmocka_unit_test(test_timestamps_normalised),
        cmocka_unit_test(test_hash_chain),
        cmocka_unit_test(test_projection_from_events),
        cmocka_unit_test(test_clone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
