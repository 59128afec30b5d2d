/* The store's rules in a host's `limits` block, as data over ot_tracker_options. */
#include "trackerconf.h"

#include <stddef.h>

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
