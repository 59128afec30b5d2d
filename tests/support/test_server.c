/* The test HTTP server: see test_server.h. */
#include "test_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNECTIONS 128
#define BUFFER_SIZE (96 * 1024)

struct connection {
    ot_test_server *server;
    int fd;
    pthread_t thread;
};

struct ot_test_server {
    const ot_test_route *routes;
    size_t route_count;
    ot_test_request *last;          /* one per route */
    int listen_fd;
    unsigned short port;
    atomic_int stopping;
    pthread_t accept_thread;
    pthread_mutex_t lock;
    struct connection connections[MAX_CONNECTIONS];
    unsigned connection_count;
    unsigned active, max_active;
};

static void sleep_ms(int ms)
{
    struct timespec ts;
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (long)(ms % 1000) * 1000000L;
    nanosleep(&ts, NULL);
}

static int send_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = send(fd, data, len, MSG_NOSIGNAL);
        if (n <= 0) {
            if (n < 0 && errno == EINTR)
                continue;
            return -1;
        }
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

static const char *reason(int status)
{
    return status < 300 ? "OK" : status < 500 ? "Client Error" : "Server Error";
}

/* Answer one request on `route` (NULL: 404). -1 when the connection must end. */
static int answer(ot_test_server *s, int fd, const ot_test_route *route, unsigned count)
{
    char head[2048];
    int status, len, waited, scripted;
    size_t body_length;
    const char *body;

    if (route && route->delay_ms > 0)
        for (waited = 0; waited < route->delay_ms && !atomic_load(&s->stopping); waited += 10)
            sleep_ms(10);
    if (atomic_load(&s->stopping) || (route && route->drop))
        return -1;
    scripted = route && count > route->fail_first;
    status = !route ? 404 : scripted ? route->status : 503;
    body = scripted ? route->body : "";
    body_length = scripted ? route->body_length : 0;
    if (scripted && body && body_length == 0)
        body_length = strlen(body);
    len = snprintf(head, sizeof head, "HTTP/1.1 %d %s\r\n%s", status, reason(status),
                   route && route->headers ? route->headers : "");
    if (route && route->no_content_length)
        len += snprintf(head + len, sizeof head - (size_t)len, "Connection: close\r\n\r\n");
    else
        len += snprintf(head + len, sizeof head - (size_t)len, "Content-Length: %zu\r\n\r\n",
                        body_length);
    if (send_all(fd, head, (size_t)len) != 0)
        return -1;
    if (body) {
        if (send_all(fd, body, body_length) != 0)
            return -1;
    } else {
        char chunk[16384];
        memset(chunk, 'x', sizeof chunk);
        while (body_length > 0) {
            size_t n = body_length < sizeof chunk ? body_length : sizeof chunk;
            if (send_all(fd, chunk, n) != 0)
                return -1;
            body_length -= n;
        }
    }
    return route && route->no_content_length ? -1 : 0;
}

static void *serve_connection(void *arg)
{
    struct connection *c = arg;
    ot_test_server *s = c->server;
    char *buf = malloc(BUFFER_SIZE + 1);
    size_t used = 0;

    while (buf && !atomic_load(&s->stopping)) {
        char *end, *line_end, *cl, method[16] = "", target[256] = "";
        size_t head_len, body_len = 0, i, path_len;
        const ot_test_route *route = NULL;
        ot_test_request *rec = NULL;
        unsigned count = 0;
        ssize_t n;
        int rc;

        buf[used] = '\0';
        while (!(end = strstr(buf, "\r\n\r\n"))) {
            if (used == BUFFER_SIZE)
                goto out;
            n = recv(c->fd, buf + used, BUFFER_SIZE - used, 0);
            if (n <= 0)
                goto out;
            used += (size_t)n;
            buf[used] = '\0';
        }
        head_len = (size_t)(end - buf) + 4;
        line_end = strstr(buf, "\r\n");
        if (sscanf(buf, "%15s %255s", method, target) != 2)
            goto out;
        for (cl = line_end; cl && cl < end; cl = strstr(cl + 2, "\r\n"))
            if (strncasecmp(cl + 2, "Content-Length:", 15) == 0)
                body_len = strtoul(cl + 17, NULL, 10);
        if (head_len + body_len > BUFFER_SIZE)
            goto out;
        while (used < head_len + body_len) {
            n = recv(c->fd, buf + used, BUFFER_SIZE - used, 0);
            if (n <= 0)
                goto out;
            used += (size_t)n;
        }
        path_len = strcspn(target, "?");
        for (i = 0; i < s->route_count; i++)
            if (strlen(s->routes[i].path) == path_len
                && strncmp(s->routes[i].path, target, path_len) == 0)
                route = &s->routes[i];

        pthread_mutex_lock(&s->lock);
        if (route) {
            rec = &s->last[route - s->routes];
            snprintf(rec->method, sizeof rec->method, "%s", method);
            snprintf(rec->target, sizeof rec->target, "%s", target);
            snprintf(rec->headers, sizeof rec->headers, "%.*s",
                     (int)(end - line_end), line_end + 2);
            rec->body_length = body_len < sizeof rec->body ? body_len : sizeof rec->body;
            memcpy(rec->body, buf + head_len, rec->body_length);
            count = ++rec->count;
        }
        if (++s->active > s->max_active)
            s->max_active = s->active;
        pthread_mutex_unlock(&s->lock);

        rc = answer(s, c->fd, route, count);

        pthread_mutex_lock(&s->lock);
        s->active--;
        pthread_mutex_unlock(&s->lock);
        if (rc != 0)
            break;
        memmove(buf, buf + head_len + body_len, used - head_len - body_len);
        used -= head_len + body_len;
    }
out:
    free(buf);
    shutdown(c->fd, SHUT_RDWR); /* the fd itself is closed by ot_test_server_stop */
    return NULL;
}

static void *accept_loop(void *arg)
{
    ot_test_server *s = arg;
    while (!atomic_load(&s->stopping)) {
        struct pollfd p = {s->listen_fd, POLLIN, 0};
        int fd;
        if (poll(&p, 1, 20) <= 0)
            continue;
        fd = accept(s->listen_fd, NULL, NULL);
        if (fd < 0)
            continue;
        /* as a real server: an answer written in pieces is not held back by Nagle's
         * algorithm waiting for the client's delayed ACK (40 ms a request) */
        (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &(int){1}, sizeof(int));
        pthread_mutex_lock(&s->lock);
        if (s->connection_count == MAX_CONNECTIONS) {
            pthread_mutex_unlock(&s->lock);
            close(fd);
            continue;
        }
        s->connections[s->connection_count].server = s;
        s->connections[s->connection_count].fd = fd;
        if (pthread_create(&s->connections[s->connection_count].thread, NULL, serve_connection,
                           &s->connections[s->connection_count]) == 0)
            s->connection_count++;
        else
            close(fd);
        pthread_mutex_unlock(&s->lock);
    }
    return NULL;
}

int ot_test_server_start(ot_test_server **server, const ot_test_route *routes, size_t count)
{
    ot_test_server *s = calloc(1, sizeof *s);
    struct sockaddr_in addr;
    socklen_t len = sizeof addr;
    int one = 1;

    *server = NULL;
    if (!s)
        return -1;
    s->routes = routes;
    s->route_count = count;
    s->last = calloc(count ? count : 1, sizeof *s->last);
    s->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (!s->last || s->listen_fd < 0
        || setsockopt(s->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0
        || bind(s->listen_fd, (struct sockaddr *)&addr, sizeof addr) != 0
        || listen(s->listen_fd, 64) != 0
        || getsockname(s->listen_fd, (struct sockaddr *)&addr, &len) != 0)
        goto fail;
    s->port = ntohs(addr.sin_port);
    pthread_mutex_init(&s->lock, NULL);
    if (pthread_create(&s->accept_thread, NULL, accept_loop, s) != 0) {
        pthread_mutex_destroy(&s->lock);
        goto fail;
    }
    *server = s;
    return 0;
fail:
    if (s->listen_fd >= 0)
        close(s->listen_fd);
    free(s->last);
    free(s);
    return -1;
}

void ot_test_server_stop(ot_test_server *s)
{
    unsigned i;
    if (!s)
        return;
    atomic_store(&s->stopping, 1);
    pthread_join(s->accept_thread, NULL);
    close(s->listen_fd);
    for (i = 0; i < s->connection_count; i++)
        shutdown(s->connections[i].fd, SHUT_RDWR);
    for (i = 0; i < s->connection_count; i++) {
        pthread_join(s->connections[i].thread, NULL);
        close(s->connections[i].fd);
    }
    pthread_mutex_destroy(&s->lock);
    free(s->last);
    free(s);
}

unsigned short ot_test_server_port(const ot_test_server *s)
{
    return s->port;
}

void ot_test_server_url(const ot_test_server *s, const char *path, char *buf, size_t size)
{
    snprintf(buf, size, "http://127.0.0.1:%u%s", (unsigned)s->port, path);
}

unsigned ot_test_server_connections(ot_test_server *s)
{
    unsigned n;
    pthread_mutex_lock(&s->lock);
    n = s->connection_count;
    pthread_mutex_unlock(&s->lock);
    return n;
}

unsigned ot_test_server_max_active(ot_test_server *s)
{
    unsigned n;
    pthread_mutex_lock(&s->lock);
    n = s->max_active;
    pthread_mutex_unlock(&s->lock);
    return n;
}

int ot_test_server_last(ot_test_server *s, const char *path, ot_test_request *out)
{
    size_t i;
    int rc = -1;
    pthread_mutex_lock(&s->lock);
    for (i = 0; i < s->route_count; i++)
        if (strcmp(s->routes[i].path, path) == 0 && s->last[i].count > 0) {
            *out = s->last[i];
            rc = 0;
        }
    pthread_mutex_unlock(&s->lock);
    return rc;
}
