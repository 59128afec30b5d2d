/* Log-linear histogram with bounded relative error; fixed memory (see sla_internal.h). */
#include <string.h>

#include "sla/sla_internal.h"

#define SUB (1 << OT__HIST_SUB_BITS)        /* exact buckets below this value */
#define HALF (1 << (OT__HIST_SUB_BITS - 1)) /* buckets per power of two above it */

static int msb64(uint64_t v)
{
    int b = 0;
    while (v >>= 1)
        b++;
    return b;
}

static int bucket_of(uint64_t v)
{
    int g;
    if (v > (uint64_t)OT__HIST_MAX)
        v = (uint64_t)OT__HIST_MAX;
    if (v < SUB)
        return (int)v;
    g = msb64(v) - OT__HIST_SUB_BITS + 1;
    return SUB + (g - 1) * HALF + (int)((v >> g) - HALF);
}

/* The value reported for a bucket: its middle, at most low / 128 away from any member. */
static int64_t bucket_middle(int i)
{
    int g, sub;
    int64_t low, high;
    if (i < SUB)
        return i;
    g = (i - SUB) / HALF + 1;
    sub = HALF + (i - SUB) % HALF;
    low = (int64_t)sub << g;
    high = ((int64_t)(sub + 1) << g) - 1;
    return low + (high - low) / 2;
}

void ot__histogram_reset(struct ot__histogram *h)
{
    memset(h, 0, sizeof *h);
}

void ot__histogram_add(struct ot__histogram *h, int64_t value)
{
    if (value < 0)
        h->neg[bucket_of((uint64_t)0 - (uint64_t)value)]++;
    else
        h->pos[bucket_of((uint64_t)value)]++;
    if (h->count == 0 || value < h->min)
        h->min = value;
    if (h->count == 0 || value > h->max)
        h->max = value;
    h->count++;
    h->mean += ((double)value - h->mean) / (double)h->count;
}

void ot__histogram_merge(struct ot__histogram *dst, const struct ot__histogram *src)
{
    int i;
    uint64_t total;
    if (src->count == 0)
        return;
    for (i = 0; i < OT__HIST_BUCKETS; i++) {
        dst->neg[i] += src->neg[i];
        dst->pos[i] += src->pos[i];
    }
    if (dst->count == 0 || src->min < dst->min)
        dst->min = src->min;
    if (dst->count == 0 || src->max > dst->max)
        dst->max = src->max;
    total = dst->count + src->count;
    dst->mean += (src->mean - dst->mean) * ((double)src->count / (double)total);
    dst->count = total;
}

static int64_t clamp(const struct ot__histogram *h, int64_t v)
{
    return v < h->min ? h->min : v > h->max ? h->max : v;
}

int64_t ot__histogram_percentile(const struct ot__histogram *h, double p)
{
    double x;
    uint64_t rank, seen = 0;
    int i;

    if (h->count == 0)
        return 0;
    /* Nearest rank: the smallest value with at least ceil(p/100 * n) values at or below. */
    x = p * (double)h->count / 100.0;
    rank = x <= 1.0 ? 1 : (uint64_t)x;
    if ((double)rank < x)
        rank++;
    if (rank > h->count)
        rank = h->count;
    for (i = OT__HIST_BUCKETS - 1; i >= 0; i--)
        if ((seen += h->neg[i]) >= rank)
            return clamp(h, -bucket_middle(i));
    for (i = 0; i < OT__HIST_BUCKETS; i++)
        if ((seen += h->pos[i]) >= rank)
            return clamp(h, bucket_middle(i));
    return h->max;
}
