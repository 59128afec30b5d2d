/* Uber Direct webhooks: event.delivery_status and event.courier_update. Other kinds
 * (refund_request, shopping_progress...) carry no tracking state: empty list. */
#include <string.h>

#include "courier/parse_internal.h"

/* Uber names no courier id: the driver is `uber:<delivery id>`, one per delivery (stable
 * over every event of it; a courier swap shows as a new name under the same id). No personal
 * data goes into the id, which is not sealed at rest. */
#define UBER_DRIVER_PREFIX "uber:"

/* "car (blue Toyota Prius)": what a customer looks for at the door. The plain type when
 * colour, make and model are all absent, or when the description would not fit the 64 bytes
 * the tracker keeps. */
static int vehicle(struct ot__parse *p, ot_update *u, const json_t *c)
{
    static const char *const keys[] = {"vehicle_color", "vehicle_make", "vehicle_model"};
    const char *type, *part[3];
    char buf[65];
    int n;

    OT__TRY(ot__json_opt_string(&type, c, "vehicle_type", "data.courier", p->err));
    for (n = 0; n < 3; n++) {
        OT__TRY(ot__json_opt_string(&part[n], c, keys[n], "data.courier", p->err));
        if (!part[n])
            part[n] = "";
    }
    if (!*part[0] && !*part[1] && !*part[2])
        return ot__parse_copy(p, &u->vehicle_type, type);
    n = snprintf(buf, sizeof buf, "%s%s%s%s%s%s%s%s", type && *type ? type : "",
                 type && *type ? " (" : "", part[0], *part[0] && *part[1] ? " " : "", part[1],
                 (*part[0] || *part[1]) && *part[2] ? " " : "", part[2],
                 type && *type ? ")" : "");
    return ot__parse_copy(p, &u->vehicle_type, n >= 0 && (size_t)n < sizeof buf ? buf : type);
}

static int courier(struct ot__parse *p, ot_update *u, const json_t *data,
                   const char *delivery_id)
{
    json_t *c;
    const char *name, *phone, *img;
    char id[129];   /* the tracker keeps ids of up to 128 bytes */

    OT__TRY(ot__json_opt_object(&c, data, "courier", "data", p->err));
    if (!c)
        return 0;
    OT__TRY(ot__json_opt_string(&name, c, "name", "data.courier", p->err));
    OT__TRY(ot__json_opt_string(&phone, c, "phone_number", "data.courier", p->err));
    OT__TRY(ot__json_opt_string(&img, c, "img_href", "data.courier", p->err));
    OT__TRY(ot__parse_copy(p, &u->driver_name, name));
    OT__TRY(ot__parse_copy(p, &u->driver_phone, phone));
    OT__TRY(ot__parse_copy(p, &u->photo_url, img));
    OT__TRY(vehicle(p, u, c));
    if ((name && *name) || (phone && *phone)) {
        snprintf(id, sizeof id, UBER_DRIVER_PREFIX "%s", delivery_id);
        OT__TRY(ot__parse_copy(p, &u->driver_id, id));
    }
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
    OT__TRY(courier(p, u, data, delivery_id));
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
