/* The SSE hub: subscribers under one mutex, a heartbeat thread (which also sends the
 * coalesced location events when they fall due), suspend/resume. */
#include "events.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <ordertrack/ordertrack.h>

#include "custview.h"
#include "router.h"
#include "worker.h"

struct stream {
    struct stream *prev, *next;
    otd_events *hub;
    struct MHD_Connection *conn;
    char order_id[OTD_CAPTURE_MAX];
    const otd_api_key *key;     /* the caller's key (in the config, outlives the stream) */
    unsigned long next_index;   /* the next history entry to send */
    char *buf;                  /* pending output, [off, len) unsent */
    size_t off, len, cap;
    int dirty;                  /* re-read the order before waiting */
    int done;                   /* the order is terminal (or gone): close once flushed */
    int suspended;              /* the connection is suspended, waiting for news */
    int gone;                   /* the client went away: no longer counted in the limits */
    int64_t last_out_ms;
    int loc_pending;            /* the location may have moved: read it when due */
    int64_t loc_sent_ms;        /* when the last location event was queued */
    char *loc_last;             /* its driver_location, not to send one position twice */
    int customer;               /* a tracking page's stream: `view` events (custview.h) */
    char *last_view;            /* customer: the view sent last, not to send it twice */
    int64_t until_s;            /* customer: the link's expiry; the stream ends after it */
};

struct otd_events {
    otd_app *app;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pthread_t heartbeat;
    int thread_started;
    int stopping;
    unsigned count, max;        /* streams not gone; the limit */
    unsigned max_per_key;       /* streams of one key (NULL counts as a key) */
    int64_t heartbeat_ms;
    int64_t location_ms;        /* at most one location event per stream per interval */
    struct stream *head;
};

/* Append to the stream's output (lock held). -1 when out of memory. */
static int put(struct stream *s, const char *text, size_t n)
{
    if (s->len + n > s->cap) {
        size_t cap = s->cap ? s->cap : 1024;
        while (cap < s->len + n)
            cap *= 2;
        char *p = realloc(s->buf, cap);
        if (!p)
            return -1;
        s->buf = p;
        s->cap = cap;
    }
    memcpy(s->buf + s->len, text, n);
    s->len += n;
    return 0;
}

/* Resume the connections of streams picked under the lock (called without it: a suspended
 * connection cannot be closed, so the streams stay valid until resumed). */
static void resume_all(struct MHD_Connection **conns, size_t n)
{
    for (size_t i = 0; i < n; i++)
        MHD_resume_connection(conns[i]);
    free(conns);
}

/* What pick() looks for. */
enum pick_mode {
    PICK_NEWS,     /* history news of the order: every stream */
    PICK_LOCATION, /* the order's location moved: streams whose location event is due */
    PICK_TICK,     /* the heartbeat thread: idle streams, and location events fallen due */
    PICK_ALL       /* shutdown */
};

static int location_due(const otd_events *hub, const struct stream *s, int64_t now)
{
    return s->loc_pending && now - s->loc_sent_ms >= hub->location_ms;
}

/* Under the lock: mark streams (all, or those of order_id) and pick the suspended ones. */
static struct MHD_Connection **pick(otd_events *hub, const char *order_id, int mode,
                                    size_t *n)
{
    struct MHD_Connection **conns = calloc(hub->count + 1, sizeof *conns);
    int64_t now = otd_clock_monotonic_ms(NULL);

    *n = 0;
    for (struct stream *s = hub->head; s; s = s->next) {
        if (order_id && strcmp(order_id, s->order_id) != 0)
            continue;
        if (mode == PICK_LOCATION) {
            s->loc_pending = 1;
            if (!location_due(hub, s, now)) {
                pthread_cond_signal(&hub->wake); /* the heartbeat thread sends it when due */
                continue;
            }
        } else if (mode == PICK_TICK) {
            int beat = now - s->last_out_ms >= hub->heartbeat_ms;
            if (!beat && !location_due(hub, s, now))
                continue;
            if (beat) {
                s->last_out_ms = now;
                put(s, ": heartbeat\n\n", 13);
                s->loc_pending = 1; /* writes by other processes send no notices here */
            }
        }
        s->dirty = 1;
        if (s->suspended && conns) {
            s->suspended = 0;
            conns[(*n)++] = s->conn;
        }
    }
    return conns;
}

/* Wake the streams of order_id picked in `mode`. */
static void wake(otd_events *hub, const char *order_id, int mode)
{
    struct MHD_Connection **conns;
    size_t n;

    if (!hub || !order_id)
        return;
    pthread_mutex_lock(&hub->lock);
    conns = pick(hub, order_id, mode, &n);
    pthread_mutex_unlock(&hub->lock);
    resume_all(conns, n);
}

void otd_events_notify(otd_events *hub, const char *order_id)
{
    wake(hub, order_id, PICK_NEWS);
}

void otd_events_notify_location(otd_events *hub, const char *order_id)
{
    wake(hub, order_id, PICK_LOCATION);
}

/* Milliseconds the heartbeat thread may sleep (lock held): its tick, or less when a waiting
 * stream's pending location event falls due sooner (a stream that is not waiting reads it
 * on its own). */
static int64_t sleep_ms(const otd_events *hub, int64_t tick)
{
    int64_t now = otd_clock_monotonic_ms(NULL), wait = tick;

    for (const struct stream *s = hub->head; s; s = s->next)
        if (s->suspended && s->loc_pending && s->loc_sent_ms + hub->location_ms - now < wait)
            wait = s->loc_sent_ms + hub->location_ms - now;
    return wait < 1 ? 1 : wait;
}

static void *heartbeat_main(void *arg)
{
    otd_events *hub = arg;
    struct MHD_Connection **conns;
    struct timespec until;
    int64_t tick = hub->heartbeat_ms / 4 < 1000 ? hub->heartbeat_ms / 4 : 1000;
    size_t n;

    pthread_mutex_lock(&hub->lock);
    while (!hub->stopping) {
        int64_t wait = sleep_ms(hub, tick);
        otc_deadline(&until, wait);
        pthread_cond_timedwait(&hub->wake, &hub->lock, &until);
        if (hub->stopping)
            break;
        conns = pick(hub, NULL, PICK_TICK, &n);
        pthread_mutex_unlock(&hub->lock);
        resume_all(conns, n);
        pthread_mutex_lock(&hub->lock);
    }
    pthread_mutex_unlock(&hub->lock);
    return NULL;
}

otd_events *otd_events_new(otd_app *app, unsigned max_streams, unsigned max_per_key,
                           unsigned heartbeat_ms, unsigned location_ms)
{
    otd_events *hub = calloc(1, sizeof *hub);

    if (!hub)
        return NULL;
    hub->app = app;
    hub->max = max_streams;
    hub->max_per_key = max_per_key;
    hub->heartbeat_ms = heartbeat_ms ? heartbeat_ms : 15000;
    hub->location_ms = location_ms ? location_ms : 1000;
    pthread_mutex_init(&hub->lock, NULL);
    if (otc_cond_init_monotonic(&hub->wake) != 0) {
        pthread_mutex_destroy(&hub->lock);
        free(hub);
        return NULL;
    }
    if (pthread_create(&hub->heartbeat, NULL, heartbeat_main, hub) != 0) {
        otd_events_free(hub);
        return NULL;
    }
    hub->thread_started = 1;
    return hub;
}

void otd_events_shutdown(otd_events *hub)
{
    struct MHD_Connection **conns;
    size_t n;

    if (!hub)
        return;
    pthread_mutex_lock(&hub->lock);
    hub->stopping = 1;
    pthread_cond_broadcast(&hub->wake);
    conns = pick(hub, NULL, PICK_ALL, &n);
    pthread_mutex_unlock(&hub->lock);
    resume_all(conns, n);
}

void otd_events_free(otd_events *hub)
{
    if (!hub)
        return;
    otc_signal_stop(&hub->lock, &hub->wake, &hub->stopping);
    if (hub->thread_started)
        pthread_join(hub->heartbeat, NULL);
    pthread_cond_destroy(&hub->wake);
    pthread_mutex_destroy(&hub->lock);
    free(hub);
}

/* The order's live-location document when a location event is due and the position moved
 * since the last one (called without the lock), with that position in *position (free);
 * NULL otherwise. Free with ot_free. */
static char *location_news(struct stream *s, char **position)
{
    otd_events *hub = s->hub;
    int64_t now = otd_clock_monotonic_ms(NULL);
    char *json = NULL;
    json_t *doc = NULL, *where;
    size_t len = 0;
    int due, moved = 0;

    *position = NULL;
    pthread_mutex_lock(&hub->lock);
    due = location_due(hub, s, now);
    if (due)
        s->loc_pending = 0; /* a notice from now on is news again */
    pthread_mutex_unlock(&hub->lock);
    if (!due)
        return NULL;
    /* The data is what GET .../live-location answers this stream's key. */
    if (ot_tracker_live_location(&json, &len, hub->app->tracker, s->order_id, NULL) == 0)
        doc = json_loadb(json, len, 0, NULL);
    where = json_object_get(doc, "driver_location");
    if (json_is_object(where))
        *position = json_dumps(where, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(doc);
    pthread_mutex_lock(&hub->lock);
    moved = *position && (!s->loc_last || strcmp(s->loc_last, *position) != 0);
    pthread_mutex_unlock(&hub->lock);
    if (!moved) {
        free(*position);
        *position = NULL;
        ot_free(json);
        return NULL;
    }
    return json;
}

/* May `key` (NULL: no scope) still see `order`? The open's check (handlers.c). */
static int in_scope(const otd_api_key *key, const ot_order *order)
{
    ot_driver_view d = OT_DRIVER_VIEW_INIT;
    const char *driver;

    if (!key || !otd_auth_order_scoped(key))
        return 1;
    driver = ot_order_driver_details(&d, order, NULL) == 0 ? d.driver_id : NULL;
    return otd_auth_order_allowed(key, ot_order_store_id(order), ot_order_provider(order),
                                  driver, 0);
}

/* A customer stream: read the order and queue its customer view when it changed (called
 * without the lock). A position counts as news at most once per location interval. */
static void refresh_customer(struct stream *s)
{
    otd_events *hub = s->hub;
    ot_order *order = NULL;
    char *json = NULL, *text = NULL;
    size_t len = 0;
    json_t *doc = NULL, *view = NULL;
    int end;

    if ((int64_t)time(NULL) >= s->until_s) {
        pthread_mutex_lock(&hub->lock);
        s->done = 1; /* the link expired: nothing more */
        pthread_mutex_unlock(&hub->lock);
        return;
    }
    if (ot_tracker_get(&order, hub->app->tracker, s->order_id, NULL) == 0 &&
        ot_order_to_json(&json, &len, order, NULL) == 0)
        doc = json_loadb(json, len, 0, NULL);
    view = doc ? otd_customer_view(doc) : NULL;
    text = view ? json_dumps(view, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    end = !text || json_is_true(json_object_get(view, "terminal"));
    pthread_mutex_lock(&hub->lock);
    s->loc_pending = 0;
    s->loc_sent_ms = otd_clock_monotonic_ms(NULL);
    if (text && (!s->last_view || strcmp(s->last_view, text) != 0)) {
        if (put(s, "event: view\ndata: ", 18) || put(s, text, strlen(text)) ||
            put(s, "\n\n", 2)) {
            end = 1; /* out of memory: end the stream; the page reconnects */
        } else {
            free(s->last_view);
            s->last_view = text;
            text = NULL;
        }
    }
    if (end)
        s->done = 1;
    pthread_mutex_unlock(&hub->lock);
    free(text);
    json_decref(view);
    json_decref(doc);
    ot_free(json);
    ot_order_free(order);
}

/* Read the order and queue the entries not sent yet, then a location event when one is due
 * (called without the lock). */
static void refresh(struct stream *s)
{
    otd_events *hub = s->hub;
    ot_order *order = NULL;
    char *json = NULL, *entry, *location, *position = NULL, head[64];
    size_t len = 0, i;
    json_t *doc = NULL, *history, *e;
    int terminal = 1;

    if (ot_tracker_get(&order, hub->app->tracker, s->order_id, NULL) == 0 &&
        ot_order_to_json(&json, &len, order, NULL) == 0)
        doc = json_loadb(json, len, 0, NULL);
    if (order)
        terminal = ot_status_is_terminal(ot_order_status(order), NULL) == 1;
    /* The key's scope is checked at every read, as at the open: an order that moved out of
     * it (a store rejection reassigning it, another provider or driver) ends the stream
     * before anything of its new owner is queued, as a new stream would be refused. */
    if (order && !in_scope(s->key, order)) {
        json_decref(doc);
        doc = NULL;
    }
    ot_free(json);
    ot_order_free(order);
    location = doc && !terminal ? location_news(s, &position) : NULL;
    history = json_object_get(doc, "status_history");
    pthread_mutex_lock(&hub->lock);
    json_array_foreach(history, i, e) {
        if (i < s->next_index)
            continue;
        entry = json_dumps(e, JSON_COMPACT | JSON_PRESERVE_ORDER);
        int n = snprintf(head, sizeof head, "id: %zu\nevent: status\ndata: ", i);
        if (!entry || put(s, head, (size_t)n) || put(s, entry, strlen(entry)) ||
            put(s, "\n\n", 2)) {
            free(entry);
            terminal = 1; /* out of memory: end the stream; the client resumes */
            break;
        }
        free(entry);
        s->next_index = i + 1;
    }
    /* No id: a location event leaves the client's Last-Event-ID on the history entries. */
    if (location && !terminal) {
        if (put(s, "event: location\ndata: ", 22) == 0 &&
            put(s, location, strlen(location)) == 0 && put(s, "\n\n", 2) == 0) {
            free(s->loc_last);
            s->loc_last = position;
            position = NULL;
            s->loc_sent_ms = otd_clock_monotonic_ms(NULL);
        } else {
            terminal = 1;
        }
    }
    if (!doc || terminal)
        s->done = 1;
    pthread_mutex_unlock(&hub->lock);
    free(position);
    ot_free(location);
    json_decref(doc);
}

static ssize_t reader(void *cls, uint64_t pos, char *buf, size_t max)
{
    struct stream *s = cls;
    otd_events *hub = s->hub;
    ssize_t n;

    (void)pos;
    pthread_mutex_lock(&hub->lock);
    for (;;) {
        if (s->off < s->len) {
            n = (ssize_t)(s->len - s->off < max ? s->len - s->off : max);
            memcpy(buf, s->buf + s->off, (size_t)n);
            s->off += (size_t)n;
            if (s->off == s->len)
                s->off = s->len = 0;
            s->last_out_ms = otd_clock_monotonic_ms(NULL);
            pthread_mutex_unlock(&hub->lock);
            return n;
        }
        if (s->done || hub->stopping) {
            pthread_mutex_unlock(&hub->lock);
            return MHD_CONTENT_READER_END_OF_STREAM;
        }
        if (!s->dirty)
            break;
        s->dirty = 0;
        pthread_mutex_unlock(&hub->lock);
        if (s->customer)
            refresh_customer(s);
        else
            refresh(s);
        pthread_mutex_lock(&hub->lock);
    }
    /* Nothing to say: park the connection until a notice, a heartbeat, a location event
     * falling due (the heartbeat thread then counts this stream in its sleep) or shutdown. */
    s->suspended = 1;
    if (s->loc_pending)
        pthread_cond_signal(&hub->wake);
    MHD_suspend_connection(s->conn);
    pthread_mutex_unlock(&hub->lock);
    return 0;
}

static void release(void *cls)
{
    struct stream *s = cls;
    otd_events *hub = s->hub;

    pthread_mutex_lock(&hub->lock);
    if (s->prev)
        s->prev->next = s->next;
    else
        hub->head = s->next;
    if (s->next)
        s->next->prev = s->prev;
    if (!s->gone)
        hub->count--;
    pthread_mutex_unlock(&hub->lock);
    free(s->buf);
    free(s->loc_last);
    free(s->last_view);
    free(s);
}

/* May one more stream of `key` (a customer's: only the overall limit) open (lock held)? */
static int room_for(const otd_events *hub, const otd_api_key *key, int customer)
{
    unsigned mine = 0;

    if (hub->count >= hub->max)
        return 0;
    for (const struct stream *s = hub->head; s && !customer; s = s->next)
        mine += !s->gone && !s->customer && s->key == key;
    return customer || mine < hub->max_per_key;
}

/* Has the client of a waiting stream closed its end? A suspended connection is not polled,
 * so without this its slot would stay taken until the next heartbeat's write fails. */
static int client_gone(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    char byte;
    ssize_t n;

    if (!info)
        return 0;
    n = recv(info->connect_fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

/* Under the lock: stop counting the waiting streams whose clients went away and pick their
 * connections, to resume (they end and close). */
static struct MHD_Connection **reap_gone(otd_events *hub, size_t *n)
{
    struct MHD_Connection **conns = calloc(hub->count + 1, sizeof *conns);

    *n = 0;
    for (struct stream *s = hub->head; s && conns; s = s->next) {
        if (s->gone || !s->suspended || !client_gone(s->conn))
            continue;
        s->gone = 1;
        s->done = 1;
        s->suspended = 0;
        hub->count--;
        conns[(*n)++] = s->conn;
    }
    return conns;
}

static struct MHD_Response *open_stream(otd_events *hub, struct MHD_Connection *c,
                                         const char *order_id, const otd_api_key *key,
                                         unsigned long from, int customer, int64_t until_s)
{
    struct stream *s = calloc(1, sizeof *s);
    struct MHD_Response *r;
    struct MHD_Connection **conns;
    size_t n;

    if (!s)
        return NULL;
    s->hub = hub;
    s->conn = c;
    snprintf(s->order_id, sizeof s->order_id, "%s", order_id);
    s->key = key;
    s->customer = customer;
    s->until_s = until_s;
    s->next_index = from;
    s->dirty = 1;
    s->last_out_ms = otd_clock_monotonic_ms(NULL);
    s->loc_pending = 1; /* the current position first, if there is one */
    s->loc_sent_ms = s->last_out_ms - hub->location_ms;
    pthread_mutex_lock(&hub->lock);
    if (!hub->stopping && !room_for(hub, key, customer)) {
        conns = reap_gone(hub, &n);
        if (n) {
            pthread_mutex_unlock(&hub->lock);
            resume_all(conns, n);
            pthread_mutex_lock(&hub->lock);
        } else {
            free(conns);
        }
    }
    if (hub->stopping || !room_for(hub, key, customer)) {
        pthread_mutex_unlock(&hub->lock);
        free(s);
        return NULL;
    }
    s->next = hub->head;
    if (hub->head)
        hub->head->prev = s;
    hub->head = s;
    hub->count++;
    pthread_mutex_unlock(&hub->lock);
    r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, reader, s, release);
    if (!r)
        release(s);
    return r;
}

struct MHD_Response *otd_events_response(otd_events *hub, struct MHD_Connection *c,
                                         const char *order_id, const otd_api_key *key,
                                         unsigned long from)
{
    return open_stream(hub, c, order_id, key, from, 0, 0);
}

struct MHD_Response *otd_events_customer_response(otd_events *hub, struct MHD_Connection *c,
                                                  const char *order_id, int64_t until_s)
{
    return open_stream(hub, c, order_id, NULL, 0, 1, until_s);
}
