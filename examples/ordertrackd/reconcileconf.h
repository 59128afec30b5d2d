/* ordertrackd's `reconcile` block (docs/API.md, docs/operations.md "Reconcile"): the
 * library's reconcile run on a schedule. Restart-only. */
#ifndef OTD_RECONCILECONF_H
#define OTD_RECONCILECONF_H

#include <jansson.h>

#include <ordertrack/courier_def.h>

#include "courierconf.h"
#include "jsonconf.h"

typedef struct otd_reconcileconf {
    int present;            /* the block was given */
    json_t *raw;            /* the block as read, for the restart comparison */
    unsigned interval_s;    /* between the end of a run and the start of the next (1..604800) */
    char *export_path;      /* "export": the order service's JSON Lines export; NULL: none */
    int repair;             /* "repair": the safe cases (default false) */
    unsigned page_size;     /* "page_size": orders per storage query (1..1000, default 500) */
    otc_couriers couriers;  /* "couriers": the poller's block; n 0 when absent */
} otd_reconcileconf;

/* Read the block `obj` into *r (zeroed first; free with otd_reconcileconf_free even on
 * failure); `registry` names the run-time couriers. 0, or -1 with "NAME: reconcile.PATH:
 * what" in c's buffer. */
int otd_reconcileconf_load(otd_reconcileconf *r, const jsonconf *c, json_t *obj,
                           const ot_courier_registry *registry);

/* 1 when the two blocks differ (the block needs a restart). */
int otd_reconcileconf_differs(const otd_reconcileconf *a, const otd_reconcileconf *b);

/* Free what *r holds. Accepts a zeroed struct. */
void otd_reconcileconf_free(otd_reconcileconf *r);

#endif
