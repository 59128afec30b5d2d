/* Shiprocket status table, keyed by shipment_status_id (decimal, as a string) and by the
 * status words the same payloads carry (current_status, shipment_status, the scans'
 * sr-status-label: "DELIVERED", "Out For Delivery", "RTO_OFD"...). Each id and its name share
 * one line so they cannot drift apart; words are stored normalised (lower case, '_' as a
 * space; see ot__courier_normalise). Choices are documented in docs/couriers-mapping.md. */
#include "courier/courier_internal.h"

#define P OT_SHIPMENT_PENDING
#define IT OT_SHIPMENT_IN_TRANSIT
#define RIT OT_SHIPMENT_RTO_IN_TRANSIT
#define DLV OT_SHIPMENT_DELIVERED
#define CAN OT_SHIPMENT_BOOKING_CANCELLED

/* An id and its official name, both mapping to `value` (with `flags`). */
#define ID(id, name, value) OT__ROW(id, value), OT__ROW(name, value)
#define IDF(id, name, value, flags) OT__ROWF(id, value, flags), OT__ROWF(name, value, flags)

static const struct ot__courier_row shiprocket_rows[] = {
    ID("1", "awb assigned", P),
    ID("2", "label generated", P),
    ID("3", "pickup scheduled/generated", P),
    OT__ROW("pickup scheduled", P),
    OT__ROW("pickup generated", P),
    ID("4", "pickup queued", P),
    ID("5", "manifest generated", P),
    ID("6", "shipped", IT),
    ID("7", "delivered", DLV),
    ID("8", "cancelled", CAN),
    OT__ROW("canceled", CAN), /* the spelling of Shiprocket's order statuses */
    ID("9", "rto initiated", OT_SHIPMENT_RTO),
    ID("10", "rto delivered", OT_SHIPMENT_RTO_DELIVERED),
    ID("11", "pending", P),
    ID("12", "lost", OT_SHIPMENT_LOST),
    ID("13", "pickup error", P),
    ID("14", "rto acknowledged", OT_SHIPMENT_RTO_DELIVERED),
    ID("15", "pickup rescheduled", P),
    ID("16", "cancellation requested", CAN),
    ID("17", "out for delivery", OT_SHIPMENT_OUT_FOR_DELIVERY),
    ID("18", "in transit", IT),
    ID("19", "out for pickup", P),
    ID("20", "pickup exception", P),
    ID("21", "undelivered", OT_SHIPMENT_NDR),
    ID("22", "delayed", IT),
    IDF("23", "partial delivered", DLV, OT_UPDATE_PARTIAL),
    ID("24", "destroyed", OT_SHIPMENT_DESTROY),
    IDF("25", "damaged", OT_SHIPMENT_DESTROY, OT_UPDATE_DAMAGED),
    ID("26", "fulfilled", DLV),
    ID("27", "pickup booked", P),
    ID("38", "reached at destination hub", IT),
    ID("39", "misrouted", IT),
    ID("40", "rto ndr", RIT),
    ID("41", "rto ofd", RIT),
    ID("42", "picked up", IT),
    ID("43", "self fulfilled", DLV),
    ID("44", "disposed off", OT_SHIPMENT_DESTROY),
    ID("45", "cancelled before dispatched", CAN),
    ID("46", "rto in transit", RIT),
    OT__ROW("rto in intransit", RIT), /* the webhook's spelling of 46 */
    /* 47 QC Failed (a reverse-pickup quality check) is deliberately unmapped, id and name. */
    ID("48", "reached warehouse", IT),
    ID("49", "custom cleared", IT),
    ID("50", "in flight", IT),
    ID("51", "handover to courier", IT),
    ID("52", "shipment booked", P),
    ID("75", "rto lock", RIT),
    ID("76", "untraceable", OT_SHIPMENT_LOST),
    ID("77", "issue related to the recipient", OT_SHIPMENT_NDR),
    ID("78", "reached back at seller city", RIT),
};

const struct ot__courier_table ot__courier_shiprocket = {
    OT_PROVIDER_SHIPROCKET, 0, shiprocket_rows, OT__COUNT(shiprocket_rows)};
