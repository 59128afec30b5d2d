/* http_errors.c: the code table of docs/API.md, error bodies, library-code mapping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "http_errors.h"

static void test_table(void **state)
{
    static const struct {
        int err;
        const char *code;
        unsigned status;
    } api[] = {
        {OTD_ERR_INVALID_REQUEST, "invalid_request", 400},
        {OTD_ERR_UNAUTHORIZED, "unauthorized", 401},
        {OTD_ERR_FORBIDDEN, "forbidden", 403},
        {OTD_ERR_NOT_FOUND, "not_found", 404},
        {OTD_ERR_ALREADY_EXISTS, "already_exists", 409},
        {OTD_ERR_INVALID_TRANSITION, "invalid_transition", 409},
        {OTD_ERR_IDEMPOTENCY_CONFLICT, "idempotency_conflict", 409},
        {OTD_ERR_VERSION_CONFLICT, "version_conflict", 412},
        {OTD_ERR_GONE, "gone", 410},
        {OTD_ERR_PAYLOAD_TOO_LARGE, "payload_too_large", 413},
        {OTD_ERR_ORDER_LIMIT, "order_limit", 422},
        {OTD_ERR_URI_TOO_LONG, "uri_too_long", 414},
        {OTD_ERR_HEADERS_TOO_LARGE, "headers_too_large", 431},
        {OTD_ERR_RATE_LIMITED, "rate_limited", 429},
        {OTD_ERR_STORAGE_UNAVAILABLE, "storage_unavailable", 503},
        {OTD_ERR_METHOD_NOT_ALLOWED, "method_not_allowed", 405},
        {OTD_ERR_INVALID_STATE, "invalid_state", 409},
        {OTD_ERR_NOT_IMPLEMENTED, "not_implemented", 501},
        {OTD_ERR_INTERNAL, "internal_error", 500},
        {OTD_ERR_INTEGRITY, "integrity_error", 500},
        {OTD_ERR_UPSTREAM_FAILED, "upstream_failed", 502},
    };
    (void)state;
    assert_int_equal(sizeof api / sizeof api[0], OTD_ERR_COUNT);
    for (size_t i = 0; i < sizeof api / sizeof api[0]; i++) {
        assert_string_equal(otd_api_error_code(api[i].err), api[i].code);
        assert_int_equal(otd_api_error_status(api[i].err), api[i].status);
    }
    assert_null(otd_api_error_code(-1));
    assert_null(otd_api_error_code(OTD_ERR_COUNT));
    assert_int_equal(otd_api_error_status(OTD_ERR_COUNT), 500);
}

static void test_from_ot(void **state)
{
    static const struct {
        int ot;
        int api;
    } map[] = {
        {OT_EINVAL, OTD_ERR_INVALID_REQUEST},
        {OT_ENOTFOUND, OTD_ERR_NOT_FOUND},
        {OT_EEXISTS, OTD_ERR_ALREADY_EXISTS},
        {OT_ETRANSITION, OTD_ERR_INVALID_TRANSITION},
        {OT_ESTALE, OTD_ERR_INVALID_TRANSITION},
        {OT_EIDEMPOTENCY_CONFLICT, OTD_ERR_IDEMPOTENCY_CONFLICT},
        {OT_ECONFLICT, OTD_ERR_VERSION_CONFLICT},
        {OT_ESTORAGE, OTD_ERR_STORAGE_UNAVAILABLE},
        {OT_EUNAVAILABLE, OTD_ERR_STORAGE_UNAVAILABLE},
        {OT_ETIMEOUT, OTD_ERR_STORAGE_UNAVAILABLE},
        {OT_ESTATE, OTD_ERR_INVALID_STATE},
        {OT_EPARSE, OTD_ERR_INVALID_REQUEST},
        {OT_EUNKNOWN_STATUS, OTD_ERR_INVALID_REQUEST},
        {OT_ELIMIT, OTD_ERR_INVALID_REQUEST},
        {OT_EAUTH, OTD_ERR_UNAUTHORIZED},
        {OT_EHTTP, OTD_ERR_UPSTREAM_FAILED},
        {OT_ENOMEM, OTD_ERR_INTERNAL},
        {OT_EIO, OTD_ERR_INTERNAL},
        {OT_EINTEGRITY, OTD_ERR_INTEGRITY},
        {OT_EVERSION, OTD_ERR_INTERNAL},
        {OT_EUNSUPPORTED, OTD_ERR_NOT_IMPLEMENTED},
        {0, OTD_ERR_INTERNAL},
        {-1000, OTD_ERR_INTERNAL},
        {5, OTD_ERR_INTERNAL},
    };
    (void)state;
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (otd_api_error_from_ot(map[i].ot) != map[i].api)
            fail_msg("%d -> %d, want %d", map[i].ot, otd_api_error_from_ot(map[i].ot),
                     map[i].api);
    /* Every library code up to the last one has a deliberate mapping. */
    for (int c = OT_EINVAL; c >= OT_EUNSUPPORTED; c--)
        assert_non_null(otd_api_error_code(otd_api_error_from_ot(c)));
}

static void test_bodies(void **state)
{
    char *body;
    ot_error e;
    unsigned status = 0;
    (void)state;

    body = otd_error_body(OTD_ERR_NOT_FOUND, "no such order \"o-1\"", NULL);
    assert_string_equal(body,
                        "{\"error\":{\"code\":\"not_found\",\"message\":\"no such order "
                        "\\\"o-1\\\"\"}}");
    free(body);

    body = otd_error_body(OTD_ERR_RATE_LIMITED, "slow down", json_pack("{si}", "retry", 2));
    assert_string_equal(body, "{\"error\":{\"code\":\"rate_limited\",\"message\":\"slow "
                              "down\",\"retry\":2}}");
    free(body);

    body = otd_error_body(99, NULL, NULL);
    assert_string_equal(body, "{\"error\":{\"code\":\"internal_error\",\"message\":\"\"}}");
    free(body);

    ot_error_clear(&e);
    e.code = OT_ETRANSITION;
    strcpy(e.message, "submitted -> delivered is not allowed");
    strcpy(e.from, "submitted");
    strcpy(e.to, "delivered");
    body = otd_error_body_from_ot(OT_ETRANSITION, &e, &status);
    assert_int_equal(status, 409);
    assert_string_equal(body, "{\"error\":{\"code\":\"invalid_transition\",\"message\":"
                              "\"submitted -> delivered is not allowed\",\"from\":"
                              "\"submitted\",\"to\":\"delivered\"}}");
    free(body);

    ot_error_clear(&e);
    strcpy(e.field, "latitude");
    body = otd_error_body_from_ot(OT_EINVAL, &e, &status);
    assert_int_equal(status, 400);
    assert_non_null(strstr(body, "\"field\":\"latitude\""));
    assert_non_null(strstr(body, "\"code\":\"invalid_request\""));
    free(body);

    /* OT_ELIMIT naming an order's limit is order_limit 422; any other stays 400 */
    ot_error_clear(&e);
    strcpy(e.field, "issues");
    body = otd_error_body_from_ot(OT_ELIMIT, &e, &status);
    assert_int_equal(status, 422);
    assert_non_null(strstr(body, "\"code\":\"order_limit\""));
    assert_non_null(strstr(body, "\"field\":\"issues\""));
    free(body);
    strcpy(e.field, "length");
    body = otd_error_body_from_ot(OT_ELIMIT, &e, &status);
    assert_int_equal(status, 400);
    free(body);

    body = otd_error_body_from_ot(OT_ECONFLICT, NULL, &status);
    assert_int_equal(status, 412);
    assert_non_null(strstr(body, "\"code\":\"version_conflict\""));
    free(body);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_from_ot),
        cmocka_unit_test(test_bodies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
