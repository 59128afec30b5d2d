/* The clock port: the one place the library reads the system's clock and sleeps. */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <time.h>

#include "base/clock_internal.h"

size_t ot__clock_size(unsigned version)
{
    return version >= 2 ? sizeof(ot_clock) : offsetof(ot_clock, sleep_ms);
}

void ot__clock_copy(ot_clock *dst, const ot_clock *src)
{
    memset(dst, 0, sizeof *dst);
    if (!src)
        return;
    memcpy(dst, src, ot__clock_size(src->version));
    dst->version = OT_CLOCK_VERSION;
}

int ot__clock_sleeps(const ot_clock *clock)
{
    return clock && clock->version >= 2 && clock->sleep_ms;
}

int64_t ot_clock_now_ms(const ot_clock *clock)
{
    struct timespec ts;
    if (clock && clock->now_ms)
        return clock->now_ms(clock->userdata);
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void ot__clock_deadline_ms(struct timespec *deadline, int64_t ms)
{
    clock_gettime(CLOCK_MONOTONIC, deadline);
    deadline->tv_sec += (time_t)(ms / 1000);
    deadline->tv_nsec += (long)(ms % 1000) * 1000000L;
    if (deadline->tv_nsec >= 1000000000L) {
        deadline->tv_sec++;
        deadline->tv_nsec -= 1000000000L;
    }
}

void ot_clock_sleep_ms(const ot_clock *clock, int64_t ms)
{
    struct timespec ts;
    if (ms <= 0)
        return;
    if (ot__clock_sleeps(clock)) {
        clock->sleep_ms(clock->userdata, ms);
        return;
    }
    ts.tv_sec = (time_t)(ms / 1000);
    ts.tv_nsec = (long)(ms % 1000) * 1000000L;
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}
