/* A consumer of the installed SQLite store: opens a database, reads its schema version and
 * runs a tracker on it (create an order, move it, read it back from a second tracker). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ordertrack/ordertrack.h>
#include <ordertrack/adapters/sqlite.h>

static int run_tracker(const char *path, ot_error *err)
{
    ot_storage *st = NULL;
    ot_tracker *tr = NULL;
    ot_order *o = NULL;
    ot_tracker_options opts = OT_TRACKER_OPTIONS_INIT;
    ot_request req = OT_REQUEST_INIT;
    int rc;

    if ((rc = ot_storage_sqlite_open(&st, path, NULL, err)) != 0)
        return rc;
    opts.storage = st;
    req.order_id = "consumer-1";
    req.store_id = "store-1";
    req.customer_id = "customer-1";
    req.provider = OT_PROVIDER_UBER;
    if ((rc = ot_tracker_new(&tr, &opts, err)) == 0 &&
        (rc = ot_tracker_init_order(NULL, tr, &req, err)) == 0) {
        req.status = OT_STATUS_STORE_NOTIFIED;
        rc = ot_tracker_set_status(NULL, tr, &req, err);
    }
    ot_tracker_free(tr);
    ot_storage_close(st);
    if (rc != 0)
        return rc;

    /* A second tracker on the same file, opened by its URI through a registry, sees the
     * committed order. */
    st = NULL;
    tr = NULL;
    char uri[64];
    ot_storage_registry *registry = NULL;
    snprintf(uri, sizeof uri, "sqlite:%s", path);
    if ((rc = ot_storage_registry_new(&registry, err)) == 0 &&
        (rc = ot_storage_sqlite_register(registry, err)) == 0)
        rc = ot_storage_open_uri(&st, registry, uri, err);
    ot_storage_registry_free(registry);
    if (rc == 0) {
        opts.storage = st;
        if ((rc = ot_tracker_new(&tr, &opts, err)) == 0 &&
            (rc = ot_tracker_get(&o, tr, "consumer-1", err)) == 0 &&
            (ot_order_status(o) != OT_STATUS_STORE_NOTIFIED || ot_order_version(o) != 2)) {
            snprintf(err->message, sizeof err->message, "unexpected order state");
            rc = OT_EINTEGRITY;
        }
    }
    ot_order_free(o);
    ot_tracker_free(tr);
    ot_storage_close(st);
    return rc;
}

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
    if (run_tracker(path, &err) != 0) {
        fprintf(stderr, "sqlite consumer: tracker: %s\n", err.message);
        unlink(path);
        return 1;
    }
    unlink(path);
    printf("sqlite consumer ok: schema %d, tracker on SQLite (by path and by URI)\n", version);
    return version == OT_SQLITE_SCHEMA_VERSION ? 0 : 1;
}
