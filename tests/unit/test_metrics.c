/* Metrics: the Prometheus text output parsed back line by line, thread safety, bad input. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "test_util.h"
#include "alloc_sweep.h"
#include <ordertrack/adapters/memory.h>
#include <ordertrack/sys/clock.h>

/* One parsed sample: metric name, labels as `k=v` pairs joined by ',' (unescaped), value. */
struct sample {
    char name[128];
    char labels[512];
    double value;
};

struct family {
    char name[128];
    char type[16];
    int has_help;
};

struct exposition {
    struct sample samples[2048];
    size_t count;
    struct family families[64];
    size_t family_count;
};

static int name_char(char c, int first)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
           (!first && c >= '0' && c <= '9');
}

/* Read a metric or label name at *p into out; advance *p. */
static void parse_name(const char **p, char *out, size_t size)
{
    size_t n = 0;
    if (!name_char(**p, 1))
        fail_msg("bad name start at \"%.40s\"", *p);
    while (name_char(**p, n == 0)) {
        assert_true(n + 1 < size);
        out[n++] = *(*p)++;
    }
    out[n] = '\0';
}

static struct family *family_of(struct exposition *e, const char *sample_name)
{
    size_t i;
    for (i = 0; i < e->family_count; i++) {
        size_t n = strlen(e->families[i].name);
        const char *rest = sample_name + n;
        if (strncmp(sample_name, e->families[i].name, n) != 0)
            continue;
        if (*rest == '\0' ||
            (strcmp(e->families[i].type, "histogram") == 0 &&
             (strcmp(rest, "_bucket") == 0 || strcmp(rest, "_sum") == 0 ||
              strcmp(rest, "_count") == 0)))
            return &e->families[i];
    }
    return NULL;
}

static double parse_value(const char *s)
{
    char *end;
    double v;
    if (strcmp(s, "+Inf") == 0)
        return INFINITY;
    if (strcmp(s, "-Inf") == 0)
        return -INFINITY;
    v = strtod(s, &end);
    if (end == s || *end != '\0')
        fail_msg("bad sample value \"%s\"", s);
    return v;
}

/* Parse text exposition format 0.0.4 strictly: each line is a HELP, a TYPE or a sample. */
static void parse(struct exposition *e, const char *text, size_t len)
{
    const char *line = text, *end = text + len;
    memset(e, 0, sizeof *e);
    assert_int_equal(strlen(text), len);
    assert_true(len > 0 && text[len - 1] == '\n');
    while (line < end) {
        const char *nl = strchr(line, '\n'), *p = line;
        char buf[1024];
        assert_non_null(nl);
        assert_true((size_t)(nl - line) < sizeof buf);
        memcpy(buf, line, (size_t)(nl - line));
        buf[nl - line] = '\0';
        p = buf;
        if (strncmp(p, "# HELP ", 7) == 0 || strncmp(p, "# TYPE ", 7) == 0) {
            int help = p[2] == 'H';
            struct family *f;
            char name[128];
            p += 7;
            parse_name(&p, name, sizeof name);
            assert_int_equal(*p, ' ');
            p++;
            if (help) {
                assert_true(e->family_count < 64);
                f = &e->families[e->family_count++];
                snprintf(f->name, sizeof f->name, "%s", name);
                f->has_help = 1;
                /* Only \\ and \n escapes in help text. */
                for (; *p; p++)
                    if (*p == '\\')
                        assert_true(p[1] == '\\' || p[1] == 'n'), p++;
            } else {
                f = e->family_count ? &e->families[e->family_count - 1] : NULL;
                assert_non_null(f);
                assert_string_equal(f->name, name); /* TYPE right after its HELP */
                assert_true(strcmp(p, "counter") == 0 || strcmp(p, "histogram") == 0);
                snprintf(f->type, sizeof f->type, "%s", p);
            }
        } else {
            struct sample *s;
            struct family *f;
            size_t ln = 0;
            assert_true(buf[0] != '#');
            assert_true(e->count < 2048);
            s = &e->samples[e->count++];
            parse_name(&p, s->name, sizeof s->name);
            assert_true(strncmp(s->name, "ordertrack_", 11) == 0);
            f = family_of(e, s->name);
            if (!f || !f->type[0])
                fail_msg("sample %s before its # TYPE line", s->name);
            if (*p == '{') {
                p++;
                while (*p != '}') {
                    char lname[64];
                    parse_name(&p, lname, sizeof lname);
                    ln += (size_t)snprintf(s->labels + ln, sizeof s->labels - ln, "%s%s=",
                                           ln ? "," : "", lname);
                    assert_int_equal(*p++, '=');
                    assert_int_equal(*p++, '"');
                    while (*p != '"') {
                        char c = *p++;
                        assert_true(c != '\0');
                        if (c == '\\') {
                            c = *p++;
                            if (c == 'n')
                                c = '\n';
                            else if (c != '\\' && c != '"')
                                fail_msg("bad escape \\%c", c);
                        }
                        assert_true(ln + 1 < sizeof s->labels);
                        s->labels[ln++] = c;
                        s->labels[ln] = '\0';
                    }
                    p++;
                    if (*p == ',')
                        p++;
                    else
                        assert_int_equal(*p, '}');
                }
                p++;
            }
            assert_int_equal(*p++, ' ');
            s->value = parse_value(p);
        }
        line = nl + 1;
    }
}

/* The value of the sample `name` with exactly `labels`; fails if absent or repeated. */
static double value_of(const struct exposition *e, const char *name, const char *labels)
{
    size_t i, found = 0;
    double v = 0;
    for (i = 0; i < e->count; i++)
        if (strcmp(e->samples[i].name, name) == 0 && strcmp(e->samples[i].labels, labels) == 0) {
            found++;
            v = e->samples[i].value;
        }
    if (found != 1)
        fail_msg("%s{%s}: found %zu times", name, labels, found);
    return v;
}

static int near(double a, double b)
{
    return a - b < 1e-12 && b - a < 1e-12;
}

/* Every histogram series: buckets cumulative and ascending, +Inf equal to _count. */
static void check_histograms(const struct exposition *e)
{
    size_t i;
    for (i = 0; i < e->count; i++) {
        const struct sample *s = &e->samples[i];
        char base[128], labels[512];
        const char *le;
        size_t n = strlen(s->name);
        if (n < 7 || strcmp(s->name + n - 7, "_bucket") != 0)
            continue;
        le = strstr(s->labels, "le=");
        assert_non_null(le);
        if (strcmp(le, "le=+Inf") != 0)
            continue;
        snprintf(base, sizeof base, "%.*s_count", (int)(n - 7), s->name);
        snprintf(labels, sizeof labels, "%.*s", (int)(le - s->labels ? le - s->labels - 1 : 0),
                 s->labels);
        assert_true(value_of(e, base, labels) == s->value);
        assert_true(i > 0 && e->samples[i - 1].value <= s->value);
    }
}

static struct exposition *scrape(const ot_metrics *m)
{
    static struct exposition e;
    char *text = NULL;
    size_t len = 0;
    ot_error err;
    ot_error_clear(&err);
    if (ot_metrics_write_prometheus(&text, &len, m, &err) != 0)
        fail_msg("write: %s", err.message);
    parse(&e, text, len);
    check_histograms(&e);
    ot_free(text);
    return &e;
}

static void test_builtins_start_at_zero(void **state)
{
    ot_metrics *m = NULL;
    struct exposition *e;
    ot_error err;
    (void)state;
    assert_int_equal(ot_metrics_new(&m, &err), 0);
    e = scrape(m);
    assert_int_equal(e->family_count, 12);
    assert_true(value_of(e, "ordertrack_updates_refused_total",
                         "provider=uber,reason=provider_mismatch") == 0);
    assert_true(value_of(e, "ordertrack_updates_refused_total",
                         "provider=velocity,reason=tracking_id_mismatch") == 0);
    assert_true(value_of(e, "ordertrack_reconcile_findings_total", "class=courier_differs") == 0);
    assert_true(value_of(e, "ordertrack_transitions_total", "status=submitted") == 0);
    assert_true(value_of(e, "ordertrack_transitions_total", "status=failed") == 0);
    assert_true(value_of(e, "ordertrack_shipment_transitions_total", "status=rto in transit")
                == 0);
    assert_true(value_of(e, "ordertrack_sla_breaches_total", "stage=ndr_age") == 0);
    assert_true(value_of(e, "ordertrack_sla_warnings_total", "stage=picking") == 0);
    assert_true(value_of(e, "ordertrack_storage_conflicts_total", "") == 0);
    assert_true(value_of(e, "ordertrack_storage_retries_total", "") == 0);
    assert_true(value_of(e, "ordertrack_webhook_verifications_failed_total", "provider=uber")
                == 0);
    assert_true(value_of(e, "ordertrack_courier_updates_total",
                         "provider=delhivery_b2b,result=unmapped") == 0);
    assert_true(value_of(e, "ordertrack_sla_stage_duration_seconds_bucket",
                         "stage=pickup,le=+Inf") == 0);
    assert_true(value_of(e, "ordertrack_eta_error_seconds_count", "") == 0);
    assert_true(value_of(e, "ordertrack_eta_error_seconds_bucket", "le=-3600") == 0);
    ot_metrics_free(m);
    ot_metrics_free(NULL);
}

static void test_builtins_count(void **state)
{
    ot_metrics *m = NULL;
    struct exposition *e;
    ot_error err;
    int i;
    (void)state;
    assert_int_equal(ot_metrics_new(&m, &err), 0);
    for (i = 0; i < 3; i++)
        assert_int_equal(ot_metrics_count_transition(m, OT_STATUS_DELIVERED, &err), 0);
    assert_int_equal(ot_metrics_count_shipment_transition(m, OT_SHIPMENT_RTO_IN_TRANSIT, &err),
                     0);
    assert_int_equal(ot_metrics_count_sla(m, OT_SLA_STAGE_PICKING, OT_SLA_STATE_WARNING, &err),
                     0);
    assert_int_equal(ot_metrics_count_sla(m, OT_SLA_STAGE_PICKING, OT_SLA_STATE_BREACHED, &err),
                     0);
    assert_int_equal(ot_metrics_count_sla(m, OT_SLA_STAGE_PICKING, OT_SLA_STATE_BREACHED, &err),
                     0);
    assert_int_equal(ot_metrics_count_storage_conflict(m, &err), 0);
    assert_int_equal(ot_metrics_count_storage_retry(m, &err), 0);
    assert_int_equal(ot_metrics_count_storage_retry(m, &err), 0);
    assert_int_equal(ot_metrics_count_webhook_failure(m, OT_PROVIDER_DOORDASH, &err), 0);
    assert_int_equal(ot_metrics_count_courier_update(m, OT_PROVIDER_VELOCITY,
                                                     OT_COURIER_RESULT_STALE, &err), 0);
    assert_int_equal(ot_metrics_observe_stage_duration(m, OT_SLA_STAGE_PICKING, 45000, &err), 0);
    assert_int_equal(ot_metrics_observe_stage_duration(m, OT_SLA_STAGE_PICKING, 60000, &err), 0);
    assert_int_equal(ot_metrics_observe_stage_duration(m, OT_SLA_STAGE_PICKING,
                                                       INT64_C(1000000000), &err), 0);
    assert_int_equal(ot_metrics_observe_eta_error(m, -90500, &err), 0);

    e = scrape(m);
    assert_true(value_of(e, "ordertrack_transitions_total", "status=delivered") == 3);
    assert_true(value_of(e, "ordertrack_transitions_total", "status=in_transit") == 0);
    assert_true(value_of(e, "ordertrack_shipment_transitions_total", "status=rto in transit")
                == 1);
    assert_true(value_of(e, "ordertrack_sla_warnings_total", "stage=picking") == 1);
    assert_true(value_of(e, "ordertrack_sla_breaches_total", "stage=picking") == 2);
    assert_true(value_of(e, "ordertrack_storage_conflicts_total", "") == 1);
    assert_true(value_of(e, "ordertrack_storage_retries_total", "") == 2);
    assert_true(value_of(e, "ordertrack_webhook_verifications_failed_total",
                         "provider=doordash") == 1);
    assert_true(value_of(e, "ordertrack_courier_updates_total", "provider=velocity,result=stale")
                == 1);
    /* 45 s and 60 s fall in le=60 (upper bounds are inclusive); 1e6 s only in +Inf. */
    assert_true(value_of(e, "ordertrack_sla_stage_duration_seconds_bucket",
                         "stage=picking,le=30") == 0);
    assert_true(value_of(e, "ordertrack_sla_stage_duration_seconds_bucket",
                         "stage=picking,le=60") == 2);
    assert_true(value_of(e, "ordertrack_sla_stage_duration_seconds_bucket",
                         "stage=picking,le=604800") == 2);
    assert_true(value_of(e, "ordertrack_sla_stage_duration_seconds_bucket",
                         "stage=picking,le=+Inf") == 3);
    assert_true(value_of(e, "ordertrack_sla_stage_duration_seconds_sum", "stage=picking")
                == 1000105);
    assert_true(value_of(e, "ordertrack_sla_stage_duration_seconds_count", "stage=picking")
                == 3);
    assert_true(value_of(e, "ordertrack_eta_error_seconds_bucket", "le=-120") == 0);
    assert_true(value_of(e, "ordertrack_eta_error_seconds_bucket", "le=-60") == 1);
    assert_true(value_of(e, "ordertrack_eta_error_seconds_sum", "") == -90.5);
    ot_metrics_free(m);
}

static void test_host_metrics_and_escaping(void **state)
{
    static const char *const req_labels[] = {"route", "code"};
    static const char *const lat_labels[] = {"route"};
    static const double buckets[] = {0.1, 0.5, 2.5};
    const char *v1[] = {"/tracking/orders/{order_id}", "200"};
    const char *v2[] = {"a\"b\\c\nd", "500"};
    const char *lat[] = {"/healthz"};
    ot_metrics *m = NULL;
    struct exposition *e;
    ot_error err;
    (void)state;

    assert_int_equal(ot_metrics_new(&m, &err), 0);
    assert_int_equal(ot_metrics_register(m, OT_METRIC_COUNTER, "http_requests_total",
                                         "Requests by route and code.\nSecond \\ line",
                                         req_labels, 2, NULL, 0, &err), 0);
    assert_int_equal(ot_metrics_register(m, OT_METRIC_HISTOGRAM,
                                         "ordertrack_http_request_duration_seconds", NULL,
                                         lat_labels, 1, NULL, 0, &err), 0);
    assert_int_equal(ot_metrics_register(m, OT_METRIC_HISTOGRAM, "queue_depth", "Depth.", NULL,
                                         0, buckets, 3, &err), 0);
    assert_int_equal(ot_metrics_add(m, "http_requests_total", v1, 2, 1, &err), 0);
    assert_int_equal(ot_metrics_add(m, "ordertrack_http_requests_total", v1, 2, 2.5, &err), 0);
    assert_int_equal(ot_metrics_add(m, "http_requests_total", v2, 2, 1, &err), 0);
    assert_int_equal(ot_metrics_observe(m, "http_request_duration_seconds", lat, 1, 0.3, &err),
                     0);
    assert_int_equal(ot_metrics_observe(m, "http_request_duration_seconds", lat, 1, 0.005, &err),
                     0);
    assert_int_equal(ot_metrics_observe(m, "queue_depth", NULL, 0, 0.1, &err), 0);
    assert_int_equal(ot_metrics_observe(m, "queue_depth", NULL, 0, -7, &err), 0);

    e = scrape(m);
    assert_int_equal(e->family_count, 15);
    assert_string_equal(e->families[12].name, "ordertrack_http_requests_total");
    assert_string_equal(e->families[12].type, "counter");
    assert_string_equal(e->families[13].type, "histogram");
    assert_true(value_of(e, "ordertrack_http_requests_total",
                         "route=/tracking/orders/{order_id},code=200") == 3.5);
    assert_true(value_of(e, "ordertrack_http_requests_total", "route=a\"b\\c\nd,code=500") == 1);
    assert_true(value_of(e, "ordertrack_http_request_duration_seconds_bucket",
                         "route=/healthz,le=0.005") == 1);
    assert_true(value_of(e, "ordertrack_http_request_duration_seconds_bucket",
                         "route=/healthz,le=0.25") == 1);
    assert_true(value_of(e, "ordertrack_http_request_duration_seconds_bucket",
                         "route=/healthz,le=0.5") == 2);
    assert_true(value_of(e, "ordertrack_http_request_duration_seconds_bucket",
                         "route=/healthz,le=10") == 2);
    assert_true(near(value_of(e, "ordertrack_http_request_duration_seconds_sum",
                              "route=/healthz"), 0.305));
    assert_true(value_of(e, "ordertrack_queue_depth_bucket", "le=0.1") == 2);
    assert_true(value_of(e, "ordertrack_queue_depth_bucket", "le=2.5") == 2);
    assert_true(near(value_of(e, "ordertrack_queue_depth_sum", ""), -6.9));
    assert_true(value_of(e, "ordertrack_queue_depth_count", "") == 2);
    ot_metrics_free(m);
}

/* A host's own namespace: registered without the prefix, found by that name only, and no
 * name that ot_metrics_add could take for another metric's. */
static void test_unprefixed_host_metrics(void **state)
{
    static const char *const labels[] = {"route", "method", "code"};
    static const double bounds[] = {0.001, 0.0025, 10};
    const char *v[] = {"unmatched", "", "other"};
    const char *lat[] = {"/healthz", "GET"};
    static const char *const lines[] = {
        "# TYPE ordertrackd_http_requests_total counter\n",
        "ordertrackd_http_requests_total{route=\"unmatched\",method=\"\",code=\"other\"} 2\n",
        "# TYPE host_latency histogram\n",
        "host_latency_bucket{route=\"/healthz\",method=\"GET\",le=\"0.001\"} 0\n",
        "host_latency_bucket{route=\"/healthz\",method=\"GET\",le=\"0.0025\"} 1\n",
        "host_latency_count{route=\"/healthz\",method=\"GET\"} 1\n",
    };
    ot_metrics *m = NULL;
    char *text = NULL;
    size_t i;
    ot_error err;
    (void)state;

    assert_int_equal(ot_metrics_new(&m, &err), 0);
    assert_int_equal(ot_metrics_register_unprefixed(m, OT_METRIC_COUNTER,
                                                    "ordertrackd_http_requests_total",
                                                    "Requests.", labels, 3, NULL, 0, &err),
                     0);
    assert_int_equal(ot_metrics_register_unprefixed(m, OT_METRIC_HISTOGRAM, "host_latency",
                                                    NULL, labels, 2, bounds, 3, &err),
                     0);
    assert_int_equal(ot_metrics_add(m, "ordertrackd_http_requests_total", v, 3, 2, &err), 0);
    assert_int_equal(ot_metrics_observe(m, "host_latency", lat, 2, 0.002, &err), 0);
    assert_ot_error(ot_metrics_add(m, "ordertrack_ordertrackd_http_requests_total", v, 3, 1,
                                   &err), OT_ENOTFOUND, err);
    assert_ot_error(ot_metrics_observe(m, "ordertrack_host_latency", lat, 2, 1, &err),
                    OT_ENOTFOUND, err);
    /* taken, with or without the prefix, either way round */
    assert_ot_error(ot_metrics_register_unprefixed(m, OT_METRIC_COUNTER, "transitions_total",
                                                   NULL, NULL, 0, NULL, 0, &err),
                    OT_EEXISTS, err);
    assert_ot_error(ot_metrics_register(m, OT_METRIC_COUNTER, "host_latency", NULL, NULL, 0,
                                        NULL, 0, &err), OT_EEXISTS, err);
    assert_ot_error(ot_metrics_register_unprefixed(m, OT_METRIC_COUNTER, "9bad", NULL, NULL, 0,
                                                   NULL, 0, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "name");
    assert_ot_error(ot_metrics_register_unprefixed(NULL, OT_METRIC_COUNTER, "a", NULL, NULL, 0,
                                                   NULL, 0, &err), OT_EINVAL, err);

    /* scrape() holds every name to the prefix: read these lines as text */
    assert_int_equal(ot_metrics_write_prometheus(&text, NULL, m, &err), 0);
    for (i = 0; i < sizeof lines / sizeof lines[0]; i++)
        if (!strstr(text, lines[i]))
            fail_msg("missing: %s\nin:\n%s", lines[i], text);
    assert_null(strstr(text, "ordertrack_ordertrackd_"));
    assert_null(strstr(text, "ordertrack_host_latency"));
    ot_free(text);
    ot_metrics_free(m);
}

struct worker {
    ot_metrics *m;
    int rc;
};

static void *hammer(void *arg)
{
    struct worker *w = arg;
    static const char *const v[] = {"x"};
    int i;
    for (i = 0; i < 5000 && w->rc == 0; i++) {
        w->rc = ot_metrics_count_transition(w->m, OT_STATUS_IN_TRANSIT, NULL);
        if (w->rc == 0)
            w->rc = ot_metrics_add(w->m, "jobs_total", v, 1, 1, NULL);
        if (w->rc == 0 && i % 1000 == 0) {
            char *text = NULL;
            w->rc = ot_metrics_write_prometheus(&text, NULL, w->m, NULL);
            ot_free(text);
        }
    }
    return NULL;
}

static void test_threads(void **state)
{
    static const char *const labels[] = {"kind"};
    ot_metrics *m = NULL;
    pthread_t th[4];
    struct worker w[4];
    struct exposition *e;
    int i;
    (void)state;
    assert_int_equal(ot_metrics_new(&m, NULL), 0);
    assert_int_equal(ot_metrics_register(m, OT_METRIC_COUNTER, "jobs_total", "Jobs.", labels, 1,
                                         NULL, 0, NULL), 0);
    for (i = 0; i < 4; i++) {
        w[i].m = m;
        w[i].rc = 0;
        assert_int_equal(pthread_create(&th[i], NULL, hammer, &w[i]), 0);
    }
    for (i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(w[i].rc, 0);
    }
    e = scrape(m);
    assert_true(value_of(e, "ordertrack_transitions_total", "status=in_transit") == 20000);
    assert_true(value_of(e, "ordertrack_jobs_total", "kind=x") == 20000);
    ot_metrics_free(m);
}

static void test_bad_input(void **state)
{
    static const char *const one[] = {"route"};
    static const char *const dup[] = {"a", "a"};
    static const char *const le[] = {"le"};
    static const char *const reserved[] = {"__x"};
    static const char *const badname[] = {"1x"};
    static const double unsorted[] = {1, 1};
    const double inf_bucket[] = {1, INFINITY};
    const char *vals[] = {"x"};
    const char *bad_utf8[] = {"\xc3\x28"};
    const char *null_val[] = {NULL};
    ot_metrics *m = NULL;
    ot_error err;
    char *text = NULL;
    (void)state;

    assert_ot_error(ot_metrics_new(NULL, &err), OT_EINVAL, err);
    assert_int_equal(ot_metrics_new(&m, &err), 0);

    assert_ot_error(ot_metrics_count_transition(NULL, 1, &err), OT_EINVAL, err);
    assert_ot_error(ot_metrics_count_transition(m, 0, &err), OT_EINVAL, err);
    assert_ot_error(ot_metrics_count_transition(m, OT_STATUS_COUNT, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "status");
    assert_ot_error(ot_metrics_count_shipment_transition(m, OT_SHIPMENT_COUNT, &err), OT_EINVAL,
                    err);
    assert_ot_error(ot_metrics_count_sla(m, OT_SLA_STAGE_PICKING, OT_SLA_STATE_OK, &err),
                    OT_EINVAL, err);
    assert_ot_error(ot_metrics_count_sla(m, OT_SLA_STAGE_COUNT, OT_SLA_STATE_BREACHED, &err),
                    OT_EINVAL, err);
    assert_ot_error(ot_metrics_count_sla(NULL, 1, OT_SLA_STATE_BREACHED, &err), OT_EINVAL, err);
    assert_ot_error(ot_metrics_count_storage_conflict(NULL, &err), OT_EINVAL, err);
    assert_ot_error(ot_metrics_count_storage_retry(NULL, &err), OT_EINVAL, err);
    assert_ot_error(ot_metrics_count_webhook_failure(m, -1, &err), OT_EINVAL, err);
    assert_ot_error(ot_metrics_count_webhook_failure(NULL, 1, &err), OT_EINVAL, err);
    assert_ot_error(ot_metrics_count_courier_update(m, 1, 0, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "result");
    assert_ot_error(ot_metrics_count_courier_update(m, OT_PROVIDER_COUNT, 1, &err), OT_EINVAL,
                    err);
    assert_ot_error(ot_metrics_count_courier_update(NULL, 1, 1, &err), OT_EINVAL, err);
    assert_ot_error(ot_metrics_observe_stage_duration(m, 0, 1, &err), OT_EINVAL, err);
    assert_ot_error(ot_metrics_observe_stage_duration(m, 1, -1, &err), OT_EINVAL, err);
    assert_ot_error(ot_metrics_observe_stage_duration(NULL, 1, 1, &err), OT_EINVAL, err);
    assert_ot_error(ot_metrics_observe_eta_error(NULL, 1, &err), OT_EINVAL, err);

    assert_ot_error(ot_metrics_register(NULL, OT_METRIC_COUNTER, "a", "", NULL, 0, NULL, 0,
                                        &err), OT_EINVAL, err);
    assert_ot_error(ot_metrics_register(m, 0, "a", "", NULL, 0, NULL, 0, &err), OT_EINVAL, err);
    assert_ot_error(ot_metrics_register(m, 3, "a", "", NULL, 0, NULL, 0, &err), OT_EINVAL, err);
    assert_ot_error(ot_metrics_register(m, OT_METRIC_COUNTER, NULL, "", NULL, 0, NULL, 0, &err),
                    OT_EINVAL, err);
    assert_ot_error(ot_metrics_register(m, OT_METRIC_COUNTER, "a-b", "", NULL, 0, NULL, 0, &err),
                    OT_EINVAL, err);
    assert_ot_error(ot_metrics_register(m, OT_METRIC_COUNTER, "9a", "", NULL, 0, NULL, 0, &err),
                    OT_EINVAL, err);
    assert_ot_error(ot_metrics_register(m, OT_METRIC_COUNTER, "transitions_total", "", NULL, 0,
                                        NULL, 0, &err), OT_EEXISTS, err);
    assert_ot_error(ot_metrics_register(m, OT_METRIC_COUNTER, "ordertrack_transitions_total", "",
                                        NULL, 0, NULL, 0, &err), OT_EEXISTS, err);
    assert_ot_error(ot_metrics_register(m, OT_METRIC_COUNTER, "a", "", NULL, 1, NULL, 0, &err),
                    OT_EINVAL, err);
    assert_ot_error(ot_metrics_register(m, OT_METRIC_COUNTER, "a", "", one,
                                        OT_METRICS_MAX_LABELS + 1, NULL, 0, &err), OT_EINVAL,
                    err);
    assert_ot_error(ot_metrics_register(m, OT_METRIC_COUNTER, "a", "", dup, 2, NULL, 0, &err),
                    OT_EINVAL, err);
    assert_ot_error(ot_metrics_register(m, OT_METRIC_COUNTER, "a", "", reserved, 1, NULL, 0,
                                        &err), OT_EINVAL, err);
    assert_ot_error(ot_metrics_register(m, OT_METRIC_COUNTER, "a", "", badname, 1, NULL, 0,
                                        &err), OT_EINVAL, err);
    assert_ot_error(ot_metrics_register(m, OT_METRIC_HISTOGRAM, "a", "", le, 1, NULL, 0, &err),
                    OT_EINVAL, err);
    assert_ot_error(ot_metrics_register(m, OT_METRIC_COUNTER, "a", "", NULL, 0, unsorted, 2,
                                        &err), OT_EINVAL, err);
    assert_ot_error(ot_metrics_register(m, OT_METRIC_HISTOGRAM, "a", "", NULL, 0, unsorted, 2,
                                        &err), OT_EINVAL, err);
    assert_ot_error(ot_metrics_register(m, OT_METRIC_HISTOGRAM, "a", "", NULL, 0, inf_bucket, 2,
                                        &err), OT_EINVAL, err);
    assert_ot_error(ot_metrics_register(m, OT_METRIC_HISTOGRAM, "a", "", NULL, 0, unsorted, 0,
                                        &err), OT_EINVAL, err);
    assert_ot_error(ot_metrics_register(m, OT_METRIC_HISTOGRAM, "a", "", NULL, 0, unsorted,
                                        OT_METRICS_MAX_BUCKETS + 1, &err), OT_EINVAL, err);
    assert_int_equal(ot_metrics_register(m, OT_METRIC_COUNTER, "c", "", one, 1, NULL, 0, &err),
                     0);

    assert_ot_error(ot_metrics_add(NULL, "c", vals, 1, 1, &err), OT_EINVAL, err);
    assert_ot_error(ot_metrics_add(m, NULL, vals, 1, 1, &err), OT_EINVAL, err);
    assert_ot_error(ot_metrics_add(m, "nope", vals, 1, 1, &err), OT_ENOTFOUND, err);
    assert_ot_error(ot_metrics_add(m, "c", vals, 0, 1, &err), OT_EINVAL, err);
    assert_ot_error(ot_metrics_add(m, "c", NULL, 1, 1, &err), OT_EINVAL, err);
    assert_ot_error(ot_metrics_add(m, "c", null_val, 1, 1, &err), OT_EINVAL, err);
    assert_ot_error(ot_metrics_add(m, "c", bad_utf8, 1, 1, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "route");
    assert_ot_error(ot_metrics_add(m, "c", vals, 1, -1, &err), OT_EINVAL, err);
    assert_ot_error(ot_metrics_add(m, "c", vals, 1, NAN, &err), OT_EINVAL, err);
    assert_ot_error(ot_metrics_add(m, "eta_error_seconds", NULL, 0, 1, &err), OT_EINVAL, err);
    assert_ot_error(ot_metrics_observe(m, "c", vals, 1, 1, &err), OT_EINVAL, err);
    assert_ot_error(ot_metrics_observe(m, "eta_error_seconds", NULL, 0, INFINITY, &err),
                    OT_EINVAL, err);
    assert_ot_error(ot_metrics_observe(NULL, "eta_error_seconds", NULL, 0, 1, &err), OT_EINVAL,
                    err);

    assert_ot_error(ot_metrics_write_prometheus(NULL, NULL, m, &err), OT_EINVAL, err);
    assert_ot_error(ot_metrics_write_prometheus(&text, NULL, NULL, &err), OT_EINVAL, err);
    assert_null(text);
    ot_metrics_free(m);
}

static void test_series_limit(void **state)
{
    static const char *const labels[] = {"id"};
    ot_metrics *m = NULL;
    ot_error err;
    char id[16];
    const char *v[] = {id};
    int i;
    (void)state;
    assert_int_equal(ot_metrics_new(&m, &err), 0);
    assert_int_equal(ot_metrics_register(m, OT_METRIC_COUNTER, "ids_total", "", labels, 1, NULL,
                                         0, &err), 0);
    for (i = 0; i < OT_METRICS_MAX_SERIES; i++) {
        snprintf(id, sizeof id, "%d", i);
        assert_int_equal(ot_metrics_add(m, "ids_total", v, 1, 1, &err), 0);
    }
    snprintf(id, sizeof id, "new");
    assert_ot_error(ot_metrics_add(m, "ids_total", v, 1, 1, &err), OT_ELIMIT, err);
    snprintf(id, sizeof id, "7");
    assert_int_equal(ot_metrics_add(m, "ids_total", v, 1, 1, &err), 0); /* existing: fine */
    ot_metrics_free(m);
}

static int metrics_round(void)
{
    static const char *const labels[] = {"route", "code"};
    const char *v[] = {"/healthz", "200"};
    ot_metrics *m = NULL;
    char *text = NULL;
    int rc, i;

    if ((rc = ot_metrics_new(&m, NULL)) < 0)
        return rc;
    if ((rc = ot_metrics_register(m, OT_METRIC_HISTOGRAM, "latency_seconds", "L.", labels, 2,
                                  NULL, 0, NULL)) < 0)
        goto out;
    for (i = 0; i < 10; i++) {
        char code[8];
        snprintf(code, sizeof code, "%d", 200 + i);
        v[1] = code;
        if ((rc = ot_metrics_observe(m, "latency_seconds", v, 2, 0.01 * i, NULL)) < 0)
            goto out;
    }
    if ((rc = ot_metrics_write_prometheus(&text, NULL, m, NULL)) == 0)
        ot_free(text);
out:
    ot_metrics_free(m);
    return rc;
}

static void test_allocation_failures(void **state)
{
    (void)state;
    assert_true(alloc_sweep_op("metrics_round", metrics_round) > 100);
}

/* The tracker's own counting, scraped and parsed back: transitions, courier updates by
 * result, conflicts and retries, SLA notices from a sweep, stage durations and ETA error. */
#define T0 INT64_C(1795416001000)

struct tracked {
    ot_storage *storage;
    ot_storage wrapper;     /* commits that let `rival` write first, `inject` times */
    ot_tracker *rival;
    int inject;
    int64_t now;
};

static struct tracked *tracked_current;

static int64_t tracked_now(void *userdata)
{
    return ((struct tracked *)userdata)->now;
}

static int rival_commit(void *userdata, int64_t expected, const ot_storage_record *rec,
                        const ot_idempotency_record *idem, ot_error *err)
{
    struct tracked *k = tracked_current;
    (void)userdata;
    if (k->inject > 0) {
        ot_request r = OT_REQUEST_INIT;
        k->inject--;
        r.order_id = rec->order_id;
        r.issue_type = "rival";
        r.description = "a concurrent writer";
        r.severity = OT_SEVERITY_LOW;
        assert_int_equal(ot_tracker_raise_issue(NULL, k->rival, &r, NULL), 0);
    }
    return k->storage->commit(k->storage->userdata, expected, rec, idem, err);
}

static void ok(int rc, const ot_error *err, const char *what)
{
    if (rc)
        fail_msg("%s: %s (%s)", what, ot_code_name(rc), err->message);
}

static ot_update scan(const char *event_id, int shipment)
{
    ot_update u = OT_UPDATE_INIT;
    u.provider = OT_PROVIDER_DELHIVERY;
    u.tracking_id = "AWB1";
    u.event_id = event_id;
    u.shipment_status = shipment;
    u.raw_status = "scan";
    return u;
}

static void test_tracker_driven(void **state)
{
    static struct tracked k;
    ot_tracker_options o = OT_TRACKER_OPTIONS_INIT;
    ot_clock clock = OT_CLOCK_INIT;
    ot_sla_sweep_result sweep = OT_SLA_SWEEP_RESULT_INIT;
    ot_metrics *m = NULL;
    ot_tracker *t = NULL;
    struct exposition *e;
    ot_request r = OT_REQUEST_INIT;
    ot_update u;
    ot_error err;
    (void)state;

    memset(&k, 0, sizeof k);
    k.now = T0;
    tracked_current = &k;
    ok(ot_metrics_new(&m, &err), &err, "metrics");
    ok(ot_storage_memory_new(&k.storage, &err), &err, "storage");
    k.wrapper = *k.storage;
    k.wrapper.commit = rival_commit;
    k.wrapper.close = NULL;
    clock.now_ms = tracked_now;
    clock.userdata = &k;
    o.storage = k.storage;
    ok(ot_tracker_new(&k.rival, &o, &err), &err, "rival");
    o.storage = &k.wrapper;
    o.clock = &clock;
    o.metrics = m;
    ok(ot_tracker_new(&t, &o, &err), &err, "tracker");

    /* a hyperlocal order from init to delivered, 100 s after its ETA */
    r.order_id = "m1";
    r.store_id = "store-1";
    r.customer_id = "c";
    r.provider = OT_PROVIDER_UBER;
    r.estimated_delivery_ms = T0 + 3600000;
    ok(ot_tracker_init_order(NULL, t, &r, &err), &err, "init");
    r = (ot_request)OT_REQUEST_INIT;
    r.order_id = "m1";
    r.store_id = "store-1";
    r.status = OT_STATUS_STORE_NOTIFIED;
    k.now = T0 + 1000;
    ok(ot_tracker_set_status(NULL, t, &r, &err), &err, "notified");
    k.now = T0 + 61000;                                         /* acknowledged in 60 s */
    ok(ot_tracker_store_acknowledge(NULL, t, &r, &err), &err, "ack");
    k.now = T0 + 121000;
    k.inject = 1;                                               /* one lost commit */
    ok(ot_tracker_start_picking(NULL, t, &r, &err), &err, "picking");
    k.now = T0 + 601000;                                        /* picked in 540 s */
    ok(ot_tracker_ready(NULL, t, &r, &err), &err, "ready");
    k.now = T0 + 700000;                                        /* a driver in 99 s */
    r.driver_id = "d";
    r.driver_name = "Ana";
    r.driver_phone = "1";
    r.vehicle_type = "bike";
    ok(ot_tracker_assign_driver(NULL, NULL, t, &r, &err), &err, "assign");
    r = (ot_request)OT_REQUEST_INIT;
    r.order_id = "m1";
    r.time_ms = T0 + 790000;                                    /* picked up in 90 s */
    k.now = T0 + 800000;
    ok(ot_tracker_pickup(NULL, t, &r, &err), &err, "pickup");
    r.time_ms = 0;
    r.status = OT_STATUS_IN_TRANSIT;
    ok(ot_tracker_set_status(NULL, t, &r, &err), &err, "in transit");
    r.time_ms = T0 + 3700000;                                   /* delivered in 2910 s */
    k.now = T0 + 3700000;
    ok(ot_tracker_delivered(NULL, t, &r, &err), &err, "delivered");

    /* a parcel order: applied, stale, unmapped and rejected courier updates */
    r = (ot_request)OT_REQUEST_INIT;
    r.order_id = "m2";
    r.store_id = "store-1";
    r.customer_id = "c";
    r.provider = OT_PROVIDER_DELHIVERY;
    r.tracking_id = "AWB1";
    ok(ot_tracker_init_order(NULL, t, &r, &err), &err, "init parcel");
    u = scan("e1", OT_SHIPMENT_IN_TRANSIT);
    ok(ot_tracker_apply_update(NULL, t, &u, NULL, &err), &err, "in transit");
    assert_int_equal(ot_tracker_apply_update(NULL, t, &u, NULL, &err), OT_ESTALE);
    u = scan("e2", 0);
    u.flags = OT_UPDATE_UNMAPPED;
    ok(ot_tracker_apply_update(NULL, t, &u, NULL, &err), &err, "unmapped");
    u = scan("e3", OT_SHIPMENT_DELIVERED);
    ok(ot_tracker_apply_update(NULL, t, &u, "hook-e3", &err), &err, "delivered");
    ok(ot_tracker_apply_update(NULL, t, &u, "hook-e3", &err), &err, "replayed: a duplicate");
    u = scan("e4", OT_SHIPMENT_RTO);
    assert_int_equal(ot_tracker_apply_update(NULL, t, &u, NULL, &err), OT_ETRANSITION);
    u = scan("e5", OT_SHIPMENT_RTO);
    u.tracking_id = "NOPE";
    assert_int_equal(ot_tracker_apply_update(NULL, t, &u, NULL, &err), OT_ENOTFOUND);

    /* a store that never acknowledges: one breach from the sweep, however often it runs */
    r = (ot_request)OT_REQUEST_INIT;
    r.order_id = "m3";
    r.store_id = "store-1";
    r.customer_id = "c";
    r.provider = OT_PROVIDER_INTERNAL;
    ok(ot_tracker_init_order(NULL, t, &r, &err), &err, "init m3");
    r.status = OT_STATUS_STORE_NOTIFIED;
    k.now = T0 + 4000000;
    ok(ot_tracker_set_status(NULL, t, &r, &err), &err, "notified m3");
    ok(ot_tracker_sla_sweep(&sweep, t, T0 + 5000000, 0, &err), &err, "sweep");
    ok(ot_tracker_sla_sweep(&sweep, t, T0 + 5000000, 0, &err), &err, "sweep again");

    e = scrape(m);
    assert_true(value_of(e, "ordertrack_transitions_total", "status=submitted") == 3);
    assert_true(value_of(e, "ordertrack_transitions_total", "status=store_notified") == 2);
    assert_true(value_of(e, "ordertrack_transitions_total", "status=store_acknowledged") == 1);
    assert_true(value_of(e, "ordertrack_transitions_total", "status=picking_in_progress") == 1);
    assert_true(value_of(e, "ordertrack_transitions_total", "status=ready_for_pickup") == 1);
    assert_true(value_of(e, "ordertrack_transitions_total", "status=driver_assigned") == 1);
    assert_true(value_of(e, "ordertrack_transitions_total", "status=in_transit") == 2);
    assert_true(value_of(e, "ordertrack_transitions_total", "status=delivered") == 2);
    assert_true(value_of(e, "ordertrack_transitions_total", "status=cancelled") == 0);
    assert_true(value_of(e, "ordertrack_shipment_transitions_total", "status=in transit") == 1);
    assert_true(value_of(e, "ordertrack_shipment_transitions_total", "status=delivered") == 1);
    assert_true(value_of(e, "ordertrack_storage_conflicts_total", "") == 1);
    assert_true(value_of(e, "ordertrack_storage_retries_total", "") == 1);
    assert_true(value_of(e, "ordertrack_courier_updates_total",
                         "provider=delhivery,result=applied") == 2);
    assert_true(value_of(e, "ordertrack_courier_updates_total",
                         "provider=delhivery,result=stale") == 2);
    assert_true(value_of(e, "ordertrack_courier_updates_total",
                         "provider=delhivery,result=unmapped") == 1);
    assert_true(value_of(e, "ordertrack_courier_updates_total",
                         "provider=delhivery,result=rejected") == 1);
    assert_true(value_of(e, "ordertrack_courier_updates_total",
                         "provider=delhivery,result=failed") == 1);
    assert_true(value_of(e, "ordertrack_sla_breaches_total", "stage=store_acknowledgment")
                == 1);
    assert_true(value_of(e, "ordertrack_sla_warnings_total", "stage=store_acknowledgment")
                == 0);
    /* the stage durations of the delivered order (the parcel one had no timed stages) */
    assert_true(value_of(e, "ordertrack_sla_stage_duration_seconds_bucket",
                         "stage=store_acknowledgment,le=30") == 0);
    assert_true(value_of(e, "ordertrack_sla_stage_duration_seconds_bucket",
                         "stage=store_acknowledgment,le=60") == 1);
    assert_true(value_of(e, "ordertrack_sla_stage_duration_seconds_sum",
                         "stage=store_acknowledgment") == 60);
    assert_true(value_of(e, "ordertrack_sla_stage_duration_seconds_sum", "stage=picking")
                == 540);
    assert_true(value_of(e, "ordertrack_sla_stage_duration_seconds_bucket",
                         "stage=picking,le=300") == 0);
    assert_true(value_of(e, "ordertrack_sla_stage_duration_seconds_bucket",
                         "stage=picking,le=600") == 1);
    assert_true(value_of(e, "ordertrack_sla_stage_duration_seconds_sum",
                         "stage=driver_assignment") == 99);
    assert_true(value_of(e, "ordertrack_sla_stage_duration_seconds_sum", "stage=pickup") == 90);
    assert_true(value_of(e, "ordertrack_sla_stage_duration_seconds_sum", "stage=delivery")
                == 2910);
    assert_true(value_of(e, "ordertrack_sla_stage_duration_seconds_count", "stage=delivery")
                == 1);
    assert_true(value_of(e, "ordertrack_eta_error_seconds_count", "") == 1);
    assert_true(value_of(e, "ordertrack_eta_error_seconds_sum", "") == 100);
    assert_true(value_of(e, "ordertrack_eta_error_seconds_bucket", "le=60") == 0);
    assert_true(value_of(e, "ordertrack_eta_error_seconds_bucket", "le=120") == 1);

    ot_tracker_free(t);
    ot_tracker_free(k.rival);
    ot_storage_close(k.storage);
    ot_metrics_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_builtins_start_at_zero),
        cmocka_unit_test(test_builtins_count),
        cmocka_unit_test(test_host_metrics_and_escaping),
        cmocka_unit_test(test_unprefixed_host_metrics),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_series_limit),
        cmocka_unit_test(test_allocation_failures),
        cmocka_unit_test(test_tracker_driven),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
