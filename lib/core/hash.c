/* SHA-256 (OpenSSL libcrypto) as lower-case hex. */
#include <stdio.h>

#include <openssl/evp.h>

#include "error_internal.h"
#include "hash_internal.h"

int ot__sha256_hex(char hex[65], const void *data, size_t len, ot_error *err)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0, i;
    if (EVP_Digest(data, len, md, &md_len, EVP_sha256(), NULL) != 1 || md_len != 32)
        return ot__error_set(err, OT_ENOMEM, "SHA-256 failed");
    for (i = 0; i < md_len; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    return 0;
}
