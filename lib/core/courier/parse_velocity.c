/* Velocity tracking response ({"result": {"<awb>": {"tracking_data": ...}}}) and
 * "status_change" webhook. Times without an offset are IST. */
#include <stdio.h>
#include <string.h>

#include "courier/parse_internal.h"

static int tracking_data(struct ot__parse *p, const json_t *td, const char *awb,
                         const char *path)
{
    json_t *acts;
    const char *status, *url;
    char sub[OT__PATH_MAX];
    struct ot__activity act;
    int64_t eta;
    ot_update *u;

    OT__TRY(ot__json_req_string(&status, td, "shipment_status", path, p->err));
    OT__TRY(ot__json_opt_string(&url, td, "track_url", path, p->err));
    OT__TRY(ot__json_opt_time(&eta, td, "etd", OT__IST_OFFSET_MIN, path, p->err));
    OT__TRY(ot__json_opt_array(&acts, td, "shipment_track_activities", path, p->err));
    snprintf(sub, sizeof sub, "%.60s.shipment_track_activities", path);
    OT__TRY(ot__parse_newest(p, &act, acts, sub));
    u = ot__parse_push(p, OT_PROVIDER_VELOCITY);
    if (!u)
        return OT_ENOMEM;
    OT__TRY(ot__parse_copy(p, &u->tracking_id, awb));
    OT__TRY(ot__parse_copy(p, &u->raw_status, status));
    OT__TRY(ot__parse_copy(p, &u->location, act.location));
    OT__TRY(ot__parse_copy(p, &u->notes, act.activity));
    OT__TRY(ot__parse_copy(p, &u->tracking_url, url));
    u->event_time_ms = act.time_ms;
    u->eta_ms = eta;
    ot__parse_map(p, u, NULL);
    return 0;
}

int ot__parse_velocity_tracking(struct ot__parse *p, const json_t *root)
{
    json_t *result, *value, *td;
    const char *awb;
    char path[OT__PATH_MAX];

    OT__TRY(ot__json_req_object(&result, root, "result", "", p->err));
    json_object_foreach(result, awb, value) {
        snprintf(path, sizeof path, "result.%.60s", awb);
        if (!json_is_object(value))
            return ot__json_field_error(p->err, OT_EPARSE, "result", awb, "expected an object");
        OT__TRY(ot__json_opt_object(&td, value, "tracking_data", path, p->err));
        if (!td)
            continue; /* an AWB Velocity does not know: {"error": ...} */
        snprintf(path, sizeof path, "result.%.60s.tracking_data", awb);
        OT__TRY(tracking_data(p, td, awb, path));
    }
    return 0;
}

int ot__parse_velocity_webhook(struct ot__parse *p, const json_t *root)
{
    json_t *data;
    const char *event, *event_id, *awb, *order, *status, *sub_status, *url;
    char id_buf[32], awb_buf[32], order_buf[32];
    int64_t time_ms, eta;
    ot_update *u;

    OT__TRY(ot__json_req_string(&event, root, "event", "", p->err));
    if (strcmp(event, "status_change") != 0)
        return 0; /* not a status event: nothing to track */
    OT__TRY(ot__json_opt_id(&event_id, id_buf, sizeof id_buf, root, "event_id", "", p->err));
    OT__TRY(ot__json_opt_time(&time_ms, root, "event_timestamp", OT__IST_OFFSET_MIN, "",
                              p->err));
    OT__TRY(ot__json_req_object(&data, root, "data", "", p->err));
    OT__TRY(ot__json_opt_id(&awb, awb_buf, sizeof awb_buf, data, "tracking_number", "data",
                            p->err));
    if (!awb || !awb[0])
        return ot__json_field_error(p->err, OT_EPARSE, "data", "tracking_number", "missing");
    OT__TRY(ot__json_opt_id(&order, order_buf, sizeof order_buf, data, "order_external_id",
                            "data", p->err));
    if (!order)
        OT__TRY(ot__json_opt_id(&order, order_buf, sizeof order_buf, data, "order_id", "data",
                                p->err));
    OT__TRY(ot__json_req_string(&status, data, "status", "data", p->err));
    OT__TRY(ot__json_opt_string(&sub_status, data, "sub_status", "data", p->err));
    OT__TRY(ot__json_opt_string(&url, data, "tracking_url", "data", p->err));
    OT__TRY(ot__json_opt_time(&eta, data, "estimated_delivery_date", OT__IST_OFFSET_MIN, "data",
                              p->err));

    u = ot__parse_push(p, OT_PROVIDER_VELOCITY);
    if (!u)
        return OT_ENOMEM;
    OT__TRY(ot__parse_copy(p, &u->tracking_id, awb));
    OT__TRY(ot__parse_copy(p, &u->order_id, order));
    OT__TRY(ot__parse_copy(p, &u->event_id, event_id));
    OT__TRY(ot__parse_copy(p, &u->raw_status, status));
    OT__TRY(ot__parse_copy(p, &u->raw_type, sub_status));
    OT__TRY(ot__parse_copy(p, &u->tracking_url, url));
    u->event_time_ms = time_ms;
    u->eta_ms = eta;
    ot__parse_map(p, u, NULL);
    return 0;
}
