/* Velocity status table. Keys are written normalised ('_' as a space: the partner's
 * out_for_delivery is "out for delivery" here). Choices are documented in
 * docs/couriers-mapping.md. */
#include "courier/courier_internal.h"

#define P OT_SHIPMENT_PENDING
#define RET OT_UPDATE_CUSTOMER_RETURN

static const struct ot__courier_row velocity_rows[] = {
    OT__ROW("pending", P),
    OT__ROW("processing", P),
    OT__ROW("ready for pickup", P),
    OT__ROW("pickup scheduled", P),
    OT__ROW("not picked", P),
    OT__ROW("in transit", OT_SHIPMENT_IN_TRANSIT),
    OT__ROW("out for delivery", OT_SHIPMENT_OUT_FOR_DELIVERY),
    OT__ROW("delivered", OT_SHIPMENT_DELIVERED),
    OT__ROW("externally fulfilled", OT_SHIPMENT_DELIVERED),
    OT__ROW("ndr raised", OT_SHIPMENT_NDR),
    OT__ROW("need attention", OT_SHIPMENT_NDR),
    OT__ROW("reattempt delivery", OT_SHIPMENT_NDR),
    OT__ROW("cancelled", OT_SHIPMENT_BOOKING_CANCELLED),
    OT__ROW("rejected", OT_SHIPMENT_BOOKING_CANCELLED),
    OT__ROW("lost", OT_SHIPMENT_LOST),
    OT__ROW("rto initiated", OT_SHIPMENT_RTO),
    OT__ROW("rto in transit", OT_SHIPMENT_RTO_IN_TRANSIT),
    OT__ROW("rto need attention", OT_SHIPMENT_RTO_IN_TRANSIT),
    OT__ROW("rto delivered", OT_SHIPMENT_RTO_DELIVERED),
    OT__ROW("rto lost", OT_SHIPMENT_LOST),
    /* rto_cancelled ("revert to the prior forward state") is deliberately unmapped. */
    /* Customer returns: a flow of their own, flagged, no forward status. */
    OT__ROWF("return rejected", 0, RET),
    OT__ROWF("return pickup scheduled", 0, RET),
    OT__ROWF("return not picked", 0, RET),
    OT__ROWF("return in transit", 0, RET),
    OT__ROWF("return delivered", 0, RET),
    OT__ROWF("return cancelled", 0, RET),
    OT__ROWF("return ndr", 0, RET),
};

const struct ot__courier_table ot__courier_velocity = {
    OT_PROVIDER_VELOCITY, 0, velocity_rows, OT__COUNT(velocity_rows)};
