/* The storage's bounded LRU cache of decoded records (see cache.h). */
#include <string.h>

#include "ordertrack/alloc.h"
#include "sqlite_internal.h"

struct cache_entry {
    struct cache_entry *chain;      /* next in the bucket; next to free once unlinked */
    struct cache_entry *prev, *next; /* LRU list */
    uint64_t hash;
    int64_t version;
    int64_t updated_at_ms;
    ot_order *order;                /* owned */
    unsigned refs;                  /* lookups cloning `order` outside the lock */
    int linked;                     /* in the table and the list */
    char id[];                      /* the order id, NUL-terminated */
};

static uint64_t hash_id(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    while (*s) {
        h ^= (unsigned char)*s++;
        h *= 1099511628211ULL;
    }
    return h;
}

static void entry_free(struct cache_entry *e)
{
    if (!e)
        return;
    ot_order_free(e->order);
    ot_free(e);
}

/* Free a list of unlinked entries chained through `chain` (outside the lock). */
static void free_list(struct cache_entry *e)
{
    while (e) {
        struct cache_entry *next = e->chain;
        entry_free(e);
        e = next;
    }
}

int ot_sqlite__cache_init(struct cache *c, size_t capacity, ot_error *err)
{
    memset(c, 0, sizeof *c);
    pthread_mutex_init(&c->lock, NULL);
    if (capacity == 0)
        return 0;
    c->nbuckets = 16;
    while (c->nbuckets < capacity)
        c->nbuckets *= 2;
    if (!(c->buckets = ot_malloc(c->nbuckets * sizeof *c->buckets))) {
        pthread_mutex_destroy(&c->lock);
        return ot_error_setf(err, OT_ENOMEM, NULL, "out of memory for a cache of %zu records",
                             capacity);
    }
    memset(c->buckets, 0, c->nbuckets * sizeof *c->buckets);
    c->capacity = capacity;
    return 0;
}

void ot_sqlite__cache_destroy(struct cache *c)
{
    struct cache_entry *e = c->head;
    while (e) {
        struct cache_entry *next = e->next;
        entry_free(e);
        e = next;
    }
    ot_free(c->buckets);
    pthread_mutex_destroy(&c->lock);
    memset(c, 0, sizeof *c);
}

int ot_sqlite__cache_enabled(const struct cache *c)
{
    return c->capacity > 0;
}

/* The entry of `id`, or NULL. Under the lock. */
static struct cache_entry *find(const struct cache *c, uint64_t h, const char *id)
{
    struct cache_entry *e = c->buckets[h & (c->nbuckets - 1)];
    while (e && (e->hash != h || strcmp(e->id, id) != 0))
        e = e->chain;
    return e;
}

static void list_unlink(struct cache *c, struct cache_entry *e)
{
    if (e->prev)
        e->prev->next = e->next;
    else
        c->head = e->next;
    if (e->next)
        e->next->prev = e->prev;
    else
        c->tail = e->prev;
    e->prev = e->next = NULL;
}

static void list_push_front(struct cache *c, struct cache_entry *e)
{
    e->prev = NULL;
    e->next = c->head;
    if (c->head)
        c->head->prev = e;
    c->head = e;
    if (!c->tail)
        c->tail = e;
}

/* Take `e` out of the table and the list. Under the lock. When no lookup is cloning it, it
 * is pushed on `*dead` to be freed after the lock is released; else the last one frees it. */
static void unlink_entry(struct cache *c, struct cache_entry *e, struct cache_entry **dead)
{
    struct cache_entry **p = &c->buckets[e->hash & (c->nbuckets - 1)];
    while (*p != e)
        p = &(*p)->chain;
    *p = e->chain;
    list_unlink(c, e);
    e->linked = 0;
    c->count--;
    e->chain = NULL;
    if (e->refs == 0) {
        e->chain = *dead;
        *dead = e;
    }
}

static void insert_entry(struct cache *c, struct cache_entry *e)
{
    struct cache_entry **b = &c->buckets[e->hash & (c->nbuckets - 1)];
    e->chain = *b;
    *b = e;
    list_push_front(c, e);
    e->linked = 1;
    c->count++;
}

int ot_sqlite__cache_get(struct cache *c, const char *order_id, int64_t version,
                         int64_t updated_at_ms, int take, ot_order **out, ot_error *err)
{
    struct cache_entry *e, *dead = NULL;
    uint64_t h;
    int rc;

    *out = NULL;
    if (!c->capacity)
        return 0;
    h = hash_id(order_id);
    pthread_mutex_lock(&c->lock);
    e = find(c, h, order_id);
    if (e && (e->version != version || e->updated_at_ms != updated_at_ms)) {
        unlink_entry(c, e, &dead); /* stale: the row moved on (or back) */
        e = NULL;
    }
    if (!e) {
        pthread_mutex_unlock(&c->lock);
        free_list(dead);
        return 0;
    }
    if (take && e->refs == 0) {
        /* the record itself, no clone: the entry leaves the cache */
        struct cache_entry *shell = NULL;
        unlink_entry(c, e, &shell);
        pthread_mutex_unlock(&c->lock);
        *out = shell->order;
        shell->order = NULL;
        entry_free(shell);
        free_list(dead);
        return 1;
    }
    list_unlink(c, e);
    list_push_front(c, e);
    e->refs++;
    pthread_mutex_unlock(&c->lock);

    /* The record is immutable while cached: clone it without holding the lock. */
    rc = ot_order_clone(out, e->order, err);

    pthread_mutex_lock(&c->lock);
    e->refs--;
    if (!e->linked && e->refs == 0)
        dead = e; /* evicted or replaced meanwhile: the last user frees it */
    pthread_mutex_unlock(&c->lock);
    free_list(dead);
    return rc ? rc : 1;
}

void ot_sqlite__cache_keep(struct cache *c, const char *order_id, ot_order *order, int64_t version,
                           int64_t updated_at_ms, int committed)
{
    struct cache_entry *e, *old, *dead = NULL;
    size_t len;

    if (!c->capacity || !order) {
        ot_order_free(order);
        return;
    }
    len = strlen(order_id);
    if (!(e = ot_malloc(sizeof *e + len + 1))) {
        ot_sqlite__cache_forget(c, order_id); /* never leave the previous version behind */
        ot_order_free(order);      /* last: `order_id` may be the order's own */
        return;
    }
    memset(e, 0, sizeof *e);
    memcpy(e->id, order_id, len + 1);
    e->hash = hash_id(order_id);
    e->version = version;
    e->updated_at_ms = updated_at_ms;
    e->order = order;

    pthread_mutex_lock(&c->lock);
    old = find(c, e->hash, order_id);
    if (old && !committed && old->version > version) {
        /* a load raced with a newer commit of this handle: keep the newer record */
        e->chain = dead;
        dead = e;
    } else {
        if (old)
            unlink_entry(c, old, &dead);
        insert_entry(c, e);
        while (c->count > c->capacity)
            unlink_entry(c, c->tail, &dead);
    }
    pthread_mutex_unlock(&c->lock);
    free_list(dead);
}

void ot_sqlite__cache_put(struct cache *c, const char *order_id, const ot_order *order,
                          int64_t version, int64_t updated_at_ms, int committed)
{
    ot_order *copy = NULL;
    if (!c->capacity)
        return;
    if (!order || ot_order_clone(&copy, order, NULL) != 0) {
        ot_sqlite__cache_forget(c, order_id); /* never leave the previous version behind */
        return;
    }
    ot_sqlite__cache_keep(c, order_id, copy, version, updated_at_ms, committed);
}

void ot_sqlite__cache_forget(struct cache *c, const char *order_id)
{
    struct cache_entry *e, *dead = NULL;
    uint64_t h;

    if (!c->capacity)
        return;
    h = hash_id(order_id);
    pthread_mutex_lock(&c->lock);
    if ((e = find(c, h, order_id)) != NULL)
        unlink_entry(c, e, &dead);
    pthread_mutex_unlock(&c->lock);
    free_list(dead);
}
