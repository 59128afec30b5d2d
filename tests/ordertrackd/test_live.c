/* The shared logger (examples/common/log.c): levels, text and JSON lines, names refused;
 * ordertrackd's config generations (live.c): a held generation outlives a swap, readers on
 * threads during swaps; the members a reload cannot change (otd_config_restart_diff). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <cmocka.h>

#include "live.h"
#include "log.h"

/* Everything `log` wrote, through a memory stream. */
static char *captured(FILE *f, char **buf)
{
    fflush(f);
    return *buf;
}

static void test_log_lines(void **state)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    otc_log log = OTC_LOG_INIT("t");
    json_t *entry;
    (void)state;

    assert_non_null(f);
    log.out = f;
    otc_logf(&log, OTC_LOG_DEBUG, "hidden %d", 1);
    otc_log_write(&log, OTC_LOG_WARN, "plain", json_pack("{ss sI sn ss}", "member", "limits.x",
                                                          "n", (json_int_t)3, "none",
                                                          "spaced", "a b"));
    assert_non_null(strstr(captured(f, &buf), " warn t: plain member=limits.x n=3 "
                                              "spaced=\"a b\"\n"));
    assert_null(strstr(buf, "hidden"));
    assert_null(strstr(buf, "none"));
    /* one entry, one line: a message with a line break is quoted */
    otc_logf(&log, OTC_LOG_ERROR, "two\nlines");
    assert_non_null(strstr(captured(f, &buf), " error t: \"two\\nlines\"\n"));
    fclose(f);
    free(buf);

    buf = NULL;
    f = open_memstream(&buf, &len);
    log.out = f;
    log.format = OTC_LOG_JSON;
    log.level = OTC_LOG_ERROR;
    otc_logf(&log, OTC_LOG_WARN, "dropped");
    otc_log_write(&log, OTC_LOG_ERROR, "boom", json_pack("{sI}", "status", (json_int_t)500));
    entry = json_loads(captured(f, &buf), 0, NULL);
    assert_non_null(entry);
    assert_string_equal(json_string_value(json_object_get(entry, "level")), "error");
    assert_string_equal(json_string_value(json_object_get(entry, "msg")), "boom");
    assert_string_equal(json_string_value(json_object_get(entry, "program")), "t");
    assert_int_equal(json_integer_value(json_object_get(entry, "status")), 500);
    assert_true(json_is_string(json_object_get(entry, "time")));
    json_decref(entry);
    fclose(f);
    free(buf);
}

static void test_log_names(void **state)
{
    otc_log_level level = OTC_LOG_INFO;
    otc_log_format format = OTC_LOG_TEXT;
    (void)state;

    assert_int_equal(otc_log_level_from_string(&level, "warn"), 0);
    assert_int_equal(level, OTC_LOG_WARN);
    assert_int_equal(otc_log_level_from_string(&level, "verbose"), -1);
    assert_int_equal(level, OTC_LOG_WARN);
    assert_int_equal(otc_log_format_from_string(&format, "json"), 0);
    assert_int_equal(format, OTC_LOG_JSON);
    assert_int_equal(otc_log_format_from_string(&format, "xml"), -1);
}

static const char *const base_cfg =
    "{\"listen\": \"127.0.0.1:8080\", \"storage\": \"memory:\", "
    "\"api_keys\": [{\"key\": \"k-0123456789abcdef\", \"role\": \"admin\"}], "
    "\"limits\": {\"threads\": 2, \"burst\": 5}}";

static void changed(void *ctx, const char *member)
{
    char *seen = ctx;
    strcat(seen, member);
    strcat(seen, " ");
}

static void test_restart_diff(void **state)
{
    otd_config a, b;
    char err[256], seen[256] = "";
    (void)state;

    assert_int_equal(otd_config_load_string(&a, base_cfg, "a", err, sizeof err), 0);
    /* reloadable: keys and limits.burst */
    assert_int_equal(otd_config_load_string(&b,
        "{\"listen\": \"127.0.0.1:8080\", \"storage\": \"memory:\", "
        "\"api_keys\": [{\"key\": \"k-other-0123456789\", \"role\": \"admin\"}], "
        "\"limits\": {\"threads\": 2, \"burst\": 9}}", "b", err, sizeof err), 0);
    assert_int_equal(otd_config_restart_diff(&a, &b, changed, seen), 0);
    otd_config_free(&b);
    assert_int_equal(otd_config_load_string(&b,
        "{\"listen\": \"127.0.0.1:8081\", \"storage\": \"sqlite:x.db\", "
        "\"api_keys\": [{\"key\": \"k-0123456789abcdef\", \"role\": \"admin\"}], "
        "\"limits\": {\"threads\": 3}}", "b", err, sizeof err), 0);
    assert_int_equal(otd_config_restart_diff(&a, &b, changed, seen), 3);
    assert_string_equal(seen, "listen storage limits.threads ");
    otd_config_free(&b);
    /* the outbound blocks: restart-only, each named */
    assert_int_equal(otd_config_load_string(&b,
        "{\"listen\": \"127.0.0.1:8080\", \"storage\": \"memory:\", "
        "\"api_keys\": [{\"key\": \"k-0123456789abcdef\", \"role\": \"admin\"}], "
        "\"limits\": {\"threads\": 2}, \"outbox\": {\"tail_ms\": 50}, "
        "\"nats\": {\"url\": \"nats://127.0.0.1:4222\"}}", "b", err, sizeof err), 0);
    assert_true(b.outbox.enabled);
    assert_int_equal(b.outbox.tail_ms, 50);
    seen[0] = '\0';
    assert_int_equal(otd_config_restart_diff(&a, &b, changed, seen), 2);
    assert_string_equal(seen, "outbox nats ");
    otd_config_free(&a);
    otd_config_free(&b);
}

struct readers {
    otd_live *live;
    int stop;                 /* atomic */
};

/* Acquire and release in a loop; returns non-NULL when a held generation was not whole
 * (cmocka's asserts are for the main thread). */
static void *reader(void *arg)
{
    struct readers *r = arg;
    void *broken = NULL;

    for (int i = 0; i < 20000 && !__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE); i++) {
        otd_generation *g = otd_live_acquire(r->live);
        if (g->cfg->n_keys != 1 || g->app.cfg != g->cfg || !g->app.auth)
            broken = g;
        otd_live_release(r->live, g);
    }
    return broken;
}

static void test_generations(void **state)
{
    otd_app shared;
    otd_config cfg;
    otd_live live;
    otd_generation *g, *held, *next;
    struct readers r = {&live, 0};
    pthread_t th[3];
    char err[256];
    (void)state;

    assert_int_equal(otd_config_load_string(&cfg, base_cfg, "a", err, sizeof err), 0);
    assert_int_equal(otd_app_init(&shared, &cfg, NULL, NULL), 0);
    assert_int_equal(otd_generation_new(&g, &cfg, 0, &shared), 0); /* borrows cfg */
    assert_ptr_equal(g->cfg, &cfg);
    assert_ptr_equal(g->app.metrics, shared.metrics);
    assert_ptr_not_equal(g->app.auth, shared.auth);
    assert_int_equal(otd_live_init(&live, g), 0);

    held = otd_live_acquire(&live);
    assert_ptr_equal(held, g);
    for (int i = 0; i < 3; i++)
        assert_int_equal(pthread_create(&th[i], NULL, reader, &r), 0);
    for (int i = 0; i < 50; i++) {
        otd_config c;
        assert_int_equal(otd_config_load_string(&c, base_cfg, "b", err, sizeof err), 0);
        assert_int_equal(otd_generation_new(&next, &c, 1, &shared), 0); /* takes c */
        assert_null(c.keys);
        otd_live_swap(&live, next);
        assert_int_equal(next->number, (unsigned long)i + 2);
    }
    __atomic_store_n(&r.stop, 1, __ATOMIC_RELEASE);
    for (int i = 0; i < 3; i++) {
        void *broken = &r;
        pthread_join(th[i], &broken);
        assert_null(broken);
    }
    /* the first generation, replaced long ago, is still whole for its holder */
    assert_int_equal(held->number, 1);
    assert_int_equal(held->cfg->n_keys, 1);
    otd_live_release(&live, held);       /* its last holder frees it */
    otd_live_destroy(&live);
    otd_app_cleanup(&shared);
    otd_config_free(&cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_log_lines),
        cmocka_unit_test(test_log_names),
        cmocka_unit_test(test_restart_diff),
        cmocka_unit_test(test_generations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
