/* The host programs' logger: level filter, text or JSON line, one write per entry. */
#include "log.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const level_names[] = {"debug", "info", "warn", "error"};
static const char *const format_names[] = {"text", "json"};

/* What a NULL logger means: text at info on stderr. */
static const otc_log fallback = OTC_LOG_INIT("ordertrack");

static int index_of(const char *const *names, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0)
            return (int)i;
    return -1;
}

int otc_log_level_from_string(otc_log_level *level, const char *name)
{
    int i = index_of(level_names, sizeof level_names / sizeof level_names[0], name);

    if (i < 0)
        return -1;
    *level = (otc_log_level)i;
    return 0;
}

int otc_log_format_from_string(otc_log_format *format, const char *name)
{
    int i = index_of(format_names, sizeof format_names / sizeof format_names[0], name);

    if (i < 0)
        return -1;
    *format = (otc_log_format)i;
    return 0;
}

int otc_log_enabled(const otc_log *log, otc_log_level level)
{
    return level >= (log ? log : &fallback)->level;
}

/* UTC with milliseconds: 2026-12-04T23:00:00.123Z */
static void now_utc(char *buf, size_t size)
{
    struct timespec now;
    struct tm tm;

    clock_gettime(CLOCK_REALTIME, &now);
    gmtime_r(&now.tv_sec, &tm);
    strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf + strlen(buf), size - strlen(buf), ".%03uZ",
             (unsigned)(now.tv_nsec / 1000000) % 1000u);
}

/* 1 when s can stand bare in a text line: no control character (one entry, one line) and,
 * with `value`, non-empty, without a space, quote, backslash or '='. */
static int plain(const char *s, int value)
{
    if (value && (!s[0] || strpbrk(s, " \"=\\")))
        return 0;
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return 0;
    return 1;
}

/* " key=value" for each field but nulls; a string with a space, quote, '=' or a control
 * character, and any non-string, is written as JSON. */
static char *text_fields(json_t *fields)
{
    size_t len = 0, cap = 0;
    char *out = NULL, *value, *grown;
    const char *key;
    json_t *v;

    json_object_foreach(fields, key, v) {
        const char *s = json_is_string(v) ? json_string_value(v) : NULL;
        if (json_is_null(v))
            continue;    /* absent */
        value = s && plain(s, 1) ? strdup(s)
                                 : json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT |
                                                     JSON_REAL_PRECISION(6));
        if (!value)
            continue;
        size_t need = len + strlen(key) + strlen(value) + 3;
        if (need > cap) {
            cap = need * 2;
            if (!(grown = realloc(out, cap))) {
                free(value);
                break;
            }
            out = grown;
        }
        len += (size_t)sprintf(out + len, " %s=%s", key, value);
        free(value);
    }
    return out;
}

void otc_log_write(const otc_log *log, otc_log_level level, const char *msg, json_t *fields)
{
    FILE *out;
    char ts[40], *line = NULL, *extra;
    json_t *entry;

    if (!log)
        log = &fallback;
    if (!otc_log_enabled(log, level)) {
        json_decref(fields);
        return;
    }
    out = log->out ? log->out : stderr;
    now_utc(ts, sizeof ts);
    if (log->format == OTC_LOG_JSON) {
        entry = json_pack("{ss ss ss ss}", "time", ts, "level", level_names[level], "program",
                          log->program, "msg", msg);
        /* a message that is not UTF-8 cannot be a JSON string */
        if (!entry)
            entry = json_pack("{ss ss ss sn}", "time", ts, "level", level_names[level],
                              "program", log->program, "msg");
        if (entry && fields)
            json_object_update_missing(entry, fields);
        line = entry ? json_dumps(entry, JSON_COMPACT | JSON_PRESERVE_ORDER |
                                             JSON_REAL_PRECISION(6))
                     : NULL;
        json_decref(entry);
        if (line)
            fprintf(out, "%s\n", line);
        free(line);
    } else {
        json_t *quoted = plain(msg, 0) ? NULL : json_string(msg);
        char *shown = quoted ? json_dumps(quoted, JSON_ENCODE_ANY) : NULL;
        extra = fields ? text_fields(fields) : NULL;
        fprintf(out, "%s %s %s: %s%s\n", ts, level_names[level], log->program,
                shown ? shown : msg, extra ? extra : "");
        free(extra);
        free(shown);
        json_decref(quoted);
    }
    json_decref(fields);
}

void otc_logf(const otc_log *log, otc_log_level level, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;

    if (!otc_log_enabled(log, level))
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    otc_log_write(log, level, msg, NULL);
}
