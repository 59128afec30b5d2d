/* Opening and closing a MongoDB storage: the client pool, the options, the indexes. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "mongo_internal.h"

int ot_mongo_options_init(ot_mongo_options *options, unsigned version, ot_error *err)
{
    static const ot_mongo_options defaults = OT_MONGO_OPTIONS_INIT;
    if (!options)
        return ot_error_setf(err, OT_EINVAL, "options", "options is NULL");
    if (version == 0 || version > OT_MONGO_OPTIONS_VERSION)
        return ot_error_setf(err, OT_EVERSION, "version",
                             "mongo options version %u not supported (this library knows 1..%d)",
                             version, OT_MONGO_OPTIONS_VERSION);
    *options = defaults;
    options->version = version;
    return 0;
}

static void store_close(void *userdata)
{
    struct store *s = userdata;
    if (s->pool)
        mongoc_client_pool_destroy(s->pool);
    if (s->primary)
        mongoc_read_prefs_destroy(s->primary);
    pthread_mutex_destroy(&s->sweep_lock);
    ot_free(s->database);
    ot_free(s->collection);
    ot_free(s->idem_collection);
    ot_free(s->outbox_collection);
    ot_free(s->orders_collection);
    ot_free(s->orders_match_field);
    ot_free(s->history_collection);
    ot_free(s);
}

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

/* libmongoc's global state, once per process (never cleaned up: other users of libmongoc in
 * the process may still need it). */
static void init_mongoc(void)
{
    mongoc_init();
}

static int valid_name(const char *name)
{
    return name && name[0] && strlen(name) < 120 && !strpbrk(name, "$/\\ .");
}

/* IndexOptionsConflict, IndexKeySpecsConflict: an index on those keys exists under another
 * name or with other options (the seed's unique `order_id` index, say); it serves too. */
static int index_exists_otherwise(const bson_error_t *e)
{
    return e->code == 85 || e->code == 86;
}

/* NotImplemented: FerretDB refuses a TTL index (`expireAfterSeconds`) this way. */
static int ttl_not_implemented(const bson_error_t *e)
{
    return e->code == 238;
}

static int run_create_indexes(mongoc_collection_t *c, const char *coll, const bson_t *indexes,
                              bson_error_t *error)
{
    bson_t cmd, reply;
    bool ok;
    bson_init(&cmd);
    BSON_APPEND_UTF8(&cmd, "createIndexes", coll);
    BSON_APPEND_ARRAY(&cmd, "indexes", indexes);
    ok = mongoc_collection_write_command_with_opts(c, &cmd, NULL, &reply, error);
    bson_destroy(&reply);
    bson_destroy(&cmd);
    return ok ? 0 : -1;
}

/* 1 when the key documents name the same fields in the same order with the same directions
 * (the server may answer 1 as an int32, int64 or double). */
static int same_keys(const bson_t *a, const bson_t *b)
{
    bson_iter_t x, y;
    int more_x, more_y;
    if (!bson_iter_init(&x, a) || !bson_iter_init(&y, b))
        return 0;
    while ((more_x = bson_iter_next(&x)) & (more_y = bson_iter_next(&y)))
        if (strcmp(bson_iter_key(&x), bson_iter_key(&y)) != 0 ||
            bson_iter_as_int64(&x) != bson_iter_as_int64(&y))
            return 0;
    return !more_x && !more_y;
}

/* After the createIndexes of a unique index: 0 when the collection has a unique index on its
 * keys (this one, or the seed's under another name); else OT_ESTORAGE naming the index that
 * stands in the way (neither server changes the options of an existing index; docs/mongo.md,
 * "Indexes", says how to replace it). */
static int check_unique_present(mongoc_collection_t *c, const char *coll, const bson_t *spec,
                                ot_error *err)
{
    bson_iter_t it, key;
    const uint8_t *data;
    uint32_t len;
    bson_t want;
    char name[128] = "";
    const bson_t *doc;
    bson_error_t error;
    mongoc_cursor_t *cursor;
    int found = 0;

    if (!bson_iter_init_find(&it, spec, "key") || !BSON_ITER_HOLDS_DOCUMENT(&it))
        return 0;
    bson_iter_document(&it, &len, &data);
    if (!bson_init_static(&want, data, len))
        return 0;
    cursor = mongoc_collection_find_indexes_with_opts(c, NULL);
    while (!found && mongoc_cursor_next(cursor, &doc)) {
        bson_t have;
        if (!bson_iter_init_find(&key, doc, "key") || !BSON_ITER_HOLDS_DOCUMENT(&key))
            continue;
        bson_iter_document(&key, &len, &data);
        if (!bson_init_static(&have, data, len) || !same_keys(&want, &have))
            continue;
        found = bson_iter_init_find(&it, doc, "unique") && bson_iter_as_bool(&it);
        if (!found && bson_iter_init_find(&it, doc, "name") && BSON_ITER_HOLDS_UTF8(&it))
            snprintf(name, sizeof name, "%s", bson_iter_utf8(&it, NULL));
    }
    if (mongoc_cursor_error(cursor, &error)) {
        mongoc_cursor_destroy(cursor);
        return ot_mongo__error(err, &error, "listing indexes");
    }
    mongoc_cursor_destroy(cursor);
    if (found)
        return 0;
    bson_iter_init_find(&it, spec, "name");
    return ot_error_setf(err, OT_ESTORAGE, "indexes",
                         "mongodb: collection %s has an index %s on the keys of %s that is not "
                         "unique, and MongoDB does not change an existing index: drop it "
                         "(db.%s.dropIndex(\"%s\")) and open again, which creates it unique (see "
                         "docs/mongo.md, Indexes)", coll, name[0] ? name : "(unnamed)",
                         bson_iter_utf8(&it, NULL), coll, name[0] ? name : "...");
}

/* Each index in its own createIndexes command (idempotent: an existing identical index is not
 * an error; FerretDB 1.24 drops the connection when one command names two existing indexes).
 * An index the collection has otherwise is kept, but a unique one must then be unique; a TTL
 * index the server does not implement (FerretDB) sets `*no_ttl` when it is not NULL. */
static int create_indexes(mongoc_client_t *client, const char *db, const char *coll,
                          bson_t *indexes, int *no_ttl, ot_error *err)
{
    mongoc_collection_t *c = mongoc_client_get_collection(client, db, coll);
    bson_error_t error;
    bson_iter_t it, spec;
    int rc = 0;
    if (bson_iter_init(&it, indexes)) {
        while (rc == 0 && bson_iter_next(&it)) {
            bson_t one;
            bson_init(&one);
            bson_append_iter(&one, "0", 1, &it);
            if (run_create_indexes(c, coll, &one, &error) != 0) {
                if (no_ttl && ttl_not_implemented(&error))
                    *no_ttl = 1;
                else if (!index_exists_otherwise(&error))
                    rc = ot_mongo__error(err, &error, "creating indexes");
            }
            /* MongoDB refuses a unique index over an existing one (kept above), FerretDB
             * accepts it and keeps the old one: either way, look */
            if (rc == 0 && bson_iter_recurse(&it, &spec) && bson_iter_find(&spec, "unique") &&
                bson_iter_as_bool(&spec)) {
                const uint8_t *data;
                uint32_t len;
                bson_t doc;
                bson_iter_document(&it, &len, &data);
                if (bson_init_static(&doc, data, len))
                    rc = check_unique_present(c, coll, &doc, err);
            }
            bson_destroy(&one);
        }
    }
    bson_destroy(indexes);
    mongoc_collection_destroy(c);
    return rc;
}

static int setup(struct store *s, ot_error *err)
{
    mongoc_client_t *client = mongoc_client_pool_pop(s->pool);
    bson_t *ping = BCON_NEW("ping", BCON_INT32(1)), reply;
    bson_error_t error;
    int rc = 0;
    if (!mongoc_client_command_simple(client, s->database, ping, NULL, &reply, &error))
        rc = ot_mongo__error(err, &error, "connecting");
    bson_destroy(&reply);
    bson_destroy(ping);
    if (rc == 0) {
        /* FerretDB (1.24) applies an update as a read, then a write of the whole document,
         * without a transaction: the filter on version is no compare-and-set there */
        bson_t *info = BCON_NEW("buildInfo", BCON_INT32(1));
        bson_iter_t it;
        if (!mongoc_client_command_simple(client, "admin", info, NULL, &reply, &error))
            rc = ot_mongo__error(err, &error, "connecting");
        else if (bson_iter_init_find(&it, &reply, "ferretdbVersion"))
            s->lock_writes = s->id_lookups = 1;
        bson_destroy(&reply);
        bson_destroy(info);
    }
    if (rc == 0 && s->create_indexes) {
        /* unique {store_id, order_id} and unique order_id (the seed's schema; documents of
         * older versions have ObjectId _ids); the filter indexes of query */
        bson_t *orders = BCON_NEW(
            "0", "{", "key", "{", "store_id", BCON_INT32(1), "order_id", BCON_INT32(1), "}",
                 "name", BCON_UTF8("store_id_1_order_id_1"), "unique", BCON_BOOL(true), "}",
            "1", "{", "key", "{", "order_id", BCON_INT32(1), "}", "name", BCON_UTF8("order_id_1"),
                 "unique", BCON_BOOL(true), "}",
            "2", "{", "key", "{", "customer_id", BCON_INT32(1), "}",
                 "name", BCON_UTF8("customer_id_1"), "}",
            "3", "{", "key", "{", "current_status", BCON_INT32(1), "}",
                 "name", BCON_UTF8("current_status_1"), "}",
            "4", "{", "key", "{", "updated_at", BCON_INT32(1), "}",
                 "name", BCON_UTF8("updated_at_1"), "}",
            "5", "{", "key", "{", "delivery_tracking_id", BCON_INT32(1), "}",
                 "name", BCON_UTF8("delivery_tracking_id_1"), "}",
            "6", "{", "key", "{", "delivery_provider", BCON_INT32(1), "shipment_status",
                 BCON_INT32(1), "}", "name", BCON_UTF8("delivery_provider_1_shipment_status_1"),
                 "}",
            "7", "{", "key", "{", "_ot.pending", BCON_INT32(1), "}",
                 "name", BCON_UTF8("_ot.pending_1"), "}");
        /* the outbox: by position (the cursor), and by order */
        bson_t *outbox = BCON_NEW(
            "0", "{", "key", "{", "p", BCON_INT32(1), "}", "name", BCON_UTF8("p_1"), "}",
            "1", "{", "key", "{", "o", BCON_INT32(1), "p", BCON_INT32(1), "}",
                 "name", BCON_UTF8("o_1_p_1"), "}");
        bson_t *keys = BCON_NEW(
            "0", "{", "key", "{", "ttl_at", BCON_INT32(1), "}",
                 "name", BCON_UTF8("ttl_at_1"), "expireAfterSeconds", BCON_INT32(0), "}");
        rc = create_indexes(client, s->database, s->collection, orders, NULL, err);
        if (rc == 0)   /* no TTL (FerretDB): the store deletes expired keys itself */
            rc = create_indexes(client, s->database, s->idem_collection, keys, &s->sweep_keys,
                                err);
        else
            bson_destroy(keys);
        if (rc == 0)
            rc = create_indexes(client, s->database, s->outbox_collection, outbox, NULL, err);
        else
            bson_destroy(outbox);
    }
    mongoc_client_pool_push(s->pool, client);
    return rc;
}

static char *dup_or(const char *value, const char *fallback, int *oom)
{
    char *p = ot_strdup(value ? value : fallback);
    if (!p)
        *oom = 1;
    return p;
}

int ot_storage_mongo_open(ot_storage **out, const char *uri_string,
                          const ot_mongo_options *options, ot_error *err)
{
    static const ot_mongo_options defaults = OT_MONGO_OPTIONS_INIT;
    struct mg_uri parsed;
    mongoc_uri_t *uri;
    bson_error_t error;
    struct store *s;
    int rc, oom = 0;

    if (!out)
        return ot_error_setf(err, OT_EINVAL, "out", "output pointer is NULL");
    *out = NULL;
    if (!uri_string || !uri_string[0])
        return ot_error_setf(err, OT_EINVAL, "uri", "connection string is empty");
    if (!options)
        options = &defaults;
    if (options->version == 0 || options->version > OT_MONGO_OPTIONS_VERSION)
        return ot_error_setf(err, OT_EVERSION, "options.version",
                             "mongo options version %u not supported", options->version);
    if ((rc = ot_mongo__uri_parse(&parsed, uri_string, options, err)) != 0)
        return rc;
    options = &parsed.options;
    pthread_once(&init_once, init_mongoc);
    uri = mongoc_uri_new_with_error(parsed.uri, &error);
    if (!uri) {
        ot_mongo__uri_release(&parsed);
        return ot_error_setf(err, OT_EINVAL, "uri", "invalid connection string: %s",
                             error.message);
    }
    if (!(s = ot_malloc(sizeof *s))) {
        mongoc_uri_destroy(uri);
        ot_mongo__uri_release(&parsed);
        return ot_error_setf(err, OT_ENOMEM, NULL, "out of memory opening a mongo storage");
    }
    memset(s, 0, sizeof *s);
    pthread_mutex_init(&s->sweep_lock, NULL);
    s->primary = mongoc_read_prefs_new(MONGOC_READ_PRIMARY);
    s->database = dup_or(options->database,
                         mongoc_uri_get_database(uri) ? mongoc_uri_get_database(uri)
                                                      : "ordertrack", &oom);
    s->collection = dup_or(options->collection, "order_tracking", &oom);
    s->idem_collection = dup_or(options->idempotency_collection, "order_tracking_idempotency",
                                &oom);
    if (s->collection) {
        size_t n = strlen(s->collection) + sizeof "_outbox";
        if ((s->outbox_collection = ot_malloc(n)) != NULL)
            snprintf(s->outbox_collection, n, "%s_outbox", s->collection);
        else
            oom = 1;
    }
    s->orders_collection = dup_or(options->orders_collection, "orders", &oom);
    s->orders_match_field = dup_or(options->orders_match_field, "awb", &oom);
    s->history_collection = dup_or(options->history_collection, "orderTracking", &oom);
    s->create_indexes = options->create_indexes;
    s->legacy_orders = options->legacy_orders;
    ot_mongo__uri_release(&parsed);   /* the strings are copied */
    if (oom) {
        mongoc_uri_destroy(uri);
        store_close(s);
        return ot_error_setf(err, OT_ENOMEM, NULL, "out of memory opening a mongo storage");
    }
    {
        const struct { const char *value, *name; } names[] = {
            {s->database, "database"}, {s->collection, "collection (ot.collection)"},
            {s->idem_collection, "idempotency_collection (ot.idempotencyCollection)"},
            {s->orders_collection, "orders_collection (ot.ordersCollection)"},
            {s->orders_match_field, "orders_match_field (ot.ordersMatchField)"},
            {s->history_collection, "history_collection (ot.historyCollection)"},
        };
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
            if (!valid_name(names[i].value)) {
                rc = ot_error_setf(err, OT_EINVAL, "options", "invalid %s name \"%.64s\"",
                                   names[i].name, names[i].value);
                mongoc_uri_destroy(uri);
                store_close(s);
                return rc;
            }
        }
    }
    s->pool = mongoc_client_pool_new(uri);
    mongoc_uri_destroy(uri);
    if (!s->pool) {
        store_close(s);
        return ot_error_setf(err, OT_EINVAL, "uri", "libmongoc refused the connection string");
    }
    mongoc_client_pool_set_error_api(s->pool, MONGOC_ERROR_API_VERSION_2);
    mongoc_client_pool_set_appname(s->pool, "libordertrack-mongo");
    s->vtable.version = OT_STORAGE_VERSION;
    s->vtable.userdata = s;
    s->vtable.create = ot_mongo__create;
    s->vtable.load = ot_mongo__load;
    s->vtable.commit = ot_mongo__commit;
    s->vtable.query = ot_mongo__query;
    s->vtable.idem_get = ot_mongo__idem_get;
    s->vtable.idem_put = ot_mongo__idem_put;
    s->vtable.close = store_close;
    s->vtable.outbox_query = ot_mongo__outbox_query;
    s->vtable.outbox_mark = ot_mongo__outbox_mark;
    s->vtable.outbox_prune = ot_mongo__outbox_prune;
    s->vtable.archive_remove = ot_mongo__archive_remove;
    s->vtable.tombstone_get = ot_mongo__tombstone_get;
    s->vtable.restore = ot_mongo__restore;
    if ((rc = setup(s, err)) != 0) {
        store_close(s);
        return rc;
    }
    *out = &s->vtable;
    return 0;
}

/* The schemes of libmongoc's connection strings; the whole URI is the connection string. */
static int scheme_open(ot_storage **out, const char *uri, ot_error *err)
{
    return ot_storage_mongo_open(out, uri, NULL, err);
}

int ot_storage_mongo_register(ot_storage_registry *registry, ot_error *err)
{
    static const ot_storage_scheme schemes[] = {
        {OT_STORAGE_SCHEME_VERSION, "mongodb", scheme_open},
        {OT_STORAGE_SCHEME_VERSION, "mongodb+srv", scheme_open},
    };
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < sizeof schemes / sizeof schemes[0]; i++)
        rc = ot_storage_scheme_register(registry, &schemes[i], err);
    return rc;
}
