/* The applier threads of a poll run (opt-in: none with apply_on_caller, or when none can
 * be started) and the queue of rounds they apply. */
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "poll/run_internal.h"

/*
 * The pipeline. Why this shape: the HTTP port sends a batch and returns when all of it has
 * finished (sys/http.h), and the curl port serialises the batches of several threads on one
 * client (its libcurl handles are single-threaded; docs/http.md), so a pool of threads each
 * sending its own request through the caller's one client would run them one at a time
 * with curl. The requests therefore stay in batches of `workers`, all sent by the calling
 * thread (so the HTTP client's hooks, the courier's token and logins and `sleep_ms` are
 * used from the caller's thread, as before), and everything else overlaps the waiting:
 * while round N+1 is on the wire, a small pool of applier threads (one per core, at most
 * `workers`) parses and applies round N's answers, one job per answer, several at once
 * (the tracker and the stores are thread-safe), and the storage pages of round N+2 are
 * fetched by the first free applier. So the wall time tends to the rounds' waiting or the
 * CPU work divided by the cores, whichever is larger, instead of their sum. Two rounds
 * exist at a time, so the memory (orders, requests, answers) stays that of two rounds and a
 * page. Each job counts into a tally of its own and the caller merges a round's tallies in
 * request order once it is applied, so every count and the first failure are those of the
 * serial cycle, whatever order the jobs finish in. When no thread can be started the
 * caller applies and fetches itself, between its sends.
 */

static void run_job(const struct run *r, struct job *j)
{
    ot__poll_handle_answer(r, &j->tally, j->group, j->n, j->resp);
    ot_http_response_free(j->resp);
    j->resp = NULL;
}

/* The next job of the oldest queued round with one left (or of `only`); under the lock. */
static struct job *take_job(struct pipe *p, struct round *only, struct round **from)
{
    size_t i;
    for (i = 0; i < p->queued; i++) {
        struct round *rd = p->queue[i];
        if (only && rd != only)
            continue;
        if (rd->next < rd->k) {
            *from = rd;
            return &rd->jobs[rd->next++];
        }
    }
    return NULL;
}

/* Run the queued page fetch; called and returning with p->lock held, which is released
 * while the storage is queried. */
static void feed_run_locked(struct pipe *p)
{
    p->feed_queued = 0;
    p->feed_running = 1;
    pthread_mutex_unlock(&p->lock);
    ot__poll_feed_run(p->feed);
    pthread_mutex_lock(&p->lock);
    p->feed_running = 0;
    pthread_cond_broadcast(&p->done);
}

static void *applier(void *arg)
{
    struct pipe *p = arg;
    struct round *rd;
    struct job *j;
    pthread_mutex_lock(&p->lock);
    for (;;) {
        if (p->feed_queued) {   /* the next pages first: the next round waits for them */
            feed_run_locked(p);
        } else if ((j = take_job(p, NULL, &rd)) != NULL) {
            pthread_mutex_unlock(&p->lock);
            run_job(p->r, j);
            pthread_mutex_lock(&p->lock);
            if (++rd->done == rd->k)
                pthread_cond_broadcast(&p->done);
        } else if (p->stop) {
            break;
        } else {
            pthread_cond_wait(&p->work, &p->lock);
        }
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

void ot__poll_pipe_init(struct pipe *p, const struct run *r, struct feed *feed,
                        unsigned workers, int on_caller)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    memset(p, 0, sizeof *p);
    p->r = r;
    p->feed = feed;
    /* appliers: one per core (the sending thread mostly waits), no more than the requests
     * of a round */
    p->want = cpus > 1 ? (size_t)cpus : 1;
    if (p->want > MAX_APPLIERS)
        p->want = MAX_APPLIERS;
    if (p->want > workers)
        p->want = workers;
    if (on_caller)
        p->want = 0;
    if (pthread_mutex_init(&p->lock, NULL) != 0)
        return;
    if (pthread_cond_init(&p->work, NULL) != 0) {
        pthread_mutex_destroy(&p->lock);
        return;
    }
    if (pthread_cond_init(&p->done, NULL) != 0) {
        pthread_cond_destroy(&p->work);
        pthread_mutex_destroy(&p->lock);
        return;
    }
    p->sync = 1;
}

/* Start the appliers, with every signal blocked (the host's signals stay with its own
 * threads). Fewer or none when threads cannot be created: the caller applies instead. */
static void pipe_start(struct pipe *p)
{
    sigset_t all, old;
    p->started = 1;
    if (!p->sync)
        return;
    sigfillset(&all);
    if (pthread_sigmask(SIG_SETMASK, &all, &old) != 0)
        return;
    while (p->nthreads < p->want &&
           pthread_create(&p->threads[p->nthreads], NULL, applier, p) == 0)
        p->nthreads++;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

void ot__poll_pipe_push(struct pipe *p, struct round *rd)
{
    if (!p->started)
        pipe_start(p);
    rd->next = rd->done = 0;
    rd->queued = 1;
    if (p->sync)
        pthread_mutex_lock(&p->lock);
    p->queue[p->queued++] = rd;
    if (p->sync) {
        pthread_cond_broadcast(&p->work);
        pthread_mutex_unlock(&p->lock);
    }
}

/* Fetch the next pages in the background (when more are needed). */
void ot__poll_pipe_fetch(struct pipe *p)
{
    struct feed *f = p->feed;
    if (f->rc || !f->more || f->pending.count >= f->fill)
        return;
    if (!p->started)
        pipe_start(p);
    if (!p->sync || p->nthreads == 0) {
        p->feed_queued = 1;     /* run by pipe_fetched, on the caller's thread */
        return;
    }
    pthread_mutex_lock(&p->lock);
    p->feed_queued = 1;
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->lock);
}

/* Wait for the fetch started by pipe_fetch, running it here if no applier took it yet. */
void ot__poll_pipe_fetched(struct pipe *p)
{
    if (!p->sync || p->nthreads == 0) {
        if (p->feed_queued) {
            p->feed_queued = 0;
            ot__poll_feed_run(p->feed);
        }
        return;
    }
    pthread_mutex_lock(&p->lock);
    if (p->feed_queued)
        feed_run_locked(p);
    while (p->feed_running)
        pthread_cond_wait(&p->done, &p->lock);
    pthread_mutex_unlock(&p->lock);
}

/* Wait until `rd` (the oldest queued round) is applied, applying its jobs meanwhile; then
 * take it off the queue. */
void ot__poll_pipe_wait(struct pipe *p, struct round *rd)
{
    struct round *from;
    struct job *j;
    size_t i;
    if (!p->sync) {             /* no threads: apply here */
        for (i = 0; i < rd->k; i++)
            run_job(p->r, &rd->jobs[i]);
    } else {
        pthread_mutex_lock(&p->lock);
        while (rd->done < rd->k) {
            if ((j = take_job(p, rd, &from)) != NULL) {
                pthread_mutex_unlock(&p->lock);
                run_job(p->r, j);
                pthread_mutex_lock(&p->lock);
                ++from->done;
            } else {
                pthread_cond_wait(&p->done, &p->lock);
            }
        }
    }
    for (i = 0; i < p->queued && p->queue[i] != rd; i++)
        ;
    if (i < p->queued) {
        memmove(&p->queue[i], &p->queue[i + 1], (p->queued - i - 1) * sizeof p->queue[0]);
        p->queued--;
    }
    rd->queued = 0;
    if (p->sync)
        pthread_mutex_unlock(&p->lock);
}

void ot__poll_pipe_free(struct pipe *p)
{
    size_t i;
    if (!p->sync)
        return;
    pthread_mutex_lock(&p->lock);
    p->stop = 1;
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->lock);
    for (i = 0; i < p->nthreads; i++)
        pthread_join(p->threads[i], NULL);
    pthread_cond_destroy(&p->done);
    pthread_cond_destroy(&p->work);
    pthread_mutex_destroy(&p->lock);
}
