/* ordertrack-poller configuration: every error names the file and the field. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ordertrack/status.h>

#include "courierdefs.h"
#include "jsonconf.h"

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

static const char *const top_fields[] = {"storage", "courier_definitions", "couriers",
                                         "trackers", "alerts", "pii", NULL};
/* A courier of courier_definitions polled through the generic client: an API key. */
static const struct courier_kind generic_kind = {"", 0, 100, 1, 0, 0, 0};
static const char *const courier_fields[] = {"base_url", "token", "username", "email",
                                             "password", NULL};
static const char *const tracker_fields[] = {"name", "courier", "schedule", "batch_size",
                                             "max_orders", "workers", "delay_ms", "fallback",
                                             "fallback_after_minutes", NULL};

static const struct courier_kind *kind_named(const char *name)
{
    size_t i;
    for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(kinds[i].name, name) == 0)
            return &kinds[i];
    return NULL;
}

static int load_courier(const jsonconf *c, const otp_config *cfg, otp_courier *out,
                        const char *name, json_t *obj)
{
    const struct courier_kind *k = kind_named(name);
    char path[64];
    int id = 0;

    snprintf(path, sizeof path, "couriers.%s", name);
    if (!k && (id = ot_courier_registry_lookup(cfg->registry, name, NULL)) > 0 &&
        ot_courier_registry_is_generic(cfg->registry, id, NULL) == 1)
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

static int load_tracker(const jsonconf *c, otp_config *cfg, otp_tracker *t, json_t *obj,
                        size_t index)
{
    char path[48], where[96], cron_err[160], *courier = NULL;
    long long v;
    size_t i;

    snprintf(path, sizeof path, "trackers[%zu]", index);
    if (!json_is_object(obj))
        return jc_bad(c, path, "must be an object");
    if (jc_check_fields(c, obj, path, tracker_fields) != 0 ||
        jc_string(c, obj, path, "name", 1, 64, &t->name) != 0 ||
        jc_string(c, obj, path, "courier", 1, 32, &courier) != 0 ||
        jc_string(c, obj, path, "schedule", 1, 128, &t->schedule_text) != 0)
        goto fail;
    for (i = 0; i < index; i++)
        if (strcmp(cfg->trackers[i].name, t->name) == 0) {
            jc_bad(c, jc_path(where, sizeof where, path, "name"), "duplicate tracker \"%s\"",
                   t->name);
            goto fail;
        }
    for (i = 0; i < cfg->n_couriers; i++)
        if (strcmp(cfg->couriers[i].name, courier) == 0)
            t->courier = &cfg->couriers[i];
    if (!t->courier) {
        jc_bad(c, jc_path(where, sizeof where, path, "courier"),
               "\"%s\" has no entry under \"couriers\"", courier);
        goto fail;
    }
    if (cron_parse(&t->schedule, t->schedule_text, cron_err, sizeof cron_err) != 0) {
        jc_bad(c, jc_path(where, sizeof where, path, "schedule"), "%s", cron_err);
        goto fail;
    }
    if (jc_bool(c, obj, path, "fallback", 0, &t->fallback) != 0)
        goto fail;
    if (t->fallback && t->courier->provider != OT_PROVIDER_DELHIVERY) {
        jc_bad(c, jc_path(where, sizeof where, path, "fallback"),
               "only a delhivery tracker can be the fallback tracker");
        goto fail;
    }
    /* the fallback tracker asks about one AWB per request unless told otherwise */
    /* a courier of courier_definitions: its definition's batch_size unless told (0 asks
     * the courier client for it; a larger one is refused when the client is made) */
    if (jc_int(c, obj, path, "batch_size", 1, t->courier->max_batch,
               t->fallback ? 1 : t->courier->provider >= OT_COURIER_ID_MIN ? 0
                                                                 : t->courier->max_batch,
               &v) != 0)
        goto fail;
    t->batch_size = (unsigned)v;
    if (jc_int(c, obj, path, "max_orders", 1, 10000000, 0, &v) != 0)
        goto fail;
    t->max_orders = (unsigned long)v;
    if (jc_int(c, obj, path, "workers", 1, 256, 1, &v) != 0)
        goto fail;
    t->workers = (unsigned)v;
    if (jc_int(c, obj, path, "delay_ms", 0, 600000, 0, &v) != 0)
        goto fail;
    t->delay_ms = (unsigned)v;
    if (!t->fallback && json_object_get(obj, "fallback_after_minutes")) {
        jc_bad(c, jc_path(where, sizeof where, path, "fallback_after_minutes"),
               "only the fallback tracker (\"fallback\": true) takes quiet orders");
        goto fail;
    }
    if (jc_int(c, obj, path, "fallback_after_minutes", 1, 525600, 240, &v) != 0)
        goto fail;
    t->fallback_after_minutes = (unsigned)v;
    free(courier);
    return 0;
fail:
    free(courier);
    return -1;
}

static int load(const jsonconf *c, otp_config *cfg, json_t *root)
{
    json_t *couriers, *trackers, *v;
    const char *name;
    size_t i;

    if (jc_check_fields(c, root, "", top_fields) != 0 ||
        jc_string(c, root, "", "storage", 1, MAX_TEXT, &cfg->storage) != 0)
        return -1;
    if (courierdefs_load(json_object_get(root, "courier_definitions"), c->name, &cfg->registry,
                         c->err, c->errlen) != 0)
        return -1;
    couriers = json_object_get(root, "couriers");
    if (!json_is_object(couriers) || json_object_size(couriers) == 0)
        return jc_bad(c, "couriers", "must be an object with at least one courier");
    if (json_object_size(couriers) > OTP_COURIERS_MAX)
        return jc_bad(c, "couriers", "at most %d couriers", OTP_COURIERS_MAX);
    json_object_foreach(couriers, name, v) {
        if (load_courier(c, cfg, &cfg->couriers[cfg->n_couriers], name, v) != 0) {
            cfg->n_couriers++; /* free what was loaded */
            return -1;
        }
        cfg->n_couriers++;
    }
    trackers = json_object_get(root, "trackers");
    if (!json_is_array(trackers) || json_array_size(trackers) == 0)
        return jc_bad(c, "trackers", "must be an array with at least one tracker");
    if (!(cfg->trackers = calloc(json_array_size(trackers), sizeof *cfg->trackers)))
        return jc_bad(c, "trackers", "out of memory");
    json_array_foreach(trackers, i, v) {
        cfg->n_trackers = i + 1;
        if (load_tracker(c, cfg, &cfg->trackers[i], v, i) != 0)
            return -1;
    }
    v = json_object_get(root, "alerts");
    if (v && !json_is_null(v) && otc_alerts_load(c, &cfg->alerts, v) != 0)
        return -1;
    v = json_object_get(root, "pii");
    return v ? piiconf_load(&cfg->pii, c, v) : 0;
}

int otp_config_load_file(otp_config *cfg, const char *path, char *err, size_t errlen)
{
    jsonconf c = {path, err, errlen};
    json_t *root = NULL;
    int rc;

    memset(cfg, 0, sizeof *cfg);
    if (jc_load_file(&c, path, &root) != 0)
        return -1;
    rc = load(&c, cfg, root);
    json_decref(root);
    if (rc != 0)
        otp_config_free(cfg);
    return rc;
}

const otp_tracker *otp_config_tracker(const otp_config *cfg, const char *name)
{
    size_t i;
    for (i = 0; i < cfg->n_trackers; i++)
        if (strcmp(cfg->trackers[i].name, name) == 0)
            return &cfg->trackers[i];
    return NULL;
}

void otp_config_free(otp_config *cfg)
{
    size_t i;
    for (i = 0; i < cfg->n_couriers; i++) {
        otp_courier *k = &cfg->couriers[i];
        free(k->name);
        free(k->base_url);
        free(k->token);
        free(k->username);
        free(k->email);
        free(k->password);
    }
    for (i = 0; i < cfg->n_trackers; i++) {
        free(cfg->trackers[i].name);
        free(cfg->trackers[i].schedule_text);
    }
    free(cfg->trackers);
    otc_alerts_free(&cfg->alerts);
    ot_courier_registry_free(cfg->registry);
    free(cfg->storage);
    piiconf_wipe(&cfg->pii);
    memset(cfg, 0, sizeof *cfg);
}
