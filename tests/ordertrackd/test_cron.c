/* cron.c: parsing (bitsets, errors naming the field) and cron_next against a brute-force
 * minute-by-minute reference built on the C library's gmtime_r. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "cron.h"

static uint64_t range_bits(int lo, int hi, int step)
{
    uint64_t b = 0;
    for (int v = lo; v <= hi; v += step)
        b |= (uint64_t)1 << v;
    return b;
}

static void test_parse_bitsets(void **state)
{
    cron_expr e;
    char err[128];
    (void)state;

    assert_int_equal(cron_parse(&e, "*/8 * * * *", err, sizeof err), 0);
    assert_true(e.minutes == range_bits(0, 59, 8));
    assert_true(e.hours == range_bits(0, 23, 1));
    assert_true(e.days == range_bits(1, 31, 1));
    assert_true(e.months == range_bits(1, 12, 1));
    assert_true(e.weekdays == range_bits(0, 6, 1));
    assert_true(e.days_star && e.weekdays_star);

    assert_int_equal(cron_parse(&e, "0 */2 * * *", err, sizeof err), 0);
    assert_true(e.minutes == 1);
    assert_true(e.hours == range_bits(0, 23, 2));

    assert_int_equal(cron_parse(&e, "5,10-20/5,59 9-17 1,15 jan,JUL-sep mon-fri", err,
                                sizeof err), 0);
    assert_true(e.minutes == ((1ull << 5) | (1ull << 10) | (1ull << 15) | (1ull << 20) |
                              (1ull << 59)));
    assert_true(e.hours == range_bits(9, 17, 1));
    assert_true(e.days == ((1u << 1) | (1u << 15)));
    assert_true(e.months == ((1u << 1) | range_bits(7, 9, 1)));
    assert_true(e.weekdays == range_bits(1, 5, 1));
    assert_false(e.days_star || e.weekdays_star);

    assert_int_equal(cron_parse(&e, "  0 0 * * 7 ", err, sizeof err), 0);
    assert_true(e.weekdays == 1);
    assert_int_equal(cron_parse(&e, "0 0 * * 5-7", err, sizeof err), 0);
    assert_true(e.weekdays == ((1u << 0) | (1u << 5) | (1u << 6)));
    assert_int_equal(cron_parse(&e, "30 4/6 * * *", err, sizeof err), 0);
    assert_true(e.hours == ((1u << 4) | (1u << 10) | (1u << 16) | (1u << 22)));
    assert_int_equal(cron_parse(&e, "@hourly", err, sizeof err), 0);
    assert_true(e.minutes == 1 && e.hours == range_bits(0, 23, 1));
}

static void expect_error(const char *text, const char *needle)
{
    cron_expr e;
    char err[160];

    if (cron_parse(&e, text, err, sizeof err) != -1)
        fail_msg("\"%s\" was accepted", text);
    if (!strstr(err, needle))
        fail_msg("\"%s\": message \"%s\" lacks \"%s\"", text, err, needle);
}

static void test_parse_errors(void **state)
{
    (void)state;
    expect_error("", "expected 5 fields, got 0");
    expect_error("* * * *", "expected 5 fields, got 4");
    expect_error("* * * * * *", "expected 5 fields");
    expect_error("60 * * * *", "minute: \"60\" is out of range 0-59");
    expect_error("* 24 * * *", "hour: \"24\" is out of range");
    expect_error("* * 0 * *", "day-of-month: \"0\" is out of range 1-31");
    expect_error("* * 32 * *", "day-of-month");
    expect_error("* * * 13 *", "month: \"13\" is out of range 1-12");
    expect_error("* * * foo *", "month: \"foo\" is not a value");
    expect_error("* * * * 8", "day-of-week: \"8\" is out of range 0-7");
    expect_error("* * * * funday", "day-of-week");
    expect_error("*/0 * * * *", "minute: step \"0\"");
    expect_error("*/x * * * *", "minute: step \"x\"");
    expect_error("10-5 * * * *", "minute: range \"10-5\" runs backwards");
    expect_error("1,,2 * * * *", "minute: empty item");
    expect_error("-5 * * * *", "minute");
    expect_error("@often", "unknown macro");
    expect_error(NULL, "no expression");
}

/* The reference: every minute, decomposed by gmtime_r, checked field by field. */
static int reference_matches(const cron_expr *e, int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    int dom, dow;

    gmtime_r(&tt, &tm);
    if (!((e->minutes >> tm.tm_min) & 1) || !((e->hours >> tm.tm_hour) & 1) ||
        !((e->months >> (tm.tm_mon + 1)) & 1))
        return 0;
    dom = (e->days >> tm.tm_mday) & 1;
    dow = (e->weekdays >> tm.tm_wday) & 1;
    return (e->days_star || e->weekdays_star) ? (dom && dow) : (dom || dow);
}

static int64_t reference_next(const cron_expr *e, int64_t after, int64_t horizon)
{
    int64_t t = (after / 60 + 1) * 60;
    for (; t <= after + horizon; t += 60)
        if (reference_matches(e, t))
            return t;
    return -1;
}

static void test_next_against_reference(void **state)
{
    static const char *const exprs[] = {
        "* * * * *",        "*/8 * * * *",      "0 */2 * * *",       "0 0 * * *",
        "15 3 * * 1",       "0 12 1 * *",       "30 6 1,15 * *",     "0 0 29 2 *",
        "59 23 31 12 *",    "0 0 13 * 5",       "*/15 9-17 * * mon-fri", "0 0 * * 0",
        "0 0 * * 7",        "5 4 * jan,jun *",  "0 0 31 * *",        "1-5/2 */7 */3 * *",
        "45 23 * * sat",    "0 0 1 */3 *",      "0 8 * feb-apr 2-4", "7 7 7 7 *",
        "@daily",           "@weekly",          "0 0 * * 1-5",       "10,20,30 1 * * *",
    };
    /* 2023-12-31 23:59:30, 2024-02-28 12:00, 2026-11-23 06:40:01, 2027-06-30 23:59:59 */
    static const int64_t starts[] = {1704067170, 1709121600, 1795416001, 1814399999};
    const int64_t horizon = 400LL * 86400;
    (void)state;

    for (size_t i = 0; i < sizeof exprs / sizeof exprs[0]; i++) {
        cron_expr e;
        char err[128];
        if (cron_parse(&e, exprs[i], err, sizeof err) != 0)
            fail_msg("\"%s\": %s", exprs[i], err);
        for (size_t j = 0; j < sizeof starts / sizeof starts[0]; j++) {
            int64_t t = starts[j];
            /* Chain a few successive fire times from each start. */
            for (int k = 0; k < 4; k++) {
                int64_t want = reference_next(&e, t, horizon), got = -2;
                if (want < 0)
                    break;
                if (cron_next(&e, t, &got) != 0 || got != want)
                    fail_msg("\"%s\" after %lld: got %lld, want %lld", exprs[i], (long long)t,
                             (long long)got, (long long)want);
                assert_true(cron_matches(&e, got));
                t = got;
            }
        }
    }
}

static void test_next_edges(void **state)
{
    cron_expr e;
    int64_t next = 0;
    (void)state;

    /* Never fires. */
    assert_int_equal(cron_parse(&e, "0 0 30 2 *", NULL, 0), 0);
    assert_int_equal(cron_next(&e, 1795416001, &next), -1);
    /* Feb 29: the next leap day after 2026-11-23 is 2028-02-29 00:00 UTC. */
    assert_int_equal(cron_parse(&e, "0 0 29 2 *", NULL, 0), 0);
    assert_int_equal(cron_next(&e, 1795416001, &next), 0);
    assert_true(next == 1835395200);
    /* Strictly after: a time that matches is not its own next. */
    assert_int_equal(cron_parse(&e, "*/8 * * * *", NULL, 0), 0);
    assert_int_equal(cron_next(&e, 1795416000 - 1795416000 % 480, &next), 0);
    assert_true(next == 1795416000 - 1795416000 % 480 + 480);
    assert_int_equal(cron_next(NULL, 0, &next), -1);
    assert_int_equal(cron_matches(NULL, 0), 0);
}

/* Random strings over cron's alphabet: parse either succeeds (and then cron_next agrees
 * with cron_matches) or fails with a message; never a crash. */
static void test_random_expressions(void **state)
{
    static const char alphabet[] = "0123456789*/,- jJaAnNsSuU@";
    unsigned seed = 777;
    (void)state;

    for (int n = 0; n < 20000; n++) {
        char text[40], err[160];
        size_t len;
        cron_expr e;
        seed = seed * 1103515245u + 12345u;
        len = (seed >> 16) % (sizeof text - 1);
        for (size_t i = 0; i < len; i++) {
            seed = seed * 1103515245u + 12345u;
            text[i] = alphabet[(seed >> 16) % (sizeof alphabet - 1)];
        }
        text[len] = '\0';
        err[0] = '\0';
        if (cron_parse(&e, text, err, sizeof err) != 0) {
            assert_true(err[0] != '\0');
            continue;
        }
        int64_t next;
        if (cron_next(&e, 1795416001, &next) == 0)
            assert_true(next > 1795416001 && cron_matches(&e, next));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_bitsets),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_next_against_reference),
        cmocka_unit_test(test_next_edges),
        cmocka_unit_test(test_random_expressions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
