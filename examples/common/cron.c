/* Five-field cron expressions: parsing into bitsets and the next fire time in UTC. */
#include "cron.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <ordertrack/timestamp.h>

struct field_spec {
    const char *name;
    int min, max;               /* accepted values (day-of-week accepts 7 for Sunday) */
    const char *const *names;   /* names for min..min+n-1, or NULL */
};

static const char *const month_names[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                          "jul", "aug", "sep", "oct", "nov", "dec", NULL};
static const char *const weekday_names[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat",
                                            NULL};

static const struct field_spec fields[5] = {
    {"minute", 0, 59, NULL},
    {"hour", 0, 23, NULL},
    {"day-of-month", 1, 31, NULL},
    {"month", 1, 12, month_names},
    {"day-of-week", 0, 7, weekday_names},
};

static const struct {
    const char *name;
    const char *expansion;
} macros[] = {
    {"@yearly", "0 0 1 1 *"}, {"@annually", "0 0 1 1 *"}, {"@monthly", "0 0 1 * *"},
    {"@weekly", "0 0 * * 0"}, {"@daily", "0 0 * * *"},    {"@midnight", "0 0 * * *"},
    {"@hourly", "0 * * * *"},
};

#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static int fail(char *errbuf, size_t errlen, const char *field, const char *fmt, ...)
{
    char what[160];
    va_list ap;

    if (!errbuf || errlen == 0)
        return -1;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    if (field)
        snprintf(errbuf, errlen, "%s: %s", field, what);
    else
        snprintf(errbuf, errlen, "%s", what);
    return -1;
}

/* Parse one number or name in [s, end); -1 if it is neither. */
static int parse_value(const struct field_spec *spec, const char *s, const char *end)
{
    size_t len = (size_t)(end - s);
    int v = 0;
    size_t i;

    if (len == 0)
        return -1;
    if (isdigit((unsigned char)s[0])) {
        for (i = 0; i < len; i++) {
            if (!isdigit((unsigned char)s[i]) || v > 1000)
                return -1;
            v = v * 10 + (s[i] - '0');
        }
        return v;
    }
    if (spec->names)
        for (i = 0; spec->names[i]; i++)
            if (len == 3 && strncasecmp(s, spec->names[i], 3) == 0)
                return spec->min + (int)i;
    return -1;
}

/* One comma-separated item of a field: "*", "a", "a-b", each optionally "/step". */
static int parse_item(const struct field_spec *spec, const char *s, const char *end,
                      uint64_t *bits, char *errbuf, size_t errlen)
{
    const char *slash = memchr(s, '/', (size_t)(end - s));
    const char *range_end = slash ? slash : end;
    const char *dash;
    int lo, hi, step = 1, v;

    if (s == range_end)
        return fail(errbuf, errlen, spec->name, "empty item in \"%.*s\"", (int)(end - s), s);
    if (range_end - s == 1 && *s == '*') {
        lo = spec->min;
        hi = spec->max == 7 ? 6 : spec->max;
    } else {
        dash = memchr(s, '-', (size_t)(range_end - s));
        lo = parse_value(spec, s, dash ? dash : range_end);
        if (lo < 0)
            return fail(errbuf, errlen, spec->name, "\"%.*s\" is not a value",
                        (int)((dash ? dash : range_end) - s), s);
        if (dash) {
            hi = parse_value(spec, dash + 1, range_end);
            if (hi < 0)
                return fail(errbuf, errlen, spec->name, "\"%.*s\" is not a value",
                            (int)(range_end - dash - 1), dash + 1);
        } else {
            hi = slash ? (spec->max == 7 ? 6 : spec->max) : lo;
        }
        if (lo < spec->min || lo > spec->max || hi < spec->min || hi > spec->max)
            return fail(errbuf, errlen, spec->name, "\"%.*s\" is out of range %d-%d",
                        (int)(range_end - s), s, spec->min, spec->max);
        if (lo > hi)
            return fail(errbuf, errlen, spec->name, "range \"%.*s\" runs backwards",
                        (int)(range_end - s), s);
    }
    if (slash) {
        step = parse_value(&fields[0], slash + 1, end);
        if (step <= 0 || step > spec->max)
            return fail(errbuf, errlen, spec->name, "step \"%.*s\" must be 1-%d",
                        (int)(end - slash - 1), slash + 1, spec->max);
    }
    for (v = lo; v <= hi; v += step)
        *bits |= (uint64_t)1 << (spec->max == 7 && v == 7 ? 0 : v);
    return 0;
}

static int parse_field(const struct field_spec *spec, const char *s, const char *end,
                       uint64_t *bits, char *errbuf, size_t errlen)
{
    const char *comma;

    *bits = 0;
    for (;;) {
        comma = memchr(s, ',', (size_t)(end - s));
        if (parse_item(spec, s, comma ? comma : end, bits, errbuf, errlen) != 0)
            return -1;
        if (!comma)
            return 0;
        s = comma + 1;
    }
}

int cron_parse(cron_expr *out, const char *text, char *errbuf, size_t errlen)
{
    const char *start[6], *stop[6];
    uint64_t bits[5];
    int n = 0, i;
    const char *p;
    size_t k;

    if (errbuf && errlen)
        errbuf[0] = '\0';
    if (!out || !text)
        return fail(errbuf, errlen, NULL, "no expression");
    while (isspace((unsigned char)*text))
        text++;
    if (*text == '@') {
        size_t len = strcspn(text, " \t\r\n");
        for (k = 0; k < sizeof macros / sizeof macros[0]; k++)
            if (strlen(macros[k].name) == len && strncasecmp(text, macros[k].name, len) == 0)
                return cron_parse(out, macros[k].expansion, errbuf, errlen);
        return fail(errbuf, errlen, NULL, "unknown macro \"%.*s\"", (int)len, text);
    }
    for (p = text; *p;) {
        while (isspace((unsigned char)*p))
            p++;
        if (!*p)
            break;
        if (n == 5)
            return fail(errbuf, errlen, NULL, "expected 5 fields, got more");
        start[n] = p;
        while (*p && !isspace((unsigned char)*p))
            p++;
        stop[n++] = p;
    }
    if (n != 5)
        return fail(errbuf, errlen, NULL, "expected 5 fields, got %d", n);
    for (i = 0; i < 5; i++)
        if (parse_field(&fields[i], start[i], stop[i], &bits[i], errbuf, errlen) != 0)
            return -1;
    out->minutes = bits[0];
    out->hours = (uint32_t)bits[1];
    out->days = (uint32_t)bits[2];
    out->months = (uint16_t)bits[3];
    out->weekdays = (uint8_t)bits[4];
    out->days_star = start[2][0] == '*';
    out->weekdays_star = start[4][0] == '*';
    return 0;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

static int day_matches(const cron_expr *e, int64_t days, int d)
{
    int wd = (int)(((days % 7) + 11) % 7); /* 1970-01-01 was a Thursday (4) */
    int dom = (e->days >> d) & 1, dow = (e->weekdays >> wd) & 1;

    if (e->days_star || e->weekdays_star)
        return dom && dow;
    return dom || dow;
}

int cron_matches(const cron_expr *e, int64_t t)
{
    int64_t days = floor_div(t, 86400), y;
    int64_t sec = t - days * 86400;
    int m, d;

    if (!e || ot_date_from_days(&y, &m, &d, days, NULL) != 0)
        return 0;
    return ((e->months >> m) & 1) && day_matches(e, days, d) &&
           ((e->hours >> (sec / 3600)) & 1) && ((e->minutes >> ((sec / 60) % 60)) & 1);
}

int cron_next(const cron_expr *e, int64_t after, int64_t *next)
{
    int64_t start = (floor_div(after, 60) + 1) * 60;
    int64_t days = floor_div(start, 86400), y, last_year;
    int64_t sec = start - days * 86400;
    int m, d, hour = (int)(sec / 3600), minute = (int)(sec / 60 % 60);

    if (!e || !next || ot_date_from_days(&y, &m, &d, days, NULL) != 0)
        return -1;
    last_year = y + 30; /* Feb 29 on a given weekday recurs within 28 years */
    while (y <= last_year) {
        /* the library's civil date: a day past the month's end is no date */
        if (!((e->months >> m) & 1) || ot_date_to_days(&days, y, m, d, NULL) != 0) {
            d = 1, hour = 0, minute = 0;
            if (++m > 12)
                m = 1, y++;
            continue;
        }
        if (!day_matches(e, days, d)) {
            d++, hour = 0, minute = 0;
            continue;
        }
        if (!((e->hours >> hour) & 1)) {
            minute = 0;
            if (++hour > 23)
                hour = 0, d++;
            continue;
        }
        if (!((e->minutes >> minute) & 1)) {
            if (++minute > 59) {
                minute = 0;
                if (++hour > 23)
                    hour = 0, d++;
            }
            continue;
        }
        *next = days * 86400 + hour * 3600 + minute * 60;
        return 0;
    }
    return -1;
}
