/* Memory per tracked order in the memory store: N orders, each a typical hyperlocal order
 * with 12 history entries (init, then the lifecycle and an issue raised and resolved),
 * measured with the counting allocator: bytes the library holds live after the N orders,
 * minus before, over N. The reference is the order's own JSON (ot_order_to_json), the
 * information an order carries.
 * Usage: bench_memory [ORDERS]   (default 10000, or OT_BENCH_MEMORY_ORDERS) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ordertrack/ordertrack.h>
#include <ordertrack/adapters/memory.h>
#include <ordertrack/sys/storage.h>
#include "bench_util.h"
#ifdef OT_BENCH_WITH_SQLITE
#include <sys/stat.h>
#include <unistd.h>
#include <ordertrack/adapters/sqlite.h>
#endif

static void must(int rc, const ot_error *err, const char *what)
{
    if (rc) {
        fprintf(stderr, "bench_memory: %s: %s\n", what, err->message);
        exit(1);
    }
}

static ot_request req(const char *id)
{
    ot_request r = OT_REQUEST_INIT;
    r.order_id = id;
    r.store_id = "store-1";
    r.updated_by = "bench";
    return r;
}

static void step(ot_tracker *t, const char *id, int status, ot_error *err)
{
    ot_request r = req(id);
    r.status = status;
    must(ot_tracker_set_status(NULL, t, &r, err), err, "set_status");
}

/* One order with 12 history entries. */
static void make_order(ot_tracker *t, const char *id, ot_error *err)
{
    ot_request r = req(id);
    r.customer_id = "cust-00042";
    r.provider = OT_PROVIDER_UBER;
    must(ot_tracker_init_order(NULL, t, &r, err), err, "init");                     /* 1 */
    step(t, id, OT_STATUS_STORE_NOTIFIED, err);                                     /* 2 */
    r = req(id);
    must(ot_tracker_store_acknowledge(NULL, t, &r, err), err, "acknowledge");       /* 3 */
    must(ot_tracker_start_picking(NULL, t, &r, err), err, "picking");               /* 4 */
    r.issue_type = "item_unavailable";
    r.description = "one item out of stock, substitute offered";
    r.severity = OT_SEVERITY_LOW;
    must(ot_tracker_raise_issue(NULL, t, &r, err), err, "issue");                   /* 5 */
    r = req(id);
    r.issue_index = 0;
    r.resolution = "customer accepted the substitute";
    must(ot_tracker_resolve_issue(NULL, t, &r, err), err, "resolve");               /* 6 */
    r = req(id);
    must(ot_tracker_ready(NULL, t, &r, err), err, "ready");                         /* 7 */
    r.driver_id = "drv-123";
    r.driver_name = "Sam K.";
    r.driver_phone = "+15555550199";
    r.vehicle_type = "car";
    r.tracking_id = "del_aBcDeFgHiJkLmNoPqRsTuV";
    r.tracking_url = "https://www.ubereats.com/orders/abc";
    must(ot_tracker_assign_driver(NULL, NULL, t, &r, err), err, "assign");          /* 8 */
    r = req(id);
    must(ot_tracker_pickup(NULL, t, &r, err), err, "pickup");                       /* 9 */
    step(t, id, OT_STATUS_IN_TRANSIT, err);                                         /* 10 */
    r = req(id);
    r.latitude = 37.7930;
    r.longitude = -122.3960;
    must(ot_tracker_update_location(NULL, t, &r, err), err, "location");   /* no entry */
    r = req(id);
    r.issue_type = "customer_unreachable";
    r.description = "customer did not answer the door, driver called";
    r.severity = OT_SEVERITY_MEDIUM;
    must(ot_tracker_raise_issue(NULL, t, &r, err), err, "issue 2");                 /* 11 */
    r = req(id);
    must(ot_tracker_delivered(NULL, t, &r, err), err, "delivered");                 /* 12 */
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : (long)bench_env_seconds("OT_BENCH_MEMORY_ORDERS", 1e4);
    ot_tracker_options o = OT_TRACKER_OPTIONS_INIT;
    ot_storage *storage = NULL;
    ot_tracker *tracker = NULL;
    ot_order *order = NULL;
    ot_error err;
    int64_t before, after, before_chunk, after_chunk;
    char id[32], *json = NULL;
    size_t json_len = 0;
    long i;

    if (n < 1 || bench_alloc_install()) {
        fprintf(stderr, "usage: bench_memory [ORDERS]\n");
        return 64;
    }
    must(ot_storage_memory_new(&storage, &err), &err, "storage");
    o.storage = storage;
    must(ot_tracker_new(&tracker, &o, &err), &err, "tracker");
    make_order(tracker, "warm-up", &err); /* lazily built tables, first-use caches */
    before = bench_alloc_live_bytes();
    before_chunk = bench_alloc_live_chunk_bytes();
    for (i = 0; i < n; i++) {
        snprintf(id, sizeof id, "ord-%07ld", i);
        make_order(tracker, id, &err);
    }
    after = bench_alloc_live_bytes();
    after_chunk = bench_alloc_live_chunk_bytes();
    must(ot_tracker_get(&order, tracker, "ord-0000000", &err), &err, "get");
    must(ot_order_to_json(&json, &json_len, order, &err), &err, "to_json");
    bench_result("memory.orders", (double)n);
    bench_result("memory.history_entries", (double)ot_order_history_count(order));
    bench_result("memory.bytes_per_order", (double)(after - before) / (double)n);
    bench_result("memory.chunk_bytes_per_order", (double)(after_chunk - before_chunk) / (double)n);
    bench_result("memory.json_bytes", (double)json_len);
    bench_result("memory.ratio", (double)json_len / ((double)(after - before) / (double)n));
    ot_free(json);
    ot_order_free(order);
    ot_tracker_free(tracker);
    ot_storage_close(storage);
#ifdef OT_BENCH_WITH_SQLITE
    {   /* the same orders in an SQLite file (synchronous OFF: only the bytes count here) */
        ot_sqlite_options so = OT_SQLITE_OPTIONS_INIT;
        ot_tracker_options to = OT_TRACKER_OPTIONS_INIT;
        char path[] = "/tmp/ot-bench-memory-XXXXXX", db[64], side[80];
        long m = n < 500 ? n : 500;
        struct stat st;
        double bytes = 0;
        int fd = mkstemp(path);
        if (fd < 0) {
            perror("mkstemp");
            return 1;
        }
        close(fd);
        unlink(path);
        snprintf(db, sizeof db, "%s.db", path);
        so.synchronous = OT_SQLITE_SYNC_OFF;
        must(ot_storage_sqlite_open(&storage, db, &so, &err), &err, "sqlite");
        to.storage = storage;
        must(ot_tracker_new(&tracker, &to, &err), &err, "tracker");
        for (i = 0; i < m; i++) {
            snprintf(id, sizeof id, "ord-%07ld", i);
            make_order(tracker, id, &err);
        }
        ot_tracker_free(tracker);
        ot_storage_close(storage);  /* checkpoints the WAL into the file */
        if (stat(db, &st) == 0)
            bytes += (double)st.st_size;
        snprintf(side, sizeof side, "%s-wal", db);
        if (stat(side, &st) == 0)
            bytes += (double)st.st_size;
        bench_result("memory.sqlite_orders", (double)m);
        bench_result("memory.sqlite_bytes_per_order", bytes / (double)m);
        unlink(db);
        unlink(side);
        snprintf(side, sizeof side, "%s-shm", db);
        unlink(side);
    }
#endif
    return 0;
}
