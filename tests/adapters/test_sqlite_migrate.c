/* Migration of a schema 3 SQLite file, as main's code wrote it (whole records in `record`,
 * every entry in `events` too), to the layout of storage port version 5: every order, its
 * history and its hash chain intact, each record cut to its chain head, and writes going on.
 *
 * The fixture tests/data/sqlite/schema3.db was written by the library at schema 3 (commit
 * 1e4aafd, tests/ops/ops_seed: 6 orders of the "full" mix, s3-0000000..5, then 4 Delhivery
 * orders of the "parcel" mix, p3-0000000..3; journal mode DELETE, vacuumed); this test
 * works on a copy. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "test_util.h"
#include <ordertrack/adapters/sqlite.h>

#define MAX_ORDERS 16

struct before {
    char id[64], head[65];
    int entries, events, version;
};

static char dir[] = "/tmp/ot-sqlite-migrate-XXXXXX";

static void must(int rc, const ot_error *err, const char *what)
{
    if (rc != 0)
        fail_msg("%s: %s (%d)", what, err->message, rc);
}
static char path[512];

static int copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = in ? fopen(to, "wb") : NULL;
    char buf[65536];
    size_t n;
    int rc = in && out ? 0 : -1;
    while (!rc && (n = fread(buf, 1, sizeof buf, in)) > 0)
        rc = fwrite(buf, 1, n, out) == n ? 0 : -1;
    if (in)
        fclose(in);
    if (out && fclose(out))
        rc = -1;
    return rc;
}

/* What the schema 3 file holds, read with SQLite alone: per order its record's history
 * length and last hash, its events rows, its version. */
static int read_before(struct before *b, int max)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int n = 0;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(
                         db,
                         "SELECT o.order_id, json_array_length(o.record, '$.status_history'),"
                         " json_extract(o.record, '$.status_history[#-1].metadata.ot.hash'),"
                         " (SELECT count(*) FROM events AS e WHERE e.order_id = o.order_id),"
                         " o.version FROM orders AS o ORDER BY o.order_id",
                         -1, &st, NULL),
                     SQLITE_OK);
    while (n < max && sqlite3_step(st) == SQLITE_ROW) {
        snprintf(b[n].id, sizeof b[n].id, "%s", (const char *)sqlite3_column_text(st, 0));
        b[n].entries = sqlite3_column_int(st, 1);
        snprintf(b[n].head, sizeof b[n].head, "%s", (const char *)sqlite3_column_text(st, 2));
        b[n].events = sqlite3_column_int(st, 3);
        b[n].version = sqlite3_column_int(st, 4);
        n++;
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

static int query_int(const char *sql, const char *arg)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int v = -1;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
        (!arg || sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC) == SQLITE_OK) &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

static void test_schema3_file_migrates(void **state)
{
    struct before b[MAX_ORDERS];
    ot_tracker_options to = OT_TRACKER_OPTIONS_INIT;
    ot_history_entry last = OT_HISTORY_ENTRY_INIT;
    ot_request r = OT_REQUEST_INIT;
    ot_tracker *t = NULL;
    ot_storage *st = NULL;
    ot_order *o = NULL;
    ot_error err;
    int n, i, v, live = -1;
    (void)state;

    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/schema3.db", dir);
    assert_int_equal(copy_file(OT_TEST_SQLITE_FIXTURE, path), 0);
    assert_int_equal(query_int("PRAGMA user_version", NULL), 3);
    n = read_before(b, MAX_ORDERS);
    assert_int_equal(n, 10);
    for (i = 0; i < n; i++) {
        /* main's layout: the whole history in the record and in the events table */
        assert_true(b[i].entries >= 2);
        assert_int_equal(b[i].events, b[i].entries);
    }

    must(ot_storage_sqlite_open(&st, path, NULL, &err), &err, "open (migrates)");
    must(ot_storage_sqlite_schema_version(&v, st, &err), &err, "schema version");
    assert_int_equal(v, OT_SQLITE_SCHEMA_VERSION);
    to.storage = st;
    must(ot_tracker_new(&t, &to, &err), &err, "tracker");
    for (i = 0; i < n; i++) {
        /* the record holds its chain head alone; the history lives in the events rows */
        assert_int_equal(query_int("SELECT json_array_length(record, '$.status_history') "
                                   "FROM orders WHERE order_id = ?1",
                                   b[i].id),
                         1);
        assert_int_equal(query_int("SELECT count(*) FROM events WHERE order_id = ?1", b[i].id),
                         b[i].events);
        /* every order reads whole through the tracker, verifies, and ends in the same head */
        must(ot_tracker_get(&o, t, b[i].id, &err), &err, b[i].id);
        assert_int_equal((int)ot_order_history_count(o), b[i].entries);
        assert_int_equal((int)ot_order_version(o), b[i].version);
        must(ot_order_verify(o, &err), &err, "verify");
        must(ot_order_history_at(&last, o, ot_order_history_count(o) - 1, &err), &err, "head");
        assert_string_equal(last.hash, b[i].head);
        if (live < 0 && ot_order_status(o) == OT_STATUS_PICKING_IN_PROGRESS)
            live = i;
        ot_order_free(o);
    }
    /* a live order goes on: a commit by its head appends one row, the chain extends */
    assert_true(live >= 0);
    r.order_id = b[live].id;
    r.status = OT_STATUS_READY_FOR_PICKUP;
    r.updated_by = "migrated";
    must(ot_tracker_set_status(NULL, t, &r, &err), &err, "set_status after migration");
    assert_int_equal(query_int("SELECT count(*) FROM events WHERE order_id = ?1", b[live].id),
                     b[live].events + 1);
    must(ot_tracker_get(&o, t, b[live].id, &err), &err, "reload");
    assert_int_equal((int)ot_order_history_count(o), b[live].entries + 1);
    must(ot_order_verify(o, &err), &err, "verify after the write");
    ot_order_free(o);
    ot_tracker_free(t);
    ot_storage_close(st);

    /* opened again: nothing left to migrate */
    must(ot_storage_sqlite_open(&st, path, NULL, &err), &err, "reopen");
    ot_storage_close(st);
    unlink(path);
    snprintf(path, sizeof path, "%s/schema3.db-wal", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/schema3.db-shm", dir);
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_schema3_file_migrates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
