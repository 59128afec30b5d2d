/* One-pass SLA statistics over many orders, in fixed memory. */
#include "common.h"
#include "sla/sla_internal.h"

struct ot_sla_stats {
    struct ot__histogram stage[OT_SLA_STAGE_COUNT]; /* [0] unused */
    uint64_t warnings[OT_SLA_STAGE_COUNT];
    uint64_t breaches[OT_SLA_STAGE_COUNT];
    struct ot__histogram eta;
};

int ot_sla_stats_new(ot_sla_stats **stats, ot_error *err)
{
    if (!stats)
        return ot__error_field(err, OT_EINVAL, "stats", "output pointer is NULL");
    *stats = ot__calloc(1, sizeof **stats);
    if (!*stats)
        return ot__error_set(err, OT_ENOMEM, "out of memory allocating SLA statistics");
    return 0;
}

void ot_sla_stats_free(ot_sla_stats *stats)
{
    ot__free(stats);
}

static int check_stage(int stage, ot_error *err)
{
    if (!ot__vocab_valid(&ot__sla_stage_vocab, stage))
        return ot__error_field(err, OT_EINVAL, "stage", "%d is not a valid SLA stage value",
                               stage);
    return 0;
}

static void add_duration(ot_sla_stats *s, int stage, int64_t ms, int state)
{
    ot__histogram_add(&s->stage[stage], ms);
    s->warnings[stage] += state == OT_SLA_STATE_WARNING;
    s->breaches[stage] += state == OT_SLA_STATE_BREACHED;
}

int ot_sla_stats_add_duration(ot_sla_stats *stats, int stage, int64_t duration_ms, int state,
                              ot_error *err)
{
    int rc;
    if (!stats)
        return ot__error_field(err, OT_EINVAL, "stats", "stats is NULL");
    if ((rc = check_stage(stage, err)) < 0)
        return rc;
    if (duration_ms < 0)
        return ot__error_field(err, OT_EINVAL, "duration_ms", "duration %lld ms is negative",
                               (long long)duration_ms);
    if (state != OT_SLA_STATE_OK && state != OT_SLA_STATE_WARNING &&
        state != OT_SLA_STATE_BREACHED)
        return ot__error_field(err, OT_EINVAL, "state",
                               "%d is not the state of a finished stage (ok, warning, breached)",
                               state);
    add_duration(stats, stage, duration_ms, state);
    return 0;
}

/* A stage that ran to its end and was judged (a delivery without ETA stays pending). */
static int finished(const ot_sla_stage_report *e)
{
    return e->applies && e->started_ms && e->finished_ms && e->state != OT_SLA_STATE_PENDING;
}

int ot_sla_stats_add(ot_sla_stats *stats, const ot_sla_report *report, ot_error *err)
{
    unsigned s, n;
    int rc;
    if (!stats)
        return ot__error_field(err, OT_EINVAL, "stats", "stats is NULL");
    if (!report)
        return ot__error_field(err, OT_EINVAL, "report", "report is NULL");
    if ((rc = ot__check_version(report->version, OT_SLA_REPORT_VERSION, "SLA report",
                                    err)) < 0)
        return rc;
    n = report->stage_count < OT_SLA_STAGE_COUNT ? report->stage_count : OT_SLA_STAGE_COUNT;
    /* Validate everything first, so a bad report adds nothing. */
    for (s = 1; s < n; s++) {
        const ot_sla_stage_report *e = &report->stages[s];
        if (!ot__vocab_valid(&ot__sla_state_vocab, e->state) || e->elapsed_ms < 0)
            return ot__error_field(err, OT_EINVAL, "stages",
                                   "stage %u has elapsed %lld ms and state %d", s,
                                   (long long)e->elapsed_ms, e->state);
    }
    for (s = 1; s < n; s++)
        if (finished(&report->stages[s]))
            add_duration(stats, (int)s, report->stages[s].elapsed_ms, report->stages[s].state);
    return 0;
}

int ot_sla_stats_add_eta_error(ot_sla_stats *stats, int64_t error_ms, ot_error *err)
{
    if (!stats)
        return ot__error_field(err, OT_EINVAL, "stats", "stats is NULL");
    ot__histogram_add(&stats->eta, error_ms);
    return 0;
}

int ot_sla_stats_merge(ot_sla_stats *dst, const ot_sla_stats *src, ot_error *err)
{
    int s;
    if (!dst || !src)
        return ot__error_field(err, OT_EINVAL, dst ? "src" : "dst", "%s is NULL",
                               dst ? "src" : "dst");
    for (s = 1; s < OT_SLA_STAGE_COUNT; s++) {
        ot__histogram_merge(&dst->stage[s], &src->stage[s]);
        dst->warnings[s] += src->warnings[s];
        dst->breaches[s] += src->breaches[s];
    }
    ot__histogram_merge(&dst->eta, &src->eta);
    return 0;
}

static int summarize(ot_sla_summary *out, const struct ot__histogram *h, ot_error *err)
{
    int rc;
    if (!out)
        return ot__error_field(err, OT_EINVAL, "summary", "summary is NULL");
    if ((rc = ot__check_version(out->version, OT_SLA_SUMMARY_VERSION, "SLA summary",
                                    err)) < 0)
        return rc;
    out->count = h->count;
    out->mean = h->count ? h->mean : 0.0;
    out->min = h->count ? h->min : 0;
    out->max = h->count ? h->max : 0;
    out->p50 = ot__histogram_percentile(h, 50.0);
    out->p90 = ot__histogram_percentile(h, 90.0);
    out->p99 = ot__histogram_percentile(h, 99.0);
    out->warnings = 0;
    out->breaches = 0;
    return 0;
}

int ot_sla_stats_stage(ot_sla_summary *summary, const ot_sla_stats *stats, int stage,
                       ot_error *err)
{
    int rc;
    if (!stats)
        return ot__error_field(err, OT_EINVAL, "stats", "stats is NULL");
    if ((rc = check_stage(stage, err)) < 0 ||
        (rc = summarize(summary, &stats->stage[stage], err)) < 0)
        return rc;
    summary->warnings = stats->warnings[stage];
    summary->breaches = stats->breaches[stage];
    return 0;
}

int ot_sla_stats_eta(ot_sla_summary *summary, const ot_sla_stats *stats, ot_error *err)
{
    if (!stats)
        return ot__error_field(err, OT_EINVAL, "stats", "stats is NULL");
    return summarize(summary, &stats->eta, err);
}
