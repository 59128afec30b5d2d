/* Allocation-failure sweep for the tests, in the manner of libcurl's torture tests and
 * SQLite's malloc fault injection: run a scenario once counting the allocations it makes
 * through the library's allocator hooks, then once per allocation, failing exactly that one.
 * Each run must succeed or return an error (never crash), and must leave no allocation
 * outstanding. */
#ifndef OT_TEST_ALLOC_SWEEP_H
#define OT_TEST_ALLOC_SWEEP_H

/* A scenario: returns 0 on success or a negative OT_E... code. `ctx` is the caller's. */
typedef int (*alloc_sweep_fn)(void *ctx);

struct alloc_sweep_stats {
    unsigned long allocations;   /* allocations made by the clean run */
    unsigned long runs;          /* failing runs performed */
    unsigned long errors;        /* failing runs that returned an error */
    unsigned long successes;     /* failing runs that still succeeded (the failure was
                                    absorbed, e.g. an optional cache) */
};

/* Run the sweep. Returns 0 when every run behaved, or -1 after printing (to stderr) the
 * first run that crashed its invariants: a leak, or a clean run that failed. `check`, when
 * not NULL, is called after every run with the scenario's return code to verify the state
 * (e.g. the store is unchanged or fully applied); it returns 0 when the state is right. */
int alloc_sweep_run(const char *name, alloc_sweep_fn scenario, void *ctx,
                    int (*check)(void *ctx, int rc), struct alloc_sweep_stats *stats);

/* Sweep an operation that needs no context, requiring every injected failure to surface as
 * OT_ENOMEM (or be absorbed: success). Returns the allocations of the clean run, or -1 after
 * printing the failing run. */
long alloc_sweep_op(const char *name, int (*op)(void));

/* Allocations outstanding through the hooks since alloc_sweep_install(). */
long alloc_sweep_outstanding(void);

/* Inside a scenario: stop / restart counting (and failing) allocations, for its own set-up,
 * state checks and tear-down. Allocations made while paused still count as outstanding, so
 * a scenario must free what it set up. alloc_sweep_run resumes before every run. */
void alloc_sweep_pause(void);
void alloc_sweep_resume(void);

/* Failing runs (allocation points swept) by every alloc_sweep_run of this process. */
unsigned long alloc_sweep_total(void);

/* Install the counting hooks (alloc_sweep_run does it itself) / restore the defaults. */
void alloc_sweep_install(void);
void alloc_sweep_uninstall(void);

#endif
