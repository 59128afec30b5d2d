/* Internal to libordertrack-sqlite: the store, its connection pool and the schema. */
#ifndef OT_SQLITE_INTERNAL_H
#define OT_SQLITE_INTERNAL_H

#include <pthread.h>
#include <sqlite3.h>

#include "ordertrack/adapters/sqlite.h"
#include "ordertrack/alloc.h"
#include "cache.h"

/* One connection with its prepared statements, reused through the pool. */
struct conn {
    sqlite3 *db;
    sqlite3_stmt **stmts;   /* indexed by enum stmt_id, prepared lazily */
    struct conn *next;
};

struct store {
    ot_storage vtable;      /* first: the handle the caller holds */
    char *path;
    ot_sqlite_options options;
    pthread_mutex_t lock;   /* guards `idle` */
    struct conn *idle;
    struct cache cache;     /* decoded records (cache.h); its own lock */
};

/* Report `rc` from SQLite (with its message) as an ot_error; returns the OT_E code. */
int ot_sqlite__error(ot_error *err, sqlite3 *db, int rc, const char *what);

/* Open a connection with the store's pragmas. */
int ot_sqlite__conn_open(struct conn **out, const struct store *s, ot_error *err);
void ot_sqlite__conn_close(struct conn *c);
/* Take an idle connection (or open one) / give it back. */
int ot_sqlite__conn_acquire(struct conn **out, struct store *s, ot_error *err);
void ot_sqlite__conn_release(struct store *s, struct conn *c);

/* Bring the schema to OT_SQLITE_SCHEMA_VERSION (in one transaction). */
int ot_sqlite__schema_migrate(sqlite3 *db, ot_error *err);
/* The schema version of a connection's database. */
int ot_sqlite__schema_version(int *version, sqlite3 *db, ot_error *err);

/* The vtable members (store.c). */
int ot_sqlite__create(void *userdata, const ot_storage_record *rec,
                      const ot_idempotency_record *idem, ot_error *err);
int ot_sqlite__commit(void *userdata, int64_t expected_version, const ot_storage_record *rec,
                      const ot_idempotency_record *idem, ot_error *err);
int ot_sqlite__load(void *userdata, const char *order_id, ot_order **out, ot_error *err);
int ot_sqlite__load_head(void *userdata, const char *order_id, ot_order **out, ot_error *err);
int ot_sqlite__query(void *userdata, const ot_storage_query *q, ot_storage_emit emit,
                     void *ctx, char *next_cursor, size_t cursor_size, ot_error *err);
int ot_sqlite__idem_get(void *userdata, const char *key, int64_t now_ms,
                        ot_idempotency_found found, void *ctx, ot_error *err);
int ot_sqlite__idem_put(void *userdata, const ot_idempotency_record *rec, ot_error *err);
void ot_sqlite__adopt(void *userdata, ot_order *order);
/* Archival, storage version 4 (archive.c). */
int ot_sqlite__archive_remove(void *userdata, const char *const *order_ids,
                              const int64_t *expected_versions, size_t n,
                              const char *archived_to, int *results, ot_error *err);
int ot_sqlite__tombstone_get(void *userdata, const char *order_id, char *out, size_t out_size,
                             ot_error *err);
int ot_sqlite__restore(void *userdata, const ot_storage_record *rec, ot_error *err);
/* store.c, for archive.c: the order row's columns ?1..?10; one events row per entry of
 * rec->entries (rec->events_json for a version 2 record) from rec->first_event on. */
void ot_sqlite__bind_record(sqlite3_stmt *st, const ot_storage_record *rec);
int ot_sqlite__insert_events(struct conn *c, const ot_storage_record *rec, ot_error *err);

/* The outbox (outbox.c): the events of a write, inside its transaction; the members. */
int ot_sqlite__outbox_insert(struct conn *c, const ot_storage_record *rec, ot_error *err);
int ot_sqlite__outbox_query(void *userdata, const ot_outbox_query *q, ot_event_emit emit,
                            void *ctx, int64_t *next_after, ot_error *err);
int ot_sqlite__outbox_mark(void *userdata, const ot_outbox_mark *m, ot_error *err);
int ot_sqlite__outbox_prune(void *userdata, const char *const *sinks, size_t n,
                            int64_t before_ms, size_t *removed, ot_error *err);
/* Run a statement that returns no row; 0 or the OT_E code (store.c). */
int ot_sqlite__run(struct conn *c, sqlite3_stmt *st, const char *what, ot_error *err);

/* Test hook: the SQL of migration `version` (to build an older database); not exported. */
const char *ot_sqlite__migration_sql(int version);

/* The statements of the store, by id; SQL text in store.c. */
enum stmt_id {
    ST_BEGIN,
    ST_COMMIT,
    ST_ROLLBACK,
    ST_INSERT_ORDER,
    ST_UPDATE_ORDER,
    ST_ORDER_VERSION,
    ST_LOAD_HEAD,
    ST_LOAD,
    ST_HISTORY,
    ST_INSERT_EVENT,
    ST_KEY_LIVE,
    ST_KEY_GET,
    ST_KEY_PURGE,
    ST_KEY_INSERT,
    ST_OUTBOX_INSERT,
    ST_OUTBOX_QUERY,
    ST_OUTBOX_MARK,
    ST_OUTBOX_PRUNE,
    ST_OUTBOX_PRUNE_STATES,
    ST_COUNT
};

/* The prepared statement `id` of `c`, reset and unbound; NULL with `err` filled. */
sqlite3_stmt *ot_sqlite__conn_stmt(struct conn *c, enum stmt_id id, ot_error *err);

#endif
