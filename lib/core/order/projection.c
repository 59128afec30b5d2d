/* The projection: every field but the history is derived by applying events in order. */
#include <string.h>

#include "common.h"
#include "order/order_internal.h"
#include "rules/vocab_internal.h"
#include "ordertrack/status.h"

/* The time a status sets when the order first reaches it. */
static const struct {
    int status;
    const char *field;
} status_times[] = {
    {OT_STATUS_STORE_ACKNOWLEDGED, "store_acknowledgment_time"},
    {OT_STATUS_PICKING_IN_PROGRESS, "picking_start_time"},
    {OT_STATUS_READY_FOR_PICKUP, "picking_complete_time"},
    {OT_STATUS_DRIVER_PICKUP_COMPLETE, "delivery_pickup_time"},
    {OT_STATUS_DELIVERED, "actual_delivery_time"},
};

/* Copy `key` from `data` into `doc` when present (null included). */
static int copy_field(json_t *doc, const json_t *data, const char *key)
{
    json_t *v = json_object_get(data, key);
    if (!v)
        return 0;
    return json_object_set_new(doc, key, ot__json_copy(v)) ? OT_ENOMEM : 0;
}

static int add_issue(json_t *doc, const char *type, const char *description,
                     const char *severity, const json_t *ts)
{
    json_t *issue = json_pack("{s:s, s:s, s:s, s:O, s:n, s:n}", "issue_type", type,
                              "description", description, "severity", severity,
                              "created_at", ts, "resolved_at", "resolution");
    if (!issue)
        return OT_ENOMEM;
    return json_array_append_new(json_object_get(doc, "issues"), issue) ? OT_ENOMEM : 0;
}

static json_t *find_pending_substitution(json_t *doc, const char *item)
{
    json_t *list = json_object_get(doc, "substitutions"), *s;
    size_t i;
    json_array_foreach(list, i, s) {
        const char *orig = ot__jstr(s, "original_item_id");
        if (orig && item && strcmp(orig, item) == 0 &&
            strcmp(ot__jstr(s, "status"), "pending") == 0)
            return s;
    }
    return NULL;
}

static int apply_event(json_t *doc, int event, const json_t *data, const json_t *ts,
                       ot_error *err)
{
    static const char *const created_fields[] = {
        "id", "order_id", "store_id", "customer_id", "delivery_provider",
        "delivery_tracking_id", "delivery_tracking_url", "estimated_delivery_time",
        "shipment_status", "metadata",
    };
    static const char *const assigned_fields[] = {
        "driver_details", "delivery_tracking_id", "delivery_tracking_url",
        "estimated_delivery_time",
    };
    static const char *const courier_fields[] = {
        "shipment_status", "courier_status_raw", "driver_details", "driver_location",
        "estimated_delivery_time", "delivery_tracking_url",
    };
    json_t *s, *issue;
    size_t i;
    int rc = 0;

    switch (event) {
    case OT__EV_CREATED:
        for (i = 0; !rc && i < sizeof created_fields / sizeof created_fields[0]; i++)
            rc = copy_field(doc, data, created_fields[i]);
        if (!rc && json_object_set(doc, "created_at", (json_t *)ts))
            rc = OT_ENOMEM;
        return rc;
    case OT__EV_STORE_REJECTED:
        rc = add_issue(doc, "store_rejected", ot__jstr(data, "reason"), "high", ts);
        if (!rc && ot__jstr(data, "reassign_to"))
            rc = ot__jset_str(doc, "store_id", ot__jstr(data, "reassign_to"));
        return rc;
    case OT__EV_SUBSTITUTION_ADDED:
        s = json_pack("{s:s, s:s, s:s, s:s, s:O, s:O, s:n}",
                      "original_item_id", ot__jstr(data, "original_item_id"),
                      "substitute_item_id", ot__jstr(data, "substitute_item_id"),
                      "reason", ot__jstr(data, "reason"), "status", "pending",
                      "price_difference", json_object_get(data, "price_difference"),
                      "customer_notified_at", ts, "customer_responded_at");
        if (!s)
            return OT_ENOMEM;
        return json_array_append_new(json_object_get(doc, "substitutions"), s) ? OT_ENOMEM : 0;
    case OT__EV_SUBSTITUTION_RESPONDED:
        s = find_pending_substitution(doc, ot__jstr(data, "original_item_id"));
        if (!s)
            return ot__error_field(err, OT_ENOTFOUND, "original_item_id",
                                   "no pending substitution for item %.64s",
                                   ot__jstr(data, "original_item_id"));
        if (json_object_set_new(s, "status", json_string(json_is_true(json_object_get(
                                    data, "approved")) ? "approved" : "rejected")) ||
            json_object_set(s, "customer_responded_at", (json_t *)ts))
            return OT_ENOMEM;
        return 0;
    case OT__EV_DRIVER_ASSIGNED:
        for (i = 0; !rc && i < sizeof assigned_fields / sizeof assigned_fields[0]; i++)
            rc = copy_field(doc, data, assigned_fields[i]);
        return rc;
    case OT__EV_DISPATCH_RECORDED:
        rc = ot__jset_str(doc, "delivery_tracking_id", ot__jstr(data, "delivery_id"));
        return rc ? rc : copy_field(doc, data, "delivery_tracking_url");
    case OT__EV_DISPATCH_SWITCHED:
        /* the new provider's delivery has no id yet; the old one's webhooks are stale */
        if (json_object_set_new(doc, "delivery_provider", json_string(ot__jstr(data, "to"))) ||
            json_object_set_new(doc, "delivery_tracking_id", json_null()) ||
            json_object_set_new(doc, "delivery_tracking_url", json_null()))
            return OT_ENOMEM;
        return 0;
    case OT__EV_DISPATCH_EXHAUSTED:
        return add_issue(doc, "dispatch_failed", "no provider could take the delivery",
                         "high", ts);
    case OT__EV_NO_DRIVER:
        return add_issue(doc, "no_drivers", "no driver available; assignment will be retried",
                         "medium", ts);
    case OT__EV_ISSUE_RAISED:
        return add_issue(doc, ot__jstr(data, "issue_type"), ot__jstr(data, "description"),
                         ot__jstr(data, "severity"), ts);
    case OT__EV_ISSUE_RESOLVED:
        issue = json_array_get(json_object_get(doc, "issues"),
                               (size_t)json_integer_value(json_object_get(data, "index")));
        if (!issue)
            return ot__error_field(err, OT_ENOTFOUND, "index", "no such issue");
        if (json_object_set(issue, "resolved_at", (json_t *)ts) ||
            copy_field(issue, data, "resolution"))
            return OT_ENOMEM;
        return 0;
    case OT__EV_COURIER_UPDATE:
        for (i = 0; !rc && i < sizeof courier_fields / sizeof courier_fields[0]; i++)
            rc = copy_field(doc, data, courier_fields[i]);
        return rc;
    default:
        /* status_changed, store_acknowledged, picking_started, ready, picked_up, delivered:
         * the status and its time; inventory_adjusted: history only. */
        return 0;
    }
}

int ot__order_apply(ot_order *order, const json_t *entry, ot_error *err)
{
    json_t *doc = order->doc;
    const json_t *ot = ot__entry_ot(entry);
    const json_t *data = json_object_get(ot, "data");
    json_t *ts = json_object_get(entry, "timestamp");
    int event = ot__event_from_name(ot__jstr(ot, "event"));
    int status = ot__vocab_lookup(&ot__status_vocab, ot__jstr(entry, "status"));
    size_t i;
    int rc;

    if (!event || !status || !json_is_string(ts))
        return ot__error_field(err, OT_EINTEGRITY, "status_history", "malformed event");
    rc = apply_event(doc, event, data, ts, err);
    if (rc)
        return rc == OT_ENOMEM ? ot__error_set(err, rc, "out of memory applying an event") : rc;
    if (json_object_set(doc, "current_status", json_object_get(entry, "status")) ||
        json_object_set(doc, "updated_at", ts))
        return ot__error_set(err, OT_ENOMEM, "out of memory applying an event");
    for (i = 0; i < sizeof status_times / sizeof status_times[0]; i++) {
        json_t *t = json_object_get(data, "time");
        if (status_times[i].status != status ||
            !json_is_null(json_object_get(doc, status_times[i].field)))
            continue;
        if (json_object_set(doc, status_times[i].field, json_is_string(t) ? t : ts))
            return ot__error_set(err, OT_ENOMEM, "out of memory applying an event");
    }
    return 0;
}

int ot__order_replay(ot_order **out, const ot_order *order, ot_error *err)
{
    const json_t *history = json_object_get(order->doc, "status_history");
    json_t *doc = ot__order_skeleton(), *entry;
    ot_order *o;
    size_t i;
    int rc;

    if (!doc)
        return ot__error_set(err, OT_ENOMEM, "out of memory replaying the history");
    if ((rc = ot__order_wrap(&o, doc, err)))
        return rc;
    json_array_foreach(history, i, entry) {
        json_t *copy = ot__json_copy(entry);
        if (!copy || json_array_append_new(json_object_get(o->doc, "status_history"), copy)) {
            ot_order_free(o);
            return ot__error_set(err, OT_ENOMEM, "out of memory replaying the history");
        }
        if ((rc = ot__order_apply(o, copy, err))) {
            ot_order_free(o);
            return rc;
        }
    }
    *out = o;
    return 0;
}

int ot__order_projection_matches(const ot_order *order, ot_error *err)
{
    /* not derived from events: the position and its trail (location reports are
     * projection-only), the commit counter and the time of the last commit */
    static const char *const own[] = {"driver_location", "location_trail", "updated_at",
                                      "version"};
    ot_order *replayed = NULL;
    json_t *a, *b;
    size_t i;
    int rc = ot__order_replay(&replayed, order, err), same;

    if (rc)
        return rc;
    a = json_copy(order->doc);
    b = json_copy(replayed->doc);
    if (!a || !b) {
        json_decref(a);
        json_decref(b);
        ot_order_free(replayed);
        return ot__error_set(err, OT_ENOMEM, "out of memory comparing the projection");
    }
    for (i = 0; i < sizeof own / sizeof own[0]; i++) {
        json_object_del(a, own[i]);
        json_object_del(b, own[i]);
    }
    same = json_equal(a, b);
    json_decref(a);
    json_decref(b);
    ot_order_free(replayed);
    if (!same)
        return ot__error_field(err, OT_EINTEGRITY, "order",
                               "the record's fields differ from the replay of its history");
    return 0;
}
