/* ordertrackd's reloadable state: generations of the config, each an immutable snapshot
 * (the config, the request pipeline's parts built over it, the tracker with its SLA policies
 * and per-order limits), counted by reference and swapped under a lock. A request takes the
 * current generation when it starts and gives it back when it completes, so it finishes on
 * the config it started with; a reload (SIGHUP) makes the next generation current, and the
 * previous one is freed when its last request completes. */
#ifndef OTD_LIVE_H
#define OTD_LIVE_H

#include <pthread.h>

#include "app.h"
#include "config.h"

typedef struct ot_sla_policies ot_sla_policies;

typedef struct otd_generation {
    const otd_config *cfg;     /* &own, or the borrowed start-up config */
    otd_config own;            /* a reloaded config, owned; zeroed when borrowed */
    otd_app app;               /* over cfg; app.tracker is `tracker` */
    ot_tracker *tracker;       /* owned; NULL: none (app.tracker borrowed from the shared app) */
    ot_sla_policies *sla;      /* owned, used by tracker; or NULL */
    unsigned long number;      /* 1 for the start-up config, then one more per reload */
    unsigned refs;             /* under the otd_live lock */
} otd_generation;

typedef struct otd_live {
    pthread_mutex_t lock;
    otd_generation *current;   /* holds one reference */
    unsigned long generations; /* made so far */
} otd_live;

/* A generation over *cfg: the parts of otd_app built over it (otd_app_derive), the rest
 * borrowed from `shared`. With `take` it takes *cfg over (*cfg is zeroed, or freed on
 * failure); without, cfg is borrowed and must outlive the generation. The caller may then
 * set tracker and sla (and app.tracker). 0, or -1 when out of memory. */
int otd_generation_new(otd_generation **out, otd_config *cfg, int take,
                       const otd_app *shared);

/* Free a generation nobody holds (or one never made current). Accepts NULL. */
void otd_generation_free(otd_generation *g);

/* Start with `first` as the current generation. 0, or -1. */
int otd_live_init(otd_live *live, otd_generation *first);

/* Free the current generation; every acquired one must have been released. */
void otd_live_destroy(otd_live *live);

/* The current generation, held until otd_live_release. Thread-safe. */
otd_generation *otd_live_acquire(otd_live *live);

/* Give back a generation from otd_live_acquire; the last holder of a replaced one frees it.
 * Thread-safe. */
void otd_live_release(otd_live *live, otd_generation *g);

/* Make `next` (from otd_generation_new) current; the previous one is freed once the requests
 * holding it complete. Numbers `next`. Thread-safe. */
void otd_live_swap(otd_live *live, otd_generation *next);

#endif
