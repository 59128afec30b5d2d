/* Connections: opening with the store's pragmas, a pool shared by threads, error reports. */
#include <stdio.h>
#include <string.h>

#include "ordertrack/sys/clock.h"
#include "sqlite_internal.h"

int ot_sqlite__error(ot_error *err, sqlite3 *db, int rc, const char *what)
{
    int code;
    switch (rc & 0xff) {
    case SQLITE_NOMEM:
        code = OT_ENOMEM;
        break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        code = OT_ESTORAGE;
        return ot_error_setf(err, code, "sqlite",
                             "sqlite: %s: the database stayed locked by another writer (%s)",
                             what, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        /* Not a passing failure a retry mends: the file needs restoring (docs/sqlite.md). */
        return ot_error_setf(err, OT_EINTEGRITY, "sqlite",
                             "sqlite: %s: the database file is corrupt (%s)", what,
                             db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    default:
        code = OT_ESTORAGE; /* SQLITE_FULL, SQLITE_IOERR, ...: 503 in ordertrackd */
    }
    return ot_error_setf(err, code, "sqlite", "sqlite: %s: %s", what,
                         db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
}

int ot_sqlite__conn_open(struct conn **out, const struct store *s, ot_error *err)
{
    static const char *const sync_names[] = {"OFF", "NORMAL", "FULL", "EXTRA"};
    struct conn *c;
    char pragmas[160];
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (s->options.create ? SQLITE_OPEN_CREATE : 0);
    int rc;

    *out = NULL;
    if (!(c = ot_malloc(sizeof *c)))
        return ot_error_setf(err, OT_ENOMEM, NULL, "out of memory opening %s", s->path);
    memset(c, 0, sizeof *c);
    if (!(c->stmts = ot_malloc(ST_COUNT * sizeof *c->stmts))) {
        ot_free(c);
        return ot_error_setf(err, OT_ENOMEM, NULL, "out of memory opening %s", s->path);
    }
    memset(c->stmts, 0, ST_COUNT * sizeof *c->stmts);
    rc = sqlite3_open_v2(s->path, &c->db, flags, NULL);
    if (rc != SQLITE_OK) {
        rc = ot_error_setf(err, rc == SQLITE_NOMEM ? OT_ENOMEM : OT_ESTORAGE, "path",
                           "sqlite: cannot open %s: %s", s->path,
                           c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
        ot_sqlite__conn_close(c);
        return rc;
    }
    sqlite3_extended_result_codes(c->db, 1);
    sqlite3_busy_timeout(c->db, s->options.busy_timeout_ms);
    /* journal_mode answers a row; WAL is refused for in-memory databases, which is fine.
     * While another process recovers the WAL of a writer that died, SQLite answers BUSY
     * here without calling the busy handler: wait for it as the busy timeout would. */
    for (int waited = 0;; waited += 10) {
        rc = sqlite3_exec(c->db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL);
        if ((rc & 0xff) != SQLITE_BUSY || waited >= s->options.busy_timeout_ms)
            break;
        ot_clock_sleep_ms(NULL, 10);
    }
    if (rc == SQLITE_OK) {
        snprintf(pragmas, sizeof pragmas,
                 "PRAGMA synchronous=%s; PRAGMA foreign_keys=ON; PRAGMA trusted_schema=OFF;",
                 sync_names[s->options.synchronous]);
        rc = sqlite3_exec(c->db, pragmas, NULL, NULL, NULL);
    }
    if (rc != SQLITE_OK) {
        rc = ot_sqlite__error(err, c->db, rc, "configuring the connection");
        ot_sqlite__conn_close(c);
        return rc;
    }
    *out = c;
    return 0;
}

void ot_sqlite__conn_close(struct conn *c)
{
    int i;
    if (!c)
        return;
    if (c->stmts)
        for (i = 0; i < ST_COUNT; i++)
            sqlite3_finalize(c->stmts[i]);
    sqlite3_close_v2(c->db);
    ot_free(c->stmts);
    ot_free(c);
}

int ot_sqlite__conn_acquire(struct conn **out, struct store *s, ot_error *err)
{
    pthread_mutex_lock(&s->lock);
    *out = s->idle;
    if (*out)
        s->idle = (*out)->next;
    pthread_mutex_unlock(&s->lock);
    if (*out)
        return 0;
    return ot_sqlite__conn_open(out, s, err);
}

void ot_sqlite__conn_release(struct store *s, struct conn *c)
{
    /* A connection left inside a transaction (a failed ROLLBACK) is not reused. */
    if (!sqlite3_get_autocommit(c->db)) {
        ot_sqlite__conn_close(c);
        return;
    }
    pthread_mutex_lock(&s->lock);
    c->next = s->idle;
    s->idle = c;
    pthread_mutex_unlock(&s->lock);
}
