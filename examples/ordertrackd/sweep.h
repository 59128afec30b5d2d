/* The store-acknowledgment timeout sweep (seed 000's error branch). */
#ifndef OTD_SWEEP_H
#define OTD_SWEEP_H

#include <stdint.h>

#include "app.h"

/* One pass at `now_ms`: every order in store_notified whose store_acknowledgment stage is
 * breached (under app->sla) and has no store_ack_timeout issue gets one (severity high).
 * Returns the number of issues raised, or -1 when the orders could not be listed. */
int otd_sweep_store_ack(otd_app *app, int64_t now_ms);

#endif
