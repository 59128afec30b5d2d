/* Partner timestamps to milliseconds since the epoch UTC. No libc time zone functions:
 * pure arithmetic (days from the civil date), so it is thread-safe and locale-free. */
#include <string.h>

#include "base/time_internal.h"

/* Read exactly n digits at *p; -1 if not. */
static int digits(const char **p, int n)
{
    int v = 0, i;
    for (i = 0; i < n; i++) {
        if ((*p)[i] < '0' || (*p)[i] > '9')
            return -1;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    return v;
}

static int expect(const char **p, char c)
{
    if (**p != c)
        return -1;
    (*p)++;
    return 0;
}

/* "Z", "+HH:MM", "+HHMM", "+HH" or nothing (default). */
static int offset(const char **p, int *minutes, int default_offset_min)
{
    int sign, h, m = 0;

    if (**p == '\0') {
        *minutes = default_offset_min;
        return 0;
    }
    if (**p == 'Z' || **p == 'z') {
        (*p)++;
        *minutes = 0;
        return 0;
    }
    if (**p != '+' && **p != '-')
        return -1;
    sign = **p == '-' ? -1 : 1;
    (*p)++;
    if ((h = digits(p, 2)) < 0 || h > 23)
        return -1;
    if (**p == ':')
        (*p)++;
    if (**p != '\0' && ((m = digits(p, 2)) < 0 || m > 59))
        return -1;
    *minutes = sign * (h * 60 + m);
    return 0;
}

static int finish(int64_t *ms, int y, int mo, int d, int h, int mi, int s, int frac_ms,
                  int off_min)
{
    if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > ot__days_in_month(y, mo)
        || h > 23 || mi > 59 || s > 60)
        return -1;
    *ms = ((ot__days_from_civil(y, mo, d) * 24 + h) * 60 + mi - off_min) * 60000
          + (int64_t)s * 1000 + frac_ms;
    return 0;
}

/* "DD MM YYYY HH:MM:SS" (Shiprocket webhooks). */
static int parse_dmy(int64_t *ms, const char *p, int default_offset_min)
{
    int d, mo, y, h, mi, s;

    if ((d = digits(&p, 2)) < 0 || expect(&p, ' ') || (mo = digits(&p, 2)) < 0
        || expect(&p, ' ') || (y = digits(&p, 4)) < 0 || expect(&p, ' ')
        || (h = digits(&p, 2)) < 0 || expect(&p, ':') || (mi = digits(&p, 2)) < 0
        || expect(&p, ':') || (s = digits(&p, 2)) < 0 || *p != '\0')
        return -1;
    return finish(ms, y, mo, d, h, mi, s, 0, default_offset_min);
}

int ot__time_parse_partner(int64_t *ms, const char *s, int default_offset_min)
{
    const char *p = s;
    int y, mo, d, h = 0, mi = 0, sec = 0, frac = 0, off = default_offset_min;

    if (!s)
        return -1;
    if (strlen(s) >= 5 && s[2] == ' ')
        return parse_dmy(ms, s, default_offset_min);
    if ((y = digits(&p, 4)) < 0 || expect(&p, '-') || (mo = digits(&p, 2)) < 0
        || expect(&p, '-') || (d = digits(&p, 2)) < 0)
        return -1;
    if (*p == 'T' || *p == 't' || *p == ' ') {
        p++;
        if ((h = digits(&p, 2)) < 0 || expect(&p, ':') || (mi = digits(&p, 2)) < 0)
            return -1;
        if (*p == ':') {
            p++;
            if ((sec = digits(&p, 2)) < 0)
                return -1;
            if (*p == '.' || *p == ',') {
                int n = 0;
                p++;
                if (*p < '0' || *p > '9')
                    return -1;
                for (; *p >= '0' && *p <= '9'; p++, n++)
                    if (n < 3)
                        frac = frac * 10 + (*p - '0');
                for (; n < 3; n++)
                    frac *= 10;
            }
        }
        if (offset(&p, &off, default_offset_min) != 0 || *p != '\0')
            return -1;
    } else if (*p != '\0') {
        return -1;
    }
    return finish(ms, y, mo, d, h, mi, sec, frac, off);
}
