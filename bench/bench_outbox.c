/* The outbox: what recording events costs a commit, and whether the relay keeps up with the
 * commit rate (issue 20). On SQLite (synchronous NORMAL, WAL, files in $TMPDIR):
 *   1. issue commits (ot_tracker_raise_issue, one event each) on 200 orders for SECONDS,
 *      with the outbox off and then on: commits/s of each;
 *   2. the relay draining what (1) recorded, to an in-process sink that accepts everything
 *      (the relay and its storage alone) and, with curl, to the signed-webhook sink POSTing
 *      to a threaded HTTP server on 127.0.0.1 (tests/support/test_server.c): events/s each,
 *      against the commit rate with the outbox on.
 * Usage: bench_outbox [SECONDS]   (default 3, or OT_BENCH_OUTBOX_SECONDS) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ordertrack/ordertrack.h>
#include <ordertrack/adapters/sqlite.h>
#include <ordertrack/sys/sink.h>
#include <ordertrack/sys/storage.h>
#ifdef OT_BENCH_WITH_CURL
#include <ordertrack/adapters/curl.h>
#include <ordertrack/sys/http.h>
#include "test_server.h"
#endif
#include "bench_util.h"

#define ORDERS 200

static void die(const char *what, const ot_error *err)
{
    fprintf(stderr, "bench_outbox: %s: %s\n", what, err ? err->message : "failed");
    exit(1);
}

static void remove_db(const char *p)
{
    char aux[600];
    unlink(p);
    snprintf(aux, sizeof aux, "%s-wal", p);
    unlink(aux);
    snprintf(aux, sizeof aux, "%s-shm", p);
    unlink(aux);
}

static ot_storage *open_db(const char *path)
{
    ot_sqlite_options o = OT_SQLITE_OPTIONS_INIT;
    ot_storage *st = NULL;
    ot_error err;
    o.synchronous = OT_SQLITE_SYNC_NORMAL;
    if (ot_storage_sqlite_open(&st, path, &o, &err))
        die("open", &err);
    return st;
}

/* Commits per second for `seconds` on a fresh file; `*commits` receives how many. */
static double commit_rate(const char *path, int outbox, double seconds, long *commits)
{
    ot_tracker_options to = OT_TRACKER_OPTIONS_INIT;
    ot_storage *st;
    ot_tracker *t = NULL;
    ot_error err;
    double start, elapsed;
    long n = 0;
    int i;

    remove_db(path);
    st = open_db(path);
    to.storage = st;
    to.outbox = outbox;
    to.max_issues = 10000;
    if (ot_tracker_new(&t, &to, &err))
        die("tracker", &err);
    for (i = 0; i < ORDERS; i++) {
        ot_request r = OT_REQUEST_INIT;
        char id[32];
        snprintf(id, sizeof id, "o-%d", i);
        r.order_id = id;
        r.store_id = "s";
        r.customer_id = "c";
        r.provider = OT_PROVIDER_INTERNAL;
        if (ot_tracker_init_order(NULL, t, &r, &err))
            die("init", &err);
    }
    start = bench_now();
    do {
        ot_request r = OT_REQUEST_INIT;
        char id[32];
        snprintf(id, sizeof id, "o-%ld", n % ORDERS);
        r.order_id = id;
        r.store_id = "s";
        r.issue_type = "late";
        r.description = "bench";
        r.severity = OT_SEVERITY_LOW;
        if (ot_tracker_raise_issue(NULL, t, &r, &err))
            die("raise_issue", &err);
        n++;
    } while ((elapsed = bench_now() - start) < seconds);
    ot_tracker_free(t);
    ot_storage_close(st);
    *commits = n;
    return (double)n / elapsed;
}

static int accept_all(void *userdata, const ot_event *const *events, size_t n,
                      ot_error *outcomes, ot_error *err)
{
    (void)userdata;
    (void)events;
    (void)n;
    (void)outcomes;
    (void)err;
    return 0;
}

/* Events per second a relay delivers to `sink` until the outbox of `path` is drained. */
static double relay_rate(const char *path, ot_sink *sink, long events)
{
    ot_relay_options ro = OT_RELAY_OPTIONS_INIT;
    ot_relay_stats stats = OT_RELAY_STATS_INIT;
    ot_storage *st = open_db(path);
    ot_relay *relay = NULL;
    ot_error err;
    double start;

    ro.storage = st;
    ro.sinks = &sink;
    ro.sink_count = 1;
    ro.batch_size = 200;
    if (ot_relay_new(&relay, &ro, &err))
        die("relay", &err);
    start = bench_now();
    while ((long)stats.delivered < events) {
        uint64_t before = stats.delivered;
        if (ot_relay_run_once(relay, &stats, &err))
            die("round", &err);
        if (stats.delivered == before && stats.failed == 0)
            die("relay made no progress", NULL);
    }
    start = bench_now() - start;
    ot_relay_free(relay);
    ot_storage_close(st);
    return (double)events / start;
}

int main(int argc, char **argv)
{
    double seconds = argc > 1 ? atof(argv[1]) : bench_env_seconds("OT_BENCH_OUTBOX_SECONDS", 3);
    const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    char path[512], path_off[512];
    double off, on, null_rate;
    long commits_off, commits_on, events;
    ot_sink null_sink = OT_SINK_INIT;

    snprintf(path, sizeof path, "%s/bench_outbox_%d.db", tmp, (int)getpid());
    snprintf(path_off, sizeof path_off, "%s/bench_outbox_off_%d.db", tmp, (int)getpid());
    off = commit_rate(path_off, 0, seconds, &commits_off);
    remove_db(path_off);
    on = commit_rate(path, 1, seconds, &commits_on);
    events = commits_on + ORDERS; /* one issue event per commit, one status event per init */
    printf("commits/s, outbox off: %.0f (%ld commits)\n", off, commits_off);
    printf("commits/s, outbox on:  %.0f (%ld commits, %ld events)\n", on, commits_on, events);
    bench_result("outbox.commit_off_per_s", off);
    bench_result("outbox.commit_on_per_s", on);
    bench_result("outbox.commit_ratio", on / off);

    null_sink.name = "null";
    null_sink.deliver = accept_all;
    null_rate = relay_rate(path, &null_sink, events);
    printf("relay to an accept-all sink: %.0f events/s (%.2f of the commit rate)\n", null_rate,
           null_rate / on);
    bench_result("outbox.relay_null_per_s", null_rate);
    bench_result("outbox.relay_null_ratio", null_rate / on);
#ifdef OT_BENCH_WITH_CURL
    {
        static const ot_test_route routes[] = {{"/hook", 204, NULL, "", 0, 0, 0, 0, 0}};
        ot_test_server *server = NULL;
        ot_curl_options co = OT_CURL_OPTIONS_INIT;
        ot_webhook_subscription sub = OT_WEBHOOK_SUBSCRIPTION_INIT;
        ot_webhook_sink_options wo = OT_WEBHOOK_SINK_OPTIONS_INIT;
        ot_http http;
        ot_sink *sink = NULL;
        ot_error err;
        char url[128];
        double rate;

        if (ot_test_server_start(&server, routes, 1))
            die("test server", NULL);
        ot_test_server_url(server, "/hook", url, sizeof url);
        co.max_in_flight = 64;
        if (ot_curl_http_new(&http, &co, &err))
            die("curl", &err);
        sub.url = url;
        sub.secret = "bench-secret-0123456789";
        wo.http = &http;
        wo.subscriptions = &sub;
        wo.subscription_count = 1;
        if (ot_webhook_sink_new(&sink, &wo, &err))
            die("webhook sink", &err);
        rate = relay_rate(path, sink, events);
        printf("relay to the signed webhook (loopback): %.0f events/s (%.2f of the commit "
               "rate)\n", rate, rate / on);
        bench_result("outbox.relay_webhook_per_s", rate);
        bench_result("outbox.relay_webhook_ratio", rate / on);
        ot_sink_close(sink);
        if (http.close)
            http.close(http.userdata);
        ot_test_server_stop(server);
    }
#endif
    remove_db(path);
    return 0;
}
