/* Outbound events: what each write records (types, documents, sequence), never without its
 * commit, and the relay's guarantees over the memory store: in order per order, retries with
 * backoff, dead letters with a notice, replay, a relay stopped between a delivery and its
 * mark delivering again, two sinks apart, retention. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "test_util.h"
#include "alloc_sweep.h"
#include "faulty_storage.h"
#include <ordertrack/adapters/memory.h>
#include <ordertrack/sys/clock.h>
#include <ordertrack/sys/notice.h>
#include <ordertrack/sys/sink.h>

#define T0 1796342400000LL /* 2026-12-04T00:00:00Z */

static int64_t fake_now(void *userdata)
{
    return *(int64_t *)userdata;
}

/* A sink that records what it was handed and fails as told. */
struct rec_sink {
    ot_sink vtable;
    char ids[256][40];
    char orders[256][32];
    int64_t sequences[256];
    int types[256];
    int n;
    size_t max_batch;
    const char *fail_order;  /* fail every event of this order... */
    int fail_times;          /* ...this many times (-1: always) */
    int down;                /* fail the whole batch */
};

static int rec_deliver(void *userdata, const ot_event *const *events, size_t n,
                       ot_error *outcomes, ot_error *err)
{
    struct rec_sink *s = userdata;
    size_t i, j;
    if (n > s->max_batch)
        s->max_batch = n;
    /* one event per order in a batch */
    for (i = 0; i < n; i++)
        for (j = 0; j < i; j++)
            assert_string_not_equal(events[i]->order_id, events[j]->order_id);
    if (s->down)
        return ot_error_set(err, OT_EUNAVAILABLE, NULL, "sink down");
    for (i = 0; i < n; i++) {
        if (s->fail_order && strcmp(events[i]->order_id, s->fail_order) == 0 &&
            s->fail_times != 0) {
            if (s->fail_times > 0)
                s->fail_times--;
            ot_error_set(&outcomes[i], OT_EHTTP, NULL, "receiver answered 500");
            continue;
        }
        assert_true(s->n < 256);
        snprintf(s->ids[s->n], sizeof s->ids[s->n], "%s", events[i]->event_id);
        snprintf(s->orders[s->n], sizeof s->orders[s->n], "%s", events[i]->order_id);
        s->sequences[s->n] = events[i]->sequence;
        s->types[s->n] = events[i]->type;
        s->n++;
    }
    return 0;
}

static void rec_init(struct rec_sink *s, const char *name)
{
    memset(s, 0, sizeof *s);
    ot_sink_init(&s->vtable, OT_SINK_VERSION, NULL);
    s->vtable.userdata = s;
    s->vtable.name = name;
    s->vtable.deliver = rec_deliver;
}

struct notices {
    char details[16][128];
    int n;
};

static void on_notice(void *userdata, const ot_notice *n)
{
    struct notices *k = userdata;
    if (n->kind == OT_NOTICE_DEAD_LETTER && k->n < 16)
        snprintf(k->details[k->n++], sizeof k->details[0], "%s", n->detail);
}

struct fixture {
    ot_storage *st;
    ot_tracker *t;
    int64_t now;
    ot_clock clock;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    ot_tracker_options o = OT_TRACKER_OPTIONS_INIT;
    f->now = T0;
    f->clock = (ot_clock)OT_CLOCK_INIT;
    f->clock.userdata = &f->now;
    f->clock.now_ms = fake_now;
    assert_int_equal(ot_storage_memory_new(&f->st, NULL), 0);
    o.storage = f->st;
    o.clock = &f->clock;
    o.outbox = 1;
    assert_int_equal(ot_tracker_new(&f->t, &o, NULL), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    ot_tracker_free(f->t);
    ot_storage_close(f->st);
    free(f);
    return 0;
}

static void ok(int rc, const ot_error *err, const char *what)
{
    if (rc != 0)
        fail_msg("%s: %d %s", what, rc, err->message);
}

static ot_request order_req(const char *order_id)
{
    ot_request r = OT_REQUEST_INIT;
    r.order_id = order_id;
    r.store_id = "store-1";
    r.customer_id = "cust-1";
    r.provider = OT_PROVIDER_INTERNAL;
    r.updated_by = "test";
    return r;
}

/* Every event of the outbox, as documents, oldest first. */
struct all {
    json_t *docs[64];
    int64_t positions[64];
    int n;
};

static int all_emit(void *ctx, const ot_event *ev, ot_error *err)
{
    struct all *a = ctx;
    json_error_t jerr;
    json_t *doc = json_loadb(ev->json, ev->json_len, 0, &jerr);
    (void)err;
    assert_non_null(doc);
    assert_true(a->n < 64);
    /* the struct and the document agree */
    assert_string_equal(json_string_value(json_object_get(doc, "event_id")), ev->event_id);
    assert_string_equal(json_string_value(json_object_get(doc, "order_id")), ev->order_id);
    assert_int_equal(json_integer_value(json_object_get(doc, "sequence")), ev->sequence);
    a->positions[a->n] = ev->position;
    a->docs[a->n++] = doc;
    return 0;
}

static void all_read(struct all *a, ot_storage *st, const char *order_id)
{
    ot_outbox_query q = OT_OUTBOX_QUERY_INIT;
    q.order_id = order_id;
    memset(a, 0, sizeof *a);
    assert_int_equal(ot_outbox_query_run(NULL, st, &q, all_emit, a, NULL), 0);
}

static void all_free(struct all *a)
{
    int i;
    for (i = 0; i < a->n; i++)
        json_decref(a->docs[i]);
    a->n = 0;
}

static const char *type_of(const struct all *a, int i)
{
    return json_string_value(json_object_get(a->docs[i], "type"));
}

static const char *data_str(const struct all *a, int i, const char *key)
{
    return json_string_value(json_object_get(json_object_get(a->docs[i], "data"), key));
}

static void test_event_types(void **state)
{
    struct fixture *f = *state;
    ot_request r = order_req("o-1");
    ot_update u = OT_UPDATE_INIT;
    ot_sla_sweep_result sweep = OT_SLA_SWEEP_RESULT_INIT;
    struct all a;
    ot_error err;
    int64_t retry = 0;
    int i;

    r.estimated_delivery_ms = T0 + 3600000;
    ok(ot_tracker_init_order(NULL, f->t, &r, &err), &err, "init");
    all_read(&a, f->st, "o-1");
    assert_int_equal(a.n, 2);
    assert_string_equal(type_of(&a, 0), "order.status_changed");
    assert_true(json_is_null(json_object_get(json_object_get(a.docs[0], "data"), "from")));
    assert_string_equal(data_str(&a, 0, "to"), "submitted");
    assert_string_equal(type_of(&a, 1), "order.eta_changed");
    assert_string_equal(data_str(&a, 1, "to"), "2026-12-04T01:00:00.000Z");
    /* the order's public state, without personal data */
    {
        json_t *o = json_object_get(a.docs[0], "order");
        assert_string_equal(json_string_value(json_object_get(o, "current_status")), "submitted");
        assert_int_equal(json_integer_value(json_object_get(o, "version")), 1);
        assert_null(json_object_get(o, "customer_id"));
        assert_int_equal(json_integer_value(json_object_get(a.docs[0], "sequence")), 1000);
        assert_int_equal(json_integer_value(json_object_get(a.docs[1], "sequence")), 1001);
        assert_string_equal(json_string_value(json_object_get(a.docs[0], "occurred_at")),
                            "2026-12-04T00:00:00.000Z");
    }
    all_free(&a);

    /* an implied step and its target: one status event */
    f->now += 1000;
    ok(ot_tracker_store_acknowledge(NULL, f->t, &r, &err), &err, "ack");
    ok(ot_tracker_start_picking(NULL, f->t, &r, &err), &err, "pick");
    ok(ot_tracker_ready(NULL, f->t, &r, &err), &err, "ready");
    r.issue_type = "damaged_item";
    r.description = "box crushed";
    r.severity = OT_SEVERITY_HIGH;
    ok(ot_tracker_raise_issue(NULL, f->t, &r, &err), &err, "issue");
    r.driver_id = "d-1";
    r.driver_name = "Asha";
    r.driver_phone = "+15550100";
    r.vehicle_type = "bike";
    r.estimated_delivery_ms = T0 + 2400000; /* a new ETA with the driver */
    ok(ot_tracker_assign_driver(NULL, &retry, f->t, &r, &err), &err, "assign");
    ok(ot_tracker_pickup(NULL, f->t, &r, &err), &err, "pickup");
    r.latitude = 12.5;
    r.longitude = 77.25;
    r.time_ms = f->now;
    ok(ot_tracker_update_location(NULL, f->t, &r, &err), &err, "location");
    /* the partner revises the ETA */
    u.provider = OT_PROVIDER_INTERNAL;
    u.order_id = "o-1";
    u.event_id = "p-1";
    u.raw_status = "en_route";
    u.event_time_ms = f->now;
    u.eta_ms = T0 + 3000000;
    u.driver_id = "d-1";
    ok(ot_tracker_apply_update(NULL, f->t, &u, NULL, &err), &err, "eta revised");
    all_read(&a, f->st, "o-1");
    {
        static const char *const want[] = {
            "order.status_changed", "order.eta_changed",                          /* init */
            "order.status_changed",                                              /* ack */
            "order.status_changed",                                              /* pick */
            "order.status_changed",                                              /* ready */
            "order.issue_raised",                                                /* issue */
            "order.status_changed", "order.eta_changed",                         /* assign */
            "order.status_changed",                                              /* pickup */
            "order.status_changed", "order.location_updated",                    /* location */
            "order.eta_changed",                                                 /* partner */
        };
        assert_int_equal(a.n, (int)(sizeof want / sizeof want[0]));
        for (i = 0; i < a.n; i++) {
            assert_string_equal(type_of(&a, i), want[i]);
            if (i)
                assert_true(json_integer_value(json_object_get(a.docs[i], "sequence")) >
                            json_integer_value(json_object_get(a.docs[i - 1], "sequence")));
        }
        assert_string_equal(data_str(&a, 2, "from"), "submitted");
        assert_string_equal(data_str(&a, 2, "to"), "store_acknowledged");
        assert_string_equal(data_str(&a, 5, "issue_type"), "damaged_item");
        assert_string_equal(data_str(&a, 5, "severity"), "high");
        assert_string_equal(data_str(&a, 7, "from"), "2026-12-04T01:00:00.000Z");
        assert_string_equal(data_str(&a, 7, "to"), "2026-12-04T00:40:00.000Z");
        assert_true(json_real_value(json_object_get(json_object_get(a.docs[10], "data"),
                                                    "latitude")) == 12.5);
        assert_string_equal(data_str(&a, 11, "to"), "2026-12-04T00:50:00.000Z");
        /* no personal data in any event */
        for (i = 0; i < a.n; i++) {
            char *text = json_dumps(a.docs[i], 0);
            assert_null(strstr(text, "Asha"));
            assert_null(strstr(text, "+15550100"));
            assert_null(strstr(text, "cust-1"));
            free(text);
        }
    }
    all_free(&a);

    /* a parcel: shipment status; an SLA breach from the sweep */
    r = order_req("o-2");
    r.provider = OT_PROVIDER_DELHIVERY;
    r.tracking_id = "AWB-2";
    ok(ot_tracker_init_order(NULL, f->t, &r, &err), &err, "init parcel");
    u = (ot_update)OT_UPDATE_INIT;
    u.provider = OT_PROVIDER_DELHIVERY;
    u.tracking_id = "AWB-2";
    u.event_id = "scan-1";
    u.shipment_status = OT_SHIPMENT_IN_TRANSIT;
    u.raw_status = "In Transit";
    u.event_time_ms = f->now;
    ok(ot_tracker_apply_update(NULL, f->t, &u, NULL, &err), &err, "scan");
    r = order_req("o-3");
    ok(ot_tracker_init_order(NULL, f->t, &r, &err), &err, "init o-3");
    r.status = OT_STATUS_STORE_NOTIFIED;
    ok(ot_tracker_set_status(NULL, f->t, &r, &err), &err, "notified o-3");
    f->now += 86400000;
    ok(ot_tracker_sla_sweep(&sweep, f->t, 0, 0, &err), &err, "sweep");
    all_read(&a, f->st, "o-2");
    assert_int_equal(a.n, 4); /* created (status), shipment pending is in the creation */
    assert_string_equal(type_of(&a, 0), "order.status_changed");
    assert_string_equal(type_of(&a, 1), "order.shipment_status_changed");
    assert_true(json_is_null(json_object_get(json_object_get(a.docs[1], "data"), "from")));
    assert_string_equal(data_str(&a, 1, "to"), "pending");
    assert_string_equal(type_of(&a, 2), "order.status_changed");
    assert_string_equal(type_of(&a, 3), "order.shipment_status_changed");
    assert_string_equal(data_str(&a, 3, "to"), "in transit");
    all_free(&a);
    all_read(&a, f->st, "o-3");
    assert_true(a.n >= 3);
    assert_string_equal(type_of(&a, a.n - 1), "order.sla_breached");
    assert_non_null(data_str(&a, a.n - 1, "stage"));
    all_free(&a);
}

/* With a PII key, positions are personal data at rest and sinks hold no key: a location
 * event carries the time only, and no event carries a sealed token. */
static void test_pii_positions(void **state)
{
    struct fixture *f = *state;
    ot_tracker_options o = OT_TRACKER_OPTIONS_INIT;
    unsigned char key[OT_PII_KEY_SIZE];
    ot_pii *pii = NULL;
    ot_tracker *t = NULL;
    ot_request r = order_req("o-p");
    struct all a;
    ot_error err;
    int64_t retry = 0;
    int i, found = 0;

    memset(key, 0x42, sizeof key);
    ok(ot_pii_new_static(&pii, "k1", key, sizeof key, &err), &err, "pii");
    o.storage = f->st;
    o.clock = &f->clock;
    o.outbox = 1;
    o.pii = pii;
    ok(ot_tracker_new(&t, &o, &err), &err, "tracker");
    ok(ot_tracker_init_order(NULL, t, &r, &err), &err, "init");
    ok(ot_tracker_store_acknowledge(NULL, t, &r, &err), &err, "ack");
    ok(ot_tracker_start_picking(NULL, t, &r, &err), &err, "pick");
    ok(ot_tracker_ready(NULL, t, &r, &err), &err, "ready");
    r.driver_id = "d-1";
    r.driver_name = "Asha";
    r.driver_phone = "+15550100";
    r.vehicle_type = "bike";
    ok(ot_tracker_assign_driver(NULL, &retry, t, &r, &err), &err, "assign");
    r.latitude = 12.5;
    r.longitude = 77.25;
    r.time_ms = f->now;
    ok(ot_tracker_update_location(NULL, t, &r, &err), &err, "location");
    ot_tracker_free(t);
    ot_pii_free(pii);
    all_read(&a, f->st, "o-p");
    for (i = 0; i < a.n; i++) {
        json_t *data = json_object_get(a.docs[i], "data");
        char *text = json_dumps(a.docs[i], 0);
        assert_null(strstr(text, "otpii:"));
        assert_null(strstr(text, "cust-1"));
        free(text);
        if (strcmp(type_of(&a, i), "order.location_updated") == 0) {
            found = 1;
            assert_null(json_object_get(data, "latitude"));
            assert_null(json_object_get(data, "longitude"));
            assert_non_null(json_object_get(data, "timestamp"));
        }
    }
    assert_true(found);
    all_free(&a);
}

/* Writes that commit nothing record nothing; a tracker without the option records nothing. */
static void test_never_without_commit(void **state)
{
    struct fixture *f = *state;
    ot_tracker_options o = OT_TRACKER_OPTIONS_INIT;
    faulty_storage fs;
    ot_tracker *t = NULL;
    ot_request r = order_req("o-f");
    struct all a;
    ot_error err;

    ok(ot_tracker_init_order(NULL, f->t, &r, &err), &err, "init");
    /* refused by the graph */
    assert_int_equal(ot_tracker_delivered(NULL, f->t, &r, &err), OT_ETRANSITION);
    /* a failed commit (the storage refused it) */
    faulty_storage_init(&fs, f->st);
    o.storage = &fs.vtable;
    o.clock = &f->clock;
    o.outbox = 1;
    o.max_retries = 0;
    ok(ot_tracker_new(&t, &o, &err), &err, "tracker over the faulty storage");
    fs.fail_at = 2; /* load, then the commit */
    assert_int_equal(ot_tracker_store_acknowledge(NULL, t, &r, &err), OT_ESTORAGE);
    ot_tracker_free(t);
    /* idempotent replay: no second event */
    r.idempotency_key = "k-1";
    ok(ot_tracker_store_acknowledge(NULL, f->t, &r, &err), &err, "ack");
    ok(ot_tracker_store_acknowledge(NULL, f->t, &r, &err), &err, "replayed");
    r.idempotency_key = NULL;
    /* the option off */
    o = (ot_tracker_options)OT_TRACKER_OPTIONS_INIT;
    o.storage = f->st;
    ok(ot_tracker_new(&t, &o, &err), &err, "tracker without outbox");
    ok(ot_tracker_start_picking(NULL, t, &r, &err), &err, "pick");
    ot_tracker_free(t);
    all_read(&a, f->st, "o-f");
    assert_int_equal(a.n, 2); /* created, acknowledged */
    assert_string_equal(data_str(&a, 1, "to"), "store_acknowledged");
    all_free(&a);
}

static ot_relay *relay_new(struct fixture *f, ot_sink **sinks, size_t n,
                           const ot_notice_sink *notices, unsigned max_attempts)
{
    ot_relay_options o = OT_RELAY_OPTIONS_INIT;
    ot_relay *r = NULL;
    ot_error err;
    o.storage = f->st;
    o.sinks = sinks;
    o.sink_count = n;
    o.clock = &f->clock;
    o.notices = notices;
    o.max_attempts = max_attempts;
    o.backoff_base_ms = 1000;
    o.backoff_max_ms = 4000;
    o.batch_size = 10;
    ok(ot_relay_new(&r, &o, &err), &err, "relay");
    return r;
}

static void writes(struct fixture *f, const char *order_id)
{
    ot_request r = order_req(order_id);
    ot_error err;
    ok(ot_tracker_init_order(NULL, f->t, &r, &err), &err, "init");
    ok(ot_tracker_store_acknowledge(NULL, f->t, &r, &err), &err, "ack");
    ok(ot_tracker_start_picking(NULL, f->t, &r, &err), &err, "pick");
}

static int count_of(const struct rec_sink *s, const char *order_id)
{
    int i, n = 0;
    for (i = 0; i < s->n; i++)
        n += strcmp(s->orders[i], order_id) == 0;
    return n;
}

/* For each order, the sink saw its events in sequence order. */
static void assert_in_order(const struct rec_sink *s)
{
    int i, j;
    for (i = 0; i < s->n; i++)
        for (j = 0; j < i; j++)
            if (strcmp(s->orders[i], s->orders[j]) == 0)
                assert_true(s->sequences[j] <= s->sequences[i]);
}

static void test_order_and_backoff(void **state)
{
    struct fixture *f = *state;
    struct rec_sink s;
    ot_sink *sinks[1] = {&s.vtable};
    ot_relay_stats st = OT_RELAY_STATS_INIT;
    ot_relay *r;
    ot_error err;

    rec_init(&s, "hook");
    writes(f, "a");
    writes(f, "b");
    s.fail_order = "a";
    s.fail_times = 2;
    r = relay_new(f, sinks, 1, NULL, 10);
    ok(ot_relay_run_once(r, &st, &err), &err, "round 1");
    /* b went through; a's first event failed and holds back a's others */
    assert_int_equal(count_of(&s, "b"), 3);
    assert_int_equal(count_of(&s, "a"), 0);
    assert_int_equal(st.failed, 1);
    assert_true(s.max_batch <= 2);
    /* not before the backoff (1 s) */
    f->now += 999;
    ok(ot_relay_run_once(r, &st, &err), &err, "round 2");
    assert_int_equal(st.failed, 1);
    f->now += 1;
    ok(ot_relay_run_once(r, &st, &err), &err, "round 3");
    assert_int_equal(st.failed, 2);
    /* the second backoff doubles: 2 s */
    f->now += 1999;
    ok(ot_relay_run_once(r, &st, &err), &err, "round 4");
    assert_int_equal(count_of(&s, "a"), 0);
    f->now += 1;
    ok(ot_relay_run_once(r, &st, &err), &err, "round 5");
    assert_int_equal(count_of(&s, "a"), 3);
    assert_int_equal(st.delivered, 6);
    assert_in_order(&s);
    /* nothing left */
    ok(ot_relay_run_once(r, &st, &err), &err, "round 6");
    assert_int_equal(s.n, 6);
    ot_relay_free(r);
}

static void test_dead_letter_and_replay(void **state)
{
    struct fixture *f = *state;
    struct rec_sink s;
    ot_sink *sinks[1] = {&s.vtable};
    struct notices k;
    ot_notice_sink ns = OT_NOTICE_SINK_INIT;
    ot_relay_stats st = OT_RELAY_STATS_INIT;
    ot_outbox_query q = OT_OUTBOX_QUERY_INIT;
    struct all dead;
    size_t replayed = 0;
    ot_relay *r;
    ot_error err;
    int i;

    memset(&k, 0, sizeof k);
    ns.userdata = &k;
    ns.notify = on_notice;
    rec_init(&s, "hook");
    writes(f, "p");
    s.fail_order = "p";
    s.fail_times = 3; /* the first event, three times */
    r = relay_new(f, sinks, 1, &ns, 3);
    for (i = 0; i < 4; i++) {
        ok(ot_relay_run_once(r, &st, &err), &err, "round");
        f->now += 10000;
    }
    /* parked after 3 failures, with a notice; the order's later events went on */
    assert_int_equal(st.dead, 1);
    assert_int_equal(k.n, 1);
    assert_int_equal(count_of(&s, "p"), 2);
    q.sink = "hook";
    q.state = OT_OUTBOX_DEAD;
    memset(&dead, 0, sizeof dead);
    ok(ot_outbox_query_run(NULL, f->st, &q, all_emit, &dead, &err), &err, "dead letters");
    assert_int_equal(dead.n, 1);
    {
        char want[128];
        snprintf(want, sizeof want, "hook:%s",
                 json_string_value(json_object_get(dead.docs[0], "event_id")));
        assert_string_equal(k.details[0], want);
    }
    /* replay: delivered by a later round (after the relay's rescan) */
    ok(ot_outbox_replay(&replayed, f->st, "hook", 0, &err), &err, "replay");
    assert_int_equal(replayed, 1);
    assert_ot_error(ot_outbox_replay(&replayed, f->st, "hook", dead.positions[0], &err),
                    OT_ENOTFOUND, err);
    f->now += 30000;
    ok(ot_relay_run_once(r, &st, &err), &err, "after replay");
    assert_int_equal(count_of(&s, "p"), 3);
    assert_int_equal(s.sequences[s.n - 1],
                     json_integer_value(json_object_get(dead.docs[0], "sequence")));
    all_free(&dead);
    ot_relay_free(r);
}

/* A relay stopped at each storage call of a round (a read, or a mark failed before or after
 * it was applied): a new relay delivers every event, in order, and again only an event whose
 * mark was lost before it was applied (stopped between the delivery and the mark). */
static void test_redelivery_after_lost_mark(void **state)
{
    struct fixture *f = *state;
    struct rec_sink s;
    ot_sink *sinks[1] = {&s.vtable};
    faulty_storage fs;
    ot_relay_options o = OT_RELAY_OPTIONS_INIT;
    ot_relay *r = NULL;
    ot_error err;
    char names[16][8];
    unsigned long call;
    int mode, pass = 0;

    writes(f, "c");
    /* one event of an order per batch: query 1, mark 2, query 3, mark 4, query 5, mark 6 */
    for (call = 1; call <= 6; call++) {
        for (mode = FAULTY_ERROR; mode <= FAULTY_APPLIED_LOST; mode++, pass++) {
            int i, j, distinct = 0;
            rec_init(&s, "hook");
            snprintf(names[pass], sizeof names[pass], "s%d", pass); /* a fresh sink state */
            s.vtable.name = names[pass];
            faulty_storage_init(&fs, f->st);
            fs.fail_at = call;
            fs.mode = mode;
            o.storage = &fs.vtable;
            o.sinks = sinks;
            o.sink_count = 1;
            o.clock = &f->clock;
            ok(ot_relay_new(&r, &o, &err), &err, "relay");
            assert_int_equal(ot_relay_run_once(r, NULL, &err), OT_ESTORAGE);
            ot_relay_free(r);
            /* restart over the real storage */
            o.storage = f->st;
            ok(ot_relay_new(&r, &o, &err), &err, "relay");
            ok(ot_relay_run_once(r, NULL, &err), &err, "after restart");
            ot_relay_free(r);
            assert_in_order(&s);
            for (i = 0; i < s.n; i++) {
                for (j = 0; j < i && strcmp(s.ids[i], s.ids[j]) != 0; j++)
                    ;
                distinct += j == i;
            }
            assert_int_equal(distinct, 3);
            assert_int_equal(s.n, call % 2 == 0 && mode == FAULTY_ERROR ? 4 : 3);
        }
    }
}

static void test_two_sinks_apart(void **state)
{
    struct fixture *f = *state;
    struct rec_sink a, b;
    ot_sink *sinks[2] = {&a.vtable, &b.vtable};
    ot_relay_stats st = OT_RELAY_STATS_INIT;
    ot_relay *r;
    ot_error err;

    rec_init(&a, "webhook");
    rec_init(&b, "nats");
    b.down = 1;
    writes(f, "d");
    r = relay_new(f, sinks, 2, NULL, 10);
    ok(ot_relay_run_once(r, &st, &err), &err, "round");
    assert_int_equal(a.n, 3);
    assert_int_equal(b.n, 0);
    b.down = 0;
    f->now += 5000;
    ok(ot_relay_run_once(r, &st, &err), &err, "round");
    assert_int_equal(a.n, 3);
    assert_int_equal(b.n, 3);
    assert_in_order(&b);
    ot_relay_free(r);
}

static void test_retention(void **state)
{
    struct fixture *f = *state;
    struct rec_sink s;
    ot_sink *sinks[1] = {&s.vtable};
    ot_relay_options o = OT_RELAY_OPTIONS_INIT;
    ot_relay_stats st = OT_RELAY_STATS_INIT;
    ot_relay *r = NULL;
    struct all a;
    ot_error err;

    rec_init(&s, "hook");
    writes(f, "e");
    o.storage = f->st;
    o.sinks = sinks;
    o.sink_count = 1;
    o.clock = &f->clock;
    o.retention_ms = 60000;
    ok(ot_relay_new(&r, &o, &err), &err, "relay");
    ok(ot_relay_run_once(r, &st, &err), &err, "deliver");
    all_read(&a, f->st, "e");
    assert_int_equal(a.n, 3);
    all_free(&a);
    f->now += 120000;
    ok(ot_relay_run_once(r, &st, &err), &err, "prune");
    assert_int_equal(st.pruned, 3);
    all_read(&a, f->st, "e");
    assert_int_equal(a.n, 0);
    ot_relay_free(r);
}

static int delivered_count(ot_storage *st, const char *sink)
{
    ot_outbox_query q = OT_OUTBOX_QUERY_INIT;
    struct all done;
    int n;
    q.sink = sink;
    q.state = OT_OUTBOX_DELIVERED;
    memset(&done, 0, sizeof done);
    assert_int_equal(ot_outbox_query_run(NULL, st, &q, all_emit, &done, NULL), 0);
    n = done.n;
    all_free(&done);
    return n;
}

static void *run_thread(void *arg)
{
    ot_relay *r = arg;
    return (void *)(intptr_t)ot_relay_run(r, NULL, NULL);
}

static void test_run_and_stop(void **state)
{
    struct fixture *f = *state;
    struct rec_sink s;
    ot_sink *sinks[1] = {&s.vtable};
    ot_relay_options o = OT_RELAY_OPTIONS_INIT;
    ot_relay *r = NULL;
    pthread_t th;
    void *rc;
    int i;

    rec_init(&s, "hook");
    writes(f, "g");
    o.storage = f->st;
    o.sinks = sinks;
    o.sink_count = 1;
    o.poll_interval_ms = 5;
    assert_int_equal(ot_relay_new(&r, &o, NULL), 0);
    assert_int_equal(pthread_create(&th, NULL, run_thread, r), 0);
    /* wait for the storage to say delivered (its lock orders it with the sink's writes) */
    for (i = 0; i < 400 && delivered_count(f->st, "hook") < 3; i++) {
        struct timespec ts = {0, 5000000};
        nanosleep(&ts, NULL);
    }
    ot_relay_stop(r);
    assert_int_equal(pthread_join(th, &rc), 0);
    assert_null(rc);
    assert_int_equal(s.n, 3);
    ot_relay_free(r);
}

static void test_bad_input(void **state)
{
    struct fixture *f = *state;
    struct rec_sink s, s2;
    ot_sink *sinks[2] = {&s.vtable, &s2.vtable};
    ot_relay_options o = OT_RELAY_OPTIONS_INIT;
    ot_tracker_options to = OT_TRACKER_OPTIONS_INIT;
    ot_outbox_query q = OT_OUTBOX_QUERY_INIT;
    ot_storage old;
    ot_relay *r = NULL;
    ot_tracker *t = NULL;
    ot_error err;
    const char *name;
    int type;

    rec_init(&s, "hook");
    rec_init(&s2, "hook");
    assert_ot_error(ot_relay_new(&r, NULL, &err), OT_EINVAL, err);
    assert_ot_error(ot_relay_new(&r, &o, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "storage");
    /* a storage without the outbox members: refused naming outbox */
    old = *f->st;
    old.version = 2;
    o.storage = &old;
    o.sinks = sinks;
    o.sink_count = 1;
    assert_ot_error(ot_relay_new(&r, &o, &err), OT_EUNSUPPORTED, err);
    assert_string_equal(err.field, "outbox");
    to.storage = &old;
    to.outbox = 1;
    assert_ot_error(ot_tracker_new(&t, &to, &err), OT_EUNSUPPORTED, err);
    assert_string_equal(err.field, "outbox");
    to.outbox = 2;
    assert_ot_error(ot_tracker_new(&t, &to, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "outbox");
    assert_ot_error(ot_outbox_query_run(NULL, &old, &q, all_emit, NULL, &err), OT_EUNSUPPORTED,
                    err);
    o.storage = f->st;
    o.sink_count = 2;
    assert_ot_error(ot_relay_new(&r, &o, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "sinks");
    o.sink_count = 0;
    assert_ot_error(ot_relay_new(&r, &o, &err), OT_EINVAL, err);
    o.sink_count = 1;
    s.vtable.name = "Bad Name";
    assert_ot_error(ot_relay_new(&r, &o, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "name");
    s.vtable.name = "hook";
    s.vtable.deliver = NULL;
    assert_ot_error(ot_relay_new(&r, &o, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "deliver");
    s.vtable.deliver = rec_deliver;
    s.vtable.version = 99;
    assert_ot_error(ot_relay_new(&r, &o, &err), OT_EVERSION, err);
    s.vtable.version = OT_SINK_VERSION;
    o.max_attempts = 0;
    assert_ot_error(ot_relay_new(&r, &o, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "max_attempts");
    o.max_attempts = 3;
    o.backoff_max_ms = 10;
    assert_ot_error(ot_relay_new(&r, &o, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "backoff_max_ms");
    o.backoff_max_ms = 100000;
    o.batch_size = 0;
    assert_ot_error(ot_relay_new(&r, &o, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "batch_size");
    o.batch_size = 10;
    o.retention_ms = -1;
    assert_ot_error(ot_relay_new(&r, &o, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "retention_ms");
    assert_null(r);
    /* queries and replays */
    q.limit = 0;
    assert_ot_error(ot_outbox_query_run(NULL, f->st, &q, all_emit, NULL, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "limit");
    q.limit = 10;
    q.state = OT_OUTBOX_DEAD;
    assert_ot_error(ot_outbox_query_run(NULL, f->st, &q, all_emit, NULL, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "sink");
    q.state = 9;
    q.sink = "hook";
    assert_ot_error(ot_outbox_query_run(NULL, f->st, &q, all_emit, NULL, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "state");
    assert_ot_error(ot_outbox_replay(NULL, f->st, NULL, 0, &err), OT_EINVAL, err);
    assert_ot_error(ot_outbox_replay(NULL, f->st, "hook", -1, &err), OT_EINVAL, err);
    assert_ot_error(ot_outbox_replay(NULL, NULL, "hook", 0, &err), OT_EINVAL, err);
    /* names */
    assert_int_equal(ot_event_type_to_string(&name, OT_EVENT_ETA_CHANGED, NULL), 0);
    assert_string_equal(name, "order.eta_changed");
    assert_int_equal(ot_event_type_from_string(&type, "order.sla_breached", NULL), 0);
    assert_int_equal(type, OT_EVENT_SLA_BREACHED);
    assert_ot_error(ot_event_type_from_string(&type, "order.nope", &err), OT_EINVAL, err);
    assert_ot_error(ot_event_type_to_string(&name, 0, &err), OT_EINVAL, err);
    assert_ot_error(ot_event_type_to_string(&name, OT_EVENT_TYPE_MAX + 1, &err), OT_EINVAL, err);
    /* the alerts dispatcher knows the dead letter notice */
    assert_int_equal(ot_alert_kind_to_string(&name, OT_NOTICE_DEAD_LETTER, NULL), 0);
    assert_string_equal(name, "dead_letter");
    assert_true(OT_ALERTS_SLACK_KINDS_DEFAULT & OT_ALERTS_KIND_BIT(OT_NOTICE_DEAD_LETTER));
    assert_ot_error(ot_relay_run_once(NULL, NULL, &err), OT_EINVAL, err);
    assert_ot_error(ot_sink_init(NULL, 1, &err), OT_EINVAL, err);
    assert_ot_error(ot_relay_options_init(&o, 99, &err), OT_EVERSION, err);
    ot_relay_free(NULL);
    ot_relay_stop(NULL);
    ot_sink_close(NULL);
}

/* Allocation failures, each allocation of a write and of a relay round failing in turn:
 * a write that fails records no event and one that succeeds its events; a failed round
 * leaves every event to a later round, none marked delivered without its delivery. */
struct oom {
    int wrong;
    int relay;          /* 0: sweep the write; 1: the relay's round */
};

static int oom_scenario(void *ctx)
{
    struct oom *o = ctx;
    ot_tracker_options to = OT_TRACKER_OPTIONS_INIT;
    ot_relay_options ro = OT_RELAY_OPTIONS_INIT;
    ot_request r = order_req("w");
    ot_storage *st = NULL;
    ot_tracker *t = NULL;
    ot_relay *relay = NULL;
    struct rec_sink sink;
    ot_sink *sinks[1] = {&sink.vtable};
    struct all a;
    int rc, i, j, n;

    alloc_sweep_pause();
    rec_init(&sink, "hook");
    if (ot_storage_memory_new(&st, NULL))
        return OT_ENOMEM;
    to.storage = st;
    to.outbox = 1;
    ot_tracker_new(&t, &to, NULL);
    ot_tracker_init_order(NULL, t, &r, NULL);
    if (o->relay)
        ot_tracker_store_acknowledge(NULL, t, &r, NULL);
    ro.storage = st;
    ro.sinks = sinks;
    ro.sink_count = 1;
    alloc_sweep_resume();
    if (!o->relay) {
        rc = ot_tracker_store_acknowledge(NULL, t, &r, NULL);
    } else {
        rc = ot_relay_new(&relay, &ro, NULL);
        if (!rc)
            rc = ot_relay_run_once(relay, NULL, NULL);
        ot_relay_free(relay);
        relay = NULL;
    }
    alloc_sweep_pause();
    all_read(&a, st, "w");
    n = a.n;
    all_free(&a);
    if (!o->relay) {
        o->wrong |= rc == 0 ? n != 2 : n != 1;
    } else {
        /* what the storage calls delivered was delivered; a clean round delivers the rest */
        ot_outbox_query q = OT_OUTBOX_QUERY_INIT;
        struct all done;
        q.sink = "hook";
        q.state = OT_OUTBOX_DELIVERED;
        memset(&done, 0, sizeof done);
        ot_outbox_query_run(NULL, st, &q, all_emit, &done, NULL);
        for (i = 0; i < done.n; i++) {
            const char *id = json_string_value(json_object_get(done.docs[i], "event_id"));
            for (j = 0; j < sink.n && strcmp(sink.ids[j], id) != 0; j++)
                ;
            o->wrong |= j == sink.n;
        }
        all_free(&done);
        ot_relay_new(&relay, &ro, NULL);
        ot_relay_run_once(relay, NULL, NULL);
        ot_relay_run_once(relay, NULL, NULL);
        ot_relay_free(relay);
        o->wrong |= n != 2 || count_of(&sink, "w") < 2;
        assert_in_order(&sink);
    }
    ot_tracker_free(t);
    ot_storage_close(st);
    return rc;
}

static int oom_check(void *ctx, int rc)
{
    struct oom *o = ctx;
    (void)rc;
    return o->wrong ? -1 : 0;
}

static void test_allocation_failures(void **state)
{
    struct oom o = {0, 0};
    struct alloc_sweep_stats st;
    (void)state;
    assert_int_equal(alloc_sweep_run("outbox write", oom_scenario, &o, oom_check, &st), 0);
    assert_true(st.runs > 10);
    o.relay = 1;
    assert_int_equal(alloc_sweep_run("relay round", oom_scenario, &o, oom_check, &st), 0);
    assert_true(st.runs > 10);
    alloc_sweep_uninstall();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_event_types, setup, teardown),
        cmocka_unit_test_setup_teardown(test_never_without_commit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pii_positions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_order_and_backoff, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dead_letter_and_replay, setup, teardown),
        cmocka_unit_test_setup_teardown(test_redelivery_after_lost_mark, setup, teardown),
        cmocka_unit_test_setup_teardown(test_two_sinks_apart, setup, teardown),
        cmocka_unit_test_setup_teardown(test_retention, setup, teardown),
        cmocka_unit_test_setup_teardown(test_run_and_stop, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_input, setup, teardown),
        cmocka_unit_test(test_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
