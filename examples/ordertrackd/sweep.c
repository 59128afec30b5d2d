/* Store-acknowledgment timeouts: list store_notified orders page by page, evaluate their
 * SLA (ot_sla_times_from_order), raise store_ack_timeout once per order. The idempotency key makes two sweepers (two
 * processes on one database) raise it once. */
#include "sweep.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ordertrack/ordertrack.h>

#include <ordertrack/sys/storage.h>

#define SWEEP_PAGE 100
#define ISSUE_TYPE "store_ack_timeout"

static int has_issue(const ot_order *order)
{
    size_t n = ot_order_issue_count(order);

    for (size_t i = 0; i < n; i++) {
        ot_issue_view v = OT_ISSUE_VIEW_INIT;
        if (ot_order_issue_at(&v, order, i, NULL) == 0 && v.issue_type &&
            strcmp(v.issue_type, ISSUE_TYPE) == 0)
            return 1;
    }
    return 0;
}

/* The SLA report of `order` at `now_ms` under `policies` (NULL: the library defaults). */
static int order_sla(ot_sla_report *report, const ot_sla_policies *policies,
                     const ot_order *order, int64_t now_ms)
{
    ot_sla_times times = OT_SLA_TIMES_INIT;
    ot_sla_policy policy = OT_SLA_POLICY_INIT;

    if (ot_sla_times_from_order(&times, order, NULL) != 0)
        return -1;
    return policies ? ot_sla_evaluate(report, policies, &times, now_ms, NULL)
                    : ot_sla_evaluate_policy(report, &policy, &times, now_ms, NULL);
}

/* 1 when an issue was raised for this order. */
static int sweep_one(otd_app *app, const ot_order *order, int64_t now_ms)
{
    ot_sla_report report = OT_SLA_REPORT_INIT;
    const ot_sla_stage_report *st = &report.stages[OT_SLA_STAGE_STORE_ACKNOWLEDGMENT];
    ot_request r = OT_REQUEST_INIT;
    char key[300], description[160];

    if (ot_order_status(order) != OT_STATUS_STORE_NOTIFIED || has_issue(order) ||
        order_sla(&report, app->sla, order, now_ms) != 0 ||
        !st->applies || st->state != OT_SLA_STATE_BREACHED)
        return 0;
    snprintf(key, sizeof key, "%s/%.255s", ISSUE_TYPE, ot_order_order_id(order));
    snprintf(description, sizeof description,
             "store %.64s did not acknowledge within %lld ms", ot_order_store_id(order),
             (long long)st->allowed_ms);
    r.idempotency_key = strlen(key) <= 255 ? key : NULL;
    r.order_id = ot_order_order_id(order);
    r.updated_by = "ordertrackd";
    r.issue_type = ISSUE_TYPE;
    r.description = description;
    r.severity = OT_SEVERITY_HIGH;
    /* The breach itself is counted by the tracker's SLA sweep (ot_tracker_sla_sweep). */
    return ot_tracker_raise_issue(NULL, app->tracker, &r, NULL) == 0;
}

int otd_sweep_store_ack(otd_app *app, int64_t now_ms)
{
    ot_list_request lr = OT_LIST_REQUEST_INIT;
    char cursor[OT_STORAGE_CURSOR_SIZE] = "";
    int raised = 0;

    lr.status = OT_STATUS_STORE_NOTIFIED;
    lr.limit = SWEEP_PAGE;
    do {
        char *json = NULL;
        size_t len = 0, i;
        json_t *page, *orders, *doc;
        const char *next;

        lr.cursor = cursor;
        if (ot_tracker_list(&json, &len, app->tracker, &lr, NULL) != 0)
            return -1;
        page = json_loadb(json, len, 0, NULL);
        ot_free(json);
        if (!page)
            return -1;
        orders = json_object_get(page, "orders");
        json_array_foreach(orders, i, doc) {
            char *text = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
            ot_order *order = NULL;
            if (text && ot_order_from_json(&order, text, strlen(text), NULL) == 0)
                raised += sweep_one(app, order, now_ms);
            ot_order_free(order);
            free(text);
        }
        next = json_string_value(json_object_get(page, "next_cursor"));
        snprintf(cursor, sizeof cursor, "%s", next ? next : "");
        json_decref(page);
    } while (cursor[0]);
    return raised;
}
