/* Fuzz the `sla` block of the config file: a set that loads has a usable default policy and
 * evaluates an order's times. */
#include <stddef.h>
#include <stdint.h>

#include <ordertrack/ordertrack.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ot_sla_policies *p = NULL;
    ot_sla_policy policy = OT_SLA_POLICY_INIT;
    ot_sla_times times = OT_SLA_TIMES_INIT;
    ot_sla_report report = OT_SLA_REPORT_INIT;
    char *json = NULL;
    ot_error err;

    if (ot_sla_policies_from_json(&p, (const char *)data, size, &err) != 0) {
        if (p != NULL)
            __builtin_trap();
        return 0;
    }
    if (ot_sla_policies_lookup(&policy, p, NULL, &err) < 0 ||
        ot_sla_policy_check(&policy, &err) != 0)
        __builtin_trap(); /* a loaded set with an unusable default */
    times.store_id = "store-1";
    times.store_notified_ms = 1700000000000;
    times.store_acknowledged_ms = 1700000060000;
    if (ot_sla_evaluate(&report, p, &times, 1700000600000, &err) == 0 &&
        ot_sla_report_to_json(&json, NULL, &report, &err) == 0)
        ot_free(json);
    ot_sla_policies_free(p);
    return 0;
}
