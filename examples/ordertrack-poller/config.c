/* ordertrack-poller configuration: every error names the file and the field. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ordertrack/status.h>

#include "courierdefs.h"
#include "jsonconf.h"
#include "trackerconf.h"

#define MAX_TEXT 2048

static const char *const top_fields[] = {"storage", "courier_definitions", "couriers",
                                         "trackers", "alerts", "pii", "outbox", "limits", NULL};
static const char *const outbox_fields[] = {NULL};
static const char *const tracker_fields[] = {"name", "courier", "schedule", "batch_size",
                                             "max_orders", "workers", "delay_ms", "fallback",
                                             "fallback_after_minutes", NULL};

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
    for (i = 0; i < cfg->couriers.n; i++)
        if (strcmp(cfg->couriers.list[i].name, courier) == 0)
            t->courier = &cfg->couriers.list[i];
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
    json_t *trackers, *v, *lv;
    const char *name;
    size_t i;

    if (jc_check_fields(c, root, "", top_fields) != 0 ||
        jc_string(c, root, "", "storage", 1, MAX_TEXT, &cfg->storage) != 0)
        return -1;
    /* "outbox": {}, as in ordertrackd, turns the outbox on: over a store whose ordertrackd
     * has it, the poller's writes record their outbound events too (its relay sends them);
     * the relay's settings are ordertrackd's, none is taken here */
    if ((v = json_object_get(root, "outbox"))) {
        if (!json_is_object(v))
            return jc_bad(c, "outbox", "must be an object");
        if (jc_check_fields(c, v, "outbox", outbox_fields) != 0)
            return -1;
        cfg->rules.outbox = 1;
    }
    /* "limits": the store's rules only, as in ordertrackd's limits (the daemon's HTTP limits
     * are not the poller's: refused by name) */
    if ((v = json_object_get(root, "limits"))) {
        if (!json_is_object(v))
            return jc_bad(c, "limits", "must be an object");
        json_object_foreach(v, name, lv) {
            if (!otc_tracker_rule_is(name)) {
                char where[96];
                return jc_bad(c, jc_path(where, sizeof where, "limits", name),
                              "not a poller setting (the poller takes the store's rules: "
                              "location_trail, clock_skew_ms, max_issues, max_substitutions, "
                              "max_metadata_bytes, max_record_bytes)");
            }
            if (otc_tracker_rule_load(c, "limits", name, lv, &cfg->rules) != 0)
                return -1;
        }
    }
    if (courierdefs_load(json_object_get(root, "courier_definitions"), c->name, &cfg->registry,
                         c->err, c->errlen) != 0)
        return -1;
    if (otc_couriers_load(c, &cfg->couriers, json_object_get(root, "couriers"), "couriers",
                          cfg->registry) != 0)
        return -1;
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
    cfg->rules = (ot_tracker_options)OT_TRACKER_OPTIONS_INIT;
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
    otc_couriers_free(&cfg->couriers);
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
