/* The customer's view of an order (custview.h). */
#include "custview.h"

#include <stdio.h>
#include <string.h>

/* Lifecycle status -> customer stage; the stages with a driver on the order. */
static const struct {
    const char *status, *stage;
    int driver;         /* show the driver's first name and vehicle */
    int moving;         /* show the position (hyperlocal orders) */
} stages[] = {
    {"submitted", "placed", 0, 0},
    {"store_notified", "placed", 0, 0},
    {"store_acknowledged", "confirmed", 0, 0},
    {"picking_in_progress", "preparing", 0, 0},
    {"substitutions_needed", "preparing", 0, 0},
    {"substitutions_approved", "preparing", 0, 0},
    {"ready_for_pickup", "ready", 0, 0},
    {"driver_assigned", "driver_assigned", 1, 1},
    {"driver_pickup_complete", "picked_up", 1, 1},
    {"in_transit", "on_the_way", 1, 1},
    {"delivered", "delivered", 0, 0},
    {"cancelled", "cancelled", 0, 0},
    {"failed", "failed", 0, 0},
};

static int stage_index(const char *status)
{
    for (size_t i = 0; status && i < sizeof stages / sizeof stages[0]; i++)
        if (strcmp(stages[i].status, status) == 0)
            return (int)i;
    return -1;
}

const char *otd_customer_stage(const char *status)
{
    int i = stage_index(status);

    return i < 0 ? NULL : stages[i].stage;
}

/* A member copied when it is a string, else null. */
static json_t *string_or_null(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);

    return json_is_string(v) ? json_string(json_string_value(v)) : json_null();
}

/* {"first_name", "vehicle"}: the name's first word and the vehicle's type and number. */
static json_t *driver_of(const json_t *details)
{
    const char *name = json_string_value(json_object_get(details, "name"));
    const char *type = json_string_value(json_object_get(details, "vehicle_type"));
    const char *plate = json_string_value(json_object_get(details, "vehicle_number"));
    size_t n;
    char vehicle[160];

    if (!json_is_object(details))
        return json_null();
    while (name && *name == ' ')
        name++;
    n = name ? strcspn(name, " ") : 0;
    snprintf(vehicle, sizeof vehicle, "%s%s%s", type ? type : "", type && plate ? " " : "",
             plate ? plate : "");
    return json_pack("{s:o s:s?}", "first_name", n ? json_stringn(name, n) : json_null(),
                     "vehicle", vehicle[0] ? vehicle : NULL);
}

/* The history in customer stages, each stage once; and the ETA's revisions. */
static void walk_history(const json_t *history, json_t *timeline, json_t *revisions)
{
    const char *last_stage = NULL, *last_eta = NULL;
    size_t i;
    json_t *e;

    json_array_foreach(history, i, e) {
        const char *stage = otd_customer_stage(json_string_value(json_object_get(e, "status")));
        const char *at = json_string_value(json_object_get(e, "timestamp"));
        json_t *data = json_object_get(json_object_get(json_object_get(e, "metadata"), "ot"),
                                       "data");
        const char *eta = json_string_value(json_object_get(data, "estimated_delivery_time"));
        int seen = 0;

        for (size_t j = 0; stage && j < json_array_size(timeline); j++)
            seen |= strcmp(json_string_value(json_object_get(json_array_get(timeline, j),
                                                             "stage")),
                           stage) == 0;
        if (stage && !seen && (!last_stage || strcmp(stage, last_stage) != 0))
            json_array_append_new(timeline, json_pack("{s:s s:s?}", "stage", stage, "at", at));
        if (stage)
            last_stage = stage;
        if (eta && (!last_eta || strcmp(eta, last_eta) != 0)) {
            json_array_append_new(revisions, json_pack("{s:s s:s?}", "eta", eta, "at", at));
            last_eta = eta;
        }
    }
}

/* The position and the trail as [[lat, lon]...]. */
static void add_position(json_t *view, const json_t *order)
{
    const json_t *where = json_object_get(order, "driver_location");
    const json_t *trail = json_object_get(order, "location_trail"), *p;
    json_t *points = json_array();
    size_t i;

    if (json_is_object(where) && json_is_number(json_object_get(where, "latitude")) &&
        json_is_number(json_object_get(where, "longitude")))
        json_object_set_new(view, "position",
                            json_pack("{s:O s:O s:o}", "latitude",
                                      json_object_get(where, "latitude"), "longitude",
                                      json_object_get(where, "longitude"), "at",
                                      string_or_null(where, "timestamp")));
    json_array_foreach(trail, i, p) {
        json_t *lat = json_object_get(p, "latitude"), *lon = json_object_get(p, "longitude");
        if (json_is_number(lat) && json_is_number(lon))
            json_array_append_new(points, json_pack("[O O]", lat, lon));
    }
    json_object_set_new(view, "trail", points);
}

json_t *otd_customer_view(const json_t *order)
{
    const char *status = json_string_value(json_object_get(order, "current_status"));
    const char *order_id = json_string_value(json_object_get(order, "order_id"));
    int s = stage_index(status);
    int hyperlocal = json_is_null(json_object_get(order, "shipment_status"));
    json_t *view, *timeline = json_array(), *revisions = json_array();

    if (s < 0 || !order_id || !timeline || !revisions) {
        json_decref(timeline);
        json_decref(revisions);
        return NULL;
    }
    walk_history(json_object_get(order, "status_history"), timeline, revisions);
    view = json_pack("{s:s s:s s:b s:b s:o s:o s:o s:o s:o s:n s:[]}", "order_id", order_id,
                     "stage", stages[s].stage, "terminal",
                     strcmp(status, "delivered") == 0 || strcmp(status, "cancelled") == 0 ||
                         strcmp(status, "failed") == 0,
                     "hyperlocal", hyperlocal, "timeline", timeline, "eta",
                     string_or_null(order, "estimated_delivery_time"), "eta_revisions",
                     revisions, "delivered_at", string_or_null(order, "actual_delivery_time"),
                     "driver",
                     stages[s].driver ? driver_of(json_object_get(order, "driver_details"))
                                      : json_null(),
                     "position", "trail");
    if (view && hyperlocal && stages[s].moving)
        add_position(view, order);
    return view;
}
