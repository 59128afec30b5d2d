/**
 * @file timestamp.h
 * @brief RFC 3339 timestamps, as the library writes and reads them.
 *
 * The wire form is UTC with milliseconds ("2026-11-23T06:40:01.123Z"); input may omit the
 * milliseconds or carry an offset. In C a time is int64_t milliseconds since the epoch (UTC),
 * years 1970..9999. Pure functions, thread-safe, no allocation.
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

OT_END_DECLS

#endif /* ORDERTRACK_TIMESTAMP_H */
