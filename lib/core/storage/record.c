/* Filling the record a storage adapter persists, and closing a storage. */
#include <string.h>

#include "ordertrack/sys/storage.h"
#include "common.h"
#include "order/order_internal.h"
#include "storage/storage_internal.h"

int ot_storage_record_init(ot_storage_record *record, const ot_order *order,
                           size_t first_event, ot_error *err)
{
    return ot__storage_record_fill(record, order, first_event,
                                   OT__FILL_JSON | OT__FILL_ENTRIES, err);
}

/* The events from array index `from` on, as a JSON array. */
static int events_encode(char **json, size_t *len, const json_t *history, size_t from,
                         ot_error *err)
{
    json_t *events = json_array();
    size_t i;
    int rc;
    if (!events)
        return ot__error_set(err, OT_ENOMEM, "out of memory building the events");
    for (i = from; i < json_array_size(history); i++) {
        if (json_array_append(events, json_array_get(history, i))) {
            json_decref(events);
            return ot__error_set(err, OT_ENOMEM, "out of memory building the events");
        }
    }
    rc = ot__json_write(json, len, events, JSON_COMPACT | JSON_REAL_PRECISION(17), err);
    json_decref(events);
    return rc;
}

static void entries_free(ot_storage_entry *entries, size_t n)
{
    size_t i;
    for (i = 0; entries && i < n; i++)
        ot__free((char *)entries[i].json);
    ot__free(entries);
}

/* The entries from array index `from` on (history index `seq`), each encoded alone. */
static int entries_encode(ot_storage_entry **out, const json_t *history, size_t from,
                          size_t seq, ot_error *err)
{
    size_t n = json_array_size(history) - from, i;
    ot_storage_entry *e;
    char *text;
    int rc;

    *out = NULL;
    if (n == 0)
        return 0;
    if (!(e = ot__calloc(n, sizeof *e)))
        return ot__error_set(err, OT_ENOMEM, "out of memory building the entries");
    for (i = 0; i < n; i++) {
        if ((rc = ot__json_write(&text, &e[i].json_len, json_array_get(history, from + i),
                                 JSON_COMPACT | JSON_REAL_PRECISION(17), err))) {
            entries_free(e, i);
            return rc;
        }
        e[i].json = text;
        e[i].seq = (int64_t)(seq + i);
    }
    *out = e;
    return 0;
}

int ot__storage_record_fill(ot_storage_record *record, const ot_order *order,
                            size_t first_event, unsigned mode, ot_error *err)
{
    const json_t *history;
    char *json = NULL, *events_json = NULL;
    size_t len = 0, events_len = 0, base, n, from;
    ot_storage_entry *entries = NULL;
    int rc = 0;

    if (!record)
        return ot__error_field(err, OT_EINVAL, "record", "record is NULL");
    if (!order)
        return ot__error_field(err, OT_EINVAL, "order", "order is NULL");
    history = ot__order_entries(order, &base);
    n = json_array_size(history);
    if (first_event > base + n || first_event < base)
        return ot__error_field(err, OT_EINVAL, "first_event",
                               "first_event %zu is not in the entries held (%zu..%zu)",
                               first_event, base, base + n);
    if (base && (mode & OT__FILL_JSON) && !(mode & OT__FILL_HEAD))
        return ot__error_field(err, OT_EINVAL, "order",
                               "a record read by its chain head has no whole JSON");
    from = first_event - base;
    if (mode & OT__FILL_ENTRIES)
        rc = entries_encode(&entries, history, from, first_event, err);
    if (!rc && (mode & OT__FILL_JSON) && !(mode & OT__FILL_HEAD))
        rc = events_encode(&events_json, &events_len, history, from, err);
    if (!rc && (mode & OT__FILL_JSON))
        rc = mode & OT__FILL_HEAD ? ot__order_stored_json(&json, &len, order, 1, err)
                                  : ot_order_to_json(&json, &len, order, err);
    if (rc) {
        ot__free(events_json);
        entries_free(entries, n - from);
        return rc;
    }
    memset(record, 0, sizeof *record);
    record->version = mode & OT__FILL_ENTRIES ? OT_STORAGE_RECORD_VERSION : 2;
    record->order = order;
    record->json = json;
    record->json_len = len;
    record->events_json = events_json;
    record->events_json_len = events_len;
    record->first_event = first_event;
    record->record_version = ot_order_version(order);
    record->order_id = ot_order_order_id(order);
    record->store_id = ot_order_store_id(order);
    record->customer_id = ot_order_customer_id(order);
    record->current_status = ot_order_status(order);
    record->shipment_status = ot_order_shipment_status(order);
    record->delivery_provider = ot_order_provider(order);
    record->delivery_tracking_id = ot_order_tracking_id(order);
    record->updated_at_ms = ot__jtime(order->doc, "updated_at");
    record->entries = entries;
    record->entry_count = entries ? n - from : 0;
    return 0;
}

void ot_storage_record_release(ot_storage_record *record)
{
    if (!record)
        return;
    ot__free((char *)record->json);
    ot__free((char *)record->events_json);
    if (record->version >= 3)
        entries_free((ot_storage_entry *)record->entries, record->entry_count);
    record->json = NULL;
    record->events_json = NULL;
    if (record->version >= 3) {
        record->entries = NULL;
        record->entry_count = 0;
    }
}

void ot_storage_close(ot_storage *storage)
{
    if (storage && storage->close)
        storage->close(storage->userdata);
}

int ot_storage_record_check(const ot_storage_record *rec, ot_error *err)
{
    return ot__storage_record_check(rec, 1, err);
}

int ot__storage_record_check(const ot_storage_record *rec, int need_json, ot_error *err)
{
    size_t i;
    int rc;
    if (!rec || (need_json ? !rec->json : !rec->order) || !rec->order_id || !rec->store_id ||
        !rec->customer_id)
        return ot__error_field(err, OT_EINVAL, "record", "record or one of its columns is NULL");
    if ((rc = ot__check_version(rec->version, OT_STORAGE_RECORD_VERSION, "storage record", err)))
        return rc;
    /* version 2: the outbound events, each complete */
    if (rec->version >= 2 && rec->event_count && !rec->events)
        return ot__error_field(err, OT_EINVAL, "events", "event_count %zu without events",
                               rec->event_count);
    if (rec->version >= 3 && rec->entry_count && !rec->entries)
        return ot__error_field(err, OT_EINVAL, "entries", "entry_count %zu without entries",
                               rec->entry_count);
    for (i = 0; rec->version >= 3 && i < rec->entry_count; i++)
        if (!rec->entries[i].json || rec->entries[i].seq != (int64_t)(rec->first_event + i))
            return ot__error_field(err, OT_EINVAL, "entries",
                                   "entries[%zu] is empty or not numbered first_event + %zu",
                                   i, i);
    for (i = 0; rec->version >= 2 && i < rec->event_count; i++) {
        const ot_event *e = &rec->events[i];
        if (!e->event_id || !e->order_id || !e->store_id || !e->json ||
            e->type < 1 || e->type > OT_EVENT_TYPE_MAX)
            return ot__error_field(err, OT_EINVAL, "events", "events[%zu] is incomplete", i);
    }
    return 0;
}

int ot_idempotency_record_check(const ot_idempotency_record *idem, ot_error *err)
{
    if (!idem)
        return 0;
    if (!idem->key || !idem->request_hash || (!idem->response && idem->response_len))
        return ot__error_field(err, OT_EINVAL, "idem", "idempotency record is incomplete");
    return ot__check_version(idem->version, OT_IDEMPOTENCY_RECORD_VERSION, "idempotency record",
                             err);
}

int ot_storage_query_check(const ot_storage_query *q, ot_storage_emit emit,
                           const char *next_cursor, size_t cursor_size, ot_error *err)
{
    int rc;
    if (!q || !emit || !next_cursor)
        return ot__error_field(err, OT_EINVAL, !q ? "query" : !emit ? "emit" : "next_cursor",
                               "argument is NULL");
    if ((rc = ot__check_version(q->version, OT_STORAGE_QUERY_VERSION, "query", err)))
        return rc;
    if (q->limit == 0 || q->limit > OT_STORAGE_QUERY_MAX)
        return ot__error_field(err, OT_EINVAL, "limit", "limit %zu is outside 1..%d", q->limit,
                               OT_STORAGE_QUERY_MAX);
    if (cursor_size < OT_STORAGE_CURSOR_SIZE)
        return ot__error_field(err, OT_EINVAL, "cursor_size", "cursor buffer is too small");
    return 0;
}

int ot_storage_archive_check(const char *const *order_ids, const int64_t *expected_versions,
                             size_t n, const char *archived_to, const int *results,
                             ot_error *err)
{
    size_t len;
    if (!order_ids || !expected_versions || !results)
        return ot__error_field(err, OT_EINVAL, !order_ids ? "order_ids"
                                               : !expected_versions ? "expected_versions"
                                                                    : "results",
                               "argument is NULL");
    if (n < 1 || n > OT_STORAGE_QUERY_MAX)
        return ot__error_field(err, OT_EINVAL, "n", "n must be 1..%d, got %zu",
                               OT_STORAGE_QUERY_MAX, n);
    len = archived_to ? strlen(archived_to) : 0;
    if (len < 1 || len > OT_STORAGE_TOMBSTONE_MAX)
        return ot__error_field(err, OT_EINVAL, "archived_to",
                               "archived_to must be 1..%d bytes", OT_STORAGE_TOMBSTONE_MAX);
    for (size_t i = 0; i < n; i++)
        if (!order_ids[i] || !order_ids[i][0])
            return ot__error_field(err, OT_EINVAL, "order_ids", "order_ids[%zu] is empty", i);
    return 0;
}
