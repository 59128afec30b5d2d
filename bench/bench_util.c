/* Helpers of the benchmarks: clocks, rusage and a counting allocator hook. */
#include "bench_util.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <ordertrack/alloc.h>

double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double bench_cpu(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

long bench_maxrss_kib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

/* Each block carries its requested size in a 16-byte header (keeps malloc's alignment). */
#define HDR 16
static uint64_t calls;
static int64_t live, live_chunk;

static void account(void *block, int sign)
{
    size_t size;
    memcpy(&size, block, sizeof size);
    live += sign * (int64_t)size;
    live_chunk += sign * (int64_t)(malloc_usable_size(block) + 8);
}

static void *count_malloc(size_t size, void *ud)
{
    unsigned char *p;
    (void)ud;
    if (size > SIZE_MAX - HDR || !(p = malloc(size + HDR)))
        return NULL;
    memcpy(p, &size, sizeof size);
    calls++;
    account(p, 1);
    return p + HDR;
}

static void count_free(void *ptr, void *ud)
{
    unsigned char *p;
    (void)ud;
    if (!ptr)
        return;
    p = (unsigned char *)ptr - HDR;
    account(p, -1);
    free(p);
}

static void *count_realloc(void *ptr, size_t size, void *ud)
{
    unsigned char *p, *q;
    if (!ptr)
        return count_malloc(size, ud);
    if (size > SIZE_MAX - HDR)
        return NULL;
    p = (unsigned char *)ptr - HDR;
    account(p, -1);
    if (!(q = realloc(p, size + HDR))) {
        account(p, 1);
        return NULL;
    }
    memcpy(q, &size, sizeof size);
    calls++;
    account(q, 1);
    return q + HDR;
}

int bench_alloc_install(void)
{
    ot_allocator a = OT_ALLOCATOR_INIT;
    a.malloc = count_malloc;
    a.realloc = count_realloc;
    a.free = count_free;
    /* jansson's allocations are counted too (the library leaves them alone unless asked) */
    return ot_allocator_set(&a, NULL) == 0 && ot_allocator_route_jansson(NULL) == 0 ? 0 : -1;
}

uint64_t bench_alloc_calls(void) { return calls; }
int64_t bench_alloc_live_bytes(void) { return live; }
int64_t bench_alloc_live_chunk_bytes(void) { return live_chunk; }

void bench_result(const char *key, double value)
{
    printf("RESULT %s %.6g\n", key, value);
    fflush(stdout);
}

double bench_env_seconds(const char *name, double def)
{
    const char *v = getenv(name);
    double d;
    char *end;
    if (!v || !*v)
        return def;
    d = strtod(v, &end);
    return (*end || d <= 0) ? def : d;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double bench_median(double *values, size_t n)
{
    if (n == 0)
        return 0;
    qsort(values, n, sizeof values[0], cmp_double);
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}
