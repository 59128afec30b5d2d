/* Reading JSON: the library's own parser into jansson values, accepting exactly what
 * json_loadb(..., JSON_REJECT_DUPLICATES, ...) accepts and building the same document (same
 * integer/real types, same key order), with the same json_error_t on a refusal (text, line,
 * column, position, error code).
 *
 * Why not json_loadb: jansson reads byte by byte through a stream callback into a token
 * buffer, copies every string (and every key) into a fresh allocation, and validates UTF-8
 * one character at a time; it was the largest single cost of a webhook ingest
 * (bench/NOTES.md). Here the input is one buffer: strings without escapes are validated in
 * place and keys are looked up and inserted straight from the input, escaped strings are
 * decoded into a reusable scratch buffer, numbers are converted without a token copy when
 * they are integers.
 *
 * Error messages mirror jansson's lexer: "MESSAGE near 'TOKEN TEXT'" where the token text is
 * what jansson would have read of the current token (at most 20 bytes, else no context),
 * "near end of file" at the end, and the position/line/column where jansson's stream stood.
 * That is why the lexer below checks UTF-8 on every byte jansson would have read (the byte
 * after a number or a literal too) before looking at it.
 * One deliberate difference: jansson drops a NUL byte that directly follows a number or a
 * literal (its stream cannot push a NUL back) and so accepts "[1\0]"; this parser refuses
 * every NUL byte outside a \u escape, as RFC 8259 does. tests/unit/test_json_read.c and
 * fuzz/fuzz_json_read.c compare the two parsers.
 *
 * Nesting is an explicit stack (no recursion), bounded by jansson's JSON_PARSER_MAX_DEPTH. */
#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ordertrack/error.h"
#include "common.h"
#include "json/json_internal.h"
#include "base/utf8_internal.h"

#define MAX_DEPTH JSON_PARSER_MAX_DEPTH
#define CONTEXT_MAX 20 /* jansson quotes the token text only up to this many bytes */

/* Tokens: the punctuation characters themselves, and these. */
enum {
    T_EOF = 0,
    T_ERROR = 256, /* the lexer set the error already (jansson: its first error wins) */
    T_INVALID,     /* not a token; the parser words the error */
    T_STRING,
    T_INTEGER,
    T_REAL,
    T_TRUE,
    T_FALSE,
    T_NULL,
};

struct reader {
    const unsigned char *s;
    size_t len;
    size_t pos; /* the next byte to read: after a token, its end */
    size_t tok; /* where the current token starts (its text is s[tok, pos)) */
    /* the value of the current token */
    const char *str;
    size_t str_len;
    int str_nul; /* the string has a \u0000 */
    json_int_t integer;
    double real;
    /* decoded strings with escapes: buf[0] for the scanner, buf[1] keeps a key */
    char *buf[2];
    size_t cap[2];
    json_error_t *err;
    int failed; /* 0, or OT_EPARSE / OT_ENOMEM once the error is set */
};

/* Bytes of a string that need no attention: printable ASCII but '"' and '\\'. */
static const unsigned char plain[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

static int is_digit(unsigned c)
{
    return c - '0' < 10;
}

static int is_alpha(unsigned c)
{
    return (c | 0x20) - 'a' < 26;
}

static int hex_value(unsigned c)
{
    if (c - '0' < 10)
        return (int)(c - '0');
    if ((c | 0x20) - 'a' < 6)
        return (int)((c | 0x20) - 'a' + 10);
    return -1;
}

/* Set the error (once: later calls are ignored, as jansson's are) at byte `pos`, quoting the
 * current token's text s[tok, pos) the way jansson's error_set does. */
static void fail_at(struct reader *r, size_t pos, enum json_error_code code, const char *fmt,
                    ...) OT__PRINTF(4, 5);

static void fail_at(struct reader *r, size_t pos, enum json_error_code code, const char *fmt,
                    ...)
{
    /* room for any message and its context; the text is cut to jansson's length below */
    char msg[JSON_ERROR_TEXT_LENGTH], full[JSON_ERROR_TEXT_LENGTH + CONTEXT_MAX + 32];
    const char *text = msg;
    json_error_t *e = r->err;
    int line = 1, column = 0;
    size_t i, n;
    va_list ap;

    if (r->failed)
        return;
    r->failed = code == json_error_out_of_memory ? OT_ENOMEM : OT_EPARSE;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* jansson's stream counts lines, and columns in characters (not continuation bytes) */
    for (i = 0; i < pos; i++) {
        unsigned c = r->s[i];
        if (c == '\n') {
            line++;
            column = 0;
        } else if (c < 0x80 || (c >= 0xc2 && c <= 0xf4)) {
            column++;
        }
    }
    n = pos > r->tok ? pos - r->tok : 0;
    if (code == json_error_out_of_memory) {
        /* jansson reports no text for most of its allocation failures; say what it was */
    } else if (n > 0) {
        if (n <= CONTEXT_MAX) {
            /* %s: jansson's token text stops at a NUL byte */
            snprintf(full, sizeof full, "%s near '%.*s'", msg,
                     (int)strnlen((const char *)r->s + r->tok, n),
                     (const char *)r->s + r->tok);
            text = full;
        }
    } else {
        if (code == json_error_invalid_syntax)
            code = json_error_premature_end_of_input;
        if (code != json_error_invalid_utf8) {
            snprintf(full, sizeof full, "%s near end of file", msg);
            text = full;
        }
    }
    e->line = line;
    e->column = column;
    e->position = (int)pos;
    n = strlen(text);
    if (n > JSON_ERROR_TEXT_LENGTH - 2)
        n = JSON_ERROR_TEXT_LENGTH - 2;
    memcpy(e->text, text, n);
    e->text[n] = '\0';
    e->text[JSON_ERROR_TEXT_LENGTH - 1] = (char)code;
}

static int out_of_memory(struct reader *r)
{
    fail_at(r, r->pos, json_error_out_of_memory, "out of memory");
    return T_ERROR;
}

/* jansson validates UTF-8 as it reads each byte, the one that ends a number or a literal
 * included: a byte at j that is not the start of a valid sequence fails there. */
static int bad_utf8_at(struct reader *r, size_t j)
{
    if (j >= r->len || r->s[j] < 0x80 || ot__utf8_decode(r->s + j, r->len - j, NULL))
        return 0;
    fail_at(r, j, json_error_invalid_utf8, "unable to decode byte 0x%x", r->s[j]);
    return 1;
}

/* A number cut short at byte j: an invalid token there, unless that byte is bad UTF-8
 * (jansson reports that first). */
static int invalid_token_at(struct reader *r, size_t j)
{
    if (bad_utf8_at(r, j))
        return T_ERROR;
    r->pos = j;
    return T_INVALID;
}

static int invalid_escape(struct reader *r, size_t pos)
{
    fail_at(r, pos, json_error_invalid_syntax, "invalid escape");
    return T_ERROR;
}

static int ensure_buf(struct reader *r, size_t need)
{
    size_t cap = r->cap[0] ? r->cap[0] : 64;
    char *buf;
    if (need <= r->cap[0])
        return 0;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    buf = ot__realloc(r->buf[0], cap);
    if (!buf)
        return -1;
    r->buf[0] = buf;
    r->cap[0] = cap;
    return 0;
}

static unsigned hex4(const unsigned char *p)
{
    return (unsigned)(hex_value(p[0]) << 12 | hex_value(p[1]) << 8 | hex_value(p[2]) << 4 |
                      hex_value(p[3]));
}

/* Decode the escapes of s[from, to) (already validated by scan_string) into buf[0]; the
 * surrogate checks come here, after the whole string was read, as in jansson. */
static int decode_string(struct reader *r, size_t from, size_t to)
{
    const unsigned char *s = r->s;
    size_t p = from;
    char *t;

    if (ensure_buf(r, to - from + 1))
        return out_of_memory(r);
    t = r->buf[0];
    r->str_nul = 0;
    while (p < to) {
        unsigned c = s[p], v, v2;
        if (c != '\\') {
            size_t run = p + 1;
            while (run < to && s[run] != '\\')
                run++;
            memcpy(t, s + p, run - p);
            t += run - p;
            p = run;
            continue;
        }
        c = s[p + 1];
        if (c != 'u') {
            switch (c) {
            case 'b': *t++ = '\b'; break;
            case 'f': *t++ = '\f'; break;
            case 'n': *t++ = '\n'; break;
            case 'r': *t++ = '\r'; break;
            case 't': *t++ = '\t'; break;
            default: *t++ = (char)c; break; /* '"', '\\', '/' */
            }
            p += 2;
            continue;
        }
        v = hex4(s + p + 2);
        p += 6;
        if (v >= 0xd800 && v <= 0xdbff) {
            if (p < to && s[p] == '\\' && s[p + 1] == 'u') {
                v2 = hex4(s + p + 2);
                p += 6;
                if (v2 < 0xdc00 || v2 > 0xdfff) {
                    fail_at(r, r->pos, json_error_invalid_syntax,
                            "invalid Unicode '\\u%04X\\u%04X'", v, v2);
                    return T_ERROR;
                }
                v = ((v - 0xd800) << 10) + (v2 - 0xdc00) + 0x10000;
            } else {
                fail_at(r, r->pos, json_error_invalid_syntax, "invalid Unicode '\\u%04X'", v);
                return T_ERROR;
            }
        } else if (v >= 0xdc00 && v <= 0xdfff) {
            fail_at(r, r->pos, json_error_invalid_syntax, "invalid Unicode '\\u%04X'", v);
            return T_ERROR;
        }
        if (v < 0x80) {
            r->str_nul |= v == 0;
            *t++ = (char)v;
        } else if (v < 0x800) {
            *t++ = (char)(0xc0 | (v >> 6));
            *t++ = (char)(0x80 | (v & 0x3f));
        } else if (v < 0x10000) {
            *t++ = (char)(0xe0 | (v >> 12));
            *t++ = (char)(0x80 | ((v >> 6) & 0x3f));
            *t++ = (char)(0x80 | (v & 0x3f));
        } else {
            *t++ = (char)(0xf0 | (v >> 18));
            *t++ = (char)(0x80 | ((v >> 12) & 0x3f));
            *t++ = (char)(0x80 | ((v >> 6) & 0x3f));
            *t++ = (char)(0x80 | (v & 0x3f));
        }
    }
    r->str = r->buf[0];
    r->str_len = (size_t)(t - r->buf[0]);
    return T_STRING;
}

/* A string from the '"' at q. Without escapes it stays in the input. */
static int scan_string(struct reader *r, size_t q)
{
    const unsigned char *s = r->s;
    size_t len = r->len, i = q + 1, n, k;
    int escapes = 0;
    unsigned c;

    for (;;) {
        while (i < len && plain[s[i]])
            i++;
        if (i >= len) {
            fail_at(r, len, json_error_premature_end_of_input, "premature end of input");
            return T_ERROR;
        }
        c = s[i];
        if (c == '"')
            break;
        if (c >= 0x80) {
            n = ot__utf8_decode(s + i, len - i, NULL);
            if (!n) {
                fail_at(r, i, json_error_invalid_utf8, "unable to decode byte 0x%x", c);
                return T_ERROR;
            }
            i += n;
            continue;
        }
        if (c != '\\') {
            /* jansson puts the control character back: the position is before it */
            if (c == '\n')
                fail_at(r, i, json_error_invalid_syntax, "unexpected newline");
            else
                fail_at(r, i, json_error_invalid_syntax, "control character 0x%x", c);
            return T_ERROR;
        }
        escapes = 1;
        if (i + 1 >= len)
            return invalid_escape(r, i + 1);
        if (bad_utf8_at(r, i + 1))
            return T_ERROR;
        c = s[i + 1];
        if (c == 'u') {
            for (k = i + 2; k < i + 6; k++) {
                if (k >= len)
                    return invalid_escape(r, k);
                if (bad_utf8_at(r, k))
                    return T_ERROR;
                if (hex_value(s[k]) < 0)
                    return invalid_escape(r, k + 1);
            }
            i += 6;
            continue;
        }
        if (c == '"' || c == '\\' || c == '/' || c == 'b' || c == 'f' || c == 'n' ||
            c == 'r' || c == 't') {
            i += 2;
            continue;
        }
        return invalid_escape(r, i + 2);
    }
    r->pos = i + 1;
    if (escapes)
        return decode_string(r, q + 1, i);
    r->str = (const char *)s + q + 1;
    r->str_len = i - q - 1;
    r->str_nul = 0;
    return T_STRING;
}

static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;
static locale_t c_locale; /* set once, read-only afterwards */

static void c_locale_init(void)
{
    c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
}

/* strtod of `text` (our own copy) in the C locale whatever LC_NUMERIC the process set.
 * uselocale is per thread. Should newlocale have failed (out of memory on the first call),
 * do what jansson does: swap '.' for the locale's decimal point. */
static double strtod_c(char *text)
{
    locale_t old;
    double v;
    char *dot;

    (void)pthread_once(&c_locale_once, c_locale_init);
    if (!c_locale) {
        dot = strchr(text, '.');
        if (dot)
            *dot = *localeconv()->decimal_point;
        return strtod(text, NULL);
    }
    old = uselocale(c_locale);
    v = strtod(text, NULL);
    uselocale(old);
    return v;
}

/* A number from s[i] ('-' or a digit), jansson's grammar and conversions: an integer
 * (strtoll's range) when it has neither fraction nor exponent, else a double (strtod:
 * overflow to infinity refused, underflow accepted). */
static int scan_number(struct reader *r, size_t i)
{
    const unsigned char *s = r->s;
    size_t len = r->len, j = i;
    int real = 0;

    if (s[j] == '-')
        j++;
    if (j < len && s[j] == '0') {
        j++;
        if (j < len && is_digit(s[j])) {
            r->pos = j;
            return T_INVALID;
        }
    } else if (j < len && is_digit(s[j])) {
        do
            j++;
        while (j < len && is_digit(s[j]));
    } else {
        return invalid_token_at(r, j);
    }
    if (j < len && s[j] == '.') {
        j++;
        if (j >= len || !is_digit(s[j])) {
            return invalid_token_at(r, j);
        }
        do
            j++;
        while (j < len && is_digit(s[j]));
        real = 1;
    }
    if (j < len && (s[j] == 'e' || s[j] == 'E')) {
        j++;
        if (j < len && (s[j] == '+' || s[j] == '-'))
            j++;
        if (j >= len || !is_digit(s[j])) {
            return invalid_token_at(r, j);
        }
        do
            j++;
        while (j < len && is_digit(s[j]));
        real = 1;
    }
    if (bad_utf8_at(r, j))
        return T_ERROR;
    r->pos = j;
    if (!real) {
        int neg = s[i] == '-';
        unsigned long long v = 0, limit = neg ? (unsigned long long)LLONG_MAX + 1 : LLONG_MAX;
        size_t k;
        for (k = i + (size_t)neg; k < j; k++) {
            unsigned d = s[k] - '0';
            if (v > (limit - d) / 10) {
                fail_at(r, j, json_error_numeric_overflow,
                        neg ? "too big negative integer" : "too big integer");
                return T_ERROR;
            }
            v = v * 10 + d;
        }
        r->integer = neg && v ? -(json_int_t)(v - 1) - 1 : (json_int_t)v;
        return T_INTEGER;
    } else {
        /* strtod needs a terminated copy: the input goes on (and may be hex-like after) */
        char small[64], *text = small;
        size_t n = j - i;
        double v;
        if (n >= sizeof small) {
            text = ot__malloc(n + 1);
            if (!text)
                return out_of_memory(r);
        }
        memcpy(text, s + i, n);
        text[n] = '\0';
        errno = 0;
        v = strtod_c(text);
        if (text != small)
            ot__free(text);
        if ((v == HUGE_VAL || v == -HUGE_VAL) && errno == ERANGE) {
            fail_at(r, j, json_error_numeric_overflow, "real number overflow");
            return T_ERROR;
        }
        r->real = v;
        return T_REAL;
    }
}

/* The next token after whitespace. */
static int scan(struct reader *r)
{
    const unsigned char *s = r->s;
    size_t len = r->len, i = r->pos, j, n;
    unsigned c;

    while (i < len && (s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t'))
        i++;
    r->tok = i;
    r->pos = i;
    if (i >= len)
        return T_EOF;
    c = s[i];
    switch (c) {
    case '{':
    case '}':
    case '[':
    case ']':
    case ':':
    case ',':
        r->pos = i + 1;
        return (int)c;
    case '"':
        return scan_string(r, i);
    case '-':
    case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
        return scan_number(r, i);
    default:
        break;
    }
    if (is_alpha(c)) {
        /* jansson reads the whole word, for a clearer message */
        j = i + 1;
        while (j < len && is_alpha(s[j]))
            j++;
        if (bad_utf8_at(r, j))
            return T_ERROR;
        r->pos = j;
        n = j - i;
        if (n == 4 && memcmp(s + i, "true", 4) == 0)
            return T_TRUE;
        if (n == 5 && memcmp(s + i, "false", 5) == 0)
            return T_FALSE;
        if (n == 4 && memcmp(s + i, "null", 4) == 0)
            return T_NULL;
        return T_INVALID;
    }
    if (c >= 0x80) {
        /* a whole character in the message, or a decoding error */
        n = ot__utf8_decode(s + i, len - i, NULL);
        if (!n) {
            fail_at(r, i, json_error_invalid_utf8, "unable to decode byte 0x%x", c);
            return T_ERROR;
        }
        r->pos = i + n;
        return T_INVALID;
    }
    r->pos = i + 1;
    return T_INVALID;
}

/* An error about the current token. */
static void fail_token(struct reader *r, enum json_error_code code, const char *msg)
{
    fail_at(r, r->pos, code, "%s", msg);
}

/* Add v (a new reference) under the open container `top`, or make it the root. */
static int attach(struct reader *r, json_t **root, json_t *top, const char *key,
                  size_t key_len, json_t *v)
{
    int rc;
    if (!top) {
        *root = v;
        return 0;
    }
    if (json_is_array(top))
        rc = json_array_append_new(top, v);
    else
        rc = json_object_setn_new_nocheck(top, key, key_len, v);
    if (rc) {
        out_of_memory(r);
        return -1;
    }
    return 0;
}

static json_t *parse(struct reader *r)
{
    json_t *small[64], **stack = small, **grown;
    json_t *root = NULL, *top = NULL, *v;
    size_t depth = 0, cap = sizeof small / sizeof small[0];
    const char *key = NULL;
    size_t key_len = 0;
    int t;
    char *swap;
    size_t swap_cap;

    t = scan(r);
    if (t == T_ERROR)
        goto fail;
    if (t != '[' && t != '{') {
        fail_token(r, json_error_invalid_syntax, "'[' or '{' expected");
        goto fail;
    }
value:
    /* t starts a value inside `depth` open containers; jansson counts the value itself */
    if (depth >= MAX_DEPTH) {
        fail_token(r, json_error_stack_overflow, "maximum parsing depth reached");
        goto fail;
    }
    switch (t) {
    case T_STRING:
        if (r->str_nul) {
            fail_token(r, json_error_null_character,
                       "\\u0000 is not allowed without JSON_ALLOW_NUL");
            goto fail;
        }
        v = json_stringn_nocheck(r->str, r->str_len);
        break;
    case T_INTEGER: v = json_integer(r->integer); break;
    case T_REAL: v = json_real(r->real); break;
    case T_TRUE: v = json_true(); break;
    case T_FALSE: v = json_false(); break;
    case T_NULL: v = json_null(); break;
    case '[': v = json_array(); break;
    case '{': v = json_object(); break;
    case T_ERROR: goto fail;
    case T_INVALID: fail_token(r, json_error_invalid_syntax, "invalid token"); goto fail;
    default: fail_token(r, json_error_invalid_syntax, "unexpected token"); goto fail;
    }
    if (!v) {
        out_of_memory(r);
        goto fail;
    }
    /* a container joins its parent before it is filled: an error frees it with the root */
    if (attach(r, &root, top, key, key_len, v))
        goto fail;
    if (t == '[' || t == '{') {
        if (depth == cap) {
            grown = ot__malloc(2 * cap * sizeof *grown);
            if (!grown) {
                out_of_memory(r);
                goto fail;
            }
            memcpy(grown, stack, depth * sizeof *stack);
            if (stack != small)
                ot__free(stack);
            stack = grown;
            cap *= 2;
        }
        stack[depth++] = top = v;
        t = scan(r);
        if (t == T_ERROR)
            goto fail;
        if (t == (json_is_array(top) ? ']' : '}'))
            goto close;
        if (json_is_object(top))
            goto member;
        if (t == T_EOF) {
            fail_token(r, json_error_invalid_syntax, "']' expected");
            goto fail;
        }
        goto value;
    }
next:
    if (depth == 0)
        goto end;
    t = scan(r);
    if (t == T_ERROR)
        goto fail;
    if (json_is_array(top)) {
        if (t == ']')
            goto close;
        if (t != ',') {
            fail_token(r, json_error_invalid_syntax, "']' expected");
            goto fail;
        }
        t = scan(r);
        if (t == T_ERROR)
            goto fail;
        if (t == T_EOF) {
            fail_token(r, json_error_invalid_syntax, "']' expected");
            goto fail;
        }
        goto value;
    }
    if (t == '}')
        goto close;
    if (t != ',') {
        fail_token(r, json_error_invalid_syntax, "'}' expected");
        goto fail;
    }
    t = scan(r);
    if (t == T_ERROR)
        goto fail;
member:
    if (t != T_STRING) {
        fail_token(r, json_error_invalid_syntax, "string or '}' expected");
        goto fail;
    }
    if (r->str_nul) {
        fail_token(r, json_error_null_byte_in_key, "NUL byte in object key not supported");
        goto fail;
    }
    if (json_object_getn(top, r->str, r->str_len)) {
        fail_token(r, json_error_duplicate_key, "duplicate object key");
        goto fail;
    }
    key = r->str;
    key_len = r->str_len;
    if (key == r->buf[0]) {
        /* keep a decoded key while the scanner decodes the value into the other buffer */
        swap = r->buf[0];
        r->buf[0] = r->buf[1];
        r->buf[1] = swap;
        swap_cap = r->cap[0];
        r->cap[0] = r->cap[1];
        r->cap[1] = swap_cap;
    }
    t = scan(r);
    if (t == T_ERROR)
        goto fail;
    if (t != ':') {
        fail_token(r, json_error_invalid_syntax, "':' expected");
        goto fail;
    }
    t = scan(r);
    goto value;
close:
    depth--;
    top = depth ? stack[depth - 1] : NULL;
    goto next;
end:
    t = scan(r);
    if (t == T_ERROR)
        goto fail;
    if (t != T_EOF) {
        fail_token(r, json_error_end_of_input_expected, "end of file expected");
        goto fail;
    }
    if (stack != small)
        ot__free(stack);
    return root;
fail:
    if (stack != small)
        ot__free(stack);
    json_decref(root);
    return NULL;
}

int ot__json_read(json_t **out, const void *bytes, size_t len, json_error_t *jerr)
{
    struct reader r;
    json_error_t ignored;

    *out = NULL;
    if (!jerr)
        jerr = &ignored;
    /* jansson's jsonp_error_init (the code byte is left as it was, as jansson does) */
    jerr->text[0] = '\0';
    jerr->line = -1;
    jerr->column = -1;
    jerr->position = 0;
    strcpy(jerr->source, "<buffer>");
    if (!bytes) {
        snprintf(jerr->text, JSON_ERROR_TEXT_LENGTH - 1, "wrong arguments");
        jerr->text[JSON_ERROR_TEXT_LENGTH - 1] = (char)json_error_invalid_argument;
        return OT_EPARSE;
    }
    memset(&r, 0, sizeof r);
    r.s = bytes;
    r.len = len;
    r.err = jerr;
    *out = parse(&r);
    ot__free(r.buf[0]);
    ot__free(r.buf[1]);
    if (*out) {
        jerr->position = (int)len; /* jansson's: where its stream stood, at the end */
        return 0;
    }
    return r.failed ? r.failed : OT_EPARSE;
}
