/* Internal: SHA-256 in hex. Not installed. */
#ifndef OT_HASH_INTERNAL_H
#define OT_HASH_INTERNAL_H

#include <stddef.h>

#include "ordertrack/error.h"

/* Lower-case hex SHA-256 of `len` bytes into hex[65]; OT_ENOMEM if libcrypto fails. */
int ot__sha256_hex(char hex[65], const void *data, size_t len, ot_error *err);

#endif
