/* Uber Direct webhooks: event.delivery_status and event.courier_update. Other kinds
 * (refund_request, shopping_progress...) carry no tracking state: empty list. */
#include <string.h>

#include "parse_internal.h"

static int courier(struct ot__parse *p, ot_update *u, const json_t *data)
{
    json_t *c;
    const char *name, *phone, *vehicle, *img;

    OT__TRY(ot__json_opt_object(&c, data, "courier", "data", p->err));
    if (!c)
        return 0;
    OT__TRY(ot__json_opt_string(&name, c, "name", "data.courier", p->err));
    OT__TRY(ot__json_opt_string(&phone, c, "phone_number", "data.courier", p->err));
    OT__TRY(ot__json_opt_string(&vehicle, c, "vehicle_type", "data.courier", p->err));
    OT__TRY(ot__json_opt_string(&img, c, "img_href", "data.courier", p->err));
    OT__TRY(ot__parse_copy(p, &u->driver_name, name));
    OT__TRY(ot__parse_copy(p, &u->driver_phone, phone));
    OT__TRY(ot__parse_copy(p, &u->vehicle_type, vehicle));
    OT__TRY(ot__parse_copy(p, &u->photo_url, img));
    return ot__parse_position(p, u, c, "location", "data.courier");
}

int ot__parse_uber(struct ot__parse *p, const json_t *root)
{
    json_t *data;
    const char *kind, *id, *delivery_id, *status, *external, *url, *action;
    int64_t created, eta;
    int imminent, has_imminent, location_only;
    ot_update *u;

    OT__TRY(ot__json_req_string(&kind, root, "kind", "", p->err));
    if (strcmp(kind, "event.delivery_status") == 0)
        location_only = 0;
    else if (strcmp(kind, "event.courier_update") == 0)
        location_only = 1;
    else
        return 0;
    OT__TRY(ot__json_opt_string(&id, root, "id", "", p->err));
    OT__TRY(ot__json_opt_time(&created, root, "created", 0, "", p->err));
    OT__TRY(ot__json_req_object(&data, root, "data", "", p->err));
    OT__TRY(ot__json_opt_string(&delivery_id, root, "delivery_id", "", p->err));
    if (!delivery_id)
        OT__TRY(ot__json_opt_string(&delivery_id, data, "id", "data", p->err));
    if (!delivery_id || !delivery_id[0])
        return ot__json_field_error(p->err, OT_EPARSE, "", "delivery_id", "missing");
    OT__TRY(ot__json_opt_string(&status, root, "status", "", p->err));
    if (!status)
        OT__TRY(ot__json_req_string(&status, data, "status", "data", p->err));
    OT__TRY(ot__json_opt_bool(&imminent, &has_imminent, data, "courier_imminent", "data",
                              p->err));
    OT__TRY(ot__json_opt_string(&external, data, "external_id", "data", p->err));
    OT__TRY(ot__json_opt_string(&url, data, "tracking_url", "data", p->err));
    OT__TRY(ot__json_opt_string(&action, data, "undeliverable_action", "data", p->err));
    OT__TRY(ot__json_opt_time(&eta, data, "dropoff_eta", 0, "data", p->err));

    u = ot__parse_push(p, OT_PROVIDER_UBER);
    if (!u)
        return OT_ENOMEM;
    OT__TRY(ot__parse_copy(p, &u->tracking_id, delivery_id));
    OT__TRY(ot__parse_copy(p, &u->order_id, external));
    OT__TRY(ot__parse_copy(p, &u->event_id, id));
    OT__TRY(ot__parse_copy(p, &u->raw_status, status));
    OT__TRY(ot__parse_copy(p, &u->raw_type, has_imminent ? (imminent ? "true" : "false")
                                                         : NULL));
    OT__TRY(ot__parse_copy(p, &u->tracking_url, url));
    OT__TRY(ot__parse_copy(p, &u->notes, action && action[0] ? action : NULL));
    u->event_time_ms = created;
    u->eta_ms = eta;
    OT__TRY(courier(p, u, data));
    if (!(u->flags & OT_UPDATE_HAS_POSITION))
        OT__TRY(ot__parse_position(p, u, root, "location", ""));
    ot__parse_map(p, u, NULL);
    if (action && strcmp(action, "left_at_door") == 0)
        u->flags |= OT_UPDATE_LEFT_AT_DOOR;
    /* Uber's return of the items is a delivery of its own, ret_..., linked to del_... */
    if (strncmp(delivery_id, "ret_", 4) == 0)
        u->flags |= OT_UPDATE_RETURNED;
    if (location_only)
        u->flags |= OT_UPDATE_LOCATION_ONLY;
    return 0;
}
