/* ordertrackd: start-up (config, exit status 2 on a bad one), the server, and a graceful
 * stop on SIGTERM/SIGINT through a self-pipe. */
#include <errno.h>
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
#include <ordertrack/sys/notice.h>

#include "app.h"
#include "config.h"
#include "events.h"
#include "server.h"
#include "storage_open.h"
#include "storage_probe.h"
#include "sweep.h"

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

static int usage(const char *why)
{
    if (why)
        fprintf(stderr, "ordertrackd: %s\n", why);
    fputs("usage: ordertrackd [--config FILE] [--listen HOST:PORT] [--storage URI]\n"
          "       ordertrackd --version\n"
          "\n"
          "Serves the REST API of docs/API.md. Flags override the config file. Without\n"
          "--config: 127.0.0.1:8080, sqlite:./ordertrack.db and a fresh admin key printed\n"
          "once. An invalid config exits 2. SIGTERM/SIGINT finish requests in flight and\n"
          "exit 0.\n",
          stderr);
    return OTD_EXIT_USAGE;
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

/* Everything run() builds around the tracker, torn down in reverse. */
struct host {
    otd_app app;
    ot_storage *storage;
    ot_tracker *tracker;
    ot_metrics *metrics;
    ot_sla_policies *sla;
    ot_pii *pii;                 /* the "pii" config key: personal data sealed at rest */
    otd_events *events;
    pthread_t sweeper;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int sweeper_started, stopping;
};

/* The tracker's notices: library metrics, then the event streams of the order. */
static void on_notice(void *userdata, const ot_notice *n)
{
    struct host *h = userdata;
    ot_sla_stage stage;

    switch (n->kind) {
    case OT_NOTICE_STATUS_CHANGED:
        ot_metrics_count_transition(h->metrics, n->to_status, NULL);
        break;
    case OT_NOTICE_SHIPMENT_CHANGED:
        ot_metrics_count_shipment_transition(h->metrics, n->to_shipment, NULL);
        break;
    case OT_NOTICE_SLA_WARNING:
    case OT_NOTICE_SLA_BREACH:
        if (n->detail && ot_sla_stage_from_string(&stage, n->detail, NULL) == 0)
            ot_metrics_count_sla(h->metrics, (int)stage,
                                 n->kind == OT_NOTICE_SLA_BREACH ? OT_SLA_STATE_BREACHED
                                                                 : OT_SLA_STATE_WARNING,
                                 NULL);
        break;
    default:
        break;
    }
    otd_events_notify(h->events, n->order_id);
}

/* The store-acknowledgment sweep, every limits.store_ack_sweep_ms until stopped. */
static void *sweeper_main(void *arg)
{
    struct host *h = arg;
    unsigned period = h->app.cfg->store_ack_sweep_ms;
    struct timespec until;

    pthread_mutex_lock(&h->lock);
    while (!h->stopping) {
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += period / 1000;
        until.tv_nsec += (long)(period % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L)
            until.tv_sec++, until.tv_nsec -= 1000000000L;
        pthread_cond_timedwait(&h->cond, &h->lock, &until);
        if (h->stopping)
            break;
        pthread_mutex_unlock(&h->lock);
        if (otd_sweep_store_ack(&h->app, otd_clock_wall_ms(NULL)) < 0)
            fprintf(stderr, "ordertrackd: store-acknowledgment sweep: cannot list orders\n");
        pthread_mutex_lock(&h->lock);
    }
    pthread_mutex_unlock(&h->lock);
    return NULL;
}

/* Storage, SLA policies, metrics, tracker, event hub, sweeper. 0, or an exit status. */
static int host_open(struct host *h, const otd_config *cfg)
{
    ot_tracker_options opt = OT_TRACKER_OPTIONS_INIT;
    ot_notice_sink sink = OT_NOTICE_SINK_INIT;
    char err[512], *sla;
    ot_error e;
    int rc;

    memset(&e, 0, sizeof e);

    if ((rc = storage_open_uri(&h->storage, cfg->storage, err, sizeof err)) != 0) {
        fprintf(stderr, "ordertrackd: %s\n", err);
        return rc;
    }
    if (cfg->sla) {
        sla = json_dumps(cfg->sla, JSON_COMPACT);
        rc = sla ? ot_sla_policies_from_json(&h->sla, sla, strlen(sla), &e) : OT_ENOMEM;
        free(sla);
        if (rc != 0) {
            fprintf(stderr, "ordertrackd: %s: %s\n", e.field[0] ? e.field : "sla", e.message);
            return OTD_EXIT_CONFIG;
        }
    }
    if (cfg->has_pii_key) {
        if (ot_pii_new_static(&h->pii, cfg->pii_key_id, cfg->pii_key, sizeof cfg->pii_key,
                              &e) != 0) {
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
    if (ot_metrics_new(&h->metrics, &e) != 0 || ot_tracker_new(&h->tracker, &opt, &e) != 0) {
        fprintf(stderr, "ordertrackd: %s\n", e.message);
        return 1;
    }
    h->app.tracker = h->tracker;
    h->app.storage_probe = otd_storage_probe;
    h->app.probe_ctx = h->storage;
    h->app.sla = h->sla;
    h->app.lib_metrics = h->metrics;
    h->events = otd_events_new(&h->app, cfg->max_event_streams, cfg->event_heartbeat_ms);
    h->app.events = h->events;
    pthread_mutex_init(&h->lock, NULL);
    pthread_cond_init(&h->cond, NULL);
    if (!h->events || pthread_create(&h->sweeper, NULL, sweeper_main, h) != 0) {
        fprintf(stderr, "ordertrackd: cannot start the background threads\n");
        return 1;
    }
    h->sweeper_started = 1;
    return 0;
}

static void host_close(struct host *h)
{
    if (h->sweeper_started) {
        pthread_mutex_lock(&h->lock);
        h->stopping = 1;
        pthread_cond_signal(&h->cond);
        pthread_mutex_unlock(&h->lock);
        pthread_join(h->sweeper, NULL);
    }
    if (h->events || h->sweeper_started) {
        pthread_cond_destroy(&h->cond);
        pthread_mutex_destroy(&h->lock);
    }
    otd_events_free(h->events);
    ot_tracker_free(h->tracker);
    ot_pii_free(h->pii);
    ot_sla_policies_free(h->sla);
    ot_metrics_free(h->metrics);
    ot_storage_close(h->storage);
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

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--version") == 0) {
            printf("ordertrackd %s\n", ot_version_string());
            return 0;
        }
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(NULL);
            return 0;
        }
    }
    rc = otd_config_from_args(&cfg, argc, argv, err, sizeof err);
    if (rc == OTD_EXIT_USAGE) {
        otd_config_free(&cfg);
        return usage(err);
    }
    if (rc != 0) {
        fprintf(stderr, "ordertrackd: %s\n", err);
        otd_config_free(&cfg);
        return rc;
    }
    rc = run(&cfg);
    otd_config_free(&cfg);
    return rc;
}
