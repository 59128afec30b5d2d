/* Delhivery B2C (StatusType + Status, NDR StatusCode) and Delhivery B2B (LR) status tables.
 * Keys are written normalised (lower case, '_' as a space: B2B's NOT_PICKED is "not picked").
 * Choices are documented in docs/couriers-mapping.md. */
#include "courier/courier_internal.h"

#define P OT_SHIPMENT_PENDING
#define IT OT_SHIPMENT_IN_TRANSIT
#define OFD OT_SHIPMENT_OUT_FOR_DELIVERY
#define DLV OT_SHIPMENT_DELIVERED
#define REV OT_UPDATE_REVERSE_PICKUP

/* An NDR StatusCode on UD Pending: a failed delivery attempt. */
#define NDR(code) OT__CROW("ud", "pending", code, OT_SHIPMENT_NDR)

static const struct ot__courier_row delhivery_rows[] = {
    /* Forward: UD Manifested -> Not Picked -> In Transit -> Pending -> Dispatched -> DL. */
    OT__TROW("ud", "manifested", P),
    OT__TROW("ud", "not picked", P),
    OT__TROW("ud", "in transit", IT),
    OT__TROW("ud", "pending", IT),
    OT__TROW("ud", "dispatched", OFD),
    NDR("eod-74"), NDR("eod-15"), NDR("eod-104"), NDR("eod-43"), NDR("eod-86"),
    NDR("eod-11"), NDR("eod-16"), NDR("eod-69"), NDR("eod-6"), NDR("eod-3"), NDR("st-108"),
    OT__TROW("dl", "delivered", DLV),
    OT__TROW("dl", "rto", OT_SHIPMENT_RTO_DELIVERED),
    /* Return to origin: the conversion scan is RT In Transit; the parser turns a later RT
     * In Transit (one after an earlier RT scan) into rto in transit. */
    OT__TROW("rt", "in transit", OT_SHIPMENT_RTO),
    OT__TROW("rt", "pending", OT_SHIPMENT_RTO_IN_TRANSIT),
    OT__TROW("rt", "dispatched", OT_SHIPMENT_RTO_IN_TRANSIT),
    /* Reverse pickups: a flow of its own, flagged, no forward status. */
    OT__TROWF("pp", "open", 0, REV),
    OT__TROWF("pp", "scheduled", 0, REV),
    OT__TROWF("pp", "dispatched", 0, REV),
    OT__TROWF("pu", "in transit", 0, REV),
    OT__TROWF("pu", "pending", 0, REV),
    OT__TROWF("pu", "dispatched", 0, REV),
    OT__TROWF("dl", "dto", 0, REV),
    OT__TROW("cn", "canceled", OT_SHIPMENT_BOOKING_CANCELLED),
    OT__TROW("cn", "cancelled", OT_SHIPMENT_BOOKING_CANCELLED),
    OT__TROW("cn", "closed", OT_SHIPMENT_BOOKING_CANCELLED),
    /* Legacy: Status alone, when no StatusType is given. */
    OT__ROW("manifested", P),
    OT__ROW("not picked", P),
    OT__ROW("in transit", IT),
    OT__ROW("pending", IT),
    OT__ROW("dispatched", OFD),
    OT__ROW("delivered", DLV),
    OT__ROW("rto", OT_SHIPMENT_RTO_DELIVERED),
    OT__ROWF("dto", 0, REV),
    OT__ROW("canceled", OT_SHIPMENT_BOOKING_CANCELLED),
    OT__ROW("cancelled", OT_SHIPMENT_BOOKING_CANCELLED),
};

const struct ot__courier_table ot__courier_delhivery = {
    OT_PROVIDER_DELHIVERY, 1, delhivery_rows, OT__COUNT(delhivery_rows)};

static const struct ot__courier_row delhivery_b2b_rows[] = {
    OT__ROW("manifested", P),
    OT__ROW("not picked", P),
    OT__ROW("picked up", IT),
    OT__ROW("left origin", IT),
    OT__ROW("reach destination", IT),
    OT__ROW("ofd", OFD),
    OT__ROW("delivered", DLV),
    OT__ROWF("part del", DLV, OT_UPDATE_PARTIAL),
    OT__ROW("undel reattempt", OT_SHIPMENT_NDR),
    OT__ROW("returned intransit", OT_SHIPMENT_RTO_IN_TRANSIT),
    OT__ROW("received at return center", OT_SHIPMENT_RTO_IN_TRANSIT),
    OT__ROW("return ofd", OT_SHIPMENT_RTO_IN_TRANSIT),
    OT__ROW("return delivered", OT_SHIPMENT_RTO_DELIVERED),
    OT__ROW("lost", OT_SHIPMENT_LOST),
};

const struct ot__courier_table ot__courier_delhivery_b2b = {
    OT_PROVIDER_DELHIVERY_B2B, 0, delhivery_b2b_rows, OT__COUNT(delhivery_b2b_rows)};
