/* The SQLite store's cache of decoded records: a hit answers the record as decoding would
 * (personal data sealed included), writes by a second handle on the same file (as another
 * process) are always seen, for a load and for a commit after a load (the compare-and-set
 * conflicts and the tracker retries), the LRU bound evicts, the cache can be disabled, the
 * options' version 1 layout still works, concurrent threads stay consistent, and the
 * conformance suite passes with the cache off and with a cache of one record.
 *
 * A hit is told from a miss without any hook: the test rewrites the row's record text
 * behind the store's back (keeping version and updated_at, which no real writer does); a hit
 * still answers the cached record, a miss decodes the rewritten text. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include <sqlite3.h>

#include "test_util.h"
#include "storage_conformance.h"
#include <ordertrack/adapters/sqlite.h>

static char dir[] = "/tmp/ot-sqlite-cache-XXXXXX";
static int counter;

static void must(int rc, const ot_error *err, const char *what)
{
    if (rc != 0)
        fail_msg("%s: %s (%d)", what, err->message, rc);
}

static void fresh_path(char *buf, size_t size)
{
    snprintf(buf, size, "%s/cache-%d.db", dir, counter++);
}

static ot_storage *open_cached(const char *path, int cache_records)
{
    ot_sqlite_options o = OT_SQLITE_OPTIONS_INIT;
    ot_storage *st = NULL;
    ot_error err;
    o.synchronous = OT_SQLITE_SYNC_OFF;
    o.cache_records = cache_records;
    must(ot_storage_sqlite_open(&st, path, &o, &err), &err, path);
    return st;
}

static ot_tracker *tracker_on(ot_storage *st, const ot_pii *pii, unsigned max_retries)
{
    ot_tracker_options o = OT_TRACKER_OPTIONS_INIT;
    ot_tracker *t = NULL;
    ot_error err;
    o.storage = st;
    o.pii = pii;
    o.max_retries = max_retries;
    must(ot_tracker_new(&t, &o, &err), &err, "tracker");
    return t;
}

static void init_order(ot_tracker *t, const char *order_id)
{
    ot_request r = OT_REQUEST_INIT;
    ot_error err;
    r.order_id = order_id;
    r.store_id = "s-1";
    r.customer_id = "c-1";
    r.provider = OT_PROVIDER_INTERNAL;
    must(ot_tracker_init_order(NULL, t, &r, &err), &err, "init");
}

static void raise_issue(ot_tracker *t, const char *order_id, const char *type)
{
    ot_request r = OT_REQUEST_INIT;
    ot_error err;
    r.order_id = order_id;
    r.updated_by = "ops";
    r.issue_type = type;
    r.description = "d";
    r.severity = OT_SEVERITY_LOW;
    must(ot_tracker_raise_issue(NULL, t, &r, &err), &err, "raise issue");
}

/* The canonical JSON of a storage load (ot_free), or NULL with `*rc` set. */
static char *load_json(ot_storage *st, const char *order_id, int *rc)
{
    ot_order *o = NULL;
    char *json = NULL;
    ot_error err;
    *rc = st->load(st->userdata, order_id, &o, &err);
    if (*rc == 0) {
        assert_int_equal(ot_order_to_json(&json, NULL, o, &err), 0);
        /* the hash chain covers plaintext: a sealed record verifies only once opened */
        if (!strstr(json, "\"customer_id\":\"otpii"))
            assert_int_equal(ot_order_verify_history(o, &err), 0);
    }
    ot_order_free(o);
    return json;
}

static int64_t loaded_version(ot_storage *st, const char *order_id)
{
    ot_order *o = NULL;
    int64_t v;
    if (st->load(st->userdata, order_id, &o, NULL) != 0)
        return -1;
    v = ot_order_version(o);
    ot_order_free(o);
    return v;
}

static void exec_sql(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    sqlite3_close(db);
}

/* Replace every stored record text, keeping version and updated_at (see the top). */
static void scribble_records(const char *path)
{
    exec_sql(path, "UPDATE orders SET record = 'scribbled, not JSON'");
}

static void test_hit_equals_decoded(void **state)
{
    char path[256], *cached, *decoded, *again;
    ot_storage *st, *plain;
    ot_tracker *t;
    ot_order *o = NULL;
    int rc;
    ot_error err;
    (void)state;
    fresh_path(path, sizeof path);
    st = open_cached(path, OT_SQLITE_CACHE_DEFAULT);
    plain = open_cached(path, 0);
    t = tracker_on(st, NULL, 8);
    init_order(t, "o-1");
    raise_issue(t, "o-1", "late");

    /* the record the commit cached equals the row decoded by a handle without a cache */
    cached = load_json(st, "o-1", &rc);
    assert_int_equal(rc, 0);
    decoded = load_json(plain, "o-1", &rc);
    assert_int_equal(rc, 0);
    assert_string_equal(cached, decoded);

    /* a load after a commit is a hit: the row's text is not read while its version stays */
    raise_issue(t, "o-1", "later");
    ot_free(decoded);
    decoded = load_json(plain, "o-1", &rc);
    assert_int_equal(rc, 0);
    scribble_records(path);
    again = load_json(st, "o-1", &rc);
    assert_int_equal(rc, 0);
    assert_string_equal(again, decoded);
    assert_ot_error(plain->load(plain->userdata, "o-1", &o, &err), OT_EPARSE, err);
    assert_null(o);
    /* and the hit handed the record itself to the caller: it left the cache, so the next
     * load reads the (scribbled) row */
    assert_ot_error(st->load(st->userdata, "o-1", &o, &err), OT_EPARSE, err);
    assert_null(o);

    ot_free(cached);
    ot_free(decoded);
    ot_free(again);
    ot_tracker_free(t);
    ot_storage_close(plain);
    ot_storage_close(st);
}

/* With encryption at rest the cache holds the record as stored: sealed. */
static void test_hit_keeps_sealed_record(void **state)
{
    unsigned char key[OT_PII_KEY_SIZE];
    char path[256], *cached, *decoded;
    ot_storage *st, *plain;
    ot_tracker *t;
    ot_pii *pii = NULL;
    ot_order *o = NULL;
    int rc, i;
    ot_error err;
    (void)state;
    memset(key, 7, sizeof key);
    must(ot_pii_new_static(&pii, "k1", key, sizeof key, &err), &err, "pii");
    fresh_path(path, sizeof path);
    st = open_cached(path, OT_SQLITE_CACHE_DEFAULT);
    plain = open_cached(path, 0);
    t = tracker_on(st, pii, 8);
    init_order(t, "o-1");
    raise_issue(t, "o-1", "late");
    for (i = 0; i < 3; i++) {
        /* the tracker opens its copy in place: the cached record must stay sealed */
        must(ot_tracker_get(&o, t, "o-1", &err), &err, "get");
        assert_string_equal(ot_order_customer_id(o), "c-1");
        ot_order_free(o);
        o = NULL;
        cached = load_json(st, "o-1", &rc);
        assert_int_equal(rc, 0);
        decoded = load_json(plain, "o-1", &rc);
        assert_int_equal(rc, 0);
        assert_string_equal(cached, decoded);
        assert_null(strstr(cached, "\"c-1\""));
        ot_free(cached);
        ot_free(decoded);
    }
    ot_tracker_free(t);
    ot_storage_close(plain);
    ot_storage_close(st);
    ot_pii_free(pii);
}

/* Two handles on one file, each with its cache: what one writes, the other loads. */
static void test_second_handle_write_is_seen(void **state)
{
    char path[256], *a_json, *b_json;
    ot_storage *a, *b;
    ot_tracker *ta, *tb;
    int rc;
    (void)state;
    fresh_path(path, sizeof path);
    a = open_cached(path, OT_SQLITE_CACHE_DEFAULT);
    b = open_cached(path, OT_SQLITE_CACHE_DEFAULT);
    ta = tracker_on(a, NULL, 8);
    tb = tracker_on(b, NULL, 8);
    init_order(ta, "o-1");
    raise_issue(ta, "o-1", "first");               /* a caches version 2 */
    assert_int_equal(loaded_version(b, "o-1"), 2); /* b decodes and caches it too */
    raise_issue(tb, "o-1", "second");              /* b writes version 3 */
    assert_int_equal(loaded_version(a, "o-1"), 3); /* a sees it, not its cached 2 */
    a_json = load_json(a, "o-1", &rc);
    b_json = load_json(b, "o-1", &rc);
    assert_string_equal(a_json, b_json);
    ot_free(a_json);
    ot_free(b_json);
    /* a writes on top of b's version (its load decoded the new row) */
    raise_issue(ta, "o-1", "third");
    assert_int_equal(loaded_version(b, "o-1"), 4);
    assert_int_equal(loaded_version(a, "o-1"), 4);
    ot_tracker_free(ta);
    ot_tracker_free(tb);
    ot_storage_close(a);
    ot_storage_close(b);
}

/* A storage over handle `a` whose first load lets a writer on handle `b` commit right after
 * it: the tracker on `a` then commits on a stale version, gets OT_ECONFLICT, reloads (past
 * its cache) and retries. */
struct racing {
    ot_storage vtable;
    ot_storage *a;
    ot_tracker *tb;
    int loads, races;
};

static int racing_create(void *ud, const ot_storage_record *rec,
                         const ot_idempotency_record *idem, ot_error *err)
{
    struct racing *r = ud;
    return r->a->create(r->a->userdata, rec, idem, err);
}

static int racing_load(void *ud, const char *order_id, ot_order **out, ot_error *err)
{
    struct racing *r = ud;
    int rc = r->a->load(r->a->userdata, order_id, out, err);
    if (rc == 0 && r->loads++ == 0 && r->races) {
        r->races--;
        raise_issue(r->tb, order_id, "from the other process");
    }
    return rc;
}

static int racing_commit(void *ud, int64_t expected, const ot_storage_record *rec,
                         const ot_idempotency_record *idem, ot_error *err)
{
    struct racing *r = ud;
    return r->a->commit(r->a->userdata, expected, rec, idem, err);
}

static int racing_query(void *ud, const ot_storage_query *q, ot_storage_emit emit, void *ctx,
                        char *next_cursor, size_t cursor_size, ot_error *err)
{
    struct racing *r = ud;
    return r->a->query(r->a->userdata, q, emit, ctx, next_cursor, cursor_size, err);
}

static void test_commit_after_load_conflicts(void **state)
{
    char path[256];
    struct racing r;
    ot_storage *a, *b;
    ot_tracker *ta, *tb;
    ot_order *o = NULL, *mine = NULL;
    ot_storage_record rec;
    ot_issue_view iv = OT_ISSUE_VIEW_INIT;
    ot_error err;
    (void)state;
    fresh_path(path, sizeof path);
    a = open_cached(path, OT_SQLITE_CACHE_DEFAULT);
    b = open_cached(path, OT_SQLITE_CACHE_DEFAULT);
    tb = tracker_on(b, NULL, 8);
    init_order(tb, "o-1");

    /* By hand first: a loads (and caches) version 1, b writes version 2, a's commit on
     * version 1 conflicts, and a's next load answers version 2. */
    must(a->load(a->userdata, "o-1", &mine, &err), &err, "load");
    assert_int_equal(ot_order_version(mine), 1);
    raise_issue(tb, "o-1", "b");
    must(ot_storage_record_init(&rec, mine, ot_order_history_count(mine), &err), &err, "rec");
    rec.record_version = 2;
    assert_ot_error(a->commit(a->userdata, 1, &rec, NULL, &err), OT_ECONFLICT, err);
    ot_storage_record_release(&rec);
    ot_order_free(mine);
    assert_int_equal(loaded_version(a, "o-1"), 2);

    /* Through the tracker: the race happens between its load and its commit. */
    memset(&r, 0, sizeof r);
    r.vtable = (ot_storage)OT_STORAGE_INIT;
    r.vtable.userdata = &r;
    r.vtable.create = racing_create;
    r.vtable.load = racing_load;
    r.vtable.commit = racing_commit;
    r.vtable.query = racing_query;
    r.a = a;
    r.tb = tb;
    r.races = 1;
    ta = tracker_on(&r.vtable, NULL, 8);
    raise_issue(ta, "o-1", "a");
    assert_int_equal(r.loads, 2); /* loaded, conflicted, reloaded */
    must(a->load(a->userdata, "o-1", &o, &err), &err, "load");
    assert_int_equal(ot_order_version(o), 4);
    assert_int_equal(ot_order_issue_count(o), 3);
    must(ot_order_issue_at(&iv, o, 1, &err), &err, "issue 1");
    assert_string_equal(iv.issue_type, "from the other process");
    must(ot_order_issue_at(&iv, o, 2, &err), &err, "issue 2");
    assert_string_equal(iv.issue_type, "a");
    assert_int_equal(ot_order_verify_history(o, &err), 0);
    ot_order_free(o);
    assert_int_equal(loaded_version(b, "o-1"), 4);
    ot_tracker_free(ta);
    ot_tracker_free(tb);
    ot_storage_close(a);
    ot_storage_close(b);
}

/* A row changed by another writer is decoded even when only its version moved. */
static void test_version_change_is_a_miss(void **state)
{
    char path[256];
    ot_storage *st;
    ot_tracker *t;
    ot_order *o = NULL;
    ot_error err;
    (void)state;
    fresh_path(path, sizeof path);
    st = open_cached(path, OT_SQLITE_CACHE_DEFAULT);
    t = tracker_on(st, NULL, 8);
    init_order(t, "o-1");
    scribble_records(path);
    exec_sql(path, "UPDATE orders SET version = version + 1");
    assert_ot_error(st->load(st->userdata, "o-1", &o, &err), OT_EPARSE, err);
    /* updated_at alone moving is a miss too */
    init_order(t, "o-2");
    scribble_records(path);
    exec_sql(path, "UPDATE orders SET updated_at = updated_at + 1 WHERE order_id = 'o-2'");
    assert_ot_error(st->load(st->userdata, "o-2", &o, &err), OT_EPARSE, err);
    /* a row gone is not found, whatever the cache held */
    init_order(t, "o-3");
    exec_sql(path, "DELETE FROM events; DELETE FROM orders");
    assert_ot_error(st->load(st->userdata, "o-3", &o, &err), OT_ENOTFOUND, err);
    assert_null(o);
    ot_tracker_free(t);
    ot_storage_close(st);
}

static void test_lru_bound(void **state)
{
    char path[256];
    ot_storage *st;
    ot_tracker *t;
    ot_order *o = NULL;
    ot_error err;
    (void)state;
    fresh_path(path, sizeof path);
    st = open_cached(path, 2);
    t = tracker_on(st, NULL, 8);
    init_order(t, "o-1");
    init_order(t, "o-2");
    init_order(t, "o-3");                           /* o-1 evicted: {o-2, o-3} */
    init_order(t, "o-4");                           /* o-2 evicted: {o-3, o-4} */
    scribble_records(path);
    assert_int_equal(loaded_version(st, "o-3"), 1);
    assert_int_equal(loaded_version(st, "o-4"), 1);
    assert_ot_error(st->load(st->userdata, "o-1", &o, &err), OT_EPARSE, err);
    assert_ot_error(st->load(st->userdata, "o-2", &o, &err), OT_EPARSE, err);
    ot_tracker_free(t);
    ot_storage_close(st);
}

static void test_disabled(void **state)
{
    char path[256];
    ot_storage *st;
    ot_tracker *t;
    ot_order *o = NULL;
    ot_error err;
    (void)state;
    fresh_path(path, sizeof path);
    st = open_cached(path, 0);
    t = tracker_on(st, NULL, 8);
    init_order(t, "o-1");
    raise_issue(t, "o-1", "late");
    assert_int_equal(loaded_version(st, "o-1"), 2);
    scribble_records(path); /* nothing cached: every load decodes the row */
    assert_ot_error(st->load(st->userdata, "o-1", &o, &err), OT_EPARSE, err);
    ot_tracker_free(t);
    ot_storage_close(st);
}

static void test_options(void **state)
{
    ot_sqlite_options o;
    ot_storage *st = NULL;
    char path[256];
    ot_order *rec = NULL;
    ot_error err;
    (void)state;
    fresh_path(path, sizeof path);
    /* a version 1 struct: init leaves the later member alone, open reads no further and
     * gives the default cache */
    memset(&o, 0, sizeof o);
    o.cache_records = -77;
    assert_int_equal(ot_sqlite_options_init(&o, 1, &err), 0);
    assert_int_equal(o.version, 1);
    assert_int_equal(o.cache_records, -77);
    o.synchronous = OT_SQLITE_SYNC_OFF;
    must(ot_storage_sqlite_open(&st, path, &o, &err), &err, "open v1");
    {
        ot_tracker *t = tracker_on(st, NULL, 8);
        init_order(t, "o-1");
        ot_tracker_free(t);
    }
    scribble_records(path);
    assert_int_equal(st->load(st->userdata, "o-1", &rec, &err), 0); /* cached */
    ot_order_free(rec);
    ot_storage_close(st);
    st = NULL;

    assert_int_equal(ot_sqlite_options_init(&o, OT_SQLITE_OPTIONS_VERSION, &err), 0);
    assert_int_equal(o.cache_records, OT_SQLITE_CACHE_DEFAULT);
    o.cache_records = -1;
    assert_ot_error(ot_storage_sqlite_open(&st, path, &o, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "cache_records");
    o.cache_records = OT_SQLITE_CACHE_MAX + 1;
    assert_ot_error(ot_storage_sqlite_open(&st, path, &o, &err), OT_EINVAL, err);
    assert_null(st);
}

/* Threads share one handle with a cache smaller than the orders they write (evictions,
 * conflicts and retries), and a second handle writes too: no update is lost. */
enum { THREADS = 4, ORDERS = 6, WRITES = 40 };

struct worker {
    ot_tracker *t;
    int seed;
};

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    char id[16];
    int i;
    for (i = 0; i < WRITES; i++) {
        snprintf(id, sizeof id, "o-%d", (w->seed * 7 + i) % ORDERS);
        raise_issue(w->t, id, "busy");
    }
    return NULL;
}

static void test_threads(void **state)
{
    char path[256], id[16];
    ot_storage *st, *other;
    ot_tracker *t, *t2;
    pthread_t th[THREADS];
    struct worker w[THREADS];
    size_t issues = 0;
    int i;
    (void)state;
    fresh_path(path, sizeof path);
    st = open_cached(path, 3);
    other = open_cached(path, 2);
    t = tracker_on(st, NULL, 100);
    t2 = tracker_on(other, NULL, 100);
    for (i = 0; i < ORDERS; i++) {
        snprintf(id, sizeof id, "o-%d", i);
        init_order(t, id);
    }
    for (i = 0; i < THREADS; i++) {
        w[i].t = i == THREADS - 1 ? t2 : t;
        w[i].seed = i;
        assert_int_equal(pthread_create(&th[i], NULL, worker_main, &w[i]), 0);
    }
    for (i = 0; i < THREADS; i++)
        assert_int_equal(pthread_join(th[i], NULL), 0);
    for (i = 0; i < ORDERS; i++) {
        ot_order *o = NULL;
        ot_error err;
        snprintf(id, sizeof id, "o-%d", i);
        must(st->load(st->userdata, id, &o, &err), &err, "load");
        assert_int_equal(ot_order_version(o), 1 + (int64_t)ot_order_issue_count(o));
        assert_int_equal(loaded_version(other, id), ot_order_version(o));
        issues += ot_order_issue_count(o);
        ot_order_free(o);
    }
    assert_int_equal(issues, THREADS * WRITES);
    ot_tracker_free(t);
    ot_tracker_free(t2);
    ot_storage_close(st);
    ot_storage_close(other);
}

static ot_storage *factory(void *ctx)
{
    char path[256];
    fresh_path(path, sizeof path);
    return open_cached(path, *(int *)ctx);
}

static void test_conformance_cache_sizes(void **state)
{
    int off = 0, one = 1;
    (void)state;
    assert_int_equal(ot_storage_conformance_run(factory, &off, stderr), 0);
    assert_int_equal(ot_storage_conformance_run(factory, &one, stderr), 0);
}

static int setup(void **state)
{
    (void)state;
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    char cmd[300];
    (void)state;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hit_equals_decoded),
        cmocka_unit_test(test_hit_keeps_sealed_record),
        cmocka_unit_test(test_second_handle_write_is_seen),
        cmocka_unit_test(test_commit_after_load_conflicts),
        cmocka_unit_test(test_version_change_is_a_miss),
        cmocka_unit_test(test_lru_bound),
        cmocka_unit_test(test_disabled),
        cmocka_unit_test(test_options),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_conformance_cache_sizes),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
