/* ot_courier_parse: decode the payload, dispatch to the partner's parser. */
#include <stdio.h>
#include <string.h>

#include "common.h"

#include "courier/parse_internal.h"

ot_update *ot__parse_push(struct ot__parse *p, int provider)
{
    ot_update *u = ot__update_list_push(p->list, provider);
    if (!u)
        ot__error_set(p->err, OT_ENOMEM, "out of memory growing the update list");
    return u;
}

int ot__parse_copy(struct ot__parse *p, const char **dst, const char *s)
{
    if (ot__update_list_strdup(p->list, dst, s) != 0)
        return ot__error_set(p->err, OT_ENOMEM, "out of memory copying a payload string");
    return 0;
}

void ot__parse_map(struct ot__parse *p, ot_update *u, const char *code)
{
    ot_courier_mapping m;

    (void)ot_courier_map(&m, p->tables, u->provider, u->raw_status ? u->raw_status : "",
                         u->raw_type, code, NULL);
    u->status = m.status;
    u->shipment_status = m.shipment_status;
    u->flags |= m.flags;
}

int ot__parse_position(struct ot__parse *p, ot_update *u, const json_t *obj, const char *key,
                       const char *path)
{
    json_t *loc;
    char sub[OT__PATH_MAX];
    int has_lat, has_lng;

    OT__TRY(ot__json_opt_object(&loc, obj, key, path, p->err));
    if (!loc)
        return 0;
    snprintf(sub, sizeof sub, "%.60s%s%.30s", path, path[0] ? "." : "", key);
    OT__TRY(ot__json_opt_number(&u->latitude, &has_lat, loc, "lat", sub, p->err));
    OT__TRY(ot__json_opt_number(&u->longitude, &has_lng, loc, "lng", sub, p->err));
    if (has_lat != has_lng)
        return ot__json_field_error(p->err, OT_EPARSE, sub, has_lat ? "lng" : "lat", "missing");
    if (!has_lat)
        return 0;
    if (u->latitude < -90.0 || u->latitude > 90.0 || u->longitude < -180.0
        || u->longitude > 180.0)
        return ot__json_field_error(p->err, OT_EPARSE, path, key, "position out of range");
    u->flags |= OT_UPDATE_HAS_POSITION;
    return 0;
}

int ot__parse_newest(struct ot__parse *p, struct ot__activity *out, const json_t *arr,
                     const char *path)
{
    json_t *item;
    char sub[OT__PATH_MAX];
    size_t i;

    memset(out, 0, sizeof *out);
    json_array_foreach(arr, i, item) {
        struct ot__activity a;
        snprintf(sub, sizeof sub, "%.70s[%zu]", path, i);
        if (!json_is_object(item))
            return ot__json_field_error(p->err, OT_EPARSE, "", sub, "expected an object");
        OT__TRY(ot__json_opt_time(&a.time_ms, item, "date", OT__IST_OFFSET_MIN, sub, p->err));
        OT__TRY(ot__json_opt_string(&a.activity, item, "activity", sub, p->err));
        OT__TRY(ot__json_opt_string(&a.location, item, "location", sub, p->err));
        if (i == 0 || a.time_ms > out->time_ms)
            *out = a;
    }
    return 0;
}

int ot__parse_join(struct ot__parse *p, const char **dst, const char *a, const char *b)
{
    size_t la, lb;
    char *buf;
    int rc;

    if (!a || !b)
        return ot__parse_copy(p, dst, a ? a : b);
    la = strlen(a);
    lb = strlen(b);
    buf = ot__malloc(la + lb + 3);
    if (!buf)
        return ot__error_set(p->err, OT_ENOMEM, "out of memory copying a payload string");
    memcpy(buf, a, la);
    memcpy(buf + la, ": ", 2);
    memcpy(buf + la + 2, b, lb + 1);
    rc = ot__parse_copy(p, dst, buf);
    ot__free(buf);
    return rc;
}

static int dispatch(struct ot__parse *p, int payload, const json_t *root)
{
    switch (payload) {
    case OT_PAYLOAD_DELHIVERY_TRACKING: return ot__parse_delhivery(p, root, 0);
    case OT_PAYLOAD_DELHIVERY_PUSH: return ot__parse_delhivery(p, root, 1);
    case OT_PAYLOAD_DELHIVERY_B2B_TRACKING: return ot__parse_delhivery_b2b(p, root);
    case OT_PAYLOAD_SHIPROCKET_TRACKING: return ot__parse_shiprocket_tracking(p, root);
    case OT_PAYLOAD_SHIPROCKET_WEBHOOK: return ot__parse_shiprocket_webhook(p, root);
    case OT_PAYLOAD_VELOCITY_TRACKING: return ot__parse_velocity_tracking(p, root);
    case OT_PAYLOAD_VELOCITY_WEBHOOK: return ot__parse_velocity_webhook(p, root);
    case OT_PAYLOAD_UBER_WEBHOOK: return ot__parse_uber(p, root);
    default: return ot__parse_doordash(p, root);
    }
}

int ot_courier_parse(ot_update_list **list, const ot_courier_tables *tables, int payload,
                     const void *bytes, size_t len, ot_error *err)
{
    struct ot__parse p;
    json_t *root;
    int rc;

    if (!list)
        return ot__error_field(err, OT_EINVAL, "list", "output pointer for the list is NULL");
    *list = NULL;
    if (payload <= OT_PAYLOAD_UNKNOWN || payload >= OT_PAYLOAD_COUNT)
        return ot__error_field(err, OT_EINVAL, "payload", "%d is not a valid payload kind",
                               payload);
    if (!bytes)
        return ot__error_field(err, OT_EINVAL, "bytes", "payload bytes are NULL");
    if (len > OT_COURIER_PAYLOAD_MAX)
        return ot__error_field(err, OT_ELIMIT, "bytes", "payload of %zu bytes exceeds %u",
                               len, OT_COURIER_PAYLOAD_MAX);
    rc = ot__json_load(&root, bytes, len, "payload", "", err);
    if (rc)
        return rc;
    if (!json_is_object(root)) {
        json_decref(root);
        return ot__error_field(err, OT_EPARSE, "", "payload: expected a JSON object");
    }
    p.tables = tables;
    p.err = err;
    if (ot__update_list_new(&p.list) != 0) {
        json_decref(root);
        return ot__error_set(err, OT_ENOMEM, "out of memory allocating the update list");
    }
    rc = dispatch(&p, payload, root);
    json_decref(root);
    if (rc) {
        ot_update_list_free(p.list);
        return rc;
    }
    *list = p.list;
    return 0;
}
