/**
 * @file reconcile.h
 * @brief Reconcile (since 1.13): walk the store and report data inconsistencies by class.
 *
 * ot_reconcile_run() reads every order of the tracker's storage a page at a time (memory
 * bounded by the page, the courier batches and the order-service export) and reports each
 * finding through a callback, counts it in the summary and, when given, in the metrics
 * registry (`ordertrack_reconcile_findings_total{class}`) and as a `data_inconsistency`
 * alert (alerts.h). The classes (docs/operations.md, "Reconcile"):
 *   - stuck: a non-terminal order with an SLA stage breached at `now_ms` (the tracker's SLA
 *     policies);
 *   - status_mismatch: lifecycle and shipment status disagree (the shipment is terminal and
 *     the order is not, or the order is terminal and its shipment still moves towards
 *     another lifecycle status than the order's: an RTO shipment of a failed order agrees);
 *   - missing_here / missing_there / status_differs: against an order-service export (JSON
 *     Lines: order_id, store_id, status), an order only in the export, only here, or in both
 *     with another lifecycle status;
 *   - courier_differs: an order of a configured courier whose shipment is not terminal here
 *     and whose courier, asked once now (the courier clients of poll.h through the HTTP
 *     port), reports another shipment status than the stored one.
 * With `repair`, the safe cases are repaired through the tracker (its rules decide; a
 * refused step stays a finding): status_mismatch with a terminal shipment (the lifecycle
 * status the shipment implies, set as an operator would, at the version examined) and
 * courier_differs (the fresh courier updates applied as the
 * poller would). The other classes need a person.
 *
 * With `once`, a finding about an order is recorded in that order as an open
 * `data_inconsistency` issue (severity high) before it is alerted, by a write that reloads
 * the order and re-checks (as the SLA and GPS-gap sweeps do): across runs, restarts and
 * several processes on one store each finding of an order is alerted once while its issue
 * stays open. missing_here has no order to hold the mark: with `once` it is reported and
 * counted but not alerted.
 */
#ifndef ORDERTRACK_RECONCILE_H
#define ORDERTRACK_RECONCILE_H

#include <stddef.h>
#include <stdint.h>

#include "export.h"
#include "error.h"
#include "http.h"
#include "tracker.h"

struct ot_courier_client;
struct ot_alerts;
struct ot_metrics;

/** Finding classes; values are never renumbered. */
typedef enum ot_reconcile_class {
    OT_RECONCILE_STUCK = 1,           /**< "stuck" */
    OT_RECONCILE_STATUS_MISMATCH = 2, /**< "status_mismatch" */
    OT_RECONCILE_MISSING_HERE = 3,    /**< "missing_here" */
    OT_RECONCILE_MISSING_THERE = 4,   /**< "missing_there" */
    OT_RECONCILE_STATUS_DIFFERS = 5,  /**< "status_differs" */
    OT_RECONCILE_COURIER_DIFFERS = 6, /**< "courier_differs" */
    OT_RECONCILE_CLASS_COUNT = 7      /**< one past the largest class */
} ot_reconcile_class;

/** Newest version of `ot_reconcile_finding` this header describes. */
#define OT_RECONCILE_FINDING_VERSION 1

/** One finding, filled by the library for the callback; strings live for the call only. */
typedef struct ot_reconcile_finding {
    unsigned version;        /**< OT_RECONCILE_FINDING_VERSION */
    int finding_class;       /**< ot_reconcile_class */
    const char *order_id;    /**< the order */
    const char *store_id;    /**< its store, NULL when unknown */
    const char *courier;     /**< courier_differs: the courier's name; else NULL */
    const char *awb;         /**< the order's AWB where the class concerns the shipment; NULL */
    const char *detail;      /**< what is wrong, UTF-8 ("lifecycle in_transit but shipment
                                  delivered") */
    int repaired;            /**< 1: repaired by this run (a status_mismatch whose write lost
                                  the race to another run's repair counts too) */
    int alert;               /**< 1: the finding calls for a data_inconsistency alert (not
                                  repaired; with `once`, newly recorded in its order; never
                                  missing_here with `once`); queued on options.alerts when
                                  given, else the caller's to send */
    int noted;               /**< 1: already recorded by an open issue (options.once), so no
                                  alert again */
} ot_reconcile_finding;

/** Initialiser of `ot_reconcile_finding` at OT_RECONCILE_FINDING_VERSION. */
#define OT_RECONCILE_FINDING_INIT \
    { OT_RECONCILE_FINDING_VERSION, 0, NULL, NULL, NULL, NULL, NULL, 0, 0, 0 }

/** Called for each finding on the calling thread; must not call into the same run. */
typedef void (*ot_reconcile_finding_fn)(void *userdata, const ot_reconcile_finding *finding);

/** Newest version of `ot_reconcile_options` this header describes. */
#define OT_RECONCILE_OPTIONS_VERSION 1

/**
 * What a run does, filled by the caller (start from OT_RECONCILE_OPTIONS_INIT). Everything
 * is borrowed for the length of the call. Version 1: all members.
 */
typedef struct ot_reconcile_options {
    unsigned version;              /**< OT_RECONCILE_OPTIONS_VERSION */
    int64_t now_ms;                /**< when SLA budgets are judged, ms since the epoch; 0:
                                        the tracker's clock */
    const char *export_path;       /**< the order-service export (JSON Lines: order_id,
                                        store_id, status); NULL: no export classes */
    int repair;                    /**< 1: repair the safe cases (file comment) */
    int once;                      /**< 1: record each order's finding as an open issue and
                                        alert it once (file comment) */
    size_t page_size;              /**< orders per storage query, 1..OT_STORAGE_QUERY_MAX
                                        (1000); 0: 500 */
    struct ot_courier_client *const *couriers; /**< courier clients asked about their
                                        orders (courier_differs); NULL: none */
    size_t courier_count;          /**< entries of `couriers` (at most 64) */
    ot_http_client *http;          /**< required with couriers: the requests go through it */
    struct ot_alerts *alerts;      /**< NULL: none (the callback sees which findings call
                                        for an alert); else each one is queued as
                                        OT_ALERT_DATA_INCONSISTENCY, detail "<class>:
                                        <detail>" */
    struct ot_metrics *metrics;    /**< NULL: none; else counted in
                                        ordertrack_reconcile_findings_total{class} */
    ot_reconcile_finding_fn on_finding; /**< NULL: none */
    void *userdata;                /**< passed to on_finding */
} ot_reconcile_options;

/** Initialiser of `ot_reconcile_options` at OT_RECONCILE_OPTIONS_VERSION. */
#define OT_RECONCILE_OPTIONS_INIT \
    { OT_RECONCILE_OPTIONS_VERSION, 0, NULL, 0, 0, 0, NULL, 0, NULL, NULL, NULL, NULL, NULL }

/** Newest version of `ot_reconcile_summary` this header describes. */
#define OT_RECONCILE_SUMMARY_VERSION 1

/** What a run did; the caller sets `version` (OT_RECONCILE_SUMMARY_INIT). */
typedef struct ot_reconcile_summary {
    unsigned version;        /**< OT_RECONCILE_SUMMARY_VERSION */
    uint64_t orders;         /**< orders examined */
    uint64_t findings[OT_RECONCILE_CLASS_COUNT]; /**< by class (index 0 unused) */
    uint64_t total;          /**< all findings */
    uint64_t repaired;       /**< findings repaired */
    uint64_t alerts;         /**< findings that called for an alert (finding.alert) */
    uint64_t courier_asked;  /**< orders asked about at their couriers */
    uint64_t courier_failed; /**< of those, without a usable answer (failed request,
                                  unreadable answer, AWB not in the answer) */
    ot_error first_failure;  /**< the first failed courier request or refused repair; code 0
                                  when none */
} ot_reconcile_summary;

/** Initialiser of `ot_reconcile_summary` at OT_RECONCILE_SUMMARY_VERSION. */
#define OT_RECONCILE_SUMMARY_INIT \
    { OT_RECONCILE_SUMMARY_VERSION, 0, {0, 0, 0, 0, 0, 0, 0}, 0, 0, 0, 0, 0, {0, "", "", "", ""} }

OT_BEGIN_DECLS

/**
 * Fill `options` with the defaults of `version` (for bindings that cannot use the macro).
 * @param options the struct to fill (caller-owned)
 * @param version 1 to OT_RECONCILE_OPTIONS_VERSION
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL for a NULL struct, or OT_EVERSION for an unknown version
 */
OT_EXTERN int ot_reconcile_options_init(ot_reconcile_options *options, unsigned version,
                                        ot_error *err);
/**
 * Fill `summary` with the zeros of `version`.
 * @param summary the struct to fill (caller-owned)
 * @param version 1 to OT_RECONCILE_SUMMARY_VERSION
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL for a NULL struct, or OT_EVERSION for an unknown version
 */
OT_EXTERN int ot_reconcile_summary_init(ot_reconcile_summary *summary, unsigned version,
                                        ot_error *err);

/**
 * Wire name of a finding class ("stuck", "courier_differs"...) into `*name` (static).
 * @param name receives the static name
 * @param finding_class an ot_reconcile_class
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, or OT_EINVAL for an unknown class
 */
OT_EXTERN int ot_reconcile_class_to_string(const char **name, int finding_class,
                                           ot_error *err);

/**
 * One reconcile run over the storage of `tracker` (file comment). Returns 0 when the run
 * went through, findings or not (the summary counts them; a failed courier request or a
 * refused repair is counted and the run goes on); an error only when it could not run:
 * OT_EINVAL / OT_EVERSION naming a bad member, OT_EIO / OT_EPARSE for an export that cannot
 * be read (naming its line), the storage query's code, OT_ENOMEM. The summary then holds
 * what was done before. Thread-safe as the tracker, HTTP client and alerts are; runs of
 * several processes on one store are safe (with `once`, each order's finding is alerted by
 * one of them).
 * @param summary receives the counts (its `version` set by the caller)
 * @param tracker the tracker whose storage is walked (and written by repairs and `once`)
 * @param options what to compare, repair and report
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_reconcile_run(ot_reconcile_summary *summary, ot_tracker *tracker,
                               const ot_reconcile_options *options, ot_error *err);

OT_END_DECLS

#endif /* ORDERTRACK_RECONCILE_H */
