/* Commits per second against the length of the history (issue 24): the same status commit
 * (ot_tracker_set_status, one new entry) on orders whose history holds 10, 100 and 1,000
 * entries, on the memory store and on the SQLite store (WAL, synchronous NORMAL). With the
 * history out of the stored record (storage port version 5) a commit loads the record by its
 * chain head and appends its entry: its cost should not grow with the history.
 *
 * Set-up (not timed): K orders per length, each created by the tracker, then its history
 * grown to the length by appending chained entries (status_changed, status unchanged, a note
 * each) to the record and committing them once through the storage port as the tracker
 * would (the record cut to its head, the entries as an array). Timed: steps of the hyperlocal
 * lifecycle (store_acknowledged, picking_in_progress, ready_for_pickup, after an untimed
 * store_notified that warms up), one per order per round, the lengths taking turns within
 * each step so that a burst of another job falls on all of them. A pass builds fresh stores; the figure is the median over passes
 * of rate(1,000) / rate(10).
 *
 * Usage: bench_history [--callgrind]. Environment: OT_BENCH_HISTORY_PASSES (default 3),
 * OT_BENCH_HISTORY_ORDERS (memory store, default 500), OT_BENCH_HISTORY_SQLITE_ORDERS
 * (default 150); files go to $TMPDIR (default /tmp). --callgrind: one order of 1,000 entries
 * (or the count given after it) on the memory store and one commit, for the guard
 * (bench/callgrind_check.sh, which counts only cg_history_commit). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "ordertrack/ordertrack.h"
#include "ordertrack/adapters/memory.h"
#ifdef OT_BENCH_WITH_SQLITE
#include "ordertrack/adapters/sqlite.h"
#endif
#include "bench_util.h"
#include "order/order_internal.h"
#include "storage/storage_internal.h"

#define LENGTHS 3
static const size_t lengths[LENGTHS] = {10, 100, 1000};
static const int steps[] = {OT_STATUS_STORE_NOTIFIED, OT_STATUS_STORE_ACKNOWLEDGED,
                            OT_STATUS_PICKING_IN_PROGRESS, OT_STATUS_READY_FOR_PICKUP};
#define STEPS (sizeof steps / sizeof steps[0])
#define MAX_PASSES 32

static void die(const char *what, const char *msg)
{
    fprintf(stderr, "bench_history: %s: %s\n", what, msg);
    exit(1);
}

static size_t env_size(const char *name, size_t def)
{
    const char *v = getenv(name);
    return v && atoi(v) > 0 ? (size_t)atoi(v) : def;
}

/* Order `id` with a history of `length` entries: created by the tracker, grown here. */
static void grow(ot_storage *st, ot_tracker *t, const char *id, size_t length)
{
    ot_request r = OT_REQUEST_INIT;
    ot_storage_record rec;
    ot_order *o = NULL;
    ot_error err;
    char note[64];
    int64_t v;
    size_t i;

    r.order_id = id;
    r.store_id = "store-1";
    r.customer_id = "cust-1";
    r.provider = OT_PROVIDER_INTERNAL;
    if (ot_tracker_init_order(NULL, t, &r, &err))
        die("init", err.message);
    if (st->load(st->userdata, id, &o, &err))
        die("load", err.message);
    v = ot_order_version(o);
    for (i = 1; i < length; i++) {
        snprintf(note, sizeof note, "scan %zu at hub %zu", i, i % 17);
        if (ot__order_append_event(o, OT__EV_STATUS_CHANGED, OT_STATUS_SUBMITTED,
                                   1798000000000 + (int64_t)i, "bench", note, NULL, NULL, &err))
            die("append", err.message);
    }
    json_object_set_new(o->doc, "version", json_integer(v + 1));
    /* what the tracker hands a storage of version 5 that keeps the history apart */
    if (ot__storage_record_fill(&rec, o, 1,
                                OT__FILL_ENTRIES |
                                    (st->flags & OT_STORAGE_F_NO_JSON
                                         ? 0
                                         : OT__FILL_JSON | OT__FILL_HEAD),
                                &err))
        die("record", err.message);
    if (st->commit(st->userdata, v, &rec, NULL, &err))
        die("commit", err.message);
    ot_storage_record_release(&rec);
    ot_order_free(o);
}

static ot_tracker *tracker_on(ot_storage *st)
{
    ot_tracker_options o = OT_TRACKER_OPTIONS_INIT;
    ot_tracker *t = NULL;
    ot_error err;
    o.storage = st;
    if (ot_tracker_new(&t, &o, &err))
        die("tracker", err.message);
    return t;
}

/* One commit: the function the callgrind guard counts. */
__attribute__((noinline)) int cg_history_commit(ot_tracker *t, const ot_request *r,
                                                ot_error *err);
__attribute__((noinline)) int cg_history_commit(ot_tracker *t, const ot_request *r,
                                                ot_error *err)
{
    return ot_tracker_set_status(NULL, t, r, err);
}

/* One step for K orders of one length: seconds. */
static double step_round(ot_tracker *t, size_t length, size_t k, int status)
{
    ot_request r = OT_REQUEST_INIT;
    ot_error err;
    char id[64];
    double t0 = bench_now();
    size_t i;
    for (i = 0; i < k; i++) {
        snprintf(id, sizeof id, "h%zu-%05zu", length, i);
        r.order_id = id;
        r.status = status;
        if (cg_history_commit(t, &r, &err))
            die("set_status", err.message);
    }
    return bench_now() - t0;
}

typedef ot_storage *(*open_fn)(int pass, size_t length);

static ot_storage *open_memory(int pass, size_t length)
{
    ot_storage *st = NULL;
    ot_error err;
    (void)pass;
    (void)length;
    if (ot_storage_memory_new(&st, &err))
        die("memory", err.message);
    return st;
}

#ifdef OT_BENCH_WITH_SQLITE
static char dir[512];

static ot_storage *open_sqlite(int pass, size_t length)
{
    ot_sqlite_options so = OT_SQLITE_OPTIONS_INIT;
    ot_storage *st = NULL;
    ot_error err;
    char path[600];
    snprintf(path, sizeof path, "%s/history-%d-%zu.db", dir, pass, length);
    unlink(path);
    so.synchronous = OT_SQLITE_SYNC_NORMAL;
    if (ot_storage_sqlite_open(&st, path, &so, &err))
        die("sqlite", err.message);
    return st;
}
#endif

/* The passes of one store: prints its RESULT lines under `name`. */
static void measure(const char *name, open_fn open, size_t k, int passes)
{
    double ratios[MAX_PASSES], secs[LENGTHS] = {0}, ratio100[MAX_PASSES];
    size_t commits = 0;
    char key[96], id[64];
    int pass;

    for (pass = 0; pass < passes; pass++) {
        ot_storage *st[LENGTHS];
        ot_tracker *t[LENGTHS];
        double pass_secs[LENGTHS] = {0};
        size_t l, i, s;
        for (l = 0; l < LENGTHS; l++) {
            st[l] = open(pass, lengths[l]);
            t[l] = tracker_on(st[l]);
            for (i = 0; i < k; i++) {
                snprintf(id, sizeof id, "h%zu-%05zu", lengths[l], i);
                grow(st[l], t[l], id, lengths[l]);
            }
        }
        /* the first step warms up (caches, allocator), untimed */
        for (l = 0; l < LENGTHS; l++)
            step_round(t[l], lengths[l], k, steps[0]);
        for (s = 1; s < STEPS; s++)
            for (l = 0; l < LENGTHS; l++) {
                size_t which = (l + s) % LENGTHS; /* the lengths take turns going first */
                pass_secs[which] += step_round(t[which], lengths[which], k, steps[s]);
            }
        for (l = 0; l < LENGTHS; l++) {
            secs[l] += pass_secs[l];
            ot_tracker_free(t[l]);
            ot_storage_close(st[l]);
        }
        ratios[pass] = pass_secs[0] / pass_secs[2];
        ratio100[pass] = pass_secs[0] / pass_secs[1];
        commits += k * (STEPS - 1);
    }
    for (size_t l = 0; l < LENGTHS; l++) {
        snprintf(key, sizeof key, "history.%s.h%zu_per_s", name, lengths[l]);
        bench_result(key, (double)commits / secs[l]);
    }
    snprintf(key, sizeof key, "history.%s.ratio", name);
    bench_result(key, bench_median(ratios, (size_t)passes));
    snprintf(key, sizeof key, "history.%s.ratio100", name);
    bench_result(key, bench_median(ratio100, (size_t)passes));
    snprintf(key, sizeof key, "history.%s.orders", name);
    bench_result(key, (double)k);
}

int main(int argc, char **argv)
{
    int passes = (int)env_size("OT_BENCH_HISTORY_PASSES", 3);
    if (passes > MAX_PASSES)
        passes = MAX_PASSES;
    if (argc > 1 && strcmp(argv[1], "--callgrind") == 0) {
        /* the guard's commit: one order at 1,000 entries (or argv[2]), one set_status */
        size_t n = argc > 2 && atoi(argv[2]) > 0 ? (size_t)atoi(argv[2]) : 1000;
        ot_storage *st = open_memory(0, n);
        ot_tracker *t = tracker_on(st);
        char id[64];
        snprintf(id, sizeof id, "h%zu-00000", n);
        ot_request r = OT_REQUEST_INIT;
        ot_error err;
        grow(st, t, id, n);
        /* a first commit, not counted, settles the allocator after the set-up's frees */
        r.order_id = id;
        r.status = OT_STATUS_STORE_NOTIFIED;
        if (ot_tracker_set_status(NULL, t, &r, &err))
            die("set_status", err.message);
        step_round(t, n, 1, OT_STATUS_STORE_ACKNOWLEDGED);
        ot_tracker_free(t);
        ot_storage_close(st);
        return 0;
    }
    measure("memory", open_memory, env_size("OT_BENCH_HISTORY_ORDERS", 500), passes);
#ifdef OT_BENCH_WITH_SQLITE
    {
        const char *tmp = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
        snprintf(dir, sizeof dir, "%s/ot-bench-history.XXXXXX", tmp);
        if (!mkdtemp(dir))
            die("mkdtemp", dir);
        measure("sqlite", open_sqlite, env_size("OT_BENCH_HISTORY_SQLITE_ORDERS", 150),
                passes);
        for (int p = 0; p < passes; p++)
            for (size_t l = 0; l < LENGTHS; l++) {
                char path[700];
                snprintf(path, sizeof path, "%s/history-%d-%zu.db", dir, p, lengths[l]);
                unlink(path);
                strcat(path, "-wal");
                unlink(path);
                path[strlen(path) - 4] = '\0';
                strcat(path, "-shm");
                unlink(path);
            }
        rmdir(dir);
    }
#endif
    return 0;
}
