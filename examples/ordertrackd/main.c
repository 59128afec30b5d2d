/* ordertrackd: start-up (config, exit status 2 on a bad one), the tracker with its SLA
 * policies, metrics and notice sink (event streams, alerts), the housekeeping thread (sweeps,
 * alert delivery), the server, and a graceful stop on SIGTERM/SIGINT through a self-pipe. */
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
#include "events.h"
#include "server.h"
#include "storage_open.h"
#include "storage_probe.h"

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
          "       ordertrackd --help | --version\n"
          "\n"
          "Serves the order-tracking REST API. Flags override the config file.\n"
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
    if (sigaction(SIGTERM, &sa, NULL) != 0 || sigaction(SIGINT, &sa, NULL) != 0)
        return -1;
    sa.sa_handler = SIG_IGN;
    /* Over RLIMIT_FSIZE a write fails with EFBIG (the storage answers 503) instead of the
     * signal killing the daemon. */
    if (sigaction(SIGXFSZ, &sa, NULL) != 0)
        return -1;
    return sigaction(SIGPIPE, &sa, NULL);
}

/* Block until a signal writes to the pipe. */
static void wait_for_signal(int fd)
{
    struct pollfd p = {fd, POLLIN, 0};
    char c;

    while (poll(&p, 1, -1) < 0 && errno == EINTR)
        ;
    while (read(fd, &c, 1) > 0)
        ;
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
    otd_app app;
    ot_storage *storage;
    ot_tracker *tracker;
    ot_sla_policies *sla;
    ot_pii *pii;                 /* the "pii" config key: personal data sealed at rest */
    otd_events *events;
    ot_http_client *http;      /* alerts only */
    ot_alerts *alerts;         /* NULL without an `alerts` block */
    ot_notice_sink alert_sink; /* the dispatcher's sink, chained from on_notice */
    ot_sla_sweep_result sla_round; /* kept between chunks of one SLA sweep */
    ot_escalation_sweep_result ack_round; /* and of one store-acknowledgment sweep */
    pthread_t housekeeper;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int housekeeper_started, sync_ready, stopping, alerts_due;
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
    if (h->alerts) {
        h->alert_sink.notify(h->alert_sink.userdata, n);
        /* Wake the housekeeping thread to deliver it; the sink itself never blocks. */
        pthread_mutex_lock(&h->lock);
        h->alerts_due = 1;
        pthread_cond_signal(&h->cond);
        pthread_mutex_unlock(&h->lock);
    }
}

#ifdef OTD_HAVE_CURL
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
    if (ot_provider_is_parcel(ot_order_provider(order), NULL) == 1 &&
        ot_provider_to_string(&name, ot_order_provider(order), NULL) == 0)
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
static void sla_sweep(struct host *h)
{
    ot_sla_sweep_result *r = &h->sla_round;
    ot_error e;

    do {
        memset(&e, 0, sizeof e);
        if (ot_tracker_sla_sweep(r, h->tracker, 0, SLA_SWEEP_CHUNK, &e) != 0) {
            fprintf(stderr, "ordertrackd: SLA sweep: %s\n", e.message);
            r->resume[0] = '\0'; /* start the next round from the beginning */
            return;
        }
    } while (!r->complete && !host_stopping(h));
}

/* One store-acknowledgment round (the library's escalation ladder), in chunks likewise. */
static void store_ack_sweep(struct host *h)
{
    ot_escalation_sweep_result *r = &h->ack_round;
    ot_error e;

    do {
        memset(&e, 0, sizeof e);
        if (ot_tracker_store_ack_sweep(r, h->tracker, 0, SLA_SWEEP_CHUNK, &e) != 0) {
            fprintf(stderr, "ordertrackd: store-acknowledgment sweep: %s\n", e.message);
            r->resume[0] = '\0';
            return;
        }
    } while (!r->complete && !host_stopping(h));
}

static void flush_alerts(struct host *h, int *held)
{
    ot_alerts_stats st = OT_ALERTS_STATS_INIT;
    ot_error e;

    memset(&e, 0, sizeof e);
    if (ot_alerts_flush(h->alerts, &st, &e) != 0)
        fprintf(stderr, "ordertrackd: alerts: %s (%llu sent, %llu failed, %llu dropped)\n",
                e.message, (unsigned long long)st.sent, (unsigned long long)st.failed,
                (unsigned long long)st.dropped);
    if (st.overflow || st.lost)
        fprintf(stderr, "ordertrackd: alerts: %llu notices not queued (queue full or no "
                        "memory)\n", (unsigned long long)(st.overflow + st.lost));
    *held = st.pending > 0;
}

/* alerts.email: mail the report (with `if_any`, only when some alert waits). */
static void mail_report(struct host *h, int if_any)
{
#ifdef OTD_HAVE_CURL
    char why[OT_ERROR_MESSAGE_SIZE];

    if (h->alerts && h->app.cfg->alerts.smtp_url &&
        otc_alerts_mail(h->alerts, &h->app.cfg->alerts, if_any, why, sizeof why) < 0)
        fprintf(stderr, "ordertrackd: alerts.email: %s\n", why);
#else
    (void)h;
    (void)if_any;
#endif
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
    const otd_config *cfg = h->app.cfg;
    int64_t now = monotonic_ms(), next_ack = now + cfg->store_ack_sweep_ms;
    int64_t next_sla = now + cfg->sla_sweep_ms, next_retry = INT64_MAX;
    int digest = h->alerts && cfg->alerts.smtp_url && cfg->alerts.digest_minute >= 0;
    int64_t next_digest = digest ? otc_alerts_digest_next(&cfg->alerts, otd_clock_wall_ms(NULL))
                                 : INT64_MAX;   /* wall clock */
    int held = 0, flush;

    pthread_mutex_lock(&h->lock);
    while (!h->stopping) {
        int64_t until = next_ack < next_sla ? next_ack : next_sla;
        if (held && next_retry < until)
            until = next_retry;
        if (digest && monotonic_ms() + (next_digest - otd_clock_wall_ms(NULL)) < until)
            until = monotonic_ms() + (next_digest - otd_clock_wall_ms(NULL));
        while (!h->stopping && !h->alerts_due && (now = monotonic_ms()) < until) {
            struct timespec ts;
            clock_gettime(CLOCK_MONOTONIC, &ts);
            int64_t wait = until - now;
            ts.tv_sec += (time_t)(wait / 1000);
            ts.tv_nsec += (long)(wait % 1000) * 1000000L;
            if (ts.tv_nsec >= 1000000000L)
                ts.tv_sec++, ts.tv_nsec -= 1000000000L;
            pthread_cond_timedwait(&h->cond, &h->lock, &ts);
        }
        if (h->stopping)
            break;
        flush = h->alerts_due;
        h->alerts_due = 0;
        pthread_mutex_unlock(&h->lock);

        now = monotonic_ms();
        if (now >= next_ack) {
            store_ack_sweep(h);
            next_ack = monotonic_ms() + cfg->store_ack_sweep_ms;
        }
        if (now >= next_sla) {
            sla_sweep(h);
            next_sla = monotonic_ms() + cfg->sla_sweep_ms;
            if (!digest)                 /* the report of what happened since the last */
                mail_report(h, 1);
        }
        if (h->alerts && (flush || (held && now >= next_retry))) {
            flush_alerts(h, &held);
            next_retry = held ? monotonic_ms() + ALERT_RETRY_MS : INT64_MAX;
        }
        if (digest && otd_clock_wall_ms(NULL) >= next_digest) {
            mail_report(h, 0);
            next_digest = otc_alerts_digest_next(&cfg->alerts, otd_clock_wall_ms(NULL));
        }
        pthread_mutex_lock(&h->lock);
    }
    pthread_mutex_unlock(&h->lock);
    if (h->alerts) { /* what the last requests queued */
        flush_alerts(h, &held);
        mail_report(h, 1);
    }
    return NULL;
}

/* The alert dispatcher of the `alerts` block: HTTP through libordertrack-curl's port and a
 * resilient client. 0, or an exit status. */
static int alerts_open(struct host *h, const otc_alerts *a)
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
    if (ot_curl_http_new(&port, &curl, &e) != 0) {
        fprintf(stderr, "ordertrackd: alerts: %s\n", e.message);
        return 1;
    }
    if (ot_http_client_new(&h->http, &port, &policy, NULL, &e) != 0) {
        port.close(port.userdata);
        fprintf(stderr, "ordertrackd: alerts: %s\n", e.message);
        return 1;
    }
    ac.http = h->http;
    ac.slack_webhook_url = a->slack_webhook_url;
    ac.rto_webhook_url = a->rto_webhook_url;
    if (!a->smtp_url)
        ac.report_capacity = 0; /* no alerts.email: nothing would take them */
    ac.timeout_ms = ALERT_TIMEOUT_MS;
    ac.userdata = h;
    ac.lookup = alert_lookup;
    if (ot_alerts_new(&h->alerts, &ac, &e) != 0 ||
        ot_alerts_sink(&h->alert_sink, h->alerts, &e) != 0) {
        fprintf(stderr, "ordertrackd: alerts%s%s: %s\n", e.field[0] ? "." : "", e.field,
                e.message);
        return e.code == OT_EINVAL ? OTD_EXIT_CONFIG : 1;
    }
    return 0;
#else
    (void)h;
    (void)a;
    fprintf(stderr, "ordertrackd: alerts: this build has no HTTP client (OT_WITH_CURL=OFF)\n");
    return OTD_EXIT_CONFIG;
#endif
}

/* Storage, SLA policies, alerts, tracker, event hub, housekeeping thread. 0, or an
 * exit status. */
static int host_open(struct host *h, const otd_config *cfg)
{
    ot_tracker_options opt = OT_TRACKER_OPTIONS_INIT;
    ot_notice_sink sink = OT_NOTICE_SINK_INIT;
    ot_sla_sweep_result round = OT_SLA_SWEEP_RESULT_INIT;
    ot_escalation_sweep_result ack_round = OT_ESCALATION_SWEEP_RESULT_INIT;
    pthread_condattr_t attr;
    char err[512], *sla;
    ot_error e;
    ot_storage *watched;
    int rc;

    memset(&e, 0, sizeof e);
    h->sla_round = round;
    h->ack_round = ack_round;
    if (pthread_condattr_init(&attr) != 0 ||
        pthread_condattr_setclock(&attr, CLOCK_MONOTONIC) != 0 ||
        pthread_cond_init(&h->cond, &attr) != 0 || pthread_mutex_init(&h->lock, NULL) != 0) {
        fprintf(stderr, "ordertrackd: cannot set up the housekeeping thread\n");
        return 1;
    }
    pthread_condattr_destroy(&attr);
    h->sync_ready = 1;

    if ((rc = storage_open_uri(&h->storage, cfg->storage, err, sizeof err)) != 0) {
        fprintf(stderr, "ordertrackd: %s\n", err);
        return rc;
    }
    /* /healthz reports how the last write ended (storage_probe.h) */
    if (!(watched = otd_storage_watch_new(h->storage))) {
        fprintf(stderr, "ordertrackd: cannot watch the storage\n");
        return 1;
    }
    h->storage = watched;
    if (cfg->sla) {
        sla = json_dumps(cfg->sla, JSON_COMPACT);
        rc = sla ? ot_sla_policies_from_json(&h->sla, sla, strlen(sla), &e) : OT_ENOMEM;
        free(sla);
        if (rc != 0) {
            fprintf(stderr, "ordertrackd: %s: %s\n", e.field[0] ? e.field : "sla", e.message);
            return OTD_EXIT_CONFIG;
        }
    }
    if (cfg->alerts.present && (rc = alerts_open(h, &cfg->alerts)) != 0)
        return rc;
    if (cfg->pii.n_keys) {
        ot_pii_key_provider keys;
        piiconf_provider(&keys, &cfg->pii);
        if (ot_pii_new(&h->pii, &keys, &e) != 0) {
            fprintf(stderr, "ordertrackd: pii.%s: %s\n", e.field[0] ? e.field : "key",
                    e.message);
            return OTD_EXIT_CONFIG;
        }
        opt.pii = h->pii;
    }
    sink.userdata = h;
    sink.notify = on_notice;
    opt.storage = h->storage;
    opt.notices = &sink;
    opt.sla = h->sla;
    opt.metrics = h->app.metrics; /* one registry: the daemon's and the tracker's metrics */
    opt.escalation = &cfg->escalation;
    opt.location_trail = cfg->location_trail;
    opt.clock_skew_ms = cfg->clock_skew_ms;
    opt.max_issues = cfg->max_issues;
    opt.max_substitutions = cfg->max_substitutions;
    opt.max_metadata_bytes = cfg->max_metadata_bytes;
    opt.max_record_bytes = cfg->max_record_bytes;
    if (ot_tracker_new(&h->tracker, &opt, &e) != 0) {
        fprintf(stderr, "ordertrackd: %s\n", e.message);
        return 1;
    }
    h->app.tracker = h->tracker;
    h->app.storage_probe = otd_storage_probe;
    h->app.probe_ctx = h->storage;
    h->events = otd_events_new(&h->app, cfg->max_event_streams,
                               cfg->max_event_streams_per_key, cfg->event_heartbeat_ms,
                               cfg->location_event_ms);
    h->app.events = h->events;
    if (!h->events || pthread_create(&h->housekeeper, NULL, housekeeper_main, h) != 0) {
        fprintf(stderr, "ordertrackd: cannot start the background threads\n");
        return 1;
    }
    h->housekeeper_started = 1;
    return 0;
}

static void host_close(struct host *h)
{
    if (h->housekeeper_started) {
        pthread_mutex_lock(&h->lock);
        h->stopping = 1;
        pthread_cond_signal(&h->cond);
        pthread_mutex_unlock(&h->lock);
        pthread_join(h->housekeeper, NULL);
    }
    otd_events_free(h->events);
    ot_tracker_free(h->tracker);
    ot_alerts_free(h->alerts); /* after the tracker that held its sink */
    ot_http_client_free(h->http);
    ot_pii_free(h->pii);
    ot_sla_policies_free(h->sla);
    ot_storage_close(h->storage);
    if (h->sync_ready) {
        pthread_cond_destroy(&h->cond);
        pthread_mutex_destroy(&h->lock);
    }
}

static int run(const otd_config *cfg)
{
    struct host h;
    otd_server *server;
    char err[512];
    int fds[2] = {-1, -1}, rc;

    memset(&h, 0, sizeof h);
    if (otd_app_init(&h.app, cfg, NULL, NULL) != 0) {
        fprintf(stderr, "ordertrackd: out of memory\n");
        return 1;
    }
    if ((rc = host_open(&h, cfg)) != 0)
        goto out;
    rc = 1;
    if (setup_signals(fds) != 0) {
        fprintf(stderr, "ordertrackd: cannot set up signal handling: %s\n", strerror(errno));
        goto out;
    }
    server = otd_server_start(&h.app, err, sizeof err);
    if (!server) {
        fprintf(stderr, "ordertrackd: %s\n", err);
        goto out;
    }
    if (cfg->generated_admin_key) {
        printf("admin key: %s\n", cfg->generated_admin_key);
        fflush(stdout);
    }
    fprintf(stderr, "ordertrackd: listening on %s%s%s:%u (storage %s, %u threads)\n",
            cfg->ipv6 ? "[" : "", cfg->host, cfg->ipv6 ? "]" : "", otd_server_port(server),
            cfg->storage, cfg->threads);
    wait_for_signal(fds[0]);
    fprintf(stderr, "ordertrackd: stopping: finishing requests in flight\n");
    otd_events_shutdown(h.events);
    otd_server_stop(server, DRAIN_MS);
    fprintf(stderr, "ordertrackd: stopped\n");
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
    if (rc == OTD_EXIT_USAGE)
        fprintf(stderr, "ordertrackd: %s (try --help)\n", err);
    else if (rc != 0)
        fprintf(stderr, "ordertrackd: %s\n", err);
    if (rc == 0)
        rc = run(&cfg);
    otd_config_free(&cfg);
    return rc;
}
