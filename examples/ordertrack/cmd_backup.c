/* `ordertrack backup sqlite:PATH FILE` and `ordertrack restore-backup FILE sqlite:PATH`:
 * SQLite's online backup API. By default in one step: the step is one read transaction, and
 * the stores are in WAL mode, where a reader never blocks a writer, so ordertrackd keeps
 * writing and the copy is the snapshot that transaction saw. `--step PAGES` copies a few
 * pages per step instead (for a rollback-journal database, whose writers a long read would
 * hold up); the backup API restarts such a copy when another connection writes between two
 * steps, so under steady writes it may take several passes. Written to FILE.tmp, checked
 * (PRAGMA integrity_check), then renamed into place. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "cli.h"

/* The path of a `sqlite:PATH` URI, or NULL. */
static const char *sqlite_path(const char *uri)
{
    return strncmp(uri, "sqlite:", 7) == 0 && uri[7] ? uri + 7 : NULL;
}

/* Copy database `from` into `to` (both open) with the backup API, `pages` per step. */
static int copy(sqlite3 *to, sqlite3 *from, int pages, char *why, size_t whylen)
{
    sqlite3_backup *b = sqlite3_backup_init(to, "main", from, "main");
    int rc;
    if (!b) {
        snprintf(why, whylen, "%s", sqlite3_errmsg(to));
        return -1;
    }
    do {
        rc = sqlite3_backup_step(b, pages);
        if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
            sqlite3_sleep(5);
    } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
    sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE) {
        snprintf(why, whylen, "%s", sqlite3_errstr(rc));
        return -1;
    }
    return 0;
}

static int integrity_ok(sqlite3 *db, char *why, size_t whylen)
{
    sqlite3_stmt *st = NULL;
    int ok = sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) == SQLITE_OK &&
             sqlite3_step(st) == SQLITE_ROW &&
             strcmp((const char *)sqlite3_column_text(st, 0), "ok") == 0;
    if (!ok)
        snprintf(why, whylen, "integrity_check: %s",
                 st && sqlite3_column_text(st, 0) ? (const char *)sqlite3_column_text(st, 0)
                                                  : sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return ok;
}

/* from -> to through the backup API; `check` the result before it replaces `to_final`. */
static int run(const char *command, const char *from_path, const char *to_final, int pages)
{
    char tmp[4096], why[512] = "";
    sqlite3 *from = NULL, *to = NULL;
    int ok;

    snprintf(tmp, sizeof tmp, "%s.tmp", to_final);
    unlink(tmp);
    ok = sqlite3_open_v2(from_path, &from, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
         sqlite3_open_v2(tmp, &to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) ==
             SQLITE_OK;
    if (!ok)
        snprintf(why, sizeof why, "opening: %s", sqlite3_errmsg(from && !to ? from : to));
    if (ok) {
        sqlite3_busy_timeout(from, 5000);
        ok = copy(to, from, pages, why, sizeof why) == 0 && integrity_ok(to, why, sizeof why);
    }
    sqlite3_close(from);
    /* the copy is a rollback-journal file: no -wal beside it to lose when it is moved */
    if (ok && sqlite3_exec(to, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL) != SQLITE_OK)
        ok = 0, snprintf(why, sizeof why, "%s", sqlite3_errmsg(to));
    sqlite3_close(to);
    if (ok && rename(tmp, to_final) != 0)
        ok = 0, snprintf(why, sizeof why, "renaming into place: %s", strerror(errno));
    if (!ok) {
        unlink(tmp);
        fprintf(stderr, "ordertrack %s: %s\n", command, why);
        return OTC_EXIT_FAILURE;
    }
    return OTC_EXIT_OK;
}

static const otc_option backup_options[] = {
    {"--step", "PAGES", "pages copied per step (1..100000; default: all in one step)"}};

int cli_backup(int argc, char **argv)
{
    const char *pos[2] = {NULL, NULL}, *step = NULL, *path;
    size_t pages = 0; /* 0: -1 to SQLite, every page in one step */
    int n, rc;

    if ((rc = cli_args("backup", backup_options, 1, argc, argv, &step, pos, 2, &n)) != 0)
        return rc;
    if (n != 2)
        return cli_usage("backup: sqlite:PATH and FILE are required");
    if ((rc = cli_count_arg(&pages, "backup", "--step", step, 100000)) != 0)
        return rc;
    if (!(path = sqlite_path(pos[0])))
        return cli_usage("backup: the store must be a sqlite:PATH URI (MongoDB: mongodump "
                         "--oplog, docs/mongo.md)");
    if ((rc = run("backup", path, pos[1], pages ? (int)pages : -1)) == 0)
        printf("backed up %s to %s\n", path, pos[1]);
    return rc;
}

int cli_restore_backup(int argc, char **argv)
{
    const char *pos[2] = {NULL, NULL}, *step = NULL, *path;
    size_t pages = 0; /* 0: -1 to SQLite, every page in one step */
    int n, rc;

    if ((rc = cli_args("restore-backup", backup_options, 1, argc, argv, &step, pos, 2, &n)))
        return rc;
    if (n != 2)
        return cli_usage("restore-backup: FILE and sqlite:PATH are required");
    if ((rc = cli_count_arg(&pages, "restore-backup", "--step", step, 100000)) != 0)
        return rc;
    if (!(path = sqlite_path(pos[1])))
        return cli_usage("restore-backup: the target must be a sqlite:PATH URI");
    if (access(path, F_OK) == 0) {
        fprintf(stderr, "ordertrack restore-backup: %s exists: stop the programs using it and "
                        "move it (and its -wal, -shm) aside first\n", path);
        return OTC_EXIT_FAILURE;
    }
    if ((rc = run("restore-backup", pos[0], path, pages ? (int)pages : -1)) == 0)
        printf("restored %s from %s\n", path, pos[0]);
    return rc;
}
