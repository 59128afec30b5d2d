/* body.c: JSON body and members, list query with store scope. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "otd_test.h"

#include <ordertrack/ordertrack.h>

#include "body.h"

static otd_request body_request(const char *text)
{
    otd_request req;
    memset(&req, 0, sizeof req);
    req.method = "POST";
    req.path = "/x";
    req.body = text;
    req.body_len = text ? strlen(text) : 0;
    return req;
}

/* The "field" detail of a 400 and its code. */
static void assert_refused(otd_response *res, unsigned status, const char *field)
{
    json_t *doc = json_loadb(res->body, res->body_len, 0, NULL);
    json_t *e = json_object_get(doc, "error");
    assert_int_equal(res->status, status);
    if (!e || strcmp(json_string_value(json_object_get(e, "field")), field) != 0)
        fail_msg("body %s does not name %s", res->body, field);
    json_decref(doc);
    otd_response_clear(res);
}

static void test_body_object(void **state)
{
    otd_response res;
    json_t *doc;
    otd_request req;
    (void)state;

    memset(&res, 0, sizeof res);
    static const char *const bad[] = {NULL, "", "{", "[1]", "\"s\"", "{\"a\":1,\"a\":2}",
                                      "{} x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        req = body_request(bad[i]);
        assert_int_equal(otd_body_object(&req, &doc, &res), -1);
        assert_null(doc);
        assert_refused(&res, 400, "body");
    }
    req = body_request("{\"x\": 1}");
    req.body_len = 3; /* not NUL-terminated: only "{\"x" is the body */
    assert_int_equal(otd_body_object(&req, &doc, &res), -1);
    otd_response_clear(&res);
    req = body_request("{\"x\": 1}");
    assert_int_equal(otd_body_object(&req, &doc, &res), 0);
    json_decref(doc);
}

static void test_members(void **state)
{
    otd_response res;
    otd_request req = body_request(
        "{\"s\": \"abc\", \"e\": \"\", \"n\": 12.5, \"b\": true, \"o\": {\"k\": 1}, "
        "\"z\": null, \"i\": 3}");
    json_t *doc, *o = NULL;
    const char *s = NULL;
    double n = 0;
    int b = 0;
    (void)state;

    memset(&res, 0, sizeof res);
    assert_int_equal(otd_body_object(&req, &doc, &res), 0);
    assert_int_equal(otd_body_string(doc, "s", 1, 10, &s, &res), 0);
    assert_string_equal(s, "abc");
    assert_int_equal(otd_body_string(doc, "s", 1, 2, &s, &res), -1);
    assert_refused(&res, 400, "s");
    assert_int_equal(otd_body_string(doc, "e", 1, 10, &s, &res), -1);
    assert_refused(&res, 400, "e");
    assert_int_equal(otd_body_string(doc, "n", 1, 10, &s, &res), -1);
    assert_refused(&res, 400, "n");
    assert_int_equal(otd_body_string(doc, "missing", 0, 10, &s, &res), 1);
    assert_int_equal(otd_body_string(doc, "z", 0, 10, &s, &res), 1);
    assert_int_equal(otd_body_string(doc, "missing", 1, 10, &s, &res), -1);
    assert_refused(&res, 400, "missing");

    assert_int_equal(otd_body_number(doc, "n", 1, -90, 90, &n, &res), 0);
    assert_true(n == 12.5);
    assert_int_equal(otd_body_number(doc, "i", 1, 0, 10, &n, &res), 0);
    assert_true(n == 3);
    assert_int_equal(otd_body_number(doc, "n", 1, 0, 10, &n, &res), -1);
    assert_refused(&res, 400, "n");
    assert_int_equal(otd_body_number(doc, "s", 1, 0, 10, &n, &res), -1);
    assert_refused(&res, 400, "s");
    assert_int_equal(otd_body_number(doc, "z", 0, 0, 10, &n, &res), 1);

    assert_int_equal(otd_body_bool(doc, "b", 1, &b, &res), 0);
    assert_true(b);
    assert_int_equal(otd_body_bool(doc, "i", 1, &b, &res), -1);
    assert_refused(&res, 400, "i");
    assert_int_equal(otd_body_bool(doc, "missing", 0, &b, &res), 1);

    assert_int_equal(otd_body_member_object(doc, "o", 1, &o, &res), 0);
    assert_non_null(json_object_get(o, "k"));
    assert_int_equal(otd_body_member_object(doc, "s", 1, &o, &res), -1);
    assert_refused(&res, 400, "s");
    assert_int_equal(otd_body_member_object(doc, "z", 1, &o, &res), -1);
    assert_refused(&res, 400, "z");
    json_decref(doc);
}

static int list(const otd_api_key *key, const char *const *query, otd_list_query *q,
                otd_response *res)
{
    otd_request req;
    memset(&req, 0, sizeof req);
    req.method = "GET";
    req.path = "/tracking/orders";
    req.query = otd_test_lookup;
    req.lookup_ctx = (void *)query;
    req.key = key;
    return otd_list_query_parse(&req, q, res);
}

static void test_list_query(void **state)
{
    otd_config cfg;
    char err[256];
    otd_list_query q;
    otd_response res;
    (void)state;

    memset(&res, 0, sizeof res);
    assert_int_equal(
        otd_config_load_string(&cfg,
                               "{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"admin\"},"
                               " {\"key\": \"s1-0123456789abc\", \"role\": \"store\", \"stores\": [\"st-1\"]},"
                               " {\"key\": \"s2-0123456789abc\", \"role\": \"store\", \"stores\": [\"a\", "
                               "\"b\"]}]}",
                               "t", err, sizeof err),
        0);
    const otd_api_key *admin = &cfg.keys[0], *one = &cfg.keys[1], *two = &cfg.keys[2];

    assert_int_equal(list(admin, NULL, &q, &res), 0);
    assert_null(q.store_id);
    assert_int_equal(q.limit, 50);
    assert_int_equal(q.status, 0);

    static const char *const full[] = {"store_id", "st-9", "customer_id", "c-1", "status",
                                       "in_transit", "limit", "1000", "cursor", "abc", NULL};
    assert_int_equal(list(admin, full, &q, &res), 0);
    assert_string_equal(q.store_id, "st-9");
    assert_string_equal(q.customer_id, "c-1");
    assert_int_equal(q.status, OT_STATUS_IN_TRANSIT);
    assert_int_equal(q.limit, 1000);
    assert_string_equal(q.cursor, "abc");

    static const char *const bad[][3] = {
        {"limit", "0", NULL},      {"limit", "1001", NULL}, {"limit", "x", NULL},
        {"limit", "-5", NULL},     {"limit", "5x", NULL},   {"status", "teleported", NULL},
        {"status", "in transit", NULL}, {"customer_id", "", NULL},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(list(admin, bad[i], &q, &res), -1);
        assert_refused(&res, 400, bad[i][0]);
    }

    /* A store key with one store gets it; outside it, 403. */
    assert_int_equal(list(one, NULL, &q, &res), 0);
    assert_string_equal(q.store_id, "st-1");
    static const char *const other[] = {"store_id", "st-2", NULL};
    assert_int_equal(list(one, other, &q, &res), -1);
    assert_refused(&res, 403, "store_id");
    /* With several stores it must name one. */
    assert_int_equal(list(two, NULL, &q, &res), -1);
    assert_refused(&res, 400, "store_id");
    static const char *const b[] = {"store_id", "b", NULL};
    assert_int_equal(list(two, b, &q, &res), 0);
    assert_string_equal(q.store_id, "b");
    otd_config_free(&cfg);
}

static void test_parse_time(void **state)
{
    int64_t ms = 0;
    (void)state;

    assert_int_equal(otd_parse_time("1970-01-01T00:00:00Z", &ms), 0);
    assert_true(ms == 0);
    assert_int_equal(otd_parse_time("2026-11-23T06:40:01.123Z", &ms), 0);
    assert_true(ms == INT64_C(1795416001123));
    assert_int_equal(otd_parse_time("2026-11-23T12:10:01.123+05:30", &ms), 0);
    assert_true(ms == INT64_C(1795416001123));
    assert_int_equal(otd_parse_time("2026-11-23T06:40:01.1234Z", &ms), 0);
    assert_true(ms == INT64_C(1795416001123));
    assert_int_equal(otd_parse_time("2024-02-29T00:00:00Z", &ms), 0);
    assert_true(ms == INT64_C(1709164800000));
    static const char *const bad[] = {
        "", "2026-11-23", "2026-11-23T06:40:01", "2026-13-01T00:00:00Z",
        "2026-11-23T06:40:01.Z", "2026-11-23T06:40:01+0530", "1969-12-31T23:59:59Z",
        "2026-11-23T06:40:01Zx",
        /* real calendar dates only: no rolling over into the next month */
        "2026-02-31T10:00:00Z", "2026-04-31T10:00:00Z", "2025-02-29T10:00:00Z",
        "2026-02-29T00:00:00+05:30", "2026-11-00T00:00:00Z"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(otd_parse_time(bad[i], &ms), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_body_object),
        cmocka_unit_test(test_members),
        cmocka_unit_test(test_list_query),
        cmocka_unit_test(test_parse_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
