/* Fixed-size counters under a mutex: routes x status codes, routes x latency buckets. */
#include "metrics.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Status codes the daemon answers with; anything else is counted under "other". */
static const unsigned statuses[] = {200, 201, 202, 204, 400, 401, 403, 404, 405, 409,
                                    412, 413, 429, 500, 501, 502, 503};
#define N_STATUS (sizeof statuses / sizeof statuses[0] + 1)

/* Upper bounds of the latency buckets, seconds; +Inf is implicit. */
static const double bounds[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                0.1,   0.25,   0.5,   1,    2.5,   5, 10};
#define N_BOUNDS (sizeof bounds / sizeof bounds[0])

/* One row per route plus one for unmatched requests. */
#define N_ROWS (OTD_ROUTE_COUNT + 1)

struct otd_metrics {
    pthread_mutex_t lock;
    unsigned long long requests[N_ROWS][N_STATUS];
    unsigned long long buckets[N_ROWS][N_BOUNDS]; /* non-cumulative; summed when rendered */
    unsigned long long count[N_ROWS];
    double sum[N_ROWS];
    unsigned long long auth_failures[OTD_CREDENTIAL_COUNT][2]; /* [credential][limited] */
    unsigned long long auth_evictions;
    unsigned long long reloads[2]; /* [0]: applied, [1]: refused */
};

static const char *const credential_names[OTD_CREDENTIAL_COUNT] = {"api_key", "webhook"};

otd_metrics *otd_metrics_new(void)
{
    otd_metrics *m = calloc(1, sizeof *m);

    if (m && pthread_mutex_init(&m->lock, NULL) != 0) {
        free(m);
        return NULL;
    }
    return m;
}

void otd_metrics_free(otd_metrics *m)
{
    if (!m)
        return;
    pthread_mutex_destroy(&m->lock);
    free(m);
}

void otd_metrics_observe(otd_metrics *m, const otd_route *route, unsigned status,
                         double seconds)
{
    size_t row = route ? (size_t)route->id : OTD_ROUTE_COUNT, col = N_STATUS - 1, b;

    if (!m || row >= N_ROWS)
        return;
    for (size_t i = 0; i < N_STATUS - 1; i++)
        if (statuses[i] == status)
            col = i;
    for (b = 0; b < N_BOUNDS && seconds > bounds[b]; b++)
        ;
    pthread_mutex_lock(&m->lock);
    m->requests[row][col]++;
    if (b < N_BOUNDS)
        m->buckets[row][b]++;
    m->count[row]++;
    m->sum[row] += seconds;
    pthread_mutex_unlock(&m->lock);
}

void otd_metrics_count_auth_failure(otd_metrics *m, int credential, int limited, int evicted)
{
    if (!m || credential < 0 || credential >= OTD_CREDENTIAL_COUNT)
        return;
    pthread_mutex_lock(&m->lock);
    m->auth_failures[credential][limited ? 1 : 0]++;
    if (evicted)
        m->auth_evictions++;
    pthread_mutex_unlock(&m->lock);
}

/* A growing output buffer; `failed` sticks after the first allocation failure. */
struct out {
    char *buf;
    size_t len, cap;
    int failed;
};

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void emit(struct out *o, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (o->failed)
        return;
    for (;;) {
        va_start(ap, fmt);
        n = vsnprintf(o->buf ? o->buf + o->len : NULL, o->buf ? o->cap - o->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            o->failed = 1;
            return;
        }
        if (o->buf && o->len + (size_t)n < o->cap) {
            o->len += (size_t)n;
            return;
        }
        size_t cap = (o->cap ? o->cap * 2 : 4096) + (size_t)n;
        char *p = realloc(o->buf, cap);
        if (!p) {
            o->failed = 1;
            return;
        }
        o->buf = p;
        o->cap = cap;
    }
}

static void labels(const otd_route *routes, size_t row, const char **route, const char **method)
{
    *route = row < OTD_ROUTE_COUNT ? routes[row].pattern : "unmatched";
    *method = row < OTD_ROUTE_COUNT ? routes[row].method : "";
}

void otd_metrics_count_reload(otd_metrics *m, int ok)
{
    if (!m)
        return;
    pthread_mutex_lock(&m->lock);
    m->reloads[ok ? 0 : 1]++;
    pthread_mutex_unlock(&m->lock);
}

char *otd_metrics_render(otd_metrics *m, size_t *len)
{
    const otd_route *routes = otd_routes();
    struct out o = {NULL, 0, 0, 0};
    otd_metrics snap;
    const char *route, *method;

    pthread_mutex_lock(&m->lock);
    memcpy(snap.requests, m->requests, sizeof snap.requests);
    memcpy(snap.buckets, m->buckets, sizeof snap.buckets);
    memcpy(snap.count, m->count, sizeof snap.count);
    memcpy(snap.sum, m->sum, sizeof snap.sum);
    memcpy(snap.auth_failures, m->auth_failures, sizeof snap.auth_failures);
    snap.auth_evictions = m->auth_evictions;
    memcpy(snap.reloads, m->reloads, sizeof snap.reloads);
    pthread_mutex_unlock(&m->lock);

    emit(&o, "# HELP ordertrackd_http_requests_total HTTP requests answered, by route and "
             "status code.\n# TYPE ordertrackd_http_requests_total counter\n");
    for (size_t r = 0; r < N_ROWS; r++) {
        labels(routes, r, &route, &method);
        for (size_t c = 0; c < N_STATUS; c++) {
            char code[8];
            if (!snap.requests[r][c])
                continue;
            if (c < N_STATUS - 1)
                snprintf(code, sizeof code, "%u", statuses[c]);
            else
                strcpy(code, "other");
            emit(&o,
                 "ordertrackd_http_requests_total{route=\"%s\",method=\"%s\",code=\"%s\"} "
                 "%llu\n",
                 route, method, code, snap.requests[r][c]);
        }
    }
    emit(&o, "# HELP ordertrackd_http_request_duration_seconds Time from the first byte of "
             "the request to the queued response.\n"
             "# TYPE ordertrackd_http_request_duration_seconds histogram\n");
    for (size_t r = 0; r < N_ROWS; r++) {
        unsigned long long cumulative = 0;
        if (!snap.count[r])
            continue;
        labels(routes, r, &route, &method);
        for (size_t b = 0; b < N_BOUNDS; b++) {
            cumulative += snap.buckets[r][b];
            emit(&o,
                 "ordertrackd_http_request_duration_seconds_bucket{route=\"%s\",method=\"%s\","
                 "le=\"%g\"} %llu\n",
                 route, method, bounds[b], cumulative);
        }
        emit(&o,
             "ordertrackd_http_request_duration_seconds_bucket{route=\"%s\",method=\"%s\","
             "le=\"+Inf\"} %llu\n"
             "ordertrackd_http_request_duration_seconds_sum{route=\"%s\",method=\"%s\"} %.6f\n"
             "ordertrackd_http_request_duration_seconds_count{route=\"%s\",method=\"%s\"} "
             "%llu\n",
             route, method, snap.count[r], route, method, snap.sum[r], route, method,
             snap.count[r]);
    }
    emit(&o, "# HELP ordertrackd_auth_failures_total Failed authentications, by credential "
             "and answer (unauthorized 401, rate_limited 429: the source address was over "
             "its limit).\n# TYPE ordertrackd_auth_failures_total counter\n");
    for (int c = 0; c < OTD_CREDENTIAL_COUNT; c++)
        for (int l = 0; l < 2; l++)
            emit(&o, "ordertrackd_auth_failures_total{credential=\"%s\",answer=\"%s\"} %llu\n",
                 credential_names[c], l ? "rate_limited" : "unauthorized",
                 snap.auth_failures[c][l]);
    emit(&o, "# HELP ordertrackd_auth_failure_sources_evicted_total Source addresses "
             "forgotten before their failures had expired (the table was full).\n"
             "# TYPE ordertrackd_auth_failure_sources_evicted_total counter\n"
             "ordertrackd_auth_failure_sources_evicted_total %llu\n",
             snap.auth_evictions);
    emit(&o, "# HELP ordertrackd_config_reloads_total Config reloads (SIGHUP), by result "
             "(ok: the new config serves; error: refused, the running one stays).\n"
             "# TYPE ordertrackd_config_reloads_total counter\n"
             "ordertrackd_config_reloads_total{result=\"ok\"} %llu\n"
             "ordertrackd_config_reloads_total{result=\"error\"} %llu\n",
             snap.reloads[0], snap.reloads[1]);
    if (o.failed || !o.buf) {
        free(o.buf);
        return NULL;
    }
    if (len)
        *len = o.len;
    return o.buf;
}
