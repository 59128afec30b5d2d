/* Scale figures (issue 23): load N orders into a store, then time the hot reads.
 *   bench_scale load STORAGE-URI N     N orders over 100 stores: half terminal (delivered or
 *                                      cancelled), half active across the lifecycle; a quarter
 *                                      are Delhivery parcels with an active AWB (the poller's)
 *   bench_scale measure STORAGE-URI    GET p50/p99, list by store and status p99, the SLA
 *                                      sweep (steady state), the poller's selection of the
 *                                      active AWBs (at most 36,000)
 * One "RESULT key value" line per figure (bench_util.h). The loader goes through the tracker
 * (realistic histories, hash chains) on the storage port, one commit per step. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ordertrack/ordertrack.h>
#include <ordertrack/sys/storage.h>

#include "bench_util.h"
#include "storage_open.h"

#define STORES 100
#define SAMPLES 2000
#define POLL_MAX 36000

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

static void load(ot_tracker *t, long n)
{
    char id[32], store[32], awb[32];
    double t0 = bench_now();
    ot_error err;
    long i;
    for (i = 0; i < n; i++) {
        ot_request r = OT_REQUEST_INIT;
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
        if (i && i % 100000 == 0)
            fprintf(stderr, "bench_scale: %ld orders, %.0f s\n", i, bench_now() - t0);
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

static void measure(ot_tracker *t, const ot_storage *s, long n)
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
    for (i = 0; i < SAMPLES / 4; i++) {     /* the first page of one store's orders in one status */
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
    bench_result("list_p99_ms", pct(v, SAMPLES / 4, 0.99));
    /* the SLA sweep: a first one records what is overdue, the second is the steady state */
    for (i = 0; i < 2; i++) {
        sweep.resume[0] = '\0';
        t0 = bench_now();
        if (ot_tracker_sla_sweep(&sweep, t, 0, 0, &err))
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
    } while (cursor[0] && count < POLL_MAX);
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

    if (argc != 4 || (strcmp(argv[1], "load") && strcmp(argv[1], "measure")) ||
        (n = strtol(argv[3], NULL, 10)) < 1)
        die("usage", "bench_scale load|measure STORAGE-URI N");
    if (storage_open_uri(&s, argv[2], msg, sizeof msg))
        die("open", msg);
    o.storage = s;
    if (ot_tracker_new(&t, &o, &err))
        die("tracker", err.message);
    if (strcmp(argv[1], "load") == 0)
        load(t, n);
    else
        measure(t, s, n);
    ot_tracker_free(t);
    ot_storage_close(s);
    return 0;
}
