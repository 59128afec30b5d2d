/* Applying a mapped courier update (parcel poll or webhook, hyperlocal partner webhook). */
#include <string.h>

#include "common.h"
#include "metrics/metrics_internal.h"
#include "tracker/tracker_internal.h"
#include "rules/vocab_internal.h"

static int set_opt_str(json_t *obj, const char *key, const char *value)
{
    return value && *value ? ot__jset_str(obj, key, value) : 0;
}

static int has_text(const char *s)
{
    return s && *s;
}

/* The driver as the partner reports it, over what is known; required fields the partner
 * leaves out read "unknown". NULL when the update names no driver (no id of its own and
 * none known: the record's driver_details needs one; Uber's parser supplies `uber:<delivery
 * id>`) or on allocation failure (*oom set). */
static json_t *merged_driver(const ot_order *o, const ot_update *u, int *oom)
{
    ot_driver_view d = OT_DRIVER_VIEW_INIT;
    json_t *obj;
    int known = ot_order_driver_details(&d, o, NULL) == 0;

    *oom = 0;
    if (!has_text(u->driver_id) && !has_text(u->driver_name) && !has_text(u->driver_phone) &&
        !has_text(u->vehicle_type) && !has_text(u->vehicle_number) && !has_text(u->photo_url))
        return NULL;   /* the update says nothing about the driver */
#define PICK(nu, old) (has_text(nu) ? (nu) : known && (old) ? (old) : NULL)
    if (!PICK(u->driver_id, d.driver_id))
        return NULL;
    obj = json_pack("{s:s, s:s, s:s, s:s, s:s?, s:s?}",
                    "driver_id", PICK(u->driver_id, d.driver_id),
                    "name", PICK(u->driver_name, d.name) ? PICK(u->driver_name, d.name) : "unknown",
                    "phone", PICK(u->driver_phone, d.phone) ? PICK(u->driver_phone, d.phone)
                                                             : "unknown",
                    "vehicle_type", PICK(u->vehicle_type, d.vehicle_type)
                                        ? PICK(u->vehicle_type, d.vehicle_type) : "unknown",
                    "vehicle_number", PICK(u->vehicle_number, d.vehicle_number),
                    "photo_url", PICK(u->photo_url, d.photo_url));
#undef PICK
    *oom = obj == NULL;
    return obj;
}

static int check_update_strings(const ot_update *u, ot_error *err)
{
    int rc;
    if ((rc = ot__check_string(u->event_id, "event_id", 0, 128, err)) ||
        (rc = ot__check_string(u->raw_status, "raw_status", 0, 256, err)) ||
        (rc = ot__check_string(u->raw_type, "raw_type", 0, 128, err)) ||
        (rc = ot__check_string(u->location, "location", 0, 1024, err)) ||
        (rc = ot__check_string(u->driver_id, "driver_id", 0, 128, err)) ||
        (rc = ot__check_string(u->driver_name, "driver_name", 0, 256, err)) ||
        (rc = ot__check_string(u->driver_phone, "driver_phone", 0, 64, err)) ||
        (rc = ot__check_string(u->vehicle_type, "vehicle_type", 0, 64, err)) ||
        (rc = ot__check_string(u->vehicle_number, "vehicle_number", 0, 64, err)) ||
        (rc = ot__check_string(u->photo_url, "photo_url", 0, 2048, err)) ||
        (rc = ot__check_string(u->tracking_url, "tracking_url", 0, 2048, err)))
        return rc;
    if (u->event_time_ms < 0 || u->eta_ms < 0)
        return ot__error_field(err, OT_EINVAL, u->eta_ms < 0 ? "eta_ms" : "event_time_ms",
                               "times must be 0 or milliseconds since the epoch");
    return 0;
}

/* Data every courier event carries (what the partner said, for the audit trail);
 * `clamped_from`: the partner's time when it lay past now + skew (then the event's time is
 * now), else 0. */
static json_t *base_data(const ot_update *u, int64_t clamped_from)
{
    json_t *data = json_object();
    if (!data || set_opt_str(data, "event_id", u->event_id) ||
        set_opt_str(data, "raw_type", u->raw_type) ||
        set_opt_str(data, "location", u->location) ||
        (u->flags && json_object_set_new(data, "flags", json_integer(u->flags))) ||
        (u->event_time_ms > 0 && ot__jset_time(data, "time", u->event_time_ms)) ||
        (u->raw_status && *u->raw_status &&
         ot__jset_str(data, "courier_status_raw", u->raw_status)) ||
        (u->eta_ms > 0 && ot__jset_time(data, "estimated_delivery_time", u->eta_ms)) ||
        set_opt_str(data, "delivery_tracking_url", u->tracking_url) ||
        (clamped_from && ot__jset_time(data, "time_clamped_from", clamped_from))) {
        json_decref(data);
        return NULL;
    }
    return data;
}

/* A revised ETA (news on its own, docs/events.md "Courier updates"): a time the partner
 * gives that differs from the record's, on an order not yet final. */
static int eta_news(const ot_order *o, const ot_update *u)
{
    int64_t stored = 0;
    if (u->eta_ms <= 0 || ot_status_is_terminal(ot_order_status(o), NULL) == 1)
        return 0;
    if (ot_order_time(&stored, o, OT_TIME_ESTIMATED_DELIVERY, NULL) != 0)
        stored = 0;
    return stored != u->eta_ms;
}

static int build_unmapped(struct ot__write *w, ot_order *o, const ot_update *u, ot_error *err)
{
    json_t *data = json_pack("{s:s, s:s, s:s, s:s?}", "issue_type", "unmapped_status",
                             "description", u->raw_status ? u->raw_status : "(no status)",
                             "severity", "medium", "event_id", u->event_id);
    if (!data)
        return ot__error_set(err, OT_ENOMEM, "out of memory building an event");
    return ot__append(w, o, OT__EV_ISSUE_RAISED, ot_order_status(o), data, err);
}

static int build_parcel(struct ot__write *w, ot_order *o, const ot_update *u,
                        int64_t clamped_from, ot_error *err)
{
    int cur = ot_order_status(o), to = cur, rc;
    ot_status implied = OT_STATUS_UNKNOWN;
    const char *name;
    json_t *data;

    if (ot__vocab_name(&ot__shipment_vocab, &name, u->shipment_status, NULL))
        return ot__error_field(err, OT_EINVAL, "shipment_status",
                               "%d is not a shipment status", u->shipment_status);
    rc = ot_shipment_transition_check(ot_order_shipment_status(o), u->shipment_status,
                                      OT_SOURCE_COURIER, err);
    if (rc == OT_ESTALE && eta_news(o, u)) {
        /* no shipment news, a revised ETA: recorded, statuses unchanged */
        data = base_data(u, clamped_from);
        if (!data)
            return ot__error_set(err, OT_ENOMEM, "out of memory building an event");
        return ot__append(w, o, OT__EV_COURIER_UPDATE, cur, data, err);
    }
    if (rc == OT_ESTALE) {
        w->result = OT_ESTALE;
        return 0;
    }
    if (rc)
        return rc;
    /* the lifecycle follows where the graph lets a courier take it; a stale implication
     * (the order is already past it) is simply not applied */
    if (ot_shipment_to_status(&implied, u->shipment_status, NULL) == 0 && implied &&
        ot_status_transition_check(cur, implied, OT_SOURCE_COURIER, NULL) == 0)
        to = implied;
    data = base_data(u, clamped_from);
    if (!data || ot__jset_str(data, "shipment_status", name)) {
        json_decref(data);
        return ot__error_set(err, OT_ENOMEM, "out of memory building an event");
    }
    return ot__append(w, o, OT__EV_COURIER_UPDATE, to, data, err);
}

/* A hyperlocal partner's report. Status news is a courier_update event (with the driver and
 * the position it carries). Without status news (a location-only report, a repeated or late
 * status) a driver the record does not hold yet, or holds otherwise (another courier, more
 * fields), is still a courier_update event, leaving the status as it is, while a driver is
 * active; else a position only updates driver_location. */
static int build_hyperlocal(struct ot__write *w, ot_order *o, const ot_update *u,
                            int64_t clamped_from, ot_error *err)
{
    int has_pos = (u->flags & OT_UPDATE_HAS_POSITION) != 0, rc = OT_ESTALE, oom, to;
    ot_location_view old = OT_LOCATION_VIEW_INIT;
    int64_t when = u->event_time_ms > 0 ? u->event_time_ms : w->now;
    int64_t latest = ot__tracker_latest(w->tracker, w->now);
    ot_error check;
    json_t *data, *driver;

    if (u->status && !(u->flags & OT_UPDATE_LOCATION_ONLY)) {
        rc = ot_status_transition_check(ot_order_status(o), u->status, OT_SOURCE_COURIER,
                                        &check);
        if (rc && rc != OT_ESTALE) {
            if (err)
                *err = check;
            return rc;
        }
    }
    driver = merged_driver(o, u, &oom);
    if (oom)
        return ot__error_set(err, OT_ENOMEM, "out of memory building an event");
    if (rc == OT_ESTALE && driver &&
        (!ot__driver_active(ot_order_status(o)) ||
         json_equal(driver, json_object_get(o->doc, "driver_details")))) {
        json_decref(driver);   /* nothing new about the driver */
        driver = NULL;
    }
    if (rc == OT_ESTALE && !driver && !eta_news(o, u)) {
        /* no status, driver or ETA news: a position report at most; one that comes before a
         * driver holds the order or after the delivery (Uber's courier_update events run
         * every 20 s, a late one is common) is late, not wrong */
        if (has_pos && ot__driver_active(ot_order_status(o)))
            return ot__set_location(w, o, u->latitude, u->longitude, 0, 0.0, when, err);
        w->result = OT_ESTALE;
        return 0;
    }
    to = rc == OT_ESTALE ? ot_order_status(o) : u->status;
    data = base_data(u, clamped_from);
    if (!data || (driver && json_object_set_new(data, "driver_details", driver))) {
        json_decref(data);
        return ot__error_set(err, OT_ENOMEM, "out of memory building an event");
    }
    if (has_pos) {
        if (!(u->latitude >= -90.0 && u->latitude <= 90.0 && u->longitude >= -180.0 &&
              u->longitude <= 180.0)) {
            json_decref(data);
            return ot__error_field(err, OT_EINVAL, "latitude",
                                   "position %g,%g is out of range", u->latitude, u->longitude);
        }
        /* a stored position dated past now + skew (written before the clamp) is no
         * reason to keep newer ones out */
        if (ot_order_driver_location(&old, o, NULL) != 0 || old.timestamp_ms < when ||
            old.timestamp_ms > latest) {
            json_t *loc = json_pack("{s:f, s:f, s:o, s:n}", "latitude", u->latitude,
                                    "longitude", u->longitude, "timestamp",
                                    ot__jtime_new(when), "accuracy");
            if (!loc || json_object_set_new(data, "driver_location", loc)) {
                json_decref(data);
                return ot__error_set(err, OT_ENOMEM, "out of memory building an event");
            }
            if ((rc = ot__trail_push(w->tracker, o, loc, err))) {
                json_decref(data);
                return rc;
            }
        }
    }
    return ot__append(w, o, OT__EV_COURIER_UPDATE, to, data, err);
}

/* An update is bound to its order's partner: the provider must be the order's, and a
 * delivery id / AWB of the partner's own it names must be the order's delivery_tracking_id
 * when the order has one (DoorDash names a delivery by our order id alone: tracking_id
 * equal to order_id is no id of the partner's). Anything else is refused before any change
 * (enum ot__refusal; 0: bound). */
static int binding_refusal(const ot_order *o, const ot_update *u)
{
    const char *tid = ot_order_tracking_id(o);
    int own_id = has_text(u->tracking_id) &&
                 !(u->order_id && strcmp(u->order_id, u->tracking_id) == 0);
    if (ot_order_provider(o) != u->provider)
        return OT__REFUSED_PROVIDER;
    if (own_id && has_text(tid) && strcmp(tid, u->tracking_id) != 0)
        return OT__REFUSED_TRACKING_ID;
    return OT__REFUSED_NONE;
}

/* 1 when the dispatch moved the order away from `provider` (a dispatch_switched event whose
 * `from` is it) and the order is no longer that provider's. */
static int switched_away(const ot_tracker *t, const ot_order *o, int provider)
{
    const json_t *entry;
    const char *name = NULL;
    size_t i;

    if (ot_order_provider(o) == provider || ot__tracker_provider_name(t, &name, provider, NULL))
        return 0;
    json_array_foreach(json_object_get(o->doc, "status_history"), i, entry) {
        const json_t *ot = ot__entry_ot(entry);
        const char *from = ot__jstr(json_object_get(ot, "data"), "from");
        if (ot__event_from_name(ot__jstr(ot, "event")) == OT__EV_DISPATCH_SWITCHED && from &&
            strcmp(from, name) == 0)
            return 1;
    }
    return 0;
}

static int build_courier(struct ot__write *w, ot_order *o, ot_error *err)
{
    const ot_update *u = w->update;
    int *refusal = w->ctx;
    ot_update clamped;
    int64_t clamped_from = 0;
    int rc;
    if ((rc = check_update_strings(u, err)))
        return rc;
    if (switched_away(w->tracker, o, u->provider)) {
        w->result = OT_ESTALE;   /* a late report of a provider the dispatch cancelled */
        return 0;
    }
    if ((*refusal = binding_refusal(o, u)) == OT__REFUSED_PROVIDER)
        return ot__error_field(err, OT_EAUTH, "provider",
                               "a %s update cannot change order %.64s of another partner",
                               w->req->updated_by, ot_order_order_id(o));
    if (*refusal)
        return ot__error_field(err, OT_EAUTH, "tracking_id",
                               "tracking id %.64s is not order %.64s's delivery id",
                               u->tracking_id, ot_order_order_id(o));
    /* a partner's time past now + skew (a wrong clock, a forged 2999 scan) would make every
     * real update after it look older: it becomes now, the event keeps what was said */
    if (u->event_time_ms > ot__tracker_latest(w->tracker, w->now)) {
        clamped = *u;
        clamped.event_time_ms = w->now;
        clamped_from = u->event_time_ms;
        u = &clamped;
    }
    if (u->event_id && *u->event_id &&
        (ot__order_count_events(o, OT__EV_COURIER_UPDATE, u->event_id) ||
         ot__order_count_events(o, OT__EV_ISSUE_RAISED, u->event_id))) {
        w->result = OT_ESTALE;   /* a redelivered partner event */
        return 0;
    }
    if (u->flags & OT_UPDATE_UNMAPPED)
        return build_unmapped(w, o, u, err);
    if (ot__provider_parcel(ot_order_provider(o))) {
        if (u->flags & OT_UPDATE_LOCATION_ONLY) {
            w->result = OT_ESTALE;   /* a scan without status news: nothing to record */
            return 0;
        }
        return build_parcel(w, o, u, clamped_from, err);
    }
    return build_hyperlocal(w, o, u, clamped_from, err);
}

/* The order a tracking id names: the first of the update's own partner, else the first
 * of any (which the binding then refuses: a partner's AWB may also name another partner's
 * order, and the attempt is counted). */
struct first_id {
    char id[129];
    int found;        /* 0: none, 1: another partner's order, 2: the update's partner's */
    int provider;
};

/* How many orders sharing a tracking id are looked at for the update's own partner's. */
#define TRACKING_ID_MATCHES 16

static int keep_first(void *ctx, ot_order *order, ot_error *err)
{
    struct first_id *f = ctx;
    int own = ot_order_provider(order) == f->provider ? 2 : 1;
    (void)err;
    if (own > f->found) {
        ot__strlcpy(f->id, ot_order_order_id(order), sizeof f->id);
        f->found = own;
    }
    ot_order_free(order);
    return 0;
}

static int apply_update(ot_order **out, int *replayed, int *refusal, ot_tracker *tracker,
                        const ot_update *u, const char *idempotency_key, ot_error *err);

/* The order id of a dispatch's external id "<order_id>~<attempt>" (docs/couriers-dispatch.md;
 * '~' is in no order id) into `out`: 1, or 0 when `id` has not that shape. A delivery the
 * dispatch cancelled is no longer the order's delivery id: its late webhooks find the order
 * this way, and are stale there. */
static int dispatch_order_id(char *out, size_t size, const char *id)
{
    const char *tilde = strrchr(id, '~');
    size_t n = tilde ? (size_t)(tilde - id) : 0;

    if (!n || n >= size || !tilde[1] || strspn(tilde + 1, "0123456789") != strlen(tilde + 1))
        return 0;
    memcpy(out, id, n);
    out[n] = '\0';
    return 1;
}

/* Apply, then count the update by provider and result (a replayed idempotent answer is a
 * duplicate: stale; a refused one is rejected, and counted by reason too). */
int ot_tracker_apply_update(ot_order **out, ot_tracker *tracker, const ot_update *u,
                            const char *idempotency_key, ot_error *err)
{
    int replayed = 0, refusal = OT__REFUSED_NONE, result;
    int rc = apply_update(out, &replayed, &refusal, tracker, u, idempotency_key, err);
    if (!tracker || !tracker->options.metrics || !u || u->version == 0 ||
        u->version > OT_UPDATE_VERSION || u->provider <= 0 || u->provider >= OT_PROVIDER_COUNT)
        return rc;
    result = rc == OT_ESTALE || (rc == 0 && replayed) ? OT_COURIER_RESULT_STALE
           : rc == 0 ? ((u->flags & OT_UPDATE_UNMAPPED) ? OT_COURIER_RESULT_UNMAPPED
                                                        : OT_COURIER_RESULT_APPLIED)
           : rc == OT_ETRANSITION || (rc == OT_EAUTH && refusal) ? OT_COURIER_RESULT_REJECTED
           : OT_COURIER_RESULT_FAILED;
    ot_metrics_count_courier_update(tracker->options.metrics, u->provider, result, NULL);
    if (rc == OT_EAUTH && refusal)
        ot__metrics_count_refused(tracker->options.metrics, u->provider, refusal, NULL);
    return rc;
}

static int apply_update(ot_order **out, int *replayed, int *refusal, ot_tracker *tracker,
                        const ot_update *u, const char *idempotency_key, ot_error *err)
{
    ot_request req = OT_REQUEST_INIT;
    struct ot__write w = {"apply_update", &req, u, 0, 0, build_courier, tracker,
                          0, 0, 0, 0, refusal, 0, 0, 0};
    struct first_id f = {"", 0, u ? u->provider : 0};
    const char *provider;
    int rc;

    if (out)
        *out = NULL;
    if (!tracker)
        return ot__error_field(err, OT_EINVAL, "tracker", "tracker is NULL");
    if (!u)
        return ot__error_field(err, OT_EINVAL, "update", "update is NULL");
    if ((rc = ot__check_version(u->version, OT_UPDATE_VERSION, "update", err)))
        return rc;
    if ((rc = ot__tracker_provider_name(tracker, &provider, u->provider, err)))
        return rc;
    if (u->order_id && *u->order_id) {
        req.order_id = dispatch_order_id(f.id, sizeof f.id, u->order_id) ? f.id : u->order_id;
    } else if (u->tracking_id && *u->tracking_id) {
        ot_storage_query q = OT_STORAGE_QUERY_INIT;
        char cursor[OT_STORAGE_CURSOR_SIZE];
        if ((rc = ot__check_string(u->tracking_id, "tracking_id", 1, 128, err)))
            return rc;
        q.delivery_tracking_id = u->tracking_id;
        q.limit = TRACKING_ID_MATCHES;
        rc = ot__tracker_query(tracker, &q, keep_first, &f, cursor, sizeof cursor, err);
        if (rc)
            return rc;
        if (!f.found && !dispatch_order_id(f.id, sizeof f.id, u->tracking_id))
            return ot__error_field(err, OT_ENOTFOUND, "tracking_id",
                                   "no order has tracking id %.64s", u->tracking_id);
        req.order_id = f.id;
    } else {
        return ot__error_field(err, OT_EINVAL, "order_id",
                               "the update names neither an order_id nor a tracking_id");
    }
    req.idempotency_key = idempotency_key;
    req.updated_by = provider;
    req.notes = u->notes;
    rc = ot__tracker_write(&w, out, err);
    *replayed = w.replayed;
    return rc;
}
