/**
 * @file escalation.h
 * @brief The escalation ladder (since 1.2): an order that stays stuck is alerted, then
 *        escalated at a higher severity, each step once per order.
 *
 * Two rules, both in the library (docs/sla.md, "Escalation"):
 *   - store acknowledgment: an order still `store_notified` when its store_acknowledgment SLA
 *     stage is breached (the tracker's SLA policy, per store) gets level 1, a
 *     `store_ack_timeout` issue of severity high and an OT_NOTICE_TIMEOUT_ALERT; still
 *     unacknowledged `store_ack_escalation_ms` later it gets level 2, a second issue of severity
 *     critical and an OT_NOTICE_ESCALATION. ot_tracker_store_ack_sweep() applies it.
 *   - no driver: ot_tracker_assign_driver() without a driver records a `no_drivers` issue
 *     (severity medium, OT_NOTICE_ISSUE_RAISED) per attempt; attempt number
 *     `no_driver_escalation_attempts` also records a `no_drivers` issue of severity critical
 *     and sends an OT_NOTICE_ESCALATION instead.
 * Each step is an `issue_raised` event whose data names the step (`escalation`), committed with
 * the version compare-and-set before the notice goes out: once per order and level across
 * sweeps, restarts and concurrent processes.
 */
#ifndef ORDERTRACK_ESCALATION_H
#define ORDERTRACK_ESCALATION_H

#include <stddef.h>
#include <stdint.h>

#include "export.h"
#include "error.h"
#include "tracker.h"

/** Newest version of `ot_escalation_policy` this header describes (its `version` member). */
#define OT_ESCALATION_POLICY_VERSION 1

/** Largest store_ack_escalation_ms (366 days) and no_driver_escalation_attempts. */
#define OT_ESCALATION_MAX_MS 31622400000LL
/** Largest no_driver_escalation_attempts. */
#define OT_ESCALATION_MAX_ATTEMPTS 1000u

/** The escalation policy, filled by the caller (OT_ESCALATION_POLICY_INIT) and given to the
 *  tracker (ot_tracker_options.escalation, copied). Version 1: all members. */
typedef struct ot_escalation_policy {
    unsigned version;                       /**< OT_ESCALATION_POLICY_VERSION */
    int64_t store_ack_escalation_ms;        /**< after the store_acknowledgment breach (level
                                                 1), this much longer still unacknowledged
                                                 gives level 2 (0..OT_ESCALATION_MAX_MS; 0: no
                                                 level 2). Default 600000 (10 minutes) */
    unsigned no_driver_escalation_attempts; /**< the no-driver attempt that escalates
                                                 (0..OT_ESCALATION_MAX_ATTEMPTS; 0: never).
                                                 Default 3 */
} ot_escalation_policy;

/** Initialiser of `ot_escalation_policy` with its defaults at OT_ESCALATION_POLICY_VERSION. */
#define OT_ESCALATION_POLICY_INIT { OT_ESCALATION_POLICY_VERSION, 600000, 3u }

/** Newest version of `ot_escalation_sweep_result`
 *  this header describes (its `version` member). */
#define OT_ESCALATION_SWEEP_RESULT_VERSION 1
/** Size of ot_escalation_sweep_result.resume, NUL included. */
#define OT_ESCALATION_SWEEP_RESUME_SIZE 272

/** What one store-acknowledgment sweep did; the caller sets `version`
 *  (OT_ESCALATION_SWEEP_RESULT_INIT) and keeps `resume` between bounded sweeps. Version 1:
 *  all members. */
typedef struct ot_escalation_sweep_result {
    unsigned version;       /**< OT_ESCALATION_SWEEP_RESULT_VERSION, set by the caller */
    size_t examined;        /**< store_notified orders evaluated */
    size_t alerts;          /**< level 1 steps recorded (OT_NOTICE_TIMEOUT_ALERT sent) */
    size_t escalations;     /**< level 2 steps recorded (OT_NOTICE_ESCALATION sent) */
    size_t conflicts;       /**< commits lost to another writer (then reloaded) */
    int complete;           /**< 1 when the sweep reached the last store_notified order */
    char resume[OT_ESCALATION_SWEEP_RESUME_SIZE]; /**< in and out: where the sweep starts
                                                       ("": the first order) */
} ot_escalation_sweep_result;

/** Initialiser of `ot_escalation_sweep_result`
 *  with its defaults at OT_ESCALATION_SWEEP_RESULT_VERSION. */
#define OT_ESCALATION_SWEEP_RESULT_INIT { OT_ESCALATION_SWEEP_RESULT_VERSION, 0, 0, 0, 0, 0, "" }

OT_BEGIN_DECLS

/**
 * Fill `policy` with the defaults of `version` (for bindings without the macro).
 * @param policy the struct to fill (caller-owned)
 * @param version the struct version to fill, 1 to OT_ESCALATION_POLICY_VERSION
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL for a NULL struct, or OT_EVERSION for a version this library does not
 *         know
 */
OT_EXTERN int ot_escalation_policy_init(ot_escalation_policy *policy, unsigned version,
                                        ot_error *err);
/**
 * Fill `result` with the defaults of `version` (for bindings without the macro).
 * @param result the struct to fill (caller-owned)
 * @param version the struct version to fill, 1 to OT_ESCALATION_SWEEP_RESULT_VERSION
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL for a NULL struct, or OT_EVERSION for a version this library does not
 *         know
 */
OT_EXTERN int ot_escalation_sweep_result_init(ot_escalation_sweep_result *result,
                                              unsigned version, ot_error *err);

/**
 * The store-acknowledgment ladder: evaluate every `store_notified` order last updated before
 * `now_ms` (0: the tracker's clock) under the tracker's SLA and escalation policies, and
 * record and notify the level it has reached when that is higher than the one recorded for
 * the current notification (a store reassigned after a rejection starts again at 0). An order
 * found already past level 2 records and notifies level 2 only. At most `max_orders` orders
 * are examined (0: no limit); a bounded sweep starts at `out->resume` and leaves there where
 * the next one continues (`out->complete` 1 when it reached the end). A malformed `resume` is
 * OT_EINVAL. Version conflicts that exhaust the retries are skipped until the next sweep; any
 * other error stops the sweep and is returned, `*out` counting what was done. Thread-safe for
 * a shared tracker, like every write.
 * @param out counts what the sweep did; `out->resume` where a bounded sweep starts and leaves
 *        off
 * @param tracker the tracker
 * @param now_ms evaluation time, ms since the epoch; 0: the tracker's clock
 * @param max_orders most orders to examine; 0: no limit
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_tracker_store_ack_sweep(ot_escalation_sweep_result *out, ot_tracker *tracker,
                                         int64_t now_ms, size_t max_orders, ot_error *err);

OT_END_DECLS

#endif /* ORDERTRACK_ESCALATION_H */
