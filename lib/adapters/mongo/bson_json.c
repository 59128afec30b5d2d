/* Order JSON <-> BSON: native types in the database, exact values back on load. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "mongo_internal.h"
#include "ordertrack/timestamp.h"

int ot_mongo__error(ot_error *err, const bson_error_t *error, const char *what)
{
    return ot_error_setf(err, OT_ESTORAGE, NULL, "mongodb: %s: %s (domain %u, code %u)", what,
                         error->message[0] ? error->message : "unknown error", error->domain,
                         error->code);
}

static void format_ms(char out[64], int64_t ms)
{
    int64_t secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
    int msec = (int)(ms - secs * 1000);
    time_t t = (time_t)secs;
    struct tm tm;
    gmtime_r(&t, &tm);
    snprintf(out, 64, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, msec);
}

/* 1 and `*ms` if `s` is exactly a time the codec writes ("YYYY-MM-DDTHH:MM:SS.mmmZ") and
 * converts back byte for byte, else 0. */
static int parse_time(const char *s, uint32_t n, int64_t *ms)
{
    static const char shape[] = "dddd-dd-ddTdd:dd:dd.dddZ";
    int v[7], i;
    int64_t days;
    char back[64];
    if (n != sizeof shape - 1)
        return 0;
    for (i = 0; i < (int)n; i++) {
        if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != shape[i])
            return 0;
    }
    if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d.%3d", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
               &v[6]) != 7 || ot_date_to_days(&days, v[0], v[1], v[2], NULL) != 0)
        return 0;
    *ms = ((days * 24 + v[3]) * 60 + v[4]) * 60000 + (int64_t)v[5] * 1000 + v[6];
    format_ms(back, *ms);
    return memcmp(back, s, n) == 0;
}

static bool convert(bson_t *dst, bson_iter_t *it);

static bool convert_child(bson_t *dst, bson_iter_t *it, int array)
{
    bson_iter_t child;
    bson_t sub;
    bool ok;
    if (!bson_iter_recurse(it, &child))
        return false;
    if (array)
        bson_append_array_begin(dst, bson_iter_key(it), (int)bson_iter_key_len(it), &sub);
    else
        bson_append_document_begin(dst, bson_iter_key(it), (int)bson_iter_key_len(it), &sub);
    ok = convert(&sub, &child);
    return (array ? bson_append_array_end(dst, &sub) : bson_append_document_end(dst, &sub)) &&
           ok;
}

static bool convert(bson_t *dst, bson_iter_t *it)
{
    while (bson_iter_next(it)) {
        const char *key = bson_iter_key(it);
        int klen = (int)bson_iter_key_len(it);
        bool ok;
        switch (bson_iter_type(it)) {
        case BSON_TYPE_UTF8: {
            uint32_t n;
            const char *s = bson_iter_utf8(it, &n);
            int64_t ms;
            ok = parse_time(s, n, &ms) ? bson_append_date_time(dst, key, klen, ms)
                                       : bson_append_utf8(dst, key, klen, s, (int)n);
            break;
        }
        case BSON_TYPE_DOCUMENT:
            ok = convert_child(dst, it, 0);
            break;
        case BSON_TYPE_ARRAY:
            ok = convert_child(dst, it, 1);
            break;
        default:
            ok = bson_append_iter(dst, key, klen, it);
        }
        if (!ok)
            return false;
    }
    return true;
}

int ot_mongo__json_to_bson(bson_t *out, const char *json, size_t len, ot_error *err)
{
    bson_error_t error;
    bson_t raw;
    bson_iter_t it;
    bool ok;
    bson_init(out);
    if (!bson_init_from_json(&raw, json, (ssize_t)len, &error))
        return ot_error_setf(err, OT_EINVAL, "record", "record JSON does not convert to BSON: %s",
                             error.message);
    ok = bson_iter_init(&it, &raw) && convert(out, &it);
    bson_destroy(&raw);
    if (!ok) {
        bson_destroy(out);
        bson_init(out);
        return ot_error_setf(err, OT_ELIMIT, "record", "record too large for a BSON document");
    }
    return 0;
}

/* ---- BSON to JSON ------------------------------------------------------------------- */

struct buf {
    char *p;
    size_t len, cap;
    int bad;            /* OT_ENOMEM or OT_ESTORAGE once something failed */
};

static void put(struct buf *b, const char *s, size_t n)
{
    if (b->bad)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 1024;
        char *p;
        while (cap < b->len + n + 1)
            cap *= 2;
        if (!(p = ot_realloc(b->p, cap))) {
            b->bad = OT_ENOMEM;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void puts_(struct buf *b, const char *s)
{
    put(b, s, strlen(s));
}

static void put_string(struct buf *b, const char *s, size_t n)
{
    size_t i, start = 0;
    put(b, "\"", 1);
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[8];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        put(b, s + start, i - start);
        switch (c) {
        case '"': puts_(b, "\\\""); break;
        case '\\': puts_(b, "\\\\"); break;
        case '\n': puts_(b, "\\n"); break;
        case '\r': puts_(b, "\\r"); break;
        case '\t': puts_(b, "\\t"); break;
        default:
            snprintf(esc, sizeof esc, "\\u%04x", c);
            puts_(b, esc);
        }
        start = i + 1;
    }
    put(b, s + start, n - start);
    put(b, "\"", 1);
}

static void write_value(struct buf *b, bson_iter_t *it);

static void write_container(struct buf *b, bson_iter_t *it, int array, int top)
{
    int first = 1;
    put(b, array ? "[" : "{", 1);
    while (!b->bad && bson_iter_next(it)) {
        if (top && (strcmp(bson_iter_key(it), "_id") == 0 || strcmp(bson_iter_key(it), "_ot") == 0))
            continue;
        if (!first)
            put(b, ",", 1);
        first = 0;
        if (!array) {
            put_string(b, bson_iter_key(it), bson_iter_key_len(it));
            put(b, ":", 1);
        }
        write_value(b, it);
    }
    put(b, array ? "]" : "}", 1);
}

static void write_value(struct buf *b, bson_iter_t *it)
{
    char num[64];
    bson_iter_t child;
    switch (bson_iter_type(it)) {
    case BSON_TYPE_UTF8: {
        uint32_t n;
        const char *s = bson_iter_utf8(it, &n);
        put_string(b, s, n);
        break;
    }
    case BSON_TYPE_INT32:
        snprintf(num, sizeof num, "%d", (int)bson_iter_int32(it));
        puts_(b, num);
        break;
    case BSON_TYPE_INT64:
        snprintf(num, sizeof num, "%lld", (long long)bson_iter_int64(it));
        puts_(b, num);
        break;
    case BSON_TYPE_DOUBLE:
        /* the shortest text that reads back as the same double, and still a real */
        snprintf(num, sizeof num, "%.17g", bson_iter_double(it));
        if (!strpbrk(num, ".eEn"))
            strcat(num, ".0");
        puts_(b, num);
        break;
    case BSON_TYPE_BOOL:
        puts_(b, bson_iter_bool(it) ? "true" : "false");
        break;
    case BSON_TYPE_NULL:
        puts_(b, "null");
        break;
    case BSON_TYPE_DATE_TIME:
        format_ms(num, bson_iter_date_time(it));
        put_string(b, num, strlen(num));
        break;
    case BSON_TYPE_DOCUMENT:
    case BSON_TYPE_ARRAY:
        if (!bson_iter_recurse(it, &child)) {
            b->bad = OT_ESTORAGE;
            break;
        }
        write_container(b, &child, bson_iter_type(it) == BSON_TYPE_ARRAY, 0);
        break;
    default:
        b->bad = OT_ESTORAGE;   /* not a type the adapter writes */
    }
}

int ot_mongo__bson_to_json(char **json, size_t *len, const bson_t *doc, ot_error *err)
{
    struct buf b = {NULL, 0, 0, 0};
    bson_iter_t it;
    *json = NULL;
    if (!bson_iter_init(&it, doc))
        return ot_error_setf(err, OT_ESTORAGE, NULL, "mongodb: a stored document is corrupt");
    write_container(&b, &it, 0, 1);
    if (b.bad) {
        ot_free(b.p);
        return b.bad == OT_ENOMEM
                   ? ot_error_setf(err, OT_ENOMEM, NULL, "out of memory converting a document")
                   : ot_error_setf(err, OT_ESTORAGE, NULL,
                                   "mongodb: a stored document holds a BSON type the order "
                                   "codec does not know");
    }
    *json = b.p;
    if (len)
        *len = b.len;
    return 0;
}

int ot_mongo__bson_to_order(ot_order **out, const bson_t *doc, ot_error *err)
{
    char *json;
    size_t len;
    int rc = ot_mongo__bson_to_json(&json, &len, doc, err);
    if (rc)
        return rc;
    rc = ot_order_from_json(out, json, len, err);
    ot_free(json);
    return rc;
}
