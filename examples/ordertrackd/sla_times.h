/* The SLA calculators' inputs taken from an order record. */
#ifndef OTD_SLA_TIMES_H
#define OTD_SLA_TIMES_H

#include <ordertrack/order.h>
#include <ordertrack/sla.h>

/* Fill *times (from OT_SLA_TIMES_INIT) from `order`: the record's times, plus the latest
 * store_notified and driver_assigned history entries, the last entry for courier scans and
 * for the close of a cancelled or failed order. times->store_id borrows the record's. */
void otd_sla_times_from_order(ot_sla_times *times, const ot_order *order);

/* The SLA report of `order` at `now` (ms) under `policies` (NULL: the library defaults)
 * into *report; with `json` not NULL also its /sla JSON (ot_free). 0 or an OT_E... code. */
int otd_order_sla(char **json, size_t *len, const ot_sla_policies *policies,
                  const ot_order *order, int64_t now, ot_sla_report *report, ot_error *e);

#endif
