/* The relay: reads each sink's pending events from the outbox and delivers them, at least
 * once and in order per order, with backoff and dead letters (docs/events.md). */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ordertrack/sys/clock.h"
#include "ordertrack/sys/notice.h"
#include "common.h"
#include "base/clock_internal.h"
#include "sys/sys_internal.h"
#include "outbox/outbox_internal.h"

/* Pages one scan reads at most while filling a batch, and batches per sink per round. */
#define SCAN_PAGES 10
#define ROUND_BATCHES 10
/* How often a relay scans a sink from the start, not from its watermark: a replayed dead
 * letter below the watermark is found within this time. */
#define RESCAN_MS 30000
/* How often the rounds prune (with retention_ms). */
#define PRUNE_MS 60000
/* An emit return that ends a scan with a full batch (not an error). */
#define SCAN_FULL 1

/* An event of a batch, owning copies of what the sink reads. */
struct held {
    ot_event ev;
    char *event_id, *order_id, *store_id, *json;
};

struct sink_slot {
    ot_sink *sink;
    int64_t low;            /* every event at or below it is delivered or dead here */
    int64_t rescan_at;      /* when to scan from 0 again */
};

struct ot_relay {
    const ot_storage *storage;
    ot_relay_options o;
    struct sink_slot slots[OT_RELAY_SINKS_MAX];
    ot_clock clock;
    ot_notice_sink notices;
    int64_t prune_at;
    struct held *batch;     /* batch_size */
    const ot_event **ptrs;  /* batch_size */
    ot_error *outcomes;     /* batch_size */
    uint64_t *seen;         /* seen_cap order hashes, 0 = empty */
    size_t seen_cap;
    pthread_mutex_t lock;   /* guards stop, with wake */
    pthread_cond_t wake;
    int stop;
};

static int64_t now_ms(const ot_relay *r)
{
    return ot_clock_now_ms(&r->clock);
}

static int check_options(const ot_relay_options *o, ot_error *err)
{
    size_t i, j;
    int rc = ot__check_struct(o, o ? o->version : 0, OT_RELAY_OPTIONS_VERSION, "options", err);
    if (rc || (rc = ot__outbox_require(o->storage, err)))
        return rc;
    if (!o->sinks || o->sink_count < 1 || o->sink_count > OT_RELAY_SINKS_MAX)
        return ot__error_field(err, OT_EINVAL, "sinks", "a relay needs 1..%d sinks (got %zu)",
                               OT_RELAY_SINKS_MAX, o->sinks ? o->sink_count : 0);
    for (i = 0; i < o->sink_count; i++) {
        if ((rc = ot_sink_check(o->sinks[i], err)))
            return rc;
        for (j = 0; j < i; j++)
            if (strcmp(o->sinks[i]->name, o->sinks[j]->name) == 0)
                return ot__error_field(err, OT_EINVAL, "sinks", "two sinks are named %s",
                                       o->sinks[i]->name);
    }
    if ((rc = ot__clock_check(o->clock, err)) || (rc = ot__notice_sink_check(o->notices, err)))
        return rc;
    if (o->max_attempts < 1 || o->max_attempts > 1000)
        return ot__error_field(err, OT_EINVAL, "max_attempts", "max_attempts %u is not in 1..1000",
                               o->max_attempts);
    if (o->backoff_base_ms < 1 || o->backoff_base_ms > 3600000)
        return ot__error_field(err, OT_EINVAL, "backoff_base_ms",
                               "backoff_base_ms %lld is not in 1..3600000",
                               (long long)o->backoff_base_ms);
    if (o->backoff_max_ms < o->backoff_base_ms || o->backoff_max_ms > 86400000)
        return ot__error_field(err, OT_EINVAL, "backoff_max_ms",
                               "backoff_max_ms %lld is not in backoff_base_ms..86400000",
                               (long long)o->backoff_max_ms);
    if (o->batch_size < 1 || o->batch_size > OT_OUTBOX_QUERY_MAX)
        return ot__error_field(err, OT_EINVAL, "batch_size", "batch_size %zu is not in 1..%d",
                               o->batch_size, OT_OUTBOX_QUERY_MAX);
    if (o->poll_interval_ms < 1 || o->poll_interval_ms > 60000)
        return ot__error_field(err, OT_EINVAL, "poll_interval_ms",
                               "poll_interval_ms %lld is not in 1..60000",
                               (long long)o->poll_interval_ms);
    if (o->retention_ms < 0)
        return ot__error_field(err, OT_EINVAL, "retention_ms", "retention_ms %lld is negative",
                               (long long)o->retention_ms);
    return 0;
}

int ot_relay_new(ot_relay **out, const ot_relay_options *options, ot_error *err)
{
    pthread_condattr_t attr;
    ot_relay *r;
    size_t i;
    int rc;

    if (!out)
        return ot__error_field(err, OT_EINVAL, "relay", "output pointer is NULL");
    *out = NULL;
    if ((rc = check_options(options, err)))
        return rc;
    r = ot__calloc(1, sizeof *r);
    if (!r)
        return ot__error_set(err, OT_ENOMEM, "out of memory creating a relay");
    if (pthread_mutex_init(&r->lock, NULL) != 0) {
        ot__free(r);
        return ot__error_set(err, OT_ENOMEM, "cannot create a mutex");
    }
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    rc = pthread_cond_init(&r->wake, &attr);
    pthread_condattr_destroy(&attr);
    if (rc != 0) {
        pthread_mutex_destroy(&r->lock);
        ot__free(r);
        return ot__error_set(err, OT_ENOMEM, "cannot create a condition variable");
    }
    r->storage = options->storage;
    r->o = *options;
    r->o.sinks = NULL;
    for (i = 0; i < options->sink_count; i++)
        r->slots[i].sink = options->sinks[i];
    if (options->clock)
        r->clock = *options->clock;
    if (options->notices)
        r->notices = *options->notices;
    for (r->seen_cap = 64; r->seen_cap < 2 * SCAN_PAGES * options->batch_size;)
        r->seen_cap *= 2;
    r->batch = ot__calloc(options->batch_size, sizeof *r->batch);
    r->ptrs = ot__calloc(options->batch_size, sizeof *r->ptrs);
    r->outcomes = ot__calloc(options->batch_size, sizeof *r->outcomes);
    r->seen = ot__calloc(r->seen_cap, sizeof *r->seen);
    if (!r->batch || !r->ptrs || !r->outcomes || !r->seen) {
        ot_relay_free(r);
        return ot__error_set(err, OT_ENOMEM, "out of memory creating a relay");
    }
    *out = r;
    return 0;
}

void ot_relay_free(ot_relay *r)
{
    if (!r)
        return;
    pthread_cond_destroy(&r->wake);
    pthread_mutex_destroy(&r->lock);
    ot__free(r->batch);
    ot__free(r->ptrs);
    ot__free(r->outcomes);
    ot__free(r->seen);
    ot__free(r);
}

static void held_clear(struct held *h)
{
    ot__free(h->event_id);
    ot__free(h->order_id);
    ot__free(h->store_id);
    ot__free(h->json);
    memset(h, 0, sizeof *h);
}

static uint64_t hash_order(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h ? h : 1;
}

/* Add the order's hash to the scan's set; 1 if it was there. A collision only holds an
 * order back for one scan. */
static int seen_add(ot_relay *r, const char *order_id)
{
    uint64_t h = hash_order(order_id);
    size_t i = (size_t)h & (r->seen_cap - 1);
    while (r->seen[i]) {
        if (r->seen[i] == h)
            return 1;
        i = (i + 1) & (r->seen_cap - 1);
    }
    r->seen[i] = h;
    return 0;
}

/* One scan of a sink's pending events from its watermark, filling the batch. */
struct scan {
    ot_relay *r;
    struct sink_slot *slot;
    int64_t now, after;
    size_t n, emitted, seen_count;
    int first;
    ot_relay_stats *stats;
};

static int scan_event(void *ctx, const ot_event *ev, ot_error *err)
{
    struct scan *s = ctx;
    ot_relay *r = s->r;
    struct held *h;

    s->after = ev->position;
    s->emitted++;
    if (s->first) {
        /* nothing below the first pending event is pending here */
        s->slot->low = ev->position - 1;
        s->first = 0;
    }
    if (s->seen_count * 2 >= r->seen_cap) /* full enough: leave the rest for later */
        return SCAN_FULL;
    s->seen_count++;
    if (seen_add(r, ev->order_id) || ev->next_attempt_ms > s->now) {
        s->stats->held_back++;
        return 0;
    }
    h = &r->batch[s->n];
    h->ev = *ev;
    h->event_id = ot__strdup(ev->event_id);
    h->order_id = ot__strdup(ev->order_id);
    h->store_id = ot__strdup(ev->store_id);
    h->json = ot__strndup(ev->json, ev->json_len);
    if (!h->event_id || !h->order_id || !h->store_id || !h->json) {
        held_clear(h);
        return ot__error_set(err, OT_ENOMEM, "out of memory holding an event");
    }
    h->ev.event_id = h->event_id;
    h->ev.order_id = h->order_id;
    h->ev.store_id = h->store_id;
    h->ev.json = h->json;
    h->ev.last_error = NULL;
    s->n++;
    return s->n == r->o.batch_size ? SCAN_FULL : 0;
}

static int64_t backoff(const ot_relay *r, unsigned attempts)
{
    int64_t wait = r->o.backoff_base_ms;
    unsigned i;
    for (i = 1; i < attempts && wait < r->o.backoff_max_ms; i++)
        wait *= 2;
    return wait < r->o.backoff_max_ms ? wait : r->o.backoff_max_ms;
}

static void notify_dead(const ot_relay *r, const char *sink, const ot_event *ev, int64_t now)
{
    ot_notice n;
    char detail[OT_SINK_NAME_MAX + 48];
    if (!r->notices.notify)
        return;
    memset(&n, 0, sizeof n);
    snprintf(detail, sizeof detail, "%s:%s", sink, ev->event_id);
    n.version = OT_NOTICE_VERSION;
    n.kind = OT_NOTICE_DEAD_LETTER;
    n.order_id = ev->order_id;
    n.store_id = ev->store_id;
    n.time_ms = now;
    n.detail = detail;
    r->notices.notify(r->notices.userdata, &n);
}

/* Deliver the batch to the slot's sink and mark each outcome. */
static int deliver(ot_relay *r, struct sink_slot *slot, size_t n, int64_t now,
                   ot_relay_stats *stats, ot_error *err)
{
    ot_sink *sink = slot->sink;
    ot_error whole;
    size_t i;
    int rc = 0, brc;

    memset(r->outcomes, 0, n * sizeof *r->outcomes);
    memset(&whole, 0, sizeof whole);
    for (i = 0; i < n; i++)
        r->ptrs[i] = &r->batch[i].ev;
    brc = sink->deliver(sink->userdata, r->ptrs, n, r->outcomes, &whole);
    for (i = 0; i < n && !rc; i++) {
        const ot_event *ev = &r->batch[i].ev;
        const ot_error *out = brc ? &whole : &r->outcomes[i];
        int code = brc ? (whole.code ? whole.code : brc) : out->code;
        ot_outbox_mark m = OT_OUTBOX_MARK_INIT;
        m.sink = sink->name;
        m.position = ev->position;
        if (code == 0) {
            m.state = OT_OUTBOX_DELIVERED;
            m.attempts = ev->attempts;
            stats->delivered++;
        } else {
            m.attempts = ev->attempts + 1;
            m.last_error = out->message[0] ? out->message : ot_strerror(code);
            stats->failed++;
            if (m.attempts >= r->o.max_attempts) {
                m.state = OT_OUTBOX_DEAD;
            } else {
                m.state = OT_OUTBOX_PENDING;
                m.next_attempt_ms = now + backoff(r, m.attempts);
            }
        }
        rc = r->storage->outbox_mark(r->storage->userdata, &m, err);
        if (!rc && m.state == OT_OUTBOX_DEAD) {
            stats->dead++;
            notify_dead(r, sink->name, ev, now);
        }
    }
    return rc;
}

static int run_sink(ot_relay *r, struct sink_slot *slot, int64_t now, ot_relay_stats *stats,
                    ot_error *err)
{
    ot_outbox_query q = OT_OUTBOX_QUERY_INIT;
    unsigned batch;
    size_t i;
    int rc = 0;

    if (now >= slot->rescan_at) {
        slot->low = 0;
        slot->rescan_at = now + RESCAN_MS;
    }
    q.sink = slot->sink->name;
    q.state = OT_OUTBOX_PENDING;
    q.limit = r->o.batch_size;
    for (batch = 0; batch < ROUND_BATCHES && !rc; batch++) {
        struct scan s;
        unsigned page;
        memset(&s, 0, sizeof s);
        s.r = r;
        s.slot = slot;
        s.now = now;
        s.after = slot->low;
        s.first = 1;
        s.stats = stats;
        memset(r->seen, 0, r->seen_cap * sizeof *r->seen);
        for (page = 0; page < SCAN_PAGES; page++) {
            size_t before = s.emitted;
            int64_t next = 0;
            q.after = s.after;
            rc = r->storage->outbox_query(r->storage->userdata, &q, scan_event, &s, &next, err);
            if (rc == SCAN_FULL) {
                rc = 0;
                break;
            }
            if (rc || s.emitted - before < q.limit)
                break;
        }
        if (!rc && s.n)
            rc = deliver(r, slot, s.n, now, stats, err);
        for (i = 0; i < s.n; i++)
            held_clear(&r->batch[i]);
        if (!s.n)
            break;
    }
    return rc;
}

int ot_relay_run_once(ot_relay *r, ot_relay_stats *stats, ot_error *err)
{
    ot_relay_stats local = OT_RELAY_STATS_INIT;
    int64_t now;
    size_t i;
    int rc = 0;

    if (!r)
        return ot__error_field(err, OT_EINVAL, "relay", "relay is NULL");
    if (stats && (rc = ot__check_version(stats->version, OT_RELAY_STATS_VERSION, "stats", err)))
        return rc;
    now = now_ms(r);
    for (i = 0; i < r->o.sink_count && !rc; i++)
        rc = run_sink(r, &r->slots[i], now, &local, err);
    if (!rc && r->o.retention_ms > 0 && r->storage->outbox_prune && now >= r->prune_at) {
        const char *names[OT_RELAY_SINKS_MAX];
        size_t removed = 0;
        for (i = 0; i < r->o.sink_count; i++)
            names[i] = r->slots[i].sink->name;
        rc = r->storage->outbox_prune(r->storage->userdata, names, r->o.sink_count,
                                      now - r->o.retention_ms, &removed, err);
        local.pruned += removed;
        r->prune_at = now + PRUNE_MS;
    }
    if (stats) {
        stats->delivered += local.delivered;
        stats->failed += local.failed;
        stats->dead += local.dead;
        stats->held_back += local.held_back;
        stats->pruned += local.pruned;
    }
    return rc;
}

int ot_relay_run(ot_relay *r, ot_relay_stats *stats, ot_error *err)
{
    if (!r)
        return ot__error_field(err, OT_EINVAL, "relay", "relay is NULL");
    if (stats) {
        int rc = ot__check_version(stats->version, OT_RELAY_STATS_VERSION, "stats", err);
        if (rc)
            return rc;
    }
    for (;;) {
        ot_relay_stats round = OT_RELAY_STATS_INIT;
        int rc = ot_relay_run_once(r, &round, NULL), busy;
        struct timespec until;

        if (stats) {
            stats->delivered += round.delivered;
            stats->failed += round.failed;
            stats->dead += round.dead;
            stats->held_back += round.held_back;
            stats->pruned += round.pruned;
        }
        busy = rc == 0 && round.delivered + round.failed > 0;
        pthread_mutex_lock(&r->lock);
        if (!r->stop && !busy) {
            ot__clock_deadline_ms(&until, (int64_t)r->o.poll_interval_ms);
            while (!r->stop && pthread_cond_timedwait(&r->wake, &r->lock, &until) == 0)
                ;
        }
        if (r->stop) {
            r->stop = 0;
            pthread_mutex_unlock(&r->lock);
            return 0;
        }
        pthread_mutex_unlock(&r->lock);
    }
}

void ot_relay_stop(ot_relay *r)
{
    if (!r)
        return;
    pthread_mutex_lock(&r->lock);
    r->stop = 1;
    pthread_cond_broadcast(&r->wake);
    pthread_mutex_unlock(&r->lock);
}
