/* ordertrackd's own metrics, kept in the library's registry (ot_metrics) under their own
 * names (ordertrackd_...): requests by route and status code, a latency histogram per route,
 * failed authentications, config reloads. /metrics writes the registry whole (ot_metrics_write_prometheus). */
#ifndef OTD_METRICS_H
#define OTD_METRICS_H

#include <ordertrack/error.h>

#include "router.h"

/* Library type; its header defines it (a repeated typedef is valid C11). */
typedef struct ot_metrics ot_metrics;

/* Register ordertrackd's metrics in `m` (the failed-authentication series at 0). 0, or the
 * library's error code with `err` filled. */
int otd_metrics_register(ot_metrics *m, ot_error *err);

/* Count one finished request. `route` may be NULL (no route matched: label "unmatched").
 * `m` NULL: nothing. Thread-safe. */
void otd_metrics_observe(ot_metrics *m, const otd_route *route, unsigned status,
                         double seconds);

/* What a failed authentication presented. */
enum otd_credential { OTD_CREDENTIAL_API_KEY, OTD_CREDENTIAL_WEBHOOK, OTD_CREDENTIAL_COUNT };

/* Count one failed authentication: answered 429 when `limited`, else 401; `evicted` when the
 * address table forgot a source to make room for it. Thread-safe. */
void otd_metrics_count_auth_failure(ot_metrics *m, int credential, int limited, int evicted);

/* Count one config reload (SIGHUP): `ok` when the new config was applied, else refused.
 * Thread-safe. */
void otd_metrics_count_reload(ot_metrics *m, int ok);

#endif
