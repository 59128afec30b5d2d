/* The customer's view of an order: what a tracking link may show, and nothing else. From the
 * order document (docs/API.md) it keeps
 *
 *   {"order_id", "stage", "terminal", "hyperlocal",
 *    "timeline": [{"stage", "at"}],            history entries in customer stages, each
 *                                              stage once, in order
 *    "eta", "eta_revisions": [{"eta", "at"}],  the ETA and every change of it
 *    "delivered_at",
 *    "driver": {"first_name", "vehicle"} | null,          while a driver is on the order
 *    "position": {"latitude", "longitude", "at"} | null,  hyperlocal, on the way
 *    "trail": [[latitude, longitude], ...]}               the same, oldest first
 *
 * and drops the rest: the customer id, the driver's phone, id, last name and photo, the
 * store, the provider, notes, metadata, issues and substitutions. The stages ("placed",
 * "confirmed", "preparing", "ready", "driver_assigned", "picked_up", "on_the_way",
 * "delivered", "cancelled", "failed") are the message catalogue's keys (page/messages.json).
 * Pure functions: thread-safe. */
#ifndef OTD_CUSTVIEW_H
#define OTD_CUSTVIEW_H

#include <jansson.h>

/* The view of the order document `order` (borrowed): a new reference, or NULL when `order`
 * is not an order document or memory runs out. */
json_t *otd_customer_view(const json_t *order);

/* The customer stage of a lifecycle status ("in_transit" -> "on_the_way"), or NULL. */
const char *otd_customer_stage(const char *status);

#endif
