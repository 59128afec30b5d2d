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
    static const otc_option options[] = {{"--now", "RFC3339", "the time of the report"}};
    ot_sla_times times = OT_SLA_TIMES_INIT;
    ot_sla_report report = OT_SLA_REPORT_INIT;
    const char *path = NULL, *now_text = NULL;
    ot_order *order = NULL;
    char *text, *json = NULL;
    size_t len = 0;
    int64_t now;
    ot_error err;
    int n, rc;

    if ((rc = cli_args("sla", options, 1, argc, argv, &now_text, &path, 1, &n)) != 0)
        return rc;
    if (n != 1)
        return cli_usage("sla: FILE is required");
    if (now_text) {
        if (ot_time_parse(&now, now_text, NULL) != 0)
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
