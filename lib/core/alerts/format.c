/* The alert messages: kind names, checks, the one-line summary, Slack and RTO JSON. */
#include <stddef.h>
#include <string.h>

#include <jansson.h>

#include "common.h"
#include "alerts/alerts_internal.h"
#include "json/json_internal.h"
#include "ordertrack/status.h"
#include "base/time_internal.h"

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
    [OT_ALERT_INTEGRATION_DOWN] = {"integration_down", "Integration down"},
    [OT_ALERT_INTEGRATION_RECOVERED] = {"integration_recovered", "Integration recovered"},
    [OT_NOTICE_TIMEOUT_ALERT] = {"timeout_alert", "Timeout alert, severity high"},
    [OT_NOTICE_ESCALATION] = {"escalation", "Escalation, severity critical"},
    [OT_NOTICE_DEAD_LETTER] = {"dead_letter", "Outbound event parked (dead letter)"},
    [OT_ALERT_DATA_INCONSISTENCY] = {"data_inconsistency", "Data inconsistency"},
};

/* Slack refuses a section text longer than 3000 characters. */
#define SLACK_SECTION_MAX 3000

size_t ot__alert_size(unsigned version)
{
    return version >= 2 ? sizeof(ot_alert) : offsetof(ot_alert, integration);
}

int ot_alert_init(ot_alert *alert, unsigned version, ot_error *err)
{
    static const ot_alert tpl = OT_ALERT_INIT;
    return ot__struct_init(alert, version, &tpl, ot__alert_size(version), "alert", "alert",
                           err);
}

int ot_alerts_config_init(ot_alerts_config *config, unsigned version, ot_error *err)
{
    static const ot_alerts_config tpl = OT_ALERTS_CONFIG_INIT;
    return ot__struct_init(config, version, &tpl, sizeof tpl, "config", "config", err);
}

int ot_alerts_stats_init(ot_alerts_stats *stats, unsigned version, ot_error *err)
{
    static const ot_alerts_stats tpl = OT_ALERTS_STATS_INIT;
    return ot__struct_init(stats, version, &tpl, sizeof tpl, "stats", "stats", err);
}

int ot_alerts_email_init(ot_alerts_email *email, unsigned version, ot_error *err)
{
    static const ot_alerts_email tpl = OT_ALERTS_EMAIL_INIT;
    return ot__struct_init(email, version, &tpl, sizeof tpl, "email", "email", err);
}

int ot_alert_kind_to_string(const char **name, int kind, ot_error *err)
{
    if (!name)
        return ot__error_field(err, OT_EINVAL, "name", "name is NULL");
    if (!OT__ALERT_IS_KNOWN(kind))
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

int ot__alert_load(ot_alert *out, const ot_alert *in, const char *what, ot_error *err)
{
    static const ot_alert defaults = OT_ALERT_INIT;
    const ot_alert *a = out;
    int rc, integration;
    if (!in)
        return ot__error_field(err, OT_EINVAL, what, "%s is NULL", what);
    if ((rc = ot__check_version(in->version, OT_ALERT_VERSION, what, err)) != 0)
        return rc;
    *out = defaults;
    memcpy(out, in, ot__alert_size(in->version));
    out->version = OT_ALERT_VERSION;
    if (!OT__ALERT_IS_KNOWN(a->kind))
        return ot__error_field(err, OT_EINVAL, "kind", "%s.kind %d is unknown", what, a->kind);
    integration = OT__ALERT_IS_INTEGRATION(a->kind);
    if (integration && in->version < 2)
        return ot__error_field(err, OT_EVERSION, "version",
                               "%s.kind %s needs alert version 2", what, kinds[a->kind].name);
    if (!integration && a->integration)
        return ot__error_field(err, OT_EINVAL, "integration",
                               "%s.integration is only for the integration kinds", what);
    if ((rc = check_string(a->order_id, !integration, what, "order_id", err)) != 0 ||
        (rc = check_string(a->integration, integration, what, "integration", err)) != 0 ||
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
    const char *paren = OT__ALERT_IS_INTEGRATION(a->kind) ? a->integration : a->detail;
    ot__sb_adds(sb, kinds[a->kind].title);
    if (paren && paren[0])
        ot__sb_addf(sb, " (%s)", paren);
}

/* ", store S1, courier delhivery, AWB 123" (known parts only). */
static void order_parts(ot__strbuf *sb, const ot_alert *a)
{
    if (a->store_id)
        ot__sb_addf(sb, ", store %s", a->store_id);
    if (a->courier)
        ot__sb_addf(sb, ", courier %s", a->courier);
    if (a->awb)
        ot__sb_addf(sb, ", AWB %s", a->awb);
}

void ot__alert_summary(ot__strbuf *sb, const ot_alert *a)
{
    ot__alert_title(sb, a);
    if (OT__ALERT_IS_INTEGRATION(a->kind)) {
        if (a->detail)
            ot__sb_addf(sb, ": %s", a->detail);
        return;
    }
    ot__sb_addf(sb, ": order %s", a->order_id);
    order_parts(sb, a);
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

/* Slack refuses texts longer than its limits (150 characters for a header): cut at a
 * character boundary below `max` bytes and end with "...". */
static void clip(ot__strbuf *text, size_t max)
{
    size_t n = max - 3;
    if (text->failed || text->len <= max)
        return;
    while (n > 0 && ((unsigned char)text->data[n] & 0xc0) == 0x80)
        n--;
    text->len = n;
    text->data[n] = '\0';
    ot__sb_adds(text, "...");
}

static void clip_header(ot__strbuf *title)
{
    clip(title, 150);
}

/* The fields of an alert's Slack section, or -1 (no memory). */
static int add_fields(json_t *fields, const ot_alert *a, const char *time)
{
    if (OT__ALERT_IS_INTEGRATION(a->kind))
        return add_field(fields, "Integration", a->integration) ||
               (a->detail && add_field(fields, a->kind == OT_ALERT_INTEGRATION_DOWN
                                                   ? "Failure" : "Outage", a->detail)) ||
               add_field(fields, "Time", time);
    return add_field(fields, "Order", a->order_id) ||
           (a->store_id && add_field(fields, "Store", a->store_id)) ||
           (a->courier && add_field(fields, "Courier", a->courier)) ||
           (a->awb && add_field(fields, "AWB", a->awb)) ||
           add_states_field(fields, "Shipment", a->from_shipment, a->to_shipment, 1) ||
           add_states_field(fields, "Status", a->from_status, a->to_status, 0) ||
           add_field(fields, "Time", time);
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
    if (!bad)
        bad = add_fields(fields, a, time);
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

static int format_json(char **json, size_t *len, const ot_alert *in, int rto, ot_error *err)
{
    char time[OT__TIME_SIZE];
    ot_alert alert;
    json_t *body;
    int rc;

    if (!json)
        return ot__error_field(err, OT_EINVAL, "json", "json is NULL");
    *json = NULL;
    if ((rc = ot__alert_load(&alert, in, "alert", err)) != 0)
        return rc;
    if (rto && alert.kind != OT_NOTICE_RTO_STARTED)
        return ot__error_field(err, OT_EINVAL, "kind",
                               "alert.kind %s is not rto_started", kinds[alert.kind].name);
    ot__time_format(time, alert.time_ms);
    body = rto ? rto_body(&alert, time) : slack_body(&alert, time);
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

int ot__alert_slack_group_json(char **json, size_t *len, const ot_alert *const *alerts,
                               size_t n, size_t cap, ot_error *err)
{
    ot__strbuf title = {0}, list = {0}, text = {0}, esc = {0};
    json_t *root = NULL;
    size_t i, shown = n < cap ? n : cap;
    int rc;

    *json = NULL;
    ot__alert_title(&title, alerts[0]);
    ot__sb_addf(&title, ": %zu orders", n);
    ot__sb_add(&text, title.data ? title.data : "", title.data ? title.len : 0);
    for (i = 0; i < shown; i++) {
        ot__strbuf line = {0};
        ot__sb_adds(&line, alerts[i]->order_id);
        order_parts(&line, alerts[i]);
        if (line.failed) {
            list.failed = 1;
        } else {
            ot__sb_adds(&list, i ? "\n" : "");
            mrkdwn(&list, line.data);
            ot__sb_addf(&text, "%s%s", i ? "; " : ": ", line.data);
        }
        ot__free(line.data);
    }
    if (n > shown) {
        ot__sb_addf(&list, "\nand %zu more", n - shown);
        ot__sb_addf(&text, "; and %zu more", n - shown);
    }
    clip_header(&title);
    clip(&list, SLACK_SECTION_MAX);
    if (!text.failed)
        mrkdwn(&esc, text.data);
    if (!title.failed && !list.failed && !text.failed && !esc.failed) {
        root = json_pack("{s:s, s:[{s:s, s:{s:s, s:s}}, {s:s, s:{s:s, s:s}}]}", "text",
                         esc.data, "blocks", "type", "header", "text", "type", "plain_text",
                         "text", title.data, "type", "section", "text", "type", "mrkdwn",
                         "text", list.data);
    }
    ot__free(title.data);
    ot__free(list.data);
    ot__free(text.data);
    ot__free(esc.data);
    if (!root)
        return ot__error_set(err, OT_ENOMEM, "out of memory formatting the Slack message");
    rc = ot__json_write(json, len, root, JSON_COMPACT | JSON_PRESERVE_ORDER, err);
    json_decref(root);
    return rc;
}
