/* The metrics registry: families, series, the library's own metrics. */
#include <string.h>

#include "common.h"
#include "metrics/metrics_internal.h"
#include "sla/sla_internal.h"
#include "ordertrack/status.h"

#define PREFIX "ordertrack_"
#define NAME_MAX_LEN 200
#define LABEL_VALUE_MAX_LEN 1024

/* The library's own metrics, registered in this order by ot_metrics_new. */
enum builtin {
    B_TRANSITIONS,
    B_SHIPMENT_TRANSITIONS,
    B_SLA_WARNINGS,
    B_SLA_BREACHES,
    B_STORAGE_CONFLICTS,
    B_STORAGE_RETRIES,
    B_WEBHOOK_FAILURES,
    B_COURIER_UPDATES,
    B_STAGE_DURATION,
    B_ETA_ERROR,
    B_UPDATES_REFUSED,
    B_RECONCILE_FINDINGS,
    B_COUNT
};

static const char *const courier_result_names[OT_COURIER_RESULT_COUNT] = {
    [OT_COURIER_RESULT_APPLIED] = "applied",
    [OT_COURIER_RESULT_STALE] = "stale",
    [OT_COURIER_RESULT_REJECTED] = "rejected",
    [OT_COURIER_RESULT_UNMAPPED] = "unmapped",
    [OT_COURIER_RESULT_FAILED] = "failed",
};
static const struct ot__vocab courier_result_vocab = {"courier result", courier_result_names,
                                                      OT_COURIER_RESULT_COUNT};

static const char *const refusal_names[OT__REFUSED_COUNT] = {
    [OT__REFUSED_PROVIDER] = "provider_mismatch",
    [OT__REFUSED_TRACKING_ID] = "tracking_id_mismatch",
};
static const struct ot__vocab refusal_vocab = {"refusal reason", refusal_names,
                                               OT__REFUSED_COUNT};

static const double latency_buckets[] = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
                                         10};
static const double stage_buckets[] = {30, 60, 120, 300, 600, 900, 1200, 1800, 2700, 3600,
                                       7200, 14400, 43200, 86400, 172800, 259200, 604800};
static const double eta_buckets[] = {-3600, -1800, -900, -600, -300, -120, -60, -30, 0, 30,
                                     60, 120, 300, 600, 900, 1800, 3600};

static const char *const label_status[] = {"status"};
static const char *const label_stage[] = {"stage"};
static const char *const label_provider[] = {"provider"};
static const char *const label_provider_result[] = {"provider", "result"};
static const char *const label_provider_reason[] = {"provider", "reason"};
static const char *const label_class[] = {"class"};

static const struct {
    int kind;
    const char *name;
    const char *help;
    const char *const *labels;
    size_t label_count;
    const struct ot__vocab *vocab[2]; /* every value of each label is pre-created */
    const double *buckets;
    size_t bucket_count;
} builtins[B_COUNT] = {
    [B_TRANSITIONS] = {OT_METRIC_COUNTER, "transitions_total",
                       "Order lifecycle transitions applied, by new status.", label_status, 1,
                       {&ot__status_vocab, NULL}, NULL, 0},
    [B_SHIPMENT_TRANSITIONS] = {OT_METRIC_COUNTER, "shipment_transitions_total",
                                "Shipment status transitions applied, by new status.",
                                label_status, 1, {&ot__shipment_vocab, NULL}, NULL, 0},
    [B_SLA_WARNINGS] = {OT_METRIC_COUNTER, "sla_warnings_total",
                        "SLA stages that entered the warning state, by stage.", label_stage, 1,
                        {&ot__sla_stage_vocab, NULL}, NULL, 0},
    [B_SLA_BREACHES] = {OT_METRIC_COUNTER, "sla_breaches_total",
                        "SLA stages that were breached, by stage.", label_stage, 1,
                        {&ot__sla_stage_vocab, NULL}, NULL, 0},
    [B_STORAGE_CONFLICTS] = {OT_METRIC_COUNTER, "storage_conflicts_total",
                             "Storage commits refused by an optimistic-lock version conflict.",
                             NULL, 0, {NULL, NULL}, NULL, 0},
    [B_STORAGE_RETRIES] = {OT_METRIC_COUNTER, "storage_retries_total",
                           "Storage operations retried.", NULL, 0, {NULL, NULL}, NULL, 0},
    [B_WEBHOOK_FAILURES] = {OT_METRIC_COUNTER, "webhook_verifications_failed_total",
                            "Partner webhooks whose signature or credentials failed, by "
                            "provider.", label_provider, 1, {&ot__provider_vocab, NULL},
                            NULL, 0},
    [B_COURIER_UPDATES] = {OT_METRIC_COUNTER, "courier_updates_total",
                           "Courier and partner updates processed, by provider and result.",
                           label_provider_result, 2,
                           {&ot__provider_vocab, &courier_result_vocab}, NULL, 0},
    [B_STAGE_DURATION] = {OT_METRIC_HISTOGRAM, "sla_stage_duration_seconds",
                          "Durations of finished SLA stages, by stage.", label_stage, 1,
                          {&ot__sla_stage_vocab, NULL}, stage_buckets,
                          sizeof stage_buckets / sizeof stage_buckets[0]},
    [B_ETA_ERROR] = {OT_METRIC_HISTOGRAM, "eta_error_seconds",
                     "Actual minus estimated delivery time of delivered orders (negative: "
                     "early).", NULL, 0, {NULL, NULL}, eta_buckets,
                     sizeof eta_buckets / sizeof eta_buckets[0]},
    [B_UPDATES_REFUSED] = {OT_METRIC_COUNTER, "updates_refused_total",
                           "Courier and partner updates refused unapplied (bound to another "
                           "partner's order or delivery id), by provider and reason.",
                           label_provider_reason, 2, {&ot__provider_vocab, &refusal_vocab},
                           NULL, 0},
    [B_RECONCILE_FINDINGS] = {OT_METRIC_COUNTER, "reconcile_findings_total",
                              "Data inconsistencies found by reconcile runs, by class.",
                              label_class, 1, {&ot__reconcile_class_vocab, NULL}, NULL, 0},
};

static int is_name_char(char c, int first, int colon)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
           (colon && c == ':') || (!first && c >= '0' && c <= '9');
}

static int valid_name(const char *s, int colon)
{
    size_t i;
    if (!s || !*s || strlen(s) > NAME_MAX_LEN)
        return 0;
    for (i = 0; s[i]; i++)
        if (!is_name_char(s[i], i == 0, colon))
            return 0;
    return 1;
}

/* 1 if s holds well-formed UTF-8 (no overlongs, no surrogates, at most U+10FFFF). */
static int valid_utf8(const unsigned char *s)
{
    while (*s) {
        unsigned c = *s, n, i, cp;
        if (c < 0x80) {
            s++;
            continue;
        }
        n = c >= 0xf0 && c <= 0xf4 ? 3 : c >= 0xe0 ? (c < 0xf0 ? 2 : 0) : c >= 0xc2 ? 1 : 0;
        if (!n)
            return 0;
        cp = c & (0x3f >> n);
        for (i = 1; i <= n; i++) {
            if ((s[i] & 0xc0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i] & 0x3f);
        }
        if ((n == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
            (n == 3 && (cp < 0x10000 || cp > 0x10ffff)))
            return 0;
        s += n + 1;
    }
    return 1;
}

static void series_clear(const struct ot__family *f, struct ot__series *s)
{
    size_t i;
    if (s->label_values)
        for (i = 0; i < f->label_count; i++)
            ot__free(s->label_values[i]);
    ot__free(s->label_values);
    ot__free(s->buckets);
}

static void family_clear(struct ot__family *f)
{
    size_t i;
    for (i = 0; i < f->series_count; i++)
        series_clear(f, &f->series[i]);
    ot__free(f->series);
    if (f->label_names)
        for (i = 0; i < f->label_count; i++)
            ot__free(f->label_names[i]);
    ot__free(f->label_names);
    ot__free(f->bounds);
    ot__free(f->name);
    ot__free(f->help);
}

/* `name` with the prefix, unless it has it or is registered `verbatim`. */
static char *full_name(const char *name, int verbatim)
{
    size_t p = strlen(PREFIX), n = strlen(name);
    char *s;
    if (verbatim || strncmp(name, PREFIX, p) == 0)
        return ot__strdup(name);
    s = ot__malloc(p + n + 1);
    if (s) {
        memcpy(s, PREFIX, p);
        memcpy(s + p, name, n + 1);
    }
    return s;
}

/* The metric `name` names: its full name, or a prefixed one without the prefix. */
static struct ot__family *family_find(const ot_metrics *m, const char *name)
{
    size_t i, p = strlen(PREFIX);
    for (i = 0; i < m->family_count; i++) {
        const char *have = m->families[i].name;
        if (strcmp(have, name) == 0 ||
            (strncmp(have, PREFIX, p) == 0 && strcmp(have + p, name) == 0))
            return &m->families[i];
    }
    return NULL;
}

static int check_definition(const ot_metrics *m, int kind, const char *name,
                            const char *const *labels, size_t label_count,
                            const double *buckets, size_t bucket_count, ot_error *err)
{
    size_t i, j;
    if (kind != OT_METRIC_COUNTER && kind != OT_METRIC_HISTOGRAM)
        return ot__error_field(err, OT_EINVAL, "kind", "%d is not a valid metric kind", kind);
    if (!valid_name(name, 1))
        return ot__error_field(err, OT_EINVAL, "name",
                               "metric name \"%.64s\" must match [a-zA-Z_:][a-zA-Z0-9_:]* "
                               "(1..%d bytes)", name ? name : "(null)", NAME_MAX_LEN);
    if (family_find(m, name))
        return ot__error_field(err, OT_EEXISTS, "name", "metric \"%.64s\" already exists",
                               name);
    if (label_count > OT_METRICS_MAX_LABELS || (label_count && !labels))
        return ot__error_field(err, OT_EINVAL, "label_names",
                               "%zu label names given (at most %d, not NULL)", label_count,
                               OT_METRICS_MAX_LABELS);
    for (i = 0; i < label_count; i++) {
        if (!valid_name(labels[i], 0) || strncmp(labels[i], "__", 2) == 0 ||
            (kind == OT_METRIC_HISTOGRAM && strcmp(labels[i], "le") == 0))
            return ot__error_field(err, OT_EINVAL, "label_names",
                                   "label name \"%.64s\" is not allowed",
                                   labels[i] ? labels[i] : "(null)");
        for (j = 0; j < i; j++)
            if (strcmp(labels[i], labels[j]) == 0)
                return ot__error_field(err, OT_EINVAL, "label_names",
                                       "label name \"%.64s\" repeated", labels[i]);
    }
    if (kind == OT_METRIC_COUNTER && (buckets || bucket_count))
        return ot__error_field(err, OT_EINVAL, "buckets", "a counter takes no buckets");
    if (kind == OT_METRIC_HISTOGRAM && buckets) {
        if (bucket_count == 0 || bucket_count > OT_METRICS_MAX_BUCKETS)
            return ot__error_field(err, OT_EINVAL, "bucket_count",
                                   "a histogram takes 1..%d buckets, got %zu",
                                   OT_METRICS_MAX_BUCKETS, bucket_count);
        for (i = 0; i < bucket_count; i++)
            if (!(buckets[i] - buckets[i] == 0.0) || (i && !(buckets[i] > buckets[i - 1])))
                return ot__error_field(err, OT_EINVAL, "buckets",
                                       "bucket %zu (%g) is not finite and above the previous",
                                       i, buckets[i]);
    }
    if (m->family_count >= OT_METRICS_MAX_FAMILIES)
        return ot__error_set(err, OT_ELIMIT, "a registry holds at most %d metrics",
                             OT_METRICS_MAX_FAMILIES);
    return 0;
}

/* Register after checking; on failure nothing changes. Caller holds the lock. */
static int family_add(ot_metrics *m, int kind, const char *name, int verbatim,
                      const char *help, const char *const *labels, size_t label_count,
                      const double *buckets, size_t bucket_count, ot_error *err)
{
    struct ot__family f, *grown;
    size_t i;
    int rc;

    if ((rc = check_definition(m, kind, name, labels, label_count, buckets, bucket_count,
                               err)) < 0)
        return rc;
    if (kind == OT_METRIC_HISTOGRAM && !buckets) {
        buckets = latency_buckets;
        bucket_count = sizeof latency_buckets / sizeof latency_buckets[0];
    }
    memset(&f, 0, sizeof f);
    f.kind = kind;
    f.label_count = label_count;
    f.bucket_count = bucket_count;
    f.name = full_name(name, verbatim);
    f.help = ot__strdup(help ? help : "");
    f.label_names = label_count ? ot__calloc(label_count, sizeof *f.label_names) : NULL;
    f.bounds = bucket_count ? ot__calloc(bucket_count, sizeof *f.bounds) : NULL;
    if (!f.name || !f.help || (label_count && !f.label_names) || (bucket_count && !f.bounds))
        goto nomem;
    for (i = 0; i < label_count; i++)
        if (!(f.label_names[i] = ot__strdup(labels[i])))
            goto nomem;
    if (bucket_count)
        memcpy(f.bounds, buckets, bucket_count * sizeof *f.bounds);
    if (!(grown = ot__grow(m->families, &m->family_capacity, m->family_count, sizeof *grown,
                           16)))
        goto nomem;
    m->families = grown;
    m->families[m->family_count++] = f;
    return 0;
nomem:
    family_clear(&f);
    return ot__error_set(err, OT_ENOMEM, "out of memory registering metric \"%.64s\"", name);
}

/* Find or create (on first use) the series of `values` in f. Caller holds the lock. */
static int series_get(struct ot__series **out, struct ot__family *f, const char *const *values,
                      size_t count, ot_error *err)
{
    struct ot__series s, *grown;
    size_t i, j;

    if (count != f->label_count || (count && !values))
        return ot__error_field(err, OT_EINVAL, "label_values",
                               "%s takes %zu label values, got %zu%s", f->name, f->label_count,
                               count, count && !values ? " (NULL)" : "");
    for (i = 0; i < count; i++)
        if (!values[i] || strlen(values[i]) > LABEL_VALUE_MAX_LEN ||
            !valid_utf8((const unsigned char *)values[i]))
            return ot__error_field(err, OT_EINVAL, f->label_names[i],
                                   "label %s: value is NULL, over %d bytes or not UTF-8",
                                   f->label_names[i], LABEL_VALUE_MAX_LEN);
    for (i = 0; i < f->series_count; i++) {
        for (j = 0; j < count; j++)
            if (strcmp(f->series[i].label_values[j], values[j]) != 0)
                break;
        if (j == count) {
            *out = &f->series[i];
            return 0;
        }
    }
    if (f->series_count >= OT_METRICS_MAX_SERIES)
        return ot__error_set(err, OT_ELIMIT, "%s already has %d series", f->name,
                             OT_METRICS_MAX_SERIES);
    memset(&s, 0, sizeof s);
    s.label_values = count ? ot__calloc(count, sizeof *s.label_values) : NULL;
    s.buckets = f->bucket_count ? ot__calloc(f->bucket_count, sizeof *s.buckets) : NULL;
    if ((count && !s.label_values) || (f->bucket_count && !s.buckets))
        goto nomem;
    for (i = 0; i < count; i++)
        if (!(s.label_values[i] = ot__strdup(values[i])))
            goto nomem;
    if (!(grown = ot__grow(f->series, &f->series_capacity, f->series_count, sizeof *grown, 8)))
        goto nomem;
    f->series = grown;
    f->series[f->series_count] = s;
    *out = &f->series[f->series_count++];
    return 0;
nomem:
    series_clear(f, &s);
    return ot__error_set(err, OT_ENOMEM, "out of memory adding a series to %s", f->name);
}

static void series_observe(const struct ot__family *f, struct ot__series *s, double v)
{
    size_t i;
    if (f->kind == OT_METRIC_COUNTER) {
        s->value += v;
        return;
    }
    for (i = 0; i < f->bucket_count && v > f->bounds[i]; i++)
        ;
    if (i < f->bucket_count)
        s->buckets[i]++;
    s->value += v;
    s->count++;
}

/* Pre-create every series of a built-in whose label values are a known vocabulary. */
static int builtin_series(struct ot__family *f, int b, ot_error *err)
{
    const struct ot__vocab *v0 = builtins[b].vocab[0], *v1 = builtins[b].vocab[1];
    const char *values[2];
    struct ot__series *s;
    int i, j, rc;
    if (!v0)
        return series_get(&s, f, NULL, 0, err);
    for (i = 1; i < v0->count; i++)
        for (j = v1 ? 1 : 0; j < (v1 ? v1->count : 1); j++) {
            values[0] = v0->names[i];
            values[1] = v1 ? v1->names[j] : NULL;
            if ((rc = series_get(&s, f, values, builtins[b].label_count, err)) < 0)
                return rc;
        }
    return 0;
}

int ot_metrics_new(ot_metrics **metrics, ot_error *err)
{
    ot_metrics *m;
    int b, rc;

    if (!metrics)
        return ot__error_field(err, OT_EINVAL, "metrics", "output pointer is NULL");
    *metrics = NULL;
    m = ot__calloc(1, sizeof *m);
    if (!m)
        return ot__error_set(err, OT_ENOMEM, "out of memory allocating a metrics registry");
    if (pthread_mutex_init(&m->lock, NULL) != 0) {
        ot__free(m);
        return ot__error_set(err, OT_ENOMEM, "could not create the metrics registry's lock");
    }
    for (b = 0; b < B_COUNT; b++) {
        if ((rc = family_add(m, builtins[b].kind, builtins[b].name, 0, builtins[b].help,
                             builtins[b].labels, builtins[b].label_count, builtins[b].buckets,
                             builtins[b].bucket_count, err)) < 0 ||
            (rc = builtin_series(&m->families[b], b, err)) < 0) {
            ot_metrics_free(m);
            return rc;
        }
    }
    *metrics = m;
    return 0;
}

void ot_metrics_free(ot_metrics *metrics)
{
    size_t i;
    if (!metrics)
        return;
    for (i = 0; i < metrics->family_count; i++)
        family_clear(&metrics->families[i]);
    ot__free(metrics->families);
    pthread_mutex_destroy(&metrics->lock);
    ot__free(metrics);
}

static int registered(ot_metrics *metrics, int kind, const char *name, int verbatim,
                      const char *help, const char *const *label_names, size_t label_count,
                      const double *buckets, size_t bucket_count, ot_error *err)
{
    int rc;
    if (!metrics)
        return ot__error_field(err, OT_EINVAL, "metrics", "metrics is NULL");
    pthread_mutex_lock(&metrics->lock);
    rc = family_add(metrics, kind, name, verbatim, help, label_names, label_count, buckets,
                    bucket_count, err);
    pthread_mutex_unlock(&metrics->lock);
    return rc;
}

int ot_metrics_register(ot_metrics *metrics, int kind, const char *name, const char *help,
                        const char *const *label_names, size_t label_count,
                        const double *buckets, size_t bucket_count, ot_error *err)
{
    return registered(metrics, kind, name, 0, help, label_names, label_count, buckets,
                      bucket_count, err);
}

int ot_metrics_register_unprefixed(ot_metrics *metrics, int kind, const char *name,
                                   const char *help, const char *const *label_names,
                                   size_t label_count, const double *buckets,
                                   size_t bucket_count, ot_error *err)
{
    return registered(metrics, kind, name, 1, help, label_names, label_count, buckets,
                      bucket_count, err);
}

/* Record `value` in the series `values` of the family at `index` (by name when < 0). */
static int record(ot_metrics *m, int index, const char *name, int kind,
                  const char *const *values, size_t count, double value, ot_error *err)
{
    struct ot__family *f;
    struct ot__series *s;
    int rc = 0;

    if (!m)
        return ot__error_field(err, OT_EINVAL, "metrics", "metrics is NULL");
    if (!(value - value == 0.0) || (kind == OT_METRIC_COUNTER && value < 0))
        return ot__error_field(err, OT_EINVAL, "value", "value %g is not %s", value,
                               kind == OT_METRIC_COUNTER ? "finite and >= 0" : "finite");
    if (index < 0 && !name)
        return ot__error_field(err, OT_EINVAL, "name", "metric name is NULL");
    pthread_mutex_lock(&m->lock);
    f = index >= 0 ? &m->families[index] : family_find(m, name);
    if (!f)
        rc = ot__error_field(err, OT_ENOTFOUND, "name", "no metric named \"%.64s\"", name);
    else if (f->kind != kind)
        rc = ot__error_field(err, OT_EINVAL, "name", "%s is not a %s", f->name,
                             kind == OT_METRIC_COUNTER ? "counter" : "histogram");
    else if ((rc = series_get(&s, f, values, count, err)) == 0)
        series_observe(f, s, value);
    pthread_mutex_unlock(&m->lock);
    return rc;
}

int ot_metrics_add(ot_metrics *metrics, const char *name, const char *const *label_values,
                   size_t label_count, double value, ot_error *err)
{
    return record(metrics, -1, name, OT_METRIC_COUNTER, label_values, label_count, value,
                  err);
}

int ot_metrics_observe(ot_metrics *metrics, const char *name, const char *const *label_values,
                       size_t label_count, double value, ot_error *err)
{
    return record(metrics, -1, name, OT_METRIC_HISTOGRAM, label_values, label_count, value,
                  err);
}

/* A built-in, its label values checked against their vocabularies first. */
static int builtin(ot_metrics *m, int b, int v0, int v1, double value, ot_error *err)
{
    const struct ot__vocab *voc[2] = {builtins[b].vocab[0], builtins[b].vocab[1]};
    const int given[2] = {v0, v1};
    const char *values[2] = {NULL, NULL};
    size_t i;

    if (!m)
        return ot__error_field(err, OT_EINVAL, "metrics", "metrics is NULL");
    for (i = 0; i < builtins[b].label_count; i++) {
        if (!ot__vocab_valid(voc[i], given[i]))
            return ot__error_field(err, OT_EINVAL, builtins[b].labels[i],
                                   "%d is not a valid %s value", given[i], voc[i]->kind);
        values[i] = voc[i]->names[given[i]];
    }
    return record(m, b, NULL, builtins[b].kind, values,
                  builtins[b].label_count, value, err);
}

int ot_metrics_count_transition(ot_metrics *metrics, int status, ot_error *err)
{
    return builtin(metrics, B_TRANSITIONS, status, 0, 1, err);
}

int ot_metrics_count_shipment_transition(ot_metrics *metrics, int status, ot_error *err)
{
    return builtin(metrics, B_SHIPMENT_TRANSITIONS, status, 0, 1, err);
}

int ot_metrics_count_sla(ot_metrics *metrics, int stage, int state, ot_error *err)
{
    if (state != OT_SLA_STATE_WARNING && state != OT_SLA_STATE_BREACHED)
        return ot__error_field(err, OT_EINVAL, "state",
                               "%d is not a counted SLA state (warning or breached)", state);
    return builtin(metrics, state == OT_SLA_STATE_WARNING ? B_SLA_WARNINGS : B_SLA_BREACHES,
                   stage, 0, 1, err);
}

int ot_metrics_count_storage_conflict(ot_metrics *metrics, ot_error *err)
{
    return builtin(metrics, B_STORAGE_CONFLICTS, 0, 0, 1, err);
}

int ot_metrics_count_storage_retry(ot_metrics *metrics, ot_error *err)
{
    return builtin(metrics, B_STORAGE_RETRIES, 0, 0, 1, err);
}

int ot_metrics_count_webhook_failure(ot_metrics *metrics, int provider, ot_error *err)
{
    return builtin(metrics, B_WEBHOOK_FAILURES, provider, 0, 1, err);
}

int ot_metrics_count_courier_update(ot_metrics *metrics, int provider, int result,
                                    ot_error *err)
{
    return builtin(metrics, B_COURIER_UPDATES, provider, result, 1, err);
}

int ot_metrics_observe_stage_duration(ot_metrics *metrics, int stage, int64_t duration_ms,
                                      ot_error *err)
{
    if (duration_ms < 0)
        return ot__error_field(err, OT_EINVAL, "duration_ms", "duration %lld ms is negative",
                               (long long)duration_ms);
    return builtin(metrics, B_STAGE_DURATION, stage, 0, (double)duration_ms / 1000.0, err);
}

int ot_metrics_observe_eta_error(ot_metrics *metrics, int64_t error_ms, ot_error *err)
{
    return builtin(metrics, B_ETA_ERROR, 0, 0, (double)error_ms / 1000.0, err);
}

int ot__metrics_count_refused(ot_metrics *metrics, int provider, int reason, ot_error *err)
{
    return builtin(metrics, B_UPDATES_REFUSED, provider, reason, 1, err);
}

int ot__metrics_count_reconcile(ot_metrics *metrics, int finding_class, ot_error *err)
{
    return builtin(metrics, B_RECONCILE_FINDINGS, finding_class, 0, 1, err);
}
