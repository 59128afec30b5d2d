/* libmicrohttpd glue: per-connection body accumulation with the size limit enforced before
 * parsing, the pipeline call, response headers, the access log and the metrics. */
#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "events.h"
#include "http_errors.h"
#include "live.h"

/* Bytes of an over-limit body that are read and dropped (to answer 413 cleanly) before the
 * connection is simply closed. */
#define DISCARD_CAP_FACTOR 16

struct otd_server {
    otd_app *app;
    struct MHD_Daemon *daemon;
    unsigned port;
    atomic_long in_flight;
    atomic_int stopping;     /* SIGTERM: every answer closes its connection */
};

/* One request, from its first byte to the completion callback. */
struct exchange {
    struct timespec start;
    char method[16];
    char path[512];
    char *body;
    size_t len, cap;
    int too_large;
    size_t discarded;
    int queued;
    unsigned status;
    size_t bytes;
    const otd_route *route;
    const char *key_id;      /* the key's id from the config (never the key) */
    int closing;             /* the server is stopping: close after the answer */
    int begun;               /* begin() ran (made by uri_seen before the headers) */
    int raw_nul;             /* the raw request target holds %00 */
    int close;               /* answer with Connection: close (a refused framing) */
    size_t uri_bytes;        /* the raw request target's length */
    otd_generation *gen;     /* the config generation the request runs on (held); or NULL */
    otd_app *app;            /* gen's app, or the server's without reloads */
};

static double seconds_since(const struct timespec *t0)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

static const char *header_lookup(void *ctx, const char *name)
{
    return MHD_lookup_connection_value(ctx, MHD_HEADER_KIND, name);
}

static const char *query_lookup(void *ctx, const char *name)
{
    return MHD_lookup_connection_value(ctx, MHD_GET_ARGUMENT_KIND, name);
}

/* Queue res (its body is handed to MHD) and remember what the access log needs. */
static enum MHD_Result queue(struct MHD_Connection *c, struct exchange *x, otd_response *res)
{
    struct MHD_Response *r;
    enum MHD_Result rc;
    char value[32];

    r = MHD_create_response_from_buffer(res->body_len, res->body, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        otd_response_clear(res);
        return MHD_NO;
    }
    res->body = NULL; /* MHD frees it now */
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
                            res->content_type ? res->content_type : OTD_CONTENT_TYPE_JSON);
    if (res->has_etag) {
        snprintf(value, sizeof value, "\"%llu\"", res->etag);
        MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, value);
    }
    if (res->retry_after) {
        snprintf(value, sizeof value, "%u", res->retry_after);
        MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, value);
    }
    if (res->allow[0])
        MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, res->allow);
    if (res->cache_control)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, res->cache_control);
    for (const char *const *h = res->headers; h && h[0] && h[1]; h += 2)
        MHD_add_response_header(r, h[0], h[1]);
    if (x->closing || x->close)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
    rc = MHD_queue_response(c, res->status, r);
    MHD_destroy_response(r);
    x->queued = 1;
    x->status = res->status;
    x->bytes = res->body_len;
    otd_response_clear(res);
    return rc;
}

/* An event stream (res->stream): the hub's callback response, or 429 when it is full. */
static enum MHD_Result queue_stream(otd_server *s, struct MHD_Connection *c,
                                    struct exchange *x, const otd_request *req,
                                    otd_response *res)
{
    struct MHD_Response *r =
        res->stream == OTD_STREAM_CUSTOMER
            ? otd_events_customer_response(s->app->events, c, res->stream_order_id,
                                           res->stream_until_s)
            : otd_events_response(s->app->events, c, req->match.order_id, req->key,
                                  res->stream_from);
    enum MHD_Result rc;

    otd_response_clear(res);
    if (!r) {
        otd_respond_error(res, OTD_ERR_RATE_LIMITED, "too many event streams are open",
                          json_pack("{sI}", "retry_after_s", (json_int_t)5));
        res->retry_after = 5;
        return queue(c, x, res);
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/event-stream");
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
    rc = MHD_queue_response(c, 200, r);
    MHD_destroy_response(r);
    x->queued = 1;
    x->status = 200;
    return rc;
}

static enum MHD_Result too_large(struct MHD_Connection *c, struct exchange *x, size_t limit)
{
    otd_response res;
    char message[96];

    memset(&res, 0, sizeof res);
    snprintf(message, sizeof message, "request body over the limit of %zu bytes", limit);
    otd_respond_error(&res, OTD_ERR_PAYLOAD_TOO_LARGE, message,
                      json_pack("{sI}", "max_body_bytes", (json_int_t)limit));
    return queue(c, x, &res);
}

/* The route a request is counted under, before the pipeline runs (a 413 is answered
 * before it). */
static const otd_route *route_of(const char *method, const char *url)
{
    otd_match m;

    return otd_route_match(method, url, &m) == 200 ? m.route : NULL;
}

/* MHD_OPTION_URI_LOG_CALLBACK: the raw request target, before MHD decodes it (a decoded
 * %00 would end the path or a query value early: /orders/m-1%00x would name m-1). The
 * exchange made here is the request's context; begin() fills it. */
static void *uri_seen(void *cls, const char *uri, struct MHD_Connection *c)
{
    struct exchange *x = calloc(1, sizeof *x);

    (void)cls;
    (void)c;
    if (x && uri) {
        x->raw_nul = strstr(uri, "%00") != NULL;
        x->uri_bytes = strlen(uri);
    }
    return x;
}

/* What a request's headers say, for the framing checks of begin(). */
struct header_scan {
    const char *length;      /* the first Content-Length */
    int lengths_differ;      /* another Content-Length with another value */
    int transfer_encoding;   /* any Transfer-Encoding */
    const char *nul;         /* a header whose name or value holds a NUL byte */
    size_t bytes;            /* names and values, with ": " and CRLF: the head's size */
};

static enum MHD_Result scan_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                   size_t key_size, const char *value, size_t value_size)
{
    struct header_scan *h = cls;

    (void)kind;
    h->bytes += key_size + value_size + 4;
    if (!h->nul && ((key && memchr(key, '\0', key_size)) ||
                    (value && memchr(value, '\0', value_size))))
        h->nul = key ? key : "";
    if (key && strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0) {
        if (h->length && (!value || strcmp(h->length, value) != 0))
            h->lengths_differ = 1;
        else if (!h->length)
            h->length = value ? value : "";
    }
    if (key && strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0)
        h->transfer_encoding = 1;
    return MHD_YES;
}

/* `error` (400 `invalid_request` unless the head is too large) naming `field`; `close` also
 * closes the connection after it. */
static enum MHD_Result refuse_as(struct MHD_Connection *c, struct exchange *x,
                                 otd_api_error error, const char *field, const char *message,
                                 int close)
{
    otd_response res;

    memset(&res, 0, sizeof res);
    x->close = close;
    otd_respond_error(&res, error, message, json_pack("{ss}", "field", field));
    return queue(c, x, &res);
}

static enum MHD_Result refuse(struct MHD_Connection *c, struct exchange *x, const char *field,
                              const char *message, int close)
{
    return refuse_as(c, x, OTD_ERR_INVALID_REQUEST, field, message, close);
}

/* First call: set up the exchange; refuse a request target over limits.max_uri_bytes (414)
 * or headers over limits.max_header_bytes (431), a request target holding %00, a header
 * holding a NUL byte, an ambiguous body framing (two different Content-Lengths, or Content-Length with
 * Transfer-Encoding: 400 and close, as RFC 9112 6.3 asks) and a declared Content-Length over
 * the limit, each at once. */
static enum MHD_Result begin(otd_server *s, struct MHD_Connection *c, const char *url,
                             const char *method, void **con_cls)
{
    struct exchange *x = *con_cls ? *con_cls : calloc(1, sizeof *x);
    struct header_scan h = {NULL, 0, 0, NULL, 0};
    const char *length;
    size_t limit;
    char *end;

    if (!x)
        return MHD_NO;
    x->begun = 1;
    /* the request runs on the config current now, to its end (live.h) */
    x->gen = s->app->live ? otd_live_acquire(s->app->live) : NULL;
    x->app = x->gen ? &x->gen->app : s->app;
    limit = x->app->cfg->max_body_bytes;
    clock_gettime(CLOCK_MONOTONIC, &x->start);
    snprintf(x->method, sizeof x->method, "%s", method);
    snprintf(x->path, sizeof x->path, "%s", url);
    x->route = route_of(method, url);
    *con_cls = x;
    atomic_fetch_add(&s->in_flight, 1);
    MHD_get_connection_values_n(c, MHD_HEADER_KIND, scan_header, &h);
    /* the head limits are the start-up config's: they sized libmicrohttpd's buffer */
    if (x->uri_bytes > s->app->cfg->max_uri_bytes) {
        char message[96];
        snprintf(message, sizeof message, "the request target is over the limit of %zu bytes",
                 s->app->cfg->max_uri_bytes);
        return refuse_as(c, x, OTD_ERR_URI_TOO_LONG, "path", message, 1);
    }
    if (h.bytes > s->app->cfg->max_header_bytes) {
        char message[96];
        snprintf(message, sizeof message, "the headers are over the limit of %zu bytes",
                 s->app->cfg->max_header_bytes);
        return refuse_as(c, x, OTD_ERR_HEADERS_TOO_LARGE, "headers", message, 1);
    }
    if (x->raw_nul)
        return refuse(c, x, "path", "the request target holds %00 (a NUL byte)", 0);
    if (h.nul)
        return refuse(c, x, h.nul, "a header holds a NUL byte", 1);
    if (h.lengths_differ)
        return refuse(c, x, MHD_HTTP_HEADER_CONTENT_LENGTH,
                      "two different Content-Length headers", 1);
    if (h.length && h.transfer_encoding)
        return refuse(c, x, MHD_HTTP_HEADER_TRANSFER_ENCODING,
                      "both Content-Length and Transfer-Encoding", 1);
    length = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (length) {
        errno = 0;
        unsigned long long n = strtoull(length, &end, 10);
        if (errno == ERANGE || n > limit) {
            x->too_large = 1;
            x->closing = atomic_load(&s->stopping);
            return too_large(c, x, limit);
        }
    }
    return MHD_YES;
}

/* An upload chunk: keep it while under the limit, else drop it (bounded). */
static enum MHD_Result take_chunk(struct exchange *x, const char *data, size_t *size)
{
    size_t limit = x->app->cfg->max_body_bytes, n = *size;

    *size = 0;
    /* A body trickling in longer than limits.request_timeout_s holds a connection for
     * nothing: close it (each byte would otherwise restart the idle timeout). */
    if (seconds_since(&x->start) > (double)x->app->cfg->request_timeout_s)
        return MHD_NO;
    if (!x->too_large && x->len + n > limit) {
        x->too_large = 1;
        free(x->body);
        x->body = NULL;
        x->len = x->cap = 0;
    }
    if (x->too_large || x->close) {
        x->discarded += n;
        return x->discarded > DISCARD_CAP_FACTOR * limit + 1024 * 1024 ? MHD_NO : MHD_YES;
    }
    if (x->len + n > x->cap) {
        size_t cap = x->cap ? x->cap : 1024;
        while (cap < x->len + n)
            cap *= 2;
        char *p = realloc(x->body, cap);
        if (!p)
            return MHD_NO;
        x->body = p;
        x->cap = cap;
    }
    memcpy(x->body + x->len, data, n);
    x->len += n;
    return MHD_YES;
}

/* The peer's address of c as an otd_addr (IPv4 mapped into IPv6); -1 when unknown. */
static int peer_of(struct MHD_Connection *c, otd_addr *out)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = info ? info->client_addr : NULL;

    memset(out, 0, sizeof *out);
    if (sa && sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;
        out->bytes[10] = out->bytes[11] = 0xff;
        memcpy(out->bytes + 12, &in->sin_addr, 4);
        return 0;
    }
    if (sa && sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)sa;
        memcpy(out->bytes, &in6->sin6_addr, 16);
        return 0;
    }
    return -1;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    otd_server *s = cls;
    struct exchange *x = *con_cls;
    otd_request req;
    otd_response res;
    otd_addr peer;

    (void)version;
    if (!x || !x->begun)
        return begin(s, c, url, method, con_cls);
    if (*upload_data_size)
        return take_chunk(x, upload_data, upload_data_size);
    if (x->queued)
        return MHD_YES;
    /* From SIGTERM on, every answer closes its connection: a kept-alive client is served
     * what it sent and then goes, instead of being served on through the drain. */
    x->closing = atomic_load(&s->stopping);
    if (x->too_large)
        return too_large(c, x, x->app->cfg->max_body_bytes);

    memset(&req, 0, sizeof req);
    req.method = method;
    req.path = url;
    req.body = x->body;
    req.body_len = x->len;
    req.header = header_lookup;
    req.query = query_lookup;
    req.lookup_ctx = c;
    req.source = peer_of(c, &peer) == 0 ? &peer : NULL;
    otd_app_handle(x->app, &req, &res);
    x->route = req.match.route;
    x->key_id = req.key ? req.key->id : NULL;
    if (res.stream)
        return queue_stream(s, c, x, &req, &res);
    return queue(c, x, &res);
}

/* One info entry "request" per answered request. */
static void access_log(const otc_log *log, const struct exchange *x, double seconds)
{
    json_t *path;

    if (!otc_log_enabled(log, OTC_LOG_INFO))
        return;
    /* A path that is not UTF-8 cannot be a JSON string: it is logged as null. */
    path = json_stringn(x->path, strlen(x->path));
    otc_log_write(log, OTC_LOG_INFO, "request",
                  json_pack("{ss so ss? sI sI sf ss?}", "method", x->method, "path",
                            path ? path : json_null(), "route",
                            x->route ? x->route->pattern : NULL, "status",
                            (json_int_t)x->status, "bytes", (json_int_t)x->bytes,
                            "duration_ms", seconds * 1000.0, "key_id", x->key_id));
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    otd_server *s = cls;
    struct exchange *x = *con_cls;
    double seconds;

    (void)c;
    (void)toe;
    if (!x)
        return;
    seconds = x->begun ? seconds_since(&x->start) : 0;
    if (x->queued) {
        otd_metrics_observe(s->app->metrics, x->route, x->status, seconds);
        access_log(s->app->log, x, seconds);
    }
    if (x->gen)
        otd_live_release(s->app->live, x->gen);
    free(x->body);
    if (x->begun)
        atomic_fetch_sub(&s->in_flight, 1);
    free(x);
    *con_cls = NULL;
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 0)))
#endif
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    const otd_server *s = cls;
    char line[512];
    size_t n;

    vsnprintf(line, sizeof line, fmt, ap);
    n = strlen(line);
    while (n && line[n - 1] == '\n')
        line[--n] = '\0';
    otc_logf(s->app->log, OTC_LOG_WARN, "http: %s", line);
}

/* libmicrohttpd's per-connection memory: the largest head the limits allow plus room for
 * the answer's headers, so that a head over a limit reaches begin() and gets the API's
 * JSON answer. Only a head past this buffer gets libmicrohttpd's own 414 or 431. Strictness
 * (MHD_OPTION_CLIENT_DISCIPLINE_LVL 1): a NUL or bare CR/LF in the head, a folded header or
 * a space in the request target is refused by libmicrohttpd with 400 (docs/reliability.md). */
static size_t head_buffer_bytes(const otd_config *cfg)
{
    return cfg->max_uri_bytes + cfg->max_header_bytes + 16384;
}

otd_server *otd_server_start(otd_app *app, char *err, size_t errlen)
{
    const otd_config *cfg = app->cfg;
    struct sockaddr_storage ss;
    otd_server *s;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ITC |
                     MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;
    const union MHD_DaemonInfo *info;

    memset(&ss, 0, sizeof ss);
    if (cfg->ipv6) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
        a->sin6_family = AF_INET6;
        a->sin6_port = htons((unsigned short)cfg->port);
        inet_pton(AF_INET6, cfg->host, &a->sin6_addr);
        flags |= MHD_USE_IPv6;
    } else {
        struct sockaddr_in *a = (struct sockaddr_in *)&ss;
        a->sin_family = AF_INET;
        a->sin_port = htons((unsigned short)cfg->port);
        inet_pton(AF_INET, cfg->host, &a->sin_addr);
    }
    s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->app = app;
    atomic_init(&s->in_flight, 0);
    atomic_init(&s->stopping, 0);
    s->daemon = MHD_start_daemon(
        flags, (uint16_t)cfg->port, NULL, NULL, on_request, s, MHD_OPTION_EXTERNAL_LOGGER,
        mhd_log, s, MHD_OPTION_SOCK_ADDR, &ss, MHD_OPTION_THREAD_POOL_SIZE,
        (unsigned)cfg->threads, MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
        MHD_OPTION_CONNECTION_TIMEOUT, cfg->connection_timeout_s, MHD_OPTION_CONNECTION_LIMIT,
        cfg->max_connections, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        cfg->max_connections_per_address, MHD_OPTION_URI_LOG_CALLBACK, uri_seen, NULL,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, head_buffer_bytes(cfg),
        MHD_OPTION_CLIENT_DISCIPLINE_LVL, 1, MHD_OPTION_END);
    if (!s->daemon) {
        snprintf(err, errlen, "cannot listen on %s%s%s:%u", cfg->ipv6 ? "[" : "", cfg->host,
                 cfg->ipv6 ? "]" : "", cfg->port);
        free(s);
        return NULL;
    }
    info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? info->port : cfg->port;
    return s;
}

unsigned otd_server_port(const otd_server *server)
{
    return server ? server->port : 0;
}

void otd_server_stop(otd_server *s, unsigned drain_ms)
{
    struct timespec tick = {0, 10 * 1000 * 1000};
    MHD_socket listener;

    if (!s)
        return;
    /* Requests in flight are finished (bounded by drain_ms); answers from now on close their
     * connections, and the idle ones close with the daemon once nothing is in flight. */
    atomic_store(&s->stopping, 1);
    listener = MHD_quiesce_daemon(s->daemon);
    for (unsigned waited = 0; atomic_load(&s->in_flight) > 0 && waited < drain_ms;
         waited += 10)
        nanosleep(&tick, NULL);
    MHD_stop_daemon(s->daemon);
    if (listener != MHD_INVALID_SOCKET)
        close(listener);
    free(s);
}
