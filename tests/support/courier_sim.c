/* The courier simulator as a child process: see courier_sim.h. */
#define _POSIX_C_SOURCE 200809L
#include "courier_sim.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int ot_sim_start(ot_sim *sim, const char *script, const char *const *args)
{
    int in[2], out[2];
    char line[32];
    size_t len = 0;
    const char *argv[16];
    size_t argc = 0;

    memset(sim, 0, sizeof *sim);
    if (pipe(in) != 0)
        return -1;
    if (pipe(out) != 0) {
        close(in[0]);
        close(in[1]);
        return -1;
    }
    argv[argc++] = "/usr/bin/python3";
    argv[argc++] = script;
    while (args && *args && argc < 15)
        argv[argc++] = *args++;
    argv[argc] = NULL;
    sim->pid = fork();
    if (sim->pid < 0)
        return -1;
    if (sim->pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        close(in[0]);
        close(in[1]);
        close(out[0]);
        close(out[1]);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    sim->stdin_fd = in[1];
    while (len + 1 < sizeof line) {
        ssize_t n = read(out[0], line + len, 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0 || line[len] == '\n')
            break;
        len++;
    }
    line[len] = '\0';
    close(out[0]);
    sim->port = (unsigned short)atoi(line);
    if (sim->port == 0) {
        ot_sim_stop(sim);
        return -1;
    }
    snprintf(sim->base_url, sizeof sim->base_url, "http://127.0.0.1:%u", sim->port);
    return 0;
}

void ot_sim_stop(ot_sim *sim)
{
    int status, i;
    if (sim->pid <= 0)
        return;
    close(sim->stdin_fd);
    for (i = 0; i < 500; i++) {
        struct timespec ts = {0, 10000000L};
        if (waitpid(sim->pid, &status, WNOHANG) == sim->pid) {
            sim->pid = 0;
            return;
        }
        nanosleep(&ts, NULL);
    }
    kill(sim->pid, SIGTERM);
    waitpid(sim->pid, &status, 0);
    sim->pid = 0;
}

int ot_sim_call(const ot_sim *sim, const char *method, const char *path, const char *json,
                char **body)
{
    struct sockaddr_in addr;
    char head[512];
    char *buf = NULL, *text;
    size_t len = 0, cap = 0, blen = json ? strlen(json) : 0;
    int fd, status = -1;

    if (body)
        *body = NULL;
    fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons(sim->port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0)
        goto done;
    snprintf(head, sizeof head,
             "%s %s HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
             "Content-Length: %zu\r\n\r\n", method, path, blen);
    if (send(fd, head, strlen(head), MSG_NOSIGNAL) < 0 ||
        (blen && send(fd, json, blen, MSG_NOSIGNAL) < 0))
        goto done;
    for (;;) {
        ssize_t n;
        if (len + 4096 + 1 > cap) {
            char *grown = realloc(buf, cap = cap ? cap * 2 : 65536);
            if (!grown)
                goto done;
            buf = grown;
        }
        n = recv(fd, buf + len, cap - len - 1, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    if (!buf)
        goto done;
    buf[len] = '\0';
    if (sscanf(buf, "HTTP/%*s %d", &status) != 1)
        status = -1;
    text = strstr(buf, "\r\n\r\n");
    if (body && text)
        *body = strdup(text + 4);
done:
    free(buf);
    close(fd);
    return status;
}
