/* An allocator that fails the n-th allocation, for allocation-failure sweeps. */
#ifndef OT_TEST_FAIL_ALLOC_H
#define OT_TEST_FAIL_ALLOC_H

#include <stdlib.h>

#include "test_util.h"

struct fail_alloc {
    long calls;     /* allocations so far */
    long fail_at;   /* 1-based call to fail; 0 = never */
    int failed;     /* a failure was injected */
};

static void *fail_alloc_malloc(size_t size, void *userdata)
{
    struct fail_alloc *f = userdata;
    if (++f->calls == f->fail_at) {
        f->failed = 1;
        return NULL;
    }
    return malloc(size);
}

static void *fail_alloc_realloc(void *ptr, size_t size, void *userdata)
{
    struct fail_alloc *f = userdata;
    if (++f->calls == f->fail_at) {
        f->failed = 1;
        return NULL;
    }
    return realloc(ptr, size);
}

static void fail_alloc_free(void *ptr, void *userdata)
{
    (void)userdata;
    free(ptr);
}

/*
 * Run `op` with the 1st, 2nd, ... allocation failing until it runs with no failure injected.
 * `op` returns 0 on success or an error code; with a failure injected it must return
 * OT_ENOMEM (and free everything: ASan checks). Returns the number of allocations op makes.
 */
static long fail_alloc_sweep(int (*op)(void))
{
    struct fail_alloc f = {0, 0, 0};
    ot_allocator a = OT_ALLOCATOR_INIT;
    int rc;
    a.userdata = &f;
    a.malloc = fail_alloc_malloc;
    a.realloc = fail_alloc_realloc;
    a.free = fail_alloc_free;
    for (f.fail_at = 1;; f.fail_at++) {
        f.calls = 0;
        f.failed = 0;
        assert_int_equal(ot_allocator_set(&a, NULL), 0);
        rc = op();
        assert_int_equal(ot_allocator_set(NULL, NULL), 0);
        if (!f.failed) {
            assert_int_equal(rc, 0);
            return f.calls;
        }
        if (rc != OT_ENOMEM)
            fail_msg("allocation %ld failed but the operation returned %d", f.fail_at, rc);
    }
}

#endif
