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

/** Newest version of `ot_clock` this header describes (its `version` member). */
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

/** Initialiser of `ot_clock` with its defaults at OT_CLOCK_VERSION. */
#define OT_CLOCK_INIT { OT_CLOCK_VERSION, NULL, NULL, NULL }

OT_BEGIN_DECLS

/**
 * Fill `clock` with the defaults of `version`, for bindings that cannot use the macro.
 * @param clock the struct to fill (caller-owned)
 * @param version the struct version to fill, 1 to OT_CLOCK_VERSION
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL for a NULL struct, or OT_EVERSION for a version this library does not
 *         know
 */
OT_EXTERN int ot_clock_init(ot_clock *clock, unsigned version, ot_error *err);

/**
 * The time of `clock` in ms since the epoch, UTC: its now_ms, or the system's UTC clock
 * when `clock` is NULL or has no now_ms. Thread-safe as the clock is.
 * @param clock the clock, or NULL for the system's
 * @return milliseconds since the epoch
 */
OT_EXTERN int64_t ot_clock_now_ms(const ot_clock *clock);

/**
 * Wait `ms` milliseconds (nothing for ms <= 0) with the sleep_ms of `clock` (version 2),
 * or the system's sleep (resumed after a signal) when `clock` is NULL, of version 1 or
 * has no sleep_ms. Thread-safe as the clock is.
 * @param clock the clock, or NULL for the system's
 * @param ms how long to wait
 */
OT_EXTERN void ot_clock_sleep_ms(const ot_clock *clock, int64_t ms);

OT_END_DECLS

#endif /* ORDERTRACK_SYS_CLOCK_H */
