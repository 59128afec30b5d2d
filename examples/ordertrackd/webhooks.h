/* POST /tracking/webhooks/{partner}: authenticate, parse, apply each update. */
#ifndef OTD_WEBHOOKS_H
#define OTD_WEBHOOKS_H

#include "app.h"

/* The handler of the five webhook routes (the route in req->match says which partner). */
void otd_webhook(otd_app *app, const otd_request *req, otd_response *res);

#endif
