/* ot_sla_times from an order record: the record's own times and a walk over its history. */
#include "sla_times.h"

#include <ordertrack/status.h>

static int64_t order_time(const ot_order *order, int field)
{
    int64_t ms = 0;

    return ot_order_time(&ms, order, field, NULL) == 0 ? ms : 0;
}

void otd_sla_times_from_order(ot_sla_times *times, const ot_order *order)
{
    size_t n = ot_order_history_count(order);
    int64_t last = 0;
    int status = ot_order_status(order);
    int shipment = ot_order_shipment_status(order);

    times->store_id = ot_order_store_id(order);
    times->provider = ot_order_provider(order);
    times->store_acknowledged_ms = order_time(order, OT_TIME_STORE_ACKNOWLEDGMENT);
    times->picking_started_ms = order_time(order, OT_TIME_PICKING_START);
    times->ready_ms = order_time(order, OT_TIME_PICKING_COMPLETE);
    times->driver_pickup_ms = order_time(order, OT_TIME_DELIVERY_PICKUP);
    times->delivered_ms = order_time(order, OT_TIME_ACTUAL_DELIVERY);
    times->estimated_delivery_ms = order_time(order, OT_TIME_ESTIMATED_DELIVERY);
    for (size_t i = 0; i < n; i++) {
        ot_history_entry e = OT_HISTORY_ENTRY_INIT;
        if (ot_order_history_at(&e, order, i, NULL) != 0)
            continue;
        if (e.status == OT_STATUS_STORE_NOTIFIED)
            times->store_notified_ms = e.timestamp_ms;
        else if (e.status == OT_STATUS_DRIVER_ASSIGNED && !times->driver_assigned_ms)
            times->driver_assigned_ms = e.timestamp_ms;
        last = e.timestamp_ms;
    }
    /* A reassigned order is notified again after an earlier acknowledgment: its clock
     * restarts at the new notification. */
    if (times->store_acknowledged_ms && times->store_acknowledged_ms < times->store_notified_ms)
        times->store_acknowledged_ms = 0;
    if (ot_provider_is_parcel(times->provider, NULL) == 1) {
        times->last_scan_ms = last;
        if (shipment == OT_SHIPMENT_NDR)
            times->ndr_since_ms = last;
    }
    if (status == OT_STATUS_CANCELLED || status == OT_STATUS_FAILED)
        times->closed_ms = last;
}

int otd_order_sla(char **json, size_t *len, const ot_sla_policies *policies,
                  const ot_order *order, int64_t now, ot_sla_report *report, ot_error *e)
{
    ot_sla_times times = OT_SLA_TIMES_INIT;
    ot_sla_policy policy = OT_SLA_POLICY_INIT;
    int rc;

    otd_sla_times_from_order(&times, order);
    report->version = OT_SLA_REPORT_VERSION;
    rc = policies ? ot_sla_evaluate(report, policies, &times, now, e)
                  : ot_sla_evaluate_policy(report, &policy, &times, now, e);
    if (rc == 0 && json)
        rc = ot_sla_report_to_json(json, len, report, e);
    return rc;
}
