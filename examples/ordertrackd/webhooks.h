/* POST /tracking/webhooks/{partner}: authenticate, parse, apply each update. */
#ifndef OTD_WEBHOOKS_H
#define OTD_WEBHOOKS_H

#include "app.h"

/* The handler of the five webhook routes (the route in req->match says which partner). */
void otd_webhook(otd_app *app, const otd_request *req, otd_response *res);

/* POST /tracking/webhooks/couriers/{courier}: a courier of courier_definitions, its body
 * read with its definition (docs/couriers-as-data.md), its credential in the header that
 * webhooks.<courier>.header names. */
void otd_webhook_courier(otd_app *app, const otd_request *req, otd_response *res);

/* The config member holding `partner`'s secret under `webhooks` ("signing_key" for uber,
 * "authorization" for doordash and delhivery, "api_key" for shiprocket and velocity); NULL
 * for an unknown partner. */
const char *otd_webhook_secret_member(const char *partner);

#endif
