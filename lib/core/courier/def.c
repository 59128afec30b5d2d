/* Couriers as data: the definition loader and the registry (docs/couriers-as-data.md). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common.h"
#include "courier/courier_internal.h"
#include "courier/def_internal.h"
#include "json/json_internal.h"
#include "rules/vocab_internal.h"

#define MAX_STATUSES 10000
#define MAX_PATTERNS 32
#define PATTERN_MAX 256
#define POINTER_MAX 256

/* The built-in couriers' tracking-number patterns (docs/couriers-as-data.md says where each
 * comes from). Shiprocket and Velocity are aggregators (their AWBs are the underlying
 * carriers') and DoorDash's delivery id is chosen by the caller: no pattern. */
static const struct {
    int provider;
    const char *pattern;
    int confidence;
} builtin_patterns[] = {
    {OT_PROVIDER_DELHIVERY, "^[0-9]{13,14}$", 60},
    {OT_PROVIDER_DELHIVERY_B2B, "^[0-9]{8,10}$", 30},
    {OT_PROVIDER_UBER, "^(del|ret)_[A-Za-z0-9_-]{10,64}$", 95},
};

static const struct {
    const char *name;
    int check;
} check_names[] = {
    {"none", OT__CHECK_NONE}, {"s10", OT__CHECK_S10}, {"mod7", OT__CHECK_MOD7},
    {"luhn", OT__CHECK_LUHN},
};

struct loader {
    const char *what;
    ot_error *err;
};

static int fail(struct loader *ld, int code, const char *field, const char *reason)
{
    return ot__error_field(ld->err, code, field, "%.120s: %.80s: %.120s", ld->what,
                           field[0] ? field : "(document)", reason);
}

void ot__cdef_free(struct ot__cdef *d)
{
    struct ot__cdef_payload *p;
    size_t i;
    if (!d)
        return;
    for (i = 0; i < d->status_count; i++) {
        ot__free(d->statuses[i].type);
        ot__free(d->statuses[i].raw);
        ot__free(d->statuses[i].code);
    }
    for (i = 0; i < d->pattern_count; i++)
        regfree(&d->patterns[i].re);
    p = &d->payload;
    ot__free(p->shipments);
    ot__free(p->webhook_shipments);
    ot__free(p->awb);
    ot__free(p->status);
    ot__free(p->type);
    ot__free(p->time);
    ot__free(p->location);
    ot__free(p->order_id);
    ot__free(p->event_id);
    ot__free(p->notes);
    ot__free(d->api.path);
    ot__free(d->api.auth_header);
    ot__free(d->api.auth_prefix);
    ot__free(d->statuses);
    ot__free(d->patterns);
    ot__free(d->name);
    ot__free(d);
}

const json_t *ot__jpointer(const json_t *v, const char *ptr)
{
    char tok[POINTER_MAX + 1];
    while (v && *ptr == '/') {
        size_t n = 0;
        ptr++;
        while (*ptr && *ptr != '/' && n < POINTER_MAX) {
            if (ptr[0] == '~' && (ptr[1] == '0' || ptr[1] == '1')) {
                tok[n++] = ptr[1] == '0' ? '~' : '/';
                ptr += 2;
            } else {
                tok[n++] = *ptr++;
            }
        }
        tok[n] = '\0';
        if (json_is_object(v)) {
            v = json_object_get(v, tok);
        } else if (json_is_array(v)) {
            char *end;
            unsigned long i;
            if (!n || (n > 1 && tok[0] == '0') || tok[0] < '0' || tok[0] > '9')
                return NULL;
            i = strtoul(tok, &end, 10);
            v = *end ? NULL : json_array_get(v, i);
        } else {
            return NULL;
        }
    }
    return *ptr ? NULL : v;
}

/* A JSON pointer member of `obj` into *dst (NULL when absent). */
static int pointer(struct loader *ld, char **dst, const json_t *obj, const char *key,
                   const char *path, int required)
{
    char field[96];
    const json_t *v = json_object_get(obj, key);
    const char *s;
    snprintf(field, sizeof field, "%s.%s", path, key);
    *dst = NULL;
    if (!v || json_is_null(v))
        return required ? fail(ld, OT_EPARSE, field, "missing (a JSON pointer)") : 0;
    s = json_string_value(v);
    if (!s)
        return fail(ld, OT_EPARSE, field, "expected a JSON pointer string (\"/a/b\")");
    if ((s[0] && s[0] != '/') || strlen(s) > POINTER_MAX)
        return fail(ld, OT_EPARSE, field,
                    "not a JSON pointer: empty or starting with '/', at most 256 bytes");
    if (!(*dst = ot__strdup(s)))
        return ot__error_set(ld->err, OT_ENOMEM, "out of memory loading %.120s", ld->what);
    return 0;
}

/* Refuse members of `obj` not in `names` (NULL-terminated). */
static int known_members(struct loader *ld, const json_t *obj, const char *path,
                         const char *const *names)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v) {
        const char *const *n;
        char field[96];
        for (n = names; *n && strcmp(*n, key) != 0; n++)
            ;
        if (!*n) {
            snprintf(field, sizeof field, "%s%s%.40s", path, path[0] ? "." : "", key);
            return fail(ld, OT_EPARSE, field, "unknown member");
        }
    }
    return 0;
}

static int normalised(struct loader *ld, char **dst, const json_t *v, const char *field)
{
    char norm[OT_COURIER_KEY_MAX + 1], num[32];
    const char *s = json_string_value(v);
    if (json_is_integer(v)) {
        snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
        s = num;
    }
    if (!s)
        return fail(ld, OT_EPARSE, field, "expected a string (or an integer id)");
    if (ot__courier_normalise(norm, s) <= 0)
        return fail(ld, OT_EPARSE, field, "empty or longer than 63 bytes");
    if (!(*dst = ot__strdup(norm)))
        return ot__error_set(ld->err, OT_ENOMEM, "out of memory loading %.120s", ld->what);
    return 0;
}

/* One entry of "statuses": every word and id becomes a row. */
static int parse_status(struct loader *ld, struct ot__cdef *d, const json_t *e, size_t index)
{
    static const char *const members[] = {"status", "words", "ids", "type", "code", "flags",
                                          "description", NULL};
    char path[48], field[96];
    const char *lists[] = {"words", "ids"}, *sname;
    char *type = NULL, *code = NULL;
    const json_t *status, *v, *flags = json_object_get(e, "flags");
    unsigned fl = 0;
    int value = 0, rc = 0, l;
    size_t i, rows = 0;

    snprintf(path, sizeof path, "statuses[%zu]", index);
    if (!json_is_object(e))
        return fail(ld, OT_EPARSE, path, "expected an object");
    if ((rc = known_members(ld, e, path, members)))
        return rc;
    if (flags && !json_is_null(flags)) {
        snprintf(field, sizeof field, "%s.flags", path);
        if (!json_is_array(flags))
            return fail(ld, OT_EPARSE, field, "expected an array of flag names");
        json_array_foreach(flags, i, v) {
            unsigned f = ot__courier_flag(json_string_value(v));
            if (!f)
                return fail(ld, OT_EPARSE, field, OT__COURIER_FLAGS_HINT);
            fl |= f;
        }
    }
    snprintf(field, sizeof field, "%s.status", path);
    status = json_object_get(e, "status");
    if (!status)
        return fail(ld, OT_EPARSE, field, "missing (null for a flag-only row)");
    if (json_is_null(status)) {
        if (!fl)
            return fail(ld, OT_EPARSE, field, "null status needs flags");
    } else if (!(sname = json_string_value(status))) {
        return fail(ld, OT_EPARSE, field, "expected a string or null");
    } else if (d->parcel) {
        ot_shipment_status s;
        if (ot_shipment_from_string(&s, sname, NULL) != 0)
            return fail(ld, OT_EPARSE, field,
                        "not a shipment status wire name (\"in transit\", delivered, ...)");
        value = s;
    } else {
        ot_status s;
        if (ot_status_from_string(&s, sname, NULL) != 0)
            return fail(ld, OT_EPARSE, field, "not an order status wire name (in_transit, ...)");
        value = s;
    }
    for (l = 0; l < 2 && rc == 0; l++) {
        const char *key = l ? "code" : "type";
        v = json_object_get(e, key);
        snprintf(field, sizeof field, "%s.%s", path, key);
        if (v && !json_is_null(v))
            rc = normalised(ld, l ? &code : &type, v, field);
    }
    for (l = 0; l < 2 && rc == 0; l++) {
        const json_t *arr = json_object_get(e, lists[l]);
        if (!arr || json_is_null(arr))
            continue;
        snprintf(field, sizeof field, "%s.%s", path, lists[l]);
        if (!json_is_array(arr)) {
            rc = fail(ld, OT_EPARSE, field, "expected an array");
            break;
        }
        json_array_foreach(arr, i, v) {
            struct ot__cdef_status *row;
            char item[160];
            if (d->status_count >= MAX_STATUSES) {
                rc = fail(ld, OT_ELIMIT, field, "more than 10000 status rows");
                break;
            }
            row = &d->statuses[d->status_count];
            memset(row, 0, sizeof *row);
            snprintf(item, sizeof item, "%s[%zu]", field, i);
            if ((rc = normalised(ld, &row->raw, v, item)))
                break;
            row->value = value;
            row->flags = fl;
            if ((type && !(row->type = ot__strdup(type))) ||
                (code && !(row->code = ot__strdup(code)))) {
                d->status_count++;
                rc = ot__error_set(ld->err, OT_ENOMEM, "out of memory loading %.120s",
                                   ld->what);
                break;
            }
            d->status_count++;
            rows++;
        }
    }
    ot__free(type);
    ot__free(code);
    if (rc == 0 && rows == 0)
        rc = fail(ld, OT_EPARSE, path, "needs at least one of words, ids");
    return rc;
}

static int count_status_rows(const json_t *arr, size_t *n)
{
    const json_t *e;
    size_t i, total = 0;
    json_array_foreach(arr, i, e) {
        total += json_array_size(json_object_get(e, "words"));
        total += json_array_size(json_object_get(e, "ids"));
    }
    *n = total;
    return 0;
}

/* 1 when the bounded repetitions of `re` ({m}, {m,n}) multiply to more than
 * PATTERN_REPEAT_MAX: nested bounds make regcomp's automaton grow as their product. */
#define PATTERN_REPEAT_MAX 4096
static int repeats_too_large(const char *re)
{
    unsigned long product = 1;
    for (; *re; re++) {
        unsigned long m = 0, n;
        if (*re == '\\' && re[1]) {
            re++;
            continue;
        }
        if (*re != '{')
            continue;
        for (re++; *re >= '0' && *re <= '9' && m <= PATTERN_REPEAT_MAX; re++)
            m = m * 10 + (unsigned long)(*re - '0');
        n = m;
        if (*re == ',')
            for (n = 0, re++; *re >= '0' && *re <= '9' && n <= PATTERN_REPEAT_MAX; re++)
                n = n * 10 + (unsigned long)(*re - '0');
        product *= (n > m ? n : m) + 1;
        if (product > PATTERN_REPEAT_MAX || !*re)
            return product > PATTERN_REPEAT_MAX;
    }
    return 0;
}

static int parse_pattern(struct loader *ld, struct ot__cdef *d, const json_t *e, size_t index)
{
    static const char *const members[] = {"pattern", "confidence", "check", "example", NULL};
    struct ot__cdef_pattern *p = &d->patterns[d->pattern_count];
    char path[48], field[96];
    const char *s;
    const json_t *v;
    size_t i;
    int rc;

    snprintf(path, sizeof path, "tracking_numbers[%zu]", index);
    if (!json_is_object(e))
        return fail(ld, OT_EPARSE, path, "expected an object");
    if ((rc = known_members(ld, e, path, members)))
        return rc;
    p->confidence = 50;
    p->check = OT__CHECK_NONE;
    snprintf(field, sizeof field, "%s.confidence", path);
    v = json_object_get(e, "confidence");
    if (v) {
        if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 100)
            return fail(ld, OT_EPARSE, field, "expected an integer 1..100");
        p->confidence = (int)json_integer_value(v);
    }
    snprintf(field, sizeof field, "%s.check", path);
    v = json_object_get(e, "check");
    if (v) {
        s = json_string_value(v);
        for (i = 0; s && i < sizeof check_names / sizeof check_names[0]; i++)
            if (strcmp(s, check_names[i].name) == 0)
                break;
        if (!s || i == sizeof check_names / sizeof check_names[0])
            return fail(ld, OT_EPARSE, field, "not one of none, s10, mod7, luhn");
        p->check = check_names[i].check;
    }
    snprintf(field, sizeof field, "%s.pattern", path);
    s = json_string_value(json_object_get(e, "pattern"));
    if (!s || !*s || strlen(s) > PATTERN_MAX)
        return fail(ld, OT_EPARSE, field, "missing, empty or longer than 256 bytes");
    if (repeats_too_large(s))
        return fail(ld, OT_ELIMIT, field, "its {m,n} repetitions multiply beyond 4096");
    if ((rc = regcomp(&p->re, s, REG_EXTENDED | REG_NOSUB)) != 0) {
        char why[96], msg[160];
        regerror(rc, &p->re, why, sizeof why);
        snprintf(msg, sizeof msg, "not a POSIX extended regular expression: %s", why);
        return fail(ld, OT_EPARSE, field, msg);
    }
    d->pattern_count++;
    return 0;
}

static int parse_payload(struct loader *ld, struct ot__cdef *d, const json_t *pl)
{
    static const char *const members[] = {"shipments", "webhook_shipments", "awb", "status",
                                          "type", "time", "location", "order_id", "event_id",
                                          "notes", "time_offset_minutes", NULL};
    struct ot__cdef_payload *p = &d->payload;
    char **dst[] = {&p->shipments, &p->webhook_shipments, &p->awb, &p->status, &p->type,
                    &p->time, &p->location, &p->order_id, &p->event_id, &p->notes};
    const json_t *off;
    size_t i;
    int rc;

    if (!json_is_object(pl))
        return fail(ld, OT_EPARSE, "payload", "expected an object");
    if ((rc = known_members(ld, pl, "payload", members)))
        return rc;
    for (i = 0; i < sizeof dst / sizeof dst[0]; i++)
        if ((rc = pointer(ld, dst[i], pl, members[i], "payload",
                          i == 2 || i == 3))) /* awb and status are required */
            return rc;
    p->time_offset_min = 0;
    off = json_object_get(pl, "time_offset_minutes");
    if (off) {
        if (!json_is_integer(off) || json_integer_value(off) < -720 ||
            json_integer_value(off) > 840)
            return fail(ld, OT_EPARSE, "payload.time_offset_minutes",
                        "expected an integer -720..840 (minutes east of UTC)");
        p->time_offset_min = (int)json_integer_value(off);
    }
    d->has_payload = 1;
    return 0;
}

/* Member `key` of `obj`: `dflt` when absent, NULL when not a string. */
static const char *string_or(const json_t *obj, const char *key, const char *dflt)
{
    const json_t *v = json_object_get(obj, key);
    return v ? json_string_value(v) : dflt;
}

static int parse_api(struct loader *ld, struct ot__cdef *d, const json_t *api)
{
    static const char *const members[] = {"path", "auth_header", "auth_prefix", "batch_size",
                                          NULL};
    const char *path, *hdr, *prefix;
    const json_t *b;
    const char *c;
    int rc;

    if (!json_is_object(api))
        return fail(ld, OT_EPARSE, "api", "expected an object");
    if ((rc = known_members(ld, api, "api", members)))
        return rc;
    path = json_string_value(json_object_get(api, "path"));
    if (!path || path[0] != '/' || !strstr(path, "{awbs}") || strlen(path) > 512 ||
        strpbrk(path, " \r\n\t#"))
        return fail(ld, OT_EPARSE, "api.path",
                    "expected a path starting with '/' holding {awbs}, without spaces or '#'");
    hdr = string_or(api, "auth_header", "Authorization");
    if (!hdr || !*hdr || strlen(hdr) > 64)
        return fail(ld, OT_EPARSE, "api.auth_header", "expected a header name (1..64 bytes)");
    for (c = hdr; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
              *c == '-' || *c == '_'))
            return fail(ld, OT_EPARSE, "api.auth_header",
                        "a header name is letters, digits, '-' and '_'");
    prefix = string_or(api, "auth_prefix", "");
    if (!prefix || strlen(prefix) > 32 || strpbrk(prefix, "\r\n"))
        return fail(ld, OT_EPARSE, "api.auth_prefix", "expected a string of at most 32 bytes");
    b = json_object_get(api, "batch_size");
    d->api.batch_size = 1;
    if (b) {
        if (!json_is_integer(b) || json_integer_value(b) < 1 || json_integer_value(b) > 100)
            return fail(ld, OT_EPARSE, "api.batch_size", "expected an integer 1..100");
        d->api.batch_size = (size_t)json_integer_value(b);
    }
    if (!(d->api.path = ot__strdup(path)) || !(d->api.auth_header = ot__strdup(hdr)) ||
        !(d->api.auth_prefix = ot__strdup(prefix)))
        return ot__error_set(ld->err, OT_ENOMEM, "out of memory loading %.120s", ld->what);
    d->has_api = 1;
    return 0;
}

const struct ot__cdef *ot__cdef_find(const ot_courier_registry *r, int provider)
{
    size_t i;
    for (i = 0; r && i < r->count; i++)
        if (r->defs[i]->id == provider)
            return r->defs[i];
    return NULL;
}

const struct ot__cdef *ot__cdef_find_name(const ot_courier_registry *r, const char *name)
{
    size_t i;
    for (i = 0; r && name && i < r->count; i++)
        if (strcmp(r->defs[i]->name, name) == 0)
            return r->defs[i];
    return NULL;
}

static int parse_def(struct loader *ld, struct ot__cdef *d, const ot_courier_registry *reg,
                     const json_t *root)
{
    static const char *const members[] = {"format", "name", "kind", "display_name",
                                          "statuses", "tracking_numbers", "payload", "api",
                                          "documentation", NULL};
    const json_t *v, *e;
    const char *name, *kind;
    ot_provider builtin;
    size_t i, n;
    int rc;

    if (!json_is_object(root))
        return fail(ld, OT_EPARSE, "", "expected a JSON object");
    if ((rc = known_members(ld, root, "", members)))
        return rc;
    v = json_object_get(root, "format");
    if (!json_is_integer(v) || json_integer_value(v) != 1)
        return fail(ld, OT_EPARSE, "format", "must be 1");
    name = json_string_value(json_object_get(root, "name"));
    if (!ot__courier_name_valid(name))
        return fail(ld, OT_EPARSE, "name",
                    "expected 1..32 of a-z, 0-9 and '_', starting with a letter");
    if (!(d->name = ot__strdup(name)))
        return ot__error_set(ld->err, OT_ENOMEM, "out of memory loading %.120s", ld->what);
    d->builtin = ot_provider_from_string(&builtin, name, NULL) == 0;
    if (d->builtin) {
        if (builtin == OT_PROVIDER_INTERNAL)
            return fail(ld, OT_EPARSE, "name", "internal is not a courier");
        d->id = builtin;
        d->parcel = ot_provider_is_parcel(builtin, NULL) == 1;
    } else {
        const struct ot__cdef *other;
        d->id = ot__provider_id(name);
        d->parcel = 1;
        if (ot__cdef_find_name(reg, name))
            return fail(ld, OT_EEXISTS, "name", "already taken by another courier");
        if ((other = ot__cdef_find(reg, d->id))) {
            char msg[128];
            snprintf(msg, sizeof msg, "its provider id %d is already \"%.40s\"'s: choose "
                     "another name", d->id, other->name);
            return fail(ld, OT_EEXISTS, "name", msg);
        }
    }
    v = json_object_get(root, "kind");
    if (v) {
        kind = json_string_value(v);
        if (!kind || (strcmp(kind, "parcel") != 0 && strcmp(kind, "hyperlocal") != 0) ||
            (strcmp(kind, "parcel") == 0) != d->parcel)
            return fail(ld, OT_EPARSE, "kind",
                        d->parcel ? "this courier is \"parcel\" (run-time couriers are)"
                                  : "this courier is \"hyperlocal\"");
    }
    v = json_object_get(root, "display_name");
    if (v && (!json_is_string(v) || json_string_length(v) > 128))
        return fail(ld, OT_EPARSE, "display_name", "expected a string of at most 128 bytes");
    v = json_object_get(root, "documentation");
    if (v && !json_is_string(v))
        return fail(ld, OT_EPARSE, "documentation", "expected a string");

    v = json_object_get(root, "statuses");
    if (v) {
        if (!json_is_array(v))
            return fail(ld, OT_EPARSE, "statuses", "expected an array");
        count_status_rows(v, &n);
        if (n > MAX_STATUSES)
            return fail(ld, OT_ELIMIT, "statuses", "more than 10000 status rows");
        d->statuses = ot__calloc(n ? n : 1, sizeof *d->statuses);
        if (!d->statuses)
            return ot__error_set(ld->err, OT_ENOMEM, "out of memory loading %.120s", ld->what);
        json_array_foreach(v, i, e)
            if ((rc = parse_status(ld, d, e, i)))
                return rc;
        d->has_table = 1;
        for (i = 0; i < d->status_count; i++)
            d->uses_type |= d->statuses[i].type != NULL;
    } else if (!d->builtin) {
        return fail(ld, OT_EPARSE, "statuses", "missing (a run-time courier needs its table)");
    }
    v = json_object_get(root, "tracking_numbers");
    if (v) {
        if (!json_is_array(v) || json_array_size(v) > MAX_PATTERNS)
            return fail(ld, OT_EPARSE, "tracking_numbers", "expected an array of at most 32");
        d->patterns = ot__calloc(json_array_size(v) + 1, sizeof *d->patterns);
        if (!d->patterns)
            return ot__error_set(ld->err, OT_ENOMEM, "out of memory loading %.120s", ld->what);
        json_array_foreach(v, i, e)
            if ((rc = parse_pattern(ld, d, e, i)))
                return rc;
    }
    v = json_object_get(root, "payload");
    if (v && d->builtin)
        return fail(ld, OT_EPARSE, "payload", "a built-in courier keeps its C parser");
    if (v && (rc = parse_payload(ld, d, v)))
        return rc;
    v = json_object_get(root, "api");
    if (v && d->builtin)
        return fail(ld, OT_EPARSE, "api", "a built-in courier keeps its C client");
    if (v && !d->has_payload)
        return fail(ld, OT_EPARSE, "payload", "missing: api needs the payload description");
    if (v && (rc = parse_api(ld, d, v)))
        return rc;
    return 0;
}

static int registry_put(ot_courier_registry *r, struct ot__cdef *d, ot_error *err)
{
    struct ot__cdef **grown;
    size_t i;
    for (i = 0; i < r->count; i++)
        if (r->defs[i]->id == d->id) { /* a built-in described by a file */
            ot__cdef_free(r->defs[i]);
            r->defs[i] = d;
            return 0;
        }
    if (!(grown = ot__grow(r->defs, &r->cap, r->count, sizeof *grown, 16)))
        return ot__error_set(err, OT_ENOMEM, "out of memory growing the courier registry");
    r->defs = grown;
    r->defs[r->count++] = d;
    return 0;
}

int ot_courier_registry_load_json(ot_courier_registry *reg, const char *json, size_t len,
                                  const char *what, ot_error *err)
{
    struct loader ld = {what ? what : "definition", err};
    struct ot__cdef *d;
    json_t *root;
    int rc;

    if (!reg)
        return ot__error_field(err, OT_EINVAL, "registry", "registry is NULL");
    if (!json)
        return ot__error_field(err, OT_EINVAL, "json", "definition JSON is NULL");
    if (len > OT_COURIER_DEF_MAX)
        return fail(&ld, OT_ELIMIT, "", "larger than 1 MiB");
    if ((rc = ot__json_load(&root, json, len, ld.what, "", err)) != 0)
        return rc;
    d = ot__calloc(1, sizeof *d);
    if (!d)
        rc = ot__error_set(err, OT_ENOMEM, "out of memory loading %.120s", ld.what);
    else
        rc = parse_def(&ld, d, reg, root);
    json_decref(root);
    if (rc == 0)
        rc = registry_put(reg, d, err);
    if (rc) {
        ot__cdef_free(d);
        return rc;
    }
    return d->id;
}

int ot_courier_registry_load(ot_courier_registry *reg, const char *path, ot_error *err)
{
    struct stat st;
    FILE *f;
    char *buf;
    size_t len;
    int rc;

    if (!reg)
        return ot__error_field(err, OT_EINVAL, "registry", "registry is NULL");
    if (!path)
        return ot__error_field(err, OT_EINVAL, "path", "definition file path is NULL");
    f = fopen(path, "rb");
    if (!f)
        return ot__error_field(err, OT_EIO, "path", "%.180s: %s", path, strerror(errno));
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) { /* no FIFO, device, folder */
        fclose(f);
        return ot__error_field(err, OT_EIO, "path", "%.180s: not a regular file", path);
    }
    buf = ot__malloc(OT_COURIER_DEF_MAX + 1);
    if (!buf) {
        fclose(f);
        return ot__error_set(err, OT_ENOMEM, "out of memory reading %.180s", path);
    }
    len = fread(buf, 1, OT_COURIER_DEF_MAX + 1, f);
    if (ferror(f))
        rc = ot__error_field(err, OT_EIO, "path", "%.180s: read error", path);
    else
        rc = ot_courier_registry_load_json(reg, buf, len, path, err);
    fclose(f);
    ot__free(buf);
    return rc;
}

static int add_builtin(ot_courier_registry *reg, int provider, ot_error *err)
{
    struct ot__cdef *d = ot__calloc(1, sizeof *d);
    const char *name = NULL;
    size_t i;
    if (!d)
        return ot__error_set(err, OT_ENOMEM, "out of memory creating the courier registry");
    (void)ot_provider_to_string(&name, provider, NULL);
    d->id = provider;
    d->builtin = 1;
    d->parcel = ot_provider_is_parcel(provider, NULL) == 1;
    d->name = ot__strdup(name);
    d->patterns = ot__calloc(sizeof builtin_patterns / sizeof builtin_patterns[0],
                             sizeof *d->patterns);
    if (!d->name || !d->patterns) {
        ot__cdef_free(d);
        return ot__error_set(err, OT_ENOMEM, "out of memory creating the courier registry");
    }
    for (i = 0; i < sizeof builtin_patterns / sizeof builtin_patterns[0]; i++) {
        struct ot__cdef_pattern *p = &d->patterns[d->pattern_count];
        if (builtin_patterns[i].provider != provider)
            continue;
        if (regcomp(&p->re, builtin_patterns[i].pattern, REG_EXTENDED | REG_NOSUB) != 0) {
            ot__cdef_free(d);
            return ot__error_set(err, OT_ENOMEM, "cannot compile a built-in pattern");
        }
        p->confidence = builtin_patterns[i].confidence;
        d->pattern_count++;
    }
    return registry_put(reg, d, err) ? (ot__cdef_free(d), OT_ENOMEM) : 0;
}

int ot_courier_registry_new(ot_courier_registry **out, ot_error *err)
{
    int p, rc;
    if (!out)
        return ot__error_field(err, OT_EINVAL, "out", "out is NULL");
    *out = ot__calloc(1, sizeof **out);
    if (!*out)
        return ot__error_set(err, OT_ENOMEM, "out of memory creating the courier registry");
    for (p = 1; p < OT_PROVIDER_COUNT; p++)
        if (ot__courier_builtin(p) && (rc = add_builtin(*out, p, err))) {
            ot_courier_registry_free(*out);
            *out = NULL;
            return rc;
        }
    return 0;
}

void ot_courier_registry_free(ot_courier_registry *reg)
{
    size_t i;
    if (!reg)
        return;
    for (i = 0; i < reg->count; i++)
        ot__cdef_free(reg->defs[i]);
    ot__free(reg->defs);
    ot__free(reg);
}

int ot_courier_registry_lookup(const ot_courier_registry *reg, const char *name, ot_error *err)
{
    const struct ot__cdef *d;
    if (!reg || !name)
        return ot__error_field(err, OT_EINVAL, reg ? "name" : "registry", "NULL argument");
    d = ot__cdef_find_name(reg, name);
    if (!d)
        return ot__error_field(err, OT_ENOTFOUND, "provider", "no courier is called \"%.64s\"",
                               name);
    return d->id;
}

int ot_courier_registry_name(const char **name, const ot_courier_registry *reg, int provider,
                             ot_error *err)
{
    const struct ot__cdef *d;
    if (!name || !reg)
        return ot__error_field(err, OT_EINVAL, name ? "registry" : "name", "NULL argument");
    d = ot__cdef_find(reg, provider);
    if (!d)
        return ot__error_field(err, OT_ENOTFOUND, "provider", "no courier has id %d", provider);
    *name = d->name;
    return 0;
}

int ot_courier_registry_is_generic(const ot_courier_registry *reg, int provider, ot_error *err)
{
    const struct ot__cdef *d;
    if (!reg)
        return ot__error_field(err, OT_EINVAL, "registry", "registry is NULL");
    d = ot__cdef_find(reg, provider);
    if (!d)
        return ot__error_field(err, OT_ENOTFOUND, "provider", "no courier has id %d", provider);
    return d->has_api;
}

int ot_courier_candidate_init(ot_courier_candidate *c, unsigned version, ot_error *err)
{
    static const ot_courier_candidate tpl = OT_COURIER_CANDIDATE_INIT;
    return ot__struct_init(c, version, &tpl, sizeof tpl, "candidate", "courier candidate", err);
}
