/* Opening and closing an SQLite storage, its options, and its idempotency-key members. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "sqlite_internal.h"

/* Bytes of an ot_sqlite_options of `version` (a version 1 caller's struct is shorter). */
static size_t options_size(unsigned version)
{
    return version >= 2 ? sizeof(ot_sqlite_options) : offsetof(ot_sqlite_options, cache_records);
}

int ot_sqlite_options_init(ot_sqlite_options *options, unsigned version, ot_error *err)
{
    static const ot_sqlite_options defaults = OT_SQLITE_OPTIONS_INIT;
    if (!options)
        return ot_error_setf(err, OT_EINVAL, "options", "options is NULL");
    if (version == 0 || version > OT_SQLITE_OPTIONS_VERSION)
        return ot_error_setf(err, OT_EVERSION, "version",
                             "sqlite options version %u not supported (this library knows 1..%d)",
                             version, OT_SQLITE_OPTIONS_VERSION);
    memcpy(options, &defaults, options_size(version));
    options->version = version;
    return 0;
}

static void store_close(void *userdata)
{
    struct store *s = userdata;
    while (s->idle) {
        struct conn *c = s->idle;
        s->idle = c->next;
        ot_sqlite__conn_close(c);
    }
    ot_sqlite__cache_destroy(&s->cache);
    pthread_mutex_destroy(&s->lock);
    ot_free(s->path);
    ot_free(s);
}

int ot_storage_sqlite_open(ot_storage **out, const char *path,
                           const ot_sqlite_options *options, ot_error *err)
{
    static const ot_sqlite_options defaults = OT_SQLITE_OPTIONS_INIT;
    struct store *s;
    struct conn *c = NULL;
    int rc;

    if (!out)
        return ot_error_setf(err, OT_EINVAL, "out", "output pointer is NULL");
    *out = NULL;
    if (!path || !path[0])
        return ot_error_setf(err, OT_EINVAL, "path", "database path is empty");
    if (!options)
        options = &defaults;
    if (options->version == 0 || options->version > OT_SQLITE_OPTIONS_VERSION)
        return ot_error_setf(err, OT_EVERSION, "options.version",
                             "sqlite options version %u not supported", options->version);
    if (options->synchronous < OT_SQLITE_SYNC_OFF || options->synchronous > OT_SQLITE_SYNC_EXTRA)
        return ot_error_setf(err, OT_EINVAL, "synchronous", "synchronous must be 0..3, got %d",
                             options->synchronous);
    if (options->busy_timeout_ms < 0)
        return ot_error_setf(err, OT_EINVAL, "busy_timeout_ms", "busy timeout must be >= 0");
    if (options->version >= 2 &&
        (options->cache_records < 0 || options->cache_records > OT_SQLITE_CACHE_MAX))
        return ot_error_setf(err, OT_EINVAL, "cache_records",
                             "cache_records must be 0..%d, got %d", OT_SQLITE_CACHE_MAX,
                             options->cache_records);
    if (!(s = ot_malloc(sizeof *s)))
        return ot_error_setf(err, OT_ENOMEM, NULL, "out of memory opening %s", path);
    memset(s, 0, sizeof *s);
    if (!(s->path = ot_strdup(path))) {
        ot_free(s);
        return ot_error_setf(err, OT_ENOMEM, NULL, "out of memory opening %s", path);
    }
    /* members a version 1 struct lacks keep their defaults */
    s->options = defaults;
    memcpy(&s->options, options, options_size(options->version));
    if ((rc = ot_sqlite__cache_init(&s->cache, (size_t)s->options.cache_records, err)) != 0) {
        ot_free(s->path);
        ot_free(s);
        return rc;
    }
    pthread_mutex_init(&s->lock, NULL);
    s->vtable.version = OT_STORAGE_VERSION;
    s->vtable.userdata = s;
    s->vtable.create = ot_sqlite__create;
    s->vtable.load = ot_sqlite__load;
    s->vtable.commit = ot_sqlite__commit;
    s->vtable.query = ot_sqlite__query;
    s->vtable.idem_get = ot_sqlite__idem_get;
    s->vtable.idem_put = ot_sqlite__idem_put;
    s->vtable.close = store_close;
    s->vtable.adopt = ot_sqlite__adopt;
    s->vtable.outbox_query = ot_sqlite__outbox_query;
    s->vtable.outbox_mark = ot_sqlite__outbox_mark;
    s->vtable.outbox_prune = ot_sqlite__outbox_prune;
    s->vtable.archive_remove = ot_sqlite__archive_remove;
    s->vtable.tombstone_get = ot_sqlite__tombstone_get;
    s->vtable.restore = ot_sqlite__restore;
    s->vtable.flags = OT_STORAGE_F_HISTORY_APART;
    s->vtable.load_head = ot_sqlite__load_head;

    if ((rc = ot_sqlite__conn_open(&c, s, err)) != 0 ||
        (rc = ot_sqlite__schema_migrate(c->db, err)) != 0) {
        ot_sqlite__conn_close(c);
        store_close(s);
        return rc;
    }
    ot_sqlite__conn_release(s, c);
    *out = &s->vtable;
    return 0;
}

int ot_storage_sqlite_schema_version(int *version, ot_storage *storage, ot_error *err)
{
    struct store *s;
    struct conn *c;
    int rc;
    if (!version || !storage)
        return ot_error_setf(err, OT_EINVAL, version ? "storage" : "version", "argument is NULL");
    if (storage->close != store_close)
        return ot_error_setf(err, OT_EINVAL, "storage", "not an SQLite storage");
    s = storage->userdata;
    if ((rc = ot_sqlite__conn_acquire(&c, s, err)) != 0)
        return rc;
    rc = ot_sqlite__schema_version(version, c->db, err);
    ot_sqlite__conn_release(s, c);
    return rc;
}

/* The scheme `sqlite:PATH`: the path is everything after the colon, as written. */
static int scheme_open(ot_storage **out, const char *uri, ot_error *err)
{
    const char *colon = uri ? strchr(uri, ':') : NULL;
    if (!colon)
        return ot_error_setf(err, OT_EINVAL, "uri", "not a sqlite:PATH URI");
    return ot_storage_sqlite_open(out, colon + 1, NULL, err);
}

int ot_storage_sqlite_register(ot_storage_registry *registry, ot_error *err)
{
    static const ot_storage_scheme scheme = {OT_STORAGE_SCHEME_VERSION, "sqlite", scheme_open};
    return ot_storage_scheme_register(registry, &scheme, err);
}
