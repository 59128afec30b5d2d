/* Internal: SHA-256 in hex, HMAC-SHA256. Not installed. */
#ifndef OT_HASH_INTERNAL_H
#define OT_HASH_INTERNAL_H

#include <stddef.h>

#include "ordertrack/error.h"

/* Lower-case hex SHA-256 of `len` bytes into hex[65]; OT_ENOMEM if libcrypto fails. */
int ot__sha256_hex(char hex[65], const void *data, size_t len, ot_error *err);

/* HMAC-SHA256 of `len` bytes under `key` into mac[32] (RFC 2104; any key length, 0 too).
 * 0, or OT_ENOMEM if libcrypto fails. Thread-safe. */
int ot__hmac_sha256(unsigned char mac[32], const void *key, size_t key_len, const void *data,
                    size_t len);

#endif
