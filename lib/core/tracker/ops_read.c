/* Reads: one order, its history, its live location, and lists. */
#include <string.h>

#include "common.h"
#include "tracker/tracker_internal.h"

int ot__tracker_load(ot_order **out, ot_tracker *t, const char *order_id, ot_error *err)
{
    int rc;
    if (!t)
        return ot__error_field(err, OT_EINVAL, "tracker", "tracker is NULL");
    if ((rc = ot__check_string(order_id, "order_id", 1, 128, err)))
        return rc;
    rc = ot__tracker_storage_load(t, order_id, out, err);
    if (rc == OT_ENOTFOUND)
        return ot__error_field(err, rc, "order_id", "no order %.64s", order_id);
    return rc;
}

int ot_tracker_get(ot_order **out, ot_tracker *tracker, const char *order_id, ot_error *err)
{
    if (!out)
        return ot__error_field(err, OT_EINVAL, "out", "output pointer is NULL");
    *out = NULL;
    return ot__tracker_load(out, tracker, order_id, err);
}

/* Dump an object built from the loaded record's fields. */
static int view(char **json, size_t *len, ot_tracker *t, const char *order_id,
                const char *const *fields, size_t n, ot_error *err)
{
    ot_order *o = NULL;
    json_t *obj;
    size_t i;
    int rc;

    if (!json)
        return ot__error_field(err, OT_EINVAL, "json", "output pointer is NULL");
    *json = NULL;
    if ((rc = ot__tracker_load(&o, t, order_id, err)))
        return rc;
    obj = json_object();
    for (i = 0; obj && i < n; i++)
        if (json_object_set(obj, fields[i], json_object_get(o->doc, fields[i]))) {
            json_decref(obj);
            obj = NULL;
        }
    rc = obj ? ot__json_write(json, len, obj, JSON_COMPACT | JSON_REAL_PRECISION(17), err)
             : ot__error_set(err, OT_ENOMEM, "out of memory building the answer");
    json_decref(obj);
    ot_order_free(o);
    return rc;
}

int ot_tracker_history(char **json, size_t *len, ot_tracker *tracker, const char *order_id,
                       ot_error *err)
{
    static const char *const fields[] = {"order_id", "status_history"};
    return view(json, len, tracker, order_id, fields, 2, err);
}

int ot_tracker_live_location(char **json, size_t *len, ot_tracker *tracker,
                             const char *order_id, ot_error *err)
{
    static const char *const fields[] = {"order_id", "current_status", "driver_location",
                                         "location_trail", "driver_details",
                                         "estimated_delivery_time", "delivery_tracking_url"};
    return view(json, len, tracker, order_id, fields, sizeof fields / sizeof fields[0], err);
}

/* One listed order, after the same chain-head check as a load: a list never serves a record
 * edited behind the library (the whole list is refused, naming the order). */
static int append_order(void *ctx, ot_order *order, ot_error *err)
{
    const char *id = ot__jstr(order->doc, "order_id");
    ot_error why;
    int rc;

    memset(&why, 0, sizeof why);
    if ((rc = ot__order_check_head(order, &why)))
        rc = ot__error_field(err, rc, why.field, "order %s: %s", id ? id : "?", why.message);
    else if (json_array_append(ctx, order->doc))
        rc = ot__error_set(err, OT_ENOMEM, "out of memory listing orders");
    ot_order_free(order);
    return rc;
}

int ot_tracker_list(char **json, size_t *len, ot_tracker *tracker,
                    const ot_list_request *r, ot_error *err)
{
    ot_storage_query q = OT_STORAGE_QUERY_INIT;
    char cursor[OT_STORAGE_CURSOR_SIZE];
    json_t *orders, *answer;
    int rc;

    if (!json)
        return ot__error_field(err, OT_EINVAL, "json", "output pointer is NULL");
    *json = NULL;
    if (!tracker)
        return ot__error_field(err, OT_EINVAL, "tracker", "tracker is NULL");
    if (!r)
        return ot__error_field(err, OT_EINVAL, "request", "request is NULL");
    if ((rc = ot__check_version(r->version, OT_LIST_REQUEST_VERSION, "list request", err)))
        return rc;
    if (r->status < 0 || r->status >= OT_STATUS_COUNT)
        return ot__error_field(err, OT_EINVAL, "status", "%d is not a status", r->status);
    if (r->shipment_status < 0 || r->shipment_status >= OT_SHIPMENT_COUNT)
        return ot__error_field(err, OT_EINVAL, "shipment_status", "%d is not a shipment status",
                               r->shipment_status);
    if (r->provider < 0 || (r->provider >= OT_PROVIDER_COUNT &&
                            (r->provider < OT_COURIER_ID_MIN || r->provider > OT_COURIER_ID_MAX)))
        return ot__error_field(err, OT_EINVAL, "provider", "%d is not a provider", r->provider);
    if (r->limit == 0 || r->limit > OT_STORAGE_QUERY_MAX)
        return ot__error_field(err, OT_EINVAL, "limit", "limit %zu is outside 1..%d", r->limit,
                               OT_STORAGE_QUERY_MAX);
    if ((rc = ot__check_string(r->store_id, "store_id", 0, 128, err)) ||
        (rc = ot__check_string(r->customer_id, "customer_id", 0, 128, err)) ||
        (rc = ot__check_string(r->tracking_id, "tracking_id", 0, 128, err)) ||
        (rc = ot__check_string(r->cursor, "cursor", 0, OT_STORAGE_CURSOR_SIZE - 1, err)))
        return rc;
    q.store_id = r->store_id;
    q.customer_id = r->customer_id;
    q.current_status = r->status;
    q.shipment_status = r->shipment_status;
    q.shipment_active = r->shipment_active;
    q.delivery_provider = r->provider;
    q.delivery_tracking_id = r->tracking_id;
    q.updated_before_ms = r->updated_before_ms;
    q.limit = r->limit;
    q.cursor = r->cursor;
    orders = json_array();
    if (!orders)
        return ot__error_set(err, OT_ENOMEM, "out of memory listing orders");
    rc = ot__tracker_query(tracker, &q, append_order, orders, cursor, sizeof cursor, err);
    if (rc) {
        json_decref(orders);
        return rc;
    }
    answer = json_pack("{s:o, s:s?}", "orders", orders, "next_cursor",
                       cursor[0] ? cursor : NULL);
    if (!answer)
        return ot__error_set(err, OT_ENOMEM, "out of memory listing orders");
    rc = ot__json_write(json, len, answer, JSON_COMPACT | JSON_REAL_PRECISION(17), err);
    json_decref(answer);
    return rc;
}
