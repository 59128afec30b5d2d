/* The allocation-failure sweep harness itself: it fails each allocation exactly once and
 * catches a scenario that leaks on an error path. */
#include <stdlib.h>

#include "test_util.h"
#include "base/alloc_internal.h"
#include "alloc_sweep.h"

/* Three allocations, all released on every path. */
static int tidy(void *ctx)
{
    char *a, *b, *c;
    (void)ctx;
    if (!(a = ot__strdup("one")))
        return OT_ENOMEM;
    if (!(b = ot__malloc(16))) {
        ot__free(a);
        return OT_ENOMEM;
    }
    if (!(c = ot__realloc(b, 64))) {
        ot__free(b);
        ot__free(a);
        return OT_ENOMEM;
    }
    ot__free(c);
    ot__free(a);
    return 0;
}

/* Forgets the first block when the second allocation fails (the test keeps a pointer to it
 * in `ctx` so that it can release it afterwards). */
static int leaky(void *ctx)
{
    char *a, *b;
    if (!(a = ot__strdup("one")))
        return OT_ENOMEM;
    if (!(b = ot__strdup("two"))) {
        *(char **)ctx = a;
        return OT_ENOMEM; /* the bug: `a` is not freed */
    }
    ot__free(b);
    ot__free(a);
    return 0;
}

static void test_sweep_fails_each_allocation(void **state)
{
    struct alloc_sweep_stats s;
    (void)state;
    assert_int_equal(alloc_sweep_run("tidy", tidy, NULL, NULL, &s), 0);
    assert_int_equal(s.allocations, 3);
    assert_int_equal(s.runs, 3);
    assert_int_equal(s.errors, 3);
}

static void test_sweep_catches_a_leak(void **state)
{
    char *lost = NULL;
    (void)state;
    assert_int_equal(alloc_sweep_run("leaky", leaky, &lost, NULL, NULL), -1);
    assert_non_null(lost);
    free(lost); /* the sweep's hooks allocate with malloc */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sweep_fails_each_allocation),
        cmocka_unit_test(test_sweep_catches_a_leak),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
