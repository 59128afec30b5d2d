/* The SLA times of an order record: its time fields and what its history says. */
#include <string.h>

#include "common.h"
#include "sla/sla_internal.h"
#include "order/order_internal.h"
#include "ordertrack/status.h"
#include "rules/vocab_internal.h"

/* Shipment states that end the order's clocks (it will not be delivered). */
static int shipment_closes(int shipment)
{
    switch (shipment) {
    case OT_SHIPMENT_RTO:
    case OT_SHIPMENT_RTO_IN_TRANSIT:
    case OT_SHIPMENT_RTO_DELIVERED:
    case OT_SHIPMENT_LOST:
    case OT_SHIPMENT_DESTROY:
    case OT_SHIPMENT_BOOKING_CANCELLED:
        return 1;
    default:
        return 0;
    }
}

/* A courier scan past `pending`: the parcel has been picked up. */
static int shipment_picked_up(int shipment)
{
    return shipment == OT_SHIPMENT_IN_TRANSIT || shipment == OT_SHIPMENT_OUT_FOR_DELIVERY ||
           shipment == OT_SHIPMENT_NDR || shipment == OT_SHIPMENT_DELIVERED;
}

int ot_sla_times_from_order(ot_sla_times *times, const ot_order *order, ot_error *err)
{
    const json_t *doc, *history, *entry;
    int64_t notified = 0, acknowledged = 0, assigned = 0, closed = 0, last_scan = 0;
    int64_t ndr_since = 0, first_scan_pickup = 0;
    int prev_status = 0, shipment = 0, parcel, rc;
    unsigned version;
    size_t i;

    if (!times)
        return ot__error_field(err, OT_EINVAL, "times", "times is NULL");
    if ((rc = ot__check_version(times->version, OT_SLA_TIMES_VERSION, "SLA times", err)) < 0)
        return rc;
    if (!order)
        return ot__error_field(err, OT_EINVAL, "order", "order is NULL");
    version = times->version;
    memset(times, 0, sizeof *times);
    times->version = version;
    doc = order->doc;
    times->store_id = ot__jstr(doc, "store_id");
    times->provider = ot_order_provider(order);
    parcel = ot__provider_parcel(times->provider);

    history = json_object_get(doc, "status_history");
    json_array_foreach(history, i, entry) {
        const json_t *ot = ot__entry_ot(entry);
        const json_t *data = json_object_get(ot, "data");
        int event = ot__event_from_name(ot__jstr(ot, "event"));
        int status = ot__vocab_lookup(&ot__status_vocab, ot__jstr(entry, "status"));
        /* when it happened: the reported time (courier scans, pickup...), else the commit */
        int64_t when = ot__jtime(data, "time") ? ot__jtime(data, "time")
                                               : ot__jtime(entry, "timestamp");

        if (status == OT_STATUS_STORE_NOTIFIED &&
            (prev_status != OT_STATUS_STORE_NOTIFIED || event == OT__EV_STORE_REJECTED)) {
            notified = when;    /* (re)notified: a reassigned order starts over */
            acknowledged = 0;
        }
        if (status == OT_STATUS_STORE_ACKNOWLEDGED && prev_status != status && !acknowledged)
            acknowledged = when;
        if (status == OT_STATUS_DRIVER_ASSIGNED && prev_status != status && !assigned)
            assigned = when;
        if ((status == OT_STATUS_CANCELLED || status == OT_STATUS_FAILED) && !closed)
            closed = when;
        if (event == OT__EV_COURIER_UPDATE) {
            int next = ot__vocab_lookup(&ot__shipment_vocab, ot__jstr(data, "shipment_status"));
            if (when > last_scan)
                last_scan = when;
            if (next) {
                if (next != OT_SHIPMENT_NDR)
                    ndr_since = 0;
                else if (shipment != OT_SHIPMENT_NDR)
                    ndr_since = when;
                if (shipment_picked_up(next) && !first_scan_pickup)
                    first_scan_pickup = when;
                if (shipment_closes(next) && !closed)
                    closed = when;
                shipment = next;
            }
        }
        prev_status = status;
    }

    times->store_notified_ms = notified;
    times->store_acknowledged_ms =
        notified ? acknowledged : ot__jtime(doc, "store_acknowledgment_time");
    times->picking_started_ms = ot__jtime(doc, "picking_start_time");
    times->ready_ms = ot__jtime(doc, "picking_complete_time");
    times->driver_assigned_ms = assigned;
    times->driver_pickup_ms = ot__jtime(doc, "delivery_pickup_time");
    if (!times->driver_pickup_ms && parcel)
        times->driver_pickup_ms = first_scan_pickup;
    times->delivered_ms = ot__jtime(doc, "actual_delivery_time");
    times->estimated_delivery_ms = ot__jtime(doc, "estimated_delivery_time");
    times->last_scan_ms = last_scan;
    times->ndr_since_ms = shipment == OT_SHIPMENT_NDR ? ndr_since : 0;
    times->closed_ms = closed;
    return 0;
}
