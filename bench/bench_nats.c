/* Outbound events: can the relay keep up with the SQLite NORMAL commit rate? In one run:
 * (1) orders created for `seconds` on an SQLite store (synchronous NORMAL, WAL) with the
 * outbox on, one writer: commits per second (each records its events in the same
 * transaction); (2) the relay drains those events, one sink at a time, to NATS JetStream (a
 * real nats-server on loopback, started here) and to the signed-webhook sink (a loopback
 * HTTP server answering 200, through libordertrack-curl): events delivered per second per
 * sink, and the ratio to the commit rate (>= 1: the relay keeps up).
 *
 * usage: bench_nats [SECONDS]   (default OT_BENCH_OUTBOX_SECONDS, else 3) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ordertrack/adapters/curl.h>
#include <ordertrack/adapters/nats.h>
#include <ordertrack/adapters/sqlite.h>
#include <ordertrack/ordertrack.h>
#include <ordertrack/outbox.h>
#include <ordertrack/sys/sink.h>
#include <ordertrack/webhook_sink.h>

#include "bench_util.h"
#include "nats_servers.h"
#include "test_server.h"

static void die(const char *what, const char *msg)
{
    fprintf(stderr, "bench_nats: %s: %s\n", what, msg);
    exit(1);
}

/* Drain the outbox to `sink` with a fresh relay; returns events delivered per second. */
static double drain(const ot_storage *storage, ot_sink *sink, uint64_t expected)
{
    ot_relay_options ro = OT_RELAY_OPTIONS_INIT;
    ot_relay_stats total = OT_RELAY_STATS_INIT;
    ot_relay *relay = NULL;
    ot_error err;
    double t0, t;
    ro.storage = storage;
    ro.sinks = &sink;
    ro.sink_count = 1;
    ro.batch_size = OT_OUTBOX_QUERY_MAX;
    if (ot_relay_new(&relay, &ro, &err))
        die("relay", err.message);
    t0 = bench_now();
    for (;;) {
        ot_relay_stats round = OT_RELAY_STATS_INIT;
        if (ot_relay_run_once(relay, &round, &err))
            die("relay round", err.message);
        total.delivered += round.delivered;
        total.failed += round.failed;
        if (round.delivered == 0 && round.failed == 0)
            break;
    }
    t = bench_now() - t0;
    ot_relay_free(relay);
    if (total.delivered != expected || total.failed) {
        char msg[128];
        snprintf(msg, sizeof msg, "%llu delivered, %llu failed, %llu expected",
                 (unsigned long long)total.delivered, (unsigned long long)total.failed,
                 (unsigned long long)expected);
        die(sink->name, msg);
    }
    return (double)total.delivered / t;
}

struct counter {
    uint64_t n;
};

static int count_one(void *ctx, const ot_event *e, ot_error *err)
{
    (void)e;
    (void)err;
    ((struct counter *)ctx)->n++;
    return 0;
}

static uint64_t outbox_size(const ot_storage *storage)
{
    ot_outbox_query q = OT_OUTBOX_QUERY_INIT;
    struct counter c = {0};
    int64_t next = 0;
    ot_error err;
    q.limit = OT_OUTBOX_QUERY_MAX;
    for (;;) {
        q.after = next;
        if (ot_outbox_query_run(&next, storage, &q, count_one, &c, &err))
            die("outbox", err.message);
        if (next == q.after)
            return c.n;
    }
}

int main(int argc, char **argv)
{
    double secs = argc > 1 ? atof(argv[1]) : bench_env_seconds("OT_BENCH_OUTBOX_SECONDS", 3.0);
    static const ot_test_route routes[] = {{"/hook", 200, NULL, "ok", 0, 0, 0, 0, 0}};
    ot_sqlite_options so = OT_SQLITE_OPTIONS_INIT;
    ot_tracker_options to = OT_TRACKER_OPTIONS_INIT;
    ot_nats_sink_options no = OT_NATS_SINK_OPTIONS_INIT;
    ot_webhook_sink_options wo = OT_WEBHOOK_SINK_OPTIONS_INIT;
    ot_webhook_subscription sub = OT_WEBHOOK_SUBSCRIPTION_INIT;
    ot_curl_options co = OT_CURL_OPTIONS_INIT;
    ot_nats_test_servers servers;
    ot_test_server *http_server = NULL;
    ot_storage *storage = NULL;
    ot_tracker *tracker = NULL;
    ot_sink *nats = NULL, *webhook = NULL;
    ot_http http;
    ot_error err;
    const char *urls[1];
    char path[300], id[32], url[128];
    double t0, t, commit_rate, rate;
    uint64_t commits = 0, events;

    if (ot_nats_test_start(&servers, 1))
        die("nats-server", "did not start");
    if (ot_test_server_start(&http_server, routes, 1))
        die("http server", "did not start");
    snprintf(path, sizeof path, "%s/outbox.db", servers.dir);
    so.synchronous = OT_SQLITE_SYNC_NORMAL;
    if (ot_storage_sqlite_open(&storage, path, &so, &err))
        die("sqlite", err.message);
    to.storage = storage;
    to.outbox = 1;
    if (ot_tracker_new(&tracker, &to, &err))
        die("tracker", err.message);

    /* (1) the commit rate, with the outbox on */
    t0 = bench_now();
    do {
        ot_request req = OT_REQUEST_INIT;
        snprintf(id, sizeof id, "ord-%06llu", (unsigned long long)commits);
        req.order_id = id;
        req.store_id = commits % 2 ? "store-1" : "store.2";
        req.customer_id = "cust-1";
        req.provider = OT_PROVIDER_UBER;
        if (ot_tracker_init_order(NULL, tracker, &req, &err))
            die("init", err.message);
        commits++;
    } while ((t = bench_now() - t0) < secs);
    commit_rate = (double)commits / t;
    events = outbox_size(storage);
    printf("commits: %llu in %.2f s (%llu events)\n", (unsigned long long)commits, t,
           (unsigned long long)events);
    bench_result("outbox.sqlite_normal.commits_per_s", commit_rate);
    bench_result("outbox.sqlite_normal.events_per_s", (double)events / t);

    /* (2) each sink drains them all */
    urls[0] = servers.nodes[0].url;
    no.servers = urls;
    no.server_count = 1;
    if (ot_nats_sink_new(&nats, &no, &err))
        die("nats sink", err.message);
    rate = drain(storage, nats, events);
    bench_result("outbox.nats.delivered_per_s", rate);
    bench_result("outbox.nats.ratio", rate / ((double)events / t));

    if (ot_curl_http_new(&http, &co, &err))
        die("curl", err.message);
    ot_test_server_url(http_server, "/hook", url, sizeof url);
    sub.url = url;
    sub.secret = "bench-secret-0123456789";
    wo.http = &http;
    wo.subscriptions = &sub;
    wo.subscription_count = 1;
    if (ot_webhook_sink_new(&webhook, &wo, &err))
        die("webhook sink", err.message);
    rate = drain(storage, webhook, events);
    bench_result("outbox.webhook.delivered_per_s", rate);
    bench_result("outbox.webhook.ratio", rate / ((double)events / t));

    ot_sink_close(webhook);
    http.close(http.userdata);
    ot_sink_close(nats);
    ot_tracker_free(tracker);
    ot_storage_close(storage);
    ot_test_server_stop(http_server);
    ot_nats_test_stop(&servers);
    return 0;
}
