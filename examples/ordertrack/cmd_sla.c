/* `ordertrack sla FILE [--now RFC3339]`: the SLA report of an order document. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ordertrack/ordertrack.h>

#include "cli.h"

/* Largest order document read (the API's are far smaller). */
#define MAX_DOCUMENT (64u * 1024u * 1024u)

/* Days since 1970-01-01 of a Gregorian date (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    int64_t era, yoe, doy, doe;
    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* "YYYY-MM-DDTHH:MM:SS[.fff...](Z|+HH:MM|-HH:MM)" to ms since the epoch; -1 if invalid. */
static int parse_rfc3339(int64_t *ms, const char *s)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, mo, d, h, mi, sec, n = 0, frac = 0, digits = 0, oh = 0, om = 0, sign = 1;
    const char *p;

    if (sscanf(s, "%4d-%2d-%2d%*1[Tt ]%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 ||
        n != 19 || y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
        (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))) || h > 23 ||
        mi > 59 || sec > 59)
        return -1;
    p = s + n;
    if (*p == '.') {
        for (p++; *p >= '0' && *p <= '9'; p++, digits++)
            if (digits < 3)
                frac = frac * 10 + (*p - '0');
        if (!digits)
            return -1;
        for (; digits < 3; digits++)
            frac *= 10;
    }
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        sign = *p == '-' ? -1 : 1;
        if (sscanf(p + 1, "%2d:%2d%n", &oh, &om, &n) != 2 || n != 5 || oh > 23 || om > 59)
            return -1;
        p += 6;
    } else {
        return -1;
    }
    if (*p)
        return -1;
    *ms = ((days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec) -
           sign * (oh * 3600 + om * 60)) * 1000 + frac;
    return *ms < 0 ? -1 : 0;
}

/* The whole file in a NUL-terminated buffer (free), or NULL with errno set. */
static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL, *bigger;
    size_t cap = 0, n = 0, got;
    if (!f)
        return NULL;
    do {
        if (n + 1 >= cap) {
            cap = cap ? cap * 2 : 65536;
            if (cap > MAX_DOCUMENT || !(bigger = realloc(buf, cap))) {
                free(buf);
                fclose(f);
                errno = cap > MAX_DOCUMENT ? EFBIG : ENOMEM;
                return NULL;
            }
            buf = bigger;
        }
        got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
    } while (got > 0);
    if (ferror(f)) {
        free(buf);
        fclose(f);
        errno = EIO;
        return NULL;
    }
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* A refused file: its name, the field and the library's message; exit 65. */
static int refused(const char *path, const ot_error *err)
{
    if (err->field[0])
        fprintf(stderr, "ordertrack: %s: field %s: %s\n", path, err->field, err->message);
    else
        fprintf(stderr, "ordertrack: %s: %s\n", path, err->message);
    return CLI_EXIT_DATAERR;
}

int cli_sla(int argc, char **argv)
{
    static const ot_sla_policy policy = OT_SLA_POLICY_INIT;
    ot_sla_times times = OT_SLA_TIMES_INIT;
    ot_sla_report report = OT_SLA_REPORT_INIT;
    const char *path = NULL, *now_text = NULL;
    ot_order *order = NULL;
    char *text, *json = NULL;
    size_t len = 0;
    int64_t now;
    ot_error err;
    int i, rc;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--now") == 0 || strncmp(argv[i], "--now=", 6) == 0) {
            if (argv[i][5] == '=')
                now_text = argv[i] + 6;
            else if (i + 1 < argc)
                now_text = argv[++i];
            else
                return cli_usage("sla: --now needs a value");
        } else if (strncmp(argv[i], "--", 2) == 0 && argv[i][2] != '\0') {
            return cli_usage("sla: unknown option");
        } else if (!path) {
            path = argv[i];
        } else {
            return cli_usage("sla: one FILE only");
        }
    }
    if (!path)
        return cli_usage("sla: FILE is required");
    if (now_text) {
        if (parse_rfc3339(&now, now_text) != 0)
            return cli_usage("sla: --now must be an RFC 3339 time (2026-11-23T06:40:00Z)");
    } else {
        now = (int64_t)time(NULL) * 1000;
    }

    text = read_file(path, &len);
    if (!text) {
        fprintf(stderr, "ordertrack: %s: cannot read: %s\n", path, strerror(errno));
        return CLI_EXIT_DATAERR;
    }
    ot_error_clear(&err);
    rc = ot_order_from_json(&order, text, len, &err);
    free(text);
    if (rc)
        return refused(path, &err);
    rc = ot_sla_times_from_order(&times, order, &err);
    if (!rc)
        rc = ot_sla_evaluate_policy(&report, &policy, &times, now, &err);
    if (!rc)
        rc = ot_sla_report_to_json(&json, NULL, &report, &err);
    ot_order_free(order);
    if (rc)
        return refused(path, &err);
    puts(json);
    ot_free(json);
    return CLI_EXIT_OK;
}
