/* The customer tracking page's routes (pageroutes.h). */
#include "pageroutes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ordertrack/ordertrack.h>

#include "custview.h"
#include "http_errors.h"
#include "pagerender.h"
#include "tracklink.h"

/* The order data may be cached a little (a CDN in front); the hashed files for a year. */
#define CACHE_ORDER "public, max-age=5"
#define CACHE_ASSET "public, max-age=31536000, immutable"

/* The page's headers: a strict Content-Security-Policy (no third-party origin), no Referer
 * (the URL is the credential), Vary: Accept-Language. */
static const char *const page_headers[] = {
    "Content-Security-Policy",
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    "Referrer-Policy", "no-referrer",
    "X-Content-Type-Options", "nosniff",
    "Vary", "Accept-Language",
    NULL};

static const char *const asset_headers[] = {"X-Content-Type-Options", "nosniff", NULL};

static const char *lookup(const otd_request *req, otd_lookup_fn fn, const char *name)
{
    return fn ? fn(req->lookup_ctx, name) : NULL;
}

static void take_body(otd_response *res, unsigned status, char *body, size_t len,
                      const char *type)
{
    free(res->body);
    res->body = body;
    res->body_len = len;
    res->status = status;
    res->content_type = type;
}

/* The refusal page (HTML, when the page is embedded) or the JSON error, 404 either way. */
static void refuse(otd_app *app, const otd_request *req, otd_response *res, int html,
                   int expired)
{
    const char *message = expired ? "this tracking link has expired"
                                  : "this tracking link is not valid";
    size_t len = 0, lang;
    char *page;

    if (!html || !app->page) {
        otd_respond_error(res, OTD_ERR_NOT_FOUND, message, json_pack("{ss}", "field", "token"));
        res->cache_control = "no-store";
        return;
    }
    lang = otd_page_language_pick(app->page, lookup(req, req->query, "lang"),
                                  lookup(req, req->header, "Accept-Language"));
    page = otd_page_render(app->page, lang, NULL, expired ? "expired_title" : "refused_title",
                           expired ? "expired_text" : "refused_text", &len);
    if (!page) {
        otd_respond_error(res, OTD_ERR_INTERNAL, "out of memory", NULL);
        return;
    }
    take_body(res, 404, page, len, "text/html; charset=utf-8");
    res->cache_control = "no-store";
    res->headers = page_headers;
}

/* The page routes exist only with the `tracking_page` block. */
static int configured(otd_app *app, otd_response *res)
{
    if (app->cfg->tracking_page.present)
        return 1;
    otd_respond_error(res, OTD_ERR_NOT_FOUND, "no such route (no tracking_page block)", NULL);
    return 0;
}

/* The order of req's token, read, and the token's expiry in *expires: NULL with res holding
 * the refusal or the error. */
static ot_order *order_of_token(otd_app *app, const otd_request *req, otd_response *res,
                                int html, int64_t *expires)
{
    char order_id[OT_ORDER_ID_MAX + 1];
    ot_order *order = NULL;
    ot_error e;
    int rc = otd_link_verify(&app->cfg->tracking_page, req->match.token, (int64_t)time(NULL),
                             order_id, sizeof order_id, expires);

    if (rc != OTD_LINK_OK) {
        otc_logf(app->log, OTC_LOG_INFO, "tracking link refused: %s", otd_link_result_name(rc));
        refuse(app, req, res, html, rc == OTD_LINK_EXPIRED);
        return NULL;
    }
    rc = ot_tracker_get(&order, app->tracker, order_id, &e);
    if (rc == OT_ENOTFOUND) {
        refuse(app, req, res, html, 0); /* a link to an order that is gone says no more */
        return NULL;
    }
    if (rc != 0) {
        otd_respond_ot_error(res, rc, &e);
        return NULL;
    }
    return order;
}

/* The customer view of `order`. NULL when out of memory. */
static json_t *view_of(const ot_order *order)
{
    char *json = NULL;
    size_t len = 0;
    json_t *doc = NULL, *view;

    if (ot_order_to_json(&json, &len, order, NULL) == 0)
        doc = json_loadb(json, len, 0, NULL);
    ot_free(json);
    view = doc ? otd_customer_view(doc) : NULL;
    json_decref(doc);
    return view;
}

void otd_page_view(otd_app *app, const otd_request *req, otd_response *res)
{
    ot_order *order;
    json_t *view;
    size_t len = 0, lang;
    char *page = NULL;
    int64_t expires;

    if (!configured(app, res))
        return;
    if (!app->page) {
        otd_respond_error(res, OTD_ERR_NOT_IMPLEMENTED, "this process has no tracking page",
                          NULL);
        return;
    }
    if (!(order = order_of_token(app, req, res, 1, &expires)))
        return;
    view = view_of(order);
    ot_order_free(order);
    lang = otd_page_language_pick(app->page, lookup(req, req->query, "lang"),
                                  lookup(req, req->header, "Accept-Language"));
    if (view)
        page = otd_page_render(app->page, lang, view, NULL, NULL, &len);
    json_decref(view);
    if (!page) {
        otd_respond_error(res, OTD_ERR_INTERNAL, "cannot render the tracking page", NULL);
        return;
    }
    take_body(res, 200, page, len, "text/html; charset=utf-8");
    res->cache_control = CACHE_ORDER;
    res->headers = page_headers;
}

void otd_page_events(otd_app *app, const otd_request *req, otd_response *res)
{
    ot_order *order;
    int64_t expires;

    if (!configured(app, res))
        return;
    if (!app->events) {
        otd_respond_error(res, OTD_ERR_NOT_IMPLEMENTED, "event streams need the HTTP server",
                          NULL);
        return;
    }
    if (!(order = order_of_token(app, req, res, 0, &expires)))
        return;
    res->stream_until_s = expires;
    snprintf(res->stream_order_id, sizeof res->stream_order_id, "%s",
             ot_order_order_id(order));
    ot_order_free(order);
    res->stream = OTD_STREAM_CUSTOMER;
    res->status = 200;
    res->content_type = "text/event-stream";
}

void otd_page_static(otd_app *app, const otd_request *req, otd_response *res)
{
    const otd_page_asset *a = NULL;
    char *copy;

    if (!configured(app, res))
        return;
    for (size_t i = 0; app->page && i < app->page->n_assets && !a; i++)
        if (strcmp(app->page->assets[i].name, req->match.asset) == 0)
            a = &app->page->assets[i];
    if (!a) {
        otd_respond_error(res, OTD_ERR_NOT_FOUND, "no such file",
                          json_pack("{ss}", "field", "asset"));
        return;
    }
    if (!(copy = malloc(a->len + 1))) {
        otd_respond_error(res, OTD_ERR_INTERNAL, "out of memory", NULL);
        return;
    }
    memcpy(copy, a->body, a->len);
    copy[a->len] = '\0';
    take_body(res, 200, copy, a->len, a->content_type);
    res->cache_control = CACHE_ASSET;
    res->headers = asset_headers;
}
