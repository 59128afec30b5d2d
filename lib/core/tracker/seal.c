/* Personal data at the storage boundary (pii.h): what the tracker hands to storage has
 * customer_id, driver_details.name / .phone and the driver's positions (driver_location,
 * location_trail, each sealed whole as its JSON text) sealed, in the record and in every
 * history entry's metadata.ot.data, and a keyed blind index in the customer_id column; what
 * it reads back is opened before anything decodes or verifies it. The hash chain covers the
 * plaintext entries, so a record verifies after it is opened. */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "common.h"
#include "json/json_internal.h"
#include "tracker/tracker_internal.h"
#include "storage/storage_internal.h"

/* Seal or open the string `obj[key]` (field name `field` as associated data; `path` names it
 * in errors). Absent and null values are left alone; so is a plaintext value on open (records
 * written before the key was configured) and, without a key, on seal. */
static int transform(json_t *obj, const char *key, const char *field, const char *path,
                     int seal, const ot_pii *pii, ot_error *err)
{
    json_t *v = json_object_get(obj, key);
    const char *s;
    char *out = NULL;
    size_t n = 0;
    ot_error inner;
    int rc;

    if (!json_is_string(v))
        return 0;
    s = json_string_value(v);
    if (seal) {
        if (!pii)
            return 0;
        rc = ot_pii_encrypt(&out, pii, field, s, json_string_length(v), err);
        if (rc)
            return rc;
        n = strlen(out);
    } else {
        if (!ot_pii_is_token(s))
            return 0;
        if (!pii)
            return ot__error_field(err, OT_EINTEGRITY, path,
                                   "%s is sealed personal data and this tracker has no PII key",
                                   path);
        rc = ot_pii_decrypt(&out, &n, pii, field, s, &inner);
        if (rc == OT_ENOMEM)
            return ot__error_set(err, rc, "out of memory opening %s", path);
        /* an unknown key id is not a missing order: integrity, like a wrong key */
        if (rc == OT_ENOTFOUND)
            rc = OT_EINTEGRITY;
        if (rc)
            return ot__error_field(err, rc, path, "cannot open %s: %.160s", path,
                                   inner.message);
    }
    rc = json_object_set_new(obj, key, json_stringn(out, n))
             ? ot__error_set(err, OT_ENOMEM, "out of memory %s %s", seal ? "sealing" : "opening",
                             path)
             : 0;
    OPENSSL_cleanse(out, n);
    ot__free(out);
    return rc;
}

/* Open the token `s` sealed for `key` into the JSON value it holds, checked like the record's
 * field (`record`) or, in an event's data, only for its type, so that the entry hashes as it
 * did when it was sealed. */
static int open_json(json_t **out, const char *key, const char *s, const char *path,
                     int record, const ot_pii *pii, ot_error *err)
{
    char *text = NULL;
    size_t n = 0;
    json_t *v = NULL;
    ot_error inner;
    int rc = ot_pii_decrypt(&text, &n, pii, key, s, &inner);

    if (rc == OT_ENOMEM)
        return ot__error_set(err, rc, "out of memory opening %s", path);
    if (rc == OT_ENOTFOUND)
        rc = OT_EINTEGRITY;
    if (rc)
        return ot__error_field(err, rc, path, "cannot open %s: %.160s", path, inner.message);
    rc = ot__json_load(&v, text, n, path, path, err);
    OPENSSL_cleanse(text, n);
    ot__free(text);
    if (rc)
        return rc == OT_ENOMEM ? rc : ot__error_field(err, OT_EINTEGRITY, path,
                                                      "%s holds no JSON value", path);
    if (record) {
        rc = ot__order_validate_field(out, key, v, path, err);
        json_decref(v);
        return rc;
    }
    if (!json_is_object(v) && !json_is_array(v)) {
        json_decref(v);
        return ot__error_field(err, OT_EINTEGRITY, path, "%s holds no object", path);
    }
    *out = v;
    return 0;
}

/* Seal or open the object or array `obj[key]` whole (its JSON text; `key` as associated
 * data). Absent and null values are left alone, like plaintext on open and everything
 * without a key on seal. */
static int transform_json(json_t *obj, const char *key, const char *path, int seal,
                          int record, const ot_pii *pii, ot_error *err)
{
    json_t *v = json_object_get(obj, key), *nv = NULL;
    char *text = NULL, *token = NULL;
    size_t n = 0;
    int rc;

    if (seal) {
        if (!pii || !(json_is_object(v) || json_is_array(v)))
            return 0;
        rc = ot__json_write(&text, &n, v, JSON_COMPACT | JSON_REAL_PRECISION(17), err);
        if (!rc) {
            rc = ot_pii_encrypt(&token, pii, key, text, n, err);
            OPENSSL_cleanse(text, n);
            ot__free(text);
        }
        if (rc)
            return rc;
        nv = json_string(token);
        ot__free(token);
    } else {
        if (!json_is_string(v) || !ot_pii_is_token(json_string_value(v)))
            return 0;
        if (!pii)
            return ot__error_field(err, OT_EINTEGRITY, path,
                                   "%s is sealed personal data and this tracker has no PII key",
                                   path);
        if ((rc = open_json(&nv, key, json_string_value(v), path, record, pii, err)))
            return rc;
    }
    if (!nv || json_object_set_new(obj, key, nv))
        return ot__error_set(err, OT_ENOMEM, "out of memory %s %s", seal ? "sealing" : "opening",
                             path);
    return 0;
}

/* customer_id, driver_details.{name,phone}, driver_location and location_trail of `obj` (the
 * record, `record` 1, or an event's data). */
static int walk_object(json_t *obj, const char *prefix, int record, int seal,
                       const ot_pii *pii, ot_error *err)
{
    static const char *const driver_keys[] = {"name", "phone"};
    static const char *const position_keys[] = {"driver_location", "location_trail"};
    json_t *driver = json_object_get(obj, "driver_details");
    char field[64], path[128];
    size_t i;
    int rc;

    snprintf(path, sizeof path, "%scustomer_id", prefix);
    if ((rc = transform(obj, "customer_id", "customer_id", path, seal, pii, err)))
        return rc;
    for (i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "%s%s", prefix, position_keys[i]);
        if ((rc = transform_json(obj, position_keys[i], path, seal, record, pii, err)))
            return rc;
    }
    if (!json_is_object(driver))
        return 0;
    for (i = 0; i < 2; i++) {
        snprintf(field, sizeof field, "driver_details.%s", driver_keys[i]);
        snprintf(path, sizeof path, "%s%s", prefix, field);
        if ((rc = transform(driver, driver_keys[i], field, path, seal, pii, err)))
            return rc;
    }
    return 0;
}

static int walk(json_t *doc, int seal, const ot_pii *pii, ot_error *err)
{
    const json_t *history = json_object_get(doc, "status_history");
    char prefix[80];
    size_t i;
    int rc = walk_object(doc, "", 1, seal, pii, err);

    for (i = 0; !rc && i < json_array_size(history); i++) {
        json_t *data = json_object_get(ot__entry_ot(json_array_get(history, i)), "data");
        if (!json_is_object(data))
            continue;
        snprintf(prefix, sizeof prefix, "status_history[%zu].metadata.ot.data.", i);
        rc = walk_object(data, prefix, 0, seal, pii, err);
    }
    return rc;
}

int ot__open_order(const ot_tracker *t, ot_order *order, ot_error *err)
{
    return walk(order->doc, 0, t->options.pii, err);
}

/* A sealed deep copy of `order`, or NULL in *out when the tracker has no key. */
static int seal_copy(ot_order **out, const ot_tracker *t, const ot_order *order, ot_error *err)
{
    int rc;
    *out = NULL;
    if (!t->options.pii)
        return 0;
    if ((rc = ot__order_clone(out, order, err)))
        return rc;
    if ((rc = walk((*out)->doc, 1, t->options.pii, err))) {
        ot_order_free(*out);
        *out = NULL;
    }
    return rc;
}

int ot__seal_record(struct ot__sealed *s, const ot_tracker *t, const ot_order *order,
                    size_t first_event, ot_error *err)
{
    int rc;
    memset(s, 0, sizeof *s);
    if ((rc = seal_copy(&s->copy, t, order, err)))
        return rc;
    rc = ot__storage_record_fill(&s->rec, s->copy ? s->copy : order, first_event,
                                 ot__storage_fill_mode(&t->storage), err);
    if (!rc && t->options.pii) {
        rc = ot_pii_blind_index(s->index, t->options.pii, "customer_id",
                                ot_order_customer_id(order), err);
        s->rec.customer_id = s->index;
        if (rc)
            ot_storage_record_release(&s->rec);
    }
    if (rc) {
        ot_order_free(s->copy);
        s->copy = NULL;
    }
    return rc;
}

void ot__seal_release(struct ot__sealed *s)
{
    ot_storage_record_release(&s->rec);
    ot_order_free(s->copy);
    s->copy = NULL;
}

int ot__seal_json(char **json, const ot_tracker *t, const ot_order *order, ot_error *err)
{
    ot_order *copy = NULL;
    int rc = seal_copy(&copy, t, order, err);
    if (rc)
        return rc;
    rc = ot_order_to_json(json, NULL, copy ? copy : order, err);
    ot_order_free(copy);
    return rc;
}

unsigned ot__storage_fill_mode(const ot_storage *s)
{
    unsigned mode = s->flags & OT_STORAGE_F_NO_JSON ? 0 : OT__FILL_JSON;
    if (s->version >= 5)
        mode |= OT__FILL_ENTRIES | (s->flags & OT_STORAGE_F_HISTORY_APART ? OT__FILL_HEAD : 0);
    return mode;
}

int ot__tracker_can_load_head(const ot_tracker *t)
{
    return t->storage.version >= 5 && t->storage.load_head &&
           (t->storage.flags & OT_STORAGE_F_HISTORY_APART);
}

int ot__tracker_storage_load(const ot_tracker *t, const char *order_id, ot_order **out,
                             ot_error *err)
{
    return ot__tracker_storage_load_as(t, order_id, 0, out, err);
}

int ot__tracker_storage_load_as(const ot_tracker *t, const char *order_id, int head,
                                ot_order **out, ot_error *err)
{
    int rc = head ? t->storage.load_head(t->storage.userdata, order_id, out, err)
                  : t->storage.load(t->storage.userdata, order_id, out, err);
    if (rc)
        return rc;
    if (head && (rc = ot__order_set_head(*out, err))) {
        ot_order_free(*out);
        *out = NULL;
        return rc;
    }
    /* opened first (the hashes cover the plaintext), then the chain's head: a record edited
     * behind the library's back is neither served nor extended */
    if ((rc = ot__open_order(t, *out, err)) || (rc = ot__order_check_head(*out, err))) {
        ot_order_free(*out);
        *out = NULL;
    }
    return rc;
}

struct open_ctx {
    const ot_tracker *t;
    ot_storage_emit emit;
    void *ctx;
};

static int open_emit(void *ctx, ot_order *order, ot_error *err)
{
    struct open_ctx *c = ctx;
    int rc = ot__open_order(c->t, order, err);
    if (rc) {
        ot_order_free(order);
        return rc;
    }
    return c->emit(c->ctx, order, err);
}

int ot__tracker_query(const ot_tracker *t, const ot_storage_query *q, ot_storage_emit emit,
                      void *ctx, char *next_cursor, size_t cursor_size, ot_error *err)
{
    ot_storage_query copy = *q;
    struct open_ctx c;
    char index[65];
    int rc;

    if (t->options.pii && q->customer_id) {
        if ((rc = ot_pii_blind_index(index, t->options.pii, "customer_id", q->customer_id,
                                     err)))
            return rc;
        copy.customer_id = index;
    }
    c.t = t;
    c.emit = emit;
    c.ctx = ctx;
    return t->storage.query(t->storage.userdata, &copy, open_emit, &c, next_cursor,
                            cursor_size, err);
}
