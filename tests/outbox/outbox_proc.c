/* A small program for the outbox crash tests (tests/outbox/kill_test.py), killed with
 * SIGKILL at any moment and restarted:
 *
 *   outbox_proc write DB ORDERS WRITES   create ORDERS orders, then raise issues on them in
 *                                        turn until WRITES writes have committed (counting
 *                                        what a previous run committed: restartable)
 *   outbox_proc relay DB URL SECRET      deliver the outbox to a signed webhook until SIGTERM
 *
 * Every write records its events in the same SQLite transaction (ot_tracker_options.outbox).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ordertrack/ordertrack.h>
#include <ordertrack/adapters/curl.h>
#include <ordertrack/adapters/sqlite.h>
#include <ordertrack/sys/http.h>
#include <ordertrack/sys/sink.h>
#include <ordertrack/sys/storage.h>

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
    (void)sig;
    stop = 1;
}

static int fail(const char *what, const ot_error *err)
{
    fprintf(stderr, "outbox_proc: %s: %s\n", what, err->message);
    return 1;
}

static ot_storage *open_db(const char *path, ot_error *err)
{
    ot_sqlite_options o = OT_SQLITE_OPTIONS_INIT;
    ot_storage *st = NULL;
    o.synchronous = OT_SQLITE_SYNC_NORMAL;
    o.busy_timeout_ms = 10000;
    return ot_storage_sqlite_open(&st, path, &o, err) == 0 ? st : NULL;
}

static int write_main(const char *path, int orders, int writes)
{
    ot_tracker_options to = OT_TRACKER_OPTIONS_INIT;
    ot_tracker *t = NULL;
    ot_storage *st;
    ot_error err;
    int i, done = 0;

    if (!(st = open_db(path, &err)))
        return fail("open", &err);
    to.storage = st;
    to.outbox = 1;
    to.max_retries = 100;
    if (ot_tracker_new(&t, &to, &err))
        return fail("tracker", &err);
    /* what earlier runs committed: each order's version - 1 issues */
    for (i = 0; i < orders; i++) {
        char id[32];
        ot_order *o = NULL;
        snprintf(id, sizeof id, "o-%d", i);
        if (ot_tracker_get(&o, t, id, &err) == 0) {
            done += (int)ot_order_version(o) - 1;
            ot_order_free(o);
        } else {
            ot_request r = OT_REQUEST_INIT;
            r.order_id = id;
            r.store_id = i % 2 ? "store-odd" : "store-even";
            r.customer_id = "c";
            r.provider = OT_PROVIDER_INTERNAL;
            if (ot_tracker_init_order(NULL, t, &r, &err) && err.code != OT_EEXISTS)
                return fail("init", &err);
        }
    }
    for (i = done; i < writes; i++) {
        char id[32];
        ot_request r = OT_REQUEST_INIT;
        snprintf(id, sizeof id, "o-%d", i % orders);
        r.order_id = id;
        r.store_id = (i % orders) % 2 ? "store-odd" : "store-even";
        r.issue_type = "late";
        r.description = "write";
        r.severity = OT_SEVERITY_LOW;
        if (ot_tracker_raise_issue(NULL, t, &r, &err))
            return fail("raise_issue", &err);
    }
    ot_tracker_free(t);
    ot_storage_close(st);
    return 0;
}

static int relay_main(const char *path, const char *url, const char *secret)
{
    ot_curl_options co = OT_CURL_OPTIONS_INIT;
    ot_webhook_subscription sub = OT_WEBHOOK_SUBSCRIPTION_INIT;
    ot_webhook_sink_options wo = OT_WEBHOOK_SINK_OPTIONS_INIT;
    ot_relay_options ro = OT_RELAY_OPTIONS_INIT;
    ot_http http;
    ot_sink *sink = NULL;
    ot_relay *relay = NULL;
    ot_storage *st;
    ot_error err;

    signal(SIGTERM, on_term);
    if (!(st = open_db(path, &err)))
        return fail("open", &err);
    if (ot_curl_http_new(&http, &co, &err))
        return fail("curl", &err);
    sub.url = url;
    sub.secret = secret;
    sub.timeout_ms = 5000;
    wo.http = &http;
    wo.subscriptions = &sub;
    wo.subscription_count = 1;
    if (ot_webhook_sink_new(&sink, &wo, &err))
        return fail("sink", &err);
    ro.storage = st;
    ro.sinks = &sink;
    ro.sink_count = 1;
    ro.max_attempts = 1000;
    ro.backoff_base_ms = 20;
    ro.backoff_max_ms = 200;
    ro.batch_size = 20;
    if (ot_relay_new(&relay, &ro, &err))
        return fail("relay", &err);
    fprintf(stderr, "outbox_proc: relay started\n");
    while (!stop) {
        ot_relay_stats s = OT_RELAY_STATS_INIT;
        if (ot_relay_run_once(relay, &s, &err))
            fprintf(stderr, "outbox_proc: round: %s\n", err.message);
        if (s.delivered + s.failed == 0) {
            struct timespec ts = {0, 10000000};
            nanosleep(&ts, NULL);
        }
    }
    ot_relay_free(relay);
    ot_sink_close(sink);
    if (http.close)
        http.close(http.userdata);
    ot_storage_close(st);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 5 && strcmp(argv[1], "write") == 0)
        return write_main(argv[2], atoi(argv[3]), atoi(argv[4]));
    if (argc == 5 && strcmp(argv[1], "relay") == 0)
        return relay_main(argv[2], argv[3], argv[4]);
    fprintf(stderr, "usage: outbox_proc write DB ORDERS WRITES | relay DB URL SECRET\n");
    return 2;
}
