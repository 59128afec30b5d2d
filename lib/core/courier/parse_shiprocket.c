/* Shiprocket tracking response (one AWB: {"tracking_data": ...}; batch: {"<awb>":
 * {"tracking_data": ...}, ...}) and status webhook. Mapping is on the status id
 * (tracking_data.shipment_status, the webhook's shipment_status_id) when present, else on the
 * status words (shipment_track[0].current_status; the webhook's shipment_status, else
 * current_status); raw_status holds the key mapped.
 * Times without an offset ("2023-05-23 11:43:52", "23 05 2023 11:43:52") are IST. */
#include <stdio.h>
#include <string.h>

#include "courier/parse_internal.h"

/* The first of two status keys that is present and not blank (the id before the words), or
 * NULL. */
static const char *first_key(const char *first, const char *second)
{
    if (first && first[strspn(first, " \t\r\n")] != '\0')
        return first;
    if (second && second[strspn(second, " \t\r\n")] != '\0')
        return second;
    return NULL;
}

/* One tracking_data object; `awb` from the batch key, or NULL. */
static int tracking_data(struct ot__parse *p, const json_t *td, const char *awb,
                         const char *path)
{
    json_t *track, *acts, *first = NULL;
    const char *status, *url, *order = NULL, *current = NULL;
    char sub[OT__PATH_MAX], status_buf[32], awb_buf[32], order_buf[32];
    struct ot__activity act;
    int64_t eta;
    double track_status;
    int has_track_status;
    ot_update *u;

    OT__TRY(ot__json_opt_number(&track_status, &has_track_status, td, "track_status", path,
                                p->err));
    OT__TRY(ot__json_opt_id(&status, status_buf, sizeof status_buf, td, "shipment_status",
                            path, p->err));
    OT__TRY(ot__json_opt_array(&track, td, "shipment_track", path, p->err));
    if (json_array_size(track) > 0) {
        first = json_array_get(track, 0);
        snprintf(sub, sizeof sub, "%.70s.shipment_track[0]", path);
        if (!json_is_object(first))
            return ot__json_field_error(p->err, OT_EPARSE, path, "shipment_track",
                                        "expected objects");
        if (!awb)
            OT__TRY(ot__json_opt_id(&awb, awb_buf, sizeof awb_buf, first, "awb_code", sub,
                                    p->err));
        OT__TRY(ot__json_opt_id(&order, order_buf, sizeof order_buf, first, "order_id", sub,
                                p->err));
        OT__TRY(ot__json_opt_string(&current, first, "current_status", sub, p->err));
    }
    status = first_key(status, current);
    if (has_track_status && track_status == 0 && !status)
        return 0; /* AWB not found: nothing to report */
    if (!status)
        return ot__json_field_error(p->err, OT_EPARSE, path, "shipment_status",
                                    "missing (and no shipment_track[0].current_status)");
    if (!awb || !awb[0])
        return ot__json_field_error(p->err, OT_EPARSE, path, "shipment_track[0].awb_code",
                                    "missing");
    OT__TRY(ot__json_opt_array(&acts, td, "shipment_track_activities", path, p->err));
    snprintf(sub, sizeof sub, "%.60s.shipment_track_activities", path);
    OT__TRY(ot__parse_newest(p, &act, acts, sub));
    OT__TRY(ot__json_opt_string(&url, td, "track_url", path, p->err));
    OT__TRY(ot__json_opt_time(&eta, td, "etd", OT__IST_OFFSET_MIN, path, p->err));

    u = ot__parse_push(p, OT_PROVIDER_SHIPROCKET);
    if (!u)
        return OT_ENOMEM;
    OT__TRY(ot__parse_copy(p, &u->tracking_id, awb));
    OT__TRY(ot__parse_copy(p, &u->order_id, order));
    OT__TRY(ot__parse_copy(p, &u->raw_status, status));
    OT__TRY(ot__parse_copy(p, &u->location, act.location));
    OT__TRY(ot__parse_copy(p, &u->notes, act.activity ? act.activity : current));
    OT__TRY(ot__parse_copy(p, &u->tracking_url, url));
    u->event_time_ms = act.time_ms;
    u->eta_ms = eta;
    ot__parse_map(p, u, NULL);
    return 0;
}

int ot__parse_shiprocket_tracking(struct ot__parse *p, const json_t *root)
{
    json_t *td, *value;
    const char *key;
    char path[OT__PATH_MAX];

    OT__TRY(ot__json_opt_object(&td, root, "tracking_data", "", p->err));
    if (td)
        return tracking_data(p, td, NULL, "tracking_data");
    json_object_foreach((json_t *)root, key, value) {
        snprintf(path, sizeof path, "%.60s", key);
        if (!json_is_object(value))
            return ot__json_field_error(p->err, OT_EPARSE, "", path, "expected an object");
        OT__TRY(ot__json_req_object(&td, value, "tracking_data", path, p->err));
        snprintf(path, sizeof path, "%.60s.tracking_data", key);
        OT__TRY(tracking_data(p, td, key, path));
    }
    return 0;
}

/* is_return: 0/1 (or false/true); 1 marks a return shipment. */
static int is_return(int *out, const json_t *root, ot_error *err)
{
    json_t *v = json_object_get(root, "is_return");

    *out = 0;
    if (!v || json_is_null(v))
        return 0;
    if (json_is_boolean(v))
        *out = json_is_true(v);
    else if (json_is_integer(v) && (json_integer_value(v) == 0 || json_integer_value(v) == 1))
        *out = json_integer_value(v) == 1;
    else
        return ot__json_field_error(err, OT_EPARSE, "", "is_return", "expected 0, 1 or a boolean");
    return 0;
}

int ot__parse_shiprocket_webhook(struct ot__parse *p, const json_t *root)
{
    const char *awb, *status, *label, *current, *order, *courier;
    char awb_buf[32], status_buf[32], order_buf[32];
    json_t *scans;
    int returning;
    struct ot__activity act;
    int64_t time_ms, eta;
    ot_update *u;

    OT__TRY(ot__json_opt_id(&awb, awb_buf, sizeof awb_buf, root, "awb", "", p->err));
    if (!awb || !awb[0])
        return ot__json_field_error(p->err, OT_EPARSE, "", "awb", "missing");
    OT__TRY(ot__json_opt_id(&status, status_buf, sizeof status_buf, root, "shipment_status_id",
                            "", p->err));
    OT__TRY(ot__json_opt_string(&label, root, "shipment_status", "", p->err));
    OT__TRY(ot__json_opt_string(&current, root, "current_status", "", p->err));
    status = first_key(status, first_key(label, current));
    if (!status)
        return ot__json_field_error(p->err, OT_EPARSE, "", "shipment_status_id",
                                    "missing (and no shipment_status or current_status)");
    OT__TRY(ot__json_opt_string(&courier, root, "courier_name", "", p->err));
    OT__TRY(ot__json_opt_id(&order, order_buf, sizeof order_buf, root, "order_id", "", p->err));
    OT__TRY(ot__json_opt_time(&time_ms, root, "current_timestamp", OT__IST_OFFSET_MIN, "",
                              p->err));
    OT__TRY(ot__json_opt_time(&eta, root, "etd", OT__IST_OFFSET_MIN, "", p->err));
    OT__TRY(is_return(&returning, root, p->err));
    OT__TRY(ot__json_opt_array(&scans, root, "scans", "", p->err));
    OT__TRY(ot__parse_newest(p, &act, scans, "scans"));

    u = ot__parse_push(p, OT_PROVIDER_SHIPROCKET);
    if (!u)
        return OT_ENOMEM;
    OT__TRY(ot__parse_copy(p, &u->tracking_id, awb));
    OT__TRY(ot__parse_copy(p, &u->order_id, order));
    OT__TRY(ot__parse_copy(p, &u->raw_status, status));
    OT__TRY(ot__parse_copy(p, &u->location, act.location));
    OT__TRY(ot__parse_copy(p, &u->notes, act.activity ? act.activity
                                         : current ? current : label));
    u->event_time_ms = time_ms ? time_ms : act.time_ms;
    u->eta_ms = eta;
    ot__parse_map(p, u, NULL);
    if (returning)
        u->flags |= OT_UPDATE_CUSTOMER_RETURN;
    return 0;
}
