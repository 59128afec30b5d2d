/* DoorDash Drive webhooks: keyed on event_name (upper snake case), delivery_status as a
 * fallback when event_name is absent. Times are ISO-8601 UTC. */
#include "courier/parse_internal.h"

int ot__parse_doordash(struct ot__parse *p, const json_t *root)
{
    const char *event, *dstatus, *external, *dasher_id, *name, *phone, *url, *reason;
    char id_buf[32];
    int64_t created, eta;
    ot_update *u;

    OT__TRY(ot__json_opt_string(&event, root, "event_name", "", p->err));
    OT__TRY(ot__json_opt_string(&dstatus, root, "delivery_status", "", p->err));
    if (!event && !dstatus)
        return ot__json_field_error(p->err, OT_EPARSE, "", "event_name", "missing");
    OT__TRY(ot__json_req_string(&external, root, "external_delivery_id", "", p->err));
    if (!external[0])
        return ot__json_field_error(p->err, OT_EPARSE, "", "external_delivery_id", "empty");
    OT__TRY(ot__json_opt_time(&created, root, "created_at", 0, "", p->err));
    OT__TRY(ot__json_opt_time(&eta, root, "dropoff_time_estimated", 0, "", p->err));
    OT__TRY(ot__json_opt_id(&dasher_id, id_buf, sizeof id_buf, root, "dasher_id", "", p->err));
    OT__TRY(ot__json_opt_string(&name, root, "dasher_name", "", p->err));
    OT__TRY(ot__json_opt_string(&phone, root, "dasher_dropoff_phone_number", "", p->err));
    if (!phone)
        OT__TRY(ot__json_opt_string(&phone, root, "dasher_pickup_phone_number", "", p->err));
    OT__TRY(ot__json_opt_string(&url, root, "tracking_url", "", p->err));
    OT__TRY(ot__json_opt_string(&reason, root, "cancellation_reason", "", p->err));

    u = ot__parse_push(p, OT_PROVIDER_DOORDASH);
    if (!u)
        return OT_ENOMEM;
    /* The Drive API names a delivery by the caller's external_delivery_id. */
    OT__TRY(ot__parse_copy(p, &u->tracking_id, external));
    OT__TRY(ot__parse_copy(p, &u->order_id, external));
    OT__TRY(ot__parse_copy(p, &u->raw_status, event ? event : dstatus));
    OT__TRY(ot__parse_copy(p, &u->raw_type, event ? dstatus : NULL));
    OT__TRY(ot__parse_copy(p, &u->driver_id, dasher_id));
    OT__TRY(ot__parse_copy(p, &u->driver_name, name));
    OT__TRY(ot__parse_copy(p, &u->driver_phone, phone));
    OT__TRY(ot__parse_copy(p, &u->tracking_url, url));
    OT__TRY(ot__parse_copy(p, &u->notes, reason));
    u->event_time_ms = created;
    u->eta_ms = eta;
    OT__TRY(ot__parse_position(p, u, root, "dasher_location", ""));
    ot__parse_map(p, u, NULL);
    return 0;
}
