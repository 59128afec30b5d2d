/* A small program for the outbox crash tests (tests/outbox/kill_test.py), killed with
 * SIGKILL at any moment and restarted:
 *
 *   outbox_proc write DB ORDERS WRITES   create ORDERS orders, then raise issues on them in
 *                                        turn until WRITES writes have committed (counting
 *                                        what a previous run committed: restartable)
 *   outbox_proc relay DB URL SECRET [NATS_URL [STEP N]]
 *                                        deliver the outbox to a signed webhook (sink
 *                                        "webhook") and, given NATS_URL (not "-"), to the
 *                                        NATS JetStream stream ORDERTRACK (sink "nats"), until
 *                                        SIGTERM; given STEP and N, SIGKILL itself the Nth
 *                                        time the relay passes STEP (die_steps below)
 *   outbox_proc stream NATS_URL          print every message of the stream ORDERTRACK in
 *                                        stream order: "Nats-Msg-Id TAB event document"
 *
 * Every write records its events in the same SQLite transaction (ot_tracker_options.outbox).
 * The writer appends "ORDER_ID VERSION" to DB.acked (one write(2) each, so a SIGKILL never
 * loses an acknowledged line) after each write the tracker acknowledged.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ordertrack/ordertrack.h>
#include <ordertrack/adapters/curl.h>
#include <ordertrack/adapters/sqlite.h>
#include <ordertrack/sys/http.h>
#include <ordertrack/sys/sink.h>
#include <ordertrack/sys/storage.h>
#ifdef OUTBOX_PROC_NATS
#include <nats/nats.h>
#include <ordertrack/adapters/nats.h>
#endif

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

/* One line per acknowledged write, with one write(2): a SIGKILL loses no acknowledged line. */
static void acked_log(int fd, const char *order_id, const ot_order *o)
{
    char line[96];
    int n = snprintf(line, sizeof line, "%s %llu\n", order_id,
                     (unsigned long long)ot_order_version(o));
    if (write(fd, line, (size_t)n) != n)
        perror("outbox_proc: acked log");
}

static int write_main(const char *path, int orders, int writes)
{
    ot_tracker_options to = OT_TRACKER_OPTIONS_INIT;
    ot_tracker *t = NULL;
    ot_storage *st;
    ot_error err;
    char acked[1024];
    int i, fd, done = 0;

    snprintf(acked, sizeof acked, "%s.acked", path);
    if ((fd = open(acked, O_WRONLY | O_CREAT | O_APPEND, 0644)) < 0) {
        perror(acked);
        return 1;
    }
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
        } else {
            ot_request r = OT_REQUEST_INIT;
            r.order_id = id;
            r.store_id = i % 2 ? "store-odd" : "store-even";
            r.customer_id = "c";
            r.provider = OT_PROVIDER_INTERNAL;
            if (ot_tracker_init_order(&o, t, &r, &err) && err.code != OT_EEXISTS)
                return fail("init", &err);
            if (o)
                acked_log(fd, id, o);
        }
        ot_order_free(o);
    }
    for (i = done; i < writes; i++) {
        char id[32];
        ot_request r = OT_REQUEST_INIT;
        ot_order *o = NULL;
        snprintf(id, sizeof id, "o-%d", i % orders);
        r.order_id = id;
        r.store_id = (i % orders) % 2 ? "store-odd" : "store-even";
        r.issue_type = "late";
        r.description = "write";
        r.severity = OT_SEVERITY_LOW;
        if (ot_tracker_raise_issue(&o, t, &r, &err))
            return fail("raise_issue", &err);
        acked_log(fd, id, o);
        ot_order_free(o);
    }
    ot_tracker_free(t);
    ot_storage_close(st);
    close(fd);
    return 0;
}

/* Where a relay may be told to SIGKILL itself (a step of an event's life): before or after a
 * sink's deliver (delivered, not yet marked), or after an outbox mark (a batch half marked). */
enum { DIE_WEBHOOK_BEFORE, DIE_WEBHOOK_AFTER, DIE_NATS_BEFORE, DIE_NATS_AFTER, DIE_MARK,
       DIE_STEPS };

static const char *const die_steps[DIE_STEPS] = {
    "webhook.before", "webhook.after", "nats.before", "nats.after", "mark"
};

/* The one death a relay run is told to die (the test program's own state). */
static struct {
    int step;                  /* a DIE_ value, or -1: never */
    long left;                 /* passages of `step` until the death */
    int (*mark)(void *, const ot_outbox_mark *, ot_error *);  /* the storage's own */
} die = {-1, 0, NULL};

static void die_at(int step)
{
    if (step == die.step && --die.left == 0) {
        fprintf(stderr, "outbox_proc: SIGKILL at %s\n", die_steps[step]);
        raise(SIGKILL);
    }
}

/* A sink passing each batch to the real one, with the two deaths around it. */
struct die_sink {
    ot_sink vt;
    ot_sink *inner;
    int before, after;
};

static int die_deliver(void *userdata, const ot_event *const *events, size_t n,
                       ot_error *outcomes, ot_error *err)
{
    struct die_sink *d = userdata;
    int rc;
    die_at(d->before);
    rc = d->inner->deliver(d->inner->userdata, events, n, outcomes, err);
    die_at(d->after);
    return rc;
}

static void die_sink_wrap(struct die_sink *d, ot_sink *inner, int before, int after)
{
    ot_sink init = OT_SINK_INIT;
    d->vt = init;
    d->vt.userdata = d;
    d->vt.name = inner->name;
    d->vt.deliver = die_deliver;
    d->inner = inner;
    d->before = before;
    d->after = after;
}

static int die_mark(void *userdata, const ot_outbox_mark *m, ot_error *err)
{
    int rc = die.mark(userdata, m, err);
    die_at(DIE_MARK);
    return rc;
}

#ifdef OUTBOX_PROC_NATS
static ot_sink *nats_open(const char *url, ot_error *err)
{
    ot_nats_sink_options o = OT_NATS_SINK_OPTIONS_INIT;
    ot_sink *sink = NULL;
    int tries;
    o.servers = &url;
    o.server_count = 1;
    o.duplicate_window_ms = 600000; /* longer than the test: every republish is dropped */
    o.timeout_ms = 2000;
    for (tries = 0; tries < 50 && ot_nats_sink_new(&sink, &o, err) != 0; tries++) {
        struct timespec ts = {0, 100000000};
        nanosleep(&ts, NULL);
    }
    return sink;
}

static int stream_main(const char *url)
{
    natsConnection *nc = NULL;
    jsCtx *js = NULL;
    jsStreamInfo *si = NULL;
    uint64_t seq;
    natsStatus s;

    if ((s = natsConnection_ConnectTo(&nc, url)) != NATS_OK ||
        (s = natsConnection_JetStream(&js, nc, NULL)) != NATS_OK ||
        (s = js_GetStreamInfo(&si, js, "ORDERTRACK", NULL, NULL)) != NATS_OK) {
        fprintf(stderr, "outbox_proc: stream: %s\n", natsStatus_GetText(s));
        return 1;
    }
    for (seq = si->State.FirstSeq; seq <= si->State.LastSeq; seq++) {
        natsMsg *m = NULL;
        const char *id = NULL;
        if ((s = js_GetMsg(&m, js, "ORDERTRACK", seq, NULL, NULL)) != NATS_OK) {
            fprintf(stderr, "outbox_proc: message %llu: %s\n", (unsigned long long)seq,
                    natsStatus_GetText(s));
            return 1;
        }
        if (natsMsgHeader_Get(m, "Nats-Msg-Id", &id) != NATS_OK)
            id = "-"; /* none: the test reports it */
        printf("%s\t%.*s\n", id, natsMsg_GetDataLength(m), natsMsg_GetData(m));
        natsMsg_Destroy(m);
    }
    printf("end\t%llu\n", (unsigned long long)si->State.Msgs);
    jsStreamInfo_Destroy(si);
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    return 0;
}
#endif

static int relay_main(const char *path, const char *url, const char *secret,
                      const char *nats_url)
{
    ot_curl_options co = OT_CURL_OPTIONS_INIT;
    ot_webhook_subscription sub = OT_WEBHOOK_SUBSCRIPTION_INIT;
    ot_webhook_sink_options wo = OT_WEBHOOK_SINK_OPTIONS_INIT;
    ot_relay_options ro = OT_RELAY_OPTIONS_INIT;
    ot_http http;
    ot_sink *sinks[2] = {NULL, NULL};
    struct die_sink wrapped[2];
    ot_sink *relay_sinks[2];
    ot_storage *st, marked;
    ot_relay *relay = NULL;
    ot_error err;
    size_t i, n = 1;

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
    if (ot_webhook_sink_new(&sinks[0], &wo, &err))
        return fail("sink", &err);
    die_sink_wrap(&wrapped[0], sinks[0], DIE_WEBHOOK_BEFORE, DIE_WEBHOOK_AFTER);
    if (nats_url && strcmp(nats_url, "-") != 0) {
#ifdef OUTBOX_PROC_NATS
        if (!(sinks[1] = nats_open(nats_url, &err)))
            return fail("nats sink", &err);
        die_sink_wrap(&wrapped[1], sinks[1], DIE_NATS_BEFORE, DIE_NATS_AFTER);
        n = 2;
#else
        fprintf(stderr, "outbox_proc: NATS_URL: built without libordertrack-nats\n");
        return 2;
#endif
    }
    for (i = 0; i < n; i++)
        relay_sinks[i] = &wrapped[i].vt;
    marked = *st;
    die.mark = st->outbox_mark;
    marked.outbox_mark = die_mark;
    ro.storage = &marked;
    ro.sinks = relay_sinks;
    ro.sink_count = n;
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
    for (i = 0; i < n; i++)
        ot_sink_close(sinks[i]);
    if (http.close)
        http.close(http.userdata);
    ot_storage_close(st);
    return 0;
}

static int die_parse(const char *step, const char *count)
{
    int i;
    for (i = 0; i < DIE_STEPS && strcmp(step, die_steps[i]) != 0; i++)
        ;
    if (i == DIE_STEPS || atol(count) < 1) {
        fprintf(stderr, "outbox_proc: STEP %s N %s: unknown step or N < 1\n", step, count);
        return -1;
    }
    die.step = i;
    die.left = atol(count);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 5 && strcmp(argv[1], "write") == 0)
        return write_main(argv[2], atoi(argv[3]), atoi(argv[4]));
    if ((argc == 5 || argc == 6 || argc == 8) && strcmp(argv[1], "relay") == 0) {
        if (argc == 8 && die_parse(argv[6], argv[7]))
            return 2;
        return relay_main(argv[2], argv[3], argv[4], argc > 5 ? argv[5] : NULL);
    }
#ifdef OUTBOX_PROC_NATS
    if (argc == 3 && strcmp(argv[1], "stream") == 0)
        return stream_main(argv[2]);
#endif
    fprintf(stderr, "usage: outbox_proc write DB ORDERS WRITES"
                    " | relay DB URL SECRET [NATS_URL|- [STEP N]] | stream NATS_URL\n");
    return 2;
}
