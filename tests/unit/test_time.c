/* The public RFC 3339 helpers: wire form out, tolerant input, errors naming the text. */
#include "test_util.h"

static void test_parse_and_format(void **state)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"2026-11-23T06:40:01.123Z", "2026-11-23T06:40:01.123Z"},
        {"2026-11-23T06:40:01Z", "2026-11-23T06:40:01.000Z"},
        {"2026-11-23T12:10:01.5+05:30", "2026-11-23T06:40:01.500Z"},
        {"2000-02-29T23:59:59.999Z", "2000-02-29T23:59:59.999Z"},
        {"1970-01-01T00:00:00Z", "1970-01-01T00:00:00.000Z"},
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t ms = -1;
        char buf[OT_TIME_SIZE];
        ot_error err;
        ot_error_clear(&err);
        if (ot_time_parse(&ms, cases[i].in, &err) != 0)
            fail_msg("%s: %s", cases[i].in, err.message);
        assert_int_equal(ot_time_format(buf, ms, &err), 0);
        assert_string_equal(buf, cases[i].out);
    }
}

static void test_bad_input(void **state)
{
    static const char *const bad[] = {"", "yesterday", "2026-02-30T00:00:00Z",
                                      "2026-02-31T00:00:00Z", "2025-02-29T00:00:00Z",
                                      "2026-04-31T00:00:00Z", "2026-00-10T00:00:00Z",
                                      "2026-01-00T00:00:00Z",
                                      "2026-11-23 06:40:01", "2026-11-23T25:00:00Z",
                                      "1969-12-31T23:59:59Z", "2026-11-23T06:40:01.123"};
    char buf[OT_TIME_SIZE];
    int64_t ms;
    size_t i;
    ot_error err;
    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_ot_error(ot_time_parse(&ms, bad[i], &err), OT_EINVAL, err);
        if (bad[i][0])
            assert_non_null(strstr(err.message, bad[i]));
    }
    assert_ot_error(ot_time_parse(NULL, "2026-11-23T06:40:01Z", &err), OT_EINVAL, err);
    assert_ot_error(ot_time_parse(&ms, NULL, &err), OT_EINVAL, err);
    assert_ot_error(ot_time_format(buf, -1, &err), OT_EINVAL, err);
    assert_ot_error(ot_time_format(buf, INT64_C(253402300800000), &err), OT_EINVAL, err);
    assert_ot_error(ot_time_format(NULL, 0, &err), OT_EINVAL, err);
}

/* Civil dates <-> days since 1970-01-01: known days, every day of 0..9999 both ways in
 * order, and errors naming the field. */
static void test_civil_dates(void **state)
{
    static const struct {
        int64_t year;
        int month, day;
        int64_t days;
    } known[] = {
        {1970, 1, 1, 0},         {1969, 12, 31, -1},     {2000, 3, 1, 11017},
        {2026, 11, 23, 20780},   {0, 1, 1, -719528},     {9999, 12, 31, 2932896},
    };
    int64_t days, year, prev_year = 0;
    int month, day, prev_month = 1, prev_day = 0;
    size_t i;
    ot_error err;
    (void)state;

    for (i = 0; i < sizeof known / sizeof known[0]; i++) {
        assert_int_equal(ot_date_to_days(&days, known[i].year, known[i].month, known[i].day,
                                         &err), 0);
        assert_int_equal(days, known[i].days);
        assert_int_equal(ot_date_from_days(&year, &month, &day, known[i].days, &err), 0);
        assert_int_equal(year, known[i].year);
        assert_int_equal(month, known[i].month);
        assert_int_equal(day, known[i].day);
    }
    for (days = -719528; days <= 2932896; days++) {
        int64_t back;
        assert_int_equal(ot_date_from_days(&year, &month, &day, days, NULL), 0);
        /* the next day of the previous one: same month, or the first of the next */
        if (days > -719528 && !(year == prev_year && month == prev_month && day == prev_day + 1) &&
            !(day == 1 && (month == prev_month + 1 ? year == prev_year
                                                   : month == 1 && prev_month == 12 &&
                                                         year == prev_year + 1)))
            fail_msg("day %lld: %lld-%d-%d after %lld-%d-%d", (long long)days, (long long)year,
                     month, day, (long long)prev_year, prev_month, prev_day);
        if (ot_date_to_days(&back, year, month, day, NULL) != 0 || back != days)
            fail_msg("day %lld does not read back", (long long)days);
        prev_year = year, prev_month = month, prev_day = day;
    }
    assert_int_equal(ot_date_to_days(&days, 2024, 2, 29, &err), 0);
    assert_ot_error(ot_date_to_days(&days, 2023, 2, 29, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "day");
    assert_ot_error(ot_date_to_days(&days, 1900, 2, 29, &err), OT_EINVAL, err);
    assert_ot_error(ot_date_to_days(&days, 2026, 13, 1, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "month");
    assert_ot_error(ot_date_to_days(&days, 10000, 1, 1, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "year");
    assert_ot_error(ot_date_to_days(&days, -1, 12, 31, &err), OT_EINVAL, err);
    assert_ot_error(ot_date_to_days(NULL, 2026, 1, 1, &err), OT_EINVAL, err);
    assert_ot_error(ot_date_from_days(&year, &month, &day, 2932897, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "days");
    assert_ot_error(ot_date_from_days(&year, &month, &day, -719529, &err), OT_EINVAL, err);
    assert_ot_error(ot_date_from_days(&year, NULL, &day, 0, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "month");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_and_format),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_civil_dates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
