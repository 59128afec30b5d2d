/* Scale figures (issue 23): load N orders into a store, then time the hot reads.
 *   bench_scale load STORAGE-URI N     N orders over 100 stores: half terminal (delivered or
 *                                      cancelled), half active across the lifecycle; a quarter
 *                                      are Delhivery parcels with an active AWB (the poller's)
 *   bench_scale measure STORAGE-URI N [pages]
 *                                      GET p50/p99, list by store and status p99, the SLA
 *                                      sweep (steady state), the poller's selection of the
 *                                      active AWBs (at most 36,000); `pages`: for a store
 *                                      whose queries read the whole collection (FerretDB),
 *                                      20 list pages, a sweep of PAGE_ORDERS orders and one
 *                                      poll page of PAGE_ORDERS instead
 * One "RESULT key value" line per figure (bench_util.h). The loader builds each order through
 * the tracker (realistic histories, hash chains) on a memory store, LOAD_BATCH orders at a
 * time, then writes each with one create of its whole record on the storage port: one write
 * per order, not one per step; a sqlite: store is opened with synchronous=OFF for the load
 * (a crash of the loader loses the file anyway). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ordertrack/ordertrack.h>
#include <ordertrack/adapters/memory.h>
#include <ordertrack/sys/storage.h>
#ifdef OT_BENCH_SQLITE
#include <ordertrack/adapters/sqlite.h>
#endif

#include "bench_util.h"
#include "storage_open.h"

#define STORES 100
#define SAMPLES 2000
#define POLL_MAX 36000
#define LOAD_BATCH 1000
#define PAGE_ORDERS 1000

static void die(const char *what, const char *msg)
{
    fprintf(stderr, "bench_scale: %s: %s\n", what, msg);
    exit(1);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double pct(double *v, size_t n, double p)
{
    qsort(v, n, sizeof *v, cmp_double);
    return n ? v[(size_t)(p * (double)(n - 1))] : 0;
}

/* The lifecycle an order goes through (after init); active orders stop part-way. */
static const int path[] = {
    OT_STATUS_STORE_NOTIFIED, OT_STATUS_STORE_ACKNOWLEDGED, OT_STATUS_PICKING_IN_PROGRESS,
    OT_STATUS_READY_FOR_PICKUP, OT_STATUS_DRIVER_ASSIGNED, OT_STATUS_DRIVER_PICKUP_COMPLETE,
    OT_STATUS_IN_TRANSIT, OT_STATUS_DELIVERED,
};
#define PATH_LEN (sizeof path / sizeof path[0])

/* Order i's lifecycle through tracker t. */
static void build(ot_tracker *t, long i)
{
    char id[32], store[32], awb[32];
    ot_request r = OT_REQUEST_INIT;
    ot_error err;
    size_t steps, k;
    int parcel = i % 4 == 1;
    snprintf(id, sizeof id, "ord-%08ld", i);
    snprintf(store, sizeof store, "store-%03ld", i % STORES);
    snprintf(awb, sizeof awb, "AWB%010ld", i);
    r.order_id = id;
    r.store_id = store;
    r.customer_id = "cust-1";
    r.provider = parcel ? OT_PROVIDER_DELHIVERY : OT_PROVIDER_INTERNAL;
    r.tracking_id = parcel ? awb : NULL;
    if (ot_tracker_init_order(NULL, t, &r, &err))
        die("init", err.message);
    if (parcel)         /* active AWBs: a few steps, never terminal */
        steps = 1 + (size_t)(i / 4) % 3;
    else if (i % 2 == 0)    /* terminal: the whole lifecycle, or cancelled early */
        steps = i % 8 == 0 ? 3 : PATH_LEN;
    else
        steps = 1 + (size_t)(i / 2) % (PATH_LEN - 2);
    for (k = 0; k < steps; k++) {
        ot_request s = OT_REQUEST_INIT;
        s.order_id = id;
        s.status = (parcel || i % 8 != 0 || k < 2) ? path[k] : OT_STATUS_CANCELLED;
        s.updated_by = "bench";
        if (ot_tracker_set_status(NULL, t, &s, &err))
            die("set_status", err.message);
    }
}

static void load(ot_storage *target, long n)
{
    ot_error err;
    double t0 = bench_now();
    long first, i;
    for (first = 0; first < n; first += LOAD_BATCH) {
        ot_tracker_options o = OT_TRACKER_OPTIONS_INIT;
        ot_storage *mem = NULL;
        ot_tracker *t = NULL;
        long last = first + LOAD_BATCH < n ? first + LOAD_BATCH : n;
        if (ot_storage_memory_new(&mem, &err))
            die("memory store", err.message);
        o.storage = mem;
        if (ot_tracker_new(&t, &o, &err))
            die("tracker", err.message);
        for (i = first; i < last; i++)
            build(t, i);
        for (i = first; i < last; i++) {    /* each order's whole record: one create */
            ot_storage_record rec;
            ot_order *ord = NULL;
            char id[32];
            snprintf(id, sizeof id, "ord-%08ld", i);
            if (mem->load(mem->userdata, id, &ord, &err) ||
                ot_storage_record_init(&rec, ord, 0, &err))
                die("record", err.message);
            if (target->create(target->userdata, &rec, NULL, &err))
                die("create", err.message);
            ot_storage_record_release(&rec);
            ot_order_free(ord);
        }
        ot_tracker_free(t);
        ot_storage_close(mem);
        if (last % 100000 == 0)
            fprintf(stderr, "bench_scale: %ld orders, %.0f s\n", last, bench_now() - t0);
    }
    bench_result("load_orders", (double)n);
    bench_result("load_s", bench_now() - t0);
}

static int drop(void *ctx, ot_order *o, ot_error *err)
{
    (void)err;
    ++*(size_t *)ctx;
    ot_order_free(o);
    return 0;
}

static void measure(ot_tracker *t, const ot_storage *s, long n, int pages)
{
    static double v[SAMPLES];
    char id[32], store[32], cursor[OT_STORAGE_CURSOR_SIZE], next[OT_STORAGE_CURSOR_SIZE];
    ot_sla_sweep_result sweep = OT_SLA_SWEEP_RESULT_INIT;
    ot_error err;
    size_t i, count = 0;
    double t0;
    unsigned seed = 42;

    for (i = 0; i < SAMPLES; i++) {         /* GET: random orders, past the record cache */
        ot_order *o = NULL;
        snprintf(id, sizeof id, "ord-%08ld", (long)(rand_r(&seed) % n));
        t0 = bench_now();
        if (ot_tracker_get(&o, t, id, &err))
            die("get", err.message);
        v[i] = (bench_now() - t0) * 1000.0;
        ot_order_free(o);
    }
    bench_result("get_p50_ms", pct(v, SAMPLES, 0.50));
    bench_result("get_p99_ms", pct(v, SAMPLES, 0.99));
    size_t lists = pages ? 20 : SAMPLES / 4;
    for (i = 0; i < lists; i++) {     /* the first page of one store's orders in one status */
        ot_storage_query q = OT_STORAGE_QUERY_INIT;
        snprintf(store, sizeof store, "store-%03d", rand_r(&seed) % STORES);
        q.store_id = store;
        q.current_status = (int)path[rand_r(&seed) % PATH_LEN];
        q.limit = 50;
        t0 = bench_now();
        if (s->query(s->userdata, &q, drop, &count, next, sizeof next, &err))
            die("list", err.message);
        v[i] = (bench_now() - t0) * 1000.0;
    }
    bench_result("list_p99_ms", pct(v, lists, 0.99));
    /* the SLA sweep: a first one records what is overdue, the second is the steady state */
    for (i = 0; i < 2; i++) {
        sweep.resume[0] = '\0';
        t0 = bench_now();
        if (ot_tracker_sla_sweep(&sweep, t, 0, pages ? PAGE_ORDERS : 0, &err))
            die("sla sweep", err.message);
        bench_result(i ? "sla_sweep_s" : "sla_sweep_first_s", bench_now() - t0);
    }
    bench_result("sla_sweep_examined", (double)sweep.examined);
    cursor[0] = '\0';                       /* the poller's selection, pages of 1000 */
    count = 0;
    t0 = bench_now();
    do {
        ot_storage_query q = OT_STORAGE_QUERY_INIT;
        q.delivery_provider = OT_PROVIDER_DELHIVERY;
        q.shipment_active = 1;
        q.limit = OT_STORAGE_QUERY_MAX;
        q.cursor = cursor;
        if (s->query(s->userdata, &q, drop, &count, next, sizeof next, &err))
            die("poll selection", err.message);
        memcpy(cursor, next, sizeof cursor);
    } while (cursor[0] && count < (pages ? PAGE_ORDERS : POLL_MAX));
    bench_result("poll_select_s", bench_now() - t0);
    bench_result("poll_selected", (double)count);
    bench_result("rss_kib", (double)bench_maxrss_kib());
}

int main(int argc, char **argv)
{
    ot_tracker_options o = OT_TRACKER_OPTIONS_INIT;
    ot_storage *s = NULL;
    ot_tracker *t = NULL;
    ot_error err;
    char msg[512];
    long n;

    if (argc < 4 || argc > 5 || (strcmp(argv[1], "load") && strcmp(argv[1], "measure")) ||
        (n = strtol(argv[3], NULL, 10)) < 1 ||
        (argc == 5 && (strcmp(argv[1], "measure") || strcmp(argv[4], "pages"))))
        die("usage", "bench_scale load STORAGE-URI N | measure STORAGE-URI N [pages]");
#ifdef OT_BENCH_SQLITE
    if (strcmp(argv[1], "load") == 0 && strncmp(argv[2], "sqlite:", 7) == 0) {
        ot_sqlite_options so = OT_SQLITE_OPTIONS_INIT;
        so.synchronous = OT_SQLITE_SYNC_OFF;
        if (ot_storage_sqlite_open(&s, argv[2] + 7, &so, &err))
            die("open", err.message);
    }
#endif
    if (!s && storage_open_uri(&s, argv[2], msg, sizeof msg))
        die("open", msg);
    if (strcmp(argv[1], "load") == 0) {
        load(s, n);
    } else {
        o.storage = s;
        if (ot_tracker_new(&t, &o, &err))
            die("tracker", err.message);
        measure(t, s, n, argc == 5);
        ot_tracker_free(t);
    }
    ot_storage_close(s);
    return 0;
}
