/* The outbox over SQLite (docs/storage-port.md, "The outbox"): table ot_outbox, written in
 * the transaction of the commit its events belong to, and ot_outbox_delivery, each event's
 * state per sink. */
#include <stdio.h>
#include <string.h>

#include "ordertrack/sys/sink.h"
#include "sqlite_internal.h"

int ot_sqlite__outbox_insert(struct conn *c, const ot_storage_record *rec, ot_error *err)
{
    sqlite3_stmt *st;
    size_t i;
    int rc;

    if (rec->version < 2)
        return 0;
    for (i = 0; i < rec->event_count; i++) {
        const ot_event *e = &rec->events[i];
        if (!(st = ot_sqlite__conn_stmt(c, ST_OUTBOX_INSERT, err)))
            return OT_ESTORAGE;
        sqlite3_bind_text(st, 1, e->event_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, e->order_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, e->store_id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, e->sequence);
        sqlite3_bind_int(st, 5, e->type);
        sqlite3_bind_int64(st, 6, e->time_ms);
        sqlite3_bind_text(st, 7, e->json, (int)e->json_len, SQLITE_STATIC);
        if ((rc = ot_sqlite__run(c, st, "recording an outbound event", err)) != 0)
            return rc;
    }
    return 0;
}

static const char *text(sqlite3_stmt *st, int col)
{
    return (const char *)sqlite3_column_text(st, col);
}

int ot_sqlite__outbox_query(void *userdata, const ot_outbox_query *q, ot_event_emit emit,
                            void *ctx, int64_t *next_after, ot_error *err)
{
    struct store *s = userdata;
    struct conn *c;
    sqlite3_stmt *st;
    int rc, step;

    if ((rc = ot_sqlite__conn_acquire(&c, s, err)) != 0)
        return rc;
    if (!(st = ot_sqlite__conn_stmt(c, ST_OUTBOX_QUERY, err))) {
        ot_sqlite__conn_release(s, c);
        return OT_ESTORAGE;
    }
    if (q->sink)
        sqlite3_bind_text(st, 1, q->sink, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, q->after);
    if (q->order_id)
        sqlite3_bind_text(st, 3, q->order_id, -1, SQLITE_STATIC);
    if (q->store_id)
        sqlite3_bind_text(st, 4, q->store_id, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 5, q->state);
    sqlite3_bind_int64(st, 6, (sqlite3_int64)q->limit);
    /* rows are handed over as they come: a read transaction spans the statement, and the
     * consumer only copies (the relay) or writes to its own output (a tail) */
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        ot_event ev = OT_EVENT_INIT;
        ev.position = sqlite3_column_int64(st, 0);
        ev.event_id = text(st, 1);
        ev.order_id = text(st, 2);
        ev.store_id = text(st, 3);
        ev.sequence = sqlite3_column_int64(st, 4);
        ev.type = sqlite3_column_int(st, 5);
        ev.time_ms = sqlite3_column_int64(st, 6);
        ev.json = text(st, 7);
        ev.json_len = (size_t)sqlite3_column_bytes(st, 7);
        if (q->sink) {
            ev.state = sqlite3_column_type(st, 8) == SQLITE_NULL ? OT_OUTBOX_PENDING
                                                                 : sqlite3_column_int(st, 8);
            ev.attempts = (unsigned)sqlite3_column_int(st, 9);
            ev.next_attempt_ms = sqlite3_column_int64(st, 10);
            ev.last_error = text(st, 11);
        }
        if (!ev.event_id || !ev.order_id || !ev.store_id || !ev.json) {
            rc = ot_error_setf(err, OT_ENOMEM, NULL, "out of memory reading the outbox");
            break;
        }
        if ((rc = emit(ctx, &ev, err)) != 0)
            break;
        *next_after = ev.position;
    }
    if (!rc && step != SQLITE_DONE)
        rc = ot_sqlite__error(err, c->db, step, "reading the outbox");
    sqlite3_reset(st);
    ot_sqlite__conn_release(s, c);
    return rc;
}

int ot_sqlite__outbox_mark(void *userdata, const ot_outbox_mark *m, ot_error *err)
{
    struct store *s = userdata;
    struct conn *c;
    sqlite3_stmt *st;
    int rc;

    if (!m || !m->sink)
        return ot_error_setf(err, OT_EINVAL, m ? "sink" : "mark", "argument is NULL");
    if ((rc = ot_sqlite__conn_acquire(&c, s, err)) != 0)
        return rc;
    if (!(st = ot_sqlite__conn_stmt(c, ST_OUTBOX_MARK, err))) {
        ot_sqlite__conn_release(s, c);
        return OT_ESTORAGE;
    }
    sqlite3_bind_text(st, 1, m->sink, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, m->position);
    sqlite3_bind_int(st, 3, m->state);
    sqlite3_bind_int64(st, 4, m->attempts);
    sqlite3_bind_int64(st, 5, m->next_attempt_ms);
    if (m->last_error)
        sqlite3_bind_text(st, 6, m->last_error, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 7, m->require_state);
    rc = ot_sqlite__run(c, st, "marking an outbound event", err);
    if (!rc && sqlite3_changes(c->db) == 0)
        rc = ot_error_setf(err, OT_ENOTFOUND, "position", "no event %lld in state %d for sink %s",
                   (long long)m->position, m->require_state, m->sink);
    ot_sqlite__conn_release(s, c);
    return rc;
}

int ot_sqlite__outbox_prune(void *userdata, const char *const *sinks, size_t n,
                            int64_t before_ms, size_t *removed, ot_error *err)
{
    struct store *s = userdata;
    struct conn *c;
    sqlite3_stmt *st;
    char names[OT_RELAY_SINKS_MAX * (OT_SINK_NAME_MAX + 3) + 3];
    size_t i, len = 0;
    int rc, changed = 0;

    if (!sinks || n < 1 || n > OT_RELAY_SINKS_MAX)
        return ot_error_setf(err, OT_EINVAL, "sinks", "prune needs 1..%d sink names",
                     OT_RELAY_SINKS_MAX);
    /* sink names are [a-z0-9._:-]: a JSON array of them needs no escaping */
    names[len++] = '[';
    for (i = 0; i < n; i++) {
        if (!sinks[i] || strlen(sinks[i]) > OT_SINK_NAME_MAX ||
            strspn(sinks[i], "abcdefghijklmnopqrstuvwxyz0123456789._:-") != strlen(sinks[i]))
            return ot_error_setf(err, OT_EINVAL, "sinks", "sinks[%zu] is not a sink name", i);
        len += (size_t)snprintf(names + len, sizeof names - len, "%s\"%s\"", i ? "," : "",
                                sinks[i]);
    }
    names[len++] = ']';
    if ((rc = ot_sqlite__conn_acquire(&c, s, err)) != 0)
        return rc;
    if ((rc = sqlite3_exec(c->db, "BEGIN IMMEDIATE", NULL, NULL, NULL)) != SQLITE_OK) {
        rc = ot_sqlite__error(err, c->db, rc, "starting a transaction");
        ot_sqlite__conn_release(s, c);
        return rc;
    }
    if (!(st = ot_sqlite__conn_stmt(c, ST_OUTBOX_PRUNE, err))) {
        rc = OT_ESTORAGE;
    } else {
        sqlite3_bind_int64(st, 1, before_ms);
        sqlite3_bind_text(st, 2, names, (int)len, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, (sqlite3_int64)n);
        rc = ot_sqlite__run(c, st, "pruning the outbox", err);
        changed = sqlite3_changes(c->db);
    }
    if (!rc && changed) {
        st = ot_sqlite__conn_stmt(c, ST_OUTBOX_PRUNE_STATES, err);
        rc = st ? ot_sqlite__run(c, st, "pruning delivery states", err) : OT_ESTORAGE;
    }
    if (!rc && (rc = sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL)) != SQLITE_OK)
        rc = ot_sqlite__error(err, c->db, rc, "committing the prune");
    if (rc && !sqlite3_get_autocommit(c->db))
        sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
    ot_sqlite__conn_release(s, c);
    if (!rc && removed)
        *removed = (size_t)changed;
    return rc;
}
