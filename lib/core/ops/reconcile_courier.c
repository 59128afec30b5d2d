/* Reconcile's courier class (reconcile.h): the orders of each configured courier whose
 * shipment is not terminal, asked about once through the courier client (a batch per
 * request, as the poller builds it) and compared with the stored shipment status; with
 * `repair`, the fresh updates are applied through the tracker, as the poller would. */
#include <stdio.h>

#include "common.h"
#include "ops/reconcile_internal.h"
#include "poll/poll_internal.h"
#include "ordertrack/status.h"
#include "ordertrack/update.h"

static void ask_clear(struct ot__reconcile_ask *a)
{
    ot__free(a->order_id);
    ot__free(a->store_id);
    ot__free(a->awb);
    memset(a, 0, sizeof *a);
}

static void batch_clear(struct ot__reconcile_batch *b)
{
    size_t i;
    for (i = 0; i < b->count; i++)
        ask_clear(&b->asks[i]);
    b->count = 0;
}

void ot__reconcile_courier_clear(struct ot__reconcile *r)
{
    size_t i;
    for (i = 0; i < r->n_batches; i++)
        batch_clear(&r->batches[i]);
}

/* Every order of the batch without an answer: counted, the first reason kept. */
static void batch_failed(struct ot__reconcile *r, const struct ot__reconcile_batch *b,
                         int code, const char *what)
{
    ot_error e;
    r->sum->courier_failed += b->count;
    ot__error_field(&e, code, "tracking_id", "%s request for AWB %.40s%s failed: %.150s",
                    ot__courier_name(b->courier), b->asks[0].awb,
                    b->count > 1 ? " and others" : "", what);
    ot__reconcile_note(r, &e);
}

/* The courier's newest usable update about `awb` in `list`, or NULL. */
static const ot_update *newest_for(const ot_update_list *list, const char *awb)
{
    const ot_update *best = NULL;
    size_t k;
    for (k = 0; k < ot_update_list_count(list); k++) {
        const ot_update *u = ot_update_list_get(list, k);
        if (!u->tracking_id || strcmp(u->tracking_id, awb) != 0 || !u->shipment_status ||
            (u->flags & (OT_UPDATE_UNMAPPED | OT_UPDATE_LOCATION_ONLY)))
            continue;
        if (!best || u->event_time_ms >= best->event_time_ms)
            best = u;
    }
    return best;
}

/* --repair: apply the courier's updates about the order, oldest first as the answer lists
 * them, then look whether the stored shipment now is the courier's. */
static int repair_courier(struct ot__reconcile *r, const struct ot__reconcile_ask *a,
                          const ot_update_list *list, int want)
{
    ot_order *o = NULL;
    ot_error e;
    size_t k;
    int ok;
    for (k = 0; k < ot_update_list_count(list); k++) {
        const ot_update *u = ot_update_list_get(list, k);
        ot_update copy;
        int rc;
        if (!u->tracking_id || strcmp(u->tracking_id, a->awb) != 0 || !u->shipment_status ||
            (u->flags & (OT_UPDATE_UNMAPPED | OT_UPDATE_LOCATION_ONLY)))
            continue;
        copy = *u;
        copy.order_id = a->order_id;
        rc = ot_tracker_apply_update(NULL, r->tracker, &copy, NULL, &e);
        if (rc && rc != OT_ESTALE)
            ot__reconcile_note(r, &e);
    }
    if (ot_tracker_get(&o, r->tracker, a->order_id, &e) != 0) {
        ot__reconcile_note(r, &e);
        return 0;
    }
    ok = ot_order_shipment_status(o) == want;
    ot_order_free(o);
    return ok;
}

static int compare(struct ot__reconcile *r, const struct ot__reconcile_batch *b,
                   const ot_update_list *list, ot_error *err)
{
    const char *courier = ot__courier_name(b->courier);
    size_t i;
    int rc;
    for (i = 0; i < b->count; i++) {
        const struct ot__reconcile_ask *a = &b->asks[i];
        const ot_update *u = newest_for(list, a->awb);
        const char *here = "none", *there = "?";
        char detail[200], awb[48], status[48];
        int want, repaired = 0;
        if (!u) {
            ot_error e;
            r->sum->courier_failed++;
            ot__error_field(&e, OT_ENOTFOUND, "tracking_id",
                            "%s said nothing usable about AWB %.40s", courier, a->awb);
            ot__reconcile_note(r, &e);
            continue;
        }
        if (u->shipment_status == a->shipment)
            continue;
        want = u->shipment_status;
        if (a->shipment)
            ot_shipment_to_string(&here, a->shipment, NULL);
        ot_shipment_to_string(&there, want, NULL);
        if (r->opts->repair)
            repaired = repair_courier(r, a, list, want);
        ot__reconcile_clip(awb, sizeof awb, a->awb);
        ot__reconcile_clip(status, sizeof status, u->raw_status ? u->raw_status : "");
        snprintf(detail, sizeof detail, "shipment %s here, %s at %s (AWB %s, \"%s\")", here,
                 there, courier, awb, status);
        if ((rc = ot__reconcile_report(r, OT_RECONCILE_COURIER_DIFFERS, a->order_id,
                                       a->store_id, courier, a->awb, repaired, detail, err)))
            return rc;
    }
    return 0;
}

/* Send one request for the batch (once more after a 401 with a new token). */
static int ask(struct ot__reconcile *r, struct ot__reconcile_batch *b,
               ot_http_response **resp, ot_error *err)
{
    struct ot__courier_request req;
    const ot_http_request *ptr = &req.req;
    const char *awbs[OT__RECONCILE_BATCH_MAX];
    size_t i, logins = 0;
    ot_error e;
    int rc;

    for (i = 0; i < b->count; i++)
        awbs[i] = b->asks[i].awb;
    if (ot__courier_ensure_token(b->courier, r->opts->http, &logins, &e)) {
        if (e.code == OT_ENOMEM)
            return ot__error_set(err, OT_ENOMEM, "%s", e.message);
        batch_failed(r, b, e.code, e.message);
        return 1;
    }
    memset(&req, 0, sizeof req);
    if ((rc = ot__courier_build(&req, b->courier, awbs, b->count, err)))
        return rc;
    rc = ot_http_client_send(r->opts->http, &ptr, 1, resp, err);
    if (rc == 0 && ot_http_response_status(*resp) == 401 && ot__courier_has_login(b->courier) &&
        ot__courier_unauthorized(b->courier, r->opts->http, req.auth, &logins, &e) == 0) {
        ot__courier_request_release(&req);
        ot_http_response_free(*resp);
        *resp = NULL;
        if ((rc = ot__courier_build(&req, b->courier, awbs, b->count, err)) == 0) {
            ptr = &req.req;
            rc = ot_http_client_send(r->opts->http, &ptr, 1, resp, err);
        }
    }
    ot__courier_request_release(&req);
    return rc;
}

/* Ask the courier about the batch and report what differs; the batch is emptied. */
static int batch_run(struct ot__reconcile *r, struct ot__reconcile_batch *b, ot_error *err)
{
    ot_http_response *resp = NULL;
    ot_update_list *list = NULL;
    const char *body;
    char what[200];
    size_t len;
    ot_error e;
    int rc, status;

    if (!b->count)
        return 0;
    r->sum->courier_asked += b->count;
    if ((rc = ask(r, b, &resp, err)) != 0) {
        batch_clear(b);
        return rc > 0 ? 0 : rc;
    }
    status = ot_http_response_status(resp);
    if (status < 200 || status > 299) {
        if (status == 0)
            snprintf(what, sizeof what, "%.150s", ot_http_response_error_message(resp));
        else
            snprintf(what, sizeof what, "HTTP %d", status);
        batch_failed(r, b, status == 0 ? ot_http_response_error_code(resp)
                           : status == 401 || status == 403 ? OT_EAUTH : OT_EHTTP, what);
    } else {
        body = ot_http_response_body(resp, &len);
        if (ot__courier_parse(&list, b->courier, NULL, body, len, &e)) {
            snprintf(what, sizeof what, "unreadable answer: %.150s", e.message);
            batch_failed(r, b, e.code, what);
        } else {
            rc = compare(r, b, list, err);
        }
    }
    ot_update_list_free(list);
    ot_http_response_free(resp);
    batch_clear(b);
    return rc;
}

int ot__reconcile_courier_add(struct ot__reconcile *r, const ot_order *o, ot_error *err)
{
    const char *awb = ot_order_tracking_id(o);
    int provider = ot_order_provider(o), shipment = ot_order_shipment_status(o);
    struct ot__reconcile_batch *b = NULL;
    struct ot__reconcile_ask *a;
    const char *store = ot_order_store_id(o);
    size_t i;

    if (!awb || !*awb || (shipment && ot_shipment_is_terminal(shipment, NULL) == 1))
        return 0;
    for (i = 0; i < r->n_batches && !b; i++)
        if (ot_courier_client_provider(r->batches[i].courier, NULL) == provider)
            b = &r->batches[i];
    if (!b)
        return 0;
    a = &b->asks[b->count];
    a->order_id = ot__strdup(ot_order_order_id(o));
    a->store_id = store ? ot__strdup(store) : NULL;
    a->awb = ot__strdup(awb);
    a->shipment = shipment;
    if (!a->order_id || !a->awb || (store && !a->store_id)) {
        ask_clear(a);
        return ot__error_set(err, OT_ENOMEM, "out of memory queueing a courier request");
    }
    b->count++;
    return b->count == b->size ? batch_run(r, b, err) : 0;
}

int ot__reconcile_courier_flush(struct ot__reconcile *r, ot_error *err)
{
    size_t i;
    int rc;
    for (i = 0; i < r->n_batches; i++)
        if ((rc = batch_run(r, &r->batches[i], err)))
            return rc;
    return 0;
}
