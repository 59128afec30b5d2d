/* Status commits per second on the SQLite store (synchronous FULL and NORMAL) against raw
 * SQLite doing the equivalent transactions on the same schema, in the same run.
 * Library: ot_tracker_set_status() (load the record, validate, append the history entry,
 * commit with compare-and-set) on N orders, one commit each.
 * Raw: per order, SELECT the record, then BEGIN IMMEDIATE; UPDATE orders (same columns, the
 * same record text size, compare-and-set on version); INSERT the history event; COMMIT.
 * Rounds alternate library / raw on fresh files, so both see the same disk state.
 * Usage: bench_sqlite [SECONDS_PER_MODE]   (default 3, or OT_BENCH_SQLITE_SECONDS)
 * Files go to $TMPDIR (default /tmp). */
#define _DEFAULT_SOURCE /* sync() */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include <ordertrack/ordertrack.h>
#include <ordertrack/adapters/sqlite.h>
#include <ordertrack/sys/storage.h>
#include "bench_util.h"

#define N 200

static char path_lib[512], path_raw[512];

static void remove_db(const char *p)
{
    char aux[600];
    unlink(p);
    snprintf(aux, sizeof aux, "%s-wal", p);
    unlink(aux);
    snprintf(aux, sizeof aux, "%s-shm", p);
    unlink(aux);
}

static int die(const char *what, const char *msg)
{
    fprintf(stderr, "bench_sqlite: %s: %s\n", what, msg);
    exit(1);
}

/* Milliseconds now, as the library stamps updated_at (an indexed column: an index entry that
 * moves to the end on every write, in the raw run too). */
static int64_t now_ms(void)
{
    return (int64_t)(bench_now() * 1000.0);
}

/* No writeback of the set-up's pages left to compete with a timed run. */
static void flush_all(void)
{
    sync();
}

/* Both runs start timing from an empty WAL and a clean page cache: the library creates its
 * N orders in N commits, the raw run in one, and without this the library's timed commits
 * would cross SQLite's automatic checkpoint (1,000 WAL pages, with its fsyncs) where the raw
 * ones do not, and compete with the kernel writing back the set-up's pages. */
static void checkpoint(const char *path)
{
    sqlite3 *db;
    char *msg = NULL;
    if (sqlite3_open(path, &db) != SQLITE_OK ||
        sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, &msg) != SQLITE_OK)
        die("checkpoint", msg ? msg : sqlite3_errmsg(db));
    sqlite3_close(db);
    flush_all();
}

/* N orders in a fresh library store; returns the record text and an event of order 0 after
 * one step, for the raw run to write the same bytes. Time of the N status commits. */
static double lib_round(int sync, char **record, char **event)
{
    ot_sqlite_options so = OT_SQLITE_OPTIONS_INIT;
    ot_tracker_options o = OT_TRACKER_OPTIONS_INIT;
    ot_storage *storage = NULL;
    ot_tracker *tracker = NULL;
    ot_error err;
    double t0, t;
    char id[32];
    int i;

    remove_db(path_lib);
    so.synchronous = sync;
    if (ot_storage_sqlite_open(&storage, path_lib, &so, &err))
        die("open", err.message);
    o.storage = storage;
    if (ot_tracker_new(&tracker, &o, &err))
        die("tracker", err.message);
    for (i = 0; i < N; i++) {
        ot_request r = OT_REQUEST_INIT;
        snprintf(id, sizeof id, "ord-%06d", i);
        r.order_id = id;
        r.store_id = "store-1";
        r.customer_id = "cust-1";
        r.provider = OT_PROVIDER_INTERNAL;
        if (ot_tracker_init_order(NULL, tracker, &r, &err))
            die("init", err.message);
    }
    checkpoint(path_lib);
    t0 = bench_now();
    for (i = 0; i < N; i++) {
        ot_request r = OT_REQUEST_INIT;
        snprintf(id, sizeof id, "ord-%06d", i);
        r.order_id = id;
        r.status = OT_STATUS_STORE_NOTIFIED;
        if (ot_tracker_set_status(NULL, tracker, &r, &err))
            die("set_status", err.message);
    }
    t = bench_now() - t0;
    ot_tracker_free(tracker);
    ot_storage_close(storage);
    if (record && !*record) {
        sqlite3 *db;
        sqlite3_stmt *st;
        if (sqlite3_open(path_lib, &db) != SQLITE_OK)
            die("reopen", "sqlite3_open");
        sqlite3_prepare_v2(db, "SELECT record FROM orders WHERE order_id = 'ord-000000'", -1,
                           &st, NULL);
        if (sqlite3_step(st) == SQLITE_ROW)
            *record = strdup((const char *)sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
        sqlite3_prepare_v2(db, "SELECT entry FROM events WHERE order_id = 'ord-000000'"
                           " ORDER BY seq DESC LIMIT 1", -1, &st, NULL);
        if (sqlite3_step(st) == SQLITE_ROW)
            *event = strdup((const char *)sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
        sqlite3_close(db);
        if (!*record || !*event)
            die("record", "not found");
    }
    return t;
}

static void exec_or_die(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        die(sql, msg ? msg : "?");
}

/* The same N commits done by hand on the same schema (created by the library). */
static double raw_round(int sync, const char *record, const char *event)
{
    static const char *const sync_names[] = {"OFF", "NORMAL", "FULL", "EXTRA"};
    ot_sqlite_options so = OT_SQLITE_OPTIONS_INIT;
    ot_storage *storage = NULL;
    ot_error err;
    sqlite3 *db;
    sqlite3_stmt *ins, *sel, *upd, *ev, *begin, *commit;
    char id[32], pragmas[128];
    double t0, t;
    int i;

    remove_db(path_raw);
    so.synchronous = sync;
    if (ot_storage_sqlite_open(&storage, path_raw, &so, &err)) /* the schema */
        die("open", err.message);
    ot_storage_close(storage);
    if (sqlite3_open_v2(path_raw, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL))
        die("raw open", sqlite3_errmsg(db));
    exec_or_die(db, "PRAGMA journal_mode=WAL");
    snprintf(pragmas, sizeof pragmas, "PRAGMA synchronous=%s; PRAGMA foreign_keys=ON;",
             sync_names[sync]);
    exec_or_die(db, pragmas);
    exec_or_die(db, "BEGIN");
    sqlite3_prepare_v2(db, "INSERT INTO orders (order_id, store_id, customer_id,"
                       " current_status, shipment_status, delivery_provider,"
                       " delivery_tracking_id, updated_at, version, record)"
                       " VALUES (?1, 'store-1', 'cust-1', 1, 0, 3, NULL, ?3, 1, ?2)", -1, &ins,
                       NULL);
    for (i = 0; i < N; i++) {
        snprintf(id, sizeof id, "ord-%06d", i);
        sqlite3_bind_text(ins, 1, id, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(ins, 2, record, -1, SQLITE_STATIC);
        sqlite3_bind_int64(ins, 3, now_ms()); /* like the library's: the time of the write */
        if (sqlite3_step(ins) != SQLITE_DONE)
            die("raw insert", sqlite3_errmsg(db));
        sqlite3_reset(ins);
    }
    sqlite3_finalize(ins);
    /* and each order's creation event, as the library's create writes it: both files hold
     * the same rows when the timed run starts */
    sqlite3_prepare_v2(db, "INSERT INTO events (order_id, seq, entry) VALUES (?1, 0, ?2)", -1,
                       &ins, NULL);
    for (i = 0; i < N; i++) {
        snprintf(id, sizeof id, "ord-%06d", i);
        sqlite3_bind_text(ins, 1, id, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(ins, 2, event, -1, SQLITE_STATIC);
        if (sqlite3_step(ins) != SQLITE_DONE)
            die("raw insert event", sqlite3_errmsg(db));
        sqlite3_reset(ins);
    }
    sqlite3_finalize(ins);
    exec_or_die(db, "COMMIT");
    exec_or_die(db, "PRAGMA wal_checkpoint(TRUNCATE)");
    flush_all();
    sqlite3_prepare_v3(db, "SELECT record FROM orders WHERE order_id = ?1", -1,
                       SQLITE_PREPARE_PERSISTENT, &sel, NULL);
    sqlite3_prepare_v3(db, "UPDATE orders SET store_id = ?2, customer_id = ?3,"
                       " current_status = ?4, shipment_status = ?5, delivery_provider = ?6,"
                       " delivery_tracking_id = ?7, updated_at = ?8, version = ?9,"
                       " record = ?10 WHERE order_id = ?1 AND version = ?11", -1,
                       SQLITE_PREPARE_PERSISTENT, &upd, NULL);
    sqlite3_prepare_v3(db, "INSERT INTO events (order_id, seq, entry) VALUES (?1, ?2, ?3)"
                       " ON CONFLICT (order_id, seq) DO UPDATE SET entry = excluded.entry",
                       -1, SQLITE_PREPARE_PERSISTENT, &ev, NULL);
    sqlite3_prepare_v3(db, "BEGIN IMMEDIATE", -1, SQLITE_PREPARE_PERSISTENT, &begin, NULL);
    sqlite3_prepare_v3(db, "COMMIT", -1, SQLITE_PREPARE_PERSISTENT, &commit, NULL);
    t0 = bench_now();
    for (i = 0; i < N; i++) {
        size_t got = 0;
        snprintf(id, sizeof id, "ord-%06d", i);
        sqlite3_bind_text(sel, 1, id, -1, SQLITE_STATIC);
        if (sqlite3_step(sel) == SQLITE_ROW)
            got = (size_t)sqlite3_column_bytes(sel, 0);
        sqlite3_reset(sel);
        if (!got)
            die("raw select", sqlite3_errmsg(db));
        if (sqlite3_step(begin) != SQLITE_DONE)
            die("raw begin", sqlite3_errmsg(db));
        sqlite3_reset(begin);
        sqlite3_bind_text(upd, 1, id, -1, SQLITE_STATIC);
        sqlite3_bind_text(upd, 2, "store-1", -1, SQLITE_STATIC);
        sqlite3_bind_text(upd, 3, "cust-1", -1, SQLITE_STATIC);
        sqlite3_bind_int(upd, 4, 2);
        sqlite3_bind_int(upd, 5, 0);
        sqlite3_bind_int(upd, 6, 3);
        sqlite3_bind_null(upd, 7);
        sqlite3_bind_int64(upd, 8, now_ms());
        sqlite3_bind_int64(upd, 9, 2);
        sqlite3_bind_text(upd, 10, record, -1, SQLITE_STATIC);
        sqlite3_bind_int64(upd, 11, 1);
        if (sqlite3_step(upd) != SQLITE_DONE || sqlite3_changes(db) != 1)
            die("raw update", sqlite3_errmsg(db));
        sqlite3_reset(upd);
        sqlite3_bind_text(ev, 1, id, -1, SQLITE_STATIC);
        sqlite3_bind_int(ev, 2, 1);
        sqlite3_bind_text(ev, 3, event, -1, SQLITE_STATIC);
        if (sqlite3_step(ev) != SQLITE_DONE)
            die("raw event", sqlite3_errmsg(db));
        sqlite3_reset(ev);
        if (sqlite3_step(commit) != SQLITE_DONE)
            die("raw commit", sqlite3_errmsg(db));
        sqlite3_reset(commit);
    }
    t = bench_now() - t0;
    sqlite3_finalize(sel);
    sqlite3_finalize(upd);
    sqlite3_finalize(ev);
    sqlite3_finalize(begin);
    sqlite3_finalize(commit);
    sqlite3_close(db);
    return t;
}

int main(int argc, char **argv)
{
    double secs = argc > 1 ? atof(argv[1]) : bench_env_seconds("OT_BENCH_SQLITE_SECONDS", 3.0);
    const char *dir = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    static const struct { int sync; const char *name; } modes[] = {
        {OT_SQLITE_SYNC_FULL, "full"}, {OT_SQLITE_SYNC_NORMAL, "normal"}};
    char *record = NULL, *event = NULL;
    size_t m;

    snprintf(path_lib, sizeof path_lib, "%s/ot_bench_lib_%ld.db", dir, (long)getpid());
    snprintf(path_raw, sizeof path_raw, "%s/ot_bench_raw_%ld.db", dir, (long)getpid());
    for (m = 0; m < 2; m++) {
        double lib_t = 0, raw_t = 0, start = bench_now(), pairs[BENCH_MAX_PAIRS];
        long lib_n = 0, raw_n = 0;
        size_t npairs = 0;
        char key[64];
        do {
            double l = lib_round(modes[m].sync, &record, &event);
            double r = raw_round(modes[m].sync, record, event);
            lib_t += l;
            lib_n += N;
            raw_t += r;
            raw_n += N;
            if (npairs < BENCH_MAX_PAIRS)
                pairs[npairs++] = r / l;
        } while (bench_now() - start < secs);
        snprintf(key, sizeof key, "sqlite.%s.lib_per_s", modes[m].name);
        bench_result(key, (double)lib_n / lib_t);
        snprintf(key, sizeof key, "sqlite.%s.raw_per_s", modes[m].name);
        bench_result(key, (double)raw_n / raw_t);
        /* the median of the pairs (a library round, then the raw round after it): a burst of
         * another process's I/O or CPU on the shared machine spoils a pair, not the figure */
        snprintf(key, sizeof key, "sqlite.%s.ratio", modes[m].name);
        bench_result(key, bench_median(pairs, npairs));
        snprintf(key, sizeof key, "sqlite.%s.pairs", modes[m].name);
        bench_result(key, (double)npairs);
    }
    bench_result("sqlite.record_bytes", (double)strlen(record));
    remove_db(path_lib);
    remove_db(path_raw);
    free(record);
    free(event);
    return 0;
}
