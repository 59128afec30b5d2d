/* Internal: shared between the files of lib/core/sla/. Not installed. */
#ifndef OT_SLA_INTERNAL_H
#define OT_SLA_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "ordertrack/sla.h"
#include "rules/vocab_internal.h"

extern const struct ot__vocab ot__sla_stage_vocab;
extern const struct ot__vocab ot__sla_state_vocab;

/* The duration members of ot_sla_policy: their names (as in the config block) and offsets. */
struct ot__sla_duration {
    const char *name;
    size_t offset; /* of an int64_t in ot_sla_policy */
};
#define OT__SLA_DURATION_COUNT 7
extern const struct ot__sla_duration ot__sla_durations[OT__SLA_DURATION_COUNT];

/*
 * Log-linear histogram of int64 values with bounded relative error (see docs/sla.md):
 * values below 2^OT__HIST_SUB_BITS fall in buckets of width 1; above, every power-of-two
 * range is split into 2^(OT__HIST_SUB_BITS-1) equal buckets, so a bucket is at most
 * 1/2^(OT__HIST_SUB_BITS-1) of its lower bound wide. Values above OT__HIST_MAX share the last
 * bucket. Negative values go to a mirror set of buckets by magnitude. Memory is fixed.
 */
#define OT__HIST_SUB_BITS 7
#define OT__HIST_MAX_BITS 42
#define OT__HIST_MAX ((INT64_C(1) << OT__HIST_MAX_BITS) - 1)
#define OT__HIST_BUCKETS                                                                   \
    ((1 << OT__HIST_SUB_BITS) +                                                            \
     (OT__HIST_MAX_BITS - OT__HIST_SUB_BITS) * (1 << (OT__HIST_SUB_BITS - 1)))

struct ot__histogram {
    uint64_t count;
    double mean;            /* running mean (Welford), exact to double precision */
    int64_t min;
    int64_t max;
    uint64_t neg[OT__HIST_BUCKETS]; /* by magnitude, for values < 0 */
    uint64_t pos[OT__HIST_BUCKETS]; /* values >= 0 */
};

void ot__histogram_reset(struct ot__histogram *h);
void ot__histogram_add(struct ot__histogram *h, int64_t value);
void ot__histogram_merge(struct ot__histogram *dst, const struct ot__histogram *src);
/* Nearest-rank percentile (0 < p <= 100) estimate; 0 for an empty histogram. */
int64_t ot__histogram_percentile(const struct ot__histogram *h, double p);

#endif
