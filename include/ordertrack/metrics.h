/**
 * @file metrics.h
 * @brief A registry of counters and histograms, written in the Prometheus text format.
 *
 * The library knows a fixed set of metrics (all names start with `ordertrack_`):
 *   - ordertrack_transitions_total{status}            lifecycle transitions applied
 *   - ordertrack_shipment_transitions_total{status}   shipment transitions applied
 *   - ordertrack_sla_warnings_total{stage}            stages that entered warning
 *   - ordertrack_sla_breaches_total{stage}            stages that were breached
 *   - ordertrack_storage_conflicts_total              optimistic-lock conflicts
 *   - ordertrack_storage_retries_total                storage operations retried
 *   - ordertrack_webhook_verifications_failed_total{provider}
 *   - ordertrack_courier_updates_total{provider,result}
 *   - ordertrack_updates_refused_total{provider,reason}  updates bound to another partner's
 *     order or delivery id, refused unapplied (reason provider_mismatch, tracking_id_mismatch)
 *   - ordertrack_sla_stage_duration_seconds{stage}    histogram of finished stage durations
 *   - ordertrack_eta_error_seconds                    histogram of delivered minus estimated
 *   - ordertrack_reconcile_findings_total{class}      (since 1.13) data inconsistencies found
 *     by ot_reconcile_run (reconcile.h) given this registry, by finding class
 * Every series of these with a known label value is present (at 0) from the start.
 * A host registers its own counters and histograms (requests by route and code, request
 * latency...) with ot_metrics_register (their names get the `ordertrack_` prefix too) or, in
 * a namespace of its own, ot_metrics_register_unprefixed.
 * See docs/sla.md for buckets and names.
 *
 * Thread safety: an ot_metrics may be shared by any number of threads; every function
 * taking one locks it (a mutex held for the length of the call, never across calls).
 */
#ifndef ORDERTRACK_METRICS_H
#define ORDERTRACK_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "export.h"
#include "error.h"

/** Opaque metrics registry. */
typedef struct ot_metrics ot_metrics;

/** Kind of a registered metric. */
typedef enum ot_metric_kind {
    OT_METRIC_UNKNOWN = 0,
    OT_METRIC_COUNTER = 1,      /**< monotonically increasing value */
    OT_METRIC_HISTOGRAM = 2     /**< observations counted in fixed buckets, plus sum and count */
} ot_metric_kind;
/** Number of ot_metric_kind values, OT_METRIC_UNKNOWN included. */
#define OT_METRIC_KIND_COUNT 3

/** What became of a courier update (label `result` of ordertrack_courier_updates_total). */
typedef enum ot_courier_result {
    OT_COURIER_RESULT_UNKNOWN = 0,
    OT_COURIER_RESULT_APPLIED = 1,  /**< "applied": a legal step, stored */
    OT_COURIER_RESULT_STALE = 2,    /**< "stale": late or duplicate, ignored */
    OT_COURIER_RESULT_REJECTED = 3, /**< "rejected": an illegal step */
    OT_COURIER_RESULT_UNMAPPED = 4, /**< "unmapped": no table maps the raw status */
    OT_COURIER_RESULT_FAILED = 5    /**< "failed": the update could not be processed */
} ot_courier_result;
/** Number of ot_courier_result values, OT_COURIER_RESULT_UNKNOWN included. */
#define OT_COURIER_RESULT_COUNT 6

/** Most labels a metric may have. */
#define OT_METRICS_MAX_LABELS 8
/** Most buckets of a histogram (besides the implicit +Inf). */
#define OT_METRICS_MAX_BUCKETS 64
/** Most series (label combinations) of one metric: beyond it, OT_ELIMIT. */
#define OT_METRICS_MAX_SERIES 10000
/** Most metrics in one registry. */
#define OT_METRICS_MAX_FAMILIES 256

OT_BEGIN_DECLS

/**
 * New registry holding the library's own metrics at 0. Free with ot_metrics_free.
 * @param metrics receives the new registry (free with ot_metrics_free())
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_metrics_new(ot_metrics **metrics, ot_error *err);
/**
 * Free a registry. Accepts NULL. No other thread may be using it.
 * @param metrics the registry, or NULL
 */
OT_EXTERN void ot_metrics_free(ot_metrics *metrics);

/*
 * The library's own instrumentation: the tracker calls these (ot_tracker_options.metrics).
 * Deprecated, not for hosts: they stay exported for the ABI and work as documented; a host
 * counts its own metrics with ot_metrics_register / ot_metrics_add / ot_metrics_observe,
 * which also reach these metrics by name ("webhook_verifications_failed_total").
 */
/**
 * Count one applied lifecycle transition into `status` (an ot_status).
 * @param metrics the registry
 * @param status the status entered (ot_status)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 * @deprecated The library's own instrumentation, not for hosts.
 */
OT_DEPRECATED
OT_EXTERN int ot_metrics_count_transition(ot_metrics *metrics, int status, ot_error *err);
/**
 * Count one applied shipment transition into `status` (an ot_shipment_status).
 * @param metrics the registry
 * @param status the shipment status entered (ot_shipment_status)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 * @deprecated The library's own instrumentation, not for hosts.
 */
OT_DEPRECATED
OT_EXTERN int ot_metrics_count_shipment_transition(ot_metrics *metrics, int status,
                                                   ot_error *err);
/**
 * Count a stage entering `state`: OT_SLA_STATE_WARNING or OT_SLA_STATE_BREACHED.
 * @param metrics the registry
 * @param stage the SLA stage (ot_sla_stage)
 * @param state OT_SLA_STATE_WARNING or OT_SLA_STATE_BREACHED
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 * @deprecated The library's own instrumentation, not for hosts.
 */
OT_DEPRECATED
OT_EXTERN int ot_metrics_count_sla(ot_metrics *metrics, int stage, int state, ot_error *err);
/**
 * Count one optimistic-lock conflict of the storage.
 * @param metrics the registry
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 * @deprecated The library's own instrumentation, not for hosts.
 */
OT_DEPRECATED
OT_EXTERN int ot_metrics_count_storage_conflict(ot_metrics *metrics, ot_error *err);
/**
 * Count one retried storage operation.
 * @param metrics the registry
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 * @deprecated The library's own instrumentation, not for hosts.
 */
OT_DEPRECATED
OT_EXTERN int ot_metrics_count_storage_retry(ot_metrics *metrics, ot_error *err);
/**
 * Count one failed webhook verification (bad signature...) of `provider` (ot_provider).
 * @param metrics the registry
 * @param provider the partner (ot_provider)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 * @deprecated The library's own instrumentation, not for hosts.
 */
OT_DEPRECATED
OT_EXTERN int ot_metrics_count_webhook_failure(ot_metrics *metrics, int provider,
                                               ot_error *err);
/**
 * Count one courier update of `provider` (ot_provider) with `result` (ot_courier_result).
 * @param metrics the registry
 * @param provider the courier (ot_provider)
 * @param result what became of the update (ot_courier_result)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 * @deprecated The library's own instrumentation, not for hosts.
 */
OT_DEPRECATED
OT_EXTERN int ot_metrics_count_courier_update(ot_metrics *metrics, int provider, int result,
                                              ot_error *err);
/**
 * Observe the duration (ms, >= 0) of a finished SLA `stage` (ot_sla_stage).
 * @param metrics the registry
 * @param stage the SLA stage (ot_sla_stage)
 * @param duration_ms its duration in ms (>= 0)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 * @deprecated The library's own instrumentation, not for hosts.
 */
OT_DEPRECATED
OT_EXTERN int ot_metrics_observe_stage_duration(ot_metrics *metrics, int stage,
                                                int64_t duration_ms, ot_error *err);
/**
 * Observe the ETA error (signed ms, as ot_sla_eta_error gives it) of a delivered order.
 * @param metrics the registry
 * @param error_ms the ETA error in ms, negative when early
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_DEPRECATED
OT_EXTERN int ot_metrics_observe_eta_error(ot_metrics *metrics, int64_t error_ms,
                                           ot_error *err);

/**
 * Register a host metric. `name` matches [a-zA-Z_:][a-zA-Z0-9_:]* (at most 200 bytes); the
 * `ordertrack_` prefix is added unless present. `help` is free text (NULL: none).
 * `label_names` (label_count <= OT_METRICS_MAX_LABELS) match [a-zA-Z_][a-zA-Z0-9_]*, are
 * distinct, do not start with "__" and, for histograms, are not "le". Histograms take
 * `bucket_count` finite, strictly increasing upper bounds (the +Inf bucket is implicit);
 * NULL buckets give the latency buckets 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
 * 10 (seconds). Counters take no buckets. OT_EEXISTS if the name is taken. All strings are
 * copied.
 * @param metrics the registry
 * @param kind OT_METRIC_COUNTER or OT_METRIC_HISTOGRAM
 * @param name the metric's name (copied)
 * @param help the help text (copied), or NULL
 * @param label_names `label_count` label names (copied); may be NULL when there are none
 * @param label_count number of labels, at most OT_METRICS_MAX_LABELS
 * @param buckets histogram upper bounds, or NULL for the latency buckets; NULL for counters
 * @param bucket_count number of `buckets`
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_metrics_register(ot_metrics *metrics, int kind, const char *name,
                                  const char *help, const char *const *label_names,
                                  size_t label_count, const double *buckets,
                                  size_t bucket_count, ot_error *err);
/**
 * Register a host metric as ot_metrics_register does, but under `name` exactly as given,
 * without the `ordertrack_` prefix: a host's own namespace ("ordertrackd_http_requests_total").
 * OT_EEXISTS also when the name, with or without the prefix, names a metric already there
 * (ot_metrics_add finds a metric by either).
 * @param metrics the registry
 * @param kind OT_METRIC_COUNTER or OT_METRIC_HISTOGRAM
 * @param name the metric's whole name (copied)
 * @param help the help text (copied), or NULL
 * @param label_names `label_count` label names (copied); may be NULL when there are none
 * @param label_count number of labels, at most OT_METRICS_MAX_LABELS
 * @param buckets histogram upper bounds, or NULL for the latency buckets; NULL for counters
 * @param bucket_count number of `buckets`
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_metrics_register_unprefixed(ot_metrics *metrics, int kind, const char *name,
                                             const char *help, const char *const *label_names,
                                             size_t label_count, const double *buckets,
                                             size_t bucket_count, ot_error *err);
/**
 * Add `value` (finite, >= 0) to the series of counter `name` with `label_values` (one UTF-8
 * string per label, in registration order). A new series is created on first use.
 * OT_ENOTFOUND for an unknown name, OT_ELIMIT past OT_METRICS_MAX_SERIES.
 * @param metrics the registry
 * @param name the counter's name, as registered
 * @param label_values one value per label, in registration order
 * @param label_count number of `label_values`
 * @param value the amount to add (finite, >= 0)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_metrics_add(ot_metrics *metrics, const char *name,
                             const char *const *label_values, size_t label_count, double value,
                             ot_error *err);
/**
 * Observe `value` (finite) in the series of histogram `name`, as ot_metrics_add does.
 * @param metrics the registry
 * @param name the histogram's name, as registered
 * @param label_values one value per label, in registration order
 * @param label_count number of `label_values`
 * @param value the observation (finite)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_metrics_observe(ot_metrics *metrics, const char *name,
                                 const char *const *label_values, size_t label_count,
                                 double value, ot_error *err);

/**
 * Write every metric in the Prometheus text exposition format 0.0.4 (# HELP and # TYPE lines,
 * then one line per sample; histograms as _bucket{le=...} including +Inf, _sum, _count).
 * `*text` is NUL-terminated, `*len` excludes the NUL (len may be NULL); free it with ot_free.
 * @param text receives the NUL-terminated text (free with ot_free())
 * @param len receives the length of `*text` without the NUL; may be NULL
 * @param metrics the registry
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_metrics_write_prometheus(char **text, size_t *len, const ot_metrics *metrics,
                                          ot_error *err);

OT_END_DECLS

#endif /* ORDERTRACK_METRICS_H */
