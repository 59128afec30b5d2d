/* The outbound events of one committed write (docs/events.md, "Outbound events"): built by
 * the tracker before its commit and handed to storage with the record. */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "ordertrack/status.h"
#include "common.h"
#include "base/hash_internal.h"
#include "json/json_internal.h"
#include "order/order_internal.h"
#include "outbox/outbox_internal.h"
#include "rules/vocab_internal.h"

/* The members of the record an event carries as the order's public state. */
static const char *const public_members[] = {
    "order_id", "store_id", "version", "current_status", "shipment_status",
    "delivery_provider", "delivery_tracking_id", "delivery_tracking_url",
    "estimated_delivery_time", "updated_at",
};

struct builder {
    struct ot__outbox_batch *b;
    const ot_order *o;
    const char *order_id, *store_id;
    int64_t version, created, time;
    json_t *state;      /* the public state, shared by the events of the write */
};

static json_t *jtime_or_null(int64_t ms)
{
    return ms ? ot__jtime_new(ms) : json_null();
}

static json_t *jname_or_null(const struct ot__vocab *vocab, int value)
{
    return ot__vocab_valid(vocab, value) ? json_string(vocab->names[value]) : json_null();
}

/* A string value, or null for NULL (NULL only when an allocation failed). */
static json_t *jstr_or_null(const char *v)
{
    return v ? json_string(v) : json_null();
}

/* An object of up to four members, each value stolen (a NULL value: an allocation failed);
 * NULL when anything failed, with every value released. json_pack's "o" is not used: with
 * a NULL value it reports an error but does not release what it already took. */
static json_t *members(const char *k1, json_t *v1, const char *k2, json_t *v2, const char *k3,
                       json_t *v3, const char *k4, json_t *v4)
{
    json_t *d = json_object();
    int bad = json_object_set_new(d, k1, v1) != 0;
    bad |= k2 && json_object_set_new(d, k2, v2) != 0;
    bad |= k3 && json_object_set_new(d, k3, v3) != 0;
    bad |= k4 && json_object_set_new(d, k4, v4) != 0;
    if (bad) {
        json_decref(d);
        return NULL;
    }
    return d;
}

/* Append the event `type` with `data` (stolen). */
static int add(struct builder *x, int type, json_t *data, ot_error *err)
{
    struct ot__outbox_batch *b = x->b;
    ot_event *e;
    char seed[256], hex[65];
    json_t *doc;
    size_t len = 0;
    int rc;

    if (!data)
        return ot__error_set(err, OT_ENOMEM, "out of memory building an event");
    if (b->n == OT__OUTBOX_MAX) {
        json_decref(data);
        return 0;
    }
    e = &b->events[b->n];
    memset(e, 0, sizeof *e);
    e->version = OT_EVENT_VERSION;
    e->order_id = x->order_id;
    e->store_id = x->store_id;
    e->sequence = x->version * 1000 + (int64_t)b->n;
    e->type = type;
    e->time_ms = x->time;
    snprintf(seed, sizeof seed, "%s\n%lld\n%lld", x->order_id, (long long)x->created,
             (long long)e->sequence);
    if ((rc = ot__sha256_hex(hex, seed, strlen(seed), err))) {
        json_decref(data);
        return rc;
    }
    snprintf(b->ids[b->n], sizeof b->ids[b->n], "evt_%.32s", hex);
    e->event_id = b->ids[b->n];
    /* every member set (or its value released) whatever failed before it */
    doc = members("event_id", json_string(e->event_id), "type",
                  json_string(ot__event_type_vocab.names[type]), "order_id",
                  json_string(x->order_id), "store_id", json_string(x->store_id));
    if (!doc || json_object_set_new(doc, "sequence", json_integer(e->sequence)) |
                    json_object_set_new(doc, "occurred_at", ot__jtime_new(x->time)) |
                    json_object_set_new(doc, "data", data) |
                    json_object_set(doc, "order", x->state)) {
        if (!doc)
            json_decref(data);
        json_decref(doc);
        return ot__error_set(err, OT_ENOMEM, "out of memory building an event");
    }
    rc = ot__json_write(&b->json[b->n], &len, doc,
                        JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17), err);
    json_decref(doc);
    if (rc)
        return rc;
    e->json = b->json[b->n];
    e->json_len = len;
    b->n++;
    return 0;
}

static int from_to(struct builder *x, int type, const struct ot__vocab *vocab, int from, int to,
                   ot_error *err)
{
    return add(x, type,
               members("from", jname_or_null(vocab, from), "to", jname_or_null(vocab, to), NULL,
                       NULL, NULL, NULL),
               err);
}

static int issues(struct builder *x, size_t first, ot_error *err)
{
    size_t i;
    int rc = 0;
    for (i = first; !rc && i < ot_order_issue_count(x->o); i++) {
        ot_issue_view v = OT_ISSUE_VIEW_INIT;
        if (ot_order_issue_at(&v, x->o, i, NULL) != 0)
            continue;
        rc = add(x, OT_EVENT_ISSUE_RAISED,
                 members("issue_type", jstr_or_null(v.issue_type), "severity",
                         jname_or_null(&ot__severity_vocab, v.severity), "description",
                         jstr_or_null(v.description), NULL, NULL),
                 err);
    }
    return rc;
}

static int sla_breaches(struct builder *x, size_t first, ot_error *err)
{
    size_t i, base;
    const json_t *history = ot__order_entries(x->o, &base);
    int rc = 0;
    for (i = first - base; !rc && i < json_array_size(history); i++) {
        const json_t *ot = ot__entry_ot(json_array_get(history, i));
        const json_t *data = json_object_get(ot, "data");
        if (ot__event_from_name(ot__jstr(ot, "event")) != OT__EV_SLA_NOTIFIED ||
            !ot__jstr(data, "state") || strcmp(ot__jstr(data, "state"), "breached") != 0)
            continue;
        rc = add(x, OT_EVENT_SLA_BREACHED,
                 members("stage", jstr_or_null(ot__jstr(data, "stage")), "started_at",
                         jstr_or_null(ot__jstr(data, "started_at")), NULL, NULL, NULL, NULL),
                 err);
    }
    return rc;
}

static int location(struct builder *x, const ot_location_view *before, int hide,
                    ot_error *err)
{
    ot_location_view now = OT_LOCATION_VIEW_INIT;
    json_t *data;
    if (ot_order_driver_location(&now, x->o, NULL) != 0 ||
        (now.timestamp_ms == before->timestamp_ms && now.latitude == before->latitude &&
         now.longitude == before->longitude))
        return 0;
    data = hide ? members("timestamp", ot__jtime_new(now.timestamp_ms), NULL, NULL, NULL, NULL,
                          NULL, NULL)
                : members("latitude", json_real(now.latitude), "longitude",
                          json_real(now.longitude), "accuracy",
                          now.has_accuracy ? json_real(now.accuracy) : json_null(), "timestamp",
                          ot__jtime_new(now.timestamp_ms));
    return add(x, OT_EVENT_LOCATION_UPDATED, data, err);
}

int ot__outbox_build(struct ot__outbox_batch *b, const struct ot__outbox_before *before,
                     const ot_order *o, int hide_positions, ot_error *err)
{
    struct builder x;
    int64_t eta = 0;
    size_t i;
    int rc = 0, status = ot_order_status(o), shipment = ot_order_shipment_status(o);

    memset(b, 0, sizeof *b);
    memset(&x, 0, sizeof x);
    x.b = b;
    x.o = o;
    x.order_id = ot_order_order_id(o);
    x.store_id = ot_order_store_id(o);
    x.version = ot_order_version(o);
    x.time = ot__jtime(o->doc, "updated_at");
    if (ot_order_time(&x.created, o, OT_TIME_CREATED, NULL) != 0)
        x.created = 0;
    if (ot_order_time(&eta, o, OT_TIME_ESTIMATED_DELIVERY, NULL) != 0)
        eta = 0;
    x.state = json_object();
    for (i = 0; x.state && i < sizeof public_members / sizeof public_members[0]; i++) {
        json_t *v = json_object_get(o->doc, public_members[i]);
        if (json_object_set_new(x.state, public_members[i], v ? ot__json_copy(v) : json_null()))
            rc = OT_ENOMEM;
    }
    if (!x.state || rc)
        rc = ot__error_set(err, OT_ENOMEM, "out of memory building an event");
    if (!rc && status != before->status)
        rc = from_to(&x, OT_EVENT_STATUS_CHANGED, &ot__status_vocab, before->status, status,
                     err);
    if (!rc && shipment != before->shipment)
        rc = from_to(&x, OT_EVENT_SHIPMENT_CHANGED, &ot__shipment_vocab, before->shipment,
                     shipment, err);
    if (!rc && eta != before->eta_ms)
        rc = add(&x, OT_EVENT_ETA_CHANGED,
                 members("from", jtime_or_null(before->eta_ms), "to", jtime_or_null(eta), NULL,
                         NULL, NULL, NULL),
                 err);
    if (!rc)
        rc = issues(&x, before->issues, err);
    if (!rc)
        rc = sla_breaches(&x, before->history, err);
    if (!rc)
        rc = location(&x, &before->location, hide_positions, err);
    json_decref(x.state);
    if (rc)
        ot__outbox_release(b);
    return rc;
}

void ot__outbox_release(struct ot__outbox_batch *b)
{
    size_t i;
    for (i = 0; i < b->n; i++)
        ot__free(b->json[i]);
    b->n = 0;
}
