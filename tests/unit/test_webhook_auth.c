/* Webhook authentication: Uber HMAC-SHA256 signatures, configured secret headers, header
 * names. */
#include "test_util.h"

/* RFC 4231 test case 2. */
static const char rfc_key[] = "Jefe";
static const char rfc_body[] = "what do ya want for nothing?";
static const char rfc_sig[] = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";

static const char uber_key[] = "whsec_uber_test_key";
static const char uber_body[] =
    "{\"kind\":\"event.delivery_status\",\"status\":\"pickup\",\"delivery_id\":\"del_1\"}";
static const char uber_sig[] = "fa4e2ea567c88bc7f2d9650fdf6e84d96ea2e2e8b1aa1665d0aacce34480fab0";

static int verify(const char *key, const char *body, size_t len, const char *sig, ot_error *err)
{
    return ot_webhook_verify_uber(key, strlen(key), body, len, sig, err);
}

static void test_uber_accepts(void **state)
{
    char upper[65];
    size_t i;
    (void)state;
    assert_int_equal(verify(rfc_key, rfc_body, strlen(rfc_body), rfc_sig, NULL), 0);
    assert_int_equal(verify(uber_key, uber_body, strlen(uber_body), uber_sig, NULL), 0);
    /* Hex digits in either case decode to the same digest. */
    for (i = 0; i < 65; i++)
        upper[i] = (char)(uber_sig[i] >= 'a' && uber_sig[i] <= 'f' ? uber_sig[i] - 32
                                                                    : uber_sig[i]);
    assert_int_equal(verify(uber_key, uber_body, strlen(uber_body), upper, NULL), 0);
}

static void test_uber_rejects(void **state)
{
    char body[sizeof uber_body], sig[65];
    ot_error err;
    size_t i;
    (void)state;

    /* Every one-byte change of the body, and every bit of one byte. */
    for (i = 0; i < strlen(uber_body); i++) {
        memcpy(body, uber_body, sizeof body);
        body[i] ^= 0x01;
        assert_ot_error(verify(uber_key, body, strlen(uber_body), uber_sig, &err), OT_EAUTH, err);
    }
    for (i = 0; i < 8; i++) {
        memcpy(body, uber_body, sizeof body);
        body[0] ^= (char)(1 << i);
        assert_ot_error(verify(uber_key, body, strlen(uber_body), uber_sig, &err), OT_EAUTH, err);
    }
    /* A truncated or extended body. */
    assert_ot_error(verify(uber_key, uber_body, strlen(uber_body) - 1, uber_sig, &err), OT_EAUTH,
                    err);
    assert_ot_error(verify(uber_key, uber_body, 0, uber_sig, &err), OT_EAUTH, err);
    /* Another key. */
    assert_ot_error(verify("whsec_uber_test_kez", uber_body, strlen(uber_body), uber_sig, &err),
                    OT_EAUTH, err);
    /* Every one-digit change of the signature. */
    for (i = 0; i < 64; i++) {
        memcpy(sig, uber_sig, sizeof sig);
        sig[i] = sig[i] == '0' ? '1' : '0';
        assert_ot_error(verify(uber_key, uber_body, strlen(uber_body), sig, &err), OT_EAUTH, err);
    }
    /* Malformed signatures. */
    memcpy(sig, uber_sig, sizeof sig);
    sig[10] = 'g';
    assert_ot_error(verify(uber_key, uber_body, strlen(uber_body), sig, &err), OT_EAUTH, err);
    assert_ot_error(verify(uber_key, uber_body, strlen(uber_body), "", &err), OT_EAUTH, err);
    assert_ot_error(verify(uber_key, uber_body, strlen(uber_body), "sha256=abc", &err), OT_EAUTH,
                    err);
    memcpy(sig, uber_sig, sizeof sig);
    sig[63] = '\0';
    assert_ot_error(verify(uber_key, uber_body, strlen(uber_body), sig, &err), OT_EAUTH, err);
    assert_ot_error(verify(uber_key, uber_body, strlen(uber_body), NULL, &err), OT_EAUTH, err);
    /* Bad arguments. */
    assert_ot_error(ot_webhook_verify_uber(NULL, 3, uber_body, 3, uber_sig, &err), OT_EINVAL,
                    err);
    assert_ot_error(ot_webhook_verify_uber("k", 0, uber_body, 3, uber_sig, &err), OT_EINVAL, err);
    assert_ot_error(ot_webhook_verify_uber("k", 1, NULL, 3, uber_sig, &err), OT_EINVAL, err);
    /* An empty body is a body like any other. */
    assert_ot_error(ot_webhook_verify_uber("k", 1, NULL, 0, uber_sig, &err), OT_EAUTH, err);
}

static void test_configured_header(void **state)
{
    ot_error err;
    (void)state;
    assert_int_equal(ot_webhook_verify_header("Basic dXNlcjpwYXNz", "Basic dXNlcjpwYXNz", &err),
                     0);
    assert_ot_error(ot_webhook_verify_header("Basic dXNlcjpwYXNz", "Basic dXNlcjpwYXNy", &err),
                    OT_EAUTH, err);
    assert_ot_error(ot_webhook_verify_header("secret", "secret ", &err), OT_EAUTH, err);
    assert_ot_error(ot_webhook_verify_header("secret", "secre", &err), OT_EAUTH, err);
    assert_ot_error(ot_webhook_verify_header("secret", "SECRET", &err), OT_EAUTH, err);
    assert_ot_error(ot_webhook_verify_header("secret", "", &err), OT_EAUTH, err);
    assert_ot_error(ot_webhook_verify_header("secret", NULL, &err), OT_EAUTH, err);
    assert_ot_error(ot_webhook_verify_header(NULL, "secret", &err), OT_EINVAL, err);
    assert_ot_error(ot_webhook_verify_header("", "", &err), OT_EINVAL, err);
}

static void test_header_names(void **state)
{
    ot_error err;
    (void)state;
    assert_int_equal(ot_webhook_auth_header_is(OT_PROVIDER_UBER, "x-uber-signature", &err), 1);
    assert_int_equal(ot_webhook_auth_header_is(OT_PROVIDER_UBER, "X-Uber-Signature", &err), 1);
    assert_int_equal(ot_webhook_auth_header_is(OT_PROVIDER_UBER, "X-Postmates-Signature", &err),
                     1);
    assert_int_equal(ot_webhook_auth_header_is(OT_PROVIDER_UBER, "Authorization", &err), 0);
    assert_int_equal(ot_webhook_auth_header_is(OT_PROVIDER_DOORDASH, "authorization", &err), 1);
    assert_int_equal(ot_webhook_auth_header_is(OT_PROVIDER_SHIPROCKET, "x-api-key", &err), 1);
    assert_int_equal(ot_webhook_auth_header_is(OT_PROVIDER_VELOCITY, "X-API-Key", &err), 1);
    assert_int_equal(ot_webhook_auth_header_is(OT_PROVIDER_VELOCITY, "X-API-Token", &err), 0);
    assert_int_equal(ot_webhook_auth_header_is(OT_PROVIDER_DELHIVERY, "Authorization", &err), 1);
    assert_ot_error(ot_webhook_auth_header_is(OT_PROVIDER_INTERNAL, "x", &err), OT_EINVAL, err);
    assert_ot_error(ot_webhook_auth_header_is(OT_PROVIDER_DELHIVERY_B2B, "x", &err), OT_EINVAL,
                    err);
    assert_ot_error(ot_webhook_auth_header_is(42, "x", &err), OT_EINVAL, err);
    assert_ot_error(ot_webhook_auth_header_is(OT_PROVIDER_UBER, NULL, &err), OT_EINVAL, err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_uber_accepts),
        cmocka_unit_test(test_uber_rejects),
        cmocka_unit_test(test_configured_header),
        cmocka_unit_test(test_header_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
