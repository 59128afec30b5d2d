/**
 * @file sla.h
 * @brief SLA policies, the per-order SLA report, the ETA error and aggregate statistics.
 *
 * An order passes through timed stages (see ot_sla_stage and docs/sla.md); which ones
 * follows its kind: a hyperlocal order (uber, doordash, internal, or unknown) has the store
 * stages and delivery, a parcel shipment (delhivery, delhivery_b2b, shiprocket, velocity)
 * delivery, no_scan and ndr_age. A policy gives the time allowed for each stage and the
 * fraction of it after which the stage is in warning. The calculators work on a caller-filled ot_sla_times (milliseconds since the
 * epoch, UTC; 0 = not yet) and an explicit `now_ms`, so they never read a clock.
 *
 * Boundaries, exactly (A = allowed_ms, W = warning_ms = A * warning_fraction rounded to the
 * nearest millisecond, E = elapsed_ms):
 *   - PENDING   the stage has not started;
 *   - OK        E <  W;
 *   - WARNING   W <= E <= A;
 *   - BREACHED  E >  A.
 * So E == A is still a warning and A + 1 ms is a breach.
 *
 * Thread safety: the pure functions (codecs, ot_sla_policy_init, ot_sla_evaluate_policy,
 * ot_sla_eta_error, ot_sla_report_to_json) are thread-safe. An ot_sla_policies handle may
 * be read (lookup, evaluate) by many threads at once once set up; changing it (put, remove,
 * set_default) needs exclusive access. An ot_sla_stats accumulator is not thread-safe: use
 * one per thread and combine them with ot_sla_stats_merge.
 */
#ifndef ORDERTRACK_SLA_H
#define ORDERTRACK_SLA_H

#include <stddef.h>
#include <stdint.h>

#include "export.h"
#include "error.h"
#include "order.h"

/** SLA stages. Values are explicit and never renumbered; 0 is unknown. */
typedef enum ot_sla_stage {
    OT_SLA_STAGE_UNKNOWN = 0,
    OT_SLA_STAGE_STORE_ACKNOWLEDGMENT = 1, /**< "store_acknowledgment": notified → acknowledged
                                                (hyperlocal) */
    OT_SLA_STAGE_PICKING = 2,              /**< "picking": acknowledged → ready (hyperlocal) */
    OT_SLA_STAGE_DRIVER_ASSIGNMENT = 3,    /**< "driver_assignment": ready → driver assigned
                                                (hyperlocal) */
    OT_SLA_STAGE_PICKUP = 4,               /**< "pickup": driver assigned → picked up
                                                (hyperlocal) */
    OT_SLA_STAGE_DELIVERY = 5,             /**< "delivery": picked up → delivered, by ETA + grace
                                                (both kinds, when the order has an ETA) */
    OT_SLA_STAGE_NO_SCAN = 6,              /**< "no_scan": since the last scan (parcel) */
    OT_SLA_STAGE_NDR_AGE = 7               /**< "ndr_age": since the NDR (parcel) */
} ot_sla_stage;
/** One past the largest ot_sla_stage value. */
#define OT_SLA_STAGE_COUNT 8

/** State of one stage, ordered from best to worst (the worst state is the largest value). */
typedef enum ot_sla_state {
    OT_SLA_STATE_UNKNOWN = 0,
    OT_SLA_STATE_PENDING = 1,  /**< "pending": not started, or cannot be judged yet */
    OT_SLA_STATE_OK = 2,       /**< "ok" */
    OT_SLA_STATE_WARNING = 3,  /**< "warning" */
    OT_SLA_STATE_BREACHED = 4  /**< "breached" */
} ot_sla_state;
/** One past the largest ot_sla_state value. */
#define OT_SLA_STATE_COUNT 5

/** Largest duration a policy accepts: 366 days in milliseconds. */
#define OT_SLA_MAX_DURATION_MS INT64_C(31622400000)

/** Newest version of `ot_sla_policy` this header describes (its `version` member). */
#define OT_SLA_POLICY_VERSION 1

/**
 * Time allowed per stage, filled by the caller from OT_SLA_POLICY_INIT (the defaults of the
 * `sla` config block). Every duration is in milliseconds, 0..OT_SLA_MAX_DURATION_MS; a stage
 * whose allowance is 0 is not monitored (its report entry has applies = 0). The delivery
 * stage is judged against the order's estimated delivery time plus delivery_grace_ms (0 is
 * a valid grace); an order without an ETA has no delivery stage. Version 1 members are all
 * of the following.
 */
typedef struct ot_sla_policy {
    unsigned version;               /**< OT_SLA_POLICY_VERSION */
    int64_t store_acknowledgment_ms;/**< default 300000 (5 min) */
    int64_t picking_ms;             /**< default 1200000 (20 min) */
    int64_t driver_assignment_ms;   /**< default 600000 (10 min) */
    int64_t pickup_ms;              /**< default 900000 (15 min) */
    int64_t delivery_grace_ms;      /**< default 600000 (10 min) */
    double warning_fraction;        /**< in (0, 1]; default 0.8 */
    int64_t no_scan_ms;             /**< courier orders; default 172800000 (48 h) */
    int64_t ndr_age_ms;             /**< courier orders; default 259200000 (72 h) */
} ot_sla_policy;

/** Initialiser of `ot_sla_policy` with its defaults at OT_SLA_POLICY_VERSION. */
#define OT_SLA_POLICY_INIT                                                              \
    { OT_SLA_POLICY_VERSION, INT64_C(300000), INT64_C(1200000), INT64_C(600000),        \
      INT64_C(900000), INT64_C(600000), 0.8, INT64_C(172800000), INT64_C(259200000) }

/** Newest version of `ot_sla_times` this header describes (its `version` member). */
#define OT_SLA_TIMES_VERSION 1

/**
 * The timestamps of one order the calculators need: milliseconds since the epoch UTC, 0 when
 * the event has not happened (negative values are refused). The engine fills it from an
 * order record; a caller may fill it from OT_SLA_TIMES_INIT. The struct never owns
 * `store_id`, and the library keeps no pointer into it after a call.
 */
typedef struct ot_sla_times {
    unsigned version;               /**< OT_SLA_TIMES_VERSION */
    const char *store_id;           /**< selects a per-store policy; NULL = the default */
    int provider;                   /**< ot_provider: selects the stages of its kind
                                         (file comment); 0 (unknown) counts as hyperlocal */
    int64_t store_notified_ms;      /**< when the store was (last) notified */
    int64_t store_acknowledged_ms;  /**< when the store acknowledged after that */
    int64_t picking_started_ms;     /**< starts picking when no acknowledgment was recorded */
    int64_t ready_ms;               /**< picking complete, ready for pickup */
    int64_t driver_assigned_ms;     /**< when a driver was first assigned */
    int64_t driver_pickup_ms;       /**< for couriers: the first pick-up scan */
    int64_t delivered_ms;           /**< actual delivery time */
    int64_t estimated_delivery_ms;  /**< ETA; without it there is no delivery stage */
    int64_t last_scan_ms;           /**< courier: time of the last scan */
    int64_t ndr_since_ms;           /**< courier: start of the current NDR, 0 if none */
    int64_t closed_ms;              /**< reached a terminal state other than delivered
                                         (cancelled, failed, RTO...): clocks stop there */
} ot_sla_times;

/** Initialiser of `ot_sla_times` with its defaults at OT_SLA_TIMES_VERSION. */
#define OT_SLA_TIMES_INIT { OT_SLA_TIMES_VERSION, NULL, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }

/** One stage of a report. Times are ms since the epoch UTC, 0 when not (yet) known. */
typedef struct ot_sla_stage_report {
    int stage;              /**< ot_sla_stage */
    int state;              /**< ot_sla_state */
    int applies;            /**< 1 if the stage is monitored for this order: of its kind,
                                 with a budget, and (once the order is delivered or
                                 closed) started; else 0, with allowed_ms 0 and state
                                 PENDING, and the stage is left out of the worst state
                                 and of the JSON */
    int64_t started_ms; /**< when the stage started, ms since the epoch; 0 if not yet */
    int64_t finished_ms; /**< when it finished; 0 while running */
    int64_t elapsed_ms;     /**< finished (or now, or closed) minus started; 0 if pending */
    int64_t allowed_ms;     /**< A of the file comment */
    int64_t warning_ms;     /**< W of the file comment */
} ot_sla_stage_report;

/** Room for stages in a report; stages beyond OT_SLA_STAGE_COUNT are reserved. */
#define OT_SLA_REPORT_MAX_STAGES 16
/** Newest version of `ot_sla_report` this header describes (its `version` member). */
#define OT_SLA_REPORT_VERSION 1

/**
 * The SLA report of one order at one time. The caller sets `version` (OT_SLA_REPORT_INIT);
 * the library fills the rest. `stages[s]` is the entry of stage `s` for
 * 1 <= s < stage_count; stages[0] is unused.
 */
typedef struct ot_sla_report {
    unsigned version;       /**< OT_SLA_REPORT_VERSION, set by the caller */
    int state;              /**< worst state over the applicable stages */
    int64_t now_ms;         /**< the evaluation time */
    unsigned stage_count;   /**< OT_SLA_STAGE_COUNT of the library that filled it */
    ot_sla_stage_report stages[OT_SLA_REPORT_MAX_STAGES]; /**< by ot_sla_stage; [0] unused */
} ot_sla_report;

/** Initialiser of `ot_sla_report` with its defaults at OT_SLA_REPORT_VERSION. */
#define OT_SLA_REPORT_INIT { OT_SLA_REPORT_VERSION, 0, 0, 0, { { 0, 0, 0, 0, 0, 0, 0, 0 } } }

/** Opaque set of policies: a default and per-store overrides. */
typedef struct ot_sla_policies ot_sla_policies;

/** Opaque one-pass accumulator of SLA statistics with bounded memory. */
typedef struct ot_sla_stats ot_sla_stats;

/** Newest version of `ot_sla_summary` this header describes (its `version` member). */
#define OT_SLA_SUMMARY_VERSION 1

/**
 * Statistics of one series (a stage's durations or the ETA error), in milliseconds. The
 * caller sets `version` (OT_SLA_SUMMARY_INIT). Percentiles are nearest-rank, estimated
 * within |estimate - exact| <= |exact| / 128 (see docs/sla.md); min, max, count and mean
 * are exact. With count 0 every other member is 0.
 */
typedef struct ot_sla_summary {
    unsigned version;       /**< OT_SLA_SUMMARY_VERSION, set by the caller */
    uint64_t count;         /**< number of values */
    double mean;            /**< arithmetic mean */
    int64_t min;            /**< smallest value */
    int64_t max;            /**< largest value */
    int64_t p50;            /**< median (nearest rank, estimated) */
    int64_t p90;            /**< 90th percentile (estimated) */
    int64_t p99;            /**< 99th percentile (estimated) */
    uint64_t warnings;      /**< stages added in WARNING (stage series only) */
    uint64_t breaches;      /**< stages added in BREACHED (stage series only) */
} ot_sla_summary;

/** Initialiser of `ot_sla_summary` with its defaults at OT_SLA_SUMMARY_VERSION. */
#define OT_SLA_SUMMARY_INIT { OT_SLA_SUMMARY_VERSION, 0, 0.0, 0, 0, 0, 0, 0, 0, 0 }

OT_BEGIN_DECLS

/**
 * Wire name of a stage ("picking"); OT_EINVAL for UNKNOWN or out of range. Pure.
 * @param name receives the static wire name
 * @param stage the SLA stage (ot_sla_stage)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_sla_stage_to_string(const char **name, int stage, ot_error *err);
/**
 * Stage from its exact wire name; OT_EINVAL naming the string if unknown. Pure.
 * @param stage receives the SLA stage
 * @param name the exact wire name
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_sla_stage_from_string(ot_sla_stage *stage, const char *name, ot_error *err);
/**
 * Wire name of a state ("warning"); OT_EINVAL for UNKNOWN or out of range. Pure.
 * @param name receives the static wire name
 * @param state the SLA state (ot_sla_state)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_sla_state_to_string(const char **name, int state, ot_error *err);
/**
 * State from its exact wire name; OT_EINVAL naming the string if unknown. Pure.
 * @param state receives the SLA state
 * @param name the exact wire name
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_sla_state_from_string(ot_sla_state *state, const char *name, ot_error *err);

/**
 * Fill `policy` with the defaults of `version` (for bindings that cannot use the macro).
 * @param policy the struct to fill (caller-owned)
 * @param version the struct version to fill, 1 to OT_SLA_POLICY_VERSION
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL for a NULL struct, or OT_EVERSION for a version this library does not
 *         know
 */
OT_EXTERN int ot_sla_policy_init(ot_sla_policy *policy, unsigned version, ot_error *err);
/**
 * 0 if `policy` is usable; OT_EVERSION or OT_EINVAL naming the offending member. Pure.
 * @param policy the policy to check
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_sla_policy_check(const ot_sla_policy *policy, ot_error *err);
/**
 * Fill `times` with the defaults of `version` (all zero, no store, unknown provider).
 * @param times the struct to fill (caller-owned)
 * @param version the struct version to fill, 1 to OT_SLA_TIMES_VERSION
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL for a NULL struct, or OT_EVERSION for a version this library does not
 *         know
 */
OT_EXTERN int ot_sla_times_init(ot_sla_times *times, unsigned version, ot_error *err);
/**
 * Prepare `report` for `version` (for bindings that cannot use the macro).
 * @param report the struct to fill (caller-owned)
 * @param version the struct version to fill, 1 to OT_SLA_REPORT_VERSION
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL for a NULL struct, or OT_EVERSION for a version this library does not
 *         know
 */
OT_EXTERN int ot_sla_report_init(ot_sla_report *report, unsigned version, ot_error *err);
/**
 * Prepare `summary` for `version` (for bindings that cannot use the macro).
 * @param summary the struct to fill (caller-owned)
 * @param version the struct version to fill, 1 to OT_SLA_SUMMARY_VERSION
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL for a NULL struct, or OT_EVERSION for a version this library does not
 *         know
 */
OT_EXTERN int ot_sla_summary_init(ot_sla_summary *summary, unsigned version, ot_error *err);

/**
 * New policy set whose default is a copy of `default_policy` (NULL: OT_SLA_POLICY_INIT).
 * Free with ot_sla_policies_free.
 * @param policies receives the new set (free with ot_sla_policies_free())
 * @param default_policy the default policy (copied), or NULL for OT_SLA_POLICY_INIT
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_sla_policies_new(ot_sla_policies **policies, const ot_sla_policy *default_policy,
                                  ot_error *err);
/**
 * Free a policy set. Accepts NULL.
 * @param policies the set, or NULL
 */
OT_EXTERN void ot_sla_policies_free(ot_sla_policies *policies);
/**
 * Replace the default policy with a copy of `policy`. Needs exclusive access.
 * @param policies the set
 * @param policy the new default (copied)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_sla_policies_set_default(ot_sla_policies *policies, const ot_sla_policy *policy,
                                          ot_error *err);
/**
 * Add or replace the override of `store_id` (1..255 bytes) with a copy of `policy`.
 * Needs exclusive access. On failure nothing changes.
 * @param policies the set
 * @param store_id the store (1..255 bytes)
 * @param policy the store's policy (copied)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_sla_policies_put(ot_sla_policies *policies, const char *store_id,
                                  const ot_sla_policy *policy, ot_error *err);
/**
 * Remove the override of `store_id`; OT_ENOTFOUND if it has none. Needs exclusive access.
 * @param policies the set
 * @param store_id the store
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_sla_policies_remove(ot_sla_policies *policies, const char *store_id,
                                     ot_error *err);
/**
 * Copy the policy that applies to `store_id` (NULL: the default) into `*policy`. Returns 1
 * when the store has its own override, 0 when the default applies, or a negative code.
 * Safe from many threads at once while nobody changes the set.
 * @param policy receives a copy of the policy that applies
 * @param policies the set
 * @param store_id the store, or NULL for the default
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 1 when the store has its own policy, 0 when the default applies, or a negative
 *         OT_E... code
 */
OT_EXTERN int ot_sla_policies_lookup(ot_sla_policy *policy, const ot_sla_policies *policies,
                                     const char *store_id, ot_error *err);
/**
 * Number of per-store overrides.
 * @param policies the set
 * @return the number of overrides
 */
OT_EXTERN size_t ot_sla_policies_count(const ot_sla_policies *policies);

/**
 * New policy set from the `sla` block of the config file (docs/API.md): a JSON object of
 * `len` bytes with the optional members store_acknowledgment_ms, picking_ms,
 * driver_assignment_ms, pickup_ms, delivery_grace_ms, warning_fraction, no_scan_ms,
 * ndr_age_ms (missing ones keep the defaults) and `stores`, an object mapping store ids to
 * objects with the same duration members, each overriding the block's own values. Unknown
 * members are refused. Errors (OT_EPARSE for bad JSON, OT_EINVAL for a bad member) name the
 * field path in err->field ("stores.store-1.picking_ms"). Free with ot_sla_policies_free.
 * @param policies receives the new set (free with ot_sla_policies_free())
 * @param json the `sla` block; need not be NUL-terminated
 * @param len length of `json` in bytes
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_sla_policies_from_json(ot_sla_policies **policies, const char *json, size_t len,
                                        ot_error *err);

/**
 * Fill `times` from an order record (docs/sla.md, "Stages"). `times->version` must be set by
 * the caller (OT_SLA_TIMES_INIT); every other member is overwritten:
 *   - store_id and provider from the record (`store_id` is borrowed from `order`);
 *   - store_notified_ms: the history entry that last entered store_notified (a reassignment
 *     to another store restarts it); store_acknowledged_ms: the first acknowledgment after it;
 *   - picking_started_ms, ready_ms, driver_pickup_ms, delivered_ms, estimated_delivery_ms:
 *     picking_start_time, picking_complete_time, delivery_pickup_time,
 *     actual_delivery_time, estimated_delivery_time; for parcel couriers without a
 *     delivery_pickup_time, driver_pickup_ms is the first courier scan past `pending`;
 *   - driver_assigned_ms: the history entry that first entered driver_assigned;
 *   - last_scan_ms: the newest courier update (its reported time, else its commit time);
 *   - ndr_since_ms: when the shipment entered its current `ndr` (0 when it is not in ndr);
 *   - closed_ms: when the order entered cancelled or failed, or its shipment entered rto,
 *     rto in transit, rto_delivered, lost, destroy or booking_cancelled (0 if never).
 * Pure: reads the record only. Thread-safe.
 * @param times receives the stage times (its `version` set by the caller)
 * @param order the record to read
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_sla_times_from_order(ot_sla_times *times, const ot_order *order,
                                      ot_error *err);

/**
 * SLA report of the order described by `times` at `now_ms` under `policy`. `report->version`
 * must be set by the caller; everything else in it is overwritten. Pure and thread-safe.
 * @param report receives the report (its `version` set by the caller)
 * @param policy the policy to judge by
 * @param times the order's stage times
 * @param now_ms evaluation time, ms since the epoch
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_sla_evaluate_policy(ot_sla_report *report, const ot_sla_policy *policy,
                                     const ot_sla_times *times, int64_t now_ms, ot_error *err);
/**
 * Same, with the policy that `policies` holds for times->store_id.
 * @param report receives the report (its `version` set by the caller)
 * @param policies the policy set
 * @param times the order's stage times
 * @param now_ms evaluation time, ms since the epoch
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_sla_evaluate(ot_sla_report *report, const ot_sla_policies *policies,
                              const ot_sla_times *times, int64_t now_ms, ot_error *err);

/**
 * ETA error of a delivered order: delivered_ms - estimated_delivery_ms, negative when early.
 * OT_ESTATE when the order is not delivered or has no estimate. Pure.
 * @param error_ms receives delivered_ms - estimated_delivery_ms
 * @param times the order's stage times
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_sla_eta_error(int64_t *error_ms, const ot_sla_times *times, ot_error *err);

/**
 * The report as the `/sla` route's JSON: {"stages":[{"stage","started_at","finished_at",
 * "elapsed_ms","allowed_ms","state"}...],"state":worst,"evaluated_at":now}, applicable stages
 * only, timestamps RFC 3339 UTC with milliseconds or null. `*json` is NUL-terminated, `*len`
 * excludes the NUL (len may be NULL); free it with ot_free. Thread-safe.
 * @param json receives the NUL-terminated JSON (free with ot_free())
 * @param len receives the length of `*json` without the NUL; may be NULL
 * @param report the report to write
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_sla_report_to_json(char **json, size_t *len, const ot_sla_report *report,
                                    ot_error *err);

/**
 * New empty accumulator. Free with ot_sla_stats_free.
 * @param stats receives the new accumulator (free with ot_sla_stats_free())
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_sla_stats_new(ot_sla_stats **stats, ot_error *err);
/**
 * Free an accumulator. Accepts NULL.
 * @param stats the accumulator, or NULL
 */
OT_EXTERN void ot_sla_stats_free(ot_sla_stats *stats);
/**
 * Add the finished stages of `report` (applicable, started and finished both known, and
 * judged: not pending): their durations, and whether they ended in warning or breach.
 * Running and pending stages are skipped. A report with an invalid state or a negative
 * elapsed time in any stage is refused (OT_EINVAL) and adds nothing.
 * @param stats the accumulator
 * @param report the report whose finished stages to add
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_sla_stats_add(ot_sla_stats *stats, const ot_sla_report *report, ot_error *err);
/**
 * Add one duration (>= 0 ms) of `stage` ending in `state` (OK, WARNING or BREACHED).
 * @param stats the accumulator
 * @param stage the stage (ot_sla_stage)
 * @param duration_ms its duration in ms (>= 0)
 * @param state how it ended: OT_SLA_STATE_OK, _WARNING or _BREACHED
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_sla_stats_add_duration(ot_sla_stats *stats, int stage, int64_t duration_ms,
                                        int state, ot_error *err);
/**
 * Add one ETA error (signed ms, as ot_sla_eta_error gives it).
 * @param stats the accumulator
 * @param error_ms the ETA error in ms, negative when early
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_sla_stats_add_eta_error(ot_sla_stats *stats, int64_t error_ms, ot_error *err);
/**
 * Add everything `src` holds into `dst` (as if every value had been added to `dst`).
 * @param dst the accumulator to add to
 * @param src the accumulator to add (unchanged)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_sla_stats_merge(ot_sla_stats *dst, const ot_sla_stats *src, ot_error *err);
/**
 * Statistics of the durations of `stage`; `summary->version` set by the caller.
 * @param summary receives the statistics (its `version` set by the caller)
 * @param stats the accumulator
 * @param stage the stage (ot_sla_stage)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_sla_stats_stage(ot_sla_summary *summary, const ot_sla_stats *stats, int stage,
                                 ot_error *err);
/**
 * Statistics of the ETA errors; `summary->version` set by the caller.
 * @param summary receives the statistics (its `version` set by the caller)
 * @param stats the accumulator
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_sla_stats_eta(ot_sla_summary *summary, const ot_sla_stats *stats,
                               ot_error *err);

OT_END_DECLS

#endif /* ORDERTRACK_SLA_H */
