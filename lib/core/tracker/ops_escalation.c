/* The escalation ladder: the policy, the steps recorded as issues (issue_raised events whose
 * data carries an `escalation` object) and the store-acknowledgment sweep. */
#include <stdio.h>
#include <string.h>

#include "common.h"
#include "tracker/tracker_internal.h"

#define STORE_ACK_RULE "store_ack_timeout"

/* Issue severity of each level. */
static const char *const level_severity[] = {NULL, "high", "critical"};
#define LEVEL_MAX 2

int ot_escalation_policy_init(ot_escalation_policy *policy, unsigned version, ot_error *err)
{
    static const ot_escalation_policy tpl = OT_ESCALATION_POLICY_INIT;
    return ot__struct_init(policy, version, &tpl, sizeof tpl, "policy", "policy", err);
}

int ot_escalation_sweep_result_init(ot_escalation_sweep_result *result, unsigned version,
                                    ot_error *err)
{
    static const ot_escalation_sweep_result tpl = OT_ESCALATION_SWEEP_RESULT_INIT;
    return ot__struct_init(result, version, &tpl, sizeof tpl, "result", "result", err);
}

int ot__escalation_load(ot_escalation_policy *dst, const ot_escalation_policy *src,
                        ot_error *err)
{
    static const ot_escalation_policy defaults = OT_ESCALATION_POLICY_INIT;
    int rc;
    if (!src) {
        *dst = defaults;
        return 0;
    }
    if ((rc = ot__check_version(src->version, OT_ESCALATION_POLICY_VERSION, "escalation", err)))
        return rc;
    if (src->store_ack_escalation_ms < 0 || src->store_ack_escalation_ms > OT_ESCALATION_MAX_MS)
        return ot__error_field(err, OT_EINVAL, "store_ack_escalation_ms",
                               "store_ack_escalation_ms %lld is outside 0..%lld",
                               (long long)src->store_ack_escalation_ms,
                               (long long)OT_ESCALATION_MAX_MS);
    if (src->no_driver_escalation_attempts > OT_ESCALATION_MAX_ATTEMPTS)
        return ot__error_field(err, OT_EINVAL, "no_driver_escalation_attempts",
                               "no_driver_escalation_attempts %u is over %u",
                               src->no_driver_escalation_attempts, OT_ESCALATION_MAX_ATTEMPTS);
    *dst = *src;
    return 0;
}

int ot__escalation_append(struct ot__write *w, ot_order *o, const char *rule, int level,
                          const char *description, json_t *step, ot_error *err)
{
    json_t *data;
    if (!step)
        step = json_object();
    data = step ? json_pack("{s:s, s:s, s:s, s:o}", "issue_type", rule, "description",
                            description, "severity", level_severity[level], "escalation", step)
                : NULL;
    if (!data || json_object_set_new(step, "level", json_integer(level))) {
        json_decref(data);
        return ot__error_set(err, OT_ENOMEM, "out of memory building an event");
    }
    return ot__append(w, o, OT__EV_ISSUE_RAISED, ot_order_status(o), data, err);
}

int ot__escalation_level(const json_t *entry, const char **rule)
{
    const json_t *ot = ot__entry_ot(entry), *data = json_object_get(ot, "data");
    json_int_t level = json_integer_value(json_object_get(json_object_get(data, "escalation"),
                                                          "level"));
    if (ot__event_from_name(ot__jstr(ot, "event")) != OT__EV_ISSUE_RAISED || level < 1 ||
        level > LEVEL_MAX)
        return 0;
    *rule = ot__jstr(data, "issue_type");
    return (int)level;
}

/* Where the store-acknowledgment ladder of `o` stands at `now`. */
struct ack_due {
    int level;              /* reached: 0, 1 (breached) or 2 (and the further time) */
    int64_t started;        /* when the store was notified: the episode */
    int64_t allowed;        /* the stage's allowance */
};

static int ack_due(struct ack_due *d, const ot_tracker *t, const ot_order *o, int64_t now,
                   ot_error *err)
{
    ot_sla_report report;
    const ot_sla_stage_report *st = &report.stages[OT_SLA_STAGE_STORE_ACKNOWLEDGMENT];
    int64_t further = t->escalation.store_ack_escalation_ms;
    int rc;

    d->level = 0;
    if (ot_order_status(o) != OT_STATUS_STORE_NOTIFIED)
        return 0;
    if ((rc = ot__tracker_sla_evaluate(&report, NULL, t, o, now, err)))
        return rc;
    if (!st->applies || !st->started_ms || st->state != OT_SLA_STATE_BREACHED)
        return 0;
    d->started = st->started_ms;
    d->allowed = st->allowed_ms;
    d->level = further > 0 && st->elapsed_ms > st->allowed_ms + further ? 2 : 1;
    return 0;
}

/* The level already recorded for the episode that started at `started`: the escalation steps
 * naming it, and (level 1) a store_ack_timeout issue raised since then without a step (what
 * ordertrackd recorded before 1.2). */
static int ack_recorded(const ot_order *o, int64_t started)
{
    const json_t *history = json_object_get(o->doc, "status_history"), *entry;
    int recorded = 0;
    size_t i;
    json_array_foreach(history, i, entry) {
        const json_t *ot = ot__entry_ot(entry), *data = json_object_get(ot, "data");
        const json_t *step = json_object_get(data, "escalation");
        const char *rule = ot__jstr(data, "issue_type");
        int level;
        if (ot__event_from_name(ot__jstr(ot, "event")) != OT__EV_ISSUE_RAISED || !rule ||
            strcmp(rule, STORE_ACK_RULE) != 0)
            continue;
        if (step)
            level = ot__jtime(step, "started_at") == started
                        ? (int)json_integer_value(json_object_get(step, "level")) : 0;
        else
            level = ot__jtime(entry, "timestamp") >= started;
        if (level > recorded)
            recorded = level;
    }
    return recorded;
}

struct ack_write {
    int64_t now;            /* the sweep's evaluation time */
    int level;              /* the level the committed build recorded */
};

/* Build: record the level the order reached, unless it (or a higher one) is recorded. */
static int build_store_ack(struct ot__write *w, ot_order *o, ot_error *err)
{
    struct ack_write *c = w->ctx;
    const ot_escalation_policy *p = &w->tracker->escalation;
    struct ack_due d;
    char description[256];
    json_t *step;
    int rc;

    if ((rc = ack_due(&d, w->tracker, o, c->now, err)))
        return rc;
    if (!d.level || d.level <= ack_recorded(o, d.started)) {
        w->result = OT_ESTALE;  /* acknowledged meanwhile, or recorded by another sweeper */
        return 0;
    }
    if (d.level == 1)
        snprintf(description, sizeof description,
                 "store %.64s did not acknowledge within %lld ms", ot_order_store_id(o),
                 (long long)d.allowed);
    else
        snprintf(description, sizeof description,
                 "store %.64s still has not acknowledged %lld ms after the %lld ms allowed; "
                 "escalated", ot_order_store_id(o), (long long)p->store_ack_escalation_ms,
                 (long long)d.allowed);
    step = json_pack("{s:o}", "started_at", ot__jtime_new(d.started));
    if (!step)
        return ot__error_set(err, OT_ENOMEM, "out of memory building an event");
    c->level = d.level;
    return ot__escalation_append(w, o, STORE_ACK_RULE, d.level, description, step, err);
}

/* Examine one order: when it reached a level not yet recorded, record it (the write reloads
 * the order and decides again, so a sweeper that lost the race stays quiet). */
static int sweep_order(void *ctx, ot_tracker *t, const ot_order *o, int64_t now,
                       ot_error *err)
{
    ot_escalation_sweep_result *out = ctx;
    struct ack_write c = {now, 0};
    struct ack_due d;
    int rc;

    out->examined++;
    if ((rc = ack_due(&d, t, o, now, err)) || !d.level || d.level <= ack_recorded(o, d.started))
        return rc;
    /* skipped when acknowledged meanwhile (stale), as when recorded by another sweeper */
    rc = ot__sweep_write(t, o, "store_ack_escalation", build_store_ack, "escalation_monitor",
                         &c, &out->conflicts, err);
    if (rc == 1) {
        out->alerts += c.level == 1;
        out->escalations += c.level == 2;
    }
    return rc < 0 ? rc : 0;
}

int ot_tracker_store_ack_sweep(ot_escalation_sweep_result *out, ot_tracker *tracker,
                               int64_t now_ms, size_t max_orders, ot_error *err)
{
    char cursor[OT_STORAGE_CURSOR_SIZE];
    int64_t now = 0;
    size_t len;
    int rc;

    if (!out)
        return ot__error_field(err, OT_EINVAL, "out", "out is NULL");
    if ((rc = ot__check_version(out->version, OT_ESCALATION_SWEEP_RESULT_VERSION, "out", err)))
        return rc;
    len = strnlen(out->resume, sizeof out->resume);
    if (len >= sizeof cursor)
        return ot__error_field(err, OT_EINVAL, "resume",
                               "resume is not a storage cursor (%zu bytes or more)", len);
    memcpy(cursor, out->resume, len + 1);
    out->examined = out->alerts = out->escalations = out->conflicts = 0;
    out->complete = 0;
    if (!tracker)
        return ot__error_field(err, OT_EINVAL, "tracker", "tracker is NULL");
    if ((rc = ot__tracker_resolve_now(&now, tracker, now_ms, err)))
        return rc;
    rc = ot__sweep_status(tracker, OT_STATUS_STORE_NOTIFIED, now, &out->examined, max_orders,
                          cursor, sweep_order, out, err);
    if (rc == 1) {
        memcpy(out->resume, cursor, strlen(cursor) + 1);
        return 0;
    }
    if (rc)
        return rc;
    out->complete = 1;
    out->resume[0] = '\0';
    return 0;
}
