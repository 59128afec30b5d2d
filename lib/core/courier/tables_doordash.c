/* DoorDash Drive table (order lifecycle): webhook event_name values (upper snake case) and
 * delivery_status values (lower case) share it, since matching folds case.
 * Choices are documented in docs/couriers-mapping.md. */
#include "courier_internal.h"

#define ASSIGNED OT_STATUS_DRIVER_ASSIGNED
#define PICKED OT_STATUS_DRIVER_PICKUP_COMPLETE
#define TRANSIT OT_STATUS_IN_TRANSIT
#define RETURN(raw) OT__ROWF(raw, OT_STATUS_FAILED, OT_UPDATE_RETURNED)

static const struct ot__courier_row doordash_rows[] = {
    /* Webhook event_name. */
    OT__ROW("dasher_confirmed", ASSIGNED),
    OT__ROW("dasher_enroute_to_pickup", ASSIGNED),
    OT__ROW("dasher_confirmed_pickup_arrival", ASSIGNED),
    OT__ROW("dasher_picked_up", PICKED),
    OT__ROW("dasher_enroute_to_dropoff", TRANSIT),
    OT__ROW("dasher_confirmed_dropoff_arrival", TRANSIT),
    OT__ROW("dasher_dropped_off", OT_STATUS_DELIVERED),
    OT__ROW("delivery_cancelled", OT_STATUS_CANCELLED),
    RETURN("delivery_return_initialized"),
    RETURN("dasher_enroute_to_return"),
    RETURN("dasher_confirmed_return_arrival"),
    RETURN("delivery_returned"),
    /* Parcel product events. */
    OT__ROW("parcel_labeled", OT_STATUS_READY_FOR_PICKUP),
    OT__ROW("parcel_scanned", PICKED),
    OT__ROW("parcel_origin_arrived", TRANSIT),
    OT__ROW("parcel_origin_picked_up", TRANSIT),
    OT__ROW("parcel_mid_mile_arrived", TRANSIT),
    OT__ROW("parcel_mid_mile_departed", TRANSIT),
    OT__ROW("parcel_delayed", TRANSIT),
    OT__ROW("parcel_received_to_redeliver", TRANSIT),
    RETURN("parcel_return_to_merchant"),
    /* delivery_status values. */
    OT__ROW("created", ASSIGNED),
    OT__ROW("confirmed", ASSIGNED),
    OT__ROW("enroute_to_pickup", ASSIGNED),
    OT__ROW("arrived_at_pickup", ASSIGNED),
    OT__ROW("picked_up", PICKED),
    OT__ROW("enroute_to_dropoff", TRANSIT),
    OT__ROW("arrived_at_dropoff", TRANSIT),
    OT__ROW("delivered", OT_STATUS_DELIVERED),
    OT__ROW("cancelled", OT_STATUS_CANCELLED),
    RETURN("enroute_to_return"),
    RETURN("arrived_at_return"),
    RETURN("returned"),
};

const struct ot__courier_table ot__courier_doordash = {
    OT_PROVIDER_DOORDASH, 0, doordash_rows, OT__COUNT(doordash_rows)};
