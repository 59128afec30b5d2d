/* Real nats-server processes on loopback (nats_servers.h). */
#include "nats_servers.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int free_port(void)
{
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    int port = -1, fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &len) == 0)
        port = ntohs(a.sin_port);
    close(fd);
    return port;
}

static int port_open(int port)
{
    struct sockaddr_in a;
    int ok, fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return 0;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ok = connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
    close(fd);
    return ok;
}

int ot_nats_test_node_start(ot_nats_test_servers *s, int i)
{
    ot_nats_test_node *n = &s->nodes[i];
    char port[16], cluster[64], routes[256] = "", name[16], log[300];
    int j, tries;
    pid_t pid;
    snprintf(port, sizeof port, "%d", n->port);
    snprintf(cluster, sizeof cluster, "nats://127.0.0.1:%d", n->cluster_port);
    snprintf(name, sizeof name, "n%d", i + 1);
    snprintf(log, sizeof log, "%s/n%d.log", s->dir, i + 1);
    for (j = 0; j < s->count; j++) {
        size_t used = strlen(routes);
        if (j == i)
            continue;
        snprintf(routes + used, sizeof routes - used, "%snats://127.0.0.1:%d",
                 used ? "," : "", s->nodes[j].cluster_port);
    }
    pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        prctl(PR_SET_PDEATHSIG, SIGKILL); /* never outlive a failed test */
        if (null >= 0) {
            dup2(null, 0);
            dup2(null, 1);
            dup2(null, 2);
        }
        if (s->count > 1)
            execlp("nats-server", "nats-server", "-js", "-a", "127.0.0.1", "-p", port, "-sd",
                   n->store, "-n", name, "-l", log, "--cluster_name", "ot", "--cluster",
                   cluster, "--routes", routes, (char *)NULL);
        else
            execlp("nats-server", "nats-server", "-js", "-a", "127.0.0.1", "-p", port, "-sd",
                   n->store, "-n", name, "-l", log, (char *)NULL);
        _exit(127);
    }
    n->pid = pid;
    for (tries = 0; tries < 200; tries++) {
        struct timespec ts = {0, 25 * 1000000L};
        int status;
        if (port_open(n->port))
            return 0;
        if (waitpid(pid, &status, WNOHANG) == pid) {
            n->pid = 0;
            fprintf(stderr, "nats-server %s exited (see %s)\n", name, log);
            return -1;
        }
        nanosleep(&ts, NULL);
    }
    fprintf(stderr, "nats-server %s did not open port %d\n", name, n->port);
    return -1;
}

int ot_nats_test_start(ot_nats_test_servers *s, int count)
{
    int i;
    memset(s, 0, sizeof *s);
    s->count = count;
    snprintf(s->dir, sizeof s->dir, "%s/ot-nats-XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(s->dir)) {
        perror("mkdtemp");
        return -1;
    }
    for (i = 0; i < count; i++) {
        ot_nats_test_node *n = &s->nodes[i];
        n->port = free_port();
        n->cluster_port = free_port();
        snprintf(n->url, sizeof n->url, "nats://127.0.0.1:%d", n->port);
        snprintf(n->store, sizeof n->store, "%s/n%d", s->dir, i + 1);
    }
    for (i = 0; i < count; i++)
        if (ot_nats_test_node_start(s, i) != 0) {
            ot_nats_test_stop(s);
            return -1;
        }
    return 0;
}

void ot_nats_test_node_kill(ot_nats_test_servers *s, int i)
{
    ot_nats_test_node *n = &s->nodes[i];
    if (n->pid > 0) {
        kill(n->pid, SIGKILL);
        waitpid(n->pid, NULL, 0);
        n->pid = 0;
    }
}

void ot_nats_test_stop(ot_nats_test_servers *s)
{
    char cmd[300];
    int i;
    for (i = 0; i < s->count; i++)
        ot_nats_test_node_kill(s, i);
    if (s->dir[0] && !getenv("OT_NATS_KEEP")) {
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", s->dir);
        if (system(cmd) != 0)
            fprintf(stderr, "could not remove %s\n", s->dir);
    }
}
