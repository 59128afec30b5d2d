/* Running the trackers: once, or at start-up and then on each tracker's cron schedule,
 * skipping a run while the tracker's previous run is still active (seed 001's TryLock). */
#ifndef OTP_SCHEDULER_H
#define OTP_SCHEDULER_H

#include <stdint.h>

#include "config.h"
#include "log.h"

/* Poll one tracker; 0 when the run finished, -1 when it failed. Called from a worker thread:
 * must be thread-safe across different trackers. */
typedef int (*otp_run_fn)(const otp_tracker *tracker, void *ctx);

typedef struct otp_scheduler otp_scheduler;

/* A scheduler over cfg's trackers (only the one named `only` when not NULL), logging to `log`
 * (borrowed; NULL: text at info on stderr). NULL on failure. */
otp_scheduler *otp_scheduler_new(const otp_config *cfg, const char *only, otp_run_fn run,
                                 void *ctx, const otc_log *log);
void otp_scheduler_free(otp_scheduler *s);

/* Start tracker i's run in a thread unless its previous run is still active: 1 started,
 * 0 skipped (busy), -1 error. */
int otp_scheduler_start(otp_scheduler *s, size_t i);

/* Number of trackers it schedules. */
size_t otp_scheduler_count(const otp_scheduler *s);

/* Wait until no run is active. Returns the number of runs that failed since the last call. */
unsigned otp_scheduler_wait_idle(otp_scheduler *s);

/* Run every tracker once, concurrently, and wait: 0 when all finished, 1 if any failed. */
int otp_scheduler_run_once(otp_scheduler *s);

/* Run every tracker now, then on schedule until `stop_fd` becomes readable (a self-pipe the
 * signal handler writes to); then wait for the active runs and return 0. `now` gives the time
 * (seconds since the epoch) so tests can drive it; NULL means time(). */
int otp_scheduler_loop(otp_scheduler *s, int stop_fd, int64_t (*now)(void));

#endif
