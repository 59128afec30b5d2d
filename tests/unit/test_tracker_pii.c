/* Encryption at rest through the tracker (tracker options `pii`): storage sees only sealed
 * tokens and a blind index (the driver's positions included), the tracker's callers see
 * plaintext, the history verifies, lists by customer work, a tracker without the key is
 * refused naming the field, keys rotate, records with plaintext positions still load, the
 * location trail stays bounded, and a sealed write survives every allocation failure.
 * Memory and SQLite stores. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "test_util.h"
#include "alloc_sweep.h"
#include <ordertrack/adapters/memory.h>
#ifdef OT_TEST_SQLITE
#include <ordertrack/adapters/sqlite.h>
#include <sqlite3.h>
#endif

#define CUSTOMER "cust-secret-4711"
#define DRIVER "Ravi Hiddenname"
#define PHONE "+919800004242"
/* Positions: the text of every one starts with "12.97" / "77.59". */
#define LAT 12.9716123
#define LON 77.5946456

static void must(int rc, const ot_error *err, const char *what)
{
    if (rc != 0)
        fail_msg("%s: %s (%d)", what, err->message, rc);
}

static void no_plaintext(const char *text, const char *what)
{
    if (strstr(text, CUSTOMER) || strstr(text, "Hiddenname") || strstr(text, "9800004242") ||
        strstr(text, "12.97") || strstr(text, "77.59"))
        fail_msg("%s holds plaintext personal data: %.300s", what, text);
}

static ot_pii *static_pii(const char *id, unsigned char fill)
{
    unsigned char key[OT_PII_KEY_SIZE];
    ot_pii *p = NULL;
    ot_error err;
    memset(key, fill, sizeof key);
    must(ot_pii_new_static(&p, id, key, sizeof key, &err), &err, "pii");
    return p;
}

/* A storage wrapper that checks everything the tracker hands to storage. */
struct spy {
    ot_storage inner;
    ot_storage vtable;
    unsigned seen;
    const ot_pii *pii;
};
static struct spy *spy_now;

static void spy_check(const ot_storage_record *rec, const ot_idempotency_record *idem)
{
    char index[65];
    no_plaintext(rec->json, "record JSON");
    no_plaintext(rec->events_json, "events JSON");
    no_plaintext(rec->customer_id, "customer_id column");
    assert_non_null(strstr(rec->json, "\"customer_id\":\"otpii:v1:"));
    assert_null(strstr(rec->json, "\"driver_location\":{"));
    assert_null(strstr(rec->json, "\"location_trail\":[{"));
    assert_int_equal(strlen(rec->customer_id), 64);
    assert_int_equal(ot_pii_blind_index(index, spy_now->pii, "customer_id", CUSTOMER, NULL), 0);
    assert_string_equal(rec->customer_id, index);
    if (idem) {
        no_plaintext(idem->response, "idempotency response");
        assert_int_equal(strlen(idem->request_hash), 64);  /* keyed (HMAC) with a PII key */
    }
    spy_now->seen++;
}

static int spy_create(void *u, const ot_storage_record *rec, const ot_idempotency_record *idem,
                      ot_error *err)
{
    (void)u;
    spy_check(rec, idem);
    return spy_now->inner.create(spy_now->inner.userdata, rec, idem, err);
}

static int spy_commit(void *u, int64_t expected, const ot_storage_record *rec,
                      const ot_idempotency_record *idem, ot_error *err)
{
    (void)u;
    spy_check(rec, idem);
    return spy_now->inner.commit(spy_now->inner.userdata, expected, rec, idem, err);
}

static ot_tracker *make(const ot_storage *s, const ot_pii *pii)
{
    ot_tracker_options o = OT_TRACKER_OPTIONS_INIT;
    ot_tracker *t = NULL;
    ot_error err;
    o.storage = s;
    o.pii = pii;
    must(ot_tracker_new(&t, &o, &err), &err, "tracker");
    return t;
}

/* init, store flow, a driver: every personal field is written. */
static int lifecycle(ot_tracker *t, const char *id, ot_error *err)
{
    ot_request r = OT_REQUEST_INIT;
    int rc;
    r.order_id = id;
    r.store_id = "store-1";
    r.customer_id = CUSTOMER;
    r.provider = OT_PROVIDER_UBER;
    r.idempotency_key = "init-key";
    if ((rc = ot_tracker_init_order(NULL, t, &r, err)))
        return rc;
    r.idempotency_key = NULL;
    r.status = OT_STATUS_STORE_NOTIFIED;
    if ((rc = ot_tracker_set_status(NULL, t, &r, err)) ||
        (rc = ot_tracker_store_acknowledge(NULL, t, &r, err)) ||
        (rc = ot_tracker_start_picking(NULL, t, &r, err)) ||
        (rc = ot_tracker_ready(NULL, t, &r, err)))
        return rc;
    r.driver_id = "drv-1";
    r.driver_name = DRIVER;
    r.driver_phone = PHONE;
    r.vehicle_type = "bike";
    return ot_tracker_assign_driver(NULL, NULL, t, &r, err);
}

/* Positions: two reports, the pickup, and a partner update with a position (an event). */
static int drive(ot_tracker *t, const char *id, ot_error *err)
{
    ot_request r = OT_REQUEST_INIT;
    ot_update u = OT_UPDATE_INIT;
    int rc;
    r.order_id = id;
    r.latitude = LAT;
    r.longitude = LON;
    r.has_accuracy = 1;
    r.accuracy = 7.5;
    r.time_ms = 1790000000000;
    if ((rc = ot_tracker_update_location(NULL, t, &r, err)))
        return rc;
    r.latitude = LAT + 0.0001;
    r.time_ms += 1000;
    if ((rc = ot_tracker_update_location(NULL, t, &r, err)) ||
        (rc = ot_tracker_pickup(NULL, t, &r, err)))
        return rc;
    u.provider = OT_PROVIDER_UBER;
    u.order_id = id;
    u.event_id = "evt-transit";
    u.raw_status = "en_route_to_dropoff";
    u.status = OT_STATUS_IN_TRANSIT;
    u.flags = OT_UPDATE_HAS_POSITION;
    u.latitude = LAT + 0.0002;
    u.longitude = LON + 0.0002;
    u.event_time_ms = r.time_ms + 1000;
    return ot_tracker_apply_update(NULL, t, &u, NULL, err);
}

static void check_plain(ot_tracker *t, const char *id)
{
    ot_order *o = NULL;
    ot_driver_view d = OT_DRIVER_VIEW_INIT;
    char *json = NULL;
    ot_error err;
    must(ot_tracker_get(&o, t, id, &err), &err, "get");
    assert_string_equal(ot_order_customer_id(o), CUSTOMER);
    must(ot_order_driver_details(&d, o, &err), &err, "driver");
    assert_string_equal(d.name, DRIVER);
    assert_string_equal(d.phone, PHONE);
    must(ot_order_verify_history(o, &err), &err, "verify");
    ot_order_free(o);
    must(ot_tracker_history(&json, NULL, t, id, &err), &err, "history");
    assert_non_null(strstr(json, DRIVER));
    assert_non_null(strstr(json, CUSTOMER));
    assert_null(strstr(json, "otpii:"));
    ot_free(json);
}

/* After drive(): the last position, the trail of three, the event's position. */
static void check_positions(ot_tracker *t, const char *id)
{
    ot_order *o = NULL;
    ot_location_view loc = OT_LOCATION_VIEW_INIT;
    char *json = NULL;
    ot_error err;
    must(ot_tracker_get(&o, t, id, &err), &err, "get");
    must(ot_order_driver_location(&loc, o, &err), &err, "location");
    assert_true(loc.latitude == LAT + 0.0002 && loc.longitude == LON + 0.0002);
    must(ot_order_verify_history(o, &err), &err, "verify");
    ot_order_free(o);
    must(ot_tracker_live_location(&json, NULL, t, id, &err), &err, "live location");
    assert_null(strstr(json, "otpii:"));
    assert_non_null(strstr(json, "\"location_trail\":[{\"latitude\":12.97"));
    assert_non_null(strstr(json, "\"accuracy\":7.5"));
    ot_free(json);
    must(ot_tracker_history(&json, NULL, t, id, &err), &err, "history");
    assert_non_null(strstr(json, "\"driver_location\":{"));   /* the courier_update's */
    assert_null(strstr(json, "otpii:"));
    ot_free(json);
}

static size_t list_count(ot_tracker *t, const char *customer)
{
    ot_list_request l = OT_LIST_REQUEST_INIT;
    char *json = NULL, *p;
    size_t n = 0;
    ot_error err;
    l.customer_id = customer;
    must(ot_tracker_list(&json, NULL, t, &l, &err), &err, "list");
    for (p = json; (p = strstr(p, "\"status_history\"")) != NULL; p++)
        n++;
    if (n)
        assert_non_null(strstr(json, "\"customer_id\":\"" CUSTOMER "\""));
    assert_null(strstr(json, "otpii:"));
    ot_free(json);
    return n;
}

static int raw_emit(void *ctx, ot_order *order, ot_error *err)
{
    char *json = NULL;
    int rc = ot_order_to_json(&json, NULL, order, err);
    (void)ctx;
    if (!rc) {
        no_plaintext(json, "stored record");
        assert_non_null(strstr(json, "otpii:v1:"));
    }
    ot_free(json);
    ot_order_free(order);
    (*(int *)ctx)++;
    return rc;
}

static void check_refused(const ot_storage *s, const char *id)
{
    ot_pii *wrong = static_pii("k1", 0x77);
    ot_tracker *t = make(s, NULL), *w = make(s, wrong);
    ot_order *o = NULL;
    ot_list_request l = OT_LIST_REQUEST_INIT;
    char *json = NULL;
    ot_error err;
    assert_ot_error(ot_tracker_get(&o, t, id, &err), OT_EINTEGRITY, err);
    assert_null(o);
    assert_string_equal(err.field, "customer_id");
    assert_ot_error(ot_tracker_list(&json, NULL, t, &l, &err), OT_EINTEGRITY, err);
    assert_null(json);
    assert_ot_error(ot_tracker_get(&o, w, id, &err), OT_EINTEGRITY, err);
    assert_string_equal(err.field, "customer_id");
    ot_tracker_free(t);
    ot_tracker_free(w);
    ot_pii_free(wrong);
}

static void run_store(ot_storage *s)
{
    struct spy spy;
    ot_pii *pii = static_pii("k1", 0x42);
    ot_storage_query q = OT_STORAGE_QUERY_INIT;
    char cursor[OT_STORAGE_CURSOR_SIZE];
    ot_tracker *t;
    ot_order *o = NULL;
    ot_request r = OT_REQUEST_INIT;
    ot_error err;
    int raw = 0;

    memset(&spy, 0, sizeof spy);
    spy.inner = *s;
    spy.vtable = *s;
    spy.vtable.create = spy_create;
    spy.vtable.commit = spy_commit;
    spy.vtable.close = NULL;
    spy.vtable.flags = 0; /* the spy reads the JSON: it must not pass for a decoded store */
    spy.pii = pii;
    spy_now = &spy;
    t = make(&spy.vtable, pii);
    must(lifecycle(t, "pii-1", &err), &err, "lifecycle");
    must(drive(t, "pii-1", &err), &err, "positions");
    assert_int_equal(spy.seen, 10);
    check_plain(t, "pii-1");
    check_positions(t, "pii-1");
    /* what the store holds, read past the tracker */
    must(s->query(s->userdata, &q, raw_emit, &raw, cursor, sizeof cursor, &err), &err, "raw");
    assert_int_equal(raw, 1);
    /* lists by customer go through the blind index */
    assert_int_equal(list_count(t, CUSTOMER), 1);
    assert_int_equal(list_count(t, "someone-else"), 0);
    /* an idempotent replay answers plaintext too */
    r.order_id = "pii-1";
    r.store_id = "store-1";
    r.customer_id = CUSTOMER;
    r.provider = OT_PROVIDER_UBER;
    r.idempotency_key = "init-key";
    must(ot_tracker_init_order(&o, t, &r, &err), &err, "replay");
    assert_string_equal(ot_order_customer_id(o), CUSTOMER);
    ot_order_free(o);
    check_refused(s, "pii-1");
    ot_tracker_free(t);
    ot_pii_free(pii);
}

static void test_memory(void **state)
{
    ot_storage *s = NULL;
    ot_error err;
    (void)state;
    must(ot_storage_memory_new(&s, &err), &err, "memory");
    run_store(s);
    ot_storage_close(s);
}

#ifdef OT_TEST_SQLITE
static void check_file(const char *path)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int rows = 0;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db,
                         "SELECT customer_id || record FROM orders UNION ALL "
                         "SELECT entry FROM events UNION ALL "
                         "SELECT CAST(response AS TEXT) FROM idempotency", -1, &st, NULL),
                     SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
        no_plaintext((const char *)sqlite3_column_text(st, 0), "SQLite row");
        rows++;
    }
    assert_true(rows >= 8);
    sqlite3_finalize(st);
    sqlite3_close(db);
}

static void test_sqlite(void **state)
{
    char path[256];
    ot_storage *s = NULL;
    ot_error err;
    (void)state;
    snprintf(path, sizeof path, "%s/ot-pii-%ld.db", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
             (long)getpid());
    ot_test_remove_db(path);
    must(ot_storage_sqlite_open(&s, path, NULL, &err), &err, "sqlite");
    run_store(s);
    ot_storage_close(s);
    check_file(path);
    ot_test_remove_db(path);
}
#endif

/* Rotation: a provider with keys k1 and k2; the current one changes. */
struct keyring {
    const char *current;
    int has_k1;
};

static int ring_get(unsigned char key[OT_PII_KEY_SIZE], char id_out[OT_PII_KEY_ID_SIZE],
                    const char *key_id, void *userdata)
{
    struct keyring *k = userdata;
    const char *id = key_id ? key_id : k->current;
    if (strcmp(id, "k1") == 0 && !k->has_k1)
        return OT_ENOTFOUND;
    if (strcmp(id, "k1") != 0 && strcmp(id, "k2") != 0)
        return OT_ENOTFOUND;
    memset(key, id[1], OT_PII_KEY_SIZE);
    if (!key_id)
        snprintf(id_out, OT_PII_KEY_ID_SIZE, "%s", id);
    return 0;
}

static int rot_emit(void *ctx, ot_order *order, ot_error *err)
{
    char *json = NULL;
    int rc = ot_order_to_json(&json, NULL, order, err);
    if (!rc)
        snprintf(ctx, 4096, "%s", json);
    ot_free(json);
    ot_order_free(order);
    return rc;
}

static void test_rotation(void **state)
{
    struct keyring ring = {"k1", 1};
    ot_pii_key_provider provider = OT_PII_KEY_PROVIDER_INIT;
    ot_storage *s = NULL;
    ot_storage_query q = OT_STORAGE_QUERY_INIT;
    char cursor[OT_STORAGE_CURSOR_SIZE], raw[4096] = "";
    ot_pii *pii = NULL;
    ot_tracker *t;
    ot_order *o = NULL;
    ot_request r = OT_REQUEST_INIT;
    ot_error err;
    (void)state;

    provider.userdata = &ring;
    provider.get_key = ring_get;
    must(ot_pii_new(&pii, &provider, &err), &err, "pii");
    must(ot_storage_memory_new(&s, &err), &err, "memory");
    t = make(s, pii);
    must(lifecycle(t, "rot-1", &err), &err, "lifecycle under k1");
    ring.current = "k2";
    check_plain(t, "rot-1");                /* old tokens name k1: still open */
    r.order_id = "rot-1";
    r.issue_type = "late";
    r.description = "a write under k2";
    r.severity = OT_SEVERITY_LOW;
    must(ot_tracker_raise_issue(NULL, t, &r, &err), &err, "write under k2");
    must(s->query(s->userdata, &q, rot_emit, raw, cursor, sizeof cursor, &err), &err, "raw");
    assert_non_null(strstr(raw, "otpii:v1:k2:"));
    assert_null(strstr(raw, "otpii:v1:k1:"));  /* the write re-sealed everything */
    ring.has_k1 = 0;
    check_plain(t, "rot-1");
    assert_int_equal(list_count(t, CUSTOMER), 1);   /* indexed under k2 by the last write */
    /* a record that needs a key the provider lost: refused, naming the field */
    ring.current = "k1";
    ring.has_k1 = 1;
    r.order_id = "rot-2";
    r.store_id = "store-1";
    r.customer_id = CUSTOMER;
    r.provider = OT_PROVIDER_UBER;
    must(ot_tracker_init_order(NULL, t, &r, &err), &err, "init under k1");
    ring.has_k1 = 0;
    assert_ot_error(ot_tracker_get(&o, t, "rot-2", &err), OT_EINTEGRITY, err);
    assert_string_equal(err.field, "customer_id");
    ot_tracker_free(t);
    ot_storage_close(s);
    ot_pii_free(pii);
}

/* A version 2 caller's options end before `pii`: the library reads none of it. */
struct options_v2 {
    unsigned version;
    const ot_storage *storage;
    const void *clock, *notices;
    unsigned max_retries;
    int64_t base, cap, ttl;
    const void *sla;
    void *metrics;
};

static void test_options_v2(void **state)
{
    struct options_v2 *o = malloc(sizeof *o);
    ot_storage *s = NULL;
    ot_tracker *t = NULL;
    ot_error err;
    (void)state;
    assert_int_equal(sizeof *o, offsetof(ot_tracker_options, pii));
    must(ot_storage_memory_new(&s, &err), &err, "memory");
    must(ot_tracker_options_init((ot_tracker_options *)(void *)o, 2, &err), &err, "init v2");
    o->storage = s;
    must(ot_tracker_new(&t, (const ot_tracker_options *)(const void *)o, &err), &err, "v2");
    must(lifecycle(t, "v2-1", &err), &err, "plain lifecycle");
    ot_tracker_free(t);
    ot_storage_close(s);
    free(o);
}

static size_t count(const char *text, const char *needle)
{
    size_t n = 0;
    for (; (text = strstr(text, needle)) != NULL; text++)
        n++;
    return n;
}

/* `n` more positions, a second apart; the number of positions live-location answers (the
 * current one and the trail). */
static size_t report(ot_tracker *t, const char *id, int n, int64_t *time_ms)
{
    ot_request r = OT_REQUEST_INIT;
    char *json = NULL;
    ot_error err;
    size_t positions;
    r.order_id = id;
    r.longitude = LON;
    while (n-- > 0) {
        r.latitude = LAT + (double)(*time_ms % 100000) / 1e7;
        r.time_ms = (*time_ms += 1000);
        must(ot_tracker_update_location(NULL, t, &r, &err), &err, "location");
    }
    must(ot_tracker_live_location(&json, NULL, t, id, &err), &err, "live location");
    positions = count(json, "\"latitude\"");
    ot_free(json);
    return positions;
}

/* The trail keeps the newest N positions, oldest first, the last one being driver_location;
 * 0 keeps none; over the maximum is refused. */
static void test_trail_bounded(void **state)
{
    ot_tracker_options o = OT_TRACKER_OPTIONS_INIT;
    ot_storage *s = NULL;
    ot_tracker *t = NULL;
    ot_order *order = NULL;
    ot_location_view loc = OT_LOCATION_VIEW_INIT;
    int64_t now = 1790000000000;
    char *json = NULL, *last;
    ot_error err;
    (void)state;
    assert_int_equal(o.location_trail, OT_TRACKER_LOCATION_TRAIL_DEFAULT);
    must(ot_storage_memory_new(&s, &err), &err, "memory");
    o.storage = s;
    o.location_trail = OT_TRACKER_LOCATION_TRAIL_MAX + 1;
    assert_ot_error(ot_tracker_new(&t, &o, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "location_trail");
    o.location_trail = 3;
    must(ot_tracker_new(&t, &o, &err), &err, "tracker");
    must(lifecycle(t, "trail-1", &err), &err, "lifecycle");
    assert_int_equal(report(t, "trail-1", 2, &now), 1 + 2);
    assert_int_equal(report(t, "trail-1", 5, &now), 1 + 3);
    /* the newest entry of the trail is the current position */
    must(ot_tracker_get(&order, t, "trail-1", &err), &err, "get");
    must(ot_order_driver_location(&loc, order, &err), &err, "location");
    assert_int_equal(loc.timestamp_ms, now);
    must(ot_order_to_json(&json, NULL, order, &err), &err, "json");
    last = strstr(json, "\"location_trail\":[");
    assert_non_null(last);
    assert_non_null(strstr(last, "2026-09-21T"));
    ot_free(json);
    ot_order_free(order);
    ot_tracker_free(t);
    /* a tracker that keeps none empties it on the next report */
    o.location_trail = 0;
    must(ot_tracker_new(&t, &o, &err), &err, "tracker without a trail");
    assert_int_equal(report(t, "trail-1", 1, &now), 1);
    ot_tracker_free(t);
    ot_storage_close(s);
}

/* Records written without a key (plaintext positions) load under a key, verify, and are
 * sealed by their next write. */
static void test_plaintext_positions(void **state)
{
    ot_pii *pii = static_pii("k1", 0x42);
    ot_storage *s = NULL;
    ot_storage_query q = OT_STORAGE_QUERY_INIT;
    char cursor[OT_STORAGE_CURSOR_SIZE];
    ot_tracker *plain, *sealed;
    int64_t now = 1790000100000;
    ot_error err;
    int raw = 0;
    (void)state;
    must(ot_storage_memory_new(&s, &err), &err, "memory");
    plain = make(s, NULL);
    sealed = make(s, pii);
    must(lifecycle(plain, "old-1", &err), &err, "plain lifecycle");
    must(drive(plain, "old-1", &err), &err, "plain positions");
    check_plain(sealed, "old-1");
    check_positions(sealed, "old-1");
    assert_int_equal(report(sealed, "old-1", 1, &now), 1 + 4);
    must(s->query(s->userdata, &q, raw_emit, &raw, cursor, sizeof cursor, &err), &err, "raw");
    assert_int_equal(raw, 1);
    ot_tracker_free(plain);
    ot_tracker_free(sealed);
    ot_storage_close(s);
    ot_pii_free(pii);
}

/* A version 3 caller's options end before `escalation`: the default trail applies. */
struct options_v3 {
    struct options_v2 v2;
    const void *pii;
};

static void test_options_v3(void **state)
{
    struct options_v3 *o = malloc(sizeof *o);
    ot_storage *s = NULL;
    ot_tracker *t = NULL;
    int64_t now = 1790000200000;
    ot_error err;
    (void)state;
    assert_int_equal(sizeof *o, offsetof(ot_tracker_options, escalation));
    must(ot_storage_memory_new(&s, &err), &err, "memory");
    must(ot_tracker_options_init((ot_tracker_options *)(void *)o, 3, &err), &err, "init v3");
    o->v2.storage = s;
    must(ot_tracker_new(&t, (const ot_tracker_options *)(const void *)o, &err), &err, "v3");
    must(lifecycle(t, "v3-1", &err), &err, "lifecycle");
    assert_int_equal(report(t, "v3-1", OT_TRACKER_LOCATION_TRAIL_DEFAULT + 2, &now),
                     1 + OT_TRACKER_LOCATION_TRAIL_DEFAULT);
    ot_tracker_free(t);
    ot_storage_close(s);
    free(o);
}

/* Allocation failures in sealed writes and reads: an error or success, never a leak. */
static int sweep_scenario(void *ctx)
{
    ot_tracker_options opt = OT_TRACKER_OPTIONS_INIT;
    ot_storage *s = NULL;
    ot_tracker *t = NULL;
    ot_order *o = NULL;
    ot_list_request l = OT_LIST_REQUEST_INIT;
    char *json = NULL;
    ot_error err;
    int rc;

    if ((rc = ot_storage_memory_new(&s, &err)))
        return rc;
    opt.storage = s;
    opt.pii = ctx;
    if (!(rc = ot_tracker_new(&t, &opt, &err)) && !(rc = lifecycle(t, "sw-1", &err)) &&
        !(rc = drive(t, "sw-1", &err)) && !(rc = ot_tracker_get(&o, t, "sw-1", &err))) {
        l.customer_id = CUSTOMER;
        rc = ot_tracker_list(&json, NULL, t, &l, &err);
    }
    ot_free(json);
    ot_order_free(o);
    ot_tracker_free(t);
    ot_storage_close(s);
    return rc;
}

static void test_alloc_sweep(void **state)
{
    ot_pii *pii;
    (void)state;
    alloc_sweep_install();
    alloc_sweep_pause();
    pii = static_pii("k1", 0x42);
    alloc_sweep_resume();
    assert_int_equal(alloc_sweep_run("sealed writes", sweep_scenario, pii, NULL, NULL), 0);
    alloc_sweep_pause();
    ot_pii_free(pii);
    alloc_sweep_resume();
    alloc_sweep_uninstall();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_memory),
#ifdef OT_TEST_SQLITE
        cmocka_unit_test(test_sqlite),
#endif
        cmocka_unit_test(test_rotation),
        cmocka_unit_test(test_options_v2),
        cmocka_unit_test(test_trail_bounded),
        cmocka_unit_test(test_plaintext_positions),
        cmocka_unit_test(test_options_v3),
        cmocka_unit_test(test_alloc_sweep),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
