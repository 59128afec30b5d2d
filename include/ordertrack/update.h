/**
 * @file update.h
 * @brief A normalised tracking update: what a courier poll or partner webhook reported.
 *
 * Partner payload parsers (courier.h) produce these; the tracker applies them
 * (tracker.h). A caller may also fill one itself, starting from OT_UPDATE_INIT.
 *
 * Ownership: the struct never owns its strings. When a parser fills it, the strings belong
 * to the list the parser returned and live until that list is freed; when the caller fills
 * it, they belong to the caller and need only outlive the call that reads the struct.
 * The library never keeps a pointer into an update after a call returns.
 * Thread safety: plain data; share read-only.
 */
#ifndef ORDERTRACK_UPDATE_H
#define ORDERTRACK_UPDATE_H

#include <stdint.h>

#include "export.h"
#include "error.h"

/** Newest version of `ot_update` this header describes (its `version` member). */
#define OT_UPDATE_VERSION 1

/** Flags of an update: facts the canonical status alone does not carry. */
enum ot_update_flag {
    OT_UPDATE_PARTIAL = 1u << 0,        /**< partial delivery (Shiprocket 23, B2B PART_DEL) */
    OT_UPDATE_DAMAGED = 1u << 1,        /**< the parcel was reported damaged */
    OT_UPDATE_REVERSE_PICKUP = 1u << 2, /**< reverse-pickup flow (Delhivery PP/PU/DTO) */
    OT_UPDATE_CUSTOMER_RETURN = 1u << 3,/**< customer-return flow (Velocity return_*) */
    OT_UPDATE_UNMAPPED = 1u << 4,       /**< no table maps raw_status: status fields are 0 */
    OT_UPDATE_LEFT_AT_DOOR = 1u << 5,   /**< delivered without hand-over (Uber left_at_door) */
    OT_UPDATE_HAS_POSITION = 1u << 6,   /**< latitude and longitude are set */
    OT_UPDATE_LOCATION_ONLY = 1u << 7,  /**< a position/courier report, no status change */
    OT_UPDATE_RETURNED = 1u << 8        /**< the partner is taking the items back to the
                                             pickup (Uber returned, DoorDash return) */
};

/**
 * One normalised update. Version 1 members are all of the following; new members are only
 * appended, with OT_UPDATE_VERSION bumped. Unknown strings are NULL, unknown times 0.
 */
typedef struct ot_update {
    unsigned version;            /**< OT_UPDATE_VERSION */
    int provider;                /**< ot_provider */
    const char *tracking_id;     /**< AWB, LR number or partner delivery id */
    const char *order_id;        /**< external (our) order id, when the partner echoes it */
    const char *event_id;        /**< partner event id, for de-duplication */
    const char *raw_status;      /**< status exactly as the partner sent it */
    const char *raw_type;        /**< status type or code qualifying raw_status (Delhivery
                                      StatusType, NDR code...), or NULL */
    int status;                  /**< implied ot_status, 0 when none */
    int shipment_status;         /**< ot_shipment_status for parcel couriers, else 0 */
    unsigned flags;              /**< OR of enum ot_update_flag */
    int64_t event_time_ms;       /**< when it happened, ms since the epoch UTC */
    const char *location;        /**< free-text scan location */
    double latitude;             /**< with OT_UPDATE_HAS_POSITION */
    double longitude;            /**< with OT_UPDATE_HAS_POSITION */
    const char *driver_id;       /**< the partner's driver id */
    const char *driver_name;     /**< the driver's name */
    const char *driver_phone;    /**< the driver's phone number */
    const char *vehicle_type;    /**< "car", "bike"... as the partner says */
    const char *vehicle_number;  /**< the vehicle's registration */
    const char *photo_url;       /**< the driver's photo */
    int64_t eta_ms;              /**< estimated delivery time, 0 when unknown */
    const char *tracking_url;    /**< the partner's tracking page */
    const char *notes;           /**< instructions, remarks, cancellation reason */
} ot_update;

/** Initialiser of `ot_update` with its defaults at OT_UPDATE_VERSION. */
#define OT_UPDATE_INIT                                                                    \
    { OT_UPDATE_VERSION, 0, NULL, NULL, NULL, NULL, NULL, 0, 0, 0u, 0, NULL, 0.0, 0.0,  \
      NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL }

OT_BEGIN_DECLS

/**
 * Fill `update` with the defaults of `version` (for bindings that cannot use the macro).
 * @param update the struct to fill (caller-owned)
 * @param version the struct version to fill, 1 to OT_UPDATE_VERSION
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL for a NULL struct, or OT_EVERSION for a version this library does not
 *         know
 */
OT_EXTERN int ot_update_init(ot_update *update, unsigned version, ot_error *err);

OT_END_DECLS

#endif /* ORDERTRACK_UPDATE_H */
