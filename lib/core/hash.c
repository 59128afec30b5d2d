/* SHA-256 (OpenSSL libcrypto) as lower-case hex. */
#include <pthread.h>

#include <openssl/evp.h>

#include "error_internal.h"
#include "hash_internal.h"

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
