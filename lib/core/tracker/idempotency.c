/* Idempotency keys: request hashing, lookup and replay of the first result. */
#include <stdio.h>
#include <string.h>

#include "common.h"
#include "base/hash_internal.h"
#include "tracker/tracker_internal.h"

#define OT__IDEM_SCOPE_MAX 128
#define OT__IDEM_KEY_MAX 255
/* "<scope> <key>" and its NUL */
#define STORAGE_KEY_SIZE (OT__IDEM_SCOPE_MAX + 1 + OT__IDEM_KEY_MAX + 1)

/* 1..max bytes of printable ASCII without spaces (keys and scopes are stored as
 * "<scope> <key>"); OT_EINVAL naming `field`. */
static int check_token(const char *value, const char *field, size_t max, ot_error *err)
{
    size_t i, n = strlen(value);
    if (n == 0 || n > max)
        return ot__error_field(err, OT_EINVAL, field, "%s must be 1..%zu characters, not %zu",
                               field, max, n);
    for (i = 0; i < n; i++)
        if ((unsigned char)value[i] < 0x21 || (unsigned char)value[i] > 0x7e)
            return ot__error_field(err, OT_EINVAL, field,
                                   "%s must be printable ASCII without spaces (byte %zu)",
                                   field, i);
    return 0;
}

int ot__idem_check_key(const char *key, ot_error *err)
{
    return check_token(key, "idempotency_key", OT__IDEM_KEY_MAX, err);
}

const char *ot__idem_scope(const ot_request *r)
{
    return r->version >= 2 ? r->idempotency_scope : NULL;
}

int ot__idem_check_scope(const char *scope, ot_error *err)
{
    return scope ? check_token(scope, "idempotency_scope", OT__IDEM_SCOPE_MAX, err) : 0;
}

/* The key as storage keeps it: an unscoped key as it is (the keys stored before scopes
 * keep their meaning), a scoped one as "<scope> <key>" (a key holds no space, so no scoped
 * key equals an unscoped one or another scope's). */
static void storage_key(char out[STORAGE_KEY_SIZE], const ot_request *r)
{
    const char *scope = ot__idem_scope(r);
    if (scope)
        snprintf(out, STORAGE_KEY_SIZE, "%s %s", scope, r->idempotency_key);
    else
        snprintf(out, STORAGE_KEY_SIZE, "%s", r->idempotency_key);
}

static int set_str(json_t *o, const char *k, const char *v)
{
    return v ? json_object_set_new(o, k, json_string(v)) : 0;
}

static int set_int(json_t *o, const char *k, json_int_t v)
{
    return v ? json_object_set_new(o, k, json_integer(v)) : 0;
}

static int set_real(json_t *o, const char *k, double v)
{
    return v != 0.0 ? json_object_set_new(o, k, json_real(v)) : 0;
}

/* Every member of the request but the key, absent members left out. */
static json_t *request_object(const ot_request *r)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    if (set_int(o, "expected_version", r->expected_version) ||
        set_str(o, "order_id", r->order_id) || set_str(o, "store_id", r->store_id) ||
        set_str(o, "updated_by", r->updated_by) || set_str(o, "notes", r->notes) ||
        set_str(o, "metadata", r->metadata_json) || set_int(o, "status", r->status) ||
        set_str(o, "customer_id", r->customer_id) || set_int(o, "provider", r->provider) ||
        set_str(o, "tracking_id", r->tracking_id) || set_str(o, "tracking_url", r->tracking_url) ||
        set_int(o, "eta", r->estimated_delivery_ms) || set_int(o, "rejected", r->rejected) ||
        set_str(o, "reason", r->reason) || set_str(o, "reassign_to", r->reassign_to) ||
        set_str(o, "original_item_id", r->original_item_id) ||
        set_str(o, "substitute_item_id", r->substitute_item_id) ||
        set_real(o, "price_difference", r->price_difference) ||
        set_int(o, "approved", r->approved) || set_str(o, "driver_id", r->driver_id) ||
        set_str(o, "driver_name", r->driver_name) || set_str(o, "driver_phone", r->driver_phone) ||
        set_str(o, "vehicle_type", r->vehicle_type) ||
        set_str(o, "vehicle_number", r->vehicle_number) || set_str(o, "photo_url", r->photo_url) ||
        set_real(o, "latitude", r->latitude) || set_real(o, "longitude", r->longitude) ||
        set_int(o, "has_accuracy", r->has_accuracy) || set_real(o, "accuracy", r->accuracy) ||
        set_int(o, "time", r->time_ms) || set_str(o, "issue_type", r->issue_type) ||
        set_str(o, "description", r->description) || set_int(o, "severity", r->severity) ||
        set_int(o, "issue_index", (json_int_t)r->issue_index) ||
        set_str(o, "resolution", r->resolution)) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *update_object(const ot_update *u)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    if (set_int(o, "provider", u->provider) || set_str(o, "tracking_id", u->tracking_id) ||
        set_str(o, "order_id", u->order_id) || set_str(o, "event_id", u->event_id) ||
        set_str(o, "raw_status", u->raw_status) || set_str(o, "raw_type", u->raw_type) ||
        set_int(o, "status", u->status) || set_int(o, "shipment_status", u->shipment_status) ||
        set_int(o, "flags", u->flags) || set_int(o, "event_time", u->event_time_ms) ||
        set_str(o, "location", u->location) || set_real(o, "latitude", u->latitude) ||
        set_real(o, "longitude", u->longitude) || set_str(o, "driver_id", u->driver_id) ||
        set_str(o, "driver_name", u->driver_name) || set_str(o, "driver_phone", u->driver_phone) ||
        set_str(o, "vehicle_type", u->vehicle_type) ||
        set_str(o, "vehicle_number", u->vehicle_number) || set_str(o, "photo_url", u->photo_url) ||
        set_int(o, "eta", u->eta_ms) || set_str(o, "tracking_url", u->tracking_url) ||
        set_str(o, "notes", u->notes)) {
        json_decref(o);
        return NULL;
    }
    return o;
}

int ot__idem_request_hash(char hex[65], const struct ot__write *w, ot_error *err)
{
    json_t *body;
    char *text;
    size_t len;
    int rc;

    body = w->update ? update_object(w->update) : request_object(w->req);
    if (!body || json_object_set_new(body, "op", json_string(w->op))) {
        json_decref(body);
        return ot__error_set(err, OT_ENOMEM, "out of memory hashing the request");
    }
    rc = ot__json_write(&text, &len, body, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII |
                                              JSON_REAL_PRECISION(17), err);
    json_decref(body);
    if (rc)
        return rc;
    /* the request holds personal data (customer id, driver name and phone): with a PII key,
     * storage gets a keyed hash of it, not a plain SHA-256 one could test guesses against */
    rc = w->tracker->options.pii
             ? ot_pii_blind_index(hex, w->tracker->options.pii, "idempotency request", text, err)
             : ot__sha256_hex(hex, text, len, err);
    ot__free(text);
    return rc;
}

int ot__idem_record(ot_idempotency_record *idem, char **response, const struct ot__write *w,
                    const char *hash, const char *order_json, ot_error *err)
{
    size_t n = strlen(order_json) + 96;
    char *buf = ot__malloc(n + STORAGE_KEY_SIZE);   /* the response, then the key */
    int len;
    if (!buf)
        return ot__error_set(err, OT_ENOMEM, "out of memory storing a response");
    len = snprintf(buf, n, "{\"result\":%d,\"retry_after_ms\":%lld,\"order\":%s}", w->result,
                   (long long)w->retry_after_ms, order_json);
    storage_key(buf + n, w->req);
    memset(idem, 0, sizeof *idem);
    idem->version = OT_IDEMPOTENCY_RECORD_VERSION;
    idem->key = buf + n;
    idem->request_hash = hash;
    idem->response = buf;
    idem->response_len = (size_t)len;
    idem->created_at_ms = w->now;
    idem->expires_at_ms = w->now + w->tracker->options.idempotency_ttl_ms;
    *response = buf;
    return 0;
}

struct found_ctx {
    const char *hash;
    int same;
    json_t *response;
};

static int found_copy(void *ctx, const ot_idempotency_record *rec, ot_error *err)
{
    struct found_ctx *f = ctx;
    f->same = rec->request_hash && strcmp(rec->request_hash, f->hash) == 0;
    if (!f->same)
        return 0;
    return ot__json_load(&f->response, rec->response, rec->response_len,
                         "idempotency response", "idempotency response", err);
}

int ot__idem_lookup(const struct ot__write *w, const char *hash, ot_order **out,
                    int *result, int64_t *retry_after_ms, ot_error *err)
{
    const ot_tracker *t = w->tracker;
    struct found_ctx f = {hash, 0, NULL};
    char key[STORAGE_KEY_SIZE];
    json_t *order;
    char *text;
    size_t len;
    int rc;

    storage_key(key, w->req);
    rc = t->storage.idem_get(t->storage.userdata, key, w->now, found_copy, &f, NULL);
    if (rc == OT_ENOTFOUND)
        return OT_ENOTFOUND;
    if (rc) {
        json_decref(f.response);
        return ot__error_set(err, rc, "idempotency lookup failed (%s)", ot_strerror(rc));
    }
    if (!f.same)
        return ot__error_field(err, OT_EIDEMPOTENCY_CONFLICT, "idempotency_key",
                               "idempotency key \"%.64s\" was used for another request",
                               w->req->idempotency_key);
    order = json_object_get(f.response, "order");
    *result = (int)json_integer_value(json_object_get(f.response, "result"));
    *retry_after_ms = json_integer_value(json_object_get(f.response, "retry_after_ms"));
    rc = ot__json_write(&text, &len, order, JSON_COMPACT | JSON_REAL_PRECISION(17), err);
    json_decref(f.response);
    if (rc)
        return rc;
    rc = ot_order_from_json(out, text, len, err);
    ot__free(text);
    if (!rc && (rc = ot__open_order(t, *out, err))) {  /* the response was stored sealed */
        ot_order_free(*out);
        *out = NULL;
    }
    return rc;
}
