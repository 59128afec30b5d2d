/**
 * @file sys/clock.h
 * @brief The clock port: the library's one source of time and of waiting.
 *
 * The time the tracker stamps on events, the courier client's token expiry, the HTTP
 * client's retry waits (ot_http_hooks.clock) and the poll run's delay all come from a clock.
 * Hosts normally pass none (the library then uses the system's UTC clock and sleep); tests
 * inject a fake clock so nothing ever sleeps. The callbacks must be thread-safe when the
 * object using them is shared between threads.
 */
#ifndef ORDERTRACK_SYS_CLOCK_H
#define ORDERTRACK_SYS_CLOCK_H

#include <stdint.h>

#include "../export.h"
#include "../error.h"

#define OT_CLOCK_VERSION 2

/** Version 1 members: version, userdata, now_ms (required); version 2 adds sleep_ms. A
 *  version 1 clock is still accepted: it waits with the system's sleep. */
typedef struct ot_clock {
    unsigned version;                       /**< OT_CLOCK_VERSION */
    void *userdata;                         /**< passed to now_ms and sleep_ms */
    int64_t (*now_ms)(void *userdata);      /**< milliseconds since the epoch, UTC, > 0 */
    void (*sleep_ms)(void *userdata, int64_t ms); /**< (since 2) wait `ms` (> 0)
                                                 milliseconds; NULL: the system's sleep */
} ot_clock;

#define OT_CLOCK_INIT { OT_CLOCK_VERSION, NULL, NULL, NULL }

OT_BEGIN_DECLS

/** Fill `clock` with the defaults of `version`, for bindings that cannot use the macro. */
OT_EXTERN int ot_clock_init(ot_clock *clock, unsigned version, ot_error *err);

/** The time of `clock` in ms since the epoch, UTC: its now_ms, or the system's UTC clock
 *  when `clock` is NULL or has no now_ms. Thread-safe as the clock is. */
OT_EXTERN int64_t ot_clock_now_ms(const ot_clock *clock);

/** Wait `ms` milliseconds (nothing for ms <= 0) with the sleep_ms of `clock` (version 2),
 *  or the system's sleep (resumed after a signal) when `clock` is NULL, of version 1 or
 *  has no sleep_ms. Thread-safe as the clock is. */
OT_EXTERN void ot_clock_sleep_ms(const ot_clock *clock, int64_t ms);

OT_END_DECLS

#endif /* ORDERTRACK_SYS_CLOCK_H */
