/* Internal: RFC 3339 timestamps <-> int64 milliseconds since the epoch (UTC). Not installed. */
#ifndef OT_TIME_INTERNAL_H
#define OT_TIME_INTERNAL_H

#include <stdint.h>

/* "2026-11-23T06:40:01.123Z" plus NUL. */
#define OT__TIME_SIZE 25

/* Parse RFC 3339 ("...Z" or "...+05:30", fraction optional, digits past ms truncated).
 * Returns 0 and sets *ms, or -1 when the text is not a valid timestamp in years 1970..9999. */
int ot__time_parse(int64_t *ms, const char *text);

/* Partner timestamps, more lenient: RFC 3339 or ISO 8601 with or without seconds, fraction
 * or offset ("2026-01-05T10:20:30.123", "2026-01-05 10:20"), a bare date, or Shiprocket's
 * "DD MM YYYY HH:MM:SS"; a time without an offset is at `default_offset_min` minutes east of
 * UTC. Returns 0 and sets *ms, or -1. (time_partner.c) */
int ot__time_parse_partner(int64_t *ms, const char *text, int default_offset_min);

/* 1 if `ms` is a time RFC 3339 can show with four year digits (1970..9999), else 0. */
int ot__time_representable(int64_t ms);

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
int64_t ot__days_from_civil(int64_t y, int m, int d);
/* Days in month `m` (1..12) of year `y`. */
int ot__days_in_month(int y, int m);

/* Format `ms` (0 .. year 9999) as "YYYY-MM-DDTHH:MM:SS.mmmZ" into buf[OT__TIME_SIZE]. */
void ot__time_format(char buf[OT__TIME_SIZE], int64_t ms);

#endif
