/* Reconcile (reconcile.h, docs/operations.md "Reconcile"): the walk over the store a page at
 * a time, the per-order classes, the order-service export, and the reporting of a finding
 * (counted, marked once in the order, alerted, handed to the caller). The courier class is
 * in reconcile_courier.c. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "common.h"
#include "alerts/alerts_internal.h"
#include "base/utf8_internal.h"
#include "metrics/metrics_internal.h"
#include "ops/reconcile_internal.h"
#include "poll/poll_internal.h"
#include "rules/vocab_internal.h"
#include "tracker/tracker_internal.h"
#include "ordertrack/alerts.h"
#include "ordertrack/sla.h"
#include "ordertrack/status.h"

static const char *const class_names[OT_RECONCILE_CLASS_COUNT] = {
    [OT_RECONCILE_STUCK] = "stuck",
    [OT_RECONCILE_STATUS_MISMATCH] = "status_mismatch",
    [OT_RECONCILE_MISSING_HERE] = "missing_here",
    [OT_RECONCILE_MISSING_THERE] = "missing_there",
    [OT_RECONCILE_STATUS_DIFFERS] = "status_differs",
    [OT_RECONCILE_COURIER_DIFFERS] = "courier_differs",
};
const struct ot__vocab ot__reconcile_class_vocab = {"reconcile class", class_names,
                                                    OT_RECONCILE_CLASS_COUNT};

/* The issue a finding is recorded as with options.once; its description starts "<class>: ". */
#define ISSUE_TYPE "data_inconsistency"
#define PAGE_DEFAULT 500
/* Longest export line read, and the most entries an export may hold. */
#define EXPORT_LINE_MAX 4096
#define EXPORT_MAX 50000000u

int ot_reconcile_class_to_string(const char **name, int finding_class, ot_error *err)
{
    return ot__vocab_name(&ot__reconcile_class_vocab, name, finding_class, err);
}

int ot_reconcile_options_init(ot_reconcile_options *options, unsigned version, ot_error *err)
{
    static const ot_reconcile_options tpl = OT_RECONCILE_OPTIONS_INIT;
    return ot__struct_init(options, version, &tpl, sizeof tpl, "options", "reconcile options",
                           err);
}

int ot_reconcile_summary_init(ot_reconcile_summary *summary, unsigned version, ot_error *err)
{
    static const ot_reconcile_summary tpl = OT_RECONCILE_SUMMARY_INIT;
    return ot__struct_init(summary, version, &tpl, sizeof tpl, "summary", "reconcile summary",
                           err);
}

/* ---- the order-service export: order id -> store and status, sorted, `seen` marked while
 * the store is walked. Memory: the export's entries (the store is streamed). */

struct xentry {
    char *order_id, *store_id;
    int status;
    int seen;
};

struct ot__reconcile_export {
    struct xentry *entries;
    size_t n, cap;
};

static void export_free(struct ot__reconcile_export *x)
{
    size_t i;
    if (!x)
        return;
    for (i = 0; i < x->n; i++) {
        ot__free(x->entries[i].order_id);
        ot__free(x->entries[i].store_id);
    }
    ot__free(x->entries);
    ot__free(x);
}

static int xentry_cmp(const void *a, const void *b)
{
    return strcmp(((const struct xentry *)a)->order_id, ((const struct xentry *)b)->order_id);
}

static struct xentry *export_find(struct ot__reconcile_export *x, const char *order_id)
{
    struct xentry key = {(char *)order_id, NULL, 0, 0};
    return x->n ? bsearch(&key, x->entries, x->n, sizeof key, xentry_cmp) : NULL;
}

/* One line {"order_id", "store_id", "status"} into the export; 0 or the error. */
static int export_line(struct ot__reconcile_export *x, const char *path, size_t lineno,
                       const char *line, size_t len, ot_error *err)
{
    const char *id = NULL, *store = NULL, *status = NULL;
    struct xentry *e;
    json_t *doc;
    ot_status st;
    int rc = 0;

    doc = json_loadb(line, len, 0, NULL);
    if (!doc || json_unpack(doc, "{s:s, s:s, s:s}", "order_id", &id, "store_id", &store,
                            "status", &status) != 0 ||
        !*id || ot_status_from_string(&st, status, NULL) != 0) {
        json_decref(doc);
        return ot__error_field(err, OT_EPARSE, "export_path",
                               "%.200s line %zu: want {\"order_id\", \"store_id\", "
                               "\"status\"} with a lifecycle status", path, lineno);
    }
    if (x->n == x->cap) {
        size_t cap = x->cap ? x->cap * 2 : 1024;
        struct xentry *grown = x->n >= EXPORT_MAX ? NULL
                                                  : ot__realloc(x->entries, cap * sizeof *grown);
        if (!grown) {
            rc = x->n >= EXPORT_MAX
                     ? ot__error_field(err, OT_ELIMIT, "export_path",
                                       "%.200s holds more than %u orders", path, EXPORT_MAX)
                     : ot__error_set(err, OT_ENOMEM, "out of memory reading the export");
            goto out;
        }
        x->entries = grown;
        x->cap = cap;
    }
    e = &x->entries[x->n];
    e->order_id = ot__strdup(id);
    e->store_id = ot__strdup(store);
    e->status = st;
    e->seen = 0;
    x->n++;
    if (!e->order_id || !e->store_id)
        rc = ot__error_set(err, OT_ENOMEM, "out of memory reading the export");
out:
    json_decref(doc);
    return rc;
}

static int export_load(struct ot__reconcile_export **out, const char *path, ot_error *err)
{
    struct ot__reconcile_export *x = ot__calloc(1, sizeof *x);
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    ssize_t len;
    FILE *f;
    int rc = 0;

    if (!x)
        return ot__error_set(err, OT_ENOMEM, "out of memory reading the export");
    if (!(f = fopen(path, "re"))) {
        rc = ot__error_field(err, OT_EIO, "export_path", "%.200s: %s", path, strerror(errno));
        export_free(x);
        return rc;
    }
    while (rc == 0 && (len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        if (len == 0 || (len == 1 && line[0] == '\n'))
            continue;
        rc = (size_t)len > EXPORT_LINE_MAX
                 ? ot__error_field(err, OT_EPARSE, "export_path",
                                   "%.200s line %zu is longer than %d bytes", path, lineno,
                                   EXPORT_LINE_MAX)
                 : export_line(x, path, lineno, line, (size_t)len, err);
    }
    if (rc == 0 && ferror(f))
        rc = ot__error_field(err, OT_EIO, "export_path", "%.200s: read error", path);
    free(line);     /* getline's buffer comes from the C library */
    fclose(f);
    if (rc) {
        export_free(x);
        return rc;
    }
    qsort(x->entries, x->n, sizeof *x->entries, xentry_cmp);
    *out = x;
    return 0;
}

/* ---- reporting */

void ot__reconcile_clip(char *dst, size_t size, const char *src)
{
    size_t n = 0, k;
    /* whole sequences only, control characters as spaces: text for an issue and an alert */
    while (src[n] && (k = ot__utf8_decode((const unsigned char *)src + n, strlen(src + n),
                                          NULL)) > 0 && n + k < size) {
        memcpy(dst + n, src + n, k);
        if (k == 1 && (unsigned char)dst[n] < 0x20)
            dst[n] = ' ';
        n += k;
    }
    dst[n] = '\0';
}

void ot__reconcile_note(struct ot__reconcile *r, const ot_error *e)
{
    if (r->sum->first_failure.code == 0 && e && e->code)
        r->sum->first_failure = *e;
}

/* 1 if `o` holds an open data_inconsistency issue of `cls`. */
static int issue_open(const ot_order *o, int cls)
{
    size_t i = ot_order_issue_count(o), k = strlen(class_names[cls]);
    while (i-- > 0) {
        ot_issue_view v = OT_ISSUE_VIEW_INIT;
        if (ot_order_issue_at(&v, o, i, NULL) == 0 && !v.resolved_at_ms && v.issue_type &&
            strcmp(v.issue_type, ISSUE_TYPE) == 0 && v.description &&
            strncmp(v.description, class_names[cls], k) == 0 && v.description[k] == ':')
            return 1;
    }
    return 0;
}

struct mark {
    int cls;
    const char *text;   /* "<class>: <detail>" */
};

/* The once-only record: an open issue, raised unless the reloaded order holds one. */
static int build_mark(struct ot__write *w, ot_order *o, ot_error *err)
{
    const struct mark *m = w->ctx;
    json_t *data;
    if (issue_open(o, m->cls)) {
        w->result = OT_ESTALE;  /* recorded already (another instance, an earlier run) */
        return 0;
    }
    if (ot_order_issue_count(o) >= w->tracker->options.max_issues)
        return ot__error_field(err, OT_ELIMIT, "issues", "order %.64s has %zu issues (at most "
                               "%u)", ot_order_order_id(o), ot_order_issue_count(o),
                               w->tracker->options.max_issues);
    data = json_pack("{s:s, s:s, s:s}", "issue_type", ISSUE_TYPE, "description", m->text,
                     "severity", "high");
    if (!data)
        return ot__error_set(err, OT_ENOMEM, "out of memory building an event");
    w->result = 0;
    return ot__append(w, o, OT__EV_ISSUE_RAISED, ot_order_status(o), data, err);
}

/* Record the finding in its order: 1 newly recorded, 0 recorded before (or the order is
 * gone, or the write lost every retry: the next run tries again), or a stopping error. */
static int mark_order(struct ot__reconcile *r, const char *order_id, int cls, const char *text,
                      ot_error *err)
{
    ot_request req = OT_REQUEST_INIT;
    const ot_request *request = &req;
    ot_tracker *tracker = r->tracker;
    struct ot__write w = OT__WRITE("reconcile", build_mark);
    struct mark m = {cls, text};
    ot_error e;
    int rc;

    req.order_id = order_id;
    req.updated_by = "reconcile";
    w.ctx = &m;
    w.bookkeeping = 1;
    rc = ot__tracker_write(&w, NULL, &e);
    if (rc == 0)
        return w.result == 0;
    if (rc == OT_ESTALE || rc == OT_ENOTFOUND || rc == OT_ECONFLICT || rc == OT_ELIMIT) {
        if (rc != OT_ESTALE)
            ot__reconcile_note(r, &e);
        return 0;
    }
    if (err)
        *err = e;
    return rc;
}

int ot__reconcile_report(struct ot__reconcile *r, int cls, const char *order_id,
                         const char *store_id, const char *courier, const char *awb,
                         int repaired, const char *detail, ot_error *err)
{
    const ot_reconcile_options *o = r->opts;
    ot_reconcile_finding f = OT_RECONCILE_FINDING_INIT;
    char text[OT__ALERT_STRING_MAX], raw[OT__ALERT_STRING_MAX];
    int fresh = !repaired;

    r->sum->findings[cls]++;
    r->sum->total++;
    if (repaired)
        r->sum->repaired++;
    if (o->metrics)
        ot__metrics_count_reconcile(o->metrics, cls, NULL);
    snprintf(raw, sizeof raw, "%s: %s", class_names[cls], detail);
    ot__reconcile_clip(text, sizeof text, raw);
    if (!repaired && o->once) {
        /* no order holds the mark of an order missing here: not alerted, only reported */
        fresh = cls == OT_RECONCILE_MISSING_HERE ? 0 : mark_order(r, order_id, cls, text, err);
        if (fresh < 0)
            return fresh;
        f.noted = cls != OT_RECONCILE_MISSING_HERE && !fresh;
    }
    f.alert = fresh;
    if (fresh)
        r->sum->alerts++;
    if (fresh && o->alerts) {
        ot_alert a = OT_ALERT_INIT;
        ot_error e;
        a.kind = OT_ALERT_DATA_INCONSISTENCY;
        a.order_id = order_id;
        a.store_id = store_id;
        a.courier = courier;
        a.awb = awb;
        a.time_ms = r->now;
        a.detail = text;
        if (ot_alerts_push(o->alerts, &a, &e) != 0)
            ot__reconcile_note(r, &e);
    }
    if (o->on_finding) {
        f.finding_class = cls;
        f.order_id = order_id;
        f.store_id = store_id;
        f.courier = courier;
        f.awb = awb;
        f.detail = detail;
        f.repaired = repaired;
        o->on_finding(o->userdata, &f);
    }
    return 0;
}

/* ---- the per-order classes */

/* --repair of a terminal shipment: the lifecycle status it implies, set as an operator would
 * (the tracker's graph decides: a refused step stays a finding). 1 repaired, 0 not (the
 * reason noted). */
static int repair_mismatch(struct ot__reconcile *r, const ot_order *o, int implied)
{
    ot_request req = OT_REQUEST_INIT;
    ot_error e;
    req.order_id = ot_order_order_id(o);
    req.status = implied;
    req.updated_by = "reconcile";
    req.notes = "reconcile repair: lifecycle brought in line with the shipment";
    req.expected_version = ot_order_version(o);
    if (ot_tracker_set_status(NULL, r->tracker, &req, &e) == 0)
        return 1;
    if (e.code == OT_ECONFLICT) {   /* another instance's run may have repaired it first */
        ot_order *now = NULL;
        int done = ot_tracker_get(&now, r->tracker, req.order_id, NULL) == 0 &&
                   ot_order_status(now) == implied;
        ot_order_free(now);
        if (done)
            return 1;
    }
    ot__reconcile_note(r, &e);
    return 0;
}

static const char *status_name(int status)
{
    const char *s = "unknown";
    ot_status_to_string(&s, status, NULL);
    return s;
}

static int check_order(struct ot__reconcile *r, const ot_order *o, ot_error *err)
{
    const char *id = ot_order_order_id(o), *store = ot_order_store_id(o);
    int status = ot_order_status(o), shipment = ot_order_shipment_status(o);
    int terminal = ot_status_is_terminal(status, NULL) == 1;
    ot_sla_report report;
    char detail[200];
    struct xentry *x;
    int rc;

    r->sum->orders++;
    if (!terminal && ot__tracker_sla_evaluate(&report, NULL, r->tracker, o, r->now, NULL) == 0 &&
        report.state == OT_SLA_STATE_BREACHED) {
        const char *stage = "?";
        for (int s = 1; s < OT_SLA_STAGE_COUNT; s++)
            if (report.stages[s].applies && report.stages[s].state == OT_SLA_STATE_BREACHED) {
                ot_sla_stage_to_string(&stage, s, NULL);
                break;
            }
        snprintf(detail, sizeof detail, "%s for longer than its SLA budget (stage %s breached)",
                 status_name(status), stage);
        if ((rc = ot__reconcile_report(r, OT_RECONCILE_STUCK, id, store, NULL, NULL, 0, detail,
                                       err)))
            return rc;
    }
    if (shipment) {
        int ship_terminal = ot_shipment_is_terminal(shipment, NULL) == 1, repaired = 0;
        ot_status implied = OT_STATUS_UNKNOWN;
        const char *ship = "?";
        ot_shipment_to_status(&implied, shipment, NULL);
        ot_shipment_to_string(&ship, shipment, NULL);
        /* a shipment on its way back (rto) with the order failed agrees: the lifecycle is
         * the one the shipment implies */
        if (ship_terminal != terminal && !(terminal && (int)implied == status)) {
            if (r->opts->repair && ship_terminal && implied != OT_STATUS_UNKNOWN)
                repaired = repair_mismatch(r, o, implied);
            snprintf(detail, sizeof detail, "lifecycle %s but shipment %s", status_name(status),
                     ship);
            if ((rc = ot__reconcile_report(r, OT_RECONCILE_STATUS_MISMATCH, id, store, NULL,
                                           ot_order_tracking_id(o), repaired, detail, err)))
                return rc;
        }
    }
    if (r->export) {
        if (!(x = export_find(r->export, id))) {
            rc = ot__reconcile_report(r, OT_RECONCILE_MISSING_THERE, id, store, NULL, NULL, 0,
                                      "not in the order-service export", err);
        } else {
            x->seen = 1;
            rc = 0;
            if (x->status != status) {
                snprintf(detail, sizeof detail, "%s here, %s in the export",
                         status_name(status), status_name(x->status));
                rc = ot__reconcile_report(r, OT_RECONCILE_STATUS_DIFFERS, id, store, NULL, NULL,
                                          0, detail, err);
            }
        }
        if (rc)
            return rc;
    }
    return r->n_batches ? ot__reconcile_courier_add(r, o, err) : 0;
}

/* ---- the walk */

/* One page of the storage query: the orders, freed after they were examined (the checks
 * write through the tracker, which must not happen inside the query). */
struct page {
    ot_order **orders;
    size_t count, limit;
};

static int page_collect(void *ctx, ot_order *order, ot_error *err)
{
    struct page *p = ctx;
    (void)err;
    if (p->count < p->limit)
        p->orders[p->count++] = order;
    else
        ot_order_free(order);
    return 0;
}

static int check_options(const ot_reconcile_summary *sum, ot_tracker *tracker,
                         const ot_reconcile_options *o, ot_error *err)
{
    size_t i;
    int rc;
    if (!sum)
        return ot__error_field(err, OT_EINVAL, "summary", "summary is NULL");
    if ((rc = ot__check_version(sum->version, OT_RECONCILE_SUMMARY_VERSION,
                                "reconcile summary", err)))
        return rc;
    if (!tracker)
        return ot__error_field(err, OT_EINVAL, "tracker", "tracker is NULL");
    if (!o)
        return ot__error_field(err, OT_EINVAL, "options", "options is NULL");
    if ((rc = ot__check_version(o->version, OT_RECONCILE_OPTIONS_VERSION, "reconcile options",
                                err)))
        return rc;
    if (o->now_ms < 0)
        return ot__error_field(err, OT_EINVAL, "now_ms", "now_ms is negative");
    if (o->page_size > OT_STORAGE_QUERY_MAX)
        return ot__error_field(err, OT_EINVAL, "page_size", "page_size must be 0..%d, not %zu",
                               OT_STORAGE_QUERY_MAX, o->page_size);
    if (o->courier_count > OT__RECONCILE_COURIERS_MAX)
        return ot__error_field(err, OT_EINVAL, "courier_count", "at most %d couriers, not %zu",
                               OT__RECONCILE_COURIERS_MAX, o->courier_count);
    if (o->courier_count && !o->couriers)
        return ot__error_field(err, OT_EINVAL, "couriers", "couriers is NULL");
    if (o->courier_count && !o->http)
        return ot__error_field(err, OT_EINVAL, "http", "couriers are given without http");
    for (i = 0; i < o->courier_count; i++) {
        size_t j;
        if (!o->couriers[i])
            return ot__error_field(err, OT_EINVAL, "couriers", "couriers[%zu] is NULL", i);
        for (j = 0; j < i; j++)
            if (ot_courier_client_provider(o->couriers[j], NULL) ==
                ot_courier_client_provider(o->couriers[i], NULL))
                return ot__error_field(err, OT_EINVAL, "couriers",
                                       "couriers[%zu] and couriers[%zu] are the same courier",
                                       j, i);
    }
    return 0;
}

static int walk(struct ot__reconcile *r, ot_error *err)
{
    char cursor[OT_STORAGE_CURSOR_SIZE] = "", next[OT_STORAGE_CURSOR_SIZE];
    struct page page;
    size_t i;
    int rc = 0;

    page.limit = r->opts->page_size ? r->opts->page_size : PAGE_DEFAULT;
    if (!(page.orders = ot__calloc(page.limit, sizeof *page.orders)))
        return ot__error_set(err, OT_ENOMEM, "out of memory for a page of orders");
    do {
        ot_storage_query q = OT_STORAGE_QUERY_INIT;
        q.limit = page.limit;
        q.cursor = cursor;
        next[0] = '\0';
        page.count = 0;
        rc = ot__tracker_query(r->tracker, &q, page_collect, &page, next, sizeof next, err);
        for (i = 0; i < page.count; i++) {
            if (!rc)
                rc = check_order(r, page.orders[i], err);
            ot_order_free(page.orders[i]);
        }
        memcpy(cursor, next, sizeof cursor);
    } while (!rc && cursor[0]);
    ot__free(page.orders);
    return rc;
}

int ot_reconcile_run(ot_reconcile_summary *summary, ot_tracker *tracker,
                     const ot_reconcile_options *options, ot_error *err)
{
    struct ot__reconcile r;
    size_t i;
    int rc;

    if ((rc = check_options(summary, tracker, options, err)))
        return rc;
    ot_reconcile_summary_init(summary, summary->version, NULL);
    memset(&r, 0, sizeof r);
    r.tracker = tracker;
    r.opts = options;
    r.sum = summary;
    if ((rc = ot__tracker_resolve_now(&r.now, tracker, options->now_ms, err)))
        return rc;
    if (options->export_path && (rc = export_load(&r.export, options->export_path, err)))
        return rc;
    if (options->courier_count &&
        !(r.batches = ot__calloc(options->courier_count, sizeof *r.batches))) {
        rc = ot__error_set(err, OT_ENOMEM, "out of memory for the courier batches");
        goto out;
    }
    for (i = 0; i < options->courier_count; i++) {
        size_t size = ot__courier_batch(options->couriers[i]);
        r.batches[i].courier = options->couriers[i];
        r.batches[i].size = size && size < OT__RECONCILE_BATCH_MAX ? size
                                                                   : OT__RECONCILE_BATCH_MAX;
    }
    r.n_batches = options->courier_count;
    if ((rc = walk(&r, err)) || (rc = ot__reconcile_courier_flush(&r, err)))
        goto out;
    for (i = 0; r.export && i < r.export->n; i++) {
        const struct xentry *x = &r.export->entries[i];
        char detail[200];
        if (x->seen)
            continue;
        snprintf(detail, sizeof detail,
                 "in the order-service export (store %.64s), not in this store", x->store_id);
        if ((rc = ot__reconcile_report(&r, OT_RECONCILE_MISSING_HERE, x->order_id, x->store_id,
                                       NULL, NULL, 0, detail, err)))
            goto out;
    }
out:
    ot__reconcile_courier_clear(&r);
    ot__free(r.batches);
    export_free(r.export);
    return rc;
}
