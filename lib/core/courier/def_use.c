/* Couriers as data at work: mapping through a definition's table, parsing a payload with its
 * JSON pointers, and detection from a tracking number. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "base/time_internal.h"
#include "courier/courier_internal.h"
#include "courier/def_internal.h"
#include "json/json_internal.h"

int ot_courier_registry_map(ot_courier_mapping *out, const ot_courier_registry *reg,
                            const ot_courier_tables *tables, int provider,
                            const char *raw_status, const char *raw_type,
                            const char *raw_code, ot_error *err)
{
    char raw[OT_COURIER_KEY_MAX + 1], type[OT_COURIER_KEY_MAX + 1], code[OT_COURIER_KEY_MAX + 1];
    const struct ot__cdef_status *best = NULL;
    const struct ot__cdef *d;
    size_t i;
    int pass;

    if (!out || !reg)
        return ot__error_field(err, OT_EINVAL, out ? "registry" : "out", "NULL argument");
    d = ot__cdef_find(reg, provider);
    if (!d || !d->has_table) {
        if (d && d->builtin)
            return ot_courier_map(out, tables, provider, raw_status, raw_type, raw_code, err);
        return ot__error_field(err, OT_EINVAL, "provider",
                               "provider %d has no courier status table", provider);
    }
    if (!raw_status)
        return ot__error_field(err, OT_EINVAL, "raw_status", "raw status is NULL");
    out->status = out->shipment_status = 0;
    out->flags = OT_UPDATE_UNMAPPED;
    if (ot__courier_normalise(raw, raw_status) < 0 || ot__courier_normalise(type, raw_type) < 0)
        raw[0] = '\0';
    if (ot__courier_normalise(code, raw_code) < 0)
        code[0] = '\0';
    /* As the built-in tables match (map.c): a row with the NDR code first, then a row
     * without a code; with types in the table, a row's type must be the one given (a row
     * without one: none given). A later row wins over an earlier one with the same key. */
    for (pass = code[0] ? 0 : 1; raw[0] && !best && pass < 2; pass++)
        for (i = 0; i < d->status_count; i++) {
            const struct ot__cdef_status *r = &d->statuses[i];
            if (strcmp(r->raw, raw) != 0 ||
                (pass == 0 ? !r->code || strcmp(r->code, code) != 0 : r->code != NULL) ||
                (d->uses_type && (r->type ? strcmp(r->type, type) != 0 : type[0] != '\0')))
                continue;
            best = r;
        }
    if (!best)
        return ot__error_field(err, OT_EUNKNOWN_STATUS, "raw_status",
                               "%s: no table maps status \"%.64s\"", d->name, raw_status);
    ot__courier_fill(out, d->parcel, best->value, best->flags);
    return 0;
}

/* The string at `ptr` in `obj` (an integer becomes its decimal text) into *dst; absent or
 * null leaves NULL. */
static int member(ot_update_list *list, const char **dst, const json_t *obj, const char *ptr,
                  const char *path, int required, ot_error *err)
{
    const json_t *v;
    char num[32];
    *dst = NULL;
    if (!ptr)
        return 0;
    v = ot__jpointer(obj, ptr);
    if (!v || json_is_null(v)) {
        if (required)
            return ot__error_field(err, OT_EPARSE, ptr, "%.80s%.80s: missing", path, ptr);
        return 0;
    }
    if (json_is_integer(v)) {
        snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
        return ot__update_list_strdup(list, dst, num) ? OT_ENOMEM : 0;
    }
    if (!json_is_string(v))
        return ot__error_field(err, OT_EPARSE, ptr, "%.80s%.80s: expected a string", path, ptr);
    return ot__update_list_strndup(list, dst, json_string_value(v), json_string_length(v))
               ? OT_ENOMEM : 0;
}

static int event_time(int64_t *ms, const json_t *obj, const struct ot__cdef_payload *p,
                      const char *path, ot_error *err)
{
    const json_t *v;
    *ms = 0;
    if (!p->time || !(v = ot__jpointer(obj, p->time)) || json_is_null(v))
        return 0;
    if (json_is_integer(v)) { /* seconds, or milliseconds from 10^11 on */
        json_int_t t = json_integer_value(v);
        if (t < 0 || t > 100000000000000LL)
            return ot__error_field(err, OT_EPARSE, p->time, "%.80s%.80s: time out of range",
                                   path, p->time);
        *ms = t < 100000000000LL ? (int64_t)t * 1000 : (int64_t)t;
        return 0;
    }
    if (!json_is_string(v) ||
        ot__time_parse_partner(ms, json_string_value(v), p->time_offset_min) != 0)
        return ot__error_field(err, OT_EPARSE, p->time,
                               "%.80s%.80s: expected an ISO-8601 time or epoch seconds", path,
                               p->time);
    return 0;
}

static int parse_one(ot_update_list *list, const ot_courier_registry *reg,
                     const struct ot__cdef *d, const json_t *s, const char *path,
                     ot_error *err)
{
    const struct ot__cdef_payload *p = &d->payload;
    ot_courier_mapping m;
    ot_update *u;
    int rc;

    if (!json_is_object(s))
        return ot__error_field(err, OT_EPARSE, path, "%.80s: expected an object", path);
    u = ot__update_list_push(list, d->id);
    if (!u)
        return ot__error_set(err, OT_ENOMEM, "out of memory growing the update list");
    if ((rc = member(list, &u->tracking_id, s, p->awb, path, 1, err)) ||
        (rc = member(list, &u->raw_status, s, p->status, path, 1, err)) ||
        (rc = member(list, &u->raw_type, s, p->type, path, 0, err)) ||
        (rc = member(list, &u->location, s, p->location, path, 0, err)) ||
        (rc = member(list, &u->order_id, s, p->order_id, path, 0, err)) ||
        (rc = member(list, &u->event_id, s, p->event_id, path, 0, err)) ||
        (rc = member(list, &u->notes, s, p->notes, path, 0, err)) ||
        (rc = event_time(&u->event_time_ms, s, p, path, err)))
        return rc == OT_ENOMEM ? ot__error_set(err, rc, "out of memory copying a payload string")
                               : rc;
    (void)ot_courier_registry_map(&m, reg, NULL, d->id, u->raw_status, u->raw_type, NULL, NULL);
    u->status = m.status;
    u->shipment_status = m.shipment_status;
    u->flags |= m.flags;
    return 0;
}

int ot_courier_registry_parse(ot_update_list **list, const ot_courier_registry *reg,
                              int provider, int kind, const void *bytes, size_t len,
                              ot_error *err)
{
    const struct ot__cdef *d;
    const json_t *ships;
    const char *ptr;
    json_t *root;
    char path[64];
    size_t i;
    int rc = 0;

    if (!list)
        return ot__error_field(err, OT_EINVAL, "list", "list is NULL");
    *list = NULL;
    if (!reg || (!bytes && len))
        return ot__error_field(err, OT_EINVAL, reg ? "bytes" : "registry", "NULL argument");
    if (kind != OT_COURIER_DEF_TRACKING && kind != OT_COURIER_DEF_WEBHOOK)
        return ot__error_field(err, OT_EINVAL, "kind", "%d is not a payload kind", kind);
    d = ot__cdef_find(reg, provider);
    if (!d || !d->has_payload)
        return ot__error_field(err, OT_EINVAL, "provider",
                               "provider %d has no payload description", provider);
    if (len > OT_COURIER_PAYLOAD_MAX)
        return ot__error_field(err, OT_ELIMIT, "", "payload of %zu bytes exceeds the limit",
                               len);
    if ((rc = ot__json_load(&root, bytes, len, "payload", "", err)))
        return rc;
    ptr = kind == OT_COURIER_DEF_TRACKING ? d->payload.shipments : d->payload.webhook_shipments;
    ships = ot__jpointer(root, ptr ? ptr : "");
    if ((rc = ot__update_list_new(list)))
        rc = ot__error_set(err, OT_ENOMEM, "out of memory creating the update list");
    else if (json_is_array(ships)) {
        for (i = 0; rc == 0 && i < json_array_size(ships); i++) {
            snprintf(path, sizeof path, "%.40s/%zu", ptr ? ptr : "", i);
            rc = parse_one(*list, reg, d, json_array_get(ships, i), path, err);
        }
    } else if (json_is_object(ships)) {
        rc = parse_one(*list, reg, d, ships, ptr ? ptr : "", err);
    } else {
        rc = ot__error_field(err, OT_EPARSE, ptr ? ptr : "",
                             "%s: shipments at \"%.80s\": missing or not an array or object",
                             d->name, ptr ? ptr : "");
    }
    json_decref(root);
    if (rc) {
        ot_update_list_free(*list);
        *list = NULL;
    }
    return rc;
}

/* Check digits (docs/couriers-as-data.md). */
static int check_s10(const char *s, size_t n)
{
    static const int w[8] = {8, 6, 4, 2, 3, 5, 9, 7};
    int sum = 0, i, c;
    if (n != 13)
        return 0;
    for (i = 0; i < 9; i++)
        if (!isdigit((unsigned char)s[2 + i]))
            return 0;
    for (i = 0; i < 8; i++)
        sum += (s[2 + i] - '0') * w[i];
    c = 11 - sum % 11;
    c = c == 10 ? 0 : c == 11 ? 5 : c;
    return c == s[10] - '0';
}

static int check_mod7(const char *s, size_t n)
{
    int rem = 0, digits = 0, last = -1;
    size_t i;
    for (i = 0; i < n; i++)
        if (isdigit((unsigned char)s[i])) {
            if (last >= 0)
                rem = (rem * 10 + last) % 7;
            last = s[i] - '0';
            digits++;
        }
    return digits >= 2 && rem == last;
}

static int check_luhn(const char *s, size_t n)
{
    int sum = 0, dbl = 0, digits = 0;
    size_t i = n;
    while (i-- > 0) {
        int v;
        if (!isdigit((unsigned char)s[i]))
            continue;
        v = s[i] - '0';
        if (dbl && (v *= 2) > 9)
            v -= 9;
        sum += v;
        dbl = !dbl;
        digits++;
    }
    return digits >= 2 && sum % 10 == 0;
}

static int check_ok(int check, const char *s, size_t n)
{
    switch (check) {
    case OT__CHECK_S10: return check_s10(s, n);
    case OT__CHECK_MOD7: return check_mod7(s, n);
    case OT__CHECK_LUHN: return check_luhn(s, n);
    default: return 1;
    }
}

static int by_confidence(const void *a, const void *b)
{
    const ot_courier_candidate *x = a, *y = b;
    if (x->confidence != y->confidence)
        return y->confidence - x->confidence;
    return x->provider - y->provider;
}

int ot_courier_detect(const ot_courier_registry *reg, const char *tracking_number,
                      ot_courier_candidate *out, size_t cap, size_t *count, ot_error *err)
{
    ot_courier_registry *own = NULL;
    ot_courier_candidate *all = NULL;
    char buf[128];
    size_t i, j, n = 0, len;
    const char *s = tracking_number;
    int rc = 0;

    if (!count || !tracking_number || (cap && !out))
        return ot__error_field(err, OT_EINVAL, !count ? "count" : !tracking_number
                               ? "tracking_number" : "out", "NULL argument");
    *count = 0;
    for (i = 0; i < cap; i++)
        if ((rc = ot__check_version(out[i].version, OT_COURIER_CANDIDATE_VERSION,
                                    "courier candidate", err)))
            return rc;
    while (isspace((unsigned char)*s))
        s++;
    len = strlen(s);
    while (len && isspace((unsigned char)s[len - 1]))
        len--;
    if (len == 0 || len >= sizeof buf)
        return 0; /* nothing any pattern could match */
    memcpy(buf, s, len);
    buf[len] = '\0';
    if (!reg) {
        if ((rc = ot_courier_registry_new(&own, err)))
            return rc;
        reg = own;
    }
    all = ot__calloc(reg->count ? reg->count : 1, sizeof *all);
    if (!all) {
        ot_courier_registry_free(own);
        return ot__error_set(err, OT_ENOMEM, "out of memory detecting the courier");
    }
    for (i = 0; i < reg->count; i++) {
        const struct ot__cdef *d = reg->defs[i];
        int best = 0;
        for (j = 0; j < d->pattern_count; j++)
            if (regexec(&d->patterns[j].re, buf, 0, NULL, 0) == 0 &&
                check_ok(d->patterns[j].check, buf, len) && d->patterns[j].confidence > best)
                best = d->patterns[j].confidence;
        if (best) {
            all[n].version = OT_COURIER_CANDIDATE_VERSION;
            all[n].provider = d->id;
            all[n].name = d->name;
            all[n].confidence = best;
            n++;
        }
    }
    qsort(all, n, sizeof *all, by_confidence);
    for (i = 0; i < n && i < cap; i++)
        out[i] = all[i];
    *count = n;
    ot__free(all);
    if (own && n) /* names borrowed from a registry about to go: give static built-in names */
        for (i = 0; i < n && i < cap; i++)
            (void)ot_provider_to_string(&out[i].name, out[i].provider, NULL);
    ot_courier_registry_free(own);
    return 0;
}
