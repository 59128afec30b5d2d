/* RFC 3339 UTC timestamps with milliseconds. */
#include <stdio.h>
#include <string.h>

#include "ordertrack/timestamp.h"
#include "base/error_internal.h"
#include "base/time_internal.h"

#define MS_PER_DAY 86400000LL
#define MAX_MS 253402300799999LL /* 9999-12-31T23:59:59.999Z */
#define MIN_DAYS (-719528LL)     /* 0000-01-01 */
#define MAX_DAYS 2932896LL       /* 9999-12-31 */

int64_t ot__days_from_civil(int64_t y, int m, int d)
{
    int64_t era, yoe, doy, doe;
    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
    int64_t era, doe, yoe, doy, mp;
    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

static int digits(const char *s, int n, int *out)
{
    int i, v = 0;
    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

int ot__days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return days[m - 1] + (m == 2 && leap);
}

int ot__time_parse(int64_t *ms, const char *s)
{
    int y, mo, d, h, mi, sec, frac = 0, oh = 0, om = 0, sign = 0, i;
    int64_t v;

    if (!s || strlen(s) < 20)
        return -1;
    if (digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) || s[7] != '-' ||
        digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != 't') || digits(s + 11, 2, &h) ||
        s[13] != ':' || digits(s + 14, 2, &mi) || s[16] != ':' || digits(s + 17, 2, &sec))
        return -1;
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > ot__days_in_month(y, mo) || h > 23 ||
        mi > 59 || sec > 59)
        return -1;
    s += 19;
    if (*s == '.') {
        s++;
        if (*s < '0' || *s > '9')
            return -1;
        for (i = 0; *s >= '0' && *s <= '9'; i++, s++)
            if (i < 3)
                frac = frac * 10 + (*s - '0');
        for (; i < 3; i++)
            frac *= 10;
    }
    if (*s == 'Z' || *s == 'z') {
        s++;
    } else if (*s == '+' || *s == '-') {
        sign = *s == '+' ? 1 : -1;
        if (digits(s + 1, 2, &oh) || s[3] != ':' || digits(s + 4, 2, &om) || oh > 23 ||
            om > 59)
            return -1;
        s += 6;
    } else {
        return -1;
    }
    if (*s)
        return -1;
    v = ot__days_from_civil(y, mo, d) * MS_PER_DAY + ((int64_t)h * 3600 + mi * 60 + sec) * 1000 +
        frac - (int64_t)sign * (oh * 60 + om) * 60000;
    if (v < 0 || v > MAX_MS)
        return -1;
    *ms = v;
    return 0;
}

int ot__time_representable(int64_t ms)
{
    return ms >= 0 && ms <= MAX_MS;
}

/* `n` decimal digits of `v`, zero-padded, at `p`. */
static char *put_digits(char *p, int v, int n)
{
    int i;
    for (i = n - 1; i >= 0; i--) {
        p[i] = (char)('0' + v % 10);
        v /= 10;
    }
    return p + n;
}

void ot__time_format(char buf[OT__TIME_SIZE], int64_t ms)
{
    int y, m, d;
    int64_t day, rem;
    char *p = buf;
    if (ms < 0)
        ms = 0;
    if (ms > MAX_MS)
        ms = MAX_MS;
    day = ms / MS_PER_DAY;
    rem = ms % MS_PER_DAY;
    civil_from_days(day, &y, &m, &d);
    /* YYYY-MM-DDTHH:MM:SS.mmmZ, written by hand: this runs for every event and answer */
    p = put_digits(p, y, 4);
    *p++ = '-';
    p = put_digits(p, m, 2);
    *p++ = '-';
    p = put_digits(p, d, 2);
    *p++ = 'T';
    p = put_digits(p, (int)(rem / 3600000), 2);
    *p++ = ':';
    p = put_digits(p, (int)(rem / 60000 % 60), 2);
    *p++ = ':';
    p = put_digits(p, (int)(rem / 1000 % 60), 2);
    *p++ = '.';
    p = put_digits(p, (int)(rem % 1000), 3);
    *p++ = 'Z';
    *p = '\0';
}

int ot_time_parse(int64_t *ms, const char *text, ot_error *err)
{
    if (!ms || !text)
        return ot__error_field(err, OT_EINVAL, ms ? "text" : "ms", "argument is NULL");
    if (ot__time_parse(ms, text) != 0)
        return ot__error_field(err, OT_EINVAL, "time",
                               "\"%.64s\" is not an RFC 3339 time in 1970..9999", text);
    return 0;
}

int ot_time_format(char buf[OT_TIME_SIZE], int64_t ms, ot_error *err)
{
    if (!buf)
        return ot__error_field(err, OT_EINVAL, "buf", "buffer is NULL");
    if (!ot__time_representable(ms))
        return ot__error_field(err, OT_EINVAL, "ms", "%lld is not a time in 1970..9999",
                               (long long)ms);
    ot__time_format(buf, ms);
    return 0;
}

int ot_date_to_days(int64_t *days, int64_t year, int month, int day, ot_error *err)
{
    if (!days)
        return ot__error_field(err, OT_EINVAL, "days", "output pointer is NULL");
    if (year < 0 || year > 9999)
        return ot__error_field(err, OT_EINVAL, "year", "year %lld is outside 0..9999",
                               (long long)year);
    if (month < 1 || month > 12)
        return ot__error_field(err, OT_EINVAL, "month", "month %d is outside 1..12", month);
    if (day < 1 || day > ot__days_in_month((int)year, month))
        return ot__error_field(err, OT_EINVAL, "day", "day %d is not in %04lld-%02d", day,
                               (long long)year, month);
    *days = ot__days_from_civil(year, month, day);
    return 0;
}

int ot_date_from_days(int64_t *year, int *month, int *day, int64_t days, ot_error *err)
{
    int y;
    if (!year || !month || !day)
        return ot__error_field(err, OT_EINVAL, !year ? "year" : !month ? "month" : "day",
                               "output pointer is NULL");
    if (days < MIN_DAYS || days > MAX_DAYS)
        return ot__error_field(err, OT_EINVAL, "days",
                               "day %lld is outside the years 0..9999", (long long)days);
    civil_from_days(days, &y, month, day);
    *year = y;
    return 0;
}
