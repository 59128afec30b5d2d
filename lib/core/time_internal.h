/* Internal: RFC 3339 timestamps <-> int64 milliseconds since the epoch (UTC). Not installed. */
#ifndef OT_TIME_INTERNAL_H
#define OT_TIME_INTERNAL_H

#include <stdint.h>

/* "2026-11-23T06:40:01.123Z" plus NUL. */
#define OT__TIME_SIZE 25

/* Parse RFC 3339 ("...Z" or "...+05:30", fraction optional, digits past ms truncated).
 * Returns 0 and sets *ms, or -1 when the text is not a valid timestamp in years 1970..9999. */
int ot__time_parse(int64_t *ms, const char *text);

/* Format `ms` (0 .. year 9999) as "YYYY-MM-DDTHH:MM:SS.mmmZ" into buf[OT__TIME_SIZE]. */
void ot__time_format(char buf[OT__TIME_SIZE], int64_t ms);

#endif
