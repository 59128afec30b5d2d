/* The host programs' worker threads: a condition variable on the monotonic clock (a change
 * of the wall clock neither wakes a worker early nor keeps it asleep), its deadlines, and the
 * stop signal. */
#ifndef OTC_WORKER_H
#define OTC_WORKER_H

#include <pthread.h>
#include <stdint.h>
#include <time.h>

/* Initialise `cond` to time its waits on CLOCK_MONOTONIC. 0, or -1 (nothing to destroy). */
int otc_cond_init_monotonic(pthread_cond_t *cond);

/* The deadline `ms` (>= 0) milliseconds from now on CLOCK_MONOTONIC, for
 * pthread_cond_timedwait on a condition from otc_cond_init_monotonic. */
void otc_deadline(struct timespec *ts, int64_t ms);

/* Tell a worker to stop: *stopping = 1 under `lock`, and every waiter on `cond` woken. The
 * caller joins the thread. */
void otc_signal_stop(pthread_mutex_t *lock, pthread_cond_t *cond, int *stopping);

#endif
