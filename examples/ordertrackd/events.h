/* GET /tracking/orders/{order_id}/events: new history entries as Server-Sent Events.
 * A hub keeps one subscriber per open stream; the tracker's notice sink wakes the streams of
 * the order that changed. A waiting stream is a suspended libmicrohttpd connection, so no
 * worker thread ever blocks on it. */
#ifndef OTD_EVENTS_H
#define OTD_EVENTS_H

#include <microhttpd.h>

#include "app.h"

typedef struct otd_events otd_events;

/* A hub reading orders through app->tracker, with at most max_streams open streams and a
 * heartbeat comment on every idle stream each heartbeat_ms. A heartbeat also re-reads the
 * order (writes by other processes sharing the storage send no notices here) and finds the
 * clients that went away (the write fails, the connection closes). */
otd_events *otd_events_new(otd_app *app, unsigned max_streams, unsigned heartbeat_ms);
/* Stop the heartbeat thread and free the hub; every stream must have ended (the server is
 * stopped). Accepts NULL. */
void otd_events_free(otd_events *hub);

/* The order changed: wake its streams. Thread-safe; never blocks on a client. */
void otd_events_notify(otd_events *hub, const char *order_id);

/* End every stream (SIGTERM): each sends what it has and closes. New streams are refused. */
void otd_events_shutdown(otd_events *hub);

/* A response streaming `order_id` from history index `from`, on connection c; NULL when the
 * hub is full or stopping (answer 429) or out of memory. */
struct MHD_Response *otd_events_response(otd_events *hub, struct MHD_Connection *c,
                                         const char *order_id, unsigned long from);

#endif
