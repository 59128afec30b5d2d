/* jansson's allocator is the host's (issue 18): a host that sets its own with
 * json_set_alloc_funcs before using the library keeps it, and the library's own memory still
 * goes through the ot_allocator_set hooks; a host that calls ot_allocator_route_jansson gets
 * jansson's allocations through those hooks. Public API only. The cases run in order: the
 * second changes jansson's allocator for the process. */
#include <stdlib.h>

#include <jansson.h>

#include "test_util.h"
#include <ordertrack/adapters/memory.h>

/* Two allocators that tag their blocks, so that a block released through the wrong one
 * (a jansson value freed by the library's hooks, or the reverse) aborts the test. */
#define HDR 16
struct arena {
    unsigned long tag;
    long calls;        /* malloc and realloc calls */
    long outstanding;  /* blocks not yet freed */
};
static struct arena host = {0x4a414e53UL, 0, 0}; /* the host's jansson allocator */
static struct arena lib = {0x4f54414cUL, 0, 0};  /* the library's hooks */

static void *tagged_malloc(struct arena *a, size_t size)
{
    unsigned char *p = malloc(size + HDR);
    if (!p)
        return NULL;
    memcpy(p, &a->tag, sizeof a->tag);
    a->calls++;
    a->outstanding++;
    return p + HDR;
}

static unsigned char *tagged_block(struct arena *a, void *ptr)
{
    unsigned char *p = (unsigned char *)ptr - HDR;
    if (memcmp(p, &a->tag, sizeof a->tag) != 0)
        fail_msg("a block released through the %s allocator it did not come from",
                 a == &host ? "host's jansson" : "library's");
    return p;
}

static void tagged_free(struct arena *a, void *ptr)
{
    if (!ptr)
        return;
    free(tagged_block(a, ptr));
    a->outstanding--;
}

static void *host_malloc(size_t size) { return tagged_malloc(&host, size); }
static void host_free(void *ptr) { tagged_free(&host, ptr); }

static void *lib_malloc(size_t size, void *ud) { (void)ud; return tagged_malloc(&lib, size); }
static void lib_free(void *ptr, void *ud) { (void)ud; tagged_free(&lib, ptr); }
static void *lib_realloc(void *ptr, size_t size, void *ud)
{
    unsigned char *p = realloc(tagged_block(&lib, ptr), size + HDR);
    (void)ud;
    if (!p)
        return NULL;
    lib.calls++;
    return p + HDR;
}

static void install_hooks(void)
{
    ot_allocator a = OT_ALLOCATOR_INIT;
    a.malloc = lib_malloc;
    a.realloc = lib_realloc;
    a.free = lib_free;
    assert_int_equal(ot_allocator_set(&a, NULL), 0);
}

/* Create, update and read an order through a tracker (JSON parsed, built and written). */
static void use_tracker(void)
{
    ot_storage *storage = NULL;
    ot_tracker *tracker = NULL;
    ot_tracker_options o = OT_TRACKER_OPTIONS_INIT;
    ot_request r = OT_REQUEST_INIT;
    ot_order *order = NULL, *copy = NULL;
    char *json = NULL;
    ot_error err;

    assert_int_equal(ot_storage_memory_new(&storage, &err), 0);
    o.storage = storage;
    assert_int_equal(ot_tracker_new(&tracker, &o, &err), 0);
    r.order_id = "order-1";
    r.store_id = "store-1";
    r.customer_id = "customer-1";
    r.provider = OT_PROVIDER_UBER;
    r.updated_by = "test";
    r.metadata_json = "{\"gift\":true,\"note\":\"ring twice\"}";
    if (ot_tracker_init_order(&order, tracker, &r, &err) != 0)
        fail_msg("init_order: %s", err.message);
    ot_order_free(order);
    assert_int_equal(ot_tracker_history(&json, NULL, tracker, "order-1", &err), 0);
    assert_non_null(strstr(json, "submitted"));
    ot_free(json);
    assert_int_equal(ot_tracker_get(&order, tracker, "order-1", &err), 0);
    assert_int_equal(ot_order_to_json(&json, NULL, order, &err), 0);
    assert_non_null(strstr(json, "ring twice"));
    assert_int_equal(ot_order_from_json(&copy, json, strlen(json), &err), 0);
    ot_free(json);
    ot_order_free(copy);
    ot_order_free(order);
    ot_tracker_free(tracker);
    ot_storage_close(storage);
}

/* (a) The host's own jansson allocator, set before ot_tracker_new, survives the library. */
static void test_host_allocator_survives(void **state)
{
    json_malloc_t m = NULL;
    json_free_t f = NULL;
    json_t *v;
    long host_before, lib_before;
    (void)state;

    json_set_alloc_funcs(host_malloc, host_free);
    install_hooks();
    host_before = host.calls;
    lib_before = lib.calls;
    use_tracker();

    json_get_alloc_funcs(&m, &f);
    assert_ptr_equal(m, host_malloc);
    assert_ptr_equal(f, host_free);
    /* the library's JSON values were jansson's, from the host's allocator, and released */
    assert_true(host.calls > host_before);
    assert_int_equal(host.outstanding, 0);
    /* its own memory went through its hooks, and was released through them */
    assert_true(lib.calls > lib_before);
    assert_int_equal(lib.outstanding, 0);

    /* and the host's own jansson values still use its allocator */
    host_before = host.calls;
    v = json_pack("{s:[i,s]}", "k", 1, "v");
    assert_non_null(v);
    assert_true(host.calls > host_before);
    json_decref(v);
    assert_int_equal(host.outstanding, 0);
    assert_int_equal(ot_allocator_set(NULL, NULL), 0);
}

/* (b) A host that asks for it gets jansson's allocations through the library's hooks. */
static void test_route_on_request(void **state)
{
    json_malloc_t m = NULL;
    json_free_t f = NULL;
    json_t *v;
    long host_before, lib_before;
    ot_error err;
    (void)state;

    json_set_alloc_funcs(host_malloc, host_free);
    install_hooks();
    assert_int_equal(ot_allocator_route_jansson(&err), 0);
    json_get_alloc_funcs(&m, &f);
    assert_ptr_not_equal(m, host_malloc);
    assert_ptr_not_equal(f, host_free);

    host_before = host.calls;
    lib_before = lib.calls;
    v = json_pack("{s:[i,s]}", "k", 1, "v"); /* the host's own values too: process-wide */
    assert_non_null(v);
    assert_true(lib.calls > lib_before);
    json_decref(v);
    use_tracker();
    assert_int_equal(host.calls, host_before);
    assert_int_equal(lib.outstanding, 0);
    assert_int_equal(host.outstanding, 0);

    json_set_alloc_funcs(host_malloc, host_free); /* the host takes it back */
    assert_int_equal(ot_allocator_set(NULL, NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_host_allocator_survives),
        cmocka_unit_test(test_route_on_request),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
