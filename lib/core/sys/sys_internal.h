/* Internal: the checks of the caller's ports shared by the modules that take them (ports.c).
 * Not installed. */
#ifndef OT_SYS_INTERNAL_H
#define OT_SYS_INTERNAL_H

#include "ordertrack/error.h"
#include "ordertrack/sys/clock.h"
#include "ordertrack/sys/notice.h"

/* A caller's clock: NULL (the system clock), or a known version with now_ms; else
 * OT_EVERSION or OT_EINVAL naming `clock`. */
int ot__clock_check(const ot_clock *clock, ot_error *err);
/* A caller's notice sink: NULL (none), or a known version with notify; else OT_EVERSION or
 * OT_EINVAL naming `notices`. */
int ot__notice_sink_check(const ot_notice_sink *sink, ot_error *err);

#endif
