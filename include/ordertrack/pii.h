/**
 * @file pii.h
 * @brief Encryption at rest of personal data (driver name and phone, customer id).
 *
 * Values are sealed with AES-256-GCM (libcrypto) under a 32-byte key into a self-describing
 * text token, `otpii:v1:<key id>:<base64url(nonce | ciphertext | tag)>`, so storage only ever
 * sees ciphertext. The field name is bound as associated data: a token moved to another
 * field does not decrypt. Key ids make rotation possible: new values are sealed with the
 * provider's current key, old tokens name the key they need.
 *
 * Ownership: an `ot_pii` is created by ot_pii_new() or ot_pii_new_static() and released
 * with ot_pii_free(). Tokens and plaintexts returned to the caller are released with
 * ot_free(). Thread safety: an `ot_pii` is immutable after creation and may be shared by
 * threads, provided the key provider's callback is thread-safe itself. Memory libcrypto
 * allocates internally does not go through the allocator hooks.
 */
#ifndef ORDERTRACK_PII_H
#define ORDERTRACK_PII_H

#include <stddef.h>

#include "export.h"
#include "error.h"

#define OT_PII_KEY_SIZE 32          /**< AES-256 key bytes */
#define OT_PII_KEY_ID_SIZE 64       /**< key id buffer, NUL included; ids are [A-Za-z0-9._-] */
/** Newest version of `ot_pii_key_provider` this header describes (its `version` member). */
#define OT_PII_KEY_PROVIDER_VERSION 1

/**
 * Where keys come from (a KMS, a file, an environment variable...).
 *
 * Version 1 members: version, userdata, get_key (required).
 * get_key: with `key_id` NULL, fill `key` with the current encryption key and write its id
 * into `id_out` (at most OT_PII_KEY_ID_SIZE bytes with the NUL); with a `key_id`, fill `key`
 * with that key (id_out may be ignored). Return 0, or a negative OT_E... code
 * (OT_ENOTFOUND for an unknown id). get_key takes `userdata` last, as released in 1.0.0;
 * every newer callback takes it first (docs/conventions.md, "Callbacks").
 */
typedef struct ot_pii_key_provider {
    unsigned version; /**< OT_PII_KEY_PROVIDER_VERSION */
    void *userdata;   /**< passed to `get_key` */
    /** Fill `key` (OT_PII_KEY_SIZE bytes) and `id_out` (its NUL-terminated id) with the key
     *  named `key_id`, or with the current key when `key_id` is NULL; 0 or an OT_E... code */
    int (*get_key)(unsigned char key[OT_PII_KEY_SIZE], char id_out[OT_PII_KEY_ID_SIZE],
                   const char *key_id, void *userdata);
} ot_pii_key_provider;

/** Initialiser of `ot_pii_key_provider` with its defaults at OT_PII_KEY_PROVIDER_VERSION. */
#define OT_PII_KEY_PROVIDER_INIT { OT_PII_KEY_PROVIDER_VERSION, NULL, NULL }

/** Opaque sealer of personal data (field-level encryption and blind indexes). */
typedef struct ot_pii ot_pii;

OT_BEGIN_DECLS

/**
 * Fill `provider` with the defaults of `version` (for bindings that cannot use the macro).
 * @param provider the struct to fill (caller-owned)
 * @param version the struct version to fill, 1 to OT_PII_KEY_PROVIDER_VERSION
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL for a NULL struct, or OT_EVERSION for a version this library does not
 *         know
 */
OT_EXTERN int ot_pii_key_provider_init(ot_pii_key_provider *provider, unsigned version,
                                       ot_error *err);

/**
 * Create a sealer that asks `provider` (copied) for keys. Free with ot_pii_free().
 * @param out receives the new sealer (free with ot_pii_free())
 * @param provider the key provider (copied)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_pii_new(ot_pii **out, const ot_pii_key_provider *provider, ot_error *err);

/**
 * Create a sealer with one fixed key, e.g. from a config file: `key_len` must be
 * OT_PII_KEY_SIZE; `key_id` names it in tokens. The key is copied (and wiped on free).
 * @param out receives the new sealer (free with ot_pii_free())
 * @param key_id the key's id, written into every token
 * @param key the key bytes (copied)
 * @param key_len length of `key`: OT_PII_KEY_SIZE
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_pii_new_static(ot_pii **out, const char *key_id, const unsigned char *key,
                                size_t key_len, ot_error *err);

/**
 * Release a sealer and wipe its key material. Accepts NULL.
 * @param pii the sealer, or NULL
 */
OT_EXTERN void ot_pii_free(ot_pii *pii);

/**
 * Seal `len` bytes of `plaintext` for `field` (e.g. "driver_details.phone") into a
 * NUL-terminated token in `*token` (free with ot_free).
 * @param token receives the NUL-terminated token (free with ot_free())
 * @param pii the sealer
 * @param field the field the value belongs to (bound into the token)
 * @param plaintext the value to seal
 * @param len length of `plaintext` in bytes
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_pii_encrypt(char **token, const ot_pii *pii, const char *field,
                             const char *plaintext, size_t len, ot_error *err);

/**
 * Open a token sealed for `field` into `*plaintext` (NUL-terminated, `*len` bytes without
 * the NUL; free with ot_free). A tampered token, a wrong field or a wrong key is
 * OT_EINTEGRITY; a malformed token OT_EPARSE; an unknown key id the provider's code.
 * @param plaintext receives the NUL-terminated value (free with ot_free())
 * @param len receives the length of `*plaintext` without the NUL
 * @param pii the sealer
 * @param field the field the token was sealed for
 * @param token the token
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_pii_decrypt(char **plaintext, size_t *len, const ot_pii *pii,
                             const char *field, const char *token, ot_error *err);

/**
 * Keyed blind index of `value` for `field` (e.g. "customer_id"), so storage can index and
 * look up equal values without holding them: lowercase hex HMAC-SHA256, 64 characters and a
 * NUL in `out`, under a key derived from the provider's current key (HMAC(key, "ordertrack
 * blind index v1")), over `field`, a NUL byte and `value`. Deterministic for one key: a
 * rotated current key gives other indexes (docs/storage-port.md).
 * @param out receives 64 hex digits and a NUL
 * @param pii the sealer
 * @param field the field the value belongs to
 * @param value the value to index
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_pii_blind_index(char out[65], const ot_pii *pii, const char *field,
                                 const char *value, ot_error *err);

/**
 * 1 if `value` looks like a sealed token (starts with "otpii:v1:"), else 0. Pure.
 * @param value the string to look at, or NULL
 * @return 1 or 0
 */
OT_EXTERN int ot_pii_is_token(const char *value);

OT_END_DECLS

#endif /* ORDERTRACK_PII_H */
