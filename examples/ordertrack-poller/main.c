/* ordertrack-poller: polls the couriers of seed 001 into the same storage as ordertrackd.
 * `--once` runs every (or the named) tracker one time and exits 0 when every run was "ok"
 * (1 if any was "failed" or "partial"); `--rounds N [--interval-ms MS]` does that N times
 * in one process (the alert state carries over: tests, catch-up); otherwise every tracker
 * runs at start-up and then on its cron schedule, skipping a run while its previous run is
 * still active, until SIGTERM or SIGINT. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ordertrack/ordertrack.h>
#include <ordertrack/alerts.h>
#include <ordertrack/adapters/curl.h>
#include <ordertrack/poll.h>
#include <ordertrack/tracker.h>

#include "alertsmail.h"
#include "cmdline.h"
#include "config.h"
#include "courierdefs.h"
#include "log.h"
#include "log_mongoc.h"
#include "scheduler.h"
#include "storage_open.h"

/* Everything a run needs; shared read-only by the worker threads (the tracker, the HTTP
 * client and the courier clients are thread-safe). */
struct poller {
    otp_config cfg;
    ot_storage *storage;
    ot_tracker *tracker;
    ot_http_client *http;
    ot_courier_client *clients[OTC_COURIERS_MAX]; /* parallel to cfg.couriers.list */
    ot_alerts *alerts;             /* NULL without an "alerts" block */
    ot_pii *pii;                   /* NULL without a "pii" block */
    int64_t next_digest_ms;        /* alerts.email.daily_digest_at: the next one (atomic) */
    const otc_log *log;            /* every log line; stdout has the run summaries only */
};

static int stop_pipe[2] = {-1, -1}; /* the signal handler's only state */

static void on_signal(int sig)
{
    int saved = errno;
    (void)sig;
    if (write(stop_pipe[1], "x", 1) < 0) {
        /* nothing to do: the loop is already waking up */
    }
    errno = saved;
}

enum { ARG_CONFIG, ARG_ONCE, ARG_ROUNDS, ARG_INTERVAL, ARG_TRACKER, ARG_LOG_FORMAT,
       ARG_LOG_LEVEL, ARG_HELP, ARG_H, ARG_VERSION };

static const otc_option options[] = {
    [ARG_CONFIG] = {"--config", "FILE", "the JSON configuration (required)"},
    [ARG_ONCE] = {"--once", NULL, "run every tracker one time and exit"},
    [ARG_ROUNDS] = {"--rounds", "N", "run every tracker N times (1..1000000) and exit"},
    [ARG_INTERVAL] = {"--interval-ms", "MS", "the pause between two rounds (0..86400000)"},
    [ARG_TRACKER] = {"--tracker", "NAME", "run only this tracker of the config"},
    [ARG_LOG_FORMAT] = {"--log-format", "json|text", "the log's format (default text)"},
    [ARG_LOG_LEVEL] = {"--log-level", "debug|info|warn|error",
                       "the least level logged (default info)"},
    [ARG_HELP] = {"--help", NULL, "print this help and exit"},
    [ARG_H] = {"-h", NULL, "the same as --help"},
    [ARG_VERSION] = {"--version", NULL, "print the version and exit"},
};

static void help(void)
{
    fputs("usage: ordertrack-poller --config FILE [--once | --rounds N [--interval-ms MS]]\n"
          "                         [--tracker NAME] [--log-format json|text]\n"
          "                         [--log-level debug|info|warn|error]\n"
          "       ordertrack-poller --help | --version\n"
          "\n"
          "Polls the couriers' tracking APIs into the order store, on each tracker's cron\n"
          "schedule until SIGTERM/SIGINT, or once with --once/--rounds.\n"
          "\n",
          stdout);
    otc_options_print(stdout, options, sizeof options / sizeof options[0]);
    fputs("\nExit status: 0 ok, 1 a run failed or was partial (or a runtime failure),\n"
          "2 configuration refused, 64 usage error. See ordertrack-poller(8).\n",
          stdout);
}

/* A command-line error: one line naming it, and OTC_EXIT_USAGE. */
static int usage_error(const char *why)
{
    fprintf(stderr, "ordertrack-poller: %s (try --help)\n", why);
    return OTC_EXIT_USAGE;
}

/* A whole number in [min, max] for the option `name`, or -1 with the error printed. */
static long number_arg(const char *name, const char *text, long min, long max)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(text, &end, 10);
    if (errno || end == text || *end || v < min || v > max) {
        fprintf(stderr, "ordertrack-poller: %s: '%s' is not a number in %ld..%ld (try --help)\n",
                name, text, min, max);
        return -1;
    }
    return v;
}

static ot_courier_client *client_for(const struct poller *p, const otp_tracker *t)
{
    size_t i;
    for (i = 0; i < p->cfg.couriers.n; i++)
        if (&p->cfg.couriers.list[i] == t->courier)
            return p->clients[i];
    return NULL;
}

/* The alert dispatcher asks for what notices do not carry: the courier and the AWB. */
static void alert_lookup(void *userdata, const char *store_id, const char *order_id,
                         char *courier, size_t courier_size, char *awb, size_t awb_size)
{
    struct poller *p = userdata;
    ot_order *o = NULL;
    const char *name = NULL;
    (void)store_id;
    if (ot_tracker_get(&o, p->tracker, order_id, NULL) != 0)
        return;
    name = courierdefs_name(p->cfg.registry, ot_order_provider(o));
    snprintf(courier, courier_size, "%s", name);
    if (ot_order_tracking_id(o))
        snprintf(awb, awb_size, "%s", ot_order_tracking_id(o));
    ot_order_free(o);
}

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* After a run: record the tracker's health (one alert when it goes down, one when it
 * recovers; a run that sent no request proves nothing), deliver the Slack and RTO messages,
 * and mail the report when something happened since the previous one, or, with
 * alerts.email.daily_digest_at, only as the daily digest, from the first run at or after
 * that time. */
static void deliver_alerts(struct poller *p, const otp_tracker *t, const ot_poll_summary *sum,
                           int failed, const char *error)
{
    const otc_alerts *a = &p->cfg.alerts;
    ot_alerts_stats stats = OT_ALERTS_STATS_INIT;
    char reason[OT_ERROR_MESSAGE_SIZE + 64], why[OT_ERROR_MESSAGE_SIZE];
    int64_t now, due;
    int mail = 1, if_any = 1;
    ot_error err;

    if (!p->alerts)
        return;
    if (error)
        snprintf(reason, sizeof reason, "%s", error);
    else
        snprintf(reason, sizeof reason, "%zu of %zu requests failed; the first: %s",
                 sum->failed_requests, sum->requests, sum->first_failure.message);
    if ((failed || sum->requests > 0) &&
        ot_alerts_integration(p->alerts, t->name, !failed, reason, 0, &err) != 0)
        otc_logf(p->log, OTC_LOG_ERROR, "%s: alerts: %s", t->name, err.message);
    if (ot_alerts_flush(p->alerts, &stats, &err) != 0)
        otc_logf(p->log, OTC_LOG_ERROR, "%s: alerts: %s", t->name, err.message);
    else if (stats.failed || stats.dropped || stats.overflow)
        otc_logf(p->log, OTC_LOG_WARN, "%s: alerts: %llu sent, %llu failed (kept), "
                                       "%llu dropped, %llu refused", t->name,
                 (unsigned long long)stats.sent, (unsigned long long)stats.failed,
                 (unsigned long long)stats.dropped, (unsigned long long)stats.overflow);
    if (!a->smtp_url)
        return;
    if (a->digest_minute >= 0) {        /* one run takes the digest: compare and swap */
        now = wall_ms();
        due = __atomic_load_n(&p->next_digest_ms, __ATOMIC_ACQUIRE);
        mail = now >= due &&
               __atomic_compare_exchange_n(&p->next_digest_ms, &due,
                                           otc_alerts_digest_next(a, now), 0, __ATOMIC_ACQ_REL,
                                           __ATOMIC_ACQUIRE);
        if_any = 0;
    }
    if (mail && otc_alerts_mail(p->alerts, a, if_any, why, sizeof why) < 0)
        otc_logf(p->log, OTC_LOG_ERROR, "%s: e-mail report: %s", t->name, why);
}

/* One run of one tracker: a poll cycle, then its summary as one JSON line on stdout. */
static int run_tracker(const otp_tracker *t, void *ctx)
{
    struct poller *p = ctx;
    ot_poll_config pc = OT_POLL_CONFIG_INIT;
    ot_poll_summary sum = OT_POLL_SUMMARY_INIT;
    ot_error err;
    int rc, failed, partial;

    pc.courier = client_for(p, t);
    pc.batch_size = t->batch_size;
    pc.max_orders = t->max_orders;
    pc.workers = t->workers;
    pc.delay_ms = t->delay_ms;
    if (t->fallback)
        pc.stale_after_ms = (int64_t)t->fallback_after_minutes * 60000;
    ot_error_clear(&err);
    rc = ot_poll_run(&sum, p->tracker, p->http, &pc, &err);
    /* A run fails when it could not poll at all, or when every request it sent failed; it
     * is partial when some requests failed or some updates were refused (docs/API.md). */
    failed = rc != 0 || (sum.requests > 0 && sum.failed_requests == sum.requests);
    partial = !failed && (sum.failed_requests > 0 || sum.errors > 0);
    printf("{\"tracker\":\"%s\",\"result\":\"%s\",\"orders\":%zu,\"requests\":%zu,"
           "\"failed_requests\":%zu,\"changed\":%zu,\"unchanged\":%zu,\"unknown\":%zu,"
           "\"errors\":%zu,\"missing\":%zu}\n",
           t->name, failed ? "failed" : partial ? "partial" : "ok", sum.orders, sum.requests,
           sum.failed_requests, sum.changed, sum.unchanged, sum.unknown, sum.errors,
           sum.missing);
    fflush(stdout);
    if (rc != 0)
        otc_logf(p->log, OTC_LOG_ERROR, "%s: %s", t->name, err.message);
    else if (sum.first_failure.code != 0)
        otc_logf(p->log, OTC_LOG_WARN, "%s: first failure: %s", t->name,
                 sum.first_failure.message);
    deliver_alerts(p, t, &sum, failed, rc != 0 ? err.message : NULL);
    return failed || partial ? -1 : 0;
}

static void poller_close(struct poller *p)
{
    size_t i;
    for (i = 0; i < p->cfg.couriers.n; i++)
        ot_courier_client_free(p->clients[i]);
    ot_tracker_free(p->tracker);
    ot_pii_free(p->pii);
    ot_alerts_free(p->alerts);
    ot_http_client_free(p->http);
    ot_storage_close(p->storage);
    otp_config_free(&p->cfg);
}

/* Storage, tracker, HTTP client and one client per courier. 0, or an exit status. */
static int poller_open(struct poller *p, const char *config_path)
{
    ot_tracker_options to = OT_TRACKER_OPTIONS_INIT;
    ot_http_policy policy = OT_HTTP_POLICY_INIT;
    ot_curl_options co = OT_CURL_OPTIONS_INIT;
    ot_notice_sink sink = OT_NOTICE_SINK_INIT;
    ot_http port;
    char msg[512];
    ot_error err;
    size_t i;
    int rc;

    if (otp_config_load_file(&p->cfg, config_path, msg, sizeof msg) != 0) {
        otc_logf(p->log, OTC_LOG_ERROR, "%s", msg);
        return OTP_EXIT_CONFIG;
    }
    if ((rc = storage_open_uri(&p->storage, p->cfg.storage, msg, sizeof msg)) != 0) {
        otc_logf(p->log, OTC_LOG_ERROR, "%s: storage: %s", config_path, msg);
        return rc == STORAGE_OPEN_REFUSED ? OTP_EXIT_CONFIG : 1;
    }
    to = p->cfg.rules;            /* the store's rules: limits and outbox, as ordertrackd's */
    to.storage = p->storage;
    if (p->cfg.pii.n_keys) {      /* records sealed as ordertrackd seals them */
        ot_pii_key_provider keys;
        piiconf_provider(&keys, &p->cfg.pii);
        if (ot_pii_new(&p->pii, &keys, &err) != 0) {
            otc_logf(p->log, OTC_LOG_ERROR, "%s: pii%s%s: %s", config_path,
                     err.field[0] ? "." : "", err.field, err.message);
            return OTP_EXIT_CONFIG;
        }
        to.pii = p->pii;
    }
    /* every request a tracker's round hands the port in flight at once */
    co.max_in_flight = 1;
    for (i = 0; i < p->cfg.n_trackers; i++)
        if (p->cfg.trackers[i].workers > co.max_in_flight)
            co.max_in_flight = p->cfg.trackers[i].workers;
    if (ot_curl_http_new(&port, &co, &err) != 0) {
        otc_logf(p->log, OTC_LOG_ERROR, "%s", err.message);
        return 1;
    }
    if (ot_http_client_new(&p->http, &port, &policy, NULL, &err) != 0) {
        port.close(port.userdata);      /* not the client's until it exists */
        otc_logf(p->log, OTC_LOG_ERROR, "%s", err.message);
        return 1;
    }
    if (p->cfg.alerts.slack_webhook_url || p->cfg.alerts.rto_webhook_url ||
        p->cfg.alerts.smtp_url) {
        ot_alerts_config ac = OT_ALERTS_CONFIG_INIT;
        ac.http = p->http;
        ac.slack_webhook_url = p->cfg.alerts.slack_webhook_url;
        ac.rto_webhook_url = p->cfg.alerts.rto_webhook_url;
        ac.lookup = alert_lookup;
        ac.userdata = p;
        if (!p->cfg.alerts.smtp_url)
            ac.report_capacity = 0;    /* nothing would ever take them */
        p->next_digest_ms = otc_alerts_digest_next(&p->cfg.alerts, wall_ms());
        if (ot_alerts_new(&p->alerts, &ac, &err) != 0 || ot_alerts_sink(&sink, p->alerts, &err)) {
            otc_logf(p->log, OTC_LOG_ERROR, "%s: alerts%s%s: %s", config_path,
                     err.field[0] ? "." : "", err.field, err.message);
            return OTP_EXIT_CONFIG;
        }
        to.notices = &sink;
    }
    if (ot_tracker_new(&p->tracker, &to, &err) != 0 ||
        ot_tracker_set_couriers(p->tracker, p->cfg.registry, &err) != 0) {
        otc_logf(p->log, OTC_LOG_ERROR, "%s", err.message);
        return 1;
    }
    for (i = 0; i < p->cfg.couriers.n; i++) {
        const otp_courier *c = &p->cfg.couriers.list[i];
        if (otc_courier_client_new(&p->clients[i], c, p->cfg.registry, &err) != 0) {
            otc_logf(p->log, OTC_LOG_ERROR, "couriers.%s: %s", c->name, err.message);
            return OTP_EXIT_CONFIG;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *config = NULL, *only = NULL, *value;
    otc_log log = OTC_LOG_INIT("ordertrack-poller");
    char why[256];
    struct poller p;
    otp_scheduler *s;
    int once = 0, rc, i, k, dashdash = 0;
    long rounds = 0, interval_ms = -1;
    struct sigaction sa;

    for (i = 1; i < argc; i++) {
        k = otc_option_next(options, sizeof options / sizeof options[0], argc, argv, &i,
                            &dashdash, &value, why, sizeof why);
        switch (k) {
        case OTC_ARG_NONE:
            break;
        case OTC_ARG_POSITIONAL:
            snprintf(why, sizeof why, "unexpected argument '%.200s'", value);
            return usage_error(why);
        case OTC_ARG_ERROR:
            return usage_error(why);
        case ARG_CONFIG:
            config = value;
            break;
        case ARG_TRACKER:
            only = value;
            break;
        case ARG_ONCE:
            once = 1;
            break;
        case ARG_ROUNDS:
            if ((rounds = number_arg("--rounds", value, 1, 1000000)) < 0)
                return OTC_EXIT_USAGE;
            once = 1;
            break;
        case ARG_INTERVAL:
            if ((interval_ms = number_arg("--interval-ms", value, 0, 86400000)) < 0)
                return OTC_EXIT_USAGE;
            break;
        case ARG_LOG_FORMAT:
            if (otc_log_format_from_string(&log.format, value) != 0) {
                snprintf(why, sizeof why, "--log-format: '%.64s' is not json or text", value);
                return usage_error(why);
            }
            break;
        case ARG_LOG_LEVEL:
            if (otc_log_level_from_string(&log.level, value) != 0) {
                snprintf(why, sizeof why,
                         "--log-level: '%.64s' is not debug, info, warn or error", value);
                return usage_error(why);
            }
            break;
        case ARG_HELP:
        case ARG_H:
            help();
            return OTC_EXIT_OK;
        case ARG_VERSION:
            printf("ordertrack-poller %s\n", ot_version_string());
            return OTC_EXIT_OK;
        }
    }
    if (!config)
        return usage_error("--config FILE is required");
    if (interval_ms >= 0 && rounds == 0)
        return usage_error("--interval-ms needs --rounds");
    if (rounds == 0)
        rounds = 1;
    if (interval_ms < 0)
        interval_ms = 0;

    memset(&p, 0, sizeof p);
    p.log = &log;
    otc_log_route_mongoc(&log);  /* this process's libmongoc, before any storage opens */
    if ((rc = poller_open(&p, config)) != 0) {
        poller_close(&p);
        return rc;
    }
    if (only && !otp_config_tracker(&p.cfg, only)) {
        otc_logf(&log, OTC_LOG_ERROR, "%s: no tracker named \"%s\"", config, only);
        poller_close(&p);
        return OTP_EXIT_CONFIG;
    }
    if (!(s = otp_scheduler_new(&p.cfg, only, run_tracker, &p, &log))) {
        otc_logf(&log, OTC_LOG_ERROR, "out of memory");
        poller_close(&p);
        return 1;
    }
    if (once) {
        rc = 0;
        for (i = 0; i < rounds; i++) {
            struct timespec gap = {interval_ms / 1000, (interval_ms % 1000) * 1000000L};
            if (i > 0)
                nanosleep(&gap, NULL);
            rc |= otp_scheduler_run_once(s);
        }
    } else {
        if (pipe(stop_pipe) != 0) {
            otc_logf(&log, OTC_LOG_ERROR, "pipe: %s", strerror(errno));
            otp_scheduler_free(s);
            poller_close(&p);
            return 1;
        }
        fcntl(stop_pipe[1], F_SETFL, O_NONBLOCK);
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGTERM, &sa, NULL);
        sigaction(SIGINT, &sa, NULL);
        otc_logf(&log, OTC_LOG_INFO, "running %zu tracker(s) on their schedules",
                 otp_scheduler_count(s));
        rc = otp_scheduler_loop(s, stop_pipe[0], NULL);
        otc_logf(&log, OTC_LOG_INFO, "stopped");
        close(stop_pipe[0]);
        close(stop_pipe[1]);
    }
    otp_scheduler_free(s);
    poller_close(&p);
    return rc;
}
