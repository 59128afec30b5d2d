/* Generations of the config, counted by reference under one mutex. */
#include "live.h"

#include <stdlib.h>
#include <string.h>

#include <ordertrack/ordertrack.h>

int otd_generation_new(otd_generation **out, otd_config *cfg, int take,
                       const otd_app *shared)
{
    otd_generation *g = calloc(1, sizeof *g);

    *out = NULL;
    if (!g) {
        if (take)
            otd_config_free(cfg);
        return -1;
    }
    g->cfg = cfg;
    if (take) {
        g->own = *cfg;
        memset(cfg, 0, sizeof *cfg);
        g->cfg = &g->own;
    }
    if (otd_app_derive(&g->app, shared, g->cfg) != 0) {
        otd_config_free(&g->own);
        free(g);
        return -1;
    }
    *out = g;
    return 0;
}

void otd_generation_free(otd_generation *g)
{
    if (!g)
        return;
    otd_app_cleanup(&g->app);
    ot_tracker_free(g->tracker);
    ot_sla_policies_free(g->sla);
    otd_config_free(&g->own);
    free(g);
}

int otd_live_init(otd_live *live, otd_generation *first)
{
    if (pthread_mutex_init(&live->lock, NULL) != 0)
        return -1;
    first->refs = 1;
    first->number = 1;
    live->current = first;
    live->generations = 1;
    return 0;
}

void otd_live_destroy(otd_live *live)
{
    otd_generation_free(live->current);
    pthread_mutex_destroy(&live->lock);
    memset(live, 0, sizeof *live);
}

otd_generation *otd_live_acquire(otd_live *live)
{
    otd_generation *g;

    pthread_mutex_lock(&live->lock);
    g = live->current;
    g->refs++;
    pthread_mutex_unlock(&live->lock);
    return g;
}

void otd_live_release(otd_live *live, otd_generation *g)
{
    unsigned refs;

    pthread_mutex_lock(&live->lock);
    refs = --g->refs;
    pthread_mutex_unlock(&live->lock);
    if (refs == 0)
        otd_generation_free(g);
}

void otd_live_swap(otd_live *live, otd_generation *next)
{
    otd_generation *old;

    pthread_mutex_lock(&live->lock);
    old = live->current;
    next->refs = 1;
    next->number = ++live->generations;
    live->current = next;
    pthread_mutex_unlock(&live->lock);
    otd_live_release(live, old);
}
