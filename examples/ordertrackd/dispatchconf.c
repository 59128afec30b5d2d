/* The `dispatch` block of ordertrackd's config, member by member, as data. */
#include <stdlib.h>
#include <string.h>

#include <ordertrack/status.h>

#include "dispatchconf.h"

static const char *const block_fields[] = {
    "uber", "doordash", "stores", "max_no_driver_attempts", "retry_base_ms", "retry_cap_ms",
    "lease_ms", "sweep_ms", "http_max_attempts", "breaker_threshold", "breaker_cooldown_ms",
    NULL};
static const char *const store_fields[] = {"primary", "secondary", "pickup_name",
                                           "pickup_address", "pickup_phone", NULL};

/* A partner's string members: where each goes in ot_dispatch_partner, and who needs it. */
static const struct {
    const char *name;
    size_t offset;
    int provider;            /* the partner that takes (and requires) it */
    int required;
} partner_strings[] = {
#define S(name, prov, req) {#name, offsetof(ot_dispatch_partner, name), prov, req}
    S(base_url, OT_PROVIDER_UBER, 1), S(token_url, OT_PROVIDER_UBER, 1),
    S(client_id, OT_PROVIDER_UBER, 1), S(client_secret, OT_PROVIDER_UBER, 1),
    S(customer_id, OT_PROVIDER_UBER, 1),
    S(base_url, OT_PROVIDER_DOORDASH, 1), S(developer_id, OT_PROVIDER_DOORDASH, 1),
    S(key_id, OT_PROVIDER_DOORDASH, 1), S(signing_secret, OT_PROVIDER_DOORDASH, 1),
#undef S
};

static const char *const uber_fields[] = {"base_url", "token_url", "client_id",
                                          "client_secret", "customer_id", "timeout_ms",
                                          "token_margin_ms", NULL};
static const char *const doordash_fields[] = {"base_url", "developer_id", "key_id",
                                              "signing_secret", "timeout_ms", "jwt_ttl_s",
                                              NULL};

static int provider_member(const jsonconf *c, json_t *obj, const char *path, const char *key,
                           int *out)
{
    json_t *v = json_object_get(obj, key);
    const char *s = json_string_value(v);
    char where[160];

    *out = 0;
    if (!v)
        return 0;
    if (s && strcmp(s, "uber") == 0)
        *out = OT_PROVIDER_UBER;
    else if (s && strcmp(s, "doordash") == 0)
        *out = OT_PROVIDER_DOORDASH;
    else
        return jc_bad(c, jc_path(where, sizeof where, path, key), "must be \"uber\" or "
                      "\"doordash\"");
    return 0;
}

static int load_partner(otd_dispatchconf *d, const jsonconf *c, json_t *obj, int provider)
{
    const char *path = provider == OT_PROVIDER_UBER ? "dispatch.uber" : "dispatch.doordash";
    size_t n = d->n_partners, k = 0;
    ot_dispatch_partner *p = &d->partners[n];
    long long v;

    if (!json_is_object(obj))
        return jc_bad(c, path, "must be an object");
    if (jc_check_fields(c, obj, path, provider == OT_PROVIDER_UBER ? uber_fields
                                                                   : doordash_fields))
        return -1;
    ot_dispatch_partner_init(p, OT_DISPATCH_PARTNER_VERSION, NULL);
    p->provider = provider;
    d->n_partners++;
    for (size_t i = 0; i < sizeof partner_strings / sizeof partner_strings[0]; i++) {
        if (partner_strings[i].provider != provider)
            continue;
        if (jc_string(c, obj, path, partner_strings[i].name, partner_strings[i].required,
                      4096, &d->strings[n][k]))
            return -1;
        *(const char **)(void *)((char *)p + partner_strings[i].offset) = d->strings[n][k++];
    }
    if (jc_int(c, obj, path, "timeout_ms", 100, 600000, 10000, &v))
        return -1;
    p->timeout_ms = v;
    if (provider == OT_PROVIDER_UBER) {
        if (jc_int(c, obj, path, "token_margin_ms", 1, 86400000, 60000, &v))
            return -1;
        p->token_margin_ms = v;
    } else {
        if (jc_int(c, obj, path, "jwt_ttl_s", 1, OT_DISPATCH_JWT_TTL_MAX_MS / 1000, 300, &v))
            return -1;
        p->jwt_ttl_ms = v * 1000;
    }
    return 0;
}

static const ot_dispatch_partner *partner_of(const otd_dispatchconf *d, int provider)
{
    for (size_t i = 0; i < d->n_partners; i++)
        if (d->partners[i].provider == provider)
            return &d->partners[i];
    return NULL;
}

static int load_stores(otd_dispatchconf *d, const jsonconf *c, json_t *obj)
{
    const char *id;
    json_t *s;
    char path[200];

    if (!json_is_object(obj))
        return jc_bad(c, "dispatch.stores", "must be an object of store ids");
    d->stores = calloc(json_object_size(obj) + 1, sizeof *d->stores);
    if (!d->stores)
        return jc_bad(c, "dispatch.stores", "out of memory");
    json_object_foreach(obj, id, s) {
        otd_dispatch_store *st = &d->stores[d->n_stores];
        jc_path(path, sizeof path, "dispatch.stores", id);
        if (!json_is_object(s))
            return jc_bad(c, path, "must be an object");
        if (jc_check_fields(c, s, path, store_fields))
            return -1;
        if (!(st->store_id = strdup(id)))
            return jc_bad(c, path, "out of memory");
        d->n_stores++;
        if (provider_member(c, s, path, "primary", &st->primary) ||
            provider_member(c, s, path, "secondary", &st->secondary) ||
            jc_string(c, s, path, "pickup_name", 1, 256, &st->pickup_name) ||
            jc_string(c, s, path, "pickup_address", 1, 1024, &st->pickup_address) ||
            jc_string(c, s, path, "pickup_phone", 1, 64, &st->pickup_phone))
            return -1;
        if (!st->primary)
            return jc_bad(c, jc_path(path, sizeof path, path, "primary"), "is required");
        if (!partner_of(d, st->primary))
            return jc_bad(c, jc_path(path, sizeof path, path, "primary"),
                          "names a partner without credentials in dispatch");
        if (st->secondary && (st->secondary == st->primary || !partner_of(d, st->secondary)))
            return jc_bad(c, jc_path(path, sizeof path, path, "secondary"),
                          "must be the other partner, with credentials in dispatch");
    }
    return 0;
}

int otd_dispatchconf_load(otd_dispatchconf *d, const jsonconf *c, json_t *obj)
{
    long long v;
    json_t *p;

    memset(d, 0, sizeof *d);
    if (!json_is_object(obj))
        return jc_bad(c, "dispatch", "must be an object");
    if (jc_check_fields(c, obj, "dispatch", block_fields))
        return -1;
    d->present = 1;
    d->raw = json_incref(obj);
    if ((p = json_object_get(obj, "uber")) && load_partner(d, c, p, OT_PROVIDER_UBER))
        return -1;
    if ((p = json_object_get(obj, "doordash")) && load_partner(d, c, p, OT_PROVIDER_DOORDASH))
        return -1;
    if (!d->n_partners)
        return jc_bad(c, "dispatch", "needs uber or doordash credentials");
    if (!(p = json_object_get(obj, "stores")))
        return jc_bad(c, "dispatch.stores", "is required");
    if (load_stores(d, c, p))
        return -1;
#define INT(key, lo, hi, dflt, dst) \
    if (jc_int(c, obj, "dispatch", key, lo, hi, dflt, &v)) \
        return -1; \
    dst = v;
    INT("max_no_driver_attempts", 1, 100, 3, d->max_no_driver_attempts)
    INT("retry_base_ms", 1, 86400000, 30000, d->retry_base_ms)
    INT("retry_cap_ms", 1, 86400000, 300000, d->retry_cap_ms)
    INT("lease_ms", 100, 86400000, 60000, d->lease_ms)
    INT("sweep_ms", 10, 3600000, 1000, d->sweep_ms)
    INT("http_max_attempts", 1, 10, 3, d->http_max_attempts)
    INT("breaker_threshold", 0, 1000, 5, d->breaker_threshold)
    INT("breaker_cooldown_ms", 1, 86400000, 30000, d->breaker_cooldown_ms)
#undef INT
    if (d->retry_cap_ms < d->retry_base_ms)
        return jc_bad(c, "dispatch.retry_cap_ms", "must not be below retry_base_ms");
    return 0;
}

const otd_dispatch_store *otd_dispatchconf_store(const otd_dispatchconf *d,
                                                 const char *store_id)
{
    for (size_t i = 0; store_id && i < d->n_stores; i++)
        if (strcmp(d->stores[i].store_id, store_id) == 0)
            return &d->stores[i];
    return NULL;
}

int otd_dispatchconf_differs(const otd_dispatchconf *a, const otd_dispatchconf *b)
{
    if (!a->raw || !b->raw)
        return a->raw != b->raw;
    return !json_equal(a->raw, b->raw);
}

void otd_dispatchconf_free(otd_dispatchconf *d)
{
    for (size_t i = 0; i < 2; i++)
        for (size_t k = 0; k < 9; k++)
            if (d->strings[i][k]) {
                memset(d->strings[i][k], 0, strlen(d->strings[i][k]));
                free(d->strings[i][k]);
            }
    for (size_t i = 0; i < d->n_stores; i++) {
        free(d->stores[i].store_id);
        free(d->stores[i].pickup_name);
        free(d->stores[i].pickup_address);
        free(d->stores[i].pickup_phone);
    }
    free(d->stores);
    json_decref(d->raw);
    memset(d, 0, sizeof *d);
}
