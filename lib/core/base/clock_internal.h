/* Internal: the clock port as the library uses it (clock.c). Not installed. */
#ifndef OT_CLOCK_INTERNAL_H
#define OT_CLOCK_INTERNAL_H

#include <stddef.h>

#include "ordertrack/sys/clock.h"

/* Size of the members a clock of `version` has (1 or 2). */
size_t ot__clock_size(unsigned version);

/* Copy the members of `src`'s version into `dst` (the later ones NULL); a zeroed `dst`
 * (the system clock) when `src` is NULL. */
void ot__clock_copy(ot_clock *dst, const ot_clock *src);

/* 1 if `clock` (may be NULL) has its own sleep_ms. */
int ot__clock_sleeps(const ot_clock *clock);

/* *deadline = the monotonic clock now plus `ms`, for a pthread_cond_timedwait on a
 * condition variable set to CLOCK_MONOTONIC. */
struct timespec;
void ot__clock_deadline_ms(struct timespec *deadline, int64_t ms);

#endif
