/* GPS gaps (docs/operations.md, "GPS gaps"): a hyperlocal order with a driver (assigned,
 * picked up, in transit) whose last known position is older than the gap raises one open
 * `gps_gap` issue (severity high: an OT_NOTICE_ISSUE_RAISED notice, so an alert); when a
 * position newer than the issue arrives, the sweep resolves it. The open issue is the
 * once-per-gap record: the write re-checks it after reloading the order, so concurrent
 * sweepers raise it once. */
#include <stdio.h>

#include "common.h"
#include "tracker/tracker_internal.h"

#define GPS_GAP_ISSUE "gps_gap"

static const int driving[] = {OT_STATUS_DRIVER_ASSIGNED, OT_STATUS_DRIVER_PICKUP_COMPLETE,
                              OT_STATUS_IN_TRANSIT};

/* When the driver was last seen: the newer of its last position and the entry into a driver
 * status (a driver just assigned has had no chance to report yet). */
static int64_t last_seen(const ot_order *o)
{
    ot_location_view loc = OT_LOCATION_VIEW_INIT;
    ot_history_entry e = OT_HISTORY_ENTRY_INIT;
    int64_t seen = 0;
    size_t i, n = ot_order_history_count(o);
    for (i = 0; i < n; i++)
        if (ot_order_history_at(&e, o, i, NULL) == 0 && e.status >= OT_STATUS_DRIVER_ASSIGNED) {
            seen = e.timestamp_ms;
            break;
        }
    if (ot_order_driver_location(&loc, o, NULL) == 0 && loc.timestamp_ms > seen)
        seen = loc.timestamp_ms;
    return seen;
}

/* The index of the open gps_gap issue, or -1. */
static long open_gap(const ot_order *o, int64_t *raised_at)
{
    ot_issue_view v = OT_ISSUE_VIEW_INIT;
    size_t i = ot_order_issue_count(o);
    while (i-- > 0)
        if (ot_order_issue_at(&v, o, i, NULL) == 0 && !v.resolved_at_ms &&
            strcmp(v.issue_type, GPS_GAP_ISSUE) == 0) {
            *raised_at = v.created_at_ms;
            return (long)i;
        }
    return -1;
}

struct gps_ctx {
    ot_gps_sweep_result *out;
    int64_t gap_ms;
};

/* What the order needs at `now`: 1 raise, 2 clear, 0 nothing; the open issue in *index. */
static int gap_action(const ot_order *o, int64_t now, int64_t gap_ms, long *index)
{
    int64_t raised_at = 0, seen;
    if (ot_provider_is_parcel(ot_order_provider(o), NULL) != 0)
        return 0;
    seen = last_seen(o);
    *index = open_gap(o, &raised_at);
    if (*index >= 0)
        return seen > raised_at ? 2 : 0;
    return seen > 0 && now - seen >= gap_ms ? 1 : 0;
}

static int build_gap(struct ot__write *w, ot_order *o, ot_error *err)
{
    const struct gps_ctx *c = w->ctx;
    char text[160];
    long index = -1;
    json_t *data;
    int action = ot_order_status(o) >= OT_STATUS_DRIVER_ASSIGNED &&
                         ot_order_status(o) <= OT_STATUS_IN_TRANSIT
                     ? gap_action(o, w->now, c->gap_ms, &index)
                     : 0;
    if (action == 0) {
        w->result = OT_ESTALE; /* settled meanwhile (another sweeper, a position) */
        return 0;
    }
    if (action == 1) {
        snprintf(text, sizeof text, "no driver location for %lld s (gap limit %lld s)",
                 (long long)((w->now - last_seen(o)) / 1000), (long long)(c->gap_ms / 1000));
        data = json_pack("{s:s, s:s, s:s}", "issue_type", GPS_GAP_ISSUE, "description", text,
                         "severity", "high");
    } else {
        data = json_pack("{s:I, s:s}", "index", (json_int_t)index, "resolution",
                         "driver locations resumed");
    }
    if (!data)
        return ot__error_set(err, OT_ENOMEM, "out of memory building an event");
    w->result = 0;
    return ot__append(w, o, action == 1 ? OT__EV_ISSUE_RAISED : OT__EV_ISSUE_RESOLVED,
                      ot_order_status(o), data, err);
}

static int gps_order(void *ctx, ot_tracker *t, const ot_order *o, int64_t now, ot_error *err)
{
    struct gps_ctx *c = ctx;
    long index;
    int action, rc;

    c->out->examined++;
    if ((action = gap_action(o, now, c->gap_ms, &index)) == 0)
        return 0;
    rc = ot__sweep_write(t, o, "gps_gap", build_gap, "gps_monitor", c, &c->out->conflicts,
                         err);
    if (rc == 1) {
        if (action == 1)
            c->out->raised++;
        else
            c->out->cleared++;
    }
    return rc < 0 ? rc : 0;
}

int ot_gps_sweep_result_init(ot_gps_sweep_result *result, unsigned version, ot_error *err)
{
    static const ot_gps_sweep_result tpl = OT_GPS_SWEEP_RESULT_INIT;
    return ot__struct_init(result, version, &tpl, sizeof tpl, "result", "result", err);
}

int ot_tracker_gps_sweep(ot_gps_sweep_result *out, ot_tracker *tracker, int64_t now_ms,
                         int64_t gap_ms, ot_error *err)
{
    struct gps_ctx c;
    char cursor[OT_STORAGE_CURSOR_SIZE];
    int64_t now = 0;
    size_t i;
    int rc;

    if (!out)
        return ot__error_field(err, OT_EINVAL, "out", "output pointer is NULL");
    if ((rc = ot__check_version(out->version, OT_GPS_SWEEP_RESULT_VERSION, "sweep result",
                                err)))
        return rc;
    out->examined = out->raised = out->cleared = out->conflicts = 0;
    if (!tracker)
        return ot__error_field(err, OT_EINVAL, "tracker", "tracker is NULL");
    if (gap_ms < 1000)
        return ot__error_field(err, OT_EINVAL, "gap_ms", "gap_ms must be at least 1000 (%lld)",
                               (long long)gap_ms);
    if ((rc = ot__tracker_resolve_now(&now, tracker, now_ms, err)))
        return rc;
    c.out = out;
    c.gap_ms = gap_ms;
    for (i = 0; i < sizeof driving / sizeof driving[0]; i++) {
        cursor[0] = '\0';
        rc = ot__sweep_status(tracker, driving[i], now, &out->examined, 0, cursor, gps_order,
                              &c, err);
        if (rc)
            return rc;
    }
    return 0;
}
