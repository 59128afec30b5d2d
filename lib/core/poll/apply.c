/* One courier answer applied to the orders it was asked about, counted into a tally. */
#include <stdio.h>
#include <string.h>

#include "common.h"
#include "poll/run_internal.h"
#include "ordertrack/order.h"
#include "ordertrack/status.h"

/* 1 if the order already holds an unmapped_status issue for `raw`. */
static int has_unmapped_issue(const ot_order *o, const char *raw)
{
    size_t i, n = ot_order_issue_count(o);
    for (i = 0; i < n; i++) {
        ot_issue_view v = OT_ISSUE_VIEW_INIT;
        if (ot_order_issue_at(&v, o, i, NULL) == 0 && v.issue_type && v.description &&
            strcmp(v.issue_type, "unmapped_status") == 0 && strcmp(v.description, raw) == 0)
            return 1;
    }
    return 0;
}

/* Record the first failure in `t` (a round's or a job's tally, merged in order later). */
void ot__poll_note_failure(ot_poll_summary *t, const ot_error *e)
{
    if (t->first_failure.code == 0 && e && e->code)
        t->first_failure = *e;
}

/* Keep `fresh` (the order after a write) if the entry holds its order, else free it. */
static void replace_order(struct entry *e, ot_order *fresh)
{
    if (fresh && e->order) {
        ot_order_free(e->order);
        e->order = fresh;
    } else {
        ot_order_free(fresh);
    }
}

/* An update the tracker refused: counted, and the first kept with the courier and AWB. */
static void update_refused(const struct run *r, ot_poll_summary *t, const struct entry *e,
                           const ot_error *cause)
{
    ot_error err = *cause;
    t->errors++;
    if (err.field[0] == '\0')
        ot__strlcpy(err.field, "tracking_id", sizeof err.field);
    snprintf(err.message, sizeof err.message, "%s AWB %.40s: %.180s", r->name, e->awb,
             cause->message);
    ot__poll_note_failure(t, &err);
}

static void apply_unmapped(const struct run *r, ot_poll_summary *t, struct entry *e,
                           const ot_update *u)
{
    ot_request req = OT_REQUEST_INIT;
    ot_order *fresh = NULL;
    ot_error err;
    const char *raw = u->raw_status ? u->raw_status : "(no status)";

    t->unknown++;
    if (!e->order && ot_tracker_get(&e->order, r->tracker, e->order_id, &err) != 0) {
        update_refused(r, t, e, &err);
        return;
    }
    if (has_unmapped_issue(e->order, raw))
        return;
    req.order_id = e->order_id;
    req.updated_by = r->name;
    req.issue_type = "unmapped_status";
    req.description = raw;
    req.severity = OT_SEVERITY_MEDIUM;
    req.notes = u->raw_type;
    if (ot_tracker_raise_issue(&fresh, r->tracker, &req, &err) == 0) {
        t->issues++;
        replace_order(e, fresh);
        return;
    }
    update_refused(r, t, e, &err);
}

static void apply_one(const struct run *r, ot_poll_summary *t, struct entry *e,
                      const ot_update *u)
{
    ot_update copy = *u;
    ot_order *fresh = NULL;
    ot_error err;
    int rc;

    if (u->flags & OT_UPDATE_UNMAPPED) {
        apply_unmapped(r, t, e, u);
        return;
    }
    /* a flow kept apart (reverse pickup, customer return), a scan without status news, or
     * one not newer than what the order already holds: nothing to apply */
    if (!u->shipment_status || (u->flags & OT_UPDATE_LOCATION_ONLY) ||
        (u->event_time_ms && u->event_time_ms <= e->last_time)) {
        t->unchanged++;
        return;
    }
    copy.order_id = e->order_id;
    rc = ot_tracker_apply_update(&fresh, r->tracker, &copy, NULL, &err);
    if (rc == 0) {
        t->changed++;
        if (u->event_time_ms > e->last_time)
            e->last_time = u->event_time_ms;
    } else if (rc == OT_ESTALE) {
        t->unchanged++;
    } else {
        update_refused(r, t, e, &err);
    }
    replace_order(e, fresh);
}

void ot__poll_request_failed(const struct run *r, ot_poll_summary *t, const struct entry *group,
                             size_t n, int code, const char *what)
{
    ot_error err;
    t->failed_requests++;
    ot__error_field(&err, code, "tracking_id", "%s request for AWB %.40s%s failed: %.150s",
                    r->name, group[0].awb, n > 1 ? " and others" : "", what);
    ot__poll_note_failure(t, &err);
}

/* Parse one answer for `group` and apply what it says, counting into `t`. Runs on an
 * applier thread (or the caller's): touches only `group`, `t` and thread-safe objects. */
void ot__poll_handle_answer(const struct run *r, ot_poll_summary *t, struct entry *group,
                            size_t n, const ot_http_response *resp)
{
    ot_update_list *list = NULL;
    ot_error err;
    char what[200];
    size_t i, k, len;
    const char *body;
    int status = ot_http_response_status(resp);

    if (status < 200 || status > 299) {
        if (status == 0)
            snprintf(what, sizeof what, "%.150s", ot_http_response_error_message(resp));
        else
            snprintf(what, sizeof what, "HTTP %d", status);
        ot__poll_request_failed(r, t, group, n,
                       status == 0 ? ot_http_response_error_code(resp)
                       : status == 401 || status == 403 ? OT_EAUTH : OT_EHTTP, what);
        return;
    }
    body = ot_http_response_body(resp, &len);
    if (ot__courier_parse(&list, r->courier, r->cfg->tables, body, len, &err)) {
        snprintf(what, sizeof what, "unreadable answer: %.100s%s%.40s", err.message,
                 err.field[0] ? " at " : "", err.field);
        ot__poll_request_failed(r, t, group, n, err.code, what);
        return;
    }
    for (k = 0; k < ot_update_list_count(list); k++) {
        const ot_update *u = ot_update_list_get(list, k);
        for (i = 0; i < n; i++)
            if (u->tracking_id && strcmp(group[i].awb, u->tracking_id) == 0)
                break;
        if (i == n) {
            t->errors++;
            ot__error_field(&err, OT_ENOTFOUND, "tracking_id",
                            "%s answered about AWB %.40s, which was not asked for", r->name,
                            u->tracking_id ? u->tracking_id : "(none)");
            ot__poll_note_failure(t, &err);
            continue;
        }
        group[i].seen = 1;
        apply_one(r, t, &group[i], u);
    }
    for (i = 0; i < n; i++)
        if (!group[i].seen)
            t->missing++;
    ot_update_list_free(list);
}


/* Add the counts of `t` to `sum`; its first failure if `sum` has none yet. */
void ot__poll_merge(ot_poll_summary *sum, const ot_poll_summary *t)
{
    sum->failed_requests += t->failed_requests;
    sum->changed += t->changed;
    sum->unchanged += t->unchanged;
    sum->unknown += t->unknown;
    sum->issues += t->issues;
    sum->errors += t->errors;
    sum->missing += t->missing;
    ot__poll_note_failure(sum, &t->first_failure);
}
