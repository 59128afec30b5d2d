/* Route handlers, one function per route. Routes whose entry is NULL answer 501 until the
 * tracker (<ordertrack/tracker.h>) is wired: each then gets a function here calling it. */
#include <stdlib.h>

#include "app.h"
#include "http_errors.h"

static void healthz(otd_app *app, const otd_request *req, otd_response *res)
{
    int ok = app->storage_probe && app->storage_probe(app->probe_ctx) == 0;

    (void)req;
    otd_respond_json(res, ok ? 200 : 503,
                     json_pack("{ssss}", "status", ok ? "ok" : "degraded", "storage",
                               ok ? "ok" : "unavailable"));
}

static void metrics(otd_app *app, const otd_request *req, otd_response *res)
{
    size_t len = 0;
    char *text = otd_metrics_render(app->metrics, &len);

    (void)req;
    if (!text) {
        otd_respond_error(res, OTD_ERR_INTERNAL, "out of memory", NULL);
        return;
    }
    free(res->body);
    res->body = text;
    res->body_len = len;
    res->status = 200;
    res->content_type = OTD_CONTENT_TYPE_PROMETHEUS;
}

static const otd_handler_fn handlers[OTD_ROUTE_COUNT] = {
    [OTD_ROUTE_HEALTHZ] = healthz,
    [OTD_ROUTE_METRICS] = metrics,
};

otd_handler_fn otd_route_handler(otd_route_id id)
{
    return (unsigned)id < OTD_ROUTE_COUNT ? handlers[id] : NULL;
}
