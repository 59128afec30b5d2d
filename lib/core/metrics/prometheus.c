/* The Prometheus text exposition format (0.0.4) of a metrics registry. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "metrics/metrics_internal.h"

struct buf {
    char *data;
    size_t len;
    size_t cap;
    int failed;
};

static void buf_reserve(struct buf *b, size_t more)
{
    size_t cap;
    char *grown;
    if (b->failed || b->len + more < b->cap)
        return;
    cap = b->cap ? b->cap : 4096;
    while (cap <= b->len + more)
        cap *= 2;
    grown = ot__realloc(b->data, cap);
    if (!grown) {
        b->failed = 1;
        return;
    }
    b->data = grown;
    b->cap = cap;
}

static void buf_put(struct buf *b, const char *s, size_t n)
{
    buf_reserve(b, n);
    if (b->failed)
        return;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static void buf_str(struct buf *b, const char *s)
{
    buf_put(b, s, strlen(s));
}

/* `s` escaped: backslash and newline always, the double quote only inside label values. */
static void buf_escaped(struct buf *b, const char *s, int quote)
{
    for (; *s; s++) {
        if (*s == '\\')
            buf_str(b, "\\\\");
        else if (*s == '\n')
            buf_str(b, "\\n");
        else if (quote && *s == '"')
            buf_str(b, "\\\"");
        else
            buf_put(b, s, 1);
    }
}

/* Shortest text that reads back as the same double, in the "C" locale's form. */
static void format_double(char *out, size_t size, double v)
{
    int prec;
    char *p;
    if (v != v) {
        snprintf(out, size, "NaN");
        return;
    }
    if (v - v != 0.0) {
        snprintf(out, size, v > 0 ? "+Inf" : "-Inf");
        return;
    }
    /* Integers below 2^53 as integers; the range test comes first (the cast needs it). */
    if (v > -9007199254740992.0 && v < 9007199254740992.0 && v == (double)(long long)v) {
        snprintf(out, size, "%lld", (long long)v);
        return;
    }
    for (prec = 1; prec <= 17; prec++) {
        snprintf(out, size, "%.*g", prec, v);
        for (p = out; *p; p++)
            if (*p == ',')
                *p = '.'; /* a host's LC_NUMERIC may use a decimal comma */
        if (strtod(out, NULL) == v)
            return;
    }
}

static void buf_double(struct buf *b, double v)
{
    char tmp[40];
    format_double(tmp, sizeof tmp, v);
    buf_str(b, tmp);
}

/* `name{l1="v1",...,extra}` where extra (e.g. le="0.5") may be NULL. */
static void sample_start(struct buf *b, const struct ot__family *f, const struct ot__series *s,
                         const char *suffix, const char *le)
{
    size_t i;
    buf_str(b, f->name);
    buf_str(b, suffix);
    if (f->label_count == 0 && !le) {
        buf_str(b, " ");
        return;
    }
    buf_str(b, "{");
    for (i = 0; i < f->label_count; i++) {
        if (i)
            buf_str(b, ",");
        buf_str(b, f->label_names[i]);
        buf_str(b, "=\"");
        buf_escaped(b, s->label_values[i], 1);
        buf_str(b, "\"");
    }
    if (le) {
        if (f->label_count)
            buf_str(b, ",");
        buf_str(b, "le=\"");
        buf_str(b, le);
        buf_str(b, "\"");
    }
    buf_str(b, "} ");
}

static void write_family(struct buf *b, const struct ot__family *f)
{
    size_t i, k;
    char le[40], count[32];

    buf_str(b, "# HELP ");
    buf_str(b, f->name);
    buf_str(b, " ");
    buf_escaped(b, f->help, 0);
    buf_str(b, "\n# TYPE ");
    buf_str(b, f->name);
    buf_str(b, f->kind == OT_METRIC_COUNTER ? " counter\n" : " histogram\n");
    for (i = 0; i < f->series_count; i++) {
        const struct ot__series *s = &f->series[i];
        uint64_t cumulative = 0;
        if (f->kind == OT_METRIC_COUNTER) {
            sample_start(b, f, s, "", NULL);
            buf_double(b, s->value);
            buf_str(b, "\n");
            continue;
        }
        for (k = 0; k <= f->bucket_count; k++) {
            if (k < f->bucket_count) {
                cumulative += s->buckets[k];
                format_double(le, sizeof le, f->bounds[k]);
            } else {
                cumulative = s->count;
                snprintf(le, sizeof le, "+Inf");
            }
            sample_start(b, f, s, "_bucket", le);
            snprintf(count, sizeof count, "%llu\n", (unsigned long long)cumulative);
            buf_str(b, count);
        }
        sample_start(b, f, s, "_sum", NULL);
        buf_double(b, s->value);
        buf_str(b, "\n");
        sample_start(b, f, s, "_count", NULL);
        snprintf(count, sizeof count, "%llu\n", (unsigned long long)s->count);
        buf_str(b, count);
    }
}

int ot_metrics_write_prometheus(char **text, size_t *len, const ot_metrics *metrics,
                                ot_error *err)
{
    ot_metrics *m = (ot_metrics *)metrics; /* the lock is the only thing changed */
    struct buf b = {NULL, 0, 0, 0};
    size_t i;

    if (!text)
        return ot__error_field(err, OT_EINVAL, "text", "output pointer is NULL");
    *text = NULL;
    if (!m)
        return ot__error_field(err, OT_EINVAL, "metrics", "metrics is NULL");
    pthread_mutex_lock(&m->lock);
    for (i = 0; i < m->family_count && !b.failed; i++)
        write_family(&b, &m->families[i]);
    pthread_mutex_unlock(&m->lock);
    if (b.failed) {
        ot__free(b.data);
        return ot__error_set(err, OT_ENOMEM, "out of memory writing the metrics");
    }
    *text = b.data;
    if (len)
        *len = b.len;
    return 0;
}
