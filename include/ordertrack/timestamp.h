/**
 * @file timestamp.h
 * @brief RFC 3339 timestamps, as the library writes and reads them, and civil dates.
 *
 * The wire form is UTC with milliseconds ("2026-11-23T06:40:01.123Z"); input may omit the
 * milliseconds or carry an offset. In C a time is int64_t milliseconds since the epoch (UTC),
 * years 1970..9999. A civil date (proleptic Gregorian, years 0..9999) converts to and from
 * days since 1970-01-01, for hosts doing calendar arithmetic (a cron schedule). Pure
 * functions, thread-safe, no allocation.
 */
#ifndef ORDERTRACK_TIMESTAMP_H
#define ORDERTRACK_TIMESTAMP_H

#include <stdint.h>

#include "export.h"
#include "error.h"

/** Size of the buffer ot_time_format writes, NUL included. */
#define OT_TIME_SIZE 25

OT_BEGIN_DECLS

/**
 * Parse an RFC 3339 timestamp into `*ms`; OT_EINVAL naming the text if it is not one.
 * @param ms receives the time, ms since the epoch
 * @param text the RFC 3339 timestamp
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_time_parse(int64_t *ms, const char *text, ot_error *err);

/**
 * Format `ms` as "YYYY-MM-DDTHH:MM:SS.mmmZ" into `buf` (OT_TIME_SIZE bytes); OT_EINVAL for a
 *  time outside 1970..9999 or a NULL buffer.
 * @param buf receives the NUL-terminated text (OT_TIME_SIZE bytes)
 * @param ms the time, ms since the epoch
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_time_format(char buf[OT_TIME_SIZE], int64_t ms, ot_error *err);

/**
 * Days since 1970-01-01 (negative before it) of the date `year`-`month`-`day` into `*days`.
 * @param days receives the day number
 * @param year the year, 0..9999
 * @param month the month, 1..12
 * @param day the day of the month
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, or OT_EINVAL naming the field for a year outside 0..9999, a month outside
 *         1..12 or a day not in that month
 */
OT_EXTERN int ot_date_to_days(int64_t *days, int64_t year, int month, int day, ot_error *err);

/**
 * The date of day `days` since 1970-01-01.
 * @param year receives the year
 * @param month receives the month, 1..12
 * @param day receives the day of the month
 * @param days the day number (negative before 1970-01-01)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, or OT_EINVAL for a day outside the years 0..9999 or a NULL output
 */
OT_EXTERN int ot_date_from_days(int64_t *year, int *month, int *day, int64_t days,
                                ot_error *err);

OT_END_DECLS

#endif /* ORDERTRACK_TIMESTAMP_H */
