/* Internal to libordertrack-sqlite: a bounded LRU cache of decoded records, one per storage.
 *
 * Each entry is a record (ot_order) with the `version` and `updated_at` columns of the row it
 * was stored as. The cache never decides on its own that an entry is current: the caller
 * reads the row's two columns first and asks for a record with exactly those values; any
 * other entry is dropped as stale. So a write by another handle or process is never hidden.
 *
 * Ownership: the cache owns its records (its own clones); lookups hand out new clones, or
 * with `take` the record itself, which the caller frees with ot_order_free(). Allocation
 * failures are absorbed by not caching.
 * Thread safety: every function may be called from several threads at once (one mutex; the
 * clones are made outside it), except ot_sqlite__cache_init and ot_sqlite__cache_destroy. */
#ifndef OT_SQLITE_CACHE_H
#define OT_SQLITE_CACHE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "ordertrack/order.h"

struct cache_entry;

struct cache {
    pthread_mutex_t lock;
    size_t capacity;                /* 0: disabled, every call is a no-op / miss */
    size_t count;
    size_t nbuckets;                /* power of two */
    struct cache_entry **buckets;   /* hash chains by order id */
    struct cache_entry *head, *tail; /* LRU list: head most recent */
};

/* Set up a cache of at most `capacity` records (0 disables it). 0 or OT_ENOMEM. */
int ot_sqlite__cache_init(struct cache *c, size_t capacity, ot_error *err);
/* Free every entry; nothing else may use the cache any more. */
void ot_sqlite__cache_destroy(struct cache *c);

/* 1 when the cache holds records (capacity > 0). */
int ot_sqlite__cache_enabled(const struct cache *c);

/* Look `order_id` up for the row (`version`, `updated_at_ms`). A matching entry: 1 with a
 * clone in `*out` (caller frees) or, with `take`, the cached record itself, which leaves the
 * cache (a load: the caller changes or frees what it loaded, and a commit caches the new
 * record; taking saves a copy and a free per write; a clone all the same when another lookup
 * is cloning the entry at that moment). No entry, or a stale one (dropped): 0. A clone that
 * fails: the negative code (OT_ENOMEM), `*out` NULL. */
int ot_sqlite__cache_get(struct cache *c, const char *order_id, int64_t version,
                         int64_t updated_at_ms, int take, ot_order **out, ot_error *err);

/* Remember a copy of `order`, stored as row (`version`, `updated_at_ms`). `committed`: the
 * caller just wrote that row, so it replaces any entry; otherwise (a load) an entry of a
 * newer version is kept. Evicts the least recently used entries beyond the bound. On
 * allocation failure the order id is forgotten instead (never a wrong entry). */
void ot_sqlite__cache_put(struct cache *c, const char *order_id, const ot_order *order,
                          int64_t version, int64_t updated_at_ms, int committed);

/* ot_sqlite__cache_put of a record the caller hands over (the cache owns `order`, freeing it
 * when it does not keep it): no copy. */
void ot_sqlite__cache_keep(struct cache *c, const char *order_id, ot_order *order, int64_t version,
                           int64_t updated_at_ms, int committed);

/* Forget `order_id` (a write failed or found another version). */
void ot_sqlite__cache_forget(struct cache *c, const char *order_id);

#endif
