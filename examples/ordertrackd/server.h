/* The HTTP server: libmicrohttpd with its internal thread pool, feeding otd_app_handle. */
#ifndef OTD_SERVER_H
#define OTD_SERVER_H

#include <stddef.h>

#include "app.h"

typedef struct otd_server otd_server;

/* Listen on app->cfg's address and serve from app->cfg->threads threads. NULL on failure,
 * with the reason in err. app must outlive the server. */
otd_server *otd_server_start(otd_app *app, char *err, size_t errlen);

/* The port actually bound (useful when the configuration asked for port 0). */
unsigned otd_server_port(const otd_server *server);

/* Stop accepting, wait up to drain_ms for the requests in flight to finish, then stop every
 * thread and free the server. Accepts NULL. Call from the thread that started it. */
void otd_server_stop(otd_server *server, unsigned drain_ms);

#endif
