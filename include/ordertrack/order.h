/**
 * @file order.h
 * @brief The order tracking record: read-only accessors, the JSON codec, history audit.
 *
 * An `ot_order` is one order document exactly as docs/API.md ("The order document")
 * describes it: every field of the OrderTracking document plus `shipment_status`,
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
/** Number of ot_order_time_field values, OT_TIME_UNKNOWN included. */
#define OT_TIME_FIELD_COUNT 9

/** Newest version of `ot_history_entry` this header describes (its `version` member). */
#define OT_HISTORY_ENTRY_VERSION 1
/** One status_history entry, filled by ot_order_history_at(). Version 1: all members. */
typedef struct ot_history_entry {
    unsigned version;           /**< set by the caller: OT_HISTORY_ENTRY_VERSION */
    int status;                 /**< ot_status after the event */
    int64_t timestamp_ms;       /**< when the event happened, ms since the epoch */
    const char *updated_by;     /**< who made the change */
    const char *notes;          /**< NULL when absent */
    const char *event;          /**< event type name ("created", "substitution_added"...) */
    const char *hash;           /**< hex SHA-256 of this entry */
    const char *prev_hash;      /**< hex SHA-256 of the previous entry (zeros for the first) */
} ot_history_entry;
/** Initialiser of `ot_history_entry` with its defaults at OT_HISTORY_ENTRY_VERSION. */
#define OT_HISTORY_ENTRY_INIT { OT_HISTORY_ENTRY_VERSION, 0, 0, NULL, NULL, NULL, NULL, NULL }

/** Newest version of `ot_substitution_view` this header describes (its `version` member). */
#define OT_SUBSTITUTION_VIEW_VERSION 1
/** One item substitution, filled by ot_order_substitution_at(). Version 1: all members. */
typedef struct ot_substitution_view {
    unsigned version;                   /**< OT_SUBSTITUTION_VIEW_VERSION */
    const char *original_item_id;       /**< the item ordered */
    const char *substitute_item_id;     /**< the item offered instead */
    const char *reason;                 /**< why the item is substituted */
    int status;                         /**< ot_substitution_status */
    double price_difference;            /**< substitute price less the original's */
    int64_t customer_notified_at_ms;    /**< 0 when null */
    int64_t customer_responded_at_ms;   /**< 0 when null */
} ot_substitution_view;
/** Initialiser of `ot_substitution_view` with its defaults at OT_SUBSTITUTION_VIEW_VERSION. */
#define OT_SUBSTITUTION_VIEW_INIT { OT_SUBSTITUTION_VIEW_VERSION, NULL, NULL, NULL, 0, 0.0, 0, 0 }

/** Newest version of `ot_issue_view` this header describes (its `version` member). */
#define OT_ISSUE_VIEW_VERSION 1
/** One issue, filled by ot_order_issue_at(). Version 1: all members. */
typedef struct ot_issue_view {
    unsigned version;           /**< OT_ISSUE_VIEW_VERSION */
    const char *issue_type;     /**< the issue's type ("no_drivers", "store_rejected"...) */
    const char *description;    /**< free text */
    int severity;               /**< ot_severity */
    int64_t created_at_ms;      /**< when it was raised, ms since the epoch */
    int64_t resolved_at_ms;     /**< 0 while open */
    const char *resolution;     /**< NULL while open */
} ot_issue_view;
/** Initialiser of `ot_issue_view` with its defaults at OT_ISSUE_VIEW_VERSION. */
#define OT_ISSUE_VIEW_INIT { OT_ISSUE_VIEW_VERSION, NULL, NULL, 0, 0, 0, NULL }

/** Newest version of `ot_location_view` this header describes (its `version` member). */
#define OT_LOCATION_VIEW_VERSION 1
/** The driver's last position, filled by ot_order_driver_location(). */
typedef struct ot_location_view {
    unsigned version;           /**< OT_LOCATION_VIEW_VERSION */
    double latitude;            /**< -90..90 */
    double longitude;           /**< -180..180 */
    int64_t timestamp_ms;       /**< when the event happened, ms since the epoch */
    int has_accuracy;           /**< 1 when accuracy is set */
    double accuracy;            /**< metres */
} ot_location_view;
/** Initialiser of `ot_location_view` with its defaults at OT_LOCATION_VIEW_VERSION. */
#define OT_LOCATION_VIEW_INIT { OT_LOCATION_VIEW_VERSION, 0.0, 0.0, 0, 0, 0.0 }

/** Newest version of `ot_driver_view` this header describes (its `version` member). */
#define OT_DRIVER_VIEW_VERSION 1
/** The assigned driver, filled by ot_order_driver_details(). */
typedef struct ot_driver_view {
    unsigned version;           /**< OT_DRIVER_VIEW_VERSION */
    const char *driver_id;      /**< the partner's driver id */
    const char *name;           /**< the driver's name */
    const char *phone;          /**< the driver's phone number */
    const char *vehicle_type;   /**< "car", "bike"... as the partner says */
    const char *vehicle_number; /**< NULL when absent */
    const char *photo_url;      /**< NULL when absent */
} ot_driver_view;
/** Initialiser of `ot_driver_view` with its defaults at OT_DRIVER_VIEW_VERSION. */
#define OT_DRIVER_VIEW_INIT { OT_DRIVER_VIEW_VERSION, NULL, NULL, NULL, NULL, NULL, NULL }

OT_BEGIN_DECLS

/**
 * Decode and validate an untrusted order document (`len` bytes, not NUL-terminated
 * necessarily). Every field is checked (type, enum wire name, latitude/longitude range,
 * string length, RFC 3339 timestamp, no unknown field); the first bad one is named in
 * `err->field` as a path ("status_history[2].timestamp"). Invalid UTF-8 or malformed JSON
 * is OT_EPARSE with the position. On success `*out` owns a new record (ot_order_free).
 * The history hash chain is not checked here: see ot_order_verify_history().
 * @param out receives the new record (free with ot_order_free())
 * @param json the document; need not be NUL-terminated
 * @param len length of `json` in bytes
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_order_from_json(ot_order **out, const char *json, size_t len, ot_error *err);

/**
 * Encode `order` as compact JSON in canonical field order with RFC 3339 UTC millisecond
 * timestamps; decoding the result gives an equal record, and encoding a decoded canonical
 * document gives the same bytes. `*json` (NUL-terminated, `*len` bytes without the NUL;
 * `len` may be NULL) is freed with ot_free().
 * @param json receives the NUL-terminated JSON (free with ot_free())
 * @param len receives the length of `*json` without the NUL; may be NULL
 * @param order the record (read only)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_order_to_json(char **json, size_t *len, const ot_order *order, ot_error *err);

/**
 * Free a record. Accepts NULL.
 * @param order the record, or NULL
 */
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
 * @param out receives the copy (free with ot_order_free())
 * @param order the record to copy (read only)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_order_clone(ot_order **out, const ot_order *order, ot_error *err);

/**
 * Check the audit trail: each history entry's hash matches its canonical encoding, links to
 * its predecessor's hash and carries its position; the last entry's status is the record's
 * current status; and replaying the events rebuilds the record's fields (all but
 * driver_location, updated_at and version, which no event derives). OT_EINTEGRITY names the
 * first bad entry ("status_history[3]"), or "order" when only the fields disagree.
 * @param order the record (read only)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_order_verify_history(const ot_order *order, ot_error *err);

/**
 * Verify one record as `ordertrack verify` does (since 1.8): ot_order_verify_history() (hash
 * chain, positions, projection), then every status step of its history against the
 * lifecycle graph (a step not even a courier may make is a finding). Pure; thread-safe.
 * @param order the record (read only)
 * @param err receives the code, the offending field ("status_history[3]", "order") and a
 *        message on failure; may be NULL
 * @return 0 when the record is sound, OT_EINTEGRITY naming the first finding, OT_EINVAL
 */
OT_EXTERN int ot_order_verify(const ot_order *order, ot_error *err);

/**
 * Record id (`id`). NULL for a NULL record.
 * @param order the record (read only)
 * @return the record id (borrowed), or NULL
 */
OT_EXTERN const char *ot_order_id(const ot_order *order);
/**
 * External order id (`order_id`).
 * @param order the record (read only)
 * @return the order id (borrowed), or NULL for a NULL record
 */
OT_EXTERN const char *ot_order_order_id(const ot_order *order);
/**
 * `store_id`.
 * @param order the record (read only)
 * @return the store id (borrowed), or NULL for a NULL record
 */
OT_EXTERN const char *ot_order_store_id(const ot_order *order);
/**
 * `customer_id`.
 * @param order the record (read only)
 * @return the customer id (borrowed), or NULL for a NULL record
 */
OT_EXTERN const char *ot_order_customer_id(const ot_order *order);
/**
 * `delivery_tracking_id` or NULL.
 * @param order the record (read only)
 * @return the tracking id (borrowed), or NULL
 */
OT_EXTERN const char *ot_order_tracking_id(const ot_order *order);
/**
 * `delivery_tracking_url` or NULL.
 * @param order the record (read only)
 * @return the tracking URL (borrowed), or NULL
 */
OT_EXTERN const char *ot_order_tracking_url(const ot_order *order);
/**
 * `courier_status_raw` (the last raw courier status) or NULL.
 * @param order the record (read only)
 * @return the raw status (borrowed), or NULL
 */
OT_EXTERN const char *ot_order_courier_status_raw(const ot_order *order);
/**
 * `current_status` as ot_status (0 for a NULL record).
 * @param order the record (read only)
 * @return the ot_status, or 0 for a NULL record
 */
OT_EXTERN int ot_order_status(const ot_order *order);
/**
 * `shipment_status` as ot_shipment_status; 0 when null (hyperlocal orders).
 * @param order the record (read only)
 * @return the ot_shipment_status, or 0 when null
 */
OT_EXTERN int ot_order_shipment_status(const ot_order *order);
/**
 * `delivery_provider` as ot_provider.
 * @param order the record (read only)
 * @return the ot_provider, or 0 for a NULL record
 */
OT_EXTERN int ot_order_provider(const ot_order *order);
/**
 * `version`: 1 after init, +1 per committed change; -1 for a NULL record.
 * @param order the record (read only)
 * @return the version, or -1 for a NULL record
 */
OT_EXTERN int64_t ot_order_version(const ot_order *order);
/**
 * The revision: the version of the last change a client can see. It is `version` less the
 * commits on top that only recorded bookkeeping (`sla_notified` entries of the SLA sweep),
 * so it stays put while the sweep records notices. An `expected_version` (If-Match) from
 * revision to version is current (tracker.h); ordertrackd's ETag is the revision. -1 for a
 * NULL record. Pure. Since 1.2.
 * @param order the record (read only)
 * @return the revision, or -1 for a NULL record
 */
OT_EXTERN int64_t ot_order_revision(const ot_order *order);

/**
 * One of the record's times (ot_order_time_field) in ms; OT_ENOTFOUND when null.
 * @param ms receives the time, ms since the epoch
 * @param order the record (read only)
 * @param field which time (ot_order_time_field)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_ENOTFOUND when the time is null, or another negative OT_E... code
 */
OT_EXTERN int ot_order_time(int64_t *ms, const ot_order *order, int field, ot_error *err);

/**
 * Number of status_history entries (0 for NULL).
 * @param order the record (read only)
 * @return the number of entries
 */
OT_EXTERN size_t ot_order_history_count(const ot_order *order);
/**
 * Number of substitutions.
 * @param order the record (read only)
 * @return the number of substitutions
 */
OT_EXTERN size_t ot_order_substitution_count(const ot_order *order);
/**
 * Number of issues.
 * @param order the record (read only)
 * @return the number of issues
 */
OT_EXTERN size_t ot_order_issue_count(const ot_order *order);

/**
 * Fill `*out` (its `version` set by the caller) with history entry `index` (oldest first).
 * @param out receives the entry (its `version` set by the caller); strings borrowed from
 *        `order`
 * @param order the record (read only)
 * @param index 0-based, oldest first, below ot_order_history_count()
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_order_history_at(ot_history_entry *out, const ot_order *order, size_t index,
                                  ot_error *err);
/**
 * Fill `*out` with substitution `index`.
 * @param out receives the substitution (its `version` set by the caller); strings borrowed from
 *        `order`
 * @param order the record (read only)
 * @param index 0-based, below ot_order_substitution_count()
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_order_substitution_at(ot_substitution_view *out, const ot_order *order,
                                       size_t index, ot_error *err);
/**
 * Fill `*out` with issue `index`.
 * @param out receives the issue (its `version` set by the caller); strings borrowed from
 *        `order`
 * @param order the record (read only)
 * @param index 0-based, below ot_order_issue_count()
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_order_issue_at(ot_issue_view *out, const ot_order *order, size_t index,
                                ot_error *err);
/**
 * Fill `*out` with driver_location; OT_ENOTFOUND when null.
 * @param out receives the position (its `version` set by the caller)
 * @param order the record (read only)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_ENOTFOUND when there is no position, or another negative OT_E... code
 */
OT_EXTERN int ot_order_driver_location(ot_location_view *out, const ot_order *order,
                                       ot_error *err);
/**
 * Fill `*out` with driver_details; OT_ENOTFOUND when null.
 * @param out receives the driver (its `version` set by the caller); strings borrowed from
 *        `order`
 * @param order the record (read only)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_ENOTFOUND when no driver is assigned, or another negative OT_E... code
 */
OT_EXTERN int ot_order_driver_details(ot_driver_view *out, const ot_order *order,
                                      ot_error *err);
/**
 * The record's `metadata` object as compact JSON, freed with ot_free().
 * @param json receives the NUL-terminated JSON (free with ot_free())
 * @param len receives the length of `*json` without the NUL; may be NULL
 * @param order the record (read only)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_order_metadata_json(char **json, size_t *len, const ot_order *order,
                                     ot_error *err);

OT_END_DECLS

#endif /* ORDERTRACK_ORDER_H */
