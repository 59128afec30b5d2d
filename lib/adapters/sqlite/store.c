/* The storage vtable over SQLite: one transaction per write, compare-and-set on version. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ordertrack/status.h"
#include "sqlite_internal.h"

static const char *const stmt_sql[ST_COUNT] = {
    [ST_BEGIN] = "BEGIN IMMEDIATE",
    [ST_COMMIT] = "COMMIT",
    [ST_ROLLBACK] = "ROLLBACK",
    [ST_INSERT_ORDER] =
        "INSERT INTO orders (order_id, store_id, customer_id, current_status, shipment_status,"
        " delivery_provider, delivery_tracking_id, updated_at, version, record)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
        " ON CONFLICT (order_id) DO NOTHING",
    [ST_UPDATE_ORDER] =
        "UPDATE orders SET store_id = ?2, customer_id = ?3, current_status = ?4,"
        " shipment_status = ?5, delivery_provider = ?6, delivery_tracking_id = ?7,"
        " updated_at = ?8, version = ?9, record = ?10 WHERE order_id = ?1 AND version = ?11",
    [ST_ORDER_VERSION] = "SELECT version FROM orders WHERE order_id = ?1",
    [ST_LOAD_HEAD] = "SELECT version, updated_at FROM orders WHERE order_id = ?1",
    [ST_LOAD] = "SELECT version, updated_at, record FROM orders WHERE order_id = ?1",
    [ST_HISTORY] = "SELECT entry FROM events WHERE order_id = ?1 ORDER BY seq",
    [ST_INSERT_EVENT] =
        "INSERT INTO events (order_id, seq, entry) VALUES (?1, ?2, ?3)"
        " ON CONFLICT (order_id, seq) DO UPDATE SET entry = excluded.entry",
    [ST_KEY_LIVE] = "SELECT 1 FROM idempotency WHERE key = ?1 AND expires_at > ?2",
    [ST_KEY_GET] =
        "SELECT request_hash, response, created_at, expires_at FROM idempotency"
        " WHERE key = ?1 AND expires_at > ?2",
    [ST_KEY_PURGE] = "DELETE FROM idempotency WHERE expires_at <= ?1",
    [ST_KEY_INSERT] =
        "INSERT INTO idempotency (key, request_hash, response, created_at, expires_at)"
        " VALUES (?1, ?2, ?3, ?4, ?5)",
    [ST_OUTBOX_INSERT] =
        "INSERT INTO ot_outbox (event_id, order_id, store_id, sequence, type, time_ms, event)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    /* ?1 sink (NULL: no state), ?2 after, ?3 order_id, ?4 store_id, ?5 state, ?6 limit */
    [ST_OUTBOX_QUERY] =
        "SELECT o.position, o.event_id, o.order_id, o.store_id, o.sequence, o.type,"
        " o.time_ms, o.event, d.state, d.attempts, d.next_attempt_ms, d.last_error"
        " FROM ot_outbox AS o LEFT JOIN ot_outbox_delivery AS d"
        " ON d.sink = ?1 AND d.position = o.position"
        " WHERE o.position > ?2 AND (?3 IS NULL OR o.order_id = ?3)"
        " AND (?4 IS NULL OR o.store_id = ?4) AND (?5 = 0 OR coalesce(d.state, 1) = ?5)"
        " ORDER BY o.position LIMIT ?6",
    /* ?1 sink, ?2 position, ?3 state, ?4 attempts, ?5 next, ?6 last_error, ?7 required */
    [ST_OUTBOX_MARK] =
        "INSERT INTO ot_outbox_delivery"
        " (sink, position, state, attempts, next_attempt_ms, last_error)"
        " SELECT ?1, ?2, ?3, ?4, ?5, ?6"
        " WHERE EXISTS (SELECT 1 FROM ot_outbox WHERE position = ?2)"
        " AND (?7 = 0 OR coalesce((SELECT state FROM ot_outbox_delivery"
        "  WHERE sink = ?1 AND position = ?2), 1) = ?7)"
        " ON CONFLICT (sink, position) DO UPDATE SET state = excluded.state,"
        " attempts = excluded.attempts, next_attempt_ms = excluded.next_attempt_ms,"
        " last_error = excluded.last_error",
    /* ?1 before_ms, ?2 JSON array of sink names, ?3 their count */
    [ST_OUTBOX_PRUNE] =
        "DELETE FROM ot_outbox WHERE time_ms < ?1 AND (SELECT count(*) FROM ot_outbox_delivery"
        " AS d WHERE d.position = ot_outbox.position AND d.state = 2"
        " AND d.sink IN (SELECT value FROM json_each(?2))) = ?3",
    [ST_OUTBOX_PRUNE_STATES] =
        "DELETE FROM ot_outbox_delivery WHERE NOT EXISTS"
        " (SELECT 1 FROM ot_outbox AS o WHERE o.position = ot_outbox_delivery.position)",
};

sqlite3_stmt *ot_sqlite__conn_stmt(struct conn *c, enum stmt_id id, ot_error *err)
{
    sqlite3_stmt *st = c->stmts[id];
    int rc;
    if (st) {
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
        return st;
    }
    rc = sqlite3_prepare_v3(c->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
    if (rc != SQLITE_OK) {
        ot_sqlite__error(err, c->db, rc, "preparing a statement");
        return NULL;
    }
    return c->stmts[id] = st;
}

int ot_sqlite__run(struct conn *c, sqlite3_stmt *st, const char *what, ot_error *err)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : ot_sqlite__error(err, c->db, rc, what);
}

static int run(struct conn *c, sqlite3_stmt *st, const char *what, ot_error *err)
{
    return ot_sqlite__run(c, st, what, err);
}

static int exec_id(struct conn *c, enum stmt_id id, const char *what, ot_error *err)
{
    sqlite3_stmt *st = ot_sqlite__conn_stmt(c, id, err);
    return st ? run(c, st, what, err) : OT_ESTORAGE;
}

static void rollback(struct conn *c)
{
    sqlite3_stmt *st = ot_sqlite__conn_stmt(c, ST_ROLLBACK, NULL);
    if (st)
        run(c, st, "rolling back", NULL);
    if (!sqlite3_get_autocommit(c->db))
        sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
}

/* The order row columns ?1..?10 of INSERT and UPDATE. */
void ot_sqlite__bind_record(sqlite3_stmt *st, const ot_storage_record *rec)
{
    sqlite3_bind_text(st, 1, rec->order_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, rec->store_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, rec->customer_id, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, rec->current_status);
    sqlite3_bind_int(st, 5, rec->shipment_status);
    sqlite3_bind_int(st, 6, rec->delivery_provider);
    if (rec->delivery_tracking_id)
        sqlite3_bind_text(st, 7, rec->delivery_tracking_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 8, rec->updated_at_ms);
    sqlite3_bind_int64(st, 9, rec->record_version);
    sqlite3_bind_text(st, 10, rec->json, (int)rec->json_len, SQLITE_STATIC);
}

static int is_space(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

/* The next element of the JSON array text [*p, end) (after its '[' or a ','): 1 with the
 * element's bytes, 0 at the closing ']', or -1 when the text is not an array of values. A
 * scan of brackets and strings only: the elements stay as the encoder wrote them. */
static int array_next(const char **p, const char *end, const char **elem, size_t *len)
{
    const char *q = *p, *start;
    int depth = 0, in_string = 0;

    while (q < end && is_space(*q))
        q++;
    if (q < end && *q == ']')
        return 0;
    start = q;
    for (; q < end; q++) {
        char ch = *q;
        if (in_string) {
            if (ch == '\\')
                q++;
            else if (ch == '"')
                in_string = 0;
        } else if (ch == '"') {
            in_string = 1;
        } else if (ch == '{' || ch == '[') {
            depth++;
        } else if (ch == '}' || ch == ']') {
            if (depth == 0)
                break;
            depth--;
        } else if (ch == ',' && depth == 0) {
            break;
        }
    }
    if (q >= end || in_string || q == start)
        return -1;
    *elem = start;
    *len = (size_t)(q - start);
    while (*len && is_space(start[*len - 1]))
        (*len)--;
    *p = *q == ',' ? q + 1 : q;
    return 1;
}

/* One events row. */
static int insert_event(struct conn *c, const char *order_id, int64_t seq, const char *entry,
                        size_t len, ot_error *err)
{
    sqlite3_stmt *st = ot_sqlite__conn_stmt(c, ST_INSERT_EVENT, err);
    if (!st)
        return OT_ESTORAGE;
    sqlite3_bind_text(st, 1, order_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)seq);
    sqlite3_bind_text(st, 3, entry, (int)len, SQLITE_STATIC);
    return run(c, st, "appending history events", err);
}

/* One row per new history entry, its text as the record's encoder wrote it (bound as is:
 * no JSON parsing or re-rendering in SQLite): the elements of events_json when a caller
 * encoded it (ot_storage_record_init), else the entries array of a version 3 record (the
 * tracker's, without a scan). */
int ot_sqlite__insert_events(struct conn *c, const ot_storage_record *rec, ot_error *err)
{
    const char *p, *end, *elem;
    size_t len, seq = rec->first_event, i;
    int more, rc;

    if (rec->version >= 3 && !rec->events_json) { /* events_json, when given, is the same */
        for (i = 0; i < rec->entry_count; i++)
            if ((rc = insert_event(c, rec->order_id, rec->entries[i].seq, rec->entries[i].json,
                                   rec->entries[i].json_len, err)) != 0)
                return rc;
        return 0;
    }
    if (!rec->events_json || rec->events_json_len == 0)
        return 0;
    p = rec->events_json;
    end = p + rec->events_json_len;
    while (p < end && is_space(*p))
        p++;
    if (p == end || *p++ != '[')
        return ot_error_setf(err, OT_EINVAL, "events_json", "events_json is not a JSON array");
    while ((more = array_next(&p, end, &elem, &len)) == 1)
        if ((rc = insert_event(c, rec->order_id, (int64_t)seq++, elem, len, err)) != 0)
            return rc;
    return more < 0 ? ot_error_setf(err, OT_EINVAL, "events_json",
                                      "events_json is not a JSON array")
                    : 0;
}

/* 1 if a live key `key` exists at `now`, 0 if not, or a negative code. */
static int key_live(struct conn *c, const char *key, int64_t now, ot_error *err)
{
    sqlite3_stmt *st = ot_sqlite__conn_stmt(c, ST_KEY_LIVE, err);
    int rc;
    if (!st)
        return OT_ESTORAGE;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc == SQLITE_ROW)
        return 1;
    return rc == SQLITE_DONE ? 0 : ot_sqlite__error(err, c->db, rc, "looking up a key");
}

/* Forget expired keys, then store `idem`. Inside a transaction. */
static int key_store(struct conn *c, const ot_idempotency_record *idem, ot_error *err)
{
    sqlite3_stmt *st;
    int rc;
    if (!(st = ot_sqlite__conn_stmt(c, ST_KEY_PURGE, err)))
        return OT_ESTORAGE;
    sqlite3_bind_int64(st, 1, idem->created_at_ms);
    if ((rc = run(c, st, "forgetting expired keys", err)) != 0)
        return rc;
    if (!(st = ot_sqlite__conn_stmt(c, ST_KEY_INSERT, err)))
        return OT_ESTORAGE;
    sqlite3_bind_text(st, 1, idem->key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, idem->request_hash, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 3, idem->response ? idem->response : "", (int)idem->response_len,
                      SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, idem->created_at_ms);
    sqlite3_bind_int64(st, 5, idem->expires_at_ms);
    return run(c, st, "storing an idempotency key", err);
}

/* The body of create / commit, inside BEGIN IMMEDIATE. */
static int write_tx(struct conn *c, int create, int64_t expected,
                    const ot_storage_record *rec, const ot_idempotency_record *idem,
                    ot_error *err)
{
    sqlite3_stmt *st;
    int rc;

    if (idem) {
        if ((rc = key_live(c, idem->key, idem->created_at_ms, err)) < 0)
            return rc;
        if (rc == 1)
            return ot_error_setf(err, OT_ECONFLICT, "idempotency_key",
                                 "idempotency key is already in use");
    }
    if (!(st = ot_sqlite__conn_stmt(c, create ? ST_INSERT_ORDER : ST_UPDATE_ORDER, err)))
        return OT_ESTORAGE;
    ot_sqlite__bind_record(st, rec);
    if (!create)
        sqlite3_bind_int64(st, 11, expected);
    if ((rc = run(c, st, create ? "inserting the order" : "updating the order", err)) != 0)
        return rc;
    if (sqlite3_changes(c->db) == 0) {
        if (create)
            return ot_error_setf(err, OT_EEXISTS, "order_id", "order %.64s already exists",
                                 rec->order_id);
        if (!(st = ot_sqlite__conn_stmt(c, ST_ORDER_VERSION, err)))
            return OT_ESTORAGE;
        sqlite3_bind_text(st, 1, rec->order_id, -1, SQLITE_STATIC);
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW)
            rc = ot_error_setf(err, OT_ECONFLICT, "version",
                               "order %.64s is at version %lld, not %lld", rec->order_id,
                               (long long)sqlite3_column_int64(st, 0), (long long)expected);
        else if (rc == SQLITE_DONE)
            rc = ot_error_setf(err, OT_ENOTFOUND, "order_id", "no order %.64s", rec->order_id);
        else
            rc = ot_sqlite__error(err, c->db, rc, "reading the stored version");
        sqlite3_reset(st);
        return rc;
    }
    if ((rc = ot_sqlite__insert_events(c, rec, err)) != 0 ||
        (rc = ot_sqlite__outbox_insert(c, rec, err)) != 0)
        return rc;
    return idem ? key_store(c, idem, err) : 0;
}

static int write_record(struct store *s, int create, int64_t expected,
                        const ot_storage_record *rec, const ot_idempotency_record *idem,
                        ot_error *err)
{
    struct conn *c;
    int rc;

    if ((rc = ot_storage_record_check(rec, err)) || (rc = ot_idempotency_record_check(idem, err)))
        return rc;
    if ((rc = ot_sqlite__conn_acquire(&c, s, err)) != 0)
        return rc;
    if ((rc = exec_id(c, ST_BEGIN, "starting a transaction", err)) == 0) {
        rc = write_tx(c, create, expected, rec, idem, err);
        if (rc == 0)
            rc = exec_id(c, ST_COMMIT, "committing", err);
        if (rc != 0)
            rollback(c);
    }
    ot_sqlite__conn_release(s, c);
    /* Whatever the cache held for the order is an older version now (or the write failed):
     * the tracker hands the record it wrote to ot_sqlite__adopt. */
    ot_sqlite__cache_forget(&s->cache, rec->order_id);
    return rc;
}

void ot_sqlite__adopt(void *userdata, ot_order *order)
{
    struct store *s = userdata;
    const char *id = order ? ot_order_order_id(order) : NULL;
    int64_t updated_at = 0;
    if (!id || ot_order_time(&updated_at, order, OT_TIME_UPDATED, NULL) != 0) {
        ot_order_free(order);
        return;
    }
    /* as a load's: a newer entry (another thread's later commit) is kept */
    ot_sqlite__cache_keep(&s->cache, id, order, ot_order_version(order), updated_at, 0);
}

int ot_sqlite__create(void *userdata, const ot_storage_record *rec,
                     const ot_idempotency_record *idem, ot_error *err)
{
    return write_record(userdata, 1, 0, rec, idem, err);
}

int ot_sqlite__commit(void *userdata, int64_t expected_version, const ot_storage_record *rec,
                     const ot_idempotency_record *idem, ot_error *err)
{
    return write_record(userdata, 0, expected_version, rec, idem, err);
}

/* A cache hit for the row of `order_id`: 1 with `*out` set, 0 on a miss, OT_ENOTFOUND when
 * there is no row, or another negative code. Reads the row's version and updated_at only. */
static int load_cached(struct store *s, struct conn *c, const char *order_id, ot_order **out,
                       ot_error *err)
{
    sqlite3_stmt *st = ot_sqlite__conn_stmt(c, ST_LOAD_HEAD, err);
    int64_t version, updated_at;
    int rc;

    if (!st)
        return OT_ESTORAGE;
    sqlite3_bind_text(st, 1, order_id, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        rc = rc == SQLITE_DONE ? ot_error_setf(err, OT_ENOTFOUND, "order_id", "no order %.64s",
                                               order_id)
                               : ot_sqlite__error(err, c->db, rc, "loading an order");
        sqlite3_reset(st);
        return rc;
    }
    version = sqlite3_column_int64(st, 0);
    updated_at = sqlite3_column_int64(st, 1);
    sqlite3_reset(st);
    return ot_sqlite__cache_get(&s->cache, order_id, version, updated_at, 1, out, err);
}

/* Decode the record text `json` of `order_id` whole: its history read back from the events
 * table (ot_order_from_stored). */
static int decode_whole(struct conn *c, const char *order_id, const char *json, size_t len,
                        ot_order **out, ot_error *err)
{
    sqlite3_stmt *st = ot_sqlite__conn_stmt(c, ST_HISTORY, err);
    char *buf = NULL, *grown;
    size_t n = 1, cap = 0;
    int rc, step;

    if (!st)
        return OT_ESTORAGE;
    sqlite3_bind_text(st, 1, order_id, -1, SQLITE_STATIC);
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *e = (const char *)sqlite3_column_text(st, 0);
        size_t elen = (size_t)sqlite3_column_bytes(st, 0);
        if (n + elen + 2 > cap) {
            cap = (n + elen + 2) * 2;
            if (!(grown = ot_realloc(buf, cap))) {
                ot_free(buf);
                sqlite3_reset(st);
                return ot_error_setf(err, OT_ENOMEM, NULL, "out of memory reading history");
            }
            buf = grown;
        }
        buf[n - 1] = n == 1 ? '[' : ',';
        memcpy(buf + n, e ? e : "", elen);
        n += elen + 1;
    }
    sqlite3_reset(st);
    if (step != SQLITE_DONE) {
        ot_free(buf);
        return ot_sqlite__error(err, c->db, step, "reading history");
    }
    if (!buf) /* a record without events rows: the record's own history */
        return ot_order_from_json(out, json, len, err);
    buf[n - 1] = ']';
    rc = ot_order_from_stored(out, json, len, buf, n, err);
    ot_free(buf);
    return rc;
}

int ot_sqlite__load_head(void *userdata, const char *order_id, ot_order **out, ot_error *err)
{
    struct store *s = userdata;
    struct conn *c;
    sqlite3_stmt *st;
    int rc;

    if (!out || !order_id)
        return ot_error_setf(err, OT_EINVAL, out ? "order_id" : "out", "argument is NULL");
    *out = NULL;
    if ((rc = ot_sqlite__conn_acquire(&c, s, err)) != 0)
        return rc;
    if (!(st = ot_sqlite__conn_stmt(c, ST_LOAD, err))) {
        ot_sqlite__conn_release(s, c);
        return OT_ESTORAGE;
    }
    sqlite3_bind_text(st, 1, order_id, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        rc = ot_order_from_json(out, (const char *)sqlite3_column_text(st, 2),
                                (size_t)sqlite3_column_bytes(st, 2), err);
    else if (rc == SQLITE_DONE)
        rc = ot_error_setf(err, OT_ENOTFOUND, "order_id", "no order %.64s", order_id);
    else
        rc = ot_sqlite__error(err, c->db, rc, "loading an order");
    sqlite3_reset(st);
    ot_sqlite__conn_release(s, c);
    return rc;
}

int ot_sqlite__load(void *userdata, const char *order_id, ot_order **out, ot_error *err)
{
    struct store *s = userdata;
    struct conn *c;
    sqlite3_stmt *st;
    int64_t version = 0, updated_at = 0;
    int rc;

    if (!out || !order_id)
        return ot_error_setf(err, OT_EINVAL, out ? "order_id" : "out", "argument is NULL");
    *out = NULL;
    if ((rc = ot_sqlite__conn_acquire(&c, s, err)) != 0)
        return rc;
    if (ot_sqlite__cache_enabled(&s->cache)) {
        /* The row's version and updated_at first: a cached record with both is current
         * (every write advances the version), and the record text is not read at all. */
        rc = load_cached(s, c, order_id, out, err);
        if (rc != 0) {
            ot_sqlite__conn_release(s, c);
            if (rc == OT_ENOTFOUND)
                ot_sqlite__cache_forget(&s->cache, order_id);
            return rc > 0 ? 0 : rc;
        }
    }
    /* A miss: the row again, whole (it may have moved on since), decoded. */
    if (!(st = ot_sqlite__conn_stmt(c, ST_LOAD, err))) {
        ot_sqlite__conn_release(s, c);
        return OT_ESTORAGE;
    }
    sqlite3_bind_text(st, 1, order_id, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        version = sqlite3_column_int64(st, 0);
        updated_at = sqlite3_column_int64(st, 1);
        rc = decode_whole(c, order_id, (const char *)sqlite3_column_text(st, 2),
                          (size_t)sqlite3_column_bytes(st, 2), out, err);
    } else if (rc == SQLITE_DONE) {
        rc = ot_error_setf(err, OT_ENOTFOUND, "order_id", "no order %.64s", order_id);
    } else {
        rc = ot_sqlite__error(err, c->db, rc, "loading an order");
    }
    sqlite3_reset(st);
    ot_sqlite__conn_release(s, c);
    if (rc == 0)
        ot_sqlite__cache_put(&s->cache, order_id, *out, version, updated_at, 0);
    else if (rc == OT_ENOTFOUND)
        ot_sqlite__cache_forget(&s->cache, order_id);
    return rc;
}

/* Append " AND <clause>" to `sql`; returns 0, or OT_ELIMIT if it does not fit. */
static int add_clause(char *sql, size_t size, const char *clause)
{
    size_t n = strlen(sql);
    int w = snprintf(sql + n, size - n, " AND %s", clause);
    return w < 0 || (size_t)w >= size - n ? OT_ELIMIT : 0;
}

/* Build the SELECT of a query; its parameters are bound by name in sq_query. */
static int query_sql(char *sql, size_t size, const ot_storage_query *q)
{
    char active[96] = "shipment_status IN (";
    int s, rc = 0, first = 1;

    snprintf(sql, size, "SELECT order_id, version, updated_at, record FROM orders WHERE 1");
    if (q->store_id)
        rc |= add_clause(sql, size, "store_id = :store");
    if (q->customer_id)
        rc |= add_clause(sql, size, "customer_id = :customer");
    if (q->current_status)
        rc |= add_clause(sql, size, "current_status = :status");
    if (q->shipment_status)
        rc |= add_clause(sql, size, "shipment_status = :shipment");
    if (q->shipment_active) {
        for (s = 1; s < OT_SHIPMENT_COUNT; s++) {
            if (ot_shipment_is_terminal(s, NULL) != 0)
                continue;
            snprintf(active + strlen(active), sizeof active - strlen(active), "%s%d",
                     first ? "" : ",", s);
            first = 0;
        }
        strcat(active, ")");
        rc |= add_clause(sql, size, active);
    }
    if (q->delivery_provider)
        rc |= add_clause(sql, size, "delivery_provider = :provider");
    if (q->delivery_tracking_id)
        rc |= add_clause(sql, size, "delivery_tracking_id = :tracking");
    if (q->updated_before_ms)
        rc |= add_clause(sql, size, "updated_at < :before");
    if (q->cursor && q->cursor[0])
        rc |= add_clause(sql, size, "order_id > :cursor");
    if (strlen(sql) + 40 > size)
        return OT_ELIMIT;
    strcat(sql, " ORDER BY order_id LIMIT :limit");
    return rc ? OT_ELIMIT : 0;
}

static void bind_named_text(sqlite3_stmt *st, const char *name, const char *value)
{
    int i = sqlite3_bind_parameter_index(st, name);
    if (i)
        sqlite3_bind_text(st, i, value, -1, SQLITE_STATIC);
}

static void bind_named_int64(sqlite3_stmt *st, const char *name, int64_t value)
{
    int i = sqlite3_bind_parameter_index(st, name);
    if (i)
        sqlite3_bind_int64(st, i, value);
}

int ot_sqlite__query(void *userdata, const ot_storage_query *q, ot_storage_emit emit,
                    void *ctx, char *next_cursor, size_t cursor_size, ot_error *err)
{
    struct store *s = userdata;
    struct conn *c;
    sqlite3_stmt *st = NULL;
    char sql[768];
    size_t n = 0;
    int rc, more = 0;

    if ((rc = ot_storage_query_check(q, emit, next_cursor, cursor_size, err)) != 0)
        return rc;
    next_cursor[0] = '\0';
    if (query_sql(sql, sizeof sql, q) != 0)
        return ot_error_setf(err, OT_ELIMIT, "query", "query too complex");
    if ((rc = ot_sqlite__conn_acquire(&c, s, err)) != 0)
        return rc;
    rc = sqlite3_prepare_v2(c->db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK) {
        rc = ot_sqlite__error(err, c->db, rc, "preparing a query");
        ot_sqlite__conn_release(s, c);
        return rc;
    }
    bind_named_text(st, ":store", q->store_id);
    bind_named_text(st, ":customer", q->customer_id);
    bind_named_int64(st, ":status", q->current_status);
    bind_named_int64(st, ":shipment", q->shipment_status);
    bind_named_int64(st, ":provider", q->delivery_provider);
    bind_named_text(st, ":tracking", q->delivery_tracking_id);
    bind_named_int64(st, ":before", q->updated_before_ms);
    bind_named_text(st, ":cursor", q->cursor);
    bind_named_int64(st, ":limit", (int64_t)q->limit + 1); /* one more: is there a next page? */

    /* Rows are decoded and emitted as they come; the statement's read transaction gives the
     * page one consistent snapshot. One row more than the limit says a next page exists. */
    rc = 0;
    for (;;) {
        ot_order *o = NULL;
        const char *id;
        int step = sqlite3_step(st);
        if (step == SQLITE_DONE)
            break;
        if (step != SQLITE_ROW) {
            rc = ot_sqlite__error(err, c->db, step, "reading a query page");
            break;
        }
        if (n == q->limit) {
            more = 1;
            break;
        }
        id = (const char *)sqlite3_column_text(st, 0);
        if (!id || strlen(id) >= cursor_size) {
            rc = ot_error_setf(err, OT_ELIMIT, "order_id", "order id too long for a cursor");
            break;
        }
        /* A record cached at this row's version is used as is; the others are decoded (and
         * not cached: a page of a listing would evict the records being written). */
        rc = ot_sqlite__cache_get(&s->cache, id, sqlite3_column_int64(st, 1),
                                  sqlite3_column_int64(st, 2), 0, &o, err);
        if (rc == 0)
            rc = decode_whole(c, id, (const char *)sqlite3_column_text(st, 3),
                              (size_t)sqlite3_column_bytes(st, 3), &o, err);
        else if (rc > 0)
            rc = 0;
        if (rc != 0)
            break;
        strcpy(next_cursor, id);
        n++;
        if ((rc = emit(ctx, o, err)) != 0)
            break;
    }
    if (rc != 0 || !more)
        next_cursor[0] = '\0';
    sqlite3_finalize(st);
    ot_sqlite__conn_release(s, c);
    return rc;
}

int ot_sqlite__idem_get(void *userdata, const char *key, int64_t now_ms,
                        ot_idempotency_found found, void *ctx, ot_error *err)
{
    struct store *s = userdata;
    ot_idempotency_record rec = {OT_IDEMPOTENCY_RECORD_VERSION, NULL, NULL, NULL, 0, 0, 0};
    struct conn *c;
    sqlite3_stmt *st;
    int rc;

    if (!key || !found)
        return ot_error_setf(err, OT_EINVAL, key ? "found" : "key", "argument is NULL");
    if ((rc = ot_sqlite__conn_acquire(&c, s, err)) != 0)
        return rc;
    if (!(st = ot_sqlite__conn_stmt(c, ST_KEY_GET, err))) {
        ot_sqlite__conn_release(s, c);
        return OT_ESTORAGE;
    }
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now_ms);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        rec.key = key;
        rec.request_hash = (const char *)sqlite3_column_text(st, 0);
        rec.response = sqlite3_column_blob(st, 1);
        rec.response_len = (size_t)sqlite3_column_bytes(st, 1);
        rec.created_at_ms = sqlite3_column_int64(st, 2);
        rec.expires_at_ms = sqlite3_column_int64(st, 3);
        if (!rec.response)
            rec.response = "";
        rc = found(ctx, &rec, err);
    } else if (rc == SQLITE_DONE) {
        rc = ot_error_setf(err, OT_ENOTFOUND, "idempotency_key", "no live key");
    } else {
        rc = ot_sqlite__error(err, c->db, rc, "looking up a key");
    }
    sqlite3_reset(st);
    ot_sqlite__conn_release(s, c);
    return rc;
}

int ot_sqlite__idem_put(void *userdata, const ot_idempotency_record *rec, ot_error *err)
{
    struct store *s = userdata;
    struct conn *c;
    int rc;

    if (!rec)
        return ot_error_setf(err, OT_EINVAL, "record", "record is NULL");
    if ((rc = ot_idempotency_record_check(rec, err)) != 0)
        return rc;
    if ((rc = ot_sqlite__conn_acquire(&c, s, err)) != 0)
        return rc;
    if ((rc = exec_id(c, ST_BEGIN, "starting a transaction", err)) == 0) {
        rc = key_live(c, rec->key, rec->created_at_ms, err);
        if (rc == 1)
            rc = ot_error_setf(err, OT_EEXISTS, "idempotency_key", "key is already in use");
        else if (rc == 0)
            rc = key_store(c, rec, err);
        if (rc == 0)
            rc = exec_id(c, ST_COMMIT, "committing", err);
        if (rc != 0)
            rollback(c);
    }
    ot_sqlite__conn_release(s, c);
    return rc;
}
