/* The relay and tail threads of ordertrackd (outbound.h). */
#include "outbound.h"
#include "worker.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ordertrack/outbox.h>
#include <ordertrack/sys/http.h>
#include <ordertrack/sys/sink.h>
#include <ordertrack/webhook_sink.h>
#ifdef OTD_HAVE_CURL
#include <ordertrack/adapters/curl.h>
#endif
#ifdef OTD_HAVE_NATS
#include <jansson.h>
#include <nats/nats.h>
#include <ordertrack/adapters/nats.h>
#endif

struct otd_outbound {
    const ot_storage *storage;
    otd_events *hub;
    const otc_log *log;
    unsigned tail_ms;
    int64_t cursor;                 /* the tail's: the last outbox position read */
    ot_sink *sinks[2];
    size_t n_sinks;
    ot_http http;                   /* the webhook sink's port (version 0: none) */
    ot_relay *relay;
#ifdef OTD_HAVE_NATS
    natsConnection *watch;          /* with `nats`: the streams are woken from JetStream's
                                       subjects instead of the outbox tail */
    natsSubscription *watch_sub;
#endif
    pthread_t relay_thread, tail_thread;
    int relay_started, tail_started;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int stopping;
};

static int emit_wake(void *ctx, const ot_event *e, ot_error *err)
{
    otd_outbound *ob = ctx;
    (void)err;
    if (e->type == OT_EVENT_LOCATION_UPDATED)
        otd_events_notify_location(ob->hub, e->order_id);
    else
        otd_events_notify(ob->hub, e->order_id);
    return 0;
}

static int emit_nothing(void *ctx, const ot_event *e, ot_error *err)
{
    (void)ctx;
    (void)e;
    (void)err;
    return 0;
}

/* Read the outbox after the cursor, a page at a time, each event through `emit`. */
static int tail_read(otd_outbound *ob, ot_event_emit emit, ot_error *err)
{
    ot_outbox_query q = OT_OUTBOX_QUERY_INIT;
    int64_t next;
    int rc;
    q.limit = OT_OUTBOX_QUERY_MAX;
    for (;;) {
        q.after = ob->cursor;
        if ((rc = ot_outbox_query_run(&next, ob->storage, &q, emit, ob, err)) != 0)
            return rc;
        if (next == ob->cursor)
            return 0;
        ob->cursor = next;
    }
}

/* Wait `ms` or until stopping; 1 when stopping. */
static int wait_or_stop(otd_outbound *ob, unsigned ms)
{
    struct timespec ts;
    int stopping;
    otc_deadline(&ts, ms);
    pthread_mutex_lock(&ob->lock);
    while (!ob->stopping && pthread_cond_timedwait(&ob->cond, &ob->lock, &ts) != ETIMEDOUT)
        ;
    stopping = ob->stopping;
    pthread_mutex_unlock(&ob->lock);
    return stopping;
}

static void *tail_main(void *arg)
{
    otd_outbound *ob = arg;
    int failing = 0;
    while (!wait_or_stop(ob, ob->tail_ms)) {
        ot_error e;
        memset(&e, 0, sizeof e);
        if (tail_read(ob, emit_wake, &e) != 0) {
            if (!failing)
                otc_logf(ob->log, OTC_LOG_WARN, "outbox tail: %s (retrying)", e.message);
            failing = 1;
        } else if (failing) {
            otc_logf(ob->log, OTC_LOG_INFO, "outbox tail: reading again");
            failing = 0;
        }
    }
    return NULL;
}

static void *relay_main(void *arg)
{
    otd_outbound *ob = arg;
    ot_error e;
    memset(&e, 0, sizeof e);
    if (ot_relay_run(ob->relay, NULL, &e) != 0)
        otc_logf(ob->log, OTC_LOG_ERROR, "outbox relay: %s", e.message);
    return NULL;
}

#ifdef OTD_HAVE_CURL
static int webhook_sink_make(otd_outbound *ob, const otd_outboxconf *oc)
{
    ot_curl_options curl = OT_CURL_OPTIONS_INIT;
    ot_webhook_sink_options wo = OT_WEBHOOK_SINK_OPTIONS_INIT;
    ot_webhook_subscription *subs = calloc(oc->n_subs, sizeof *subs);
    ot_error e;
    int rc;
    memset(&e, 0, sizeof e);
    if (!subs)
        return 1;
    for (size_t i = 0; i < oc->n_subs; i++) {
        const otd_subscription *s = &oc->subs[i];
        ot_webhook_subscription init = OT_WEBHOOK_SUBSCRIPTION_INIT;
        subs[i] = init;
        subs[i].url = s->url;
        subs[i].secret = s->secret;
        subs[i].event_types = s->event_types;
        subs[i].event_type_count = s->n_event_types;
        subs[i].store_ids = (const char *const *)s->stores;
        subs[i].store_id_count = s->n_stores;
        subs[i].timeout_ms = s->timeout_ms;
    }
    curl.max_response_bytes = 64 * 1024;
    if ((rc = ot_curl_http_new(&ob->http, &curl, &e)) == 0) {
        wo.http = &ob->http;
        wo.subscriptions = subs;
        wo.subscription_count = oc->n_subs;
        rc = ot_webhook_sink_new(&ob->sinks[ob->n_sinks], &wo, &e);
        if (rc == 0)
            ob->n_sinks++;
    }
    free(subs);
    if (rc != 0) {
        otc_logf(ob->log, OTC_LOG_ERROR, "subscriptions%s%s: %s", e.field[0] ? "." : "",
                 e.field, e.message);
        return rc == OT_EINVAL || rc == OT_EVERSION ? OTD_EXIT_CONFIG : 1;
    }
    return 0;
}
#endif

#ifdef OTD_HAVE_NATS
/* A message of the stream's subjects (whichever instance's relay published it): wake the
 * streams of its order. Runs on libnats' thread. */
static void watch_message(natsConnection *nc, natsSubscription *sub, natsMsg *msg,
                          void *closure)
{
    otd_outbound *ob = closure;
    json_t *doc = json_loadb(natsMsg_GetData(msg), (size_t)natsMsg_GetDataLength(msg), 0, NULL);
    const char *order_id = json_string_value(json_object_get(doc, "order_id"));
    const char *type = json_string_value(json_object_get(doc, "type"));
    int t = OT_EVENT_UNKNOWN;
    (void)nc;
    (void)sub;
    if (order_id) {
        if (type && ot_event_type_from_string(&t, type, NULL) == 0 &&
            t == OT_EVENT_LOCATION_UPDATED)
            otd_events_notify_location(ob->hub, order_id);
        else
            otd_events_notify(ob->hub, order_id);
    }
    json_decref(doc);
    natsMsg_Destroy(msg);
}

/* Subscribe (core NATS, no consumer state) to `<subject_prefix>.>`. 0, or 1 logged. */
static int watch_start(otd_outbound *ob, const otd_outboxconf *oc)
{
    char subject[80];
    natsOptions *no = NULL;
    natsStatus st = natsOptions_Create(&no);
    snprintf(subject, sizeof subject, "%s.>", oc->nats_prefix ? oc->nats_prefix : "ordertrack");
    if (st == NATS_OK)
        st = natsOptions_SetServers(no, (const char **)oc->nats_servers,
                                    (int)oc->n_nats_servers);
    if (st == NATS_OK)
        st = natsOptions_SetMaxReconnect(no, -1);
    if (st == NATS_OK)
        st = natsOptions_SetTimeout(no, oc->nats_timeout_ms);
    if (st == NATS_OK)
        st = natsConnection_Connect(&ob->watch, no);
    if (st == NATS_OK)
        st = natsConnection_Subscribe(&ob->watch_sub, ob->watch, subject, watch_message, ob);
    natsOptions_Destroy(no);
    if (st != NATS_OK) {
        otc_logf(ob->log, OTC_LOG_ERROR, "nats: cannot subscribe to %s: %s", subject,
                 natsStatus_GetText(st));
        return 1;
    }
    return 0;
}

static int nats_sink_make(otd_outbound *ob, const otd_outboxconf *oc)
{
    ot_nats_sink_options no = OT_NATS_SINK_OPTIONS_INIT;
    ot_error e;
    int rc;
    memset(&e, 0, sizeof e);
    no.servers = (const char *const *)oc->nats_servers;
    no.server_count = oc->n_nats_servers;
    no.stream = oc->nats_stream;
    no.subject_prefix = oc->nats_prefix;
    no.replicas = oc->nats_replicas;
    no.duplicate_window_ms = oc->nats_duplicate_window_ms;
    no.timeout_ms = oc->nats_timeout_ms;
    if ((rc = ot_nats_sink_new(&ob->sinks[ob->n_sinks], &no, &e)) != 0) {
        otc_logf(ob->log, OTC_LOG_ERROR, "nats.%s: %s", e.field[0] ? e.field : "url",
                 e.message);
        return rc == OT_EINVAL || rc == OT_EVERSION ? OTD_EXIT_CONFIG : 1;
    }
    ob->n_sinks++;
    return 0;
}
#endif

static int sinks_make(otd_outbound *ob, const otd_outboxconf *oc)
{
    int rc;
    if (oc->n_subs) {
#ifdef OTD_HAVE_CURL
        if ((rc = webhook_sink_make(ob, oc)) != 0)
            return rc;
#else
        otc_logf(ob->log, OTC_LOG_ERROR, "subscriptions: this build has no HTTP client "
                                         "(OT_WITH_CURL=OFF)");
        return OTD_EXIT_CONFIG;
#endif
    }
    if (oc->n_nats_servers) {
#ifdef OTD_HAVE_NATS
        if ((rc = nats_sink_make(ob, oc)) != 0)
            return rc;
#else
        otc_logf(ob->log, OTC_LOG_ERROR, "nats: this build has no NATS client "
                                         "(OT_WITH_NATS=OFF)");
        return OTD_EXIT_CONFIG;
#endif
    }
    (void)rc;
    return 0;
}

int otd_outbound_start(otd_outbound **out, const otd_config *cfg, const ot_storage *storage,
                       otd_events *hub, const otc_log *log, const ot_notice_sink *notices)
{
    const otd_outboxconf *oc = &cfg->outbox;
    otd_outbound *ob;
    ot_error e;
    int rc;
    *out = NULL;
    if (!oc->enabled)
        return 0;
    memset(&e, 0, sizeof e);
    if (!(ob = calloc(1, sizeof *ob)))
        return 1;
    ob->storage = storage;
    ob->hub = hub;
    ob->log = log;
    ob->tail_ms = oc->tail_ms;
    pthread_mutex_init(&ob->lock, NULL);
    if (otc_cond_init_monotonic(&ob->cond) != 0) {
        pthread_mutex_destroy(&ob->lock);
        free(ob);
        return 1;
    }
    *out = ob;
    if ((rc = sinks_make(ob, oc)) != 0)
        return rc;
#ifdef OTD_HAVE_NATS
    if (oc->n_nats_servers) {
        if (watch_start(ob, oc) != 0)
            return 1;
    } else
#endif
    {
        /* The tail starts at the end (one pass over the retained events): older events
         * have no stream waiting for them. */
        if (tail_read(ob, emit_nothing, &e) != 0) {
            otc_logf(log, OTC_LOG_ERROR, "outbox: %s", e.message);
            return 1;
        }
        if (pthread_create(&ob->tail_thread, NULL, tail_main, ob) != 0)
            return 1;
        ob->tail_started = 1;
    }
    if (ob->n_sinks) {
        ot_relay_options ro = OT_RELAY_OPTIONS_INIT;
        ro.storage = storage;
        ro.sinks = ob->sinks;
        ro.sink_count = ob->n_sinks;
        ro.notices = notices;
        ro.max_attempts = oc->max_attempts;
        ro.backoff_base_ms = oc->backoff_base_ms;
        ro.backoff_max_ms = oc->backoff_max_ms;
        ro.batch_size = oc->batch_size;
        ro.poll_interval_ms = oc->poll_interval_ms;
        ro.retention_ms = oc->retention_ms;
        if ((rc = ot_relay_new(&ob->relay, &ro, &e)) != 0) {
            otc_logf(log, OTC_LOG_ERROR, "outbox%s%s: %s", e.field[0] ? "." : "", e.field,
                     e.message);
            return rc == OT_EINVAL || rc == OT_EVERSION ? OTD_EXIT_CONFIG : 1;
        }
        if (pthread_create(&ob->relay_thread, NULL, relay_main, ob) != 0)
            return 1;
        ob->relay_started = 1;
    }
    return 0;
}

void otd_outbound_stop(otd_outbound *ob)
{
    if (!ob)
        return;
    otc_signal_stop(&ob->lock, &ob->cond, &ob->stopping);
    if (ob->tail_started)
        pthread_join(ob->tail_thread, NULL);
#ifdef OTD_HAVE_NATS
    if (ob->watch_sub) {
        natsSubscription_Unsubscribe(ob->watch_sub);
        natsSubscription_Destroy(ob->watch_sub);
    }
    if (ob->watch) {
        natsConnection_Close(ob->watch);
        natsConnection_Destroy(ob->watch);
    }
#endif
    if (ob->relay_started) {
        ot_relay_stop(ob->relay);
        pthread_join(ob->relay_thread, NULL);
    }
    ot_relay_free(ob->relay);
    for (size_t i = 0; i < ob->n_sinks; i++)
        ot_sink_close(ob->sinks[i]);
    if (ob->http.version && ob->http.close)
        ob->http.close(ob->http.userdata);
    pthread_cond_destroy(&ob->cond);
    pthread_mutex_destroy(&ob->lock);
    free(ob);
}
