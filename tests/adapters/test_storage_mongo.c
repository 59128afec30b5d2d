/* The MongoDB store through real libmongoc over TCP: against tests/mongo/fake_mongod.py (a
 * wire-protocol test double started here) or, when OT_TEST_MONGODB_URI is set, against that
 * server. The conformance suite, the exact command documents sent (read from the double's
 * --log), native BSON types, the tracker end to end with idempotency keys, pending keys left
 * by a crashed writer, the seed 001 compatibility writes, and failures as OT_ESTORAGE. */
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <mongoc/mongoc.h>

#include "test_util.h"
#include "alloc_sweep.h"
#include "storage_conformance.h"
#include <ordertrack/adapters/mongo.h>
#include <ordertrack/sys/clock.h>

/* A running tests/mongo/fake_mongod.py. */
struct double_proc {
    char log[32];
    char uri[256];
    pid_t pid;
    int in;      /* its stdin: it stops when this closes */
};

static char uri[512];
static struct double_proc dbl = {.pid = -1, .in = -1};
static int counter;
static mongoc_client_t *client;     /* the test's own view of the database */
#define log_path dbl.log

static int using_double(void)
{
    return dbl.pid > 0;
}

/* Start a double (`extra`: one more argument, or NULL). */
static int start_double(struct double_proc *d, const char *extra)
{
    int in[2], out[2], fd;
    char line[32];
    size_t n = 0;
    snprintf(d->log, sizeof d->log, "/tmp/ot-mongo-log-XXXXXX");
    if ((fd = mkstemp(d->log)) < 0)
        return -1;
    close(fd);
    if (pipe(in) != 0 || pipe(out) != 0)
        return -1;
    if ((d->pid = fork()) < 0)
        return -1;
    if (d->pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        close(in[1]);
        close(out[0]);
        execl("/usr/bin/python3", "python3", OT_TEST_FAKE_MONGOD, "--log", d->log, extra,
              (char *)NULL);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    d->in = in[1];
    while (n + 1 < sizeof line && read(out[0], line + n, 1) == 1 && line[n] != '\n')
        n++;
    line[n] = '\0';
    close(out[0]);
    if (atoi(line) <= 0)
        return -1;
    snprintf(d->uri, sizeof d->uri,
             "mongodb://127.0.0.1:%d/?directConnection=true&serverSelectionTimeoutMS=5000"
             "&connectTimeoutMS=2000&socketTimeoutMS=5000", atoi(line));
    return 0;
}

static void stop_double(struct double_proc *d)
{
    if (d->pid <= 0)
        return;
    if (d->in >= 0)
        close(d->in);
    waitpid(d->pid, NULL, 0);
    d->pid = -1;
    d->in = -1;
}

static int setup(void **state)
{
    const char *env = getenv("OT_TEST_MONGODB_URI");
    mongoc_uri_t *u;
    (void)state;
    signal(SIGPIPE, SIG_IGN);
    mongoc_init();
    if (env && env[0])
        snprintf(uri, sizeof uri, "%s", env);
    else if (start_double(&dbl, NULL) != 0)
        return -1;
    else
        snprintf(uri, sizeof uri, "%s", dbl.uri);
    if (!(u = mongoc_uri_new(uri)))
        return -1;
    client = mongoc_client_new_from_uri(u);
    mongoc_uri_destroy(u);
    return client ? 0 : -1;
}

/* The databases this run used ("ot_test_<pid>_*"), dropped on a real server. */
static void drop_databases(void)
{
    char **names = mongoc_client_get_database_names_with_opts(client, NULL, NULL);
    char prefix[48];
    size_t i;
    snprintf(prefix, sizeof prefix, "ot_test_%d_", (int)getpid());
    for (i = 0; names && names[i]; i++) {
        if (strncmp(names[i], prefix, strlen(prefix)) == 0) {
            mongoc_database_t *db = mongoc_client_get_database(client, names[i]);
            mongoc_database_drop(db, NULL);
            mongoc_database_destroy(db);
        }
    }
    bson_strfreev(names);
}

static int teardown(void **state)
{
    (void)state;
    if (!using_double() && client)
        drop_databases();
    mongoc_client_destroy(client);
    stop_double(&dbl);
    if (!getenv("OT_TEST_KEEP_LOG"))
        unlink(log_path);
    mongoc_cleanup();
    return 0;
}

static void db_name(char *buf, size_t size, const char *what)
{
    snprintf(buf, size, "ot_test_%d_%s_%d", (int)getpid(), what, counter++);
}

static ot_storage *open_at(const char *server, const char *db, int legacy)
{
    ot_mongo_options o = OT_MONGO_OPTIONS_INIT;
    ot_storage *st = NULL;
    ot_error err;
    o.database = db;
    o.legacy_orders = legacy;
    if (ot_storage_mongo_open(&st, server, &o, &err) != 0) {
        fprintf(stderr, "open %s: %s\n", db, err.message);
        return NULL;
    }
    return st;
}

static ot_storage *open_db(const char *db, int legacy)
{
    return open_at(uri, db, legacy);
}

static ot_storage *mongo_factory(void *ctx)
{
    char db[64];
    (void)ctx;
    db_name(db, sizeof db, "conf");
    return open_db(db, 0);
}

static void test_conformance(void **state)
{
    ot_storage *st = mongo_factory(NULL);
    (void)state;
    /* the adapter keeps the outbox, so the suite's outbox checks run (docs/mongo.md) */
    assert_non_null(st);
    assert_true(st->version >= 3 && st->outbox_query && st->outbox_mark && st->outbox_prune);
    ot_storage_close(st);
    assert_int_equal(ot_storage_conformance_run(mongo_factory, NULL, stderr), 0);
}

/* The mongodb and mongodb+srv schemes in a registry: the whole URI reaches the adapter (its
 * ot. options are read), registered twice is refused. */
static void test_registry_schemes(void **state)
{
    ot_storage_registry *reg = NULL;
    ot_storage *st = NULL;
    ot_error err;
    (void)state;
    assert_int_equal(ot_storage_registry_new(&reg, &err), 0);
    assert_int_equal(ot_storage_mongo_register(reg, &err), 0);
    assert_ot_error(ot_storage_mongo_register(reg, &err), OT_EEXISTS, err);
    assert_ot_error(ot_storage_open_uri(&st, reg, "mongodb://127.0.0.1:1/x?ot.nope=1", &err),
                    OT_EINVAL, err);
    assert_non_null(strstr(err.message, "ot.nope"));
    assert_ot_error(ot_storage_open_uri(&st, reg,
                                        "MongoDB+SRV://cluster.invalid/x?ot.nope=1", &err),
                    OT_EINVAL, err);
    assert_non_null(strstr(err.message, "ot.nope"));
    assert_null(st);
    if (using_double()) { /* a real server would keep the default database: the double only */
        assert_int_equal(ot_storage_open_uri(&st, reg, uri, &err), 0);
        ot_storage_close(st);
    }
    ot_storage_registry_free(reg);
}

/* A valid record at `version` with `entries` history entries (1..4). */
static ot_order *record(const char *order_id, int64_t version, int entries, const char *awb)
{
    static const char *const steps[] = {"submitted", "store_notified", "store_acknowledged",
                                        "picking_in_progress"};
    char json[8192], history[4096] = "", tail[256];
    ot_order *o = NULL;
    ot_error err;
    int i;
    for (i = 0; i < entries && i < 4; i++)
        snprintf(history + strlen(history), sizeof history - strlen(history),
                 "%s{\"status\":\"%s\",\"timestamp\":\"2026-11-23T06:0%d:00.125Z\","
                 "\"updated_by\":\"t\",\"notes\":null,\"metadata\":{\"step\":%d}}",
                 i ? "," : "", steps[i], i, i);
    if (awb)
        snprintf(tail, sizeof tail, "\"delivery_provider\":\"delhivery\","
                 "\"delivery_tracking_id\":\"%s\",\"shipment_status\":\"in transit\"", awb);
    else
        snprintf(tail, sizeof tail, "\"delivery_provider\":\"internal\","
                 "\"delivery_tracking_id\":null,\"shipment_status\":null");
    snprintf(json, sizeof json,
             "{\"id\":\"id-%s\",\"order_id\":\"%s\",\"store_id\":\"s-1\",\"customer_id\":\"c-1\","
             "%s,\"current_status\":\"%s\",\"status_history\":[%s],"
             "\"substitutions\":[],\"issues\":[],\"metadata\":{\"price\":12.5,\"n\":3,"
             "\"nested\":{\"ok\":true,\"when\":\"2026-11-23T06:00:00.000Z\"}},"
             "\"created_at\":\"2026-11-23T06:00:00.000Z\","
             "\"updated_at\":\"2026-11-23T07:00:00.000Z\",\"version\":%" PRId64 "}",
             order_id, order_id, tail, steps[entries - 1], history, version);
    if (ot_order_from_json(&o, json, strlen(json), &err) != 0)
        fail_msg("record: %s", err.message);
    return o;
}

/* Create (first_event 0) or commit the record at `version` with `entries`, the new entry
 * being the last one. */
static int put(ot_storage *st, const char *order_id, int64_t version, int entries,
               const char *awb, const ot_idempotency_record *idem, ot_error *err)
{
    ot_order *o = record(order_id, version, entries, awb);
    ot_storage_record rec;
    int rc = ot_storage_record_init(&rec, o, version == 1 ? 0 : (size_t)entries - 1, err);
    if (rc == 0) {
        rc = version == 1 ? st->create(st->userdata, &rec, idem, err)
                          : st->commit(st->userdata, version - 1, &rec, idem, err);
        ot_storage_record_release(&rec);
    }
    ot_order_free(o);
    return rc;
}

/* The `nth` (from 0; -1: the last) command of the double's log at `path` whose first key is
 * `name` (and, when `coll` is set, names it) in database `db`, as BSON (bson_destroy), or
 * NULL. */
static bson_t *logged_command(const char *path, const char *name, const char *coll,
                              const char *db, int nth)
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0;
    bson_t *found = NULL;
    int n = 0;
    if (!f)
        return NULL;
    while (getline(&line, &cap, f) > 0) {
        bson_error_t e;
        bson_t *cmd = bson_new_from_json((const uint8_t *)line, -1, &e);
        bson_iter_t it;
        if (!cmd)
            continue;
        if (bson_iter_init(&it, cmd) && bson_iter_next(&it) &&
            strcmp(bson_iter_key(&it), name) == 0 &&
            (!coll || (BSON_ITER_HOLDS_UTF8(&it) && strcmp(bson_iter_utf8(&it, NULL), coll) == 0)) &&
            bson_iter_init_find(&it, cmd, "$db") && strcmp(bson_iter_utf8(&it, NULL), db) == 0 &&
            (nth < 0 || n++ == nth)) {
            if (found)
                bson_destroy(found);
            found = cmd;
            if (nth >= 0)
                break;
        } else {
            bson_destroy(cmd);
        }
    }
    free(line);
    fclose(f);
    return found;
}

static bson_t *last_command_in(const char *path, const char *name, const char *coll,
                               const char *db)
{
    return logged_command(path, name, coll, db, -1);
}

static bson_t *last_command(const char *name, const char *coll, const char *db)
{
    return last_command_in(log_path, name, coll, db);
}

static bson_type_t type_at(const bson_t *doc, const char *path)
{
    bson_iter_t it, d;
    if (!bson_iter_init(&it, doc) || !bson_iter_find_descendant(&it, path, &d))
        return BSON_TYPE_EOD;
    return bson_iter_type(&d);
}

static int64_t int_at(const bson_t *doc, const char *path)
{
    bson_iter_t it, d;
    if (!bson_iter_init(&it, doc) || !bson_iter_find_descendant(&it, path, &d))
        return -1;
    return bson_iter_as_int64(&d);
}

static const char *str_at(const bson_t *doc, const char *path)
{
    bson_iter_t it, d;
    if (!bson_iter_init(&it, doc) || !bson_iter_find_descendant(&it, path, &d) ||
        !BSON_ITER_HOLDS_UTF8(&d))
        return "";
    return bson_iter_utf8(&d, NULL);
}

static uint32_t count_keys(const bson_t *doc, const char *path)
{
    bson_iter_t it, d, child;
    uint32_t n = 0;
    if (!bson_iter_init(&it, doc) || !bson_iter_find_descendant(&it, path, &d) ||
        !bson_iter_recurse(&d, &child))
        return 0;
    while (bson_iter_next(&child))
        n++;
    return n;
}

/* The type of the key `dotted` (a field path such as "_ot.fence") inside `path`. */
static bson_type_t dotted_type(const bson_t *doc, const char *path, const char *dotted)
{
    bson_iter_t it, d, child;
    if (!bson_iter_init(&it, doc) || !bson_iter_find_descendant(&it, path, &d) ||
        !bson_iter_recurse(&d, &child) || !bson_iter_find(&child, dotted))
        return BSON_TYPE_EOD;
    return bson_iter_type(&child);
}

/* The stored document of `order_id` in db.coll (bson_destroy), or NULL. */
static bson_t *stored_doc(const char *db, const char *coll, const char *field, const char *value)
{
    mongoc_collection_t *c = mongoc_client_get_collection(client, db, coll);
    bson_t *filter = BCON_NEW(field, BCON_UTF8(value));
    mongoc_cursor_t *cur = mongoc_collection_find_with_opts(c, filter, NULL, NULL);
    const bson_t *doc;
    bson_t *out = NULL;
    if (mongoc_cursor_next(cur, &doc))
        out = bson_copy(doc);
    mongoc_cursor_destroy(cur);
    bson_destroy(filter);
    mongoc_collection_destroy(c);
    return out;
}

static void test_commands_and_types(void **state)
{
    char db[64];
    ot_storage *st;
    ot_order *o = NULL, *want;
    char *a = NULL, *b = NULL;
    bson_t *doc, *cmd;
    (void)state;
    db_name(db, sizeof db, "cmd");
    assert_non_null(st = open_db(db, 0));
    assert_int_equal(put(st, "o-cmd", 1, 1, NULL, NULL, NULL), 0);
    assert_int_equal(put(st, "o-cmd", 2, 2, NULL, NULL, NULL), 0);

    /* native types in the database */
    assert_non_null(doc = stored_doc(db, "order_tracking", "order_id", "o-cmd"));
    assert_int_equal(type_at(doc, "created_at"), BSON_TYPE_DATE_TIME);
    assert_int_equal(type_at(doc, "updated_at"), BSON_TYPE_DATE_TIME);
    assert_int_equal(type_at(doc, "metadata"), BSON_TYPE_DOCUMENT);
    assert_int_equal(type_at(doc, "metadata.price"), BSON_TYPE_DOUBLE);
    assert_int_equal(type_at(doc, "metadata.nested.when"), BSON_TYPE_DATE_TIME);
    assert_int_equal(type_at(doc, "status_history"), BSON_TYPE_ARRAY);
    assert_int_equal(type_at(doc, "status_history.1.timestamp"), BSON_TYPE_DATE_TIME);
    assert_int_equal(count_keys(doc, "status_history"), 2);
    assert_int_equal(int_at(doc, "version"), 2);
    bson_destroy(doc);

    /* and the same values back, byte for byte through the codec */
    assert_int_equal(st->load(st->userdata, "o-cmd", &o, NULL), 0);
    want = record("o-cmd", 2, 2, NULL);
    assert_int_equal(ot_order_to_json(&a, NULL, o, NULL), 0);
    assert_int_equal(ot_order_to_json(&b, NULL, want, NULL), 0);
    assert_string_equal(a, b);
    ot_free(a);
    ot_free(b);
    ot_order_free(o);
    ot_order_free(want);
    ot_storage_close(st);

    if (!using_double())
        return;   /* a real server keeps no log of commands */
    /* the commit: one update filtered on {order_id, version}, $set and $push */
    assert_non_null(cmd = last_command("update", "order_tracking", db));
    assert_int_equal(count_keys(cmd, "updates"), 1);
    assert_int_equal(count_keys(cmd, "updates.0.q"), 2);
    assert_string_equal(str_at(cmd, "updates.0.q.order_id"), "o-cmd");
    assert_int_equal(int_at(cmd, "updates.0.q.version"), 1);
    assert_int_equal(int_at(cmd, "updates.0.u.$set.version"), 2);
    assert_int_equal(type_at(cmd, "updates.0.u.$set.status_history"), BSON_TYPE_EOD);
    assert_int_equal(type_at(cmd, "updates.0.u.$set.updated_at"), BSON_TYPE_DATE_TIME);
    assert_int_equal(count_keys(cmd, "updates.0.u.$push.status_history.$each"), 1);
    assert_string_equal(str_at(cmd, "updates.0.u.$push.status_history.$each.0.status"),
                        "store_notified");
    assert_int_equal(type_at(cmd, "updates.0.u.$push.status_history.$each.0.timestamp"),
                     BSON_TYPE_DATE_TIME);
    assert_int_equal(type_at(cmd, "updates.0.upsert"), BSON_TYPE_EOD);
    bson_destroy(cmd);
    /* the create: a plain insert whose _id is the order id, every member kept */
    assert_non_null(cmd = last_command("insert", "order_tracking", db));
    assert_int_equal(count_keys(cmd, "documents"), 1);
    assert_string_equal(str_at(cmd, "documents.0._id"), "o-cmd");
    assert_int_equal(type_at(cmd, "documents.0.substitutions"), BSON_TYPE_ARRAY);
    assert_int_equal(type_at(cmd, "documents.0.delivery_tracking_id"), BSON_TYPE_NULL);
    assert_int_equal(int_at(cmd, "documents.0.version"), 1);
    assert_int_equal(str_at(cmd, "documents.0._ot.w")[0] != '\0', 1);
    bson_destroy(cmd);
    /* the indexes, created at open, each by its own command */
    {
        static const char *const names[] = {
            "store_id_1_order_id_1", "order_id_1", "customer_id_1", "current_status_1",
            "updated_at_1", "delivery_tracking_id_1", "delivery_provider_1_shipment_status_1",
            "_ot.pending_1"};
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
            cmd = logged_command(log_path, "createIndexes", "order_tracking", db, (int)i);
            assert_non_null(cmd);
            assert_int_equal(count_keys(cmd, "indexes"), 1);
            assert_string_equal(str_at(cmd, "indexes.0.name"), names[i]);
            /* unique: {store_id, order_id} and order_id (the seed's schema) */
            assert_int_equal(type_at(cmd, "indexes.0.unique"),
                             i <= 1 ? BSON_TYPE_BOOL : BSON_TYPE_EOD);
            if (i <= 1) {
                bson_iter_t u, v;
                assert_true(bson_iter_init(&u, cmd) &&
                            bson_iter_find_descendant(&u, "indexes.0.unique", &v) &&
                            bson_iter_as_bool(&v));
            }
            bson_destroy(cmd);
        }
        assert_null(logged_command(log_path, "createIndexes", "order_tracking", db, 8));
    }
    /* the outbox collection's: by position, by order */
    assert_non_null(cmd = logged_command(log_path, "createIndexes", "order_tracking_outbox", db,
                                         0));
    assert_string_equal(str_at(cmd, "indexes.0.name"), "p_1");
    bson_destroy(cmd);
    assert_non_null(cmd = last_command("createIndexes", "order_tracking_idempotency", db));
    assert_int_equal(int_at(cmd, "indexes.0.key.ttl_at"), 1);
    assert_int_equal(int_at(cmd, "indexes.0.expireAfterSeconds"), 0);
    bson_destroy(cmd);
    /* opening again is harmless (the indexes exist) */
    assert_non_null(st = open_db(db, 0));
    ot_storage_close(st);
}

/* An existing collection (the seed's) whose order_id index is unique opens as it is. */
static void test_existing_indexes(void **state)
{
    char db[64];
    mongoc_collection_t *c;
    bson_t *keys = BCON_NEW("order_id", BCON_INT32(1));
    bson_t *cmd, reply;
    ot_storage *st;
    (void)state;
    db_name(db, sizeof db, "seedidx");
    c = mongoc_client_get_collection(client, db, "order_tracking");
    cmd = BCON_NEW("createIndexes", BCON_UTF8("order_tracking"), "indexes", "[", "{", "key",
                   BCON_DOCUMENT(keys), "name", BCON_UTF8("order_id_1"), "unique",
                   BCON_BOOL(true), "}", "]");
    assert_true(mongoc_collection_write_command_with_opts(c, cmd, NULL, &reply, NULL));
    bson_destroy(&reply);
    bson_destroy(cmd);
    bson_destroy(keys);
    mongoc_collection_destroy(c);
    assert_non_null(st = open_db(db, 0));
    assert_int_equal(put(st, "o-seed", 1, 1, NULL, NULL, NULL), 0);
    ot_storage_close(st);
}

/* The unique index `name` on {order_id: 1} of `db`'s order_tracking: 1 unique, 0 not, -1
 * absent. */
static int order_id_index(const char *db)
{
    mongoc_collection_t *c = mongoc_client_get_collection(client, db, "order_tracking");
    mongoc_cursor_t *cursor = mongoc_collection_find_indexes_with_opts(c, NULL);
    const bson_t *doc;
    bson_iter_t it;
    int state = -1;
    while (mongoc_cursor_next(cursor, &doc))
        if (bson_iter_init_find(&it, doc, "name") &&
            strcmp(bson_iter_utf8(&it, NULL), "order_id_1") == 0)
            state = bson_iter_init_find(&it, doc, "unique") && bson_iter_as_bool(&it);
    mongoc_cursor_destroy(cursor);
    mongoc_collection_destroy(c);
    return state;
}

/* A collection of an older version, whose order_id_1 index is not unique: the open fails
 * naming the index and the fix (MongoDB does not change an index's options); once it is
 * dropped, the open creates it unique, and a second create of an order id written with an
 * ObjectId _id (as older versions did) is refused. */
static void test_non_unique_order_id_index(void **state)
{
    char db[64];
    mongoc_collection_t *c;
    bson_t *keys = BCON_NEW("order_id", BCON_INT32(1));
    bson_t *cmd, reply;
    bson_error_t error;
    ot_mongo_options o = OT_MONGO_OPTIONS_INIT;
    ot_storage *st = NULL;
    ot_error err;
    (void)state;
    db_name(db, sizeof db, "oldidx");
    c = mongoc_client_get_collection(client, db, "order_tracking");
    cmd = BCON_NEW("createIndexes", BCON_UTF8("order_tracking"), "indexes", "[", "{", "key",
                   BCON_DOCUMENT(keys), "name", BCON_UTF8("order_id_1"), "}", "]");
    assert_true(mongoc_collection_write_command_with_opts(c, cmd, NULL, &reply, NULL));
    bson_destroy(&reply);
    bson_destroy(cmd);
    bson_destroy(keys);
    assert_int_equal(order_id_index(db), 0);
    o.database = db;
    assert_ot_error(ot_storage_mongo_open(&st, uri, &o, &err), OT_ESTORAGE, err);
    assert_null(st);
    assert_string_equal(err.field, "indexes");
    assert_non_null(strstr(err.message, "order_id_1"));
    assert_non_null(strstr(err.message, "not unique"));
    assert_non_null(strstr(err.message, "dropIndex"));
    assert_int_equal(order_id_index(db), 0);            /* left as it was */

    cmd = BCON_NEW("dropIndexes", BCON_UTF8("order_tracking"), "index", BCON_UTF8("order_id_1"));
    assert_true(mongoc_collection_write_command_with_opts(c, cmd, NULL, &reply, &error));
    bson_destroy(&reply);
    bson_destroy(cmd);
    assert_non_null(st = open_db(db, 0));
    assert_int_equal(order_id_index(db), 1);
    {   /* an order written by an older version: ObjectId _id */
        bson_oid_t oid;
        bson_t *doc;
        bson_oid_init(&oid, NULL);
        doc = BCON_NEW("_id", BCON_OID(&oid), "order_id", BCON_UTF8("o-old"), "store_id",
                       BCON_UTF8("s-2"));
        assert_true(mongoc_collection_insert_one(c, doc, NULL, NULL, &error));
        bson_destroy(doc);
    }
    assert_int_equal(put(st, "o-old", 1, 1, NULL, NULL, NULL), OT_EEXISTS);
    ot_storage_close(st);
    mongoc_collection_destroy(c);
}

static void test_tracker_idempotent(void **state)
{
    char db[64];
    ot_tracker_options to = OT_TRACKER_OPTIONS_INIT;
    ot_request r = OT_REQUEST_INIT;
    ot_storage *st;
    ot_tracker *t = NULL;
    ot_order *o = NULL;
    ot_error err;
    int i;
    (void)state;
    db_name(db, sizeof db, "tracker");
    assert_non_null(st = open_db(db, 0));
    to.storage = st;
    assert_int_equal(ot_tracker_new(&t, &to, &err), 0);
    r.order_id = "o-t";
    r.store_id = "s-1";
    r.customer_id = "c-1";
    r.provider = OT_PROVIDER_INTERNAL;
    r.idempotency_key = "init-1";
    assert_int_equal(ot_tracker_init_order(&o, t, &r, &err), 0);
    ot_order_free(o);
    assert_int_equal(ot_tracker_init_order(&o, t, &r, &err), 0);   /* replayed */
    assert_int_equal(ot_order_version(o), 1);
    ot_order_free(o);
    for (i = 0; i < 2; i++) {   /* the second is a replay: no second effect */
        ot_request s = OT_REQUEST_INIT;
        s.order_id = "o-t";
        s.status = OT_STATUS_STORE_NOTIFIED;
        s.idempotency_key = "notify-1";
        assert_int_equal(ot_tracker_set_status(&o, t, &s, &err), 0);
        assert_int_equal(ot_order_version(o), 2);
        ot_order_free(o);
    }
    assert_int_equal(ot_tracker_get(&o, t, "o-t", &err), 0);
    assert_int_equal(ot_order_history_count(o), 2);
    assert_int_equal(ot_order_verify_history(o, &err), 0);
    ot_order_free(o);
    ot_tracker_free(t);
    ot_storage_close(st);
}

#define WRITERS 4
#define WRITES 5

static void *raise_issues(void *arg)
{
    ot_tracker *t = arg;
    int i, failed = 0;
    for (i = 0; i < WRITES; i++) {
        ot_request r = OT_REQUEST_INIT;
        ot_error err;
        r.order_id = "o-threads";
        r.issue_type = "damaged";
        r.description = "box crushed";
        r.severity = OT_SEVERITY_LOW;
        if (ot_tracker_raise_issue(NULL, t, &r, &err) != 0) {
            fprintf(stderr, "raise_issue: %s\n", err.message);
            failed++;
        }
    }
    return failed ? arg : NULL;
}

/* Threads sharing one storage (the client pool) race on one order: every write lands once,
 * the losers of each compare-and-set reload and retry. */
static void test_threads(void **state)
{
    char db[64];
    ot_tracker_options to = OT_TRACKER_OPTIONS_INIT;
    ot_request r = OT_REQUEST_INIT;
    pthread_t th[WRITERS];
    ot_storage *st;
    ot_tracker *t = NULL;
    ot_order *o = NULL;
    ot_error err;
    int i;
    (void)state;
    db_name(db, sizeof db, "threads");
    assert_non_null(st = open_db(db, 0));
    to.storage = st;
    to.max_retries = 100;
    assert_int_equal(ot_tracker_new(&t, &to, &err), 0);
    r.order_id = "o-threads";
    r.store_id = "s-1";
    r.customer_id = "c-1";
    r.provider = OT_PROVIDER_INTERNAL;
    assert_int_equal(ot_tracker_init_order(NULL, t, &r, &err), 0);
    for (i = 0; i < WRITERS; i++)
        assert_int_equal(pthread_create(&th[i], NULL, raise_issues, t), 0);
    for (i = 0; i < WRITERS; i++) {
        void *failed = NULL;
        pthread_join(th[i], &failed);
        assert_null(failed);
    }
    assert_int_equal(ot_tracker_get(&o, t, "o-threads", &err), 0);
    assert_int_equal(ot_order_version(o), 1 + WRITERS * WRITES);
    assert_int_equal(ot_order_issue_count(o), WRITERS * WRITES);
    assert_int_equal(ot_order_verify_history(o, &err), 0);
    ot_order_free(o);
    ot_tracker_free(t);
    ot_storage_close(st);
}

/* One request, retried: writers on two trackers raise the same issues under the same keys on
 * one order at once. The "late" tracker's clock runs 40 s behind, so to the other its pending
 * keys are older than the lease (MG_PENDING_LEASE_MS): a client that gave up on a slow
 * instance after 30 s and sent the request again to another one. The other fences those
 * writes off and forgets their keys while the late writers retry them. Each key applies once.
 * On FerretDB a delete with a filter is a read, then a delete by `_id`: forgetting a dead
 * pending key outside the order's write lock could remove the key the retried write had just
 * stored, and the request applied twice (tests/scale/three_instances.py found it). */
#define SAME_KEY_WRITERS 12
#define SAME_KEY_KEYS 16

static int64_t late_now(void *userdata)
{
    (void)userdata;
    return ot_clock_now_ms(NULL) - 40000;
}

static void *raise_same_keys(void *arg)
{
    ot_tracker *t = arg;
    int i, failed = 0;
    for (i = 0; i < SAME_KEY_KEYS; i++) {
        char key[32], desc[32];
        int rc, attempt;
        snprintf(key, sizeof key, "same-%d", i);
        snprintf(desc, sizeof desc, "issue %d", i);
        for (attempt = 0; attempt < 50; attempt++) {
            ot_request r = OT_REQUEST_INIT;
            ot_error err;
            r.order_id = "o-same";
            r.issue_type = "damaged";
            r.description = desc;
            r.severity = OT_SEVERITY_LOW;
            r.idempotency_key = key;
            /* in progress elsewhere, or the lock busy: the client sends it again */
            if ((rc = ot_tracker_raise_issue(NULL, t, &r, &err)) != OT_ECONFLICT)
                break;
        }
        if (rc != 0) {
            fprintf(stderr, "raise_issue %s: %s\n", key, ot_strerror(rc));
            failed++;
        }
    }
    return failed ? arg : NULL;
}

static void test_same_key_retried_elsewhere(void **state)
{
    char db[64];
    ot_tracker_options to = OT_TRACKER_OPTIONS_INIT;
    ot_clock late = OT_CLOCK_INIT;
    ot_request r = OT_REQUEST_INIT;
    pthread_t th[SAME_KEY_WRITERS];
    ot_storage *st;
    ot_tracker *t = NULL, *t_late = NULL;
    ot_order *o = NULL;
    ot_error err;
    int i, j, seen[SAME_KEY_KEYS] = {0};
    (void)state;
    db_name(db, sizeof db, "samekey");
    assert_non_null(st = open_db(db, 0));
    to.storage = st;
    to.max_retries = 100;
    assert_int_equal(ot_tracker_new(&t, &to, &err), 0);
    late.now_ms = late_now;
    to.clock = &late;
    assert_int_equal(ot_tracker_new(&t_late, &to, &err), 0);
    r.order_id = "o-same";
    r.store_id = "s-1";
    r.customer_id = "c-1";
    r.provider = OT_PROVIDER_INTERNAL;
    assert_int_equal(ot_tracker_init_order(NULL, t_late, &r, &err), 0);
    for (i = 0; i < SAME_KEY_WRITERS; i++)
        assert_int_equal(pthread_create(&th[i], NULL, raise_same_keys, i % 2 ? t : t_late), 0);
    for (i = 0; i < SAME_KEY_WRITERS; i++) {
        void *failed = NULL;
        pthread_join(th[i], &failed);
        assert_null(failed);
    }
    assert_int_equal(ot_tracker_get(&o, t, "o-same", &err), 0);
    for (i = 0; i < (int)ot_order_issue_count(o); i++) {
        ot_issue_view issue = OT_ISSUE_VIEW_INIT;
        assert_int_equal(ot_order_issue_at(&issue, o, (size_t)i, &err), 0);
        assert_int_equal(sscanf(issue.description, "issue %d", &j), 1);
        seen[j]++;
    }
    for (j = 0; j < SAME_KEY_KEYS; j++)
        if (seen[j] != 1)
            fail_msg("issue %d stored %d times", j, seen[j]);
    assert_int_equal(ot_order_verify_history(o, &err), 0);
    ot_order_free(o);
    ot_tracker_free(t_late);
    ot_tracker_free(t);
    ot_storage_close(st);
}

static mongoc_collection_t *coll(const char *db, const char *name)
{
    return mongoc_client_get_collection(client, db, name);
}

static int64_t count_docs(const char *db, const char *name)
{
    mongoc_collection_t *c = coll(db, name);
    bson_t *all = bson_new();
    int64_t n = mongoc_collection_count_documents(c, all, NULL, NULL, NULL, NULL);
    bson_destroy(all);
    mongoc_collection_destroy(c);
    return n;
}

#define CREATORS 6

struct creator {
    ot_storage *st;
    pthread_barrier_t *start;
    int rc;
};

static void *create_one(void *arg)
{
    struct creator *c = arg;
    pthread_barrier_wait(c->start);
    c->rc = put(c->st, "o-race", 1, 1, NULL, NULL, NULL);
    return NULL;
}

/* Creates of one order id at once: exactly one order, every other create OT_EEXISTS; and a
 * create of that id in another store is OT_EEXISTS too (the order id is the _id). */
static void test_concurrent_creates(void **state)
{
    struct creator c[CREATORS];
    pthread_t th[CREATORS];
    pthread_barrier_t start;
    ot_storage *st;
    ot_storage_record rec;
    ot_order *o, *other = NULL;
    char db[64], *json = NULL, *p;
    size_t len;
    ot_error err;
    int i, created = 0;
    (void)state;
    db_name(db, sizeof db, "race");
    assert_non_null(st = open_db(db, 0));
    pthread_barrier_init(&start, NULL, CREATORS);
    for (i = 0; i < CREATORS; i++) {
        c[i].st = st;
        c[i].start = &start;
        assert_int_equal(pthread_create(&th[i], NULL, create_one, &c[i]), 0);
    }
    for (i = 0; i < CREATORS; i++) {
        pthread_join(th[i], NULL);
        if (c[i].rc == 0)
            created++;
        else
            assert_int_equal(c[i].rc, OT_EEXISTS);
    }
    pthread_barrier_destroy(&start);
    assert_int_equal(created, 1);
    assert_int_equal(count_docs(db, "order_tracking"), 1);

    o = record("o-race", 1, 1, NULL);
    assert_int_equal(ot_order_to_json(&json, &len, o, NULL), 0);
    assert_non_null(p = strstr(json, "\"store_id\":\"s-1\""));
    p[strlen("\"store_id\":\"s-")] = '2';
    assert_int_equal(ot_order_from_json(&other, json, len, NULL), 0);
    assert_int_equal(ot_storage_record_init(&rec, other, 0, NULL), 0);
    assert_ot_error(st->create(st->userdata, &rec, NULL, &err), OT_EEXISTS, err);
    ot_storage_record_release(&rec);
    assert_int_equal(count_docs(db, "order_tracking"), 1);
    ot_free(json);
    ot_order_free(o);
    ot_order_free(other);
    ot_storage_close(st);
}

struct found {
    int calls;
};

static int found_count(void *ctx, const ot_idempotency_record *rec, ot_error *err)
{
    (void)rec;
    (void)err;
    ((struct found *)ctx)->calls++;
    return 0;
}

/* A key document left "pending" by a writer that died between its steps. */
static void insert_pending(const char *db, const char *key, const char *order_id,
                           int64_t version, const char *nonce)
{
    mongoc_collection_t *c = mongoc_client_get_collection(client, db,
                                                          "order_tracking_idempotency");
    bson_t *doc = BCON_NEW("_id", BCON_UTF8(key), "request_hash", BCON_UTF8("h"),
                           "response", BCON_BIN(BSON_SUBTYPE_BINARY, (const uint8_t *)"{}", 2),
                           "created_at", BCON_DATE_TIME(1000), "expires_at",
                           BCON_DATE_TIME(INT64_C(4102444800000)), "state", BCON_UTF8("pending"),
                           "order_id", BCON_UTF8(order_id), "version", BCON_INT64(version),
                           "w", BCON_UTF8(nonce));
    assert_true(mongoc_collection_insert_one(c, doc, NULL, NULL, NULL));
    bson_destroy(doc);
    mongoc_collection_destroy(c);
}

static void test_pending_keys(void **state)
{
    char db[64], nonce[64];
    ot_storage *st;
    ot_idempotency_record k = OT_IDEMPOTENCY_RECORD_INIT;
    struct found f = {0};
    ot_error err;
    bson_t *doc;
    (void)state;
    db_name(db, sizeof db, "pending");
    assert_non_null(st = open_db(db, 0));
    k.key = "k-applied";
    k.request_hash = "h";
    k.response = "{}";
    k.response_len = 2;
    k.created_at_ms = 1000;
    k.expires_at_ms = INT64_C(4102444800000);
    /* a keyed commit that applied: its nonce is in the order */
    assert_int_equal(put(st, "o-p", 1, 1, NULL, &k, NULL), 0);
    assert_non_null(doc = stored_doc(db, "order_tracking", "order_id", "o-p"));
    snprintf(nonce, sizeof nonce, "%s", str_at(doc, "_ot.keys.0"));
    bson_destroy(doc);
    assert_true(strlen(nonce) == 24);
    /* ... but whose key the writer had no time to finalise */
    insert_pending(db, "k-crashed-applied", "o-p", 1, nonce);
    assert_int_equal(st->idem_get(st->userdata, "k-crashed-applied", 2000, found_count, &f,
                                  &err), 0);
    assert_int_equal(f.calls, 1);
    assert_non_null(doc = stored_doc(db, "order_tracking_idempotency", "_id",
                                     "k-crashed-applied"));
    assert_string_equal(str_at(doc, "state"), "done");
    bson_destroy(doc);
    /* a writer that died before its order write, which can no longer apply (the order is
     * past that version): the key is forgotten */
    insert_pending(db, "k-crashed-lost", "o-p", 1, "000000000000000000000000");
    assert_ot_error(st->idem_get(st->userdata, "k-crashed-lost", 2000, found_count, &f, &err),
                    OT_ENOTFOUND, err);
    assert_null(stored_doc(db, "order_tracking_idempotency", "_id", "k-crashed-lost"));
    /* one that still could (version 2 not written yet): in progress, never forgotten */
    insert_pending(db, "k-in-flight", "o-p", 2, "111111111111111111111111");
    assert_ot_error(st->idem_get(st->userdata, "k-in-flight", 2000, found_count, &f, &err),
                    OT_ECONFLICT, err);
    /* ... until its lease runs out: its write is fenced off, then the key is forgotten */
    assert_ot_error(st->idem_get(st->userdata, "k-in-flight", 61000, found_count, &f, &err),
                    OT_ENOTFOUND, err);
    assert_null(stored_doc(db, "order_tracking_idempotency", "_id", "k-in-flight"));
    assert_non_null(doc = stored_doc(db, "order_tracking", "order_id", "o-p"));
    assert_string_equal(str_at(doc, "_ot.fence"), "111111111111111111111111");
    assert_int_equal(int_at(doc, "version"), 1);
    bson_destroy(doc);
    /* and a keyed commit carries the fence condition */
    k.key = "k-next";
    assert_int_equal(put(st, "o-p", 2, 2, NULL, &k, NULL), 0);
    if (using_double()) {
        bson_t *cmd = last_command("update", "order_tracking", db);
        assert_non_null(cmd);
        assert_int_equal(count_keys(cmd, "updates.0.q"), 3);
        assert_int_equal(dotted_type(cmd, "updates.0.q", "_ot.fence"), BSON_TYPE_DOCUMENT);
        assert_int_equal(dotted_type(cmd, "updates.0.u.$push", "_ot.keys"), BSON_TYPE_DOCUMENT);
        bson_destroy(cmd);
    }
    ot_storage_close(st);
}

static void test_legacy_orders(void **state)
{
    char db[64];
    ot_storage *st;
    mongoc_collection_t *c;
    bson_t *doc;
    (void)state;
    db_name(db, sizeof db, "legacy");
    c = mongoc_client_get_collection(client, db, "orders");
    doc = BCON_NEW("awb", BCON_UTF8("AWB9"), "status", BCON_UTF8("pending"));
    assert_true(mongoc_collection_insert_one(c, doc, NULL, NULL, NULL));
    bson_destroy(doc);
    mongoc_collection_destroy(c);
    assert_non_null(st = open_db(db, 1));
    assert_int_equal(put(st, "o-l", 1, 1, "AWB9", NULL, NULL), 0);
    assert_int_equal(put(st, "o-l", 2, 2, "AWB9", NULL, NULL), 0);
    assert_non_null(doc = stored_doc(db, "orders", "awb", "AWB9"));
    assert_string_equal(str_at(doc, "status"), "in transit");
    assert_int_equal(bson_count_keys(doc), 3);   /* _id, awb, status: nothing added */
    bson_destroy(doc);
    assert_non_null(doc = stored_doc(db, "orderTracking", "status", "store_notified"));
    assert_string_equal(str_at(doc, "awb"), "AWB9");
    assert_int_equal(int_at(doc, "seq"), 1);
    assert_int_equal(type_at(doc, "timestamp"), BSON_TYPE_DATE_TIME);
    bson_destroy(doc);
    c = mongoc_client_get_collection(client, db, "orderTracking");
    doc = bson_new();
    assert_int_equal(mongoc_collection_count_documents(c, doc, NULL, NULL, NULL, NULL), 2);
    bson_destroy(doc);
    mongoc_collection_destroy(c);
    ot_storage_close(st);
}

/* Whether the server at `client` is FerretDB (buildInfo names ferretdbVersion). */
static int is_ferretdb(mongoc_client_t *c)
{
    bson_t *cmd = BCON_NEW("buildInfo", BCON_INT32(1)), reply;
    bson_iter_t it;
    int yes = mongoc_client_command_simple(c, "admin", cmd, NULL, &reply, NULL) &&
              bson_iter_init_find(&it, &reply, "ferretdbVersion");
    bson_destroy(&reply);
    bson_destroy(cmd);
    return yes;
}

/* Where FerretDB differs (docs/mongo.md, "FerretDB"): against the double in its --ferretdb
 * mode (with the commands sent), or a real FerretDB from OT_TEST_MONGODB_URI. No TTL index:
 * open works and keyed writes delete expired keys; commits hold the order's write lock, which
 * a dead holder's stale lock does not block; null history members reach orderTracking. */
static void test_ferretdb(void **state)
{
    struct double_proc ferret = {.pid = -1, .in = -1};
    mongoc_client_t *saved = client;
    ot_idempotency_record k = OT_IDEMPOTENCY_RECORD_INIT;
    char db[64];
    const char *server = uri;
    mongoc_collection_t *keys;
    ot_storage *st;
    bson_t *doc, *cmd;
    (void)state;
    if (using_double()) {
        mongoc_uri_t *u;
        assert_int_equal(start_double(&ferret, "--ferretdb"), 0);
        server = ferret.uri;
        assert_non_null(u = mongoc_uri_new(server));
        client = mongoc_client_new_from_uri(u);   /* the helpers read this server now */
        mongoc_uri_destroy(u);
    } else if (!is_ferretdb(client)) {
        skip();
    }
    db_name(db, sizeof db, "ferret");
    keys = coll(db, "order_tracking_idempotency");
    /* a key past its ttl_at, and the lock of a writer that died 60 s ago */
    doc = BCON_NEW("_id", BCON_UTF8("k-old"), "request_hash", BCON_UTF8("h"),
                   "ttl_at", BCON_DATE_TIME(1000), "expires_at", BCON_DATE_TIME(1000));
    assert_true(mongoc_collection_insert_one(keys, doc, NULL, NULL, NULL));
    bson_destroy(doc);
    doc = BCON_NEW("_id", "{", "lock", BCON_UTF8("o-f"), "}", "w", BCON_UTF8("dead"),
                   "at", BCON_DATE_TIME((int64_t)time(NULL) * 1000 - 60000),
                   "ttl_at", BCON_DATE_TIME((int64_t)time(NULL) * 1000 + 3600000));
    assert_true(mongoc_collection_insert_one(keys, doc, NULL, NULL, NULL));
    bson_destroy(doc);
    mongoc_collection_destroy(keys);

    assert_non_null(st = open_at(server, db, 1));   /* the TTL index refused: still opens */
    k.key = "k-f1";
    k.request_hash = "h";
    k.response = "{}";
    k.response_len = 2;
    k.created_at_ms = 1000;
    k.expires_at_ms = INT64_C(4102444800000);
    assert_int_equal(put(st, "o-f", 1, 1, "AWB-F", &k, NULL), 0);
    assert_null(stored_doc(db, "order_tracking_idempotency", "_id", "k-old"));   /* swept */
    k.key = "k-f2";
    assert_int_equal(put(st, "o-f", 2, 2, "AWB-F", &k, NULL), 0);   /* the dead lock taken over */
    ot_storage_close(st);
    assert_non_null(doc = stored_doc(db, "order_tracking", "order_id", "o-f"));
    assert_int_equal(int_at(doc, "version"), 2);
    assert_int_equal(type_at(doc, "substitutions"), BSON_TYPE_ARRAY);
    bson_destroy(doc);
    assert_int_equal(count_docs(db, "order_tracking_idempotency"), 2);   /* no lock left */
    assert_non_null(doc = stored_doc(db, "orderTracking", "status", "store_notified"));
    assert_int_equal(type_at(doc, "notes"), BSON_TYPE_NULL);
    bson_destroy(doc);
    {   /* `_ot.keys` stays bounded although FerretDB ignores `$slice`: the adapter sets the
         * last 63 nonces it read under the lock and the new one */
        char key[16];
        int64_t v;
        assert_non_null(st = open_at(server, db, 0));
        for (v = 3; v <= 70; v++) {
            snprintf(key, sizeof key, "k-s%d", (int)v);
            k.key = key;
            assert_int_equal(put(st, "o-f", v, 2, "AWB-F", &k, NULL), 0);
        }
        ot_storage_close(st);
        assert_non_null(doc = stored_doc(db, "order_tracking", "order_id", "o-f"));
        assert_int_equal(count_keys(doc, "_ot.keys"), 64);
        assert_string_equal(str_at(doc, "_ot.keys.63"), str_at(doc, "_ot.w"));
        bson_destroy(doc);
    }

    if (using_double()) {
        /* the commit: the lock taken (an insert), the update, the lock released */
        assert_non_null(cmd = logged_command(ferret.log, "insert", "order_tracking_idempotency",
                                             db, 4));   /* k-old, dead lock, k-f1, k-f2 */
        assert_string_equal(str_at(cmd, "documents.0._id.lock"), "o-f");
        bson_destroy(cmd);
        assert_non_null(cmd = logged_command(ferret.log, "delete", "order_tracking_idempotency",
                                             db, -1));
        assert_string_equal(str_at(cmd, "deletes.0.q._id.lock"), "o-f");
        assert_int_equal(type_at(cmd, "deletes.0.q.w"), BSON_TYPE_UTF8);
        bson_destroy(cmd);
        /* the sweep, on the first keyed write */
        assert_non_null(cmd = logged_command(ferret.log, "delete", "order_tracking_idempotency",
                                             db, 1));   /* after key_purge's */
        assert_int_equal(type_at(cmd, "deletes.0.q.ttl_at.$lte"), BSON_TYPE_DATE_TIME);
        assert_int_equal(int_at(cmd, "deletes.0.limit"), 0);
        bson_destroy(cmd);
        /* the history entry's null notes by $set */
        assert_non_null(cmd = last_command_in(ferret.log, "update", "orderTracking", db));
        assert_int_equal(type_at(cmd, "updates.0.u.$set.notes"), BSON_TYPE_NULL);
        assert_int_equal(type_at(cmd, "updates.0.u.$setOnInsert.notes"), BSON_TYPE_EOD);
        bson_destroy(cmd);
        mongoc_client_destroy(client);
        client = saved;
        stop_double(&ferret);
        unlink(ferret.log);
    }
}

/* `uri` with `extra` (options) appended to its query string. */
static void uri_with(char *out, size_t size, const char *extra)
{
    const char *hosts = strstr(uri, "://") + 3;
    snprintf(out, size, "%s%s%s", uri,
             strchr(uri, '?') ? "&" : strchr(hosts, '/') ? "?" : "/?", extra);
}

static int mongoc_warnings;   /* libmongoc warnings about URI options seen */

static void count_uri_warnings(mongoc_log_level_t level, const char *domain,
                               const char *message, void *data)
{
    (void)domain;
    (void)data;
    if (level <= MONGOC_LOG_LEVEL_WARNING && strstr(message, "URI option"))
        mongoc_warnings++;
}

static void insert_legacy_order(const char *db, const char *name, const char *field,
                                const char *awb)
{
    mongoc_collection_t *c = coll(db, name);
    bson_t *doc = BCON_NEW(field, BCON_UTF8(awb), "status", BCON_UTF8("pending"));
    assert_true(mongoc_collection_insert_one(c, doc, NULL, NULL, NULL));
    bson_destroy(doc);
    mongoc_collection_destroy(c);
}

/* The seed 001 options through the connection string alone (what ordertrackd, the poller
 * and the bindings pass): honoured, and none of them reaches libmongoc. */
static void test_uri_options(void **state)
{
    ot_mongo_options o = OT_MONGO_OPTIONS_INIT;
    char db[64], u[1024];
    ot_storage *st = NULL;
    ot_error err;
    bson_t *doc;
    (void)state;
    db_name(db, sizeof db, "urio");
    insert_legacy_order(db, "shipments", "awb_no", "AWB-U1");
    uri_with(u, sizeof u, "OT.legacyOrders=TRUE&ot.ordersCollection=shipments"
             "&ot.ordersMatchField=awb_no&ot.historyCollection=shipment%5Fhistory"
             "&ot.collection=tracked&ot.idempotencyCollection=keys&ot.createIndexes=false");
    o.database = db;
    mongoc_warnings = 0;
    mongoc_log_set_handler(count_uri_warnings, NULL);
    assert_int_equal(ot_storage_mongo_open(&st, u, &o, &err), 0);
    mongoc_log_set_handler(mongoc_log_default_handler, NULL);
    assert_int_equal(mongoc_warnings, 0);   /* libmongoc never saw an ot.* option */
    assert_int_equal(put(st, "o-u", 1, 1, "AWB-U1", NULL, NULL), 0);
    assert_int_equal(put(st, "o-u", 2, 2, "AWB-U1", NULL, NULL), 0);
    ot_storage_close(st);

    assert_non_null(doc = stored_doc(db, "shipments", "awb_no", "AWB-U1"));
    assert_string_equal(str_at(doc, "status"), "in transit");
    assert_int_equal(bson_count_keys(doc), 3);
    bson_destroy(doc);
    assert_int_equal(count_docs(db, "shipment_history"), 2);
    assert_int_equal(count_docs(db, "tracked"), 1);
    assert_int_equal(count_docs(db, "orderTracking"), 0);
    assert_int_equal(count_docs(db, "order_tracking"), 0);
    if (using_double()) {   /* ot.createIndexes=false: no createIndexes sent */
        bson_t *cmd = last_command("createIndexes", NULL, db);
        assert_null(cmd);
    }

    /* only the URI: the database from its path, libmongoc's options kept in their order */
    {
        char base[600], *q;
        snprintf(base, sizeof base, "%s", uri);
        db_name(db, sizeof db, "urip");
        if ((q = strchr(base, '?')))
            *q = '\0';
        if (!strchr(strstr(base, "://") + 3, '/'))
            strcat(base, "/");
        snprintf(u, sizeof u, "%s%s?ot.legacyOrders=true&retryWrites=true%s%s",
                 base, db, q ? "&" : "", q ? q + 1 : "");
        insert_legacy_order(db, "orders", "awb", "AWB-U2");
        assert_int_equal(ot_storage_mongo_open(&st, u, NULL, &err), 0);
        assert_int_equal(put(st, "o-p", 1, 1, "AWB-U2", NULL, NULL), 0);
        ot_storage_close(st);
        assert_non_null(doc = stored_doc(db, "orders", "awb", "AWB-U2"));
        assert_string_equal(str_at(doc, "status"), "in transit");
        bson_destroy(doc);
        assert_int_equal(count_docs(db, "orderTracking"), 1);
    }
}

/* Every ot.* option is honoured or refused with an error naming it; nothing is opened. */
static void test_uri_options_refused(void **state)
{
    static const struct {
        const char *extra, *names;
    } bad[] = {
        {"ot.legacyOrder=true", "ot.legacyOrder"},                   /* unknown */
        {"ot.=1", "ot."},
        {"ot.&w=1", "ot."},
        {"ot.legacyOrders=yes", "ot.legacyOrders"},                  /* not a boolean */
        {"ot.legacyOrders", "ot.legacyOrders"},                      /* no value */
        {"ot.legacyOrders=true&ot.legacyorders=true", "ot.legacyOrders"},   /* twice */
        {"ot.ordersCollection=legacy", "ot.ordersCollection"},       /* no effect alone */
        {"ot.legacyOrders=true&ot.historyCollection=", "ot.historyCollection"},
        {"ot.legacyOrders=true&ot.historyCollection=a%24b", "history_collection"},
        {"ot.legacyOrders=true&ot.ordersMatchField=a.b", "orders_match_field"},
        {"ot.collection=x%2", "ot.collection"},                      /* bad escape */
        {"ot.collection=x%00y", "ot.collection"},
    };
    ot_mongo_options o = OT_MONGO_OPTIONS_INIT;
    char u[1024];
    ot_storage *st = (ot_storage *)&st;
    ot_error err;
    size_t i;
    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uri_with(u, sizeof u, bad[i].extra);
        assert_ot_error(ot_storage_mongo_open(&st, u, NULL, &err), OT_EINVAL, err);
        assert_null(st);
        if (!strstr(err.message, bad[i].names))
            fail_msg("%s: \"%s\" does not name %s", bad[i].extra, err.message, bad[i].names);
    }
    /* contradicting the options struct */
    o.legacy_orders = 1;
    uri_with(u, sizeof u, "ot.legacyOrders=false");
    assert_ot_error(ot_storage_mongo_open(&st, u, &o, &err), OT_EINVAL, err);
    assert_non_null(strstr(err.message, "legacy_orders"));
    o.orders_collection = "orders";
    uri_with(u, sizeof u, "ot.ordersCollection=other");
    assert_ot_error(ot_storage_mongo_open(&st, u, &o, &err), OT_EINVAL, err);
    assert_non_null(strstr(err.message, "orders_collection"));
    /* a legacy member of the struct without legacy_orders is refused too */
    o.legacy_orders = 0;
    assert_ot_error(ot_storage_mongo_open(&st, uri, &o, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "orders_collection");
}

/* With PII on, the seed 001 collections hold no personal data in clear: orders gets the
 * status only, orderTracking the sealed entries as stored (tokens, never plaintext). */
static void test_legacy_orders_pii(void **state)
{
    static const unsigned char key[32] = "0123456789abcdef0123456789abcdef";
    static const char *const secrets[] = {"cust-secret-42", "Ravi Kumar", "+919800000001"};
    static const char *const colls[] = {"orders", "orderTracking"};
    ot_tracker_options to = OT_TRACKER_OPTIONS_INIT;
    ot_request r = OT_REQUEST_INIT;
    ot_update up = OT_UPDATE_INIT;
    ot_mongo_options mo = OT_MONGO_OPTIONS_INIT;
    char db[64], u[1024];
    ot_storage *st;
    ot_tracker *t = NULL;
    ot_pii *pii = NULL;
    ot_order *o = NULL;
    ot_error err;
    size_t i, j, entries;
    int tokens = 0;
    (void)state;
    db_name(db, sizeof db, "pii");
    insert_legacy_order(db, "orders", "awb", "AWB-P1");
    uri_with(u, sizeof u, "ot.legacyOrders=true");
    mo.database = db;
    assert_int_equal(ot_storage_mongo_open(&st, u, &mo, &err), 0);
    assert_int_equal(ot_pii_new_static(&pii, "k1", key, sizeof key, &err), 0);
    to.storage = st;
    to.pii = pii;
    assert_int_equal(ot_tracker_new(&t, &to, &err), 0);
    r.order_id = "o-pii";
    r.store_id = "s-1";
    r.customer_id = secrets[0];
    r.provider = OT_PROVIDER_DELHIVERY;
    r.tracking_id = "AWB-P1";
    assert_int_equal(ot_tracker_init_order(&o, t, &r, &err), 0);
    ot_order_free(o);
    /* the store's steps, then a driver (a parcel courier's pickup agent) */
    r.customer_id = NULL;
    r.status = OT_STATUS_STORE_NOTIFIED;
    if (ot_tracker_set_status(&o, t, &r, &err) != 0)
        fail_msg("notify: %s", err.message);
    ot_order_free(o);
    assert_int_equal(ot_tracker_store_acknowledge(&o, t, &r, &err), 0);
    ot_order_free(o);
    assert_int_equal(ot_tracker_start_picking(&o, t, &r, &err), 0);
    ot_order_free(o);
    assert_int_equal(ot_tracker_ready(&o, t, &r, &err), 0);
    ot_order_free(o);
    r.driver_id = "d-1";
    r.driver_name = secrets[1];
    r.driver_phone = secrets[2];
    r.vehicle_type = "bike";
    if (ot_tracker_assign_driver(&o, NULL, t, &r, &err) != 0)
        fail_msg("assign: %s", err.message);
    ot_order_free(o);
    up.provider = OT_PROVIDER_DELHIVERY;
    up.tracking_id = "AWB-P1";
    up.raw_status = "In Transit";
    up.shipment_status = OT_SHIPMENT_IN_TRANSIT;
    up.event_time_ms = 1795500000000;
    up.driver_name = secrets[1];
    up.driver_phone = secrets[2];
    up.location = "Delhi hub";
    if (ot_tracker_apply_update(&o, t, &up, NULL, &err) != 0)
        fail_msg("apply_update: %s", err.message);
    entries = ot_order_history_count(o);
    ot_order_free(o);

    for (i = 0; i < 2; i++) {
        mongoc_collection_t *c = coll(db, colls[i]);
        bson_t *all = bson_new();
        mongoc_cursor_t *cur = mongoc_collection_find_with_opts(c, all, NULL, NULL);
        const bson_t *doc;
        while (mongoc_cursor_next(cur, &doc)) {
            char *json = bson_as_canonical_extended_json(doc, NULL);
            for (j = 0; j < sizeof secrets / sizeof secrets[0]; j++)
                if (strstr(json, secrets[j]))
                    fail_msg("%s holds \"%s\" in clear: %s", colls[i], secrets[j], json);
            for (const char *p = json; (p = strstr(p, "otpii:v1:")); p++)
                tokens++;
            bson_free(json);
        }
        mongoc_cursor_destroy(cur);
        bson_destroy(all);
        mongoc_collection_destroy(c);
    }
    /* the created entry's customer_id and the driver_assigned entry's name and phone were
     * copied into orderTracking as tokens */
    assert_int_equal(tokens, 3);
    {
        bson_t *doc = stored_doc(db, "orders", "awb", "AWB-P1");
        assert_non_null(doc);
        assert_string_equal(str_at(doc, "status"), "in transit");
        bson_destroy(doc);
    }
    assert_int_equal(count_docs(db, "orderTracking"), (int64_t)entries);
    ot_tracker_free(t);
    ot_pii_free(pii);
    ot_storage_close(st);
}

static void test_failures(void **state)
{
    ot_mongo_options o = OT_MONGO_OPTIONS_INIT;
    ot_storage *st = (ot_storage *)&st;
    ot_error err;
    char db[64];
    (void)state;
    mongoc_log_set_handler(NULL, NULL);   /* libmongoc's own logging of the failures */
    /* nobody listens: OT_ESTORAGE with libmongoc's message */
    assert_ot_error(ot_storage_mongo_open(&st, "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=300",
                                          NULL, &err), OT_ESTORAGE, err);
    assert_null(st);
    assert_non_null(strstr(err.message, "mongodb"));
    assert_ot_error(ot_storage_mongo_open(&st, "http://nope", NULL, &err), OT_EINVAL, err);
    assert_ot_error(ot_storage_mongo_open(NULL, uri, NULL, &err), OT_EINVAL, err);
    o.version = 99;
    assert_ot_error(ot_storage_mongo_open(&st, uri, &o, &err), OT_EVERSION, err);
    assert_ot_error(ot_mongo_options_init(&o, 2, &err), OT_EVERSION, err);
    assert_int_equal(ot_mongo_options_init(&o, 1, &err), 0);
    o.collection = "bad$name";
    assert_ot_error(ot_storage_mongo_open(&st, uri, &o, &err), OT_EINVAL, err);
    if (!using_double())
        return;
    /* the server goes away mid-session: the write fails with OT_ESTORAGE, nothing resent */
    db_name(db, sizeof db, "down");
    {
        char down_uri[600];
        ot_mongo_options d = OT_MONGO_OPTIONS_INIT;
        d.database = db;
        snprintf(down_uri, sizeof down_uri, "%s", uri);
        assert_int_equal(ot_storage_mongo_open(&st, down_uri, &d, &err), 0);
        assert_int_equal(put(st, "o-d", 1, 1, NULL, NULL, NULL), 0);
        kill(dbl.pid, SIGKILL);
        stop_double(&dbl);
        assert_ot_error(put(st, "o-d", 2, 2, NULL, NULL, &err), OT_ESTORAGE, err);
        assert_non_null(strstr(err.message, "mongodb"));
        ot_storage_close(st);
    }
}

/* Allocation-failure sweep of the adapter's writes (issue 10): create then commit a fresh
 * order; each injected failure must surface as an error and leave the order absent, at
 * version 1 or at version 2 — never half-written. libmongoc's and libbson's own allocations
 * do not go through the library's hooks and are out of the sweep's reach. */
struct sweep_ctx {
    ot_storage *st;
    char order_id[64];
    int run;
};

/* Write `o` (create at version 1, else commit) with allocations counted and failed. */
static int sweep_put(ot_storage *st, ot_order *o, int64_t version)
{
    ot_storage_record rec;
    int rc = ot_storage_record_init(&rec, o, version == 1 ? 0 : (size_t)version - 1, NULL);
    if (rc == 0) {
        rc = version == 1 ? st->create(st->userdata, &rec, NULL, NULL)
                          : st->commit(st->userdata, version - 1, &rec, NULL, NULL);
        ot_storage_record_release(&rec);
    }
    return rc;
}

static int sweep_write(void *ctx)
{
    struct sweep_ctx *c = ctx;
    ot_order *v1, *v2;
    int rc;
    snprintf(c->order_id, sizeof c->order_id, "sweep-%d", c->run++);
    /* the records are test fixtures: built outside the sweep's reach */
    alloc_sweep_pause();
    v1 = record(c->order_id, 1, 1, NULL);
    v2 = record(c->order_id, 2, 2, NULL);
    alloc_sweep_resume();
    rc = sweep_put(c->st, v1, 1);
    if (rc == 0)
        rc = sweep_put(c->st, v2, 2);
    alloc_sweep_pause();
    ot_order_free(v1);
    ot_order_free(v2);
    alloc_sweep_resume();
    return rc;
}

static int sweep_state(void *ctx, int rc)
{
    struct sweep_ctx *c = ctx;
    ot_order *o = NULL;
    int64_t v = 0;
    if (c->st->load(c->st->userdata, c->order_id, &o, NULL) == 0) {
        /* the synthetic records carry one history entry per version */
        v = ot_order_version(o);
        if ((int64_t)ot_order_history_count(o) != v)
            v = -1;
        ot_order_free(o);
    }
    return rc == 0 ? (v == 2 ? 0 : -1) : (v >= 0 && v <= 2 ? 0 : -1);
}

static void test_allocation_failures(void **state)
{
    struct sweep_ctx c;
    struct alloc_sweep_stats stats;
    char db[64];
    (void)state;
    memset(&c, 0, sizeof c);
    db_name(db, sizeof db, "sweep");
    assert_non_null(c.st = open_db(db, 0));
    assert_int_equal(alloc_sweep_run("mongo create+commit", sweep_write, &c, sweep_state, &stats),
                     0);
    assert_true(stats.allocations > 0);
    ot_storage_close(c.st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conformance),
        cmocka_unit_test(test_registry_schemes),
        cmocka_unit_test(test_commands_and_types),
        cmocka_unit_test(test_existing_indexes),
        cmocka_unit_test(test_non_unique_order_id_index),
        cmocka_unit_test(test_tracker_idempotent),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_same_key_retried_elsewhere),
        cmocka_unit_test(test_concurrent_creates),
        cmocka_unit_test(test_ferretdb),
        cmocka_unit_test(test_pending_keys),
        cmocka_unit_test(test_legacy_orders),
        cmocka_unit_test(test_uri_options),
        cmocka_unit_test(test_uri_options_refused),
        cmocka_unit_test(test_legacy_orders_pii),
        cmocka_unit_test(test_allocation_failures),
        cmocka_unit_test(test_failures),   /* last: it stops the double */
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
