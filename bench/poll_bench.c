/* Poll-cycle benchmark: N Delhivery orders (memory store) against the courier simulator with
 * a fixed answer latency, one run with W workers; prints the run's summary and its time,
 * the latency bound (requests / W workers x latency), the CPU seconds
 * of this process during the run and its peak resident set (getrusage).
 * Usage: poll_bench [ORDERS [WORKERS [LATENCY_MS]]]   (defaults 5000 50 250) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ordertrack/ordertrack.h>
#include <ordertrack/adapters/curl.h>
#include <ordertrack/adapters/memory.h>
#include <ordertrack/sys/http.h>
#include <ordertrack/sys/storage.h>
#include "courier_sim.h"
#include "bench_util.h"

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* CPU seconds (user + system) used so far by process `pid`, from /proc; -1 if unknown. */
static double proc_cpu(pid_t pid)
{
    char path[64], buf[1024], *p;
    unsigned long ut = 0, st = 0;
    FILE *f;
    size_t n;
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    if (!(f = fopen(path, "r")))
        return -1;
    n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    /* after "pid (comm) ": state is field 3; utime and stime are fields 14 and 15 */
    if (!(p = strrchr(buf, ')')) ||
        sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
        return -1;
    return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static int fail(const char *what, const ot_error *err)
{
    fprintf(stderr, "poll_bench: %s: %s\n", what, err->message);
    return 1;
}

int main(int argc, char **argv)
{
    long orders = argc > 1 ? atol(argv[1]) : 5000, workers = argc > 2 ? atol(argv[2]) : 50;
    const char *latency = argc > 3 ? argv[3] : "250";
    const char *args[] = {"--latency-ms", latency, NULL};
    ot_tracker_options o = OT_TRACKER_OPTIONS_INIT;
    ot_curl_options co = OT_CURL_OPTIONS_INIT;
    ot_courier_config cc = OT_COURIER_CONFIG_INIT;
    ot_poll_config pc = OT_POLL_CONFIG_INIT;
    ot_poll_summary s = OT_POLL_SUMMARY_INIT;
    ot_courier_client *courier = NULL;
    ot_http_client *http = NULL;
    ot_tracker *tracker = NULL;
    ot_storage *storage = NULL;
    ot_http port;
    ot_error err;
    ot_sim sim;
    char *body;
    size_t len = 0, cap;
    double t0, t1, c0, c1, s0, s1, bound;
    long i;
    int rc = 1;

    if (orders < 1 || workers < 1 || workers > 1024) {
        fprintf(stderr, "usage: poll_bench [ORDERS [WORKERS [LATENCY_MS]]]\n");
        return 64;
    }
    if (ot_sim_start(&sim, OT_SIM_SCRIPT, args) != 0) {
        fprintf(stderr, "poll_bench: cannot start %s\n", OT_SIM_SCRIPT);
        return 1;
    }
    cap = (size_t)orders * 96 + 16;
    body = malloc(cap);
    if (!body || ot_storage_memory_new(&storage, &err))
        goto out;
    o.storage = storage;
    if (ot_tracker_new(&tracker, &o, &err)) {
        rc = fail("tracker", &err);
        goto out;
    }
    len += (size_t)snprintf(body, cap, "{");
    for (i = 0; i < orders; i++) {
        ot_request r = OT_REQUEST_INIT;
        char id[32], awb[32];
        snprintf(id, sizeof id, "ord-%07ld", i);
        snprintf(awb, sizeof awb, "AWB%07ld", i);
        r.order_id = id;
        r.store_id = "store-1";
        r.customer_id = "cust-1";
        r.provider = OT_PROVIDER_DELHIVERY;
        r.tracking_id = awb;
        if (ot_tracker_init_order(NULL, tracker, &r, &err)) {
            rc = fail("init", &err);
            goto out;
        }
        len += (size_t)snprintf(body + len, cap - len,
                                "%s\"%s\": {\"courier\": \"delhivery\", \"steps\": "
                                "[\"UD/In Transit\"]}", i ? "," : "", awb);
    }
    snprintf(body + len, cap - len, "}");
    if (ot_sim_call(&sim, "POST", "/_sim/awbs", body, NULL) != 200) {
        fprintf(stderr, "poll_bench: the simulator refused the AWBs\n");
        goto out;
    }
    co.max_in_flight = (unsigned)workers;
    if (ot_curl_http_open(&port, OT_HTTP_VERSION, &co, &err) || /* streams */
        ot_http_client_new(&http, &port, NULL, NULL, &err)) {
        rc = fail("http", &err);
        goto out;
    }
    cc.provider = OT_PROVIDER_DELHIVERY;
    cc.base_url = sim.base_url;
    cc.token = "dl-key";
    if (ot_courier_client_new(&courier, &cc, NULL, &err)) {
        rc = fail("courier", &err);
        goto out;
    }
    pc.courier = courier;
    pc.workers = (unsigned)workers;
    s0 = proc_cpu(sim.pid);
    c0 = bench_cpu();
    t0 = seconds();
    if (ot_poll_run(&s, tracker, http, &pc, &err)) {
        rc = fail("poll", &err);
        goto out;
    }
    t1 = seconds();
    c1 = bench_cpu();
    s1 = proc_cpu(sim.pid);
    printf("orders %zu, requests %zu, changed %zu, failed %zu, workers %ld, latency %s ms: "
           "%.2f s, %.0f orders/s\n", s.orders, s.requests, s.changed, s.failed_requests,
           workers, latency, t1 - t0, (double)s.orders / (t1 - t0));
    /* Delhivery answers up to 50 AWBs per request; W requests in flight at a time: the run
     * cannot beat requests / W x latency (issue 11: 720 / 50 x 250 ms = 3.6 s). */
    bound = (double)s.requests / (double)workers * atof(latency) / 1e3;
    bench_result("poll.orders", (double)s.orders);
    bench_result("poll.requests", (double)s.requests);
    bench_result("poll.failed", (double)s.failed_requests);
    bench_result("poll.wall_s", t1 - t0);
    bench_result("poll.bound_s", bound);
    bench_result("poll.ratio", bound / (t1 - t0));
    bench_result("poll.cpu_s", c1 - c0);
    bench_result("poll.maxrss_kib", (double)bench_maxrss_kib());
    if (s0 >= 0 && s1 >= 0)
        bench_result("poll.sim_cpu_s", s1 - s0);
    rc = s.failed_requests || s.changed != (size_t)orders;
    if (getenv("OT_BENCH_SIM_LOG")) { /* where the requests went: the simulator's log */
        char *log = NULL;
        FILE *f = fopen(getenv("OT_BENCH_SIM_LOG"), "w");
        if (f && ot_sim_call(&sim, "GET", "/_sim/log", NULL, &log) == 200 && log)
            fputs(log, f);
        if (f)
            fclose(f);
        free(log);
    }
out:
    ot_courier_client_free(courier);
    ot_http_client_free(http);
    ot_tracker_free(tracker);
    ot_storage_close(storage);
    ot_sim_stop(&sim);
    free(body);
    return rc;
}
