/* Per-key token buckets (requests_per_second, burst) and per-address buckets of failed
 * authentications (a bounded table), with an injectable clock. */
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

/* A source address: IPv6, or IPv4 mapped (::ffff:a.b.c.d). */
typedef struct otd_addr {
    unsigned char bytes[16];
} otd_addr;

/* Failed authentications per source address: one token bucket per address (`burst` tokens,
 * refilled at `per_minute` tokens a minute) in a table of at most `capacity` addresses
 * (rounded up to a multiple of 8). The table never grows: a new address takes the slot, in
 * its set of 8, of an address whose bucket is full again (it forgets nothing) or, when none
 * is, the one with the most tokens (counted as an eviction). Addresses are placed by a keyed
 * hash with a random key, so that an attacker cannot aim at one set. NULL on bad arguments
 * or no memory. */
typedef struct otd_addrlimit otd_addrlimit;

otd_addrlimit *otd_addrlimit_new(size_t capacity, double per_minute, double burst,
                                 otd_clock_fn clock, void *clock_ctx);
void otd_addrlimit_free(otd_addrlimit *al);

/* Count one failed authentication from `addr`. Returns 1 while the address is within its
 * limit; 0 when its bucket is empty, with *retry_after_s set to the whole seconds (at least
 * 1) until a token is back; -1 on bad arguments. *evicted (may be NULL) is set to 1 when
 * making room for a new address forgot one whose bucket was not full. Thread-safe. */
int otd_addrlimit_fail(otd_addrlimit *al, const otd_addr *addr, unsigned *retry_after_s,
                       int *evicted);

#endif
