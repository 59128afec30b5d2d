/* Writing JSON: the library's own encoder for jansson values, byte for byte what json_dumpb
 * writes for the flags the library uses (compact or ", "/": " separators, sorted keys, ASCII
 * escapes, slash escapes, real precision), in one pass into one growing buffer.
 *
 * Why not json_dumpb: it writes through a callback per token and, for every object and array,
 * formats its address with snprintf into a hashtable to detect cycles; the library writes a
 * record (and hashes each new history entry) on every commit, and jansson's encoder was the
 * largest single cost of a write (bench/NOTES.md). Values built by the library have no
 * cycles; a depth bound (the parser's) stops a malformed one all the same.
 * Byte-identity with jansson matters: history hashes are SHA-256 of this encoding
 * (docs/events.md) and stored records were written by it; tests/unit/test_json_write.c and
 * fuzz/fuzz_json_write.c compare the two. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "ordertrack/error.h"
#include "common.h"
#include "json/json_internal.h"
#include "base/utf8_internal.h"

#define MAX_DEPTH 2048
/* The flags this encoder implements (JSON_INDENT and JSON_EMBED are refused). */
#define OWN_FLAGS                                                                             \
    (JSON_COMPACT | JSON_ENSURE_ASCII | JSON_SORT_KEYS | JSON_PRESERVE_ORDER |                \
     JSON_ENCODE_ANY | JSON_ESCAPE_SLASH | JSON_REAL_PRECISION(31))

struct out {
    char *buf;
    size_t len, cap;
    size_t flags;
    int failed;         /* OT_ENOMEM or OT_EINVAL once something went wrong */
};

static int grow(struct out *o, size_t more)
{
    size_t cap = o->cap ? o->cap : 1024;
    char *buf;
    if (o->failed)
        return -1;
    if (more > SIZE_MAX / 2 - o->len) {
        o->failed = OT_ENOMEM;
        return -1;
    }
    while (cap - o->len < more + 1)
        cap *= 2;
    buf = ot__realloc(o->buf, cap);
    if (!buf) {
        o->failed = OT_ENOMEM;
        return -1;
    }
    o->buf = buf;
    o->cap = cap;
    return 0;
}

static inline int put(struct out *o, const char *s, size_t n)
{
    if (o->cap - o->len < n + 1 && grow(o, n))
        return -1;
    memcpy(o->buf + o->len, s, n);
    o->len += n;
    return 0;
}

static inline int put1(struct out *o, char c)
{
    if (o->cap - o->len < 2 && grow(o, 1))
        return -1;
    o->buf[o->len++] = c;
    return 0;
}

static int put_escape(struct out *o, uint32_t cp)
{
    static const char hex[] = "0123456789ABCDEF";
    char seq[12];
    size_t n = 0;
    uint32_t units[2];
    int k, count = 1;

    switch (cp) {
    case '\\': return put(o, "\\\\", 2);
    case '"': return put(o, "\\\"", 2);
    case '\b': return put(o, "\\b", 2);
    case '\f': return put(o, "\\f", 2);
    case '\n': return put(o, "\\n", 2);
    case '\r': return put(o, "\\r", 2);
    case '\t': return put(o, "\\t", 2);
    case '/': return put(o, "\\/", 2);
    default: break;
    }
    units[0] = cp;
    if (cp >= 0x10000) {
        cp -= 0x10000;
        units[0] = 0xd800 | ((cp & 0xffc00) >> 10);
        units[1] = 0xdc00 | (cp & 0x3ff);
        count = 2;
    }
    for (k = 0; k < count; k++) {
        seq[n++] = '\\';
        seq[n++] = 'u';
        seq[n++] = hex[(units[k] >> 12) & 0xf];
        seq[n++] = hex[(units[k] >> 8) & 0xf];
        seq[n++] = hex[(units[k] >> 4) & 0xf];
        seq[n++] = hex[units[k] & 0xf];
    }
    return put(o, seq, n);
}

/* 1 for the bytes a string holds as they are whatever the flags: printable ASCII but the
 * quote, the backslash and the slash (escaped with JSON_ESCAPE_SLASH). */
#define P16(x) x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x
static const unsigned char plain[256] = {
    P16(0), P16(0),
    1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, /* 0x20: '"' at 0x22, '/' at 0x2f */
    P16(1),
    P16(1),
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, /* 0x50: '\\' at 0x5c */
    P16(1),
    P16(1),
    P16(0), P16(0), P16(0), P16(0), P16(0), P16(0), P16(0), P16(0),
};
#undef P16

/* 1 when none of the 8 bytes at p needs a look of its own (see `plain`): no byte from 0x80
 * up (their high bit, in `x`), none below 0x20, none equal to '"', '\\' or '/'. With every
 * byte below 0x80, subtracting 0x20 (or 1 from a byte XORed with a character) sets a byte's
 * high bit exactly when it is below 0x20 (or zero: the character) for the lowest such byte;
 * a borrow into higher bytes can only set more high bits, which sends the 8 bytes to the
 * byte-by-byte loop: never wrong, at most slower. */
static inline int plain8(const unsigned char *p)
{
    const uint64_t ones = UINT64_C(0x0101010101010101), highs = UINT64_C(0x8080808080808080);
    uint64_t x;
    memcpy(&x, p, sizeof x);
    return ((x | (x - ones * 0x20) | ((x ^ (ones * '"')) - ones) |
             ((x ^ (ones * '\\')) - ones) | ((x ^ (ones * '/')) - ones)) &
            highs) == 0;
}

static int put_string(struct out *o, const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    int ascii = (o->flags & JSON_ENSURE_ASCII) != 0;
    int slash = (o->flags & JSON_ESCAPE_SLASH) != 0;
    size_t i = 0, run = 0;

    if (put1(o, '"'))
        return -1;
    while (i < len) {
        unsigned c;
        uint32_t cp;
        size_t n;
        /* the common case: a run of printable ASCII, eight bytes at a time while no byte of
         * the eight is a control, '"', '\\', '/' or non-ASCII, then byte by byte */
        while (len - i >= 8 && plain8(s + i))
            i += 8;
        while (i < len && plain[s[i]])
            i++;
        if (i == len)
            break;
        c = s[i];
        if (c == '/' && !slash) {
            i++;
            continue;
        }
        if (c >= 0x80) {
            n = ot__utf8_decode(s + i, len - i, &cp);
            if (!n) {
                o->failed = OT_EINVAL;
                return -1;
            }
            if (!ascii) {
                i += n;
                continue;
            }
        } else {
            cp = c;
            n = 1;
        }
        if (put(o, str + run, i - run) || put_escape(o, cp))
            return -1;
        i += n;
        run = i;
    }
    if (put(o, str + run, len - run))
        return -1;
    return put1(o, '"');
}

/* "%.17g" of `value` without printf, for |value| in [0.001, 1e17) (the fixed-notation range
 * of %.17g where the arithmetic below fits 128 bits): the exact binary value times 10^k,
 * rounded half to even to 17 significant digits as glibc does, then %g's layout (trailing
 * zeros dropped). Latitudes, longitudes and prices land here; printf's multi-precision
 * formatting was the encoder's largest cost for them. 0 when out of range (use printf).
 * tests/unit/test_json_write.c compares it with snprintf on millions of values. */
static int fast_g17(char *buf, double value)
{
    static const unsigned __int128 one = 1;
    static const uint64_t pow10[20] = {
        UINT64_C(1), UINT64_C(10), UINT64_C(100), UINT64_C(1000), UINT64_C(10000),
        UINT64_C(100000), UINT64_C(1000000), UINT64_C(10000000), UINT64_C(100000000),
        UINT64_C(1000000000), UINT64_C(10000000000), UINT64_C(100000000000),
        UINT64_C(1000000000000), UINT64_C(10000000000000), UINT64_C(100000000000000),
        UINT64_C(1000000000000000), UINT64_C(10000000000000000),
        UINT64_C(100000000000000000), UINT64_C(1000000000000000000),
        UINT64_C(10000000000000000000),
    };
    double a = value < 0 ? -value : value;
    uint64_t m;
    unsigned __int128 n, q, rem, half;
    int e, x, k, shift, i, len = 0, intd;
    char digits[17];

    if (!(a >= 0.001 && a < 1e17))
        return 0;
    memcpy(&m, &a, sizeof m);               /* a normal double: m * 2^e, m < 2^53 */
    e = (int)((m >> 52) & 0x7ff) - 1075;
    m = (m & ((UINT64_C(1) << 52) - 1)) | (UINT64_C(1) << 52);
    /* decimal exponent from the binary one (log10(2) ~ 1233 / 4096), corrected below */
    x = (e + 52) * 1233;
    x = x >= 0 ? x / 4096 : -((-x + 4095) / 4096);
    for (i = 0; i < 4; i++) {
        k = 16 - x;
        if (k < 0 || k > 19 || e > 4 || -e >= 127)
            return 0;
        n = (unsigned __int128)m * pow10[k];
        if (e >= 0) {
            q = n << e;
        } else {
            shift = -e;
            q = n >> shift;
            rem = n & ((one << shift) - 1);
            half = one << (shift - 1);
            if (rem > half || (rem == half && (q & 1)))
                q++;
        }
        if (q >= (unsigned __int128)pow10[16] * 10)
            x++;
        else if (q < pow10[16])
            x--;
        else
            break;
    }
    if (i == 4)
        return 0;
    for (i = 16; i >= 0; i--) {
        digits[i] = (char)('0' + (int)(q % 10));
        q /= 10;
    }
    if (value < 0)
        buf[len++] = '-';
    if (x >= 0) {
        intd = x + 1;
        memcpy(buf + len, digits, (size_t)intd);
        len += intd;
    } else {
        buf[len++] = '0';
        intd = 0;
    }
    buf[len++] = '.';
    for (i = x; i < -1; i++)
        buf[len++] = '0';
    memcpy(buf + len, digits + intd, (size_t)(17 - intd));
    len += 17 - intd;
    while (buf[len - 1] == '0')
        len--;
    if (buf[len - 1] == '.')
        len--;
    buf[len] = '\0';
    return len;
}

/* jansson's jsonp_dtostr: %.<precision>g with '.' as the decimal point whatever the locale,
 * ".0" added to integral values, the exponent without '+' or leading zeros. */
static int put_real(struct out *o, double value)
{
    int precision = (int)((o->flags >> 11) & 0x1f);
    char buf[64], *p, *digits, *from;
    int n;

    if (precision == 0)
        precision = 17;
    if (!isfinite(value))
        n = -1;
    else if (precision != 17 || (n = fast_g17(buf, value)) == 0)
        n = snprintf(buf, sizeof buf, "%.*g", precision, value);
    if (n < 0 || (size_t)n >= sizeof buf - 3) {
        o->failed = OT_EINVAL;
        return -1;
    }
    /* a locale's decimal point: the first byte %g writes that is not a digit, a sign or
     * 'e' (possibly several bytes long) */
    for (p = buf; *p; p++) {
        if ((*p >= '0' && *p <= '9') || *p == '-' || *p == '+' || *p == 'e' || *p == '.')
            continue;
        *p = '.';
        for (from = p + 1; *from && (*from < '0' || *from > '9'); from++)
            ;
        memmove(p + 1, from, strlen(from) + 1);
        break;
    }
    if (!strchr(buf, '.') && !strchr(buf, 'e'))
        strcat(buf, ".0");
    if ((p = strchr(buf, 'e')) != NULL) {
        digits = p + 1;
        if (*digits == '-')
            digits++;
        from = digits;
        if (*from == '+')
            from++;
        while (*from == '0')
            from++;
        memmove(digits, from, strlen(from) + 1);
    }
    return put(o, buf, strlen(buf));
}

struct key_ref {
    const char *key;
    size_t len;
};

static int key_cmp(const void *a, const void *b)
{
    const struct key_ref *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->key, y->key, n);
    return c ? c : (x->len > y->len) - (x->len < y->len);
}

static int put_value(struct out *o, const json_t *v, int depth);

static int put_object(struct out *o, const json_t *v, int depth)
{
    const char *sep = o->flags & JSON_COMPACT ? "," : ", ";
    const char *colon = o->flags & JSON_COMPACT ? ":" : ": ";
    size_t sep_len = strlen(sep), colon_len = strlen(colon);
    size_t n = json_object_size(v), i = 0;
    struct key_ref small[32], *keys = small;
    void *it;

    if (put1(o, '{'))
        return -1;
    if (!(o->flags & JSON_SORT_KEYS)) {
        for (it = json_object_iter((json_t *)v); it;
             it = json_object_iter_next((json_t *)v, it), i++) {
            if ((i && put(o, sep, sep_len)) ||
                put_string(o, json_object_iter_key(it), json_object_iter_key_len(it)) ||
                put(o, colon, colon_len) ||
                put_value(o, json_object_iter_value(it), depth + 1))
                return -1;
        }
        return put1(o, '}');
    }
    if (n > sizeof small / sizeof small[0]) {
        keys = ot__malloc(n * sizeof *keys);
        if (!keys) {
            o->failed = OT_ENOMEM;
            return -1;
        }
    }
    for (it = json_object_iter((json_t *)v); it && i < n;
         it = json_object_iter_next((json_t *)v, it), i++) {
        keys[i].key = json_object_iter_key(it);
        keys[i].len = json_object_iter_key_len(it);
    }
    n = i;
    qsort(keys, n, sizeof *keys, key_cmp);
    for (i = 0; i < n; i++) {
        if ((i && put(o, sep, sep_len)) || put_string(o, keys[i].key, keys[i].len) ||
            put(o, colon, colon_len) ||
            put_value(o, json_object_getn(v, keys[i].key, keys[i].len), depth + 1))
            break;
    }
    if (keys != small)
        ot__free(keys);
    return i == n ? put1(o, '}') : -1;
}

static int put_value(struct out *o, const json_t *v, int depth)
{
    char num[32];
    size_t i, n;

    if (depth > MAX_DEPTH || !v) {
        o->failed = OT_EINVAL;
        return -1;
    }
    switch (json_typeof(v)) {
    case JSON_NULL: return put(o, "null", 4);
    case JSON_TRUE: return put(o, "true", 4);
    case JSON_FALSE: return put(o, "false", 5);
    case JSON_INTEGER:
        n = (size_t)snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        return put(o, num, n);
    case JSON_REAL: return put_real(o, json_real_value(v));
    case JSON_STRING: return put_string(o, json_string_value(v), json_string_length(v));
    case JSON_ARRAY:
        if (put1(o, '['))
            return -1;
        n = json_array_size(v);
        for (i = 0; i < n; i++) {
            if ((i && put(o, o->flags & JSON_COMPACT ? "," : ", ",
                          o->flags & JSON_COMPACT ? 1 : 2)) ||
                put_value(o, json_array_get(v, i), depth + 1))
                return -1;
        }
        return put1(o, ']');
    case JSON_OBJECT: return put_object(o, v, depth);
    }
    o->failed = OT_EINVAL;
    return -1;
}

int ot__json_write(char **out, size_t *len, const json_t *v, size_t flags, ot_error *err)
{
    struct out o;

    *out = NULL;
    if (len)
        *len = 0;
    if ((flags & ~(size_t)OWN_FLAGS) != 0)
        return ot__error_set(err, OT_EINVAL, "JSON encoding flags 0x%zx are not supported",
                             flags);
    if (!v || (!(flags & JSON_ENCODE_ANY) && !json_is_object(v) && !json_is_array(v)))
        return ot__error_set(err, OT_EINVAL, "cannot encode JSON: not an object or array");
    memset(&o, 0, sizeof o);
    o.flags = flags;
    if (put_value(&o, v, 0) == 0 && put1(&o, '\0') == 0) {
        *out = o.buf;
        if (len)
            *len = o.len - 1;
        return 0;
    }
    ot__free(o.buf);
    if (o.failed == OT_ENOMEM)
        return ot__error_set(err, OT_ENOMEM, "out of memory encoding JSON");
    return ot__error_set(err, OT_EINVAL,
                         "cannot encode JSON: invalid UTF-8, a non-finite number or nesting "
                         "deeper than %d", MAX_DEPTH);
}
