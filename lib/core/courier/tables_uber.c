/* Uber Direct status table (order lifecycle). courier_imminent does not change the result:
 * both pickup/false and pickup/true mean a courier is assigned and heading to the store.
 * Choices are documented in docs/couriers-mapping.md. */
#include "courier/courier_internal.h"

static const struct ot__courier_row uber_rows[] = {
    OT__ROW("pending", OT_STATUS_DRIVER_ASSIGNED),
    OT__ROW("pickup", OT_STATUS_DRIVER_ASSIGNED),
    OT__ROW("pickup complete", OT_STATUS_DRIVER_PICKUP_COMPLETE),
    OT__ROW("dropoff", OT_STATUS_IN_TRANSIT),
    OT__ROW("delivered", OT_STATUS_DELIVERED),
    OT__ROW("canceled", OT_STATUS_CANCELLED),
    OT__ROWF("returned", OT_STATUS_FAILED, OT_UPDATE_RETURNED),
};

const struct ot__courier_table ot__courier_uber = {
    OT_PROVIDER_UBER, 0, uber_rows, OT__COUNT(uber_rows)};
