/* Counting, failing allocator hooks and the sweep loop. Test support only. */
#include <stdio.h>
#include <stdlib.h>

#include <ordertrack/alloc.h>
#include <ordertrack/error.h>

#include "alloc_sweep.h"

/* Test-only state: the hooks are process-global by design (alloc.h). The hooks may be
 * called from several threads at once (the poll run applies answers on threads of its
 * own), so the counters they touch are atomic; which allocation is the Nth then depends
 * on the threads' timing, which the sweep accepts: every run must still end cleanly. */
static unsigned long counter;     /* allocations so far in this run */
static unsigned long fail_at;     /* 1-based allocation to fail; 0 = none */
static long outstanding;
static int paused;                /* set-up and checks inside a scenario: not counted */
static unsigned long total_runs;  /* failing runs of every sweep of the process */

static int should_fail(void)
{
    unsigned long n;
    if (__atomic_load_n(&paused, __ATOMIC_SEQ_CST))
        return 0;
    n = __atomic_add_fetch(&counter, 1, __ATOMIC_SEQ_CST);
    return fail_at != 0 && n == fail_at;
}

static void *sweep_malloc(size_t size, void *userdata)
{
    void *p;
    (void)userdata;
    if (should_fail())
        return NULL;
    p = malloc(size);
    if (p)
        __atomic_add_fetch(&outstanding, 1, __ATOMIC_SEQ_CST);
    return p;
}

static void *sweep_realloc(void *ptr, size_t size, void *userdata)
{
    (void)userdata;
    if (should_fail())
        return NULL;
    return realloc(ptr, size);
}

static void sweep_free(void *ptr, void *userdata)
{
    (void)userdata;
    if (ptr)
        __atomic_sub_fetch(&outstanding, 1, __ATOMIC_SEQ_CST);
    free(ptr);
}

void alloc_sweep_install(void)
{
    ot_allocator a = OT_ALLOCATOR_INIT;
    a.malloc = sweep_malloc;
    a.realloc = sweep_realloc;
    a.free = sweep_free;
    counter = 0;
    fail_at = 0;
    outstanding = 0;
    paused = 0;
    /* jansson's allocations too, so that every json_object() and json_string() the library
     * makes is failed in turn: the library leaves jansson alone unless asked (alloc.h) */
    if (ot_allocator_set(&a, NULL) != 0 || ot_allocator_route_jansson(NULL) != 0)
        abort(); /* test harness misconfigured */
}

void alloc_sweep_uninstall(void)
{
    ot_allocator_set(NULL, NULL);
}

long alloc_sweep_outstanding(void)
{
    return outstanding;
}

void alloc_sweep_pause(void)
{
    paused = 1;
}

void alloc_sweep_resume(void)
{
    paused = 0;
}

unsigned long alloc_sweep_total(void)
{
    return total_runs;
}

int alloc_sweep_run(const char *name, alloc_sweep_fn scenario, void *ctx,
                    int (*check)(void *ctx, int rc), struct alloc_sweep_stats *stats)
{
    struct alloc_sweep_stats s = {0, 0, 0, 0};
    unsigned long i;
    int rc;

    alloc_sweep_install();
    rc = scenario(ctx);
    s.allocations = counter;
    if (rc != 0 || outstanding != 0 || (check && check(ctx, rc) != 0)) {
        fprintf(stderr, "%s: clean run failed (rc %d, %ld allocations outstanding)\n", name, rc,
                outstanding);
        alloc_sweep_uninstall();
        return -1;
    }
    for (i = 1; i <= s.allocations; i++) {
        counter = 0;
        fail_at = i;
        outstanding = 0;
        paused = 0;
        rc = scenario(ctx);
        fail_at = 0;
        paused = 0;
        s.runs++;
        total_runs++;
        rc == 0 ? s.successes++ : s.errors++;
        if (rc > 0) {
            fprintf(stderr, "%s: failing allocation %lu: positive return %d\n", name, i, rc);
            alloc_sweep_uninstall();
            return -1;
        }
        if (outstanding != 0) {
            fprintf(stderr, "%s: failing allocation %lu of %lu leaked %ld allocations\n", name,
                    i, s.allocations, outstanding);
            alloc_sweep_uninstall();
            return -1;
        }
        if (check && check(ctx, rc) != 0) {
            fprintf(stderr, "%s: failing allocation %lu of %lu left a wrong state (rc %d)\n",
                    name, i, s.allocations, rc);
            alloc_sweep_uninstall();
            return -1;
        }
    }
    alloc_sweep_uninstall();
    printf("alloc sweep %s: %lu allocation points failed, %lu errors, %lu absorbed\n", name,
           s.runs, s.errors, s.successes);
    if (stats)
        *stats = s;
    return 0;
}

struct op_ctx {
    int (*op)(void);
};

static int call_op(void *ctx)
{
    return ((struct op_ctx *)ctx)->op();
}

static int enomem_only(void *ctx, int rc)
{
    (void)ctx;
    if (rc == 0 || rc == OT_ENOMEM)
        return 0;
    fprintf(stderr, "an injected allocation failure surfaced as %d, not OT_ENOMEM\n", rc);
    return -1;
}

long alloc_sweep_op(const char *name, int (*op)(void))
{
    struct op_ctx c = {op};
    struct alloc_sweep_stats s;
    if (alloc_sweep_run(name, call_op, &c, enomem_only, &s) != 0)
        return -1;
    return (long)s.allocations;
}
