/* JSON for SLA: the `sla` config block (in) and the `/sla` route's report (out). */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "common.h"
#include "json/json_internal.h"
#include "sla/sla_internal.h"
#include "base/time_internal.h"

#define PATH_MAX_LEN 320

/* Apply the members of object `obj` to `p`; `path` is the object's field path ("sla"). */
static int apply_members(ot_sla_policy *p, json_t *obj, const char *path, int top,
                         ot_error *err)
{
    const char *key;
    json_t *value;
    char field[PATH_MAX_LEN];

    if (!json_is_object(obj))
        return ot__error_field(err, OT_EINVAL, path, "%s must be an object", path);
    json_object_foreach(obj, key, value) {
        size_t i;
        int known = 0;
        snprintf(field, sizeof field, "%s.%s", path, key);
        if (top && strcmp(key, "stores") == 0)
            continue; /* handled by the caller, after the block's own values */
        if (strcmp(key, "warning_fraction") == 0) {
            double f = json_is_number(value) ? json_number_value(value) : -1.0;
            if (!(f > 0.0 && f <= 1.0))
                return ot__error_field(err, OT_EINVAL, field,
                                       "%s must be a number in (0, 1]", field);
            p->warning_fraction = f;
            continue;
        }
        for (i = 0; i < OT__SLA_DURATION_COUNT; i++) {
            json_int_t v;
            int64_t ms;
            if (strcmp(key, ot__sla_durations[i].name) != 0)
                continue;
            known = 1;
            v = json_is_integer(value) ? json_integer_value(value) : -1;
            if (v < 0 || v > OT_SLA_MAX_DURATION_MS)
                return ot__error_field(err, OT_EINVAL, field,
                                       "%s must be an integer number of milliseconds in "
                                       "0..%lld", field, (long long)OT_SLA_MAX_DURATION_MS);
            ms = (int64_t)v;
            memcpy((char *)p + ot__sla_durations[i].offset, &ms, sizeof ms);
        }
        if (!known)
            return ot__error_field(err, OT_EINVAL, field, "unknown SLA setting %s", field);
    }
    return ot_sla_policy_check(p, err);
}

static int load(ot_sla_policies **out, json_t *root, ot_error *err)
{
    ot_sla_policy block = OT_SLA_POLICY_INIT;
    ot_sla_policies *set = NULL;
    json_t *stores, *entry;
    const char *store_id;
    char path[PATH_MAX_LEN];
    int rc;

    if ((rc = apply_members(&block, root, "sla", 1, err)) < 0)
        return rc;
    if ((rc = ot_sla_policies_new(&set, &block, err)) < 0)
        return rc;
    stores = json_object_get(root, "stores");
    if (stores && !json_is_object(stores)) {
        ot_sla_policies_free(set);
        return ot__error_field(err, OT_EINVAL, "sla.stores",
                               "sla.stores must be an object of store id to settings");
    }
    json_object_foreach(stores, store_id, entry) {
        ot_sla_policy p = block;
        snprintf(path, sizeof path, "sla.stores.%s", store_id);
        if ((rc = apply_members(&p, entry, path, 0, err)) < 0 ||
            (rc = ot_sla_policies_put(set, store_id, &p, err)) < 0) {
            ot_sla_policies_free(set);
            return rc;
        }
    }
    *out = set;
    return 0;
}

int ot_sla_policies_from_json(ot_sla_policies **policies, const char *json, size_t len,
                              ot_error *err)
{
    json_t *root;
    int rc;

    if (!policies)
        return ot__error_field(err, OT_EINVAL, "policies", "output pointer is NULL");
    *policies = NULL;
    if (!json)
        return ot__error_field(err, OT_EINVAL, "json", "json is NULL");
    if ((rc = ot__json_load(&root, json, len, "sla block", "sla", err)) != 0)
        return rc;
    rc = load(policies, root, err);
    json_decref(root);
    return rc;
}

/* A timestamp or null; NULL on allocation failure. */
static json_t *json_time(int64_t ms)
{
    char buf[OT__TIME_SIZE];
    if (!ms)
        return json_null();
    if (!ot__time_representable(ms))
        return NULL;
    ot__time_format(buf, ms);
    return json_string(buf);
}

/* 0 if `ms` is 0 (unknown) or a time RFC 3339 can show, else OT_EINVAL naming `field`. */
static int check_time(int64_t ms, const char *field, ot_error *err)
{
    if (ms && !ot__time_representable(ms))
        return ot__error_field(err, OT_EINVAL, field, "%s %lld is not a time in 1970..9999",
                               field, (long long)ms);
    return 0;
}

static int check_report(const ot_sla_report *r, ot_error *err)
{
    unsigned s;
    int rc;
    if (!r)
        return ot__error_field(err, OT_EINVAL, "report", "report is NULL");
    if ((rc = ot__check_version(r->version, OT_SLA_REPORT_VERSION, "SLA report", err)) < 0)
        return rc;
    if (r->stage_count > OT_SLA_REPORT_MAX_STAGES)
        return ot__error_field(err, OT_EINVAL, "stage_count",
                               "stage_count %u is over %d", r->stage_count,
                               OT_SLA_REPORT_MAX_STAGES);
    if (!ot__vocab_valid(&ot__sla_state_vocab, r->state))
        return ot__error_field(err, OT_EINVAL, "state", "%d is not a valid SLA state value",
                               r->state);
    for (s = 1; s < r->stage_count; s++) {
        const ot_sla_stage_report *e = &r->stages[s];
        if (!e->applies)
            continue;
        if ((unsigned)e->stage != s || !ot__vocab_valid(&ot__sla_stage_vocab, e->stage))
            return ot__error_field(err, OT_EINVAL, "stage", "stage entry %u holds stage %d",
                                   s, e->stage);
        if (!ot__vocab_valid(&ot__sla_state_vocab, e->state))
            return ot__error_field(err, OT_EINVAL, "state",
                                   "%d is not a valid SLA state value", e->state);
        if ((rc = check_time(e->started_ms, "started_ms", err)) < 0 ||
            (rc = check_time(e->finished_ms, "finished_ms", err)) < 0)
            return rc;
    }
    return check_time(r->now_ms, "now_ms", err);
}

static json_t *stage_json(const ot_sla_stage_report *e)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    if (json_object_set_new(o, "stage", json_string(ot__sla_stage_vocab.names[e->stage])) ||
        json_object_set_new(o, "started_at", json_time(e->started_ms)) ||
        json_object_set_new(o, "finished_at", json_time(e->finished_ms)) ||
        json_object_set_new(o, "elapsed_ms", json_integer(e->elapsed_ms)) ||
        json_object_set_new(o, "allowed_ms", json_integer(e->allowed_ms)) ||
        json_object_set_new(o, "state", json_string(ot__sla_state_vocab.names[e->state]))) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *report_json(const ot_sla_report *r)
{
    json_t *root = json_object(), *stages = json_array();
    unsigned s;

    if (!root || !stages ||
        json_object_set(root, "stages", stages) ||
        json_object_set_new(root, "state", json_string(ot__sla_state_vocab.names[r->state])) ||
        json_object_set_new(root, "evaluated_at", json_time(r->now_ms)))
        goto fail;
    for (s = 1; s < r->stage_count && s < OT_SLA_STAGE_COUNT; s++)
        if (r->stages[s].applies && json_array_append_new(stages, stage_json(&r->stages[s])))
            goto fail;
    json_decref(stages);
    return root;
fail:
    json_decref(stages);
    json_decref(root);
    return NULL;
}

int ot_sla_report_to_json(char **json, size_t *len, const ot_sla_report *report, ot_error *err)
{
    json_t *root;
    size_t n;
    char *buf;
    int rc;

    if (!json)
        return ot__error_field(err, OT_EINVAL, "json", "output pointer is NULL");
    *json = NULL;
    if ((rc = check_report(report, err)) < 0)
        return rc;
    root = report_json(report);
    n = root ? json_dumpb(root, NULL, 0, JSON_COMPACT) : 0;
    buf = n ? ot__malloc(n + 1) : NULL;
    if (!buf) {
        json_decref(root);
        return ot__error_set(err, OT_ENOMEM, "out of memory encoding the SLA report");
    }
    json_dumpb(root, buf, n, JSON_COMPACT);
    buf[n] = '\0';
    json_decref(root);
    *json = buf;
    if (len)
        *len = n;
    return 0;
}
