/* ordertrackd's `dispatch` block (docs/API.md): the partners' credentials, the primary and
 * secondary provider of each store with its pick-up, the retry limits. Restart-only. */
#ifndef OTD_DISPATCHCONF_H
#define OTD_DISPATCHCONF_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include <ordertrack/dispatch.h>

#include "jsonconf.h"

typedef struct otd_dispatch_store {
    char *store_id;
    int primary;              /* ot_provider: orders of this provider are dispatched */
    int secondary;            /* ot_provider, 0: none */
    char *pickup_name, *pickup_address, *pickup_phone;
} otd_dispatch_store;

typedef struct otd_dispatchconf {
    int present;              /* the block was given */
    json_t *raw;              /* the block as read, for the restart comparison */
    char *strings[2][9];      /* each partner's copied strings (freed with the config) */
    ot_dispatch_partner partners[2];
    size_t n_partners;
    otd_dispatch_store *stores;
    size_t n_stores;
    unsigned max_no_driver_attempts;
    int64_t retry_base_ms, retry_cap_ms, lease_ms;
    unsigned sweep_ms;        /* how often ready orders are looked at */
    unsigned http_max_attempts;      /* per partner request, first included */
    unsigned breaker_threshold;      /* consecutive failures that open a partner's breaker */
    int64_t breaker_cooldown_ms;
} otd_dispatchconf;

/* Read the block `obj` into *d (zeroed first). 0, or -1 with "NAME: dispatch.PATH: what". */
int otd_dispatchconf_load(otd_dispatchconf *d, const jsonconf *c, json_t *obj);

/* The store's entry, or NULL. */
const otd_dispatch_store *otd_dispatchconf_store(const otd_dispatchconf *d,
                                                 const char *store_id);

/* 1 when the two blocks differ (the block needs a restart). */
int otd_dispatchconf_differs(const otd_dispatchconf *a, const otd_dispatchconf *b);

/* Free what *d holds (secrets wiped). Accepts a zeroed struct. */
void otd_dispatchconf_free(otd_dispatchconf *d);

#endif
