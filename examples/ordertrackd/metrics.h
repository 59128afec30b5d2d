/* ordertrackd's own metrics: requests by route and status code, latency histogram per
 * route, rendered as Prometheus text. The library's metrics are appended by the host. */
#ifndef OTD_METRICS_H
#define OTD_METRICS_H

#include <stddef.h>

#include "router.h"

typedef struct otd_metrics otd_metrics;

otd_metrics *otd_metrics_new(void);
void otd_metrics_free(otd_metrics *m);

/* Count one finished request. `route` may be NULL (no route matched: label "unmatched").
 * Thread-safe. */
void otd_metrics_observe(otd_metrics *m, const otd_route *route, unsigned status,
                         double seconds);

/* What a failed authentication presented. */
enum otd_credential { OTD_CREDENTIAL_API_KEY, OTD_CREDENTIAL_WEBHOOK, OTD_CREDENTIAL_COUNT };

/* Count one failed authentication: answered 429 when `limited`, else 401; `evicted` when the
 * address table forgot a source to make room for it. Thread-safe. */
void otd_metrics_count_auth_failure(otd_metrics *m, int credential, int limited, int evicted);

/* Count one config reload (SIGHUP): `ok` when the new config was applied, else refused.
 * Thread-safe. */
void otd_metrics_count_reload(otd_metrics *m, int ok);

/* Prometheus text exposition (format 0.0.4), malloc'd (free with free); *len its length.
 * NULL when out of memory. Thread-safe. */
char *otd_metrics_render(otd_metrics *m, size_t *len);

#endif
