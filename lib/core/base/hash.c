/* SHA-256 (OpenSSL libcrypto) as lower-case hex, and HMAC-SHA256 over it. */
#include <pthread.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "base/error_internal.h"
#include "base/hash_internal.h"

/* OpenSSL 3 looks the algorithm up in its providers on every EVP_Digest with EVP_sha256();
 * fetching it once (one-time init, never freed: it lives as long as the process) skips that
 * per call. NULL if the fetch failed: EVP_sha256() is used then. */
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
static EVP_MD *sha256_md;
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;

static void sha256_fetch(void)
{
    sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
}

static const EVP_MD *sha256(void)
{
    (void)pthread_once(&sha256_once, sha256_fetch);
    return sha256_md ? sha256_md : EVP_sha256();
}
#else
static const EVP_MD *sha256(void)
{
    return EVP_sha256();
}
#endif

int ot__sha256_hex(char hex[65], const void *data, size_t len, ot_error *err)
{
    static const char digits[] = "0123456789abcdef";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0, i;
    if (EVP_Digest(data, len, md, &md_len, sha256(), NULL) != 1 || md_len != 32)
        return ot__error_set(err, OT_ENOMEM, "SHA-256 failed");
    for (i = 0; i < md_len; i++) {
        hex[2 * i] = digits[md[i] >> 4];
        hex[2 * i + 1] = digits[md[i] & 0xf];
    }
    hex[64] = '\0';
    return 0;
}

/* HMAC (RFC 2104) over the SHA-256 fetched once: OpenSSL 3's one-shot HMAC() looks up the MAC
 * and the digest by name on every call, which cost more than hashing a 1.4 KB webhook. */
int ot__hmac_sha256(unsigned char mac[32], const void *key, size_t key_len, const void *data,
                    size_t len)
{
    unsigned char block[64], inner[32];
    unsigned int n = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    const EVP_MD *md = sha256();
    size_t i;
    int ok;

    if (!ctx)
        return OT_ENOMEM;
    memset(block, 0, sizeof block);
    if (key_len > sizeof block)
        ok = EVP_Digest(key, key_len, block, &n, md, NULL) == 1;
    else {
        memcpy(block, key, key_len);
        ok = 1;
    }
    for (i = 0; i < sizeof block; i++)
        block[i] ^= 0x36;
    ok = ok && EVP_DigestInit_ex(ctx, md, NULL) == 1 &&
         EVP_DigestUpdate(ctx, block, sizeof block) == 1 &&
         EVP_DigestUpdate(ctx, data, len) == 1 && EVP_DigestFinal_ex(ctx, inner, &n) == 1;
    for (i = 0; i < sizeof block; i++)
        block[i] ^= 0x36 ^ 0x5c;
    ok = ok && EVP_DigestInit_ex(ctx, md, NULL) == 1 &&
         EVP_DigestUpdate(ctx, block, sizeof block) == 1 &&
         EVP_DigestUpdate(ctx, inner, sizeof inner) == 1 &&
         EVP_DigestFinal_ex(ctx, mac, &n) == 1 && n == 32;
    OPENSSL_cleanse(block, sizeof block);
    OPENSSL_cleanse(inner, sizeof inner);
    EVP_MD_CTX_free(ctx);
    return ok ? 0 : OT_ENOMEM;
}
