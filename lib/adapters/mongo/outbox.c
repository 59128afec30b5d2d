/* The outbox over MongoDB (docs/mongo.md, "The outbox"). A commit writes its events into the
 * order's document, in `_ot.outbox`, by the same single-document compare-and-set as the
 * record (`_ot.pending` set), so an event exists if and only if its change committed. Reads
 * first *harvest*: one reader at a time (a lock in the keys collection) moves the pending
 * events of documents into the outbox collection (`<collection>_outbox`, `_id` the event id,
 * so a harvest repeated after a crash inserts nothing twice), each with the next position of
 * a counter, then pulls them from the document. The delivery state of each sink lives in the
 * event's `d.<sink>` ({s: state, a: attempts, n: next attempt, e: last error}). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ordertrack/sys/sink.h"
#include "ordertrack/sys/clock.h"
#include "mongo_internal.h"

/* Documents a harvest takes at most, and the counter's `_id`. */
#define HARVEST_DOCS 200
#define COUNTER_ID "position"
#define HARVEST_LOCK "outbox harvest" /* a space: never an order id */

int ot_mongo__outbox_has(const ot_storage_record *rec)
{
    return rec->version >= 2 && rec->events && rec->event_count > 0;
}

void ot_mongo__outbox_append(bson_t *array, const ot_storage_record *rec)
{
    char idx[16];
    const char *k;
    size_t i;
    for (i = 0; i < rec->event_count; i++) {
        const ot_event *e = &rec->events[i];
        bson_t ev;
        bson_uint32_to_string((uint32_t)i, &k, idx, sizeof idx);
        bson_append_document_begin(array, k, -1, &ev);
        BSON_APPEND_UTF8(&ev, "i", e->event_id);
        BSON_APPEND_UTF8(&ev, "o", e->order_id);
        BSON_APPEND_UTF8(&ev, "s", e->store_id);
        BSON_APPEND_INT64(&ev, "q", e->sequence);
        BSON_APPEND_INT32(&ev, "y", e->type);
        BSON_APPEND_INT64(&ev, "t", e->time_ms);
        bson_append_utf8(&ev, "j", -1, e->json, (int)e->json_len);
        bson_append_document_end(array, &ev);
    }
}

/* The field of a sink's state: "d.<name>" with '.' written %2E (a name has no '%'). */
static void state_field(char *out, size_t size, const char *sink, const char *member)
{
    size_t n = (size_t)snprintf(out, size, "d.");
    for (; *sink && n + 4 < size; sink++) {
        if (*sink == '.') {
            memcpy(out + n, "%2E", 3);
            n += 3;
        } else {
            out[n++] = *sink;
        }
    }
    snprintf(out + n, size - n, "%s%s", member ? "." : "", member ? member : "");
}

static int64_t wall_ms(void)
{
    return ot_clock_now_ms(NULL);
}

/* The harvest lock: 1 taken, 0 held by another reader (a lease older than MG_LOCK_LEASE_MS
 * is taken over), or OT_ESTORAGE. */
static int harvest_lock(struct session *c, const char *nonce, ot_error *err)
{
    int attempt;
    for (attempt = 0; attempt < 2; attempt++) {
        int64_t now = wall_ms();
        bson_t *doc = BCON_NEW("_id", "{", "lock", BCON_UTF8(HARVEST_LOCK), "}", "w",
                               BCON_UTF8(nonce), "at", BCON_DATE_TIME(now), "ttl_at",
                               BCON_DATE_TIME(now + MG_LOCK_LEASE_MS));
        bson_t *stale;
        bson_error_t error;
        bson_t reply;
        bool ok = mongoc_collection_insert_one(c->keys, doc, NULL, NULL, &error);
        bson_destroy(doc);
        if (ok)
            return 1;
        if (!ot_mongo__is_duplicate(&error))
            return ot_mongo__error(err, &error, "locking the outbox harvest");
        stale = BCON_NEW("_id", "{", "lock", BCON_UTF8(HARVEST_LOCK), "}", "at", "{", "$lt",
                         BCON_DATE_TIME(now - MG_LOCK_LEASE_MS), "}");
        ok = mongoc_collection_delete_one(c->keys, stale, NULL, &reply, NULL);
        bson_destroy(stale);
        if (!ok || !bson_has_field(&reply, "deletedCount")) {
            bson_destroy(&reply);
            return 0;
        }
        {
            bson_iter_t it;
            int64_t n = bson_iter_init_find(&it, &reply, "deletedCount")
                            ? bson_iter_as_int64(&it) : 0;
            bson_destroy(&reply);
            if (n != 1)
                return 0;
        }
    }
    return 0;
}

static void harvest_unlock(struct session *c, const char *nonce)
{
    bson_t *filter = BCON_NEW("_id", "{", "lock", BCON_UTF8(HARVEST_LOCK), "}", "w",
                              BCON_UTF8(nonce));
    mongoc_collection_delete_one(c->keys, filter, NULL, NULL, NULL);
    bson_destroy(filter);
}

/* Reserve `n` positions: the last of them into *last. */
static int reserve(struct session *c, int64_t n, int64_t *last, ot_error *err)
{
    bson_t *query = BCON_NEW("_id", BCON_UTF8(COUNTER_ID));
    bson_t *update = BCON_NEW("$inc", "{", "n", BCON_INT64(n), "}");
    bson_t reply;
    bson_error_t error;
    bson_iter_t it;
    int rc = 0;
    if (!mongoc_collection_find_and_modify(c->outbox, query, NULL, update, NULL, false, true,
                                           true, &reply, &error))
        rc = ot_mongo__error(err, &error, "reserving outbox positions");
    else if (bson_iter_init_find(&it, &reply, "value") && BSON_ITER_HOLDS_DOCUMENT(&it) &&
             bson_iter_recurse(&it, &it) && bson_iter_find(&it, "n"))
        *last = bson_iter_as_int64(&it);
    else
        rc = ot_error_setf(err, OT_ESTORAGE, "outbox", "the position counter answered no value");
    bson_destroy(&reply);
    bson_destroy(query);
    bson_destroy(update);
    return rc;
}

static const char *str_of(const bson_t *doc, const char *key, uint32_t *len)
{
    bson_iter_t it;
    if (bson_iter_init_find(&it, doc, key) && BSON_ITER_HOLDS_UTF8(&it))
        return bson_iter_utf8(&it, len);
    return NULL;
}

static int64_t int_of(const bson_t *doc, const char *key)
{
    bson_iter_t it;
    return bson_iter_init_find(&it, doc, key) && BSON_ITER_HOLDS_NUMBER(&it)
               ? bson_iter_as_int64(&it) : 0;
}

/* Move one document's pending events (the array `events`) into the outbox collection. */
static int harvest_doc(struct session *c, const char *order_id, const bson_value_t *id,
                       const bson_t *events, ot_error *err)
{
    bson_iter_t it;
    bson_t *filter, *done;
    bson_error_t error;
    int64_t n = 0, last = 0, pos;
    int rc = 0;

    if (bson_iter_init(&it, events))
        while (bson_iter_next(&it))
            n++;
    if (n && (rc = reserve(c, n, &last, err)))
        return rc;
    pos = last - n + 1;
    if (bson_iter_init(&it, events)) {
        while (!rc && bson_iter_next(&it)) {
            bson_t ev, *sel, *upd, *opts;
            const uint8_t *data;
            uint32_t len;
            const char *eid;
            if (!BSON_ITER_HOLDS_DOCUMENT(&it))
                continue;
            bson_iter_document(&it, &len, &data);
            if (!bson_init_static(&ev, data, len) || !(eid = str_of(&ev, "i", NULL)))
                continue;
            sel = BCON_NEW("_id", BCON_UTF8(eid));
            upd = BCON_NEW("$setOnInsert", "{", "p", BCON_INT64(pos), "o",
                           BCON_UTF8(str_of(&ev, "o", NULL) ? str_of(&ev, "o", NULL) : order_id),
                           "s", BCON_UTF8(str_of(&ev, "s", NULL) ? str_of(&ev, "s", NULL) : ""),
                           "q", BCON_INT64(int_of(&ev, "q")), "y",
                           BCON_INT32((int32_t)int_of(&ev, "y")), "t",
                           BCON_INT64(int_of(&ev, "t")), "j",
                           BCON_UTF8(str_of(&ev, "j", NULL) ? str_of(&ev, "j", NULL) : "{}"), "}");
            opts = BCON_NEW("upsert", BCON_BOOL(true));
            pos++;
            if (!mongoc_collection_update_one(c->outbox, sel, upd, opts, NULL, &error))
                rc = ot_mongo__error(err, &error, "harvesting an outbound event");
            bson_destroy(sel);
            bson_destroy(upd);
            bson_destroy(opts);
        }
    }
    if (rc)
        return rc;
    /* the harvested events leave the document: the array is emptied only while it is still
     * the one harvested (a commit meanwhile pushed more: it stays pending and the next
     * harvest takes them all again; the upserts above insert nothing twice). Not a $pull
     * with a condition: FerretDB acknowledges it and changes nothing (docs/mongo.md). */
    filter = bson_new();
    BSON_APPEND_VALUE(filter, "_id", id);
    BSON_APPEND_ARRAY(filter, "_ot.outbox", events);
    done = BCON_NEW("$set", "{", "_ot.outbox", "[", "]", "_ot.pending", BCON_BOOL(false), "}");
    rc = ot_mongo__order_update(c->s, order_id, filter, done, err);
    bson_destroy(done);
    bson_destroy(filter);
    return rc;
}

static int harvest(struct session *c, ot_error *err)
{
    bson_t *filter, *opts;
    const bson_t *doc;
    mongoc_cursor_t *cur;
    bson_error_t error;
    char nonce[25];
    int rc;

    ot_mongo__nonce(nonce);
    if ((rc = harvest_lock(c, nonce, err)) <= 0)
        return rc;
    filter = BCON_NEW("_ot.pending", BCON_BOOL(true));
    opts = BCON_NEW("projection", "{", "order_id", BCON_INT32(1), "_ot.outbox", BCON_INT32(1),
                    "}", "limit", BCON_INT64(HARVEST_DOCS));
    /* from the primary: the harvest's $set is filtered on the array read here */
    cur = mongoc_collection_find_with_opts(c->orders, filter, opts, c->s->primary);
    rc = 0;
    while (!rc && mongoc_cursor_next(cur, &doc)) {
        bson_iter_t it, ot;
        bson_value_t id;
        bson_t events;
        const uint8_t *data;
        uint32_t len;
        const char *order_id = str_of(doc, "order_id", NULL);
        if (!order_id || !bson_iter_init_find(&it, doc, "_id"))
            continue;
        bson_value_copy(bson_iter_value(&it), &id);
        if (bson_iter_init_find(&ot, doc, "_ot") && BSON_ITER_HOLDS_DOCUMENT(&ot) &&
            bson_iter_recurse(&ot, &it) && bson_iter_find(&it, "outbox") &&
            BSON_ITER_HOLDS_ARRAY(&it)) {
            bson_iter_array(&it, &len, &data);
            if (bson_init_static(&events, data, len))
                rc = harvest_doc(c, order_id, &id, &events, err);
        } else {
            bson_t empty = BSON_INITIALIZER;
            rc = harvest_doc(c, order_id, &id, &empty, err);
        }
        bson_value_destroy(&id);
    }
    if (!rc && mongoc_cursor_error(cur, &error))
        rc = ot_mongo__error(err, &error, "finding pending outbound events");
    mongoc_cursor_destroy(cur);
    bson_destroy(filter);
    bson_destroy(opts);
    harvest_unlock(c, nonce);
    return rc;
}

/* The filter of a sink's state: PENDING also matches no state yet. */
static void append_state_filter(bson_t *filter, const char *sink, int state)
{
    char field[OT_SINK_NAME_MAX * 3 + 8], sfield[OT_SINK_NAME_MAX * 3 + 8];
    state_field(field, sizeof field, sink, NULL);
    state_field(sfield, sizeof sfield, sink, "s");
    if (state == OT_OUTBOX_PENDING) {
        bson_t or, a, b, ex;
        bson_append_array_begin(filter, "$or", -1, &or);
        bson_append_document_begin(&or, "0", -1, &a);
        bson_append_document_begin(&a, field, -1, &ex);
        BSON_APPEND_BOOL(&ex, "$exists", false);
        bson_append_document_end(&a, &ex);
        bson_append_document_end(&or, &a);
        bson_append_document_begin(&or, "1", -1, &b);
        BSON_APPEND_INT32(&b, sfield, OT_OUTBOX_PENDING);
        bson_append_document_end(&or, &b);
        bson_append_array_end(filter, &or);
    } else {
        BSON_APPEND_INT32(filter, sfield, state);
    }
}

int ot_mongo__outbox_query(void *userdata, const ot_outbox_query *q, ot_event_emit emit,
                           void *ctx, int64_t *next_after, ot_error *err)
{
    struct store *s = userdata;
    struct session c;
    bson_t filter, gt, *opts;
    const bson_t *doc;
    mongoc_cursor_t *cur;
    bson_error_t error;
    char field[OT_SINK_NAME_MAX * 3 + 8];
    int rc;

    ot_mongo__session_open(&c, s);
    if ((rc = harvest(&c, err)) != 0) {
        ot_mongo__session_close(&c);
        return rc;
    }
    bson_init(&filter);
    bson_append_document_begin(&filter, "p", -1, &gt);
    BSON_APPEND_INT64(&gt, "$gt", q->after);
    bson_append_document_end(&filter, &gt);
    if (q->order_id)
        BSON_APPEND_UTF8(&filter, "o", q->order_id);
    if (q->store_id)
        BSON_APPEND_UTF8(&filter, "s", q->store_id);
    if (q->sink && q->state)
        append_state_filter(&filter, q->sink, q->state);
    opts = BCON_NEW("sort", "{", "p", BCON_INT32(1), "}", "limit", BCON_INT64((int64_t)q->limit));
    cur = mongoc_collection_find_with_opts(c.outbox, &filter, opts, NULL);
    if (q->sink)
        state_field(field, sizeof field, q->sink, NULL);
    while (!rc && mongoc_cursor_next(cur, &doc)) {
        ot_event ev = OT_EVENT_INIT;
        bson_iter_t it, st;
        uint32_t len = 0;
        ev.position = int_of(doc, "p");
        ev.event_id = str_of(doc, "_id", NULL);
        ev.order_id = str_of(doc, "o", NULL);
        ev.store_id = str_of(doc, "s", NULL);
        ev.sequence = int_of(doc, "q");
        ev.type = (int)int_of(doc, "y");
        ev.time_ms = int_of(doc, "t");
        ev.json = str_of(doc, "j", &len);
        ev.json_len = len;
        if (!ev.event_id || !ev.order_id || !ev.store_id || !ev.json) {
            rc = ot_error_setf(err, OT_ESTORAGE, "outbox", "outbox entry %lld lacks a member",
                        (long long)ev.position);
            break;
        }
        if (q->sink) {
            ev.state = OT_OUTBOX_PENDING;
            if (bson_iter_init(&it, doc) && bson_iter_find_descendant(&it, field + 0, &st) &&
                BSON_ITER_HOLDS_DOCUMENT(&st)) {
                const uint8_t *data;
                uint32_t dlen;
                bson_t d;
                bson_iter_document(&st, &dlen, &data);
                if (bson_init_static(&d, data, dlen)) {
                    ev.state = (int)int_of(&d, "s");
                    ev.attempts = (unsigned)int_of(&d, "a");
                    ev.next_attempt_ms = int_of(&d, "n");
                    ev.last_error = str_of(&d, "e", NULL);
                }
            }
        }
        if ((rc = emit(ctx, &ev, err)) == 0)
            *next_after = ev.position;
    }
    if (!rc && mongoc_cursor_error(cur, &error))
        rc = ot_mongo__error(err, &error, "reading the outbox");
    mongoc_cursor_destroy(cur);
    bson_destroy(opts);
    bson_destroy(&filter);
    ot_mongo__session_close(&c);
    return rc;
}

int ot_mongo__outbox_mark(void *userdata, const ot_outbox_mark *m, ot_error *err)
{
    struct store *s = userdata;
    struct session c;
    bson_t filter, update, set, d, reply;
    bson_error_t error;
    bson_iter_t it;
    char field[OT_SINK_NAME_MAX * 3 + 8];
    int rc = 0;

    if (!m || !m->sink)
        return ot_error_setf(err, OT_EINVAL, m ? "sink" : "mark", "argument is NULL");
    ot_mongo__session_open(&c, s);
    bson_init(&filter);
    BSON_APPEND_INT64(&filter, "p", m->position);
    if (m->require_state)
        append_state_filter(&filter, m->sink, m->require_state);
    state_field(field, sizeof field, m->sink, NULL);
    bson_init(&update);
    bson_append_document_begin(&update, "$set", -1, &set);
    bson_append_document_begin(&set, field, -1, &d);
    BSON_APPEND_INT32(&d, "s", m->state);
    BSON_APPEND_INT64(&d, "a", m->attempts);
    BSON_APPEND_INT64(&d, "n", m->next_attempt_ms);
    if (m->last_error)
        BSON_APPEND_UTF8(&d, "e", m->last_error);
    bson_append_document_end(&set, &d);
    bson_append_document_end(&update, &set);
    if (!mongoc_collection_update_one(c.outbox, &filter, &update, NULL, &reply, &error))
        rc = ot_mongo__error(err, &error, "marking an outbound event");
    else if (!bson_iter_init_find(&it, &reply, "matchedCount") || bson_iter_as_int64(&it) != 1)
        rc = ot_error_setf(err, OT_ENOTFOUND, "position", "no event %lld in state %d for sink %s",
                    (long long)m->position, m->require_state, m->sink);
    bson_destroy(&reply); /* always initialised by libmongoc */
    bson_destroy(&filter);
    bson_destroy(&update);
    ot_mongo__session_close(&c);
    return rc;
}

int ot_mongo__outbox_prune(void *userdata, const char *const *sinks, size_t n,
                           int64_t before_ms, size_t *removed, ot_error *err)
{
    struct store *s = userdata;
    struct session c;
    bson_t filter, lt, reply;
    bson_error_t error;
    bson_iter_t it;
    size_t i;
    int rc = 0;

    if (!sinks || n < 1)
        return ot_error_setf(err, OT_EINVAL, "sinks", "prune needs at least one sink name");
    ot_mongo__session_open(&c, s);
    bson_init(&filter);
    bson_append_document_begin(&filter, "t", -1, &lt);
    BSON_APPEND_INT64(&lt, "$lt", before_ms);
    bson_append_document_end(&filter, &lt);
    for (i = 0; i < n; i++) {
        char field[OT_SINK_NAME_MAX * 3 + 8];
        state_field(field, sizeof field, sinks[i], "s");
        BSON_APPEND_INT32(&filter, field, OT_OUTBOX_DELIVERED);
    }
    if (!mongoc_collection_delete_many(c.outbox, &filter, NULL, &reply, &error))
        rc = ot_mongo__error(err, &error, "pruning the outbox");
    else if (removed)
        *removed = bson_iter_init_find(&it, &reply, "deletedCount")
                       ? (size_t)bson_iter_as_int64(&it) : 0;
    bson_destroy(&reply);
    bson_destroy(&filter);
    ot_mongo__session_close(&c);
    return rc;
}
