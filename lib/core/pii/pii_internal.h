/* Internal: sizes of sealed tokens (pii.c), for the decoder's length limits. Not installed. */
#ifndef OT_PII_INTERNAL_H
#define OT_PII_INTERNAL_H

#include "ordertrack/pii.h"

/* Longest token sealing a value of at most `n` bytes: "otpii:v1:", the longest key id, ':',
 * then unpadded base64url of nonce (12) | ciphertext (n) | tag (16). */
#define OT__PII_TOKEN_MAX(n) \
    ((size_t)9 + (OT_PII_KEY_ID_SIZE - 1) + 1 + ((size_t)(n) + 28 + 2) / 3 * 4)

#endif
