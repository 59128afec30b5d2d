/* The clock port: the system's clock and sleep behind a NULL clock, an injected clock's
 * now_ms and sleep_ms (version 2), and version 1 clocks read and filled to their size. */
#include <stddef.h>
#include <time.h>

#include "test_util.h"
#include <ordertrack/sys/clock.h>

struct fake {
    int64_t now;
    int64_t slept;
    int sleeps;
};

static int64_t fake_now(void *userdata)
{
    return ((struct fake *)userdata)->now;
}

static void fake_sleep(void *userdata, int64_t ms)
{
    struct fake *f = userdata;
    f->sleeps++;
    f->slept += ms;
    f->now += ms;
}

static void test_system_clock(void **state)
{
    ot_clock zero = OT_CLOCK_INIT;
    int64_t before = (int64_t)time(NULL) * 1000, now, after;
    (void)state;

    now = ot_clock_now_ms(NULL);
    assert_true(now >= before && now <= before + 2000);
    now = ot_clock_now_ms(&zero); /* no now_ms: the system's */
    assert_true(now >= before && now <= before + 2000);
    before = ot_clock_now_ms(NULL);
    ot_clock_sleep_ms(NULL, 20);
    ot_clock_sleep_ms(&zero, 20);
    ot_clock_sleep_ms(NULL, 0);
    ot_clock_sleep_ms(NULL, -5);
    after = ot_clock_now_ms(NULL);
    assert_true(after - before >= 39);
}

static void test_injected_clock(void **state)
{
    struct fake f = {1795435200000LL, 0, 0};
    ot_clock c = OT_CLOCK_INIT;
    (void)state;

    c.userdata = &f;
    c.now_ms = fake_now;
    c.sleep_ms = fake_sleep;
    assert_int_equal(ot_clock_now_ms(&c), 1795435200000LL);
    ot_clock_sleep_ms(&c, 1500);
    ot_clock_sleep_ms(&c, 0);        /* nothing to wait: not called */
    assert_int_equal(f.sleeps, 1);
    assert_int_equal(f.slept, 1500);
    assert_int_equal(ot_clock_now_ms(&c), 1795435201500LL);

    /* a version 1 clock has no sleep_ms: whatever follows now_ms is not read */
    c.version = 1;
    ot_clock_sleep_ms(&c, 1);
    assert_int_equal(f.sleeps, 1);
    assert_int_equal(ot_clock_now_ms(&c), 1795435201500LL);
}

static void test_init_sizes(void **state)
{
    unsigned char buf[sizeof(ot_clock)];
    ot_clock *c = (ot_clock *)(void *)buf;
    ot_error err;
    size_t i;
    (void)state;

    memset(buf, 0xAA, sizeof buf);
    assert_int_equal(ot_clock_init(c, 1, &err), 0);
    assert_int_equal(c->version, 1);
    assert_null(c->now_ms);
    for (i = offsetof(ot_clock, sleep_ms); i < sizeof buf; i++)
        assert_int_equal(buf[i], 0xAA); /* a version 1 struct ends before sleep_ms */
    assert_int_equal(ot_clock_init(c, OT_CLOCK_VERSION, &err), 0);
    assert_null(c->sleep_ms);
    assert_ot_error(ot_clock_init(c, OT_CLOCK_VERSION + 1, &err), OT_EVERSION, err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_system_clock),
        cmocka_unit_test(test_injected_clock),
        cmocka_unit_test(test_init_sizes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
