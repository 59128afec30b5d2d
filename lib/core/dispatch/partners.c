/* The partner clients as data: each operation's method and path per provider, the create
 * body of each, and how an answer is read (docs/couriers-dispatch.md has the sources). */
#include <stdio.h>
#include <string.h>

#include "common.h"
#include "json/json_internal.h"
#include "order/order_internal.h"
#include "dispatch/dispatch_internal.h"

static const struct ot__partner_op ops[] = {
    {OT_PROVIDER_UBER, OT__DOP_QUOTE, "POST", "/v1/customers/{customer}/delivery_quotes"},
    {OT_PROVIDER_UBER, OT__DOP_CREATE, "POST", "/v1/customers/{customer}/deliveries"},
    {OT_PROVIDER_UBER, OT__DOP_GET, "GET", "/v1/customers/{customer}/deliveries/{id}"},
    {OT_PROVIDER_UBER, OT__DOP_CANCEL, "POST", "/v1/customers/{customer}/deliveries/{id}/cancel"},
    {OT_PROVIDER_DOORDASH, OT__DOP_QUOTE, "POST", "/drive/v2/quotes"},
    {OT_PROVIDER_DOORDASH, OT__DOP_CREATE, "POST", "/drive/v2/deliveries"},
    {OT_PROVIDER_DOORDASH, OT__DOP_GET, "GET", "/drive/v2/deliveries/{id}"},
    {OT_PROVIDER_DOORDASH, OT__DOP_CANCEL, "PUT", "/drive/v2/deliveries/{id}/cancel"},
};

/* Where each partner's answer keeps the delivery's id, tracking page and status. */
static const struct {
    int provider;
    const char *id, *tracking_url, *status;
} answer_keys[] = {
    {OT_PROVIDER_UBER, "id", "tracking_url", "status"},
    {OT_PROVIDER_DOORDASH, "external_delivery_id", "tracking_url", "delivery_status"},
};

/* Error answers that mean "no courier now": the partner's HTTP status and error `code`.
 * Neither row is in the partners' stored documentation (docs/couriers-dispatch.md, "Not
 * confirmed"); the simulator answers so. */
static const struct {
    int provider;
    int status;
    const char *code;
} no_driver_codes[] = {
    {OT_PROVIDER_UBER, 400, "couriers_busy"},
    {OT_PROVIDER_DOORDASH, 422, "no_available_dashers"},
};

/* The row's path with {customer} and {id} replaced, each percent-encoded. -1 when it does
 * not fit. */
static int expand_path(char *out, size_t size, const char *tmpl, const char *customer,
                       const char *id)
{
    size_t o = 0;

    while (*tmpl) {
        const char *v = NULL;
        if (strncmp(tmpl, "{customer}", 10) == 0)
            v = customer ? customer : "", tmpl += 10;
        else if (strncmp(tmpl, "{id}", 4) == 0)
            v = id ? id : "", tmpl += 4;
        if (v ? ot__url_encode_append(out, size, &o, v) : o + 1 >= size)
            return -1;
        if (!v)
            out[o++] = *tmpl++;
    }
    out[o] = '\0';
    return 0;
}

const struct ot__partner_op *ot__partner_op_find(int provider, int op)
{
    size_t i;
    for (i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (ops[i].provider == provider && ops[i].op == op)
            return &ops[i];
    return NULL;
}

static const char *meta(const ot_order *order, const char *key, const char *fallback)
{
    const char *v = ot__jstr(json_object_get(order->doc, "metadata"), key);
    return v && *v ? v : fallback;
}

json_t *ot__partner_create_body(int provider, const ot_order *order,
                                const ot_dispatch_order *req, const char *external_id)
{
    const char *oid = ot_order_order_id(order);
    const char *pname = req->pickup_name ? req->pickup_name : "";
    const char *paddr = req->pickup_address ? req->pickup_address : "";
    const char *pphone = req->pickup_phone ? req->pickup_phone : "";
    const char *dname = meta(order, "dropoff_name", "Customer");
    const char *daddr = meta(order, "dropoff_address", "");
    const char *dphone = meta(order, "dropoff_phone", "");

    /* Uber's idempotency_key: not confirmed in its stored documentation (see
     * docs/couriers-dispatch.md); external_id is how its webhooks name our order */
    if (provider == OT_PROVIDER_UBER)
        return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:[{s:s, s:i}], s:s, s:s}",
                         "pickup_name", pname, "pickup_address", paddr,
                         "pickup_phone_number", pphone, "dropoff_name", dname,
                         "dropoff_address", daddr, "dropoff_phone_number", dphone,
                         "manifest_items", "name", oid, "quantity", 1, "external_id", oid,
                         "idempotency_key", external_id);
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "external_delivery_id",
                     external_id, "pickup_business_name", pname, "pickup_address", paddr,
                     "pickup_phone_number", pphone, "dropoff_contact_given_name", dname,
                     "dropoff_address", daddr, "dropoff_phone_number", dphone);
}

static void read_answer(struct ot__dispatch_answer *a, int provider, int op,
                        ot_http_response *resp)
{
    size_t i, len;
    const char *text = ot_http_response_body(resp, &len);
    json_t *doc = NULL;
    const char *code;
    int status = ot_http_response_status(resp);

    if (ot__json_read(&doc, text, len, NULL))
        doc = NULL;
    code = json_string_value(json_object_get(doc, "code"));

    a->http_status = status;
    if (status == 0) {
        a->outcome = OT__DOUT_FAILED;
        snprintf(a->error, sizeof a->error, "%s", ot_http_response_error_message(resp));
    } else if (status >= 200 && status <= 299) {
        a->outcome = OT__DOUT_OK;
        for (i = 0; i < sizeof answer_keys / sizeof answer_keys[0]; i++)
            if (answer_keys[i].provider == provider) {
                ot__strlcpy(a->delivery_id, ot__jstr(doc, answer_keys[i].id),
                            sizeof a->delivery_id);
                ot__strlcpy(a->tracking_url, ot__jstr(doc, answer_keys[i].tracking_url),
                            sizeof a->tracking_url);
                ot__strlcpy(a->status, ot__jstr(doc, answer_keys[i].status),
                            sizeof a->status);
            }
        if ((op == OT__DOP_CREATE || op == OT__DOP_GET) && !a->delivery_id[0]) {
            a->outcome = OT__DOUT_FAILED;
            snprintf(a->error, sizeof a->error, "HTTP %d without a delivery id", status);
        }
    } else {
        a->outcome = status == 401 ? OT__DOUT_AUTH
                   : status == 404 ? OT__DOUT_NOT_FOUND
                   : status == 409 && op == OT__DOP_CREATE ? OT__DOUT_DUPLICATE
                   : OT__DOUT_FAILED;
        for (i = 0; i < sizeof no_driver_codes / sizeof no_driver_codes[0]; i++)
            if (no_driver_codes[i].provider == provider && no_driver_codes[i].status == status &&
                code && strcmp(code, no_driver_codes[i].code) == 0)
                a->outcome = OT__DOUT_NO_DRIVER;
        snprintf(a->error, sizeof a->error, "HTTP %d%s%.64s", status, code ? " " : "",
                 code ? code : "");
    }
    json_decref(doc);
}

int ot__partner_call(struct ot__dispatch_answer *a, ot_dispatch *d, struct ot__partner *p,
                     int op, const char *id, const json_t *body, const char *idempotency_key,
                     ot_error *err)
{
    const struct ot__partner_op *row = ot__partner_op_find(p->cfg.provider, op);
    ot_http_header headers[2] = {{"Authorization", NULL}, {"Content-Type", "application/json"}};
    ot_http_request req = OT_HTTP_REQUEST_INIT;
    const ot_http_request *reqs[1] = {&req};
    ot_http_response *resp = NULL;
    char auth[1100], path[512], *url = NULL, *text = NULL;
    size_t text_len = 0, n;
    int rc, tries;
    ot_error aerr;

    memset(a, 0, sizeof *a);
    if (!row)
        return ot__error_field(err, OT_EINVAL, "op", "no such partner operation");
    if (expand_path(path, sizeof path, row->path, p->cfg.customer_id, id))
        return ot__error_field(err, OT_ELIMIT, "delivery_id", "the partner path is too long");
    n = strlen(p->cfg.base_url) + strlen(path) + 1;
    if (!(url = ot__malloc(n)))
        return ot__error_set(err, OT_ENOMEM, "out of memory building a partner request");
    snprintf(url, n, "%s%s", p->cfg.base_url, path);
    if (body && (rc = ot__json_write(&text, &text_len, body, JSON_COMPACT, err))) {
        ot__free(url);
        return rc;
    }
    req.method = row->method;
    req.url = url;
    req.headers = headers;
    req.header_count = text ? 2 : 1;
    req.body = text;
    req.body_length = text_len;
    req.timeout_ms = p->cfg.timeout_ms;
    /* reads and cancels repeat harmlessly; a create carries its idempotency key */
    req.flags = op != OT__DOP_QUOTE || idempotency_key ? OT_HTTP_REQUEST_IDEMPOTENT : 0;
    for (tries = 0, rc = 0; tries < 2; tries++) {
        memset(&aerr, 0, sizeof aerr);
        if (ot__partner_auth(auth, sizeof auth, d, p, tries > 0, &aerr)) {
            a->outcome = OT__DOUT_AUTH;
            ot__strlcpy(a->error, aerr.message, sizeof a->error);
            break;
        }
        headers[0].value = auth;
        if ((rc = ot_http_client_send(d->http, reqs, 1, &resp, err)))
            break;
        read_answer(a, p->cfg.provider, op, resp);
        ot_http_response_free(resp);
        resp = NULL;
        if (a->outcome != OT__DOUT_AUTH)
            break;
    }
    memset(auth, 0, sizeof auth);
    ot__free(text);
    ot__free(url);
    return rc;
}
