/* SLA policies: defaults, validation, and the per-store policy set. */
#include <stddef.h>
#include <string.h>

#include "common.h"
#include "sla/sla_internal.h"
#include "base/sorted_internal.h"

#define STORE_ID_MAX 255

struct store_policy {
    char *store_id;
    ot_sla_policy policy;
};

/* Overrides are kept sorted by store id, for binary search. */
struct ot_sla_policies {
    ot_sla_policy fallback;
    struct store_policy *stores;
    size_t count;
    size_t capacity;
};

int ot_sla_policy_init(ot_sla_policy *policy, unsigned version, ot_error *err)
{
    static const ot_sla_policy tpl = OT_SLA_POLICY_INIT;
    return ot__struct_init(policy, version, &tpl, sizeof tpl, "policy", "SLA policy", err);
}

const struct ot__sla_duration ot__sla_durations[OT__SLA_DURATION_COUNT] = {
    {"store_acknowledgment_ms", offsetof(ot_sla_policy, store_acknowledgment_ms)},
    {"picking_ms", offsetof(ot_sla_policy, picking_ms)},
    {"driver_assignment_ms", offsetof(ot_sla_policy, driver_assignment_ms)},
    {"pickup_ms", offsetof(ot_sla_policy, pickup_ms)},
    {"delivery_grace_ms", offsetof(ot_sla_policy, delivery_grace_ms)},
    {"no_scan_ms", offsetof(ot_sla_policy, no_scan_ms)},
    {"ndr_age_ms", offsetof(ot_sla_policy, ndr_age_ms)},
};

int ot_sla_policy_check(const ot_sla_policy *policy, ot_error *err)
{
    size_t i;
    int rc;

    if (!policy)
        return ot__error_field(err, OT_EINVAL, "policy", "policy is NULL");
    if ((rc = ot__check_version(policy->version, OT_SLA_POLICY_VERSION, "SLA policy",
                                    err)) < 0)
        return rc;
    for (i = 0; i < OT__SLA_DURATION_COUNT; i++) {
        int64_t v;
        memcpy(&v, (const char *)policy + ot__sla_durations[i].offset, sizeof v);
        if (v < 0 || v > OT_SLA_MAX_DURATION_MS)
            return ot__error_field(err, OT_EINVAL, ot__sla_durations[i].name,
                                   "%s is %lld, outside 0..%lld ms", ot__sla_durations[i].name,
                                   (long long)v, (long long)OT_SLA_MAX_DURATION_MS);
    }
    /* Written so that NaN fails too. */
    if (!(policy->warning_fraction > 0.0 && policy->warning_fraction <= 1.0))
        return ot__error_field(err, OT_EINVAL, "warning_fraction",
                               "warning_fraction is %g, outside (0, 1]",
                               policy->warning_fraction);
    return 0;
}

int ot_sla_times_init(ot_sla_times *times, unsigned version, ot_error *err)
{
    static const ot_sla_times tpl = OT_SLA_TIMES_INIT;
    return ot__struct_init(times, version, &tpl, sizeof tpl, "times", "SLA times", err);
}

int ot_sla_report_init(ot_sla_report *report, unsigned version, ot_error *err)
{
    static const ot_sla_report tpl = OT_SLA_REPORT_INIT;
    return ot__struct_init(report, version, &tpl, sizeof tpl, "report", "SLA report", err);
}

int ot_sla_summary_init(ot_sla_summary *summary, unsigned version, ot_error *err)
{
    static const ot_sla_summary tpl = OT_SLA_SUMMARY_INIT;
    return ot__struct_init(summary, version, &tpl, sizeof tpl, "summary", "SLA summary", err);
}

static int check_store_id(const char *store_id, ot_error *err)
{
    size_t n;
    if (!store_id)
        return ot__error_field(err, OT_EINVAL, "store_id", "store_id is NULL");
    n = strlen(store_id);
    if (n == 0 || n > STORE_ID_MAX)
        return ot__error_field(err, OT_EINVAL, "store_id",
                               "store_id must be 1..%d bytes, got %zu", STORE_ID_MAX, n);
    return 0;
}

/* Index of store_id, or of where it would be inserted; *found says which. */
static size_t find_store(const ot_sla_policies *p, const char *store_id, int *found)
{
    return ot__sorted_find(p->stores, p->count, sizeof *p->stores,
                           offsetof(struct store_policy, store_id), store_id, found);
}

int ot_sla_policies_new(ot_sla_policies **policies, const ot_sla_policy *default_policy,
                        ot_error *err)
{
    static const ot_sla_policy defaults = OT_SLA_POLICY_INIT;
    ot_sla_policies *p;
    int rc;

    if (!policies)
        return ot__error_field(err, OT_EINVAL, "policies", "output pointer is NULL");
    *policies = NULL;
    if (default_policy && (rc = ot_sla_policy_check(default_policy, err)) < 0)
        return rc;
    p = ot__calloc(1, sizeof *p);
    if (!p)
        return ot__error_set(err, OT_ENOMEM, "out of memory allocating an SLA policy set");
    p->fallback = default_policy ? *default_policy : defaults;
    p->fallback.version = OT_SLA_POLICY_VERSION;
    *policies = p;
    return 0;
}

void ot_sla_policies_free(ot_sla_policies *policies)
{
    size_t i;
    if (!policies)
        return;
    for (i = 0; i < policies->count; i++)
        ot__free(policies->stores[i].store_id);
    ot__free(policies->stores);
    ot__free(policies);
}

int ot_sla_policies_set_default(ot_sla_policies *policies, const ot_sla_policy *policy,
                                ot_error *err)
{
    int rc;
    if (!policies)
        return ot__error_field(err, OT_EINVAL, "policies", "policies is NULL");
    if ((rc = ot_sla_policy_check(policy, err)) < 0)
        return rc;
    policies->fallback = *policy;
    policies->fallback.version = OT_SLA_POLICY_VERSION;
    return 0;
}

int ot_sla_policies_put(ot_sla_policies *policies, const char *store_id,
                        const ot_sla_policy *policy, ot_error *err)
{
    size_t at;
    int found, rc;
    char *id;

    if (!policies)
        return ot__error_field(err, OT_EINVAL, "policies", "policies is NULL");
    if ((rc = check_store_id(store_id, err)) < 0 || (rc = ot_sla_policy_check(policy, err)) < 0)
        return rc;
    at = find_store(policies, store_id, &found);
    if (found) {
        policies->stores[at].policy = *policy;
        policies->stores[at].policy.version = OT_SLA_POLICY_VERSION;
        return 0;
    }
    if (policies->count == policies->capacity) {
        size_t cap = policies->capacity ? policies->capacity * 2 : 8;
        struct store_policy *grown;
        if (cap > (size_t)-1 / sizeof *grown)
            return ot__error_set(err, OT_ELIMIT, "too many per-store SLA policies");
        grown = ot__realloc(policies->stores, cap * sizeof *grown);
        if (!grown)
            return ot__error_set(err, OT_ENOMEM, "out of memory adding an SLA policy");
        policies->stores = grown;
        policies->capacity = cap;
    }
    id = ot__strdup(store_id);
    if (!id)
        return ot__error_set(err, OT_ENOMEM, "out of memory adding an SLA policy");
    memmove(&policies->stores[at + 1], &policies->stores[at],
            (policies->count - at) * sizeof policies->stores[0]);
    policies->stores[at].store_id = id;
    policies->stores[at].policy = *policy;
    policies->stores[at].policy.version = OT_SLA_POLICY_VERSION;
    policies->count++;
    return 0;
}

int ot_sla_policies_remove(ot_sla_policies *policies, const char *store_id, ot_error *err)
{
    size_t at;
    int found, rc;

    if (!policies)
        return ot__error_field(err, OT_EINVAL, "policies", "policies is NULL");
    if ((rc = check_store_id(store_id, err)) < 0)
        return rc;
    at = find_store(policies, store_id, &found);
    if (!found)
        return ot__error_field(err, OT_ENOTFOUND, "store_id",
                               "store \"%.64s\" has no SLA policy of its own", store_id);
    ot__free(policies->stores[at].store_id);
    memmove(&policies->stores[at], &policies->stores[at + 1],
            (policies->count - at - 1) * sizeof policies->stores[0]);
    policies->count--;
    return 0;
}

int ot_sla_policies_lookup(ot_sla_policy *policy, const ot_sla_policies *policies,
                           const char *store_id, ot_error *err)
{
    size_t at;
    int found;

    if (!policy)
        return ot__error_field(err, OT_EINVAL, "policy", "output pointer for the policy is NULL");
    if (!policies)
        return ot__error_field(err, OT_EINVAL, "policies", "policies is NULL");
    if (!store_id) {
        *policy = policies->fallback;
        return 0;
    }
    at = find_store(policies, store_id, &found);
    *policy = found ? policies->stores[at].policy : policies->fallback;
    return found;
}

size_t ot_sla_policies_count(const ot_sla_policies *policies)
{
    return policies ? policies->count : 0;
}
