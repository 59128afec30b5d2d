/**
 * @file tracker_requests.h
 * @brief One request struct per tracker write (since 1.12), each with the members its
 *        operation reads and nothing else.
 *
 * Each write of tracker.h has a twin here, named with `_v2`, that takes its own struct
 * instead of the 37-member `ot_request`. A twin runs the same write as the `ot_request`
 * call (same checks, same answers, same idempotency: a key used with one form replays with
 * the other when the requests carry the same values), so everything the file comment of
 * tracker.h says holds for both. The `ot_request` calls stay and keep working.
 *
 * Every struct begins with `unsigned version` and embeds an `ot_write_common` named `write`
 * (the members every write shares), then its operation's own members. Start from the
 * struct's `_INIT` (or its `_init` function in a binding). A NULL request is OT_EINVAL
 * naming `request`; a version this library does not know is OT_EVERSION naming `version`.
 * Strings are borrowed for the call, must be valid UTF-8, NULL means absent.
 *
 * Thread safety: as the tracker (tracker.h); the calls keep no state of their own.
 */
#ifndef ORDERTRACK_TRACKER_REQUESTS_H
#define ORDERTRACK_TRACKER_REQUESTS_H

#include <stddef.h>
#include <stdint.h>

#include "export.h"
#include "error.h"
#include "order.h"
#include "tracker.h"

/**
 * The members every write shares, embedded as `write` in each request struct. Its layout is
 * fixed for major version 1: it never grows (a new member common to the writes would be added
 * to each request struct under a new version of that struct).
 */
typedef struct ot_write_common {
    const char *order_id;          /**< required: the external order id; init takes 1..128
                                        of [A-Za-z0-9._:-], not "." or ".." */
    const char *idempotency_key;   /**< 1..255 printable ASCII, or NULL */
    const char *idempotency_scope; /**< whose key it is (a host passes its API key's id),
                                        1..128 printable ASCII without spaces, or NULL */
    int64_t expected_version;      /**< If-Match: 0 for any (init: must be 0) */
    const char *updated_by;        /**< the author (NULL: "system") */
    const char *notes;             /**< the history entry's notes */
    const char *metadata_json;     /**< a JSON object: init, the record's metadata; other
                                        writes, the history entry's metadata */
} ot_write_common;

/** Initialiser of `ot_write_common`: every member absent. */
#define OT_WRITE_COMMON_INIT { NULL, NULL, NULL, 0, NULL, NULL, NULL }

/** Newest version of `ot_init_order_request` (its `version` member). */
#define OT_INIT_ORDER_REQUEST_VERSION 1
/** ot_tracker_init_order_v2(). Version 1: all members. */
typedef struct ot_init_order_request {
    unsigned version;              /**< OT_INIT_ORDER_REQUEST_VERSION */
    ot_write_common write;         /**< write.expected_version must be 0 */
    const char *store_id;          /**< required */
    const char *customer_id;       /**< required */
    int provider;                  /**< ot_provider, or a run-time courier's id */
    const char *tracking_id;       /**< required for parcel couriers */
    const char *tracking_url;      /**< optional */
    int64_t estimated_delivery_ms; /**< 0 for none */
} ot_init_order_request;
/** Initialiser of `ot_init_order_request` at OT_INIT_ORDER_REQUEST_VERSION. */
#define OT_INIT_ORDER_REQUEST_INIT \
    { OT_INIT_ORDER_REQUEST_VERSION, OT_WRITE_COMMON_INIT, NULL, NULL, 0, NULL, NULL, 0 }

/** Newest version of `ot_set_status_request` (its `version` member). */
#define OT_SET_STATUS_REQUEST_VERSION 1
/** ot_tracker_set_status_v2(). Version 1: all members. */
typedef struct ot_set_status_request {
    unsigned version;              /**< OT_SET_STATUS_REQUEST_VERSION */
    ot_write_common write;         /**< the shared members */
    int status;                    /**< the target ot_status */
} ot_set_status_request;
/** Initialiser of `ot_set_status_request` at OT_SET_STATUS_REQUEST_VERSION. */
#define OT_SET_STATUS_REQUEST_INIT { OT_SET_STATUS_REQUEST_VERSION, OT_WRITE_COMMON_INIT, 0 }

/** Newest version of `ot_store_acknowledge_request` (its `version` member). */
#define OT_STORE_ACKNOWLEDGE_REQUEST_VERSION 1
/** ot_tracker_store_acknowledge_v2(). Version 1: all members. */
typedef struct ot_store_acknowledge_request {
    unsigned version;              /**< OT_STORE_ACKNOWLEDGE_REQUEST_VERSION */
    ot_write_common write;         /**< the shared members */
    const char *store_id;          /**< required: the order's store, else OT_ENOTFOUND */
    int rejected;                  /**< 1 when the store rejects the order */
    const char *reason;            /**< rejection: required */
    const char *reassign_to;       /**< rejection: the new store, or NULL */
} ot_store_acknowledge_request;
/** Initialiser of `ot_store_acknowledge_request` at OT_STORE_ACKNOWLEDGE_REQUEST_VERSION. */
#define OT_STORE_ACKNOWLEDGE_REQUEST_INIT \
    { OT_STORE_ACKNOWLEDGE_REQUEST_VERSION, OT_WRITE_COMMON_INIT, NULL, 0, NULL, NULL }

/** Newest version of `ot_start_picking_request` (its `version` member). */
#define OT_START_PICKING_REQUEST_VERSION 1
/** ot_tracker_start_picking_v2(). Version 1: all members. */
typedef struct ot_start_picking_request {
    unsigned version;              /**< OT_START_PICKING_REQUEST_VERSION */
    ot_write_common write;         /**< the shared members */
    const char *store_id;          /**< required: the order's store, else OT_ENOTFOUND */
} ot_start_picking_request;
/** Initialiser of `ot_start_picking_request` at OT_START_PICKING_REQUEST_VERSION. */
#define OT_START_PICKING_REQUEST_INIT \
    { OT_START_PICKING_REQUEST_VERSION, OT_WRITE_COMMON_INIT, NULL }

/** Newest version of `ot_add_substitution_request` (its `version` member). */
#define OT_ADD_SUBSTITUTION_REQUEST_VERSION 1
/** ot_tracker_add_substitution_v2(). Version 1: all members. */
typedef struct ot_add_substitution_request {
    unsigned version;               /**< OT_ADD_SUBSTITUTION_REQUEST_VERSION */
    ot_write_common write;          /**< the shared members */
    const char *store_id;           /**< required: the order's store, else OT_ENOTFOUND */
    const char *original_item_id;   /**< required */
    const char *substitute_item_id; /**< required */
    const char *reason;             /**< required */
    double price_difference;        /**< -1e9..1e9 */
} ot_add_substitution_request;
/** Initialiser of `ot_add_substitution_request` at OT_ADD_SUBSTITUTION_REQUEST_VERSION. */
#define OT_ADD_SUBSTITUTION_REQUEST_INIT \
    { OT_ADD_SUBSTITUTION_REQUEST_VERSION, OT_WRITE_COMMON_INIT, NULL, NULL, NULL, NULL, 0.0 }

/** Newest version of `ot_respond_substitution_request` (its `version` member). */
#define OT_RESPOND_SUBSTITUTION_REQUEST_VERSION 1
/** ot_tracker_respond_substitution_v2(). Version 1: all members. */
typedef struct ot_respond_substitution_request {
    unsigned version;              /**< OT_RESPOND_SUBSTITUTION_REQUEST_VERSION */
    ot_write_common write;         /**< the shared members */
    const char *original_item_id;  /**< required: the pending substitution */
    int approved;                  /**< 1 approved, 0 rejected */
} ot_respond_substitution_request;
/** Initialiser of `ot_respond_substitution_request` at
 *  OT_RESPOND_SUBSTITUTION_REQUEST_VERSION. */
#define OT_RESPOND_SUBSTITUTION_REQUEST_INIT \
    { OT_RESPOND_SUBSTITUTION_REQUEST_VERSION, OT_WRITE_COMMON_INIT, NULL, 0 }

/** Newest version of `ot_ready_request` (its `version` member). */
#define OT_READY_REQUEST_VERSION 1
/** ot_tracker_ready_v2(). Version 1: all members. */
typedef struct ot_ready_request {
    unsigned version;              /**< OT_READY_REQUEST_VERSION */
    ot_write_common write;         /**< the shared members */
    const char *store_id;          /**< required: the order's store, else OT_ENOTFOUND */
} ot_ready_request;
/** Initialiser of `ot_ready_request` at OT_READY_REQUEST_VERSION. */
#define OT_READY_REQUEST_INIT { OT_READY_REQUEST_VERSION, OT_WRITE_COMMON_INIT, NULL }

/** Newest version of `ot_assign_driver_request` (its `version` member). */
#define OT_ASSIGN_DRIVER_REQUEST_VERSION 1
/** ot_tracker_assign_driver_v2(). Version 1: all members. */
typedef struct ot_assign_driver_request {
    unsigned version;              /**< OT_ASSIGN_DRIVER_REQUEST_VERSION */
    ot_write_common write;         /**< the shared members */
    const char *driver_id;         /**< NULL: no driver was found */
    const char *driver_name;       /**< required with a driver */
    const char *driver_phone;      /**< required with a driver */
    const char *vehicle_type;      /**< required with a driver */
    const char *vehicle_number;    /**< optional */
    const char *photo_url;         /**< optional */
    const char *tracking_id;       /**< optional: the partner's delivery id */
    const char *tracking_url;      /**< optional */
    int64_t estimated_delivery_ms; /**< 0 for none */
} ot_assign_driver_request;
/** Initialiser of `ot_assign_driver_request` at OT_ASSIGN_DRIVER_REQUEST_VERSION. */
#define OT_ASSIGN_DRIVER_REQUEST_INIT                                                    \
    { OT_ASSIGN_DRIVER_REQUEST_VERSION, OT_WRITE_COMMON_INIT, NULL, NULL, NULL, NULL, \
      NULL, NULL, NULL, NULL, 0 }

/** Newest version of `ot_update_location_request` (its `version` member). */
#define OT_UPDATE_LOCATION_REQUEST_VERSION 1
/** ot_tracker_update_location_v2(). Version 1: all members. */
typedef struct ot_update_location_request {
    unsigned version;              /**< OT_UPDATE_LOCATION_REQUEST_VERSION */
    ot_write_common write;         /**< the shared members */
    double latitude;               /**< -90..90 */
    double longitude;              /**< -180..180 */
    int has_accuracy;              /**< 1 when accuracy is set */
    double accuracy;               /**< metres, >= 0 */
    int64_t time_ms;               /**< when the position was taken; 0 for now */
} ot_update_location_request;
/** Initialiser of `ot_update_location_request` at OT_UPDATE_LOCATION_REQUEST_VERSION. */
#define OT_UPDATE_LOCATION_REQUEST_INIT \
    { OT_UPDATE_LOCATION_REQUEST_VERSION, OT_WRITE_COMMON_INIT, 0.0, 0.0, 0, 0.0, 0 }

/** Newest version of `ot_pickup_request` (its `version` member). */
#define OT_PICKUP_REQUEST_VERSION 1
/** ot_tracker_pickup_v2(). Version 1: all members. */
typedef struct ot_pickup_request {
    unsigned version;              /**< OT_PICKUP_REQUEST_VERSION */
    ot_write_common write;         /**< the shared members */
    int64_t time_ms;               /**< when the driver picked the order up; 0 for now */
} ot_pickup_request;
/** Initialiser of `ot_pickup_request` at OT_PICKUP_REQUEST_VERSION. */
#define OT_PICKUP_REQUEST_INIT { OT_PICKUP_REQUEST_VERSION, OT_WRITE_COMMON_INIT, 0 }

/** Newest version of `ot_delivered_request` (its `version` member). */
#define OT_DELIVERED_REQUEST_VERSION 1
/** ot_tracker_delivered_v2(). Version 1: all members. */
typedef struct ot_delivered_request {
    unsigned version;              /**< OT_DELIVERED_REQUEST_VERSION */
    ot_write_common write;         /**< the shared members */
    int64_t time_ms;               /**< actual_delivery_time; 0 for now */
} ot_delivered_request;
/** Initialiser of `ot_delivered_request` at OT_DELIVERED_REQUEST_VERSION. */
#define OT_DELIVERED_REQUEST_INIT { OT_DELIVERED_REQUEST_VERSION, OT_WRITE_COMMON_INIT, 0 }

/** Newest version of `ot_raise_issue_request` (its `version` member). */
#define OT_RAISE_ISSUE_REQUEST_VERSION 1
/** ot_tracker_raise_issue_v2(). Version 1: all members. */
typedef struct ot_raise_issue_request {
    unsigned version;              /**< OT_RAISE_ISSUE_REQUEST_VERSION */
    ot_write_common write;         /**< the shared members */
    const char *issue_type;        /**< required */
    const char *description;       /**< required */
    int severity;                  /**< ot_severity */
} ot_raise_issue_request;
/** Initialiser of `ot_raise_issue_request` at OT_RAISE_ISSUE_REQUEST_VERSION. */
#define OT_RAISE_ISSUE_REQUEST_INIT \
    { OT_RAISE_ISSUE_REQUEST_VERSION, OT_WRITE_COMMON_INIT, NULL, NULL, 0 }

/** Newest version of `ot_resolve_issue_request` (its `version` member). */
#define OT_RESOLVE_ISSUE_REQUEST_VERSION 1
/** ot_tracker_resolve_issue_v2(). Version 1: all members. */
typedef struct ot_resolve_issue_request {
    unsigned version;              /**< OT_RESOLVE_ISSUE_REQUEST_VERSION */
    ot_write_common write;         /**< the shared members */
    size_t issue_index;            /**< the issue, by its index in the order's issues */
    const char *resolution;        /**< required */
} ot_resolve_issue_request;
/** Initialiser of `ot_resolve_issue_request` at OT_RESOLVE_ISSUE_REQUEST_VERSION. */
#define OT_RESOLVE_ISSUE_REQUEST_INIT \
    { OT_RESOLVE_ISSUE_REQUEST_VERSION, OT_WRITE_COMMON_INIT, 0, NULL }

OT_BEGIN_DECLS

/* The writes: each runs its `ot_request` form of tracker.h, whose comment says what the
 * operation does and how it answers. */

/**
 * Create an order (as ot_tracker_init_order()); `write.expected_version` other than 0 is
 * OT_EINVAL naming it.
 * @param out receives the new record (free with ot_order_free()); may be NULL
 * @param tracker the tracker
 * @param request the order's members (read only; strings borrowed for the call)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 when created, OT_EINVAL, OT_EVERSION, OT_EEXISTS or another negative OT_E...
 *         code (tracker.h)
 */
OT_EXTERN int ot_tracker_init_order_v2(ot_order **out, ot_tracker *tracker,
                                       const ot_init_order_request *request, ot_error *err);
/**
 * Move the order to `status` (as ot_tracker_set_status()).
 * @param out receives the record after the write (free with ot_order_free()); may be NULL
 * @param tracker the tracker
 * @param request the request (read only; strings borrowed for the call)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 when applied, OT_ESTALE when ignored, or a negative OT_E... code (tracker.h)
 */
OT_EXTERN int ot_tracker_set_status_v2(ot_order **out, ot_tracker *tracker,
                                       const ot_set_status_request *request, ot_error *err);
/**
 * The store accepts or rejects the order (as ot_tracker_store_acknowledge()).
 * @param out receives the record after the write (free with ot_order_free()); may be NULL
 * @param tracker the tracker
 * @param request the request (read only; strings borrowed for the call)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 when applied, OT_ESTALE when ignored, or a negative OT_E... code (tracker.h)
 */
OT_EXTERN int ot_tracker_store_acknowledge_v2(ot_order **out, ot_tracker *tracker,
                                              const ot_store_acknowledge_request *request,
                                              ot_error *err);
/**
 * The store starts picking (as ot_tracker_start_picking()).
 * @param out receives the record after the write (free with ot_order_free()); may be NULL
 * @param tracker the tracker
 * @param request the request (read only; strings borrowed for the call)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 when applied, OT_ESTALE when ignored, or a negative OT_E... code (tracker.h)
 */
OT_EXTERN int ot_tracker_start_picking_v2(ot_order **out, ot_tracker *tracker,
                                          const ot_start_picking_request *request,
                                          ot_error *err);
/**
 * The store proposes a substitution (as ot_tracker_add_substitution()).
 * @param out receives the record after the write (free with ot_order_free()); may be NULL
 * @param tracker the tracker
 * @param request the request (read only; strings borrowed for the call)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 when applied, OT_ESTALE when ignored, or a negative OT_E... code (tracker.h)
 */
OT_EXTERN int ot_tracker_add_substitution_v2(ot_order **out, ot_tracker *tracker,
                                             const ot_add_substitution_request *request,
                                             ot_error *err);
/**
 * The customer answers a substitution (as ot_tracker_respond_substitution()).
 * @param out receives the record after the write (free with ot_order_free()); may be NULL
 * @param tracker the tracker
 * @param request the request (read only; strings borrowed for the call)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 when applied, OT_ESTALE when ignored, or a negative OT_E... code (tracker.h)
 */
OT_EXTERN int ot_tracker_respond_substitution_v2(ot_order **out, ot_tracker *tracker,
                                                 const ot_respond_substitution_request *request,
                                                 ot_error *err);
/**
 * The order is ready for pickup (as ot_tracker_ready()).
 * @param out receives the record after the write (free with ot_order_free()); may be NULL
 * @param tracker the tracker
 * @param request the request (read only; strings borrowed for the call)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 when applied, OT_ESTALE when ignored, or a negative OT_E... code (tracker.h)
 */
OT_EXTERN int ot_tracker_ready_v2(ot_order **out, ot_tracker *tracker,
                                  const ot_ready_request *request, ot_error *err);
/**
 * Assign a driver, or record that none was found (as ot_tracker_assign_driver()).
 * @param out receives the record after the write (free with ot_order_free()); may be NULL
 * @param retry_after_ms receives the backoff before the next attempt when no driver was
 *        found, else 0; may be NULL
 * @param tracker the tracker
 * @param request the request (read only; strings borrowed for the call)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 when applied, OT_ESTALE when ignored, or a negative OT_E... code (tracker.h)
 */
OT_EXTERN int ot_tracker_assign_driver_v2(ot_order **out, int64_t *retry_after_ms,
                                          ot_tracker *tracker,
                                          const ot_assign_driver_request *request,
                                          ot_error *err);
/**
 * The driver's position (as ot_tracker_update_location()).
 * @param out receives the record after the write (free with ot_order_free()); may be NULL
 * @param tracker the tracker
 * @param request the request (read only; strings borrowed for the call)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 when applied, OT_ESTALE when not newer than the stored position, or a negative
 *         OT_E... code (tracker.h)
 */
OT_EXTERN int ot_tracker_update_location_v2(ot_order **out, ot_tracker *tracker,
                                            const ot_update_location_request *request,
                                            ot_error *err);
/**
 * The driver picked the order up (as ot_tracker_pickup()).
 * @param out receives the record after the write (free with ot_order_free()); may be NULL
 * @param tracker the tracker
 * @param request the request (read only; strings borrowed for the call)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 when applied, OT_ESTALE when ignored, or a negative OT_E... code (tracker.h)
 */
OT_EXTERN int ot_tracker_pickup_v2(ot_order **out, ot_tracker *tracker,
                                   const ot_pickup_request *request, ot_error *err);
/**
 * The order was delivered (as ot_tracker_delivered()).
 * @param out receives the record after the write (free with ot_order_free()); may be NULL
 * @param tracker the tracker
 * @param request the request (read only; strings borrowed for the call)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 when applied, OT_ESTALE when ignored, or a negative OT_E... code (tracker.h)
 */
OT_EXTERN int ot_tracker_delivered_v2(ot_order **out, ot_tracker *tracker,
                                      const ot_delivered_request *request, ot_error *err);
/**
 * Record an issue (as ot_tracker_raise_issue()).
 * @param out receives the record after the write (free with ot_order_free()); may be NULL
 * @param tracker the tracker
 * @param request the request (read only; strings borrowed for the call)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 when applied, OT_ELIMIT past max_issues, or a negative OT_E... code (tracker.h)
 */
OT_EXTERN int ot_tracker_raise_issue_v2(ot_order **out, ot_tracker *tracker,
                                        const ot_raise_issue_request *request, ot_error *err);
/**
 * Resolve an open issue (as ot_tracker_resolve_issue()).
 * @param out receives the record after the write (free with ot_order_free()); may be NULL
 * @param tracker the tracker
 * @param request the request (read only; strings borrowed for the call)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 when applied, OT_ENOTFOUND for no such issue, OT_ESTATE when already resolved,
 *         or a negative OT_E... code (tracker.h)
 */
OT_EXTERN int ot_tracker_resolve_issue_v2(ot_order **out, ot_tracker *tracker,
                                          const ot_resolve_issue_request *request,
                                          ot_error *err);

/* The _init functions, for bindings without the macros. */

/**
 * Fill an ot_init_order_request with the defaults of `version`.
 * @param request the struct to fill (caller-owned)
 * @param version 1 to OT_INIT_ORDER_REQUEST_VERSION
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL for a NULL struct, or OT_EVERSION for an unknown version
 */
OT_EXTERN int ot_init_order_request_init(ot_init_order_request *request, unsigned version,
                                         ot_error *err);
/**
 * Fill an ot_set_status_request with the defaults of `version`.
 * @param request the struct to fill (caller-owned)
 * @param version 1 to OT_SET_STATUS_REQUEST_VERSION
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL for a NULL struct, or OT_EVERSION for an unknown version
 */
OT_EXTERN int ot_set_status_request_init(ot_set_status_request *request, unsigned version,
                                         ot_error *err);
/**
 * Fill an ot_store_acknowledge_request with the defaults of `version`.
 * @param request the struct to fill (caller-owned)
 * @param version 1 to OT_STORE_ACKNOWLEDGE_REQUEST_VERSION
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL for a NULL struct, or OT_EVERSION for an unknown version
 */
OT_EXTERN int ot_store_acknowledge_request_init(ot_store_acknowledge_request *request,
                                                unsigned version, ot_error *err);
/**
 * Fill an ot_start_picking_request with the defaults of `version`.
 * @param request the struct to fill (caller-owned)
 * @param version 1 to OT_START_PICKING_REQUEST_VERSION
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL for a NULL struct, or OT_EVERSION for an unknown version
 */
OT_EXTERN int ot_start_picking_request_init(ot_start_picking_request *request,
                                            unsigned version, ot_error *err);
/**
 * Fill an ot_add_substitution_request with the defaults of `version`.
 * @param request the struct to fill (caller-owned)
 * @param version 1 to OT_ADD_SUBSTITUTION_REQUEST_VERSION
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL for a NULL struct, or OT_EVERSION for an unknown version
 */
OT_EXTERN int ot_add_substitution_request_init(ot_add_substitution_request *request,
                                               unsigned version, ot_error *err);
/**
 * Fill an ot_respond_substitution_request with the defaults of `version`.
 * @param request the struct to fill (caller-owned)
 * @param version 1 to OT_RESPOND_SUBSTITUTION_REQUEST_VERSION
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL for a NULL struct, or OT_EVERSION for an unknown version
 */
OT_EXTERN int ot_respond_substitution_request_init(ot_respond_substitution_request *request,
                                                   unsigned version, ot_error *err);
/**
 * Fill an ot_ready_request with the defaults of `version`.
 * @param request the struct to fill (caller-owned)
 * @param version 1 to OT_READY_REQUEST_VERSION
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL for a NULL struct, or OT_EVERSION for an unknown version
 */
OT_EXTERN int ot_ready_request_init(ot_ready_request *request, unsigned version,
                                    ot_error *err);
/**
 * Fill an ot_assign_driver_request with the defaults of `version`.
 * @param request the struct to fill (caller-owned)
 * @param version 1 to OT_ASSIGN_DRIVER_REQUEST_VERSION
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL for a NULL struct, or OT_EVERSION for an unknown version
 */
OT_EXTERN int ot_assign_driver_request_init(ot_assign_driver_request *request,
                                            unsigned version, ot_error *err);
/**
 * Fill an ot_update_location_request with the defaults of `version`.
 * @param request the struct to fill (caller-owned)
 * @param version 1 to OT_UPDATE_LOCATION_REQUEST_VERSION
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL for a NULL struct, or OT_EVERSION for an unknown version
 */
OT_EXTERN int ot_update_location_request_init(ot_update_location_request *request,
                                              unsigned version, ot_error *err);
/**
 * Fill an ot_pickup_request with the defaults of `version`.
 * @param request the struct to fill (caller-owned)
 * @param version 1 to OT_PICKUP_REQUEST_VERSION
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL for a NULL struct, or OT_EVERSION for an unknown version
 */
OT_EXTERN int ot_pickup_request_init(ot_pickup_request *request, unsigned version,
                                     ot_error *err);
/**
 * Fill an ot_delivered_request with the defaults of `version`.
 * @param request the struct to fill (caller-owned)
 * @param version 1 to OT_DELIVERED_REQUEST_VERSION
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL for a NULL struct, or OT_EVERSION for an unknown version
 */
OT_EXTERN int ot_delivered_request_init(ot_delivered_request *request, unsigned version,
                                        ot_error *err);
/**
 * Fill an ot_raise_issue_request with the defaults of `version`.
 * @param request the struct to fill (caller-owned)
 * @param version 1 to OT_RAISE_ISSUE_REQUEST_VERSION
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL for a NULL struct, or OT_EVERSION for an unknown version
 */
OT_EXTERN int ot_raise_issue_request_init(ot_raise_issue_request *request, unsigned version,
                                          ot_error *err);
/**
 * Fill an ot_resolve_issue_request with the defaults of `version`.
 * @param request the struct to fill (caller-owned)
 * @param version 1 to OT_RESOLVE_ISSUE_REQUEST_VERSION
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL for a NULL struct, or OT_EVERSION for an unknown version
 */
OT_EXTERN int ot_resolve_issue_request_init(ot_resolve_issue_request *request,
                                            unsigned version, ot_error *err);

OT_END_DECLS

#endif /* ORDERTRACK_TRACKER_REQUESTS_H */
