/* Internal: the parts of one poll run (ot_poll_run), shared by the files of lib/core/poll/:
 * config.c (arguments and struct defaults), orders.c (orders from storage), apply.c (an
 * answer applied to its orders), pipeline.c (the opt-in applier threads) and poll.c (the
 * run loop). Not installed. */
#ifndef OT_POLL_RUN_INTERNAL_H
#define OT_POLL_RUN_INTERNAL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "poll/poll_internal.h"
#include "ordertrack/sys/storage.h"

#define MAX_WORKERS 1024u
#define STALE_MAX_MS (365LL * 86400000)
#define MAX_APPLIERS 8u
#define ROUNDS 2u       /* rounds at a time when they go as batches */
#define MAX_ROUNDS 4u   /* streamed: a finished round is applied while three are sent */

/* One order to poll. The loaded order itself is not kept (a round holds thousands): only
 * what applying needs, and the order again when an unmapped status asks for its issues. */
struct entry {
    char *awb;                  /* the AWB, then the order id, in one allocation */
    const char *order_id;       /* inside `awb` */
    ot_order *order;            /* NULL, or the latest copy loaded for an unmapped status */
    int64_t last_time;          /* newest courier event time recorded on the order */
    int seen;                   /* the answer mentioned it */
};

struct page {
    struct entry *entries;
    size_t count, cap;
    int quiet_only;             /* collect only orders with no courier event after... */
    int64_t stale_before;       /* ...this time (the fallback tracker) */
    int64_t latest;             /* stored courier times past this are not trusted */
};

struct run {
    ot_poll_summary *sum;
    ot_tracker *tracker;
    ot_http_client *http;
    const ot_poll_config *cfg;
    ot_courier_client *courier;
    const char *name;
    size_t batch;               /* AWBs per request */
};

/* One request of a round: its orders, its answer and what applying the answer did. */
struct job {
    struct entry *group;
    size_t n;
    ot_http_response *resp;     /* owned until applied */
    ot_poll_summary tally;
    /* Streamed runs (poll.c, over a port that reports each request as it completes): */
    struct round *round;
    struct ot__courier_request req; /* built while the request is in flight */
    int resent;                 /* answered 401, sent again after a new login */
};

/* Up to `workers` requests sent in one ot_http_client_send call. The round owns its orders
 * from when they are taken from the pending page until it is merged. */
struct round {
    struct page orders;
    struct job *jobs;           /* `workers` of them */
    size_t k;                   /* jobs to apply (0 when the round failed before sending) */
    size_t next, done;          /* jobs taken, jobs applied: under the pipe's lock */
    int queued;                 /* handed to the appliers and not merged yet */
    size_t handed, received;    /* streamed: jobs given to the port, answers final */
    int busy;                   /* streamed: taken and not yet handed to the appliers */
    ot_poll_summary pre;        /* failures met while sending (token, second 401) */
};

/* Paging through storage: the orders queried but not yet in a round. The next pages are
 * fetched by an applier (first of its jobs) while the caller's round is on the wire. */
struct feed {
    ot_tracker *tracker;
    int provider;
    struct page pending;
    char cursor[OT_STORAGE_CURSOR_SIZE];
    size_t remaining, page_size, fill;
    size_t orders;              /* orders collected by the last fetch */
    int more, rc;
    ot_error err;
};

/* The applier pool and its queue of rounds (pipeline.c, which explains the design). */
struct pipe {
    const struct run *r;
    struct feed *feed;
    int feed_queued, feed_running; /* under the lock */
    int sync;                   /* lock and conditions initialised: threads may run */
    pthread_mutex_t lock;
    pthread_cond_t work;        /* a round was queued, or stop */
    pthread_cond_t done;        /* a round's last job was applied */
    struct round *queue[MAX_ROUNDS]; /* queued rounds, oldest first */
    size_t queued;
    int stop, started;
    pthread_t threads[MAX_APPLIERS];
    size_t nthreads, want;
};

/* config.c: check the arguments of ot_poll_run. */
int ot__poll_check_args(ot_poll_summary *sum, ot_tracker *tracker, ot_http_client *http,
                        const ot_poll_config *cfg, ot_error *err);

/* orders.c: free the orders of a page and empty it (its array is kept). */
void ot__poll_page_clear(struct page *p);
/* orders.c: query pages until a round (`fill` orders) is pending or the orders ran out. */
void ot__poll_feed_run(struct feed *f);
/* orders.c: move the first `n` pending orders into round `rd` (empty). */
int ot__poll_round_take(struct round *rd, struct page *pending, size_t n, ot_error *err);

/* apply.c: record the first failure in `t` (a round's or a job's tally). */
void ot__poll_note_failure(ot_poll_summary *t, const ot_error *e);
/* apply.c: a request for `group[0..n-1]` without a usable answer. */
void ot__poll_request_failed(const struct run *r, ot_poll_summary *t,
                             const struct entry *group, size_t n, int code, const char *what);
/* apply.c: parse one answer for `group` and apply what it says, counting into `t`. */
void ot__poll_handle_answer(const struct run *r, ot_poll_summary *t, struct entry *group,
                            size_t n, const ot_http_response *resp);
/* apply.c: add the counts of `t` to `sum`; its first failure if `sum` has none yet. */
void ot__poll_merge(ot_poll_summary *sum, const ot_poll_summary *t);

/* pipeline.c: the pool (started on first use: none when `on_caller`) and its queue. */
void ot__poll_pipe_init(struct pipe *p, const struct run *r, struct feed *feed,
                        unsigned workers, int on_caller);
/* Queue an already sent round for applying. */
void ot__poll_pipe_push(struct pipe *p, struct round *rd);
/* Fetch the next pages in the background (when more are needed). */
void ot__poll_pipe_fetch(struct pipe *p);
/* Wait for the fetch started by ot__poll_pipe_fetch (running it here if none took it). */
void ot__poll_pipe_fetched(struct pipe *p);
/* Wait until `rd` (the oldest queued round) is applied, applying meanwhile; dequeue it. */
void ot__poll_pipe_wait(struct pipe *p, struct round *rd);
/* Stop and join the appliers. */
void ot__poll_pipe_free(struct pipe *p);

#endif
