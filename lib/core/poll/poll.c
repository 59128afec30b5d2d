/* The poll cycle: orders from storage, batched tracking requests, updates applied once,
 * the applying overlapped with the next requests (see "The pipeline" below). */
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "poll/poll_internal.h"
#include "order/order_internal.h"
#include "tracker/tracker_internal.h"

#define MAX_WORKERS 1024u
#define STALE_MAX_MS (365LL * 86400000)

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

/* Bytes of an ot_poll_config of `version` (an older caller's struct ends earlier). */
static size_t config_size(unsigned version)
{
    return version >= 3   ? sizeof(ot_poll_config)
           : version == 2 ? offsetof(ot_poll_config, stale_after_ms)
                          : offsetof(ot_poll_config, apply_on_caller);
}

int ot_poll_config_init(ot_poll_config *config, unsigned version, ot_error *err)
{
    static const ot_poll_config tpl = OT_POLL_CONFIG_INIT;
    return ot__struct_init(config, version, &tpl, config_size(version), "config", "poll config",
                           err);
}

int ot_poll_summary_init(ot_poll_summary *summary, unsigned version, ot_error *err)
{
    static const ot_poll_summary tpl = OT_POLL_SUMMARY_INIT;
    return ot__struct_init(summary, version, &tpl, sizeof tpl, "summary", "poll summary", err);
}

/* 1 if the order already holds an unmapped_status issue for `raw`. */
static int has_unmapped_issue(const ot_order *o, const char *raw)
{
    size_t i, n = ot_order_issue_count(o);
    for (i = 0; i < n; i++) {
        ot_issue_view v = OT_ISSUE_VIEW_INIT;
        if (ot_order_issue_at(&v, o, i, NULL) == 0 && v.issue_type && v.description &&
            strcmp(v.issue_type, "unmapped_status") == 0 && strcmp(v.description, raw) == 0)
            return 1;
    }
    return 0;
}

static void page_clear(struct page *p)
{
    size_t i;
    for (i = 0; i < p->count; i++) {
        ot_order_free(p->entries[i].order);
        ot__free(p->entries[i].awb);
    }
    p->count = 0;
}

static int collect(void *ctx, ot_order *order, ot_error *err)
{
    struct page *p = ctx;
    struct entry *e;
    const char *awb = ot_order_tracking_id(order), *id = ot_order_order_id(order);
    size_t awb_len, id_len;
    int64_t last;
    if (!awb || !*awb || !id) {        /* nothing to ask the courier about */
        ot_order_free(order);
        return 0;
    }
    last = ot__order_last_event_time(order, OT__EV_COURIER_UPDATE, p->latest);
    if (p->quiet_only) {               /* the fallback tracker: orders gone quiet only */
        int64_t since = last;
        if (!since && ot_order_time(&since, order, OT_TIME_CREATED, NULL) != 0)
            since = 0;
        if (since > p->stale_before) {
            ot_order_free(order);
            return 0;
        }
    }
    if (p->count == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 64;
        struct entry *grown = ot__realloc(p->entries, cap * sizeof *grown);
        if (!grown) {
            ot_order_free(order);
            return ot__error_set(err, OT_ENOMEM, "out of memory collecting orders to poll");
        }
        p->entries = grown;
        p->cap = cap;
    }
    e = &p->entries[p->count];
    memset(e, 0, sizeof *e);
    awb_len = strlen(awb);
    id_len = strlen(id);
    e->awb = ot__malloc(awb_len + id_len + 2);
    if (!e->awb) {
        ot_order_free(order);
        return ot__error_set(err, OT_ENOMEM, "out of memory collecting orders to poll");
    }
    memcpy(e->awb, awb, awb_len + 1);
    memcpy(e->awb + awb_len + 1, id, id_len + 1);
    e->order_id = e->awb + awb_len + 1;
    e->last_time = last;
    ot_order_free(order);
    p->count++;
    return 0;
}

/* Record the first failure in `t` (a round's or a job's tally, merged in order later). */
static void note_failure(ot_poll_summary *t, const ot_error *e)
{
    if (t->first_failure.code == 0 && e && e->code)
        t->first_failure = *e;
}

/* Keep `fresh` (the order after a write) if the entry holds its order, else free it. */
static void replace_order(struct entry *e, ot_order *fresh)
{
    if (fresh && e->order) {
        ot_order_free(e->order);
        e->order = fresh;
    } else {
        ot_order_free(fresh);
    }
}

/* An update the tracker refused: counted, and the first kept with the courier and AWB. */
static void update_refused(const struct run *r, ot_poll_summary *t, const struct entry *e,
                           const ot_error *cause)
{
    ot_error err = *cause;
    t->errors++;
    if (err.field[0] == '\0')
        ot__strlcpy(err.field, "tracking_id", sizeof err.field);
    snprintf(err.message, sizeof err.message, "%s AWB %.40s: %.180s", r->name, e->awb,
             cause->message);
    note_failure(t, &err);
}

static void apply_unmapped(const struct run *r, ot_poll_summary *t, struct entry *e,
                           const ot_update *u)
{
    ot_request req = OT_REQUEST_INIT;
    ot_order *fresh = NULL;
    ot_error err;
    const char *raw = u->raw_status ? u->raw_status : "(no status)";

    t->unknown++;
    if (!e->order && ot_tracker_get(&e->order, r->tracker, e->order_id, &err) != 0) {
        update_refused(r, t, e, &err);
        return;
    }
    if (has_unmapped_issue(e->order, raw))
        return;
    req.order_id = e->order_id;
    req.updated_by = r->name;
    req.issue_type = "unmapped_status";
    req.description = raw;
    req.severity = OT_SEVERITY_MEDIUM;
    req.notes = u->raw_type;
    if (ot_tracker_raise_issue(&fresh, r->tracker, &req, &err) == 0) {
        t->issues++;
        replace_order(e, fresh);
        return;
    }
    update_refused(r, t, e, &err);
}

static void apply_one(const struct run *r, ot_poll_summary *t, struct entry *e,
                      const ot_update *u)
{
    ot_update copy = *u;
    ot_order *fresh = NULL;
    ot_error err;
    int rc;

    if (u->flags & OT_UPDATE_UNMAPPED) {
        apply_unmapped(r, t, e, u);
        return;
    }
    /* a flow kept apart (reverse pickup, customer return), a scan without status news, or
     * one not newer than what the order already holds: nothing to apply */
    if (!u->shipment_status || (u->flags & OT_UPDATE_LOCATION_ONLY) ||
        (u->event_time_ms && u->event_time_ms <= e->last_time)) {
        t->unchanged++;
        return;
    }
    copy.order_id = e->order_id;
    rc = ot_tracker_apply_update(&fresh, r->tracker, &copy, NULL, &err);
    if (rc == 0) {
        t->changed++;
        if (u->event_time_ms > e->last_time)
            e->last_time = u->event_time_ms;
    } else if (rc == OT_ESTALE) {
        t->unchanged++;
    } else {
        update_refused(r, t, e, &err);
    }
    replace_order(e, fresh);
}

static void request_failed(const struct run *r, ot_poll_summary *t, const struct entry *group,
                           size_t n, int code, const char *what)
{
    ot_error err;
    t->failed_requests++;
    ot__error_field(&err, code, "tracking_id", "%s request for AWB %.40s%s failed: %.150s",
                    r->name, group[0].awb, n > 1 ? " and others" : "", what);
    note_failure(t, &err);
}

/* Parse one answer for `group` and apply what it says, counting into `t`. Runs on an
 * applier thread (or the caller's): touches only `group`, `t` and thread-safe objects. */
static void handle_answer(const struct run *r, ot_poll_summary *t, struct entry *group,
                          size_t n, const ot_http_response *resp)
{
    ot_update_list *list = NULL;
    ot_error err;
    char what[200];
    size_t i, k, len;
    const char *body;
    int status = ot_http_response_status(resp);

    if (status < 200 || status > 299) {
        if (status == 0)
            snprintf(what, sizeof what, "%.150s", ot_http_response_error_message(resp));
        else
            snprintf(what, sizeof what, "HTTP %d", status);
        request_failed(r, t, group, n,
                       status == 0 ? ot_http_response_error_code(resp)
                       : status == 401 || status == 403 ? OT_EAUTH : OT_EHTTP, what);
        return;
    }
    body = ot_http_response_body(resp, &len);
    if (ot_courier_parse(&list, r->cfg->tables, ot__courier_payload(r->courier), body, len,
                         &err)) {
        snprintf(what, sizeof what, "unreadable answer: %.100s%s%.40s", err.message,
                 err.field[0] ? " at " : "", err.field);
        request_failed(r, t, group, n, err.code, what);
        return;
    }
    for (k = 0; k < ot_update_list_count(list); k++) {
        const ot_update *u = ot_update_list_get(list, k);
        for (i = 0; i < n; i++)
            if (u->tracking_id && strcmp(group[i].awb, u->tracking_id) == 0)
                break;
        if (i == n) {
            t->errors++;
            ot__error_field(&err, OT_ENOTFOUND, "tracking_id",
                            "%s answered about AWB %.40s, which was not asked for", r->name,
                            u->tracking_id ? u->tracking_id : "(none)");
            note_failure(t, &err);
            continue;
        }
        group[i].seen = 1;
        apply_one(r, t, &group[i], u);
    }
    for (i = 0; i < n; i++)
        if (!group[i].seen)
            t->missing++;
    ot_update_list_free(list);
}

static void default_sleep(int64_t ms, void *userdata)
{
    struct timespec ts;
    (void)userdata;
    ts.tv_sec = (time_t)(ms / 1000);
    ts.tv_nsec = (long)(ms % 1000) * 1000000L;
    while (nanosleep(&ts, &ts) != 0)
        ;
}

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
#define MAX_APPLIERS 8u
#define ROUNDS 2u

/* One request of a round: its orders, its answer and what applying the answer did. */
struct job {
    struct entry *group;
    size_t n;
    ot_http_response *resp;     /* owned until applied */
    ot_poll_summary tally;
};

/* Up to `workers` requests sent in one ot_http_client_send call. The round owns its orders
 * from when they are taken from the pending page until it is merged. */
struct round {
    struct page orders;
    struct job *jobs;           /* `workers` of them */
    size_t k;                   /* jobs to apply (0 when the round failed before sending) */
    size_t next, done;          /* jobs taken, jobs applied: under the pipe's lock */
    int queued;                 /* handed to the appliers and not merged yet */
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

/* Query pages until a round (`fill` orders) is pending or the orders ran out. */
static void feed_run(struct feed *f)
{
    char next[OT_STORAGE_CURSOR_SIZE];
    f->orders = 0;
    while (f->rc == 0 && f->more && f->pending.count < f->fill) {
        ot_storage_query q = OT_STORAGE_QUERY_INIT;
        size_t before = f->pending.count;
        q.delivery_provider = f->provider;
        q.shipment_active = 1;
        q.limit = f->remaining < f->page_size ? f->remaining : f->page_size;
        q.cursor = f->cursor;
        next[0] = '\0';
        f->rc = ot__tracker_query(f->tracker, &q, collect, &f->pending, next, sizeof next,
                                  &f->err);
        if (f->rc == 0) {          /* max_orders counts the orders polled */
            f->orders += f->pending.count - before;
            f->remaining -= f->pending.count - before;
        }
        memcpy(f->cursor, next, sizeof f->cursor);
        f->more = f->rc == 0 && f->cursor[0] && f->remaining > 0;
    }
}

struct pipe {
    const struct run *r;
    struct feed *feed;
    int feed_queued, feed_running; /* under the lock */
    int sync;                   /* lock and conditions initialised: threads may run */
    pthread_mutex_t lock;
    pthread_cond_t work;        /* a round was queued, or stop */
    pthread_cond_t done;        /* a round's last job was applied */
    struct round *queue[ROUNDS]; /* queued rounds, oldest first */
    size_t queued;
    int stop, started;
    pthread_t threads[MAX_APPLIERS];
    size_t nthreads, want;
};

static void run_job(const struct run *r, struct job *j)
{
    handle_answer(r, &j->tally, j->group, j->n, j->resp);
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
    feed_run(p->feed);
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

static void pipe_init(struct pipe *p, const struct run *r, struct feed *feed,
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

static void pipe_push(struct pipe *p, struct round *rd)
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
static void pipe_fetch(struct pipe *p)
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
static void pipe_fetched(struct pipe *p)
{
    if (!p->sync || p->nthreads == 0) {
        if (p->feed_queued) {
            p->feed_queued = 0;
            feed_run(p->feed);
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
static void pipe_wait(struct pipe *p, struct round *rd)
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

static void pipe_free(struct pipe *p)
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

/* Add the counts of `t` to `sum`; its first failure if `sum` has none yet. */
static void merge(ot_poll_summary *sum, const ot_poll_summary *t)
{
    sum->failed_requests += t->failed_requests;
    sum->changed += t->changed;
    sum->unchanged += t->unchanged;
    sum->unknown += t->unknown;
    sum->issues += t->issues;
    sum->errors += t->errors;
    sum->missing += t->missing;
    note_failure(sum, &t->first_failure);
}

/* Merge an applied round into the summary, in request order, and free its orders. */
static void round_finish(ot_poll_summary *sum, struct round *rd)
{
    size_t i;
    merge(sum, &rd->pre);
    for (i = 0; i < rd->k; i++) {
        merge(sum, &rd->jobs[i].tally);
        ot_http_response_free(rd->jobs[i].resp);    /* NULL once applied */
        rd->jobs[i].resp = NULL;
    }
    rd->k = 0;
    page_clear(&rd->orders);
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
            request_failed(r, &rd->pre, group, n, e.code, e.message);
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
        note_failure(&rd->pre, &e);
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

/* Move the first `n` pending orders into round `rd` (empty). */
static int round_take(struct round *rd, struct page *pending, size_t n, ot_error *err)
{
    struct page *o = &rd->orders;
    if (o->cap < n) {
        struct entry *grown = ot__realloc(o->entries, n * sizeof *grown);
        if (!grown)
            return ot__error_set(err, OT_ENOMEM, "out of memory queueing orders to poll");
        o->entries = grown;
        o->cap = n;
    }
    memcpy(o->entries, pending->entries, n * sizeof *o->entries);
    o->count = n;
    if (pending->count > n)
        memmove(pending->entries, pending->entries + n,
                (pending->count - n) * sizeof *pending->entries);
    pending->count -= n;
    return 0;
}

static int check_args(ot_poll_summary *sum, ot_tracker *tracker, ot_http_client *http,
                      const ot_poll_config *cfg, ot_error *err)
{
    int rc;
    if (!sum)
        return ot__error_field(err, OT_EINVAL, "summary", "summary is NULL");
    if ((rc = ot__check_version(sum->version, OT_POLL_SUMMARY_VERSION, "poll summary", err)))
        return rc;
    if (!tracker)
        return ot__error_field(err, OT_EINVAL, "tracker", "tracker is NULL");
    if (!http)
        return ot__error_field(err, OT_EINVAL, "http", "http is NULL");
    if (!cfg)
        return ot__error_field(err, OT_EINVAL, "config", "config is NULL");
    if ((rc = ot__check_version(cfg->version, OT_POLL_CONFIG_VERSION, "poll config", err)))
        return rc;
    if (!cfg->courier)
        return ot__error_field(err, OT_EINVAL, "courier", "config.courier is NULL");
    if (cfg->batch_size > ot__courier_max_batch(cfg->courier))
        return ot__error_field(err, OT_EINVAL, "batch_size",
                               "%s takes at most %zu AWBs per request, not %zu",
                               ot__courier_name(cfg->courier),
                               ot__courier_max_batch(cfg->courier), cfg->batch_size);
    if (cfg->workers > MAX_WORKERS)
        return ot__error_field(err, OT_EINVAL, "workers", "workers must be 0..%u, not %u",
                               MAX_WORKERS, cfg->workers);
    if (cfg->delay_ms < 0 || cfg->delay_ms > 86400000)
        return ot__error_field(err, OT_EINVAL, "delay_ms", "delay_ms must be 0..86400000");
    if (cfg->version >= 3 && (cfg->stale_after_ms < 0 || cfg->stale_after_ms > STALE_MAX_MS))
        return ot__error_field(err, OT_EINVAL, "stale_after_ms",
                               "stale_after_ms must be 0..%lld (365 days)",
                               (long long)STALE_MAX_MS);
    return 0;
}

int ot_poll_run(ot_poll_summary *sum, ot_tracker *tracker, ot_http_client *http,
                const ot_poll_config *cfg, ot_error *err)
{
    struct run r;
    struct feed feed;
    struct round rounds[ROUNDS];
    struct pipe pipe;
    struct ot__courier_request *reqs = NULL;
    ot_http_response **resp = NULL;
    size_t batch, i, cur = 0;
    int64_t now;
    unsigned version, workers;
    int rc = 0, first_round = 1;

    if ((rc = check_args(sum, tracker, http, cfg, err)))
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

    memset(rounds, 0, sizeof rounds);
    reqs = ot__calloc(workers, sizeof *reqs);
    resp = ot__calloc(workers, sizeof *resp);
    for (i = 0; i < ROUNDS; i++)
        rounds[i].jobs = ot__calloc(workers, sizeof *rounds[i].jobs);
    if (!reqs || !resp || !rounds[0].jobs || !rounds[1].jobs) {
        for (i = 0; i < ROUNDS; i++)
            ot__free(rounds[i].jobs);
        ot__free(reqs);
        ot__free(resp);
        return ot__error_set(err, OT_ENOMEM, "out of memory polling %s", r.name);
    }
    pipe_init(&pipe, &r, &feed, workers, cfg->version >= 2 && cfg->apply_on_caller);

    feed_run(&feed);            /* the first round's pages, before there is anything to do */
    for (;;) {
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
            pipe_wait(&pipe, rd);
            round_finish(sum, rd);
        }
        if ((rc = round_take(rd, &feed.pending,
                             feed.pending.count < feed.fill ? feed.pending.count : feed.fill,
                             err)))
            break;
        pipe_fetch(&pipe);          /* the next round's pages, while this one is sent */
        if (!first_round && cfg->delay_ms > 0)
            (cfg->sleep_ms ? cfg->sleep_ms : default_sleep)(cfg->delay_ms, cfg->userdata);
        first_round = 0;
        rc = round_send(&r, rd, reqs, resp, err);
        if (rc == 0)
            pipe_push(&pipe, rd);
        else
            page_clear(&rd->orders);
        pipe_fetched(&pipe);
        if (rc) {
            sum->orders += feed.orders;
            break;
        }
        cur = (cur + 1) % ROUNDS;
    }
    /* the rounds still being applied, oldest first: `cur` is the older one */
    for (i = 0; i < ROUNDS; i++) {
        struct round *rd = &rounds[(cur + i) % ROUNDS];
        if (rd->queued) {
            pipe_wait(&pipe, rd);
            round_finish(sum, rd);
        }
    }
    pipe_free(&pipe);
    for (i = 0; i < ROUNDS; i++) {
        page_clear(&rounds[i].orders);
        ot__free(rounds[i].orders.entries);
        ot__free(rounds[i].jobs);
    }
    ot__free(reqs);
    ot__free(resp);
    page_clear(&feed.pending);
    ot__free(feed.pending.entries);
    return rc;
}
