/* Archival members of the storage vtable (version 4): delete a record into a tombstone, read
 * a tombstone, put a record back. The tombstones live in table `archived`, created by the
 * first archive_remove (CREATE TABLE IF NOT EXISTS, inside its transaction): a store that
 * never archived has no such table, and its lookups answer "no tombstone". */
#include <stdio.h>
#include <string.h>

#include "sqlite_internal.h"

static const char create_sql[] =
    "CREATE TABLE IF NOT EXISTS archived ("
    "  order_id TEXT PRIMARY KEY,"
    "  archived_to TEXT NOT NULL) WITHOUT ROWID";

/* 1 when `db` has the table `archived`, 0 if not, or a negative code. */
static int has_table(sqlite3 *db, ot_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db,
                                "SELECT 1 FROM sqlite_schema WHERE type = 'table'"
                                " AND name = 'archived'", -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW)
        return 1;
    return rc == SQLITE_DONE ? 0 : ot_sqlite__error(err, db, rc, "looking for tombstones");
}

/* Prepare, bind texts ?1.. from `texts` (n of them, NULL binds NULL), step once: 0 with
 * *changes, or the OT_E code. For the few statements of this file (not in the hot path). */
static int exec_texts(sqlite3 *db, const char *sql, const char *const *texts, int n,
                      int64_t int_param, int *changes, const char *what, ot_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (rc == SQLITE_OK) {
        for (int i = 0; i < n; i++)
            sqlite3_bind_text(st, i + 1, texts[i], -1, SQLITE_STATIC);
        if (sqlite3_bind_parameter_count(st) > n)
            sqlite3_bind_int64(st, n + 1, int_param);
        rc = sqlite3_step(st);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return ot_sqlite__error(err, db, rc, what);
    if (changes)
        *changes = sqlite3_changes(db);
    return 0;
}

/* One order of a batch, inside the transaction: 0, OT_ENOTFOUND or OT_ECONFLICT as its
 * result, or a negative OT_ESTORAGE that fails the batch (returned through *failed). */
static int tx_remove(sqlite3 *db, const char *order_id, int64_t expected,
                     const char *archived_to, int *failed, ot_error *err)
{
    const char *const id[1] = {order_id};
    const char *const both[2] = {order_id, archived_to};
    sqlite3_stmt *st = NULL;
    int rc, changes = 0;

    if ((rc = exec_texts(db, "DELETE FROM orders WHERE order_id = ?1 AND version = ?2", id, 1,
                         expected, &changes, "deleting an archived order", err)) != 0)
        return *failed = rc;
    if (changes == 0) {
        rc = sqlite3_prepare_v2(db, "SELECT 1 FROM orders WHERE order_id = ?1", -1, &st, NULL);
        if (rc == SQLITE_OK) {
            sqlite3_bind_text(st, 1, order_id, -1, SQLITE_STATIC);
            rc = sqlite3_step(st);
        }
        sqlite3_finalize(st);
        if (rc == SQLITE_ROW)
            return OT_ECONFLICT;
        if (rc == SQLITE_DONE)
            return OT_ENOTFOUND;
        return *failed = ot_sqlite__error(err, db, rc, "reading the stored version");
    }
    if ((rc = exec_texts(db, "DELETE FROM events WHERE order_id = ?1", id, 1, 0, NULL,
                         "deleting an archived order's events", err)) != 0 ||
        (rc = exec_texts(db,
                         "INSERT INTO archived (order_id, archived_to) VALUES (?1, ?2)"
                         " ON CONFLICT (order_id) DO UPDATE SET archived_to ="
                         " excluded.archived_to", both, 2, 0, NULL, "storing a tombstone",
                         err)) != 0)
        return *failed = rc;
    return 0;
}

/* Run body(db, ...) inside BEGIN IMMEDIATE .. COMMIT on a pooled connection. */
static int in_tx(struct store *s, int (*body)(struct conn *, const void *, ot_error *),
                 const void *arg, ot_error *err)
{
    struct conn *c;
    int rc;
    if ((rc = ot_sqlite__conn_acquire(&c, s, err)) != 0)
        return rc;
    rc = sqlite3_exec(c->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        rc = ot_sqlite__error(err, c->db, rc, "starting a transaction");
    } else {
        rc = body(c, arg, err);
        if (rc == 0 && (rc = sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL)) != SQLITE_OK)
            rc = ot_sqlite__error(err, c->db, rc, "committing");
        if (rc != 0 && !sqlite3_get_autocommit(c->db))
            sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
    }
    ot_sqlite__conn_release(s, c);
    return rc;
}

struct remove_args {
    const char *const *order_ids;
    const int64_t *expected;
    size_t n;
    const char *archived_to;
    int *results;
};

static int remove_body(struct conn *c, const void *arg, ot_error *err)
{
    const struct remove_args *a = arg;
    int failed = 0, rc;
    if ((rc = sqlite3_exec(c->db, create_sql, NULL, NULL, NULL)) != SQLITE_OK)
        return ot_sqlite__error(err, c->db, rc, "creating the tombstone table");
    for (size_t i = 0; i < a->n && !failed; i++)
        a->results[i] = tx_remove(c->db, a->order_ids[i], a->expected[i], a->archived_to,
                                  &failed, err);
    return failed;
}

int ot_sqlite__archive_remove(void *userdata, const char *const *order_ids,
                              const int64_t *expected_versions, size_t n,
                              const char *archived_to, int *results, ot_error *err)
{
    struct store *s = userdata;
    struct remove_args a = {order_ids, expected_versions, n, archived_to, results};
    int rc;

    if ((rc = ot_storage_archive_check(order_ids, expected_versions, n, archived_to, results,
                                       err)) != 0)
        return rc;
    rc = in_tx(s, remove_body, &a, err);
    for (size_t i = 0; i < n; i++)
        ot_sqlite__cache_forget(&s->cache, order_ids[i]);
    return rc;
}

int ot_sqlite__tombstone_get(void *userdata, const char *order_id, char *out, size_t out_size,
                             ot_error *err)
{
    struct store *s = userdata;
    sqlite3_stmt *st = NULL;
    struct conn *c;
    int rc;

    if (!order_id || !out || out_size == 0)
        return ot_error_setf(err, OT_EINVAL, order_id ? "out" : "order_id",
                             "argument is NULL or empty");
    if ((rc = ot_sqlite__conn_acquire(&c, s, err)) != 0)
        return rc;
    if ((rc = has_table(c->db, err)) == 1) {
        rc = sqlite3_prepare_v2(c->db, "SELECT archived_to FROM archived WHERE order_id = ?1",
                                -1, &st, NULL);
        if (rc == SQLITE_OK) {
            sqlite3_bind_text(st, 1, order_id, -1, SQLITE_STATIC);
            rc = sqlite3_step(st);
        }
        if (rc == SQLITE_ROW) {
            snprintf(out, out_size, "%s", (const char *)sqlite3_column_text(st, 0));
            rc = 0;
        } else {
            rc = rc == SQLITE_DONE ? 1 : ot_sqlite__error(err, c->db, rc, "reading a tombstone");
        }
        sqlite3_finalize(st);
    } else if (rc == 0) {
        rc = 1;
    }
    ot_sqlite__conn_release(s, c);
    return rc == 1 ? ot_error_setf(err, OT_ENOTFOUND, "order_id",
                                   "order %.64s has no tombstone", order_id)
                   : rc;
}

static int restore_body(struct conn *c, const void *arg, ot_error *err)
{
    const ot_storage_record *rec = arg;
    const char *const id[1] = {rec->order_id};
    sqlite3_stmt *st = NULL;
    int rc;

    rc = sqlite3_prepare_v2(c->db,
                            "INSERT INTO orders (order_id, store_id, customer_id, current_status,"
                            " shipment_status, delivery_provider, delivery_tracking_id,"
                            " updated_at, version, record)"
                            " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
                            " ON CONFLICT (order_id) DO NOTHING", -1, &st, NULL);
    if (rc == SQLITE_OK) {
        ot_sqlite__bind_record(st, rec);
        rc = sqlite3_step(st);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return ot_sqlite__error(err, c->db, rc, "restoring an order");
    if (sqlite3_changes(c->db) == 0)
        return ot_error_setf(err, OT_EEXISTS, "order_id", "order %.64s already exists",
                             rec->order_id);
    if ((rc = ot_sqlite__insert_events(c, rec, err)) != 0 || (rc = has_table(c->db, err)) != 1)
        return rc < 0 ? rc : 0;
    return exec_texts(c->db, "DELETE FROM archived WHERE order_id = ?1", id, 1, 0, NULL,
                      "dropping a tombstone", err);
}

int ot_sqlite__restore(void *userdata, const ot_storage_record *rec, ot_error *err)
{
    struct store *s = userdata;
    int rc;
    if ((rc = ot_storage_record_check(rec, err)) != 0)
        return rc;
    rc = in_tx(s, restore_body, rec, err);
    ot_sqlite__cache_forget(&s->cache, rec->order_id);
    return rc;
}
