/* A consumer of the installed SQLite store: opens a database, reads its schema version. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <ordertrack/ordertrack.h>
#include <ordertrack/adapters/sqlite.h>

int main(void)
{
    char path[] = "/tmp/ot-consumer-XXXXXX";
    ot_storage *st = NULL;
    ot_error err;
    int fd = mkstemp(path), version = 0;

    if (fd < 0)
        return 1;
    close(fd);
    if (ot_storage_sqlite_open(&st, path, NULL, &err) != 0 ||
        ot_storage_sqlite_schema_version(&version, st, &err) != 0) {
        fprintf(stderr, "sqlite consumer: %s\n", err.message);
        unlink(path);
        return 1;
    }
    ot_storage_close(st);
    unlink(path);
    printf("sqlite consumer ok: schema %d\n", version);
    return version == OT_SQLITE_SCHEMA_VERSION ? 0 : 1;
}
