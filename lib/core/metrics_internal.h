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

#endif
