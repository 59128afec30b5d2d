/* Decoding untrusted order documents: a schema table checked field by field. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common.h"
#include "order/order_internal.h"
#include "base/time_internal.h"
#include "rules/vocab_internal.h"
#include "pii/pii_internal.h"
#include "ordertrack/status.h"
#include "ordertrack/tracker.h"

enum kind { K_STR, K_SEALED, K_TIME, K_ENUM, K_PROVIDER, K_NUM, K_INT, K_META, K_OBJ, K_LIST };

#define ID_MAX 128
#define TEXT_MAX 4096
#define URL_MAX 2048
/* Longest plaintext of a sealed position, and of a sealed trail of them. */
#define LOCATION_MAX 256
#define TRAIL_MAX ((size_t)OT_TRACKER_LOCATION_TRAIL_MAX * (LOCATION_MAX + 1) + 2)

struct schema;
struct field {
    const char *name;
    enum kind kind;
    int nullable;                   /* null or absent allowed (lists: absent or null is []) */
    size_t max_len;                 /* K_STR: bytes; K_OBJ, K_LIST: when not 0, the value
                                       may also be a sealed token of at most this many
                                       plaintext bytes (pii.h) */
    const struct ot__vocab *vocab;  /* K_ENUM */
    double min, max;                /* K_NUM, K_INT */
    const struct schema *sub;       /* K_OBJ, K_LIST */
};
struct schema {
    const struct field *fields;
    size_t count;
};
#define SCHEMA(f) { f, sizeof f / sizeof f[0] }

#define STR(n, nul, len) { n, K_STR, nul, len, NULL, 0, 0, NULL }
/* Personal data: the plaintext up to `len` bytes, or a sealed token of such a value (pii.h). */
#define SEALED(n, nul, len) { n, K_SEALED, nul, len, NULL, 0, 0, NULL }
#define TIME(n, nul) { n, K_TIME, nul, 0, NULL, 0, 0, NULL }
#define ENUM(n, nul, v) { n, K_ENUM, nul, 0, v, 0, 0, NULL }
#define NUM(n, nul, lo, hi) { n, K_NUM, nul, 0, NULL, lo, hi, NULL }
#define OBJ(n, nul, s) { n, K_OBJ, nul, 0, NULL, 0, 0, s }
#define LIST(n, s) { n, K_LIST, 0, 0, NULL, 0, 0, s }
/* The driver's positions: the value, or a sealed token of its JSON (pii.h). */
#define SEALED_OBJ(n, nul, s, len) { n, K_OBJ, nul, len, NULL, 0, 0, s }
#define SEALED_LIST(n, s, len) { n, K_LIST, 1, len, NULL, 0, 0, s }

static const struct field location_fields[] = {
    NUM("latitude", 0, -90.0, 90.0),
    NUM("longitude", 0, -180.0, 180.0),
    TIME("timestamp", 0),
    NUM("accuracy", 1, 0.0, 1e7),
};
static const struct field driver_fields[] = {
    STR("driver_id", 0, ID_MAX), SEALED("name", 0, 256), SEALED("phone", 0, 64),
    STR("vehicle_type", 0, 64), STR("vehicle_number", 1, 64), STR("photo_url", 1, URL_MAX),
};
static const struct field entry_fields[] = {
    ENUM("status", 0, &ot__status_vocab), TIME("timestamp", 0), STR("updated_by", 0, ID_MAX),
    STR("notes", 1, TEXT_MAX), { "metadata", K_META, 0, 0, NULL, 0, 0, NULL },
};
static const struct field substitution_fields[] = {
    STR("original_item_id", 0, ID_MAX), STR("substitute_item_id", 0, ID_MAX),
    STR("reason", 0, TEXT_MAX), ENUM("status", 0, &ot__substitution_vocab),
    NUM("price_difference", 0, -1e9, 1e9), TIME("customer_notified_at", 1),
    TIME("customer_responded_at", 1),
};
static const struct field issue_fields[] = {
    STR("issue_type", 0, ID_MAX), STR("description", 0, TEXT_MAX),
    ENUM("severity", 0, &ot__severity_vocab), TIME("created_at", 0), TIME("resolved_at", 1),
    STR("resolution", 1, TEXT_MAX),
};
static const struct schema location_schema = SCHEMA(location_fields);
static const struct schema driver_schema = SCHEMA(driver_fields);
static const struct schema entry_schema = SCHEMA(entry_fields);
static const struct schema substitution_schema = SCHEMA(substitution_fields);
static const struct schema issue_schema = SCHEMA(issue_fields);

static const struct field order_fields[] = {
    STR("id", 0, ID_MAX), STR("order_id", 0, ID_MAX), STR("store_id", 0, ID_MAX),
    SEALED("customer_id", 0, ID_MAX), { "delivery_provider", K_PROVIDER, 0, 0, NULL, 0, 0, NULL },
    ENUM("current_status", 0, &ot__status_vocab), LIST("status_history", &entry_schema),
    TIME("store_acknowledgment_time", 1), TIME("picking_start_time", 1),
    TIME("picking_complete_time", 1), TIME("delivery_pickup_time", 1),
    TIME("estimated_delivery_time", 1), TIME("actual_delivery_time", 1),
    STR("delivery_tracking_id", 1, ID_MAX), STR("delivery_tracking_url", 1, URL_MAX),
    SEALED_OBJ("driver_location", 1, &location_schema, LOCATION_MAX),
    SEALED_LIST("location_trail", &location_schema, TRAIL_MAX),
    OBJ("driver_details", 1, &driver_schema),
    ENUM("shipment_status", 1, &ot__shipment_vocab), STR("courier_status_raw", 1, 256),
    LIST("substitutions", &substitution_schema), LIST("issues", &issue_schema),
    { "metadata", K_META, 0, 0, NULL, 0, 0, NULL }, TIME("created_at", 0),
    TIME("updated_at", 0), { "version", K_INT, 0, 0, NULL, 0, 9007199254740991.0, NULL },
};
static const struct schema order_schema = SCHEMA(order_fields);

static int validate_object(json_t **out, const json_t *in, const struct schema *s,
                           const char *path, ot_error *err);

/* Build a field path ("status_history[2].timestamp"); truncated paths stay terminated. */
static void path_format(char *dst, size_t size, const char *fmt, ...) OT__PRINTF(3, 4);
static void path_format(char *dst, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(dst, size, fmt, ap);
    va_end(ap);
}

static const char *type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a number";
    case JSON_TRUE: case JSON_FALSE: return "a boolean";
    default: return "null";
    }
}

static int wrong_type(ot_error *err, const char *path, const char *want, const json_t *v)
{
    return ot__error_field(err, OT_EINVAL, path, "%s must be %s, not %s", path, want,
                           type_name(v));
}

/* Validate one present, non-null value and build its canonical form. */
static int validate_value(json_t **out, const json_t *v, const struct field *f,
                          const char *path, ot_error *err)
{
    int64_t ms;
    double d;
    size_t i, max;

    if ((f->kind == K_OBJ || f->kind == K_LIST) && f->max_len && json_is_string(v)) {
        if (!ot_pii_is_token(json_string_value(v)))
            return wrong_type(err, path, f->kind == K_OBJ ? "an object or a sealed token"
                                                          : "an array or a sealed token", v);
        if (json_string_length(v) > OT__PII_TOKEN_MAX(f->max_len))
            return ot__error_field(err, OT_EINVAL, path, "%s is %zu bytes long (at most %zu)",
                                   path, json_string_length(v),
                                   OT__PII_TOKEN_MAX(f->max_len));
        *out = json_string(json_string_value(v));
        return *out ? 0 : ot__error_set(err, OT_ENOMEM, "out of memory decoding %s", path);
    }
    switch (f->kind) {
    case K_STR:
    case K_SEALED:
        if (!json_is_string(v))
            return wrong_type(err, path, "a string", v);
        if (json_string_length(v) == 0)
            return ot__error_field(err, OT_EINVAL, path, "%s must not be empty", path);
        max = f->kind == K_SEALED && ot_pii_is_token(json_string_value(v))
                  ? OT__PII_TOKEN_MAX(f->max_len) : f->max_len;
        if (json_string_length(v) > max)
            return ot__error_field(err, OT_EINVAL, path, "%s is %zu bytes long (at most %zu)",
                                   path, json_string_length(v), max);
        *out = json_string(json_string_value(v));
        break;
    case K_TIME:
        if (!json_is_string(v))
            return wrong_type(err, path, "an RFC 3339 timestamp string", v);
        if (ot__time_parse(&ms, json_string_value(v)) != 0)
            return ot__error_field(err, OT_EINVAL, path,
                                   "%s is not an RFC 3339 timestamp: \"%.40s\"", path,
                                   json_string_value(v));
        *out = ot__jtime_new(ms);
        break;
    case K_ENUM:
        if (!json_is_string(v))
            return wrong_type(err, path, "a string", v);
        if (!ot__vocab_lookup(f->vocab, json_string_value(v)))
            return ot__error_field(err, OT_EINVAL, path, "%s: unknown %s \"%.40s\"", path,
                                   f->vocab->kind, json_string_value(v));
        *out = json_string(json_string_value(v));
        break;
    case K_PROVIDER: /* a built-in provider or a run-time courier's name (courier_def.h) */
        if (!json_is_string(v))
            return wrong_type(err, path, "a string", v);
        if (!ot__provider_id(json_string_value(v)))
            return ot__error_field(err, OT_EINVAL, path, "%s: unknown provider \"%.40s\"", path,
                                   json_string_value(v));
        *out = json_string(json_string_value(v));
        break;
    case K_NUM:
    case K_INT:
        if (f->kind == K_INT ? !json_is_integer(v) : !json_is_number(v))
            return wrong_type(err, path, f->kind == K_INT ? "an integer" : "a number", v);
        d = json_number_value(v);
        if (!isfinite(d) || d < f->min || d > f->max)
            return ot__error_field(err, OT_EINVAL, path, "%s is %g, outside %g..%g", path, d,
                                   f->min, f->max);
        *out = f->kind == K_INT ? json_integer(json_integer_value(v)) : json_real(d);
        break;
    case K_META:
        if (!json_is_object(v))
            return wrong_type(err, path, "an object", v);
        *out = ot__json_copy(v);
        break;
    case K_OBJ:
        return validate_object(out, v, f->sub, path, err);
    case K_LIST:
        if (!json_is_array(v))
            return wrong_type(err, path, "an array", v);
        *out = json_array();
        for (i = 0; *out && i < json_array_size(v); i++) {
            char sub[128];
            json_t *item = NULL;
            int rc;
            path_format(sub, sizeof sub, "%s[%zu]", path, i);
            rc = validate_object(&item, json_array_get(v, i), f->sub, sub, err);
            if (rc || json_array_append_new(*out, item) != 0) {
                json_decref(*out);
                *out = NULL;
                return rc ? rc : ot__error_set(err, OT_ENOMEM, "out of memory decoding");
            }
        }
        break;
    }
    if (!*out)
        return ot__error_set(err, OT_ENOMEM, "out of memory decoding %s", path);
    return 0;
}

static int validate_object(json_t **out, const json_t *in, const struct schema *s,
                           const char *path, ot_error *err)
{
    const char *key;
    json_t *v, *obj;
    size_t i;
    char sub[128];

    if (!json_is_object(in))
        return wrong_type(err, path[0] ? path : "order", "an object", in);
    json_object_foreach((json_t *)in, key, v) {
        for (i = 0; i < s->count && strcmp(s->fields[i].name, key) != 0; i++)
            ;
        if (i == s->count) {
            path_format(sub, sizeof sub, "%s%s%.64s", path, path[0] ? "." : "", key);
            return ot__error_field(err, OT_EINVAL, sub, "unknown field %s", sub);
        }
    }
    obj = json_object();
    if (!obj)
        return ot__error_set(err, OT_ENOMEM, "out of memory decoding");
    for (i = 0; i < s->count; i++) {
        const struct field *f = &s->fields[i];
        json_t *val = NULL;
        int rc = 0;
        path_format(sub, sizeof sub, "%s%s%s", path, path[0] ? "." : "", f->name);
        v = json_object_get(in, f->name);
        if (!v || json_is_null(v)) {
            if (!f->nullable)
                rc = ot__error_field(err, OT_EINVAL, sub, "%s is required", sub);
            else if (!(val = f->kind == K_LIST ? json_array() : json_null()))
                rc = OT_ENOMEM;
        } else {
            rc = validate_value(&val, v, f, sub, err);
        }
        if (!rc && json_object_set_new(obj, f->name, val) != 0)
            rc = ot__error_set(err, OT_ENOMEM, "out of memory decoding");
        if (rc) {
            json_decref(obj);
            return rc;
        }
    }
    *out = obj;
    return 0;
}

/* Rules that span fields. */
static int check_consistency(const json_t *doc, ot_error *err)
{
    int parcel = ot__provider_parcel(ot__provider_id(ot__jstr(doc, "delivery_provider")));
    const json_t *history = json_object_get(doc, "status_history");

    if (json_array_size(history) == 0)
        return ot__error_field(err, OT_EINVAL, "status_history",
                               "status_history must hold at least the creation entry");
    if (parcel && !ot__jstr(doc, "shipment_status"))
        return ot__error_field(err, OT_EINVAL, "shipment_status",
                               "shipment_status is required for parcel provider %s",
                               ot__jstr(doc, "delivery_provider"));
    if (parcel && !ot__jstr(doc, "delivery_tracking_id"))
        return ot__error_field(err, OT_EINVAL, "delivery_tracking_id",
                               "delivery_tracking_id is required for parcel provider %s",
                               ot__jstr(doc, "delivery_provider"));
    if (!parcel && ot__jstr(doc, "shipment_status"))
        return ot__error_field(err, OT_EINVAL, "shipment_status",
                               "shipment_status must be null for hyperlocal provider %s",
                               ot__jstr(doc, "delivery_provider"));
    return 0;
}

int ot__order_validate_field(json_t **out, const char *name, const json_t *in,
                             const char *path, ot_error *err)
{
    size_t i;
    for (i = 0; i < sizeof order_fields / sizeof order_fields[0]; i++) {
        const struct field *f = &order_fields[i];
        if (strcmp(f->name, name) != 0)
            continue;
        if (json_is_null(in) && f->nullable) {
            *out = f->kind == K_LIST ? json_array() : json_null();
            return *out ? 0 : ot__error_set(err, OT_ENOMEM, "out of memory decoding %s", path);
        }
        if (json_is_string(in) && (f->kind == K_OBJ || f->kind == K_LIST))
            return wrong_type(err, path, f->kind == K_OBJ ? "an object" : "an array", in);
        return validate_value(out, in, f, path, err);
    }
    return ot__error_field(err, OT_EINVAL, path, "%s: no order field %s", path, name);
}

int ot__order_validate(json_t **canon, const json_t *in, ot_error *err)
{
    json_t *doc = NULL;
    int rc = validate_object(&doc, in, &order_schema, "", err);
    if (!rc)
        rc = check_consistency(doc, err);
    if (rc) {
        json_decref(doc);
        return rc;
    }
    *canon = doc;
    return 0;
}
