/* The store's rules in a host's `limits` block, as data over ot_tracker_options. */
#include "trackerconf.h"

#include <stddef.h>
#include <string.h>

#define R(name, lo, hi, type) {#name, lo, hi, type, offsetof(ot_tracker_options, name)}
const jc_number otc_tracker_rules[] = {
    R(location_trail, 0, OT_TRACKER_LOCATION_TRAIL_MAX, JC_UNSIGNED),
    R(clock_skew_ms, 0, OT_TRACKER_CLOCK_SKEW_MAX_MS, JC_INT64),
    R(max_issues, 1, OT_TRACKER_MAX_COUNT_LIMIT, JC_UNSIGNED),
    R(max_substitutions, 1, OT_TRACKER_MAX_COUNT_LIMIT, JC_UNSIGNED),
    R(max_metadata_bytes, 2, OT_TRACKER_MAX_BYTES_LIMIT, JC_SIZE),
    R(max_record_bytes, 4096, OT_TRACKER_MAX_BYTES_LIMIT, JC_SIZE),
};
#undef R
const size_t otc_tracker_rules_count = sizeof otc_tracker_rules / sizeof otc_tracker_rules[0];

int otc_tracker_rule_is(const char *name)
{
    return jc_number_find(otc_tracker_rules, otc_tracker_rules_count, name) != NULL;
}

int otc_tracker_rule_load(const jsonconf *c, const char *path, const char *name, json_t *v,
                          ot_tracker_options *opt)
{
    const jc_number *row = jc_number_find(otc_tracker_rules, otc_tracker_rules_count, name);
    char where[160];

    if (!row)
        return jc_bad(c, jc_path(where, sizeof where, path, name), "unknown field");
    return jc_number_load(c, path, row, v, opt);
}

int otc_store_rules_load_file(otc_store_rules *out, const char *path, char *err,
                              size_t errlen)
{
    static const char *const outbox_blocks[] = {"outbox", "subscriptions", "nats"};
    const jsonconf c = {path, err, errlen};
    json_t *root = NULL, *limits, *v;
    const char *name;
    size_t i;
    int rc = 0;

    memset(out, 0, sizeof *out);
    out->rules = (ot_tracker_options)OT_TRACKER_OPTIONS_INIT;
    if (jc_load_file(&c, path, &root) != 0)
        return -1;
    for (i = 0; i < sizeof outbox_blocks / sizeof outbox_blocks[0]; i++)
        if (json_object_get(root, outbox_blocks[i]))
            out->rules.outbox = 1;
    if ((limits = json_object_get(root, "limits")) && !json_is_object(limits))
        rc = jc_bad(&c, "limits", "must be an object");
    json_object_foreach(rc == 0 ? limits : NULL, name, v)
        if (otc_tracker_rule_is(name) &&
            (rc = otc_tracker_rule_load(&c, "limits", name, v, &out->rules)) != 0)
            break;
    if (rc == 0 && (v = json_object_get(root, "pii")))
        rc = piiconf_load(&out->pii, &c, v);
    json_decref(root);
    return rc;
}
