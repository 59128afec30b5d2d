/* DoorDash Drive table (order lifecycle): webhook event_name values (upper snake case) and
 * delivery_status values (lower case) share it, since matching folds case. Keys are written
 * normalised ('_' as a space: DASHER_PICKED_UP is "dasher picked up" here).
 * Choices are documented in docs/couriers-mapping.md. */
#include "courier/courier_internal.h"

#define ASSIGNED OT_STATUS_DRIVER_ASSIGNED
#define PICKED OT_STATUS_DRIVER_PICKUP_COMPLETE
#define TRANSIT OT_STATUS_IN_TRANSIT
#define RETURN(raw) OT__ROWF(raw, OT_STATUS_FAILED, OT_UPDATE_RETURNED)

static const struct ot__courier_row doordash_rows[] = {
    /* Webhook event_name. */
    OT__ROW("dasher confirmed", ASSIGNED),
    OT__ROW("dasher enroute to pickup", ASSIGNED),
    OT__ROW("dasher confirmed pickup arrival", ASSIGNED),
    OT__ROW("dasher picked up", PICKED),
    OT__ROW("dasher enroute to dropoff", TRANSIT),
    OT__ROW("dasher confirmed dropoff arrival", TRANSIT),
    OT__ROW("dasher dropped off", OT_STATUS_DELIVERED),
    OT__ROW("delivery cancelled", OT_STATUS_CANCELLED),
    RETURN("delivery return initialized"),
    RETURN("dasher enroute to return"),
    RETURN("dasher confirmed return arrival"),
    RETURN("delivery returned"),
    /* Parcel product events. */
    OT__ROW("parcel labeled", OT_STATUS_READY_FOR_PICKUP),
    OT__ROW("parcel scanned", PICKED),
    OT__ROW("parcel origin arrived", TRANSIT),
    OT__ROW("parcel origin picked up", TRANSIT),
    OT__ROW("parcel mid mile arrived", TRANSIT),
    OT__ROW("parcel mid mile departed", TRANSIT),
    OT__ROW("parcel delayed", TRANSIT),
    OT__ROW("parcel received to redeliver", TRANSIT),
    RETURN("parcel return to merchant"),
    /* delivery_status values. */
    OT__ROW("created", ASSIGNED),
    OT__ROW("confirmed", ASSIGNED),
    OT__ROW("enroute to pickup", ASSIGNED),
    OT__ROW("arrived at pickup", ASSIGNED),
    OT__ROW("picked up", PICKED),
    OT__ROW("enroute to dropoff", TRANSIT),
    OT__ROW("arrived at dropoff", TRANSIT),
    OT__ROW("delivered", OT_STATUS_DELIVERED),
    OT__ROW("cancelled", OT_STATUS_CANCELLED),
    RETURN("enroute to return"),
    RETURN("arrived at return"),
    RETURN("returned"),
};

const struct ot__courier_table ot__courier_doordash = {
    OT_PROVIDER_DOORDASH, 0, doordash_rows, OT__COUNT(doordash_rows)};
