/* ordertrackd: start-up (config, exit status 2 on a bad one), the tracker with its SLA
 * policies, metrics and notice sink (event streams, alerts), the housekeeping thread (sweeps,
 * alert delivery), the server, a config reload on SIGHUP and a graceful stop on
 * SIGTERM/SIGINT, both through a self-pipe. */
#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ordertrack/ordertrack.h>
#include <ordertrack/sys/http.h>
#include <ordertrack/sys/notice.h>
#ifdef OTD_HAVE_CURL
#include <ordertrack/adapters/curl.h>
#include "alertsmail.h"
#endif

#include "app.h"
#include "config.h"
#include "courierdefs.h"
#ifdef OTD_HAVE_CURL
#include "dispatcher.h"
#include "reconciler.h"
#endif
#include "events.h"
#include "live.h"
#include "log_mongoc.h"
#include "openapi_json.h"
#include "outbound.h"
#include "page_assets.h"
#include "server.h"
#include "storage_open.h"
#include "storage_probe.h"
#include "worker.h"

/* How long a stop waits for requests in flight. */
#define DRAIN_MS 10000u

/* The write end of the self-pipe: the only global, as signal handling needs it. */
static int wake_fd = -1;

static void on_signal(int sig)
{
    int saved = errno;
    char c = (char)sig;

    if (write(wake_fd, &c, 1) < 0) {
        /* The pipe is full: a wake-up is already pending. */
    }
    errno = saved;
}

/* The options main() answers itself; the others are otd_config_options. */
static const otc_option info_options[] = {
    {"--help", NULL, "print this help and exit"},
    {"-h", NULL, "the same as --help"},
    {"--version", NULL, "print the version and exit"},
};

static void help(void)
{
    fputs("usage: ordertrackd [--config FILE] [--listen HOST:PORT] [--storage URI]\n"
          "                   [--log-format json|text] [--log-level debug|info|warn|error]\n"
          "       ordertrackd --help | --version\n"
          "\n"
          "Serves the order-tracking REST API. Flags override the config file. SIGHUP\n"
          "reloads the config file; SIGTERM/SIGINT finish requests in flight and exit 0.\n"
          "\n",
          stdout);
    otc_options_print(stdout, otd_config_options, otd_config_n_options);
    otc_options_print(stdout, info_options, sizeof info_options / sizeof info_options[0]);
    fputs("\nExit status: 0 stopped by SIGTERM/SIGINT, 1 runtime failure (storage, address),\n"
          "2 configuration refused, 64 usage error. See ordertrackd(8).\n",
          stdout);
}

static int setup_signals(int fds[2])
{
    struct sigaction sa;

    if (pipe(fds) != 0)
        return -1;
    for (int i = 0; i < 2; i++) {
        fcntl(fds[i], F_SETFD, FD_CLOEXEC);
        fcntl(fds[i], F_SETFL, O_NONBLOCK);
    }
    wake_fd = fds[1];
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGTERM, &sa, NULL) != 0 || sigaction(SIGINT, &sa, NULL) != 0 ||
        sigaction(SIGHUP, &sa, NULL) != 0)
        return -1;
    sa.sa_handler = SIG_IGN;
    /* Over RLIMIT_FSIZE a write fails with EFBIG (the storage answers 503) instead of the
     * signal killing the daemon. */
    if (sigaction(SIGXFSZ, &sa, NULL) != 0)
        return -1;
    return sigaction(SIGPIPE, &sa, NULL);
}

/* Block until a signal writes to the pipe: SIGHUP, or the stop signal (which wins when both
 * are pending). */
static int wait_for_signal(int fd)
{
    struct pollfd p = {fd, POLLIN, 0};
    char c;
    int sig = 0;

    while (poll(&p, 1, -1) < 0 && errno == EINTR)
        ;
    while (read(fd, &c, 1) > 0)
        if (sig == 0 || sig == SIGHUP)
            sig = c;
    return sig;
}

/* How many orders one ot_tracker_sla_sweep (or ot_tracker_store_ack_sweep) call examines
 * before the housekeeping thread checks for a stop and continues from where it left off. */
#define SLA_SWEEP_CHUNK 500
/* How long held (undelivered) alerts wait before the next attempt. */
#define ALERT_RETRY_MS 5000
/* Per-request time-out of alert deliveries and the retry budget of one message. */
#define ALERT_TIMEOUT_MS 5000
#define ALERT_TOTAL_MS 10000

/* Everything run() builds around the tracker, torn down in reverse. */
struct host {
    otd_app app;               /* shared by the generations; cfg: the start-up config */
    otd_live live;             /* the config generations requests and sweeps run on */
    int argc;                  /* the command line, read again by a reload */
    char **argv;
    otc_log *log;
    ot_storage *storage;
    ot_tracker *tracker;       /* the start-up options: reads of event streams and alerts */
    ot_pii *pii;                 /* the "pii" config key: personal data sealed at rest */
    otd_events *events;
    otd_outbound *outbound;    /* relay and streams' wake-ups (outbound.h); NULL: no outbox */
    ot_notice_sink relay_notices; /* the relay's dead letters, into on_notice */
    ot_http_client *http;      /* alerts only */
    ot_alerts *alerts;         /* NULL without an `alerts` block; swapped by a reload under
                                  lock, used for delivery under delivery */
    ot_notice_sink alert_sink; /* the dispatcher's sink, chained from on_notice */
    pthread_mutex_t delivery;  /* held while alerts are delivered; taken before lock */
    ot_sla_sweep_result sla_round; /* kept between chunks of one SLA sweep */
    ot_escalation_sweep_result ack_round; /* and of one store-acknowledgment sweep */
    pthread_t housekeeper;
#ifdef OTD_HAVE_CURL
    otd_dispatcher *dispatcher; /* the `dispatch` block's thread, or NULL */
    otd_reconciler *reconciler; /* the `reconcile` block's thread, or NULL */
#endif
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int housekeeper_started, sync_ready, live_ready, stopping, alerts_due, reloaded;
};

/* The tracker's notices (the tracker counts its own metrics): the alert dispatcher's queue;
 * the event streams of the order take the location notice (coalesced there) and the one
 * every write that added history sends last, whatever the entries say. */
static void on_notice(void *userdata, const ot_notice *n)
{
    struct host *h = userdata;

    if (n->kind == OT_NOTICE_LOCATION_UPDATED) {
        otd_events_notify_location(h->events, n->order_id);
        return;
    }
    if (n->kind == OT_NOTICE_HISTORY_APPENDED) {
        otd_events_notify(h->events, n->order_id);
        return;
    }
    pthread_mutex_lock(&h->lock);
    if (h->alerts) {
        /* queued (the sink never blocks); the housekeeping thread delivers it */
        h->alert_sink.notify(h->alert_sink.userdata, n);
        h->alerts_due = 1;
        pthread_cond_signal(&h->cond);
    }
    pthread_mutex_unlock(&h->lock);
}

#ifdef OTD_HAVE_CURL
/* A reconcile finding's alert into the current dispatcher, as on_notice queues a notice
 * (without an `alerts` block the finding is logged and counted only). */
static void reconcile_alert(void *ctx, const ot_alert *alert)
{
    struct host *h = ctx;

    pthread_mutex_lock(&h->lock);
    if (h->alerts && ot_alerts_push(h->alerts, alert, NULL) == 0) {
        h->alerts_due = 1;
        pthread_cond_signal(&h->cond);
    }
    pthread_mutex_unlock(&h->lock);
}

/* The alert dispatcher's lookup: the courier and AWB of the order, which notices lack. */
static void alert_lookup(void *userdata, const char *store_id, const char *order_id,
                         char *courier, size_t courier_size, char *awb, size_t awb_size)
{
    struct host *h = userdata;
    ot_order *order = NULL;
    const char *name = NULL, *tracking;

    (void)store_id;
    if (ot_tracker_get(&order, h->tracker, order_id, NULL) != 0)
        return;
    name = courierdefs_name(h->app.couriers, ot_order_provider(order));
    /* parcel couriers only: a run-time courier is one (ot_provider_is_parcel: OT_EINVAL) */
    if (strcmp(name, "?") != 0 && ot_provider_is_parcel(ot_order_provider(order), NULL) != 0)
        snprintf(courier, courier_size, "%s", name);
    if ((tracking = ot_order_tracking_id(order)) != NULL)
        snprintf(awb, awb_size, "%s", tracking);
    ot_order_free(order);
}
#endif

static int64_t monotonic_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int host_stopping(struct host *h)
{
    int stop;
    pthread_mutex_lock(&h->lock);
    stop = h->stopping;
    pthread_mutex_unlock(&h->lock);
    return stop;
}

/* One SLA round over the active orders, in chunks; stops early when asked to stop. */
static void sla_sweep(struct host *h, ot_tracker *tracker)
{
    ot_sla_sweep_result *r = &h->sla_round;
    ot_error e;

    do {
        memset(&e, 0, sizeof e);
        if (ot_tracker_sla_sweep(r, tracker, 0, SLA_SWEEP_CHUNK, &e) != 0) {
            otc_logf(h->log, OTC_LOG_ERROR, "SLA sweep: %s", e.message);
            r->resume[0] = '\0'; /* start the next round from the beginning */
            return;
        }
    } while (!r->complete && !host_stopping(h));
}

/* One GPS-gap round (limits.gps_gap_ms; 0: off): gps_gap issues raised and cleared. */
static void gps_sweep(struct host *h, ot_tracker *tracker, unsigned gap_ms)
{
    ot_gps_sweep_result r = OT_GPS_SWEEP_RESULT_INIT;
    ot_error e;

    memset(&e, 0, sizeof e);
    if (gap_ms && ot_tracker_gps_sweep(&r, tracker, 0, gap_ms, &e) != 0)
        otc_logf(h->log, OTC_LOG_ERROR, "GPS-gap sweep: %s", e.message);
    else if (r.raised || r.cleared)
        otc_logf(h->log, OTC_LOG_INFO, "GPS-gap sweep: %zu gaps raised, %zu cleared", r.raised,
                 r.cleared);
}

/* One store-acknowledgment round (the library's escalation ladder), in chunks likewise. */
static void store_ack_sweep(struct host *h, ot_tracker *tracker)
{
    ot_escalation_sweep_result *r = &h->ack_round;
    ot_error e;

    do {
        memset(&e, 0, sizeof e);
        if (ot_tracker_store_ack_sweep(r, tracker, 0, SLA_SWEEP_CHUNK, &e) != 0) {
            otc_logf(h->log, OTC_LOG_ERROR, "store-acknowledgment sweep: %s", e.message);
            r->resume[0] = '\0';
            return;
        }
    } while (!r->complete && !host_stopping(h));
}

/* Deliver what `alerts` holds (the caller holds h->delivery). */
static void flush_alerts(struct host *h, ot_alerts *alerts, int *held)
{
    ot_alerts_stats st = OT_ALERTS_STATS_INIT;
    ot_error e;

    memset(&e, 0, sizeof e);
    if (ot_alerts_flush(alerts, &st, &e) != 0)
        otc_logf(h->log, OTC_LOG_ERROR, "alerts: %s (%llu sent, %llu failed, %llu dropped)",
                 e.message, (unsigned long long)st.sent, (unsigned long long)st.failed,
                 (unsigned long long)st.dropped);
    if (st.overflow || st.lost)
        otc_logf(h->log, OTC_LOG_WARN,
                 "alerts: %llu notices not queued (queue full or no memory)",
                 (unsigned long long)(st.overflow + st.lost));
    *held = st.pending > 0;
}

/* alerts.email of `a`: mail the report of `alerts` (with `if_any`, only when some alert
 * waits). The caller holds h->delivery. */
static void mail_report(struct host *h, ot_alerts *alerts, const otc_alerts *a, int if_any)
{
#ifdef OTD_HAVE_CURL
    char why[OT_ERROR_MESSAGE_SIZE];

    if (alerts && a->smtp_url && otc_alerts_mail(alerts, a, if_any, why, sizeof why) < 0)
        otc_logf(h->log, OTC_LOG_ERROR, "alerts.email: %s", why);
#else
    (void)h;
    (void)alerts;
    (void)a;
    (void)if_any;
#endif
}

/* The current dispatcher, with h->delivery held until delivery_end. */
static ot_alerts *delivery_begin(struct host *h)
{
    ot_alerts *alerts;

    pthread_mutex_lock(&h->delivery);
    pthread_mutex_lock(&h->lock);
    alerts = h->alerts;
    pthread_mutex_unlock(&h->lock);
    return alerts;
}

static void delivery_end(struct host *h)
{
    pthread_mutex_unlock(&h->delivery);
}

/* The next daily digest (wall clock) under g's config, or INT64_MAX without one. */
static int64_t digest_next(const otd_generation *g)
{
    const otc_alerts *a = &g->cfg->alerts;

    if (!a->smtp_url || a->digest_minute < 0)
        return INT64_MAX;
    return otc_alerts_digest_next(a, otd_clock_wall_ms(NULL));
}

/* The housekeeping thread: the library's store-acknowledgment sweep (alert, then escalation)
 * every limits.store_ack_sweep_ms, its SLA sweep every limits.sla_sweep_ms and, with an
 * `alerts` block, delivery of
 * queued alerts as soon as a notice arrives (held ones again after ALERT_RETRY_MS). With
 * alerts.email, the e-mail report after each SLA sweep when alerts were queued since the
 * previous report, or with alerts.email.daily_digest_at once a day at that time (UTC). Ends,
 * after a last delivery and report (if any alert waits), when stopping is set. */
static void *housekeeper_main(void *arg)
{
    struct host *h = arg;
    otd_generation *g = otd_live_acquire(&h->live); /* the config it works on */
    const otd_config *cfg = g->cfg;
    int64_t now = monotonic_ms(), next_ack = now + cfg->store_ack_sweep_ms;
    int64_t next_sla = now + cfg->sla_sweep_ms, next_retry = INT64_MAX;
    int64_t next_digest = digest_next(g);   /* wall clock */
    int digest = next_digest != INT64_MAX;
    ot_alerts *alerts;
    int held = 0, flush, swept;

    pthread_mutex_lock(&h->lock);
    while (!h->stopping) {
        if (h->reloaded) {    /* a reload: the new config's intervals from now on */
            h->reloaded = 0;
            pthread_mutex_unlock(&h->lock);
            otd_live_release(&h->live, g);
            g = otd_live_acquire(&h->live);
            cfg = g->cfg;
            now = monotonic_ms();
            if (next_ack > now + cfg->store_ack_sweep_ms)
                next_ack = now + cfg->store_ack_sweep_ms;
            if (next_sla > now + cfg->sla_sweep_ms)
                next_sla = now + cfg->sla_sweep_ms;
            next_digest = digest_next(g);
            digest = next_digest != INT64_MAX;
            pthread_mutex_lock(&h->lock);
            continue;
        }
        int64_t until = next_ack < next_sla ? next_ack : next_sla;
        if (held && next_retry < until)
            until = next_retry;
        if (digest && monotonic_ms() + (next_digest - otd_clock_wall_ms(NULL)) < until)
            until = monotonic_ms() + (next_digest - otd_clock_wall_ms(NULL));
        while (!h->stopping && !h->alerts_due && !h->reloaded &&
               (now = monotonic_ms()) < until) {
            struct timespec ts;
            otc_deadline(&ts, until - now);
            pthread_cond_timedwait(&h->cond, &h->lock, &ts);
        }
        if (h->stopping)
            break;
        if (h->reloaded)
            continue;
        flush = h->alerts_due;
        h->alerts_due = 0;
        pthread_mutex_unlock(&h->lock);

        now = monotonic_ms();
        if (now >= next_ack) {
            store_ack_sweep(h, g->tracker);
            next_ack = monotonic_ms() + cfg->store_ack_sweep_ms;
        }
        swept = now >= next_sla;
        if (swept) {
            sla_sweep(h, g->tracker);
            gps_sweep(h, g->tracker, cfg->gps_gap_ms);
            next_sla = monotonic_ms() + cfg->sla_sweep_ms;
        }
        alerts = delivery_begin(h);
        if (swept && !digest)            /* the report of what happened since the last */
            mail_report(h, alerts, &cfg->alerts, 1);
        if (alerts && (flush || (held && now >= next_retry))) {
            flush_alerts(h, alerts, &held);
            next_retry = held ? monotonic_ms() + ALERT_RETRY_MS : INT64_MAX;
        }
        if (digest && otd_clock_wall_ms(NULL) >= next_digest) {
            mail_report(h, alerts, &cfg->alerts, 0);
            next_digest = digest_next(g);
        }
        delivery_end(h);
        pthread_mutex_lock(&h->lock);
    }
    pthread_mutex_unlock(&h->lock);
    if ((alerts = delivery_begin(h))) { /* what the last requests queued */
        flush_alerts(h, alerts, &held);
        mail_report(h, alerts, &cfg->alerts, 1);
    }
    delivery_end(h);
    otd_live_release(&h->live, g);
    return NULL;
}

/* A dispatcher for the `alerts` block `a`: HTTP through libordertrack-curl's port and a
 * resilient client (made once, shared by the dispatchers of every reload). 0, or an exit
 * status with the reason logged. */
static int alerts_make(struct host *h, const otc_alerts *a, ot_alerts **out,
                       ot_notice_sink *sink)
{
#ifdef OTD_HAVE_CURL
    ot_curl_options curl = OT_CURL_OPTIONS_INIT;
    ot_http_policy policy = OT_HTTP_POLICY_INIT;
    ot_alerts_config ac = OT_ALERTS_CONFIG_INIT;
    ot_http port;
    ot_error e;

    memset(&e, 0, sizeof e);
    curl.max_in_flight = 2;
    curl.default_timeout_ms = ALERT_TIMEOUT_MS;
    curl.max_response_bytes = 64 * 1024;
    policy.max_total_ms = ALERT_TOTAL_MS;
    if (!h->http) {
        if (ot_curl_http_new(&port, &curl, &e) != 0) {
            otc_logf(h->log, OTC_LOG_ERROR, "alerts: %s", e.message);
            return 1;
        }
        if (ot_http_client_new(&h->http, &port, &policy, NULL, &e) != 0) {
            port.close(port.userdata);
            otc_logf(h->log, OTC_LOG_ERROR, "alerts: %s", e.message);
            return 1;
        }
    }
    ac.http = h->http;
    ac.slack_webhook_url = a->slack_webhook_url;
    ac.rto_webhook_url = a->rto_webhook_url;
    if (!a->smtp_url)
        ac.report_capacity = 0; /* no alerts.email: nothing would take them */
    ac.timeout_ms = ALERT_TIMEOUT_MS;
    ac.userdata = h;
    ac.lookup = alert_lookup;
    if (ot_alerts_new(out, &ac, &e) != 0 || ot_alerts_sink(sink, *out, &e) != 0) {
        otc_logf(h->log, OTC_LOG_ERROR, "alerts%s%s: %s", e.field[0] ? "." : "", e.field,
                 e.message);
        ot_alerts_free(*out);
        *out = NULL;
        return e.code == OT_EINVAL ? OTD_EXIT_CONFIG : 1;
    }
    return 0;
#else
    (void)a;
    (void)out;
    (void)sink;
    otc_logf(h->log, OTC_LOG_ERROR, "alerts: this build has no HTTP client (OT_WITH_CURL=OFF)");
    return OTD_EXIT_CONFIG;
#endif
}

/* A tracker over the host's storage, sink, metrics and pii with cfg's limits and `sla`
 * (borrowed; NULL: the defaults). 0, or 1 with the reason logged. */
static int tracker_make(struct host *h, const otd_config *cfg, const ot_sla_policies *sla,
                        ot_notice_sink *sink, ot_tracker **out)
{
    ot_tracker_options opt = OT_TRACKER_OPTIONS_INIT;
    ot_error e;

    memset(&e, 0, sizeof e);
    opt.storage = h->storage;
    opt.notices = sink;
    opt.sla = sla;
    opt.metrics = h->app.metrics; /* one registry: the daemon's and the tracker's metrics */
    opt.pii = h->pii;
    opt.escalation = &cfg->escalation;
    /* the store's rules (limits.location_trail, clock_skew_ms, max_*) */
    opt.location_trail = cfg->rules.location_trail;
    opt.clock_skew_ms = cfg->rules.clock_skew_ms;
    opt.max_issues = cfg->rules.max_issues;
    opt.max_substitutions = cfg->rules.max_substitutions;
    opt.max_metadata_bytes = cfg->rules.max_metadata_bytes;
    opt.max_record_bytes = cfg->rules.max_record_bytes;
    opt.outbox = h->app.cfg->outbox.enabled; /* restart-only: the start-up config's */
    if (ot_tracker_new(out, &opt, &e) != 0 ||
        ot_tracker_set_couriers(*out, h->app.couriers, &e) != 0) {
        otc_logf(h->log, OTC_LOG_ERROR, "%s%s%s", e.field, e.field[0] ? ": " : "", e.message);
        return 1;
    }
    return 0;
}

/* A generation over *cfg (taken over with `take`, else borrowed): its SLA policies, tracker
 * and request pipeline. 0, or an exit status with the reason (naming the member) logged. */
static int generation_make(struct host *h, otd_config *cfg, int take, otd_generation **out)
{
    ot_notice_sink sink = OT_NOTICE_SINK_INIT;
    otd_generation *g;
    ot_error e;
    char *sla;
    int rc = 0;

    memset(&e, 0, sizeof e);
    if (otd_generation_new(&g, cfg, take, &h->app) != 0) {
        otc_logf(h->log, OTC_LOG_ERROR, "out of memory");
        return 1;
    }
    if (g->cfg->sla) {
        sla = json_dumps(g->cfg->sla, JSON_COMPACT);
        rc = sla ? ot_sla_policies_from_json(&g->sla, sla, strlen(sla), &e) : OT_ENOMEM;
        free(sla);
        if (rc != 0) {
            otc_logf(h->log, OTC_LOG_ERROR, "%s: %s", e.field[0] ? e.field : "sla", e.message);
            otd_generation_free(g);
            return OTD_EXIT_CONFIG;
        }
    }
    sink.userdata = h;
    sink.notify = on_notice;
    if (tracker_make(h, g->cfg, g->sla, &sink, &g->tracker) != 0) {
        otd_generation_free(g);
        return 1;
    }
    g->app.tracker = g->tracker;
    *out = g;
    return 0;
}

/* Storage, metrics, alerts, tracker, event hub, the first config generation (over cfg,
 * which must outlive the host), housekeeping thread. 0, or an exit status. */
static int host_open(struct host *h, otd_config *cfg)
{
    ot_notice_sink sink = OT_NOTICE_SINK_INIT;
    ot_sla_sweep_result round = OT_SLA_SWEEP_RESULT_INIT;
    ot_escalation_sweep_result ack_round = OT_ESCALATION_SWEEP_RESULT_INIT;
    otd_generation *first;
    char err[512];
    ot_error e;
    ot_storage *watched;
    int rc;

    memset(&e, 0, sizeof e);
    h->sla_round = round;
    h->ack_round = ack_round;
    if (otc_cond_init_monotonic(&h->cond) != 0 || pthread_mutex_init(&h->lock, NULL) != 0 ||
        pthread_mutex_init(&h->delivery, NULL) != 0) {
        otc_logf(h->log, OTC_LOG_ERROR, "cannot set up the housekeeping thread");
        return 1;
    }
    h->sync_ready = 1;

    otc_log_route_mongoc(h->log); /* before libmongoc says anything */
    if ((rc = storage_open_uri(&h->storage, cfg->storage, err, sizeof err)) != 0) {
        otc_logf(h->log, OTC_LOG_ERROR, "%s", err);
        return rc;
    }
    /* /healthz reports how the last write ended (storage_probe.h) */
    if (!(watched = otd_storage_watch_new(h->storage))) {
        otc_logf(h->log, OTC_LOG_ERROR, "cannot watch the storage");
        return 1;
    }
    h->storage = watched;
    if (cfg->alerts.present && (rc = alerts_make(h, &cfg->alerts, &h->alerts,
                                                 &h->alert_sink)) != 0)
        return rc;
    if (cfg->pii.n_keys) {
        ot_pii_key_provider keys;
        piiconf_provider(&keys, &cfg->pii);  /* the start-up config's keys, for good */
        if (ot_pii_new(&h->pii, &keys, &e) != 0) {
            otc_logf(h->log, OTC_LOG_ERROR, "pii.%s: %s", e.field[0] ? e.field : "key",
                     e.message);
            return OTD_EXIT_CONFIG;
        }
    }
    sink.userdata = h;
    sink.notify = on_notice;
    h->app.couriers = cfg->couriers; /* the start-up config outlives the host */
    if ((rc = tracker_make(h, cfg, NULL, &sink, &h->tracker)) != 0)
        return rc;
    h->app.tracker = h->tracker;
    h->app.storage_probe = otd_storage_probe;
    h->app.probe_ctx = h->storage;
    h->app.storage = h->storage;
    h->app.openapi_json = otd_openapi_json;
    h->app.openapi_json_len = otd_openapi_json_len;
    h->app.page = &otd_page_bundle_embedded;
    h->events = otd_events_new(&h->app, cfg->max_event_streams,
                               cfg->max_event_streams_per_key, cfg->event_heartbeat_ms,
                               cfg->location_event_ms);
    h->app.events = h->events;
    if (!h->events) {
        otc_logf(h->log, OTC_LOG_ERROR, "cannot start the event streams");
        return 1;
    }
    h->relay_notices = sink;
    if ((rc = otd_outbound_start(&h->outbound, cfg, h->storage, h->events, h->log,
                                 &h->relay_notices)) != 0)
        return rc;
    if ((rc = generation_make(h, cfg, 0, &first)) != 0)
        return rc;
    if (otd_live_init(&h->live, first) != 0) {
        otd_generation_free(first);
        return 1;
    }
    h->live_ready = 1;
    h->app.live = &h->live;
    if (pthread_create(&h->housekeeper, NULL, housekeeper_main, h) != 0) {
        otc_logf(h->log, OTC_LOG_ERROR, "cannot start the background threads");
        return 1;
    }
    h->housekeeper_started = 1;
    if (cfg->dispatch.present) {
#ifdef OTD_HAVE_CURL
        if ((rc = otd_dispatcher_start(&h->dispatcher, &cfg->dispatch, &h->live, h->log)))
            return rc;
#else
        otc_logf(h->log, OTC_LOG_ERROR, "dispatch: this build has no HTTP client "
                                        "(OT_WITH_CURL=OFF)");
        return OTD_EXIT_CONFIG;
#endif
    }
    if (cfg->reconcile.present) {
#ifdef OTD_HAVE_CURL
        if ((rc = otd_reconciler_start(&h->reconciler, &cfg->reconcile, h->app.couriers,
                                       h->app.metrics, &h->live, h->log, reconcile_alert, h)))
            return rc;
#else
        otc_logf(h->log, OTC_LOG_ERROR, "reconcile: this build has no HTTP client "
                                        "(OT_WITH_CURL=OFF)");
        return OTD_EXIT_CONFIG;
#endif
    }
    return 0;
}

static void host_close(struct host *h)
{
#ifdef OTD_HAVE_CURL
    otd_reconciler_stop(h->reconciler);
    otd_dispatcher_stop(h->dispatcher);
#endif
    if (h->housekeeper_started) {
        otc_signal_stop(&h->lock, &h->cond, &h->stopping);
        pthread_join(h->housekeeper, NULL);
    }
    otd_outbound_stop(h->outbound);
    otd_events_free(h->events);
    if (h->live_ready)
        otd_live_destroy(&h->live);
    ot_tracker_free(h->tracker);
    ot_alerts_free(h->alerts); /* after the trackers that held its sink */
    ot_http_client_free(h->http);
    ot_pii_free(h->pii);
    ot_storage_close(h->storage);
    if (h->sync_ready) {
        pthread_cond_destroy(&h->cond);
        pthread_mutex_destroy(&h->lock);
        pthread_mutex_destroy(&h->delivery);
    }
}

static void log_needs_restart(void *ctx, const char *member)
{
    const struct host *h = ctx;

    otc_log_write(h->log, OTC_LOG_WARN, "config reload: needs restart: the running value stays",
                  json_pack("{ss}", "member", member));
}

/* SIGHUP: read the config file again (with the same command line) and make it current, or
 * keep the running one and log why. */
static void reload(struct host *h)
{
    otd_generation *running = otd_live_acquire(&h->live), *next = NULL;
    ot_alerts *alerts = NULL, *old;
    ot_notice_sink sink = OT_NOTICE_SINK_INIT;
    otd_config cfg;
    char err[512];
    int ok = 0;

    if (running->cfg->generated_admin_key) {
        otc_logf(h->log, OTC_LOG_WARN, "config reload: started without --config: nothing "
                                       "to read, the running config stays");
        goto out;
    }
    if (otd_config_from_args(&cfg, h->argc, h->argv, err, sizeof err) != 0) {
        otd_config_free(&cfg);
        otc_log_write(h->log, OTC_LOG_ERROR, "config reload refused: the running config stays",
                      json_pack("{ss}", "reason", err));
        goto out;
    }
    otd_config_restart_diff(running->cfg, &cfg, log_needs_restart, h);
    if (cfg.alerts.present && alerts_make(h, &cfg.alerts, &alerts, &sink) != 0) {
        otd_config_free(&cfg);
        otc_logf(h->log, OTC_LOG_ERROR, "config reload refused: the running config stays");
        goto out;
    }
    if (generation_make(h, &cfg, 1, &next) != 0) {
        ot_alerts_free(alerts);
        otc_logf(h->log, OTC_LOG_ERROR, "config reload refused: the running config stays");
        goto out;
    }
    /* the new dispatcher takes the notices from now on; the old one delivers what it holds
     * once more and goes */
    pthread_mutex_lock(&h->delivery);
    pthread_mutex_lock(&h->lock);
    old = h->alerts;
    h->alerts = alerts;
    h->alert_sink = sink;
    pthread_mutex_unlock(&h->lock);
    if (old) {
        int held;
        flush_alerts(h, old, &held);
        mail_report(h, old, &running->cfg->alerts, 1);
        ot_alerts_free(old);
    }
    pthread_mutex_unlock(&h->delivery);
    otd_live_swap(&h->live, next);
    pthread_mutex_lock(&h->lock);
    h->reloaded = 1;              /* the housekeeping thread takes the new config */
    pthread_cond_signal(&h->cond);
    pthread_mutex_unlock(&h->lock);
    otc_log_write(h->log, OTC_LOG_INFO, "config reloaded",
                  json_pack("{sI sI}", "generation", (json_int_t)next->number, "api_keys",
                            (json_int_t)next->cfg->n_keys));
    ok = 1;
out:
    otd_metrics_count_reload(h->app.metrics, ok);
    otd_live_release(&h->live, running);
}

static int run(otd_config *cfg, otc_log *log, int argc, char **argv)
{
    struct host h;
    otd_server *server;
    char err[512];
    int fds[2] = {-1, -1}, rc;

    memset(&h, 0, sizeof h);
    h.log = log;
    h.argc = argc;
    h.argv = argv;
    /* The shared app: its cfg (the start-up config) gives what is read once (listen address,
     * threads, connection limits); requests run on the generations' apps. */
    if (otd_app_init(&h.app, cfg, NULL, NULL) != 0) {
        otc_logf(log, OTC_LOG_ERROR, "out of memory");
        return 1;
    }
    h.app.log = log;
    if ((rc = host_open(&h, cfg)) != 0)
        goto out;
    rc = 1;
    if (setup_signals(fds) != 0) {
        otc_logf(log, OTC_LOG_ERROR, "cannot set up signal handling: %s", strerror(errno));
        goto out;
    }
    server = otd_server_start(&h.app, err, sizeof err);
    if (!server) {
        otc_logf(log, OTC_LOG_ERROR, "%s", err);
        goto out;
    }
    if (cfg->generated_admin_key) { /* stdout: the one thing printed there */
        printf("admin key: %s\n", cfg->generated_admin_key);
        fflush(stdout);
    }
    otc_logf(log, OTC_LOG_INFO, "listening on %s%s%s:%u (storage %s, %u threads)",
             cfg->ipv6 ? "[" : "", cfg->host, cfg->ipv6 ? "]" : "", otd_server_port(server),
             storage_uri_shown(err, sizeof err, cfg->storage), cfg->threads);
    while (wait_for_signal(fds[0]) == SIGHUP)
        reload(&h);
    otc_logf(log, OTC_LOG_INFO, "stopping: finishing requests in flight");
    otd_events_shutdown(h.events);
    otd_server_stop(server, DRAIN_MS);
    otc_logf(log, OTC_LOG_INFO, "stopped");
    rc = 0;
out:
    wake_fd = -1;
    for (int i = 0; i < 2; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    host_close(&h);
    otd_app_cleanup(&h.app);
    return rc;
}

int main(int argc, char **argv)
{
    otc_log log = OTC_LOG_INIT("ordertrackd");
    otd_config cfg;
    char err[512];
    int rc;

    for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
        if (strcmp(argv[i], "--version") == 0) {
            printf("ordertrackd %s\n", ot_version_string());
            return OTC_EXIT_OK;
        }
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            help();
            return OTC_EXIT_OK;
        }
    }
    rc = otd_config_from_args(&cfg, argc, argv, err, sizeof err);
    if (rc == OTD_EXIT_USAGE) {
        fprintf(stderr, "ordertrackd: %s (try --help)\n", err);
        otd_config_free(&cfg);
        return rc;
    }
    if (rc != 0) {
        otc_logf(&log, OTC_LOG_ERROR, "%s", err);
        otd_config_free(&cfg);
        return rc;
    }
    log.level = cfg.log_level;
    log.format = cfg.log_format;
    rc = run(&cfg, &log, argc, argv);
    otd_config_free(&cfg);
    return rc;
}
