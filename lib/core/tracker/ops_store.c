/* Store operations: acknowledge or reject (and reassign), picking, substitutions, ready. */
#include <string.h>

#include "common.h"
#include "tracker/tracker_internal.h"

static int build_acknowledge(struct ot__write *w, ot_order *o, ot_error *err)
{
    const ot_request *r = w->req;
    int status = ot_order_status(o), rc;
    json_t *data;

    if ((rc = ot__check_store(r, o, err)))
        return rc;
    if (!r->rejected) {
        /* from submitted: the implied store_notified step first */
        if ((rc = ot__step_implied(w, o, OT_STATUS_STORE_ACKNOWLEDGED, err)))
            return rc;
        return ot__append(w, o, OT__EV_STORE_ACKNOWLEDGED, OT_STATUS_STORE_ACKNOWLEDGED, NULL,
                          err);
    }
    if ((rc = ot__check_string(r->reason, "reason", 1, 4096, err)) ||
        (rc = ot__check_string(r->reassign_to, "reassign_to", 0, 128, err)))
        return rc;
    if (status != OT_STATUS_SUBMITTED && status != OT_STATUS_STORE_NOTIFIED &&
        status != OT_STATUS_STORE_ACKNOWLEDGED)
        return ot__error_field(err, OT_ESTATE, "rejected",
                               "a store can reject an order only before picking starts");
    if (r->reassign_to && strcmp(r->reassign_to, ot_order_store_id(o)) == 0)
        return ot__error_field(err, OT_EINVAL, "reassign_to",
                               "reassign_to is the order's current store");
    /* reassignment is an operation, not a graph edge: the lifecycle restarts at
     * store_notified with the new store */
    data = json_pack("{s:s, s:s, s:s?}", "reason", r->reason, "from_store",
                     ot_order_store_id(o), "reassign_to",
                     r->reassign_to && *r->reassign_to ? r->reassign_to : NULL);
    if (!data)
        return ot__error_set(err, OT_ENOMEM, "out of memory building an event");
    return ot__append(w, o, OT__EV_STORE_REJECTED,
                      r->reassign_to && *r->reassign_to ? OT_STATUS_STORE_NOTIFIED : status,
                      data, err);
}

int ot_tracker_store_acknowledge(ot_order **out, ot_tracker *tracker,
                                 const ot_request *request, ot_error *err)
{
    struct ot__write w = OT__WRITE("store_acknowledge", build_acknowledge);
    w.head_only = 1; /* the store, the status and its implied step: no history */
    return ot__tracker_write(&w, out, err);
}

static int build_start_picking(struct ot__write *w, ot_order *o, ot_error *err)
{
    int rc;
    if ((rc = ot__check_store(w->req, o, err)) ||
        (rc = ot__check_step(o, OT_STATUS_PICKING_IN_PROGRESS, OT_SOURCE_API, err)))
        return rc;
    return ot__append(w, o, OT__EV_PICKING_STARTED, OT_STATUS_PICKING_IN_PROGRESS, NULL, err);
}

int ot_tracker_start_picking(ot_order **out, ot_tracker *tracker, const ot_request *request,
                             ot_error *err)
{
    struct ot__write w = OT__WRITE("start_picking", build_start_picking);
    w.head_only = 1;
    return ot__tracker_write(&w, out, err);
}

static int build_add_substitution(struct ot__write *w, ot_order *o, ot_error *err)
{
    const ot_request *r = w->req;
    ot_substitution_view s = OT_SUBSTITUTION_VIEW_INIT;
    json_t *data;
    size_t i;
    int rc;

    if ((rc = ot__check_store(r, o, err)) ||
        (rc = ot__check_string(r->original_item_id, "original_item_id", 1, 128, err)) ||
        (rc = ot__check_string(r->substitute_item_id, "substitute_item_id", 1, 128, err)) ||
        (rc = ot__check_string(r->reason, "reason", 1, 4096, err)))
        return rc;
    if (!(r->price_difference >= -1e9 && r->price_difference <= 1e9))
        return ot__error_field(err, OT_EINVAL, "price_difference",
                               "price_difference must be a number within +-1e9");
    if (ot_order_substitution_count(o) >= w->tracker->options.max_substitutions)
        return ot__error_field(err, OT_ELIMIT, "substitutions",
                               "order %.64s has %zu substitutions (at most %u)", r->order_id,
                               ot_order_substitution_count(o),
                               w->tracker->options.max_substitutions);
    if (ot_order_status(o) != OT_STATUS_SUBSTITUTIONS_NEEDED &&
        (rc = ot__check_step(o, OT_STATUS_SUBSTITUTIONS_NEEDED, OT_SOURCE_API, err)))
        return rc;
    for (i = 0; i < ot_order_substitution_count(o); i++)
        if (ot_order_substitution_at(&s, o, i, NULL) == 0 &&
            s.status == OT_SUBSTITUTION_PENDING &&
            strcmp(s.original_item_id, r->original_item_id) == 0)
            return ot__error_field(err, OT_ESTATE, "original_item_id",
                                   "item %.64s already has a pending substitution",
                                   r->original_item_id);
    data = json_pack("{s:s, s:s, s:s, s:f}", "original_item_id", r->original_item_id,
                     "substitute_item_id", r->substitute_item_id, "reason", r->reason,
                     "price_difference", r->price_difference);
    if (!data)
        return ot__error_set(err, OT_ENOMEM, "out of memory building an event");
    return ot__append(w, o, OT__EV_SUBSTITUTION_ADDED, OT_STATUS_SUBSTITUTIONS_NEEDED, data,
                      err);
}

int ot_tracker_add_substitution(ot_order **out, ot_tracker *tracker, const ot_request *request,
                                ot_error *err)
{
    struct ot__write w = OT__WRITE("add_substitution", build_add_substitution);
    return ot__tracker_write(&w, out, err);
}

static int build_respond(struct ot__write *w, ot_order *o, ot_error *err)
{
    const ot_request *r = w->req;
    ot_substitution_view s = OT_SUBSTITUTION_VIEW_INIT, target = OT_SUBSTITUTION_VIEW_INIT;
    size_t i, pending_others = 0;
    int found = 0, to, rc;
    json_t *data;

    if ((rc = ot__check_string(r->original_item_id, "original_item_id", 1, 128, err)))
        return rc;
    if (ot_order_status(o) != OT_STATUS_SUBSTITUTIONS_NEEDED)
        return ot__error_field(err, OT_ESTATE, "status",
                               "order %.64s is not waiting for a substitution answer",
                               r->order_id);
    for (i = 0; i < ot_order_substitution_count(o); i++) {
        if (ot_order_substitution_at(&s, o, i, NULL) || s.status != OT_SUBSTITUTION_PENDING)
            continue;
        if (!found && strcmp(s.original_item_id, r->original_item_id) == 0) {
            target = s;
            found = 1;
        } else {
            pending_others++;
        }
    }
    if (!found)
        return ot__error_field(err, OT_ENOTFOUND, "original_item_id",
                               "no pending substitution for item %.64s", r->original_item_id);
    to = !r->approved ? OT_STATUS_PICKING_IN_PROGRESS
         : pending_others ? OT_STATUS_SUBSTITUTIONS_NEEDED : OT_STATUS_SUBSTITUTIONS_APPROVED;
    if (to != OT_STATUS_SUBSTITUTIONS_NEEDED && (rc = ot__check_step(o, to, OT_SOURCE_API, err)))
        return rc;
    data = json_pack("{s:s, s:b}", "original_item_id", r->original_item_id, "approved",
                     r->approved != 0);
    if (!data)
        return ot__error_set(err, OT_ENOMEM, "out of memory building an event");
    if ((rc = ot__append(w, o, OT__EV_SUBSTITUTION_RESPONDED, to, data, err)) || !r->approved)
        return rc;
    /* an approved substitution changes the inventory: one item out, its substitute in */
    data = json_pack("{s:[{s:s, s:i}, {s:s, s:i}], s:f}", "adjustments",
                     "item_id", target.original_item_id, "quantity_change", -1,
                     "item_id", target.substitute_item_id, "quantity_change", 1,
                     "price_difference", target.price_difference);
    if (!data)
        return ot__error_set(err, OT_ENOMEM, "out of memory building an event");
    return ot__append(w, o, OT__EV_INVENTORY_ADJUSTED, to, data, err);
}

int ot_tracker_respond_substitution(ot_order **out, ot_tracker *tracker,
                                    const ot_request *request, ot_error *err)
{
    struct ot__write w = OT__WRITE("respond_substitution", build_respond);
    return ot__tracker_write(&w, out, err);
}

static int build_ready(struct ot__write *w, ot_order *o, ot_error *err)
{
    int rc;
    if ((rc = ot__check_store(w->req, o, err)) || (rc = ot__refuse_ready_if_pending(o, err)) ||
        (rc = ot__check_step(o, OT_STATUS_READY_FOR_PICKUP, OT_SOURCE_API, err)))
        return rc;
    return ot__append(w, o, OT__EV_READY, OT_STATUS_READY_FOR_PICKUP, NULL, err);
}

int ot_tracker_ready(ot_order **out, ot_tracker *tracker, const ot_request *request,
                     ot_error *err)
{
    struct ot__write w = OT__WRITE("ready", build_ready);
    return ot__tracker_write(&w, out, err);
}
