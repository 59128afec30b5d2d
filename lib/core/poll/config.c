/* The poll run's caller-filled structs: defaults and the check of the arguments. */
#include <string.h>

#include "common.h"
#include "base/clock_internal.h"
#include "poll/run_internal.h"
#include "tracker/tracker_internal.h"

/* Bytes of an ot_poll_config of `version` (an older caller's struct ends earlier). */
static size_t config_size(unsigned version)
{
    return version >= 3   ? sizeof(ot_poll_config)
           : version == 2 ? offsetof(ot_poll_config, stale_after_ms)
                          : offsetof(ot_poll_config, apply_on_caller);
}

int ot_poll_config_init(ot_poll_config *config, unsigned version, ot_error *err)
{
    static const ot_poll_config tpl = OT_POLL_CONFIG_INIT;
    return ot__struct_init(config, version, &tpl, config_size(version), "config", "poll config",
                           err);
}

int ot_poll_summary_init(ot_poll_summary *summary, unsigned version, ot_error *err)
{
    static const ot_poll_summary tpl = OT_POLL_SUMMARY_INIT;
    return ot__struct_init(summary, version, &tpl, sizeof tpl, "summary", "poll summary", err);
}

int ot__poll_check_args(ot_poll_summary *sum, ot_tracker *tracker, ot_http_client *http,
                        const ot_poll_config *cfg, ot_error *err)
{
    int rc;
    if (!sum)
        return ot__error_field(err, OT_EINVAL, "summary", "summary is NULL");
    if ((rc = ot__check_version(sum->version, OT_POLL_SUMMARY_VERSION, "poll summary", err)))
        return rc;
    if (!tracker)
        return ot__error_field(err, OT_EINVAL, "tracker", "tracker is NULL");
    if (!http)
        return ot__error_field(err, OT_EINVAL, "http", "http is NULL");
    if (!cfg)
        return ot__error_field(err, OT_EINVAL, "config", "config is NULL");
    if ((rc = ot__check_version(cfg->version, OT_POLL_CONFIG_VERSION, "poll config", err)))
        return rc;
    if (!cfg->courier)
        return ot__error_field(err, OT_EINVAL, "courier", "config.courier is NULL");
    if (cfg->batch_size > ot__courier_max_batch(cfg->courier))
        return ot__error_field(err, OT_EINVAL, "batch_size",
                               "%s takes at most %zu AWBs per request, not %zu",
                               ot__courier_name(cfg->courier),
                               ot__courier_max_batch(cfg->courier), cfg->batch_size);
    if (cfg->workers > MAX_WORKERS)
        return ot__error_field(err, OT_EINVAL, "workers", "workers must be 0..%u, not %u",
                               MAX_WORKERS, cfg->workers);
    if (cfg->sleep_ms && ot__clock_sleeps(ot__tracker_clock(tracker)))
        return ot__error_field(err, OT_EINVAL, "sleep_ms",
                               "config.sleep_ms is given but the tracker's clock sleeps "
                               "(ot_clock.sleep_ms): leave config.sleep_ms NULL");
    if (cfg->delay_ms < 0 || cfg->delay_ms > 86400000)
        return ot__error_field(err, OT_EINVAL, "delay_ms", "delay_ms must be 0..86400000");
    if (cfg->version >= 3 && (cfg->stale_after_ms < 0 || cfg->stale_after_ms > STALE_MAX_MS))
        return ot__error_field(err, OT_EINVAL, "stale_after_ms",
                               "stale_after_ms must be 0..%lld (365 days)",
                               (long long)STALE_MAX_MS);
    return 0;
}
