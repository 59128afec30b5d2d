/* The order record: construction and accessors. */
#include <string.h>

#include "common.h"
#include "json/json_internal.h"
#include "order/order_internal.h"
#include "ordertrack/sys/storage.h"
#include "base/time_internal.h"
#include "rules/vocab_internal.h"

int ot__order_wrap(ot_order **out, json_t *doc, ot_error *err)
{
    ot_order *o = ot__calloc(1, sizeof *o);
    if (!o) {
        json_decref(doc);
        return ot__error_set(err, OT_ENOMEM, "out of memory allocating an order");
    }
    o->doc = doc;
    *out = o;
    return 0;
}

int ot__order_clone(ot_order **out, const ot_order *order, ot_error *err)
{
    json_t *copy;
    int rc;
    copy = ot__json_copy(order->doc);
    if (!copy)
        return ot__error_set(err, OT_ENOMEM, "out of memory copying an order");
    if ((rc = ot__order_wrap(out, copy, err)) == 0)
        (*out)->history_base = order->history_base;
    return rc;
}

json_t *ot__order_skeleton(void)
{
    static const char *const fields[] = {
        "id", "order_id", "store_id", "customer_id", "delivery_provider", "current_status",
        "status_history", "store_acknowledgment_time", "picking_start_time",
        "picking_complete_time", "delivery_pickup_time", "estimated_delivery_time",
        "actual_delivery_time", "delivery_tracking_id", "delivery_tracking_url",
        "driver_location", "location_trail", "driver_details", "shipment_status",
        "courier_status_raw", "substitutions", "issues", "metadata", "created_at", "updated_at", "version",
    };
    size_t i;
    json_t *doc;

    doc = json_object();
    if (!doc)
        return NULL;
    for (i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        const char *f = fields[i];
        json_t *v = strcmp(f, "status_history") == 0 || strcmp(f, "substitutions") == 0 ||
                            strcmp(f, "issues") == 0 || strcmp(f, "location_trail") == 0
                        ? json_array()
                    : strcmp(f, "metadata") == 0 ? json_object()
                    : strcmp(f, "version") == 0 ? json_integer(0)
                    : json_null();
        if (json_object_set_new(doc, f, v) != 0) {
            json_decref(doc);
            return NULL;
        }
    }
    return doc;
}

void ot_order_free(ot_order *order)
{
    if (!order)
        return;
    json_decref(order->doc);
    ot__free(order);
}

int ot_order_from_json(ot_order **out, const char *json, size_t len, ot_error *err)
{
    json_t *in, *canon;
    int rc;

    if (!out)
        return ot__error_field(err, OT_EINVAL, "out", "output pointer is NULL");
    *out = NULL;
    if (!json)
        return ot__error_field(err, OT_EINVAL, "json", "json is NULL");
    rc = ot__json_load(&in, json, len, "order", "order", err);
    if (rc)
        return rc;
    rc = ot__order_validate(&canon, in, err);
    json_decref(in);
    if (rc)
        return rc;
    return ot__order_wrap(out, canon, err);
}

int ot__order_from_own_json(ot_order **out, const char *json, size_t len, ot_error *err)
{
    json_t *doc;
    int rc = ot__json_load(&doc, json, len, "order", "order", err);
    if (rc)
        return rc;
    return ot__order_wrap(out, doc, err);
}

int ot_order_to_json(char **json, size_t *len, const ot_order *order, ot_error *err)
{
    if (!json)
        return ot__error_field(err, OT_EINVAL, "json", "output pointer is NULL");
    *json = NULL;
    if (!order)
        return ot__error_field(err, OT_EINVAL, "order", "order is NULL");
    return ot__json_write(json, len, order->doc, JSON_COMPACT | JSON_REAL_PRECISION(17), err);
}

int ot__order_stored_json(char **json, size_t *len, const ot_order *order, int with_head,
                          ot_error *err)
{
    const json_t *history = json_object_get(order->doc, "status_history");
    size_t n = json_array_size(history);
    json_t *top = json_copy(order->doc), *head = json_array();
    int rc;

    /* a shallow copy of the top object: the history array is replaced, the rest shared */
    if (!top || !head || json_object_size(top) != json_object_size(order->doc) ||
        (with_head && n && json_array_append(head, json_array_get(history, n - 1))) ||
        json_object_set(top, "status_history", head))
        rc = ot__error_set(err, OT_ENOMEM, "out of memory encoding a record");
    else
        rc = ot__json_write(json, len, top, JSON_COMPACT | JSON_REAL_PRECISION(17), err);
    json_decref(head);
    json_decref(top);
    return rc;
}

int ot__order_set_head(ot_order *order, ot_error *err)
{
    const json_t *history = json_object_get(order->doc, "status_history");
    size_t n = json_array_size(history), i;
    json_int_t seq = 0;

    for (i = 0; i < n; i++) {
        const json_t *s = json_object_get(ot__entry_ot(json_array_get(history, i)), "seq");
        if (!json_is_integer(s) || (i && json_integer_value(s) != seq + 1) ||
            json_integer_value(s) < (json_int_t)i)
            return ot__error_field(err, OT_EINTEGRITY, "status_history",
                                   "the record's last history entries are not numbered in a "
                                   "row: the record was edited");
        seq = json_integer_value(s);
    }
    if (n == 0)
        return ot__error_field(err, OT_EINTEGRITY, "status_history",
                               "the record has no history: it was edited");
    order->history_base = (size_t)seq + 1 - n;
    return 0;
}

const json_t *ot__order_entries(const ot_order *order, size_t *base)
{
    *base = order->history_base;
    return json_object_get(order->doc, "status_history");
}

int ot__order_splice_history(json_t *doc, json_t *entries, ot_error *err)
{
    const json_t *stored = json_object_get(doc, "status_history");
    json_t *head = json_array_get(stored, json_array_size(stored) - 1);
    size_t n = json_array_size(entries);
    const json_t *a, *b;
    int rc;

    if (!json_is_array(entries) || !json_is_object(head))
        return ot__error_field(err, OT_EINVAL, "status_history",
                               "the record holds no chain head");
    /* The head stays the record's own copy: it takes the place of the entry of its seq read
     * back (or of the last, for entries without a seq), so that an edit of either shows at
     * the head check. A history read back that does not end there (rows lost, or the record
     * rolled back) gets the head after it: the chain check names the gap, and a listing
     * that meets such a record still reads the others. */
    a = json_object_get(ot__entry_ot(head), "seq");
    b = json_object_get(ot__entry_ot(json_array_get(entries, n ? n - 1 : 0)), "seq");
    if (n && (!json_is_integer(a) || !json_is_integer(b) || json_equal(a, b)))
        rc = json_array_set(entries, n - 1, head);
    else
        rc = json_array_append(entries, head);
    if (rc || json_object_set(doc, "status_history", entries))
        return ot__error_set(err, OT_ENOMEM, "out of memory decoding a record");
    return 0;
}

int ot_order_from_stored(ot_order **out, const char *json, size_t len, const char *history,
                         size_t history_len, ot_error *err)
{
    json_t *in = NULL, *entries = NULL, *canon = NULL;
    int rc;

    if (!out)
        return ot__error_field(err, OT_EINVAL, "out", "output pointer is NULL");
    *out = NULL;
    if (!json || !history)
        return ot__error_field(err, OT_EINVAL, json ? "history" : "json", "argument is NULL");
    if ((rc = ot__json_load(&in, json, len, "order", "order", err)))
        return rc;
    if ((rc = ot__json_load(&entries, history, history_len, "history", "history", err)))
        goto out;
    if (!json_is_object(in))
        rc = ot__error_field(err, OT_EINVAL, "order", "order is not a JSON object");
    else if (!json_is_array(entries))
        rc = ot__error_field(err, OT_EINVAL, "history", "history is not a JSON array");
    else if ((rc = ot__order_splice_history(in, entries, err)) == 0 &&
             (rc = ot__order_validate(&canon, in, err)) == 0)
        rc = ot__order_wrap(out, canon, err);
out:
    json_decref(entries);
    json_decref(in);
    return rc;
}

static int enum_field(const ot_order *order, const char *key, const struct ot__vocab *vocab)
{
    return order ? ot__vocab_lookup(vocab, ot__jstr(order->doc, key)) : 0;
}

const char *ot_order_id(const ot_order *o) { return o ? ot__jstr(o->doc, "id") : NULL; }
const char *ot_order_order_id(const ot_order *o) { return o ? ot__jstr(o->doc, "order_id") : NULL; }
const char *ot_order_store_id(const ot_order *o) { return o ? ot__jstr(o->doc, "store_id") : NULL; }
const char *ot_order_customer_id(const ot_order *o)
{
    return o ? ot__jstr(o->doc, "customer_id") : NULL;
}
const char *ot_order_tracking_id(const ot_order *o)
{
    return o ? ot__jstr(o->doc, "delivery_tracking_id") : NULL;
}
const char *ot_order_tracking_url(const ot_order *o)
{
    return o ? ot__jstr(o->doc, "delivery_tracking_url") : NULL;
}
const char *ot_order_courier_status_raw(const ot_order *o)
{
    return o ? ot__jstr(o->doc, "courier_status_raw") : NULL;
}
int ot_order_status(const ot_order *o) { return enum_field(o, "current_status", &ot__status_vocab); }
int ot_order_shipment_status(const ot_order *o)
{
    return enum_field(o, "shipment_status", &ot__shipment_vocab);
}
int ot_order_provider(const ot_order *o)
{
    return o ? ot__provider_id(ot__jstr(o->doc, "delivery_provider")) : 0;
}
int64_t ot_order_version(const ot_order *o)
{
    return o ? (int64_t)json_integer_value(json_object_get(o->doc, "version")) : -1;
}

int64_t ot_order_revision(const ot_order *o)
{
    const json_t *history, *entry;
    int64_t revision = ot_order_version(o);
    size_t i;

    if (!o)
        return -1;
    /* From the newest entry back: each bookkeeping commit on top (its entries carry the
     * version it made) steps the revision down; any other entry, or a commit without
     * entries (a location), ends the walk. */
    history = json_object_get(o->doc, "status_history");
    for (i = json_array_size(history); i-- > 0;) {
        const json_t *ot, *made;
        entry = json_array_get(history, i);
        ot = ot__entry_ot(entry);
        made = json_object_get(json_object_get(ot, "data"), "order_version");
        if (!ot__event_is_bookkeeping(ot__event_from_name(ot__jstr(ot, "event"))) ||
            !json_is_integer(made))
            break;
        if (json_integer_value(made) == revision && revision > 1)
            revision--;
        else if (json_integer_value(made) != revision + 1) /* not the same commit */
            break;
    }
    return revision;
}

int ot_order_time(int64_t *ms, const ot_order *order, int field, ot_error *err)
{
    static const char *const keys[OT_TIME_FIELD_COUNT] = {
        NULL, "store_acknowledgment_time", "picking_start_time", "picking_complete_time",
        "delivery_pickup_time", "estimated_delivery_time", "actual_delivery_time",
        "created_at", "updated_at",
    };
    int64_t v;
    if (!ms)
        return ot__error_field(err, OT_EINVAL, "ms", "output pointer is NULL");
    if (!order)
        return ot__error_field(err, OT_EINVAL, "order", "order is NULL");
    if (field <= 0 || field >= OT_TIME_FIELD_COUNT)
        return ot__error_field(err, OT_EINVAL, "field", "%d is not a valid time field", field);
    v = ot__jtime(order->doc, keys[field]);
    if (!v)
        return ot__error_field(err, OT_ENOTFOUND, keys[field], "%s is null", keys[field]);
    *ms = v;
    return 0;
}

static size_t list_count(const ot_order *o, const char *key)
{
    return o ? json_array_size(json_object_get(o->doc, key)) : 0;
}

size_t ot_order_history_count(const ot_order *o)
{
    return o ? o->history_base + list_count(o, "status_history") : 0;
}
size_t ot_order_substitution_count(const ot_order *o) { return list_count(o, "substitutions"); }
size_t ot_order_issue_count(const ot_order *o) { return list_count(o, "issues"); }

/* Common checks of the *_at accessors; returns the element or NULL with `*rc` set. */
static const json_t *element(const void *out, unsigned out_version, unsigned known,
                             const ot_order *o, const char *key, size_t index, int *rc,
                             ot_error *err)
{
    const json_t *list;
    *rc = 0;
    if (!out) {
        *rc = ot__error_field(err, OT_EINVAL, "out", "output pointer is NULL");
        return NULL;
    }
    if ((*rc = ot__check_version(out_version, known, "view", err)))
        return NULL;
    if (!o) {
        *rc = ot__error_field(err, OT_EINVAL, "order", "order is NULL");
        return NULL;
    }
    if (!key)
        return o->doc;
    list = json_object_get(o->doc, key);
    if (index >= json_array_size(list)) {
        *rc = ot__error_field(err, OT_ENOTFOUND, "index", "%s has no entry %zu (it has %zu)",
                              key, index, json_array_size(list));
        return NULL;
    }
    return json_array_get(list, index);
}

int ot_order_history_at(ot_history_entry *out, const ot_order *order, size_t index,
                        ot_error *err)
{
    int rc;
    const json_t *e, *ot;
    if (order && index < order->history_base && out)
        return ot__error_field(err, OT_ENOTFOUND, "index",
                               "status_history entry %zu was not read (a record read by its "
                               "chain head holds entries from %zu on)", index,
                               order->history_base);
    e = element(out, out ? out->version : 0, OT_HISTORY_ENTRY_VERSION, order, "status_history",
                order ? index - order->history_base : index, &rc, err);
    if (!e)
        return rc;
    ot = ot__entry_ot(e);
    out->status = ot__vocab_lookup(&ot__status_vocab, ot__jstr(e, "status"));
    out->timestamp_ms = ot__jtime(e, "timestamp");
    out->updated_by = ot__jstr(e, "updated_by");
    out->notes = ot__jstr(e, "notes");
    out->event = ot__jstr(ot, "event");
    out->hash = ot__jstr(ot, "hash");
    out->prev_hash = ot__jstr(ot, "prev_hash");
    return 0;
}

int ot_order_substitution_at(ot_substitution_view *out, const ot_order *order, size_t index,
                             ot_error *err)
{
    int rc;
    const json_t *e = element(out, out ? out->version : 0, OT_SUBSTITUTION_VIEW_VERSION, order,
                              "substitutions", index, &rc, err);
    if (!e)
        return rc;
    out->original_item_id = ot__jstr(e, "original_item_id");
    out->substitute_item_id = ot__jstr(e, "substitute_item_id");
    out->reason = ot__jstr(e, "reason");
    out->status = ot__vocab_lookup(&ot__substitution_vocab, ot__jstr(e, "status"));
    out->price_difference = json_number_value(json_object_get(e, "price_difference"));
    out->customer_notified_at_ms = ot__jtime(e, "customer_notified_at");
    out->customer_responded_at_ms = ot__jtime(e, "customer_responded_at");
    return 0;
}

int ot_order_issue_at(ot_issue_view *out, const ot_order *order, size_t index, ot_error *err)
{
    int rc;
    const json_t *e = element(out, out ? out->version : 0, OT_ISSUE_VIEW_VERSION, order,
                              "issues", index, &rc, err);
    if (!e)
        return rc;
    out->issue_type = ot__jstr(e, "issue_type");
    out->description = ot__jstr(e, "description");
    out->severity = ot__vocab_lookup(&ot__severity_vocab, ot__jstr(e, "severity"));
    out->created_at_ms = ot__jtime(e, "created_at");
    out->resolved_at_ms = ot__jtime(e, "resolved_at");
    out->resolution = ot__jstr(e, "resolution");
    return 0;
}

int ot_order_driver_location(ot_location_view *out, const ot_order *order, ot_error *err)
{
    int rc;
    const json_t *doc = element(out, out ? out->version : 0, OT_LOCATION_VIEW_VERSION, order,
                                NULL, 0, &rc, err);
    const json_t *loc, *acc;
    if (!doc)
        return rc;
    loc = json_object_get(doc, "driver_location");
    if (!json_is_object(loc))
        return ot__error_field(err, OT_ENOTFOUND, "driver_location", "driver_location is null");
    acc = json_object_get(loc, "accuracy");
    out->latitude = json_number_value(json_object_get(loc, "latitude"));
    out->longitude = json_number_value(json_object_get(loc, "longitude"));
    out->timestamp_ms = ot__jtime(loc, "timestamp");
    out->has_accuracy = json_is_number(acc);
    out->accuracy = json_number_value(acc);
    return 0;
}

int ot_order_driver_details(ot_driver_view *out, const ot_order *order, ot_error *err)
{
    int rc;
    const json_t *doc = element(out, out ? out->version : 0, OT_DRIVER_VIEW_VERSION, order,
                                NULL, 0, &rc, err);
    const json_t *d;
    if (!doc)
        return rc;
    d = json_object_get(doc, "driver_details");
    if (!json_is_object(d))
        return ot__error_field(err, OT_ENOTFOUND, "driver_details", "driver_details is null");
    out->driver_id = ot__jstr(d, "driver_id");
    out->name = ot__jstr(d, "name");
    out->phone = ot__jstr(d, "phone");
    out->vehicle_type = ot__jstr(d, "vehicle_type");
    out->vehicle_number = ot__jstr(d, "vehicle_number");
    out->photo_url = ot__jstr(d, "photo_url");
    return 0;
}

int ot_order_metadata_json(char **json, size_t *len, const ot_order *order, ot_error *err)
{
    if (!json)
        return ot__error_field(err, OT_EINVAL, "json", "output pointer is NULL");
    *json = NULL;
    if (!order)
        return ot__error_field(err, OT_EINVAL, "order", "order is NULL");
    return ot__json_write(json, len, json_object_get(order->doc, "metadata"),
                         JSON_COMPACT | JSON_REAL_PRECISION(17), err);
}

int ot_order_clone(ot_order **out, const ot_order *order, ot_error *err)
{
    if (!out)
        return ot__error_field(err, OT_EINVAL, "out", "output pointer is NULL");
    *out = NULL;
    if (!order)
        return ot__error_field(err, OT_EINVAL, "order", "order is NULL");
    return ot__order_clone(out, order, err);
}
