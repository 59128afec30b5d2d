/* Webhook authentication: Uber HMAC-SHA256 signatures, configured secret headers, header
 * names. */
#include "test_util.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "base/hash_internal.h"

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

static void hex_of(char out[65], const unsigned char mac[32])
{
    static const char d[] = "0123456789abcdef";
    int i;
    for (i = 0; i < 32; i++) {
        out[2 * i] = d[mac[i] >> 4];
        out[2 * i + 1] = d[mac[i] & 0xf];
    }
    out[64] = '\0';
}

/* The library's HMAC-SHA256: RFC 4231 test cases 1, 2 and 6 (a key longer than the block),
 * and libcrypto's HMAC() for every key length around the block size, the empty key too. */
static void test_hmac_sha256(void **state)
{
    unsigned char key[200], mac[32], want[EVP_MAX_MD_SIZE];
    unsigned int want_len = 0;
    static const char msg[] = "The quick brown fox jumps over the lazy dog";
    char hex[65];
    size_t n;
    (void)state;
    memset(key, 0x0b, 20);
    assert_int_equal(ot__hmac_sha256(mac, key, 20, "Hi There", 8), 0);
    hex_of(hex, mac);
    assert_string_equal(hex, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    assert_int_equal(ot__hmac_sha256(mac, "Jefe", 4, "what do ya want for nothing?", 28), 0);
    hex_of(hex, mac);
    assert_string_equal(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    memset(key, 0xaa, 131);
    assert_int_equal(ot__hmac_sha256(mac, key, 131,
                                     "Test Using Larger Than Block-Size Key - Hash Key First", 54),
                     0);
    hex_of(hex, mac);
    assert_string_equal(hex, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    for (n = 0; n < sizeof key; n++)
        key[n] = (unsigned char)(n * 7 + 1);
    for (n = 0; n <= 130; n++) {
        assert_int_equal(ot__hmac_sha256(mac, key, n, msg, sizeof msg - 1), 0);
        assert_non_null(HMAC(EVP_sha256(), n ? key : (const unsigned char *)"", (int)n,
                             (const unsigned char *)msg, sizeof msg - 1, want, &want_len));
        assert_int_equal(want_len, 32);
        assert_memory_equal(mac, want, 32);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hmac_sha256),
        cmocka_unit_test(test_uber_accepts),
        cmocka_unit_test(test_uber_rejects),
        cmocka_unit_test(test_configured_header),
        cmocka_unit_test(test_header_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
