/**
 * @file tracker.h
 * @brief The tracking engine: one call per route of docs/API.md.
 *
 * An `ot_tracker` keeps no state between calls: every write loads the record from storage,
 * checks the step with the transition validator, appends its events to the history
 * (docs/events.md), and commits with a compare-and-set on the record's version. When another
 * writer got there first it reloads and retries, up to `max_retries` times. A refused write
 * changes nothing in storage.
 *
 * Answers of every write:
 *   - 0: applied; `*out` (when `out` is not NULL) receives the new record (ot_order_free).
 *   - OT_ESTALE: ignored, nothing changed (a courier report of a passed state, a redelivered
 *     partner event, a location older than the stored one); `*out` receives the unchanged
 *     record. The REST layer answers 200 for it.
 *   - OT_ETRANSITION: the lifecycle graph refuses the step; `err->from` / `err->to` name it.
 *   - OT_ESTATE: not allowed in the order's state (ready while a substitution is pending,
 *     location without a driver...). OT_EINVAL: a bad request field, named in `err->field`.
 *   - OT_ENOTFOUND, OT_EEXISTS (init of an existing order), OT_ECONFLICT (`expected_version`
 *     is not current, or retries exhausted), OT_EIDEMPOTENCY_CONFLICT, OT_ESTORAGE, OT_ENOMEM.
 *
 * `expected_version` (If-Match) is current when it lies from the order's revision to its
 * version (ot_order_revision): bookkeeping commits such as the SLA sweep's do not make it
 * stale. A write whose commit loses to another writer reloads and checks it again.
 *
 * Idempotency: a write with `idempotency_key` set replays the first result of the same
 * operation with the same request (same code, same record) without a second effect; the
 * key with a different request is OT_EIDEMPOTENCY_CONFLICT. Keys live
 * `idempotency_ttl_ms` (default 24 h). Refused writes store no key. A request (version 2)
 * may name an `idempotency_scope`, the caller (a host passes its API key's id): keys are
 * then the caller's own, and one caller's key never replays or conflicts with another's.
 *
 * Thread safety: an ot_tracker may be shared by any number of threads, provided its storage,
 * clock and notice sink are thread-safe (the memory adapter is).
 */
#ifndef ORDERTRACK_TRACKER_H
#define ORDERTRACK_TRACKER_H

#include <stddef.h>
#include <stdint.h>

#include "export.h"
#include "error.h"
#include "order.h"
#include "update.h"

/** Opaque tracker. */
typedef struct ot_tracker ot_tracker;

struct ot_storage;
struct ot_clock;
struct ot_notice_sink;
struct ot_sla_policies;
struct ot_metrics;
struct ot_pii;
struct ot_escalation_policy;

/** Newest version of `ot_tracker_options` this header describes (its `version` member). */
#define OT_TRACKER_OPTIONS_VERSION 6

/** Default of ot_tracker_options.location_trail: positions kept in `location_trail`. */
#define OT_TRACKER_LOCATION_TRAIL_DEFAULT 20
/** Largest ot_tracker_options.location_trail. */
#define OT_TRACKER_LOCATION_TRAIL_MAX 1000
/** Default of ot_tracker_options.clock_skew_ms: 5 minutes. */
#define OT_TRACKER_CLOCK_SKEW_DEFAULT_MS 300000
/** Largest ot_tracker_options.clock_skew_ms: 1 day. */
#define OT_TRACKER_CLOCK_SKEW_MAX_MS 86400000

/* Per-order limits (version 5 options; docs/reliability.md, "Bounded orders"): defaults and
 * the largest values the options accept. A write past one is refused with OT_ELIMIT naming
 * `issues`, `substitutions`, `metadata` or `record`, and changes nothing. */
/** Default of ot_tracker_options.max_issues: issues raise_issue may add to an order. */
#define OT_TRACKER_MAX_ISSUES_DEFAULT 100
/** Default of ot_tracker_options.max_substitutions: substitutions per order. */
#define OT_TRACKER_MAX_SUBSTITUTIONS_DEFAULT 100
/** Default of ot_tracker_options.max_metadata_bytes: a request's metadata JSON text. */
#define OT_TRACKER_MAX_METADATA_BYTES_DEFAULT 16384
/** Default of ot_tracker_options.max_record_bytes: the order's record as compact JSON. */
#define OT_TRACKER_MAX_RECORD_BYTES_DEFAULT 1048576
/** Largest max_issues and max_substitutions. */
#define OT_TRACKER_MAX_COUNT_LIMIT 10000
/** Largest max_metadata_bytes and max_record_bytes (64 MiB). */
#define OT_TRACKER_MAX_BYTES_LIMIT 67108864

/** Tracker options, filled by the caller. Version 1: every member up to idempotency_ttl_ms;
 * version 2 adds `sla` and `metrics`; version 3 adds `pii`; version 4 adds
 * `escalation` and `location_trail`; version 5 adds `clock_skew_ms` and the per-order limits
 * `max_issues`, `max_substitutions`, `max_metadata_bytes` and `max_record_bytes` (a tracker made from an
 * older struct keeps their defaults); version 6 adds `outbox`. */
typedef struct ot_tracker_options {
    unsigned version;                       /**< OT_TRACKER_OPTIONS_VERSION */
    const struct ot_storage *storage;       /**< required; copied, its state must outlive
                                                 the tracker (sys/storage.h) */
    const struct ot_clock *clock;           /**< NULL: system UTC clock; copied */
    const struct ot_notice_sink *notices;   /**< NULL: none; copied */
    unsigned max_retries;                   /**< reloads after a version conflict (0..100) */
    int64_t no_driver_retry_base_ms;        /**< backoff of the first no-driver retry */
    int64_t no_driver_retry_cap_ms;         /**< largest no-driver backoff */
    int64_t idempotency_ttl_ms;             /**< how long keys are kept */
    const struct ot_sla_policies *sla;      /**< (since 2) SLA policies of reports and
                                                 sweeps; NULL: the defaults. Borrowed: must
                                                 outlive the tracker, unchanged meanwhile */
    struct ot_metrics *metrics;             /**< (since 2) registry the tracker counts into
                                                 (transitions, conflicts, courier updates,
                                                 SLA, stage durations); NULL: none. Borrowed */
    const struct ot_pii *pii;               /**< (since 3) encryption at rest of personal
                                                 data (pii.h): customer_id and the driver's
                                                 name and phone reach storage sealed, the
                                                 customer_id column as a keyed blind index,
                                                 and are opened on every read. NULL: stored
                                                 as given; a sealed record then answers
                                                 OT_EINTEGRITY naming the field. Borrowed:
                                                 must outlive the tracker. The driver's
                                                 positions (driver_location,
                                                 location_trail, and those in history
                                                 entries) are sealed too */
    const struct ot_escalation_policy *escalation; /**< (since 4) the escalation ladder
                                                 (escalation.h); NULL: its defaults. Copied */
    unsigned location_trail;                /**< (since 4) how many of the driver's latest
                                                 positions the record keeps in
                                                 `location_trail`, oldest first, the newest
                                                 being driver_location (0: none kept;
                                                 0..OT_TRACKER_LOCATION_TRAIL_MAX) */
    int64_t clock_skew_ms;                  /**< (since 5) how far past the tracker's clock
                                                 a time may lie (0..OT_TRACKER_CLOCK_SKEW_MAX_MS,
                                                 default 5 min): a courier's later time is
                                                 clamped to now (the event keeps
                                                 `time_clamped_from`), a caller's (time_ms of
                                                 location, pickup, delivered) is OT_EINVAL,
                                                 and stored times past it are not trusted
                                                 when judging staleness (docs/events.md) */
    unsigned max_issues;                    /**< (since 5) issues raise_issue may add to an
                                                 order (1..OT_TRACKER_MAX_COUNT_LIMIT);
                                                 escalation steps are not counted against it */
    unsigned max_substitutions;             /**< (since 5) substitutions per order
                                                 (1..OT_TRACKER_MAX_COUNT_LIMIT) */
    size_t max_metadata_bytes;              /**< (since 5) longest metadata_json of a request
                                                 (2..OT_TRACKER_MAX_BYTES_LIMIT) */
    size_t max_record_bytes;                /**< (since 5) largest record a write may leave,
                                                 as compact JSON before sealing, strings
                                                 counted without escapes and each real as
                                                 24 bytes (4096 to
                                                 OT_TRACKER_MAX_BYTES_LIMIT); the library's
                                                 own bookkeeping (SLA and escalation sweeps)
                                                 is not refused */
    int outbox;                             /**< (since 6) 1: every committed write records
                                                 its outbound events (outbox.h) in the
                                                 storage's outbox in the same transaction;
                                                 ot_tracker_new refuses a storage without the
                                                 outbox members (OT_EUNSUPPORTED naming
                                                 `outbox`). 0 (the default): no events */
} ot_tracker_options;

/** Initialiser of `ot_tracker_options` with its defaults at OT_TRACKER_OPTIONS_VERSION. */
#define OT_TRACKER_OPTIONS_INIT \
    { OT_TRACKER_OPTIONS_VERSION, NULL, NULL, NULL, 8, 30000, 600000, 86400000, NULL, NULL, \
      NULL, NULL, OT_TRACKER_LOCATION_TRAIL_DEFAULT, OT_TRACKER_CLOCK_SKEW_DEFAULT_MS, \
      OT_TRACKER_MAX_ISSUES_DEFAULT, OT_TRACKER_MAX_SUBSTITUTIONS_DEFAULT, \
      OT_TRACKER_MAX_METADATA_BYTES_DEFAULT, OT_TRACKER_MAX_RECORD_BYTES_DEFAULT, 0 }

/** Newest version of `ot_request` this header describes (its `version` member). */
#define OT_REQUEST_VERSION 2

/**
 * The inputs of a write, filled by the caller from OT_REQUEST_INIT. Each operation reads
 * the members its comment names and ignores the rest (leave them at their defaults: the
 * request hash of idempotency covers every member). Strings are borrowed for the call;
 * they must be valid UTF-8; NULL means absent. Version 1: every member up to resolution;
 * version 2 adds idempotency_scope.
 */
typedef struct ot_request {
    unsigned version;               /**< OT_REQUEST_VERSION */
    const char *idempotency_key;    /**< every write: 1..255 printable ASCII, or NULL */
    int64_t expected_version;       /**< every write except init: If-Match, 0 for any */
    const char *order_id;           /**< every operation: the external order id; init
                                         takes 1..128 of [A-Za-z0-9._:-], not "." or ".."
                                         (ot_order_id_check), else OT_EINVAL */
    const char *store_id;           /**< init: the store; store operations: must be the
                                         order's store, else OT_ENOTFOUND */
    const char *updated_by;         /**< every write: the author (NULL: "system") */
    const char *notes;              /**< every write: the history entry's notes */
    const char *metadata_json;      /**< init: the record's metadata object; other writes:
                                         the history entry's metadata object */
    int status;                     /**< set_status: the target ot_status */
    const char *customer_id;        /**< init */
    int provider;                   /**< init: ot_provider */
    const char *tracking_id;        /**< init (required for parcel couriers), assign */
    const char *tracking_url;       /**< init, assign */
    int64_t estimated_delivery_ms;  /**< init, assign: 0 for none */
    int rejected;                   /**< acknowledge: 1 when the store rejects the order */
    const char *reason;             /**< acknowledge (rejection), add_substitution */
    const char *reassign_to;        /**< acknowledge (rejection): the new store */
    const char *original_item_id;   /**< add_substitution, respond_substitution */
    const char *substitute_item_id; /**< add_substitution */
    double price_difference;        /**< add_substitution */
    int approved;                   /**< respond_substitution: 1 approved, 0 rejected */
    const char *driver_id;          /**< assign: NULL means no driver was found */
    const char *driver_name;        /**< assign */
    const char *driver_phone;       /**< assign */
    const char *vehicle_type;       /**< assign */
    const char *vehicle_number;     /**< assign, optional */
    const char *photo_url;          /**< assign, optional */
    double latitude;                /**< update_location: -90..90 */
    double longitude;               /**< update_location: -180..180 */
    int has_accuracy;               /**< update_location: 1 when accuracy is set */
    double accuracy;                /**< update_location: metres, >= 0 */
    int64_t time_ms;                /**< update_location, pickup, delivered: when it
                                         happened; 0 for now */
    const char *issue_type;         /**< raise_issue */
    const char *description;        /**< raise_issue */
    int severity;                   /**< raise_issue: ot_severity */
    size_t issue_index;             /**< resolve_issue */
    const char *resolution;         /**< resolve_issue */
    const char *idempotency_scope;  /**< (version 2) every write with idempotency_key: whose
                                         key it is, 1..128 printable ASCII without spaces,
                                         or NULL for the unscoped keys of version 1 */
} ot_request;

/** Initialiser of `ot_request` with its defaults at OT_REQUEST_VERSION. */
#define OT_REQUEST_INIT                                                                   \
    { OT_REQUEST_VERSION, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, 0, NULL, NULL, \
      0, 0, NULL, NULL, NULL, NULL, 0.0, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0.0, 0.0, \
      0, 0.0, 0, NULL, NULL, 0, 0, NULL, NULL }

/** Newest version of `ot_list_request` this header describes (its `version` member). */
#define OT_LIST_REQUEST_VERSION 1

/** Filters of ot_tracker_list(); every set filter must match. Version 1: all members. */
typedef struct ot_list_request {
    unsigned version;               /**< OT_LIST_REQUEST_VERSION */
    const char *store_id;           /**< NULL: any */
    const char *customer_id;        /**< NULL: any */
    int status;                     /**< ot_status, 0: any */
    int shipment_status;            /**< ot_shipment_status, 0: any */
    int shipment_active;            /**< 1: only non-terminal parcel shipments (pollers) */
    int provider;                   /**< ot_provider, 0: any */
    const char *tracking_id;        /**< NULL: any */
    int64_t updated_before_ms;      /**< 0: any */
    size_t limit;                   /**< 1..1000 */
    const char *cursor;             /**< NULL or "" for the first page, else next_cursor */
} ot_list_request;

/** Initialiser of `ot_list_request` with its defaults at OT_LIST_REQUEST_VERSION. */
#define OT_LIST_REQUEST_INIT { OT_LIST_REQUEST_VERSION, NULL, NULL, 0, 0, 0, 0, NULL, 0, 50, NULL }

/** Newest version of `ot_sla_sweep_result` this header describes (its `version` member). */
#define OT_SLA_SWEEP_RESULT_VERSION 1
/** Size of ot_sla_sweep_result.resume, NUL included. */
#define OT_SLA_SWEEP_RESUME_SIZE 272

/** What one SLA sweep did, filled by ot_tracker_sla_sweep(); the caller sets `version`
 * (OT_SLA_SWEEP_RESULT_INIT) and keeps `resume` between bounded sweeps. Version 1: all
 * members. */
typedef struct ot_sla_sweep_result {
    unsigned version;       /**< OT_SLA_SWEEP_RESULT_VERSION, set by the caller */
    size_t examined;        /**< active orders evaluated */
    size_t notices;         /**< SLA notices emitted (warnings + breaches) */
    size_t warnings;        /**< OT_NOTICE_SLA_WARNING notices */
    size_t breaches;        /**< OT_NOTICE_SLA_BREACH notices */
    size_t conflicts;       /**< commits lost to another writer (reloaded and re-checked) */
    int complete;           /**< 1 when the sweep reached the end of the active orders; 0
                                 when max_orders stopped it (there may be more) */
    char resume[OT_SLA_SWEEP_RESUME_SIZE]; /**< in and out: where the sweep starts ("": at
                                 the beginning) and, after it, where the next one should
                                 (set when complete is 0, "" when it is 1). Opaque */
} ot_sla_sweep_result;

/** Initialiser of `ot_sla_sweep_result` with its defaults at OT_SLA_SWEEP_RESULT_VERSION. */
#define OT_SLA_SWEEP_RESULT_INIT { OT_SLA_SWEEP_RESULT_VERSION, 0, 0, 0, 0, 0, 0, "" }

OT_BEGIN_DECLS

/** Longest order id. */
#define OT_ORDER_ID_MAX 128

/**
 * Check an order id as ot_tracker_init_order does: 1..OT_ORDER_ID_MAX characters, each of
 * A-Z, a-z, 0-9, '.', '_', ':' or '-', and neither "." nor "..". Hosts use it to refuse an
 * id in a path before it reaches anything else. Thread-safe, no allocation (since 1.3).
 * @param order_id the id (NULL is refused)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, or OT_EINVAL naming `order_id` with the reason in `err`.
 */
OT_EXTERN int ot_order_id_check(const char *order_id, ot_error *err);

/**
 * Fill `options` with the defaults of `version` (for bindings without the macro).
 * @param options the struct to fill (caller-owned)
 * @param version the struct version to fill, 1 to OT_TRACKER_OPTIONS_VERSION
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL for a NULL struct, or OT_EVERSION for a version this library does not
 *         know
 */
OT_EXTERN int ot_tracker_options_init(ot_tracker_options *options, unsigned version,
                                      ot_error *err);
/**
 * Fill `request` with the defaults of `version`.
 * @param request the struct to fill (caller-owned)
 * @param version the struct version to fill, 1 to OT_REQUEST_VERSION
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL for a NULL struct, or OT_EVERSION for a version this library does not
 *         know
 */
OT_EXTERN int ot_request_init(ot_request *request, unsigned version, ot_error *err);
/**
 * Fill `request` with the defaults of `version`.
 * @param request the struct to fill (caller-owned)
 * @param version the struct version to fill, 1 to OT_LIST_REQUEST_VERSION
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL for a NULL struct, or OT_EVERSION for a version this library does not
 *         know
 */
OT_EXTERN int ot_list_request_init(ot_list_request *request, unsigned version, ot_error *err);

/**
 * Fill `result` with the defaults of `version` (for bindings without the macro).
 * @param result the struct to fill (caller-owned)
 * @param version the struct version to fill, 1 to OT_SLA_SWEEP_RESULT_VERSION
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL for a NULL struct, or OT_EVERSION for a version this library does not
 *         know
 */
OT_EXTERN int ot_sla_sweep_result_init(ot_sla_sweep_result *result, unsigned version,
                                       ot_error *err);

/**
 * A new tracker in `*out` (ot_tracker_free). Checks the options and port versions.
 * @param out receives the new tracker (free with ot_tracker_free())
 * @param options storage, ports, policies and limits (copied; the ports and policies borrowed)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_tracker_new(ot_tracker **out, const ot_tracker_options *options,
                             ot_error *err);
/**
 * Free a tracker (not its storage). Accepts NULL. No call may be in flight.
 * @param tracker the tracker, or NULL
 */
OT_EXTERN void ot_tracker_free(ot_tracker *tracker);

/**
 * POST /tracking/orders/{order_id}/init: order_id, store_id, customer_id, provider,
 * tracking_id (parcel), tracking_url, estimated_delivery_ms, metadata_json, updated_by,
 * notes. Status submitted, version 1; parcel orders start with shipment_status pending.
 * @param out receives the record after the write (free with ot_order_free()); may be NULL
 * @param tracker the tracker
 * @param request the request (read only; strings borrowed for the call)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 when applied, OT_ESTALE when ignored, or another negative OT_E... code (see the
 *         file comment)
 */
OT_EXTERN int ot_tracker_init_order(ot_order **out, ot_tracker *tracker,
                                    const ot_request *request, ot_error *err);
/**
 * PUT /tracking/orders/{order_id}/status: status, updated_by, notes, metadata_json.
 * @param out receives the record after the write (free with ot_order_free()); may be NULL
 * @param tracker the tracker
 * @param request the request (read only; strings borrowed for the call)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 when applied, OT_ESTALE when ignored, or another negative OT_E... code (see the
 *         file comment)
 */
OT_EXTERN int ot_tracker_set_status(ot_order **out, ot_tracker *tracker,
                                    const ot_request *request, ot_error *err);
/**
 * GET /tracking/orders/{order_id}.
 * @param out receives the record (free with ot_order_free())
 * @param tracker the tracker
 * @param order_id the order's id
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_tracker_get(ot_order **out, ot_tracker *tracker, const char *order_id,
                             ot_error *err);
/**
 * GET /tracking/orders/{order_id}/history: {order_id, status_history} (ot_free).
 * @param json receives the NUL-terminated JSON (free with ot_free())
 * @param len receives the length of `*json` without the NUL; may be NULL
 * @param tracker the tracker
 * @param order_id the order's id
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_tracker_history(char **json, size_t *len, ot_tracker *tracker,
                                 const char *order_id, ot_error *err);
/**
 * GET .../live-location: {order_id, current_status, driver_location, location_trail,
 * driver_details, estimated_delivery_time, delivery_tracking_url} (ot_free).
 * @param json receives the NUL-terminated JSON (free with ot_free())
 * @param len receives the length of `*json` without the NUL; may be NULL
 * @param tracker the tracker
 * @param order_id the order's id
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_tracker_live_location(char **json, size_t *len, ot_tracker *tracker,
                                       const char *order_id, ot_error *err);
/**
 * GET /tracking/orders?...: {orders: [...], next_cursor: string|null} (ot_free).
 * @param json receives the NUL-terminated JSON (free with ot_free())
 * @param len receives the length of `*json` without the NUL; may be NULL
 * @param tracker the tracker
 * @param request filters, page size and cursor
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_tracker_list(char **json, size_t *len, ot_tracker *tracker,
                              const ot_list_request *request, ot_error *err);

/**
 * POST /tracking/store/{store_id}/acknowledge: store_id, order_id, updated_by; with
 * rejected = 1: reason (required) and reassign_to (the order moves to that store and back
 * to store_notified); a store_rejected issue is recorded either way.
 * @param out receives the record after the write (free with ot_order_free()); may be NULL
 * @param tracker the tracker
 * @param request the request (read only; strings borrowed for the call)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 when applied, OT_ESTALE when ignored, or another negative OT_E... code (see the
 *         file comment)
 */
OT_EXTERN int ot_tracker_store_acknowledge(ot_order **out, ot_tracker *tracker,
                                           const ot_request *request, ot_error *err);
/**
 * POST /tracking/store/{store_id}/start-picking: store_id, order_id.
 * @param out receives the record after the write (free with ot_order_free()); may be NULL
 * @param tracker the tracker
 * @param request the request (read only; strings borrowed for the call)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 when applied, OT_ESTALE when ignored, or another negative OT_E... code (see the
 *         file comment)
 */
OT_EXTERN int ot_tracker_start_picking(ot_order **out, ot_tracker *tracker,
                                       const ot_request *request, ot_error *err);
/**
 * POST /tracking/store/{store_id}/substitution: store_id, order_id, original_item_id,
 * substitute_item_id, reason, price_difference. Adds a pending substitution.
 * @param out receives the record after the write (free with ot_order_free()); may be NULL
 * @param tracker the tracker
 * @param request the request (read only; strings borrowed for the call)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 when applied, OT_ESTALE when ignored, or another negative OT_E... code (see the
 *         file comment)
 */
OT_EXTERN int ot_tracker_add_substitution(ot_order **out, ot_tracker *tracker,
                                          const ot_request *request, ot_error *err);
/**
 * POST /tracking/orders/{order_id}/substitutions/respond: original_item_id, approved.
 * All pending approved: substitutions_approved (plus an inventory_adjusted event per
 * approval); a rejection: picking_in_progress.
 * @param out receives the record after the write (free with ot_order_free()); may be NULL
 * @param tracker the tracker
 * @param request the request (read only; strings borrowed for the call)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 when applied, OT_ESTALE when ignored, or another negative OT_E... code (see the
 *         file comment)
 */
OT_EXTERN int ot_tracker_respond_substitution(ot_order **out, ot_tracker *tracker,
                                              const ot_request *request, ot_error *err);
/**
 * POST /tracking/store/{store_id}/ready: store_id, order_id. OT_ESTATE while a
 * substitution is pending.
 * @param out receives the record after the write (free with ot_order_free()); may be NULL
 * @param tracker the tracker
 * @param request the request (read only; strings borrowed for the call)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 when applied, OT_ESTALE when ignored, or another negative OT_E... code (see the
 *         file comment)
 */
OT_EXTERN int ot_tracker_ready(ot_order **out, ot_tracker *tracker,
                               const ot_request *request, ot_error *err);
/**
 * POST /tracking/delivery/{order_id}/assign: driver_* members, tracking_id, tracking_url,
 * estimated_delivery_ms. With driver_id NULL no driver was found: a no_drivers issue is
 * recorded, the status stays ready_for_pickup and `*retry_after_ms` (may be NULL) receives
 * the backoff before the next attempt (base * 2^(attempt-1), capped); else it receives 0.
 * The attempt numbered `no_driver_escalation_attempts` escalates (escalation.h).
 * @param out receives the record after the write (free with ot_order_free()); may be NULL
 * @param retry_after_ms receives the backoff before the next attempt when no driver was found,
 *        else 0; may be NULL
 * @param tracker the tracker
 * @param request the request (read only; strings borrowed for the call)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 when applied, OT_ESTALE when ignored, or another negative OT_E... code (see the
 *         file comment)
 */
OT_EXTERN int ot_tracker_assign_driver(ot_order **out, int64_t *retry_after_ms,
                                       ot_tracker *tracker, const ot_request *request,
                                       ot_error *err);
/**
 * PUT /tracking/delivery/{order_id}/location: latitude, longitude, accuracy, time_ms.
 * Only while a driver is assigned and the order is not delivered (OT_ESTATE); a position
 * not newer than the stored one is OT_ESTALE. Updates the projection only (no history).
 * @param out receives the record after the write (free with ot_order_free()); may be NULL
 * @param tracker the tracker
 * @param request the request (read only; strings borrowed for the call)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 when applied, OT_ESTALE when ignored, or another negative OT_E... code (see the
 *         file comment)
 */
OT_EXTERN int ot_tracker_update_location(ot_order **out, ot_tracker *tracker,
                                         const ot_request *request, ot_error *err);
/**
 * POST /tracking/delivery/{order_id}/pickup: time_ms.
 * @param out receives the record after the write (free with ot_order_free()); may be NULL
 * @param tracker the tracker
 * @param request the request (read only; strings borrowed for the call)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 when applied, OT_ESTALE when ignored, or another negative OT_E... code (see the
 *         file comment)
 */
OT_EXTERN int ot_tracker_pickup(ot_order **out, ot_tracker *tracker,
                                const ot_request *request, ot_error *err);
/**
 * POST /tracking/delivery/{order_id}/delivered: time_ms (actual_delivery_time).
 * @param out receives the record after the write (free with ot_order_free()); may be NULL
 * @param tracker the tracker
 * @param request the request (read only; strings borrowed for the call)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 when applied, OT_ESTALE when ignored, or another negative OT_E... code (see the
 *         file comment)
 */
OT_EXTERN int ot_tracker_delivered(ot_order **out, ot_tracker *tracker,
                                   const ot_request *request, ot_error *err);
/**
 * POST /tracking/orders/{order_id}/issues: issue_type, description, severity.
 * @param out receives the record after the write (free with ot_order_free()); may be NULL
 * @param tracker the tracker
 * @param request the request (read only; strings borrowed for the call)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 when applied, OT_ESTALE when ignored, or another negative OT_E... code (see the
 *         file comment)
 */
OT_EXTERN int ot_tracker_raise_issue(ot_order **out, ot_tracker *tracker,
                                     const ot_request *request, ot_error *err);
/**
 * POST /tracking/orders/{order_id}/issues/{index}/resolve: issue_index, resolution.
 * @param out receives the record after the write (free with ot_order_free()); may be NULL
 * @param tracker the tracker
 * @param request the request (read only; strings borrowed for the call)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 when applied, OT_ESTALE when ignored, or another negative OT_E... code (see the
 *         file comment)
 */
OT_EXTERN int ot_tracker_resolve_issue(ot_order **out, ot_tracker *tracker,
                                       const ot_request *request, ot_error *err);

/**
 * Apply a mapped courier update (webhook or poll). The order is found by `order_id`, else
 * by `tracking_id` (OT_ENOTFOUND when neither matches). A repeated `event_id` is OT_ESTALE.
 * Parcel orders: the shipment step is checked with OT_SOURCE_COURIER, shipment_status and
 * courier_status_raw are set, and the implied lifecycle status is applied where the graph
 * allows it for a courier. Hyperlocal orders: `status` drives the lifecycle; driver fields
 * and position update driver_details / driver_location. OT_UPDATE_UNMAPPED records an
 * unmapped_status issue and changes no status. `idempotency_key` may be NULL.
 * Binding: the update changes only an order of its own `provider`, and when `tracking_id`
 * is an id of the partner's own (not equal to `order_id`) it must be the order's
 * delivery_tracking_id if the order has one; else OT_EAUTH, nothing stored, counted in
 * ordertrack_updates_refused_total. By tracking id, an order of the update's provider is
 * preferred among those sharing the id.
 * @param out receives the record after the write (free with ot_order_free()); may be NULL
 * @param tracker the tracker
 * @param update the mapped courier update (read only)
 * @param idempotency_key the caller's idempotency key, or NULL
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 when applied, OT_ESTALE when ignored, or another negative OT_E... code (see the
 *         file comment)
 */
OT_EXTERN int ot_tracker_apply_update(ot_order **out, ot_tracker *tracker,
                                      const ot_update *update, const char *idempotency_key,
                                      ot_error *err);

/**
 * GET /tracking/orders/{order_id}/sla: the order's SLA report at `now_ms` (0: the tracker's
 * clock) under the tracker's policies, as ot_sla_report_to_json() writes it. `*json` is
 * NUL-terminated, freed with ot_free; `len` may be NULL. Reads only.
 * @param json receives the NUL-terminated JSON (free with ot_free())
 * @param len receives the length of `*json` without the NUL; may be NULL
 * @param tracker the tracker
 * @param order_id the order's id
 * @param now_ms evaluation time, ms since the epoch; 0: the tracker's clock
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_tracker_sla_report(char **json, size_t *len, ot_tracker *tracker,
                                    const char *order_id, int64_t now_ms, ot_error *err);

/**
 * Evaluate every active (non-terminal) order last updated before `now_ms` (0: the tracker's
 * clock) and notify each stage that got worse since it was last notified: ok -> warning
 * gives one OT_NOTICE_SLA_WARNING, warning or ok -> breached one OT_NOTICE_SLA_BREACH
 * (detail: the stage's wire name), each counted in the metrics. The notified state is
 * recorded in the order's history (an `sla_notified` event, committed with the version
 * compare-and-set) before the notice goes out, so a stage is notified once per episode across
 * sweeps, restarts and concurrent sweepers on other processes (the loser of a race reloads
 * and finds it recorded). A stage that starts over (a reassigned store, a new scan, a new NDR)
 * is a new episode. At most `max_orders` orders are examined (0: no limit); a bounded
 * sweep starts at `out->resume` and leaves there where the next one continues, so calls with
 * the same result struct go round every active order (`out->complete` says when a round
 * ended). A malformed `resume` is OT_EINVAL. Version conflicts that exhaust the retries are counted and skipped; any
 * other error stops the sweep and is returned, `*out` holding what was done until then.
 * @param out counts what the sweep did; `out->resume` where a bounded sweep starts and leaves
 *        off
 * @param tracker the tracker
 * @param now_ms evaluation time, ms since the epoch; 0: the tracker's clock
 * @param max_orders most orders to examine; 0: no limit
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_tracker_sla_sweep(ot_sla_sweep_result *out, ot_tracker *tracker,
                                   int64_t now_ms, size_t max_orders, ot_error *err);

/** Newest version of `ot_gps_sweep_result` this header describes (its `version` member). */
#define OT_GPS_SWEEP_RESULT_VERSION 1

/** What a GPS-gap sweep did (since 1.8). Version 1: all members. */
typedef struct ot_gps_sweep_result {
    unsigned version;       /**< OT_GPS_SWEEP_RESULT_VERSION, set by the caller */
    size_t examined;        /**< orders with a driver examined */
    size_t raised;          /**< gps_gap issues raised (one per gap) */
    size_t cleared;         /**< gps_gap issues resolved: positions resumed */
    size_t conflicts;       /**< commits lost to another writer (reloaded and re-checked) */
} ot_gps_sweep_result;

/** Initialiser of `ot_gps_sweep_result` with its defaults at OT_GPS_SWEEP_RESULT_VERSION. */
#define OT_GPS_SWEEP_RESULT_INIT { OT_GPS_SWEEP_RESULT_VERSION, 0, 0, 0, 0 }

/**
 * Fill `result` with the defaults of `version`, for bindings that cannot use the macro.
 * @param result the struct to fill (caller-owned)
 * @param version the struct version to fill, 1 to OT_GPS_SWEEP_RESULT_VERSION
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL for a NULL struct, or OT_EVERSION for an unknown version
 */
OT_EXTERN int ot_gps_sweep_result_init(ot_gps_sweep_result *result, unsigned version,
                                       ot_error *err);

/**
 * GPS gaps (since 1.8), beside the SLA sweep: every hyperlocal order with a driver
 * (driver_assigned, driver_pickup_complete, in_transit) whose driver was last seen (its last
 * position, or the assignment when it sent none) `gap_ms` or more before `now_ms` gets one
 * open `gps_gap` issue (severity high; the OT_NOTICE_ISSUE_RAISED notice goes to the sink,
 * so an alert); an open `gps_gap` issue whose order has since received a newer position is
 * resolved ("driver locations resumed"). One issue per gap across sweeps, restarts and
 * concurrent sweepers: the write re-checks after reloading the order. Parcel orders are
 * skipped (their couriers report scans, not positions). Thread-safe as the tracker is.
 * @param out counts what the sweep did (its version set by the caller)
 * @param tracker the tracker
 * @param now_ms evaluation time, ms since the epoch; 0: the tracker's clock
 * @param gap_ms the longest silence allowed, at least 1000
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL naming the argument, or the first storage failure (the counts hold
 *         what was done until then)
 */
OT_EXTERN int ot_tracker_gps_sweep(ot_gps_sweep_result *out, ot_tracker *tracker,
                                   int64_t now_ms, int64_t gap_ms, ot_error *err);

OT_END_DECLS

#endif /* ORDERTRACK_TRACKER_H */
