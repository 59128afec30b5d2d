/* PII sealing: round trips, tampering, field binding, key rotation, bad input, and an
 * allocation-failure sweep. */
#include <stdlib.h>

#include "test_util.h"
#include "alloc_sweep.h"

static const unsigned char key_a[OT_PII_KEY_SIZE] = "0123456789abcdef0123456789abcdef";
static const unsigned char key_b[OT_PII_KEY_SIZE] = "fedcba9876543210fedcba9876543210";

static ot_pii *new_static(void)
{
    ot_pii *p = NULL;
    assert_int_equal(ot_pii_new_static(&p, "k1", key_a, sizeof key_a, NULL), 0);
    return p;
}

static void test_round_trip(void **state)
{
    static const char *const values[] = {"", "Ravi K.", "+91 98765 43210",
                                         "customer-\xe0\xa4\xb0-42"};
    ot_pii *p = new_static();
    size_t i;
    (void)state;
    for (i = 0; i < sizeof values / sizeof values[0]; i++) {
        char *token = NULL, *plain = NULL, *again = NULL;
        size_t len = 99;
        assert_int_equal(ot_pii_encrypt(&token, p, "driver_details.phone", values[i],
                                        strlen(values[i]), NULL), 0);
        assert_true(ot_pii_is_token(token));
        assert_non_null(strstr(token, ":k1:"));
        assert_null(strstr(token, values[i][0] ? values[i] : "\x01"));
        assert_int_equal(ot_pii_decrypt(&plain, &len, p, "driver_details.phone", token, NULL),
                         0);
        assert_int_equal(len, strlen(values[i]));
        assert_string_equal(plain, values[i]);
        /* A fresh nonce each time: the same value never seals to the same token. */
        assert_int_equal(ot_pii_encrypt(&again, p, "driver_details.phone", values[i],
                                        strlen(values[i]), NULL), 0);
        assert_string_not_equal(token, again);
        ot_free(token);
        ot_free(again);
        ot_free(plain);
    }
    ot_pii_free(p);
}

static void test_tampering_and_field_binding(void **state)
{
    ot_pii *p = new_static();
    char *token = NULL, *plain = NULL;
    size_t len, i;
    ot_error err;
    (void)state;
    assert_int_equal(ot_pii_encrypt(&token, p, "customer_id", "cust-1", 6, NULL), 0);
    assert_ot_error(ot_pii_decrypt(&plain, &len, p, "driver_details.name", token, &err),
                    OT_EINTEGRITY, err);
    assert_null(plain);
    for (i = strlen("otpii:v1:k1:"); token[i]; i++) {
        char saved = token[i];
        token[i] = saved == 'A' ? 'B' : 'A';
        assert_true(ot_pii_decrypt(&plain, &len, p, "customer_id", token, NULL) < 0);
        assert_null(plain);
        token[i] = saved;
    }
    token[strlen(token) - 3] = '\0'; /* truncated */
    assert_true(ot_pii_decrypt(&plain, &len, p, "customer_id", token, NULL) < 0);
    ot_free(token);
    ot_pii_free(p);
}

struct keyring {
    const char *current;
};

static int ring_get(unsigned char key[OT_PII_KEY_SIZE], char id_out[OT_PII_KEY_ID_SIZE],
                    const char *key_id, void *userdata)
{
    const struct keyring *r = userdata;
    const char *id = key_id ? key_id : r->current;
    if (strcmp(id, "old") == 0)
        memcpy(key, key_a, OT_PII_KEY_SIZE);
    else if (strcmp(id, "new") == 0)
        memcpy(key, key_b, OT_PII_KEY_SIZE);
    else
        return OT_ENOTFOUND;
    if (!key_id)
        strcpy(id_out, id);
    return 0;
}

static void test_key_rotation_through_a_provider(void **state)
{
    struct keyring ring = {"old"};
    ot_pii_key_provider prov = OT_PII_KEY_PROVIDER_INIT;
    ot_pii *p = NULL;
    char *old_token = NULL, *new_token = NULL, *plain = NULL, *forged = NULL;
    size_t len;
    ot_error err;
    (void)state;
    prov.userdata = &ring;
    prov.get_key = ring_get;
    assert_int_equal(ot_pii_new(&p, &prov, NULL), 0);
    assert_int_equal(ot_pii_encrypt(&old_token, p, "f", "secret", 6, NULL), 0);
    ring.current = "new";
    assert_int_equal(ot_pii_encrypt(&new_token, p, "f", "secret", 6, NULL), 0);
    assert_non_null(strstr(old_token, ":old:"));
    assert_non_null(strstr(new_token, ":new:"));
    assert_int_equal(ot_pii_decrypt(&plain, &len, p, "f", old_token, NULL), 0);
    assert_string_equal(plain, "secret");
    ot_free(plain);
    /* Naming another key id in the token does not help an attacker. */
    forged = strdup(old_token);
    memcpy(strstr(forged, ":old:"), ":new:", 5);
    assert_ot_error(ot_pii_decrypt(&plain, &len, p, "f", forged, &err), OT_EINTEGRITY, err);
    memcpy(strstr(forged, ":new:"), ":xyz:", 5);
    assert_ot_error(ot_pii_decrypt(&plain, &len, p, "f", forged, &err), OT_ENOTFOUND, err);
    free(forged);
    ot_free(old_token);
    ot_free(new_token);
    ot_pii_free(p);
}

static void test_bad_input(void **state)
{
    ot_pii *p = NULL;
    ot_pii_key_provider prov = OT_PII_KEY_PROVIDER_INIT;
    char *out = NULL;
    size_t len;
    ot_error err;
    (void)state;
    assert_ot_error(ot_pii_new_static(&p, "k1", key_a, 16, &err), OT_EINVAL, err);
    assert_ot_error(ot_pii_new_static(&p, "bad id", key_a, 32, &err), OT_EINVAL, err);
    assert_ot_error(ot_pii_new_static(&p, "", key_a, 32, &err), OT_EINVAL, err);
    assert_ot_error(ot_pii_new_static(&p, NULL, key_a, 32, &err), OT_EINVAL, err);
    assert_ot_error(ot_pii_new_static(NULL, "k", key_a, 32, &err), OT_EINVAL, err);
    assert_ot_error(ot_pii_new(&p, &prov, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "get_key");
    prov.version = 9;
    assert_ot_error(ot_pii_new(&p, &prov, &err), OT_EVERSION, err);
    assert_ot_error(ot_pii_new(&p, NULL, &err), OT_EINVAL, err);
    assert_ot_error(ot_pii_key_provider_init(&prov, 0, &err), OT_EVERSION, err);
    assert_ot_error(ot_pii_key_provider_init(NULL, 1, &err), OT_EINVAL, err);
    assert_int_equal(ot_pii_key_provider_init(&prov, 1, NULL), 0);

    p = new_static();
    assert_ot_error(ot_pii_encrypt(NULL, p, "f", "x", 1, &err), OT_EINVAL, err);
    assert_ot_error(ot_pii_encrypt(&out, NULL, "f", "x", 1, &err), OT_EINVAL, err);
    assert_ot_error(ot_pii_encrypt(&out, p, NULL, "x", 1, &err), OT_EINVAL, err);
    assert_ot_error(ot_pii_encrypt(&out, p, "f", NULL, 1, &err), OT_EINVAL, err);
    assert_ot_error(ot_pii_decrypt(&out, &len, p, "f", "plain text", &err), OT_EPARSE, err);
    assert_ot_error(ot_pii_decrypt(&out, &len, p, "f", "otpii:v1:k1", &err), OT_EPARSE, err);
    assert_ot_error(ot_pii_decrypt(&out, &len, p, "f", "otpii:v1:k1:***", &err), OT_EPARSE, err);
    assert_ot_error(ot_pii_decrypt(&out, &len, p, "f", "otpii:v1:k1:AAAA", &err), OT_EPARSE, err);
    assert_ot_error(ot_pii_decrypt(&out, &len, p, "f", NULL, &err), OT_EINVAL, err);
    assert_ot_error(ot_pii_decrypt(NULL, &len, p, "f", "otpii:v1:k1:AAAA", &err), OT_EINVAL, err);
    assert_false(ot_pii_is_token(NULL));
    assert_false(ot_pii_is_token("otpii:v2:k1:AAAA"));
    ot_pii_free(p);
    ot_pii_free(NULL);
}

static int seal_and_open(void *ctx)
{
    ot_pii *p = NULL;
    char *token = NULL, *plain = NULL;
    size_t len;
    int rc;
    (void)ctx;
    if ((rc = ot_pii_new_static(&p, "k1", key_a, sizeof key_a, NULL)) != 0)
        return rc;
    rc = ot_pii_encrypt(&token, p, "driver_details.name", "Asha", 4, NULL);
    if (rc == 0)
        rc = ot_pii_decrypt(&plain, &len, p, "driver_details.name", token, NULL);
    if (rc == 0 && strcmp(plain, "Asha") != 0)
        rc = OT_EINTEGRITY;
    ot_free(plain);
    ot_free(token);
    ot_pii_free(p);
    return rc;
}

static void test_allocation_failures(void **state)
{
    struct alloc_sweep_stats s;
    (void)state;
    assert_int_equal(alloc_sweep_run("pii seal+open", seal_and_open, NULL, NULL, &s), 0);
    assert_true(s.allocations >= 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_tampering_and_field_binding),
        cmocka_unit_test(test_key_rotation_through_a_provider),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
