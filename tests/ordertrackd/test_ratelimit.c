/* ratelimit.c: burst, refill with a fake clock, Retry-After, per-key isolation, threads;
 * the bounded table of failed authentications per address. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>
#include <cmocka.h>

#include "ratelimit.h"

static int64_t fake_clock(void *ctx)
{
    return *(int64_t *)ctx;
}

static void test_bucket(void **state)
{
    int64_t now = 1000;
    unsigned retry = 0;
    otd_ratelimit *rl = otd_ratelimit_new(2, 2.0, 3.0, fake_clock, &now);
    (void)state;

    assert_non_null(rl);
    for (int i = 0; i < 3; i++)
        assert_int_equal(otd_ratelimit_take(rl, 0, &retry), 1);
    assert_int_equal(otd_ratelimit_take(rl, 0, &retry), 0);
    assert_int_equal(retry, 1);
    /* The other key has its own bucket. */
    assert_int_equal(otd_ratelimit_take(rl, 1, &retry), 1);
    /* 2 tokens per second: after 499 ms still empty, after 500 ms one token. */
    now += 499;
    assert_int_equal(otd_ratelimit_take(rl, 0, &retry), 0);
    now += 1;
    assert_int_equal(otd_ratelimit_take(rl, 0, &retry), 1);
    assert_int_equal(otd_ratelimit_take(rl, 0, &retry), 0);
    /* Refill is capped at the burst. */
    now += 60000;
    for (int i = 0; i < 3; i++)
        assert_int_equal(otd_ratelimit_take(rl, 0, &retry), 1);
    assert_int_equal(otd_ratelimit_take(rl, 0, NULL), 0);
    /* A clock that goes backwards adds nothing. */
    now -= 10000;
    assert_int_equal(otd_ratelimit_take(rl, 0, &retry), 0);
    assert_int_equal(otd_ratelimit_take(rl, 2, &retry), -1);
    otd_ratelimit_free(rl);
    otd_ratelimit_free(NULL);
}

static void test_retry_after_slow_rate(void **state)
{
    int64_t now = 0;
    unsigned retry = 0;
    otd_ratelimit *rl = otd_ratelimit_new(1, 0.1, 1.0, fake_clock, &now);
    (void)state;

    assert_int_equal(otd_ratelimit_take(rl, 0, &retry), 1);
    assert_int_equal(otd_ratelimit_take(rl, 0, &retry), 0);
    assert_int_equal(retry, 10);
    now += 4000;
    assert_int_equal(otd_ratelimit_take(rl, 0, &retry), 0);
    assert_int_equal(retry, 6);
    otd_ratelimit_free(rl);
}

static void test_bad_arguments(void **state)
{
    int64_t now = 0;
    (void)state;
    assert_null(otd_ratelimit_new(1, 0, 1, fake_clock, &now));
    assert_null(otd_ratelimit_new(1, 1, 0.5, fake_clock, &now));
    assert_null(otd_ratelimit_new(1, 1, 1, NULL, NULL));
    assert_int_equal(otd_ratelimit_take(NULL, 0, NULL), -1);
}

struct worker {
    otd_ratelimit *rl;
    int allowed;
};

static void *hammer(void *arg)
{
    struct worker *w = arg;
    for (int i = 0; i < 1000; i++)
        w->allowed += otd_ratelimit_take(w->rl, 0, NULL) == 1;
    return NULL;
}

static void test_threads(void **state)
{
    int64_t now = 0; /* frozen: exactly `burst` requests may pass, whatever the threads */
    otd_ratelimit *rl = otd_ratelimit_new(1, 1.0, 500.0, fake_clock, &now);
    struct worker w[4];
    pthread_t t[4];
    int total = 0;
    (void)state;

    for (int i = 0; i < 4; i++) {
        w[i].rl = rl;
        w[i].allowed = 0;
        assert_int_equal(pthread_create(&t[i], NULL, hammer, &w[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        total += w[i].allowed;
    }
    assert_int_equal(total, 500);
    otd_ratelimit_free(rl);
}

static void test_monotonic(void **state)
{
    (void)state;
    int64_t a = otd_clock_monotonic_ms(NULL), b = otd_clock_monotonic_ms(NULL);
    assert_true(b >= a);
}

static otd_addr addr_of(unsigned n)
{
    otd_addr a = {{0}};
    a.bytes[10] = a.bytes[11] = 0xff;
    a.bytes[12] = 10;
    a.bytes[13] = (unsigned char)(n >> 16);
    a.bytes[14] = (unsigned char)(n >> 8);
    a.bytes[15] = (unsigned char)n;
    return a;
}

/* One address: the burst, then refused until the refill; other addresses are separate. */
static void test_addr_bucket(void **state)
{
    int64_t now = 0;
    unsigned retry = 0;
    int evicted = -1;
    otd_addrlimit *al = otd_addrlimit_new(64, 30.0, 3.0, fake_clock, &now);
    otd_addr a = addr_of(1), b = addr_of(2);
    (void)state;

    assert_non_null(al);
    for (int i = 0; i < 3; i++)
        assert_int_equal(otd_addrlimit_fail(al, &a, &retry, &evicted), 1);
    assert_int_equal(evicted, 0);
    assert_int_equal(otd_addrlimit_fail(al, &a, &retry, NULL), 0);
    assert_int_equal(retry, 2); /* 30 a minute: one every 2 s */
    assert_int_equal(otd_addrlimit_fail(al, &b, &retry, NULL), 1);
    now += 1999;
    assert_int_equal(otd_addrlimit_fail(al, &a, &retry, NULL), 0);
    assert_int_equal(retry, 1);
    now += 1;
    assert_int_equal(otd_addrlimit_fail(al, &a, &retry, NULL), 1);
    assert_int_equal(otd_addrlimit_fail(al, &a, &retry, NULL), 0);
    otd_addrlimit_free(al);
    otd_addrlimit_free(NULL);
    assert_null(otd_addrlimit_new(0, 1, 1, fake_clock, &now));
    assert_null(otd_addrlimit_new(8, 0, 1, fake_clock, &now));
    assert_null(otd_addrlimit_new(8, 1, 0.5, fake_clock, &now));
    assert_null(otd_addrlimit_new(8, 1, 1, NULL, NULL));
    assert_int_equal(otd_addrlimit_fail(NULL, &a, NULL, NULL), -1);
}

/* The table holds 8 addresses (one set): 10000 more do not grow it; an address over its
 * limit is kept while others with tokens left can make room, and the forgetting of an
 * address that had failures is reported as an eviction (of a full bucket it is not). */
static void test_addr_table_bounded(void **state)
{
    int64_t now = 0;
    int evicted = 0, evictions = 0;
    otd_addrlimit *al = otd_addrlimit_new(5, 60.0, 2.0, fake_clock, &now);
    otd_addr limited = addr_of(0), a;
    (void)state;

    assert_non_null(al);
    assert_int_equal(otd_addrlimit_fail(al, &limited, NULL, NULL), 1);
    assert_int_equal(otd_addrlimit_fail(al, &limited, NULL, NULL), 1);
    assert_int_equal(otd_addrlimit_fail(al, &limited, NULL, NULL), 0);
    for (unsigned i = 1; i <= 10000; i++) {
        a = addr_of(i);
        assert_int_equal(otd_addrlimit_fail(al, &a, NULL, &evicted), 1);
        evictions += evicted;
    }
    assert_int_equal(evictions, 10000 - 7); /* the first 7 took free slots */
    assert_int_equal(otd_addrlimit_fail(al, &limited, NULL, NULL), 0);
    /* two seconds on every bucket is full again: making room forgets nothing */
    now += 2000;
    a = addr_of(20000);
    assert_int_equal(otd_addrlimit_fail(al, &a, NULL, &evicted), 1);
    assert_int_equal(evicted, 0);
    otd_addrlimit_free(al);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bucket),        cmocka_unit_test(test_retry_after_slow_rate),
        cmocka_unit_test(test_bad_arguments), cmocka_unit_test(test_threads),
        cmocka_unit_test(test_monotonic),     cmocka_unit_test(test_addr_bucket),
        cmocka_unit_test(test_addr_table_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
