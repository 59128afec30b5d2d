/* Fuzz webhook authentication. Input: one byte giving the key length, the key, 64 bytes of
 * candidate signature, then the body. A fuzzed signature must not verify unless it is the
 * real HMAC-SHA256 (computed here with libcrypto); the real one must always verify; the
 * header check must accept exactly equal strings. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <ordertrack/ordertrack.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned mac_len = 0;
    char good[65], sig[65], key[256];
    const uint8_t *body;
    size_t key_len, body_len, i;
    ot_error err;
    int rc;

    if (size < 1)
        return 0;
    key_len = data[0];
    if (size < 1 + key_len + 64)
        return 0;
    memcpy(key, data + 1, key_len);
    memcpy(sig, data + 1 + key_len, 64);
    sig[64] = '\0';
    body = data + 1 + key_len + 64;
    body_len = size - 1 - key_len - 64;

    rc = ot_webhook_verify_uber(key, key_len, body, body_len, sig, &err);
    if (key_len == 0) {
        if (rc != OT_EINVAL)
            __builtin_trap();
        return 0;
    }
    if (!HMAC(EVP_sha256(), key, (int)key_len, body, body_len, mac, &mac_len) || mac_len != 32)
        return 0;
    for (i = 0; i < 32; i++)
        snprintf(good + 2 * i, 3, "%02x", mac[i]);
    if (rc == 0 && strlen(sig) == 64 && strncasecmp(sig, good, 64) != 0)
        __builtin_trap(); /* a forged signature verified */
    if (rc != 0 && rc != OT_EAUTH)
        __builtin_trap();
    if (ot_webhook_verify_uber(key, key_len, body, body_len, good, &err) != 0)
        __builtin_trap(); /* the genuine signature was refused */

    /* The header check: the NUL-terminated key against the signature bytes. */
    key[key_len] = '\0';
    if (key[0] != '\0') {
        rc = ot_webhook_verify_header(key, sig, &err);
        if ((rc == 0) != (strcmp(key, sig) == 0))
            __builtin_trap();
        if (ot_webhook_verify_header(key, key, &err) != 0)
            __builtin_trap();
    }
    return 0;
}
