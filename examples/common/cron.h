/* Five-field cron expressions (minute hour day-of-month month day-of-week), evaluated in UTC.
 * Shared by the host programs (ordertrack-poller schedules, ordertrackd housekeeping). */
#ifndef OT_EXAMPLES_CRON_H
#define OT_EXAMPLES_CRON_H

#include <stddef.h>
#include <stdint.h>

/* A parsed expression: one bit per allowed value of each field. Plain data, no allocation. */
typedef struct cron_expr {
    uint64_t minutes;   /* bit m for minute 0..59 */
    uint32_t hours;     /* bit h for hour 0..23 */
    uint32_t days;      /* bit d for day of month 1..31 */
    uint16_t months;    /* bit m for month 1..12 */
    uint8_t weekdays;   /* bit w for weekday 0..6, Sunday = 0 (7 is accepted as Sunday) */
    unsigned char days_star;     /* day-of-month field began with "*" */
    unsigned char weekdays_star; /* day-of-week field began with "*" */
} cron_expr;

/* Parse `text`. Fields: `*`, numbers, ranges `a-b`, steps `*\/n` and `a-b/n` and `a/n`, lists
 * `a,b-c`; months `jan`..`dec` and weekdays `sun`..`sat` by name (any case). As in Vixie cron,
 * when both day fields are restricted a time matches if either matches.
 * Returns 0, or -1 with a message naming the field in `errbuf` (if not NULL). */
int cron_parse(cron_expr *out, const char *text, char *errbuf, size_t errlen);

/* Does `t` (seconds since the epoch, UTC; seconds ignored) match? 1 or 0. */
int cron_matches(const cron_expr *expr, int64_t t);

/* The first matching minute strictly after `after` (seconds since the epoch, UTC), in *next.
 * Returns 0, or -1 when the expression never fires (e.g. "0 0 31 2 *"). */
int cron_next(const cron_expr *expr, int64_t after, int64_t *next);

#endif
