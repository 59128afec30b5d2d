/* SLA: the /sla report of one order, the sweep that notifies warnings and breaches once,
 * and the stage metrics of a delivered order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "sla/sla_internal.h"
#include "tracker/tracker_internal.h"

int ot__tracker_sla_evaluate(ot_sla_report *report, ot_sla_times *times, const ot_tracker *t,
                             const ot_order *order, int64_t now_ms, ot_error *err)
{
    static const ot_sla_policy defaults = OT_SLA_POLICY_INIT;
    ot_sla_times own = OT_SLA_TIMES_INIT;
    int rc;
    if (!times)
        times = &own;
    times->version = OT_SLA_TIMES_VERSION;
    report->version = OT_SLA_REPORT_VERSION;
    if ((rc = ot_sla_times_from_order(times, order, err)))
        return rc;
    return t->options.sla ? ot_sla_evaluate(report, t->options.sla, times, now_ms, err)
                          : ot_sla_evaluate_policy(report, &defaults, times, now_ms, err);
}

void ot__tracker_sla_delivered(const ot_tracker *t, const ot_order *order, int64_t now_ms)
{
    ot_sla_report report;
    ot_sla_times times;
    int64_t eta_error;
    int s;
    if (ot__tracker_sla_evaluate(&report, &times, t, order, now_ms, NULL))
        return;
    for (s = 1; s < OT_SLA_STAGE_COUNT; s++) {
        const ot_sla_stage_report *e = &report.stages[s];
        if (e->applies && e->started_ms && e->finished_ms && e->state != OT_SLA_STATE_PENDING)
            ot_metrics_observe_stage_duration(t->options.metrics, s, e->elapsed_ms, NULL);
    }
    if (ot_sla_eta_error(&eta_error, &times, NULL) == 0)
        ot_metrics_observe_eta_error(t->options.metrics, eta_error, NULL);
}

int ot__tracker_resolve_now(int64_t *now, const ot_tracker *t, int64_t now_ms, ot_error *err)
{
    if (now_ms < 0)
        return ot__error_field(err, OT_EINVAL, "now_ms", "now_ms is negative (%lld)",
                               (long long)now_ms);
    *now = now_ms ? now_ms : ot__tracker_now(t);
    return 0;
}

int ot_tracker_sla_report(char **json, size_t *len, ot_tracker *tracker, const char *order_id,
                          int64_t now_ms, ot_error *err)
{
    ot_sla_report report;
    ot_order *o = NULL;
    int64_t now = 0;
    int rc;

    if (!json)
        return ot__error_field(err, OT_EINVAL, "json", "output pointer is NULL");
    *json = NULL;
    if (!tracker)
        return ot__error_field(err, OT_EINVAL, "tracker", "tracker is NULL");
    if ((rc = ot__tracker_resolve_now(&now, tracker, now_ms, err)) ||
        (rc = ot__tracker_load(&o, tracker, order_id, err)))
        return rc;
    rc = ot__tracker_sla_evaluate(&report, NULL, tracker, o, now, err);
    if (!rc)
        rc = ot_sla_report_to_json(json, len, &report, err);
    ot_order_free(o);
    return rc;
}

/* The states already notified for the stages of `report`, from the record's sla_notified
 * events; an event counts only for the episode it was recorded for (same stage start). */
static void notified_states(int notified[OT_SLA_STAGE_COUNT], const ot_order *o,
                            const ot_sla_report *report)
{
    const json_t *history = json_object_get(o->doc, "status_history"), *entry;
    size_t i;
    memset(notified, 0, sizeof(int) * OT_SLA_STAGE_COUNT);
    json_array_foreach(history, i, entry) {
        const json_t *ot = ot__entry_ot(entry), *data = json_object_get(ot, "data");
        int stage, state;
        if (ot__event_from_name(ot__jstr(ot, "event")) != OT__EV_SLA_NOTIFIED)
            continue;
        stage = ot__vocab_lookup(&ot__sla_stage_vocab, ot__jstr(data, "stage"));
        state = ot__vocab_lookup(&ot__sla_state_vocab, ot__jstr(data, "state"));
        if (stage > 0 && stage < OT_SLA_STAGE_COUNT &&
            ot__jtime(data, "started_at") == report->stages[stage].started_ms &&
            state > notified[stage])
            notified[stage] = state;
    }
}

/* Evaluate `o` at `now` into `report` and mark in `worse` the stages that got worse than
 * what was notified for them. Returns how many, or a negative code. */
static int worse_stages(ot_sla_report *report, int worse[OT_SLA_STAGE_COUNT],
                        const ot_tracker *t, const ot_order *o, int64_t now, ot_error *err)
{
    int notified[OT_SLA_STAGE_COUNT], s, n = 0;
    int rc = ot__tracker_sla_evaluate(report, NULL, t, o, now, err);
    if (rc)
        return rc;
    notified_states(notified, o, report);
    worse[0] = 0;
    for (s = 1; s < OT_SLA_STAGE_COUNT; s++) {
        const ot_sla_stage_report *e = &report->stages[s];
        worse[s] = e->applies && e->started_ms && e->state >= OT_SLA_STATE_WARNING &&
                   e->state > notified[s];
        n += worse[s];
    }
    return n;
}

struct sweep_write {
    int64_t now;
    size_t warnings, breaches;  /* of the last build (the committed one on success) */
};

/* Build: record an sla_notified event for each stage that got worse. */
static int build_notified(struct ot__write *w, ot_order *o, ot_error *err)
{
    struct sweep_write *c = w->ctx;
    int worse[OT_SLA_STAGE_COUNT];
    ot_sla_report report;
    int s, rc;

    c->warnings = c->breaches = 0;
    if ((rc = worse_stages(&report, worse, w->tracker, o, c->now, err)) < 0)
        return rc;
    if (rc == 0) {
        w->result = OT_ESTALE;  /* already notified (by another sweeper, say) */
        return 0;
    }
    for (s = 1; s < OT_SLA_STAGE_COUNT; s++) {
        const ot_sla_stage_report *e = &report.stages[s];
        const char *stage, *state;
        json_t *data;
        if (!worse[s])
            continue;
        ot_sla_stage_to_string(&stage, s, NULL);
        ot_sla_state_to_string(&state, e->state, NULL);
        data = json_pack("{s:s, s:s, s:o}", "stage", stage, "state", state, "started_at",
                         ot__jtime_new(e->started_ms));
        if (!data)
            return ot__error_set(err, OT_ENOMEM, "out of memory building an event");
        if ((rc = ot__append(w, o, OT__EV_SLA_NOTIFIED, ot_order_status(o), data, err)))
            return rc;
        if (e->state == OT_SLA_STATE_BREACHED)
            c->breaches++;
        else
            c->warnings++;
    }
    return 0;
}

/* Examine one order of a page: when a stage got worse, record it and notify (the write
 * reloads the order and decides again, so a sweeper that lost the race stays quiet). */
static int sweep_order(void *ctx, ot_tracker *t, const ot_order *o, int64_t now,
                       ot_error *err)
{
    ot_sla_sweep_result *out = ctx;
    struct sweep_write c = {now, 0, 0};
    int worse[OT_SLA_STAGE_COUNT];
    ot_sla_report report;
    int rc;

    out->examined++;
    if ((rc = worse_stages(&report, worse, t, o, now, err)) <= 0)
        return rc;
    rc = ot__sweep_write(t, o, "sla_notify", build_notified, "sla_monitor", &c,
                         &out->conflicts, err);
    if (rc == 1) {
        out->warnings += c.warnings;
        out->breaches += c.breaches;
        out->notices += c.warnings + c.breaches;
    }
    return rc < 0 ? rc : 0;
}

#define SWEEP_PAGE 100

/* One page of a sweep's storage query: up to SWEEP_PAGE orders (the sweep frees them). */
struct sweep_page {
    ot_order *orders[SWEEP_PAGE];
    size_t count;
};

static int sweep_collect(void *ctx, ot_order *order, ot_error *err)
{
    struct sweep_page *p = ctx;
    (void)err;
    if (p->count < SWEEP_PAGE)
        p->orders[p->count++] = order;
    else
        ot_order_free(order);   /* past the limit asked for: not ours to examine */
    return 0;
}

int ot__sweep_status(ot_tracker *t, int status, int64_t now, const size_t *examined,
                     size_t max_orders, char cursor[OT_STORAGE_CURSOR_SIZE], ot__sweep_fn each,
                     void *ctx, ot_error *err)
{
    char next[OT_STORAGE_CURSOR_SIZE];
    int rc;
    do {
        ot_storage_query q = OT_STORAGE_QUERY_INIT;
        struct sweep_page page;
        size_t i, left = max_orders ? max_orders - *examined : SWEEP_PAGE;
        if (!left)      /* stopped at a page boundary: the next sweep goes on here */
            return 1;
        page.count = 0;
        q.current_status = status;
        q.updated_before_ms = now + 1;  /* not changed after the evaluation time */
        q.limit = left < SWEEP_PAGE ? left : SWEEP_PAGE;
        q.cursor = cursor;
        next[0] = '\0';
        rc = ot__tracker_query(t, &q, sweep_collect, &page, next, sizeof next, err);
        for (i = 0; i < page.count; i++) {
            if (!rc)
                rc = each(ctx, t, page.orders[i], now, err);
            ot_order_free(page.orders[i]);
        }
        if (rc)
            return rc;  /* cursor unchanged: the next sweep retries this stretch */
        memcpy(cursor, next, OT_STORAGE_CURSOR_SIZE);
    } while (cursor[0]);
    return 0;
}

int ot__sweep_write(ot_tracker *t, const ot_order *o, const char *op, ot__build_fn build,
                    const char *monitor, void *ctx, size_t *conflicts, ot_error *err)
{
    ot_request req = OT_REQUEST_INIT;
    struct ot__write w = {op, &req, NULL, 0, 0, build, t, 0, 0, 0, 0, ctx, 0, 1, 0};
    int rc;

    req.order_id = ot_order_order_id(o);
    req.updated_by = monitor;
    rc = ot__tracker_write(&w, NULL, err);
    *conflicts += w.conflicts;
    if (rc == 0)
        return 1;
    return rc == OT_ESTALE || rc == OT_ENOTFOUND || rc == OT_ECONFLICT ? 0 : rc;
}

/* Where a sweep starts: "" (the first status, no cursor) or "<status>:<storage cursor>". */
static int parse_resume(int *status, char cursor[OT_STORAGE_CURSOR_SIZE], const char *resume,
                        ot_error *err)
{
    const char *colon;
    char *end;
    long v;
    *status = 1;
    cursor[0] = '\0';
    if (!memchr(resume, '\0', OT_SLA_SWEEP_RESUME_SIZE))
        return ot__error_field(err, OT_EINVAL, "resume", "resume is not NUL-terminated");
    if (!resume[0])
        return 0;
    colon = strchr(resume, ':');
    v = strtol(resume, &end, 10);
    if (!colon || end != colon || v < 1 || v >= OT_STATUS_COUNT ||
        strlen(colon + 1) >= OT_STORAGE_CURSOR_SIZE)
        return ot__error_field(err, OT_EINVAL, "resume", "resume \"%.64s\" was not written by "
                               "a sweep", resume);
    *status = (int)v;
    memcpy(cursor, colon + 1, strlen(colon + 1) + 1);
    return 0;
}

int ot_tracker_sla_sweep(ot_sla_sweep_result *out, ot_tracker *tracker, int64_t now_ms,
                         size_t max_orders, ot_error *err)
{
    char cursor[OT_STORAGE_CURSOR_SIZE];
    int64_t now = 0;
    int status, rc = 0;

    if (!out)
        return ot__error_field(err, OT_EINVAL, "out", "output pointer is NULL");
    if ((rc = ot__check_version(out->version, OT_SLA_SWEEP_RESULT_VERSION, "sweep result",
                                err)) ||
        (rc = parse_resume(&status, cursor, out->resume, err)))
        return rc;
    out->examined = out->notices = out->warnings = out->breaches = out->conflicts = 0;
    out->complete = 0;
    if (!tracker)
        return ot__error_field(err, OT_EINVAL, "tracker", "tracker is NULL");
    if ((rc = ot__tracker_resolve_now(&now, tracker, now_ms, err)))
        return rc;
    for (; status < OT_STATUS_COUNT; status++, cursor[0] = '\0') {
        if (ot_status_is_terminal(status, NULL) != 0)
            continue;
        rc = ot__sweep_status(tracker, status, now, &out->examined, max_orders, cursor,
                              sweep_order, out, err);
        if (rc == 1) {
            snprintf(out->resume, sizeof out->resume, "%d:%s", status, cursor);
            return 0;
        }
        if (rc)
            return rc;
    }
    out->complete = 1;
    out->resume[0] = '\0';
    return 0;
}
