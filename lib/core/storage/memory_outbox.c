/* The memory store's outbox: events appended under the store's lock with the record they
 * belong to, delivery states per sink, behind a lock of its own (the store's lock, then
 * this one; never the other way). */
#include <pthread.h>
#include <string.h>

#include "common.h"
#include "memory_outbox.h"

struct state {
    char *sink, *last_error;
    int state;
    unsigned attempts;
    int64_t next_attempt_ms;
};

struct mev {
    ot_event ev;                /* its strings are the owned copies below */
    char *event_id, *order_id, *store_id, *json;
    struct state *states;
    size_t nstates;
};

struct ot__mem_outbox {
    pthread_mutex_t lock;
    struct mev *events;         /* by position */
    size_t n, cap;
    int64_t last_position;
};

struct ot__mem_pending {
    struct mev *events;
    size_t n;
};

int ot__mem_outbox_new(struct ot__mem_outbox **out, ot_error *err)
{
    struct ot__mem_outbox *ob = ot__calloc(1, sizeof *ob);
    *out = NULL;
    if (!ob)
        return ot__error_set(err, OT_ENOMEM, "out of memory creating an outbox");
    if (pthread_mutex_init(&ob->lock, NULL) != 0) {
        ot__free(ob);
        return ot__error_set(err, OT_ESTORAGE, "cannot create a mutex");
    }
    *out = ob;
    return 0;
}

static void mev_clear(struct mev *e)
{
    size_t i;
    for (i = 0; i < e->nstates; i++) {
        ot__free(e->states[i].sink);
        ot__free(e->states[i].last_error);
    }
    ot__free(e->states);
    ot__free(e->event_id);
    ot__free(e->order_id);
    ot__free(e->store_id);
    ot__free(e->json);
    memset(e, 0, sizeof *e); /* cleared twice is harmless */
}

void ot__mem_outbox_free(struct ot__mem_outbox *ob)
{
    size_t i;
    if (!ob)
        return;
    for (i = 0; i < ob->n; i++)
        mev_clear(&ob->events[i]);
    ot__free(ob->events);
    pthread_mutex_destroy(&ob->lock);
    ot__free(ob);
}

/* A copy of `src` with owned strings (states not copied): 0 or OT_ENOMEM. */
static int mev_copy(struct mev *dst, const ot_event *src)
{
    memset(dst, 0, sizeof *dst);
    dst->ev = *src;
    dst->event_id = ot__strdup(src->event_id);
    dst->order_id = ot__strdup(src->order_id);
    dst->store_id = ot__strdup(src->store_id);
    dst->json = ot__strndup(src->json, src->json_len);
    if (!dst->event_id || !dst->order_id || !dst->store_id || !dst->json) {
        mev_clear(dst);
        return OT_ENOMEM;
    }
    dst->ev.event_id = dst->event_id;
    dst->ev.order_id = dst->order_id;
    dst->ev.store_id = dst->store_id;
    dst->ev.json = dst->json;
    dst->ev.state = 0;
    dst->ev.attempts = 0;
    dst->ev.next_attempt_ms = 0;
    dst->ev.last_error = NULL;
    return 0;
}

void ot__mem_pending_free(struct ot__mem_pending *p)
{
    size_t i;
    if (!p)
        return;
    for (i = 0; i < p->n; i++)
        mev_clear(&p->events[i]);
    ot__free(p->events);
    ot__free(p);
}

int ot__mem_pending_new(struct ot__mem_pending **out, const ot_storage_record *rec,
                        ot_error *err)
{
    struct ot__mem_pending *p;
    size_t i;

    *out = NULL;
    if (rec->version < 2 || !rec->events || !rec->event_count)
        return 0;
    p = ot__calloc(1, sizeof *p);
    if (p)
        p->events = ot__calloc(rec->event_count, sizeof *p->events);
    if (!p || !p->events) {
        ot__free(p);
        return ot__error_set(err, OT_ENOMEM, "out of memory storing events");
    }
    for (i = 0; i < rec->event_count; i++) {
        if (!rec->events[i].event_id || !rec->events[i].order_id ||
            !rec->events[i].store_id || !rec->events[i].json) {
            ot__mem_pending_free(p);
            return ot__error_field(err, OT_EINVAL, "events", "events[%zu] lacks a member", i);
        }
        if (mev_copy(&p->events[i], &rec->events[i])) {
            ot__mem_pending_free(p);
            return ot__error_set(err, OT_ENOMEM, "out of memory storing events");
        }
        p->n++;
    }
    *out = p;
    return 0;
}

int ot__mem_outbox_reserve(struct ot__mem_outbox *ob, const struct ot__mem_pending *p)
{
    int rc = 0;
    if (!p)
        return 0;
    pthread_mutex_lock(&ob->lock);
    if (ob->n + p->n > ob->cap) {
        size_t cap = ob->cap ? ob->cap * 2 : 64;
        struct mev *e;
        while (cap < ob->n + p->n)
            cap *= 2;
        e = ot__realloc(ob->events, cap * sizeof *e);
        if (e) {
            ob->events = e;
            ob->cap = cap;
        } else {
            rc = OT_ENOMEM;
        }
    }
    pthread_mutex_unlock(&ob->lock);
    return rc;
}

void ot__mem_outbox_append(struct ot__mem_outbox *ob, struct ot__mem_pending *p)
{
    size_t i;
    if (!p)
        return;
    pthread_mutex_lock(&ob->lock);
    for (i = 0; i < p->n; i++) {
        p->events[i].ev.position = ++ob->last_position;
        ob->events[ob->n++] = p->events[i];
    }
    pthread_mutex_unlock(&ob->lock);
    p->n = 0;
    ot__mem_pending_free(p);
}

/* The state of `e` for `sink`, or NULL (pending, never tried). */
static struct state *state_of(const struct mev *e, const char *sink)
{
    size_t i;
    for (i = 0; i < e->nstates; i++)
        if (strcmp(e->states[i].sink, sink) == 0)
            return &e->states[i];
    return NULL;
}

/* Index of the first event with a position > `after`. Caller holds the lock. */
static size_t first_after(const struct ot__mem_outbox *ob, int64_t after)
{
    size_t lo = 0, hi = ob->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ob->events[mid].ev.position <= after)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* One event of a query's page: a copy, with its state's last error copied too. */
struct copied {
    struct mev m;
    char *last_error;
};

int ot__mem_outbox_query(struct ot__mem_outbox *ob, const ot_outbox_query *q,
                         ot_event_emit emit, void *ctx, int64_t *next_after, ot_error *err)
{
    struct copied *page;
    size_t n = 0, i;
    int rc = 0;

    page = ot__calloc(q->limit, sizeof *page);
    if (!page)
        return ot__error_set(err, OT_ENOMEM, "out of memory reading the outbox");
    pthread_mutex_lock(&ob->lock);
    for (i = first_after(ob, q->after); i < ob->n && n < q->limit; i++) {
        const struct mev *e = &ob->events[i];
        const struct state *st = q->sink ? state_of(e, q->sink) : NULL;
        int state = q->sink ? (st ? st->state : OT_OUTBOX_PENDING) : 0;
        if ((q->order_id && strcmp(e->order_id, q->order_id) != 0) ||
            (q->store_id && strcmp(e->store_id, q->store_id) != 0) ||
            (q->state && state != q->state))
            continue;
        if (mev_copy(&page[n].m, &e->ev) ||
            (st && st->last_error && !(page[n].last_error = ot__strdup(st->last_error)))) {
            mev_clear(&page[n].m);
            rc = ot__error_set(err, OT_ENOMEM, "out of memory reading the outbox");
            break;
        }
        page[n].m.ev.position = e->ev.position;
        page[n].m.ev.state = state;
        page[n].m.ev.last_error = page[n].last_error;
        if (st) {
            page[n].m.ev.attempts = st->attempts;
            page[n].m.ev.next_attempt_ms = st->next_attempt_ms;
        }
        n++;
    }
    pthread_mutex_unlock(&ob->lock);
    /* emit outside the lock: the consumer may take its time */
    for (i = 0; i < n; i++) {
        if (!rc && !(rc = emit(ctx, &page[i].m.ev, err)))
            *next_after = page[i].m.ev.position;
        mev_clear(&page[i].m);
        ot__free(page[i].last_error);
    }
    ot__free(page);
    return rc;
}

int ot__mem_outbox_mark(struct ot__mem_outbox *ob, const ot_outbox_mark *m, ot_error *err)
{
    struct mev *e;
    struct state *st;
    char *last_error = NULL;
    size_t i;
    int rc = 0;

    if (m->last_error && !(last_error = ot__strdup(m->last_error)))
        return ot__error_set(err, OT_ENOMEM, "out of memory marking an event");
    pthread_mutex_lock(&ob->lock);
    i = first_after(ob, m->position - 1);
    e = i < ob->n && ob->events[i].ev.position == m->position ? &ob->events[i] : NULL;
    st = e ? state_of(e, m->sink) : NULL;
    if (!e || (m->require_state && (st ? st->state : OT_OUTBOX_PENDING) != m->require_state)) {
        rc = ot__error_field(err, OT_ENOTFOUND, "position",
                             "no event %lld in state %d for sink %s", (long long)m->position,
                             m->require_state, m->sink);
    } else if (!st) {
        struct state *grown = ot__realloc(e->states, (e->nstates + 1) * sizeof *grown);
        char *sink = ot__strdup(m->sink);
        if (grown)
            e->states = grown;
        if (!grown || !sink) {
            ot__free(sink);
            rc = ot__error_set(err, OT_ENOMEM, "out of memory marking an event");
        } else {
            st = &e->states[e->nstates++];
            memset(st, 0, sizeof *st);
            st->sink = sink;
        }
    }
    if (!rc) {
        st->state = m->state;
        st->attempts = m->attempts;
        st->next_attempt_ms = m->next_attempt_ms;
        ot__free(st->last_error);
        st->last_error = last_error;
        last_error = NULL;
    }
    pthread_mutex_unlock(&ob->lock);
    ot__free(last_error);
    return rc;
}

int ot__mem_outbox_prune(struct ot__mem_outbox *ob, const char *const *sinks, size_t n,
                         int64_t before_ms, size_t *removed, ot_error *err)
{
    size_t i, j = 0, k, count = 0;
    (void)err;
    pthread_mutex_lock(&ob->lock);
    for (i = 0; i < ob->n; i++) {
        struct mev *e = &ob->events[i];
        int done = e->ev.time_ms < before_ms;
        for (k = 0; done && k < n; k++) {
            const struct state *st = state_of(e, sinks[k]);
            done = st && st->state == OT_OUTBOX_DELIVERED;
        }
        if (done) {
            mev_clear(e);
            count++;
        } else {
            ob->events[j++] = *e;
        }
    }
    ob->n = j;
    pthread_mutex_unlock(&ob->lock);
    if (removed)
        *removed = count;
    return 0;
}
