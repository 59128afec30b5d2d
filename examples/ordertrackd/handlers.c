/* Route handlers: each decodes its body into the tracker's request (an ot_request, or the
 * operation's own struct of tracker_requests.h where a route has many members of its own)
 * and makes one tracker call; the answer is the order document with its ETag, or the error
 * of the call. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ordertrack/ordertrack.h>
#include <ordertrack/sys/storage.h>

#include "app.h"
#include "body.h"
#include "http_errors.h"
#include "pageroutes.h"
#include "storage_probe.h"
#include "tracklink.h"
#include "webhooks.h"

/* Longest id, name or free-text member accepted in a body. */
#define ID_MAX 255
#define TEXT_MAX 4096

/* A tracker write: one of the ot_tracker_* functions taking an ot_request. */
typedef int (*write_fn)(ot_order **out, ot_tracker *tracker, const ot_request *request,
                        ot_error *err);

static void set_text(otd_response *res, unsigned status, const char *text, size_t len,
                     const char *type)
{
    char *copy = malloc(len + 1);

    if (!copy) {
        otd_respond_error(res, OTD_ERR_INTERNAL, "out of memory", NULL);
        return;
    }
    memcpy(copy, text, len);
    copy[len] = '\0';
    free(res->body);
    res->body = copy;
    res->body_len = len;
    res->status = status;
    res->content_type = type;
}

/* Answer `status` with the order document and its ETag: the revision, which the SLA
 * sweep's bookkeeping entries do not move (an If-Match from it to the version matches). */
static void respond_order(otd_response *res, unsigned status, const ot_order *order)
{
    ot_error e;
    char *json = NULL;
    size_t len = 0;
    int rc = ot_order_to_json(&json, &len, order, &e);

    if (rc != 0) {
        otd_respond_ot_error(res, rc, &e);
        return;
    }
    set_text(res, status, json, len, OTD_CONTENT_TYPE_JSON);
    ot_free(json);
    res->has_etag = 1;
    res->etag = (unsigned long long)ot_order_revision(order);
}

/* Answer a library call that returned a JSON document. */
static void respond_library_json(otd_response *res, int rc, const ot_error *e, char *json,
                                 size_t len)
{
    if (rc != 0)
        otd_respond_ot_error(res, rc, e);
    else
        set_text(res, 200, json, len, OTD_CONTENT_TYPE_JSON);
    ot_free(json);
}

/* May req's key act on an order of `store_id`? Else res holds the 403. */
static int store_allowed(const otd_request *req, const char *store_id, otd_response *res)
{
    char message[160];

    if (!req->key || otd_auth_store_allowed(req->key, store_id))
        return 1;
    snprintf(message, sizeof message, "this key may not act for store \"%.64s\"", store_id);
    otd_respond_error(res, OTD_ERR_FORBIDDEN, message, json_pack("{ss}", "field", "store_id"));
    return 0;
}

/* May req's key act on `order` (`assigning`: the assign route)? A store key outside its
 * stores gets 403; a courier key outside its providers or its driver gets 404, the answer
 * for an order that does not exist, so it learns nothing of orders it may not touch.
 * 1, or 0 with res set. */
static int order_allowed(const otd_request *req, const ot_order *order, int assigning,
                         otd_response *res)
{
    ot_driver_view d = OT_DRIVER_VIEW_INIT;
    const char *driver = ot_order_driver_details(&d, order, NULL) == 0 ? d.driver_id : NULL;
    char message[160];

    if (!req->key || otd_auth_order_allowed(req->key, ot_order_store_id(order),
                                            ot_order_provider(order), driver, assigning))
        return 1;
    if (req->key->role != OTD_ROLE_COURIER)
        return store_allowed(req, ot_order_store_id(order), res);
    snprintf(message, sizeof message, "no order %.64s", ot_order_order_id(order));
    otd_respond_error(res, OTD_ERR_NOT_FOUND, message, json_pack("{ss}", "field", "order_id"));
    return 0;
}

/* Load the order of req's path and check the key's scope. NULL with res set. */
static ot_order *load_scoped(otd_app *app, const otd_request *req, const char *order_id,
                             int assigning, otd_response *res)
{
    ot_order *order = NULL;
    ot_error e;
    int rc = ot_tracker_get(&order, app->tracker, order_id, &e);

    if (rc != 0) {
        otd_respond_ot_error(res, rc, &e);
        return NULL;
    }
    if (!order_allowed(req, order, assigning, res)) {
        ot_order_free(order);
        return NULL;
    }
    return order;
}

/* The scope of an {order_id} route for keys limited to stores, providers or a driver; 0 or
 * -1 with res set. */
static int check_scope(otd_app *app, const otd_request *req, int assigning, otd_response *res)
{
    ot_order *order;

    if (!otd_auth_order_scoped(req->key))
        return 0;
    order = load_scoped(app, req, req->match.order_id, assigning, res);
    ot_order_free(order);
    return order ? 0 : -1;
}

static int check_order_scope(otd_app *app, const otd_request *req, otd_response *res)
{
    return check_scope(app, req, 0, res);
}

/* The members every write shares, from the request's headers and path: idempotency key
 * (scoped to the API key's id: one caller's key never replays or conflicts with another's),
 * If-Match, order id. 0, or -1 with res holding 412 for If-Match "0" (no order has version
 * 0; the tracker reads 0 as "any"). */
static int write_base(const otd_request *req, ot_write_common *w, otd_response *res)
{
    if (req->has_if_match && req->if_match == 0) {
        otd_respond_error(res, OTD_ERR_VERSION_CONFLICT,
                          "If-Match \"0\" matches no stored version", NULL);
        return -1;
    }
    w->idempotency_key = req->idempotency_key;
    w->idempotency_scope = req->key ? req->key->id : NULL;
    w->expected_version = req->has_if_match ? (int64_t)req->if_match : 0;
    if (req->match.order_id[0])
        w->order_id = req->match.order_id;
    return 0;
}

/* write_base for the routes still on ot_request, and the path's store id. */
static int request_base(const otd_request *req, ot_request *r, otd_response *res)
{
    ot_write_common w = OT_WRITE_COMMON_INIT;

    if (write_base(req, &w, res) != 0)
        return -1;
    r->idempotency_key = w.idempotency_key;
    r->idempotency_scope = w.idempotency_scope;
    r->expected_version = w.expected_version;
    r->order_id = w.order_id;
    if (req->match.store_id[0])
        r->store_id = req->match.store_id;
    return 0;
}

/* A refused write. OT_ECONFLICT is If-Match's 412 only when the request set one; without,
 * it means the tracker's retries ran out under contention: 503, retry later. */
static void respond_write_error(otd_response *res, int rc, const ot_error *e,
                                int64_t expected_version)
{
    if (rc == OT_ECONFLICT && expected_version == 0) {
        otd_respond_error(res, OTD_ERR_STORAGE_UNAVAILABLE,
                          "too many concurrent writers on this order; retry", NULL);
        res->retry_after = 1;
        return;
    }
    otd_respond_ot_error(res, rc, e);
}

/* A stale answer without the record (a repeated status): read the unchanged order. Returns
 * rc, or the read's failure. */
static int stale_order(otd_app *app, const char *order_id, int rc, ot_order **order,
                       ot_error *e)
{
    if (rc == OT_ESTALE && !*order) {
        int got = ot_tracker_get(order, app->tracker, order_id, e);
        if (got != 0)
            return got;
    }
    return rc;
}

/* Run a write and answer it: `ok` on success, 200 with the unchanged order when stale. */
static void run_write(otd_app *app, const ot_request *r, write_fn fn, unsigned ok,
                      otd_response *res)
{
    ot_order *order = NULL;
    ot_error e;
    int rc = stale_order(app, r->order_id, fn(&order, app->tracker, r, &e), &order, &e);

    if (rc == 0 || rc == OT_ESTALE)
        respond_order(res, rc == 0 ? ok : 200, order);
    else
        respond_write_error(res, rc, &e, r->expected_version);
    ot_order_free(order);
}

/* The JSON body, or an empty object when the route's body is optional and none was sent. */
static int optional_body(const otd_request *req, json_t **doc, otd_response *res)
{
    if (!req->body || req->body_len == 0) {
        *doc = json_object();
        if (*doc)
            return 0;
        otd_respond_error(res, OTD_ERR_INTERNAL, "out of memory", NULL);
        return -1;
    }
    return otd_body_object(req, doc, res);
}

/* `metadata` (an object, optional) as compact JSON into *out (free with free). */
static int metadata_member(json_t *doc, char **out, otd_response *res)
{
    json_t *meta = NULL;
    int rc = otd_body_member_object(doc, "metadata", 0, &meta, res);

    *out = NULL;
    if (rc < 0)
        return -1;
    if (meta && !(*out = json_dumps(meta, JSON_COMPACT | JSON_PRESERVE_ORDER))) {
        otd_respond_error(res, OTD_ERR_INTERNAL, "out of memory", NULL);
        return -1;
    }
    return 0;
}

/* updated_by and notes, both optional. */
static int author_members(json_t *doc, const char **updated_by, const char **notes,
                          otd_response *res)
{
    return otd_body_string(doc, "updated_by", 0, ID_MAX, updated_by, res) < 0 ||
                   otd_body_string(doc, "notes", 0, TEXT_MAX, notes, res) < 0
               ? -1
               : 0;
}

/* Map a wire name through a library enum parser; -1 with res holding the 400. */
static int enum_member(json_t *doc, const char *name, int required,
                       int (*parse)(int *, const char *), int *out, otd_response *res)
{
    const char *s = NULL;
    char message[160];
    int rc = otd_body_string(doc, name, required, 64, &s, res);

    if (rc != 0)
        return rc < 0 ? -1 : 0;
    if (parse(out, s) != 0) {
        snprintf(message, sizeof message, "%s: unknown value \"%.64s\"", name, s);
        otd_respond_error(res, OTD_ERR_INVALID_REQUEST, message, json_pack("{ss}", "field", name));
        return -1;
    }
    return 0;
}

static int parse_status(int *out, const char *s)
{
    ot_status v;
    int rc = ot_status_from_string(&v, s, NULL);
    *out = (int)v;
    return rc;
}

static int parse_severity(int *out, const char *s)
{
    ot_severity v;
    int rc = ot_severity_from_string(&v, s, NULL);
    *out = (int)v;
    return rc;
}

/* The courier of an init: `delivery_provider` named (built-in or a courier of
 * courier_definitions), or else detected from `delivery_tracking_id` (ot_courier_detect: the
 * one best candidate; none or a tie is refused, naming the candidates). 0 or -1 (answered). */
static int init_provider(const otd_app *app, json_t *doc, const char *tracking_id, int *out,
                         otd_response *res)
{
    ot_courier_candidate c[4];
    char message[256];
    const char *name = NULL;
    size_t n = 0, i;
    ot_provider builtin;
    int rc = otd_body_string(doc, "delivery_provider", 0, 64, &name, res);

    if (rc < 0)
        return -1;
    if (name) {
        if (ot_provider_from_string(&builtin, name, NULL) == 0) {
            *out = (int)builtin;
            return 0;
        }
        if (app->couriers && (*out = ot_courier_registry_lookup(app->couriers, name, NULL)) > 0)
            return 0;
        snprintf(message, sizeof message, "delivery_provider: unknown value \"%.64s\"", name);
        otd_respond_error(res, OTD_ERR_INVALID_REQUEST, message,
                          json_pack("{ss}", "field", "delivery_provider"));
        return -1;
    }
    if (!tracking_id) {
        otd_respond_error(res, OTD_ERR_INVALID_REQUEST,
                          "delivery_provider: required, unless delivery_tracking_id names "
                          "a courier to detect", json_pack("{ss}", "field", "delivery_provider"));
        return -1;
    }
    for (i = 0; i < 4; i++)
        ot_courier_candidate_init(&c[i], OT_COURIER_CANDIDATE_VERSION, NULL);
    if (ot_courier_detect(app->couriers, tracking_id, c, 4, &n, NULL) != 0)
        n = 0;
    if (n == 1 || (n > 1 && c[0].confidence > c[1].confidence)) {
        *out = c[0].provider;
        return 0;
    }
    if (n == 0)
        snprintf(message, sizeof message, "delivery_provider: no courier's tracking numbers "
                 "look like \"%.64s\": name the courier", tracking_id);
    else
        snprintf(message, sizeof message, "delivery_provider: \"%.64s\" may be %s or %s "
                 "(as likely): name the courier", tracking_id, c[0].name, c[1].name);
    otd_respond_error(res, OTD_ERR_INVALID_REQUEST, message,
                      json_pack("{ss}", "field", "delivery_provider"));
    return -1;
}

/* ---- order tracking management ------------------------------------------------------- */

static void order_init(otd_app *app, const otd_request *req, otd_response *res)
{
    ot_request r = OT_REQUEST_INIT;
    json_t *doc = NULL;
    char *meta = NULL;

    if (request_base(req, &r, res) != 0 || otd_body_object(req, &doc, res) != 0)
        goto out;
    if (otd_body_string(doc, "store_id", 1, ID_MAX, &r.store_id, res) != 0 ||
        otd_body_string(doc, "customer_id", 1, ID_MAX, &r.customer_id, res) != 0 ||
        otd_body_string(doc, "delivery_tracking_id", 0, ID_MAX, &r.tracking_id, res) < 0 ||
        init_provider(app, doc, r.tracking_id, &r.provider, res) != 0 ||
        otd_body_string(doc, "delivery_tracking_url", 0, TEXT_MAX, &r.tracking_url, res) < 0 ||
        otd_body_time(doc, "estimated_delivery_time", 0, &r.estimated_delivery_ms, res) < 0 ||
        author_members(doc, &r.updated_by, &r.notes, res) != 0 ||
        metadata_member(doc, &meta, res) != 0)
        goto out;
    if (!store_allowed(req, r.store_id, res))
        goto out;
    r.metadata_json = meta;
    run_write(app, &r, ot_tracker_init_order, 201, res);
out:
    free(meta);
    json_decref(doc);
}

static void order_status(otd_app *app, const otd_request *req, otd_response *res)
{
    ot_request r = OT_REQUEST_INIT;
    json_t *doc = NULL;
    char *meta = NULL;

    if (request_base(req, &r, res) != 0 || otd_body_object(req, &doc, res) != 0)
        goto out;
    if (enum_member(doc, "status", 1, parse_status, &r.status, res) != 0 ||
        otd_body_string(doc, "updated_by", 1, ID_MAX, &r.updated_by, res) != 0 ||
        otd_body_string(doc, "notes", 0, TEXT_MAX, &r.notes, res) < 0 ||
        metadata_member(doc, &meta, res) != 0 || check_order_scope(app, req, res) != 0)
        goto out;
    r.metadata_json = meta;
    run_write(app, &r, ot_tracker_set_status, 200, res);
out:
    free(meta);
    json_decref(doc);
}

/* A 404 of an order `ordertrack archive` moved out: 410 with where it went (its tombstone),
 * for keys not limited to stores, providers or a driver (a tombstone does not say whose the
 * order was: a limited key keeps its 404). */
static void respond_if_archived(otd_app *app, const otd_request *req, otd_response *res)
{
    const ot_storage *s = app->storage;
    char where[OT_STORAGE_TOMBSTONE_MAX + 1], message[128];

    if (res->status != 404 || !s || s->version < 4 || !s->tombstone_get ||
        (req->key && otd_auth_order_scoped(req->key)) ||
        s->tombstone_get(s->userdata, req->match.order_id, where, sizeof where, NULL) != 0)
        return;
    snprintf(message, sizeof message, "order %.64s was archived", req->match.order_id);
    otd_response_clear(res);
    otd_respond_error(res, OTD_ERR_GONE, message,
                      json_pack("{ssss}", "field", "order_id", "archived_to", where));
}

static void order_get(otd_app *app, const otd_request *req, otd_response *res)
{
    ot_order *order = load_scoped(app, req, req->match.order_id, 0, res);

    if (order)
        respond_order(res, 200, order);
    else
        respond_if_archived(app, req, res);
    ot_order_free(order);
}

/* A read of one order that answers a JSON document (tracker.h). */
typedef int (*read_fn)(char **json, size_t *len, ot_tracker *tracker, const char *order_id,
                       ot_error *err);

/* An {order_id} read: the caller's access to the order, then the library's document. */
static void order_read(otd_app *app, const otd_request *req, otd_response *res, read_fn fn)
{
    char *json = NULL;
    size_t len = 0;
    ot_error e;
    int rc;

    if (check_order_scope(app, req, res) != 0)
        return;
    rc = fn(&json, &len, app->tracker, req->match.order_id, &e);
    respond_library_json(res, rc, &e, json, len);
}

static void order_history(otd_app *app, const otd_request *req, otd_response *res)
{
    order_read(app, req, res, ot_tracker_history);
}

static void order_live_location(otd_app *app, const otd_request *req, otd_response *res)
{
    order_read(app, req, res, ot_tracker_live_location);
}

/* The tracker's SLA report under its policies (the config's `sla` block), at its clock. */
static int sla_report_now(char **json, size_t *len, ot_tracker *tracker, const char *order_id,
                          ot_error *err)
{
    return ot_tracker_sla_report(json, len, tracker, order_id, 0, err);
}

static void order_sla(otd_app *app, const otd_request *req, otd_response *res)
{
    order_read(app, req, res, sla_report_now);
}

static void order_list(otd_app *app, const otd_request *req, otd_response *res)
{
    otd_list_query q;
    ot_list_request lr = OT_LIST_REQUEST_INIT;
    char *json = NULL;
    size_t len = 0;
    ot_error e;

    if (otd_list_query_parse(req, &q, res) != 0)
        return;
    lr.store_id = q.store_id;
    lr.customer_id = q.customer_id;
    lr.status = q.status;
    lr.limit = q.limit;
    lr.cursor = q.cursor;
    int rc = ot_tracker_list(&json, &len, app->tracker, &lr, &e);
    respond_library_json(res, rc, &e, json, len);
}

/* A route's own body members, read into `r` (the strings stay owned by `doc`). */
typedef int (*body_members)(const otd_request *req, json_t *doc, ot_request *r,
                            otd_response *res);

/* An order-scoped write with a JSON object body: the route's members, the author members,
 * the caller's access to the order, then the write (200 with the record). */
static void order_body_write(otd_app *app, const otd_request *req, otd_response *res,
                             body_members members, write_fn fn)
{
    ot_request r = OT_REQUEST_INIT;
    json_t *doc = NULL;

    if (request_base(req, &r, res) == 0 && otd_body_object(req, &doc, res) == 0 &&
        members(req, doc, &r, res) == 0 &&
        author_members(doc, &r.updated_by, &r.notes, res) == 0 &&
        check_order_scope(app, req, res) == 0)
        run_write(app, &r, fn, 200, res);
    json_decref(doc);
}

static int issue_add_members(const otd_request *req, json_t *doc, ot_request *r,
                             otd_response *res)
{
    (void)req;
    return otd_body_string(doc, "issue_type", 1, ID_MAX, &r->issue_type, res) != 0 ||
                   otd_body_string(doc, "description", 1, TEXT_MAX, &r->description, res) != 0 ||
                   enum_member(doc, "severity", 1, parse_severity, &r->severity, res) != 0
               ? -1
               : 0;
}

static void issue_add(otd_app *app, const otd_request *req, otd_response *res)
{
    order_body_write(app, req, res, issue_add_members, ot_tracker_raise_issue);
}

static int issue_resolve_members(const otd_request *req, json_t *doc, ot_request *r,
                                 otd_response *res)
{
    r->issue_index = req->match.index;
    return otd_body_string(doc, "resolution", 1, TEXT_MAX, &r->resolution, res);
}

static void issue_resolve(otd_app *app, const otd_request *req, otd_response *res)
{
    order_body_write(app, req, res, issue_resolve_members, ot_tracker_resolve_issue);
}

static int substitution_respond_members(const otd_request *req, json_t *doc, ot_request *r,
                                        otd_response *res)
{
    (void)req;
    return otd_body_string(doc, "original_item_id", 1, ID_MAX, &r->original_item_id, res) != 0 ||
                   otd_body_bool(doc, "approved", 1, &r->approved, res) != 0
               ? -1
               : 0;
}

static void substitution_respond(otd_app *app, const otd_request *req, otd_response *res)
{
    order_body_write(app, req, res, substitution_respond_members,
                     ot_tracker_respond_substitution);
}

/* ---- store operations ------------------------------------------------------------------ */

static void store_acknowledge(otd_app *app, const otd_request *req, otd_response *res)
{
    ot_request r = OT_REQUEST_INIT;
    json_t *doc = NULL;
    int accepted = 1;

    if (request_base(req, &r, res) != 0 || otd_body_object(req, &doc, res) != 0)
        goto out;
    if (otd_body_string(doc, "order_id", 1, ID_MAX, &r.order_id, res) != 0 ||
        author_members(doc, &r.updated_by, &r.notes, res) != 0 ||
        otd_body_bool(doc, "accepted", 0, &accepted, res) < 0 ||
        otd_body_string(doc, "reason", !accepted, TEXT_MAX, &r.reason, res) < 0 ||
        otd_body_string(doc, "reassign_to", 0, ID_MAX, &r.reassign_to, res) < 0)
        goto out;
    r.rejected = !accepted;
    if (accepted && (r.reason || r.reassign_to)) {
        otd_respond_error(res, OTD_ERR_INVALID_REQUEST,
                          "reason and reassign_to go with \"accepted\": false",
                          json_pack("{ss}", "field", r.reason ? "reason" : "reassign_to"));
        goto out;
    }
    run_write(app, &r, ot_tracker_store_acknowledge, 200, res);
out:
    json_decref(doc);
}

/* start-picking and ready: {order_id} only. */
static void store_step(otd_app *app, const otd_request *req, otd_response *res, write_fn fn)
{
    ot_request r = OT_REQUEST_INIT;
    json_t *doc = NULL;

    if (request_base(req, &r, res) != 0 || otd_body_object(req, &doc, res) != 0)
        goto out;
    if (otd_body_string(doc, "order_id", 1, ID_MAX, &r.order_id, res) != 0 ||
        author_members(doc, &r.updated_by, &r.notes, res) != 0)
        goto out;
    run_write(app, &r, fn, 200, res);
out:
    json_decref(doc);
}

static void store_start_picking(otd_app *app, const otd_request *req, otd_response *res)
{
    store_step(app, req, res, ot_tracker_start_picking);
}

static void store_ready(otd_app *app, const otd_request *req, otd_response *res)
{
    store_step(app, req, res, ot_tracker_ready);
}

static void store_substitution(otd_app *app, const otd_request *req, otd_response *res)
{
    ot_request r = OT_REQUEST_INIT;
    json_t *doc = NULL;

    if (request_base(req, &r, res) != 0 || otd_body_object(req, &doc, res) != 0)
        goto out;
    if (otd_body_string(doc, "order_id", 1, ID_MAX, &r.order_id, res) != 0 ||
        otd_body_string(doc, "original_item_id", 1, ID_MAX, &r.original_item_id, res) != 0 ||
        otd_body_string(doc, "substitute_item_id", 1, ID_MAX, &r.substitute_item_id, res) !=
            0 ||
        otd_body_string(doc, "reason", 1, TEXT_MAX, &r.reason, res) != 0 ||
        otd_body_number(doc, "price_difference", 1, -1e9, 1e9, &r.price_difference, res) !=
            0 ||
        author_members(doc, &r.updated_by, &r.notes, res) != 0)
        goto out;
    run_write(app, &r, ot_tracker_add_substitution, 200, res);
out:
    json_decref(doc);
}

/* ---- delivery operations --------------------------------------------------------------- */

static void delivery_assign(otd_app *app, const otd_request *req, otd_response *res)
{
    ot_assign_driver_request r = OT_ASSIGN_DRIVER_REQUEST_INIT;
    json_t *doc = NULL, *driver = NULL;
    ot_order *order = NULL;
    int64_t retry = 0;
    ot_error e;
    int rc;

    if (write_base(req, &r.write, res) != 0 || otd_body_object(req, &doc, res) != 0)
        goto out;
    if (!json_object_get(doc, "driver")) {
        otd_respond_error(res, OTD_ERR_INVALID_REQUEST,
                          "driver: required (an object, or null when no driver was found)",
                          json_pack("{ss}", "field", "driver"));
        goto out;
    }
    if (otd_body_member_object(doc, "driver", 0, &driver, res) < 0 ||
        otd_body_string(doc, "delivery_tracking_id", 0, ID_MAX, &r.tracking_id, res) < 0 ||
        otd_body_string(doc, "delivery_tracking_url", 0, TEXT_MAX, &r.tracking_url, res) < 0 ||
        otd_body_time(doc, "estimated_delivery_time", 0, &r.estimated_delivery_ms, res) < 0 ||
        author_members(doc, &r.write.updated_by, &r.write.notes, res) != 0)
        goto out;
    if (driver &&
        (otd_body_string(driver, "driver_id", 1, ID_MAX, &r.driver_id, res) != 0 ||
         otd_body_string(driver, "name", 1, ID_MAX, &r.driver_name, res) != 0 ||
         otd_body_string(driver, "phone", 1, ID_MAX, &r.driver_phone, res) != 0 ||
         otd_body_string(driver, "vehicle_type", 1, ID_MAX, &r.vehicle_type, res) != 0 ||
         otd_body_string(driver, "vehicle_number", 0, ID_MAX, &r.vehicle_number, res) < 0 ||
         otd_body_string(driver, "photo_url", 0, TEXT_MAX, &r.photo_url, res) < 0))
        goto out;
    /* a driver's key assigns its own driver only */
    if (req->key && req->key->driver_id &&
        (!r.driver_id || strcmp(r.driver_id, req->key->driver_id) != 0)) {
        otd_respond_error(res, OTD_ERR_FORBIDDEN, "this key may assign only its own driver",
                          json_pack("{ss}", "field", "driver.driver_id"));
        goto out;
    }
    if (check_scope(app, req, 1, res) != 0)
        goto out;
    rc = ot_tracker_assign_driver_v2(&order, &retry, app->tracker, &r, &e);
    rc = stale_order(app, r.write.order_id, rc, &order, &e);
    if (rc != 0 && rc != OT_ESTALE) {
        respond_write_error(res, rc, &e, r.write.expected_version);
    } else if (driver || retry <= 0) {
        respond_order(res, 200, order);
    } else {
        /* No driver: 202 {"retry_after_ms", "order"}, Retry-After in whole seconds. */
        respond_order(res, 202, order);
        if (res->status == 202)
            otd_respond_json(res, 202,
                             json_pack("{sIso}", "retry_after_ms", (json_int_t)retry, "order",
                                       json_loadb(res->body, res->body_len, 0, NULL)));
        res->retry_after = (unsigned)((retry + 999) / 1000);
    }
out:
    ot_order_free(order);
    json_decref(doc);
}

static void delivery_location(otd_app *app, const otd_request *req, otd_response *res)
{
    ot_request r = OT_REQUEST_INIT;
    json_t *doc = NULL;

    if (request_base(req, &r, res) != 0 || otd_body_object(req, &doc, res) != 0)
        goto out;
    if (otd_body_number(doc, "latitude", 1, -90, 90, &r.latitude, res) != 0 ||
        otd_body_number(doc, "longitude", 1, -180, 180, &r.longitude, res) != 0 ||
        otd_body_time(doc, "timestamp", 0, &r.time_ms, res) < 0)
        goto out;
    switch (otd_body_number(doc, "accuracy", 0, 0, 1e7, &r.accuracy, res)) {
    case 0:
        r.has_accuracy = 1;
        break;
    case 1:
        break;
    default:
        goto out;
    }
    if (check_order_scope(app, req, res) != 0)
        goto out;
    run_write(app, &r, ot_tracker_update_location, 200, res);
out:
    json_decref(doc);
}

/* pickup and delivered: an optional body with the time it happened. */
static void delivery_step(otd_app *app, const otd_request *req, otd_response *res,
                          const char *time_member, write_fn fn)
{
    ot_request r = OT_REQUEST_INIT;
    json_t *doc = NULL;

    if (request_base(req, &r, res) != 0 || optional_body(req, &doc, res) != 0)
        goto out;
    if (otd_body_time(doc, time_member, 0, &r.time_ms, res) < 0 ||
        author_members(doc, &r.updated_by, &r.notes, res) != 0 ||
        check_order_scope(app, req, res) != 0)
        goto out;
    run_write(app, &r, fn, 200, res);
out:
    json_decref(doc);
}

static void delivery_pickup(otd_app *app, const otd_request *req, otd_response *res)
{
    delivery_step(app, req, res, "delivery_pickup_time", ot_tracker_pickup);
}

static void delivery_delivered(otd_app *app, const otd_request *req, otd_response *res)
{
    delivery_step(app, req, res, "actual_delivery_time", ot_tracker_delivered);
}

/* ---- events (Server-Sent Events) ------------------------------------------------------- */

static void order_events(otd_app *app, const otd_request *req, otd_response *res)
{
    const char *last = req->header ? req->header(req->lookup_ctx, "Last-Event-ID") : NULL;
    ot_order *order;
    char *end;

    if (!app->events) {
        otd_respond_error(res, OTD_ERR_NOT_IMPLEMENTED, "event streams need the HTTP server",
                          NULL);
        return;
    }
    order = load_scoped(app, req, req->match.order_id, 0, res);
    if (!order)
        return;
    ot_order_free(order);
    res->stream_from = 0;
    if (last && *last) {
        unsigned long id;
        errno = 0;
        id = strtoul(last, &end, 10);
        /* an overflow (ULONG_MAX + 1 would wrap to 0 and replay everything) is refused */
        if (*end || last[0] < '0' || last[0] > '9' || errno == ERANGE || id == ULONG_MAX) {
            otd_respond_error(res, OTD_ERR_INVALID_REQUEST,
                              "Last-Event-ID must be a history index",
                              json_pack("{ss}", "field", "Last-Event-ID"));
            return;
        }
        res->stream_from = id + 1;
    }
    res->stream = OTD_STREAM_API;
    res->status = 200;
    res->content_type = "text/event-stream";
}

/* ---- the customer tracking page ------------------------------------------------------- */

/* POST .../tracking-link: a signed link to the order's page, body {} or {"ttl_s": n}. */
static void tracking_link(otd_app *app, const otd_request *req, otd_response *res)
{
    const otd_pageconf *p = &app->cfg->tracking_page;
    char token[OTD_LINK_TOKEN_MAX + 1], at[32], *url;
    size_t url_size;
    double ttl = (double)p->link_ttl_s;
    json_t *doc = NULL, *v;
    const char *name;
    ot_order *order;
    struct tm tm;
    time_t expires;
    int rc;

    if (!p->present) {
        otd_respond_error(res, OTD_ERR_NOT_IMPLEMENTED,
                          "tracking links need the tracking_page block in the config", NULL);
        return;
    }
    if (req->body_len && otd_body_object(req, &doc, res) != 0)
        return;
    json_object_foreach(doc, name, v) {
        if (strcmp(name, "ttl_s") != 0) {
            /* the name is doc's: answer before letting it go */
            otd_respond_error(res, OTD_ERR_INVALID_REQUEST, "unknown member (ttl_s only)",
                              json_pack("{ss}", "field", name));
            json_decref(doc);
            return;
        }
    }
    rc = otd_body_number(doc, "ttl_s", 0, 60, (double)p->link_ttl_s, &ttl, res);
    json_decref(doc);
    if (rc < 0)
        return;
    if (ttl != (double)(long long)ttl) {
        otd_respond_error(res, OTD_ERR_INVALID_REQUEST, "must be whole seconds",
                          json_pack("{ss}", "field", "ttl_s"));
        return;
    }
    order = load_scoped(app, req, req->match.order_id, 0, res);
    if (!order)
        return;
    ot_order_free(order);
    expires = time(NULL) + (time_t)ttl;
    if (otd_link_sign(token, sizeof token, p, req->match.order_id, (int64_t)expires) != 0 ||
        !gmtime_r(&expires, &tm) || !strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm) ||
        !(url = malloc(url_size = strlen(p->public_base_url) + strlen(token) + 4))) {
        otd_respond_error(res, OTD_ERR_INTERNAL, "cannot sign the link", NULL);
        return;
    }
    snprintf(url, url_size, "%s/t/%s", p->public_base_url, token);
    otd_respond_json(res, 201, json_pack("{ss ss ss ss}", "url", url, "token", token,
                                         "expires_at", at, "key_id", p->keys[0].id));
    free(url);
    res->cache_control = "no-store";
}

/* ---- operations -------------------------------------------------------------------------- */

static void healthz(otd_app *app, const otd_request *req, otd_response *res)
{
    int state =
        app->storage_probe ? app->storage_probe(app->probe_ctx) : OTD_STORAGE_UNAVAILABLE;
    int ok = state == OTD_STORAGE_OK;

    (void)req;
    otd_respond_json(res, ok ? 200 : 503,
                     json_pack("{ssss}", "status", ok ? "ok" : "degraded", "storage",
                               otd_storage_state_name(state)));
}

static void metrics(otd_app *app, const otd_request *req, otd_response *res)
{
    size_t len = 0;
    char *lib = NULL, *text = NULL;

    (void)req;
    /* the body is the response's (free), the text the library's (ot_free) */
    if (ot_metrics_write_prometheus(&lib, &len, app->metrics, NULL) == 0 &&
        (text = malloc(len + 1)) != NULL)
        memcpy(text, lib, len + 1);
    ot_free(lib);
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

/* The API description (docs/openapi.yaml as JSON, fixed at build time): public, like
 * /healthz, and cacheable for an hour. */
static void openapi(otd_app *app, const otd_request *req, otd_response *res)
{
    (void)req;
    if (!app->openapi_json) {
        otd_respond_error(res, OTD_ERR_NOT_IMPLEMENTED, "this process has no API description",
                          NULL);
        return;
    }
    set_text(res, 200, app->openapi_json, app->openapi_json_len, OTD_CONTENT_TYPE_JSON);
    if (res->status == 200)
        res->cache_control = "public, max-age=3600";
}

static const otd_handler_fn handlers[OTD_ROUTE_COUNT] = {
    [OTD_ROUTE_ORDER_INIT] = order_init,
    [OTD_ROUTE_ORDER_STATUS] = order_status,
    [OTD_ROUTE_ORDER_GET] = order_get,
    [OTD_ROUTE_ORDER_HISTORY] = order_history,
    [OTD_ROUTE_ORDER_LIVE_LOCATION] = order_live_location,
    [OTD_ROUTE_ORDER_LIST] = order_list,
    [OTD_ROUTE_ORDER_SLA] = order_sla,
    [OTD_ROUTE_ISSUE_ADD] = issue_add,
    [OTD_ROUTE_ISSUE_RESOLVE] = issue_resolve,
    [OTD_ROUTE_SUBSTITUTION_RESPOND] = substitution_respond,
    [OTD_ROUTE_STORE_ACKNOWLEDGE] = store_acknowledge,
    [OTD_ROUTE_STORE_START_PICKING] = store_start_picking,
    [OTD_ROUTE_STORE_SUBSTITUTION] = store_substitution,
    [OTD_ROUTE_STORE_READY] = store_ready,
    [OTD_ROUTE_DELIVERY_ASSIGN] = delivery_assign,
    [OTD_ROUTE_DELIVERY_LOCATION] = delivery_location,
    [OTD_ROUTE_DELIVERY_PICKUP] = delivery_pickup,
    [OTD_ROUTE_DELIVERY_DELIVERED] = delivery_delivered,
    [OTD_ROUTE_WEBHOOK_UBER] = otd_webhook,
    [OTD_ROUTE_WEBHOOK_DOORDASH] = otd_webhook,
    [OTD_ROUTE_WEBHOOK_SHIPROCKET] = otd_webhook,
    [OTD_ROUTE_WEBHOOK_VELOCITY] = otd_webhook,
    [OTD_ROUTE_WEBHOOK_DELHIVERY] = otd_webhook,
    [OTD_ROUTE_WEBHOOK_COURIER] = otd_webhook_courier,
    [OTD_ROUTE_ORDER_EVENTS] = order_events,
    [OTD_ROUTE_HEALTHZ] = healthz,
    [OTD_ROUTE_METRICS] = metrics,
    [OTD_ROUTE_OPENAPI] = openapi,
    [OTD_ROUTE_TRACKING_LINK] = tracking_link,
    [OTD_ROUTE_PAGE_STATIC] = otd_page_static,
    [OTD_ROUTE_PAGE] = otd_page_view,
    [OTD_ROUTE_PAGE_EVENTS] = otd_page_events,
};

otd_handler_fn otd_route_handler(otd_route_id id)
{
    return (unsigned)id < OTD_ROUTE_COUNT ? handlers[id] : NULL;
}
