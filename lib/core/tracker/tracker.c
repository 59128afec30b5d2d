/* The tracker: options, the write pipeline (idempotency, load, build, commit, retry,
 * notices) and the request checks shared by the operations. */
#include <stddef.h>
#include <string.h>

#include "common.h"
#include "sys/sys_internal.h"
#include "sla/sla_internal.h"
#include "tracker/tracker_internal.h"
#include "base/utf8_internal.h"
#include "rules/vocab_internal.h"
#include "base/clock_internal.h"
#include "storage/storage_internal.h"
#include "outbox/outbox_internal.h"

/* Bytes of an ot_tracker_options of `version` (a version 1 caller's struct is shorter). */
static size_t options_size(unsigned version)
{
    return version >= 6   ? sizeof(ot_tracker_options)
           : version == 5 ? offsetof(ot_tracker_options, outbox)
           : version == 4 ? offsetof(ot_tracker_options, clock_skew_ms)
           : version == 3 ? offsetof(ot_tracker_options, escalation)
           : version == 2 ? offsetof(ot_tracker_options, pii)
                          : offsetof(ot_tracker_options, sla);
}

int ot_tracker_options_init(ot_tracker_options *options, unsigned version, ot_error *err)
{
    static const ot_tracker_options tpl = OT_TRACKER_OPTIONS_INIT;
    return ot__struct_init(options, version, &tpl, options_size(version), "options", "options",
                           err);
}

int ot_sla_sweep_result_init(ot_sla_sweep_result *result, unsigned version, ot_error *err)
{
    static const ot_sla_sweep_result tpl = OT_SLA_SWEEP_RESULT_INIT;
    return ot__struct_init(result, version, &tpl, sizeof tpl, "result", "sweep result", err);
}

int ot_request_init(ot_request *request, unsigned version, ot_error *err)
{
    static const ot_request tpl = OT_REQUEST_INIT;
    return ot__struct_init(request, version, &tpl, sizeof tpl, "request", "request", err);
}

int ot_list_request_init(ot_list_request *request, unsigned version, ot_error *err)
{
    static const ot_list_request tpl = OT_LIST_REQUEST_INIT;
    return ot__struct_init(request, version, &tpl, sizeof tpl, "request", "list request", err);
}

/* The per-order limits of a version 5 struct: each within its documented range. */
static int check_limits(const ot_tracker_options *o, ot_error *err)
{
    const struct {
        const char *field;
        size_t value, min, max;
    } limits[] = {
        {"max_issues", o->max_issues, 1, OT_TRACKER_MAX_COUNT_LIMIT},
        {"max_substitutions", o->max_substitutions, 1, OT_TRACKER_MAX_COUNT_LIMIT},
        {"max_metadata_bytes", o->max_metadata_bytes, 2, OT_TRACKER_MAX_BYTES_LIMIT},
        {"max_record_bytes", o->max_record_bytes, 4096, OT_TRACKER_MAX_BYTES_LIMIT},
    };
    size_t i;
    for (i = 0; i < sizeof limits / sizeof limits[0]; i++)
        if (limits[i].value < limits[i].min || limits[i].value > limits[i].max)
            return ot__error_field(err, OT_EINVAL, limits[i].field, "%s %zu is not in %zu..%zu",
                                   limits[i].field, limits[i].value, limits[i].min,
                                   limits[i].max);
    return 0;
}

int ot_order_id_check(const char *order_id, ot_error *err)
{
    size_t n;
    if (!order_id || !*order_id)
        return ot__error_field(err, OT_EINVAL, "order_id", "order_id is required");
    n = strspn(order_id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:-");
    if (order_id[n])
        return ot__error_field(err, OT_EINVAL, "order_id",
                               "order_id holds byte 0x%02x at %zu: allowed are A-Z a-z 0-9 . _ "
                               ": -", (unsigned char)order_id[n], n);
    if (n > OT_ORDER_ID_MAX)
        return ot__error_field(err, OT_EINVAL, "order_id",
                               "order_id is %zu bytes long (at most %d)", n, OT_ORDER_ID_MAX);
    if (strcmp(order_id, ".") == 0 || strcmp(order_id, "..") == 0)
        return ot__error_field(err, OT_EINVAL, "order_id", "order_id may not be \"%s\"",
                               order_id);
    return 0;
}

int ot_tracker_new(ot_tracker **out, const ot_tracker_options *o, ot_error *err)
{
    const ot_storage *s;
    ot_tracker *t;
    int rc;

    if (!out)
        return ot__error_field(err, OT_EINVAL, "out", "output pointer is NULL");
    *out = NULL;
    if (!o)
        return ot__error_field(err, OT_EINVAL, "options", "options is NULL");
    if ((rc = ot__check_version(o->version, OT_TRACKER_OPTIONS_VERSION, "options", err)))
        return rc;
    s = o->storage;
    if (!s)
        return ot__error_field(err, OT_EINVAL, "storage", "options.storage is required");
    if ((rc = ot__check_version(s->version, OT_STORAGE_VERSION, "storage", err)))
        return rc;
    if (!s->create || !s->load || !s->commit || !s->query)
        return ot__error_field(err, OT_EINVAL, "storage",
                               "storage lacks a required member (create, load, commit, query)");
    if (!s->idem_get != !s->idem_put)
        return ot__error_field(err, OT_EINVAL, "storage",
                               "storage must have both idem_get and idem_put, or neither");
    if ((rc = ot__clock_check(o->clock, err)) || (rc = ot__notice_sink_check(o->notices, err)))
        return rc;
    if (o->max_retries > 100)
        return ot__error_field(err, OT_EINVAL, "max_retries", "max_retries %u is over 100",
                               o->max_retries);
    if (o->no_driver_retry_base_ms <= 0 || o->no_driver_retry_cap_ms < o->no_driver_retry_base_ms)
        return ot__error_field(err, OT_EINVAL, "no_driver_retry_base_ms",
                               "no-driver backoff needs 0 < base <= cap");
    if (o->idempotency_ttl_ms <= 0)
        return ot__error_field(err, OT_EINVAL, "idempotency_ttl_ms",
                               "idempotency_ttl_ms must be positive");
    if (o->version >= 4 && o->location_trail > OT_TRACKER_LOCATION_TRAIL_MAX)
        return ot__error_field(err, OT_EINVAL, "location_trail",
                               "location_trail %u is over %d", o->location_trail,
                               OT_TRACKER_LOCATION_TRAIL_MAX);
    if (o->version >= 5 &&
        (o->clock_skew_ms < 0 || o->clock_skew_ms > OT_TRACKER_CLOCK_SKEW_MAX_MS))
        return ot__error_field(err, OT_EINVAL, "clock_skew_ms",
                               "clock_skew_ms %lld is outside 0..%d", (long long)o->clock_skew_ms,
                               OT_TRACKER_CLOCK_SKEW_MAX_MS);
    if (o->version >= 5 && (rc = check_limits(o, err)))
        return rc;
    if (o->version >= 6 && o->outbox != 0 && o->outbox != 1)
        return ot__error_field(err, OT_EINVAL, "outbox", "outbox %d is not 0 or 1", o->outbox);
    if (o->version >= 6 && o->outbox && (rc = ot__outbox_require(s, err)))
        return rc;
    t = ot__calloc(1, sizeof *t);
    if (!t)
        return ot__error_set(err, OT_ENOMEM, "out of memory creating a tracker");
    if ((rc = ot__escalation_load(&t->escalation, o->version >= 4 ? o->escalation : NULL,
                                  err))) {
        ot__free(t);
        return rc;
    }
    memcpy(&t->storage, s, ot__storage_size(s->version)); /* a version 1 struct is shorter */
    ot__clock_copy(&t->clock, o->clock); /* a version 1 clock is shorter */
    if (o->notices)
        t->notices = *o->notices;
    memcpy(&t->options, o, options_size(o->version)); /* later members stay NULL */
    t->options.storage = NULL;
    t->options.clock = NULL;
    t->options.notices = NULL;
    t->options.escalation = NULL;   /* copied to t->escalation */
    /* t->options.pii (version 3) is borrowed, like sla and metrics */
    if (o->version < 4)
        t->options.location_trail = OT_TRACKER_LOCATION_TRAIL_DEFAULT;
    if (o->version < 5) {
        t->options.clock_skew_ms = OT_TRACKER_CLOCK_SKEW_DEFAULT_MS;
        t->options.max_issues = OT_TRACKER_MAX_ISSUES_DEFAULT;
        t->options.max_substitutions = OT_TRACKER_MAX_SUBSTITUTIONS_DEFAULT;
        t->options.max_metadata_bytes = OT_TRACKER_MAX_METADATA_BYTES_DEFAULT;
        t->options.max_record_bytes = OT_TRACKER_MAX_RECORD_BYTES_DEFAULT;
    }
    *out = t;
    return 0;
}

void ot_tracker_free(ot_tracker *tracker)
{
    ot__free(tracker);
}

int64_t ot__tracker_now(const ot_tracker *t)
{
    return ot_clock_now_ms(&t->clock);
}

const ot_clock *ot__tracker_clock(const ot_tracker *t)
{
    return &t->clock;
}

int64_t ot__tracker_latest(const ot_tracker *t, int64_t now)
{
    return now + t->options.clock_skew_ms;
}

int ot__check_string(const char *value, const char *field, int required, size_t max_len,
                     ot_error *err)
{
    size_t n;
    if (!value || !*value)
        return required ? ot__error_field(err, OT_EINVAL, field, "%s is required", field) : 0;
    n = strlen(value);
    if (n > max_len)
        return ot__error_field(err, OT_EINVAL, field, "%s is %zu bytes long (at most %zu)",
                               field, n, max_len);
    if (!ot__utf8_valid((const unsigned char *)value, n))
        return ot__error_field(err, OT_EINVAL, field, "%s is not valid UTF-8", field);
    return 0;
}

int ot__parse_object(json_t **out, const char *json, const char *field, ot_error *err)
{
    ot_error perr;
    int rc;
    *out = NULL;
    if (!json)
        return 0;
    rc = ot__json_load(out, json, strlen(json), field, field, &perr);
    if (rc == OT_EPARSE)
        return ot__error_field(err, OT_EINVAL, field, "%s is not valid JSON (%.160s)", field,
                               perr.message);
    if (rc)
        return ot__error_set(err, rc, "out of memory parsing %s", field);
    if (!json_is_object(*out)) {
        json_decref(*out);
        *out = NULL;
        return ot__error_field(err, OT_EINVAL, field, "%s must be a JSON object", field);
    }
    return 0;
}

int ot__check_request(const ot_request *req, ot_error *err)
{
    int rc;
    if (!req)
        return ot__error_field(err, OT_EINVAL, "request", "request is NULL");
    if ((rc = ot__check_version(req->version, OT_REQUEST_VERSION, "request", err)))
        return rc;
    if ((rc = ot__check_string(req->order_id, "order_id", 1, 128, err)) ||
        (rc = ot__check_string(req->updated_by, "updated_by", 0, 128, err)) ||
        (rc = ot__check_string(req->notes, "notes", 0, 4096, err)))
        return rc;
    if (req->idempotency_key && (rc = ot__idem_check_key(req->idempotency_key, err)))
        return rc;
    if ((rc = ot__idem_check_scope(ot__idem_scope(req), err)))
        return rc;
    if (req->expected_version < 0)
        return ot__error_field(err, OT_EINVAL, "expected_version",
                               "expected_version must be 0 (any) or a version");
    return 0;
}

int ot__check_store(const ot_request *req, const ot_order *order, ot_error *err)
{
    int rc = ot__check_string(req->store_id, "store_id", 1, 128, err);
    if (rc)
        return rc;
    if (strcmp(req->store_id, ot_order_store_id(order)) != 0)
        return ot__error_field(err, OT_ENOTFOUND, "store_id",
                               "order %.64s does not belong to store %.64s", req->order_id,
                               req->store_id);
    return 0;
}

int ot__check_step(const ot_order *order, int to, int source, ot_error *err)
{
    return ot_status_transition_check(ot_order_status(order), to, source, err);
}

int ot__append(struct ot__write *w, ot_order *order, int event, int status, json_t *data,
               ot_error *err)
{
    json_t *meta = NULL;
    int rc = 0;
    if (!w->create && w->req->metadata_json)
        rc = ot__parse_object(&meta, w->req->metadata_json, "metadata", err);
    /* a bookkeeping entry names the version its commit makes (ot_order_revision) */
    if (!rc && ot__event_is_bookkeeping(event) &&
        json_object_set_new(data, "order_version", json_integer(ot_order_version(order) + 1)))
        rc = ot__error_set(err, OT_ENOMEM, "out of memory building an event");
    if (rc) {
        json_decref(data);
        return rc;
    }
    rc = ot__order_append_event(order, event, status, w->now, w->req->updated_by,
                                w->req->notes, meta, data, err);
    json_decref(meta);
    return rc;
}

/* The states an API operation may pass through without a route of its own: seed 000 has no
 * call that reports store_notified or in_transit (docs/events.md, "Implied steps"). Every
 * other step follows the graph one edge at a time. */
static const struct {
    int from, implied, to;
} implied_steps[] = {
    /* a store that acknowledges was notified */
    {OT_STATUS_SUBMITTED, OT_STATUS_STORE_NOTIFIED, OT_STATUS_STORE_ACKNOWLEDGED},
    /* a delivered order travelled */
    {OT_STATUS_DRIVER_PICKUP_COMPLETE, OT_STATUS_IN_TRANSIT, OT_STATUS_DELIVERED},
};

int ot__step_implied(struct ot__write *w, ot_order *order, int to, ot_error *err)
{
    int from = ot_order_status(order), rc = ot__check_step(order, to, OT_SOURCE_API, err);
    size_t i;
    json_t *data;

    if (rc != OT_ETRANSITION)
        return rc;
    for (i = 0; i < sizeof implied_steps / sizeof implied_steps[0]; i++) {
        if (implied_steps[i].from != from || implied_steps[i].to != to)
            continue;
        data = json_pack("{s:s}", "implied_by", w->op);
        if (!data)
            return ot__error_set(err, OT_ENOMEM, "out of memory building an event");
        return ot__append(w, order, OT__EV_STATUS_CHANGED, implied_steps[i].implied, data,
                          err);
    }
    return rc;
}

struct snapshot {
    int status, shipment;
    size_t history, issues;
    int64_t version;
    ot_location_view location; /* timestamp_ms 0: no driver_location */
    int64_t eta;               /* 0: no estimated_delivery_time */
};

/* `eta`: also the ETA (only the outbox needs it: parsing it costs every write). */
static void snap(struct snapshot *s, const ot_order *o, int eta)
{
    const ot_location_view none = OT_LOCATION_VIEW_INIT;

    s->status = ot_order_status(o);
    s->shipment = ot_order_shipment_status(o);
    s->history = ot_order_history_count(o);
    s->issues = ot_order_issue_count(o);
    s->version = ot_order_version(o);
    s->location = none;
    if (ot_order_driver_location(&s->location, o, NULL) != 0)
        s->location = none;
    if (!eta || ot_order_time(&s->eta, o, OT_TIME_ESTIMATED_DELIVERY, NULL) != 0)
        s->eta = 0;
}

/* The outbound events of the write (docs/events.md), with the tracker's outbox on. */
static int outbox_build(struct ot__outbox_batch *b, const ot_tracker *t,
                        const struct snapshot *before, const ot_order *o, ot_error *err)
{
    struct ot__outbox_before ob;
    b->n = 0;
    if (!t->options.outbox)
        return 0;
    ob.status = before->status;
    ob.shipment = before->shipment;
    ob.history = before->history;
    ob.issues = before->issues;
    ob.eta_ms = before->eta;
    ob.location = before->location;
    return ot__outbox_build(b, &ob, o, t->options.pii != NULL, err);
}

/* Did the write move driver_location (a newer report, or a first one)? */
static int location_moved(const struct snapshot *before, const ot_order *o)
{
    ot_location_view now = OT_LOCATION_VIEW_INIT;

    if (ot_order_driver_location(&now, o, NULL) != 0)
        return 0;
    return now.timestamp_ms != before->location.timestamp_ms ||
           now.latitude != before->location.latitude ||
           now.longitude != before->location.longitude;
}

/* Alerts a committed write raises: the shipment's reason when it has one (lost, destroy,
 * booking_cancelled), else the lifecycle's (cancelled, failed); RTO started when the
 * shipment enters the return family from outside it. */
static const char *alert_of(const struct snapshot *before, int status, int shipment)
{
    const char *name = NULL;
    if (shipment != before->shipment &&
        (shipment == OT_SHIPMENT_LOST || shipment == OT_SHIPMENT_DESTROY ||
         shipment == OT_SHIPMENT_BOOKING_CANCELLED) &&
        ot_shipment_to_string(&name, shipment, NULL) == 0)
        return name;
    if (status != before->status &&
        (status == OT_STATUS_CANCELLED || status == OT_STATUS_FAILED) &&
        ot_status_to_string(&name, status, NULL) == 0)
        return name;
    return NULL;
}

static int rto_family(int shipment)
{
    return shipment == OT_SHIPMENT_RTO || shipment == OT_SHIPMENT_RTO_IN_TRANSIT ||
           shipment == OT_SHIPMENT_RTO_DELIVERED;
}

static void emit(const ot_tracker *t, ot_notice *n, int kind, const char *detail)
{
    n->kind = kind;
    n->detail = detail;
    if (t->notices.notify)
        t->notices.notify(t->notices.userdata, n);
}

/* After a commit: the notices and the metrics of the entries the write added. */
static void after_commit(const ot_tracker *t, const struct snapshot *before, const ot_order *o,
                         int64_t now)
{
    size_t base;
    const json_t *history = ot__order_entries(o, &base);
    ot_metrics *m = t->options.metrics;
    ot_notice n;
    ot_issue_view issue = OT_ISSUE_VIEW_INIT;
    const char *alert, *rule;
    int prev = before->status, level, escalated = 0;
    size_t i;

    memset(&n, 0, sizeof n);
    n.version = OT_NOTICE_VERSION;
    n.order_id = ot_order_order_id(o);
    n.store_id = ot_order_store_id(o);
    n.from_status = before->status;
    n.to_status = ot_order_status(o);
    n.from_shipment = before->shipment;
    n.to_shipment = ot_order_shipment_status(o);
    ot_order_time(&n.time_ms, o, OT_TIME_UPDATED, NULL);
    if (n.from_status != n.to_status)
        emit(t, &n, OT_NOTICE_STATUS_CHANGED, NULL);
    if (n.from_shipment != n.to_shipment) {
        emit(t, &n, OT_NOTICE_SHIPMENT_CHANGED, NULL);
        if (m && n.to_shipment)
            ot_metrics_count_shipment_transition(m, n.to_shipment, NULL);
    }
    if ((alert = alert_of(before, n.to_status, n.to_shipment)) != NULL)
        emit(t, &n, OT_NOTICE_ALERT, alert);
    if (rto_family(n.to_shipment) && !rto_family(n.from_shipment))
        emit(t, &n, OT_NOTICE_RTO_STARTED, NULL);
    /* per entry: lifecycle transitions, and the SLA states the write recorded */
    for (i = before->history - base; i < json_array_size(history); i++) {
        const json_t *entry = json_array_get(history, i);
        const json_t *ot = ot__entry_ot(entry), *data = json_object_get(ot, "data");
        int status = ot__vocab_lookup(&ot__status_vocab, ot__jstr(entry, "status"));
        if (status != prev && m)
            ot_metrics_count_transition(m, status, NULL);
        prev = status;
        if (ot__event_from_name(ot__jstr(ot, "event")) == OT__EV_SLA_NOTIFIED) {
            int stage = ot__vocab_lookup(&ot__sla_stage_vocab, ot__jstr(data, "stage"));
            int state = ot__vocab_lookup(&ot__sla_state_vocab, ot__jstr(data, "state"));
            emit(t, &n, state == OT_SLA_STATE_BREACHED ? OT_NOTICE_SLA_BREACH
                                                       : OT_NOTICE_SLA_WARNING,
                 ot__jstr(data, "stage"));
            if (m)
                ot_metrics_count_sla(m, stage, state, NULL);
        }
        if ((level = ot__escalation_level(entry, &rule)) > 0) {
            emit(t, &n, level == 1 ? OT_NOTICE_TIMEOUT_ALERT : OT_NOTICE_ESCALATION, rule);
            escalated = 1;
        }
    }
    /* an escalation step says it all: no ISSUE_RAISED besides */
    if (!escalated && ot_order_issue_count(o) > before->issues &&
        ot_order_issue_at(&issue, o, ot_order_issue_count(o) - 1, NULL) == 0)
        emit(t, &n, OT_NOTICE_ISSUE_RAISED, issue.issue_type);
    if (location_moved(before, o))
        emit(t, &n, OT_NOTICE_LOCATION_UPDATED, NULL);
    if (ot_order_history_count(o) > before->history)
        emit(t, &n, OT_NOTICE_HISTORY_APPENDED, NULL);
    if (m && n.to_status == OT_STATUS_DELIVERED && before->status != OT_STATUS_DELIVERED)
        ot__tracker_sla_delivered(t, o, now);
}

/* Load the working copy (or start an empty one for init); by its chain head when `head`. */
static int load(struct ot__write *w, int head, ot_order **order, ot_error *err)
{
    const ot_tracker *t = w->tracker;
    json_t *doc;
    int rc;
    if (w->create) {
        doc = ot__order_skeleton();
        if (!doc)
            return ot__error_set(err, OT_ENOMEM, "out of memory creating an order");
        return ot__order_wrap(order, doc, err);
    }
    rc = ot__tracker_storage_load_as(t, w->req->order_id, head, order, err);
    if (rc == OT_ENOTFOUND)
        return ot__error_field(err, rc, "order_id", "no order %.64s", w->req->order_id);
    if (rc)
        return rc;
    /* current: no change a client sees since the expected version (bookkeeping commits
     * after it, such as the SLA sweep's, do not count) */
    if (w->req->expected_version &&
        (w->req->expected_version < ot_order_revision(*order) ||
         w->req->expected_version > ot_order_version(*order))) {
        rc = ot__error_field(err, OT_ECONFLICT, "expected_version",
                             "order %.64s is at revision %lld (version %lld), not %lld",
                             w->req->order_id, (long long)ot_order_revision(*order),
                             (long long)ot_order_version(*order),
                             (long long)w->req->expected_version);
        ot_order_free(*order);
        *order = NULL;
    }
    return rc;
}

/* Commit the built record; OT_ECONFLICT / OT_EEXISTS come back untouched for the caller. On
 * success `*sealed_copy` is the sealed record storage was given (NULL without a PII key), for
 * the caller to hand over (hand_over). */
static int commit(struct ot__write *w, ot_order *o, const struct snapshot *before,
                  const char *hash, ot_order **sealed_copy, ot_error *err)
{
    const ot_tracker *t = w->tracker;
    struct ot__sealed sealed;
    struct ot__outbox_batch *events = NULL;
    ot_idempotency_record idem;
    char *response = NULL;
    int rc;

    if (json_object_set_new(o->doc, "version", json_integer(before->version + 1)) ||
        ot__jset_time(o->doc, "updated_at", w->now))
        return ot__error_set(err, OT_ENOMEM, "out of memory building the record");
    /* storage sees the sealed record (and the idempotency response built from it); a storage
     * that keeps the history apart is handed the whole history again, re-sealed under the
     * current key, when the tracker seals and read it whole (a key rotation, or records
     * written before the key, leave no older seal behind), else the new entries only */
    rc = ot__seal_record(&sealed, t, o,
                         t->options.pii && !o->history_base &&
                                 (t->storage.flags & OT_STORAGE_F_HISTORY_APART)
                             ? 0
                             : before->history,
                         err);
    if (rc)
        return rc;
    if (t->options.outbox) {
        events = ot__malloc(sizeof *events);
        rc = events ? outbox_build(events, t, before, o, err)
                    : ot__error_set(err, OT_ENOMEM, "out of memory building the events");
        if (!rc) {
            sealed.rec.events = events->n ? events->events : NULL;
            sealed.rec.event_count = events->n;
        }
    }
    if (!rc && w->req->idempotency_key) {
        /* the response is the whole record's JSON, which a decoded storage was not given
         * and a storage keeping the history apart was given cut to its head */
        char *json = NULL;
        if (!sealed.rec.json || (ot__storage_fill_mode(&t->storage) & OT__FILL_HEAD))
            rc = ot_order_to_json(&json, NULL, sealed.rec.order, err);
        if (!rc)
            rc = ot__idem_record(&idem, &response, w, hash, json ? json : sealed.rec.json,
                                 err);
        ot__free(json);
    }
    if (!rc)
        rc = w->create ? t->storage.create(t->storage.userdata, &sealed.rec,
                                           response ? &idem : NULL, err)
                       : t->storage.commit(t->storage.userdata, before->version, &sealed.rec,
                                           response ? &idem : NULL, err);
    ot__free(response);
    if (events) {
        ot__outbox_release(events);
        ot__free(events);
    }
    if (rc == 0) {
        *sealed_copy = sealed.copy;
        sealed.copy = NULL;
    }
    ot__seal_release(&sealed);
    return rc;
}

/* After a commit: the caller's record to `*out` (or freed), and what storage stored to its
 * `adopt`: the sealed copy, or the record itself when the caller does not want it, else a
 * copy (best effort: no copy, no adoption). */
static void hand_over(const ot_tracker *t, ot_order *o, ot_order *sealed_copy, ot_order **out)
{
    ot_order *give = sealed_copy;
    if (!t->storage.adopt || o->history_base) { /* a record read by its head: not whole */
        ot_order_free(sealed_copy);
        give = NULL;
    } else if (!give && !out) {
        give = o;
        o = NULL;
    } else if (!give && ot__order_clone(&give, o, NULL) != 0) {
        give = NULL;
    }
    if (give)
        t->storage.adopt(t->storage.userdata, give);
    if (out)
        *out = o;
    else
        ot_order_free(o);
}

/* Remember the result of a write that committed nothing (OT_ESTALE). */
static void remember(struct ot__write *w, const ot_order *o, const char *hash)
{
    const ot_tracker *t = w->tracker;
    ot_idempotency_record idem;
    char *json = NULL, *response = NULL;
    if (w->req->idempotency_key && ot__seal_json(&json, t, o, NULL) == 0 &&
        ot__idem_record(&idem, &response, w, hash, json, NULL) == 0)
        /* best effort: a concurrent twin may have stored it first */
        t->storage.idem_put(t->storage.userdata, &idem, NULL);
    ot__free(response);
    ot__free(json);
}

/* The size of `v` as compact JSON, counting strings without their escapes and each real as
 * 24 bytes: a walk over the nodes without encoding anything, so the check below costs little
 * next to the write (an encode per write made ingest 60 % dearer). */
static size_t json_size(const json_t *v)
{
    const char *key;
    const json_t *item;
    size_t n = 2, i;
    json_int_t x;

    switch (json_typeof(v)) {
    case JSON_OBJECT:
        json_object_foreach((json_t *)v, key, item)
            n += strlen(key) + 4 + json_size(item);
        return n;
    case JSON_ARRAY:
        json_array_foreach(v, i, item)
            n += json_size(item) + 1;
        return n;
    case JSON_STRING:
        return json_string_length(v) + 2;
    case JSON_INTEGER:
        for (x = json_integer_value(v), n = x < 0 ? 2 : 1; x / 10; x /= 10)
            n++;
        return n;
    case JSON_REAL:
        return 24;
    case JSON_TRUE:
    case JSON_NULL:
        return 4;
    default:
        return 5;
    }
}

/* The record a write leaves stays within max_record_bytes, so one write's cost stays bounded
 * however the order is used. */
static int check_record_size(const ot_tracker *t, const ot_order *o, ot_error *err)
{
    size_t n = json_size(o->doc);
    if (n > t->options.max_record_bytes)
        return ot__error_field(err, OT_ELIMIT, "record",
                               "order %.64s would be about %zu bytes (at most %zu): refused",
                               ot_order_order_id(o), n, t->options.max_record_bytes);
    return 0;
}

int ot__tracker_write(struct ot__write *w, ot_order **out, ot_error *err)
{
    ot_tracker *t = w->tracker;
    char hash[65] = "";
    unsigned attempt;
    int rc, head;

    if (out)
        *out = NULL;
    if (!t)
        return ot__error_field(err, OT_EINVAL, "tracker", "tracker is NULL");
    /* By the chain head only when nothing needs more: the operation reads no history, the
     * caller wants no record back, no idempotent response (the whole record) is stored and
     * no expected version is judged (the revision walks bookkeeping entries). */
    head = w->head_only && !w->create && !out && ot__tracker_can_load_head(t) &&
           w->req && !w->req->idempotency_key && !w->req->expected_version;
    if ((rc = ot__check_request(w->req, err)))
        return rc;
    if (w->req->metadata_json && strlen(w->req->metadata_json) > t->options.max_metadata_bytes)
        return ot__error_field(err, OT_ELIMIT, "metadata",
                               "metadata is %zu bytes (at most %zu per request)",
                               strlen(w->req->metadata_json), t->options.max_metadata_bytes);
    w->now = ot__tracker_now(t);
    if (w->req->idempotency_key) {
        if (!t->storage.idem_get)
            return ot__error_field(err, OT_EUNSUPPORTED, "idempotency_key",
                                   "this storage does not keep idempotency keys");
        if ((rc = ot__idem_request_hash(hash, w, err)))
            return rc;
    }
    for (attempt = 0; attempt <= t->options.max_retries; attempt++) {
        ot_order *o = NULL, *sealed_copy = NULL;
        struct snapshot before;
        int replay_result = 0, twin;

        if (w->req->idempotency_key) {
            int64_t retry = 0;
            rc = ot__idem_lookup(w, hash, &o, &replay_result, &retry, err);
            if (rc != OT_ENOTFOUND) {
                if (rc == 0) {
                    w->replayed = 1;
                    w->retry_after_ms = retry;
                    if (out)
                        *out = o;
                    else
                        ot_order_free(o);
                    if (replay_result)
                        ot__error_set(err, replay_result, "replayed result: %s",
                                      ot_strerror(replay_result));
                    return replay_result;
                }
                return rc;
            }
        }
        if ((rc = load(w, head, &o, err)))
            return rc;
        snap(&before, o, t->options.outbox);
        w->result = 0;
        w->retry_after_ms = 0;
        w->projection_only = 0;
        rc = w->build(w, o, err);
        if (!rc && w->result == 0 && ot_order_history_count(o) == before.history &&
            !w->projection_only)
            rc = ot__error_set(err, OT_ESTATE, "the operation changed nothing");
        if (!rc && w->result == 0 && !w->bookkeeping)
            rc = check_record_size(t, o, err);
        if (!rc && w->result == OT_ESTALE) {
            remember(w, o, hash);
            if (out)
                *out = o;
            else
                ot_order_free(o);
            return ot__error_set(err, OT_ESTALE, "update ignored: stale or duplicate");
        }
        if (!rc) {
            rc = commit(w, o, &before, hash, &sealed_copy, err);
            if (rc == OT_ECONFLICT) {
                w->conflicts++;
                if (t->options.metrics)
                    ot_metrics_count_storage_conflict(t->options.metrics, NULL);
            }
        }
        if (rc == 0) {
            after_commit(t, &before, o, w->now);
            hand_over(t, o, sealed_copy, out);
            return 0;
        }
        ot_order_free(o);
        /* the winner may be our twin (same key): the lookup above replays its result; or
         * another writer won: reload and rebuild (a pinned expected_version is checked again
         * on the reload, so only a bookkeeping commit lets it through) */
        twin = w->req->idempotency_key &&
               (rc == OT_ECONFLICT || (rc == OT_EEXISTS && attempt == 0));
        if (!twin && rc != OT_ECONFLICT)
            return rc;
        if (t->options.metrics && attempt < t->options.max_retries)
            ot_metrics_count_storage_retry(t->options.metrics, NULL);
    }
    return ot__error_set(err, OT_ECONFLICT, "gave up after %u retries on version conflicts",
                         t->options.max_retries);
}

int ot_tracker_set_couriers(ot_tracker *tracker, const ot_courier_registry *couriers,
                            ot_error *err)
{
    if (!tracker)
        return ot__error_field(err, OT_EINVAL, "tracker", "tracker is NULL");
    tracker->couriers = couriers;
    return 0;
}

int ot__tracker_provider_name(const ot_tracker *t, const char **name, int provider,
                              ot_error *err)
{
    if (ot__vocab_name(&ot__provider_vocab, name, provider, NULL) == 0)
        return 0;
    if (t->couriers && ot_courier_registry_name(name, t->couriers, provider, NULL) == 0)
        return 0;
    return ot__error_field(err, OT_EINVAL, "provider",
                           "%d is not a delivery provider (built-in, or a courier of the "
                           "tracker's registry)", provider);
}
