/* GET /tracking/orders/{order_id}/events: new history entries as Server-Sent Events, and the
 * driver's position as `event: location` (without an id), at most one per stream per
 * location interval, the latest position winning. A hub keeps one subscriber per open
 * stream; the tracker's notice sink wakes the streams of the order that changed. A waiting
 * stream is a suspended libmicrohttpd connection, so no worker thread ever blocks on it. */
#ifndef OTD_EVENTS_H
#define OTD_EVENTS_H

#include <microhttpd.h>

#include "app.h"

typedef struct otd_events otd_events;

/* A hub reading orders through app->tracker, with at most max_streams open streams (and
 * max_per_key of one API key; a waiting stream whose client closed its end frees its slot
 * as soon as a new stream needs it), a
 * heartbeat comment on every idle stream each heartbeat_ms and at most one location event
 * per stream each location_ms. A heartbeat also re-reads the order and its location (writes
 * by other processes sharing the storage send no notices here) and finds the clients that
 * went away (the write fails, the connection closes). */
otd_events *otd_events_new(otd_app *app, unsigned max_streams, unsigned max_per_key,
                           unsigned heartbeat_ms, unsigned location_ms);
/* Stop the heartbeat thread and free the hub; every stream must have ended (the server is
 * stopped). Accepts NULL. */
void otd_events_free(otd_events *hub);

/* The order changed: wake its streams. Thread-safe; never blocks on a client. */
void otd_events_notify(otd_events *hub, const char *order_id);

/* The order's driver location moved (OT_NOTICE_LOCATION_UPDATED): its streams send the
 * position now, or when their interval is over (then the position of that time). Thread-safe;
 * never blocks on a client. */
void otd_events_notify_location(otd_events *hub, const char *order_id);

/* End every stream (SIGTERM): each sends what it has and closes. New streams are refused. */
void otd_events_shutdown(otd_events *hub);

/* A response streaming `order_id` from history index `from` to the holder of `key` (NULL: no
 * scope), on connection c; NULL when the hub is full or stopping (answer 429) or out of
 * memory. The key's scope is checked again at every read of the order: the stream ends when
 * the order leaves it (another store, provider or driver), before anything of it is sent. */
struct MHD_Response *otd_events_response(otd_events *hub, struct MHD_Connection *c,
                                         const char *order_id, const otd_api_key *key,
                                         unsigned long from);

/* A tracking page's stream of `order_id` (GET /t/{token}/events, the token checked by the
 * caller): `event: view` with the customer view (custview.h) at the start and whenever it
 * changes, a position at most once per location interval; it ends once the order is
 * terminal, and at the first read past `until_s` (the link's expiry, Unix seconds). Counted
 * in max_streams only (no key). NULL as above. */
struct MHD_Response *otd_events_customer_response(otd_events *hub, struct MHD_Connection *c,
                                                  const char *order_id, int64_t until_s);

#endif
