/* The history: appending events and the SHA-256 hash chain that makes it tamper-evident. */
#include <stdio.h>
#include <string.h>

#include "common.h"
#include "base/hash_internal.h"
#include "order/order_internal.h"
#include "rules/vocab_internal.h"

static const char zero_hash[65] =
    "0000000000000000000000000000000000000000000000000000000000000000";

const json_t *ot__entry_ot(const json_t *entry)
{
    return json_object_get(json_object_get(entry, "metadata"), "ot");
}

/* Hex SHA-256 of the canonical encoding of `entry`, which has no "hash" member in its ot. */
static int hash_unsealed(char hex[65], const json_t *entry, ot_error *err)
{
    char *text;
    size_t len;
    int rc = ot__json_write(&text, &len, entry,
                            JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII |
                                JSON_REAL_PRECISION(17),
                            err);
    if (rc)
        return rc;
    rc = ot__sha256_hex(hex, text, len, err);
    ot__free(text);
    return rc;
}

int ot__entry_hash(char hex[65], const json_t *entry, ot_error *err)
{
    json_t *copy, *meta, *ot;
    int rc;

    /* the entry without its own hash: a copy of the entry and of the two objects on the way
     * to the hash (the rest is shared, read-only) */
    meta = json_object_get(entry, "metadata");
    ot = json_object_get(meta, "ot");
    if (!json_object_get(ot, "hash"))
        return hash_unsealed(hex, entry, err);
    copy = json_copy((json_t *)entry);
    meta = json_copy(meta);
    ot = json_copy(ot);
    /* jansson's shallow copy drops a member it cannot allocate: a short copy is out of
     * memory, not a different entry */
    rc = !copy || !meta || !ot || json_object_size(copy) != json_object_size(entry) ||
                 json_object_size(meta) != json_object_size(json_object_get(entry, "metadata"))
                 || json_object_size(ot) != json_object_size(ot__entry_ot(entry)) ||
                 json_object_del(ot, "hash") ||
                 json_object_set(meta, "ot", ot) || json_object_set(copy, "metadata", meta)
             ? ot__error_set(err, OT_ENOMEM, "out of memory hashing a history entry")
             : hash_unsealed(hex, copy, err);
    json_decref(ot);
    json_decref(meta);
    json_decref(copy);
    return rc;
}

int ot__order_append_event(ot_order *order, int event, int status, int64_t now_ms,
                           const char *updated_by, const char *notes, const json_t *user_meta,
                           json_t *data, ot_error *err)
{
    json_t *history = json_object_get(order->doc, "status_history");
    size_t n = json_array_size(history);
    /* a record read by its head holds at least the head entry */
    const char *prev = n ? ot__jstr(ot__entry_ot(json_array_get(history, n - 1)), "hash")
                         : order->history_base ? NULL : zero_hash;
    const char *status_name;
    char hex[65];
    json_t *entry = NULL, *meta = NULL, *ot = NULL;
    int rc = OT_ENOMEM;

    if (!prev) {
        json_decref(data);
        return ot__error_field(err, OT_EINTEGRITY, "status_history",
                               "the record holds no chain head to append to");
    }
    if (!data)
        data = json_object();
    if (!data)
        return ot__error_set(err, OT_ENOMEM, "out of memory building an event");
    if (ot__vocab_name(&ot__status_vocab, &status_name, status, NULL) != 0) {
        json_decref(data);
        return ot__error_field(err, OT_EINVAL, "status", "%d is not a valid status", status);
    }
    if (user_meta && json_object_get(user_meta, "ot")) {
        json_decref(data);
        return ot__error_field(err, OT_EINVAL, "metadata.ot",
                               "metadata key \"ot\" is reserved for the event record");
    }
    meta = user_meta ? ot__json_copy(user_meta) : json_object();
    /* the event record, members in this order (the record's text keeps it): built by hand,
     * these are the library's own names and hashes (no json_pack format to parse, no UTF-8
     * check of known ASCII) */
    ot = json_object();
    if (ot && (json_object_set_new_nocheck(ot, "event",
                                           json_string_nocheck(ot__event_name(event))) ||
               json_object_set_new_nocheck(ot, "seq",
                                           json_integer((json_int_t)(order->history_base + n))))) {
        json_decref(ot);
        ot = NULL;
    }
    if (ot) {
        int bad = json_object_set_new_nocheck(ot, "data", data); /* stolen either way */
        data = NULL;
        if (bad || json_object_set_new_nocheck(ot, "prev_hash",
                                               json_string_nocheck(prev ? prev : zero_hash))) {
            json_decref(ot);
            ot = NULL;
        }
    }
    entry = json_object();
    if (!meta || !ot || !entry ||
        json_object_set_new_nocheck(entry, "status", json_string_nocheck(status_name)) ||
        json_object_set_new(entry, "timestamp", ot__jtime_new(now_ms)) ||
        ot__jset_str(entry, "updated_by", updated_by && *updated_by ? updated_by : "system") ||
        ot__jset_str(entry, "notes", notes && *notes ? notes : NULL) ||
        json_object_set(meta, "ot", ot) || json_object_set(entry, "metadata", meta))
        goto fail;
    rc = ot__entry_hash(hex, entry, err);
    if (rc)
        goto out;
    rc = OT_ENOMEM;
    if (json_object_set_new_nocheck(ot, "hash", json_string_nocheck(hex)) ||
        json_array_append(history, entry))
        goto fail;
    rc = ot__order_apply(order, entry, err);
    goto out;
fail:
    rc = ot__error_set(err, OT_ENOMEM, "out of memory appending an event");
out:
    json_decref(data);
    json_decref(ot);
    json_decref(meta);
    json_decref(entry);
    return rc;
}

size_t ot__order_count_events(const ot_order *order, int event, const char *event_id)
{
    const json_t *history = json_object_get(order->doc, "status_history");
    const char *name = ot__event_name(event);
    size_t i, count = 0;
    for (i = 0; i < json_array_size(history); i++) {
        const json_t *ot = ot__entry_ot(json_array_get(history, i));
        const char *id;
        if (!name || strcmp(ot__jstr(ot, "event") ? ot__jstr(ot, "event") : "", name) != 0)
            continue;
        id = ot__jstr(json_object_get(ot, "data"), "event_id");
        if (!event_id || (id && strcmp(id, event_id) == 0))
            count++;
    }
    return count;
}

int64_t ot__order_last_event_time(const ot_order *order, int event, int64_t latest)
{
    const json_t *history = json_object_get(order->doc, "status_history");
    const char *name = ot__event_name(event);
    int64_t last = 0, t;
    size_t i;
    for (i = 0; i < json_array_size(history); i++) {
        const json_t *ot = ot__entry_ot(json_array_get(history, i));
        const char *ev = ot__jstr(ot, "event");
        if (ev && name && strcmp(ev, name) == 0 &&
            (t = ot__jtime(json_object_get(ot, "data"), "time")) > last && t <= latest)
            last = t;
    }
    return last;
}

int ot__order_check_head(const ot_order *order, ot_error *err)
{
    const json_t *history = json_object_get(order->doc, "status_history");
    size_t n = json_array_size(history);
    const json_t *entry, *ot, *before;
    const char *hash, *link, *status, *current, *want = zero_hash;
    char hex[65];
    int rc;

    if (n == 0)
        return ot__error_field(err, OT_EINTEGRITY, "status_history",
                               "the record has no history: it was edited");
    entry = json_array_get(history, n - 1);
    ot = ot__entry_ot(entry);
    hash = ot__jstr(ot, "hash");
    link = ot__jstr(ot, "prev_hash");
    if (n > 1) {
        before = ot__entry_ot(json_array_get(history, n - 2));
        want = ot__jstr(before, "hash") ? ot__jstr(before, "hash") : "";
    } else if (order->history_base) {
        want = link; /* the entry before the head was not read: ot_order_verify_history */
    }
    if (!hash || !link || !json_is_integer(json_object_get(ot, "seq")) ||
        (size_t)json_integer_value(json_object_get(ot, "seq")) != order->history_base + n - 1 ||
        strcmp(link, want))
        return ot__error_field(err, OT_EINTEGRITY, "status_history",
                               "the record's history does not end in a chained entry "
                               "(status_history[%zu]): the record was edited",
                               order->history_base + n - 1);
    if ((rc = ot__entry_hash(hex, entry, err)))
        return rc;
    if (strcmp(hex, hash) != 0)
        return ot__error_field(err, OT_EINTEGRITY, "status_history",
                               "status_history[%zu] was modified: its hash does not match",
                               n - 1);
    status = ot__jstr(entry, "status");
    current = ot__jstr(order->doc, "current_status");
    if (!status || !current || strcmp(status, current) != 0)
        return ot__error_field(err, OT_EINTEGRITY, "current_status",
                               "current_status is not the last history entry's status: the "
                               "record was edited");
    return 0;
}

int ot_order_verify_history(const ot_order *order, ot_error *err)
{
    const json_t *history;
    const char *prev = zero_hash, *last_status = NULL;
    char hex[65], where[48];
    size_t i, n;
    int rc;

    if (!order)
        return ot__error_field(err, OT_EINVAL, "order", "order is NULL");
    if (order->history_base)
        return ot__error_field(err, OT_EINVAL, "order",
                               "the record was read by its chain head: its history was not "
                               "read");
    history = json_object_get(order->doc, "status_history");
    n = json_array_size(history);
    for (i = 0; i < n; i++) {
        const json_t *entry = json_array_get(history, i);
        const json_t *ot = ot__entry_ot(entry);
        const char *hash = ot__jstr(ot, "hash"), *link = ot__jstr(ot, "prev_hash");
        snprintf(where, sizeof where, "status_history[%zu]", i);
        if (!json_is_object(ot) || !hash || !link ||
            !json_is_integer(json_object_get(ot, "seq")) ||
            !ot__event_from_name(ot__jstr(ot, "event")))
            return ot__error_field(err, OT_EINTEGRITY, where,
                                   "%s has no valid event record (metadata.ot)", where);
        if ((size_t)json_integer_value(json_object_get(ot, "seq")) != i)
            return ot__error_field(err, OT_EINTEGRITY, where,
                                   "%s is out of sequence: an entry was inserted or deleted",
                                   where);
        if (strcmp(link, prev) != 0)
            return ot__error_field(err, OT_EINTEGRITY, where,
                                   "%s does not link to the previous entry's hash", where);
        rc = ot__entry_hash(hex, entry, err);
        if (rc)
            return rc;
        if (strcmp(hex, hash) != 0)
            return ot__error_field(err, OT_EINTEGRITY, where,
                                   "%s was modified: its hash does not match", where);
        prev = hash;
        last_status = ot__jstr(entry, "status");
    }
    if (!last_status || strcmp(last_status, ot__jstr(order->doc, "current_status")) != 0) {
        return ot__error_field(err, OT_EINTEGRITY, "status_history",
                               "the last history entry's status is not current_status: "
                               "entries were removed");
    }
    return ot__order_projection_matches(order, err);
}
