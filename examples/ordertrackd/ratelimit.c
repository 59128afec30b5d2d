/* Token buckets under one mutex: the critical section is a few arithmetic operations. */
#include "ratelimit.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

struct bucket {
    double tokens;
    int64_t last_ms;
};

struct otd_ratelimit {
    pthread_mutex_t lock;
    double rate, burst;
    otd_clock_fn clock;
    void *clock_ctx;
    size_t n;
    struct bucket buckets[];
};

static int64_t clock_ms(clockid_t id)
{
    struct timespec ts;

    clock_gettime(id, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t otd_clock_monotonic_ms(void *ctx)
{
    (void)ctx;
    return clock_ms(CLOCK_MONOTONIC);
}

int64_t otd_clock_wall_ms(void *ctx)
{
    (void)ctx;
    return clock_ms(CLOCK_REALTIME);
}

otd_ratelimit *otd_ratelimit_new(size_t n_buckets, double rate, double burst,
                                 otd_clock_fn clock, void *clock_ctx)
{
    otd_ratelimit *rl;
    int64_t now;

    if (!(rate > 0) || !(burst >= 1) || !clock)
        return NULL;
    rl = calloc(1, sizeof *rl + n_buckets * sizeof rl->buckets[0]);
    if (!rl)
        return NULL;
    if (pthread_mutex_init(&rl->lock, NULL) != 0) {
        free(rl);
        return NULL;
    }
    rl->rate = rate;
    rl->burst = burst;
    rl->clock = clock;
    rl->clock_ctx = clock_ctx;
    rl->n = n_buckets;
    now = clock(clock_ctx);
    for (size_t i = 0; i < n_buckets; i++) {
        rl->buckets[i].tokens = burst;
        rl->buckets[i].last_ms = now;
    }
    return rl;
}

void otd_ratelimit_free(otd_ratelimit *rl)
{
    if (!rl)
        return;
    pthread_mutex_destroy(&rl->lock);
    free(rl);
}

int otd_ratelimit_take(otd_ratelimit *rl, size_t index, unsigned *retry_after_s)
{
    struct bucket *b;
    int64_t now;
    int allowed;

    if (!rl || index >= rl->n)
        return -1;
    pthread_mutex_lock(&rl->lock);
    now = rl->clock(rl->clock_ctx);
    b = &rl->buckets[index];
    if (now > b->last_ms) {
        b->tokens = fmin(rl->burst, b->tokens + (double)(now - b->last_ms) * rl->rate / 1000.0);
        b->last_ms = now;
    }
    allowed = b->tokens >= 1.0;
    if (allowed) {
        b->tokens -= 1.0;
    } else if (retry_after_s) {
        double wait = ceil((1.0 - b->tokens) / rl->rate);
        *retry_after_s = wait < 1 ? 1 : wait > 86400 ? 86400 : (unsigned)wait;
    }
    pthread_mutex_unlock(&rl->lock);
    return allowed;
}
