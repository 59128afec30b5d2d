/* ordertrack-poller: polls the couriers of seed 001 into the same storage as ordertrackd.
 * `--once` runs every (or the named) tracker one time and exits 0 when all finished (1 if any
 * failed); otherwise every tracker runs at start-up and then on its cron schedule, skipping a
 * run while its previous run is still active, until SIGTERM or SIGINT. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ordertrack/ordertrack.h>
#include <ordertrack/alerts.h>
#include <ordertrack/adapters/curl.h>
#include <ordertrack/poll.h>
#include <ordertrack/tracker.h>

#include "config.h"
#include "scheduler.h"
#include "storage_open.h"

enum { EXIT_USAGE = 64 };

/* Everything a run needs; shared read-only by the worker threads (the tracker, the HTTP
 * client and the courier clients are thread-safe). */
struct poller {
    otp_config cfg;
    ot_storage *storage;
    ot_tracker *tracker;
    ot_http_client *http;
    ot_courier_client *clients[4]; /* parallel to cfg.couriers */
    ot_alerts *alerts;             /* NULL without an "alerts" block */
    ot_pii *pii;                   /* NULL without a "pii" block */
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

static int usage(const char *why)
{
    if (why)
        fprintf(stderr, "ordertrack-poller: %s\n", why);
    fputs("usage: ordertrack-poller --config FILE [--once] [--tracker NAME]\n", stderr);
    return EXIT_USAGE;
}

static ot_courier_client *client_for(const struct poller *p, const otp_tracker *t)
{
    size_t i;
    for (i = 0; i < p->cfg.n_couriers; i++)
        if (&p->cfg.couriers[i] == t->courier)
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
    if (ot_provider_to_string(&name, ot_order_provider(o), NULL) == 0)
        snprintf(courier, courier_size, "%s", name);
    if (ot_order_tracking_id(o))
        snprintf(awb, awb_size, "%s", ot_order_tracking_id(o));
    ot_order_free(o);
}

/* SMTP without TLS only for a relay on this host; anything else must use TLS. */
static int smtp_tls_for(const char *url)
{
    static const char *const local[] = {"smtp://127.0.0.1", "smtp://localhost", "smtp://[::1]"};
    size_t i;
    for (i = 0; i < sizeof local / sizeof local[0]; i++)
        if (strncmp(url, local[i], strlen(local[i])) == 0)
            return OT_CURL_SMTP_TLS_NONE;
    return OT_CURL_SMTP_TLS_REQUIRED;
}

/* Deliver the Slack and RTO messages of the run; mail the report when the run changed
 * something (the report lists every alert since the previous one). */
static void deliver_alerts(struct poller *p, const otp_tracker *t, const ot_poll_summary *sum)
{
    const otp_alerts *a = &p->cfg.alerts;
    ot_alerts_stats stats = OT_ALERTS_STATS_INIT;
    ot_alerts_email email = OT_ALERTS_EMAIL_INIT;
    ot_curl_smtp_options smtp = OT_CURL_SMTP_OPTIONS_INIT;
    char *message = NULL, subject[160];
    size_t len = 0;
    ot_error err;

    if (!p->alerts)
        return;
    if (ot_alerts_flush(p->alerts, &stats, &err) != 0)
        fprintf(stderr, "ordertrack-poller: %s: alerts: %s\n", t->name, err.message);
    else if (stats.failed || stats.dropped || stats.overflow)
        fprintf(stderr, "ordertrack-poller: %s: alerts: %llu sent, %llu failed (kept), "
                        "%llu dropped, %llu refused\n", t->name,
                (unsigned long long)stats.sent, (unsigned long long)stats.failed,
                (unsigned long long)stats.dropped, (unsigned long long)stats.overflow);
    if (!a->smtp_url || sum->changed + sum->unknown + sum->errors == 0)
        return;
    snprintf(subject, sizeof subject, "Order tracking report: %s, %zu changed, %zu unknown, "
                                      "%zu errors", t->name, sum->changed, sum->unknown,
             sum->errors);
    email.from = a->email_from;
    email.to = (const char *const *)a->email_to;
    email.to_count = a->n_email_to;
    email.subject = subject;
    smtp.url = a->smtp_url;
    smtp.from = a->email_from;
    smtp.to = (const char *const *)a->email_to;
    smtp.to_count = a->n_email_to;
    smtp.tls = smtp_tls_for(a->smtp_url);
    if (ot_alerts_report(&message, &len, p->alerts, &email, &err) != 0 ||
        ot_curl_smtp_send(&smtp, message, len, &err) != 0)
        fprintf(stderr, "ordertrack-poller: %s: e-mail report: %s\n", t->name, err.message);
    ot_free(message);
}

/* One run of one tracker: a poll cycle, then its summary as one JSON line on stdout. */
static int run_tracker(const otp_tracker *t, void *ctx)
{
    struct poller *p = ctx;
    ot_poll_config pc = OT_POLL_CONFIG_INIT;
    ot_poll_summary sum = OT_POLL_SUMMARY_INIT;
    ot_error err;
    int rc, failed;

    pc.courier = client_for(p, t);
    pc.batch_size = t->batch_size;
    pc.max_orders = t->max_orders;
    pc.workers = t->workers;
    pc.delay_ms = t->delay_ms;
    if (t->fallback)
        pc.stale_after_ms = (int64_t)t->fallback_after_minutes * 60000;
    ot_error_clear(&err);
    rc = ot_poll_run(&sum, p->tracker, p->http, &pc, &err);
    /* A run fails when it could not poll at all, or when every request it sent failed. */
    failed = rc != 0 || (sum.requests > 0 && sum.failed_requests == sum.requests);
    printf("{\"tracker\":\"%s\",\"result\":\"%s\",\"orders\":%zu,\"requests\":%zu,"
           "\"failed_requests\":%zu,\"changed\":%zu,\"unchanged\":%zu,\"unknown\":%zu,"
           "\"errors\":%zu,\"missing\":%zu}\n",
           t->name, failed ? "failed" : "ok", sum.orders, sum.requests, sum.failed_requests,
           sum.changed, sum.unchanged, sum.unknown, sum.errors, sum.missing);
    fflush(stdout);
    if (rc != 0)
        fprintf(stderr, "ordertrack-poller: %s: %s\n", t->name, err.message);
    else if (sum.first_failure.code != 0)
        fprintf(stderr, "ordertrack-poller: %s: first failure: %s\n", t->name,
                sum.first_failure.message);
    deliver_alerts(p, t, &sum);
    return failed ? -1 : 0;
}

static void poller_close(struct poller *p)
{
    size_t i;
    for (i = 0; i < p->cfg.n_couriers; i++)
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
        fprintf(stderr, "ordertrack-poller: %s\n", msg);
        return OTP_EXIT_CONFIG;
    }
    if ((rc = storage_open_uri(&p->storage, p->cfg.storage, msg, sizeof msg)) != 0) {
        fprintf(stderr, "ordertrack-poller: %s: storage: %s\n", config_path, msg);
        return rc == STORAGE_OPEN_UNSUPPORTED ? OTP_EXIT_CONFIG : 1;
    }
    to.storage = p->storage;
    if (p->cfg.pii.n_keys) {      /* records sealed as ordertrackd seals them */
        ot_pii_key_provider keys;
        piiconf_provider(&keys, &p->cfg.pii);
        if (ot_pii_new(&p->pii, &keys, &err) != 0) {
            fprintf(stderr, "ordertrack-poller: %s: pii: %s\n", config_path, err.message);
            return OTP_EXIT_CONFIG;
        }
        to.pii = p->pii;
    }
    /* every request a tracker's round hands the port in flight at once */
    co.max_in_flight = 1;
    for (i = 0; i < p->cfg.n_trackers; i++)
        if (p->cfg.trackers[i].workers > co.max_in_flight)
            co.max_in_flight = p->cfg.trackers[i].workers;
    if (ot_curl_http_new(&port, &co, &err) != 0 ||
        ot_http_client_new(&p->http, &port, &policy, NULL, &err) != 0) {
        fprintf(stderr, "ordertrack-poller: %s\n", err.message);
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
        if (ot_alerts_new(&p->alerts, &ac, &err) != 0 || ot_alerts_sink(&sink, p->alerts, &err)) {
            fprintf(stderr, "ordertrack-poller: %s: alerts: %s\n", config_path, err.message);
            return OTP_EXIT_CONFIG;
        }
        to.notices = &sink;
    }
    if (ot_tracker_new(&p->tracker, &to, &err) != 0) {
        fprintf(stderr, "ordertrack-poller: %s\n", err.message);
        return 1;
    }
    for (i = 0; i < p->cfg.n_couriers; i++) {
        const otp_courier *c = &p->cfg.couriers[i];
        ot_courier_config cc = OT_COURIER_CONFIG_INIT;
        cc.provider = c->provider;
        cc.base_url = c->base_url;
        cc.token = c->token;
        cc.username = c->username;
        cc.email = c->email;
        cc.password = c->password;
        if (ot_courier_client_new(&p->clients[i], &cc, NULL, &err) != 0) {
            fprintf(stderr, "ordertrack-poller: couriers.%s: %s\n", c->name, err.message);
            return OTP_EXIT_CONFIG;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *config = NULL, *only = NULL;
    struct poller p;
    otp_scheduler *s;
    int once = 0, rc, i;
    struct sigaction sa;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
            config = argv[++i];
        else if (strcmp(argv[i], "--tracker") == 0 && i + 1 < argc)
            only = argv[++i];
        else if (strcmp(argv[i], "--once") == 0)
            once = 1;
        else if (strcmp(argv[i], "--version") == 0) {
            printf("ordertrack-poller %s\n", ot_version_string());
            return 0;
        } else
            return usage(argv[i][0] == '-' ? "unknown option" : "unexpected argument");
    }
    if (!config)
        return usage("--config FILE is required");

    memset(&p, 0, sizeof p);
    if ((rc = poller_open(&p, config)) != 0) {
        poller_close(&p);
        return rc;
    }
    if (only && !otp_config_tracker(&p.cfg, only)) {
        fprintf(stderr, "ordertrack-poller: %s: no tracker named \"%s\"\n", config, only);
        poller_close(&p);
        return OTP_EXIT_CONFIG;
    }
    if (!(s = otp_scheduler_new(&p.cfg, only, run_tracker, &p))) {
        fprintf(stderr, "ordertrack-poller: out of memory\n");
        poller_close(&p);
        return 1;
    }
    if (once) {
        rc = otp_scheduler_run_once(s);
    } else {
        if (pipe(stop_pipe) != 0) {
            fprintf(stderr, "ordertrack-poller: pipe: %s\n", strerror(errno));
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
        fprintf(stderr, "ordertrack-poller: running %zu tracker(s) on their schedules\n",
                otp_scheduler_count(s));
        rc = otp_scheduler_loop(s, stop_pipe[0], NULL);
        fprintf(stderr, "ordertrack-poller: stopped\n");
        close(stop_pipe[0]);
        close(stop_pipe[1]);
    }
    otp_scheduler_free(s);
    poller_close(&p);
    return rc;
}
