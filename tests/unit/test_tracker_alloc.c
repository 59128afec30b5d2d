/* Allocation-failure sweep: each allocation of a write fails in turn (one at a time); the
 * write answers OT_ENOMEM or succeeds, never crashes or leaks, and a failed write leaves
 * the stored record byte-for-byte unchanged. */
#include <stdio.h>
#include <stdlib.h>

#include "test_util.h"
#include <ordertrack/adapters/memory.h>

static long countdown = -1;    /* allocations before the one that fails; -1: none fails */
static long made;              /* allocations made */

static int fail_now(void)
{
    made++;
    if (countdown < 0)
        return 0;
    return countdown-- == 0;
}

static void *failing_malloc(size_t size, void *ud)
{
    (void)ud;
    return fail_now() ? NULL : malloc(size);
}

static void *failing_realloc(void *p, size_t size, void *ud)
{
    (void)ud;
    return fail_now() ? NULL : realloc(p, size);
}

static void plain_free(void *p, void *ud)
{
    (void)ud;
    free(p);
}

struct env {
    ot_storage *storage;
    ot_tracker *tracker;
};

typedef int (*op_fn)(struct env *e, ot_error *err);

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

static int op_reject(struct env *e, ot_error *err)
{
    ot_request r = base();
    r.rejected = 1;
    r.reason = "closed";
    r.reassign_to = "s2";
    return ot_tracker_store_acknowledge(NULL, e->tracker, &r, err);
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

static int op_list(struct env *e, ot_error *err)
{
    ot_list_request l = OT_LIST_REQUEST_INIT;
    char *json = NULL;
    int rc = ot_tracker_list(&json, NULL, e->tracker, &l, err);
    ot_free(json);
    return rc;
}

static void prepare(struct env *e)
{
    ot_tracker_options o = OT_TRACKER_OPTIONS_INIT;
    ot_request r = base();
    assert_int_equal(ot_storage_memory_new(&e->storage, NULL), 0);
    o.storage = e->storage;
    assert_int_equal(ot_tracker_new(&e->tracker, &o, NULL), 0);
    r.provider = OT_PROVIDER_DELHIVERY;
    r.tracking_id = "AWB0";
    assert_int_equal(ot_tracker_init_order(NULL, e->tracker, &r, NULL), 0);
}

static char *stored(struct env *e)
{
    ot_order *o = NULL;
    char *json = NULL;
    assert_int_equal(e->storage->load(e->storage->userdata, "o", &o, NULL), 0);
    assert_int_equal(ot_order_to_json(&json, NULL, o, NULL), 0);
    ot_order_free(o);
    return json;
}

/* Run `op` on a fresh environment with allocation `fail_at` failing (-1: none); returns
 * its code and the number of allocations it made. */
static int run(op_fn op, const char *name, long fail_at, long *allocations)
{
    struct env e;
    char *before, *after;
    ot_error err;
    int rc;
    countdown = -1;
    prepare(&e);
    before = stored(&e);
    made = 0;
    countdown = fail_at;
    ot_error_clear(&err);
    rc = op(&e, &err);
    countdown = -1;
    *allocations = made;
    if (rc != 0 && rc != OT_ENOMEM)
        fail_msg("%s, allocation %ld failing: %s (%s)", name, fail_at, ot_code_name(rc),
                 err.message);
    after = stored(&e);
    if (rc == OT_ENOMEM)
        assert_string_equal(before, after);
    ot_free(before);
    ot_free(after);
    ot_tracker_free(e.tracker);
    ot_storage_close(e.storage);
    return rc;
}

static void sweep(op_fn op, const char *name)
{
    ot_allocator a = OT_ALLOCATOR_INIT;
    long n, total, ignored;
    a.malloc = failing_malloc;
    a.realloc = failing_realloc;
    a.free = plain_free;
    assert_int_equal(ot_allocator_set(&a, NULL), 0);
    assert_int_equal(run(op, name, -1, &total), 0);
    assert_true(total > 0);
    for (n = 0; n < total; n++)
        run(op, name, n, &ignored);
    assert_int_equal(ot_allocator_set(NULL, NULL), 0);
}

static void test_sweeps(void **state)
{
    (void)state;
    sweep(op_init, "init");
    sweep(op_status, "set_status");
    sweep(op_issue_keyed, "raise_issue with a key");
    sweep(op_reject, "reject and reassign");
    sweep(op_courier, "courier update");
    sweep(op_list, "list");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sweeps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
