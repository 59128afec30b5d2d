/* Shiprocket status table, keyed by shipment_status_id (decimal, as a string).
 * Choices are documented in docs/couriers-mapping.md. */
#include "courier_internal.h"

#define P OT_SHIPMENT_PENDING
#define IT OT_SHIPMENT_IN_TRANSIT
#define RIT OT_SHIPMENT_RTO_IN_TRANSIT

static const struct ot__courier_row shiprocket_rows[] = {
    OT__ROW("1", P),   /* AWB Assigned */
    OT__ROW("2", P),   /* Label Generated */
    OT__ROW("3", P),   /* Pickup Scheduled/Generated */
    OT__ROW("4", P),   /* Pickup Queued */
    OT__ROW("5", P),   /* Manifest Generated */
    OT__ROW("6", IT),  /* Shipped */
    OT__ROW("7", OT_SHIPMENT_DELIVERED),
    OT__ROW("8", OT_SHIPMENT_BOOKING_CANCELLED),
    OT__ROW("9", OT_SHIPMENT_RTO),            /* RTO Initiated */
    OT__ROW("10", OT_SHIPMENT_RTO_DELIVERED), /* RTO Delivered */
    OT__ROW("11", P),  /* Pending */
    OT__ROW("12", OT_SHIPMENT_LOST),
    OT__ROW("13", P),  /* Pickup Error */
    OT__ROW("14", OT_SHIPMENT_RTO_DELIVERED), /* RTO Acknowledged */
    OT__ROW("15", P),  /* Pickup Rescheduled */
    OT__ROW("16", OT_SHIPMENT_BOOKING_CANCELLED), /* Cancellation Requested */
    OT__ROW("17", OT_SHIPMENT_OUT_FOR_DELIVERY),
    OT__ROW("18", IT), /* In Transit */
    OT__ROW("19", P),  /* Out For Pickup */
    OT__ROW("20", P),  /* Pickup Exception */
    OT__ROW("21", OT_SHIPMENT_NDR), /* Undelivered */
    OT__ROW("22", IT), /* Delayed */
    OT__ROWF("23", OT_SHIPMENT_DELIVERED, OT_UPDATE_PARTIAL), /* Partial Delivered */
    OT__ROW("24", OT_SHIPMENT_DESTROY), /* Destroyed */
    OT__ROWF("25", OT_SHIPMENT_DESTROY, OT_UPDATE_DAMAGED), /* Damaged */
    OT__ROW("26", OT_SHIPMENT_DELIVERED), /* Fulfilled */
    OT__ROW("27", P),  /* Pickup Booked */
    OT__ROW("38", IT), /* Reached at Destination Hub */
    OT__ROW("39", IT), /* Misrouted */
    OT__ROW("40", RIT), /* RTO NDR */
    OT__ROW("41", RIT), /* RTO OFD */
    OT__ROW("42", IT), /* Picked Up */
    OT__ROW("43", OT_SHIPMENT_DELIVERED), /* Self Fulfilled */
    OT__ROW("44", OT_SHIPMENT_DESTROY), /* Disposed Off */
    OT__ROW("45", OT_SHIPMENT_BOOKING_CANCELLED), /* Cancelled before Dispatched */
    OT__ROW("46", RIT), /* RTO In Transit */
    /* 47 QC Failed (a reverse-pickup quality check) is deliberately unmapped. */
    OT__ROW("48", IT), /* Reached Warehouse */
    OT__ROW("49", IT), /* Custom Cleared */
    OT__ROW("50", IT), /* In Flight */
    OT__ROW("51", IT), /* Handover to Courier */
    OT__ROW("52", P),  /* Shipment Booked */
    OT__ROW("75", RIT), /* RTO Lock */
    OT__ROW("76", OT_SHIPMENT_LOST), /* Untraceable */
    OT__ROW("77", OT_SHIPMENT_NDR), /* Issue Related to the Recipient */
    OT__ROW("78", RIT), /* Reached Back at Seller City */
};

const struct ot__courier_table ot__courier_shiprocket = {
    OT_PROVIDER_SHIPROCKET, 0, shiprocket_rows, OT__COUNT(shiprocket_rows)};
