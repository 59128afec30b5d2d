/* `ordertrack reconcile STORAGE_URI [--export FILE] [--now T] [--repair] [--metrics-file F]`:
 * data inconsistencies, each printed as a finding line and an "ALERT data_inconsistency"
 * line on stderr (the programs' alert form, as ordertrackd's integrity_error), counted by
 * class in a Prometheus text file when asked (a node_exporter textfile collector reads it).
 * Classes (docs/operations.md, "Reconcile"):
 *   stuck            a non-terminal order with an SLA stage breached at --now (default
 *                    policy: a budget run over);
 *   status_mismatch  lifecycle and shipment status disagree: the shipment is terminal and
 *                    the order is not, or the order is terminal and its shipment still moves;
 *   missing_here     in the order-service export, not in this store;
 *   missing_there    in this store, not in the export (only with --export);
 *   status_differs   in both, with another lifecycle status in the export.
 * --repair fixes only status_mismatch with a terminal shipment: the lifecycle status the
 * shipment implies is applied through the tracker as a courier update (the tracker's own
 * rules decide: a refused step stays a finding). The other classes need a person. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <ordertrack/ordertrack.h>
#include <ordertrack/sys/storage.h>

#include "cli.h"

enum finding_class { F_STUCK, F_MISMATCH, F_MISSING_HERE, F_MISSING_THERE, F_DIFFERS, F_COUNT };
static const char *const class_names[F_COUNT] = {
    [F_STUCK] = "stuck",
    [F_MISMATCH] = "status_mismatch",
    [F_MISSING_HERE] = "missing_here",
    [F_MISSING_THERE] = "missing_there",
    [F_DIFFERS] = "status_differs",
};

/* The export: order id -> status, as a sorted array (binary search), `seen` marked while the
 * store is walked. Memory: the export's ids (the store is streamed). */
struct entry {
    char *order_id, *store_id;
    int status;
    int seen;
};

struct rec {
    struct entry *entries;
    size_t n;
    int have_export, repair;
    int64_t now;
    ot_tracker *tracker;
    unsigned long long orders, counts[F_COUNT], repaired;
};

static void finding(struct rec *r, int cls, const char *order_id, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void finding(struct rec *r, int cls, const char *order_id, const char *fmt, ...)
{
    char detail[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    r->counts[cls]++;
    printf("finding: %s: order %s: %s\n", class_names[cls], order_id, detail);
    fprintf(stderr, "ALERT data_inconsistency: %s: order %s: %s\n", class_names[cls], order_id,
            detail);
}

static int entry_cmp(const void *a, const void *b)
{
    return strcmp(((const struct entry *)a)->order_id, ((const struct entry *)b)->order_id);
}

static struct entry *entry_find(struct rec *r, const char *order_id)
{
    struct entry key = {(char *)order_id, NULL, 0, 0};
    return r->n ? bsearch(&key, r->entries, r->n, sizeof key, entry_cmp) : NULL;
}

/* Read the JSON Lines export: {"order_id", "store_id", "status"} per line. 0, or
 * CLI_EXIT_DATAERR after a message naming the line. */
static int export_load(struct rec *r, const char *path)
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0, lineno = 0, capn = 0;
    ssize_t len;
    if (!f) {
        fprintf(stderr, "ordertrack reconcile: %s: %s\n", path, strerror(errno));
        return CLI_EXIT_DATAERR;
    }
    while ((len = getline(&line, &cap, f)) >= 0) {
        json_error_t je;
        json_t *doc;
        const char *id = NULL, *store = NULL, *status = NULL;
        ot_status st;
        lineno++;
        if (len <= 1 && (len == 0 || line[0] == '\n'))
            continue;
        doc = json_loadb(line, (size_t)len, 0, &je);
        if (!doc || json_unpack(doc, "{s:s, s:s, s:s}", "order_id", &id, "store_id", &store,
                                "status", &status) != 0 ||
            ot_status_from_string(&st, status, NULL) != 0) {
            fprintf(stderr, "ordertrack reconcile: %s line %zu: want {\"order_id\", "
                            "\"store_id\", \"status\"} with a lifecycle status\n",
                    path, lineno);
            json_decref(doc);
            free(line);
            fclose(f);
            return CLI_EXIT_DATAERR;
        }
        if (r->n == capn) {
            capn = capn ? capn * 2 : 1024;
            r->entries = realloc(r->entries, capn * sizeof *r->entries);
        }
        r->entries[r->n].order_id = strdup(id);
        r->entries[r->n].store_id = strdup(store);
        r->entries[r->n].status = st;
        r->entries[r->n].seen = 0;
        r->n++;
        json_decref(doc);
    }
    free(line);
    fclose(f);
    qsort(r->entries, r->n, sizeof *r->entries, entry_cmp);
    r->have_export = 1;
    return 0;
}

/* --repair of a terminal shipment: the lifecycle it implies, as a courier update. */
static void repair_mismatch(struct rec *r, const ot_order *o, int implied)
{
    ot_update u = OT_UPDATE_INIT;
    char event[256];
    ot_error e;
    snprintf(event, sizeof event, "reconcile/%s/%lld", ot_order_order_id(o),
             (long long)ot_order_version(o));
    u.provider = ot_order_provider(o);
    u.order_id = ot_order_order_id(o);
    u.tracking_id = ot_order_tracking_id(o);
    u.event_id = event;
    u.raw_status = "reconcile";
    u.status = implied;
    u.shipment_status = ot_order_shipment_status(o);
    u.event_time_ms = r->now;
    u.notes = "ordertrack reconcile --repair: lifecycle brought in line with the shipment";
    if (ot_tracker_apply_update(NULL, r->tracker, &u, NULL, &e) == 0) {
        r->repaired++;
        printf("repaired: order %s\n", ot_order_order_id(o));
    } else {
        printf("not repaired: order %s: %s\n", ot_order_order_id(o), e.message);
    }
}

static int check_order(void *ctx, ot_order *o, ot_error *err)
{
    static const ot_sla_policy policy = OT_SLA_POLICY_INIT;
    struct rec *r = ctx;
    const char *id = ot_order_order_id(o), *a = "?", *b = "?";
    int status = ot_order_status(o), shipment = ot_order_shipment_status(o);
    int terminal = ot_status_is_terminal(status, NULL) == 1;
    ot_sla_times times = OT_SLA_TIMES_INIT;
    ot_sla_report report = OT_SLA_REPORT_INIT;
    ot_status implied = OT_STATUS_UNKNOWN;
    struct entry *x;
    (void)err;

    r->orders++;
    if (!terminal && ot_sla_times_from_order(&times, o, NULL) == 0 &&
        ot_sla_evaluate_policy(&report, &policy, &times, r->now, NULL) == 0 &&
        report.state == OT_SLA_STATE_BREACHED) {
        for (unsigned s = 1; s < OT_SLA_STAGE_COUNT; s++)
            if (report.stages[s].applies && report.stages[s].state == OT_SLA_STATE_BREACHED) {
                ot_sla_stage_to_string(&a, (int)s, NULL);
                break;
            }
        ot_status_to_string(&b, status, NULL);
        finding(r, F_STUCK, id, "%s for longer than its SLA budget (stage %s breached)", b, a);
    }
    if (shipment) {
        int ship_terminal = ot_shipment_is_terminal(shipment, NULL) == 1;
        ot_shipment_to_status(&implied, shipment, NULL);
        ot_status_to_string(&a, status, NULL);
        ot_shipment_to_string(&b, shipment, NULL);
        if (ship_terminal != terminal) {
            finding(r, F_MISMATCH, id, "lifecycle %s but shipment %s", a, b);
            if (r->repair && ship_terminal && implied != OT_STATUS_UNKNOWN)
                repair_mismatch(r, o, implied);
        }
    }
    if (r->have_export) {
        if (!(x = entry_find(r, id))) {
            finding(r, F_MISSING_THERE, id, "not in the order-service export");
        } else {
            x->seen = 1;
            if (x->status != status) {
                ot_status_to_string(&a, status, NULL);
                ot_status_to_string(&b, x->status, NULL);
                finding(r, F_DIFFERS, id, "%s here, %s in the export", a, b);
            }
        }
    }
    ot_order_free(o);
    return 0;
}

static int write_metrics(const struct rec *r, const char *path)
{
    char tmp[4096];
    FILE *f;
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    if (!(f = fopen(tmp, "w")))
        return -1;
    fprintf(f, "# HELP ordertrack_reconcile_findings Data inconsistencies found by the last "
               "ordertrack reconcile, by class.\n# TYPE ordertrack_reconcile_findings gauge\n");
    for (int c = 0; c < F_COUNT; c++)
        fprintf(f, "ordertrack_reconcile_findings{class=\"%s\"} %llu\n", class_names[c],
                r->counts[c]);
    fprintf(f, "# HELP ordertrack_reconcile_orders Orders examined by the last reconcile.\n"
               "# TYPE ordertrack_reconcile_orders gauge\nordertrack_reconcile_orders %llu\n"
               "# HELP ordertrack_reconcile_repaired Findings repaired by the last reconcile.\n"
               "# TYPE ordertrack_reconcile_repaired gauge\nordertrack_reconcile_repaired %llu\n"
               "# HELP ordertrack_reconcile_last_run_seconds When the last reconcile ended.\n"
               "# TYPE ordertrack_reconcile_last_run_seconds gauge\n"
               "ordertrack_reconcile_last_run_seconds %lld\n",
            r->orders, r->repaired, (long long)time(NULL));
    if (fclose(f) != 0)
        return -1;
    return rename(tmp, path);
}

int cli_reconcile(int argc, char **argv)
{
    static const otc_option options[] = {
        {"--export", "FILE", "the order service's export (JSON Lines: order_id, store_id, "
                             "status)"},
        {"--now", "RFC3339", "the time SLA budgets are judged at (default: now)"},
        {"--repair", NULL, "repair the safe cases (a terminal shipment's lifecycle)"},
        {"--metrics-file", "FILE", "write the counts by class as Prometheus text"},
        {"--page", "N", "orders read per storage query (1..1000, default 500)"},
    };
    const char *values[5] = {NULL, NULL, NULL, NULL, NULL}, *uri = NULL;
    ot_storage_query q = OT_STORAGE_QUERY_INIT;
    char cursor[OT_STORAGE_CURSOR_SIZE] = "", next[OT_STORAGE_CURSOR_SIZE];
    ot_tracker_options to = OT_TRACKER_OPTIONS_INIT;
    ot_storage *storage = NULL;
    struct rec r;
    unsigned long long total = 0;
    size_t page = 500, i;
    ot_error err;
    int n, rc;

    memset(&r, 0, sizeof r);
    if ((rc = cli_args("reconcile", options, 5, argc, argv, values, &uri, 1, &n)) != 0)
        return rc;
    r.repair = values[2] != NULL;
    if (n != 1)
        return cli_usage("reconcile: STORAGE_URI is required");
    if ((rc = cli_count_arg(&page, "reconcile", "--page", values[4], OT_STORAGE_QUERY_MAX)))
        return rc;
    if (values[1] && ot_time_parse(&r.now, values[1], NULL) != 0)
        return cli_usage("reconcile: --now must be an RFC 3339 time (2026-11-23T06:40:00Z)");
    if (!values[1])
        r.now = (int64_t)time(NULL) * 1000;
    if (values[0] && (rc = export_load(&r, values[0])) != 0)
        goto out;
    if ((rc = cli_open_storage(&storage, "reconcile", uri)) != 0)
        goto out;
    to.storage = storage;
    if (ot_tracker_new(&r.tracker, &to, &err) != 0) {
        fprintf(stderr, "ordertrack reconcile: %s\n", err.message);
        rc = OTC_EXIT_FAILURE;
        goto out;
    }
    q.limit = page;
    do {
        q.cursor = cursor;
        if (storage->query(storage->userdata, &q, check_order, &r, next, sizeof next, &err)) {
            fprintf(stderr, "ordertrack reconcile: reading the store after %llu orders: %s\n",
                    r.orders, err.message);
            rc = OTC_EXIT_FAILURE;
            goto out;
        }
        memcpy(cursor, next, sizeof cursor);
    } while (cursor[0]);
    for (i = 0; i < r.n; i++)
        if (!r.entries[i].seen)
            finding(&r, F_MISSING_HERE, r.entries[i].order_id,
                    "in the order-service export (store %s), not in this store",
                    r.entries[i].store_id);
    for (int c = 0; c < F_COUNT; c++)
        total += r.counts[c];
    printf("reconciled %llu orders: %llu findings (", r.orders, total);
    for (int c = 0; c < F_COUNT; c++)
        printf("%s%s %llu", c ? ", " : "", class_names[c], r.counts[c]);
    printf("), %llu repaired\n", r.repaired);
    if (values[3] && write_metrics(&r, values[3]) != 0) {
        fprintf(stderr, "ordertrack reconcile: --metrics-file %s: %s\n", values[3],
                strerror(errno));
        rc = OTC_EXIT_FAILURE;
        goto out;
    }
    rc = total > r.repaired ? OTC_EXIT_FINDINGS : OTC_EXIT_OK;
out:
    ot_tracker_free(r.tracker);
    ot_storage_close(storage);
    for (i = 0; i < r.n; i++) {
        free(r.entries[i].order_id);
        free(r.entries[i].store_id);
    }
    free(r.entries);
    return rc;
}
