/* The memory store's packed record text: the compact JSON the store encodes, with what every
 * record repeats replaced by single bytes. Byte-level and exactly reversible: the encoder never
 * writes a byte below 0x20 (JSON escapes them in strings and compact text has no
 * whitespace), so those bytes are free to stand for
 *   0x01 + 32 bytes   a string of 64 lowercase hex digits (the history's hashes), in binary;
 *   0x02 + 6 bytes    a timestamp string "YYYY-MM-DDTHH:MM:SS.mmmZ" (milliseconds since the
 *                     epoch, big-endian), only when formatting them gives back the same text;
 *   0x03 .. 0x1f      a string of the table below (members and values every record has).
 * A history entry of about 380 bytes packs to about 170. */
#include <stdint.h>
#include <string.h>

#include "common.h"
#include "base/time_internal.h"
#include "storage/pack_internal.h"

#define TOK_HASH 0x01
#define TOK_TIME 0x02
#define TOK_FIRST 0x03

/* Longest first where one is the other's start. */
struct word {
    const char *s;
    size_t len;
};
#define W(text) {text, sizeof text - 1}
static const struct word words[] = {
    W(",\"metadata\":{\"ot\":{\"event\":\""),
    W("{\"status\":\""),
    W("\",\"timestamp\":"),
    W(",\"updated_by\":\""),
    W(",\"notes\":null"),
    W("\",\"seq\":"),
    W(",\"data\":{"),
    W(",\"prev_hash\":"),
    W(",\"hash\":"),
    W("\"status_changed\""),
    W(",\"delivery_provider\":\""),
    W(",\"delivery_tracking_id\":"),
    W(",\"delivery_tracking_url\":"),
    W(",\"estimated_delivery_time\":"),
    W(",\"shipment_status\":"),
    W(",\"customer_id\":\""),
    W(",\"store_id\":\""),
    W(",\"order_id\":\""),
    W(",\"metadata\":{}"),
    W(",\"status\":\""),
    W("\"from\":\""),
    W(",\"to\":\""),
    W(",\"location\":"),
    W(",\"issue_type\":\""),
    W(",\"description\":\""),
    W("_time\":"),
    W("null"),
    W("\"}}}"),
    W("\":\""),
};
#define NWORDS (sizeof words / sizeof words[0])

static int hexval(unsigned char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* `"` + 64 lowercase hex + `"` at s (n bytes left): 1 and the 32 bytes in out. */
static int take_hash(const char *s, size_t n, unsigned char out[32])
{
    size_t i;
    if (n < 66 || s[0] != '"' || s[65] != '"')
        return 0;
    for (i = 0; i < 32; i++) {
        int hi = hexval((unsigned char)s[1 + 2 * i]), lo = hexval((unsigned char)s[2 + 2 * i]);
        if (hi < 0 || lo < 0)
            return 0;
        out[i] = (unsigned char)(hi << 4 | lo);
    }
    return 1;
}

/* `"YYYY-MM-DDTHH:MM:SS.mmmZ"` at s that formats back to itself: 1 and its milliseconds. */
static int take_time(const char *s, size_t n, int64_t *ms)
{
    char text[25], back[OT__TIME_SIZE];
    if (n < 26 || s[0] != '"' || s[25] != '"' || s[5] != '-' || s[11] != 'T' || s[24] != 'Z')
        return 0;
    memcpy(text, s + 1, 24);
    text[24] = '\0';
    if (ot__time_parse(ms, text) != 0 || *ms < 0 || *ms >= (1LL << 48))
        return 0;
    ot__time_format(back, *ms);
    return strlen(back) == 24 && memcmp(back, text, 24) == 0;
}

/* The bucket of a word, or of the text at a position: its first and third bytes. */
static unsigned bucket(const char *s)
{
    return ((unsigned char)s[0] * 31u + (unsigned char)s[2]) & 255u;
}

int ot__json_pack(char **out, size_t *out_len, const char *json, size_t len)
{
    unsigned char *p = ot__malloc(len + 1), *w = p;
    signed char head[256], chain[NWORDS];
    size_t i = 0, k;

    if (!p)
        return OT_ENOMEM;
    /* the words by bucket, each chain in the table's order (longest first) */
    memset(head, -1, sizeof head);
    for (k = NWORDS; k-- > 0;) {
        unsigned b = bucket(words[k].s);
        chain[k] = head[b];
        head[b] = (signed char)k;
    }
    while (i < len) {
        unsigned char hash[32];
        int64_t ms;
        if (json[i] == '"' && take_hash(json + i, len - i, hash)) {
            *w++ = TOK_HASH;
            memcpy(w, hash, 32);
            w += 32;
            i += 66;
            continue;
        }
        if (json[i] == '"' && take_time(json + i, len - i, &ms)) {
            *w++ = TOK_TIME;
            for (k = 0; k < 6; k++)
                *w++ = (unsigned char)((uint64_t)ms >> (40 - 8 * k));
            i += 26;
            continue;
        }
        k = NWORDS;
        if (len - i >= 4) {     /* the shortest word */
            int c;
            for (c = head[bucket(json + i)]; c >= 0; c = chain[c])
                if (words[c].len <= len - i && memcmp(json + i, words[c].s, words[c].len) == 0)
                    break;
            if (c >= 0)
                k = (size_t)c;
        }
        if (k < NWORDS) {
            *w++ = (unsigned char)(TOK_FIRST + k);
            i += words[k].len;
        } else {
            *w++ = (unsigned char)json[i++];
        }
    }
    *w = '\0';
    *out_len = (size_t)(w - p);
    *out = (char *)p;
    return 0;
}

/* Bytes from p[i] on before the next token (a byte below 0x20), eight at a time. */
static size_t literal_run(const unsigned char *p, size_t i, size_t n)
{
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    size_t start = i;
    while (n - i >= 8) {
        uint64_t x;
        memcpy(&x, p + i, 8);
        if ((x - ones * 0x20) & ~x & highs)  /* some byte below 0x20 */
            break;
        i += 8;
    }
    while (i < n && p[i] >= 0x20)
        i++;
    return i - start;
}

/* Bytes the packed text unpacks to. */
static size_t unpacked_len(const unsigned char *p, size_t n)
{
    size_t i = 0, len = 0;
    while (i < n) {
        unsigned char c = p[i];
        size_t run = literal_run(p, i, n);
        if (run) {
            len += run, i += run;
            continue;
        }
        if (c == TOK_HASH)
            len += 66, i += 33;
        else if (c == TOK_TIME)
            len += 26, i += 7;
        else if (c >= TOK_FIRST && c < 0x20)
            len += words[c - TOK_FIRST].len, i++;
        else
            len++, i++;
    }
    return len;
}

int ot__json_unpack(char **out, size_t *out_len, const char *packed, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)packed;
    size_t len = unpacked_len(p, n), i = 0, k;
    char *text = ot__malloc(len + 1), *w = text;

    if (!text)
        return OT_ENOMEM;
    while (i < n) {
        size_t run = literal_run(p, i, n);
        unsigned char c;
        if (run) {
            memcpy(w, p + i, run);
            w += run, i += run;
            continue;
        }
        c = p[i++];
        if (c == TOK_HASH) {
            *w++ = '"';
            for (k = 0; k < 32; k++) {
                *w++ = hex[p[i + k] >> 4];
                *w++ = hex[p[i + k] & 15];
            }
            *w++ = '"';
            i += 32;
        } else if (c == TOK_TIME) {
            uint64_t ms = 0;
            char t[OT__TIME_SIZE];
            for (k = 0; k < 6; k++)
                ms = ms << 8 | p[i + k];
            i += 6;
            ot__time_format(t, (int64_t)ms);
            *w++ = '"';
            memcpy(w, t, 24);
            w += 24;
            *w++ = '"';
        } else if (c >= TOK_FIRST && c < 0x20) {
            memcpy(w, words[c - TOK_FIRST].s, words[c - TOK_FIRST].len);
            w += words[c - TOK_FIRST].len;
        } else {
            *w++ = (char)c;
        }
    }
    *w = '\0';
    *out_len = len;
    *out = text;
    return 0;
}
