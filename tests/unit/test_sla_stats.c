/* SLA statistics: percentiles against a brute-force sort on random data, merge, bad input. */
#include <stdlib.h>

#include "test_util.h"
#include "sla/sla_internal.h"

static double dabs(double x) { return x < 0 ? -x : x; }
static int64_t iabs(int64_t x) { return x < 0 ? -x : x; }

/* xorshift64*: a fixed-seed generator, the same on every platform. */
static uint64_t rng_state = UINT64_C(0x9e3779b97f4a7c15);

static uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * UINT64_C(2685821657736338717);
}

/* Mixed scales: small exact values, minutes, hours, days, and rare huge outliers. */
static int64_t random_value(int sign)
{
    int64_t v;
    switch (rng() % 5) {
    case 0: v = (int64_t)(rng() % 200); break;
    case 1: v = (int64_t)(rng() % 3600000); break;
    case 2: v = (int64_t)(rng() % INT64_C(86400000)); break;
    case 3: v = (int64_t)(rng() % INT64_C(31622400000)); break;
    default: v = (int64_t)(rng() % (INT64_C(1) << 45)); break; /* beyond the range */
    }
    return sign && (rng() & 1) ? -v : v;
}

static int cmp64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* The nearest-rank percentile of sorted values, computed as the histogram computes the rank. */
static int64_t exact_percentile(const int64_t *sorted, size_t n, double p)
{
    double x = p * (double)n / 100.0;
    uint64_t rank = x <= 1.0 ? 1 : (uint64_t)x;
    if ((double)rank < x)
        rank++;
    if (rank > n)
        rank = n;
    return sorted[rank - 1];
}

/* The documented bound: |estimate - exact| <= |exact| / 128 for |exact| < 2^42 ms; above it
 * the estimate is only known to lie between 2^42 - 1 and the maximum. */
static void check_close(int64_t est, int64_t exact, const int64_t *sorted, size_t n, double p)
{
    int64_t mag = exact < 0 ? -exact : exact;
    int64_t diff = est > exact ? est - exact : exact - est;
    if (mag > OT__HIST_MAX) {
        if (!((exact > 0 && est >= OT__HIST_MAX / 2 && est <= sorted[n - 1]) ||
              (exact < 0 && est <= -(OT__HIST_MAX / 2) && est >= sorted[0])))
            fail_msg("p%g: estimate %lld for out-of-range exact %lld", p, (long long)est,
                     (long long)exact);
        return;
    }
    if (diff * 128 > mag)
        fail_msg("p%g of %zu: estimate %lld, exact %lld (error %lld > %lld/128)", p, n,
                 (long long)est, (long long)exact, (long long)diff, (long long)mag);
}

static void run_against_brute_force(size_t n, int sign)
{
    static const double ps[] = {0.1, 1, 5, 10, 25, 33.3, 50, 66.6, 75, 90, 95, 99, 99.9, 100};
    struct ot__histogram *h = malloc(sizeof *h);
    int64_t *values = malloc(n * sizeof *values);
    double sum = 0;
    size_t i, k;

    assert_non_null(h);
    assert_non_null(values);
    ot__histogram_reset(h);
    for (i = 0; i < n; i++) {
        values[i] = random_value(sign);
        sum += (double)values[i];
        ot__histogram_add(h, values[i]);
    }
    qsort(values, n, sizeof *values, cmp64);
    assert_int_equal(h->count, n);
    assert_int_equal(h->min, values[0]);
    assert_int_equal(h->max, values[n - 1]);
    assert_true(dabs(h->mean - sum / (double)n) <= 1e-6 * dabs(sum / (double)n) + 1e-9);
    for (k = 0; k < sizeof ps / sizeof ps[0]; k++)
        check_close(ot__histogram_percentile(h, ps[k]), exact_percentile(values, n, ps[k]),
                    values, n, ps[k]);
    free(values);
    free(h);
}

static void test_percentiles_vs_brute_force(void **state)
{
    (void)state;
    run_against_brute_force(1, 0);
    run_against_brute_force(2, 1);
    run_against_brute_force(7, 0);
    run_against_brute_force(100, 1);
    run_against_brute_force(1000, 0);
    run_against_brute_force(20000, 1);
    run_against_brute_force(100000, 0);
}

static void test_small_values_are_exact(void **state)
{
    struct ot__histogram *h = malloc(sizeof *h);
    int64_t v;
    (void)state;
    assert_non_null(h);
    ot__histogram_reset(h);
    assert_int_equal(ot__histogram_percentile(h, 50), 0);
    for (v = -127; v <= 127; v++)
        ot__histogram_add(h, v);
    /* 255 values: rank ceil(0.5 * 255) = 128 is 0; rank 1 is -127; rank 255 is 127. */
    assert_int_equal(ot__histogram_percentile(h, 50), 0);
    assert_int_equal(ot__histogram_percentile(h, 0.0001), -127);
    assert_int_equal(ot__histogram_percentile(h, 100), 127);
    assert_int_equal(ot__histogram_percentile(h, 10), -127 + 25); /* rank 26 */
    free(h);
}

static void test_stats_from_reports(void **state)
{
    const ot_sla_policy p = OT_SLA_POLICY_INIT;
    ot_sla_stats *a = NULL, *b = NULL, *all = NULL;
    ot_sla_summary s = OT_SLA_SUMMARY_INIT;
    ot_error err;
    int i;
    (void)state;

    assert_int_equal(ot_sla_stats_new(&a, &err), 0);
    assert_int_equal(ot_sla_stats_new(&b, &err), 0);
    assert_int_equal(ot_sla_stats_new(&all, &err), 0);
    /* Empty: all zero. */
    assert_int_equal(ot_sla_stats_stage(&s, a, OT_SLA_STAGE_PICKING, &err), 0);
    assert_int_equal(s.count, 0);
    assert_int_equal(s.p99, 0);
    assert_true(s.mean == 0.0);

    /* Orders acknowledged after 1..100 s: only finished stages count. */
    for (i = 1; i <= 100; i++) {
        ot_sla_times t = OT_SLA_TIMES_INIT;
        ot_sla_report r = OT_SLA_REPORT_INIT;
        t.store_notified_ms = 1000000;
        t.store_acknowledged_ms = 1000000 + i * 1000;       /* finished */
        t.delivered_ms = 5000000;
        t.estimated_delivery_ms = 5000000 + (i - 50) * 1000; /* error +49 s .. -50 s */
        assert_int_equal(ot_sla_evaluate_policy(&r, &p, &t, 9000000, &err), 0);
        assert_int_equal(ot_sla_stats_add(i % 2 ? a : b, &r, &err), 0);
        assert_int_equal(ot_sla_stats_add(all, &r, &err), 0);
        {
            int64_t e;
            assert_int_equal(ot_sla_eta_error(&e, &t, &err), 0);
            assert_int_equal(ot_sla_stats_add_eta_error(i % 2 ? a : b, e, &err), 0);
            assert_int_equal(ot_sla_stats_add_eta_error(all, e, &err), 0);
        }
    }
    assert_int_equal(ot_sla_stats_merge(a, b, &err), 0);
    assert_int_equal(ot_sla_stats_stage(&s, a, OT_SLA_STAGE_STORE_ACKNOWLEDGMENT, &err), 0);
    assert_int_equal(s.count, 100);
    assert_true(dabs(s.mean - 50500.0) < 1e-6);
    assert_int_equal(s.min, 1000);
    assert_int_equal(s.max, 100000);
    assert_true(iabs(s.p50 - 50000) * 128 <= 50000);
    assert_true(iabs(s.p90 - 90000) * 128 <= 90000);
    assert_true(iabs(s.p99 - 99000) * 128 <= 99000);
    assert_int_equal(s.warnings, 0);
    assert_int_equal(s.breaches, 0);
    /* The picking stage started (at acknowledgment) but never finished: not counted. */
    assert_int_equal(ot_sla_stats_stage(&s, a, OT_SLA_STAGE_PICKING, &err), 0);
    assert_int_equal(s.count, 0);
    /* A delivery without an ETA finished but was never judged: not counted. */
    {
        ot_sla_times t = OT_SLA_TIMES_INIT;
        ot_sla_report r = OT_SLA_REPORT_INIT;
        t.driver_pickup_ms = 1000;
        t.delivered_ms = 2000;
        assert_int_equal(ot_sla_evaluate_policy(&r, &p, &t, 3000, &err), 0);
        assert_int_equal(r.stages[OT_SLA_STAGE_DELIVERY].state, OT_SLA_STATE_PENDING);
        assert_int_equal(ot_sla_stats_add(a, &r, &err), 0);
        t.estimated_delivery_ms = 1500;
        assert_int_equal(ot_sla_evaluate_policy(&r, &p, &t, 3000, &err), 0);
        assert_int_equal(ot_sla_stats_add(a, &r, &err), 0);
        assert_int_equal(ot_sla_stats_stage(&s, a, OT_SLA_STAGE_DELIVERY, &err), 0);
        assert_int_equal(s.count, 1);
        assert_int_equal(s.min, 1000);
    }

    assert_int_equal(ot_sla_stats_eta(&s, a, &err), 0);
    assert_int_equal(s.count, 100);
    assert_int_equal(s.min, -50000);
    assert_int_equal(s.max, 49000);
    assert_true(dabs(s.mean + 500.0) < 1e-6);
    assert_true(iabs(s.p50 + 1000) * 128 <= 1000); /* rank 50 of -50 s .. 49 s */
    assert_true(iabs(s.p90 - 39000) * 128 <= 39000);
    {
        ot_sla_summary t = OT_SLA_SUMMARY_INIT;
        assert_int_equal(ot_sla_stats_eta(&t, all, &err), 0);
        assert_int_equal(t.p90, s.p90);
        assert_int_equal(t.p99, s.p99);
        assert_true(dabs(t.mean - s.mean) < 1e-9);
    }

    /* Warnings and breaches per stage. */
    assert_int_equal(ot_sla_stats_add_duration(all, OT_SLA_STAGE_PICKUP, 5, OT_SLA_STATE_OK,
                                               &err), 0);
    assert_int_equal(ot_sla_stats_add_duration(all, OT_SLA_STAGE_PICKUP, 800000,
                                               OT_SLA_STATE_WARNING, &err), 0);
    assert_int_equal(ot_sla_stats_add_duration(all, OT_SLA_STAGE_PICKUP, 900001,
                                               OT_SLA_STATE_BREACHED, &err), 0);
    assert_int_equal(ot_sla_stats_stage(&s, all, OT_SLA_STAGE_PICKUP, &err), 0);
    assert_int_equal(s.count, 3);
    assert_int_equal(s.warnings, 1);
    assert_int_equal(s.breaches, 1);
    assert_int_equal(s.max, 900001);

    ot_sla_stats_free(a);
    ot_sla_stats_free(b);
    ot_sla_stats_free(all);
    ot_sla_stats_free(NULL);
}

static void test_stats_bad_input(void **state)
{
    ot_sla_stats *st = NULL;
    ot_sla_summary s = OT_SLA_SUMMARY_INIT;
    ot_sla_report r = OT_SLA_REPORT_INIT;
    ot_error err;
    (void)state;

    assert_ot_error(ot_sla_stats_new(NULL, &err), OT_EINVAL, err);
    assert_int_equal(ot_sla_stats_new(&st, &err), 0);
    assert_ot_error(ot_sla_stats_add(NULL, &r, &err), OT_EINVAL, err);
    assert_ot_error(ot_sla_stats_add(st, NULL, &err), OT_EINVAL, err);
    r.version = 0;
    assert_ot_error(ot_sla_stats_add(st, &r, &err), OT_EVERSION, err);
    r.version = OT_SLA_REPORT_VERSION;
    r.stage_count = OT_SLA_STAGE_COUNT;
    r.stages[OT_SLA_STAGE_PICKUP].applies = 1;
    r.stages[OT_SLA_STAGE_PICKUP].started_ms = 10;
    r.stages[OT_SLA_STAGE_PICKUP].finished_ms = 20;
    r.stages[OT_SLA_STAGE_PICKUP].elapsed_ms = -10;
    r.stages[OT_SLA_STAGE_PICKUP].state = OT_SLA_STATE_OK;
    assert_ot_error(ot_sla_stats_add(st, &r, &err), OT_EINVAL, err);
    r.stages[OT_SLA_STAGE_PICKUP].elapsed_ms = 10;
    r.stages[OT_SLA_STAGE_PICKUP].state = OT_SLA_STATE_COUNT;
    assert_ot_error(ot_sla_stats_add(st, &r, &err), OT_EINVAL, err);
    r.stages[OT_SLA_STAGE_PICKUP].state = OT_SLA_STATE_UNKNOWN;
    assert_ot_error(ot_sla_stats_add(st, &r, &err), OT_EINVAL, err);
    assert_ot_error(ot_sla_stats_add_duration(NULL, 1, 0, OT_SLA_STATE_OK, &err), OT_EINVAL, err);
    assert_ot_error(ot_sla_stats_add_duration(st, 0, 0, OT_SLA_STATE_OK, &err), OT_EINVAL, err);
    assert_ot_error(ot_sla_stats_add_duration(st, OT_SLA_STAGE_COUNT, 0, OT_SLA_STATE_OK, &err),
                    OT_EINVAL, err);
    assert_ot_error(ot_sla_stats_add_duration(st, 1, -1, OT_SLA_STATE_OK, &err), OT_EINVAL, err);
    assert_ot_error(ot_sla_stats_add_duration(st, 1, 0, OT_SLA_STATE_PENDING, &err), OT_EINVAL,
                    err);
    assert_ot_error(ot_sla_stats_add_duration(st, 1, 0, 99, &err), OT_EINVAL, err);
    assert_ot_error(ot_sla_stats_add_eta_error(NULL, 0, &err), OT_EINVAL, err);
    assert_ot_error(ot_sla_stats_merge(NULL, st, &err), OT_EINVAL, err);
    assert_ot_error(ot_sla_stats_merge(st, NULL, &err), OT_EINVAL, err);
    assert_ot_error(ot_sla_stats_stage(NULL, st, 1, &err), OT_EINVAL, err);
    assert_ot_error(ot_sla_stats_stage(&s, NULL, 1, &err), OT_EINVAL, err);
    assert_ot_error(ot_sla_stats_stage(&s, st, 0, &err), OT_EINVAL, err);
    assert_ot_error(ot_sla_stats_stage(&s, st, 8, &err), OT_EINVAL, err);
    assert_ot_error(ot_sla_stats_eta(NULL, st, &err), OT_EINVAL, err);
    assert_ot_error(ot_sla_stats_eta(&s, NULL, &err), OT_EINVAL, err);
    s.version = 0;
    assert_ot_error(ot_sla_stats_eta(&s, st, &err), OT_EVERSION, err);
    s.version = 2;
    assert_ot_error(ot_sla_stats_stage(&s, st, 1, &err), OT_EVERSION, err);
    /* Nothing was added by the refused calls. */
    s.version = OT_SLA_SUMMARY_VERSION;
    assert_int_equal(ot_sla_stats_stage(&s, st, OT_SLA_STAGE_PICKUP, &err), 0);
    assert_int_equal(s.count, 0);
    ot_sla_stats_free(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_percentiles_vs_brute_force),
        cmocka_unit_test(test_small_values_are_exact),
        cmocka_unit_test(test_stats_from_reports),
        cmocka_unit_test(test_stats_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
