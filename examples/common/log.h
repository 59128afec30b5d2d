/* The host programs' logger: one line per entry on stderr, as text or JSON, with a level.
 * Shared by ordertrackd and ordertrack-poller; every log line of theirs goes through it.
 *
 * text: 2026-12-04T23:00:00.123Z info ordertrackd: listening on 127.0.0.1:8080 threads=4
 * json: {"time":"2026-12-04T23:00:00.123Z","level":"info","program":"ordertrackd",
 *        "msg":"listening on 127.0.0.1:8080","threads":4}
 *
 * Thread safety: an otc_log is read-only once set up; entries may be written from any
 * thread (each is one write of a whole line). A NULL logger writes text at info. */
#ifndef OT_EXAMPLES_LOG_H
#define OT_EXAMPLES_LOG_H

#include <stdio.h>

#include <jansson.h>

typedef enum otc_log_level {
    OTC_LOG_DEBUG,
    OTC_LOG_INFO,
    OTC_LOG_WARN,
    OTC_LOG_ERROR
} otc_log_level;

typedef enum otc_log_format { OTC_LOG_TEXT, OTC_LOG_JSON } otc_log_format;

typedef struct otc_log {
    const char *program;   /* borrowed, e.g. "ordertrackd" */
    otc_log_level level;   /* entries below it are dropped */
    otc_log_format format;
    FILE *out;             /* stderr */
} otc_log;

/* A text-format logger at level info for `program` (borrowed) writing to stderr. */
#define OTC_LOG_INIT(program) {program, OTC_LOG_INFO, OTC_LOG_TEXT, NULL}

/* "debug", "info", "warn", "error" into *level; 0, or -1 for any other name. */
int otc_log_level_from_string(otc_log_level *level, const char *name);

/* "text" or "json" into *format; 0, or -1 for any other name. */
int otc_log_format_from_string(otc_log_format *format, const char *name);

/* 1 when an entry at `level` would be written. */
int otc_log_enabled(const otc_log *log, otc_log_level level);

/* Write one entry: `msg` and the members of `fields` (a JSON object, consumed; NULL: none).
 * In text, fields follow the message as key=value (strings with spaces quoted). */
void otc_log_write(const otc_log *log, otc_log_level level, const char *msg, json_t *fields);

/* Write one entry whose message is formatted like printf, without fields. */
void otc_logf(const otc_log *log, otc_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
