/* The adapter's own connection-string options (`ot.*`): read from the query string and
 * removed before libmongoc sees it (libmongoc only warns about options it does not know and
 * goes on without them). One table: every `ot.` option is one of its rows, or refused. */
#include <ctype.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "mongo_internal.h"

#define OT_PREFIX "ot."

enum uri_kind { URI_BOOL, URI_NAME };

static const struct uri_option {
    const char *name;    /* after "ot.", matched without regard to case like libmongoc's */
    enum uri_kind kind;
    size_t offset;       /* of the ot_mongo_options member */
    const char *member;  /* its name, in conflict messages */
    int legacy;          /* 1: only meaningful with legacyOrders=true */
} uri_options[] = {
    {"collection", URI_NAME, offsetof(ot_mongo_options, collection), "collection", 0},
    {"idempotencyCollection", URI_NAME, offsetof(ot_mongo_options, idempotency_collection),
     "idempotency_collection", 0},
    {"createIndexes", URI_BOOL, offsetof(ot_mongo_options, create_indexes), "create_indexes", 0},
    {"legacyOrders", URI_BOOL, offsetof(ot_mongo_options, legacy_orders), "legacy_orders", 0},
    {"ordersCollection", URI_NAME, offsetof(ot_mongo_options, orders_collection),
     "orders_collection", 1},
    {"ordersMatchField", URI_NAME, offsetof(ot_mongo_options, orders_match_field),
     "orders_match_field", 1},
    {"historyCollection", URI_NAME, offsetof(ot_mongo_options, history_collection),
     "history_collection", 1},
};

#define URI_OPTION_COUNT (sizeof uri_options / sizeof uri_options[0])

static int hex_digit(int c)
{
    return isdigit(c) ? c - '0' : isxdigit(c) ? (tolower(c) - 'a' + 10) : -1;
}

/* Percent-decode `len` bytes of `src` into `dst` (NUL-terminated); -1 on a bad escape or
 * a decoded NUL. */
static int unescape(char *dst, const char *src, size_t len)
{
    size_t i;
    for (i = 0; i < len; i++) {
        int hi, lo;
        if (src[i] != '%') {
            *dst++ = src[i];
            continue;
        }
        if (i + 2 >= len || (hi = hex_digit((unsigned char)src[i + 1])) < 0 ||
            (lo = hex_digit((unsigned char)src[i + 2])) < 0 || (hi == 0 && lo == 0))
            return -1;
        *dst++ = (char)(hi * 16 + lo);
        i += 2;
    }
    *dst = '\0';
    return 0;
}

/* Where the query string starts ('?'), or NULL: after the scheme and any user info (which
 * ends at the last '@' before the first '/'; reserved characters in it are escaped). */
static const char *query_start(const char *uri)
{
    const char *p = strstr(uri, "://"), *slash, *at;
    if (!p)
        return NULL;
    p += 3;
    slash = p + strcspn(p, "/");
    for (at = slash; at > p && at[-1] != '@'; at--)
        ;
    return strchr(at, '?');
}

/* Apply one `ot.` option (`name` without the prefix, `value` decoded) to `o`; `seen` marks
 * the rows given already. */
static int apply(ot_mongo_options *o, unsigned *seen,
                 const char *name, const char *value, ot_error *err)
{
    static const ot_mongo_options defaults = OT_MONGO_OPTIONS_INIT;
    size_t i;
    for (i = 0; i < URI_OPTION_COUNT; i++)
        if (strcasecmp(uri_options[i].name, name) == 0)
            break;
    if (i == URI_OPTION_COUNT)
        return ot_error_setf(err, OT_EINVAL, "uri",
                             "unknown option ot.%.64s in the connection string (known: "
                             "ot.collection, ot.idempotencyCollection, ot.createIndexes, "
                             "ot.legacyOrders, ot.ordersCollection, ot.ordersMatchField, "
                             "ot.historyCollection)", name);
    if (*seen & (1u << i))
        return ot_error_setf(err, OT_EINVAL, "uri",
                             "option ot.%s given twice in the connection string",
                             uri_options[i].name);
    *seen |= 1u << i;
    if (uri_options[i].kind == URI_BOOL) {
        int *member = (int *)((char *)o + uri_options[i].offset);
        int dflt = *(const int *)((const char *)&defaults + uri_options[i].offset);
        int v;
        if (strcasecmp(value, "true") == 0)
            v = 1;
        else if (strcasecmp(value, "false") == 0)
            v = 0;
        else
            return ot_error_setf(err, OT_EINVAL, "uri", "option ot.%s must be true or false, not "
                                 "\"%.64s\"", uri_options[i].name, value);
        if (*member != dflt && *member != v)
            return ot_error_setf(err, OT_EINVAL, "uri",
                                 "option ot.%s=%s contradicts options.%s = %d",
                                 uri_options[i].name, value, uri_options[i].member, *member);
        *member = v;
    } else {
        const char **member = (const char **)((char *)o + uri_options[i].offset);
        if (!value[0])
            return ot_error_setf(err, OT_EINVAL, "uri", "option ot.%s needs a value",
                                 uri_options[i].name);
        if (*member && strcmp(*member, value) != 0)
            return ot_error_setf(err, OT_EINVAL, "uri",
                                 "option ot.%s=%.64s contradicts options.%s = \"%.64s\"",
                                 uri_options[i].name, value, uri_options[i].member, *member);
        *member = value;
    }
    return 0;
}

int ot_mongo__uri_parse(struct mg_uri *out, const char *uri, const ot_mongo_options *given,
                        ot_error *err)
{
    const char *q = query_start(uri), *p;
    size_t len = strlen(uri), i;
    unsigned seen = 0;
    char *kept, *values;
    int rc = 0, first = 1;

    memset(out, 0, sizeof *out);
    out->options = *given;
    /* one block: the URI for libmongoc, then the decoded option values */
    if (!(out->block = ot_malloc(2 * len + 2)))
        return ot_error_setf(err, OT_ENOMEM, NULL, "out of memory reading the connection string");
    out->uri = out->block;
    values = out->block + len + 1;
    if (!q)
        q = uri + len;   /* no query string: nothing to take out, the members still checked */
    memcpy(out->uri, uri, (size_t)(q - uri));
    kept = out->uri + (q - uri);
    *kept = '\0';
    for (p = *q ? q + 1 : q; rc == 0 && *p; ) {
        size_t n = strcspn(p, "&"), nlen;
        const char *eq = memchr(p, '=', n);
        if (n >= strlen(OT_PREFIX) && strncasecmp(p, OT_PREFIX, strlen(OT_PREFIX)) == 0) {
            char *name = values;
            nlen = (eq ? (size_t)(eq - p) : n) - strlen(OT_PREFIX);
            memcpy(name, p + strlen(OT_PREFIX), nlen);
            name[nlen] = '\0';
            values += nlen + 1;
            if (!eq)
                rc = ot_error_setf(err, OT_EINVAL, "uri", "option ot.%.64s needs a value", name);
            else if (unescape(values, eq + 1, n - (size_t)(eq + 1 - p)) != 0)
                rc = ot_error_setf(err, OT_EINVAL, "uri", "option ot.%.64s has a bad %%-escape",
                                   name);
            else if ((rc = apply(&out->options, &seen, name, values, err)) == 0)
                values += strlen(values) + 1;
        } else if (n) {   /* libmongoc's own: passed on as written */
            *kept++ = first ? '?' : '&';
            first = 0;
            memcpy(kept, p, n);
            kept += n;
            *kept = '\0';
        }
        p += n + (p[n] == '&');
    }
    /* the collections of the seed 001 writes mean nothing without them */
    for (i = 0; rc == 0 && !out->options.legacy_orders && i < URI_OPTION_COUNT; i++) {
        int from_uri = (seen >> i) & 1u;
        if (uri_options[i].legacy &&
            *(const char *const *)((const char *)&out->options + uri_options[i].offset))
            rc = ot_error_setf(err, OT_EINVAL, from_uri ? "uri" : uri_options[i].member,
                               "%s%s has no effect without %s",
                               from_uri ? "option ot." : "options.",
                               from_uri ? uri_options[i].name : uri_options[i].member,
                               from_uri ? "ot.legacyOrders=true" : "legacy_orders = 1");
    }
    if (rc != 0)
        ot_mongo__uri_release(out);
    return rc;
}

void ot_mongo__uri_release(struct mg_uri *u)
{
    ot_free(u->block);
    memset(u, 0, sizeof *u);
}
