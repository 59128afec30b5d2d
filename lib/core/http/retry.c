/* Retry arithmetic of the HTTP client: backoff with full jitter, Retry-After, host keys. */
#include <string.h>

#include "http/http_internal.h"
#include "base/time_internal.h"

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

int ot__http_casecmp_n(const char *a, const char *b, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        int d = lower((unsigned char)a[i]) - lower((unsigned char)b[i]);
        if (d != 0 || a[i] == '\0')
            return d;
    }
    return 0;
}

int ot__http_host_key(char *key, size_t size, const char *url)
{
    const char *p, *host, *end, *at, *port = NULL;
    const char *default_port;
    size_t host_len, port_len, i, need;

    if (!url)
        return OT_EINVAL;
    if (ot__http_casecmp_n(url, "https://", 8) == 0) {
        default_port = "443";
        p = url + 8;
    } else if (ot__http_casecmp_n(url, "http://", 7) == 0) {
        default_port = "80";
        p = url + 7;
    } else {
        return OT_EINVAL;
    }
    end = p + strcspn(p, "/?#");
    host = p;
    for (at = p; at < end; at++)
        if (*at == '@')
            host = at + 1;
    if (*host == '[') {
        const char *close = memchr(host, ']', (size_t)(end - host));
        if (!close)
            return OT_EINVAL;
        if (close + 1 < end && close[1] == ':')
            port = close + 2;
        host_len = (size_t)(close + 1 - host);
    } else {
        const char *colon = memchr(host, ':', (size_t)(end - host));
        if (colon)
            port = colon + 1;
        host_len = (size_t)((colon ? colon : end) - host);
    }
    if (host_len == 0)
        return OT_EINVAL;
    if (!port || port == end) {
        port = default_port;
        port_len = strlen(default_port);
    } else {
        port_len = (size_t)(end - port);
    }
    need = host_len + 1 + port_len + 1;
    if (need > size)
        return OT_EINVAL;
    for (i = 0; i < host_len; i++)
        key[i] = (char)lower((unsigned char)host[i]);
    key[host_len] = ':';
    memcpy(key + host_len + 1, port, port_len);
    key[host_len + 1 + port_len] = '\0';
    return 0;
}

static int parse_digits(const char **s, size_t n, int *out)
{
    int v = 0;
    size_t i;
    for (i = 0; i < n; i++) {
        char c = (*s)[i];
        if (c < '0' || c > '9')
            return -1;
        v = v * 10 + (c - '0');
    }
    *s += n;
    *out = v;
    return 0;
}

/* IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT" (the form senders must generate). */
static int parse_imf_fixdate(const char *s, int64_t *ms)
{
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    int day, year, hour, min, sec, month = 0, i;

    if (strlen(s) != 29 || s[3] != ',' || s[4] != ' ' || s[7] != ' ' || s[11] != ' '
        || s[16] != ' ' || s[19] != ':' || s[22] != ':' || strcmp(s + 25, " GMT") != 0)
        return -1;
    s += 5;
    if (parse_digits(&s, 2, &day) != 0)
        return -1;
    s++;
    for (i = 0; i < 12; i++)
        if (strncmp(s, months[i], 3) == 0)
            month = i + 1;
    if (month == 0)
        return -1;
    s += 4;
    if (parse_digits(&s, 4, &year) != 0)
        return -1;
    s++;
    if (parse_digits(&s, 2, &hour) != 0)
        return -1;
    s++;
    if (parse_digits(&s, 2, &min) != 0)
        return -1;
    s++;
    if (parse_digits(&s, 2, &sec) != 0)
        return -1;
    if (year < 1970 || day < 1 || day > ot__days_in_month(year, month) || hour > 23 ||
        min > 59 || sec > 60)
        return -1;
    *ms = ((ot__days_from_civil(year, month, day) * 24 + hour) * 60 + min) * 60000LL
          + sec * 1000LL;
    return 0;
}

int64_t ot__http_retry_after_ms(const char *value, int64_t now_ms)
{
    int64_t v = 0, at;
    const char *p;

    if (!value)
        return -1;
    while (*value == ' ' || *value == '\t')
        value++;
    if (*value >= '0' && *value <= '9') {
        for (p = value; *p >= '0' && *p <= '9'; p++) {
            if (v > 100000000)  /* over three years: cap rather than overflow */
                continue;
            v = v * 10 + (*p - '0');
        }
        while (*p == ' ' || *p == '\t')
            p++;
        return *p == '\0' ? v * 1000 : -1;
    }
    if (parse_imf_fixdate(value, &at) != 0)
        return -1;
    return at > now_ms ? at - now_ms : 0;
}

int64_t ot__http_backoff_ms(unsigned retry, int64_t base_ms, int64_t max_ms, uint32_t random)
{
    int64_t cap = base_ms;
    unsigned i;

    for (i = 1; i < retry && cap < max_ms; i++)
        cap *= 2;
    if (cap > max_ms)
        cap = max_ms;
    if (cap <= 0)
        return 0;
    return (int64_t)(((uint64_t)random * (uint64_t)(cap + 1)) >> 32);
}

int ot__http_method_idempotent(const char *method)
{
    static const char *const idempotent[] = {"GET", "HEAD", "OPTIONS", "TRACE", "PUT",
                                             "DELETE"};
    size_t i;
    if (!method)
        return 1; /* NULL means GET */
    for (i = 0; i < sizeof idempotent / sizeof idempotent[0]; i++)
        if (strcmp(method, idempotent[i]) == 0)
            return 1;
    return 0;
}
