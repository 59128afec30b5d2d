/* router.c: every route of docs/API.md, captures, 404 and 405 with Allow. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "router.h"

static const struct {
    const char *method, *path;
    otd_route_id id;
    const char *order_id, *store_id;
} cases[] = {
    {"POST", "/tracking/orders/o-1/init", OTD_ROUTE_ORDER_INIT, "o-1", ""},
    {"PUT", "/tracking/orders/o-1/status", OTD_ROUTE_ORDER_STATUS, "o-1", ""},
    {"GET", "/tracking/orders/o-1", OTD_ROUTE_ORDER_GET, "o-1", ""},
    {"GET", "/tracking/orders/o-1/history", OTD_ROUTE_ORDER_HISTORY, "o-1", ""},
    {"GET", "/tracking/orders/o-1/live-location", OTD_ROUTE_ORDER_LIVE_LOCATION, "o-1", ""},
    {"GET", "/tracking/orders", OTD_ROUTE_ORDER_LIST, "", ""},
    {"GET", "/tracking/orders/o-1/sla", OTD_ROUTE_ORDER_SLA, "o-1", ""},
    {"POST", "/tracking/orders/o-1/issues", OTD_ROUTE_ISSUE_ADD, "o-1", ""},
    {"POST", "/tracking/orders/o-1/issues/12/resolve", OTD_ROUTE_ISSUE_RESOLVE, "o-1", ""},
    {"POST", "/tracking/orders/o-1/substitutions/respond", OTD_ROUTE_SUBSTITUTION_RESPOND, "o-1",
     ""},
    {"POST", "/tracking/store/st-9/acknowledge", OTD_ROUTE_STORE_ACKNOWLEDGE, "", "st-9"},
    {"POST", "/tracking/store/st-9/start-picking", OTD_ROUTE_STORE_START_PICKING, "", "st-9"},
    {"POST", "/tracking/store/st-9/substitution", OTD_ROUTE_STORE_SUBSTITUTION, "", "st-9"},
    {"POST", "/tracking/store/st-9/ready", OTD_ROUTE_STORE_READY, "", "st-9"},
    {"POST", "/tracking/delivery/o-2/assign", OTD_ROUTE_DELIVERY_ASSIGN, "o-2", ""},
    {"PUT", "/tracking/delivery/o-2/location", OTD_ROUTE_DELIVERY_LOCATION, "o-2", ""},
    {"POST", "/tracking/delivery/o-2/pickup", OTD_ROUTE_DELIVERY_PICKUP, "o-2", ""},
    {"POST", "/tracking/delivery/o-2/delivered", OTD_ROUTE_DELIVERY_DELIVERED, "o-2", ""},
    {"POST", "/tracking/webhooks/uber", OTD_ROUTE_WEBHOOK_UBER, "", ""},
    {"POST", "/tracking/webhooks/doordash", OTD_ROUTE_WEBHOOK_DOORDASH, "", ""},
    {"POST", "/tracking/webhooks/shiprocket", OTD_ROUTE_WEBHOOK_SHIPROCKET, "", ""},
    {"POST", "/tracking/webhooks/velocity", OTD_ROUTE_WEBHOOK_VELOCITY, "", ""},
    {"POST", "/tracking/webhooks/delhivery", OTD_ROUTE_WEBHOOK_DELHIVERY, "", ""},
    {"GET", "/healthz", OTD_ROUTE_HEALTHZ, "", ""},
    {"GET", "/metrics", OTD_ROUTE_METRICS, "", ""},
    {"GET", "/tracking/orders/o-1/events", OTD_ROUTE_ORDER_EVENTS, "o-1", ""},
    {"GET", "/openapi.json", OTD_ROUTE_OPENAPI, "", ""},
    {"POST", "/tracking/orders/o-1/tracking-link", OTD_ROUTE_TRACKING_LINK, "o-1", ""},
    {"GET", "/t/static/page.0123456789ab.css", OTD_ROUTE_PAGE_STATIC, "", ""},
    {"GET", "/t/abc.def", OTD_ROUTE_PAGE, "", ""},
    {"GET", "/t/abc.def/events", OTD_ROUTE_PAGE_EVENTS, "", ""},
    {"POST", "/tracking/webhooks/couriers/acme_express", OTD_ROUTE_WEBHOOK_COURIER, "", ""},
};

static void test_every_route(void **state)
{
    int seen[OTD_ROUTE_COUNT] = {0};
    (void)state;

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        otd_match m;
        int rc = otd_route_match(cases[i].method, cases[i].path, &m);
        if (rc != 200)
            fail_msg("%s %s -> %d", cases[i].method, cases[i].path, rc);
        assert_int_equal(m.route->id, cases[i].id);
        assert_string_equal(m.order_id, cases[i].order_id);
        assert_string_equal(m.store_id, cases[i].store_id);
        seen[cases[i].id] = 1;
    }
    /* The table holds each id at its own index, and the cases above cover all of them. */
    for (int id = 0; id < OTD_ROUTE_COUNT; id++) {
        assert_int_equal(otd_routes()[id].id, id);
        assert_true(seen[id]);
    }
}

/* {token} takes a whole tracking-link token (longer than the other captures); {asset} a file
 * name; "static" is the files' folder, not a token. */
static void test_page_captures(void **state)
{
    char path[600], token[400];
    otd_match m;
    (void)state;

    memset(token, 'A', sizeof token - 1);
    token[sizeof token - 1] = '\0';
    snprintf(path, sizeof path, "/t/%s/events", token);
    assert_int_equal(otd_route_match("GET", path, &m), 200);
    assert_int_equal(m.route->id, OTD_ROUTE_PAGE_EVENTS);
    assert_string_equal(m.token, token);
    assert_int_equal(otd_route_match("GET", "/t/static/page.1.js", &m), 200);
    assert_int_equal(m.route->id, OTD_ROUTE_PAGE_STATIC);
    assert_string_equal(m.asset, "page.1.js");
    assert_int_equal(otd_route_match("GET", "/t/static", &m), 200);
    assert_int_equal(m.route->id, OTD_ROUTE_PAGE);
    assert_int_equal(otd_route_match("POST", "/t/abc", &m), 405);
    assert_string_equal(m.allow, "GET");
}

static void test_courier_capture(void **state)
{
    otd_match m;
    (void)state;
    assert_int_equal(otd_route_match("POST", "/tracking/webhooks/couriers/acme_express", &m), 200);
    assert_string_equal(m.courier, "acme_express");
    assert_int_equal(otd_route_match("POST", "/tracking/webhooks/couriers/", &m), 404);
    assert_int_equal(otd_route_match("GET", "/tracking/webhooks/couriers/x", &m), 405);
}

static void test_index_capture(void **state)
{
    otd_match m;
    (void)state;
    assert_int_equal(otd_route_match("POST", "/tracking/orders/a/issues/0/resolve", &m), 200);
    assert_true(m.has_index);
    assert_int_equal(m.index, 0);
    assert_int_equal(otd_route_match("POST", "/tracking/orders/a/issues/x1/resolve", &m), 404);
    assert_int_equal(otd_route_match("POST", "/tracking/orders/a/issues/-1/resolve", &m), 404);
    assert_int_equal(
        otd_route_match("POST", "/tracking/orders/a/issues/99999999999999999999999/resolve",
                        &m),
        404);
    /* A long {index} segment is refused before it is copied anywhere. */
    char long_index[300] = "/tracking/orders/a/issues/";
    memset(long_index + strlen(long_index), '7', 200);
    strcpy(long_index + 26 + 200, "/resolve");
    assert_int_equal(otd_route_match("POST", long_index, &m), 404);
}

static void test_not_found(void **state)
{
    static const char *const paths[] = {
        "/",  "",          "/nope",         "/tracking",          "/tracking/orders/",
        "/tracking/orders//history",        "/tracking/orders/a/init/",
        "/tracking/orders/a/b/c",           "/tracking/webhooks/fedex",
        "/healthz/",        "/tracking/store//ready", "/HEALTHZ",
    };
    otd_match m;
    (void)state;
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        int rc = otd_route_match("GET", paths[i], &m);
        if (rc != 404)
            fail_msg("GET \"%s\" -> %d", paths[i], rc);
        assert_null(m.route);
    }
    /* An over-long id is not a route. */
    char long_path[400] = "/tracking/orders/";
    memset(long_path + strlen(long_path), 'x', 300);
    long_path[317] = '\0';
    assert_int_equal(otd_route_match("GET", long_path, &m), 404);
}

static void test_method_not_allowed(void **state)
{
    otd_match m;
    (void)state;
    assert_int_equal(otd_route_match("DELETE", "/tracking/orders/o-1", &m), 405);
    assert_string_equal(m.allow, "GET");
    assert_null(m.route);
    assert_int_equal(otd_route_match("GET", "/tracking/orders/o-1/init", &m), 405);
    assert_string_equal(m.allow, "POST");
    assert_int_equal(otd_route_match("POST", "/tracking/delivery/o/location", &m), 405);
    assert_string_equal(m.allow, "PUT");
    assert_int_equal(otd_route_match("POST", "/healthz", &m), 405);
    assert_string_equal(m.allow, "GET");
    assert_int_equal(otd_route_match("GET", "/tracking/webhooks/uber", &m), 405);
    assert_string_equal(m.allow, "POST");
    assert_int_equal(otd_route_match("get", "/healthz", &m), 405); /* methods are exact */
}

/* Random paths built from the table's own pieces and junk: never a crash, only 200, 404 or
 * 405, and a 200 always names a route whose method was asked. */
static void test_random_paths(void **state)
{
    static const char *const pieces[] = {"tracking", "orders", "store", "delivery", "webhooks",
                                         "init",     "status", "issues", "1",      "resolve",
                                         "",         "x%2F",   "healthz", "metrics", "uber",
                                         "substitutions", "respond", "{order_id}"};
    static const char *const methods[] = {"GET", "POST", "PUT", "DELETE"};
    unsigned seed = 12345;
    (void)state;

    for (int n = 0; n < 20000; n++) {
        char path[256] = "";
        size_t len = 0;
        int segments = (int)((seed = seed * 1103515245u + 12345u) >> 16) % 7;
        for (int i = 0; i < segments; i++) {
            seed = seed * 1103515245u + 12345u;
            const char *p = pieces[(seed >> 16) % (sizeof pieces / sizeof pieces[0])];
            len += (size_t)snprintf(path + len, sizeof path - len, "/%s", p);
        }
        seed = seed * 1103515245u + 12345u;
        const char *method = methods[(seed >> 16) % 4];
        otd_match m;
        int rc = otd_route_match(method, path, &m);
        assert_true(rc == 200 || rc == 404 || rc == 405);
        if (rc == 200)
            assert_string_equal(m.route->method, method);
        if (rc == 405)
            assert_true(m.allow[0] != '\0');
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_route),
        cmocka_unit_test(test_courier_capture),
        cmocka_unit_test(test_index_capture),
        cmocka_unit_test(test_page_captures),
        cmocka_unit_test(test_not_found),
        cmocka_unit_test(test_method_not_allowed),
        cmocka_unit_test(test_random_paths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
