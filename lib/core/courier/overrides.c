/* Run-time overrides of the status tables, from a JSON file (docs/couriers-mapping.md). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common.h"
#include "courier/courier_internal.h"
#include "json/json_internal.h"

/* Most rows one file may hold. */
#define MAX_ROWS 10000

static const struct {
    const char *name;
    unsigned flag;
} flag_names[] = {
    {"partial", OT_UPDATE_PARTIAL},
    {"damaged", OT_UPDATE_DAMAGED},
    {"reverse_pickup", OT_UPDATE_REVERSE_PICKUP},
    {"customer_return", OT_UPDATE_CUSTOMER_RETURN},
    {"left_at_door", OT_UPDATE_LEFT_AT_DOOR},
    {"returned", OT_UPDATE_RETURNED},
};

unsigned ot__courier_flag(const char *name)
{
    size_t j;
    for (j = 0; name && j < sizeof flag_names / sizeof flag_names[0]; j++)
        if (strcmp(name, flag_names[j].name) == 0)
            return flag_names[j].flag;
    return 0;
}

/* Line of each object directly inside the top-level object's arrays (the entries of
 * "mappings", the only array allowed there): jansson keeps no positions after decoding. */
static void entry_lines(int *lines, size_t n, const char *s, size_t len)
{
    size_t i, found = 0;
    int depth = 0, in_string = 0, line = 1;

    for (i = 0; i < len && found < n; i++) {
        char c = s[i];
        if (c == '\n')
            line++;
        if (in_string) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_string = 0;
        } else if (c == '"') {
            in_string = 1;
        } else if (c == '{' || c == '[') {
            if (c == '{' && depth == 2)
                lines[found++] = line;
            depth++;
        } else if (c == '}' || c == ']') {
            depth--;
        }
    }
}

struct loader {
    const char *what; /* path or "overrides" */
    ot_error *err;
};

static int entry_error(struct loader *ld, int line, size_t index, const char *member,
                       const char *reason)
{
    char field[64];

    snprintf(field, sizeof field, "mappings[%zu]%s%s", index, member[0] ? "." : "", member);
    return ot__error_field(ld->err, OT_EPARSE, field, "%.120s:%d: %s: %.80s", ld->what, line,
                           field, reason);
}

static void free_row(struct ot__override_row *r)
{
    ot__free(r->type);
    ot__free(r->raw);
    ot__free(r->code);
}

/* Normalised copy of an optional key member into *dst (NULL when absent or empty). */
static int key_member(struct loader *ld, char **dst, const json_t *e, const char *member,
                      int line, size_t index, int required)
{
    char norm[OT_COURIER_KEY_MAX + 1];
    json_t *v = json_object_get(e, member);

    *dst = NULL;
    if (!v || json_is_null(v)) {
        if (required)
            return entry_error(ld, line, index, member, "missing");
        return 0;
    }
    if (!json_is_string(v))
        return entry_error(ld, line, index, member, "expected a string");
    if (ot__courier_normalise(norm, json_string_value(v)) < 0)
        return entry_error(ld, line, index, member, "longer than 63 bytes");
    if (!norm[0]) {
        if (required)
            return entry_error(ld, line, index, member, "empty");
        return 0;
    }
    *dst = ot__strdup(norm);
    if (!*dst)
        return ot__error_set(ld->err, OT_ENOMEM, "out of memory loading overrides");
    return 0;
}

static int parse_flags(struct loader *ld, unsigned *flags, const json_t *e, int line,
                       size_t index)
{
    json_t *arr = json_object_get(e, "flags"), *v;
    size_t i;

    *flags = 0;
    if (!arr || json_is_null(arr))
        return 0;
    if (!json_is_array(arr))
        return entry_error(ld, line, index, "flags", "expected an array of flag names");
    json_array_foreach(arr, i, v) {
        unsigned flag = ot__courier_flag(json_string_value(v));
        if (!flag)
            return entry_error(ld, line, index, "flags", OT__COURIER_FLAGS_HINT);
        *flags |= flag;
    }
    return 0;
}

static int parse_entry(struct loader *ld, struct ot__override_row *r, const json_t *e,
                       int line, size_t index)
{
    static const char *const members[] = {"provider", "type", "raw", "code", "status", "flags"};
    const char *key, *pname, *sname;
    json_t *v, *status;
    ot_provider provider;
    size_t i;
    int parcel, rc;

    memset(r, 0, sizeof *r);
    if (!json_is_object(e))
        return entry_error(ld, line, index, "", "expected an object");
    json_object_foreach((json_t *)e, key, v) {
        for (i = 0; i < sizeof members / sizeof members[0]; i++)
            if (strcmp(key, members[i]) == 0)
                break;
        if (i == sizeof members / sizeof members[0])
            return entry_error(ld, line, index, key, "unknown member");
    }
    pname = json_string_value(json_object_get(e, "provider"));
    if (!pname)
        return entry_error(ld, line, index, "provider", "missing or not a string");
    if (ot_provider_from_string(&provider, pname, NULL) != 0 || !ot__courier_builtin(provider))
        return entry_error(ld, line, index, "provider",
                           "not one of delhivery, delhivery_b2b, shiprocket, velocity, uber, "
                           "doordash");
    r->provider = provider;
    parcel = ot_provider_is_parcel(provider, NULL) == 1;

    if ((rc = key_member(ld, &r->raw, e, "raw", line, index, 1)) != 0
        || (rc = key_member(ld, &r->type, e, "type", line, index, 0)) != 0
        || (rc = key_member(ld, &r->code, e, "code", line, index, 0)) != 0
        || (rc = parse_flags(ld, &r->flags, e, line, index)) != 0)
        return rc;
    if ((r->type || r->code) && provider != OT_PROVIDER_DELHIVERY)
        return entry_error(ld, line, index, r->type ? "type" : "code",
                           "only delhivery rows take a type or code");

    status = json_object_get(e, "status");
    if (!status)
        return entry_error(ld, line, index, "status", "missing (null for a flag-only row)");
    if (json_is_null(status)) {
        if (!r->flags)
            return entry_error(ld, line, index, "status", "null status needs flags");
        return 0;
    }
    sname = json_string_value(status);
    if (!sname)
        return entry_error(ld, line, index, "status", "expected a string or null");
    if (parcel) {
        ot_shipment_status s;
        if (ot_shipment_from_string(&s, sname, NULL) != 0)
            return entry_error(ld, line, index, "status",
                               "not a shipment status wire name (\"in transit\", ...)");
        r->value = s;
    } else {
        ot_status s;
        if (ot_status_from_string(&s, sname, NULL) != 0)
            return entry_error(ld, line, index, "status",
                               "not an order status wire name (in_transit, ...)");
        r->value = s;
    }
    return 0;
}

static int load(ot_courier_tables *t, const char *json, size_t len, const char *what,
                ot_error *err)
{
    struct loader ld = {what, err};
    struct ot__override_row *rows = NULL;
    json_t *root, *mappings, *version, *e;
    const char *key;
    int *lines = NULL;
    size_t n, i, done = 0;
    int rc;

    if (len > OT_COURIER_OVERRIDES_MAX)
        return ot__error_field(err, OT_ELIMIT, "", "%.120s: %zu bytes exceed the limit of %u",
                               what, len, OT_COURIER_OVERRIDES_MAX);
    if ((rc = ot__json_load(&root, json, len, what, "", err)) != 0)
        return rc;
    rc = 0;
    if (!json_is_object(root)) {
        rc = ot__error_field(err, OT_EPARSE, "", "%.120s:1: expected a JSON object", what);
        goto out;
    }
    json_object_foreach(root, key, e)
        if (strcmp(key, "version") != 0 && strcmp(key, "mappings") != 0) {
            rc = ot__error_field(err, OT_EPARSE, key, "%.120s: unknown member \"%.40s\" "
                                 "(expected version, mappings)", what, key);
            goto out;
        }
    version = json_object_get(root, "version");
    if (!json_is_integer(version) || json_integer_value(version) != 1) {
        rc = ot__error_field(err, OT_EPARSE, "version", "%.120s: version must be 1", what);
        goto out;
    }
    mappings = json_object_get(root, "mappings");
    if (!json_is_array(mappings)) {
        rc = ot__error_field(err, OT_EPARSE, "mappings",
                             "%.120s: mappings must be an array", what);
        goto out;
    }
    n = json_array_size(mappings);
    if (n > MAX_ROWS) {
        rc = ot__error_field(err, OT_ELIMIT, "mappings",
                             "%.120s: %zu mappings exceed the limit of %d", what, n, MAX_ROWS);
        goto out;
    }
    if (n == 0)
        goto out;
    if (t->count + n > t->cap) {
        size_t cap = t->count + n;
        struct ot__override_row *grown = ot__realloc(t->rows, cap * sizeof *grown);
        if (!grown) {
            rc = ot__error_set(err, OT_ENOMEM, "out of memory loading overrides");
            goto out;
        }
        t->rows = grown;
        t->cap = cap;
    }
    lines = ot__calloc(n, sizeof *lines);
    rows = ot__calloc(n, sizeof *rows);
    if (!lines || !rows) {
        rc = ot__error_set(err, OT_ENOMEM, "out of memory loading overrides");
        goto out;
    }
    entry_lines(lines, n, json, len);
    for (i = 0; i < n; i++, done++)
        if ((rc = parse_entry(&ld, &rows[i], json_array_get(mappings, i), lines[i], i)) != 0) {
            free_row(&rows[i]);
            goto out;
        }
    memcpy(t->rows + t->count, rows, n * sizeof *rows);
    t->count += n;
    done = 0; /* the tables own them now */
out:
    for (i = 0; i < done; i++)
        free_row(&rows[i]);
    ot__free(rows);
    ot__free(lines);
    json_decref(root);
    return rc;
}

int ot_courier_tables_load_overrides_json(ot_courier_tables *tables, const char *json,
                                          size_t len, ot_error *err)
{
    if (!tables)
        return ot__error_field(err, OT_EINVAL, "tables", "tables is NULL");
    if (!json)
        return ot__error_field(err, OT_EINVAL, "json", "override JSON is NULL");
    return load(tables, json, len, "overrides", err);
}

int ot_courier_tables_load_overrides(ot_courier_tables *tables, const char *path,
                                     ot_error *err)
{
    FILE *f;
    char *buf;
    size_t len;
    int rc;

    if (!tables)
        return ot__error_field(err, OT_EINVAL, "tables", "tables is NULL");
    if (!path)
        return ot__error_field(err, OT_EINVAL, "path", "override file path is NULL");
    f = fopen(path, "rb");
    if (!f)
        return ot__error_field(err, OT_EIO, "path", "%.180s: %s", path, strerror(errno));
    buf = ot__malloc(OT_COURIER_OVERRIDES_MAX + 1);
    if (!buf) {
        fclose(f);
        return ot__error_set(err, OT_ENOMEM, "out of memory reading %.180s", path);
    }
    len = fread(buf, 1, OT_COURIER_OVERRIDES_MAX + 1, f);
    if (ferror(f)) {
        rc = ot__error_field(err, OT_EIO, "path", "%.180s: read error", path);
    } else {
        rc = load(tables, buf, len, path, err);
    }
    fclose(f);
    ot__free(buf);
    return rc;
}
