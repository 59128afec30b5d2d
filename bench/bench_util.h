/* Shared helpers of the benchmarks under bench/: a monotonic clock, CPU time, and a counting
 * allocator installed through ot_allocator_set() that sees every library allocation.
 * Benchmark code only. Output convention: one "RESULT key value" line per figure, which
 * scripts/bench collects into BENCHMARKS.md. */
#ifndef OT_BENCH_UTIL_H
#define OT_BENCH_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* Seconds on the monotonic clock. */
double bench_now(void);
/* User + system CPU seconds of this process. */
double bench_cpu(void);
/* Peak resident set of this process, KiB (getrusage ru_maxrss). */
long bench_maxrss_kib(void);

/* Install the counting allocator (call once, before any library call). 0 or -1. */
int bench_alloc_install(void);
/* Allocations (malloc + realloc) made through the library since install. */
uint64_t bench_alloc_calls(void);
/* Bytes currently live in library allocations (requested sizes, no allocator overhead). */
int64_t bench_alloc_live_bytes(void);
/* Bytes currently live counting glibc malloc's chunk size (malloc_usable_size + 8). */
int64_t bench_alloc_live_chunk_bytes(void);

/* Print "RESULT key value" (and flush). */
void bench_result(const char *key, double value);
/* The median of the n values (sorted in place); 0 when n is 0. The benchmarks report the
 * median of per-pair ratios (a library round, then its limit's round), which a burst of
 * another job on a shared machine cannot swing. */
double bench_median(double *values, size_t n);
/* Most pairs a benchmark keeps for bench_median. */
#define BENCH_MAX_PAIRS 4096
/* A duration in seconds from the environment variable `name`, else `def`. */
double bench_env_seconds(const char *name, double def);

#endif
