/* Typed member access that names the field on error, and the field helpers of the library's
 * own documents. */
#include <stdio.h>
#include <string.h>

#include "common.h"
#include "base/time_internal.h"
#include "json/json_internal.h"

int ot__json_field_error(ot_error *err, int code, const char *path, const char *key,
                         const char *reason)
{
    char field[192];

    if (path && path[0])
        snprintf(field, sizeof field, "%s.%s", path, key);
    else
        snprintf(field, sizeof field, "%s", key);
    return ot__error_field(err, code, field, "%.150s: %.100s", field, reason);
}

static int get(json_t **out, const json_t *obj, const char *key, int required,
               const char *path, ot_error *err)
{
    *out = json_object_get(obj, key);
    if (*out && json_is_null(*out))
        *out = NULL;
    if (!*out && required)
        return ot__json_field_error(err, OT_EPARSE, path, key, "missing");
    return 0;
}

static int str(const char **out, const json_t *obj, const char *key, int required,
               const char *path, ot_error *err)
{
    json_t *v;
    int rc = get(&v, obj, key, required, path, err);

    *out = NULL;
    if (rc || !v)
        return rc;
    if (!json_is_string(v))
        return ot__json_field_error(err, OT_EPARSE, path, key, "expected a string");
    *out = json_string_value(v);
    return 0;
}

int ot__json_opt_string(const char **out, const json_t *obj, const char *key,
                        const char *path, ot_error *err)
{
    return str(out, obj, key, 0, path, err);
}

int ot__json_req_string(const char **out, const json_t *obj, const char *key,
                        const char *path, ot_error *err)
{
    return str(out, obj, key, 1, path, err);
}

static int typed(json_t **out, const json_t *obj, const char *key, int required, int want,
                 const char *path, ot_error *err)
{
    int rc = get(out, obj, key, required, path, err);

    if (rc || !*out)
        return rc;
    if ((int)json_typeof(*out) != want) {
        *out = NULL;
        return ot__json_field_error(err, OT_EPARSE, path, key,
                                    want == JSON_OBJECT ? "expected an object"
                                                        : "expected an array");
    }
    return 0;
}

int ot__json_opt_object(json_t **out, const json_t *obj, const char *key, const char *path,
                        ot_error *err)
{
    return typed(out, obj, key, 0, JSON_OBJECT, path, err);
}

int ot__json_req_object(json_t **out, const json_t *obj, const char *key, const char *path,
                        ot_error *err)
{
    return typed(out, obj, key, 1, JSON_OBJECT, path, err);
}

int ot__json_opt_array(json_t **out, const json_t *obj, const char *key, const char *path,
                       ot_error *err)
{
    return typed(out, obj, key, 0, JSON_ARRAY, path, err);
}

int ot__json_req_array(json_t **out, const json_t *obj, const char *key, const char *path,
                       ot_error *err)
{
    return typed(out, obj, key, 1, JSON_ARRAY, path, err);
}

int ot__json_opt_number(double *out, int *present, const json_t *obj, const char *key,
                        const char *path, ot_error *err)
{
    json_t *v;
    int rc = get(&v, obj, key, 0, path, err);

    *out = 0.0;
    *present = 0;
    if (rc || !v)
        return rc;
    if (!json_is_number(v))
        return ot__json_field_error(err, OT_EPARSE, path, key, "expected a number");
    *out = json_number_value(v);
    *present = 1;
    return 0;
}

int ot__json_opt_bool(int *out, int *present, const json_t *obj, const char *key,
                      const char *path, ot_error *err)
{
    json_t *v;
    int rc = get(&v, obj, key, 0, path, err);

    *out = 0;
    *present = 0;
    if (rc || !v)
        return rc;
    if (!json_is_boolean(v))
        return ot__json_field_error(err, OT_EPARSE, path, key, "expected true or false");
    *out = json_is_true(v);
    *present = 1;
    return 0;
}

int ot__json_opt_id(const char **out, char *buf, size_t cap, const json_t *obj,
                    const char *key, const char *path, ot_error *err)
{
    json_t *v;
    int rc = get(&v, obj, key, 0, path, err);

    *out = NULL;
    if (rc || !v)
        return rc;
    if (json_is_string(v)) {
        *out = json_string_value(v);
        return 0;
    }
    if (!json_is_integer(v))
        return ot__json_field_error(err, OT_EPARSE, path, key,
                                    "expected an integer or a string");
    snprintf(buf, cap, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    *out = buf;
    return 0;
}

int ot__json_opt_time(int64_t *ms, const json_t *obj, const char *key, int default_offset_min,
                      const char *path, ot_error *err)
{
    const char *s;
    int rc = str(&s, obj, key, 0, path, err);

    *ms = 0;
    if (rc || !s || !s[0])
        return rc;
    if (ot__time_parse_partner(ms, s, default_offset_min) != 0)
        return ot__json_field_error(err, OT_EPARSE, path, key, "not a date and time");
    return 0;
}

const char *ot__jstr(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

int64_t ot__jtime(const json_t *obj, const char *key)
{
    int64_t ms;
    const char *s = ot__jstr(obj, key);
    return s && ot__time_parse(&ms, s) == 0 ? ms : 0;
}

json_t *ot__jtime_new(int64_t ms)
{
    char buf[OT__TIME_SIZE];
    ot__time_format(buf, ms);
    return json_string(buf);
}

int ot__jset_str(json_t *obj, const char *key, const char *value)
{
    return json_object_set_new(obj, key, value ? json_string(value) : json_null()) == 0
               ? 0 : OT_ENOMEM;
}

int ot__jset_time(json_t *obj, const char *key, int64_t ms)
{
    return json_object_set_new(obj, key, ms > 0 ? ot__jtime_new(ms) : json_null()) == 0
               ? 0 : OT_ENOMEM;
}
