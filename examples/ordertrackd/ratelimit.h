/* Per-key token buckets (requests_per_second, burst) with an injectable clock. */
#ifndef OTD_RATELIMIT_H
#define OTD_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>

typedef struct otd_ratelimit otd_ratelimit;

/* A monotonic clock in milliseconds. */
typedef int64_t (*otd_clock_fn)(void *ctx);

/* The process's monotonic clock (CLOCK_MONOTONIC), for production. */
int64_t otd_clock_monotonic_ms(void *ctx);
/* Wall-clock time (CLOCK_REALTIME), milliseconds since the epoch UTC. */
int64_t otd_clock_wall_ms(void *ctx);

/* `n_buckets` buckets (one per API key), each starting full with `burst` tokens and refilled
 * at `rate` tokens per second. NULL on bad arguments or no memory. */
otd_ratelimit *otd_ratelimit_new(size_t n_buckets, double rate, double burst,
                                 otd_clock_fn clock, void *clock_ctx);
void otd_ratelimit_free(otd_ratelimit *rl);

/* Take one token from bucket `index`. Returns 1 when allowed; 0 when the bucket is empty,
 * with *retry_after_s set to the whole seconds (at least 1) until a token is back; -1 for an
 * index out of range. Thread-safe. */
int otd_ratelimit_take(otd_ratelimit *rl, size_t index, unsigned *retry_after_s);

#endif
