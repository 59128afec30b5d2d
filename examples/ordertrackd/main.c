/* ordertrackd: start-up (config, exit status 2 on a bad one), the server, and a graceful
 * stop on SIGTERM/SIGINT through a self-pipe. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <ordertrack/ordertrack.h>

#include "app.h"
#include "config.h"
#include "server.h"
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

static int run(const otd_config *cfg)
{
    otd_app app;
    otd_server *server;
    char err[512];
    int fds[2] = {-1, -1}, rc = 1;

    if (otd_app_init(&app, cfg, NULL, NULL) != 0) {
        fprintf(stderr, "ordertrackd: out of memory\n");
        return 1;
    }
    app.storage_probe = otd_storage_probe_uri;
    app.probe_ctx = cfg->storage;
    if (setup_signals(fds) != 0) {
        fprintf(stderr, "ordertrackd: cannot set up signal handling: %s\n", strerror(errno));
        goto out;
    }
    server = otd_server_start(&app, err, sizeof err);
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
    otd_server_stop(server, DRAIN_MS);
    fprintf(stderr, "ordertrackd: stopped\n");
    rc = 0;
out:
    wake_fd = -1;
    for (int i = 0; i < 2; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    otd_app_cleanup(&app);
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
