/* ot_reconcile_run (reconcile.h) on the memory store and a fake clock: refused options name
 * their member; an unreadable export and a bad line are refused naming the file's line; with
 * `once`, a finding about an order is alerted by the first run only, across two trackers on
 * one store (two instances), and again after its issue is resolved; missing_here is reported
 * but never alerted with `once`; every finding is counted in the metrics registry. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <ordertrack/ordertrack.h>
#include <ordertrack/adapters/memory.h>
#include <ordertrack/sys/clock.h>
#include <ordertrack/sys/storage.h>

#define T0 1795420800000LL /* 2026-11-23T08:00:00Z */

struct seen {
    int findings[OT_RECONCILE_CLASS_COUNT], alerts[OT_RECONCILE_CLASS_COUNT], noted;
};

static int64_t now_ms(void *ud) { return *(int64_t *)ud; }

static void ok(int rc, const ot_error *e)
{
    if (rc != 0)
        fail_msg("rc %d: %s: %s", rc, e->field, e->message);
}

static void on_finding(void *ud, const ot_reconcile_finding *f)
{
    struct seen *s = ud;
    assert_true(f->finding_class > 0 && f->finding_class < OT_RECONCILE_CLASS_COUNT);
    assert_non_null(f->order_id);
    assert_non_null(f->detail);
    s->findings[f->finding_class]++;
    s->alerts[f->finding_class] += f->alert;
    s->noted += f->noted;
}

static char *write_file(const char *text)
{
    char *path = strdup("/tmp/ot-reconcile-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

static void test_class_names(void **state)
{
    static const char *const want[] = {NULL, "stuck", "status_mismatch", "missing_here",
                                       "missing_there", "status_differs", "courier_differs"};
    const char *name;
    (void)state;
    for (int c = 1; c < OT_RECONCILE_CLASS_COUNT; c++) {
        assert_int_equal(ot_reconcile_class_to_string(&name, c, NULL), 0);
        assert_string_equal(name, want[c]);
    }
    assert_int_equal(ot_reconcile_class_to_string(&name, 0, NULL), OT_EINVAL);
    assert_int_equal(ot_reconcile_class_to_string(&name, OT_RECONCILE_CLASS_COUNT, NULL),
                     OT_EINVAL);
    assert_int_equal(ot_alert_kind_to_string(&name, OT_ALERT_DATA_INCONSISTENCY, NULL), 0);
    assert_string_equal(name, "data_inconsistency");
}

static void test_refused(void **state)
{
    ot_tracker_options o = OT_TRACKER_OPTIONS_INIT;
    ot_reconcile_options ro = OT_RECONCILE_OPTIONS_INIT;
    ot_reconcile_summary sum = OT_RECONCILE_SUMMARY_INIT;
    ot_storage *storage = NULL;
    ot_tracker *t = NULL;
    ot_courier_client *none[1] = {NULL};
    char *bad;
    ot_error e;
    (void)state;

    ok(ot_storage_memory_new(&storage, &e), &e);
    o.storage = storage;
    ok(ot_tracker_new(&t, &o, &e), &e);
    assert_int_equal(ot_reconcile_run(NULL, t, &ro, &e), OT_EINVAL);
    assert_string_equal(e.field, "summary");
    assert_int_equal(ot_reconcile_run(&sum, NULL, &ro, &e), OT_EINVAL);
    assert_string_equal(e.field, "tracker");
    ro.version = 99;
    assert_int_equal(ot_reconcile_run(&sum, t, &ro, &e), OT_EVERSION);
    ro.version = OT_RECONCILE_OPTIONS_VERSION;
    ro.page_size = 1001;
    assert_int_equal(ot_reconcile_run(&sum, t, &ro, &e), OT_EINVAL);
    assert_string_equal(e.field, "page_size");
    ro.page_size = 0;
    ro.couriers = none;
    ro.courier_count = 1;
    assert_int_equal(ot_reconcile_run(&sum, t, &ro, &e), OT_EINVAL);
    assert_string_equal(e.field, "http");
    ro.couriers = NULL;
    ro.courier_count = 0;
    ro.export_path = "/nonexistent/export.jsonl";
    assert_int_equal(ot_reconcile_run(&sum, t, &ro, &e), OT_EIO);
    assert_string_equal(e.field, "export_path");
    bad = write_file("{\"order_id\":\"a\",\"store_id\":\"s\",\"status\":\"submitted\"}\n"
                     "{\"order_id\":\"b\",\"store_id\":\"s\",\"status\":\"shipped\"}\n");
    ro.export_path = bad;
    assert_int_equal(ot_reconcile_run(&sum, t, &ro, &e), OT_EPARSE);
    assert_non_null(strstr(e.message, "line 2"));
    unlink(bad);
    free(bad);
    ot_tracker_free(t);
    ot_storage_close(storage);
}

static void run(ot_tracker *t, const char *export_path, ot_metrics *m, struct seen *s)
{
    ot_reconcile_options ro = OT_RECONCILE_OPTIONS_INIT;
    ot_reconcile_summary sum = OT_RECONCILE_SUMMARY_INIT;
    ot_error e;
    memset(s, 0, sizeof *s);
    ro.now_ms = T0 + 1000;
    ro.export_path = export_path;
    ro.once = 1;
    ro.metrics = m;
    ro.on_finding = on_finding;
    ro.userdata = s;
    ok(ot_reconcile_run(&sum, t, &ro, &e), &e);
    assert_int_equal(sum.orders, 2);
    assert_int_equal(sum.total, 2);
    assert_int_equal(sum.findings[OT_RECONCILE_STATUS_DIFFERS], 1);
    assert_int_equal(sum.findings[OT_RECONCILE_MISSING_HERE], 1);
}

static size_t open_issues(ot_tracker *t, const char *id)
{
    ot_order *o = NULL;
    ot_error e;
    size_t i, n = 0;
    ok(ot_tracker_get(&o, t, id, &e), &e);
    for (i = 0; i < ot_order_issue_count(o); i++) {
        ot_issue_view v = OT_ISSUE_VIEW_INIT;
        if (ot_order_issue_at(&v, o, i, NULL) == 0 && !v.resolved_at_ms &&
            strcmp(v.issue_type, "data_inconsistency") == 0) {
            assert_true(strncmp(v.description, "status_differs: ", 16) == 0);
            n++;
        }
    }
    ot_order_free(o);
    return n;
}

static void test_once_across_instances(void **state)
{
    ot_tracker_options o = OT_TRACKER_OPTIONS_INIT;
    ot_clock clock = OT_CLOCK_INIT;
    ot_storage *storage = NULL;
    ot_tracker *a = NULL, *b = NULL;
    ot_metrics *m = NULL;
    int64_t now = T0;
    struct seen s;
    char *export_path, *text = NULL;
    ot_error e;
    (void)state;

    ok(ot_storage_memory_new(&storage, &e), &e);
    ok(ot_metrics_new(&m, &e), &e);
    clock.userdata = &now;
    clock.now_ms = now_ms;
    o.storage = storage;
    o.clock = &clock;
    ok(ot_tracker_new(&a, &o, &e), &e);
    ok(ot_tracker_new(&b, &o, &e), &e);
    for (int i = 1; i <= 2; i++) {
        ot_request r = OT_REQUEST_INIT;
        char id[16];
        snprintf(id, sizeof id, "o-%d", i);
        r.order_id = id;
        r.store_id = "s-1";
        r.customer_id = "c-1";
        r.provider = OT_PROVIDER_INTERNAL;
        ok(ot_tracker_init_order(NULL, a, &r, &e), &e);
    }
    export_path = write_file(
        "{\"order_id\":\"o-1\",\"store_id\":\"s-1\",\"status\":\"delivered\"}\n\n"
        "{\"order_id\":\"o-2\",\"store_id\":\"s-1\",\"status\":\"submitted\"}\n"
        "{\"order_id\":\"x-9\",\"store_id\":\"s-1\",\"status\":\"submitted\"}\n");

    run(a, export_path, m, &s); /* instance A: records o-1's finding and alerts it */
    assert_int_equal(s.alerts[OT_RECONCILE_STATUS_DIFFERS], 1);
    assert_int_equal(s.alerts[OT_RECONCILE_MISSING_HERE], 0);
    assert_int_equal(s.noted, 0);
    assert_int_equal(open_issues(a, "o-1"), 1);
    run(b, export_path, m, &s); /* instance B: finds it recorded, stays quiet */
    assert_int_equal(s.alerts[OT_RECONCILE_STATUS_DIFFERS], 0);
    assert_int_equal(s.noted, 1);
    run(a, export_path, m, &s); /* a standing finding: not again */
    assert_int_equal(s.alerts[OT_RECONCILE_STATUS_DIFFERS], 0);
    assert_int_equal(open_issues(a, "o-1"), 1);
    {
        ot_request r = OT_REQUEST_INIT;
        r.order_id = "o-1";
        r.issue_index = 0;
        r.resolution = "the order service was right";
        ok(ot_tracker_resolve_issue(NULL, a, &r, &e), &e);
    }
    run(b, export_path, m, &s); /* resolved, still there: alerted again */
    assert_int_equal(s.alerts[OT_RECONCILE_STATUS_DIFFERS], 1);
    assert_int_equal(open_issues(a, "o-1"), 1);
    ok(ot_metrics_write_prometheus(&text, NULL, m, &e), &e);
    assert_non_null(strstr(text, "ordertrack_reconcile_findings_total{class=\"status_differs\"} 4\n"));
    assert_non_null(strstr(text, "ordertrack_reconcile_findings_total{class=\"missing_here\"} 4\n"));
    assert_non_null(strstr(text, "ordertrack_reconcile_findings_total{class=\"stuck\"} 0\n"));
    ot_free(text);
    unlink(export_path);
    free(export_path);
    ot_tracker_free(a);
    ot_tracker_free(b);
    ot_metrics_free(m);
    ot_storage_close(storage);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_class_names),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_once_across_instances),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
