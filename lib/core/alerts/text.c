/* Strings for the alert messages: a growing buffer, UTF-8 checks and URL redaction. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common.h"
#include "alerts/alerts_internal.h"
#include "http/http_internal.h"

static int sb_reserve(ot__strbuf *sb, size_t extra)
{
    size_t cap;
    char *p;

    if (sb->failed)
        return -1;
    if (sb->len + extra + 1 <= sb->cap)
        return 0;
    cap = sb->cap ? sb->cap : 256;
    while (cap < sb->len + extra + 1)
        cap *= 2;
    p = ot__realloc(sb->data, cap);
    if (!p) {
        sb->failed = 1;
        return -1;
    }
    sb->data = p;
    sb->cap = cap;
    return 0;
}

void ot__sb_add(ot__strbuf *sb, const char *s, size_t n)
{
    if (sb_reserve(sb, n))
        return;
    memcpy(sb->data + sb->len, s, n);
    sb->len += n;
    sb->data[sb->len] = '\0';
}

void ot__sb_adds(ot__strbuf *sb, const char *s)
{
    ot__sb_add(sb, s, strlen(s));
}

void ot__sb_addf(ot__strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || sb_reserve(sb, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    sb->len += (size_t)n;
}

int ot__sb_finish(char **out, size_t *len, ot__strbuf *sb, const char *what, ot_error *err)
{
    if (sb->failed || sb_reserve(sb, 0)) {
        ot__free(sb->data);
        return ot__error_set(err, OT_ENOMEM, "out of memory formatting %s", what);
    }
    *out = sb->data;
    if (len)
        *len = sb->len;
    return 0;
}

int ot__text_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + n;

    while (p < end) {
        unsigned c = *p++, need, cp, min;
        if (c < 0x80) {
            if (c < 0x20 || c == 0x7f)
                return 0;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf) {
            need = 1, cp = c & 0x1f, min = 0x80;
        } else if (c >= 0xe0 && c <= 0xef) {
            need = 2, cp = c & 0x0f, min = 0x800;
        } else if (c >= 0xf0 && c <= 0xf4) {
            need = 3, cp = c & 0x07, min = 0x10000;
        } else {
            return 0;
        }
        if ((size_t)(end - p) < need)
            return 0;
        while (need--) {
            if ((*p & 0xc0) != 0x80)
                return 0;
            cp = (cp << 6) | (*p++ & 0x3fu);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ||
            (cp >= 0x80 && cp < 0xa0))
            return 0;
    }
    return 1;
}

void ot__url_redact(char *buf, size_t size, const char *url)
{
    const char *scheme_end, *host, *end, *at;

    if (!url) {
        snprintf(buf, size, "(none)");
        return;
    }
    scheme_end = strstr(url, "://");
    if (!scheme_end) {
        snprintf(buf, size, "(not a URL)");
        return;
    }
    host = scheme_end + 3;
    end = host + strcspn(host, "/?#");
    at = memchr(host, '@', (size_t)(end - host));
    while (at) {                      /* userinfo may itself hold '@' before the last one */
        host = at + 1;
        at = memchr(host, '@', (size_t)(end - host));
    }
    snprintf(buf, size, "%.*s://%.*s%s", (int)(scheme_end - url), url, (int)(end - host), host,
             *end ? "/..." : "");
}

int ot__alerts_check_url(const char *url, const char *field, ot_error *err)
{
    char key[OT__HTTP_HOST_KEY_SIZE];
    size_t n = strlen(url), i;

    for (i = 0; i < n; i++)
        if ((unsigned char)url[i] <= ' ' || (unsigned char)url[i] >= 0x7f)
            return ot__error_field(err, OT_EINVAL, field,
                                   "%s holds a space or control character", field);
    if (ot__http_host_key(key, sizeof key, url) != 0)
        return ot__error_field(err, OT_EINVAL, field,
                               "%s is not an http:// or https:// URL with a host", field);
    return 0;
}
