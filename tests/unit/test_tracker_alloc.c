/* Allocation-failure sweep of every tracker operation (all writes, the reads, list, an
 * idempotent replay) over the memory adapter, and the writes over the SQLite adapter (its
 * commit and its cache of decoded records allocate through ot_malloc, each case on a warm
 * and on a cold cache; SQLite's own allocations do not go through the hooks and are out of
 * scope). Each allocation of the operation fails in turn, one at a time
 * (tests/support/alloc_sweep.c); set-up and checks are not counted. Every run answers
 * OT_ENOMEM or succeeds, never crashes or leaks, and the store is either byte-for-byte
 * unchanged (failed runs, replays, reads) or holds exactly what the clean run stored.
 * Built into test_out_of_memory (test_out_of_memory.c), which prints the total. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_util.h"
#include <ordertrack/adapters/memory.h>
#ifdef OT_TEST_WITH_SQLITE
#include <ordertrack/adapters/sqlite.h>
#endif
#include <ordertrack/sys/clock.h>

#include "alloc_sweep.h"
#include "test_sweeps.h"

/* How far the hyperlocal order "o" is taken before the operation runs. */
enum stage {
    ST_CREATED,      /* "o" submitted, parcel "p" (delhivery AWB0) submitted */
    ST_NOTIFIED,     /* store_notified */
    ST_ACKED,        /* store_acknowledged */
    ST_PICKING,      /* picking_in_progress */
    ST_SUBST,        /* a substitution pending */
    ST_READY,        /* ready_for_pickup */
    ST_ASSIGNED,     /* driver assigned, one location, one open issue */
    ST_PICKED,       /* driver pickup complete, in transit */
    ST_KEYED         /* created + the keyed issue of op_issue_keyed already applied */
};

enum backend { BACKEND_MEMORY, BACKEND_SQLITE };

struct env {
    ot_storage *storage;
    ot_tracker *tracker;
    ot_storage *file;     /* SQLite: a second handle without a cache, reading the file */
};

typedef int (*op_fn)(struct env *e, ot_error *err);

struct sweep_case {
    const char *name;
    op_fn op;
    enum stage stage;
    int creates;          /* adds order "o2" */
    int sqlite;           /* also swept over the SQLite adapter (its commit paths) */
};

struct ctx {
    const struct sweep_case *c;
    enum backend backend;
    char path[64];
    char *expected;       /* what the clean run stored (libc memory) */
    int wrong;            /* the last run left a wrong state */
    int cold;             /* SQLite: the operation runs on a freshly opened handle */
};

static int64_t fixed_clock(void *ud)
{
    (void)ud;
    return 1763900000000; /* deterministic timestamps, so stores compare byte for byte */
}

static ot_request base(void)
{
    ot_request r = OT_REQUEST_INIT;
    r.order_id = "o";
    r.store_id = "s";
    r.customer_id = "c";
    r.updated_by = "u";
    return r;
}

static int op_init(struct env *e, ot_error *err)
{
    ot_request r = base();
    r.provider = OT_PROVIDER_DELHIVERY;
    r.tracking_id = "AWB1";
    r.order_id = "o2";
    r.metadata_json = "{\"a\":[1,2,{\"b\":null}]}";
    r.idempotency_key = "k-init";
    return ot_tracker_init_order(NULL, e->tracker, &r, err);
}

static int op_status(struct env *e, ot_error *err)
{
    ot_request r = base();
    r.status = OT_STATUS_STORE_NOTIFIED;
    r.metadata_json = "{\"why\":\"test\"}";
    return ot_tracker_set_status(NULL, e->tracker, &r, err);
}

static int op_issue_keyed(struct env *e, ot_error *err)
{
    ot_request r = base();
    r.issue_type = "t";
    r.description = "d";
    r.severity = OT_SEVERITY_HIGH;
    r.idempotency_key = "k-issue";
    return ot_tracker_raise_issue(NULL, e->tracker, &r, err);
}

static int op_accept(struct env *e, ot_error *err)
{
    ot_request r = base();
    return ot_tracker_store_acknowledge(NULL, e->tracker, &r, err);
}

static int op_reject(struct env *e, ot_error *err)
{
    ot_request r = base();
    r.rejected = 1;
    r.reason = "closed";
    r.reassign_to = "s2";
    return ot_tracker_store_acknowledge(NULL, e->tracker, &r, err);
}

static int op_start_picking(struct env *e, ot_error *err)
{
    ot_request r = base();
    return ot_tracker_start_picking(NULL, e->tracker, &r, err);
}

static int op_add_substitution(struct env *e, ot_error *err)
{
    ot_request r = base();
    r.original_item_id = "i1";
    r.substitute_item_id = "i2";
    r.reason = "out of stock";
    r.price_difference = -1.25;
    return ot_tracker_add_substitution(NULL, e->tracker, &r, err);
}

static int op_respond_substitution(struct env *e, ot_error *err)
{
    ot_request r = base();
    r.original_item_id = "i1";
    r.approved = 1;
    return ot_tracker_respond_substitution(NULL, e->tracker, &r, err);
}

static int op_ready(struct env *e, ot_error *err)
{
    ot_request r = base();
    return ot_tracker_ready(NULL, e->tracker, &r, err);
}

static int op_assign(struct env *e, ot_error *err)
{
    ot_request r = base();
    r.driver_id = "d1";
    r.driver_name = "Dee";
    r.driver_phone = "+15550100";
    r.vehicle_type = "bike";
    r.tracking_url = "https://t.example/o";
    return ot_tracker_assign_driver(NULL, NULL, e->tracker, &r, err);
}

static int op_assign_no_driver(struct env *e, ot_error *err)
{
    ot_request r = base();
    int64_t retry = 0;
    return ot_tracker_assign_driver(NULL, &retry, e->tracker, &r, err);
}

static int op_location(struct env *e, ot_error *err)
{
    ot_request r = base();
    r.latitude = 12.75;
    r.longitude = 77.5;
    r.has_accuracy = 1;
    r.accuracy = 4;
    r.time_ms = 1763900000500;
    return ot_tracker_update_location(NULL, e->tracker, &r, err);
}

static int op_location_earlier(struct env *e, ot_error *err)
{
    ot_request r = base();
    r.latitude = 12.5;
    r.longitude = 77.25;
    r.time_ms = 1763900000100;
    return ot_tracker_update_location(NULL, e->tracker, &r, err);
}

static int op_pickup(struct env *e, ot_error *err)
{
    ot_request r = base();
    return ot_tracker_pickup(NULL, e->tracker, &r, err);
}

static int op_delivered(struct env *e, ot_error *err)
{
    ot_request r = base();
    return ot_tracker_delivered(NULL, e->tracker, &r, err);
}

static int op_resolve(struct env *e, ot_error *err)
{
    ot_request r = base();
    r.issue_index = 0;
    r.resolution = "fixed";
    return ot_tracker_resolve_issue(NULL, e->tracker, &r, err);
}

static int op_courier(struct env *e, ot_error *err)
{
    ot_update u = OT_UPDATE_INIT;
    u.provider = OT_PROVIDER_DELHIVERY;
    u.tracking_id = "AWB0";
    u.event_id = "ev";
    u.raw_status = "In Transit";
    u.shipment_status = OT_SHIPMENT_IN_TRANSIT;
    return ot_tracker_apply_update(NULL, e->tracker, &u, "k-courier", err);
}

static int op_get(struct env *e, ot_error *err)
{
    ot_order *o = NULL;
    int rc = ot_tracker_get(&o, e->tracker, "o", err);
    ot_order_free(o);
    return rc;
}

static int op_history(struct env *e, ot_error *err)
{
    char *json = NULL;
    int rc = ot_tracker_history(&json, NULL, e->tracker, "o", err);
    ot_free(json);
    return rc;
}

static int op_live_location(struct env *e, ot_error *err)
{
    char *json = NULL;
    int rc = ot_tracker_live_location(&json, NULL, e->tracker, "o", err);
    ot_free(json);
    return rc;
}

static int op_list(struct env *e, ot_error *err)
{
    ot_list_request l = OT_LIST_REQUEST_INIT;
    char *json = NULL;
    int rc = ot_tracker_list(&json, NULL, e->tracker, &l, err);
    ot_free(json);
    return rc;
}

static int op_list_filtered(struct env *e, ot_error *err)
{
    ot_list_request l = OT_LIST_REQUEST_INIT;
    char *json = NULL;
    int rc;
    l.provider = OT_PROVIDER_DELHIVERY;
    l.shipment_active = 1;
    l.limit = 1;
    rc = ot_tracker_list(&json, NULL, e->tracker, &l, err);
    ot_free(json);
    return rc;
}

static const struct sweep_case cases[] = {
    {"init", op_init, ST_CREATED, 1, 1},
    {"set_status", op_status, ST_CREATED, 0, 1},
    {"raise_issue with a key", op_issue_keyed, ST_CREATED, 0, 1},
    {"idempotent replay", op_issue_keyed, ST_KEYED, 0, 1},
    {"acknowledge", op_accept, ST_NOTIFIED, 0, 0},
    {"reject and reassign", op_reject, ST_NOTIFIED, 0, 1},
    {"start_picking", op_start_picking, ST_ACKED, 0, 0},
    {"add_substitution", op_add_substitution, ST_PICKING, 0, 0},
    {"respond_substitution", op_respond_substitution, ST_SUBST, 0, 0},
    {"ready", op_ready, ST_PICKING, 0, 0},
    {"assign_driver", op_assign, ST_READY, 0, 1},
    {"assign_driver without a driver", op_assign_no_driver, ST_READY, 0, 0},
    {"update_location", op_location, ST_ASSIGNED, 0, 0},
    {"pickup", op_pickup, ST_ASSIGNED, 0, 0},
    {"delivered", op_delivered, ST_PICKED, 0, 0},
    {"resolve_issue", op_resolve, ST_ASSIGNED, 0, 0},
    {"courier update", op_courier, ST_CREATED, 0, 1},
    {"get", op_get, ST_ASSIGNED, 0, 0},
    {"history", op_history, ST_ASSIGNED, 0, 0},
    {"live_location", op_live_location, ST_ASSIGNED, 0, 0},
    {"list", op_list, ST_ASSIGNED, 0, 0},
    {"list filtered", op_list_filtered, ST_ASSIGNED, 0, 0},
};

static void must(int rc, const char *what, const ot_error *err)
{
    if (rc != 0)
        fail_msg("set-up %s: %s (%s)", what, ot_code_name(rc), err->message);
}

/* The store (SQLite: on the existing file, or a fresh one when `fresh`) and its tracker. */
static void open_env(struct env *e, const struct ctx *x, int fresh)
{
    static const ot_clock clock = {OT_CLOCK_VERSION, NULL, fixed_clock, NULL};
    ot_tracker_options o = OT_TRACKER_OPTIONS_INIT;
    ot_error err;

    ot_error_clear(&err);
    if (x->backend == BACKEND_MEMORY) {
        must(ot_storage_memory_new(&e->storage, &err), "memory", &err);
    } else {
#ifdef OT_TEST_WITH_SQLITE
        ot_sqlite_options so = OT_SQLITE_OPTIONS_INIT;
        so.synchronous = OT_SQLITE_SYNC_OFF;
        if (fresh)
            ot_test_remove_db(x->path);
        must(ot_storage_sqlite_open(&e->storage, x->path, &so, &err), "sqlite", &err);
        so.cache_records = 0;
        must(ot_storage_sqlite_open(&e->file, x->path, &so, &err), "sqlite reader", &err);
#else
        (void)fresh;
#endif
    }
    o.storage = e->storage;
    o.clock = &clock;
    must(ot_tracker_new(&e->tracker, &o, &err), "tracker", &err);
}

static void teardown_env(struct env *e);

static void prepare(struct env *e, const struct ctx *x)
{
    ot_request r = base();
    ot_error err;
    enum stage st = x->c->stage;

    ot_error_clear(&err);
    open_env(e, x, 1);
    r.provider = OT_PROVIDER_UBER;
    must(ot_tracker_init_order(NULL, e->tracker, &r, &err), "init o", &err);
    r.order_id = "p";
    r.provider = OT_PROVIDER_DELHIVERY;
    r.tracking_id = "AWB0";
    must(ot_tracker_init_order(NULL, e->tracker, &r, &err), "init p", &err);
    if (st == ST_KEYED)
        must(op_issue_keyed(e, &err), "keyed issue", &err);
    if (st >= ST_NOTIFIED && st != ST_KEYED)
        must(op_status(e, &err), "notify", &err);
    if (st >= ST_ACKED && st != ST_KEYED)
        must(op_accept(e, &err), "acknowledge", &err);
    if (st >= ST_PICKING && st != ST_KEYED)
        must(op_start_picking(e, &err), "picking", &err);
    if (st == ST_SUBST)
        must(op_add_substitution(e, &err), "substitution", &err);
    if (st >= ST_READY && st != ST_KEYED)
        must(op_ready(e, &err), "ready", &err);
    if (st >= ST_ASSIGNED && st != ST_KEYED) {
        must(op_assign(e, &err), "assign", &err);
        must(op_location_earlier(e, &err), "location", &err);
        must(op_issue_keyed(e, &err), "issue", &err);
    }
    if (st >= ST_PICKED && st != ST_KEYED) {
        ot_request t = base();
        t.status = OT_STATUS_IN_TRANSIT;
        must(op_pickup(e, &err), "pickup", &err);
        must(ot_tracker_set_status(NULL, e->tracker, &t, &err), "in transit", &err);
    }
    if (x->cold) {
        /* A new handle on the same file: its cache is empty, so the operation's load
         * decodes the row and fills the cache (the miss path) instead of hitting it. */
        teardown_env(e);
        open_env(e, x, 0);
    }
}

static void teardown_env(struct env *e)
{
    ot_tracker_free(e->tracker);
    ot_storage_close(e->storage);
    ot_storage_close(e->file);
    e->file = NULL;
}

/* The canonical JSON of every order in the store, in order ("-" for a missing one), masked,
 * as libc memory; `o2_version` receives the version of "o2" (0 when absent). */
static char *stored(ot_storage *storage, int64_t *o2_version)
{
    static const char *const ids[] = {"o", "p", "o2"};
    size_t used = 0, cap = 1;
    char *all = calloc(1, 1);
    assert_non_null(all);
    *o2_version = 0;
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        ot_order *o = NULL;
        char *json = NULL;
        size_t len = 1;
        int rc = storage->load(storage->userdata, ids[i], &o, NULL);
        if (rc == 0) {
            assert_int_equal(ot_order_to_json(&json, &len, o, NULL), 0);
            assert_int_equal(ot_order_verify_history(o, NULL), 0);
            if (i == 2)
                *o2_version = ot_order_version(o);
        } else {
            assert_int_equal(rc, OT_ENOTFOUND);
        }
        all = realloc(all, cap += len + 1);
        assert_non_null(all);
        memcpy(all + used, json ? json : "-", len);
        used += len;
        all[used++] = '\n';
        all[used] = '\0';
        ot_test_mask_random(all);
        used = strlen(all);
        ot_free(json);
        ot_order_free(o);
    }
    return all;
}

static int scenario(void *vctx)
{
    struct ctx *x = vctx;
    struct env e;
    ot_error err;
    char *before, *after;
    int64_t v_before, v_after;
    int rc;

    alloc_sweep_pause();
    memset(&e, 0, sizeof e);
    prepare(&e, x);
    /* SQLite: the file, read without a cache (reading through the tracker's handle would
     * warm its cache before a cold run) */
    before = stored(e.file ? e.file : e.storage, &v_before);
    ot_error_clear(&err);
    alloc_sweep_resume();
    rc = x->c->op(&e, &err);
    alloc_sweep_pause();
    after = stored(e.file ? e.file : e.storage, &v_after);
    x->wrong = 0;
    if (e.file) {
        /* and the tracker's handle, through its cache, must answer what the file holds */
        int64_t v_cached;
        char *cached = stored(e.storage, &v_cached);
        if (strcmp(cached, after) != 0 || v_cached != v_after) {
            fprintf(stderr, "%s: the cache answers something else than the file:\n%s\n---\n%s\n",
                    x->c->name, cached, after);
            x->wrong = 1;
        }
        free(cached);
    }
    if (x->wrong) {
        /* reported above */
    } else if (rc != 0 && rc != OT_ENOMEM) {
        fprintf(stderr, "%s: %s (%s)\n", x->c->name, ot_code_name(rc), err.message);
        x->wrong = 1;
    } else if (rc != 0) {
        if (strcmp(before, after) != 0 || v_after != v_before) {
            fprintf(stderr, "%s: a failed run changed the store\n", x->c->name);
            x->wrong = 1;
        }
    } else if (!x->expected) {
        x->expected = strdup(after); /* the clean run */
    } else if (strcmp(x->expected, after) != 0 || (x->c->creates && v_after != 1)) {
        fprintf(stderr, "%s: a run that succeeded stored something else:\n%s\n---\n%s\n",
                x->c->name, x->expected, after);
        x->wrong = 1;
    }
    free(before);
    free(after);
    teardown_env(&e);
    alloc_sweep_resume();
    return rc;
}

static int check(void *vctx, int rc)
{
    (void)rc;
    return ((struct ctx *)vctx)->wrong ? -1 : 0;
}

/* Over SQLite each case runs twice: on the handle that set the order up (its load answered
 * by the adapter's cache of decoded records) and on a fresh handle (decode, fill the cache). */
static void sweep_backend(enum backend backend)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        for (int cold = 0; cold <= (backend == BACKEND_SQLITE); cold++) {
            struct ctx x;
            char name[96];
            if (backend == BACKEND_SQLITE && !cases[i].sqlite)
                continue;
            memset(&x, 0, sizeof x);
            x.c = &cases[i];
            x.backend = backend;
            x.cold = cold;
            snprintf(x.path, sizeof x.path, "/tmp/ot-sweep-%ld.db", (long)getpid());
            snprintf(name, sizeof name, "tracker %s (%s)", cases[i].name,
                     backend == BACKEND_MEMORY ? "memory"
                     : cold                    ? "sqlite, cold cache"
                                               : "sqlite, warm cache");
            assert_int_equal(alloc_sweep_run(name, scenario, &x, check, NULL), 0);
            free(x.expected);
            if (backend == BACKEND_SQLITE)
                ot_test_remove_db(x.path);
        }
    }
}

void test_tracker_sweeps_memory(void **state)
{
    (void)state;
    sweep_backend(BACKEND_MEMORY);
}

void test_tracker_sweeps_sqlite(void **state)
{
    (void)state;
#ifdef OT_TEST_WITH_SQLITE
    sweep_backend(BACKEND_SQLITE);
#else
    skip();
#endif
}
