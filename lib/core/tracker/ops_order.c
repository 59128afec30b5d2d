/* Order management: init and the generic status change. */
#include <stdio.h>
#include <string.h>

#include <openssl/rand.h>

#include "common.h"
#include "tracker/tracker_internal.h"
#include "rules/vocab_internal.h"

/* A record id like a MongoDB ObjectId: 4 bytes of seconds, 8 random bytes, in hex. */
static int new_record_id(char id[25], int64_t now_ms, ot_error *err)
{
    unsigned char b[12];
    uint32_t secs = (uint32_t)(now_ms / 1000);
    int i;
    b[0] = (unsigned char)(secs >> 24);
    b[1] = (unsigned char)(secs >> 16);
    b[2] = (unsigned char)(secs >> 8);
    b[3] = (unsigned char)secs;
    if (RAND_bytes(b + 4, 8) != 1)
        return ot__error_set(err, OT_ESTORAGE, "no randomness for a record id");
    for (i = 0; i < 12; i++)
        snprintf(id + 2 * i, 3, "%02x", b[i]);
    return 0;
}

static int build_init(struct ot__write *w, ot_order *o, ot_error *err)
{
    const ot_request *r = w->req;
    const char *provider = NULL;
    json_t *meta = NULL, *data;
    char id[25];
    int rc, parcel;

    if ((rc = ot_order_id_check(r->order_id, err)) ||
        (rc = ot__check_string(r->store_id, "store_id", 1, 128, err)) ||
        (rc = ot__check_string(r->customer_id, "customer_id", 1, 128, err)) ||
        (rc = ot__check_string(r->tracking_id, "tracking_id", 0, 128, err)) ||
        (rc = ot__check_string(r->tracking_url, "tracking_url", 0, 2048, err)))
        return rc;
    if ((rc = ot__tracker_provider_name(w->tracker, &provider, r->provider, err)))
        return rc;
    parcel = ot__provider_parcel(r->provider);
    if (parcel && !(r->tracking_id && *r->tracking_id))
        return ot__error_field(err, OT_EINVAL, "tracking_id",
                               "tracking_id (AWB or LR number) is required for %s", provider);
    if (r->estimated_delivery_ms < 0)
        return ot__error_field(err, OT_EINVAL, "estimated_delivery_ms",
                               "estimated_delivery_ms must be 0 or a time");
    if ((rc = ot__parse_object(&meta, r->metadata_json, "metadata", err)) ||
        (rc = new_record_id(id, w->now, err))) {
        json_decref(meta);
        return rc;
    }
    data = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s?, s:s?, s:o, s:s?, s:o}", "id", id,
                     "order_id", r->order_id, "store_id", r->store_id, "customer_id",
                     r->customer_id, "delivery_provider", provider, "delivery_tracking_id",
                     r->tracking_id && *r->tracking_id ? r->tracking_id : NULL,
                     "delivery_tracking_url",
                     r->tracking_url && *r->tracking_url ? r->tracking_url : NULL,
                     "estimated_delivery_time",
                     r->estimated_delivery_ms > 0 ? ot__jtime_new(r->estimated_delivery_ms)
                                                  : json_null(),
                     "shipment_status", parcel ? "pending" : NULL,
                     "metadata", meta ? meta : json_object());
    if (!data)
        return ot__error_set(err, OT_ENOMEM, "out of memory building the order");
    return ot__append(w, o, OT__EV_CREATED, OT_STATUS_SUBMITTED, data, err);
}

int ot_tracker_init_order(ot_order **out, ot_tracker *tracker, const ot_request *request,
                          ot_error *err)
{
    struct ot__write w = OT__WRITE("init", build_init);
    w.create = 1;
    return ot__tracker_write(&w, out, err);
}

/* 1 if a substitution is still waiting for the customer. */
static int pending_substitution(const ot_order *o)
{
    ot_substitution_view s = OT_SUBSTITUTION_VIEW_INIT;
    size_t i;
    for (i = 0; i < ot_order_substitution_count(o); i++)
        if (ot_order_substitution_at(&s, o, i, NULL) == 0 && s.status == OT_SUBSTITUTION_PENDING)
            return 1;
    return 0;
}

int ot__refuse_ready_if_pending(const ot_order *o, ot_error *err)
{
    if (pending_substitution(o))
        return ot__error_field(err, OT_ESTATE, "substitutions",
                               "order %.64s has a substitution waiting for the customer",
                               ot_order_order_id(o));
    return 0;
}

static int build_status(struct ot__write *w, ot_order *o, ot_error *err)
{
    int to = w->req->status, rc;
    if (to <= 0 || to >= OT_STATUS_COUNT)
        return ot__error_field(err, OT_EINVAL, "status", "%d is not a lifecycle status", to);
    if ((rc = ot__check_step(o, to, OT_SOURCE_API, err)))
        return rc;
    if (to == OT_STATUS_READY_FOR_PICKUP && (rc = ot__refuse_ready_if_pending(o, err)))
        return rc;
    return ot__append(w, o, OT__EV_STATUS_CHANGED, to, NULL, err);
}

int ot_tracker_set_status(ot_order **out, ot_tracker *tracker, const ot_request *request,
                          ot_error *err)
{
    struct ot__write w = OT__WRITE("set_status", build_status);
    w.head_only = 1; /* the step reads the status and the substitutions, no history */
    return ot__tracker_write(&w, out, err);
}
