/* Partner webhooks. Authentication comes first and runs over the raw body (Uber's HMAC
 * before anything is parsed); then ot_courier_parse() and one ot_tracker_apply_update()
 * per update (the tracker counts them in the metrics; only verification failures are
 * counted here). The answer is a small summary: partners retry on anything but 2xx, so only a
 * bad signature (401), an unparsable payload (400) or a storage failure (503) is an error. */
#include "webhooks.h"

#include <string.h>

#include <ordertrack/ordertrack.h>

#include "http_errors.h"

struct partner {
    otd_route_id route;
    int provider;             /* ot_provider */
    int payload;              /* ot_courier_payload */
    const char *secret;       /* member of webhooks.<name> in the config */
    const char *headers[2];   /* where the partner sends its credential */
    int hmac;                 /* 1: secret is an HMAC key over the body (Uber) */
};

static const struct partner partners[] = {
    {OTD_ROUTE_WEBHOOK_UBER, OT_PROVIDER_UBER, OT_PAYLOAD_UBER_WEBHOOK, "signing_key",
     {"x-uber-signature", "X-Postmates-Signature"}, 1},
    {OTD_ROUTE_WEBHOOK_DOORDASH, OT_PROVIDER_DOORDASH, OT_PAYLOAD_DOORDASH_WEBHOOK,
     "authorization", {"Authorization", NULL}, 0},
    {OTD_ROUTE_WEBHOOK_SHIPROCKET, OT_PROVIDER_SHIPROCKET, OT_PAYLOAD_SHIPROCKET_WEBHOOK,
     "api_key", {"x-api-key", NULL}, 0},
    {OTD_ROUTE_WEBHOOK_VELOCITY, OT_PROVIDER_VELOCITY, OT_PAYLOAD_VELOCITY_WEBHOOK, "api_key",
     {"X-API-Key", NULL}, 0},
    {OTD_ROUTE_WEBHOOK_DELHIVERY, OT_PROVIDER_DELHIVERY, OT_PAYLOAD_DELHIVERY_PUSH,
     "authorization", {"Authorization", NULL}, 0},
};

static const char *partner_name(const struct partner *p)
{
    const char *name = "?";

    ot_provider_to_string(&name, p->provider, NULL);
    return name;
}

const char *otd_webhook_secret_member(const char *partner)
{
    for (size_t i = 0; i < sizeof partners / sizeof partners[0]; i++)
        if (strcmp(partner_name(&partners[i]), partner) == 0)
            return partners[i].secret;
    return NULL;
}

/* 0 when the request carries the partner's credential. */
static int verify(otd_app *app, const struct partner *p, const otd_request *req)
{
    json_t *entry = json_object_get(app->cfg->webhooks, partner_name(p));
    const char *secret = json_string_value(json_object_get(entry, p->secret)), *got = NULL;

    if (!secret)
        return -1; /* not configured: nothing can be verified */
    for (size_t i = 0; i < 2 && !got && p->headers[i]; i++)
        got = req->header ? req->header(req->lookup_ctx, p->headers[i]) : NULL;
    if (!got)
        return -1;
    if (p->hmac)
        return ot_webhook_verify_uber(secret, strlen(secret), req->body ? req->body : "",
                                      req->body_len, got, NULL) == 0
                   ? 0
                   : -1;
    return ot_webhook_verify_header(secret, got, NULL) == 0 ? 0 : -1;
}

/* `refused`: the update names another partner's order, or not the order's delivery id /
 * AWB (the library refuses it unapplied, OT_EAUTH; counted in
 * ordertrack_updates_refused_total). */
enum { APPLIED, UNCHANGED, UNMAPPED, REJECTED, UNKNOWN_ORDER, REFUSED, N_OUTCOMES };
static const char *const outcome_names[N_OUTCOMES] = {"applied", "unchanged", "unmapped",
                                                      "rejected", "unknown_order", "refused"};

/* Apply every update of `list` (freed here) and answer the summary. */
static void apply_list(otd_app *app, ot_update_list *list, otd_response *res)
{
    size_t counts[N_OUTCOMES] = {0}, n;
    ot_error e;
    json_t *summary;
    int rc;

    n = ot_update_list_count(list);
    for (size_t i = 0; i < n; i++) {
        const ot_update *u = ot_update_list_get(list, i);
        ot_update by_awb = *u;
        ot_order *known = NULL;
        int outcome;
        if (u->order_id && u->tracking_id &&
            ot_tracker_get(&known, app->tracker, u->order_id, NULL) == OT_ENOTFOUND)
            /* The partner's order id is not ours (Shiprocket echoes its own): match by the
             * AWB, as docs/API.md promises. Looked up first, so that the tracker counts
             * each update once (ordertrack_courier_updates_total). */
            by_awb.order_id = NULL;
        ot_order_free(known);
        rc = ot_tracker_apply_update(NULL, app->tracker, &by_awb, NULL, &e);
        if (rc == 0)
            outcome = (u->flags & OT_UPDATE_UNMAPPED) ? UNMAPPED : APPLIED;
        else if (rc == OT_ESTALE)
            outcome = UNCHANGED;
        else if (rc == OT_ENOTFOUND)
            outcome = UNKNOWN_ORDER;
        else if (rc == OT_EAUTH)
            outcome = REFUSED;
        else if (rc == OT_ETRANSITION || rc == OT_ESTATE || rc == OT_EINVAL)
            outcome = REJECTED;
        else {
            /* Storage trouble: the partner retries; updates already applied are stale then. */
            otd_respond_ot_error(res, rc, &e);
            ot_update_list_free(list);
            return;
        }
        counts[outcome]++;
    }
    ot_update_list_free(list);
    if (n > 0 && counts[UNKNOWN_ORDER] == n) {
        otd_respond_json(res, 200, json_pack("{ss}", "ignored", "unknown_order"));
        return;
    }
    summary = json_pack("{sI}", "updates", (json_int_t)n);
    for (int i = 0; i < N_OUTCOMES && summary; i++)
        json_object_set_new(summary, outcome_names[i], json_integer((json_int_t)counts[i]));
    otd_respond_json(res, 200, summary);
}

void otd_webhook(otd_app *app, const otd_request *req, otd_response *res)
{
    const struct partner *p = NULL;
    ot_update_list *list = NULL;
    ot_error e;
    int rc;

    for (size_t i = 0; i < sizeof partners / sizeof partners[0]; i++)
        if (partners[i].route == req->match.route->id)
            p = &partners[i];
    if (!p) {
        otd_respond_error(res, OTD_ERR_NOT_FOUND, "no such partner", NULL);
        return;
    }
    if (verify(app, p, req) != 0) {
        const char *provider = partner_name(p);
        /* the library's metric, by name: ot_metrics_count_* are its own instrumentation */
        ot_metrics_add(app->metrics, "webhook_verifications_failed_total", &provider, 1, 1,
                       NULL);
        otd_respond_auth_failure(app, req, res, OTD_CREDENTIAL_WEBHOOK,
                                 p->hmac ? "missing or bad webhook signature"
                                         : "missing or bad webhook credential",
                                 json_pack("{ss}", "partner", partner_name(p)));
        return;
    }
    rc = ot_courier_parse(&list, NULL, p->payload, req->body ? req->body : "", req->body_len,
                          &e);
    if (rc != 0) {
        otd_respond_ot_error(res, rc, &e);
        return;
    }
    apply_list(app, list, res);
}

void otd_webhook_courier(otd_app *app, const otd_request *req, otd_response *res)
{
    const char *name = req->match.courier, *header, *secret, *got;
    json_t *entry = json_object_get(app->cfg->webhooks, name);
    ot_update_list *list = NULL;
    ot_error e;
    int id, rc;

    id = app->couriers ? ot_courier_registry_lookup(app->couriers, name, NULL) : OT_ENOTFOUND;
    if (id < OT_COURIER_ID_MIN) {
        otd_respond_error(res, OTD_ERR_NOT_FOUND, "no such courier in courier_definitions",
                          json_pack("{ss}", "field", "courier"));
        return;
    }
    header = json_string_value(json_object_get(entry, "header"));
    secret = json_string_value(json_object_get(entry, "secret"));
    got = header && req->header ? req->header(req->lookup_ctx, header) : NULL;
    if (!secret || !got || ot_webhook_verify_header(secret, got, NULL) != 0) {
        ot_metrics_add(app->metrics, "webhook_verifications_failed_total", &name, 1, 1, NULL);
        otd_respond_auth_failure(app, req, res, OTD_CREDENTIAL_WEBHOOK,
                                 "missing or bad webhook credential",
                                 json_pack("{ss}", "partner", name));
        return;
    }
    rc = ot_courier_registry_parse(&list, app->couriers, id, OT_COURIER_DEF_WEBHOOK,
                                   req->body ? req->body : "", req->body_len, &e);
    if (rc != 0) {
        otd_respond_ot_error(res, rc, &e);
        return;
    }
    apply_list(app, list, res);
}
