/* The tracker scheduler: one worker thread per run, one lock per tracker. */
#include "scheduler.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct slot {
    otp_scheduler *owner;
    const otp_tracker *tracker;
    atomic_int busy;           /* 1 for the whole run: a run may not start while it is */
    int64_t next;              /* next scheduled time, seconds */
};

struct otp_scheduler {
    otp_run_fn run;
    void *ctx;
    struct slot *slots;
    size_t n;
    pthread_mutex_t lock;      /* guards active and failures */
    pthread_cond_t idle;
    unsigned active, failures;
    const otc_log *log;
};

otp_scheduler *otp_scheduler_new(const otp_config *cfg, const char *only, otp_run_fn run,
                                 void *ctx, const otc_log *log)
{
    otp_scheduler *s = calloc(1, sizeof *s);
    size_t i;
    if (!s || !(s->slots = calloc(cfg->n_trackers ? cfg->n_trackers : 1, sizeof *s->slots))) {
        free(s);
        return NULL;
    }
    s->run = run;
    s->ctx = ctx;
    s->log = log;
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->idle, NULL);
    for (i = 0; i < cfg->n_trackers; i++) {
        if (only && strcmp(cfg->trackers[i].name, only) != 0)
            continue;
        s->slots[s->n].owner = s;
        s->slots[s->n].tracker = &cfg->trackers[i];
        atomic_init(&s->slots[s->n].busy, 0);
        s->n++;
    }
    return s;
}

void otp_scheduler_free(otp_scheduler *s)
{
    if (!s)
        return;
    otp_scheduler_wait_idle(s);
    pthread_cond_destroy(&s->idle);
    pthread_mutex_destroy(&s->lock);
    free(s->slots);
    free(s);
}

size_t otp_scheduler_count(const otp_scheduler *s)
{
    return s->n;
}

static void *worker(void *arg)
{
    struct slot *slot = arg;
    otp_scheduler *s = slot->owner;
    int rc = s->run(slot->tracker, s->ctx);

    atomic_store(&slot->busy, 0);
    pthread_mutex_lock(&s->lock);
    if (rc != 0)
        s->failures++;
    if (--s->active == 0)
        pthread_cond_broadcast(&s->idle);
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

int otp_scheduler_start(otp_scheduler *s, size_t i)
{
    struct slot *slot = &s->slots[i];
    pthread_attr_t attr;
    pthread_t th;
    int rc;

    int expected = 0;

    if (!atomic_compare_exchange_strong(&slot->busy, &expected, 1))
        return 0;
    pthread_mutex_lock(&s->lock);
    s->active++;
    pthread_mutex_unlock(&s->lock);
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    rc = pthread_create(&th, &attr, worker, slot);
    pthread_attr_destroy(&attr);
    if (rc != 0) {
        atomic_store(&slot->busy, 0);
        pthread_mutex_lock(&s->lock);
        s->active--;
        s->failures++;
        pthread_cond_broadcast(&s->idle);
        pthread_mutex_unlock(&s->lock);
        otc_logf(s->log, OTC_LOG_ERROR, "%s: cannot start a run: %s", slot->tracker->name,
                 strerror(rc));
        return -1;
    }
    return 1;
}

unsigned otp_scheduler_wait_idle(otp_scheduler *s)
{
    unsigned failures;
    pthread_mutex_lock(&s->lock);
    while (s->active > 0)
        pthread_cond_wait(&s->idle, &s->lock);
    failures = s->failures;
    s->failures = 0;
    pthread_mutex_unlock(&s->lock);
    return failures;
}

int otp_scheduler_run_once(otp_scheduler *s)
{
    size_t i;
    for (i = 0; i < s->n; i++)
        otp_scheduler_start(s, i);
    return otp_scheduler_wait_idle(s) ? 1 : 0;
}

static int64_t wall_now(void)
{
    return (int64_t)time(NULL);
}

int otp_scheduler_loop(otp_scheduler *s, int stop_fd, int64_t (*now)(void))
{
    size_t i;
    if (!now)
        now = wall_now;
    for (i = 0; i < s->n; i++) {
        otp_scheduler_start(s, i);
        if (cron_next(&s->slots[i].tracker->schedule, now(), &s->slots[i].next) != 0)
            s->slots[i].next = INT64_MAX;
    }
    for (;;) {
        int64_t t = now(), earliest = INT64_MAX;
        struct pollfd pfd = {stop_fd, POLLIN, 0};
        int timeout_ms;

        for (i = 0; i < s->n; i++) {
            if (s->slots[i].next <= t) {
                if (otp_scheduler_start(s, i) == 0)
                    otc_logf(s->log, OTC_LOG_WARN,
                             "%s: previous run still active, skipping this one",
                             s->slots[i].tracker->name);
                if (cron_next(&s->slots[i].tracker->schedule, t, &s->slots[i].next) != 0)
                    s->slots[i].next = INT64_MAX;
            }
            if (s->slots[i].next < earliest)
                earliest = s->slots[i].next;
        }
        timeout_ms = earliest == INT64_MAX ? -1
                     : (int)((earliest - t) > 3600 ? 3600000 : (earliest - t) * 1000);
        if (poll(&pfd, 1, timeout_ms) > 0)
            break;
        if (errno == EINTR)
            errno = 0;
    }
    otp_scheduler_wait_idle(s);
    return 0;
}
