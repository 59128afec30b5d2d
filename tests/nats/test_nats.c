/* The NATS JetStream sink (libordertrack-nats) against real nats-server processes on
 * loopback, started here: subjects, refused options, delivery and replay, a republished
 * duplicate dropped by JetStream, the relay over an SQLite outbox, and a three-node cluster
 * (replicas 3) whose stream leader is SIGKILLed mid-delivery and restarted: no event lost,
 * none duplicated (counted by message id over the whole stream). */
#include <nats/nats.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "nats_servers.h"
#include "ordertrack/adapters/nats.h"
#include "ordertrack/adapters/sqlite.h"
#include "ordertrack/ordertrack.h"
#include "ordertrack/outbox.h"
#include "ordertrack/sys/sink.h"
#include "ordertrack/sys/storage.h"

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Synthetic events: order i of store "store.<i % 3>" (a dot, escaped in the subject). */
struct fake_event {
    ot_event e;
    char id[40], order[32], store[32], json[160];
};

static void fake_fill(struct fake_event *f, int i, int run)
{
    ot_event init = OT_EVENT_INIT;
    f->e = init;
    snprintf(f->id, sizeof f->id, "evt_%08x%024x", (unsigned)run, (unsigned)i);
    snprintf(f->order, sizeof f->order, "o-%d", i);
    snprintf(f->store, sizeof f->store, "store.%d", i % 3);
    snprintf(f->json, sizeof f->json, "{\"event_id\":\"%s\",\"order_id\":\"%s\",\"n\":%d}",
             f->id, f->order, i);
    f->e.event_id = f->id;
    f->e.order_id = f->order;
    f->e.store_id = f->store;
    f->e.sequence = 1000;
    f->e.type = OT_EVENT_STATUS_CHANGED;
    f->e.json = f->json;
    f->e.json_len = strlen(f->json);
}

/* A sink on the servers; a cluster's JetStream needs a few seconds to elect its meta
 * leader after a start, so the first attempts may time out. */
static ot_sink *sink_open(const ot_nats_test_servers *s, const char *stream, int replicas)
{
    int64_t deadline = now_ms() + 30000;
    const char *urls[OT_NATS_TEST_NODES_MAX];
    ot_nats_sink_options o = OT_NATS_SINK_OPTIONS_INIT;
    ot_sink *sink = NULL;
    ot_error err;
    int i;
    for (i = 0; i < s->count; i++)
        urls[i] = s->nodes[i].url;
    o.servers = urls;
    o.server_count = (size_t)s->count;
    o.stream = stream;
    o.replicas = replicas;
    o.timeout_ms = 2000;
    while (ot_nats_sink_new(&sink, &o, &err) != 0 && now_ms() < deadline)
        sleep_ms(200);
    if (!sink)
        fail_msg("ot_nats_sink_new: %s (%s)", err.message, err.field);
    return sink;
}

/* The test's own client, to read the stream back as a consumer would. */
struct reader {
    natsConnection *nc;
    jsCtx *js;
};

static void reader_open(struct reader *r, const ot_nats_test_servers *s)
{
    const char *urls[OT_NATS_TEST_NODES_MAX];
    natsOptions *no = NULL;
    int i;
    for (i = 0; i < s->count; i++)
        urls[i] = s->nodes[i].url;
    assert_int_equal(natsOptions_Create(&no), NATS_OK);
    assert_int_equal(natsOptions_SetServers(no, urls, s->count), NATS_OK);
    assert_int_equal(natsOptions_SetMaxReconnect(no, -1), NATS_OK);
    assert_int_equal(natsConnection_Connect(&r->nc, no), NATS_OK);
    natsOptions_Destroy(no);
    assert_int_equal(natsConnection_JetStream(&r->js, r->nc, NULL), NATS_OK);
}

static void reader_close(struct reader *r)
{
    jsCtx_Destroy(r->js);
    natsConnection_Destroy(r->nc);
}

static uint64_t stream_msgs(struct reader *r, const char *stream, char *leader, size_t size)
{
    jsStreamInfo *si = NULL;
    uint64_t n;
    int tries;
    for (tries = 0; js_GetStreamInfo(&si, r->js, stream, NULL, NULL) != NATS_OK; tries++) {
        assert_true(tries < 100);
        sleep_ms(100);
    }
    n = si->State.Msgs;
    if (leader)
        snprintf(leader, size, "%s", si->Cluster && si->Cluster->Leader ? si->Cluster->Leader
                                                                         : "");
    jsStreamInfo_Destroy(si);
    return n;
}

/* Replay: read every message of the stream from sequence 1, and count how many carry each
 * expected message id (ids[i]); any unexpected id fails. */
static void stream_replay(struct reader *r, const char *stream, char (*ids)[40], size_t n,
                          unsigned *seen)
{
    uint64_t total = stream_msgs(r, stream, NULL, 0), seq;
    memset(seen, 0, n * sizeof *seen);
    for (seq = 1; seq <= total; seq++) {
        natsMsg *m = NULL;
        const char *id = NULL;
        size_t i;
        int tries;
        for (tries = 0; js_GetMsg(&m, r->js, stream, seq, NULL, NULL) != NATS_OK; tries++) {
            assert_true(tries < 100);
            sleep_ms(100);
        }
        assert_int_equal(natsMsgHeader_Get(m, "Nats-Msg-Id", &id), NATS_OK);
        for (i = 0; i < n && strcmp(ids[i], id) != 0; i++)
            ;
        if (i == n)
            fail_msg("stream %s seq %llu has the unexpected message id %s", stream,
                     (unsigned long long)seq, id);
        seen[i]++;
        natsMsg_Destroy(m);
    }
}

#define SINGLE_EVENTS 40

/* docs/events.md's C consumer: an ephemeral JetStream consumer from the first message reads
 * every event again, in order, each once. */
static void consumer_replay(struct reader *r, char (*ids)[40])
{
    natsSubscription *sub = NULL;
    natsMsg *m = NULL;
    int n = 0;
    assert_int_equal(js_SubscribeSync(&sub, r->js, "ordertrack.>", NULL, NULL, NULL), NATS_OK);
    while (natsSubscription_NextMsg(&m, sub, 1000) == NATS_OK) {
        const char *id = NULL;
        assert_int_equal(natsMsgHeader_Get(m, "Nats-Msg-Id", &id), NATS_OK);
        assert_true(n < SINGLE_EVENTS);
        assert_string_equal(id, ids[n]);
        n++;
        natsMsg_Ack(m, NULL);
        natsMsg_Destroy(m);
    }
    assert_int_equal(n, SINGLE_EVENTS);
    natsSubscription_Unsubscribe(sub);
    natsSubscription_Destroy(sub);
}

static void subjects(void **state)
{
    char out[OT_NATS_SUBJECT_MAX], tiny[12];
    ot_error err;
    (void)state;
    assert_int_equal(ot_nats_subject(out, sizeof out, NULL, "store-7", OT_EVENT_STATUS_CHANGED,
                                     &err), 0);
    assert_string_equal(out, "ordertrack.store-7.order.status_changed");
    assert_int_equal(ot_nats_subject(out, sizeof out, "acme.ot", "eu.north 1%",
                                     OT_EVENT_ETA_CHANGED, &err), 0);
    assert_string_equal(out, "acme.ot.eu%2Enorth%201%25.order.eta_changed");
    assert_int_equal(ot_nats_subject(out, sizeof out, "p", "*>", OT_EVENT_ISSUE_RAISED, &err),
                     0);
    assert_string_equal(out, "p.%2A%3E.order.issue_raised");
    assert_int_equal(ot_nats_subject(out, sizeof out, "p", "", OT_EVENT_SLA_BREACHED, &err), 0);
    assert_string_equal(out, "p.%00.order.sla_breached");
    assert_int_equal(ot_nats_subject(out, sizeof out, "a..b", "s", 1, &err), OT_EINVAL);
    assert_string_equal(err.field, "subject_prefix");
    assert_int_equal(ot_nats_subject(out, sizeof out, "a.>", "s", 1, &err), OT_EINVAL);
    assert_int_equal(ot_nats_subject(out, sizeof out, "p", "s", 99, &err), OT_EINVAL);
    assert_string_equal(err.field, "type");
    assert_int_equal(ot_nats_subject(tiny, sizeof tiny, "p", "store", 1, &err), OT_ELIMIT);
    assert_string_equal(err.field, "out");
}

static void expect_refused(ot_nats_sink_options *o, int code, const char *field)
{
    ot_sink *sink = (ot_sink *)1;
    ot_error err;
    assert_int_equal(ot_nats_sink_new(&sink, o, &err), code);
    assert_null(sink);
    assert_string_equal(err.field, field);
}

static void options_refused(void **state)
{
    const char *urls[] = {"nats://127.0.0.1:1"};
    const char *empty[] = {""};
    ot_nats_sink_options o;
    ot_error err;
    (void)state;
    assert_int_equal(ot_nats_sink_options_init(&o, 2, &err), OT_EVERSION);
    assert_int_equal(ot_nats_sink_options_init(&o, 1, &err), 0);
    expect_refused(&o, OT_EINVAL, "servers");
    o.servers = empty;
    o.server_count = 1;
    expect_refused(&o, OT_EINVAL, "servers[0]");
    o.servers = urls;
    o.replicas = 6;
    expect_refused(&o, OT_EINVAL, "replicas");
    o.replicas = 1;
    o.stream = "a.b";
    expect_refused(&o, OT_EINVAL, "stream");
    o.stream = NULL;
    o.subject_prefix = "x.*";
    expect_refused(&o, OT_EINVAL, "subject_prefix");
    o.subject_prefix = NULL;
    o.name = "Upper";
    expect_refused(&o, OT_EINVAL, "name");
    o.name = NULL;
    o.timeout_ms = 50;
    expect_refused(&o, OT_EINVAL, "timeout_ms");
    o.timeout_ms = 300;
    o.duplicate_window_ms = 10;
    expect_refused(&o, OT_EINVAL, "duplicate_window_ms");
    o.duplicate_window_ms = 120000;
    expect_refused(&o, OT_EUNAVAILABLE, "servers"); /* nothing listens on port 1 */
}

static void single_server(void **state)
{
    static struct fake_event ev[SINGLE_EVENTS];
    static char ids[SINGLE_EVENTS][40];
    const ot_event *batch[SINGLE_EVENTS];
    ot_error outcomes[SINGLE_EVENTS], err;
    unsigned seen[SINGLE_EVENTS];
    ot_nats_test_servers servers;
    struct reader r;
    ot_sink *sink, *other = NULL;
    ot_nats_sink_options o = OT_NATS_SINK_OPTIONS_INIT;
    const char *urls[1];
    natsMsg *m = NULL;
    int i;
    (void)state;
    assert_int_equal(ot_nats_test_start(&servers, 1), 0);
    sink = sink_open(&servers, "SINGLE", 1);
    assert_int_equal(ot_sink_check(sink, &err), 0);
    assert_string_equal(sink->name, "nats");
    for (i = 0; i < SINGLE_EVENTS; i++) {
        fake_fill(&ev[i], i, 1);
        batch[i] = &ev[i].e;
        strcpy(ids[i], ev[i].id);
    }
    memset(outcomes, 0, sizeof outcomes);
    assert_int_equal(sink->deliver(sink->userdata, batch, SINGLE_EVENTS, outcomes, &err), 0);
    for (i = 0; i < SINGLE_EVENTS; i++)
        assert_int_equal(outcomes[i].code, 0);

    /* A relay's redelivery of the first ten: accepted (duplicates), not stored again. */
    memset(outcomes, 0, sizeof outcomes);
    assert_int_equal(sink->deliver(sink->userdata, batch, 10, outcomes, &err), 0);
    for (i = 0; i < 10; i++)
        assert_int_equal(outcomes[i].code, 0);

    reader_open(&r, &servers);
    assert_int_equal(stream_msgs(&r, "SINGLE", NULL, 0), SINGLE_EVENTS);
    stream_replay(&r, "SINGLE", ids, SINGLE_EVENTS, seen);
    for (i = 0; i < SINGLE_EVENTS; i++)
        assert_int_equal(seen[i], 1);
    /* The subject and the data of one message, as a consumer reads it. */
    assert_int_equal(js_GetLastMsg(&m, r.js, "SINGLE", "ordertrack.store%2E1.order.>", NULL,
                                   NULL), NATS_OK);
    assert_string_equal(natsMsg_GetSubject(m), "ordertrack.store%2E1.order.status_changed");
    assert_memory_equal(natsMsg_GetData(m), ev[37].json, strlen(ev[37].json));
    natsMsg_Destroy(m);
    consumer_replay(&r, ids);

    /* The existing stream is checked: other replicas, or another subject filter, refused. */
    urls[0] = servers.nodes[0].url;
    o.servers = urls;
    o.server_count = 1;
    o.stream = "SINGLE";
    o.replicas = 3;
    assert_int_equal(ot_nats_sink_new(&other, &o, &err), OT_EINVAL);
    assert_string_equal(err.field, "replicas");
    o.replicas = 1;
    o.subject_prefix = "elsewhere";
    assert_int_equal(ot_nats_sink_new(&other, &o, &err), OT_EINVAL);
    assert_string_equal(err.field, "stream");
    /* A single server cannot hold 3 replicas: JetStream's refusal, naming the stream. */
    o.stream = "THREE";
    o.replicas = 3;
    assert_int_equal(ot_nats_sink_new(&other, &o, &err), OT_EIO);
    assert_string_equal(err.field, "stream");

    /* The server gone: the batch's events fail (to be retried), nothing crashes. */
    ot_nats_test_node_kill(&servers, 0);
    memset(outcomes, 0, sizeof outcomes);
    assert_int_equal(sink->deliver(sink->userdata, batch, 3, outcomes, &err), 0);
    for (i = 0; i < 3; i++)
        assert_true(outcomes[i].code < 0);
    reader_close(&r);
    ot_sink_close(sink);
    ot_nats_test_stop(&servers);
}

/* --- the cluster: three nodes, replicas 3, the stream leader killed mid-delivery ---------- */

#define CLUSTER_EVENTS 3000
#define CLUSTER_BATCH 50

struct pump {
    ot_sink *sink;
    struct fake_event *ev;
    volatile int next;          /* events handed out so far (delivered or not) */
    unsigned failures;
};

/* A relay's loop in miniature: deliver in batches, retry a batch's failed events until they
 * are delivered, in order. */
static void *pump_run(void *arg)
{
    struct pump *p = arg;
    const ot_event *batch[CLUSTER_BATCH];
    ot_error outcomes[CLUSTER_BATCH], err;
    int pending[CLUSTER_BATCH], n = 0, i, k;
    int64_t deadline = now_ms() + 120000;
    while ((p->next < CLUSTER_EVENTS || n > 0) && now_ms() < deadline) {
        while (n < CLUSTER_BATCH && p->next < CLUSTER_EVENTS)
            pending[n++] = p->next++;
        for (i = 0; i < n; i++)
            batch[i] = &p->ev[pending[i]].e;
        memset(outcomes, 0, sizeof outcomes);
        if (p->sink->deliver(p->sink->userdata, batch, (size_t)n, outcomes, &err) != 0)
            continue;
        for (i = k = 0; i < n; i++)
            if (outcomes[i].code != 0)
                pending[k++] = pending[i];
        if (k > 0) {
            p->failures += (unsigned)k;
            sleep_ms(100);
        }
        n = k;
    }
    return NULL;
}

static void cluster_leader_killed(void **state)
{
    static struct fake_event ev[CLUSTER_EVENTS];
    static char ids[CLUSTER_EVENTS][40];
    static unsigned seen[CLUSTER_EVENTS];
    ot_nats_test_servers servers;
    struct pump p;
    struct reader r;
    pthread_t th;
    char leader[16];
    int i, victim = -1;
    uint64_t stored;
    (void)state;
    assert_int_equal(ot_nats_test_start(&servers, 3), 0);
    memset(&p, 0, sizeof p);
    p.ev = ev;
    for (i = 0; i < CLUSTER_EVENTS; i++) {
        fake_fill(&ev[i], i, 2);
        strcpy(ids[i], ev[i].id);
    }
    p.sink = sink_open(&servers, "CLUSTER", 3);
    reader_open(&r, &servers);
    stream_msgs(&r, "CLUSTER", leader, sizeof leader);
    assert_true(leader[0] == 'n');
    victim = leader[1] - '1';
    assert_int_equal(pthread_create(&th, NULL, pump_run, &p), 0);
    while (p.next < CLUSTER_EVENTS / 3)
        sleep_ms(1);
    ot_nats_test_node_kill(&servers, victim);      /* mid-delivery */
    print_message("killed the stream leader n%d after %d events\n", victim + 1, p.next);
    sleep_ms(1500);
    assert_int_equal(ot_nats_test_node_start(&servers, victim), 0);
    print_message("restarted n%d at %d events\n", victim + 1, p.next);
    pthread_join(th, NULL);
    print_message("%u failed deliveries retried\n", p.failures);
    assert_int_equal(p.next, CLUSTER_EVENTS);

    stored = stream_msgs(&r, "CLUSTER", leader, sizeof leader);
    assert_int_equal(stored, CLUSTER_EVENTS);
    stream_replay(&r, "CLUSTER", ids, CLUSTER_EVENTS, seen);
    for (i = 0; i < CLUSTER_EVENTS; i++)
        if (seen[i] != 1)
            fail_msg("event %d (%s) is in the stream %u times", i, ids[i], seen[i]);
    reader_close(&r);
    ot_sink_close(p.sink);
    ot_nats_test_stop(&servers);
}

/* --- the real relay over an SQLite outbox, the cluster's stream leader killed ----------- */

#define RELAY_ORDERS 400

struct relay_run {
    ot_relay *relay;
    ot_relay_stats stats;
};

static void *relay_main(void *arg)
{
    struct relay_run *r = arg;
    ot_error err;
    assert_int_equal(ot_relay_run(r->relay, &r->stats, &err), 0);
    return NULL;
}

struct collect {
    char (*ids)[40];
    size_t n, max;
};

static int collect_id(void *ctx, const ot_event *e, ot_error *err)
{
    struct collect *c = ctx;
    (void)err;
    if (c->n == c->max)
        return OT_ELIMIT;
    snprintf(c->ids[c->n++], 40, "%s", e->event_id);
    return 0;
}

/* Events of the outbox matching `state` for sink "nats" (OT_OUTBOX_ANY: all), into c. */
static void outbox_ids(const ot_storage *storage, int state, struct collect *c)
{
    ot_outbox_query q = OT_OUTBOX_QUERY_INIT;
    int64_t next = 0;
    ot_error err;
    c->n = 0;
    q.limit = OT_OUTBOX_QUERY_MAX;
    q.sink = "nats";
    q.state = state;
    do {
        q.after = next;
        assert_int_equal(ot_outbox_query_run(&next, storage, &q, collect_id, c, &err), 0);
    } while (next != q.after);
}

static void relay_cluster_leader_killed(void **state)
{
    static char ids[RELAY_ORDERS * 4][40], pending_ids[RELAY_ORDERS * 4][40];
    static unsigned seen[RELAY_ORDERS * 4];
    ot_nats_test_servers servers;
    ot_sqlite_options so = OT_SQLITE_OPTIONS_INIT;
    ot_tracker_options to = OT_TRACKER_OPTIONS_INIT;
    ot_relay_options ro = OT_RELAY_OPTIONS_INIT;
    struct collect all = {ids, 0, RELAY_ORDERS * 4}, pending = {pending_ids, 0, RELAY_ORDERS * 4};
    ot_storage *writer = NULL, *reader_store = NULL;
    ot_tracker *tracker = NULL;
    struct relay_run run;
    struct reader r;
    pthread_t th;
    ot_sink *sink;
    ot_error err;
    char path[300], leader[16], order[32];
    int i, victim;
    int64_t deadline;
    (void)state;
    assert_int_equal(ot_nats_test_start(&servers, 3), 0);
    snprintf(path, sizeof path, "%s/outbox.db", servers.dir);
    so.synchronous = OT_SQLITE_SYNC_NORMAL;
    assert_int_equal(ot_storage_sqlite_open(&writer, path, &so, &err), 0);
    assert_int_equal(ot_storage_sqlite_open(&reader_store, path, &so, &err), 0);
    to.storage = writer;
    to.outbox = 1;
    assert_int_equal(ot_tracker_new(&tracker, &to, &err), 0);

    sink = sink_open(&servers, "RELAYED", 3);
    reader_open(&r, &servers);
    stream_msgs(&r, "RELAYED", leader, sizeof leader);
    victim = leader[1] - '1';
    ro.storage = reader_store;
    ro.sinks = &sink;
    ro.sink_count = 1;
    ro.max_attempts = 1000;
    ro.backoff_base_ms = 50;
    ro.backoff_max_ms = 500;
    ro.poll_interval_ms = 10;
    memset(&run, 0, sizeof run);
    run.stats.version = OT_RELAY_STATS_VERSION;
    if (ot_relay_new(&run.relay, &ro, &err) != 0)
        fail_msg("ot_relay_new: %s", err.message);
    assert_int_equal(pthread_create(&th, NULL, relay_main, &run), 0);

    for (i = 0; i < RELAY_ORDERS; i++) {
        ot_request req = OT_REQUEST_INIT;
        snprintf(order, sizeof order, "o-%d", i);
        req.order_id = order;
        req.store_id = i % 2 ? "store.east" : "store-west";
        req.customer_id = "c-1";
        req.provider = OT_PROVIDER_UBER;
        if (ot_tracker_init_order(NULL, tracker, &req, &err) != 0)
            fail_msg("init %s: %s", order, err.message);
        if (i == RELAY_ORDERS / 3) {
            ot_nats_test_node_kill(&servers, victim); /* the relay is delivering */
            print_message("killed the stream leader n%d at order %d\n", victim + 1, i);
        }
        if (i == RELAY_ORDERS * 2 / 3) {
            assert_int_equal(ot_nats_test_node_start(&servers, victim), 0);
            print_message("restarted n%d at order %d\n", victim + 1, i);
        }
    }
    deadline = now_ms() + 90000;
    do {
        sleep_ms(100);
        outbox_ids(reader_store, OT_OUTBOX_PENDING, &pending);
    } while (pending.n > 0 && now_ms() < deadline);
    ot_relay_stop(run.relay);
    pthread_join(th, NULL);
    print_message("relay: %llu delivered, %llu failed, %llu dead\n",
                  (unsigned long long)run.stats.delivered, (unsigned long long)run.stats.failed,
                  (unsigned long long)run.stats.dead);
    assert_int_equal(pending.n, 0);
    assert_int_equal(run.stats.dead, 0);
    outbox_ids(reader_store, OT_OUTBOX_ANY, &all);
    assert_true(all.n >= RELAY_ORDERS);
    outbox_ids(reader_store, OT_OUTBOX_DELIVERED, &pending);
    assert_int_equal(pending.n, all.n);
    /* Every committed event is in the stream exactly once. */
    assert_int_equal(stream_msgs(&r, "RELAYED", NULL, 0), all.n);
    stream_replay(&r, "RELAYED", ids, all.n, seen);
    for (i = 0; i < (int)all.n; i++)
        if (seen[i] != 1)
            fail_msg("event %s is in the stream %u times", ids[i], seen[i]);
    ot_relay_free(run.relay);
    ot_tracker_free(tracker);
    ot_storage_close(writer);
    ot_storage_close(reader_store);
    reader_close(&r);
    ot_sink_close(sink);
    ot_nats_test_stop(&servers);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(subjects),
        cmocka_unit_test(options_refused),
        cmocka_unit_test(single_server),
        cmocka_unit_test(cluster_leader_killed),
        cmocka_unit_test(relay_cluster_leader_killed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
