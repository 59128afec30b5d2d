/* The storage conformance suite (see storage_conformance.h). Public API only. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage_conformance.h"

struct suite {
    FILE *log;
    int failures;
    const char *check;
};

#define EXPECT(s, cond)                                                                    \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            (s)->failures++;                                                               \
            if ((s)->log)                                                                  \
                fprintf((s)->log, "%s:%d: conformance check %s failed: %s\n", __FILE__,    \
                        __LINE__, (s)->check, #cond);                                      \
            return;                                                                        \
        }                                                                                  \
    } while (0)

struct spec {
    const char *order_id, *store_id, *customer_id, *provider, *status, *shipment, *awb;
    int64_t version;
    int updated_minute;   /* updated_at = 2026-11-23T06:<minute>:00.000Z */
};

/* A valid record built from a JSON template, decoded by the library. */
static ot_order *make_order(const struct spec *sp)
{
    char json[2048], ship[64], awb[128];
    ot_order *o = NULL;
    int n;
    if (sp->shipment)
        snprintf(ship, sizeof ship, "\"%s\"", sp->shipment);
    else
        snprintf(ship, sizeof ship, "null");
    if (sp->awb)
        snprintf(awb, sizeof awb, "\"%s\"", sp->awb);
    else
        snprintf(awb, sizeof awb, "null");
    n = snprintf(json, sizeof json,
        "{\"id\":\"id-%s\",\"order_id\":\"%s\",\"store_id\":\"%s\",\"customer_id\":\"%s\","
        "\"delivery_provider\":\"%s\",\"current_status\":\"%s\",\"status_history\":["
        "{\"status\":\"%s\",\"timestamp\":\"2026-11-23T06:00:00.000Z\",\"updated_by\":\"t\","
        "\"notes\":null,\"metadata\":{}}],\"delivery_tracking_id\":%s,\"shipment_status\":%s,"
        "\"substitutions\":[],\"issues\":[],\"metadata\":{\"k\":\"v\"},"
        "\"created_at\":\"2026-11-23T06:00:00.000Z\","
        "\"updated_at\":\"2026-11-23T06:%02d:00.000Z\",\"version\":%" PRId64 "}",
        sp->order_id, sp->order_id, sp->store_id, sp->customer_id, sp->provider, sp->status,
        sp->status, awb, ship, sp->updated_minute, sp->version);
    if (n <= 0 || (size_t)n >= sizeof json || ot_order_from_json(&o, json, (size_t)n, NULL))
        return NULL;
    return o;
}

static const struct spec base = {"o-1", "s-1", "c-1", "uber", "submitted", NULL, NULL, 1, 0};

static int put(ot_storage *st, const struct spec *sp, int create, int64_t expected,
               const ot_idempotency_record *idem)
{
    ot_order *o = make_order(sp);
    ot_storage_record rec;
    int rc;
    if (!o)
        return -1000;
    rc = ot_storage_record_init(&rec, o, 0, NULL);
    if (!rc)
        rc = create ? st->create(st->userdata, &rec, idem, NULL)
                    : st->commit(st->userdata, expected, &rec, idem, NULL);
    ot_storage_record_release(&rec);
    ot_order_free(o);
    return rc;
}

/* The stored record's canonical JSON (ot_free), or NULL. */
static char *stored(ot_storage *st, const char *order_id)
{
    ot_order *o = NULL;
    char *json = NULL;
    if (st->load(st->userdata, order_id, &o, NULL) == 0)
        ot_order_to_json(&json, NULL, o, NULL);
    ot_order_free(o);
    return json;
}

static int same_as(ot_storage *st, const struct spec *sp)
{
    ot_order *o = make_order(sp);
    char *want = NULL, *got = stored(st, sp->order_id);
    int same;
    ot_order_to_json(&want, NULL, o, NULL);
    same = want && got && strcmp(want, got) == 0;
    ot_free(want);
    ot_free(got);
    ot_order_free(o);
    return same;
}

static void check_create_load(struct suite *s, ot_storage *st)
{
    ot_order *o = (ot_order *)&o;
    ot_error err;
    EXPECT(s, st->version >= 1 && st->create && st->load && st->commit && st->query);
    EXPECT(s, put(st, &base, 1, 0, NULL) == 0);
    EXPECT(s, same_as(st, &base));
    EXPECT(s, st->load(st->userdata, "missing", &o, &err) == OT_ENOTFOUND);
    EXPECT(s, put(st, &base, 1, 0, NULL) == OT_EEXISTS);
}

static void check_commit_conflict(struct suite *s, ot_storage *st)
{
    struct spec v2 = base, v3 = base, other = base;
    v2.version = 2;
    v2.status = "store_notified";
    v3.version = 3;
    v3.status = "store_acknowledged";
    other.order_id = "o-missing";
    EXPECT(s, put(st, &base, 1, 0, NULL) == 0);
    EXPECT(s, put(st, &v2, 0, 1, NULL) == 0);
    EXPECT(s, same_as(st, &v2));
    /* a stale writer (expected 1) loses and changes nothing */
    EXPECT(s, put(st, &v3, 0, 1, NULL) == OT_ECONFLICT);
    EXPECT(s, same_as(st, &v2));
    EXPECT(s, put(st, &v3, 0, 2, NULL) == 0);
    EXPECT(s, same_as(st, &v3));
    EXPECT(s, put(st, &other, 0, 1, NULL) == OT_ENOTFOUND);
}

struct collect {
    char ids[64][16];
    int n;
};

static int collect_emit(void *ctx, ot_order *order, ot_error *err)
{
    struct collect *c = ctx;
    (void)err;
    if (c->n < 64)
        snprintf(c->ids[c->n++], sizeof c->ids[0], "%s", ot_order_order_id(order));
    ot_order_free(order);
    return 0;
}

static int count(ot_storage *st, const ot_storage_query *q)
{
    struct collect c;
    char cursor[OT_STORAGE_CURSOR_SIZE];
    c.n = 0;
    if (st->query(st->userdata, q, collect_emit, &c, cursor, sizeof cursor, NULL) != 0)
        return -1;
    return c.n;
}

static void check_query(struct suite *s, ot_storage *st)
{
    static const struct spec rows[] = {
        {"o-1", "s-1", "c-1", "uber", "submitted", NULL, NULL, 1, 1},
        {"o-2", "s-1", "c-2", "doordash", "delivered", NULL, NULL, 1, 2},
        {"o-3", "s-2", "c-1", "delhivery", "in_transit", "in transit", "AWB3", 1, 3},
        {"o-4", "s-2", "c-3", "shiprocket", "delivered", "delivered", "AWB4", 1, 4},
        {"o-5", "s-1", "c-1", "velocity", "submitted", "pending", "AWB5", 1, 5},
        {"o-6", "s-3", "c-2", "internal", "picking_in_progress", NULL, NULL, 1, 6},
        {"o-7", "s-1", "c-3", "delhivery", "failed", "lost", "AWB7", 1, 7},
    };
    ot_storage_query q = OT_STORAGE_QUERY_INIT;
    size_t i;
    for (i = 0; i < sizeof rows / sizeof rows[0]; i++)
        EXPECT(s, put(st, &rows[i], 1, 0, NULL) == 0);
    EXPECT(s, count(st, &q) == 7);
    q.store_id = "s-1";
    EXPECT(s, count(st, &q) == 4);
    q.customer_id = "c-1";
    EXPECT(s, count(st, &q) == 2);
    q.store_id = q.customer_id = NULL;
    q.current_status = OT_STATUS_DELIVERED;
    EXPECT(s, count(st, &q) == 2);
    q.current_status = 0;
    q.shipment_status = OT_SHIPMENT_IN_TRANSIT;
    EXPECT(s, count(st, &q) == 1);
    q.shipment_status = 0;
    q.shipment_active = 1;           /* o-3 (in transit), o-5 (pending) */
    EXPECT(s, count(st, &q) == 2);
    q.delivery_provider = OT_PROVIDER_VELOCITY;
    EXPECT(s, count(st, &q) == 1);
    q.shipment_active = 0;
    q.delivery_provider = OT_PROVIDER_DELHIVERY;
    EXPECT(s, count(st, &q) == 2);
    q.delivery_provider = 0;
    q.delivery_tracking_id = "AWB4";
    EXPECT(s, count(st, &q) == 1);
    q.delivery_tracking_id = NULL;
    {
        int64_t before = 0;
        ot_order *o = make_order(&rows[3]);  /* updated 06:04 */
        ot_order_time(&before, o, OT_TIME_UPDATED, NULL);
        ot_order_free(o);
        q.updated_before_ms = before;      /* o-1..o-3 */
        EXPECT(s, count(st, &q) == 3);
        q.updated_before_ms = 0;
    }
}

static void check_cursor(struct suite *s, ot_storage *st)
{
    static const char *const ids[] = {"o-5", "o-1", "o-4", "o-2", "o-3"};
    ot_storage_query q = OT_STORAGE_QUERY_INIT;
    struct collect c;
    char cursor[OT_STORAGE_CURSOR_SIZE], next[OT_STORAGE_CURSOR_SIZE];
    size_t i;
    int pages = 0;
    for (i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        struct spec sp = base;
        sp.order_id = ids[i];
        EXPECT(s, put(st, &sp, 1, 0, NULL) == 0);
    }
    c.n = 0;
    q.limit = 2;
    cursor[0] = '\0';
    do {
        q.cursor = cursor;
        EXPECT(s, st->query(st->userdata, &q, collect_emit, &c, next, sizeof next, NULL) == 0);
        memcpy(cursor, next, sizeof cursor);
        pages++;
    } while (cursor[0] && pages < 10);
    EXPECT(s, pages == 3);
    EXPECT(s, c.n == 5);
    for (i = 0; i < 5; i++) {
        char want[8];
        snprintf(want, sizeof want, "o-%d", (int)i + 1);
        EXPECT(s, strcmp(c.ids[i], want) == 0);   /* ordered by order_id, no duplicates */
    }
    q.limit = 0;
    EXPECT(s, st->query(st->userdata, &q, collect_emit, &c, next, sizeof next, NULL) == OT_EINVAL);
}

struct found {
    char hash[80], response[80];
    int64_t expires;
};

static int found_copy(void *ctx, const ot_idempotency_record *rec, ot_error *err)
{
    struct found *f = ctx;
    (void)err;
    snprintf(f->hash, sizeof f->hash, "%s", rec->request_hash);
    snprintf(f->response, sizeof f->response, "%.*s", (int)rec->response_len, rec->response);
    f->expires = rec->expires_at_ms;
    return 0;
}

static void check_idempotency(struct suite *s, ot_storage *st)
{
    ot_idempotency_record k = OT_IDEMPOTENCY_RECORD_INIT, k2, k3;
    struct found f;
    struct spec v2 = base;
    k.key = "key-1";
    k.request_hash = "h1";
    k.response = "{\"r\":1}";
    k.response_len = 7;
    k.created_at_ms = 1000;
    k.expires_at_ms = 2000;
    k2 = k3 = k;
    if (!st->idem_get)
        return;   /* optional: the adapter refuses idempotency keys */
    EXPECT(s, st->idem_put != NULL);
    EXPECT(s, st->idem_get(st->userdata, "key-1", 1000, found_copy, &f, NULL) == OT_ENOTFOUND);
    EXPECT(s, st->idem_put(st->userdata, &k, NULL) == 0);
    memset(&f, 0, sizeof f);
    EXPECT(s, st->idem_get(st->userdata, "key-1", 1500, found_copy, &f, NULL) == 0);
    EXPECT(s, strcmp(f.hash, "h1") == 0 && strcmp(f.response, "{\"r\":1}") == 0);
    EXPECT(s, f.expires == 2000);
    /* first writer wins while the key lives */
    k2.request_hash = "h2";
    k2.created_at_ms = 1500;
    EXPECT(s, st->idem_put(st->userdata, &k2, NULL) == OT_EEXISTS);
    /* expired: forgotten, and the key may be used again */
    EXPECT(s, st->idem_get(st->userdata, "key-1", 2000, found_copy, &f, NULL) == OT_ENOTFOUND);
    k2.created_at_ms = 2500;
    k2.expires_at_ms = 5000;
    EXPECT(s, st->idem_put(st->userdata, &k2, NULL) == 0);
    EXPECT(s, st->idem_get(st->userdata, "key-1", 2600, found_copy, &f, NULL) == 0);
    EXPECT(s, strcmp(f.hash, "h2") == 0);
    /* a key written with a create and a commit, atomically */
    k3.key = "key-create";
    k3.created_at_ms = 2600;
    k3.expires_at_ms = 9000;
    EXPECT(s, put(st, &base, 1, 0, &k3) == 0);
    EXPECT(s, st->idem_get(st->userdata, "key-create", 2700, found_copy, &f, NULL) == 0);
    v2.version = 2;
    v2.status = "store_notified";
    /* a live key makes the commit fail as a whole */
    EXPECT(s, put(st, &v2, 0, 1, &k3) == OT_ECONFLICT);
    EXPECT(s, same_as(st, &base));
    k3.key = "key-commit";
    EXPECT(s, put(st, &v2, 0, 1, &k3) == 0);
    EXPECT(s, same_as(st, &v2));
    EXPECT(s, st->idem_get(st->userdata, "key-commit", 2700, found_copy, &f, NULL) == 0);
    /* a conflicting commit stores no key */
    k3.key = "key-lost";
    EXPECT(s, put(st, &v2, 0, 1, &k3) == OT_ECONFLICT);
    EXPECT(s, st->idem_get(st->userdata, "key-lost", 2700, found_copy, &f, NULL) == OT_ENOTFOUND);
}

static void check_record_helper(struct suite *s, ot_storage *st)
{
    ot_order *o = make_order(&base);
    ot_storage_record rec;
    ot_error err;
    (void)st;
    EXPECT(s, o != NULL);
    EXPECT(s, ot_storage_record_init(&rec, o, 0, &err) == 0);
    EXPECT(s, rec.record_version == 1 && strcmp(rec.order_id, "o-1") == 0);
    EXPECT(s, rec.current_status == OT_STATUS_SUBMITTED && rec.delivery_provider == OT_PROVIDER_UBER);
    EXPECT(s, rec.events_json[0] == '[' && rec.json_len == strlen(rec.json));
    ot_storage_record_release(&rec);
    EXPECT(s, ot_storage_record_init(&rec, o, 5, &err) == OT_EINVAL);
    EXPECT(s, ot_storage_record_init(NULL, o, 0, &err) == OT_EINVAL);
    ot_order_free(o);
}


/* The outbox (storage version 3): events stored with their commit, by position, states per
 * sink. A storage without the outbox members skips these checks (the adapter's own test
 * says whether it must have them). */
static int has_outbox(const ot_storage *st)
{
    return st->version >= 3 && st->outbox_query && st->outbox_mark;
}

/* `sp` written with `n` events named "<order_id>-<seq>" (sequence seq0, seq0+1...). */
static int put_events(ot_storage *st, const struct spec *sp, int create, int64_t expected,
                      size_t n, int64_t seq0)
{
    ot_order *o = make_order(sp);
    ot_storage_record rec;
    ot_event ev[4];
    char ids[4][64], json[4][160];
    size_t i;
    int rc;
    if (!o || n > 4)
        return -1000;
    for (i = 0; i < n; i++) {
        ot_event init = OT_EVENT_INIT;
        ev[i] = init;
        snprintf(ids[i], sizeof ids[i], "evt_%s_%" PRId64, sp->order_id, seq0 + (int64_t)i);
        snprintf(json[i], sizeof json[i], "{\"event_id\":\"%s\",\"n\":%zu}", ids[i], i);
        ev[i].event_id = ids[i];
        ev[i].order_id = sp->order_id;
        ev[i].store_id = sp->store_id;
        ev[i].sequence = seq0 + (int64_t)i;
        ev[i].type = OT_EVENT_STATUS_CHANGED;
        ev[i].time_ms = 1000 * (seq0 + (int64_t)i);
        ev[i].json = json[i];
        ev[i].json_len = strlen(json[i]);
    }
    rc = ot_storage_record_init(&rec, o, 0, NULL);
    if (!rc) {
        rec.events = n ? ev : NULL;
        rec.event_count = n;
        rc = create ? st->create(st->userdata, &rec, NULL, NULL)
                    : st->commit(st->userdata, expected, &rec, NULL, NULL);
    }
    ot_storage_record_release(&rec);
    ot_order_free(o);
    return rc;
}

struct seen_events {
    char ids[32][64];
    int64_t positions[32], sequences[32];
    int states[32];
    unsigned attempts[32];
    char last_error[32][64];
    int n;
};

static int seen_emit(void *ctx, const ot_event *ev, ot_error *err)
{
    struct seen_events *c = ctx;
    (void)err;
    if (c->n == 32)
        return OT_ELIMIT;
    snprintf(c->ids[c->n], sizeof c->ids[c->n], "%s", ev->event_id);
    c->positions[c->n] = ev->position;
    c->sequences[c->n] = ev->sequence;
    c->states[c->n] = ev->state;
    c->attempts[c->n] = ev->attempts;
    snprintf(c->last_error[c->n], sizeof c->last_error[c->n], "%s",
             ev->last_error ? ev->last_error : "");
    if (!ev->json || strlen(ev->json) != ev->json_len || strstr(ev->json, ev->event_id) == NULL)
        return OT_EINTEGRITY;
    c->n++;
    return 0;
}

static int read_outbox(ot_storage *st, struct seen_events *c, int64_t after, const char *sink,
                       int state, const char *order_id, size_t limit, int64_t *next)
{
    ot_outbox_query q = OT_OUTBOX_QUERY_INIT;
    q.after = after;
    q.sink = sink;
    q.state = state;
    q.order_id = order_id;
    q.limit = limit;
    memset(c, 0, sizeof *c);
    return ot_outbox_query_run(next, st, &q, seen_emit, c, NULL);
}

static int mark(ot_storage *st, const char *sink, int64_t position, int state,
                unsigned attempts, const char *last_error, int require)
{
    ot_outbox_mark m = OT_OUTBOX_MARK_INIT;
    m.sink = sink;
    m.position = position;
    m.state = state;
    m.attempts = attempts;
    m.last_error = last_error;
    m.require_state = require;
    return st->outbox_mark(st->userdata, &m, NULL);
}

static void check_outbox_commit(struct suite *s, ot_storage *st)
{
    struct spec v2 = base, b1 = base;
    struct seen_events c;
    int64_t next = -1, last;
    int i, o1 = 0;
    if (!has_outbox(st))
        return;
    v2.version = 2;
    v2.status = "store_notified";
    b1.order_id = "o-2";
    b1.store_id = "s-2";
    EXPECT(s, put_events(st, &base, 1, 0, 2, 1000) == 0);
    EXPECT(s, put_events(st, &b1, 1, 0, 1, 1000) == 0);
    EXPECT(s, put_events(st, &v2, 0, 1, 1, 2000) == 0);
    /* a lost compare-and-set and a duplicate create store no event */
    EXPECT(s, put_events(st, &v2, 0, 1, 3, 9000) == OT_ECONFLICT);
    EXPECT(s, put_events(st, &base, 1, 0, 1, 8000) == OT_EEXISTS);
    /* a write without events stores none */
    v2.version = 3;
    EXPECT(s, put_events(st, &v2, 0, 2, 0, 0) == 0);
    EXPECT(s, read_outbox(st, &c, 0, NULL, 0, NULL, 100, &next) == 0);
    EXPECT(s, c.n == 4);
    /* positions increase; an order's events come in its commit order (across orders the
     * order may differ: MongoDB numbers events when it first reads them) */
    for (i = 0; i < c.n; i++) {
        EXPECT(s, c.positions[i] > 0 && (i == 0 || c.positions[i] > c.positions[i - 1]));
        if (strncmp(c.ids[i], "evt_o-1_", 8) == 0) {
            static const char *const want[] = {"evt_o-1_1000", "evt_o-1_1001", "evt_o-1_2000"};
            EXPECT(s, o1 < 3 && strcmp(c.ids[i], want[o1]) == 0);
            o1++;
        } else {
            EXPECT(s, strcmp(c.ids[i], "evt_o-2_1000") == 0);
        }
    }
    EXPECT(s, o1 == 3);
    EXPECT(s, next == c.positions[3]);
    last = next;
    /* paging: after a position, with a limit */
    EXPECT(s, read_outbox(st, &c, 0, NULL, 0, NULL, 1, &next) == 0);
    EXPECT(s, c.n == 1 && next == c.positions[0]);
    EXPECT(s, read_outbox(st, &c, next, NULL, 0, NULL, 2, &next) == 0 && c.n == 2);
    /* nothing after the last: the cursor stays */
    EXPECT(s, read_outbox(st, &c, last, NULL, 0, NULL, 100, &next) == 0 && c.n == 0);
    EXPECT(s, next == last);
    /* a tail resuming after the last position sees what commits next, and only that */
    v2.version = 4;
    EXPECT(s, put_events(st, &v2, 0, 3, 1, 4000) == 0);
    EXPECT(s, read_outbox(st, &c, last, NULL, 0, NULL, 100, &next) == 0);
    EXPECT(s, c.n == 1 && strcmp(c.ids[0], "evt_o-1_4000") == 0 && c.positions[0] > last);
    /* by order */
    EXPECT(s, read_outbox(st, &c, 0, NULL, 0, "o-1", 100, NULL) == 0 && c.n == 4);
    /* incomplete events are refused, and nothing is written */
    {
        ot_order *o;
        ot_storage_record rec;
        ot_error err;
        v2.version = 5;
        o = make_order(&v2);
        EXPECT(s, o && ot_storage_record_init(&rec, o, 0, NULL) == 0);
        rec.event_count = 1;
        EXPECT(s, st->commit(st->userdata, 4, &rec, NULL, &err) == OT_EINVAL);
        ot_storage_record_release(&rec);
        ot_order_free(o);
        EXPECT(s, read_outbox(st, &c, 0, NULL, 0, "o-1", 100, NULL) == 0 && c.n == 4);
    }
}

static void check_outbox_states(struct suite *s, ot_storage *st)
{
    struct seen_events c, all;
    size_t replayed = 0;
    if (!has_outbox(st))
        return;
    EXPECT(s, put_events(st, &base, 1, 0, 3, 1000) == 0);
    EXPECT(s, read_outbox(st, &all, 0, NULL, 0, NULL, 100, NULL) == 0 && all.n == 3);
    /* no state yet: pending for every sink */
    EXPECT(s, read_outbox(st, &c, 0, "hook", OT_OUTBOX_PENDING, NULL, 100, NULL) == 0);
    EXPECT(s, c.n == 3 && c.states[0] == OT_OUTBOX_PENDING && c.attempts[0] == 0);
    EXPECT(s, mark(st, "hook", all.positions[0], OT_OUTBOX_DELIVERED, 0, NULL, 0) == 0);
    EXPECT(s, mark(st, "hook", all.positions[1], OT_OUTBOX_PENDING, 2, "HTTP 500", 0) == 0);
    EXPECT(s, mark(st, "hook", all.positions[2], OT_OUTBOX_DEAD, 5, "HTTP 400", 0) == 0);
    EXPECT(s, read_outbox(st, &c, 0, "hook", OT_OUTBOX_PENDING, NULL, 100, NULL) == 0);
    EXPECT(s, c.n == 1 && c.positions[0] == all.positions[1] && c.attempts[0] == 2);
    EXPECT(s, strcmp(c.last_error[0], "HTTP 500") == 0);
    EXPECT(s, read_outbox(st, &c, 0, "hook", OT_OUTBOX_DEAD, NULL, 100, NULL) == 0);
    EXPECT(s, c.n == 1 && c.positions[0] == all.positions[2] && c.attempts[0] == 5);
    /* another sink has its own states */
    EXPECT(s, read_outbox(st, &c, 0, "nats", OT_OUTBOX_PENDING, NULL, 100, NULL) == 0);
    EXPECT(s, c.n == 3);
    /* every state for a sink */
    EXPECT(s, read_outbox(st, &c, 0, "hook", OT_OUTBOX_ANY, NULL, 100, NULL) == 0);
    EXPECT(s, c.n == 3 && c.states[0] == OT_OUTBOX_DELIVERED && c.states[2] == OT_OUTBOX_DEAD);
    /* a required state: only a dead letter replays */
    EXPECT(s, mark(st, "hook", all.positions[0], OT_OUTBOX_PENDING, 0, NULL, OT_OUTBOX_DEAD) ==
                  OT_ENOTFOUND);
    EXPECT(s, mark(st, "hook", 999999, OT_OUTBOX_DELIVERED, 0, NULL, 0) == OT_ENOTFOUND);
    EXPECT(s, ot_outbox_replay(&replayed, st, "hook", all.positions[0], NULL) == OT_ENOTFOUND);
    EXPECT(s, ot_outbox_replay(&replayed, st, "hook", 0, NULL) == 0 && replayed == 1);
    EXPECT(s, read_outbox(st, &c, 0, "hook", OT_OUTBOX_PENDING, NULL, 100, NULL) == 0);
    EXPECT(s, c.n == 2 && c.positions[1] == all.positions[2] && c.attempts[1] == 0);
    EXPECT(s, read_outbox(st, &c, 0, "hook", OT_OUTBOX_DEAD, NULL, 100, NULL) == 0 && c.n == 0);
}

static void check_outbox_prune(struct suite *s, ot_storage *st)
{
    struct seen_events all, c;
    const char *sinks[2] = {"hook", "nats"};
    size_t removed = 99;
    if (!has_outbox(st) || !st->outbox_prune)
        return;
    EXPECT(s, put_events(st, &base, 1, 0, 3, 1000) == 0); /* times 1e6, 1.001e6, 1.002e6 */
    EXPECT(s, read_outbox(st, &all, 0, NULL, 0, NULL, 100, NULL) == 0 && all.n == 3);
    EXPECT(s, mark(st, "hook", all.positions[0], OT_OUTBOX_DELIVERED, 0, NULL, 0) == 0);
    EXPECT(s, mark(st, "nats", all.positions[0], OT_OUTBOX_DELIVERED, 0, NULL, 0) == 0);
    EXPECT(s, mark(st, "hook", all.positions[1], OT_OUTBOX_DELIVERED, 0, NULL, 0) == 0);
    EXPECT(s, mark(st, "hook", all.positions[2], OT_OUTBOX_DELIVERED, 0, NULL, 0) == 0);
    EXPECT(s, mark(st, "nats", all.positions[2], OT_OUTBOX_DELIVERED, 0, NULL, 0) == 0);
    /* the last is too recent, the second not delivered to nats: only the first goes */
    EXPECT(s, st->outbox_prune(st->userdata, sinks, 2, 1002000, &removed, NULL) == 0);
    EXPECT(s, removed == 1);
    EXPECT(s, read_outbox(st, &c, 0, NULL, 0, NULL, 100, NULL) == 0 && c.n == 2);
    EXPECT(s, c.positions[0] == all.positions[1] && c.positions[1] == all.positions[2]);
}

/* The tracker over the storage: writes record their events, in order, and only those. */
static void check_outbox_tracker(struct suite *s, ot_storage *st)
{
    ot_tracker_options to = OT_TRACKER_OPTIONS_INIT;
    ot_request req = OT_REQUEST_INIT;
    ot_tracker *t = NULL;
    struct seen_events c;
    ot_error err;
    int i;
    if (!has_outbox(st))
        return;
    to.storage = st;
    to.outbox = 1;
    EXPECT(s, ot_tracker_new(&t, &to, &err) == 0);
    req.order_id = "o-t";
    req.store_id = "s-1";
    req.customer_id = "c-1";
    req.provider = OT_PROVIDER_UBER;
    req.updated_by = "test";
    i = ot_tracker_init_order(NULL, t, &req, &err) == 0 &&
        ot_tracker_store_acknowledge(NULL, t, &req, &err) == 0 &&
        ot_tracker_start_picking(NULL, t, &req, &err) == 0 &&
        /* refused: no event */
        ot_tracker_delivered(NULL, t, &req, &err) == OT_ETRANSITION;
    ot_tracker_free(t);
    EXPECT(s, i);
    EXPECT(s, read_outbox(st, &c, 0, NULL, 0, "o-t", 100, NULL) == 0);
    EXPECT(s, c.n == 3);
    for (i = 1; i < c.n; i++)
        EXPECT(s, c.sequences[i] > c.sequences[i - 1] && c.positions[i] > c.positions[i - 1]);
    EXPECT(s, strncmp(c.ids[0], "evt_", 4) == 0 && strlen(c.ids[0]) == 36);
}

/* Archival (storage version 4): list by age and status through query, archive_remove leaves
 * a tombstone (compare-and-set on the version), restore puts the record back as it was. */
static void check_archive(struct suite *s, ot_storage *st)
{
    struct spec old_done = base, new_done = base, old_live = base, v7 = base;
    ot_storage_query q = OT_STORAGE_QUERY_INIT;
    ot_order *o = NULL;
    ot_storage_record rec;
    static const char *const ids[2] = {"a-1", "a-9"};
    static const int64_t stale[2] = {2, 1}, versions[2] = {1, 1};
    int results[2] = {1, 1};
    char where[64];
    int rc;

    EXPECT(s, st->version >= 4 && st->archive_remove && st->tombstone_get && st->restore);
    old_done.order_id = "a-1";
    old_done.status = "delivered";
    old_done.updated_minute = 1;
    new_done = old_done;
    new_done.order_id = "a-2";
    new_done.updated_minute = 30;
    old_live = old_done;
    old_live.order_id = "a-3";
    old_live.status = "in_transit";
    EXPECT(s, put(st, &old_done, 1, 0, NULL) == 0 && put(st, &new_done, 1, 0, NULL) == 0 &&
                  put(st, &old_live, 1, 0, NULL) == 0);
    /* delivered before 06:10: a-1 only */
    q.current_status = OT_STATUS_DELIVERED;
    q.updated_before_ms = 1795414200000LL; /* 2026-11-23T06:10:00Z */
    EXPECT(s, count(st, &q) == 1);
    EXPECT(s, st->tombstone_get(st->userdata, "a-1", where, sizeof where, NULL) ==
                  OT_ENOTFOUND);
    /* a batch: a stale version, an unknown order, a missing tombstone target */
    EXPECT(s, st->archive_remove(st->userdata, ids, stale, 2, "f.jsonl.zst", results, NULL) == 0);
    EXPECT(s, results[0] == OT_ECONFLICT && results[1] == OT_ENOTFOUND);
    EXPECT(s, st->archive_remove(st->userdata, ids, versions, 1, "", results, NULL) == OT_EINVAL);
    EXPECT(s, st->archive_remove(st->userdata, ids, versions, 0, "f", results, NULL) == OT_EINVAL);
    EXPECT(s, same_as(st, &old_done));
    EXPECT(s, st->archive_remove(st->userdata, ids, versions, 2, "archive/f.jsonl.zst", results,
                                 NULL) == 0);
    EXPECT(s, results[0] == 0 && results[1] == OT_ENOTFOUND);
    EXPECT(s, st->load(st->userdata, "a-1", &o, NULL) == OT_ENOTFOUND);
    EXPECT(s, count(st, &q) == 0);
    EXPECT(s, st->tombstone_get(st->userdata, "a-1", where, sizeof where, NULL) == 0);
    EXPECT(s, strcmp(where, "archive/f.jsonl.zst") == 0);
    /* truncated to the buffer */
    EXPECT(s, st->tombstone_get(st->userdata, "a-1", where, 8, NULL) == 0 &&
                  strcmp(where, "archive") == 0);
    /* restore: the record at its own version, the tombstone gone; a second one refused */
    v7 = old_done;
    v7.version = 7;
    o = make_order(&v7);
    EXPECT(s, o != NULL);
    EXPECT(s, ot_storage_record_init(&rec, o, 0, NULL) == 0);
    rc = st->restore(st->userdata, &rec, NULL);
    if (rc == 0)
        rc = st->restore(st->userdata, &rec, NULL) == OT_EEXISTS ? 0 : -1;
    ot_storage_record_release(&rec);
    ot_order_free(o);
    EXPECT(s, rc == 0);
    EXPECT(s, same_as(st, &v7));
    EXPECT(s, st->tombstone_get(st->userdata, "a-1", where, sizeof where, NULL) ==
                  OT_ENOTFOUND);
    /* and it is a live record again: a commit at version 7 applies */
    v7.version = 8;
    EXPECT(s, put(st, &v7, 0, 7, NULL) == 0);
}

/* The history a query emits with each record. */
static int history_emit(void *ctx, ot_order *order, ot_error *err)
{
    size_t *n = ctx;
    (void)err;
    *n = ot_order_history_count(order);
    ot_order_free(order);
    return 0;
}

/* The history out of the record (storage version 5, OT_STORAGE_F_HISTORY_APART): the
 * tracker's writes (by the head and whole) leave a whole record behind load and query, one
 * that verifies; load_head reads the record by its chain head; the entries array of a
 * version 3 record is checked and appended. Skipped by a storage that keeps whole records. */
static void check_history_apart(struct suite *s, ot_storage *st)
{
    static const int steps[] = {OT_STATUS_STORE_NOTIFIED, OT_STATUS_STORE_ACKNOWLEDGED,
                                OT_STATUS_PICKING_IN_PROGRESS};
    ot_storage_query q = OT_STORAGE_QUERY_INIT;
    ot_tracker_options to = OT_TRACKER_OPTIONS_INIT;
    ot_request req = OT_REQUEST_INIT;
    ot_history_entry last = OT_HISTORY_ENTRY_INIT, head = OT_HISTORY_ENTRY_INIT;
    ot_storage_record rec;
    ot_tracker *t = NULL;
    ot_order *whole = NULL, *byhead = NULL;
    char cursor[OT_STORAGE_CURSOR_SIZE], hash[65] = "";
    size_t i, n = 0, emitted = 0;
    int ok = 1;

    if (st->version < 5 || !(st->flags & OT_STORAGE_F_HISTORY_APART))
        return;
    EXPECT(s, st->load_head != NULL);
    to.storage = st;
    EXPECT(s, ot_tracker_new(&t, &to, NULL) == 0);
    req.order_id = "h-1";
    req.store_id = "s-1";
    req.customer_id = "c-1";
    req.provider = OT_PROVIDER_UBER;
    req.updated_by = "test";
    ok = ot_tracker_init_order(NULL, t, &req, NULL) == 0;
    for (i = 0; ok && i < sizeof steps / sizeof steps[0]; i++) {
        req.status = steps[i];
        ok = ot_tracker_set_status(NULL, t, &req, NULL) == 0; /* by the head */
    }
    req.issue_type = "late";
    req.description = "a whole write";
    req.severity = OT_SEVERITY_LOW;
    ok = ok && ot_tracker_raise_issue(NULL, t, &req, NULL) == 0; /* whole */
    req.status = OT_STATUS_READY_FOR_PICKUP;
    ok = ok && ot_tracker_set_status(NULL, t, &req, NULL) == 0;
    ot_tracker_free(t);
    EXPECT(s, ok);
    /* load: the whole record, its chain intact */
    EXPECT(s, st->load(st->userdata, "h-1", &whole, NULL) == 0);
    n = ot_order_history_count(whole);
    ok = n == 6 && ot_order_verify_history(whole, NULL) == 0 &&
         ot_order_history_at(&last, whole, n - 1, NULL) == 0 && last.hash;
    if (ok)
        snprintf(hash, sizeof hash, "%s", last.hash);
    ot_order_free(whole);
    EXPECT(s, ok);
    /* load_head: the same record by its chain head */
    EXPECT(s, st->load_head(st->userdata, "h-1", &byhead, NULL) == 0);
    i = ot_order_history_count(byhead);
    ok = i >= 1 && i <= n && ot_order_history_at(&head, byhead, i - 1, NULL) == 0 && head.hash &&
         strcmp(head.hash, hash) == 0 && ot_order_version(byhead) == 6;
    ot_order_free(byhead);
    EXPECT(s, ok);
    EXPECT(s, st->load_head(st->userdata, "missing", &byhead, NULL) == OT_ENOTFOUND);
    /* query: whole records */
    q.store_id = "s-1";
    EXPECT(s, st->query(st->userdata, &q, history_emit, &emitted, cursor, sizeof cursor,
                        NULL) == 0 && emitted == 6);
    /* a version 3 record: entries numbered from first_event, else refused */
    EXPECT(s, st->load(st->userdata, "h-1", &whole, NULL) == 0);
    EXPECT(s, ot_storage_record_init(&rec, whole, n - 1, NULL) == 0);
    ok = rec.version >= 3 && rec.entry_count == 1 && rec.entries[0].seq == (int64_t)n - 1;
    if (ok) {
        ((ot_storage_entry *)rec.entries)[0].seq = 0;
        ok = ot_storage_record_check(&rec, NULL) == OT_EINVAL;
        ((ot_storage_entry *)rec.entries)[0].seq = (int64_t)n - 1;
        ok = ok && ot_storage_record_check(&rec, NULL) == 0;
    }
    ot_storage_record_release(&rec);
    ot_order_free(whole);
    EXPECT(s, ok);
}

int ot_storage_conformance_run(ot_conformance_factory factory, void *ctx, FILE *log)
{
    static const struct {
        const char *name;
        void (*run)(struct suite *, ot_storage *);
    } checks[] = {
        {"create_load", check_create_load},
        {"commit_conflict", check_commit_conflict},
        {"query", check_query},
        {"cursor", check_cursor},
        {"idempotency", check_idempotency},
        {"record_helper", check_record_helper},
        {"outbox_commit", check_outbox_commit},
        {"outbox_states", check_outbox_states},
        {"outbox_prune", check_outbox_prune},
        {"outbox_tracker", check_outbox_tracker},
        {"archive", check_archive},
        {"history_apart", check_history_apart},
    };
    struct suite s = {log, 0, NULL};
    size_t i;
    for (i = 0; i < sizeof checks / sizeof checks[0]; i++) {
        ot_storage *st = factory(ctx);
        s.check = checks[i].name;
        if (!st) {
            s.failures++;
            if (log)
                fprintf(log, "conformance check %s: the factory returned NULL\n", s.check);
            continue;
        }
        checks[i].run(&s, st);
        ot_storage_close(st);
    }
    return s.failures;
}
