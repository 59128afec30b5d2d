/* The schema and its forward migrations, as data: migration N brings version N-1 to N. */
#include <stddef.h>
#include <stdio.h>

#include "sqlite_internal.h"

static const char *const migrations[OT_SQLITE_SCHEMA_VERSION + 1] = {
    [1] =
        "CREATE TABLE orders ("
        "  order_id TEXT PRIMARY KEY,"
        "  store_id TEXT NOT NULL,"
        "  customer_id TEXT NOT NULL,"
        "  current_status INTEGER NOT NULL,"
        "  shipment_status INTEGER NOT NULL DEFAULT 0,"
        "  delivery_provider INTEGER NOT NULL,"
        "  delivery_tracking_id TEXT,"
        "  updated_at INTEGER NOT NULL,"
        "  version INTEGER NOT NULL,"
        "  record TEXT NOT NULL);"
        "CREATE INDEX orders_store ON orders(store_id);"
        "CREATE INDEX orders_customer ON orders(customer_id);"
        "CREATE INDEX orders_status ON orders(current_status);"
        "CREATE INDEX orders_shipment ON orders(shipment_status);"
        "CREATE INDEX orders_provider ON orders(delivery_provider);"
        "CREATE INDEX orders_updated ON orders(updated_at);"
        "CREATE TABLE idempotency ("
        "  key TEXT PRIMARY KEY,"
        "  request_hash TEXT NOT NULL,"
        "  response BLOB NOT NULL,"
        "  created_at INTEGER NOT NULL,"
        "  expires_at INTEGER NOT NULL);"
        "CREATE INDEX idempotency_expiry ON idempotency(expires_at);",
    /* 2: history events get their own table (backfilled from the records), and the
     * lookups of a courier poll (provider + shipment status, AWB) their indexes. */
    [2] =
        "CREATE TABLE events ("
        "  order_id TEXT NOT NULL,"
        "  seq INTEGER NOT NULL,"
        "  entry TEXT NOT NULL,"
        "  PRIMARY KEY (order_id, seq)) WITHOUT ROWID;"
        "INSERT INTO events (order_id, seq, entry)"
        "  SELECT o.order_id, h.key, h.value"
        "  FROM orders AS o, json_each(o.record, '$.status_history') AS h;"
        "CREATE INDEX orders_poll ON orders(delivery_provider, shipment_status);"
        "CREATE INDEX orders_tracking ON orders(delivery_tracking_id);",
    /* 3: the transactional outbox (docs/events.md): events written in the transaction of
     * their commit, and their delivery state per sink. */
    [3] =
        "CREATE TABLE ot_outbox ("
        "  position INTEGER PRIMARY KEY AUTOINCREMENT,"
        "  event_id TEXT NOT NULL UNIQUE,"
        "  order_id TEXT NOT NULL,"
        "  store_id TEXT NOT NULL,"
        "  sequence INTEGER NOT NULL,"
        "  type INTEGER NOT NULL,"
        "  time_ms INTEGER NOT NULL,"
        "  event TEXT NOT NULL);"
        "CREATE INDEX ot_outbox_order ON ot_outbox(order_id);"
        "CREATE TABLE ot_outbox_delivery ("
        "  sink TEXT NOT NULL,"
        "  position INTEGER NOT NULL,"
        "  state INTEGER NOT NULL,"
        "  attempts INTEGER NOT NULL,"
        "  next_attempt_ms INTEGER NOT NULL,"
        "  last_error TEXT,"
        "  PRIMARY KEY (sink, position)) WITHOUT ROWID;",
    /* 4, from the previous schema: the history out of the record (storage port version 5).
     * Every entry a record holds is in the events table (kept since 2; the backfill only
     * adds what a file lacks), and each record keeps its chain head alone: a commit writes
     * the projection and its new entries, whatever the history's length. */
    [4] =
        "INSERT OR IGNORE INTO events (order_id, seq, entry)"
        "  SELECT o.order_id, h.key, h.value"
        "  FROM orders AS o, json_each(o.record, '$.status_history') AS h;"
        "UPDATE orders SET record = json_set(record, '$.status_history',"
        "  json('[' || json_extract(record, '$.status_history[#-1]') || ']'))"
        "  WHERE json_array_length(record, '$.status_history') > 1;",
    /* 5: the pages of a list by store (and status) and of a sweep by status come in
     * order_id order straight from an index, without sorting every order of the store or
     * the status (issue 23: flat as the store grows, BENCHMARKS.md "Scale"). Safe on a file
     * that has them already (one whose user_version was set back by hand). */
    [5] =
        "DROP INDEX IF EXISTS orders_store;"
        "CREATE INDEX orders_store ON orders(store_id, order_id);"
        "CREATE INDEX IF NOT EXISTS orders_store_status"
        "  ON orders(store_id, current_status, order_id);"
        "DROP INDEX IF EXISTS orders_status;"
        "CREATE INDEX orders_status ON orders(current_status, order_id);"
        /* the poller's pages: the active shipments of a provider in order_id order. The IN
         * list is the one query_sql writes for shipment_active (the non-terminal statuses);
         * SQLite uses a partial index only for a query with that same term */
        "CREATE INDEX IF NOT EXISTS orders_poll_active ON orders(delivery_provider, order_id)"
        "  WHERE shipment_status IN (1,2,3,5,6,7);",
};

int ot_sqlite__schema_version(int *version, sqlite3 *db, ot_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        *version = sqlite3_column_int(st, 0);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_OK ? 0 : ot_sqlite__error(err, db, rc, "reading the schema version");
}

int ot_sqlite__schema_migrate(sqlite3 *db, ot_error *err)
{
    char sql[64];
    int version = 0, rc, v;

    if ((rc = ot_sqlite__schema_version(&version, db, err)) != 0)
        return rc;
    if (version == OT_SQLITE_SCHEMA_VERSION)
        return 0;
    /* Another process may migrate at the same moment: decide inside the write lock. */
    if ((rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL)) != SQLITE_OK)
        return ot_sqlite__error(err, db, rc, "locking the database to migrate its schema");
    if ((rc = ot_sqlite__schema_version(&version, db, err)) != 0)
        goto fail;
    if (version > OT_SQLITE_SCHEMA_VERSION) {
        rc = ot_error_setf(err, OT_EVERSION, "schema",
                           "database schema version %d is newer than this library's (%d)",
                           version, OT_SQLITE_SCHEMA_VERSION);
        goto fail;
    }
    for (v = version + 1; v <= OT_SQLITE_SCHEMA_VERSION; v++) {
        if ((rc = sqlite3_exec(db, migrations[v], NULL, NULL, NULL)) != SQLITE_OK) {
            rc = ot_sqlite__error(err, db, rc, "migrating the schema");
            goto fail;
        }
    }
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d", OT_SQLITE_SCHEMA_VERSION);
    if ((rc = sqlite3_exec(db, sql, NULL, NULL, NULL)) != SQLITE_OK ||
        (rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL)) != SQLITE_OK) {
        rc = ot_sqlite__error(err, db, rc, "recording the schema version");
        goto fail;
    }
    return 0;
fail:
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

const char *ot_sqlite__migration_sql(int version)
{
    return version >= 1 && version <= OT_SQLITE_SCHEMA_VERSION ? migrations[version] : NULL;
}
