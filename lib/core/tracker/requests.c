/* The per-operation request structs (tracker_requests.h): each call checks its struct,
 * copies it into an ot_request and runs the operation's ot_request call, so both forms share
 * one implementation of every rule and one idempotency hash. */
#include "common.h"
#include "ordertrack/tracker_requests.h"

/* The struct's presence and version, then its shared members into `r` (from
 * OT_REQUEST_INIT). On failure *out is NULL, as the write itself would leave it. */
static int open_request(ot_order **out, ot_request *r, const void *p, unsigned version,
                        unsigned known, const ot_write_common *c, ot_error *err)
{
    int rc = ot__check_struct(p, version, known, "request", err);

    if (out)
        *out = NULL;
    if (rc)
        return rc;
    r->order_id = c->order_id;
    r->idempotency_key = c->idempotency_key;
    r->idempotency_scope = c->idempotency_scope;
    r->expected_version = c->expected_version;
    r->updated_by = c->updated_by;
    r->notes = c->notes;
    r->metadata_json = c->metadata_json;
    return 0;
}

/* open_request for the request struct `req` of a call whose output is `out`. */
#define OPEN(out, r, req, known) \
    open_request(out, r, req, (req) ? (req)->version : 0, known, (req) ? &(req)->write : NULL, err)

int ot_tracker_init_order_v2(ot_order **out, ot_tracker *tracker,
                             const ot_init_order_request *request, ot_error *err)
{
    ot_request r = OT_REQUEST_INIT;
    int rc = OPEN(out, &r, request, OT_INIT_ORDER_REQUEST_VERSION);

    if (rc)
        return rc;
    if (r.expected_version != 0)
        return ot__error_field(err, OT_EINVAL, "expected_version",
                               "expected_version must be 0 when creating an order");
    r.store_id = request->store_id;
    r.customer_id = request->customer_id;
    r.provider = request->provider;
    r.tracking_id = request->tracking_id;
    r.tracking_url = request->tracking_url;
    r.estimated_delivery_ms = request->estimated_delivery_ms;
    return ot_tracker_init_order(out, tracker, &r, err);
}

int ot_tracker_set_status_v2(ot_order **out, ot_tracker *tracker,
                             const ot_set_status_request *request, ot_error *err)
{
    ot_request r = OT_REQUEST_INIT;
    int rc = OPEN(out, &r, request, OT_SET_STATUS_REQUEST_VERSION);

    if (rc)
        return rc;
    r.status = request->status;
    return ot_tracker_set_status(out, tracker, &r, err);
}

int ot_tracker_store_acknowledge_v2(ot_order **out, ot_tracker *tracker,
                                    const ot_store_acknowledge_request *request, ot_error *err)
{
    ot_request r = OT_REQUEST_INIT;
    int rc = OPEN(out, &r, request, OT_STORE_ACKNOWLEDGE_REQUEST_VERSION);

    if (rc)
        return rc;
    r.store_id = request->store_id;
    r.rejected = request->rejected;
    r.reason = request->reason;
    r.reassign_to = request->reassign_to;
    return ot_tracker_store_acknowledge(out, tracker, &r, err);
}

int ot_tracker_start_picking_v2(ot_order **out, ot_tracker *tracker,
                                const ot_start_picking_request *request, ot_error *err)
{
    ot_request r = OT_REQUEST_INIT;
    int rc = OPEN(out, &r, request, OT_START_PICKING_REQUEST_VERSION);

    if (rc)
        return rc;
    r.store_id = request->store_id;
    return ot_tracker_start_picking(out, tracker, &r, err);
}

int ot_tracker_add_substitution_v2(ot_order **out, ot_tracker *tracker,
                                   const ot_add_substitution_request *request, ot_error *err)
{
    ot_request r = OT_REQUEST_INIT;
    int rc = OPEN(out, &r, request, OT_ADD_SUBSTITUTION_REQUEST_VERSION);

    if (rc)
        return rc;
    r.store_id = request->store_id;
    r.original_item_id = request->original_item_id;
    r.substitute_item_id = request->substitute_item_id;
    r.reason = request->reason;
    r.price_difference = request->price_difference;
    return ot_tracker_add_substitution(out, tracker, &r, err);
}

int ot_tracker_respond_substitution_v2(ot_order **out, ot_tracker *tracker,
                                       const ot_respond_substitution_request *request,
                                       ot_error *err)
{
    ot_request r = OT_REQUEST_INIT;
    int rc = OPEN(out, &r, request, OT_RESPOND_SUBSTITUTION_REQUEST_VERSION);

    if (rc)
        return rc;
    r.original_item_id = request->original_item_id;
    r.approved = request->approved;
    return ot_tracker_respond_substitution(out, tracker, &r, err);
}

int ot_tracker_ready_v2(ot_order **out, ot_tracker *tracker, const ot_ready_request *request,
                        ot_error *err)
{
    ot_request r = OT_REQUEST_INIT;
    int rc = OPEN(out, &r, request, OT_READY_REQUEST_VERSION);

    if (rc)
        return rc;
    r.store_id = request->store_id;
    return ot_tracker_ready(out, tracker, &r, err);
}

int ot_tracker_assign_driver_v2(ot_order **out, int64_t *retry_after_ms, ot_tracker *tracker,
                                const ot_assign_driver_request *request, ot_error *err)
{
    ot_request r = OT_REQUEST_INIT;
    int rc = OPEN(out, &r, request, OT_ASSIGN_DRIVER_REQUEST_VERSION);

    if (rc) {
        if (retry_after_ms)
            *retry_after_ms = 0;
        return rc;
    }
    r.driver_id = request->driver_id;
    r.driver_name = request->driver_name;
    r.driver_phone = request->driver_phone;
    r.vehicle_type = request->vehicle_type;
    r.vehicle_number = request->vehicle_number;
    r.photo_url = request->photo_url;
    r.tracking_id = request->tracking_id;
    r.tracking_url = request->tracking_url;
    r.estimated_delivery_ms = request->estimated_delivery_ms;
    return ot_tracker_assign_driver(out, retry_after_ms, tracker, &r, err);
}

int ot_tracker_update_location_v2(ot_order **out, ot_tracker *tracker,
                                  const ot_update_location_request *request, ot_error *err)
{
    ot_request r = OT_REQUEST_INIT;
    int rc = OPEN(out, &r, request, OT_UPDATE_LOCATION_REQUEST_VERSION);

    if (rc)
        return rc;
    r.latitude = request->latitude;
    r.longitude = request->longitude;
    r.has_accuracy = request->has_accuracy;
    r.accuracy = request->accuracy;
    r.time_ms = request->time_ms;
    return ot_tracker_update_location(out, tracker, &r, err);
}

int ot_tracker_pickup_v2(ot_order **out, ot_tracker *tracker, const ot_pickup_request *request,
                         ot_error *err)
{
    ot_request r = OT_REQUEST_INIT;
    int rc = OPEN(out, &r, request, OT_PICKUP_REQUEST_VERSION);

    if (rc)
        return rc;
    r.time_ms = request->time_ms;
    return ot_tracker_pickup(out, tracker, &r, err);
}

int ot_tracker_delivered_v2(ot_order **out, ot_tracker *tracker,
                            const ot_delivered_request *request, ot_error *err)
{
    ot_request r = OT_REQUEST_INIT;
    int rc = OPEN(out, &r, request, OT_DELIVERED_REQUEST_VERSION);

    if (rc)
        return rc;
    r.time_ms = request->time_ms;
    return ot_tracker_delivered(out, tracker, &r, err);
}

int ot_tracker_raise_issue_v2(ot_order **out, ot_tracker *tracker,
                              const ot_raise_issue_request *request, ot_error *err)
{
    ot_request r = OT_REQUEST_INIT;
    int rc = OPEN(out, &r, request, OT_RAISE_ISSUE_REQUEST_VERSION);

    if (rc)
        return rc;
    r.issue_type = request->issue_type;
    r.description = request->description;
    r.severity = request->severity;
    return ot_tracker_raise_issue(out, tracker, &r, err);
}

int ot_tracker_resolve_issue_v2(ot_order **out, ot_tracker *tracker,
                                const ot_resolve_issue_request *request, ot_error *err)
{
    ot_request r = OT_REQUEST_INIT;
    int rc = OPEN(out, &r, request, OT_RESOLVE_ISSUE_REQUEST_VERSION);

    if (rc)
        return rc;
    r.issue_index = request->issue_index;
    r.resolution = request->resolution;
    return ot_tracker_resolve_issue(out, tracker, &r, err);
}

/* ot_<name>_init(request, version, err): ot__struct_init from the struct's _INIT. */
#define REQUEST_INIT_FN(name, type, tpl_init)                                              \
    int ot_##name##_init(type *request, unsigned version, ot_error *err)                  \
    {                                                                                      \
        static const type tpl = tpl_init;                                                  \
        return ot__struct_init(request, version, &tpl, sizeof tpl, "request", #name, err); \
    }

REQUEST_INIT_FN(init_order_request, ot_init_order_request, OT_INIT_ORDER_REQUEST_INIT)
REQUEST_INIT_FN(set_status_request, ot_set_status_request, OT_SET_STATUS_REQUEST_INIT)
REQUEST_INIT_FN(store_acknowledge_request, ot_store_acknowledge_request,
                OT_STORE_ACKNOWLEDGE_REQUEST_INIT)
REQUEST_INIT_FN(start_picking_request, ot_start_picking_request,
                OT_START_PICKING_REQUEST_INIT)
REQUEST_INIT_FN(add_substitution_request, ot_add_substitution_request,
                OT_ADD_SUBSTITUTION_REQUEST_INIT)
REQUEST_INIT_FN(respond_substitution_request, ot_respond_substitution_request,
                OT_RESPOND_SUBSTITUTION_REQUEST_INIT)
REQUEST_INIT_FN(ready_request, ot_ready_request, OT_READY_REQUEST_INIT)
REQUEST_INIT_FN(assign_driver_request, ot_assign_driver_request,
                OT_ASSIGN_DRIVER_REQUEST_INIT)
REQUEST_INIT_FN(update_location_request, ot_update_location_request,
                OT_UPDATE_LOCATION_REQUEST_INIT)
REQUEST_INIT_FN(pickup_request, ot_pickup_request, OT_PICKUP_REQUEST_INIT)
REQUEST_INIT_FN(delivered_request, ot_delivered_request, OT_DELIVERED_REQUEST_INIT)
REQUEST_INIT_FN(raise_issue_request, ot_raise_issue_request, OT_RAISE_ISSUE_REQUEST_INIT)
REQUEST_INIT_FN(resolve_issue_request, ot_resolve_issue_request,
                OT_RESOLVE_ISSUE_REQUEST_INIT)
