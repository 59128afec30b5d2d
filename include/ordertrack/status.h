/**
 * @file status.h
 * @brief The status vocabularies, delivery providers and their wire names.
 *
 * Two vocabularies share one order record: the order lifecycle of hyperlocal delivery
 * (`ot_status`) and the parcel-courier shipment status (`ot_shipment_status`). Wire names
 * are exact, spaces included ("in transit", "rto in transit").
 *
 * Enum values are explicit, never renumbered, and 0 always means unknown. Every function
 * here is pure and thread-safe. Returned names point to static storage: never free them.
 * Parsing from a string is exact (case-sensitive, no surrounding white space): these are
 * our own wire names; the tolerant matching of partner vocabularies lives in courier.h.
 */
#ifndef ORDERTRACK_STATUS_H
#define ORDERTRACK_STATUS_H

#include "export.h"
#include "error.h"

/** Lifecycle status of an order (hyperlocal delivery: store, picking, driver). */
typedef enum ot_status {
    OT_STATUS_UNKNOWN = 0,
    OT_STATUS_SUBMITTED = 1,
    OT_STATUS_STORE_NOTIFIED = 2,
    OT_STATUS_STORE_ACKNOWLEDGED = 3,
    OT_STATUS_PICKING_IN_PROGRESS = 4,
    OT_STATUS_SUBSTITUTIONS_NEEDED = 5,
    OT_STATUS_SUBSTITUTIONS_APPROVED = 6,
    OT_STATUS_READY_FOR_PICKUP = 7,
    OT_STATUS_DRIVER_ASSIGNED = 8,
    OT_STATUS_DRIVER_PICKUP_COMPLETE = 9,
    OT_STATUS_IN_TRANSIT = 10,
    OT_STATUS_DELIVERED = 11,
    OT_STATUS_CANCELLED = 12,
    OT_STATUS_FAILED = 13
} ot_status;
/** One past the largest ot_status value. */
#define OT_STATUS_COUNT 14

/** Shipment status of a parcel courier's order (the legacy `orders` vocabulary), plus
 *  rto_delivered. */
typedef enum ot_shipment_status {
    OT_SHIPMENT_UNKNOWN = 0,
    OT_SHIPMENT_PENDING = 1,            /**< "pending" */
    OT_SHIPMENT_IN_TRANSIT = 2,         /**< "in transit" */
    OT_SHIPMENT_OUT_FOR_DELIVERY = 3,   /**< "out_for_delivery" */
    OT_SHIPMENT_DELIVERED = 4,          /**< "delivered" */
    OT_SHIPMENT_NDR = 5,                /**< "ndr": a delivery attempt failed */
    OT_SHIPMENT_RTO = 6,                /**< "rto": return to origin started */
    OT_SHIPMENT_RTO_IN_TRANSIT = 7,     /**< "rto in transit" */
    OT_SHIPMENT_LOST = 8,               /**< "lost" */
    OT_SHIPMENT_DESTROY = 9,            /**< "destroy" */
    OT_SHIPMENT_BOOKING_CANCELLED = 10, /**< "booking_cancelled" */
    OT_SHIPMENT_RTO_DELIVERED = 11      /**< "rto_delivered": the return reached the seller */
} ot_shipment_status;
/** One past the largest ot_shipment_status value. */
#define OT_SHIPMENT_COUNT 12

/** Delivery provider of an order. */
typedef enum ot_provider {
    OT_PROVIDER_UNKNOWN = 0,
    OT_PROVIDER_UBER = 1,
    OT_PROVIDER_DOORDASH = 2,
    OT_PROVIDER_INTERNAL = 3,
    OT_PROVIDER_DELHIVERY = 4,
    OT_PROVIDER_DELHIVERY_B2B = 5,
    OT_PROVIDER_SHIPROCKET = 6,
    OT_PROVIDER_VELOCITY = 7
} ot_provider;
/** One past the largest ot_provider value. */
#define OT_PROVIDER_COUNT 8

/** Status of an item substitution. */
typedef enum ot_substitution_status {
    OT_SUBSTITUTION_UNKNOWN = 0,
    OT_SUBSTITUTION_PENDING = 1,
    OT_SUBSTITUTION_APPROVED = 2,
    OT_SUBSTITUTION_REJECTED = 3
} ot_substitution_status;
/** One past the largest ot_substitution_status value. */
#define OT_SUBSTITUTION_COUNT 4

/** Severity of an order issue. */
typedef enum ot_severity {
    OT_SEVERITY_UNKNOWN = 0,
    OT_SEVERITY_LOW = 1,
    OT_SEVERITY_MEDIUM = 2,
    OT_SEVERITY_HIGH = 3,
    OT_SEVERITY_CRITICAL = 4
} ot_severity;
/** One past the largest ot_severity value. */
#define OT_SEVERITY_COUNT 5

OT_BEGIN_DECLS

/**
 * Wire name of a lifecycle status into `*name`; OT_EINVAL for UNKNOWN or out of range.
 * @param name receives the static wire name
 * @param status the lifecycle status (ot_status)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_status_to_string(const char **name, int status, ot_error *err);
/**
 * Lifecycle status from its exact wire name; OT_EINVAL naming the string if unknown.
 * @param status receives the lifecycle status
 * @param name the exact wire name
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_status_from_string(ot_status *status, const char *name, ot_error *err);
/**
 * 1 if `status` is terminal (delivered, cancelled, failed), 0 if not, OT_EINVAL if invalid.
 * @param status a lifecycle status (ot_status)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 1 if terminal, 0 if not, or OT_EINVAL
 */
OT_EXTERN int ot_status_is_terminal(int status, ot_error *err);

/**
 * Wire name of a shipment status into `*name`; OT_EINVAL for UNKNOWN or out of range.
 * @param name receives the static wire name
 * @param status the shipment status (ot_shipment_status)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_shipment_to_string(const char **name, int status, ot_error *err);
/**
 * Shipment status from its exact wire name ("in transit"); OT_EINVAL if unknown.
 * @param status receives the shipment status
 * @param name the exact wire name
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_shipment_from_string(ot_shipment_status *status, const char *name, ot_error *err);
/**
 * 1 if terminal (delivered, rto_delivered, lost, destroy, booking_cancelled), else 0.
 * @param status a shipment status (ot_shipment_status)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 1 if terminal, 0 if not, or OT_EINVAL
 */
OT_EXTERN int ot_shipment_is_terminal(int status, ot_error *err);
/**
 * The lifecycle status a shipment status implies, or OT_STATUS_UNKNOWN where none fits
 * (pending). in transit, out_for_delivery and ndr imply in_transit; delivered implies
 * delivered; rto, rto in transit and rto_delivered imply failed; lost and destroy imply
 * failed; booking_cancelled implies cancelled.
 * @param status receives the implied lifecycle status
 * @param shipment the shipment status (ot_shipment_status)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_shipment_to_status(ot_status *status, int shipment, ot_error *err);

/**
 * Wire name of a provider ("delhivery_b2b"); OT_EINVAL for UNKNOWN or out of range.
 * @param name receives the static wire name
 * @param provider the provider (ot_provider)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_provider_to_string(const char **name, int provider, ot_error *err);
/**
 * Provider from its exact wire name; OT_EINVAL if unknown.
 * @param provider receives the provider
 * @param name the exact wire name
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_provider_from_string(ot_provider *provider, const char *name, ot_error *err);
/**
 * 1 for parcel couriers (shipment vocabulary), 0 for hyperlocal, OT_EINVAL if invalid.
 * @param provider the partner (ot_provider)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 1 for a parcel courier, 0 for a hyperlocal partner, or OT_EINVAL
 */
OT_EXTERN int ot_provider_is_parcel(int provider, ot_error *err);

/**
 * Wire name of a substitution status ("pending"); OT_EINVAL if invalid.
 * @param name receives the static wire name
 * @param status the substitution status (ot_substitution_status)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_substitution_to_string(const char **name, int status, ot_error *err);
/**
 * Substitution status from its wire name; OT_EINVAL if unknown.
 * @param status receives the substitution status
 * @param name the exact wire name
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_substitution_from_string(ot_substitution_status *status, const char *name,
                                          ot_error *err);

/**
 * Wire name of a severity ("critical"); OT_EINVAL if invalid.
 * @param name receives the static wire name
 * @param severity the severity (ot_severity)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_severity_to_string(const char **name, int severity, ot_error *err);
/**
 * Severity from its wire name; OT_EINVAL if unknown.
 * @param severity receives the severity
 * @param name the exact wire name
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_severity_from_string(ot_severity *severity, const char *name, ot_error *err);

OT_END_DECLS

#endif /* ORDERTRACK_STATUS_H */
