/* The in-memory storage adapter: records sorted by order id and idempotency keys, behind one
 * mutex. Each record is kept as its JSON text without the history (compact: about the size
 * of the text), encoded here from the committed ot_order (OT_STORAGE_F_NO_JSON: the tracker
 * encodes nothing for it), and its history apart, one text per entry as the tracker encoded
 * it (OT_STORAGE_F_HISTORY_APART): a commit appends its entries and rewrites no older one; a
 * load by the head reads the record's text and the last entry, a whole load every entry.
 * Text this store encoded itself, in this process, is decoded on load without the schema
 * validation that untrusted text gets. */
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "ordertrack/adapters/memory.h"
#include "ordertrack/status.h"
#include "common.h"
#include "base/sorted_internal.h"
#include "order/order_internal.h"
#include "storage/storage_internal.h"
#include "storage/memory_outbox.h"

/* A record's history entries, by seq; each text shared with loads in progress. */
struct hist {
    struct text **items;
    size_t n, cap;
};

struct row {
    char *order_id, *store_id, *customer_id, *tracking_id;
    int status, shipment, provider;
    int64_t updated_at, version;
    struct text *json;      /* the record's JSON without its history, shared with loads */
    struct hist hist;       /* every entry; a row being written: the write's new ones */
};

struct key {
    char *key, *request_hash, *response;
    size_t response_len;
    int64_t created_at, expires_at;
};

/* An archived order's tombstone: where it went (archive_remove). */
struct tomb {
    char *order_id, *archived_to;
};

struct memory {
    ot_storage vtable;      /* first: the handle the caller holds */
    pthread_mutex_t lock;
    struct tomb *tombs;     /* sorted by order_id */
    size_t ntombs, cap_tombs;
    struct row *rows;       /* sorted by order_id */
    size_t nrows, cap_rows;
    struct key *keys;
    size_t nkeys, cap_keys;
    struct ot__mem_outbox *outbox; /* its own lock, taken inside this one */
};

/* A record's text, immutable once made: a load takes a reference under the lock and parses
 * outside it, so a commit replacing the row meanwhile frees nothing in use (and nothing is
 * copied to parse). */
struct text {
    atomic_size_t refs;
    size_t len;
    char *bytes;            /* NUL-terminated: from the encoder, shrunk to fit, or `own` */
    char own[];             /* a copy's bytes, in the same allocation (text_copy) */
};

static struct text *text_ref(struct text *t)
{
    atomic_fetch_add_explicit(&t->refs, 1, memory_order_relaxed);
    return t;
}

static void text_release(struct text *t)
{
    if (t && atomic_fetch_sub_explicit(&t->refs, 1, memory_order_acq_rel) == 1) {
        if (t->bytes != t->own)
            ot__free(t->bytes);
        ot__free(t);
    }
}

/* The record's text, encoded here (this store's own, trusted copy): 0, or the encoder's
 * code and message (OT_ENOMEM, or OT_EINVAL for a record it cannot encode). */
static int text_encode(struct text **out, const ot_order *order, ot_error *err)
{
    struct text *t = ot__malloc(sizeof *t);
    char *fit;
    int rc;
    *out = NULL;
    if (!t)
        return ot__error_set(err, OT_ENOMEM, "out of memory storing a record");
    if ((rc = ot__order_stored_json(&t->bytes, &t->len, order, 0, err)) != 0) {
        ot__free(t);
        return rc;
    }
    if ((fit = ot__realloc(t->bytes, t->len + 1)) != NULL) /* kept long: no spare capacity */
        t->bytes = fit;
    atomic_init(&t->refs, 1);
    *out = t;
    return 0;
}

/* A text holding a copy of `len` bytes, in one allocation (one per history entry). */
static struct text *text_copy(const char *bytes, size_t len)
{
    struct text *t = ot__malloc(sizeof *t + len + 1);
    if (!t)
        return NULL;
    t->bytes = t->own;
    memcpy(t->own, bytes, len);
    t->own[len] = '\0';
    t->len = len;
    atomic_init(&t->refs, 1);
    return t;
}

static void hist_clear(struct hist *h)
{
    size_t i;
    for (i = 0; i < h->n; i++)
        text_release(h->items[i]);
    ot__free(h->items);
    memset(h, 0, sizeof *h);
}

/* Room for `n` entries in `h`: 0 or OT_ENOMEM. */
static int hist_reserve(struct hist *h, size_t n)
{
    struct text **items;
    size_t cap = h->cap ? h->cap : 4;
    if (n <= h->cap)
        return 0;
    while (cap < n)
        cap *= 2;
    if (!(items = ot__realloc(h->items, cap * sizeof *items)))
        return OT_ENOMEM;
    h->items = items;
    h->cap = cap;
    return 0;
}

/* The entries a write adds, numbered from `*first`: rec->entries (a version 3 record), else
 * encoded from the record's order; and when the write adds none, the record's own copy of
 * its head (what was handed over is what is kept, an edit of it included). */
static int hist_fill(struct hist *h, size_t *first, const ot_storage_record *rec,
                     ot_error *err)
{
    ot_storage_record own;
    const ot_storage_record *r = rec;
    size_t i, base, count = 0;
    int rc = 0;

    memset(h, 0, sizeof *h);
    count = json_array_size(ot__order_entries(rec->order, &base));
    count += base;
    *first = rec->first_event;
    if (count && rec->first_event >= count &&
        (rec->version < 3 || rec->entry_count == 0))
        *first = count - 1; /* no new entry: the head as the record holds it */
    if (rec->version < 3 || *first != rec->first_event) {
        if ((rc = ot__storage_record_fill(&own, rec->order, *first, OT__FILL_ENTRIES, err)))
            return rc;
        r = &own;
    }
    if (hist_reserve(h, r->entry_count))
        rc = OT_ENOMEM;
    for (i = 0; !rc && i < r->entry_count; i++) {
        if (!(h->items[i] = text_copy(r->entries[i].json, r->entries[i].json_len)))
            rc = OT_ENOMEM;
        else
            h->n++;
    }
    if (r == &own)
        ot_storage_record_release(&own);
    if (rc) {
        hist_clear(h);
        return rc == OT_ENOMEM ? ot__error_set(err, OT_ENOMEM, "out of memory storing entries")
                               : rc;
    }
    return 0;
}

static void row_clear(struct row *r)
{
    ot__free(r->order_id);
    ot__free(r->store_id);
    ot__free(r->customer_id);
    ot__free(r->tracking_id);
    text_release(r->json);
    hist_clear(&r->hist);
}

static void key_clear(struct key *k)
{
    ot__free(k->key);
    ot__free(k->request_hash);
    ot__free(k->response);
}

/* Index of `order_id`, or of the place to insert it, with *found. */
static size_t row_find(const struct memory *m, const char *order_id, int *found)
{
    return ot__sorted_find(m->rows, m->nrows, sizeof *m->rows, offsetof(struct row, order_id),
                           order_id, found);
}

/* A row holding copies of everything in `rec`, its entries numbered from `*first`: 0, or
 * the error (with its message). */
static int row_fill(struct row *r, size_t *first, const ot_storage_record *rec, ot_error *err)
{
    int rc;
    memset(r, 0, sizeof *r);
    if ((rc = text_encode(&r->json, rec->order, err)) != 0)
        return rc;
    if ((rc = hist_fill(&r->hist, first, rec, err)) != 0) {
        text_release(r->json);
        r->json = NULL;
        return rc;
    }
    r->order_id = ot__strdup(rec->order_id);
    r->store_id = ot__strdup(rec->store_id);
    r->customer_id = ot__strdup(rec->customer_id);
    r->tracking_id = rec->delivery_tracking_id ? ot__strdup(rec->delivery_tracking_id) : NULL;
    r->status = rec->current_status;
    r->shipment = rec->shipment_status;
    r->provider = rec->delivery_provider;
    r->updated_at = rec->updated_at_ms;
    r->version = rec->record_version;
    if (!r->order_id || !r->store_id || !r->customer_id ||
        (rec->delivery_tracking_id && !r->tracking_id)) {
        row_clear(r);
        return ot__error_set(err, OT_ENOMEM, "out of memory copying a record");
    }
    return 0;
}

/* The live key `key`, or NULL. Caller holds the lock. */
static struct key *key_find(struct memory *m, const char *key, int64_t now_ms)
{
    size_t i;
    for (i = 0; i < m->nkeys; i++)
        if (strcmp(m->keys[i].key, key) == 0 && m->keys[i].expires_at > now_ms)
            return &m->keys[i];
    return NULL;
}

/* Reserve room for one more key, dropping expired ones first. Caller holds the lock. */
static int key_reserve(struct memory *m, int64_t now_ms)
{
    struct key *k;
    size_t i, j = 0;
    for (i = 0; i < m->nkeys; i++) {
        if (m->keys[i].expires_at > now_ms)
            m->keys[j++] = m->keys[i];
        else
            key_clear(&m->keys[i]);
    }
    m->nkeys = j;
    if (!(k = ot__grow(m->keys, &m->cap_keys, m->nkeys, sizeof *k, 16)))
        return OT_ENOMEM;
    m->keys = k;
    return 0;
}

/* Copy `rec` into the reserved slot. Caller holds the lock and called key_reserve. */
static int key_store(struct memory *m, const ot_idempotency_record *rec)
{
    struct key *k = &m->keys[m->nkeys];
    memset(k, 0, sizeof *k);
    k->key = ot__strdup(rec->key);
    k->request_hash = ot__strdup(rec->request_hash);
    k->response = ot__strndup(rec->response ? rec->response : "", rec->response_len);
    k->response_len = rec->response_len;
    k->created_at = rec->created_at_ms;
    k->expires_at = rec->expires_at_ms;
    if (!k->key || !k->request_hash || !k->response) {
        key_clear(k);
        return OT_ENOMEM;
    }
    m->nkeys++;
    return 0;
}

/* Write `row` at `pos` (insert or replace: its history entries, from `first`, then join
 * the old row's), `idem` and the events `ev` (taken on success), or nothing. Caller holds
 * the lock. */
static int write_locked(struct memory *m, struct row *row, size_t pos, int replace,
                        size_t first, const ot_idempotency_record *idem,
                        struct ot__mem_pending *ev, ot_error *err)
{
    struct hist *old = replace ? &m->rows[pos].hist : NULL;
    size_t i;

    if (first > (old ? old->n : 0))
        return ot__error_field(err, OT_EINVAL, "first_event",
                               "first_event %zu is past the %zu stored history entries",
                               first, old ? old->n : 0);
    if (old && hist_reserve(old, first + row->hist.n))
        return ot__error_set(err, OT_ENOMEM, "out of memory storing entries");
    if (idem && key_find(m, idem->key, idem->created_at_ms))
        return ot__error_field(err, OT_ECONFLICT, "idempotency_key",
                               "idempotency key is already in use");
    if (idem && key_reserve(m, idem->created_at_ms))
        return ot__error_set(err, OT_ENOMEM, "out of memory storing a key");
    if (!replace) {
        struct row *rows = ot__grow(m->rows, &m->cap_rows, m->nrows, sizeof *rows, 16);
        if (!rows)
            return ot__error_set(err, OT_ENOMEM, "out of memory storing a record");
        m->rows = rows;
    }
    if (ot__mem_outbox_reserve(m->outbox, ev))
        return ot__error_set(err, OT_ENOMEM, "out of memory storing events");
    if (idem && key_store(m, idem))
        return ot__error_set(err, OT_ENOMEM, "out of memory storing a key");
    if (replace) {
        /* the new entries join the history (one sent again replaces its seq) */
        for (i = 0; i < row->hist.n; i++) {
            if (first + i < old->n)
                text_release(old->items[first + i]);
            else
                old->n++;
            old->items[first + i] = row->hist.items[i];
        }
        row->hist.n = 0;
        hist_clear(&row->hist);
        row->hist = *old;
        memset(old, 0, sizeof *old);
        row_clear(&m->rows[pos]);
    } else {
        memmove(&m->rows[pos + 1], &m->rows[pos], (m->nrows - pos) * sizeof *m->rows);
        m->nrows++;
    }
    m->rows[pos] = *row;
    ot__mem_outbox_append(m->outbox, ev);
    return 0;
}

/* create (`create`: the order must not exist) and commit (its stored version must be
 * expected_version): the record, its key and its events, all or nothing. */
static int mem_write(struct memory *m, int create, int64_t expected_version,
                     const ot_storage_record *rec, const ot_idempotency_record *idem,
                     ot_error *err)
{
    struct row row;
    struct ot__mem_pending *ev = NULL;
    size_t pos, first;
    int found, rc;

    if ((rc = ot__storage_record_check(rec, 0, err)) ||
        (rc = ot_idempotency_record_check(idem, err)))
        return rc;
    if ((rc = ot__mem_pending_new(&ev, rec, err)) != 0)
        return rc;
    if ((rc = row_fill(&row, &first, rec, err)) != 0) {
        ot__mem_pending_free(ev);
        return rc;
    }
    pthread_mutex_lock(&m->lock);
    pos = row_find(m, rec->order_id, &found);
    if (create)
        rc = found ? ot__error_field(err, OT_EEXISTS, "order_id",
                                     "order %.64s already exists", rec->order_id)
                   : write_locked(m, &row, pos, 0, first, idem, ev, err);
    else if (!found)
        rc = ot__error_field(err, OT_ENOTFOUND, "order_id", "no order %.64s", rec->order_id);
    else if (m->rows[pos].version != expected_version)
        rc = ot__error_field(err, OT_ECONFLICT, "version",
                             "order %.64s is at version %lld, not %lld", rec->order_id,
                             (long long)m->rows[pos].version, (long long)expected_version);
    else
        rc = write_locked(m, &row, pos, 1, first, idem, ev, err);
    pthread_mutex_unlock(&m->lock);
    if (rc) {
        row_clear(&row);
        ot__mem_pending_free(ev);
    }
    return rc;
}

static int mem_create(void *userdata, const ot_storage_record *rec,
                      const ot_idempotency_record *idem, ot_error *err)
{
    return mem_write(userdata, 1, 0, rec, idem, err);
}

static int mem_commit(void *userdata, int64_t expected_version, const ot_storage_record *rec,
                      const ot_idempotency_record *idem, ot_error *err)
{
    return mem_write(userdata, 0, expected_version, rec, idem, err);
}

/* A row's texts, referenced under the lock for a decode outside it. */
struct row_ref {
    struct text *json;
    struct text **items;    /* the entries referenced: all, or the last (the head) */
    size_t n;
};

/* Reference `r` with its entries (the last only, its head, unless `whole`); 0 or
 * OT_ENOMEM. Caller holds the lock. */
static int row_ref_take(struct row_ref *ref, const struct row *r, int whole)
{
    size_t i, from = whole || !r->hist.n ? 0 : r->hist.n - 1;
    memset(ref, 0, sizeof *ref);
    if (r->hist.n) {
        if (!(ref->items = ot__malloc((r->hist.n - from) * sizeof *ref->items)))
            return OT_ENOMEM;
        for (i = from; i < r->hist.n; i++)
            ref->items[ref->n++] = text_ref(r->hist.items[i]);
    }
    ref->json = text_ref(r->json);
    return 0;
}

static void row_ref_release(struct row_ref *ref)
{
    size_t i;
    for (i = 0; i < ref->n; i++)
        text_release(ref->items[i]);
    ot__free(ref->items);
    text_release(ref->json);
}

/* Decode a referenced row: the record with the entries referenced as its history. */
static int row_ref_decode(ot_order **out, const struct row_ref *ref, ot_error *err)
{
    json_t *history, *e;
    size_t i;
    int rc = ot__order_from_own_json(out, ref->json->bytes, ref->json->len, err);

    if (rc)
        return rc;
    history = json_object_get((*out)->doc, "status_history");
    for (i = 0; !rc && i < ref->n; i++) {
        rc = ot__json_load(&e, ref->items[i]->bytes, ref->items[i]->len, "history",
                           "history", err);
        if (!rc && json_array_append_new(history, e))
            rc = ot__error_set(err, OT_ENOMEM, "out of memory loading a record");
    }
    if (rc) {
        ot_order_free(*out);
        *out = NULL;
    }
    return rc;
}

static int load_as(struct memory *m, const char *order_id, int whole, ot_order **out,
                   ot_error *err)
{
    struct row_ref ref;
    size_t pos;
    int found, rc = 0;

    if (!out || !order_id)
        return ot__error_field(err, OT_EINVAL, out ? "order_id" : "out", "argument is NULL");
    *out = NULL;
    pthread_mutex_lock(&m->lock);
    pos = row_find(m, order_id, &found);
    if (found)
        rc = row_ref_take(&ref, &m->rows[pos], whole);
    pthread_mutex_unlock(&m->lock);
    if (!found)
        return ot__error_field(err, OT_ENOTFOUND, "order_id", "no order %.64s", order_id);
    if (rc)
        return ot__error_set(err, OT_ENOMEM, "out of memory loading a record");
    rc = row_ref_decode(out, &ref, err);
    row_ref_release(&ref);
    return rc;
}

static int mem_load(void *userdata, const char *order_id, ot_order **out, ot_error *err)
{
    return load_as(userdata, order_id, 1, out, err);
}

static int mem_load_head(void *userdata, const char *order_id, ot_order **out, ot_error *err)
{
    return load_as(userdata, order_id, 0, out, err);
}

static int row_matches(const struct row *r, const ot_storage_query *q)
{
    if (q->store_id && strcmp(r->store_id, q->store_id) != 0)
        return 0;
    if (q->customer_id && strcmp(r->customer_id, q->customer_id) != 0)
        return 0;
    if (q->current_status && r->status != q->current_status)
        return 0;
    if (q->shipment_status && r->shipment != q->shipment_status)
        return 0;
    if (q->shipment_active && (!r->shipment || ot_shipment_is_terminal(r->shipment, NULL) != 0))
        return 0;
    if (q->delivery_provider && r->provider != q->delivery_provider)
        return 0;
    if (q->delivery_tracking_id &&
        (!r->tracking_id || strcmp(r->tracking_id, q->delivery_tracking_id) != 0))
        return 0;
    if (q->updated_before_ms && r->updated_at >= q->updated_before_ms)
        return 0;
    return 1;
}

static int mem_query(void *userdata, const ot_storage_query *q, ot_storage_emit emit,
                     void *ctx, char *next_cursor, size_t cursor_size, ot_error *err)
{
    struct memory *m = userdata;
    struct row_ref *page;
    size_t n = 0, i, pos;
    int found, more = 0, rc = 0;

    if ((rc = ot_storage_query_check(q, emit, next_cursor, cursor_size, err)) != 0)
        return rc;
    page = ot__calloc(q->limit, sizeof *page);
    if (!page)
        return ot__error_set(err, OT_ENOMEM, "out of memory querying");
    next_cursor[0] = '\0';
    pthread_mutex_lock(&m->lock);
    pos = q->cursor && q->cursor[0] ? row_find(m, q->cursor, &found) : 0;
    if (q->cursor && q->cursor[0] && found)
        pos++;
    for (; pos < m->nrows; pos++) {
        if (!row_matches(&m->rows[pos], q))
            continue;
        if (n == q->limit) {
            more = 1;
            break;
        }
        if ((rc = row_ref_take(&page[n], &m->rows[pos], 1)) != 0)
            break;
        n++;
    }
    if (more)
        ot__strlcpy(next_cursor, m->rows[pos - 1].order_id, cursor_size);
    pthread_mutex_unlock(&m->lock);
    /* emit outside the lock: the sink may take its time */
    if (rc)
        rc = ot__error_set(err, OT_ENOMEM, "out of memory querying");
    for (i = 0; i < n; i++) {
        ot_order *o = NULL;
        if (!rc && !(rc = row_ref_decode(&o, &page[i], err)))
            rc = emit(ctx, o, err);
        row_ref_release(&page[i]);
    }
    if (rc)
        next_cursor[0] = '\0';
    ot__free(page);
    return rc;
}

static int mem_idem_get(void *userdata, const char *key, int64_t now_ms,
                        ot_idempotency_found found, void *ctx, ot_error *err)
{
    struct memory *m = userdata;
    struct key *k;
    ot_idempotency_record rec = OT_IDEMPOTENCY_RECORD_INIT;
    int rc;

    if (!key || !found)
        return ot__error_field(err, OT_EINVAL, key ? "found" : "key", "argument is NULL");
    pthread_mutex_lock(&m->lock);
    k = key_find(m, key, now_ms);
    if (k) {
        rec.key = k->key;
        rec.request_hash = k->request_hash;
        rec.response = k->response;
        rec.response_len = k->response_len;
        rec.created_at_ms = k->created_at;
        rec.expires_at_ms = k->expires_at;
        /* called under the lock: the sink only copies */
        rc = found(ctx, &rec, err);
    } else {
        rc = ot__error_field(err, OT_ENOTFOUND, "idempotency_key", "no live key");
    }
    pthread_mutex_unlock(&m->lock);
    return rc;
}

static int mem_idem_put(void *userdata, const ot_idempotency_record *rec, ot_error *err)
{
    struct memory *m = userdata;
    int rc;

    if (!rec)
        return ot__error_field(err, OT_EINVAL, "record", "record is NULL");
    if ((rc = ot_idempotency_record_check(rec, err)))
        return rc;
    pthread_mutex_lock(&m->lock);
    if (key_find(m, rec->key, rec->created_at_ms))
        rc = ot__error_field(err, OT_EEXISTS, "idempotency_key", "key is already in use");
    else if (key_reserve(m, rec->created_at_ms) || key_store(m, rec))
        rc = ot__error_set(err, OT_ENOMEM, "out of memory storing a key");
    pthread_mutex_unlock(&m->lock);
    return rc;
}

static int mem_outbox_query(void *userdata, const ot_outbox_query *q, ot_event_emit emit,
                            void *ctx, int64_t *next_after, ot_error *err)
{
    return ot__mem_outbox_query(((struct memory *)userdata)->outbox, q, emit, ctx, next_after,
                                err);
}

static int mem_outbox_mark(void *userdata, const ot_outbox_mark *mark, ot_error *err)
{
    return ot__mem_outbox_mark(((struct memory *)userdata)->outbox, mark, err);
}

static int mem_outbox_prune(void *userdata, const char *const *sinks, size_t n,
                            int64_t before_ms, size_t *removed, ot_error *err)
{
    return ot__mem_outbox_prune(((struct memory *)userdata)->outbox, sinks, n, before_ms,
                                removed, err);
}

/* ---- archival (storage version 4) ---- */

static size_t tomb_find(const struct memory *m, const char *order_id, int *found)
{
    return ot__sorted_find(m->tombs, m->ntombs, sizeof *m->tombs,
                           offsetof(struct tomb, order_id), order_id, found);
}

static void tomb_drop_locked(struct memory *m, const char *order_id)
{
    int found;
    size_t pos = tomb_find(m, order_id, &found);
    if (!found)
        return;
    ot__free(m->tombs[pos].order_id);
    ot__free(m->tombs[pos].archived_to);
    memmove(&m->tombs[pos], &m->tombs[pos + 1], (m->ntombs - pos - 1) * sizeof *m->tombs);
    m->ntombs--;
}

/* Archive one order (caller holds the lock): 0, OT_ENOTFOUND, OT_ECONFLICT or OT_ENOMEM. */
static int archive_one_locked(struct memory *m, const char *order_id, int64_t expected,
                              const char *archived_to)
{
    struct tomb t, *tombs;
    size_t pos, tpos;
    int found, tfound;

    pos = row_find(m, order_id, &found);
    if (!found)
        return OT_ENOTFOUND;
    if (m->rows[pos].version != expected)
        return OT_ECONFLICT;
    if (!(tombs = ot__grow(m->tombs, &m->cap_tombs, m->ntombs, sizeof *tombs, 16)))
        return OT_ENOMEM;
    m->tombs = tombs;
    t.order_id = ot__strdup(order_id);
    t.archived_to = ot__strdup(archived_to);
    if (!t.order_id || !t.archived_to) {
        ot__free(t.order_id);
        ot__free(t.archived_to);
        return OT_ENOMEM;
    }
    tomb_drop_locked(m, order_id);
    tpos = tomb_find(m, order_id, &tfound);
    memmove(&m->tombs[tpos + 1], &m->tombs[tpos], (m->ntombs - tpos) * sizeof *m->tombs);
    m->tombs[tpos] = t;
    m->ntombs++;
    row_clear(&m->rows[pos]);
    memmove(&m->rows[pos], &m->rows[pos + 1], (m->nrows - pos - 1) * sizeof *m->rows);
    m->nrows--;
    return 0;
}

static int mem_archive_remove(void *userdata, const char *const *order_ids,
                              const int64_t *expected_versions, size_t n,
                              const char *archived_to, int *results, ot_error *err)
{
    struct memory *m = userdata;
    int rc;

    if ((rc = ot_storage_archive_check(order_ids, expected_versions, n, archived_to, results,
                                       err)) != 0)
        return rc;
    pthread_mutex_lock(&m->lock);
    for (size_t i = 0; i < n; i++)
        results[i] = archive_one_locked(m, order_ids[i], expected_versions[i], archived_to);
    pthread_mutex_unlock(&m->lock);
    for (size_t i = 0; i < n; i++)
        if (results[i] == OT_ENOMEM)
            return ot__error_set(err, OT_ENOMEM, "out of memory storing a tombstone");
    return 0;
}

static int mem_tombstone_get(void *userdata, const char *order_id, char *out, size_t out_size,
                             ot_error *err)
{
    struct memory *m = userdata;
    size_t pos;
    int found;

    if (!order_id || !out || out_size == 0)
        return ot__error_field(err, OT_EINVAL, order_id ? "out" : "order_id",
                               "argument is NULL or empty");
    pthread_mutex_lock(&m->lock);
    pos = tomb_find(m, order_id, &found);
    if (found)
        snprintf(out, out_size, "%s", m->tombs[pos].archived_to);
    pthread_mutex_unlock(&m->lock);
    return found ? 0 : ot__error_field(err, OT_ENOTFOUND, "order_id",
                                       "order %.64s has no tombstone", order_id);
}

static int mem_restore(void *userdata, const ot_storage_record *rec, ot_error *err)
{
    struct memory *m = userdata;
    struct row row;
    size_t pos, first;
    int found, rc;

    if ((rc = ot__storage_record_check(rec, 0, err)) != 0)
        return rc;
    if ((rc = row_fill(&row, &first, rec, err)) != 0)
        return rc;
    pthread_mutex_lock(&m->lock);
    pos = row_find(m, rec->order_id, &found);
    rc = found ? ot__error_field(err, OT_EEXISTS, "order_id", "order %.64s already exists",
                                 rec->order_id)
               : write_locked(m, &row, pos, 0, first, NULL, NULL, err);
    if (rc == 0)
        tomb_drop_locked(m, rec->order_id);
    pthread_mutex_unlock(&m->lock);
    if (rc)
        row_clear(&row);
    return rc;
}

static void mem_close(void *userdata)
{
    struct memory *m = userdata;
    size_t i;
    for (i = 0; i < m->ntombs; i++) {
        ot__free(m->tombs[i].order_id);
        ot__free(m->tombs[i].archived_to);
    }
    ot__free(m->tombs);
    for (i = 0; i < m->nrows; i++)
        row_clear(&m->rows[i]);
    for (i = 0; i < m->nkeys; i++)
        key_clear(&m->keys[i]);
    ot__free(m->rows);
    ot__free(m->keys);
    ot__mem_outbox_free(m->outbox);
    pthread_mutex_destroy(&m->lock);
    ot__free(m);
}

int ot_storage_memory_new(ot_storage **out, ot_error *err)
{
    struct memory *m;
    int rc;
    if (!out)
        return ot__error_field(err, OT_EINVAL, "out", "output pointer is NULL");
    *out = NULL;
    m = ot__calloc(1, sizeof *m);
    if (!m)
        return ot__error_set(err, OT_ENOMEM, "out of memory creating a memory storage");
    if ((rc = ot__mem_outbox_new(&m->outbox, err)) != 0) {
        ot__free(m);
        return rc;
    }
    if (pthread_mutex_init(&m->lock, NULL) != 0) {
        ot__mem_outbox_free(m->outbox);
        ot__free(m);
        return ot__error_set(err, OT_ESTORAGE, "cannot create a mutex");
    }
    m->vtable.version = OT_STORAGE_VERSION;
    m->vtable.userdata = m;
    m->vtable.create = mem_create;
    m->vtable.load = mem_load;
    m->vtable.commit = mem_commit;
    m->vtable.query = mem_query;
    m->vtable.idem_get = mem_idem_get;
    m->vtable.idem_put = mem_idem_put;
    m->vtable.close = mem_close;
    m->vtable.archive_remove = mem_archive_remove;
    m->vtable.tombstone_get = mem_tombstone_get;
    m->vtable.restore = mem_restore;
    m->vtable.flags = OT_STORAGE_F_NO_JSON | OT_STORAGE_F_HISTORY_APART;
    m->vtable.load_head = mem_load_head;
    m->vtable.outbox_query = mem_outbox_query;
    m->vtable.outbox_mark = mem_outbox_mark;
    m->vtable.outbox_prune = mem_outbox_prune;
    *out = &m->vtable;
    return 0;
}
