/* Internal to libordertrack-mongo: the store, its client pool and the BSON/JSON conversion. */
#ifndef OT_MONGO_INTERNAL_H
#define OT_MONGO_INTERNAL_H

#include <pthread.h>

#include <mongoc/mongoc.h>

#include "ordertrack/adapters/mongo.h"
#include "ordertrack/alloc.h"

struct store {
    ot_storage vtable;          /* first: the handle the caller holds */
    mongoc_client_pool_t *pool;
    char *database, *collection, *idem_collection;
    char *outbox_collection;    /* `<collection>_outbox` (outbox.c) */
    int create_indexes, legacy_orders;
    char *orders_collection, *orders_match_field, *history_collection;
    int lock_writes;            /* the server's updates are not atomic (FerretDB): each
                                   update of an order holds the order's write lock */
    int id_lookups;             /* the server pushes down only a filter of `_id` alone
                                   (FerretDB's SQLite backend): an order is read by `_id`
                                   first, by `order_id` when not found (ObjectId `_id`s) */
    mongoc_read_prefs_t *primary; /* the write path's reads (idempotency keys, locks, a
                                   write's outcome); lag-tolerant reads take the URI's */
    int sweep_keys;             /* the server refused the TTL index (FerretDB): keyed writes
                                   delete expired keys, at most every MG_SWEEP_INTERVAL_MS */
    pthread_mutex_t sweep_lock; /* next_sweep_ms */
    int64_t next_sweep_ms;      /* wall clock */
};

/* How many write nonces of keyed writes an order remembers (`_ot.keys`), to tell whether a
 * pending idempotency key's write was applied. */
#define MG_KEYS_KEPT 64
/* After how long (wall clock) an order's write lock is taken over from its holder (which
 * died between taking and releasing it), and how long a writer waits for a held lock. */
#define MG_LOCK_LEASE_MS 30000
#define MG_LOCK_WAIT_MS 5000
#define MG_LOCK_PAUSE_MIN_MS 2    /* a held lock is polled after this pause, doubling */
#define MG_LOCK_PAUSE_MAX_MS 64   /* up to this */
/* How often a store without a TTL index deletes expired keys (the TTL monitor's period). */
#define MG_SWEEP_INTERVAL_MS 60000
/* How long (tracker clock) a pending key's write may take before idem_get fences it off. */
#define MG_PENDING_LEASE_MS 30000

/* Report a libmongoc/server error as OT_ESTORAGE with its message. */
int ot_mongo__error(ot_error *err, const bson_error_t *error, const char *what);
/* A server-side duplicate key (E11000), as opposed to a failure. */
int ot_mongo__is_duplicate(const bson_error_t *e);
/* A fresh write nonce (an ObjectId's 24 hex digits) naming a lock's holder or a write. */
void ot_mongo__nonce(char nonce[25]);

/* One operation's client from the pool and the store's collections (store.c). */
struct session {
    struct store *s;
    mongoc_client_t *client;
    mongoc_collection_t *orders, *outbox, *keys;
};
void ot_mongo__session_open(struct session *x, struct store *s);
void ot_mongo__session_close(struct session *x);

/* The record's canonical JSON as a BSON document: strings holding an RFC 3339 UTC time with
 * milliseconds ("2026-11-23T06:00:00.000Z") become BSON datetimes. */
int ot_mongo__json_to_bson(bson_t *out, const char *json, size_t len, ot_error *err);
/* A stored document back to JSON (ot_free): datetimes as RFC 3339 ms strings; the top-level
 * keys `_id` and `_ot` (the adapter's own) are left out. */
int ot_mongo__bson_to_json(char **json, size_t *len, const bson_t *doc, ot_error *err);
/* Decode a stored document into an order. */
int ot_mongo__bson_to_order(ot_order **out, const bson_t *doc, ot_error *err);

/* A connection string with the adapter's own `ot.*` options taken out (uri.c). */
struct mg_uri {
    char *uri;                  /* what libmongoc gets: the rest, in their order */
    ot_mongo_options options;   /* `given` with the URI's options applied; its strings point
                                   into `block` or are `given`'s */
    char *block;                /* owns `uri` and the decoded values */
};

/* Read the `ot.*` options of `uri` (docs/mongo.md) on top of `given`: an unknown or repeated
 * one, a bad value, one that contradicts a member `given` set, and a legacy option without
 * legacy orders are OT_EINVAL naming it. Release `out` with ot_mongo__uri_release() (done
 * already on failure). */
int ot_mongo__uri_parse(struct mg_uri *out, const char *uri, const ot_mongo_options *given,
                        ot_error *err);
void ot_mongo__uri_release(struct mg_uri *u);

/* The vtable members (store.c). */
int ot_mongo__create(void *userdata, const ot_storage_record *rec,
                     const ot_idempotency_record *idem, ot_error *err);
int ot_mongo__commit(void *userdata, int64_t expected_version, const ot_storage_record *rec,
                     const ot_idempotency_record *idem, ot_error *err);
int ot_mongo__load(void *userdata, const char *order_id, ot_order **out, ot_error *err);
int ot_mongo__query(void *userdata, const ot_storage_query *q, ot_storage_emit emit,
                    void *ctx, char *next_cursor, size_t cursor_size, ot_error *err);
int ot_mongo__idem_get(void *userdata, const char *key, int64_t now_ms,
                       ot_idempotency_found found, void *ctx, ot_error *err);
int ot_mongo__idem_put(void *userdata, const ot_idempotency_record *rec, ot_error *err);
/* Archival, storage version 4 (store.c). */
int ot_mongo__archive_remove(void *userdata, const char *const *order_ids,
                             const int64_t *expected_versions, size_t n,
                             const char *archived_to, int *results, ot_error *err);
int ot_mongo__tombstone_get(void *userdata, const char *order_id, char *out, size_t out_size,
                            ot_error *err);
int ot_mongo__restore(void *userdata, const ot_storage_record *rec, ot_error *err);

/* An update of one order's document outside a commit (the outbox harvest's), under the
 * order's write lock where the server's updates are not atomic (store.c). */
int ot_mongo__order_update(struct store *s, const char *order_id, const bson_t *filter,
                           const bson_t *update, ot_error *err);

/* The outbox (outbox.c): whether a record carries events, their documents appended to an
 * array being built (`_ot.outbox` of a create or a commit), and the members. */
int ot_mongo__outbox_has(const ot_storage_record *rec);
void ot_mongo__outbox_append(bson_t *array, const ot_storage_record *rec);
int ot_mongo__outbox_query(void *userdata, const ot_outbox_query *q, ot_event_emit emit,
                           void *ctx, int64_t *next_after, ot_error *err);
int ot_mongo__outbox_mark(void *userdata, const ot_outbox_mark *m, ot_error *err);
int ot_mongo__outbox_prune(void *userdata, const char *const *sinks, size_t n,
                           int64_t before_ms, size_t *removed, ot_error *err);

#endif
