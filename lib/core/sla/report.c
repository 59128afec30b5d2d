/* The SLA report of one order at one time, and the ETA error. */
#include <string.h>

#include "common.h"
#include "sla/sla_internal.h"
#include "ordertrack/status.h"
#include "rules/vocab_internal.h"

/* The kinds of order a stage is monitored for (docs/sla.md, "Stages by order kind"). */
#define HYPERLOCAL 1u       /* uber, doordash, internal (store delivery), unknown */
#define PARCEL 2u           /* delhivery, delhivery_b2b, shiprocket, velocity */

/* Where a stage starts and ends (members of ot_sla_times), its allowance (of
 * ot_sla_policy) and the kinds of order it belongs to. */
struct stage_rule {
    size_t start;           /* member holding the start */
    size_t start_fallback;  /* used when start is 0; NONE for none */
    size_t finish;          /* member holding the end */
    size_t allowed;         /* policy member; NONE for delivery (from the ETA) */
    unsigned kinds;         /* HYPERLOCAL, PARCEL or both */
};

#define T(member) offsetof(ot_sla_times, member)
#define P(member) offsetof(ot_sla_policy, member)
#define NONE ((size_t)-1)

static const struct stage_rule rules[OT_SLA_STAGE_COUNT] = {
    [OT_SLA_STAGE_STORE_ACKNOWLEDGMENT] = {T(store_notified_ms), NONE, T(store_acknowledged_ms),
                                           P(store_acknowledgment_ms), HYPERLOCAL},
    [OT_SLA_STAGE_PICKING] = {T(store_acknowledged_ms), T(picking_started_ms), T(ready_ms),
                              P(picking_ms), HYPERLOCAL},
    [OT_SLA_STAGE_DRIVER_ASSIGNMENT] = {T(ready_ms), NONE, T(driver_assigned_ms),
                                        P(driver_assignment_ms), HYPERLOCAL},
    [OT_SLA_STAGE_PICKUP] = {T(driver_assigned_ms), NONE, T(driver_pickup_ms), P(pickup_ms),
                             HYPERLOCAL},
    [OT_SLA_STAGE_DELIVERY] = {T(driver_pickup_ms), NONE, T(delivered_ms), NONE,
                               HYPERLOCAL | PARCEL},
    [OT_SLA_STAGE_NO_SCAN] = {T(last_scan_ms), NONE, T(delivered_ms), P(no_scan_ms), PARCEL},
    [OT_SLA_STAGE_NDR_AGE] = {T(ndr_since_ms), NONE, T(delivered_ms), P(ndr_age_ms), PARCEL},
};

/* The times members a caller fills, with their names for messages. */
static const struct {
    size_t offset;
    const char *name;
} time_fields[] = {
    {T(store_notified_ms), "store_notified_ms"},
    {T(store_acknowledged_ms), "store_acknowledged_ms"},
    {T(picking_started_ms), "picking_started_ms"},
    {T(ready_ms), "ready_ms"},
    {T(driver_assigned_ms), "driver_assigned_ms"},
    {T(driver_pickup_ms), "driver_pickup_ms"},
    {T(delivered_ms), "delivered_ms"},
    {T(estimated_delivery_ms), "estimated_delivery_ms"},
    {T(last_scan_ms), "last_scan_ms"},
    {T(ndr_since_ms), "ndr_since_ms"},
    {T(closed_ms), "closed_ms"},
};

/* The int64_t member at `offset` of struct `base`. */
static int64_t member_at(const void *base, size_t offset)
{
    int64_t v;
    memcpy(&v, (const char *)base + offset, sizeof v);
    return v;
}

static int check_times(const ot_sla_times *t, ot_error *err)
{
    size_t i;
    int rc;
    if (!t)
        return ot__error_field(err, OT_EINVAL, "times", "times is NULL");
    if ((rc = ot__check_version(t->version, OT_SLA_TIMES_VERSION, "SLA times", err)) < 0)
        return rc;
    if (t->provider < 0 || (t->provider >= OT_PROVIDER_COUNT && !ot__provider_parcel(t->provider)))
        return ot__error_field(err, OT_EINVAL, "provider", "%d is not a valid provider value",
                               t->provider);
    for (i = 0; i < sizeof time_fields / sizeof time_fields[0]; i++)
        if (member_at(t, time_fields[i].offset) < 0)
            return ot__error_field(err, OT_EINVAL, time_fields[i].name,
                                   "%s is negative (%lld)", time_fields[i].name,
                                   (long long)member_at(t, time_fields[i].offset));
    return 0;
}

/* Evaluate one stage. A stage applies when it belongs to the order's `kind`, has a budget
 * (a non-zero allowance, or for delivery an ETA and a start: its deadline is the ETA plus
 * grace, so before the pickup it has no length to judge by) and can still run: once the
 * order is delivered or closed, a stage that never started never will. */
static void evaluate_stage(ot_sla_stage_report *e, const ot_sla_policy *p, const ot_sla_times *t,
                           unsigned kind, int64_t now_ms, int stage)
{
    const struct stage_rule *r = &rules[stage];
    int64_t end;

    memset(e, 0, sizeof *e);
    e->stage = stage;
    e->state = OT_SLA_STATE_PENDING;
    e->started_ms = member_at(t, r->start);
    if (!e->started_ms && r->start_fallback != NONE)
        e->started_ms = member_at(t, r->start_fallback);
    e->finished_ms = e->started_ms ? member_at(t, r->finish) : 0;

    if (!(r->kinds & kind) || (!e->started_ms && (t->delivered_ms || t->closed_ms)))
        return;
    if (r->allowed == NONE) { /* delivery: judged by the ETA plus grace */
        if (!t->estimated_delivery_ms || !e->started_ms)
            return;
        e->applies = 1;
        e->allowed_ms = t->estimated_delivery_ms + p->delivery_grace_ms - e->started_ms;
        if (e->allowed_ms < 0)
            e->allowed_ms = 0;
    } else {
        e->allowed_ms = member_at(p, r->allowed);
        e->applies = e->allowed_ms > 0;
        if (!e->applies || !e->started_ms)
            return;
    }
    /* Nearest millisecond; both factors are non-negative. */
    e->warning_ms = (int64_t)((double)e->allowed_ms * p->warning_fraction + 0.5);

    end = e->finished_ms ? e->finished_ms
        : (t->closed_ms && t->closed_ms < now_ms) ? t->closed_ms : now_ms;
    e->elapsed_ms = end > e->started_ms ? end - e->started_ms : 0;
    e->state = e->elapsed_ms > e->allowed_ms ? OT_SLA_STATE_BREACHED
             : e->elapsed_ms >= e->warning_ms ? OT_SLA_STATE_WARNING
             : OT_SLA_STATE_OK;
}

int ot_sla_evaluate_policy(ot_sla_report *report, const ot_sla_policy *policy,
                           const ot_sla_times *times, int64_t now_ms, ot_error *err)
{
    unsigned kind;
    int rc, stage;

    if (!report)
        return ot__error_field(err, OT_EINVAL, "report", "report is NULL");
    if ((rc = ot__check_version(report->version, OT_SLA_REPORT_VERSION, "SLA report",
                                    err)) < 0)
        return rc;
    if ((rc = ot_sla_policy_check(policy, err)) < 0 || (rc = check_times(times, err)) < 0)
        return rc;
    if (now_ms < 0)
        return ot__error_field(err, OT_EINVAL, "now_ms", "now_ms is negative (%lld)",
                               (long long)now_ms);
    kind = times->provider != OT_PROVIDER_UNKNOWN
        && ot__provider_parcel(times->provider) ? PARCEL : HYPERLOCAL;

    memset(report->stages, 0, sizeof report->stages);
    report->now_ms = now_ms;
    report->stage_count = OT_SLA_STAGE_COUNT;
    report->state = OT_SLA_STATE_PENDING;
    for (stage = 1; stage < OT_SLA_STAGE_COUNT; stage++) {
        ot_sla_stage_report *e = &report->stages[stage];
        evaluate_stage(e, policy, times, kind, now_ms, stage);
        if (e->applies && e->state > report->state)
            report->state = e->state;
    }
    return 0;
}

int ot_sla_evaluate(ot_sla_report *report, const ot_sla_policies *policies,
                    const ot_sla_times *times, int64_t now_ms, ot_error *err)
{
    ot_sla_policy policy;
    int rc;
    if (!times)
        return ot__error_field(err, OT_EINVAL, "times", "times is NULL");
    if ((rc = ot_sla_policies_lookup(&policy, policies, times->store_id, err)) < 0)
        return rc;
    return ot_sla_evaluate_policy(report, &policy, times, now_ms, err);
}

int ot_sla_eta_error(int64_t *error_ms, const ot_sla_times *times, ot_error *err)
{
    int rc;
    if (!error_ms)
        return ot__error_field(err, OT_EINVAL, "error_ms", "output pointer is NULL");
    if ((rc = check_times(times, err)) < 0)
        return rc;
    if (!times->delivered_ms)
        return ot__error_field(err, OT_ESTATE, "delivered_ms",
                               "the order is not delivered: no ETA error yet");
    if (!times->estimated_delivery_ms)
        return ot__error_field(err, OT_ESTATE, "estimated_delivery_ms",
                               "the order has no estimated delivery time");
    *error_ms = times->delivered_ms - times->estimated_delivery_ms;
    return 0;
}
