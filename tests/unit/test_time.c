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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_and_format),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
