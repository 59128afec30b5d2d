/* ordertrackd's dispatcher: a thread that, every dispatch.sweep_ms, runs the library's
 * dispatch (ot_dispatch_run) for the ready_for_pickup orders of the stores named in the
 * `dispatch` block whose provider is the store's primary. */
#ifndef OTD_DISPATCHER_H
#define OTD_DISPATCHER_H

#include "dispatchconf.h"
#include "live.h"
#include "log.h"

typedef struct otd_dispatcher otd_dispatcher;

/* Start it over `conf` (borrowed: the start-up config's block) and the live generations.
 * 0; OTD_EXIT_CONFIG when the library refuses a member (logged, named); 1 otherwise. */
int otd_dispatcher_start(otd_dispatcher **out, const otd_dispatchconf *conf, otd_live *live,
                         otc_log *log);

/* Stop the thread (after its current run) and free everything. Accepts NULL. */
void otd_dispatcher_stop(otd_dispatcher *d);

#endif
