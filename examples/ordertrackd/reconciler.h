/* ordertrackd's reconciler: a thread that, every reconcile.interval_s, runs the library's
 * reconcile (ot_reconcile_run, ordertrack/reconcile.h) over the current generation's tracker
 * with `once` (each order's finding recorded as an open data_inconsistency issue and alerted
 * by one instance only), counting findings in the daemon's metrics registry and handing the
 * alerts to the host. */
#ifndef OTD_RECONCILER_H
#define OTD_RECONCILER_H

#include <ordertrack/alerts.h>
#include <ordertrack/courier_def.h>
#include <ordertrack/metrics.h>

#include "live.h"
#include "log.h"
#include "reconcileconf.h"

typedef struct otd_reconciler otd_reconciler;

/* Queue `alert` (borrowed for the call) with the host's current alert dispatcher. */
typedef void (*otd_reconciler_alert_fn)(void *ctx, const ot_alert *alert);

/* Start it over `conf` (borrowed: the start-up config's block), the run-time couriers of
 * `registry`, `metrics` and the live generations. 0; OTD_EXIT_CONFIG when the library refuses
 * a courier (logged, named); 1 otherwise. */
int otd_reconciler_start(otd_reconciler **out, const otd_reconcileconf *conf,
                         const ot_courier_registry *registry, ot_metrics *metrics,
                         otd_live *live, otc_log *log, otd_reconciler_alert_fn alert,
                         void *ctx);

/* Stop the thread (after its current run) and free everything. Accepts NULL. */
void otd_reconciler_stop(otd_reconciler *r);

#endif
