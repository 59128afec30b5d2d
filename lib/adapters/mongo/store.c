/* The storage vtable over MongoDB: single-document compare-and-set updates on
 * {order_id, version}; idempotency keys written first as "pending" (see docs/mongo.md). */
#include <stdio.h>
#include <string.h>

#include "ordertrack/status.h"
#include "ordertrack/sys/clock.h"
#include "mongo_internal.h"

/* ---- plumbing ----------------------------------------------------------------------- */

void ot_mongo__session_open(struct session *x, struct store *s)
{
    x->s = s;
    x->client = mongoc_client_pool_pop(s->pool);
    x->orders = mongoc_client_get_collection(x->client, s->database, s->collection);
    x->outbox = mongoc_client_get_collection(x->client, s->database, s->outbox_collection);
    x->keys = mongoc_client_get_collection(x->client, s->database, s->idem_collection);
    /* keys, locks and the outbox are the write path's: from the primary whatever the URI
     * reads from (orders: each read names its preference, order_find) */
    mongoc_collection_set_read_prefs(x->keys, s->primary);
    mongoc_collection_set_read_prefs(x->outbox, s->primary);
}

/* The order document of `order_id` (projection and limit in `opts`) into *out (bson_copy,
 * bson_destroy it): 1 found, 0 none, -1 an error in *error. By `_id` first where the server
 * pushes only that down (`id_lookups`), then by `order_id` (ObjectId `_id`s of old
 * documents). `prefs`: NULL for the URI's read preference (lag-tolerant reads), else those. */
static int order_find(struct session *x, const char *order_id, const bson_t *opts,
                      const mongoc_read_prefs_t *prefs, bson_t **out, bson_error_t *error)
{
    int pass, rc = 0;
    *out = NULL;
    for (pass = x->s->id_lookups ? 0 : 1; pass < 2 && rc == 0; pass++) {
        bson_t *filter = BCON_NEW(pass ? "order_id" : "_id", BCON_UTF8(order_id));
        mongoc_cursor_t *cur = mongoc_collection_find_with_opts(x->orders, filter, opts, prefs);
        const bson_t *doc;
        if (mongoc_cursor_next(cur, &doc)) {
            *out = bson_copy(doc);
            rc = *out ? 1 : -1;
            if (!*out)
                bson_set_error(error, MONGOC_ERROR_BSON, 0, "out of memory");
        } else if (mongoc_cursor_error(cur, error)) {
            rc = -1;
        }
        mongoc_cursor_destroy(cur);
        bson_destroy(filter);
    }
    return rc;
}

void ot_mongo__session_close(struct session *x)
{
    mongoc_collection_destroy(x->orders);
    mongoc_collection_destroy(x->outbox);
    mongoc_collection_destroy(x->keys);
    mongoc_client_pool_push(x->s->pool, x->client);
}

void ot_mongo__nonce(char nonce[25])
{
    bson_oid_t oid;
    bson_oid_init(&oid, NULL);
    bson_oid_to_string(&oid, nonce);
}

static int64_t reply_count(const bson_t *reply, const char *name)
{
    bson_iter_t it;
    if (bson_iter_init_find(&it, reply, name) && BSON_ITER_HOLDS_NUMBER(&it))
        return bson_iter_as_int64(&it);
    return 0;
}

int ot_mongo__is_duplicate(const bson_error_t *e)
{
    return e->code == 11000 || e->code == 11001 || strstr(e->message, "E11000") != NULL ||
           strstr(e->message, "uplicate key") != NULL;
}

/* The server answered the command with an error (it was refused: nothing applied), as
 * opposed to a network failure or timeout where the outcome is unknown. Write concern errors
 * (the write may have applied) count as unknown. */
static int refused_by_server(const bson_error_t *e)
{
    return (e->domain == MONGOC_ERROR_SERVER || e->domain == MONGOC_ERROR_QUERY) &&
           e->code != MONGOC_ERROR_WRITE_CONCERN_ERROR;
}

static void append_date(bson_t *doc, const char *key, int64_t ms)
{
    bson_append_date_time(doc, key, -1, ms);
}

/* ---- the order's write lock (servers without atomic updates) ------------------------- */

/* {_id: {lock: order_id}} in the keys collection: an idempotency key's _id is a string, so
 * the two never meet. */
static void append_lock_id(bson_t *doc, const char *order_id)
{
    bson_t id;
    bson_append_document_begin(doc, "_id", -1, &id);
    BSON_APPEND_UTF8(&id, "lock", order_id);
    bson_append_document_end(doc, &id);
}

/* Take the write lock of `order_id` when the store needs one (FerretDB: an update there is a
 * read, then a write of the whole document; two updates of one document at once both match
 * their filter and the second undoes the first). The lock is an insert only one writer can
 * make; a held lock is waited for (MG_LOCK_WAIT_MS, polled after a pause doubling from 2 to
 * 64 ms), one older than MG_LOCK_LEASE_MS taken over (its holder died). 0, OT_ECONFLICT
 * (still held) or OT_ESTORAGE (nothing locked). */
static int order_lock(struct session *x, const char *order_id, const char *nonce, ot_error *err)
{
    int64_t start = ot_clock_now_ms(NULL), now, pause = MG_LOCK_PAUSE_MIN_MS;
    if (!x->s->lock_writes)
        return 0;
    for (;;) {
        bson_t doc, filter, lt, reply;
        bson_error_t error;
        bool ok;
        now = ot_clock_now_ms(NULL);
        bson_init(&doc);
        append_lock_id(&doc, order_id);
        BSON_APPEND_UTF8(&doc, "w", nonce);
        append_date(&doc, "at", now);
        append_date(&doc, "ttl_at", now + MG_LOCK_LEASE_MS);   /* TTL/sweep: abandoned locks */
        ok = mongoc_collection_insert_one(x->keys, &doc, NULL, NULL, &error);
        bson_destroy(&doc);
        if (ok)
            return 0;
        if (!ot_mongo__is_duplicate(&error))
            return ot_mongo__error(err, &error, "locking the order");
        bson_init(&filter);
        append_lock_id(&filter, order_id);
        bson_append_document_begin(&filter, "at", -1, &lt);
        append_date(&lt, "$lt", now - MG_LOCK_LEASE_MS);
        bson_append_document_end(&filter, &lt);
        ok = mongoc_collection_delete_one(x->keys, &filter, NULL, &reply, NULL) &&
             reply_count(&reply, "deletedCount") == 1;
        bson_destroy(&reply);
        bson_destroy(&filter);
        if (ok)
            continue;   /* taken over from a dead holder */
        if (now - start >= MG_LOCK_WAIT_MS)
            return ot_error_setf(err, OT_ECONFLICT, "order_id",
                                  "order %.64s is being written by another writer", order_id);
        /* backing off: many writers of one order must not flood the server with inserts
         * (three processes, 200 writers: tests/scale/three_instances.py) */
        ot_clock_sleep_ms(NULL, pause);
        if (pause < MG_LOCK_PAUSE_MAX_MS)
            pause *= 2;
    }
}

/* Release the lock taken with `nonce` (best effort: a lock left behind is taken over once
 * its lease runs out). */
static void order_unlock(struct session *x, const char *order_id, const char *nonce)
{
    bson_t filter;
    if (!x->s->lock_writes)
        return;
    bson_init(&filter);
    append_lock_id(&filter, order_id);
    BSON_APPEND_UTF8(&filter, "w", nonce);
    mongoc_collection_delete_one(x->keys, &filter, NULL, NULL, NULL);
    bson_destroy(&filter);
}

/* ---- the order write ------------------------------------------------------------------ */

/* The stored version of `order_id` and whether the order carries `nonce` as its last write
 * (`_ot.w`) or among its keyed writes (`_ot.keys`): 1 found, 0 no such order, or
 * OT_ESTORAGE. */
static int order_state(struct session *x, const char *order_id, const char *nonce,
                       int64_t *version, int *has_nonce, ot_error *err)
{
    bson_t *opts = BCON_NEW("projection", "{", "version", BCON_INT32(1), "_ot", BCON_INT32(1),
                            "}", "limit", BCON_INT64(1));
    bson_t *doc;
    bson_error_t error;
    int rc;
    *version = 0;
    *has_nonce = 0;
    rc = order_find(x, order_id, opts, x->s->primary, &doc, &error);
    if (rc == 1) {
        bson_iter_t it, k;
        if (bson_iter_init_find(&it, doc, "version"))
            *version = bson_iter_as_int64(&it);
        if (bson_iter_init(&it, doc) && bson_iter_find_descendant(&it, "_ot.w", &k) &&
            BSON_ITER_HOLDS_UTF8(&k) && strcmp(bson_iter_utf8(&k, NULL), nonce) == 0)
            *has_nonce = 1;
        if (bson_iter_init(&it, doc) && bson_iter_find_descendant(&it, "_ot.keys", &it) &&
            BSON_ITER_HOLDS_ARRAY(&it) && bson_iter_recurse(&it, &k)) {
            while (!*has_nonce && bson_iter_next(&k))
                if (BSON_ITER_HOLDS_UTF8(&k) && strcmp(bson_iter_utf8(&k, NULL), nonce) == 0)
                    *has_nonce = 1;
        }
        bson_destroy(doc);
    } else if (rc < 0) {
        rc = ot_mongo__error(err, &error, "reading the stored version");
    }
    bson_destroy(opts);
    return rc;
}

/* Where the order stands after a write whose reply was lost or matched nothing: 0 if it
 * carries our nonce (our write applied), OT_ECONFLICT (another version, or this write was
 * fenced off), OT_EEXISTS (a create), OT_ENOTFOUND, or OT_ESTORAGE. */
static int order_outcome(struct session *x, const char *order_id, const char *nonce,
                         int64_t expected, ot_error *err)
{
    int64_t version;
    int mine, rc = order_state(x, order_id, nonce, &version, &mine, err);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return ot_error_setf(err, OT_ENOTFOUND, "order_id", "no order %.64s", order_id);
    if (mine)
        return 0;
    if (expected == 0)
        return ot_error_setf(err, OT_EEXISTS, "order_id", "order %.64s already exists", order_id);
    return ot_error_setf(err, OT_ECONFLICT, "version", "order %.64s is at version %lld, not %lld",
                         order_id, (long long)version, (long long)expected);
}

/* The update of a commit: $set of every field (status_history too when the whole history
 * is written), $push of the new history entries, the write nonce in `_ot`. `kept` (FerretDB,
 * which ignores `$slice`): the last nonces of `_ot.keys` as read under the lock, set with the
 * new one instead of a `$push`; NULL: `$push` with `$slice`. */
static void build_update(bson_t *update, const bson_t *doc, const ot_storage_record *rec,
                         const char *nonce, int keyed, const bson_t *kept)
{
    bson_t set, push, each, entries, slice, keys;
    bson_iter_t it, h;
    int whole = rec->first_event == 0, n = 0;
    char idx[16];
    const char *k;

    bson_init(update);
    bson_append_document_begin(update, "$set", -1, &set);
    bson_iter_init(&it, doc);
    while (bson_iter_next(&it)) {
        if (!whole && strcmp(bson_iter_key(&it), "status_history") == 0)
            continue;
        bson_append_iter(&set, bson_iter_key(&it), -1, &it);
    }
    BSON_APPEND_UTF8(&set, "_ot.w", nonce);
    if (ot_mongo__outbox_has(rec))
        BSON_APPEND_BOOL(&set, "_ot.pending", true);
    if (keyed && kept) {
        bson_t arr;
        bson_iter_t ki;
        uint32_t i = 0;
        bson_append_array_begin(&set, "_ot.keys", -1, &arr);
        if (bson_iter_init(&ki, kept))
            while (bson_iter_next(&ki)) {
                bson_uint32_to_string(i++, &k, idx, sizeof idx);
                bson_append_iter(&arr, k, -1, &ki);
            }
        bson_uint32_to_string(i, &k, idx, sizeof idx);
        BSON_APPEND_UTF8(&arr, k, nonce);
        bson_append_array_end(&set, &arr);
        keyed = 0;   /* no $push below */
    }
    bson_append_document_end(update, &set);

    bson_init(&entries);
    if (!whole && bson_iter_init_find(&h, doc, "status_history") &&
        BSON_ITER_HOLDS_ARRAY(&h) && bson_iter_recurse(&h, &it)) {
        size_t i = 0;
        while (bson_iter_next(&it)) {
            if (i++ < rec->first_event)
                continue;
            bson_uint32_to_string((uint32_t)n++, &k, idx, sizeof idx);
            bson_append_iter(&entries, k, -1, &it);
        }
    }
    if (n || keyed || ot_mongo__outbox_has(rec)) {
        bson_append_document_begin(update, "$push", -1, &push);
        if (ot_mongo__outbox_has(rec)) {   /* the events, by the same compare-and-set */
            bson_t events, ev_each;
            bson_append_document_begin(&push, "_ot.outbox", -1, &ev_each);
            bson_append_array_begin(&ev_each, "$each", -1, &events);
            ot_mongo__outbox_append(&events, rec);
            bson_append_array_end(&ev_each, &events);
            bson_append_document_end(&push, &ev_each);
        }
        if (n) {
            bson_append_document_begin(&push, "status_history", -1, &each);
            bson_append_array(&each, "$each", -1, &entries);
            bson_append_document_end(&push, &each);
        }
        if (keyed) {   /* the nonces of keyed writes: a pending key's outcome (idem_get) */
            bson_append_document_begin(&push, "_ot.keys", -1, &slice);
            bson_append_array_begin(&slice, "$each", -1, &keys);
            BSON_APPEND_UTF8(&keys, "0", nonce);
            bson_append_array_end(&slice, &keys);
            BSON_APPEND_INT32(&slice, "$slice", -MG_KEYS_KEPT);
            bson_append_document_end(&push, &slice);
        }
        bson_append_document_end(update, &push);
    }
    bson_destroy(&entries);
}

/* Where the server pushes down only `{_id}` (FerretDB) and the order's write lock is held:
 * when the order's `_id` is its id and it stands at `expected` (and, keyed, has not fenced
 * `nonce` off), `filter` becomes `{_id: order_id}`; else it is left as it is (an ObjectId
 * `_id`, a read error; a mismatch then matches nothing either way). The lock keeps the
 * order as read until the update. `kept` (may be NULL) receives the last MG_KEYS_KEPT - 1
 * nonces of `_ot.keys` when it holds MG_KEYS_KEPT or more (FerretDB ignores `$slice`), else
 * stays empty. */
static void id_filter(struct session *x, bson_t *filter, const char *order_id,
                      int64_t expected, const char *nonce, int keyed, bson_t *kept)
{
    bson_t *opts = BCON_NEW("projection", "{", "version", BCON_INT32(1), "_ot", BCON_INT32(1),
                            "}", "limit", BCON_INT64(1));
    bson_t *doc;
    bson_error_t error;
    bson_iter_t it;
    int match;
    if (order_find(x, order_id, opts, x->s->primary, &doc, &error) == 1) {
        match = bson_iter_init_find(&it, doc, "_id") && BSON_ITER_HOLDS_UTF8(&it) &&
                strcmp(bson_iter_utf8(&it, NULL), order_id) == 0 &&
                bson_iter_init_find(&it, doc, "version") && bson_iter_as_int64(&it) == expected;
        if (match && keyed && bson_iter_init(&it, doc) &&
            bson_iter_find_descendant(&it, "_ot.fence", &it) && BSON_ITER_HOLDS_UTF8(&it) &&
            strcmp(bson_iter_utf8(&it, NULL), nonce) == 0)
            match = 0;
        if (match) {
            bson_reinit(filter);
            BSON_APPEND_UTF8(filter, "_id", order_id);
        }
        if (kept && bson_iter_init(&it, doc) && bson_iter_find_descendant(&it, "_ot.keys", &it) &&
            BSON_ITER_HOLDS_ARRAY(&it) && bson_iter_recurse(&it, &it)) {
            bson_iter_t count = it;
            uint32_t n = 0, i = 0, out = 0;
            char idx[16];
            const char *k;
            while (bson_iter_next(&count))
                n++;
            while (n >= MG_KEYS_KEPT && bson_iter_next(&it))
                if (i++ >= n - (MG_KEYS_KEPT - 1)) {
                    bson_uint32_to_string(out++, &k, idx, sizeof idx);
                    bson_append_iter(kept, k, -1, &it);
                }
        }
        bson_destroy(doc);
    }
    bson_destroy(opts);
}

/* Create (expected == 0: an insert whose `_id` is the order id, so a second create of it is a
 * duplicate key) or commit (a compare-and-set). `*unknown` is set when the write failed in a
 * way that may still have applied it. Keyed commits also require that no idem_get fenced
 * this write off (`_ot.fence`). */
static int write_order(struct session *x, int64_t expected, const ot_storage_record *rec,
                       const char *nonce, int keyed, int *unknown, ot_error *err)
{
    bson_t doc, write, filter, reply, ot;
    bson_error_t error;
    bool ok;
    int rc;

    *unknown = 0;
    if ((rc = ot_mongo__json_to_bson(&doc, rec->json, rec->json_len, err)) != 0)
        return rc;
    bson_init(&filter);
    if (expected == 0) {
        /* not an upsert with $setOnInsert: FerretDB drops its null and [] values */
        bson_t keys;
        bson_init(&write);
        BSON_APPEND_UTF8(&write, "_id", rec->order_id);
        bson_concat(&write, &doc);
        bson_append_document_begin(&write, "_ot", -1, &ot);
        BSON_APPEND_UTF8(&ot, "w", nonce);
        if (ot_mongo__outbox_has(rec)) {   /* the events, written with the record */
            bson_t events;
            bson_append_array_begin(&ot, "outbox", -1, &events);
            ot_mongo__outbox_append(&events, rec);
            bson_append_array_end(&ot, &events);
            BSON_APPEND_BOOL(&ot, "pending", true);
        }
        if (keyed) {
            bson_append_array_begin(&ot, "keys", -1, &keys);
            BSON_APPEND_UTF8(&keys, "0", nonce);
            bson_append_array_end(&ot, &keys);
        }
        bson_append_document_end(&write, &ot);
        ok = mongoc_collection_insert_one(x->orders, &write, NULL, &reply, &error);
    } else {
        BSON_APPEND_UTF8(&filter, "order_id", rec->order_id);
        BSON_APPEND_INT64(&filter, "version", expected);
        if (keyed) {
            bson_t ne;
            bson_append_document_begin(&filter, "_ot.fence", -1, &ne);
            BSON_APPEND_UTF8(&ne, "$ne", nonce);
            bson_append_document_end(&filter, &ne);
        }
        bson_t kept = BSON_INITIALIZER;
        if (x->s->id_lookups)   /* under the lock: the same test, by `_id` alone */
            id_filter(x, &filter, rec->order_id, expected, nonce, keyed, &kept);
        build_update(&write, &doc, rec, nonce, keyed, bson_empty(&kept) ? NULL : &kept);
        bson_destroy(&kept);
        ok = mongoc_collection_update_one(x->orders, &filter, &write, NULL, &reply, &error);
    }
    if (ok) {
        if (expected == 0 || reply_count(&reply, "matchedCount") == 1)
            rc = 0;
        else
            rc = order_outcome(x, rec->order_id, nonce, expected, err);
    } else if (ot_mongo__is_duplicate(&error)) {
        rc = expected == 0 ? ot_error_setf(err, OT_EEXISTS, "order_id",
                                           "order %.64s already exists", rec->order_id)
                           : ot_mongo__error(err, &error, "updating the order");
    } else if (refused_by_server(&error)) {
        rc = ot_mongo__error(err, &error, expected ? "updating the order" : "inserting the order");
    } else {
        /* network failure or timeout: the write may or may not have applied; look, do not
         * resend (a resent write could apply twice) */
        bson_error_t first = error;
        rc = order_outcome(x, rec->order_id, nonce, expected, NULL);
        if (rc != 0) {
            *unknown = 1;
            rc = ot_mongo__error(err, &first,
                                 expected ? "updating the order" : "inserting the order");
        }
    }
    bson_destroy(&reply);
    bson_destroy(&filter);
    bson_destroy(&write);
    bson_destroy(&doc);
    return rc;
}

int ot_mongo__order_update(struct store *s, const char *order_id, const bson_t *filter,
                           const bson_t *update, ot_error *err)
{
    struct session x;
    bson_error_t error;
    char nonce[25];
    int rc;

    ot_mongo__nonce(nonce);
    ot_mongo__session_open(&x, s);
    if ((rc = order_lock(&x, order_id, nonce, err)) == 0) {
        if (!mongoc_collection_update_one(x.orders, filter, update, NULL, NULL, &error))
            rc = ot_mongo__error(err, &error, "updating the order's outbox");
        order_unlock(&x, order_id, nonce);
    }
    ot_mongo__session_close(&x);
    return rc;
}

/* ---- seed 001 compatibility ------------------------------------------------------------- */

/* A null or [] value: FerretDB leaves such a field out of the document an upsert inserts
 * when it comes from $setOnInsert, so those go into $set (the same value again on a match:
 * nothing changes). */
static int is_empty(const bson_iter_t *f)
{
    uint32_t len = 0;
    const uint8_t *data;
    if (BSON_ITER_HOLDS_NULL(f))
        return 1;
    if (!BSON_ITER_HOLDS_ARRAY(f))
        return 0;
    bson_iter_array(f, &len, &data);
    return len <= 5;   /* an empty BSON document */
}

/* Mirror the shipment status into `orders.status` (matched by AWB, or by order id) and
 * append the new history entries to `orderTracking` (upserts keyed by order id and entry
 * index, so a repeated call adds nothing). Best effort after the commit: the order has
 * committed, so a failure here is not the write's failure; the next write repairs it. */
static void legacy_write(struct session *x, const ot_storage_record *rec)
{
    const struct store *s = x->s;
    const char *shipment = NULL;
    mongoc_collection_t *orders, *history;
    bson_t filter, update, set, doc;
    bson_iter_t it, h;
    size_t i = 0;

    if (!s->legacy_orders || !rec->shipment_status ||
        ot_shipment_to_string(&shipment, rec->shipment_status, NULL) != 0)
        return;
    orders = mongoc_client_get_collection(x->client, s->database, s->orders_collection);
    history = mongoc_client_get_collection(x->client, s->database, s->history_collection);
    bson_init(&filter);
    if (rec->delivery_tracking_id)
        BSON_APPEND_UTF8(&filter, s->orders_match_field, rec->delivery_tracking_id);
    else
        BSON_APPEND_UTF8(&filter, "order_id", rec->order_id);
    bson_init(&update);
    bson_append_document_begin(&update, "$set", -1, &set);
    BSON_APPEND_UTF8(&set, "status", shipment);
    bson_append_document_end(&update, &set);
    mongoc_collection_update_one(orders, &filter, &update, NULL, NULL, NULL);
    bson_destroy(&filter);
    bson_destroy(&update);

    if (rec->events_json && ot_mongo__json_to_bson(&doc, rec->json, rec->json_len, NULL) == 0) {
        if (bson_iter_init_find(&h, &doc, "status_history") && bson_iter_recurse(&h, &it)) {
            while (bson_iter_next(&it)) {
                bson_t entry, ins, empty;
                bson_iter_t f;
                if (i++ < rec->first_event)
                    continue;
                bson_init(&filter);
                BSON_APPEND_UTF8(&filter, "order_id", rec->order_id);
                BSON_APPEND_INT64(&filter, "seq", (int64_t)i - 1);
                bson_init(&ins);
                bson_init(&empty);
                BSON_APPEND_UTF8(&ins, "order_id", rec->order_id);
                BSON_APPEND_INT64(&ins, "seq", (int64_t)i - 1);
                if (rec->delivery_tracking_id)
                    BSON_APPEND_UTF8(&ins, "awb", rec->delivery_tracking_id);
                BSON_APPEND_UTF8(&ins, "shipment_status", shipment);
                if (BSON_ITER_HOLDS_DOCUMENT(&it)) {
                    uint32_t len;
                    const uint8_t *data;
                    bson_iter_document(&it, &len, &data);
                    if (bson_init_static(&entry, data, len) && bson_iter_init(&f, &entry))
                        while (bson_iter_next(&f))   /* notes: null */
                            bson_append_iter(is_empty(&f) ? &empty : &ins, NULL, -1, &f);
                }
                bson_init(&update);
                BSON_APPEND_DOCUMENT(&update, "$setOnInsert", &ins);
                if (!bson_empty(&empty))
                    BSON_APPEND_DOCUMENT(&update, "$set", &empty);
                bson_destroy(&ins);
                bson_destroy(&empty);
                bson_init(&set);
                BSON_APPEND_BOOL(&set, "upsert", true);
                mongoc_collection_update_one(history, &filter, &update, &set, NULL, NULL);
                bson_destroy(&set);
                bson_destroy(&filter);
                bson_destroy(&update);
            }
        }
        bson_destroy(&doc);
    }
    mongoc_collection_destroy(orders);
    mongoc_collection_destroy(history);
}

/* ---- idempotency keys ---------------------------------------------------------------- */

/* Forget the key if it expired at `now` (the TTL monitor runs only once a minute). */
static int key_purge(struct session *x, const char *key, int64_t now, ot_error *err)
{
    bson_t filter, lte;
    bson_error_t error;
    int rc = 0;
    bson_init(&filter);
    BSON_APPEND_UTF8(&filter, "_id", key);
    bson_append_document_begin(&filter, "expires_at", -1, &lte);
    append_date(&lte, "$lte", now);
    bson_append_document_end(&filter, &lte);
    if (!mongoc_collection_delete_one(x->keys, &filter, NULL, NULL, &error))
        rc = ot_mongo__error(err, &error, "forgetting an expired key");
    bson_destroy(&filter);
    return rc;
}

/* What the TTL index does, on a server that has none (FerretDB): delete the keys whose
 * `ttl_at` has passed by the wall clock, at most once per MG_SWEEP_INTERVAL_MS per store;
 * best effort (the next sweep retries). Liveness never depends on it (idem_get compares
 * expires_at with the tracker's clock). */
static void keys_sweep(struct session *x, int64_t wall)
{
    struct store *s = x->s;
    bson_t filter, lte;
    int due;
    if (!s->sweep_keys)
        return;
    pthread_mutex_lock(&s->sweep_lock);
    if ((due = wall >= s->next_sweep_ms))
        s->next_sweep_ms = wall + MG_SWEEP_INTERVAL_MS;
    pthread_mutex_unlock(&s->sweep_lock);
    if (!due)
        return;
    bson_init(&filter);
    bson_append_document_begin(&filter, "ttl_at", -1, &lte);
    append_date(&lte, "$lte", wall);
    bson_append_document_end(&filter, &lte);
    mongoc_collection_delete_many(x->keys, &filter, NULL, NULL, NULL);
    bson_destroy(&filter);
}

/* Grace added to the TTL index's deadline of a key (see key_insert). */
#define MG_TTL_GRACE_MS (3600 * 1000LL)

/* Insert the key document; `state` "pending" (with the order write's nonce) or "done".
 * `dup_code` answers a live key of that name. */
static int key_insert(struct session *x, const ot_idempotency_record *idem, const char *state,
                      const char *order_id, int64_t version, const char *nonce, int dup_code,
                      ot_error *err)
{
    bson_t doc;
    bson_error_t error;
    int64_t wall, ttl;
    int rc;
    if ((rc = key_purge(x, idem->key, idem->created_at_ms, err)) != 0)
        return rc;
    bson_init(&doc);
    BSON_APPEND_UTF8(&doc, "_id", idem->key);
    BSON_APPEND_UTF8(&doc, "request_hash", idem->request_hash);
    BSON_APPEND_BINARY(&doc, "response", BSON_SUBTYPE_BINARY,
                       (const uint8_t *)(idem->response ? idem->response : ""),
                       (uint32_t)idem->response_len);
    append_date(&doc, "created_at", idem->created_at_ms);
    append_date(&doc, "expires_at", idem->expires_at_ms);
    /* what the TTL index reads: the server removes the key by its own clock once it is
     * (expires_at - created_at) old plus an hour of grace, never before expires_at (the
     * tracker's clock, which may be a test clock far in the past). The TTL only collects
     * garbage: idem_get compares expires_at with the tracker's clock, so the grace keeps a
     * short-lived key from vanishing under a slow caller without keeping it alive longer. */
    wall = ot_clock_now_ms(NULL) / 1000 * 1000;
    ttl = wall + (idem->expires_at_ms - idem->created_at_ms) + MG_TTL_GRACE_MS;
    append_date(&doc, "ttl_at", ttl > idem->expires_at_ms ? ttl : idem->expires_at_ms);
    BSON_APPEND_UTF8(&doc, "state", state);
    if (order_id) {
        BSON_APPEND_UTF8(&doc, "order_id", order_id);
        BSON_APPEND_INT64(&doc, "version", version);
        BSON_APPEND_UTF8(&doc, "w", nonce);
    }
    keys_sweep(x, wall);
    if (mongoc_collection_insert_one(x->keys, &doc, NULL, NULL, &error))
        rc = 0;
    else if (ot_mongo__is_duplicate(&error))
        rc = ot_error_setf(err, dup_code, "idempotency_key", "idempotency key is already in use");
    else
        rc = ot_mongo__error(err, &error, "storing an idempotency key");
    bson_destroy(&doc);
    return rc;
}

/* Finalise (state "done") or drop the pending key of write `nonce`; best effort. */
static void key_settle(struct session *x, const char *key, const char *nonce, int applied)
{
    bson_t *filter = BCON_NEW("_id", BCON_UTF8(key), "w", BCON_UTF8(nonce), "state",
                              BCON_UTF8("pending"));
    if (applied) {
        bson_t *update = BCON_NEW("$set", "{", "state", BCON_UTF8("done"), "}");
        mongoc_collection_update_one(x->keys, filter, update, NULL, NULL, NULL);
        bson_destroy(update);
    } else {
        mongoc_collection_delete_one(x->keys, filter, NULL, NULL, NULL);
    }
    bson_destroy(filter);
}

/* ---- create / commit ------------------------------------------------------------------- */

/* Keyed writes: 1. the key document, "pending", with the write's nonce (a live key of that
 * name: OT_ECONFLICT, nothing written); 2. the order, one atomic single-document write that
 * records the nonce; 3. the key "done" (or deleted when the order write changed nothing).
 * A crash between 2 and 3 leaves a pending key whose outcome idem_get reads from the
 * order's nonces: never applied twice, never lost.
 * Where the server needs the order's write lock (FerretDB), a commit holds it from 1 to 3:
 * there a delete or update with a filter is a read, then a write by `_id` alone, so the
 * conditional writes of a key (forgetting it, settling it) must not interleave with another
 * writer's (idem_get settles a pending key under the same lock); otherwise the delete of a
 * dead pending key could remove the key another write of the same request had just stored,
 * and a retry would apply the request twice (docs/mongo.md, "FerretDB"). */
static int write_record(struct store *s, int64_t expected, const ot_storage_record *rec,
                        const ot_idempotency_record *idem, ot_error *err)
{
    struct session x;
    char nonce[25];
    int rc, unknown;

    if ((rc = ot_storage_record_check(rec, err)) || (rc = ot_idempotency_record_check(idem, err)))
        return rc;
    ot_mongo__nonce(nonce);
    ot_mongo__session_open(&x, s);
    if (expected != 0 && (rc = order_lock(&x, rec->order_id, nonce, err)) != 0) {
        ot_mongo__session_close(&x);
        return rc;
    }
    if (!idem || (rc = key_insert(&x, idem, "pending", rec->order_id, rec->record_version,
                                  nonce, OT_ECONFLICT, err)) == 0) {
        rc = write_order(&x, expected, rec, nonce, idem != NULL, &unknown, err);
        if (idem && !unknown)
            key_settle(&x, idem->key, nonce, rc == 0);   /* unknown outcome: stays pending */
    }
    if (expected != 0)
        order_unlock(&x, rec->order_id, nonce);
    if (rc == 0)
        legacy_write(&x, rec);
    ot_mongo__session_close(&x);
    return rc;
}

int ot_mongo__create(void *userdata, const ot_storage_record *rec,
                     const ot_idempotency_record *idem, ot_error *err)
{
    return write_record(userdata, 0, rec, idem, err);
}

int ot_mongo__commit(void *userdata, int64_t expected_version, const ot_storage_record *rec,
                     const ot_idempotency_record *idem, ot_error *err)
{
    if (expected_version < 1)
        return ot_error_setf(err, OT_EINVAL, "expected_version", "expected version must be >= 1");
    return write_record(userdata, expected_version, rec, idem, err);
}

/* ---- reads -------------------------------------------------------------------------- */

int ot_mongo__load(void *userdata, const char *order_id, ot_order **out, ot_error *err)
{
    struct session x;
    bson_t *opts, *doc;
    bson_error_t error;
    int rc;

    if (!out || !order_id)
        return ot_error_setf(err, OT_EINVAL, out ? "order_id" : "out", "argument is NULL");
    *out = NULL;
    ot_mongo__session_open(&x, userdata);
    opts = BCON_NEW("projection", "{", "_id", BCON_INT32(0), "_ot", BCON_INT32(0), "}",
                    "limit", BCON_INT64(1));
    /* the URI's read preference: a write that read a lagging secondary fails its
     * compare-and-set and is retried by the tracker (docs/scaling.md) */
    rc = order_find(&x, order_id, opts, NULL, &doc, &error);
    if (rc == 1) {
        rc = ot_mongo__bson_to_order(out, doc, err);
        bson_destroy(doc);
    } else if (rc < 0) {
        rc = ot_mongo__error(err, &error, "loading an order");
    } else {
        rc = ot_error_setf(err, OT_ENOTFOUND, "order_id", "no order %.64s", order_id);
    }
    bson_destroy(opts);
    ot_mongo__session_close(&x);
    return rc;
}

static int query_filter(bson_t *filter, const ot_storage_query *q, ot_error *err)
{
    const char *name;
    bson_t sub, arr;
    int st, n = 0;
    char idx[16];
    const char *k;

    bson_init(filter);
    if (q->store_id)
        BSON_APPEND_UTF8(filter, "store_id", q->store_id);
    if (q->customer_id)
        BSON_APPEND_UTF8(filter, "customer_id", q->customer_id);
    if (q->current_status) {
        if (ot_status_to_string(&name, q->current_status, err) != 0)
            return OT_EINVAL;
        BSON_APPEND_UTF8(filter, "current_status", name);
    }
    if (q->delivery_provider) {
        if (ot_provider_to_string(&name, q->delivery_provider, err) != 0)
            return OT_EINVAL;
        BSON_APPEND_UTF8(filter, "delivery_provider", name);
    }
    if (q->delivery_tracking_id)
        BSON_APPEND_UTF8(filter, "delivery_tracking_id", q->delivery_tracking_id);
    if (q->shipment_status || q->shipment_active) {
        /* both set: a given status that must also be active */
        bson_append_document_begin(filter, "shipment_status", -1, &sub);
        bson_append_array_begin(&sub, "$in", -1, &arr);
        for (st = 1; st < OT_SHIPMENT_COUNT; st++) {
            if (q->shipment_status && st != q->shipment_status)
                continue;
            if (q->shipment_active && ot_shipment_is_terminal(st, NULL) != 0)
                continue;
            if (ot_shipment_to_string(&name, st, NULL) != 0)
                continue;
            bson_uint32_to_string((uint32_t)n++, &k, idx, sizeof idx);
            BSON_APPEND_UTF8(&arr, k, name);
        }
        bson_append_array_end(&sub, &arr);
        bson_append_document_end(filter, &sub);
        if (q->shipment_status && ot_shipment_to_string(&name, q->shipment_status, err) != 0)
            return OT_EINVAL;
    }
    if (q->updated_before_ms) {
        bson_append_document_begin(filter, "updated_at", -1, &sub);
        append_date(&sub, "$lt", q->updated_before_ms);
        bson_append_document_end(filter, &sub);
    }
    if (q->cursor && q->cursor[0]) {
        bson_append_document_begin(filter, "order_id", -1, &sub);
        BSON_APPEND_UTF8(&sub, "$gt", q->cursor);
        bson_append_document_end(filter, &sub);
    }
    return 0;
}

int ot_mongo__query(void *userdata, const ot_storage_query *q, ot_storage_emit emit,
                    void *ctx, char *next_cursor, size_t cursor_size, ot_error *err)
{
    struct session x;
    bson_t filter, *opts;
    mongoc_cursor_t *cur;
    const bson_t *doc;
    bson_error_t error;
    size_t n = 0;
    int rc = 0, more = 0;

    if ((rc = ot_storage_query_check(q, emit, next_cursor, cursor_size, err)) != 0)
        return rc;
    next_cursor[0] = '\0';
    if ((rc = query_filter(&filter, q, err)) != 0) {
        bson_destroy(&filter);
        return rc;
    }
    /* one more than the limit says whether a next page exists */
    opts = BCON_NEW("projection", "{", "_id", BCON_INT32(0), "_ot", BCON_INT32(0), "}",
                    "sort", "{", "order_id", BCON_INT32(1), "}",
                    "limit", BCON_INT64((int64_t)q->limit + 1));
    ot_mongo__session_open(&x, userdata);
    cur = mongoc_collection_find_with_opts(x.orders, &filter, opts, NULL);
    while (mongoc_cursor_next(cur, &doc)) {
        ot_order *o = NULL;
        const char *id;
        if (n == q->limit) {
            more = 1;
            break;
        }
        if ((rc = ot_mongo__bson_to_order(&o, doc, err)) != 0)
            break;
        id = ot_order_order_id(o);
        if (strlen(id) >= cursor_size) {
            ot_order_free(o);
            rc = ot_error_setf(err, OT_ELIMIT, "order_id", "order id too long for a cursor");
            break;
        }
        strcpy(next_cursor, id);
        n++;
        if ((rc = emit(ctx, o, err)) != 0)
            break;
    }
    if (rc == 0 && mongoc_cursor_error(cur, &error))
        rc = ot_mongo__error(err, &error, "reading a query page");
    if (rc != 0 || !more)
        next_cursor[0] = '\0';
    mongoc_cursor_destroy(cur);
    ot_mongo__session_close(&x);
    bson_destroy(&filter);
    bson_destroy(opts);
    return rc;
}

/* ---- idempotency members ------------------------------------------------------------- */

/* A pending key (its writer crashed or is in flight): 1 if the order carries its nonce (the
 * write applied), 0 if it can no longer apply (the order moved past the version, was
 * created by another, or `fenced`), OT_ECONFLICT while it still could, or OT_ESTORAGE. */
static int pending_outcome(struct session *x, const char *order_id, int64_t version,
                           const char *nonce, int fenced, ot_error *err)
{
    int64_t stored;
    int mine, rc = order_state(x, order_id, nonce, &stored, &mine, err);
    if (rc < 0)
        return rc;
    if (mine)
        return 1;
    if (rc == 1 && (stored >= version || fenced))
        return 0;
    return ot_error_setf(err, OT_ECONFLICT, "idempotency_key",
                         "a request with this key is in progress");
}

/* Fence off the write of a pending key whose lease ran out: a commit filtered on
 * `_ot.fence != nonce` can no longer match, so the key may be forgotten without the write
 * applying later. Commits only: a create cannot be fenced (no document to mark yet). The
 * caller holds the order's write lock. */
static int pending_fence(struct session *x, const char *order_id, int64_t version,
                         const char *nonce, ot_error *err)
{
    bson_t *filter = BCON_NEW("order_id", BCON_UTF8(order_id), "version", BCON_INT64(version - 1));
    bson_t *update = BCON_NEW("$set", "{", "_ot.fence", BCON_UTF8(nonce), "}");
    bson_error_t error;
    int rc = 0;
    if (!mongoc_collection_update_one(x->orders, filter, update, NULL, NULL, &error))
        rc = ot_mongo__error(err, &error, "fencing off a stale pending write");
    bson_destroy(filter);
    bson_destroy(update);
    return rc;
}

static const char *doc_utf8(const bson_t *doc, const char *key)
{
    bson_iter_t it;
    return bson_iter_init_find(&it, doc, key) && BSON_ITER_HOLDS_UTF8(&it)
               ? bson_iter_utf8(&it, NULL) : NULL;
}

static int64_t doc_int(const bson_t *doc, const char *key)
{
    bson_iter_t it;
    if (!bson_iter_init_find(&it, doc, key))
        return 0;
    return BSON_ITER_HOLDS_DATE_TIME(&it) ? bson_iter_date_time(&it) : bson_iter_as_int64(&it);
}

int ot_mongo__idem_get(void *userdata, const char *key, int64_t now_ms,
                       ot_idempotency_found found, void *ctx, ot_error *err)
{
    struct session x;
    bson_t filter, gt;
    mongoc_cursor_t *cur;
    const bson_t *doc;
    bson_error_t error;
    int rc;

    if (!key || !found)
        return ot_error_setf(err, OT_EINVAL, key ? "found" : "key", "argument is NULL");
    ot_mongo__session_open(&x, userdata);
    bson_init(&filter);
    BSON_APPEND_UTF8(&filter, "_id", key);
    if (!x.s->id_lookups) {   /* else by `_id` alone (pushed down), expires_at tested here */
        bson_append_document_begin(&filter, "expires_at", -1, &gt);
        append_date(&gt, "$gt", now_ms);
        bson_append_document_end(&filter, &gt);
    }
    cur = mongoc_collection_find_with_opts(x.keys, &filter, NULL, NULL);
    if (mongoc_cursor_next(cur, &doc) && doc_int(doc, "expires_at") > now_ms) {
        const char *state = doc_utf8(doc, "state"), *nonce = doc_utf8(doc, "w");
        const char *order_id = doc_utf8(doc, "order_id");
        rc = 1;
        if (state && strcmp(state, "pending") == 0 && nonce && order_id) {
            /* decided and settled under the order's write lock (FerretDB; see write_record) */
            int64_t version = doc_int(doc, "version");
            char mine[25];
            ot_mongo__nonce(mine);
            if ((rc = order_lock(&x, order_id, mine, err)) == 0) {
                rc = pending_outcome(&x, order_id, version, nonce, 0, err);
                if (rc == OT_ECONFLICT && version > 1 &&
                    now_ms - doc_int(doc, "created_at") > MG_PENDING_LEASE_MS &&
                    (rc = pending_fence(&x, order_id, version, nonce, err)) == 0)
                    rc = pending_outcome(&x, order_id, version, nonce, 1, err);
                if (rc >= 0)
                    key_settle(&x, key, nonce, rc == 1);
                order_unlock(&x, order_id, mine);
            }
            if (rc == 0)
                rc = ot_error_setf(err, OT_ENOTFOUND, "idempotency_key", "no live key");
        }
        if (rc == 1) {
            ot_idempotency_record rec = OT_IDEMPOTENCY_RECORD_INIT;
            bson_iter_t it;
            uint32_t len = 0;
            const uint8_t *data = NULL;
            bson_subtype_t sub;
            rec.key = key;
            rec.request_hash = doc_utf8(doc, "request_hash");
            if (bson_iter_init_find(&it, doc, "response") && BSON_ITER_HOLDS_BINARY(&it))
                bson_iter_binary(&it, &sub, &len, &data);
            rec.response = data ? (const char *)data : "";
            rec.response_len = len;
            rec.created_at_ms = doc_int(doc, "created_at");
            rec.expires_at_ms = doc_int(doc, "expires_at");
            rc = rec.request_hash ? found(ctx, &rec, err)
                                  : ot_error_setf(err, OT_ESTORAGE, NULL,
                                                  "mongodb: a stored key has no request hash");
        }
    } else if (mongoc_cursor_error(cur, &error)) {
        rc = ot_mongo__error(err, &error, "looking up a key");
    } else {
        rc = ot_error_setf(err, OT_ENOTFOUND, "idempotency_key", "no live key");
    }
    mongoc_cursor_destroy(cur);
    bson_destroy(&filter);
    ot_mongo__session_close(&x);
    return rc;
}

int ot_mongo__idem_put(void *userdata, const ot_idempotency_record *rec, ot_error *err)
{
    struct session x;
    int rc;
    if (!rec)
        return ot_error_setf(err, OT_EINVAL, "record", "record is NULL");
    if ((rc = ot_idempotency_record_check(rec, err)) != 0)
        return rc;
    ot_mongo__session_open(&x, userdata);
    rc = key_insert(&x, rec, "done", NULL, 0, NULL, OT_EEXISTS, err);
    ot_mongo__session_close(&x);
    return rc;
}

/* ---- archival (storage version 4) ------------------------------------------------------- */

/* {_id: {tomb: order_id}} in the keys collection: an order's tombstone (no ttl_at: never
 * swept). MongoDB has no transaction here: the tombstone is written first, then the order
 * deleted on {order_id, version}; a conflict takes the tombstone back. A crash between the
 * two leaves a tombstone beside a live order, which nothing reads (a tombstone is consulted
 * only when a load finds no order) and the next archive run replaces. */
static void append_tomb_id(bson_t *doc, const char *order_id)
{
    bson_t id;
    bson_append_document_begin(doc, "_id", -1, &id);
    BSON_APPEND_UTF8(&id, "tomb", order_id);
    bson_append_document_end(doc, &id);
}

static void tomb_drop(struct session *x, const char *order_id)
{
    bson_t filter;
    bson_init(&filter);
    append_tomb_id(&filter, order_id);
    mongoc_collection_delete_one(x->keys, &filter, NULL, NULL, NULL);
    bson_destroy(&filter);
}

/* One order: 0, OT_ENOTFOUND, OT_ECONFLICT, or OT_ESTORAGE (err filled). */
static int archive_one(struct session *x, const char *order_id, int64_t expected,
                       const char *archived_to, ot_error *err)
{
    bson_t filter, doc, set, opts, reply;
    bson_error_t error;
    char nonce[25];
    int64_t version = 0;
    int rc = 0, mine;
    bool ok;

    bson_init(&filter);
    append_tomb_id(&filter, order_id);
    bson_init(&doc);
    bson_append_document_begin(&doc, "$set", -1, &set);
    BSON_APPEND_UTF8(&set, "archived_to", archived_to);
    bson_append_document_end(&doc, &set);
    bson_init(&opts);
    BSON_APPEND_BOOL(&opts, "upsert", true);
    if (!mongoc_collection_update_one(x->keys, &filter, &doc, &opts, NULL, &error))
        rc = ot_mongo__error(err, &error, "storing a tombstone");
    bson_destroy(&filter);
    bson_destroy(&doc);
    bson_destroy(&opts);
    if (rc != 0)
        return rc;
    bson_init(&filter);
    BSON_APPEND_UTF8(&filter, "order_id", order_id);
    BSON_APPEND_INT64(&filter, "version", expected);
    ot_mongo__nonce(nonce);
    /* FerretDB: under the order's write lock, by `_id` alone (as a commit) */
    if ((rc = order_lock(x, order_id, nonce, err)) != 0) {
        bson_destroy(&filter);
        tomb_drop(x, order_id);
        return rc;
    }
    if (x->s->id_lookups)
        id_filter(x, &filter, order_id, expected, nonce, 0, NULL);
    ok = mongoc_collection_delete_one(x->orders, &filter, NULL, &reply, &error);
    order_unlock(x, order_id, nonce);
    if (!ok)
        rc = ot_mongo__error(err, &error, "deleting an archived order");
    else if (reply_count(&reply, "deletedCount") != 1) {
        rc = order_state(x, order_id, "", &version, &mine, err);
        rc = rc == 0 ? OT_ENOTFOUND : rc == 1 ? OT_ECONFLICT : rc;
        if (rc == OT_ECONFLICT)
            tomb_drop(x, order_id); /* the order stays live: no tombstone beside it */
    }
    bson_destroy(&reply);
    bson_destroy(&filter);
    return rc;
}

int ot_mongo__archive_remove(void *userdata, const char *const *order_ids,
                             const int64_t *expected_versions, size_t n,
                             const char *archived_to, int *results, ot_error *err)
{
    struct session x;
    int rc;

    if ((rc = ot_storage_archive_check(order_ids, expected_versions, n, archived_to, results,
                                       err)) != 0)
        return rc;
    ot_mongo__session_open(&x, userdata);
    for (size_t i = 0; i < n && rc == 0; i++) {
        results[i] = archive_one(&x, order_ids[i], expected_versions[i], archived_to, err);
        if (results[i] != 0 && results[i] != OT_ENOTFOUND && results[i] != OT_ECONFLICT)
            rc = results[i];
    }
    ot_mongo__session_close(&x);
    return rc;
}

int ot_mongo__tombstone_get(void *userdata, const char *order_id, char *out, size_t out_size,
                            ot_error *err)
{
    struct session x;
    mongoc_cursor_t *cur;
    const bson_t *doc;
    bson_error_t error;
    bson_t filter;
    bson_iter_t it;
    int rc;

    if (!order_id || !out || out_size == 0)
        return ot_error_setf(err, OT_EINVAL, order_id ? "out" : "order_id",
                             "argument is NULL or empty");
    ot_mongo__session_open(&x, userdata);
    bson_init(&filter);
    append_tomb_id(&filter, order_id);
    cur = mongoc_collection_find_with_opts(x.keys, &filter, NULL, NULL);
    if (mongoc_cursor_next(cur, &doc) && bson_iter_init_find(&it, doc, "archived_to") &&
        BSON_ITER_HOLDS_UTF8(&it)) {
        snprintf(out, out_size, "%s", bson_iter_utf8(&it, NULL));
        rc = 0;
    } else if (mongoc_cursor_error(cur, &error)) {
        rc = ot_mongo__error(err, &error, "reading a tombstone");
    } else {
        rc = ot_error_setf(err, OT_ENOTFOUND, "order_id", "order %.64s has no tombstone",
                           order_id);
    }
    mongoc_cursor_destroy(cur);
    bson_destroy(&filter);
    ot_mongo__session_close(&x);
    return rc;
}

int ot_mongo__restore(void *userdata, const ot_storage_record *rec, ot_error *err)
{
    struct session x;
    int rc;

    /* an insert of the whole document (its own version and history), as a create */
    if ((rc = write_record(userdata, 0, rec, NULL, err)) != 0)
        return rc;
    ot_mongo__session_open(&x, userdata);
    tomb_drop(&x, rec->order_id);
    ot_mongo__session_close(&x);
    return 0;
}
