/* The alert messages: kind names, checks, the one-line summary, Slack and RTO JSON. */
#include <string.h>

#include <jansson.h>

#include "alloc_internal.h"
#include "alerts_internal.h"
#include "order/order_internal.h"
#include "ordertrack/status.h"
#include "time_internal.h"

struct kind_info {
    const char *name;   /* wire name */
    const char *title;  /* human title */
};

static const struct kind_info kinds[OT__ALERT_KIND_MAX + 1] = {
    [OT_NOTICE_STATUS_CHANGED] = {"status_changed", "Status changed"},
    [OT_NOTICE_SHIPMENT_CHANGED] = {"shipment_changed", "Shipment status changed"},
    [OT_NOTICE_ISSUE_RAISED] = {"issue_raised", "Issue raised"},
    [OT_NOTICE_SLA_WARNING] = {"sla_warning", "SLA warning"},
    [OT_NOTICE_SLA_BREACH] = {"sla_breach", "SLA breach"},
    [OT_NOTICE_ALERT] = {"alert", "Order alert"},
    [OT_NOTICE_RTO_STARTED] = {"rto_started", "RTO started"},
};

int ot_alert_init(ot_alert *alert, unsigned version, ot_error *err)
{
    static const ot_alert defaults = OT_ALERT_INIT;
    int rc = ot__check_struct(alert, version, OT_ALERT_VERSION, "alert", err);
    if (rc)
        return rc;
    *alert = defaults;
    alert->version = version;
    return 0;
}

int ot_alerts_config_init(ot_alerts_config *config, unsigned version, ot_error *err)
{
    static const ot_alerts_config defaults = OT_ALERTS_CONFIG_INIT;
    int rc = ot__check_struct(config, version, OT_ALERTS_CONFIG_VERSION, "config", err);
    if (rc)
        return rc;
    *config = defaults;
    config->version = version;
    return 0;
}

int ot_alerts_stats_init(ot_alerts_stats *stats, unsigned version, ot_error *err)
{
    static const ot_alerts_stats defaults = OT_ALERTS_STATS_INIT;
    int rc = ot__check_struct(stats, version, OT_ALERTS_STATS_VERSION, "stats", err);
    if (rc)
        return rc;
    *stats = defaults;
    stats->version = version;
    return 0;
}

int ot_alerts_email_init(ot_alerts_email *email, unsigned version, ot_error *err)
{
    static const ot_alerts_email defaults = OT_ALERTS_EMAIL_INIT;
    int rc = ot__check_struct(email, version, OT_ALERTS_EMAIL_VERSION, "email", err);
    if (rc)
        return rc;
    *email = defaults;
    email->version = version;
    return 0;
}

int ot_alert_kind_to_string(const char **name, int kind, ot_error *err)
{
    if (!name)
        return ot__error_field(err, OT_EINVAL, "name", "name is NULL");
    if (kind < 1 || kind > OT__ALERT_KIND_MAX)
        return ot__error_field(err, OT_EINVAL, "kind", "notice kind %d is unknown", kind);
    *name = kinds[kind].name;
    return 0;
}

static int check_string(const char *s, int required, const char *what, const char *field,
                        ot_error *err)
{
    size_t n;
    if (!s) {
        if (required)
            return ot__error_field(err, OT_EINVAL, field, "%s.%s is NULL", what, field);
        return 0;
    }
    n = strlen(s);
    if (required && n == 0)
        return ot__error_field(err, OT_EINVAL, field, "%s.%s is empty", what, field);
    if (n > OT__ALERT_STRING_MAX)
        return ot__error_field(err, OT_EINVAL, field, "%s.%s is longer than %d bytes", what,
                               field, OT__ALERT_STRING_MAX);
    if (!ot__text_valid(s, n))
        return ot__error_field(err, OT_EINVAL, field,
                               "%s.%s is not UTF-8 text without control characters", what,
                               field);
    return 0;
}

static int check_state(int value, int shipment, const char *what, const char *field,
                       ot_error *err)
{
    const char *name;
    if (value == 0)
        return 0;
    if ((shipment ? ot_shipment_to_string(&name, value, NULL)
                  : ot_status_to_string(&name, value, NULL)) != 0)
        return ot__error_field(err, OT_EINVAL, field, "%s.%s %d is not a %s", what, field,
                               value, shipment ? "shipment status" : "status");
    return 0;
}

int ot__alert_check(const ot_alert *a, const char *what, ot_error *err)
{
    int rc;
    if (!a)
        return ot__error_field(err, OT_EINVAL, what, "%s is NULL", what);
    if ((rc = ot__check_version(a->version, OT_ALERT_VERSION, what, err)) != 0)
        return rc;
    if (a->kind < 1 || a->kind > OT__ALERT_KIND_MAX)
        return ot__error_field(err, OT_EINVAL, "kind", "%s.kind %d is unknown", what, a->kind);
    if ((rc = check_string(a->order_id, 1, what, "order_id", err)) != 0 ||
        (rc = check_string(a->store_id, 0, what, "store_id", err)) != 0 ||
        (rc = check_string(a->courier, 0, what, "courier", err)) != 0 ||
        (rc = check_string(a->awb, 0, what, "awb", err)) != 0 ||
        (rc = check_string(a->detail, 0, what, "detail", err)) != 0 ||
        (rc = check_state(a->from_status, 0, what, "from_status", err)) != 0 ||
        (rc = check_state(a->to_status, 0, what, "to_status", err)) != 0 ||
        (rc = check_state(a->from_shipment, 1, what, "from_shipment", err)) != 0 ||
        (rc = check_state(a->to_shipment, 1, what, "to_shipment", err)) != 0)
        return rc;
    if (!ot__time_representable(a->time_ms))
        return ot__error_field(err, OT_EINVAL, "time_ms", "%s.time_ms %lld is out of range",
                               what, (long long)a->time_ms);
    return 0;
}

/* "a → b", "b", or nothing (returns 0) for a pair of states. */
static int states(ot__strbuf *sb, int from, int to, int shipment)
{
    const char *f = NULL, *t = NULL;
    if (to == 0)
        return 0;
    if (shipment) {
        ot_shipment_to_string(&t, to, NULL);
        if (from)
            ot_shipment_to_string(&f, from, NULL);
    } else {
        ot_status_to_string(&t, to, NULL);
        if (from)
            ot_status_to_string(&f, from, NULL);
    }
    if (f && from != to)
        ot__sb_addf(sb, "%s \xe2\x86\x92 %s", f, t);
    else
        ot__sb_adds(sb, t);
    return 1;
}

void ot__alert_title(ot__strbuf *sb, const ot_alert *a)
{
    ot__sb_adds(sb, kinds[a->kind].title);
    if (a->detail && a->detail[0])
        ot__sb_addf(sb, " (%s)", a->detail);
}

void ot__alert_summary(ot__strbuf *sb, const ot_alert *a)
{
    ot__alert_title(sb, a);
    ot__sb_addf(sb, ": order %s", a->order_id);
    if (a->store_id)
        ot__sb_addf(sb, ", store %s", a->store_id);
    if (a->courier)
        ot__sb_addf(sb, ", courier %s", a->courier);
    if (a->awb)
        ot__sb_addf(sb, ", AWB %s", a->awb);
    if (a->to_shipment) {
        ot__sb_adds(sb, ", shipment ");
        states(sb, a->from_shipment, a->to_shipment, 1);
    }
    if (a->to_status) {
        ot__sb_adds(sb, ", status ");
        states(sb, a->from_status, a->to_status, 0);
    }
}

/* Slack mrkdwn: &, < and > are control characters there. */
static void mrkdwn(ot__strbuf *sb, const char *s)
{
    for (; *s; s++) {
        if (*s == '&')
            ot__sb_adds(sb, "&amp;");
        else if (*s == '<')
            ot__sb_adds(sb, "&lt;");
        else if (*s == '>')
            ot__sb_adds(sb, "&gt;");
        else
            ot__sb_add(sb, s, 1);
    }
}

/* Append {"type":"mrkdwn","text":"*label*\nvalue"} to `fields`; 0 or -1 (no memory). */
static int add_field(json_t *fields, const char *label, const char *value)
{
    ot__strbuf sb = {0};
    json_t *f;
    int rc;

    ot__sb_addf(&sb, "*%s*\n", label);
    mrkdwn(&sb, value);
    if (sb.failed) {
        ot__free(sb.data);
        return -1;
    }
    f = json_pack("{s:s, s:s}", "type", "mrkdwn", "text", sb.data);
    ot__free(sb.data);
    rc = json_array_append_new(fields, f);
    return rc;
}

static int add_states_field(json_t *fields, const char *label, int from, int to, int shipment)
{
    ot__strbuf sb = {0};
    int rc;
    if (!states(&sb, from, to, shipment))
        return 0;
    if (sb.failed) {
        ot__free(sb.data);
        return -1;
    }
    rc = add_field(fields, label, sb.data);
    ot__free(sb.data);
    return rc;
}

/* Slack refuses a header text longer than 150 characters: cut at a character boundary. */
static void clip_header(ot__strbuf *title)
{
    size_t n = 147;
    if (title->failed || title->len <= 150)
        return;
    while (n > 0 && ((unsigned char)title->data[n] & 0xc0) == 0x80)
        n--;
    title->len = n;
    title->data[n] = '\0';
    ot__sb_adds(title, "...");
}

static json_t *slack_body(const ot_alert *a, const char *time)
{
    ot__strbuf text = {0}, title = {0};
    json_t *fields = json_array(), *root = NULL;
    int bad = !fields;

    ot__alert_summary(&text, a);
    ot__sb_addf(&text, ", at %s", time);
    ot__alert_title(&title, a);
    clip_header(&title);
    bad = bad || text.failed || title.failed;
    if (!bad) {
        bad = add_field(fields, "Order", a->order_id) ||
              (a->store_id && add_field(fields, "Store", a->store_id)) ||
              (a->courier && add_field(fields, "Courier", a->courier)) ||
              (a->awb && add_field(fields, "AWB", a->awb)) ||
              add_states_field(fields, "Shipment", a->from_shipment, a->to_shipment, 1) ||
              add_states_field(fields, "Status", a->from_status, a->to_status, 0) ||
              add_field(fields, "Time", time);
    }
    if (!bad) {
        ot__strbuf esc = {0};
        mrkdwn(&esc, text.data);
        if (!esc.failed)
            root = json_pack("{s:s, s:[{s:s, s:{s:s, s:s}}, {s:s, s:O}]}", "text", esc.data,
                             "blocks", "type", "header", "text", "type", "plain_text", "text",
                             title.data, "type", "section", "fields", fields);
        ot__free(esc.data);
    }
    json_decref(fields);
    ot__free(text.data);
    ot__free(title.data);
    return root;
}

static json_t *rto_body(const ot_alert *a, const char *time)
{
    return json_pack("{s:s, s:s, s:s?, s:s?, s:s?, s:s}", "event", "rto_started", "order_id",
                     a->order_id, "store_id", a->store_id, "awb", a->awb, "courier",
                     a->courier, "time", time);
}

static int format_json(char **json, size_t *len, const ot_alert *alert, int rto,
                       ot_error *err)
{
    char time[OT__TIME_SIZE];
    json_t *body;
    int rc;

    if (!json)
        return ot__error_field(err, OT_EINVAL, "json", "json is NULL");
    *json = NULL;
    if ((rc = ot__alert_check(alert, "alert", err)) != 0)
        return rc;
    if (rto && alert->kind != OT_NOTICE_RTO_STARTED)
        return ot__error_field(err, OT_EINVAL, "kind",
                               "alert.kind %s is not rto_started", kinds[alert->kind].name);
    ot__json_init();
    ot__time_format(time, alert->time_ms);
    body = rto ? rto_body(alert, time) : slack_body(alert, time);
    if (!body)
        return ot__error_set(err, OT_ENOMEM, "out of memory formatting the %s message",
                             rto ? "RTO webhook" : "Slack");
    rc = ot__json_write(json, len, body, JSON_COMPACT | JSON_PRESERVE_ORDER, err);
    json_decref(body);
    return rc;
}

int ot_alert_slack_json(char **json, size_t *len, const ot_alert *alert, ot_error *err)
{
    return format_json(json, len, alert, 0, err);
}

int ot_alert_rto_json(char **json, size_t *len, const ot_alert *alert, ot_error *err)
{
    return format_json(json, len, alert, 1, err);
}
