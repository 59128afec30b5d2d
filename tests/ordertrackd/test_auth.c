/* auth.c: Bearer parsing, key lookup, role, store, provider and driver scope. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "auth.h"

static const char cfg_json[] =
    "{\"api_keys\": [{\"key\": \"admin-secret-012\", \"role\": \"admin\"},"
    " {\"key\": \"store-1-secret-0\", \"role\": \"store\", \"stores\": [\"store-1\", \"s2\"]},"
    " {\"key\": \"courier-secret-0\", \"role\": \"courier\"},"
    " {\"key\": \"uber-fleet-01234\", \"role\": \"courier\", \"providers\": [\"uber\"]},"
    " {\"key\": \"drv-7-app-012345\", \"role\": \"courier\", \"providers\": [\"uber\"],"
    "  \"driver_id\": \"drv-7\"}]}";

static void test_lookup(void **state)
{
    otd_config cfg;
    otd_auth *auth;
    const otd_api_key *key = NULL;
    size_t index = 99;
    char err[256];
    (void)state;

    assert_int_equal(otd_config_load_string(&cfg, cfg_json, "t", err, sizeof err), 0);
    auth = otd_auth_new(&cfg);
    assert_non_null(auth);

    assert_int_equal(otd_auth_check(auth, NULL, &key, &index), OTD_AUTH_MISSING);
    assert_int_equal(otd_auth_check(auth, "", &key, &index), OTD_AUTH_MISSING);
    assert_int_equal(otd_auth_check(auth, "Basic YWRtaW4=", &key, &index), OTD_AUTH_MALFORMED);
    assert_int_equal(otd_auth_check(auth, "Bearer ", &key, &index), OTD_AUTH_MALFORMED);
    assert_int_equal(otd_auth_check(auth, "Bearer admin", &key, &index), OTD_AUTH_UNKNOWN);
    assert_int_equal(otd_auth_check(auth, "Bearer admin-secretX", &key, &index),
                     OTD_AUTH_UNKNOWN);
    assert_int_equal(otd_auth_check(auth, "Bearer store-1-secret-0", &key, &index), OTD_AUTH_OK);
    assert_ptr_equal(key, &cfg.keys[1]);
    assert_int_equal(index, 1);
    assert_int_equal(otd_auth_check(auth, "bearer  courier-secret-0", &key, &index), OTD_AUTH_OK);
    assert_int_equal(index, 2);
    assert_int_equal(otd_auth_check(auth, "Bearer admin-secret-012", NULL, NULL), OTD_AUTH_OK);

    assert_true(strstr(otd_auth_reason(OTD_AUTH_MISSING), "missing") != NULL);
    assert_true(strstr(otd_auth_reason(OTD_AUTH_UNKNOWN), "unknown") != NULL);
    assert_true(strstr(otd_auth_reason(OTD_AUTH_MALFORMED), "Bearer") != NULL);

    otd_auth_free(auth);
    otd_auth_free(NULL);
    otd_config_free(&cfg);
}

static void test_scope(void **state)
{
    otd_config cfg;
    char err[256];
    (void)state;

    assert_int_equal(otd_config_load_string(&cfg, cfg_json, "t", err, sizeof err), 0);
    const otd_api_key *admin = &cfg.keys[0], *store = &cfg.keys[1], *courier = &cfg.keys[2];

    assert_true(otd_auth_store_allowed(admin, "anything"));
    assert_true(otd_auth_store_allowed(store, "store-1"));
    assert_true(otd_auth_store_allowed(store, "s2"));
    assert_false(otd_auth_store_allowed(store, "store-2"));
    assert_false(otd_auth_store_allowed(store, "store-"));
    assert_false(otd_auth_store_allowed(courier, "store-1"));
    assert_false(otd_auth_store_allowed(NULL, "store-1"));
    assert_false(otd_auth_store_allowed(admin, NULL));

    assert_true(otd_auth_role_allowed(admin, OTD_ROLE_ADMIN));
    assert_false(otd_auth_role_allowed(store, OTD_ROLE_ADMIN));
    assert_true(otd_auth_role_allowed(store, OTD_ROLE_ADMIN | OTD_ROLE_STORE));
    assert_false(otd_auth_role_allowed(courier, OTD_ROLE_ADMIN | OTD_ROLE_STORE));
    assert_false(otd_auth_role_allowed(NULL, 7));
    otd_config_free(&cfg);
}

/* Orders: a store key by store; a courier key by provider and assigned driver. */
static void test_order_scope(void **state)
{
    otd_config cfg;
    char err[256];
    (void)state;

    assert_int_equal(otd_config_load_string(&cfg, cfg_json, "t", err, sizeof err), 0);
    const otd_api_key *admin = &cfg.keys[0], *store = &cfg.keys[1], *courier = &cfg.keys[2];
    const otd_api_key *fleet = &cfg.keys[3], *driver = &cfg.keys[4];
    const int uber = 1, doordash = 2;

    assert_false(otd_auth_order_scoped(admin));
    assert_true(otd_auth_order_scoped(store));
    assert_false(otd_auth_order_scoped(courier));   /* unscoped: every order, as before */
    assert_true(otd_auth_order_scoped(fleet));
    assert_true(otd_auth_order_scoped(driver));
    assert_false(otd_auth_order_scoped(NULL));

    assert_true(otd_auth_order_allowed(admin, "s9", doordash, NULL, 0));
    assert_true(otd_auth_order_allowed(store, "s2", doordash, NULL, 0));
    assert_false(otd_auth_order_allowed(store, "s9", uber, NULL, 0));
    assert_true(otd_auth_order_allowed(courier, "s9", doordash, "x", 0));
    assert_true(otd_auth_order_allowed(fleet, "s9", uber, "x", 0));
    assert_false(otd_auth_order_allowed(fleet, "s9", doordash, NULL, 0));
    assert_true(otd_auth_order_allowed(driver, "s9", uber, "drv-7", 0));
    assert_false(otd_auth_order_allowed(driver, "s9", uber, "drv-8", 0));
    assert_false(otd_auth_order_allowed(driver, "s9", doordash, "drv-7", 0));
    assert_false(otd_auth_order_allowed(driver, "s9", uber, NULL, 0));    /* not yet its own */
    assert_true(otd_auth_order_allowed(driver, "s9", uber, NULL, 1));     /* but it may take it */
    assert_false(otd_auth_order_allowed(driver, "s9", uber, "drv-8", 1)); /* not another's */
    assert_false(otd_auth_order_allowed(NULL, "s9", uber, NULL, 0));
    otd_config_free(&cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lookup),
        cmocka_unit_test(test_scope),
        cmocka_unit_test(test_order_scope),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
