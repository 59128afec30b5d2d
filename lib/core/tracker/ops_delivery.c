/* Delivery operations: driver assignment (or none, with backoff), location, pickup,
 * delivered. */
#include <math.h>
#include <stdio.h>

#include "common.h"
#include "json/json_internal.h"
#include "tracker/tracker_internal.h"

static int build_no_driver(struct ot__write *w, ot_order *o, ot_error *err)
{
    const ot_tracker_options *opt = &w->tracker->options;
    size_t attempt = ot__order_count_events(o, OT__EV_NO_DRIVER, NULL) + 1;
    int64_t delay = opt->no_driver_retry_base_ms;
    size_t i;
    json_t *data;
    char description[96];
    int rc;

    if (ot_order_status(o) != OT_STATUS_READY_FOR_PICKUP)
        return ot__error_field(err, OT_ESTATE, "driver",
                               "no-driver retries apply only to an order ready_for_pickup");
    for (i = 1; i < attempt && delay < opt->no_driver_retry_cap_ms; i++)
        delay *= 2;
    if (delay > opt->no_driver_retry_cap_ms)
        delay = opt->no_driver_retry_cap_ms;
    w->retry_after_ms = delay;
    data = json_pack("{s:I, s:I}", "attempt", (json_int_t)attempt, "retry_after_ms",
                     (json_int_t)delay);
    if (!data)
        return ot__error_set(err, OT_ENOMEM, "out of memory building an event");
    if ((rc = ot__append(w, o, OT__EV_NO_DRIVER, OT_STATUS_READY_FOR_PICKUP, data, err)) ||
        attempt != w->tracker->escalation.no_driver_escalation_attempts)
        return rc;
    /* the escalating attempt: counts only grow, so it comes once per order */
    snprintf(description, sizeof description, "no driver found after %zu attempts; escalated",
             attempt);
    data = json_pack("{s:I}", "attempt", (json_int_t)attempt);
    if (!data)
        return ot__error_set(err, OT_ENOMEM, "out of memory building an event");
    return ot__escalation_append(w, o, "no_drivers", 2, description, data, err);
}

/* Another driver for an order that has one: before the pickup the partner reassigned it (a
 * driver_assigned entry again, the status kept, `reassigned_from` naming the driver it
 * replaces; *from points into the order); after the pickup the goods are with the first
 * driver: OT_ESTATE. The same driver again, or no driver yet: nothing to say here. */
static int driver_change_check(const ot_order *o, const char *driver_id, const char **from,
                               ot_error *err)
{
    ot_driver_view d = OT_DRIVER_VIEW_INIT;
    int status = ot_order_status(o);

    *from = NULL;
    if (ot_status_is_terminal(status, NULL) == 1 || ot_order_driver_details(&d, o, NULL) != 0 ||
        !d.driver_id || strcmp(d.driver_id, driver_id) == 0)
        return 0;
    if (status != OT_STATUS_DRIVER_ASSIGNED)
        return ot__error_field(err, OT_ESTATE, "driver.driver_id",
                               "the order's driver has picked it up: its driver can no longer "
                               "change");
    *from = d.driver_id;
    return 0;
}

static int build_assign(struct ot__write *w, ot_order *o, ot_error *err)
{
    const ot_request *r = w->req;
    const char *reassigned_from = NULL;
    json_t *data;
    int rc;

    if (!r->driver_id)
        return build_no_driver(w, o, err);
    if ((rc = ot__check_string(r->driver_id, "driver.driver_id", 1, 128, err)) ||
        (rc = ot__check_string(r->driver_name, "driver.name", 1, 256, err)) ||
        (rc = ot__check_string(r->driver_phone, "driver.phone", 1, 64, err)) ||
        (rc = ot__check_string(r->vehicle_type, "driver.vehicle_type", 1, 64, err)) ||
        (rc = ot__check_string(r->vehicle_number, "driver.vehicle_number", 0, 64, err)) ||
        (rc = ot__check_string(r->photo_url, "driver.photo_url", 0, 2048, err)) ||
        (rc = ot__check_string(r->tracking_id, "tracking_id", 0, 128, err)) ||
        (rc = ot__check_string(r->tracking_url, "tracking_url", 0, 2048, err)))
        return rc;
    if (r->estimated_delivery_ms < 0)
        return ot__error_field(err, OT_EINVAL, "estimated_delivery_ms",
                               "estimated_delivery_ms must be 0 or a time");
    if ((rc = driver_change_check(o, r->driver_id, &reassigned_from, err)))
        return rc;
    if (!reassigned_from && (rc = ot__check_step(o, OT_STATUS_DRIVER_ASSIGNED, OT_SOURCE_API,
                                                 err)))
        return rc;
    data = json_pack("{s:{s:s, s:s, s:s, s:s, s:s?, s:s?}}", "driver_details",
                     "driver_id", r->driver_id, "name", r->driver_name, "phone",
                     r->driver_phone, "vehicle_type", r->vehicle_type, "vehicle_number",
                     r->vehicle_number && *r->vehicle_number ? r->vehicle_number : NULL,
                     "photo_url", r->photo_url && *r->photo_url ? r->photo_url : NULL);
    if (!data || (r->tracking_id && *r->tracking_id &&
                  ot__jset_str(data, "delivery_tracking_id", r->tracking_id)) ||
        (r->tracking_url && *r->tracking_url &&
         ot__jset_str(data, "delivery_tracking_url", r->tracking_url)) ||
        (r->estimated_delivery_ms > 0 &&
         ot__jset_time(data, "estimated_delivery_time", r->estimated_delivery_ms)) ||
        (reassigned_from && ot__jset_str(data, "reassigned_from", reassigned_from))) {
        json_decref(data);
        return ot__error_set(err, OT_ENOMEM, "out of memory building an event");
    }
    return ot__append(w, o, OT__EV_DRIVER_ASSIGNED, OT_STATUS_DRIVER_ASSIGNED, data, err);
}

int ot_tracker_assign_driver(ot_order **out, int64_t *retry_after_ms, ot_tracker *tracker,
                             const ot_request *request, ot_error *err)
{
    struct ot__write w = OT__WRITE("assign_driver", build_assign);
    int rc = ot__tracker_write(&w, out, err);
    if (retry_after_ms)
        *retry_after_ms = rc == 0 ? w.retry_after_ms : 0;
    return rc;
}

int ot__check_request_time(const struct ot__write *w, int64_t time_ms, ot_error *err)
{
    if (time_ms < 0)
        return ot__error_field(err, OT_EINVAL, "time_ms", "time_ms must be 0 or a time");
    if (time_ms > ot__tracker_latest(w->tracker, w->now))
        return ot__error_field(err, OT_EINVAL, "time_ms",
                               "time_ms is %lld ms past the tracker's clock (the skew allowed "
                               "is %lld ms)", (long long)(time_ms - w->now),
                               (long long)w->tracker->options.clock_skew_ms);
    return 0;
}

int ot__driver_active(int status)
{
    return status == OT_STATUS_DRIVER_ASSIGNED || status == OT_STATUS_DRIVER_PICKUP_COMPLETE ||
           status == OT_STATUS_IN_TRANSIT;
}

int ot__set_location(struct ot__write *w, ot_order *o, double lat, double lon,
                     int has_accuracy, double accuracy, int64_t time_ms, ot_error *err)
{
    ot_location_view old = OT_LOCATION_VIEW_INIT;
    json_t *loc;
    int rc;

    if (!(lat >= -90.0 && lat <= 90.0))
        return ot__error_field(err, OT_EINVAL, "latitude", "latitude %g is outside -90..90",
                               lat);
    if (!(lon >= -180.0 && lon <= 180.0))
        return ot__error_field(err, OT_EINVAL, "longitude",
                               "longitude %g is outside -180..180", lon);
    if (has_accuracy && !(accuracy >= 0.0 && accuracy <= 1e7))
        return ot__error_field(err, OT_EINVAL, "accuracy", "accuracy %g is outside 0..1e7",
                               accuracy);
    if ((rc = ot__check_request_time(w, time_ms, err)))
        return rc;
    if (!ot__driver_active(ot_order_status(o)))
        return ot__error_field(err, OT_ESTATE, "status",
                               "a location needs an assigned driver and an undelivered order");
    if (!time_ms)
        time_ms = w->now;
    /* a stored position dated past now + skew (written before the clamp) does not keep
     * real ones out: the order recovers with the next report */
    if (ot_order_driver_location(&old, o, NULL) == 0 && old.timestamp_ms >= time_ms &&
        old.timestamp_ms <= ot__tracker_latest(w->tracker, w->now)) {
        w->result = OT_ESTALE;   /* older than (or as old as) the stored position */
        return 0;
    }
    loc = json_pack("{s:f, s:f, s:o, s:o}", "latitude", lat, "longitude", lon, "timestamp",
                    ot__jtime_new(time_ms), "accuracy",
                    has_accuracy ? json_real(accuracy) : json_null());
    if (!loc || json_object_set_new(o->doc, "driver_location", loc))
        return ot__error_set(err, OT_ENOMEM, "out of memory setting the location");
    w->projection_only = 1;
    return ot__trail_push(w->tracker, o, loc, err);
}

int ot__trail_push(const ot_tracker *t, ot_order *o, const json_t *loc, ot_error *err)
{
    json_t *trail = json_object_get(o->doc, "location_trail");
    size_t keep = t->options.location_trail;

    if (!json_is_array(trail)) {
        trail = json_array();
        if (!trail || json_object_set_new(o->doc, "location_trail", trail))
            return ot__error_set(err, OT_ENOMEM, "out of memory setting the location trail");
    }
    if (keep && json_array_append_new(trail, ot__json_copy(loc)))
        return ot__error_set(err, OT_ENOMEM, "out of memory setting the location trail");
    while (json_array_size(trail) > keep)
        json_array_remove(trail, 0);
    return 0;
}

/* A driver's location. The first one after pickup (newer than the stored position and not
 * older than the pickup time) also moves the order to in_transit, with a history entry of its
 * own (status_changed, implied_by update_location): seed 000 has no in-transit route, and a
 * driver reporting positions with the goods on board is travelling. */
static int build_location(struct ot__write *w, ot_order *o, ot_error *err)
{
    const ot_request *r = w->req;
    int64_t picked_up = 0, when = r->time_ms > 0 ? r->time_ms : w->now;
    json_t *data;
    int rc = ot__set_location(w, o, r->latitude, r->longitude, r->has_accuracy, r->accuracy,
                              r->time_ms, err);

    if (rc || w->result == OT_ESTALE || ot_order_status(o) != OT_STATUS_DRIVER_PICKUP_COMPLETE)
        return rc;
    if (ot_order_time(&picked_up, o, OT_TIME_DELIVERY_PICKUP, NULL) == 0 && when < picked_up)
        return 0;   /* a position from before the pickup, sent late */
    data = json_pack("{s:s}", "implied_by", w->op);
    if (!data)
        return ot__error_set(err, OT_ENOMEM, "out of memory building an event");
    return ot__append(w, o, OT__EV_STATUS_CHANGED, OT_STATUS_IN_TRANSIT, data, err);
}

int ot_tracker_update_location(ot_order **out, ot_tracker *tracker, const ot_request *request,
                               ot_error *err)
{
    struct ot__write w = OT__WRITE("update_location", build_location);
    return ot__tracker_write(&w, out, err);
}

/* A step to `to` whose time may be given by the caller (data.time). */
static int timed_step(struct ot__write *w, ot_order *o, int event, int to, ot_error *err)
{
    json_t *data = NULL;
    int rc;
    if ((rc = ot__check_request_time(w, w->req->time_ms, err)))
        return rc;
    if ((rc = ot__step_implied(w, o, to, err)))
        return rc;
    if (w->req->time_ms > 0) {
        data = json_pack("{s:o}", "time", ot__jtime_new(w->req->time_ms));
        if (!data)
            return ot__error_set(err, OT_ENOMEM, "out of memory building an event");
    }
    return ot__append(w, o, event, to, data, err);
}

static int build_pickup(struct ot__write *w, ot_order *o, ot_error *err)
{
    return timed_step(w, o, OT__EV_PICKED_UP, OT_STATUS_DRIVER_PICKUP_COMPLETE, err);
}

/* delivered from driver_pickup_complete records the implied in_transit step first. */
static int build_delivered(struct ot__write *w, ot_order *o, ot_error *err)
{
    return timed_step(w, o, OT__EV_DELIVERED, OT_STATUS_DELIVERED, err);
}

int ot_tracker_pickup(ot_order **out, ot_tracker *tracker, const ot_request *request,
                      ot_error *err)
{
    struct ot__write w = OT__WRITE("pickup", build_pickup);
    return ot__tracker_write(&w, out, err);
}

int ot_tracker_delivered(ot_order **out, ot_tracker *tracker, const ot_request *request,
                         ot_error *err)
{
    struct ot__write w = OT__WRITE("delivered", build_delivered);
    return ot__tracker_write(&w, out, err);
}
