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

/* Prometheus text exposition (format 0.0.4), malloc'd (free with free); *len its length.
 * NULL when out of memory. Thread-safe. */
char *otd_metrics_render(otd_metrics *m, size_t *len);

#endif
