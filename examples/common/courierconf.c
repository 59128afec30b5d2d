/* The "couriers" block (courierconf.h): every error names the file and the field. */
#include "courierconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ordertrack/status.h>

#define MAX_TEXT 2048

/* What each courier needs, as data: credentials and the largest batch its API takes. */
static const struct courier_kind {
    const char *name;
    int provider;
    unsigned max_batch;
    unsigned char token, username, email, password;
} kinds[] = {
    {"delhivery", OT_PROVIDER_DELHIVERY, 50, 1, 0, 0, 0},
    {"delhivery_b2b", OT_PROVIDER_DELHIVERY_B2B, 1, 0, 1, 0, 1},
    {"shiprocket", OT_PROVIDER_SHIPROCKET, 50, 0, 0, 1, 1},
    {"velocity", OT_PROVIDER_VELOCITY, 45, 0, 1, 0, 1},
};

/* A courier of courier_definitions polled through the generic client: an API key. */
static const struct courier_kind generic_kind = {"", 0, 100, 1, 0, 0, 0};
static const char *const courier_fields[] = {"base_url", "token", "username", "email",
                                             "password", NULL};

static const struct courier_kind *kind_named(const char *name)
{
    size_t i;
    for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(kinds[i].name, name) == 0)
            return &kinds[i];
    return NULL;
}

static int load_courier(const jsonconf *c, const ot_courier_registry *registry,
                        otc_courier *out, const char *block, const char *name, json_t *obj)
{
    const struct courier_kind *k = kind_named(name);
    char path[128];
    int id = 0;

    snprintf(path, sizeof path, "%s.%s", block, name);
    if (!k && (id = ot_courier_registry_lookup(registry, name, NULL)) > 0 &&
        ot_courier_registry_is_generic(registry, id, NULL) == 1)
        k = &generic_kind;
    if (!k)
        return jc_bad(c, path, "unknown courier (delhivery, delhivery_b2b, shiprocket, "
                      "velocity, or a courier of courier_definitions with an \"api\")");
    if (!json_is_object(obj))
        return jc_bad(c, path, "must be an object");
    if (jc_check_fields(c, obj, path, courier_fields) != 0)
        return -1;
    if (!(out->name = strdup(name)))
        return jc_bad(c, path, "out of memory");
    out->provider = k == &generic_kind ? id : k->provider;
    out->max_batch = k->max_batch;
    if (jc_string(c, obj, path, "base_url", 1, MAX_TEXT, &out->base_url) != 0 ||
        jc_string(c, obj, path, "token", k->token, MAX_TEXT, &out->token) != 0 ||
        jc_string(c, obj, path, "username", k->username, MAX_TEXT, &out->username) != 0 ||
        jc_string(c, obj, path, "email", k->email, MAX_TEXT, &out->email) != 0 ||
        jc_string(c, obj, path, "password", k->password, MAX_TEXT, &out->password) != 0)
        return -1;
    if (strncmp(out->base_url, "http://", 7) != 0 && strncmp(out->base_url, "https://", 8) != 0)
        return jc_bad(c, path, "base_url must start with http:// or https://");
    return 0;
}

int otc_couriers_load(const jsonconf *c, otc_couriers *out, json_t *obj, const char *path,
                      const ot_courier_registry *registry)
{
    const char *name;
    json_t *v;

    memset(out, 0, sizeof *out);
    if (!json_is_object(obj) || json_object_size(obj) == 0)
        return jc_bad(c, path, "must be an object with at least one courier");
    if (json_object_size(obj) > OTC_COURIERS_MAX)
        return jc_bad(c, path, "at most %d couriers", OTC_COURIERS_MAX);
    json_object_foreach(obj, name, v) {
        out->n++; /* freed with the rest, loaded or not */
        if (load_courier(c, registry, &out->list[out->n - 1], path, name, v) != 0)
            return -1;
    }
    return 0;
}

int otc_courier_client_new(ot_courier_client **out, const otc_courier *k,
                           const ot_courier_registry *registry, ot_error *err)
{
    ot_courier_config cc = OT_COURIER_CONFIG_INIT;
    cc.provider = k->provider;
    cc.base_url = k->base_url;
    cc.token = k->token;
    cc.username = k->username;
    cc.email = k->email;
    cc.password = k->password;
    cc.couriers = registry;
    return ot_courier_client_new(out, &cc, NULL, err);
}

/* Free a secret, its bytes wiped first. */
static void wipe(char *secret)
{
    if (secret)
        memset(secret, 0, strlen(secret));
    free(secret);
}

void otc_couriers_free(otc_couriers *couriers)
{
    size_t i;
    for (i = 0; i < couriers->n; i++) {
        otc_courier *k = &couriers->list[i];
        free(k->name);
        free(k->base_url);
        wipe(k->token);
        free(k->username);
        free(k->email);
        wipe(k->password);
    }
    memset(couriers, 0, sizeof *couriers);
}
