/* ordertrackd's metrics as families of the library's registry: what they are and their
 * labels; counting and rendering are the library's. */
#include "metrics.h"

#include <stdio.h>

#include <ordertrack/metrics.h>

#define REQUESTS "ordertrackd_http_requests_total"
#define DURATION "ordertrackd_http_request_duration_seconds"
#define AUTH_FAILURES "ordertrackd_auth_failures_total"
#define EVICTIONS "ordertrackd_auth_failure_sources_evicted_total"
#define RELOADS "ordertrackd_config_reloads_total"

/* Status codes the daemon answers with; anything else is counted under "other". */
static const unsigned statuses[] = {200, 201, 202, 204, 400, 401, 403, 404, 405, 409,
                                    412, 413, 414, 422, 429, 431, 500, 501, 502, 503};

/* Upper bounds of the latency buckets, seconds; +Inf is implicit. */
static const double bounds[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                0.1,   0.25,   0.5,   1,    2.5,   5, 10};

static const char *const request_labels[] = {"route", "method", "code"};
static const char *const auth_labels[] = {"credential", "answer"};
static const char *const credential_names[OTD_CREDENTIAL_COUNT] = {"api_key", "webhook"};
static const char *const answer_names[2] = {"unauthorized", "rate_limited"};
static const char *const reload_labels[] = {"result"};
static const char *const reload_names[2] = {"ok", "error"};

static const struct {
    int kind;
    const char *name, *help;
    const char *const *labels;
    size_t label_count;
    const double *buckets;
    size_t bucket_count;
} families[] = {
    {OT_METRIC_COUNTER, REQUESTS, "HTTP requests answered, by route and status code.",
     request_labels, 3, NULL, 0},
    {OT_METRIC_HISTOGRAM, DURATION,
     "Time from the first byte of the request to the queued response.", request_labels, 2,
     bounds, sizeof bounds / sizeof bounds[0]},
    {OT_METRIC_COUNTER, AUTH_FAILURES,
     "Failed authentications, by credential and answer (unauthorized 401, rate_limited 429: "
     "the source address was over its limit).", auth_labels, 2, NULL, 0},
    {OT_METRIC_COUNTER, EVICTIONS,
     "Source addresses forgotten before their failures had expired (the table was full).",
     NULL, 0, NULL, 0},
    {OT_METRIC_COUNTER, RELOADS,
     "Config reloads (SIGHUP), by result (ok: applied; error: refused, the old config kept).",
     reload_labels, 1, NULL, 0},
};

int otd_metrics_register(ot_metrics *m, ot_error *err)
{
    const char *values[2];
    int rc = 0;

    for (size_t i = 0; rc == 0 && i < sizeof families / sizeof families[0]; i++)
        rc = ot_metrics_register_unprefixed(m, families[i].kind, families[i].name,
                                            families[i].help, families[i].labels,
                                            families[i].label_count, families[i].buckets,
                                            families[i].bucket_count, err);
    for (int c = 0; rc == 0 && c < OTD_CREDENTIAL_COUNT; c++)
        for (int l = 0; rc == 0 && l < 2; l++) {
            values[0] = credential_names[c];
            values[1] = answer_names[l];
            rc = ot_metrics_add(m, AUTH_FAILURES, values, 2, 0, err);
        }
    for (int r = 0; rc == 0 && r < 2; r++)
        rc = ot_metrics_add(m, RELOADS, &reload_names[r], 1, 0, err);
    return rc ? rc : ot_metrics_add(m, EVICTIONS, NULL, 0, 0, err);
}

void otd_metrics_observe(ot_metrics *m, const otd_route *route, unsigned status,
                         double seconds)
{
    const char *values[3];
    char code[8] = "other";

    if (!m)
        return;
    for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
        if (statuses[i] == status)
            snprintf(code, sizeof code, "%u", status);
    values[0] = route ? route->pattern : "unmatched";
    values[1] = route ? route->method : "";
    values[2] = code;
    /* out of memory or past the series limit: the request goes uncounted */
    ot_metrics_add(m, REQUESTS, values, 3, 1, NULL);
    ot_metrics_observe(m, DURATION, values, 2, seconds, NULL);
}

void otd_metrics_count_auth_failure(ot_metrics *m, int credential, int limited, int evicted)
{
    const char *values[2];

    if (!m || credential < 0 || credential >= OTD_CREDENTIAL_COUNT)
        return;
    values[0] = credential_names[credential];
    values[1] = answer_names[limited ? 1 : 0];
    ot_metrics_add(m, AUTH_FAILURES, values, 2, 1, NULL);
    if (evicted)
        ot_metrics_add(m, EVICTIONS, NULL, 0, 1, NULL);
}

void otd_metrics_count_reload(ot_metrics *m, int ok)
{
    if (m)
        ot_metrics_add(m, RELOADS, &reload_names[ok ? 0 : 1], 1, 1, NULL);
}
