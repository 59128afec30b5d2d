/* The poll cycle: orders from storage, batched tracking requests, updates applied once,
 * the applying overlapped with the next requests (pipeline.c). This file is the run loop and
 * the sending of each round; the rest of the run is in the files run_internal.h names. */
#include <string.h>

#include "common.h"
#include "poll/run_internal.h"
#include "tracker/tracker_internal.h"
#include "http/http_internal.h"

/* Merge an applied round into the summary, in request order, and free its orders. */
static void round_finish(ot_poll_summary *sum, struct round *rd)
{
    size_t i;
    ot__poll_merge(sum, &rd->pre);
    for (i = 0; i < rd->k; i++) {
        ot__poll_merge(sum, &rd->jobs[i].tally);
        ot_http_response_free(rd->jobs[i].resp);    /* NULL once applied */
        rd->jobs[i].resp = NULL;
    }
    rd->k = 0;
    ot__poll_page_clear(&rd->orders);
}


/* Send requests `reqs[0..k-1]` in one client batch; responses into `resp`. */
static int send_round(struct run *r, struct ot__courier_request *reqs, size_t k,
                      ot_http_response **resp, ot_error *err)
{
    const ot_http_request *ptrs[MAX_WORKERS];
    size_t i;
    for (i = 0; i < k; i++)
        ptrs[i] = &reqs[i].req;
    r->sum->requests += k;
    return ot_http_client_send(r->http, ptrs, k, resp, err);
}

/* Group `g` of the round: its first entry, its size, and its AWBs into `awbs` (or NULL). */
static struct entry *group_at(struct round *rd, size_t g, size_t batch, size_t *n,
                              const char **awbs)
{
    size_t at = g * batch, j;
    *n = rd->orders.count - at < batch ? rd->orders.count - at : batch;
    for (j = 0; awbs && j < *n; j++)
        awbs[j] = rd->orders.entries[at + j].awb;
    return &rd->orders.entries[at];
}

/* Build and send the requests of round `rd` (on the caller's thread) and give each answer
 * to its job; failures before an answer count in `rd->pre`. `reqs` and `resp` are scratch
 * arrays of `workers`. An error only when the run must stop (OT_ENOMEM, a bad request). */
static int round_send(struct run *r, struct round *rd, struct ot__courier_request *reqs,
                      ot_http_response **resp, ot_error *err)
{
    const size_t batch = r->batch, k = (rd->orders.count + batch - 1) / batch;
    const char *awbs[64];
    struct entry *group;
    size_t i, n, built = 0, unauthorized = 0;
    ot_error e;
    int rc = 0;

    memset(&rd->pre, 0, sizeof rd->pre);
    rd->k = 0;
    for (i = 0; i < k; i++)
        resp[i] = NULL;
    if (ot__courier_ensure_token(r->courier, r->http, &r->sum->logins, &e)) {
        if (e.code == OT_ENOMEM)
            return ot__error_set(err, OT_ENOMEM, "%s", e.message);
        for (i = 0; i < k; i++) {
            group = group_at(rd, i, batch, &n, NULL);
            ot__poll_request_failed(r, &rd->pre, group, n, e.code, e.message);
        }
        return 0;
    }
    for (i = 0; i < k; i++, built++) {
        group_at(rd, i, batch, &n, awbs);
        if ((rc = ot__courier_build(&reqs[i], r->courier, awbs, n, err)))
            goto out;
    }
    if ((rc = send_round(r, reqs, k, resp, err)))
        goto out;
    /* a 401: the token was revoked or expired early; log in once and send those again */
    for (i = 0; i < k; i++)
        if (ot_http_response_status(resp[i]) == 401 && ot__courier_has_login(r->courier))
            unauthorized++;
    if (unauthorized &&
        ot__courier_unauthorized(r->courier, r->http, reqs[0].auth, &r->sum->logins, &e) == 0) {
        for (i = 0; i < k; i++) {
            ot_http_response *again = NULL;
            if (ot_http_response_status(resp[i]) != 401)
                continue;
            ot__courier_request_release(&reqs[i]);
            group_at(rd, i, batch, &n, awbs);
            if ((rc = ot__courier_build(&reqs[i], r->courier, awbs, n, err)) ||
                (rc = send_round(r, &reqs[i], 1, &again, err)))
                goto out;
            ot_http_response_free(resp[i]);
            resp[i] = again;
        }
    } else if (unauthorized) {
        ot__poll_note_failure(&rd->pre, &e);
    }
    for (i = 0; i < k; i++) {
        struct job *j = &rd->jobs[i];
        j->group = group_at(rd, i, batch, &j->n, NULL);
        j->resp = resp[i];
        resp[i] = NULL;
        memset(&j->tally, 0, sizeof j->tally);
    }
    rd->k = k;
out:
    for (i = 0; i < k; i++) {
        ot_http_response_free(resp[i]);
        resp[i] = NULL;
    }
    for (i = 0; i < built; i++)
        ot__courier_request_release(&reqs[i]);
    return rc;
}


/* --- streamed runs -------------------------------------------------------------------------
 * Over a port that reports each request as it completes (ot_http.send_stream), the requests
 * are not sent in rounds that wait for their slowest answer: `workers` requests are in
 * flight all the time, a finished one's place taken at once by the next request. The rounds
 * stay as the unit of paging and applying: a round is taken (its orders from the pending
 * page, the next page fetched meanwhile) when the previous one has been handed out, and
 * handed to the appliers, in order, when its last answer is final. */

struct streamed {
    struct run *r;
    struct feed *feed;
    struct pipe *pipe;
    struct round *rounds;       /* `nrounds` of them, used in turn */
    size_t nrounds;
    size_t cur;                 /* the slot the next round takes */
    size_t push_next;           /* the oldest round not yet handed to the appliers */
    struct round *sending;      /* the round whose requests are being given */
    struct job **resend;        /* answered 401 after a new login: to send again */
    size_t nresend, in_flight;
    unsigned workers;
    int fetching;               /* a page fetch runs (ot__poll_pipe_fetch) */
    int rc;                     /* the run must stop: the first such error */
    ot_error err;
};

/* Hand the final rounds to the appliers, oldest first. */
static void streamed_push(struct streamed *sp)
{
    for (;;) {
        struct round *rd = &sp->rounds[sp->push_next];
        if (!rd->busy || rd->handed < rd->k || rd->received < rd->k)
            return;
        rd->busy = 0;
        ot__poll_pipe_push(sp->pipe, rd);
        sp->push_next = (sp->push_next + 1) % sp->nrounds;
    }
}

static void streamed_stop(struct streamed *sp, int rc, const ot_error *e)
{
    if (!sp->rc) {
        sp->rc = rc;
        if (e)
            sp->err = *e;
    }
}

/* Take the next round into its slot: 1, or 0 when none can be taken now (*end: none will). */
static int streamed_take(struct streamed *sp, int *end)
{
    struct run *r = sp->r;
    struct feed *feed = sp->feed;
    const size_t batch = r->batch;
    ot_error e;
    int rc;

    for (;;) {
        struct round *rd = &sp->rounds[sp->cur];
        size_t i, k;
        if (rd->busy)               /* its previous use still has answers to come */
            return 0;
        if (rd->queued) {
            ot__poll_pipe_wait(sp->pipe, rd);
            round_finish(r->sum, rd);
        }
        if (sp->fetching) {
            ot__poll_pipe_fetched(sp->pipe);
            sp->fetching = 0;
        }
        r->sum->orders += feed->orders;
        feed->orders = 0;
        if (feed->rc) {
            streamed_stop(sp, feed->rc, &feed->err);
            *end = 1;
            return 0;
        }
        if (feed->pending.count == 0) {
            *end = 1;
            return 0;
        }
        if ((rc = ot__poll_round_take(rd, &feed->pending,
                                      feed->pending.count < feed->fill ? feed->pending.count
                                                                       : feed->fill,
                                      &e))) {
            streamed_stop(sp, rc, &e);
            *end = 1;
            return 0;
        }
        ot__poll_pipe_fetch(sp->pipe);
        sp->fetching = 1;
        sp->cur = (sp->cur + 1) % sp->nrounds;
        memset(&rd->pre, 0, sizeof rd->pre);
        k = (rd->orders.count + batch - 1) / batch;
        rd->handed = rd->received = 0;
        rd->busy = 1;
        if (ot__courier_ensure_token(r->courier, r->http, &r->sum->logins, &e)) {
            if (e.code == OT_ENOMEM) {
                streamed_stop(sp, OT_ENOMEM, &e);
                ot__poll_page_clear(&rd->orders);
                rd->busy = 0;
                *end = 1;
                return 0;
            }
            for (i = 0; i < k; i++) {
                size_t n;
                struct entry *group = group_at(rd, i, batch, &n, NULL);
                ot__poll_request_failed(r, &rd->pre, group, n, e.code, e.message);
            }
            rd->k = 0;
            streamed_push(sp);
            continue;
        }
        for (i = 0; i < k; i++) {
            struct job *j = &rd->jobs[i];
            j->group = group_at(rd, i, batch, &j->n, NULL);
            j->resp = NULL;
            j->round = rd;
            j->resent = 0;
            memset(&j->tally, 0, sizeof j->tally);
        }
        rd->k = k;
        sp->sending = rd;
        return 1;
    }
}

/* Build job `j`'s request and its empty answer. */
static int streamed_build(struct streamed *sp, struct job *j, ot_error *err)
{
    const char *awbs[64];
    size_t i;
    int rc;
    for (i = 0; i < j->n; i++)
        awbs[i] = j->group[i].awb;
    if ((rc = ot__courier_build(&j->req, sp->r->courier, awbs, j->n, err)))
        return rc;
    if (!j->resp && (rc = ot_http_response_new(&j->resp, err))) {
        ot__courier_request_release(&j->req);
        return rc;
    }
    sp->r->sum->requests++;
    sp->in_flight++;
    return 0;
}

static int streamed_next(void *ctx, const ot_http_request **request,
                         ot_http_response **response, long long *wait_ms)
{
    struct streamed *sp = ctx;
    struct job *j;
    ot_error e;
    int end = 0, rc;

    *wait_ms = -1;
    if (sp->rc)
        return sp->in_flight ? OT_HTTP_NEXT_WAIT : OT_HTTP_NEXT_END;
    if (sp->nresend) {
        j = sp->resend[--sp->nresend];
    } else {
        if (sp->in_flight >= sp->workers)
            return OT_HTTP_NEXT_WAIT;
        if ((!sp->sending || sp->sending->handed == sp->sending->k) &&
            (sp->sending = NULL, !streamed_take(sp, &end)))
            return end && !sp->in_flight ? OT_HTTP_NEXT_END : OT_HTTP_NEXT_WAIT;
        j = &sp->sending->jobs[sp->sending->handed++];
    }
    if ((rc = streamed_build(sp, j, &e))) {
        /* an answer that will never come: the round is not applied, the run stops */
        streamed_stop(sp, rc, &e);
        return sp->in_flight ? OT_HTTP_NEXT_WAIT : OT_HTTP_NEXT_END;
    }
    *request = &j->req.req;
    *response = j->resp;
    return OT_HTTP_NEXT_SEND;
}

static void streamed_done(void *ctx, const ot_http_request *request, ot_http_response *response)
{
    struct streamed *sp = ctx;
    struct job *j = (struct job *)(void *)((char *)(uintptr_t)request -
                                           offsetof(struct job, req.req));
    struct round *rd = j->round;
    ot_error e;

    (void)response;
    sp->in_flight--;
    /* a 401: the token was revoked or expired early; log in once and send it again */
    if (ot_http_response_status(j->resp) == 401 && !j->resent && !sp->rc &&
        ot__courier_has_login(sp->r->courier)) {
        if (ot__courier_unauthorized(sp->r->courier, sp->r->http, j->req.auth,
                                     &sp->r->sum->logins, &e) == 0) {
            ot__courier_request_release(&j->req);
            ot_http_response_reset(j->resp);
            j->resent = 1;
            sp->resend[sp->nresend++] = j;
            return;
        }
        ot__poll_note_failure(&rd->pre, &e);
    }
    ot__courier_request_release(&j->req);
    rd->received++;
    streamed_push(sp);
}

/* The run over a streaming port: 0, or the error that stopped it. *oldest: the slot of the
 * older round still to merge. */
static int run_streamed(struct run *r, struct feed *feed, struct pipe *pipe,
                        struct round *rounds, size_t nrounds, unsigned workers, size_t *oldest,
                        ot_error *err)
{
    ot_http_stream stream = OT_HTTP_STREAM_INIT;
    struct streamed sp;
    ot_error e;
    size_t i, g;
    int rc;

    memset(&sp, 0, sizeof sp);
    sp.r = r;
    sp.feed = feed;
    sp.pipe = pipe;
    sp.rounds = rounds;
    sp.nrounds = nrounds;
    sp.workers = workers;
    sp.resend = ot__calloc(workers * nrounds, sizeof *sp.resend);
    if (!sp.resend)
        return ot__error_set(err, OT_ENOMEM, "out of memory polling %s", r->name);
    stream.ctx = &sp;
    stream.next = streamed_next;
    stream.done = streamed_done;
    rc = ot__http_client_send_stream(r->http, &stream, &e);
    if (rc)
        streamed_stop(&sp, rc, &e);
    if (sp.fetching)
        ot__poll_pipe_fetched(pipe);
    r->sum->orders += feed->orders;
    feed->orders = 0;
    /* rounds cut short by a stop: never applied */
    for (i = 0; i < nrounds; i++) {
        struct round *rd = &rounds[i];
        if (!rd->busy)
            continue;
        for (g = 0; g < rd->k; g++) {
            ot__courier_request_release(&rd->jobs[g].req);
            ot_http_response_free(rd->jobs[g].resp);
            rd->jobs[g].resp = NULL;
        }
        rd->k = 0;
        rd->busy = 0;
        ot__poll_page_clear(&rd->orders);
    }
    ot__free(sp.resend);
    *oldest = sp.cur;
    if (sp.rc && err)
        *err = sp.err;
    return sp.rc;
}

int ot_poll_run(ot_poll_summary *sum, ot_tracker *tracker, ot_http_client *http,
                const ot_poll_config *cfg, ot_error *err)
{
    struct run r;
    struct feed feed;
    struct round rounds[MAX_ROUNDS];
    struct pipe pipe;
    struct ot__courier_request *reqs = NULL;
    ot_http_response **resp = NULL;
    size_t batch, i, cur = 0, nrounds;
    int64_t now;
    unsigned version, workers;
    int rc = 0, first_round = 1, streamed, oom;

    if ((rc = ot__poll_check_args(sum, tracker, http, cfg, err)))
        return rc;
    version = sum->version;
    ot_poll_summary_init(sum, version, NULL);
    r.sum = sum;
    r.tracker = tracker;
    r.http = http;
    r.cfg = cfg;
    r.courier = cfg->courier;
    r.name = ot__courier_name(cfg->courier);
    batch = cfg->batch_size ? cfg->batch_size : ot__courier_batch(cfg->courier);
    r.batch = batch;
    workers = cfg->workers ? cfg->workers : 1;

    memset(&feed, 0, sizeof feed);
    feed.tracker = tracker;
    feed.provider = ot_courier_client_provider(cfg->courier, NULL);
    feed.page_size = batch * (OT_STORAGE_QUERY_MAX / batch);
    /* A storage page holds at most OT_STORAGE_QUERY_MAX orders (20 batches of 50), fewer than
     * `workers` batches: pages are collected until one full round (`workers` batches) is
     * pending, whole rounds are sent and the remainder waits for the next pages, so every
     * round but the last keeps all the workers busy. The pages of the next round are
     * fetched while the current one is on the wire. */
    feed.fill = batch * workers;
    feed.remaining = cfg->max_orders ? cfg->max_orders : SIZE_MAX;
    now = ot__tracker_now(tracker);     /* one instant for both judgements of the run */
    feed.pending.latest = ot__tracker_latest(tracker, now);
    if (cfg->version >= 3 && cfg->stale_after_ms > 0) {
        feed.pending.quiet_only = 1;
        feed.pending.stale_before = now - cfg->stale_after_ms;
    }
    feed.more = 1;

    /* a port that reports each request as it completes: no rounds on the wire (a pause
     * between rounds, delay_ms, keeps them) */
    streamed = ot__http_client_can_stream(http) && cfg->delay_ms <= 0;
    nrounds = streamed ? MAX_ROUNDS : ROUNDS;
    memset(rounds, 0, sizeof rounds);
    reqs = ot__calloc(workers, sizeof *reqs);
    resp = ot__calloc(workers, sizeof *resp);
    for (i = 0, oom = !reqs || !resp; i < nrounds; i++)
        if (!(rounds[i].jobs = ot__calloc(workers, sizeof *rounds[i].jobs)))
            oom = 1;
    if (oom) {
        for (i = 0; i < nrounds; i++)
            ot__free(rounds[i].jobs);
        ot__free(reqs);
        ot__free(resp);
        return ot__error_set(err, OT_ENOMEM, "out of memory polling %s", r.name);
    }
    ot__poll_pipe_init(&pipe, &r, &feed, workers, cfg->version >= 2 && cfg->apply_on_caller);

    ot__poll_feed_run(&feed);   /* the first round's pages, before there is anything to do */
    if (streamed)
        rc = run_streamed(&r, &feed, &pipe, rounds, nrounds, workers, &cur, err);
    while (!streamed) {
        struct round *rd;
        sum->orders += feed.orders;
        feed.orders = 0;
        if (feed.rc) {
            rc = feed.rc;
            if (err)
                *err = feed.err;
            break;
        }
        if (feed.pending.count == 0)
            break;
        /* a whole round while more pages may come; what is left at the end */
        rd = &rounds[cur];
        if (rd->queued) {           /* its previous use, two rounds ago */
            ot__poll_pipe_wait(&pipe, rd);
            round_finish(sum, rd);
        }
        if ((rc = ot__poll_round_take(rd, &feed.pending,
                             feed.pending.count < feed.fill ? feed.pending.count : feed.fill,
                             err)))
            break;
        ot__poll_pipe_fetch(&pipe); /* the next round's pages, while this one is sent */
        if (!first_round && cfg->delay_ms > 0 && cfg->sleep_ms)
            cfg->sleep_ms(cfg->delay_ms, cfg->userdata);
        else if (!first_round && cfg->delay_ms > 0)
            ot_clock_sleep_ms(ot__tracker_clock(tracker), cfg->delay_ms);
        first_round = 0;
        rc = round_send(&r, rd, reqs, resp, err);
        if (rc == 0)
            ot__poll_pipe_push(&pipe, rd);
        else
            ot__poll_page_clear(&rd->orders);
        ot__poll_pipe_fetched(&pipe);
        if (rc) {
            sum->orders += feed.orders;
            break;
        }
        cur = (cur + 1) % ROUNDS;
    }
    /* the rounds still being applied, oldest first: `cur` is the older one */
    for (i = 0; i < nrounds; i++) {
        struct round *rd = &rounds[(cur + i) % nrounds];
        if (rd->queued) {
            ot__poll_pipe_wait(&pipe, rd);
            round_finish(sum, rd);
        }
    }
    ot__poll_pipe_free(&pipe);
    for (i = 0; i < nrounds; i++) {
        ot__poll_page_clear(&rounds[i].orders);
        ot__free(rounds[i].orders.entries);
        ot__free(rounds[i].jobs);
    }
    ot__free(reqs);
    ot__free(resp);
    ot__poll_page_clear(&feed.pending);
    ot__free(feed.pending.entries);
    return rc;
}
