/* Signing and checking customer tracking links (tracklink.h). */
#include "tracklink.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <ordertrack/tracker.h>

#define MAC_BYTES 32
#define SIG_CHARS 43 /* base64url of MAC_BYTES, unpadded */
#define PAYLOAD_MAX (OT_ORDER_ID_MAX + OTD_PAGE_KEY_ID_MAX + 32)

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Base64url without padding of [in, in+n) into out; the length written (NUL-terminated). */
static size_t b64url_encode(char *out, const unsigned char *in, size_t n)
{
    size_t o = 0;

    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)in[i] << 16 | (i + 1 < n ? (unsigned)in[i + 1] << 8 : 0) |
                     (i + 2 < n ? in[i + 2] : 0);
        out[o++] = alphabet[v >> 18 & 63];
        out[o++] = alphabet[v >> 12 & 63];
        if (i + 1 < n)
            out[o++] = alphabet[v >> 6 & 63];
        if (i + 2 < n)
            out[o++] = alphabet[v & 63];
    }
    out[o] = '\0';
    return o;
}

/* Decode n base64url characters into out (room for n * 3 / 4 bytes); the length, or -1. */
static long b64url_decode(unsigned char *out, const char *in, size_t n)
{
    unsigned v = 0, bits = 0;
    long o = 0;

    if (n % 4 == 1)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const char *p = in[i] ? strchr(alphabet, in[i]) : NULL;
        if (!p)
            return -1;
        v = v << 6 | (unsigned)(p - alphabet);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (unsigned char)(v >> bits);
        }
    }
    /* the unused low bits of the last character must be zero: one spelling per token */
    return (v & ((1u << bits) - 1)) ? -1 : o;
}

static int mac(unsigned char out[MAC_BYTES], const otd_page_key *k, const char *text,
               size_t n)
{
    unsigned len = 0;

    return HMAC(EVP_sha256(), k->secret, (int)k->secret_len, (const unsigned char *)text, n,
                out, &len) && len == MAC_BYTES
               ? 0
               : -1;
}

int otd_link_sign(char *out, size_t size, const otd_pageconf *p, const char *order_id,
                  int64_t expires_s)
{
    char payload[PAYLOAD_MAX + 1];
    unsigned char sig[MAC_BYTES];
    size_t n;
    int len;

    if (!p || p->n_keys == 0 || size < OTD_LINK_TOKEN_MAX + 1 ||
        strlen(order_id) > OT_ORDER_ID_MAX)
        return -1;
    len = snprintf(payload, sizeof payload, "1.%s.%" PRId64 ".%s", p->keys[0].id, expires_s,
                   order_id);
    if (len < 0 || (size_t)len >= sizeof payload)
        return -1;
    n = b64url_encode(out, (const unsigned char *)payload, (size_t)len);
    if (mac(sig, &p->keys[0], out, n) != 0)
        return -1;
    out[n++] = '.';
    b64url_encode(out + n, sig, sizeof sig);
    return 0;
}

int otd_link_verify(const otd_pageconf *p, const char *token, int64_t now_s, char *order_id,
                    size_t size, int64_t *expires_s)
{
    unsigned char payload[PAYLOAD_MAX + 4], sig[MAC_BYTES + 1], want[MAC_BYTES];
    const char *dot = token ? strchr(token, '.') : NULL, *kid, *exp, *id, *end;
    const otd_page_key *key = NULL;
    char kid_text[OTD_PAGE_KEY_ID_MAX + 1], *stop;
    size_t body = dot ? (size_t)(dot - token) : 0;
    long n;
    int64_t expires;

    if (!p || !dot || strlen(token) > OTD_LINK_TOKEN_MAX || body > (PAYLOAD_MAX + 2) / 3 * 4 ||
        (n = b64url_decode(payload, token, body)) < 0 ||
        strlen(dot + 1) != SIG_CHARS || b64url_decode(sig, dot + 1, SIG_CHARS) != MAC_BYTES)
        return OTD_LINK_MALFORMED;
    payload[n] = '\0';
    if (strlen((char *)payload) != (size_t)n || strncmp((char *)payload, "1.", 2) != 0)
        return OTD_LINK_MALFORMED;
    kid = (char *)payload + 2;
    if (!(exp = strchr(kid, '.')) || !(id = strchr(exp + 1, '.')) ||
        (size_t)(exp - kid) > OTD_PAGE_KEY_ID_MAX || exp == kid)
        return OTD_LINK_MALFORMED;
    memcpy(kid_text, kid, (size_t)(exp - kid));
    kid_text[exp - kid] = '\0';
    errno = 0;
    expires = strtoll(exp + 1, &stop, 10);
    end = stop;
    if (errno || end != id || exp[1] < '0' || exp[1] > '9' || !id[1] ||
        strlen(id + 1) > OT_ORDER_ID_MAX)
        return OTD_LINK_MALFORMED;
    for (size_t i = 0; i < p->n_keys && !key; i++)
        if (strcmp(p->keys[i].id, kid_text) == 0)
            key = &p->keys[i];
    if (!key)
        return OTD_LINK_UNKNOWN_KEY;
    if (mac(want, key, token, body) != 0 || CRYPTO_memcmp(want, sig, MAC_BYTES) != 0)
        return OTD_LINK_FORGED;
    if (expires <= now_s)
        return OTD_LINK_EXPIRED;
    if (strlen(id + 1) >= size)
        return OTD_LINK_MALFORMED;
    snprintf(order_id, size, "%s", id + 1);
    *expires_s = expires;
    return OTD_LINK_OK;
}

const char *otd_link_result_name(int result)
{
    static const char *const names[] = {"ok", "malformed", "unknown_key", "forged", "expired"};

    return result >= 0 && (size_t)result < sizeof names / sizeof names[0] ? names[result] : "?";
}
