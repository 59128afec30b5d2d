/* The storage registry: the built-in memory: scheme, registering (duplicates, bad names,
 * versions), opening by scheme (case-insensitive, whole URI handed over), the answer for an
 * unknown scheme, and registering and opening from several threads at once. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "test_util.h"
#include <ordertrack/adapters/memory.h>
#include <ordertrack/sys/storage.h>

/* The URI the test scheme was last opened with. */
static _Thread_local char opened_with[128];

static int open_test(ot_storage **out, const char *uri, ot_error *err)
{
    snprintf(opened_with, sizeof opened_with, "%s", uri);
    return ot_storage_memory_new(out, err);
}

static int open_refusing(ot_storage **out, const char *uri, ot_error *err)
{
    (void)out;
    (void)uri;
    return ot_error_set(err, OT_ESTORAGE, NULL, "refused by the adapter");
}

static void test_builtin(void **state)
{
    ot_storage_registry *reg = NULL;
    ot_storage *st = NULL;
    ot_error err;
    (void)state;
    /* NULL registry: the built-in schemes only */
    assert_int_equal(ot_storage_open_uri(&st, NULL, "memory:", &err), 0);
    assert_non_null(st);
    ot_storage_close(st);
    assert_ot_error(ot_storage_open_uri(&st, NULL, "memory:/tmp/x", &err), OT_EINVAL, err);
    assert_string_equal(err.field, "uri");
    assert_null(st);
    assert_ot_error(ot_storage_open_uri(&st, NULL, "sqlite:/tmp/x.db", &err), OT_EUNSUPPORTED,
                    err);
    assert_string_equal(err.field, "scheme");
    assert_non_null(strstr(err.message, "sqlite"));
    assert_non_null(strstr(err.message, "registered: memory)"));

    assert_int_equal(ot_storage_registry_new(&reg, &err), 0);
    assert_int_equal(ot_storage_open_uri(&st, reg, "MeMoRy:", &err), 0);
    ot_storage_close(st);
    ot_storage_registry_free(reg);
    ot_storage_registry_free(NULL);
}

static void test_register(void **state)
{
    ot_storage_registry *reg = NULL;
    ot_storage_scheme s = OT_STORAGE_SCHEME_INIT;
    ot_storage *st = NULL;
    ot_error err;
    static const char *const bad_names[] = {
        "", "1db", "-db", "my db", "db:", "db/x", "é",
        "a234567890123456789012345678901234" /* 34 bytes */};
    (void)state;
    assert_ot_error(ot_storage_registry_new(NULL, &err), OT_EINVAL, err);
    assert_int_equal(ot_storage_registry_new(&reg, &err), 0);

    s.name = "Test+X.v-1";
    s.open = open_test;
    assert_int_equal(ot_storage_scheme_register(reg, &s, &err), 0);
    /* the registry copied the struct: changing ours changes nothing */
    s.name = "other";
    s.open = open_refusing;
    assert_int_equal(ot_storage_open_uri(&st, reg, "test+x.V-1://host/db?x=1", &err), 0);
    assert_string_equal(opened_with, "test+x.V-1://host/db?x=1");
    ot_storage_close(st);

    /* duplicates, whatever their case; the built-in one too */
    s.name = "TEST+x.v-1";
    assert_ot_error(ot_storage_scheme_register(reg, &s, &err), OT_EEXISTS, err);
    assert_string_equal(err.field, "name");
    s.name = "memory";
    assert_ot_error(ot_storage_scheme_register(reg, &s, &err), OT_EEXISTS, err);

    /* arguments and versions */
    s.name = "fine";
    assert_ot_error(ot_storage_scheme_register(NULL, &s, &err), OT_EINVAL, err);
    assert_ot_error(ot_storage_scheme_register(reg, NULL, &err), OT_EINVAL, err);
    s.version = 0;
    assert_ot_error(ot_storage_scheme_register(reg, &s, &err), OT_EVERSION, err);
    s.version = OT_STORAGE_SCHEME_VERSION + 1;
    assert_ot_error(ot_storage_scheme_register(reg, &s, &err), OT_EVERSION, err);
    s.version = OT_STORAGE_SCHEME_VERSION;
    s.open = NULL;
    assert_ot_error(ot_storage_scheme_register(reg, &s, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "open");
    s.open = open_refusing;
    s.name = NULL;
    assert_ot_error(ot_storage_scheme_register(reg, &s, &err), OT_EINVAL, err);
    for (size_t i = 0; i < sizeof bad_names / sizeof bad_names[0]; i++) {
        s.name = bad_names[i];
        assert_ot_error(ot_storage_scheme_register(reg, &s, &err), OT_EINVAL, err);
        assert_string_equal(err.field, "name");
    }
    s.name = "a2345678901234567890123456789012"; /* 32 bytes: the longest */
    assert_int_equal(ot_storage_scheme_register(reg, &s, &err), 0);

    /* an adapter's failure comes back as it said it */
    s.name = "refuse";
    assert_int_equal(ot_storage_scheme_register(reg, &s, &err), 0);
    assert_ot_error(ot_storage_open_uri(&st, reg, "refuse:x", &err), OT_ESTORAGE, err);
    assert_string_equal(err.message, "refused by the adapter");
    assert_null(st);
    ot_storage_registry_free(reg);
}

static void test_unknown(void **state)
{
    ot_storage_registry *reg = NULL;
    ot_storage_scheme s = OT_STORAGE_SCHEME_INIT;
    ot_storage *st = NULL;
    char name[16];
    ot_error err;
    static const char *const no_scheme[] = {"", ":x", "/var/lib/orders.db", "1x:y", "my db:x",
                                            "noscheme"};
    (void)state;
    assert_int_equal(ot_storage_registry_new(&reg, &err), 0);
    s.open = open_test;
    for (int i = 0; i < 20; i++) { /* more than any initial capacity */
        snprintf(name, sizeof name, "s%d", i);
        s.name = name;
        assert_int_equal(ot_storage_scheme_register(reg, &s, &err), 0);
    }
    assert_int_equal(ot_storage_open_uri(&st, reg, "s19:", &err), 0);
    assert_string_equal(opened_with, "s19:");
    ot_storage_close(st);

    /* names the scheme and lists the registered ones; never the URI (it holds a password) */
    assert_ot_error(ot_storage_open_uri(&st, reg, "redis://ops:s3cret@127.0.0.1/0", &err),
                    OT_EUNSUPPORTED, err);
    assert_string_equal(err.field, "scheme");
    assert_non_null(strstr(err.message, "redis"));
    assert_non_null(strstr(err.message, "registered: memory, s0, s1, s2"));
    assert_null(strstr(err.message, "s3cret"));
    assert_null(st);
    for (size_t i = 0; i < sizeof no_scheme / sizeof no_scheme[0]; i++) {
        assert_ot_error(ot_storage_open_uri(&st, reg, no_scheme[i], &err), OT_EINVAL, err);
        assert_string_equal(err.field, "uri");
    }
    assert_ot_error(ot_storage_open_uri(&st, reg, NULL, &err), OT_EINVAL, err);
    assert_ot_error(ot_storage_open_uri(NULL, reg, "memory:", &err), OT_EINVAL, err);
    ot_storage_registry_free(reg);
}

#define THREADS 4
#define PER_THREAD 50

struct worker {
    ot_storage_registry *reg;
    int id, failures;
};

static void *work(void *arg)
{
    struct worker *w = arg;
    ot_storage_scheme s = OT_STORAGE_SCHEME_INIT;
    char name[32], uri[48];
    ot_storage *st;
    s.open = open_test;
    for (int i = 0; i < PER_THREAD; i++) {
        snprintf(name, sizeof name, "t%d-%d", w->id, i);
        s.name = name;
        if (ot_storage_scheme_register(w->reg, &s, NULL) != 0)
            w->failures++;
        /* one registered by another thread, maybe not yet: found or refused, never torn */
        snprintf(uri, sizeof uri, "t%d-%d:x", (w->id + 1) % THREADS, i);
        st = NULL;
        if (ot_storage_open_uri(&st, w->reg, uri, NULL) == 0) {
            if (strcmp(opened_with, uri) != 0)
                w->failures++;
            ot_storage_close(st);
        }
        if (ot_storage_open_uri(&st, w->reg, "memory:", NULL) != 0)
            w->failures++;
        else
            ot_storage_close(st);
    }
    return NULL;
}

static void test_threads(void **state)
{
    ot_storage_registry *reg = NULL;
    struct worker w[THREADS];
    pthread_t t[THREADS];
    ot_storage *st = NULL;
    (void)state;
    assert_int_equal(ot_storage_registry_new(&reg, NULL), 0);
    for (int i = 0; i < THREADS; i++) {
        w[i] = (struct worker){reg, i, 0};
        assert_int_equal(pthread_create(&t[i], NULL, work, &w[i]), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(w[i].failures, 0);
    }
    /* every scheme of every thread is there */
    for (int i = 0; i < THREADS; i++) {
        char uri[48];
        snprintf(uri, sizeof uri, "t%d-%d:", i, PER_THREAD - 1);
        assert_int_equal(ot_storage_open_uri(&st, reg, uri, NULL), 0);
        ot_storage_close(st);
    }
    ot_storage_registry_free(reg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_builtin),
        cmocka_unit_test(test_register),
        cmocka_unit_test(test_unknown),
        cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
