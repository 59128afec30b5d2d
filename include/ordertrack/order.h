/**
 * @file order.h
 * @brief The order tracking record: read-only accessors, the JSON codec, history audit.
 *
 * An `ot_order` is one order document exactly as docs/API.md ("The order document")
 * describes it: every field of the seed's OrderTracking plus `shipment_status`,
 * `courier_status_raw` and `version`. Records come from the codec (ot_order_from_json) or
 * from the tracker (tracker.h); they are read-only for the caller and freed with
 * ot_order_free().
 *
 * Every history entry is an event (docs/events.md): the projection (current status, times,
 * driver, substitutions, issues...) is derived from the events, and each entry carries the
 * SHA-256 of its predecessor under `metadata.ot`, so ot_order_verify_history() detects an
 * edited or deleted past entry.
 *
 * Strings returned by accessors (directly or inside the view structs below) are borrowed
 * from the record: valid until it is freed, never freed by the caller. Absent values are
 * NULL (strings), 0 (enums) or OT_ENOTFOUND (optional sub-objects and times).
 * Thread safety: a record may be read from several threads at once; it is never modified
 * after it is returned to the caller.
 */
#ifndef ORDERTRACK_ORDER_H
#define ORDERTRACK_ORDER_H

#include <stddef.h>
#include <stdint.h>

#include "export.h"
#include "error.h"

/** Opaque order record. */
typedef struct ot_order ot_order;

/** The optional timestamps of a record, for ot_order_time(). */
typedef enum ot_order_time_field {
    OT_TIME_UNKNOWN = 0,
    OT_TIME_STORE_ACKNOWLEDGMENT = 1,  /**< store_acknowledgment_time */
    OT_TIME_PICKING_START = 2,         /**< picking_start_time */
    OT_TIME_PICKING_COMPLETE = 3,      /**< picking_complete_time */
    OT_TIME_DELIVERY_PICKUP = 4,       /**< delivery_pickup_time */
    OT_TIME_ESTIMATED_DELIVERY = 5,    /**< estimated_delivery_time */
    OT_TIME_ACTUAL_DELIVERY = 6,       /**< actual_delivery_time */
    OT_TIME_CREATED = 7,               /**< created_at (always set) */
    OT_TIME_UPDATED = 8                /**< updated_at (always set) */
} ot_order_time_field;
#define OT_TIME_FIELD_COUNT 9

#define OT_HISTORY_ENTRY_VERSION 1
/** One status_history entry, filled by ot_order_history_at(). Version 1: all members. */
typedef struct ot_history_entry {
    unsigned version;           /**< set by the caller: OT_HISTORY_ENTRY_VERSION */
    int status;                 /**< ot_status after the event */
    int64_t timestamp_ms;
    const char *updated_by;
    const char *notes;          /**< NULL when absent */
    const char *event;          /**< event type name ("created", "substitution_added"...) */
    const char *hash;           /**< hex SHA-256 of this entry */
    const char *prev_hash;      /**< hex SHA-256 of the previous entry (zeros for the first) */
} ot_history_entry;
#define OT_HISTORY_ENTRY_INIT { OT_HISTORY_ENTRY_VERSION, 0, 0, NULL, NULL, NULL, NULL, NULL }

#define OT_SUBSTITUTION_VIEW_VERSION 1
/** One item substitution, filled by ot_order_substitution_at(). Version 1: all members. */
typedef struct ot_substitution_view {
    unsigned version;                   /**< OT_SUBSTITUTION_VIEW_VERSION */
    const char *original_item_id;
    const char *substitute_item_id;
    const char *reason;
    int status;                         /**< ot_substitution_status */
    double price_difference;
    int64_t customer_notified_at_ms;    /**< 0 when null */
    int64_t customer_responded_at_ms;   /**< 0 when null */
} ot_substitution_view;
#define OT_SUBSTITUTION_VIEW_INIT { OT_SUBSTITUTION_VIEW_VERSION, NULL, NULL, NULL, 0, 0.0, 0, 0 }

#define OT_ISSUE_VIEW_VERSION 1
/** One issue, filled by ot_order_issue_at(). Version 1: all members. */
typedef struct ot_issue_view {
    unsigned version;           /**< OT_ISSUE_VIEW_VERSION */
    const char *issue_type;
    const char *description;
    int severity;               /**< ot_severity */
    int64_t created_at_ms;
    int64_t resolved_at_ms;     /**< 0 while open */
    const char *resolution;     /**< NULL while open */
} ot_issue_view;
#define OT_ISSUE_VIEW_INIT { OT_ISSUE_VIEW_VERSION, NULL, NULL, 0, 0, 0, NULL }

#define OT_LOCATION_VIEW_VERSION 1
/** The driver's last position, filled by ot_order_driver_location(). */
typedef struct ot_location_view {
    unsigned version;           /**< OT_LOCATION_VIEW_VERSION */
    double latitude;            /**< -90..90 */
    double longitude;           /**< -180..180 */
    int64_t timestamp_ms;
    int has_accuracy;           /**< 1 when accuracy is set */
    double accuracy;            /**< metres */
} ot_location_view;
#define OT_LOCATION_VIEW_INIT { OT_LOCATION_VIEW_VERSION, 0.0, 0.0, 0, 0, 0.0 }

#define OT_DRIVER_VIEW_VERSION 1
/** The assigned driver, filled by ot_order_driver_details(). */
typedef struct ot_driver_view {
    unsigned version;           /**< OT_DRIVER_VIEW_VERSION */
    const char *driver_id;
    const char *name;
    const char *phone;
    const char *vehicle_type;
    const char *vehicle_number; /**< NULL when absent */
    const char *photo_url;      /**< NULL when absent */
} ot_driver_view;
#define OT_DRIVER_VIEW_INIT { OT_DRIVER_VIEW_VERSION, NULL, NULL, NULL, NULL, NULL, NULL }

OT_BEGIN_DECLS

/**
 * Decode and validate an untrusted order document (`len` bytes, not NUL-terminated
 * necessarily). Every field is checked (type, enum wire name, latitude/longitude range,
 * string length, RFC 3339 timestamp, no unknown field); the first bad one is named in
 * `err->field` as a path ("status_history[2].timestamp"). Invalid UTF-8 or malformed JSON
 * is OT_EPARSE with the position. On success `*out` owns a new record (ot_order_free).
 * The history hash chain is not checked here: see ot_order_verify_history().
 */
OT_EXTERN int ot_order_from_json(ot_order **out, const char *json, size_t len, ot_error *err);

/**
 * Encode `order` as compact JSON in canonical field order with RFC 3339 UTC millisecond
 * timestamps; decoding the result gives an equal record, and encoding a decoded canonical
 * document gives the same bytes. `*json` (NUL-terminated, `*len` bytes without the NUL;
 * `len` may be NULL) is freed with ot_free().
 */
OT_EXTERN int ot_order_to_json(char **json, size_t *len, const ot_order *order, ot_error *err);

/** Free a record. Accepts NULL. */
OT_EXTERN void ot_order_free(ot_order *order);

/**
 * Copy `order` into `*out`: an independent record, equal to the source (same
 * ot_order_to_json() bytes). Ownership: the caller frees `*out` with ot_order_free(); the
 * source stays the caller's and may be freed before or after the copy. Thread safety: the
 * same source may be cloned concurrently from several threads as long as nobody modifies it
 * meanwhile. Cost: cheap next to decoding (no parse, no validation); immutable parts may be
 * shared between the copies, which never shows: changing one (through the tracker) never
 * changes the other. For adapters that cache decoded records. OT_EINVAL for a NULL
 * argument, OT_ENOMEM.
 */
OT_EXTERN int ot_order_clone(ot_order **out, const ot_order *order, ot_error *err);

/**
 * Check the audit trail: each history entry's hash matches its canonical encoding, links to
 * its predecessor's hash and carries its position; the last entry's status is the record's
 * current status; and replaying the events rebuilds the record's fields (all but
 * driver_location, updated_at and version, which no event derives). OT_EINTEGRITY names the
 * first bad entry ("status_history[3]"), or "order" when only the fields disagree.
 */
OT_EXTERN int ot_order_verify_history(const ot_order *order, ot_error *err);

/** Record id (`id`). NULL for a NULL record. */
OT_EXTERN const char *ot_order_id(const ot_order *order);
/** External order id (`order_id`). */
OT_EXTERN const char *ot_order_order_id(const ot_order *order);
/** `store_id`. */
OT_EXTERN const char *ot_order_store_id(const ot_order *order);
/** `customer_id`. */
OT_EXTERN const char *ot_order_customer_id(const ot_order *order);
/** `delivery_tracking_id` or NULL. */
OT_EXTERN const char *ot_order_tracking_id(const ot_order *order);
/** `delivery_tracking_url` or NULL. */
OT_EXTERN const char *ot_order_tracking_url(const ot_order *order);
/** `courier_status_raw` (the last raw courier status) or NULL. */
OT_EXTERN const char *ot_order_courier_status_raw(const ot_order *order);
/** `current_status` as ot_status (0 for a NULL record). */
OT_EXTERN int ot_order_status(const ot_order *order);
/** `shipment_status` as ot_shipment_status; 0 when null (hyperlocal orders). */
OT_EXTERN int ot_order_shipment_status(const ot_order *order);
/** `delivery_provider` as ot_provider. */
OT_EXTERN int ot_order_provider(const ot_order *order);
/** `version`: 1 after init, +1 per committed change; -1 for a NULL record. */
OT_EXTERN int64_t ot_order_version(const ot_order *order);
/**
 * The revision: the version of the last change a client can see. It is `version` less the
 * commits on top that only recorded bookkeeping (`sla_notified` entries of the SLA sweep),
 * so it stays put while the sweep records notices. An `expected_version` (If-Match) from
 * revision to version is current (tracker.h); ordertrackd's ETag is the revision. -1 for a
 * NULL record. Pure. Since 1.2.
 */
OT_EXTERN int64_t ot_order_revision(const ot_order *order);

/** One of the record's times (ot_order_time_field) in ms; OT_ENOTFOUND when null. */
OT_EXTERN int ot_order_time(int64_t *ms, const ot_order *order, int field, ot_error *err);

/** Number of status_history entries (0 for NULL). */
OT_EXTERN size_t ot_order_history_count(const ot_order *order);
/** Number of substitutions. */
OT_EXTERN size_t ot_order_substitution_count(const ot_order *order);
/** Number of issues. */
OT_EXTERN size_t ot_order_issue_count(const ot_order *order);

/** Fill `*out` (its `version` set by the caller) with history entry `index` (oldest first). */
OT_EXTERN int ot_order_history_at(ot_history_entry *out, const ot_order *order, size_t index,
                                  ot_error *err);
/** Fill `*out` with substitution `index`. */
OT_EXTERN int ot_order_substitution_at(ot_substitution_view *out, const ot_order *order,
                                       size_t index, ot_error *err);
/** Fill `*out` with issue `index`. */
OT_EXTERN int ot_order_issue_at(ot_issue_view *out, const ot_order *order, size_t index,
                                ot_error *err);
/** Fill `*out` with driver_location; OT_ENOTFOUND when null. */
OT_EXTERN int ot_order_driver_location(ot_location_view *out, const ot_order *order,
                                       ot_error *err);
/** Fill `*out` with driver_details; OT_ENOTFOUND when null. */
OT_EXTERN int ot_order_driver_details(ot_driver_view *out, const ot_order *order,
                                      ot_error *err);
/** The record's `metadata` object as compact JSON, freed with ot_free(). */
OT_EXTERN int ot_order_metadata_json(char **json, size_t *len, const ot_order *order,
                                     ot_error *err);

OT_END_DECLS

#endif /* ORDERTRACK_ORDER_H */
