/**
 * @file sys/clock.h
 * @brief The clock port: the time the tracker stamps on events.
 *
 * Hosts normally pass none (the tracker then uses the system's UTC clock); tests inject a
 * fake clock so nothing ever sleeps. The callback must be thread-safe when the tracker using
 * it is shared between threads.
 */
#ifndef ORDERTRACK_SYS_CLOCK_H
#define ORDERTRACK_SYS_CLOCK_H

#include <stdint.h>

#include "../export.h"
#include "../error.h"

/** Newest version of `ot_clock` this header describes (its `version` member). */
#define OT_CLOCK_VERSION 1

/** Version 1 members: version, userdata, now_ms (required). */
typedef struct ot_clock {
    unsigned version;                       /**< OT_CLOCK_VERSION */
    void *userdata;                         /**< passed to now_ms */
    int64_t (*now_ms)(void *userdata);      /**< milliseconds since the epoch, UTC, > 0 */
} ot_clock;

/** Initialiser of `ot_clock` with its defaults at OT_CLOCK_VERSION. */
#define OT_CLOCK_INIT { OT_CLOCK_VERSION, NULL, NULL }

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

OT_END_DECLS

#endif /* ORDERTRACK_SYS_CLOCK_H */
