/* AES-256-GCM sealing of personal data into self-describing text tokens. */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "ordertrack/pii.h"
#include "common.h"
#include "base/hash_internal.h"

#define PREFIX "otpii:v1:"
#define NONCE_SIZE 12
#define TAG_SIZE 16
#define MAX_PLAINTEXT (1u << 20)

struct ot_pii {
    ot_pii_key_provider provider;
    char static_id[OT_PII_KEY_ID_SIZE];
    unsigned char static_key[OT_PII_KEY_SIZE];
};

static const char b64url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static int key_id_valid(const char *id)
{
    size_t n = 0;
    for (; id[n]; n++) {
        char c = id[n];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
              || c == '.' || c == '_' || c == '-'))
            return 0;
    }
    return n > 0 && n < OT_PII_KEY_ID_SIZE;
}

static int static_get_key(unsigned char key[OT_PII_KEY_SIZE], char id_out[OT_PII_KEY_ID_SIZE],
                          const char *key_id, void *userdata)
{
    const struct ot_pii *p = userdata;
    if (key_id && strcmp(key_id, p->static_id) != 0)
        return OT_ENOTFOUND;
    memcpy(key, p->static_key, OT_PII_KEY_SIZE);
    if (!key_id)
        memcpy(id_out, p->static_id, OT_PII_KEY_ID_SIZE);
    return 0;
}

int ot_pii_key_provider_init(ot_pii_key_provider *provider, unsigned version, ot_error *err)
{
    static const ot_pii_key_provider tpl = OT_PII_KEY_PROVIDER_INIT;
    return ot__struct_init(provider, version, &tpl, sizeof tpl, "provider", "key provider",
                           err);
}

int ot_pii_new(ot_pii **out, const ot_pii_key_provider *provider, ot_error *err)
{
    struct ot_pii *p;
    int rc;
    if (!out)
        return ot__error_field(err, OT_EINVAL, "out", "output pointer is NULL");
    *out = NULL;
    if (!provider)
        return ot__error_field(err, OT_EINVAL, "provider", "key provider is NULL");
    if ((rc = ot__check_version(provider->version, OT_PII_KEY_PROVIDER_VERSION, "key provider",
                                err)) != 0)
        return rc;
    if (!provider->get_key)
        return ot__error_field(err, OT_EINVAL, "get_key", "key provider has no get_key");
    if (!(p = ot__calloc(1, sizeof *p)))
        return ot__error_set(err, OT_ENOMEM, "out of memory creating the PII sealer");
    p->provider = *provider;
    *out = p;
    return 0;
}

int ot_pii_new_static(ot_pii **out, const char *key_id, const unsigned char *key,
                      size_t key_len, ot_error *err)
{
    ot_pii_key_provider provider = OT_PII_KEY_PROVIDER_INIT;
    int rc;
    if (!out)
        return ot__error_field(err, OT_EINVAL, "out", "output pointer is NULL");
    *out = NULL;
    if (!key_id || !key_id_valid(key_id))
        return ot__error_field(err, OT_EINVAL, "key_id",
                               "key id must be 1..63 characters of [A-Za-z0-9._-]");
    if (!key || key_len != OT_PII_KEY_SIZE)
        return ot__error_field(err, OT_EINVAL, "key", "PII key must be %d bytes, got %zu",
                               OT_PII_KEY_SIZE, key ? key_len : (size_t)0);
    provider.get_key = static_get_key;
    if ((rc = ot_pii_new(out, &provider, err)) != 0)
        return rc;
    (*out)->provider.userdata = *out;
    ot__strlcpy((*out)->static_id, key_id, sizeof (*out)->static_id);
    memcpy((*out)->static_key, key, OT_PII_KEY_SIZE);
    return 0;
}

void ot_pii_free(ot_pii *pii)
{
    if (!pii)
        return;
    OPENSSL_cleanse(pii, sizeof *pii);
    ot__free(pii);
}

int ot_pii_is_token(const char *value)
{
    return value && strncmp(value, PREFIX, sizeof PREFIX - 1) == 0;
}

/* AES-256-GCM in one call; `encrypt` selects the direction. On decryption `tag` is read,
 * on encryption written. Returns 0 or OT_EINTEGRITY / OT_ENOMEM. */
static int gcm(int encrypt, const unsigned char key[OT_PII_KEY_SIZE],
               const unsigned char nonce[NONCE_SIZE], const char *aad, const unsigned char *in,
               size_t len, unsigned char *out, unsigned char tag[TAG_SIZE])
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int n = 0, ok;
    if (!ctx)
        return OT_ENOMEM;
    ok = EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL, encrypt)
         && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, NONCE_SIZE, NULL)
         && EVP_CipherInit_ex(ctx, NULL, NULL, key, nonce, encrypt)
         && EVP_CipherUpdate(ctx, NULL, &n, (const unsigned char *)aad, (int)strlen(aad))
         && (len == 0 || EVP_CipherUpdate(ctx, out, &n, in, (int)len))
         && (encrypt || EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, TAG_SIZE, tag))
         && EVP_CipherFinal_ex(ctx, out + (len ? n : 0), &n)
         && (!encrypt || EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, TAG_SIZE, tag));
    EVP_CIPHER_CTX_free(ctx);
    return ok ? 0 : OT_EINTEGRITY;
}

static size_t b64_encode(char *out, const unsigned char *in, size_t len)
{
    size_t i, o = 0;
    for (i = 0; i + 2 < len; i += 3) {
        unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];
        out[o++] = b64url[v >> 18];
        out[o++] = b64url[(v >> 12) & 63];
        out[o++] = b64url[(v >> 6) & 63];
        out[o++] = b64url[v & 63];
    }
    if (len - i == 1) {
        unsigned v = (unsigned)in[i] << 16;
        out[o++] = b64url[v >> 18];
        out[o++] = b64url[(v >> 12) & 63];
    } else if (len - i == 2) {
        unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8;
        out[o++] = b64url[v >> 18];
        out[o++] = b64url[(v >> 12) & 63];
        out[o++] = b64url[(v >> 6) & 63];
    }
    return o;
}

/* Decode canonical unpadded base64url; returns the byte count or (size_t)-1 on a bad character. */
static size_t b64_decode(unsigned char *out, const char *in, size_t len)
{
    size_t i, o = 0;
    unsigned acc = 0;
    int bits = 0;
    if (len % 4 == 1)
        return (size_t)-1;
    for (i = 0; i < len; i++) {
        const char *p = memchr(b64url, in[i], 64);
        if (!p || !in[i])
            return (size_t)-1;
        acc = (acc << 6) | (unsigned)(p - b64url);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (unsigned char)(acc >> bits);
        }
    }
    /* Canonical form only: the unused low bits of the last character must be zero, so that
     * exactly one text encodes each token. */
    if (acc & ((1u << bits) - 1))
        return (size_t)-1;
    return o;
}

static int fetch_key(unsigned char key[OT_PII_KEY_SIZE], char id[OT_PII_KEY_ID_SIZE],
                     const ot_pii *pii, const char *key_id, ot_error *err)
{
    int rc;
    id[0] = '\0';
    rc = pii->provider.get_key(key, id, key_id, pii->provider.userdata);
    if (rc > 0)
        rc = OT_ESTORAGE;
    if (rc != 0)
        return ot__error_field(err, rc, "key_id", "the key provider has no key \"%s\" (%s)",
                               key_id ? key_id : "(current)", ot_strerror(rc));
    if (!key_id && !key_id_valid(id))
        return ot__error_field(err, OT_EINVAL, "key_id",
                               "the key provider returned an invalid current key id");
    return 0;
}

int ot_pii_encrypt(char **token, const ot_pii *pii, const char *field, const char *plaintext,
                   size_t len, ot_error *err)
{
    unsigned char key[OT_PII_KEY_SIZE];
    char id[OT_PII_KEY_ID_SIZE];
    unsigned char *raw = NULL;
    char *out;
    size_t raw_len, prefix_len;
    int rc;

    if (!token)
        return ot__error_field(err, OT_EINVAL, "token", "output pointer is NULL");
    *token = NULL;
    if (!pii || !field || (!plaintext && len))
        return ot__error_field(err, OT_EINVAL, !pii ? "pii" : !field ? "field" : "plaintext",
                               "%s is NULL", !pii ? "sealer" : !field ? "field name" : "plaintext");
    if (len > MAX_PLAINTEXT)
        return ot__error_field(err, OT_ELIMIT, field, "value of %zu bytes is over the %u limit",
                               len, MAX_PLAINTEXT);
    if ((rc = fetch_key(key, id, pii, NULL, err)) != 0)
        return rc;
    raw_len = NONCE_SIZE + len + TAG_SIZE;
    prefix_len = strlen(PREFIX) + strlen(id) + 1;
    raw = ot__malloc(raw_len);
    out = raw ? ot__malloc(prefix_len + (raw_len + 2) / 3 * 4 + 1) : NULL;
    if (!out) {
        ot__free(raw);
        OPENSSL_cleanse(key, sizeof key);
        return ot__error_set(err, OT_ENOMEM, "out of memory sealing %s", field);
    }
    if (RAND_bytes(raw, NONCE_SIZE) != 1) {
        rc = ot__error_set(err, OT_EIO, "no randomness for the nonce of %s", field);
    } else if ((rc = gcm(1, key, raw, field, (const unsigned char *)plaintext, len,
                         raw + NONCE_SIZE, raw + NONCE_SIZE + len)) != 0) {
        rc = ot__error_set(err, rc, "AES-256-GCM failed sealing %s", field);
    } else {
        memcpy(out, PREFIX, strlen(PREFIX));
        memcpy(out + strlen(PREFIX), id, strlen(id));
        out[prefix_len - 1] = ':';
        out[prefix_len + b64_encode(out + prefix_len, raw, raw_len)] = '\0';
    }
    OPENSSL_cleanse(key, sizeof key);
    ot__free(raw);
    if (rc != 0) {
        ot__free(out);
        return rc;
    }
    *token = out;
    return 0;
}

int ot_pii_decrypt(char **plaintext, size_t *len, const ot_pii *pii, const char *field,
                   const char *token, ot_error *err)
{
    unsigned char key[OT_PII_KEY_SIZE];
    char id[OT_PII_KEY_ID_SIZE], scratch[OT_PII_KEY_ID_SIZE];
    const char *body, *colon;
    unsigned char *raw;
    char *out;
    size_t body_len, raw_len, n;
    int rc;

    if (!plaintext || !len)
        return ot__error_field(err, OT_EINVAL, !plaintext ? "plaintext" : "len",
                               "output pointer is NULL");
    *plaintext = NULL;
    *len = 0;
    if (!pii || !field || !token)
        return ot__error_field(err, OT_EINVAL, !pii ? "pii" : !field ? "field" : "token",
                               "%s is NULL", !pii ? "sealer" : !field ? "field name" : "token");
    if (!ot_pii_is_token(token))
        return ot__error_field(err, OT_EPARSE, field, "%s is not a sealed token", field);
    body = token + strlen(PREFIX);
    colon = strchr(body, ':');
    if (!colon || (size_t)(colon - body) >= sizeof id)
        return ot__error_field(err, OT_EPARSE, field, "sealed %s has no valid key id", field);
    memcpy(id, body, (size_t)(colon - body));
    id[colon - body] = '\0';
    if (!key_id_valid(id))
        return ot__error_field(err, OT_EPARSE, field, "sealed %s has no valid key id", field);
    body = colon + 1;
    body_len = strlen(body);
    if (body_len > (MAX_PLAINTEXT + NONCE_SIZE + TAG_SIZE) / 3 * 4 + 4)
        return ot__error_field(err, OT_ELIMIT, field, "sealed %s is too long", field);
    if (!(raw = ot__malloc(body_len / 4 * 3 + 3)))
        return ot__error_set(err, OT_ENOMEM, "out of memory opening %s", field);
    raw_len = b64_decode(raw, body, body_len);
    if (raw_len == (size_t)-1 || raw_len < NONCE_SIZE + TAG_SIZE) {
        ot__free(raw);
        return ot__error_field(err, OT_EPARSE, field, "sealed %s is malformed", field);
    }
    if ((rc = fetch_key(key, scratch, pii, id, err)) != 0) {
        ot__free(raw);
        return rc;
    }
    n = raw_len - NONCE_SIZE - TAG_SIZE;
    if (!(out = ot__malloc(n + 1))) {
        rc = ot__error_set(err, OT_ENOMEM, "out of memory opening %s", field);
    } else if (gcm(0, key, raw, field, raw + NONCE_SIZE, n, (unsigned char *)out,
                   raw + NONCE_SIZE + n) != 0) {
        rc = ot__error_field(err, OT_EINTEGRITY, field,
                             "sealed %s failed authentication (tampered, wrong field or key)",
                             field);
    }
    OPENSSL_cleanse(key, sizeof key);
    ot__free(raw);
    if (rc != 0) {
        if (out)
            OPENSSL_cleanse(out, n);
        ot__free(out);
        return rc;
    }
    out[n] = '\0';
    *plaintext = out;
    *len = n;
    return 0;
}

int ot_pii_blind_index(char out[65], const ot_pii *pii, const char *field, const char *value,
                       ot_error *err)
{
    static const char label[] = "ordertrack blind index v1";
    static const char hexdigits[] = "0123456789abcdef";
    unsigned char key[OT_PII_KEY_SIZE], index_key[32], mac[32];
    char id[OT_PII_KEY_ID_SIZE];
    size_t i;
    int rc, ok;

    if (!out)
        return ot__error_field(err, OT_EINVAL, "out", "output buffer is NULL");
    out[0] = '\0';
    if (!pii || !field || !value)
        return ot__error_field(err, OT_EINVAL, !pii ? "pii" : !field ? "field" : "value",
                               "%s is NULL", !pii ? "sealer" : !field ? "field name" : "value");
    if ((rc = fetch_key(key, id, pii, NULL, err)) != 0)
        return rc;
    /* index key = HMAC(key, label): never the encryption key itself */
    ok = ot__hmac_sha256(index_key, key, sizeof key, label, sizeof label - 1) == 0;
    OPENSSL_cleanse(key, sizeof key);
    if (ok) {
        /* MAC over field NUL value, so equal values of different fields do not match */
        size_t flen = strlen(field), vlen = strlen(value);
        unsigned char *msg = ot__malloc(flen + 1 + vlen);
        if (!msg) {
            OPENSSL_cleanse(index_key, sizeof index_key);
            return ot__error_set(err, OT_ENOMEM, "out of memory indexing %s", field);
        }
        memcpy(msg, field, flen + 1);
        memcpy(msg + flen + 1, value, vlen);
        ok = ot__hmac_sha256(mac, index_key, sizeof index_key, msg, flen + 1 + vlen) == 0;
        ot__free(msg);
    }
    OPENSSL_cleanse(index_key, sizeof index_key);
    if (!ok)
        return ot__error_set(err, OT_ENOMEM, "HMAC-SHA256 failed indexing %s", field);
    for (i = 0; i < sizeof mac; i++) {
        out[2 * i] = hexdigits[mac[i] >> 4];
        out[2 * i + 1] = hexdigits[mac[i] & 15];
    }
    out[64] = '\0';
    return 0;
}
