/* Delhivery B2C tracking response (ShipmentData[].Shipment, with Scans) and push webhook
 * ({"Shipment": ...}); Delhivery B2B LR tracking ({"data": {lrnum, status, wbns[]}}).
 * Delhivery times carry no offset: they are India Standard Time (+05:30). */
#include <stdio.h>
#include <string.h>

#include "courier/parse_internal.h"

/* Common members of one Delhivery status record (Status or ScanDetail). */
struct record {
    const char *status, *type, *code, *location, *instructions;
    int64_t time_ms;
};

static int read_record(struct ot__parse *p, struct record *r, const json_t *obj,
                       const char *status_key, const char *type_key, const char *location_key,
                       const char *path)
{
    int64_t scan_ms;

    OT__TRY(ot__json_req_string(&r->status, obj, status_key, path, p->err));
    OT__TRY(ot__json_opt_string(&r->type, obj, type_key, path, p->err));
    OT__TRY(ot__json_opt_string(&r->code, obj, "StatusCode", path, p->err));
    OT__TRY(ot__json_opt_string(&r->location, obj, location_key, path, p->err));
    OT__TRY(ot__json_opt_string(&r->instructions, obj, "Instructions", path, p->err));
    OT__TRY(ot__json_opt_time(&r->time_ms, obj, "StatusDateTime", OT__IST_OFFSET_MIN, path,
                              p->err));
    OT__TRY(ot__json_opt_time(&scan_ms, obj, "ScanDateTime", OT__IST_OFFSET_MIN, path,
                              p->err));
    if (!r->time_ms)
        r->time_ms = scan_ms;
    return 0;
}

struct shipment {
    const char *awb, *reference;
    int64_t eta_ms;
    int64_t rto_started_ms; /* RTOStartedDate, 0 when absent */
    int seen_rto; /* an earlier record of this shipment mapped to rto or rto in transit */
};

static int emit(struct ot__parse *p, struct shipment *s, const struct record *r)
{
    ot_update *u = ot__parse_push(p, OT_PROVIDER_DELHIVERY);

    if (!u)
        return OT_ENOMEM;
    OT__TRY(ot__parse_copy(p, &u->tracking_id, s->awb));
    OT__TRY(ot__parse_copy(p, &u->order_id, s->reference));
    OT__TRY(ot__parse_copy(p, &u->raw_status, r->status));
    OT__TRY(ot__parse_copy(p, &u->raw_type, r->type));
    OT__TRY(ot__parse_copy(p, &u->location, r->location));
    /* ot_update has no code member: the StatusCode leads the notes. */
    OT__TRY(ot__parse_join(p, &u->notes, r->code && r->code[0] ? r->code : NULL,
                           r->instructions));
    u->event_time_ms = r->time_ms;
    u->eta_ms = s->eta_ms;
    ot__parse_map(p, u, r->code);
    /* The first return record starts the RTO; later ones (after an earlier return record,
     * or after RTOStartedDate) are the RTO on its way. */
    if (u->shipment_status == OT_SHIPMENT_RTO
        && (s->seen_rto || (s->rto_started_ms && r->time_ms > s->rto_started_ms)))
        u->shipment_status = OT_SHIPMENT_RTO_IN_TRANSIT;
    if (u->shipment_status == OT_SHIPMENT_RTO || u->shipment_status == OT_SHIPMENT_RTO_IN_TRANSIT)
        s->seen_rto = 1;
    return 0;
}

static int same_text(const char *a, const char *b)
{
    char na[OT_COURIER_KEY_MAX + 1], nb[OT_COURIER_KEY_MAX + 1];
    if (ot__courier_normalise(na, a) < 0 || ot__courier_normalise(nb, b) < 0)
        return 0;
    return strcmp(na, nb) == 0;
}

static int parse_shipment(struct ot__parse *p, const json_t *sh, const char *path)
{
    struct shipment s;
    struct record last, current;
    json_t *status, *scans, *item;
    char sub[OT__PATH_MAX], scan_path[OT__PATH_MAX];
    char awb_buf[32];
    size_t i;

    memset(&s, 0, sizeof s);
    memset(&last, 0, sizeof last);
    OT__TRY(ot__json_opt_id(&s.awb, awb_buf, sizeof awb_buf, sh, "AWB", path, p->err));
    if (!s.awb || !s.awb[0])
        return ot__json_field_error(p->err, OT_EPARSE, path, "AWB", "missing");
    OT__TRY(ot__json_opt_string(&s.reference, sh, "ReferenceNo", path, p->err));
    OT__TRY(ot__json_opt_time(&s.eta_ms, sh, "ExpectedDeliveryDate", OT__IST_OFFSET_MIN, path,
                              p->err));
    OT__TRY(ot__json_opt_time(&s.rto_started_ms, sh, "RTOStartedDate", OT__IST_OFFSET_MIN, path,
                              p->err));
    OT__TRY(ot__json_req_object(&status, sh, "Status", path, p->err));
    OT__TRY(ot__json_opt_array(&scans, sh, "Scans", path, p->err));

    json_array_foreach(scans, i, item) {
        json_t *detail;
        snprintf(scan_path, sizeof scan_path, "%.60s.Scans[%zu]", path, i);
        if (!json_is_object(item))
            return ot__json_field_error(p->err, OT_EPARSE, path, "Scans", "expected objects");
        OT__TRY(ot__json_req_object(&detail, item, "ScanDetail", scan_path, p->err));
        snprintf(sub, sizeof sub, "%.80s.ScanDetail", scan_path);
        OT__TRY(read_record(p, &last, detail, "Scan", "ScanType", "ScannedLocation", sub));
        OT__TRY(emit(p, &s, &last));
    }

    snprintf(sub, sizeof sub, "%.80s.Status", path);
    memset(&current, 0, sizeof current);
    OT__TRY(read_record(p, &current, status, "Status", "StatusType", "StatusLocation", sub));
    /* The current Status repeats the last scan in a full response: emit it only when new. */
    if (!last.status || !same_text(last.status, current.status)
        || !same_text(last.type, current.type) || last.time_ms != current.time_ms)
        OT__TRY(emit(p, &s, &current));
    return 0;
}

int ot__parse_delhivery(struct ot__parse *p, const json_t *root, int push)
{
    json_t *list, *item, *sh;
    char path[OT__PATH_MAX];
    size_t i;

    if (push) {
        OT__TRY(ot__json_req_object(&sh, root, "Shipment", "", p->err));
        return parse_shipment(p, sh, "Shipment");
    }
    OT__TRY(ot__json_req_array(&list, root, "ShipmentData", "", p->err));
    json_array_foreach(list, i, item) {
        snprintf(path, sizeof path, "ShipmentData[%zu]", i);
        if (!json_is_object(item))
            return ot__json_field_error(p->err, OT_EPARSE, "", path, "expected an object");
        OT__TRY(ot__json_req_object(&sh, item, "Shipment", path, p->err));
        snprintf(path, sizeof path, "ShipmentData[%zu].Shipment", i);
        OT__TRY(parse_shipment(p, sh, path));
    }
    return 0;
}

int ot__parse_delhivery_b2b(struct ot__parse *p, const json_t *root)
{
    json_t *data, *wbns, *item;
    const char *lrnum, *status, *location = NULL, *remark = NULL;
    char lr_buf[32], path[OT__PATH_MAX];
    int64_t latest = 0;
    ot_update *u;
    size_t i;

    OT__TRY(ot__json_req_object(&data, root, "data", "", p->err));
    OT__TRY(ot__json_opt_id(&lrnum, lr_buf, sizeof lr_buf, data, "lrnum", "data", p->err));
    if (!lrnum || !lrnum[0])
        return ot__json_field_error(p->err, OT_EPARSE, "data", "lrnum", "missing");
    OT__TRY(ot__json_req_string(&status, data, "status", "data", p->err));
    OT__TRY(ot__json_opt_array(&wbns, data, "wbns", "data", p->err));
    /* B2B reports the latest status only: its time and place are the newest waybill scan. */
    json_array_foreach(wbns, i, item) {
        const char *wbn, *st, *loc, *rem;
        int64_t ts;
        snprintf(path, sizeof path, "data.wbns[%zu]", i);
        if (!json_is_object(item))
            return ot__json_field_error(p->err, OT_EPARSE, "data", "wbns", "expected objects");
        OT__TRY(ot__json_opt_string(&wbn, item, "wbn", path, p->err));
        OT__TRY(ot__json_opt_string(&st, item, "status", path, p->err));
        OT__TRY(ot__json_opt_string(&loc, item, "location", path, p->err));
        OT__TRY(ot__json_opt_string(&rem, item, "scan_remark", path, p->err));
        OT__TRY(ot__json_opt_time(&ts, item, "scan_timestamp", OT__IST_OFFSET_MIN, path,
                                  p->err));
        if (ts >= latest) {
            latest = ts;
            location = loc;
            remark = rem;
        }
    }
    u = ot__parse_push(p, OT_PROVIDER_DELHIVERY_B2B);
    if (!u)
        return OT_ENOMEM;
    OT__TRY(ot__parse_copy(p, &u->tracking_id, lrnum));
    OT__TRY(ot__parse_copy(p, &u->raw_status, status));
    OT__TRY(ot__parse_copy(p, &u->location, location));
    OT__TRY(ot__parse_copy(p, &u->notes, remark));
    u->event_time_ms = latest;
    ot__parse_map(p, u, NULL);
    return 0;
}
