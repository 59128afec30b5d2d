/* Internal: the metrics registry, shared by lib/core/metrics/. Not installed. */
#ifndef OT_METRICS_INTERNAL_H
#define OT_METRICS_INTERNAL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "ordertrack/metrics.h"

struct ot__series {
    char **label_values;    /* family->label_count copies */
    double value;           /* counter value, or histogram sum */
    uint64_t count;         /* histogram: observations */
    uint64_t *buckets;      /* histogram: per bucket (not cumulative), bucket_count */
};

struct ot__family {
    int kind;               /* ot_metric_kind */
    char *name;             /* full name, with the ordertrack_ prefix */
    char *help;
    char **label_names;
    size_t label_count;
    double *bounds;         /* histogram upper bounds, without +Inf */
    size_t bucket_count;
    struct ot__series *series; /* in creation order */
    size_t series_count;
    size_t series_capacity;
};

struct ot_metrics {
    pthread_mutex_t lock;
    struct ot__family *families; /* in registration order */
    size_t family_count;
    size_t family_capacity;
};

/* Why the tracker refused a courier update (label `reason` of
 * ordertrack_updates_refused_total): the update is bound to the order's partner. */
enum ot__refusal {
    OT__REFUSED_NONE = 0,
    OT__REFUSED_PROVIDER = 1,     /* "provider_mismatch": another partner's order */
    OT__REFUSED_TRACKING_ID = 2,  /* "tracking_id_mismatch": not the order's delivery id/AWB */
    OT__REFUSED_COUNT = 3
};

/* Count one refused update of `provider` (ot_provider) for `reason` (enum ot__refusal). */
int ot__metrics_count_refused(ot_metrics *metrics, int provider, int reason, ot_error *err);

/* The reconcile finding classes (label `class` of ordertrack_reconcile_findings_total),
 * defined with reconcile (ops/reconcile.c). */
struct ot__vocab;
extern const struct ot__vocab ot__reconcile_class_vocab;
/* Count one reconcile finding of `finding_class` (ot_reconcile_class). */
int ot__metrics_count_reconcile(ot_metrics *metrics, int finding_class, ot_error *err);

#endif
