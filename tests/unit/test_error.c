/* Error codes, the error report, the version and the allocator hooks. */
#include <stdio.h>
#include <stdlib.h>

#include "test_util.h"
#include "base/alloc_internal.h"

static void test_every_code_has_text_and_name(void **state)
{
    int code;
    char expect[32];
    (void)state;
    for (code = OT_OK; code >= OT_EUNSUPPORTED; code--) {
        assert_non_null(ot_strerror(code));
        assert_string_not_equal(ot_strerror(code), "unknown error");
        assert_non_null(ot_code_name(code));
    }
    snprintf(expect, sizeof expect, "%s", ot_code_name(OT_EINVAL));
    assert_string_equal(expect, "OT_EINVAL");
    assert_string_equal(ot_code_name(OT_ETRANSITION), "OT_ETRANSITION");
    assert_string_equal(ot_code_name(OT_EUNSUPPORTED), "OT_EUNSUPPORTED");
    assert_string_equal(ot_strerror(1), "unknown error");
    assert_string_equal(ot_strerror(OT_EUNSUPPORTED - 1), "unknown error");
    assert_null(ot_code_name(7));
    assert_null(ot_code_name(-1000));
}

static void test_error_report(void **state)
{
    ot_error err;
    (void)state;
    memset(&err, 0x5a, sizeof err);
    ot_error_clear(&err);
    assert_int_equal(err.code, 0);
    assert_string_equal(err.message, "");
    assert_string_equal(err.field, "");
    ot_error_clear(NULL);
    assert_int_equal(ot_error_size(), sizeof(ot_error));
    strcpy(err.from, "stale");
    assert_int_equal(ot_error_set(&err, OT_ESTORAGE, "path", "disk full"), OT_ESTORAGE);
    assert_int_equal(err.code, OT_ESTORAGE);
    assert_string_equal(err.message, "disk full");
    assert_string_equal(err.field, "path");
    assert_string_equal(err.from, "");
    assert_int_equal(ot_error_set(NULL, OT_EIO, NULL, "x"), OT_EIO);
    assert_int_equal(ot_error_set(&err, OT_EIO, NULL, NULL), OT_EIO);
    assert_string_equal(err.message, "");
    assert_string_equal(err.field, "");
}

/* ot_error_setf: the message formatted, truncated to fit, the states cleared. */
static void test_error_setf(void **state)
{
    char long_text[600];
    ot_error err;
    (void)state;
    strcpy(err.from, "stale");
    assert_int_equal(ot_error_setf(&err, OT_EINVAL, "limit", "limit %d is above %s", 9, "5"),
                     OT_EINVAL);
    assert_int_equal(err.code, OT_EINVAL);
    assert_string_equal(err.message, "limit 9 is above 5");
    assert_string_equal(err.field, "limit");
    assert_string_equal(err.from, "");
    assert_int_equal(ot_error_setf(NULL, OT_EIO, NULL, "%s", "x"), OT_EIO);
    memset(long_text, 'a', sizeof long_text - 1);
    long_text[sizeof long_text - 1] = '\0';
    assert_int_equal(ot_error_setf(&err, OT_EIO, NULL, "%s", long_text), OT_EIO);
    assert_int_equal(strlen(err.message), sizeof err.message - 1);
    assert_string_equal(err.field, "");
}

static void test_version(void **state)
{
    char expect[32];
    (void)state;
    assert_int_equal(ot_version(), OT_VERSION_HEX);
    assert_int_equal(OT_VERSION_HEX, (OT_VERSION_MAJOR << 16) | (OT_VERSION_MINOR << 8)
                                         | OT_VERSION_PATCH);
    snprintf(expect, sizeof expect, "%d.%d.%d", OT_VERSION_MAJOR, OT_VERSION_MINOR,
             OT_VERSION_PATCH);
    assert_string_equal(ot_version_string(), expect);
}

static int calls;

static void *counting_malloc(size_t size, void *userdata)
{
    (*(int *)userdata)++;
    return malloc(size);
}

static void *counting_realloc(void *ptr, size_t size, void *userdata)
{
    (*(int *)userdata)++;
    return realloc(ptr, size);
}

static void counting_free(void *ptr, void *userdata)
{
    (void)userdata;
    free(ptr);
}

static void test_allocator_hooks(void **state)
{
    ot_allocator a = OT_ALLOCATOR_INIT;
    ot_allocator b;
    ot_error err;
    (void)state;

    assert_int_equal(ot_allocator_init(&b, OT_ALLOCATOR_VERSION, NULL), 0);
    assert_int_equal(b.version, OT_ALLOCATOR_VERSION);
    assert_null(b.malloc);
    assert_ot_error(ot_allocator_init(&b, 0, &err), OT_EVERSION, err);
    assert_ot_error(ot_allocator_init(&b, OT_ALLOCATOR_VERSION + 1, &err), OT_EVERSION, err);
    assert_ot_error(ot_allocator_init(NULL, 1, &err), OT_EINVAL, err);

    /* Incomplete or unknown allocators are refused and change nothing. */
    assert_ot_error(ot_allocator_set(&a, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "malloc");
    a.malloc = counting_malloc;
    a.realloc = counting_realloc;
    assert_ot_error(ot_allocator_set(&a, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "free");
    a.free = counting_free;
    a.version = 99;
    assert_ot_error(ot_allocator_set(&a, &err), OT_EVERSION, err);

    a.version = OT_ALLOCATOR_VERSION;
    a.userdata = &calls;
    calls = 0;
    assert_int_equal(ot_allocator_set(&a, NULL), 0);
    {
        char *p = ot__strdup("routed through the hook");
        assert_non_null(p);
        assert_int_equal(calls, 1);
        ot_free(p);
    }
    {
        char *q = ot_strdup("public");
        char *r = ot_malloc(8);
        assert_int_equal(calls, 3);
        r = ot_realloc(r, 64);
        assert_int_equal(calls, 4);
        assert_string_equal(q, "public");
        assert_null(ot_malloc(0));
        assert_null(ot_strdup(NULL));
        ot_free(q);
        ot_free(r);
    }
    ot_free(NULL);
    assert_int_equal(ot_allocator_set(NULL, NULL), 0);
}

static void test_update_init(void **state)
{
    ot_update u, macro = OT_UPDATE_INIT;
    ot_error err;
    (void)state;
    memset(&u, 0x7f, sizeof u);
    assert_int_equal(ot_update_init(&u, OT_UPDATE_VERSION, NULL), 0);
    assert_int_equal(u.version, OT_UPDATE_VERSION);
    assert_null(u.tracking_id);
    assert_int_equal(u.status, 0);
    assert_int_equal(u.event_time_ms, 0);
    assert_null(u.notes);
    assert_int_equal(macro.version, OT_UPDATE_VERSION);
    assert_null(macro.notes);
    assert_ot_error(ot_update_init(NULL, 1, &err), OT_EINVAL, err);
    assert_ot_error(ot_update_init(&u, 0, &err), OT_EVERSION, err);
    assert_ot_error(ot_update_init(&u, OT_UPDATE_VERSION + 1, &err), OT_EVERSION, err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_code_has_text_and_name),
        cmocka_unit_test(test_error_report),
        cmocka_unit_test(test_error_setf),
        cmocka_unit_test(test_version),
        cmocka_unit_test(test_allocator_hooks),
        cmocka_unit_test(test_update_init),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
