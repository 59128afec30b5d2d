/* The customer tracking page's public routes (docs/API.md, "Customer tracking page"):
 * GET /t/{token} (the page), GET /t/{token}/events (its customer-view stream) and
 * GET /t/static/{asset} (its files). Each answers 404 while the `tracking_page` block is
 * absent. A token that does not verify is refused with nothing of any order in the answer. */
#ifndef OTD_PAGEROUTES_H
#define OTD_PAGEROUTES_H

#include "app.h"

void otd_page_view(otd_app *app, const otd_request *req, otd_response *res);
void otd_page_events(otd_app *app, const otd_request *req, otd_response *res);
void otd_page_static(otd_app *app, const otd_request *req, otd_response *res);

#endif
