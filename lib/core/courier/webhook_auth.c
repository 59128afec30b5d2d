/* Webhook authentication: Uber's HMAC-SHA256 signature and configured secret headers,
 * both compared in constant time (CRYPTO_memcmp). */
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include "ordertrack/courier.h"
#include "ordertrack/status.h"
#include "common.h"
#include "base/hash_internal.h"

#define DIGEST_LEN 32

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int ot_webhook_verify_uber(const void *key, size_t key_len, const void *body, size_t body_len,
                           const char *signature, ot_error *err)
{
    unsigned char want[DIGEST_LEN], got[DIGEST_LEN];
    static const unsigned char empty[1] = {0};
    int bad = 0, i;

    if (!key || key_len == 0)
        return ot__error_field(err, OT_EINVAL, "key", "Uber signing key is NULL or empty");
    if (key_len > 0x7fffffff)
        return ot__error_field(err, OT_EINVAL, "key", "Uber signing key is too long");
    if (!body && body_len > 0)
        return ot__error_field(err, OT_EINVAL, "body", "body is NULL");
    if (!signature)
        return ot__error_field(err, OT_EAUTH, "x-uber-signature", "signature header missing");
    /* The length of a hex digest is public: only its contents need constant time. */
    if (strlen(signature) != 2 * DIGEST_LEN)
        return ot__error_field(err, OT_EAUTH, "x-uber-signature",
                               "signature is not 64 hex digits");
    for (i = 0; i < DIGEST_LEN; i++) {
        int hi = hex_value(signature[2 * i]), lo = hex_value(signature[2 * i + 1]);
        bad |= (hi | lo) < 0;
        got[i] = (unsigned char)((hi & 0xf) << 4 | (lo & 0xf));
    }
    if (ot__hmac_sha256(want, key, key_len, body ? body : empty, body_len) != 0)
        return ot__error_set(err, OT_EAUTH, "HMAC-SHA256 computation failed");
    if ((CRYPTO_memcmp(want, got, DIGEST_LEN) != 0) | bad)
        return ot__error_field(err, OT_EAUTH, "x-uber-signature",
                               "signature does not match the body");
    return 0;
}

int ot_webhook_verify_header(const char *expected, const char *received, ot_error *err)
{
    unsigned char a[SHA256_DIGEST_LENGTH], b[SHA256_DIGEST_LENGTH];

    if (!expected || !expected[0])
        return ot__error_field(err, OT_EINVAL, "expected", "configured secret is NULL or empty");
    if (!received)
        return ot__error_field(err, OT_EAUTH, "header", "authentication header missing");
    /* Hashing both first makes the comparison independent of where they differ and of
     * their lengths. */
    if (!SHA256((const unsigned char *)expected, strlen(expected), a)
        || !SHA256((const unsigned char *)received, strlen(received), b))
        return ot__error_set(err, OT_EAUTH, "SHA-256 computation failed");
    if (CRYPTO_memcmp(a, b, sizeof a) != 0)
        return ot__error_field(err, OT_EAUTH, "header", "authentication header does not match");
    return 0;
}

int ot_webhook_auth_header_is(int provider, const char *name, ot_error *err)
{
    if (!name)
        return ot__error_field(err, OT_EINVAL, "name", "header name is NULL");
    switch (provider) {
    case OT_PROVIDER_UBER:
        return strcasecmp(name, "x-uber-signature") == 0
               || strcasecmp(name, "x-postmates-signature") == 0;
    case OT_PROVIDER_DOORDASH:
    case OT_PROVIDER_DELHIVERY:
        return strcasecmp(name, "authorization") == 0;
    case OT_PROVIDER_SHIPROCKET:
    case OT_PROVIDER_VELOCITY:
        return strcasecmp(name, "x-api-key") == 0;
    default:
        return ot__error_field(err, OT_EINVAL, "provider",
                               "provider %d receives no webhooks", provider);
    }
}
