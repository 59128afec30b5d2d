/* RFC 3339 UTC timestamps with milliseconds, without the C library's time_t limits. */
#include <stdio.h>

#include "sla_internal.h"

/* Year 10000-01-01T00:00:00Z in ms: the first time four year digits cannot show. */
#define MS_YEAR_10000 INT64_C(253402300800000)

int ot__sla_time_format(char *buf, size_t size, int64_t ms)
{
    int64_t days, secs, z, era, doe, yoe, y, doy, mp, d, m;
    int n;

    if (ms < 0 || ms >= MS_YEAR_10000)
        return OT_EINVAL;
    days = ms / 86400000;
    secs = (ms % 86400000) / 1000;
    /* Civil date from days since 1970-01-01 (H. Hinnant's days_from_civil inverse). */
    z = days + 719468;
    era = z / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = yoe + era * 400;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    if (m <= 2)
        y++;
    n = snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", (int)y, (int)m, (int)d,
                 (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60),
                 (int)(ms % 1000));
    return n > 0 && (size_t)n < size ? 0 : OT_EINVAL;
}
