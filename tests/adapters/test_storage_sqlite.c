/* The SQLite store: the conformance suite, durability across reopen, forward migration from
 * an older schema, refusal of a newer one, writers in two processes on one file, the event
 * rows, bad input. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>
#include <sqlite3.h>

#include "test_util.h"
#include "storage_conformance.h"
#include <ordertrack/adapters/memory.h>
#include <ordertrack/adapters/sqlite.h>

const char *ot_sqlite__migration_sql(int version);

static char dir[] = "/tmp/ot-sqlite-test-XXXXXX";
static int counter;

static void path_for(char *buf, size_t size, const char *name)
{
    snprintf(buf, size, "%s/%s", dir, name);
}

static ot_storage *open_path(const char *path, int sync)
{
    ot_sqlite_options o = OT_SQLITE_OPTIONS_INIT;
    ot_storage *st = NULL;
    ot_error err;
    o.synchronous = sync;
    if (ot_storage_sqlite_open(&st, path, &o, &err) != 0) {
        fprintf(stderr, "open %s: %s\n", path, err.message);
        return NULL;
    }
    return st;
}

static ot_storage *sqlite_factory(void *ctx)
{
    char path[256], name[32];
    (void)ctx;
    snprintf(name, sizeof name, "conformance-%d.db", counter++);
    path_for(path, sizeof path, name);
    return open_path(path, OT_SQLITE_SYNC_NORMAL);
}

static void test_conformance(void **state)
{
    ot_storage *st = sqlite_factory(NULL);
    (void)state;
    /* the adapter keeps the outbox, so the suite's outbox checks run */
    assert_non_null(st);
    assert_true(st->version >= 3 && st->outbox_query && st->outbox_mark && st->outbox_prune);
    ot_storage_close(st);
    assert_int_equal(ot_storage_conformance_run(sqlite_factory, NULL, stderr), 0);
}

/* A valid record at `version` with `entries` history entries. */
static char *record_json(const char *order_id, int64_t version, int entries)
{
    static const char *const steps[] = {"submitted", "store_notified", "store_acknowledged",
                                        "picking_in_progress", "ready_for_pickup"};
    char *json = malloc(8192), history[4096] = "";
    int i;
    for (i = 0; i < entries && i < 5; i++)
        snprintf(history + strlen(history), sizeof history - strlen(history),
                 "%s{\"status\":\"%s\",\"timestamp\":\"2026-11-23T06:0%d:00.000Z\","
                 "\"updated_by\":\"t\",\"notes\":null,\"metadata\":{}}",
                 i ? "," : "", steps[i], i);
    snprintf(json, 8192,
             "{\"id\":\"id-%s\",\"order_id\":\"%s\",\"store_id\":\"s-1\",\"customer_id\":\"c-1\","
             "\"delivery_provider\":\"internal\",\"current_status\":\"%s\","
             "\"status_history\":[%s],\"delivery_tracking_id\":null,\"shipment_status\":null,"
             "\"substitutions\":[],\"issues\":[],\"metadata\":{},"
             "\"created_at\":\"2026-11-23T06:00:00.000Z\","
             "\"updated_at\":\"2026-11-23T07:00:00.000Z\",\"version\":%" PRId64 "}",
             order_id, order_id, steps[(entries < 5 ? entries : 5) - 1], history, version);
    return json;
}

/* Create or commit `order_id` at `version` (expected version - 1). */
static int put(ot_storage *st, const char *order_id, int64_t version, int create, ot_error *err)
{
    char *json = record_json(order_id, version, 1);
    ot_order *o = NULL;
    ot_storage_record rec;
    int rc = ot_order_from_json(&o, json, strlen(json), err);
    free(json);
    if (rc)
        return rc;
    if ((rc = ot_storage_record_init(&rec, o, create ? 0 : ot_order_history_count(o), err)) == 0) {
        rc = create ? st->create(st->userdata, &rec, NULL, err)
                    : st->commit(st->userdata, version - 1, &rec, NULL, err);
        ot_storage_record_release(&rec);
    }
    ot_order_free(o);
    return rc;
}

static int64_t version_of(ot_storage *st, const char *order_id)
{
    ot_order *o = NULL;
    int64_t v;
    if (st->load(st->userdata, order_id, &o, NULL) != 0)
        return -1;
    v = ot_order_version(o);
    ot_order_free(o);
    return v;
}

static void test_durable_across_reopen(void **state)
{
    char path[256];
    ot_storage *st;
    int v;
    (void)state;
    path_for(path, sizeof path, "reopen.db");
    assert_non_null(st = open_path(path, OT_SQLITE_SYNC_FULL));
    assert_int_equal(put(st, "o-1", 1, 1, NULL), 0);
    assert_int_equal(put(st, "o-1", 2, 0, NULL), 0);
    ot_storage_close(st);
    assert_non_null(st = open_path(path, OT_SQLITE_SYNC_FULL));
    assert_int_equal(version_of(st, "o-1"), 2);
    assert_int_equal(ot_storage_sqlite_schema_version(&v, st, NULL), 0);
    assert_int_equal(v, OT_SQLITE_SCHEMA_VERSION);
    ot_storage_close(st);
}

/* The sqlite: scheme in a registry: the path is what follows the colon, the same file the
 * adapter opens directly; registered twice is refused. */
static void test_registry_scheme(void **state)
{
    ot_storage_registry *reg = NULL;
    char path[256], uri[300];
    ot_storage *st = NULL;
    ot_error err;
    int v;
    (void)state;
    path_for(path, sizeof path, "registry.db");
    snprintf(uri, sizeof uri, "SQLite:%s", path);
    assert_int_equal(ot_storage_registry_new(&reg, &err), 0);
    assert_ot_error(ot_storage_open_uri(&st, reg, uri, &err), OT_EUNSUPPORTED, err);
    assert_int_equal(ot_storage_sqlite_register(reg, &err), 0);
    assert_ot_error(ot_storage_sqlite_register(reg, &err), OT_EEXISTS, err);
    assert_int_equal(ot_storage_open_uri(&st, reg, uri, &err), 0);
    assert_int_equal(put(st, "o-1", 1, 1, NULL), 0);
    assert_int_equal(ot_storage_sqlite_schema_version(&v, st, NULL), 0);
    ot_storage_close(st);
    assert_non_null(st = open_path(path, OT_SQLITE_SYNC_FULL));
    assert_int_equal(version_of(st, "o-1"), 1);
    ot_storage_close(st);
    /* the adapter's own refusal, naming its field */
    assert_ot_error(ot_storage_open_uri(&st, reg, "sqlite:", &err), OT_EINVAL, err);
    assert_string_equal(err.field, "path");
    ot_storage_registry_free(reg);
}

static int exec_sql(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    int rc = sqlite3_open(path, &db);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    sqlite3_close(db);
    return rc;
}

static int query_int(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int v = -1;
    if (sqlite3_open(path, &db) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

static void test_migration_from_version_1(void **state)
{
    char path[256], *json, *sql;
    ot_storage *st;
    int v;
    (void)state;
    path_for(path, sizeof path, "v1.db");
    /* A database as the first release wrote it: no events table. */
    assert_int_equal(exec_sql(path, ot_sqlite__migration_sql(1)), SQLITE_OK);
    json = record_json("old-1", 3, 3);
    sql = sqlite3_mprintf("INSERT INTO orders VALUES ('old-1','s-1','c-1',3,0,3,NULL,1,3,%Q);"
                          "PRAGMA user_version = 1;", json);
    assert_int_equal(exec_sql(path, sql), SQLITE_OK);
    sqlite3_free(sql);
    free(json);

    assert_non_null(st = open_path(path, OT_SQLITE_SYNC_FULL));
    assert_int_equal(ot_storage_sqlite_schema_version(&v, st, NULL), 0);
    assert_int_equal(v, OT_SQLITE_SCHEMA_VERSION);
    assert_int_equal(version_of(st, "old-1"), 3);
    /* migration 5: list, sweep and poll pages read an index in order, no sort */
    assert_int_equal(query_int(path, "SELECT count(*) FROM sqlite_master WHERE type='index'"
                                     " AND name IN ('orders_store_status', 'orders_status',"
                                     " 'orders_store', 'orders_poll_active')"), 4);
    {   /* the partial index's IN list is the adapter's shipment_active term (SQLite uses it
         * for that term only): the non-terminal shipment statuses */
        char list[96] = "", check[256];
        int s;
        for (s = 1; s < OT_SHIPMENT_COUNT; s++)
            if (ot_shipment_is_terminal(s, NULL) == 0)
                snprintf(list + strlen(list), sizeof list - strlen(list), "%s%d",
                         list[0] ? "," : "", s);
        snprintf(check, sizeof check, "SELECT instr(sql, 'shipment_status IN (%s)') > 0 FROM"
                                  " sqlite_master WHERE name = 'orders_poll_active'", list);
        assert_int_equal(query_int(path, check), 1);
    }
    /* The history was backfilled into the events table, in order. */
    assert_int_equal(query_int(path, "SELECT count(*) FROM events WHERE order_id='old-1'"), 3);
    assert_int_equal(query_int(path, "SELECT max(seq) FROM events"), 2);
    /* And new writes append after it. */
    assert_int_equal(put(st, "old-1", 4, 0, NULL), 0);
    ot_storage_close(st);
}

/* A file of schema 2 (before the outbox) gains the outbox tables when opened, and a tracker
 * with the outbox on records the events of its next write there. */
static void test_migration_to_outbox(void **state)
{
    char path[256];
    ot_tracker_options to = OT_TRACKER_OPTIONS_INIT;
    ot_request req = OT_REQUEST_INIT;
    ot_tracker *t = NULL;
    ot_storage *st;
    ot_error err;
    (void)state;
    path_for(path, sizeof path, "v2.db");
    /* an order written by a tracker, in a file taken back to schema 2 */
    assert_non_null(st = open_path(path, OT_SQLITE_SYNC_FULL));
    to.storage = st;
    assert_int_equal(ot_tracker_new(&t, &to, &err), 0);
    req.order_id = "old-2";
    req.store_id = "s-1";
    req.customer_id = "c-1";
    req.provider = OT_PROVIDER_INTERNAL;
    assert_int_equal(ot_tracker_init_order(NULL, t, &req, &err), 0);
    ot_tracker_free(t);
    ot_storage_close(st);
    assert_int_equal(exec_sql(path, "DROP TABLE ot_outbox; DROP TABLE ot_outbox_delivery;"
                                    "PRAGMA user_version = 2;"),
                     SQLITE_OK);
    assert_int_equal(query_int(path, "SELECT count(*) FROM sqlite_master WHERE name='ot_outbox'"),
                     0);
    assert_non_null(st = open_path(path, OT_SQLITE_SYNC_FULL));
    assert_int_equal(query_int(path, "SELECT count(*) FROM ot_outbox"), 0);
    to.storage = st;
    to.outbox = 1;
    assert_int_equal(ot_tracker_new(&t, &to, &err), 0);
    req.status = OT_STATUS_CANCELLED;
    assert_int_equal(ot_tracker_set_status(NULL, t, &req, &err), 0);
    ot_tracker_free(t);
    assert_int_equal(query_int(path, "SELECT count(*) FROM ot_outbox WHERE order_id='old-2' AND "
                                     "sequence = 2000 AND event LIKE '%\"to\":\"cancelled\"%'"),
                     1);
    ot_storage_close(st);
}

/* A file of schema 4 (single-column store and status indexes) gains the ordered
 * and partial indexes when opened, and a list page by store and status reads one in order. */
static void test_migration_to_ordered_indexes(void **state)
{
    char path[256];
    ot_storage *st;
    int v;
    (void)state;
    path_for(path, sizeof path, "v4.db");
    assert_non_null(st = open_path(path, OT_SQLITE_SYNC_FULL));
    assert_int_equal(put(st, "o-3", 1, 1, NULL), 0);
    ot_storage_close(st);
    assert_int_equal(exec_sql(path, "DROP INDEX orders_store_status; DROP INDEX orders_poll_active;"
                                    "DROP INDEX orders_store; DROP INDEX orders_status;"
                                    "CREATE INDEX orders_store ON orders(store_id);"
                                    "CREATE INDEX orders_status ON orders(current_status);"
                                    "PRAGMA user_version = 4;"),
                     SQLITE_OK);
    assert_non_null(st = open_path(path, OT_SQLITE_SYNC_FULL));
    assert_int_equal(ot_storage_sqlite_schema_version(&v, st, NULL), 0);
    assert_int_equal(v, 5);
    assert_int_equal(query_int(path, "SELECT count(*) FROM sqlite_master WHERE type='index'"
                                     " AND name IN ('orders_store_status', 'orders_poll_active')"
                                     " OR sql LIKE '%orders(store_id, order_id)%'"
                                     " OR sql LIKE '%orders(current_status, order_id)%'"), 4);
    assert_int_equal(query_int(path, "SELECT count(*) FROM ot_outbox"), 0);
    assert_int_equal(version_of(st, "o-3"), 1);
    ot_storage_close(st);
}

static void test_newer_schema_is_refused(void **state)
{
    char path[256];
    ot_storage *st = NULL;
    ot_error err;
    (void)state;
    path_for(path, sizeof path, "future.db");
    assert_non_null(st = open_path(path, OT_SQLITE_SYNC_FULL));
    ot_storage_close(st);
    assert_int_equal(exec_sql(path, "PRAGMA user_version = 99"), SQLITE_OK);
    assert_ot_error(ot_storage_sqlite_open(&st, path, NULL, &err), OT_EVERSION, err);
    assert_null(st);
    assert_int_equal(query_int(path, "PRAGMA user_version"), 99);
}

/* Each child increments the shared order `n` times, retrying on conflicts. */
static int child_writer(const char *path, int n)
{
    ot_storage *st = open_path(path, OT_SQLITE_SYNC_NORMAL);
    int done = 0;
    if (!st)
        return 2;
    while (done < n) {
        int64_t v = version_of(st, "shared");
        ot_error err;
        int rc = v > 0 ? put(st, "shared", v + 1, 0, &err) : -1;
        if (rc == 0)
            done++;
        else if (rc != OT_ECONFLICT) {
            fprintf(stderr, "child: %d %s\n", rc, err.message);
            ot_storage_close(st);
            return 1;
        }
    }
    ot_storage_close(st);
    return 0;
}

static void test_two_processes_one_file(void **state)
{
    enum { PER_CHILD = 150 };
    char path[256];
    ot_storage *st;
    pid_t pids[2];
    int i, status;
    (void)state;
    path_for(path, sizeof path, "shared.db");
    assert_non_null(st = open_path(path, OT_SQLITE_SYNC_NORMAL));
    assert_int_equal(put(st, "shared", 1, 1, NULL), 0);
    for (i = 0; i < 2; i++) {
        pids[i] = fork();
        assert_true(pids[i] >= 0);
        if (pids[i] == 0)
            _exit(child_writer(path, PER_CHILD));
    }
    for (i = 0; i < 2; i++) {
        assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
    }
    /* No lost update: every commit of both processes is counted exactly once. */
    assert_int_equal(version_of(st, "shared"), 1 + 2 * PER_CHILD);
    assert_int_equal(query_int(path, "SELECT count(*) FROM events WHERE order_id='shared'"), 1);
    ot_storage_close(st);
}

/* Each new history entry is one row of the events table, holding exactly the entry's text in
 * the record (bound as written, not re-rendered); an events_json that is not an array is
 * refused and nothing of the write is kept. */
static void test_event_rows(void **state)
{
    ot_storage *st;
    ot_tracker_options to = OT_TRACKER_OPTIONS_INIT;
    ot_tracker *t = NULL;
    ot_request r = OT_REQUEST_INIT;
    ot_order *o = NULL;
    ot_storage_record rec;
    char path[256], *record = NULL;
    const char *own_events;
    json_t *doc, *history;
    json_error_t jerr;
    sqlite3 *db = NULL;
    sqlite3_stmt *q = NULL;
    size_t i;
    ot_error err;
    (void)state;
    path_for(path, sizeof path, "events.db");
    assert_non_null(st = open_path(path, OT_SQLITE_SYNC_NORMAL));
    to.storage = st;
    assert_int_equal(ot_tracker_new(&t, &to, &err), 0);
    r.order_id = "ev-1";
    r.store_id = "s";
    r.customer_id = "c";
    r.provider = OT_PROVIDER_UBER;
    r.notes = "quote \" comma , bracket ] brace } backslash \\ caf\xc3\xa9";
    assert_int_equal(ot_tracker_init_order(NULL, t, &r, &err), 0);
    r.status = OT_STATUS_STORE_NOTIFIED;
    assert_int_equal(ot_tracker_set_status(NULL, t, &r, &err), 0);
    r.notes = NULL;
    r.status = OT_STATUS_STORE_ACKNOWLEDGED;
    r.metadata_json = "{\"nested\":{\"list\":[1,[2,{\"x\":\"]\"}]]}}";
    assert_int_equal(ot_tracker_set_status(&o, t, &r, &err), 0);
    assert_int_equal(ot_order_to_json(&record, NULL, o, &err), 0);
    doc = json_loads(record, 0, &jerr);
    assert_non_null(doc);
    history = json_object_get(doc, "status_history");
    assert_int_equal(json_array_size(history), 3);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT seq, entry FROM events WHERE order_id = "
                                            "'ev-1' ORDER BY seq", -1, &q, NULL), SQLITE_OK);
    for (i = 0; i < 3; i++) {
        char *want = json_dumps(json_array_get(history, i), JSON_COMPACT | JSON_REAL_PRECISION(17));
        assert_int_equal(sqlite3_step(q), SQLITE_ROW);
        assert_int_equal(sqlite3_column_int(q, 0), (int)i);
        assert_string_equal((const char *)sqlite3_column_text(q, 1), want);
        free(want);
    }
    assert_int_equal(sqlite3_step(q), SQLITE_DONE);
    sqlite3_finalize(q);
    sqlite3_close(db);

    /* a malformed events_json: refused, the row and its version unchanged */
    assert_int_equal(ot_storage_record_init(&rec, o, 2, &err), 0);
    own_events = rec.events_json;
    rec.record_version = ot_order_version(o) + 1;
    rec.events_json = "[{\"unterminated\": \"x}";
    rec.events_json_len = strlen(rec.events_json);
    assert_ot_error(st->commit(st->userdata, ot_order_version(o), &rec, NULL, &err), OT_EINVAL,
                    err);
    assert_string_equal(err.field, "events_json");
    rec.events_json = "{}";
    rec.events_json_len = 2;
    assert_ot_error(st->commit(st->userdata, ot_order_version(o), &rec, NULL, &err), OT_EINVAL,
                    err);
    rec.events_json = own_events;
    ot_storage_record_release(&rec);
    assert_int_equal(version_of(st, "ev-1"), 3);
    assert_int_equal(query_int(path, "SELECT count(*) FROM events WHERE order_id='ev-1'"), 3);
    json_decref(doc);
    ot_free(record);
    ot_order_free(o);
    ot_tracker_free(t);
    ot_storage_close(st);
}

static void test_bad_input(void **state)
{
    ot_sqlite_options o = OT_SQLITE_OPTIONS_INIT;
    ot_storage *st = NULL;
    char path[256];
    int v;
    ot_error err;
    (void)state;
    path_for(path, sizeof path, "bad.db");
    assert_ot_error(ot_storage_sqlite_open(NULL, path, NULL, &err), OT_EINVAL, err);
    assert_ot_error(ot_storage_sqlite_open(&st, NULL, NULL, &err), OT_EINVAL, err);
    assert_ot_error(ot_storage_sqlite_open(&st, "", NULL, &err), OT_EINVAL, err);
    o.synchronous = 7;
    assert_ot_error(ot_storage_sqlite_open(&st, path, &o, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "synchronous");
    o = (ot_sqlite_options)OT_SQLITE_OPTIONS_INIT;
    o.version = 0;
    assert_ot_error(ot_storage_sqlite_open(&st, path, &o, &err), OT_EVERSION, err);
    o = (ot_sqlite_options)OT_SQLITE_OPTIONS_INIT;
    o.create = 0;
    assert_ot_error(ot_storage_sqlite_open(&st, "/nonexistent/dir/x.db", &o, &err),
                    OT_ESTORAGE, err);
    assert_non_null(strstr(err.message, "/nonexistent/dir/x.db"));
    assert_ot_error(ot_sqlite_options_init(&o, 0, &err), OT_EVERSION, err);
    assert_ot_error(ot_sqlite_options_init(NULL, 1, &err), OT_EINVAL, err);
    assert_int_equal(ot_sqlite_options_init(&o, 1, NULL), 0);
    assert_int_equal(o.synchronous, OT_SQLITE_SYNC_FULL);
    assert_ot_error(ot_storage_sqlite_schema_version(NULL, NULL, &err), OT_EINVAL, err);
    assert_int_equal(ot_storage_memory_new(&st, NULL), 0);
    assert_ot_error(ot_storage_sqlite_schema_version(&v, st, &err), OT_EINVAL, err);
    ot_storage_close(st);
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
        cmocka_unit_test(test_conformance),
        cmocka_unit_test(test_durable_across_reopen),
        cmocka_unit_test(test_registry_scheme),
        cmocka_unit_test(test_migration_from_version_1),
        cmocka_unit_test(test_migration_to_outbox),
        cmocka_unit_test(test_migration_to_ordered_indexes),
        cmocka_unit_test(test_newer_schema_is_refused),
        cmocka_unit_test(test_two_processes_one_file),
        cmocka_unit_test(test_event_rows),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
