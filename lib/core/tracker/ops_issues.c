/* Issues: raise and resolve. */
#include "common.h"
#include "tracker/tracker_internal.h"
#include "rules/vocab_internal.h"

static int build_raise(struct ot__write *w, ot_order *o, ot_error *err)
{
    const ot_request *r = w->req;
    const char *severity;
    json_t *data;
    int rc;
    if ((rc = ot__check_string(r->issue_type, "issue_type", 1, 128, err)) ||
        (rc = ot__check_string(r->description, "description", 1, 4096, err)))
        return rc;
    if (ot__vocab_name(&ot__severity_vocab, &severity, r->severity, NULL))
        return ot__error_field(err, OT_EINVAL, "severity", "%d is not a severity", r->severity);
    if (ot_order_issue_count(o) >= w->tracker->options.max_issues)
        return ot__error_field(err, OT_ELIMIT, "issues",
                               "order %.64s has %zu issues (at most %u)", r->order_id, ot_order_issue_count(o),
                               w->tracker->options.max_issues);
    data = json_pack("{s:s, s:s, s:s}", "issue_type", r->issue_type, "description",
                     r->description, "severity", severity);
    if (!data)
        return ot__error_set(err, OT_ENOMEM, "out of memory building an event");
    return ot__append(w, o, OT__EV_ISSUE_RAISED, ot_order_status(o), data, err);
}

static int build_resolve(struct ot__write *w, ot_order *o, ot_error *err)
{
    const ot_request *r = w->req;
    ot_issue_view issue = OT_ISSUE_VIEW_INIT;
    json_t *data;
    int rc;
    if ((rc = ot__check_string(r->resolution, "resolution", 1, 4096, err)))
        return rc;
    if (ot_order_issue_at(&issue, o, r->issue_index, NULL))
        return ot__error_field(err, OT_ENOTFOUND, "issue_index", "order %.64s has no issue %zu",
                               r->order_id, r->issue_index);
    if (issue.resolved_at_ms)
        return ot__error_field(err, OT_ESTATE, "issue_index", "issue %zu is already resolved",
                               r->issue_index);
    data = json_pack("{s:I, s:s}", "index", (json_int_t)r->issue_index, "resolution",
                     r->resolution);
    if (!data)
        return ot__error_set(err, OT_ENOMEM, "out of memory building an event");
    return ot__append(w, o, OT__EV_ISSUE_RESOLVED, ot_order_status(o), data, err);
}

int ot_tracker_raise_issue(ot_order **out, ot_tracker *tracker, const ot_request *request,
                           ot_error *err)
{
    struct ot__write w = OT__WRITE("raise_issue", build_raise);
    return ot__tracker_write(&w, out, err);
}

int ot_tracker_resolve_issue(ot_order **out, ot_tracker *tracker, const ot_request *request,
                             ot_error *err)
{
    struct ot__write w = OT__WRITE("resolve_issue", build_resolve);
    return ot__tracker_write(&w, out, err);
}
