/* A tiny SMTP responder for the tests (see smtp_server.h). Not hardened, not installed. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "smtp_server.h"

struct ot_smtp_server {
    int listen_fd;
    int stop;
    unsigned short port;
    ot_smtp_script script;
    ot_smtp_received received;
    pthread_mutex_t lock;
    pthread_t thread;
};

struct conn {
    int fd;
    char buf[8192];
    size_t len;
};

static void say(struct conn *c, const char *text)
{
    size_t n = strlen(text), off = 0;
    while (off < n) {
        ssize_t w = send(c->fd, text + off, n - off, MSG_NOSIGNAL);
        if (w <= 0)
            return;
        off += (size_t)w;
    }
}

/* One line without its CRLF into `line`; 0, or -1 at end of connection. */
static int read_line(struct conn *c, char *line, size_t size)
{
    for (;;) {
        char *eol = memchr(c->buf, '\n', c->len);
        if (eol) {
            size_t n = (size_t)(eol - c->buf) + 1, keep = n;
            if (n >= 2 && c->buf[n - 2] == '\r')
                keep = n - 2;
            else
                keep = n - 1;
            if (keep >= size)
                keep = size - 1;
            memcpy(line, c->buf, keep);
            line[keep] = '\0';
            memmove(c->buf, c->buf + n, c->len - n);
            c->len -= n;
            return 0;
        }
        if (c->len == sizeof c->buf)
            return -1;
        {
            struct pollfd p = {c->fd, POLLIN, 0};
            ssize_t r;
            if (poll(&p, 1, 5000) <= 0)
                return -1;
            r = recv(c->fd, c->buf + c->len, sizeof c->buf - c->len, 0);
            if (r <= 0)
                return -1;
            c->len += (size_t)r;
        }
    }
}

static void session(ot_smtp_server *s, int fd)
{
    struct conn *c = calloc(1, sizeof *c);
    char line[8192];
    ot_smtp_received *r = &s->received;

    if (!c)
        return;
    c->fd = fd;
    say(c, "220 127.0.0.1 ESMTP ot-test\r\n");
    while (read_line(c, line, sizeof line) == 0) {
        pthread_mutex_lock(&s->lock);
        if (strncasecmp(line, "EHLO", 4) == 0) {
            say(c, s->script.auth_b64 ? "250-127.0.0.1\r\n250-AUTH PLAIN\r\n250 8BITMIME\r\n"
                                      : "250-127.0.0.1\r\n250 8BITMIME\r\n");
        } else if (strncasecmp(line, "HELO", 4) == 0 || strncasecmp(line, "NOOP", 4) == 0 ||
                   strncasecmp(line, "RSET", 4) == 0) {
            say(c, "250 OK\r\n");
        } else if (strncasecmp(line, "AUTH PLAIN", 10) == 0) {
            const char *arg = line + 10;
            char answer[1024];
            while (*arg == ' ')
                arg++;
            if (!*arg) {
                say(c, "334 \r\n");
                pthread_mutex_unlock(&s->lock);
                if (read_line(c, answer, sizeof answer) != 0)
                    break;
                pthread_mutex_lock(&s->lock);
                arg = answer;
            }
            if (s->script.auth_b64 && strcmp(arg, s->script.auth_b64) == 0) {
                r->auth_ok++;
                say(c, "235 2.7.0 Authentication successful\r\n");
            } else {
                r->auth_failed++;
                say(c, "535 5.7.8 Authentication credentials invalid\r\n");
            }
        } else if (strncasecmp(line, "MAIL FROM:", 10) == 0) {
            snprintf(r->mail_from, sizeof r->mail_from, "%.255s", line + 10);
            r->rcpt[0] = '\0';
            say(c, "250 OK\r\n");
        } else if (strncasecmp(line, "RCPT TO:", 8) == 0) {
            if (s->script.refuse_rcpt && strstr(line + 8, s->script.refuse_rcpt)) {
                say(c, "550 5.1.1 No such user\r\n");
            } else {
                size_t used = strlen(r->rcpt);
                snprintf(r->rcpt + used, sizeof r->rcpt - used, "%.255s\n", line + 8);
                say(c, "250 OK\r\n");
            }
        } else if (strncasecmp(line, "DATA", 4) == 0) {
            say(c, "354 End data with <CR><LF>.<CR><LF>\r\n");
            r->data_length = 0;
            r->data[0] = '\0';
            for (;;) {
                const char *text = line;
                size_t n;
                pthread_mutex_unlock(&s->lock);
                if (read_line(c, line, sizeof line) != 0) {
                    pthread_mutex_lock(&s->lock);
                    break;
                }
                pthread_mutex_lock(&s->lock);
                if (strcmp(line, ".") == 0) {
                    r->messages++;
                    say(c, "250 OK queued\r\n");
                    break;
                }
                if (text[0] == '.')
                    text++;
                n = strlen(text);
                if (r->data_length + n + 3 < sizeof r->data) {
                    memcpy(r->data + r->data_length, text, n);
                    memcpy(r->data + r->data_length + n, "\r\n", 3);
                    r->data_length += n + 2;
                }
            }
        } else if (strncasecmp(line, "QUIT", 4) == 0) {
            say(c, "221 Bye\r\n");
            pthread_mutex_unlock(&s->lock);
            break;
        } else {
            say(c, "502 Command not implemented\r\n");
        }
        pthread_mutex_unlock(&s->lock);
    }
    close(fd);
    free(c);
}

static void *serve(void *arg)
{
    ot_smtp_server *s = arg;
    for (;;) {
        struct pollfd p = {s->listen_fd, POLLIN, 0};
        int fd, stop;
        pthread_mutex_lock(&s->lock);
        stop = s->stop;
        pthread_mutex_unlock(&s->lock);
        if (stop)
            break;
        if (poll(&p, 1, 50) <= 0)
            continue;
        fd = accept(s->listen_fd, NULL, NULL);
        if (fd >= 0)
            session(s, fd);
    }
    return NULL;
}

int ot_smtp_server_start(ot_smtp_server **out, const ot_smtp_script *script)
{
    ot_smtp_server *s = calloc(1, sizeof *s);
    struct sockaddr_in addr;
    socklen_t alen = sizeof addr;
    int one = 1;

    *out = NULL;
    if (!s)
        return -1;
    if (script)
        s->script = *script;
    s->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    setsockopt(s->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (s->listen_fd < 0 || bind(s->listen_fd, (struct sockaddr *)&addr, sizeof addr) != 0 ||
        listen(s->listen_fd, 8) != 0 ||
        getsockname(s->listen_fd, (struct sockaddr *)&addr, &alen) != 0) {
        if (s->listen_fd >= 0)
            close(s->listen_fd);
        free(s);
        return -1;
    }
    s->port = ntohs(addr.sin_port);
    pthread_mutex_init(&s->lock, NULL);
    if (pthread_create(&s->thread, NULL, serve, s) != 0) {
        close(s->listen_fd);
        pthread_mutex_destroy(&s->lock);
        free(s);
        return -1;
    }
    *out = s;
    return 0;
}

void ot_smtp_server_stop(ot_smtp_server *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->lock);
    s->stop = 1;
    pthread_mutex_unlock(&s->lock);
    pthread_join(s->thread, NULL);
    close(s->listen_fd);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

unsigned short ot_smtp_server_port(const ot_smtp_server *s)
{
    return s->port;
}

void ot_smtp_server_received(ot_smtp_server *s, ot_smtp_received *out)
{
    pthread_mutex_lock(&s->lock);
    *out = s->received;
    pthread_mutex_unlock(&s->lock);
}
