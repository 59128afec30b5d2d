/* The scheduler: --once runs every tracker (or the named one) and reports failures; a run is
 * skipped while the same tracker's previous run is active; the loop stops on its stop fd. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "scheduler.h"

struct probe {
    atomic_int runs;
    atomic_int release;     /* runs block until this is set */
    const char *fail_name;  /* this tracker's runs fail */
};

static int probe_run(const otp_tracker *t, void *ctx)
{
    struct probe *p = ctx;
    atomic_fetch_add(&p->runs, 1);
    while (!atomic_load(&p->release)) {
        struct timespec ms = {0, 1000000};
        nanosleep(&ms, NULL);
    }
    return p->fail_name && strcmp(t->name, p->fail_name) == 0 ? -1 : 0;
}

static void make_config(otp_config *cfg, otp_tracker *t, size_t n)
{
    static char *names[] = {"a", "b", "c"};
    size_t i;
    memset(cfg, 0, sizeof *cfg);
    memset(t, 0, n * sizeof *t);
    for (i = 0; i < n; i++) {
        t[i].name = names[i];
        assert_int_equal(cron_parse(&t[i].schedule, "* * * * *", NULL, 0), 0);
    }
    cfg->trackers = t;
    cfg->n_trackers = n;
}

static void test_once_runs_each_and_reports_failure(void **state)
{
    otp_config cfg;
    otp_tracker t[3];
    struct probe p = {0, 1, NULL};
    otp_scheduler *s;
    (void)state;
    make_config(&cfg, t, 3);
    s = otp_scheduler_new(&cfg, NULL, probe_run, &p, NULL);
    assert_int_equal(otp_scheduler_count(s), 3);
    assert_int_equal(otp_scheduler_run_once(s), 0);
    assert_int_equal(atomic_load(&p.runs), 3);
    p.fail_name = "b";
    assert_int_equal(otp_scheduler_run_once(s), 1);
    otp_scheduler_free(s);

    atomic_store(&p.runs, 0);
    s = otp_scheduler_new(&cfg, "c", probe_run, &p, NULL);
    assert_int_equal(otp_scheduler_count(s), 1);
    assert_int_equal(otp_scheduler_run_once(s), 0);
    assert_int_equal(atomic_load(&p.runs), 1);
    otp_scheduler_free(s);
}

static void test_busy_tracker_is_skipped(void **state)
{
    otp_config cfg;
    otp_tracker t[1];
    struct probe p = {0, 0, NULL};
    otp_scheduler *s;
    (void)state;
    make_config(&cfg, t, 1);
    s = otp_scheduler_new(&cfg, NULL, probe_run, &p, NULL);
    assert_int_equal(otp_scheduler_start(s, 0), 1);
    assert_int_equal(otp_scheduler_start(s, 0), 0); /* still active: skipped */
    atomic_store(&p.release, 1);
    assert_int_equal(otp_scheduler_wait_idle(s), 0);
    assert_int_equal(atomic_load(&p.runs), 1);
    assert_int_equal(otp_scheduler_start(s, 0), 1); /* free again */
    otp_scheduler_free(s);
    assert_int_equal(atomic_load(&p.runs), 2);
}

static int64_t fixed_now(void)
{
    return 1795000000; /* a fixed minute boundary is not needed: the loop only waits */
}

static void test_loop_runs_at_start_and_stops(void **state)
{
    otp_config cfg;
    otp_tracker t[2];
    struct probe p = {0, 1, NULL};
    otp_scheduler *s;
    int fds[2];
    (void)state;
    make_config(&cfg, t, 2);
    s = otp_scheduler_new(&cfg, NULL, probe_run, &p, NULL);
    assert_int_equal(pipe(fds), 0);
    assert_int_equal(write(fds[1], "x", 1), 1); /* stop as soon as the start-up runs begin */
    assert_int_equal(otp_scheduler_loop(s, fds[0], fixed_now), 0);
    assert_int_equal(atomic_load(&p.runs), 2);
    otp_scheduler_free(s);
    close(fds[0]);
    close(fds[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_once_runs_each_and_reports_failure),
        cmocka_unit_test(test_busy_tracker_is_skipped),
        cmocka_unit_test(test_loop_runs_at_start_and_stops),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
