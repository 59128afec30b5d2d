/* Raw status mapping (ot_courier_map) and transition checks (ot_status_transition_check,
 * ot_shipment_transition_check): operations per second on one core, with the counting
 * allocator installed to show that the path allocates nothing.
 * Usage: bench_core [SECONDS]   (default 2, or OT_BENCH_CORE_SECONDS)
 *        bench_core --iterations N   (fixed work, for the callgrind regression check) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ordertrack/ordertrack.h>
#include "bench_util.h"

typedef struct map_case {
    int provider;
    const char *status, *type, *code;
} map_case;

/* A mix of what couriers send (tests/data/courier/map_cases.tsv), unmapped ones included. */
static const map_case cases[] = {
    {OT_PROVIDER_DELHIVERY, "Manifested", "UD", NULL},
    {OT_PROVIDER_DELHIVERY, "In Transit", "UD", NULL},
    {OT_PROVIDER_DELHIVERY, "Dispatched", "UD", NULL},
    {OT_PROVIDER_DELHIVERY, "Pending", "UD", "EOD-74"},
    {OT_PROVIDER_DELHIVERY, "Delivered", "DL", NULL},
    {OT_PROVIDER_DELHIVERY, "RTO", "DL", NULL},
    {OT_PROVIDER_SHIPROCKET, "6", NULL, NULL},
    {OT_PROVIDER_SHIPROCKET, "7", NULL, NULL},
    {OT_PROVIDER_SHIPROCKET, "17", NULL, NULL},
    {OT_PROVIDER_UBER, "pickup", NULL, NULL},
    {OT_PROVIDER_UBER, "dropoff", NULL, NULL},
    {OT_PROVIDER_UBER, "delivered", NULL, NULL},
    {OT_PROVIDER_DELHIVERY, "Something New", "UD", NULL},
};
#define NCASES (sizeof cases / sizeof cases[0])

static volatile long sink;

typedef struct edge {
    int shipment, from, to, source;
} edge;
/* Every (from, to, source) of both graphs, split into what the validator accepts and what it
 * refuses (a refusal formats the error message: the rare path). */
#define NEDGES (2 * 2 * OT_STATUS_COUNT * OT_STATUS_COUNT)
static edge accepted[NEDGES], refused[NEDGES];
static size_t naccepted, nrefused;

static void split_edges(void)
{
    int sh, from, to, src;
    for (sh = 0; sh < 2; sh++)
        for (src = OT_SOURCE_API; src <= OT_SOURCE_COURIER; src++)
            for (from = 1; from < (sh ? OT_SHIPMENT_COUNT : OT_STATUS_COUNT); from++)
                for (to = 1; to < (sh ? OT_SHIPMENT_COUNT : OT_STATUS_COUNT); to++) {
                    edge e = {sh, from, to, src};
                    int rc = sh ? ot_shipment_transition_check(from, to, src, NULL)
                                : ot_status_transition_check(from, to, src, NULL);
                    if (rc == 0)
                        accepted[naccepted++] = e;
                    else
                        refused[nrefused++] = e;
                }
}

static long run_map(const ot_courier_tables *t, ot_error *err)
{
    long acc = 0;
    size_t i;
    for (i = 0; i < NCASES; i++) {
        ot_courier_mapping m;
        acc += ot_courier_map(&m, t, cases[i].provider, cases[i].status, cases[i].type,
                              cases[i].code, err);
        acc += m.status + m.shipment_status;
    }
    sink += acc;
    return (long)NCASES;
}

static long run_edges(const edge *e, size_t n, ot_error *err)
{
    long acc = 0;
    size_t i;
    for (i = 0; i < n; i++)
        acc += e[i].shipment ? ot_shipment_transition_check(e[i].from, e[i].to, e[i].source, err)
                             : ot_status_transition_check(e[i].from, e[i].to, e[i].source, err);
    sink += acc;
    return (long)n;
}

/* One round: every mapping case and every accepted transition (the hot path of an update). */
static long round_once(const ot_courier_tables *t, ot_error *err)
{
    return run_map(t, err) + run_edges(accepted, naccepted, err);
}

typedef long (*bench_fn)(const ot_courier_tables *, ot_error *);

static long refused_once(const ot_courier_tables *t, ot_error *err)
{
    (void)t;
    return run_edges(refused, nrefused, err);
}

static long accepted_once(const ot_courier_tables *t, ot_error *err)
{
    (void)t;
    return run_edges(accepted, naccepted, err);
}

/* ops/s of `fn` run for `secs`. */
static double rate(bench_fn fn, const ot_courier_tables *t, ot_error *err, double secs)
{
    long ops = 0;
    double t0 = bench_now(), t1;
    fn(t, err);
    do {
        for (int k = 0; k < 1000; k++)
            ops += fn(t, err);
        t1 = bench_now();
    } while (t1 - t0 < secs);
    return (double)ops / (t1 - t0);
}

/* The fixed work of the callgrind regression check (--iterations): kept out of line and
 * external so that callgrind --toggle-collect=cg_core_run counts exactly this. */
long cg_core_run(const ot_courier_tables *t, ot_error *err, long rounds);
__attribute__((noinline)) long cg_core_run(const ot_courier_tables *t, ot_error *err,
                                           long rounds)
{
    long ops = 0, i;
    for (i = 0; i < rounds; i++)
        ops += round_once(t, err);
    return ops;
}

int main(int argc, char **argv)
{
    ot_courier_tables *t = NULL;
    ot_error err;
    long iterations = 0, ops = 0;
    double secs = bench_env_seconds("OT_BENCH_CORE_SECONDS", 2.0);
    uint64_t before;

    if (argc > 2 && strcmp(argv[1], "--iterations") == 0)
        iterations = atol(argv[2]);
    else if (argc > 1)
        secs = atof(argv[1]);
    if (bench_alloc_install() || ot_courier_tables_new(&t, &err)) {
        fprintf(stderr, "bench_core: setup failed\n");
        return 1;
    }
    split_edges();
    if (iterations > 0) {
        ops = cg_core_run(t, &err, iterations);
        ot_courier_tables_free(t);
        printf("ops %ld\n", ops);
        return 0;
    }
    before = bench_alloc_calls();
    bench_result("core.ops_per_s", rate(round_once, t, &err, secs));
    bench_result("core.map_ops_per_s", rate(run_map, t, &err, secs / 2));
    bench_result("core.accepted_ops_per_s", rate(accepted_once, t, &err, secs / 2));
    bench_result("core.refused_ops_per_s", rate(refused_once, t, &err, secs / 4));
    bench_result("core.allocations", (double)(bench_alloc_calls() - before));
    ot_courier_tables_free(t);
    return 0;
}
