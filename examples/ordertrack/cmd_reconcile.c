/* `ordertrack reconcile STORAGE_URI [--export FILE] [--couriers FILE] [--now T] [--repair]
 * [--metrics-file F] [--page N]`: plumbing over the library's ot_reconcile_run()
 * (ordertrack/reconcile.h, which holds the rules and classes; docs/operations.md,
 * "Reconcile"). Each finding is printed as a finding line and an "ALERT data_inconsistency"
 * line on stderr (the programs' alert form, as ordertrackd's integrity_error), counted by
 * class in a Prometheus text file when asked (a node_exporter textfile collector reads it).
 * --couriers FILE: {"couriers": {...}, "courier_definitions": [...]}, the poller's blocks
 * (examples/common/courierconf.h), for the courier_differs class. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ordertrack/ordertrack.h>
#include <ordertrack/sys/storage.h>
#ifdef OT_HAVE_CURL
#include <ordertrack/adapters/curl.h>
#endif

#include "cli.h"
#include "courierconf.h"
#include "courierdefs.h"
#include "trackerconf.h"

/* The --couriers file: the accounts, their run-time definitions and the clients. */
struct couriers {
    otc_couriers conf;
    ot_courier_registry *registry;
    ot_courier_client *clients[OTC_COURIERS_MAX];
    ot_http_client *http;
};

static void couriers_free(struct couriers *c)
{
    size_t i;
    for (i = 0; i < c->conf.n; i++)
        ot_courier_client_free(c->clients[i]);
    ot_http_client_free(c->http);
    otc_couriers_free(&c->conf);
    ot_courier_registry_free(c->registry);
}

/* Load FILE and make a client per courier: 0, or the exit status after a message. */
static int couriers_load(struct couriers *c, const char *path)
{
    static const char *const fields[] = {"couriers", "courier_definitions", NULL};
    char msg[512];
    jsonconf jc = {path, msg, sizeof msg};
    json_t *root = NULL;
    ot_error err;
    size_t i;
    int rc = CLI_EXIT_DATAERR;

    if (jc_load_file(&jc, path, &root) != 0 || jc_check_fields(&jc, root, "", fields) != 0 ||
        courierdefs_load(json_object_get(root, "courier_definitions"), path, &c->registry,
                         msg, sizeof msg) != 0 ||
        otc_couriers_load(&jc, &c->conf, json_object_get(root, "couriers"), "couriers",
                          c->registry) != 0)
        goto out;
    for (i = 0; i < c->conf.n; i++)
        if (otc_courier_client_new(&c->clients[i], &c->conf.list[i], c->registry, &err) != 0) {
            snprintf(msg, sizeof msg, "%s: couriers.%s: %s", path, c->conf.list[i].name,
                     err.message);
            goto out;
        }
#ifdef OT_HAVE_CURL
    {
        ot_http_policy policy = OT_HTTP_POLICY_INIT;
        ot_curl_options co = OT_CURL_OPTIONS_INIT;
        ot_http port;
        rc = OTC_EXIT_FAILURE;
        if (ot_curl_http_new(&port, &co, &err) != 0) {
            snprintf(msg, sizeof msg, "%s", err.message);
            goto out;
        }
        if (ot_http_client_new(&c->http, &port, &policy, NULL, &err) != 0) {
            port.close(port.userdata);
            snprintf(msg, sizeof msg, "%s", err.message);
            goto out;
        }
        rc = 0;
    }
#else
    snprintf(msg, sizeof msg, "--couriers: this build has no HTTP client (libcurl)");
    rc = CLI_EXIT_USAGE;
#endif
out:
    json_decref(root);
    if (rc)
        fprintf(stderr, "ordertrack reconcile: %s\n", msg);
    return rc;
}

static void print_finding(void *userdata, const ot_reconcile_finding *f)
{
    const char *cls = "?";
    (void)userdata;
    ot_reconcile_class_to_string(&cls, f->finding_class, NULL);
    printf("finding: %s: order %s: %s\n", cls, f->order_id, f->detail);
    if (f->repaired)
        printf("repaired: order %s\n", f->order_id);
    if (f->alert)
        fprintf(stderr, "ALERT data_inconsistency: %s: order %s: %s\n", cls, f->order_id,
                f->detail);
}

static int write_metrics(const ot_reconcile_summary *s, const char *path)
{
    char tmp[4096];
    const char *name;
    FILE *f;
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    if (!(f = fopen(tmp, "w")))
        return -1;
    fprintf(f, "# HELP ordertrack_reconcile_findings Data inconsistencies found by the last "
               "ordertrack reconcile, by class.\n# TYPE ordertrack_reconcile_findings gauge\n");
    for (int c = 1; c < OT_RECONCILE_CLASS_COUNT; c++)
        if (ot_reconcile_class_to_string(&name, c, NULL) == 0)
            fprintf(f, "ordertrack_reconcile_findings{class=\"%s\"} %llu\n", name,
                    (unsigned long long)s->findings[c]);
    fprintf(f, "# HELP ordertrack_reconcile_orders Orders examined by the last reconcile.\n"
               "# TYPE ordertrack_reconcile_orders gauge\nordertrack_reconcile_orders %llu\n"
               "# HELP ordertrack_reconcile_repaired Findings repaired by the last reconcile.\n"
               "# TYPE ordertrack_reconcile_repaired gauge\nordertrack_reconcile_repaired %llu\n"
               "# HELP ordertrack_reconcile_last_run_seconds When the last reconcile ended.\n"
               "# TYPE ordertrack_reconcile_last_run_seconds gauge\n"
               "ordertrack_reconcile_last_run_seconds %lld\n",
            (unsigned long long)s->orders, (unsigned long long)s->repaired,
            (long long)time(NULL));
    if (fclose(f) != 0)
        return -1;
    return rename(tmp, path);
}

int cli_reconcile(int argc, char **argv)
{
    static const otc_option options[] = {
        {"--export", "FILE", "the order service's export (JSON Lines: order_id, store_id, "
                             "status)"},
        {"--now", "RFC3339", "the time SLA budgets are judged at (default: now)"},
        {"--repair", NULL, "repair the safe cases (a terminal shipment's lifecycle, a "
                           "courier's newer state)"},
        {"--metrics-file", "FILE", "write the counts by class as Prometheus text"},
        {"--page", "N", "orders read per storage query (1..1000, default 500)"},
        {"--couriers", "FILE", "courier accounts to ask once about their orders: "
                               "{\"couriers\": {...}} as ordertrack-poller's"},
        {"--store-rules", "FILE", "the config file of ordertrackd or ordertrack-poller over "
                                  "this store: repairs keep its outbox, limits and pii keys"},
    };
    enum { N_OPTIONS = sizeof options / sizeof options[0] };
    const char *values[N_OPTIONS] = {NULL}, *uri = NULL, *name;
    ot_reconcile_options ro = OT_RECONCILE_OPTIONS_INIT;
    ot_reconcile_summary sum = OT_RECONCILE_SUMMARY_INIT;
    ot_tracker_options to = OT_TRACKER_OPTIONS_INIT;
    ot_tracker *tracker = NULL;
    ot_storage *storage = NULL;
    ot_pii *pii = NULL;
    otc_store_rules store_rules;
    struct couriers couriers;
    size_t page = 0;
    ot_error err;
    int n, rc;

    memset(&couriers, 0, sizeof couriers);
    memset(&store_rules, 0, sizeof store_rules);
    if ((rc = cli_args("reconcile", options, N_OPTIONS, argc, argv, values, &uri, 1, &n)) != 0)
        return rc;
    if (n != 1)
        return cli_usage("reconcile: STORAGE_URI is required");
    if ((rc = cli_count_arg(&page, "reconcile", "--page", values[4], OT_STORAGE_QUERY_MAX)))
        return rc;
    if (values[1] && ot_time_parse(&ro.now_ms, values[1], NULL) != 0)
        return cli_usage("reconcile: --now must be an RFC 3339 time (2026-11-23T06:40:00Z)");
    if (!values[1])
        ro.now_ms = (int64_t)time(NULL) * 1000;
    ro.export_path = values[0];
    ro.repair = values[2] != NULL;
    ro.page_size = page;
    ro.on_finding = print_finding;
    if (values[5] && (rc = couriers_load(&couriers, values[5])) != 0)
        goto out;
    ro.couriers = couriers.clients;
    ro.courier_count = couriers.conf.n;
    ro.http = couriers.http;
    /* repairs are writes: with the rules every other writer to the store has */
    if (values[6]) {
        char why[512];
        if (otc_store_rules_load_file(&store_rules, values[6], why, sizeof why) != 0) {
            fprintf(stderr, "ordertrack reconcile: --store-rules %s\n", why);
            rc = OTC_EXIT_CONFIG;
            goto out;
        }
        to = store_rules.rules;
    }
    if (store_rules.pii.n_keys) {
        ot_pii_key_provider keys;
        piiconf_provider(&keys, &store_rules.pii);
        if (ot_pii_new(&pii, &keys, &err) != 0) {
            fprintf(stderr, "ordertrack reconcile: --store-rules %s: pii: %s\n", values[6],
                    err.message);
            rc = OTC_EXIT_CONFIG;
            goto out;
        }
        to.pii = pii;
    }
    if ((rc = cli_open_storage(&storage, "reconcile", uri, 1)) != 0)
        goto out;
    to.storage = storage;
    if (ot_tracker_new(&tracker, &to, &err) != 0 ||
        (couriers.registry && ot_tracker_set_couriers(tracker, couriers.registry, &err) != 0)) {
        fprintf(stderr, "ordertrack reconcile: %s\n", err.message);
        rc = OTC_EXIT_FAILURE;
        goto out;
    }
    if ((rc = ot_reconcile_run(&sum, tracker, &ro, &err)) != 0) {
        fprintf(stderr, "ordertrack reconcile: %s%s%s (after %llu orders)\n",
                err.field[0] ? err.field : "", err.field[0] ? ": " : "", err.message,
                (unsigned long long)sum.orders);
        rc = err.field[0] && strcmp(err.field, "export_path") == 0 ? CLI_EXIT_DATAERR
                                                                   : OTC_EXIT_FAILURE;
        goto out;
    }
    printf("reconciled %llu orders: %llu findings (", (unsigned long long)sum.orders,
           (unsigned long long)sum.total);
    for (int c = 1; c < OT_RECONCILE_CLASS_COUNT; c++)
        if (ot_reconcile_class_to_string(&name, c, NULL) == 0)
            printf("%s%s %llu", c > 1 ? ", " : "", name, (unsigned long long)sum.findings[c]);
    printf("), %llu repaired\n", (unsigned long long)sum.repaired);
    if (sum.courier_asked)
        printf("couriers: %llu orders asked, %llu without an answer\n",
               (unsigned long long)sum.courier_asked, (unsigned long long)sum.courier_failed);
    if (sum.first_failure.code)
        fprintf(stderr, "ordertrack reconcile: first failure: %s\n", sum.first_failure.message);
    if (values[3] && write_metrics(&sum, values[3]) != 0) {
        fprintf(stderr, "ordertrack reconcile: --metrics-file %s: %s\n", values[3],
                strerror(errno));
        rc = OTC_EXIT_FAILURE;
        goto out;
    }
    rc = sum.total > sum.repaired ? OTC_EXIT_FINDINGS : OTC_EXIT_OK;
out:
    ot_tracker_free(tracker);
    ot_pii_free(pii);
    piiconf_wipe(&store_rules.pii);
    ot_storage_close(storage);
    couriers_free(&couriers);
    return rc;
}
