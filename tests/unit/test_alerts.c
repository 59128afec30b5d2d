/* Alerts: the message formats (exact bodies), the bounded queue, the notice sink, flushes
 * through a fake HTTP port (failures kept and retried), the report, bad input. */
#include <stdio.h>
#include <stdlib.h>

#include "alloc_sweep.h"
#include "test_util.h"
#include <ordertrack/sys/http.h>

#define SLACK_URL "https://hooks.slack.example/services/T0/B0/SECRETTOKEN?x=1"
#define RTO_URL "https://user:pa55@crm.example:8443/rto?token=SECRET2"
#define T0 1795416001123LL /* 2026-11-23T06:40:01.123Z */

/* A port recording every request and answering `status` (or a transport error if 0). */
struct fake {
    int status;
    unsigned calls;
    char urls[32][128];
    char bodies[32][2048];
    char headers[32][512];
};

static int fake_send(void *userdata, const ot_http_request *const *requests, size_t n,
                     ot_http_response *const *responses, ot_error *err)
{
    struct fake *f = userdata;
    size_t i, h;
    for (i = 0; i < n; i++) {
        unsigned k = f->calls++ % 32;
        snprintf(f->urls[k], sizeof f->urls[k], "%s", requests[i]->url);
        snprintf(f->bodies[k], sizeof f->bodies[k], "%.*s", (int)requests[i]->body_length,
                 (const char *)requests[i]->body);
        f->headers[k][0] = '\0';
        for (h = 0; h < requests[i]->header_count; h++) {
            size_t used = strlen(f->headers[k]);
            snprintf(f->headers[k] + used, sizeof f->headers[k] - used, "%s: %s\n",
                     requests[i]->headers[h].name, requests[i]->headers[h].value);
        }
        if (f->status)
            ot_http_response_set_status(responses[i], f->status, err);
        else
            ot_http_response_set_error(responses[i], OT_EHTTP,
                                       "connect to " SLACK_URL " refused", err);
    }
    return 0;
}

static int64_t fake_now(void *u) { (void)u; return T0; }
static void fake_sleep(int64_t ms, void *u) { (void)ms; (void)u; }
static uint32_t fake_random(void *u) { (void)u; return 0; }

static ot_http_client *client_for(struct fake *f)
{
    ot_http port = OT_HTTP_INIT;
    ot_http_hooks hooks = OT_HTTP_HOOKS_INIT;
    ot_http_policy policy = OT_HTTP_POLICY_INIT;
    ot_http_client *c;
    port.userdata = f;
    port.send_batch = fake_send;
    hooks.now_ms = fake_now;
    hooks.sleep_ms = fake_sleep;
    hooks.random = fake_random;
    policy.breaker_threshold = 0;
    assert_int_equal(ot_http_client_new(&c, &port, &policy, &hooks, NULL), 0);
    return c;
}

static ot_alert lost_alert(void)
{
    ot_alert a = OT_ALERT_INIT;
    a.kind = OT_NOTICE_ALERT;
    a.order_id = "ORD-1";
    a.store_id = "store<7>";
    a.courier = "delhivery";
    a.awb = "1234567890";
    a.from_status = OT_STATUS_IN_TRANSIT;
    a.to_status = OT_STATUS_FAILED;
    a.from_shipment = OT_SHIPMENT_IN_TRANSIT;
    a.to_shipment = OT_SHIPMENT_LOST;
    a.time_ms = T0;
    a.detail = "lost";
    return a;
}

static void test_slack_json(void **state)
{
    ot_alert a = lost_alert(), b = OT_ALERT_INIT;
    char *json;
    size_t len;
    (void)state;

    assert_int_equal(ot_alert_slack_json(&json, &len, &a, NULL), 0);
    assert_string_equal(json,
        "{\"text\":\"Order alert (lost): order ORD-1, store store&lt;7&gt;, courier delhivery, "
        "AWB 1234567890, shipment in transit \xe2\x86\x92 lost, status in_transit \xe2\x86\x92 "
        "failed, at 2026-11-23T06:40:01.123Z\","
        "\"blocks\":[{\"type\":\"header\",\"text\":{\"type\":\"plain_text\","
        "\"text\":\"Order alert (lost)\"}},{\"type\":\"section\",\"fields\":["
        "{\"type\":\"mrkdwn\",\"text\":\"*Order*\\nORD-1\"},"
        "{\"type\":\"mrkdwn\",\"text\":\"*Store*\\nstore&lt;7&gt;\"},"
        "{\"type\":\"mrkdwn\",\"text\":\"*Courier*\\ndelhivery\"},"
        "{\"type\":\"mrkdwn\",\"text\":\"*AWB*\\n1234567890\"},"
        "{\"type\":\"mrkdwn\",\"text\":\"*Shipment*\\nin transit \xe2\x86\x92 lost\"},"
        "{\"type\":\"mrkdwn\",\"text\":\"*Status*\\nin_transit \xe2\x86\x92 failed\"},"
        "{\"type\":\"mrkdwn\",\"text\":\"*Time*\\n2026-11-23T06:40:01.123Z\"}]}]}");
    assert_int_equal(len, strlen(json));
    ot_free(json);

    b.kind = OT_NOTICE_SLA_BREACH;
    b.order_id = "O2";
    b.to_status = OT_STATUS_STORE_NOTIFIED;
    b.time_ms = 0;
    b.detail = "store_acknowledgment";
    assert_int_equal(ot_alert_slack_json(&json, NULL, &b, NULL), 0);
    assert_string_equal(json,
        "{\"text\":\"SLA breach (store_acknowledgment): order O2, status store_notified, at "
        "1970-01-01T00:00:00.000Z\",\"blocks\":[{\"type\":\"header\",\"text\":{\"type\":"
        "\"plain_text\",\"text\":\"SLA breach (store_acknowledgment)\"}},{\"type\":\"section\","
        "\"fields\":[{\"type\":\"mrkdwn\",\"text\":\"*Order*\\nO2\"},{\"type\":\"mrkdwn\","
        "\"text\":\"*Status*\\nstore_notified\"},{\"type\":\"mrkdwn\",\"text\":\"*Time*\\n"
        "1970-01-01T00:00:00.000Z\"}]}]}");
    ot_free(json);
}

static void test_rto_json(void **state)
{
    ot_alert a = lost_alert();
    ot_error err;
    char *json;
    size_t len;
    (void)state;

    a.kind = OT_NOTICE_RTO_STARTED;
    a.detail = NULL;
    a.to_shipment = OT_SHIPMENT_RTO;
    assert_int_equal(ot_alert_rto_json(&json, &len, &a, NULL), 0);
    assert_string_equal(json, "{\"event\":\"rto_started\",\"order_id\":\"ORD-1\","
                              "\"store_id\":\"store<7>\",\"awb\":\"1234567890\","
                              "\"courier\":\"delhivery\",\"time\":\"2026-11-23T06:40:01.123Z\"}");
    ot_free(json);
    a.store_id = a.awb = a.courier = NULL;
    assert_int_equal(ot_alert_rto_json(&json, &len, &a, NULL), 0);
    assert_string_equal(json, "{\"event\":\"rto_started\",\"order_id\":\"ORD-1\","
                              "\"store_id\":null,\"awb\":null,\"courier\":null,"
                              "\"time\":\"2026-11-23T06:40:01.123Z\"}");
    ot_free(json);
    a.kind = OT_NOTICE_ALERT;
    assert_ot_error(ot_alert_rto_json(&json, &len, &a, &err), OT_EINVAL, err);
    assert_null(json);
}

static const char *const to2[] = {"ops@example.com", "Lead <lead@example.com>"};

static ot_alerts_email email_of(void)
{
    ot_alerts_email e = OT_ALERTS_EMAIL_INIT;
    e.from = "Order Tracker <alerts@tracker.example>";
    e.to = to2;
    e.to_count = 2;
    e.date_ms = T0 + 3600000;
    e.period_start_ms = T0 - 480000;
    e.period_end_ms = T0 + 60000;
    return e;
}

static void test_email(void **state)
{
    ot_alert list[3];
    ot_alerts_email e = email_of();
    char *msg, *msg2;
    size_t len;
    const char *mid;
    (void)state;

    list[0] = lost_alert();
    list[1] = lost_alert();
    list[1].kind = OT_NOTICE_RTO_STARTED;
    list[1].order_id = "ORD-2";
    list[1].detail = NULL;
    list[1].from_shipment = OT_SHIPMENT_NDR;
    list[1].to_shipment = OT_SHIPMENT_RTO;
    list[1].from_status = list[1].to_status = OT_STATUS_FAILED;
    list[2] = list[0];
    list[2].order_id = "ORD-3";
    list[2].detail = "destroy";
    list[2].to_shipment = OT_SHIPMENT_DESTROY;
    list[2].courier = list[2].awb = NULL;
    assert_int_equal(ot_alerts_email_format(&msg, &len, &e, list, 3, NULL), 0);
    mid = strstr(msg, "Message-ID: <");
    assert_non_null(mid);
    assert_string_equal(msg + (mid - msg) + 13 + 32, "@tracker.example>\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=UTF-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n"
        "\r\n"
        "Order tracking alerts\r\n"
        "Period: from 2026-11-23T06:32:01.123Z to 2026-11-23T06:41:01.123Z\r\n"
        "Alerts: 3\r\n"
        "\r\n"
        "Counts by kind:\r\n"
        "  alert: 2\r\n"
        "  rto_started: 1\r\n"
        "\r\n"
        "Alerts:\r\n"
        "  2026-11-23T06:40:01.123Z Order alert (lost): order ORD-1, store store<7>, courier "
        "delhivery, AWB 1234567890, shipment in transit \xe2\x86\x92 lost, status in_transit "
        "\xe2\x86\x92 failed\r\n"
        "  2026-11-23T06:40:01.123Z RTO started: order ORD-2, store store<7>, courier "
        "delhivery, AWB 1234567890, shipment ndr \xe2\x86\x92 rto, status failed\r\n"
        "  2026-11-23T06:40:01.123Z Order alert (destroy): order ORD-3, store store<7>, "
        "shipment in transit \xe2\x86\x92 destroy, status in_transit \xe2\x86\x92 failed\r\n");
    assert_memory_equal(msg, "From: Order Tracker <alerts@tracker.example>\r\n"
        "To: ops@example.com,\r\n Lead <lead@example.com>\r\n"
        "Subject: Order tracking alerts: 3 alerts\r\n"
        "Date: Mon, 23 Nov 2026 07:40:01 +0000\r\n"
        "Message-ID: <", (size_t)(mid - msg) + 13);
    assert_int_equal(len, strlen(msg));
    /* Deterministic: the same input gives the same bytes, another input another id. */
    assert_int_equal(ot_alerts_email_format(&msg2, NULL, &e, list, 3, NULL), 0);
    assert_string_equal(msg, msg2);
    ot_free(msg2);
    assert_int_equal(ot_alerts_email_format(&msg2, NULL, &e, list, 2, NULL), 0);
    assert_memory_not_equal(mid, strstr(msg2, "Message-ID: <"), 13 + 32);
    ot_free(msg2);
    ot_free(msg);

    /* Empty report, non-ASCII subject encoded (RFC 2047), omitted count. */
    e.subject = "Alertes de suivi \xe2\x80\x94 r\xc3\xa9sum\xc3\xa9";
    e.period_start_ms = e.period_end_ms = 0;
    e.omitted = 4;
    assert_int_equal(ot_alerts_email_format(&msg, NULL, &e, NULL, 0, NULL), 0);
    assert_non_null(strstr(msg, "\r\nSubject: =?UTF-8?B?QWxlcnRlcyBkZSBzdWl2aSDigJQgcsOpc3Vtw6k=?=\r\n"));
    assert_non_null(strstr(msg, "\r\n\r\nOrder tracking alerts\r\nAlerts: 0 listed, 4 more not "
                                "listed\r\n"));
    assert_null(strstr(msg, "Counts by kind"));
    ot_free(msg);
}

static void test_format_bad_input(void **state)
{
    ot_alert a = lost_alert(), bad;
    ot_alerts_email e = email_of();
    const char *const bad_to[] = {"nobody"};
    const char *name;
    char *out;
    ot_error err;
    (void)state;

    assert_ot_error(ot_alert_slack_json(NULL, NULL, &a, &err), OT_EINVAL, err);
    assert_ot_error(ot_alert_slack_json(&out, NULL, NULL, &err), OT_EINVAL, err);
    assert_ot_error(ot_alert_rto_json(NULL, NULL, &a, &err), OT_EINVAL, err);
    bad = a; bad.version = 99;
    assert_ot_error(ot_alert_slack_json(&out, NULL, &bad, &err), OT_EVERSION, err);
    bad = a; bad.kind = 13;
    assert_ot_error(ot_alert_slack_json(&out, NULL, &bad, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "kind");
    bad = a; bad.kind = OT_NOTICE_LOCATION_UPDATED;    /* a notice for streams, not an alert */
    assert_ot_error(ot_alert_slack_json(&out, NULL, &bad, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "kind");
    bad = a; bad.integration = "delhivery_b2c";      /* only for the integration kinds */
    assert_ot_error(ot_alert_slack_json(&out, NULL, &bad, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "integration");
    bad = a; bad.kind = OT_ALERT_INTEGRATION_DOWN;   /* which needs one */
    bad.order_id = NULL;
    assert_ot_error(ot_alert_slack_json(&out, NULL, &bad, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "integration");
    bad = a; bad.order_id = NULL;
    assert_ot_error(ot_alert_slack_json(&out, NULL, &bad, &err), OT_EINVAL, err);
    bad = a; bad.order_id = "";
    assert_ot_error(ot_alert_slack_json(&out, NULL, &bad, &err), OT_EINVAL, err);
    bad = a; bad.awb = "12\n34";
    assert_ot_error(ot_alert_slack_json(&out, NULL, &bad, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "awb");
    bad = a; bad.courier = "\xff\xfe";
    assert_ot_error(ot_alert_slack_json(&out, NULL, &bad, &err), OT_EINVAL, err);
    bad = a; bad.to_shipment = 99;
    assert_ot_error(ot_alert_slack_json(&out, NULL, &bad, &err), OT_EINVAL, err);
    bad = a; bad.from_status = -1;
    assert_ot_error(ot_alert_slack_json(&out, NULL, &bad, &err), OT_EINVAL, err);
    bad = a; bad.time_ms = -5;
    assert_ot_error(ot_alert_slack_json(&out, NULL, &bad, &err), OT_EINVAL, err);
    assert_null(out);

    assert_ot_error(ot_alerts_email_format(NULL, NULL, &e, &a, 1, &err), OT_EINVAL, err);
    assert_ot_error(ot_alerts_email_format(&out, NULL, NULL, &a, 1, &err), OT_EINVAL, err);
    assert_ot_error(ot_alerts_email_format(&out, NULL, &e, NULL, 1, &err), OT_EINVAL, err);
    bad = a; bad.kind = 0;
    assert_ot_error(ot_alerts_email_format(&out, NULL, &e, &bad, 1, &err), OT_EINVAL, err);
    assert_non_null(strstr(err.message, "alerts[0].kind"));
    e.from = "no at sign";
    assert_ot_error(ot_alerts_email_format(&out, NULL, &e, &a, 1, &err), OT_EINVAL, err);
    e = email_of(); e.from = "a@b\r\nBcc: x@y";
    assert_ot_error(ot_alerts_email_format(&out, NULL, &e, &a, 1, &err), OT_EINVAL, err);
    e = email_of(); e.to_count = 0;
    assert_ot_error(ot_alerts_email_format(&out, NULL, &e, &a, 1, &err), OT_EINVAL, err);
    e = email_of(); e.to = bad_to; e.to_count = 1;
    assert_ot_error(ot_alerts_email_format(&out, NULL, &e, &a, 1, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "to[0]");
    e = email_of(); e.subject = "a\r\nb";
    assert_ot_error(ot_alerts_email_format(&out, NULL, &e, &a, 1, &err), OT_EINVAL, err);
    e = email_of(); e.date_ms = 0;
    assert_ot_error(ot_alerts_email_format(&out, NULL, &e, &a, 1, &err), OT_EINVAL, err);
    e = email_of(); e.version = 0;
    assert_ot_error(ot_alerts_email_format(&out, NULL, &e, &a, 1, &err), OT_EVERSION, err);

    assert_ot_error(ot_alert_kind_to_string(&name, 0, &err), OT_EINVAL, err);
    assert_ot_error(ot_alert_kind_to_string(NULL, 1, &err), OT_EINVAL, err);
    assert_int_equal(ot_alert_kind_to_string(&name, OT_NOTICE_RTO_STARTED, NULL), 0);
    assert_string_equal(name, "rto_started");
}

static void test_init_functions(void **state)
{
    ot_alert a;
    ot_alerts_config c;
    ot_alerts_stats s;
    ot_alerts_email e;
    ot_error err;
    (void)state;
    assert_int_equal(ot_alert_init(&a, OT_ALERT_VERSION, NULL), 0);
    assert_int_equal(a.kind, 0);
    assert_int_equal(ot_alerts_config_init(&c, OT_ALERTS_CONFIG_VERSION, NULL), 0);
    assert_int_equal(c.slack_kinds, OT_ALERTS_SLACK_KINDS_DEFAULT);
    assert_int_equal(c.queue_capacity, 1024);
    assert_int_equal(ot_alerts_stats_init(&s, OT_ALERTS_STATS_VERSION, NULL), 0);
    assert_int_equal(ot_alerts_email_init(&e, OT_ALERTS_EMAIL_VERSION, NULL), 0);
    assert_ot_error(ot_alert_init(NULL, 1, &err), OT_EINVAL, err);
    assert_ot_error(ot_alert_init(&a, 3, &err), OT_EVERSION, err);
    assert_ot_error(ot_alerts_config_init(&c, 0, &err), OT_EVERSION, err);
    assert_ot_error(ot_alerts_config_init(NULL, 1, &err), OT_EINVAL, err);
    assert_ot_error(ot_alerts_stats_init(&s, 9, &err), OT_EVERSION, err);
    assert_ot_error(ot_alerts_stats_init(NULL, 1, &err), OT_EINVAL, err);
    assert_ot_error(ot_alerts_email_init(&e, 9, &err), OT_EVERSION, err);
    assert_ot_error(ot_alerts_email_init(NULL, 1, &err), OT_EINVAL, err);
}

static ot_alerts_config config_for(ot_http_client *c)
{
    ot_alerts_config cfg = OT_ALERTS_CONFIG_INIT;
    cfg.http = c;
    cfg.slack_webhook_url = SLACK_URL;
    cfg.rto_webhook_url = RTO_URL;
    cfg.rto_auth_name = "Authorization";
    cfg.rto_auth_value = "Bearer crm-secret";
    return cfg;
}

static void test_new_bad_input(void **state)
{
    struct fake f = {.status = 200};
    ot_http_client *c = client_for(&f);
    ot_alerts_config cfg;
    ot_alerts *al = NULL;
    ot_notice_sink sink;
    ot_alerts_stats st = OT_ALERTS_STATS_INIT;
    ot_alert a = lost_alert();
    char *msg;
    ot_error err;
    (void)state;

    cfg = config_for(c);
    assert_ot_error(ot_alerts_new(NULL, &cfg, &err), OT_EINVAL, err);
    assert_ot_error(ot_alerts_new(&al, NULL, &err), OT_EINVAL, err);
    cfg.version = 2;
    assert_ot_error(ot_alerts_new(&al, &cfg, &err), OT_EVERSION, err);
    cfg = config_for(c); cfg.http = NULL;
    assert_ot_error(ot_alerts_new(&al, &cfg, &err), OT_EINVAL, err);
    cfg = config_for(c); cfg.slack_webhook_url = "ftp://hooks.example/SECRETTOKEN";
    assert_ot_error(ot_alerts_new(&al, &cfg, &err), OT_EINVAL, err);
    assert_null(strstr(err.message, "SECRET"));
    cfg = config_for(c); cfg.rto_webhook_url = "https://crm.example/a b?token=SECRET";
    assert_ot_error(ot_alerts_new(&al, &cfg, &err), OT_EINVAL, err);
    assert_null(strstr(err.message, "SECRET"));
    cfg = config_for(c); cfg.rto_auth_value = NULL;
    assert_ot_error(ot_alerts_new(&al, &cfg, &err), OT_EINVAL, err);
    cfg = config_for(c); cfg.rto_auth_name = "Bad Name:";
    assert_ot_error(ot_alerts_new(&al, &cfg, &err), OT_EINVAL, err);
    cfg = config_for(c); cfg.rto_auth_value = "x\r\nX-Injected: 1";
    assert_ot_error(ot_alerts_new(&al, &cfg, &err), OT_EINVAL, err);
    assert_null(strstr(err.message, "Injected"));
    cfg = config_for(c); cfg.slack_kinds = 1u << 13;
    assert_ot_error(ot_alerts_new(&al, &cfg, &err), OT_EINVAL, err);
    cfg = config_for(c); cfg.report_kinds = 1u << OT_NOTICE_LOCATION_UPDATED;
    assert_ot_error(ot_alerts_new(&al, &cfg, &err), OT_EINVAL, err);
    cfg = config_for(c); cfg.queue_capacity = 0;
    assert_ot_error(ot_alerts_new(&al, &cfg, &err), OT_EINVAL, err);
    cfg = config_for(c); cfg.held_capacity = 2000000;
    assert_ot_error(ot_alerts_new(&al, &cfg, &err), OT_EINVAL, err);
    cfg = config_for(c); cfg.report_capacity = 2000000;
    assert_ot_error(ot_alerts_new(&al, &cfg, &err), OT_EINVAL, err);
    cfg = config_for(c); cfg.timeout_ms = 0;
    assert_ot_error(ot_alerts_new(&al, &cfg, &err), OT_EINVAL, err);
    assert_null(al);

    cfg = config_for(c);
    assert_int_equal(ot_alerts_new(&al, &cfg, NULL), 0);
    assert_ot_error(ot_alerts_sink(NULL, al, &err), OT_EINVAL, err);
    assert_ot_error(ot_alerts_sink(&sink, NULL, &err), OT_EINVAL, err);
    assert_ot_error(ot_alerts_push(NULL, &a, &err), OT_EINVAL, err);
    assert_ot_error(ot_alerts_push(al, NULL, &err), OT_EINVAL, err);
    a.order_id = NULL;
    assert_ot_error(ot_alerts_push(al, &a, &err), OT_EINVAL, err);
    assert_ot_error(ot_alerts_flush(NULL, &st, &err), OT_EINVAL, err);
    st.version = 0;
    assert_ot_error(ot_alerts_flush(al, &st, &err), OT_EVERSION, err);
    assert_ot_error(ot_alerts_report(NULL, NULL, al, &(ot_alerts_email)OT_ALERTS_EMAIL_INIT,
                                     &err), OT_EINVAL, err);
    assert_ot_error(ot_alerts_report(&msg, NULL, NULL, &(ot_alerts_email)OT_ALERTS_EMAIL_INIT,
                                     &err), OT_EINVAL, err);
    assert_ot_error(ot_alerts_report(&msg, NULL, al, NULL, &err), OT_EINVAL, err);
    assert_ot_error(ot_alerts_report(&msg, NULL, al, &(ot_alerts_email)OT_ALERTS_EMAIL_INIT,
                                     &err), OT_EINVAL, err);
    assert_int_equal(f.calls, 0);
    ot_alerts_free(al);
    ot_alerts_free(NULL);
    ot_http_client_free(c);
}

/* Order ORD-i; alerts of different i differ in detail too, so a flush sends each its own
 * message (alerts of one kind and detail are grouped: test_grouped). */
static ot_alert numbered(int kind, int i, char *buf)
{
    static const char *const details[] = {"lost", "destroy", "failed", "cancelled",
                                          "booking_cancelled"};
    ot_alert a = lost_alert();
    sprintf(buf, "ORD-%d", i);
    a.kind = kind;
    a.order_id = buf;
    a.detail = kind == OT_NOTICE_RTO_STARTED ? NULL : details[i % 5];
    return a;
}

static void test_queue_bounded_in_order(void **state)
{
    struct fake f = {.status = 200};
    ot_http_client *c = client_for(&f);
    ot_alerts_config cfg = config_for(c);
    ot_alerts_stats st = OT_ALERTS_STATS_INIT;
    ot_alerts *al;
    ot_error err;
    char id[32];
    int i;
    (void)state;

    cfg.queue_capacity = 3;
    assert_int_equal(ot_alerts_new(&al, &cfg, NULL), 0);
    for (i = 0; i < 3; i++) {
        ot_alert a = numbered(OT_NOTICE_ALERT, i, id);
        assert_int_equal(ot_alerts_push(al, &a, NULL), 0);
    }
    for (i = 3; i < 5; i++) {
        ot_alert a = numbered(OT_NOTICE_ALERT, i, id);
        assert_ot_error(ot_alerts_push(al, &a, &err), OT_ELIMIT, err);
    }
    {   /* a kind that goes nowhere is not queued (nor refused) */
        ot_alert a = numbered(OT_NOTICE_STATUS_CHANGED, 9, id);
        assert_int_equal(ot_alerts_push(al, &a, NULL), 0);
    }
    assert_int_equal(ot_alerts_flush(al, &st, NULL), 0);
    assert_int_equal(st.sent, 3);
    assert_int_equal(st.overflow, 2);
    assert_int_equal(st.failed, 0);
    assert_int_equal(st.pending, 0);
    assert_int_equal(f.calls, 3);
    for (i = 0; i < 3; i++) {
        char want[64];
        sprintf(want, "order ORD-%d,", i);
        assert_non_null(strstr(f.bodies[i], want));
        assert_string_equal(f.urls[i], SLACK_URL);
        assert_string_equal(f.headers[i], "Content-Type: application/json\n");
    }
    /* Overflow is reported once; an empty flush sends nothing. */
    assert_int_equal(ot_alerts_flush(al, &st, NULL), 0);
    assert_int_equal(st.overflow, 0);
    assert_int_equal(st.sent, 0);
    assert_int_equal(f.calls, 3);
    assert_int_equal(ot_alerts_flush(al, NULL, NULL), 0);
    ot_alerts_free(al);
    ot_http_client_free(c);
}

static void test_sink_and_targets(void **state)
{
    struct fake f = {.status = 200};
    ot_http_client *c = client_for(&f);
    ot_alerts_config cfg = config_for(c);
    ot_alerts_stats st = OT_ALERTS_STATS_INIT;
    ot_notice_sink sink = OT_NOTICE_SINK_INIT;
    ot_notice n = {OT_NOTICE_VERSION, OT_NOTICE_RTO_STARTED, "ORD-9", "S1", OT_STATUS_IN_TRANSIT,
                   OT_STATUS_FAILED, OT_SHIPMENT_NDR, OT_SHIPMENT_RTO, T0, NULL};
    ot_alerts *al;
    (void)state;

    cfg.slack_kinds |= OT_ALERTS_KIND_BIT(OT_NOTICE_RTO_STARTED);
    assert_int_equal(ot_alerts_new(&al, &cfg, NULL), 0);
    assert_int_equal(ot_alerts_sink(&sink, al, NULL), 0);
    assert_int_equal(sink.version, OT_NOTICE_SINK_VERSION);
    sink.notify(sink.userdata, &n);               /* Slack and RTO */
    n.kind = 42;                                  /* unknown: ignored */
    sink.notify(sink.userdata, &n);
    n.kind = OT_NOTICE_SLA_WARNING;               /* not configured for Slack: nothing */
    sink.notify(sink.userdata, &n);
    n.kind = OT_NOTICE_SLA_BREACH;
    n.order_id = NULL;                            /* malformed: counted as lost */
    sink.notify(sink.userdata, &n);
    sink.notify(sink.userdata, NULL);
    assert_int_equal(ot_alerts_flush(al, &st, NULL), 0);
    assert_int_equal(st.sent, 2);
    assert_int_equal(st.lost, 1);
    assert_int_equal(f.calls, 2);
    assert_string_equal(f.urls[0], SLACK_URL);
    assert_non_null(strstr(f.bodies[0], "\"text\":\"RTO started: order ORD-9, store S1,"));
    assert_string_equal(f.urls[1], RTO_URL);
    assert_string_equal(f.bodies[1], "{\"event\":\"rto_started\",\"order_id\":\"ORD-9\","
                                     "\"store_id\":\"S1\",\"awb\":null,\"courier\":null,"
                                     "\"time\":\"2026-11-23T06:40:01.123Z\"}");
    assert_non_null(strstr(f.headers[1], "Content-Type: application/json\nIdempotency-Key: rto-"));
    assert_non_null(strstr(f.headers[1], "\nAuthorization: Bearer crm-secret\n"));
    ot_alerts_free(al);
    ot_http_client_free(c);
}

static void lookup(void *userdata, const char *store_id, const char *order_id, char *courier,
                   size_t courier_size, char *awb, size_t awb_size)
{
    int *calls = userdata;
    (*calls)++;
    assert_string_equal(store_id, "S1");
    assert_string_equal(order_id, "ORD-9");
    snprintf(courier, courier_size, "shiprocket");
    snprintf(awb, awb_size, "SR-%s", order_id);
}

static void test_lookup(void **state)
{
    struct fake f = {.status = 200};
    ot_http_client *c = client_for(&f);
    ot_alerts_config cfg = config_for(c);
    ot_alert a = lost_alert();
    ot_alerts *al;
    int calls = 0;
    (void)state;

    cfg.lookup = lookup;
    cfg.userdata = &calls;
    a.kind = OT_NOTICE_RTO_STARTED;
    a.order_id = "ORD-9";
    a.store_id = "S1";
    a.courier = a.awb = a.detail = NULL;
    assert_int_equal(ot_alerts_new(&al, &cfg, NULL), 0);
    assert_int_equal(ot_alerts_push(al, &a, NULL), 0);
    assert_int_equal(ot_alerts_flush(al, NULL, NULL), 0);
    assert_int_equal(calls, 1);
    assert_string_equal(f.bodies[0], "{\"event\":\"rto_started\",\"order_id\":\"ORD-9\","
                                     "\"store_id\":\"S1\",\"awb\":\"SR-ORD-9\","
                                     "\"courier\":\"shiprocket\","
                                     "\"time\":\"2026-11-23T06:40:01.123Z\"}");
    ot_alerts_free(al);
    ot_http_client_free(c);
}

static void test_failures_kept(void **state)
{
    struct fake f = {.status = 500};
    ot_http_client *c = client_for(&f);
    ot_alerts_config cfg = config_for(c);
    ot_alerts_stats st = OT_ALERTS_STATS_INIT;
    ot_alerts *al;
    ot_error err;
    char id[32];
    int i;
    (void)state;

    cfg.held_capacity = 2;
    assert_int_equal(ot_alerts_new(&al, &cfg, NULL), 0);
    for (i = 0; i < 3; i++) {
        ot_alert a = numbered(OT_NOTICE_ALERT, i, id);
        assert_int_equal(ot_alerts_push(al, &a, NULL), 0);
    }
    assert_ot_error(ot_alerts_flush(al, &st, &err), OT_EHTTP, err);
    /* The first message was retried by the client's policy (3 attempts); the later ones
     * wait behind it, so order is kept; the third does not fit in the held list. */
    assert_int_equal(f.calls, 3);
    assert_int_equal(st.failed, 1);
    assert_int_equal(st.sent, 0);
    assert_int_equal(st.dropped, 1);
    assert_int_equal(st.pending, 2);
    assert_non_null(strstr(err.message, "answered 500"));
    assert_non_null(strstr(err.message, "https://hooks.slack.example/..."));
    assert_null(strstr(err.message, "SECRET"));

    f.status = 0;                                /* transport error naming the URL */
    assert_ot_error(ot_alerts_flush(al, &st, &err), OT_EHTTP, err);
    assert_null(strstr(err.message, "SECRET"));
    assert_int_equal(st.pending, 2);

    f.status = 200;
    f.calls = 0;
    assert_int_equal(ot_alerts_flush(al, &st, NULL), 0);
    assert_int_equal(st.sent, 2);
    assert_int_equal(st.pending, 0);
    assert_non_null(strstr(f.bodies[0], "order ORD-0,"));
    assert_non_null(strstr(f.bodies[1], "order ORD-1,"));
    ot_alerts_free(al);
    ot_http_client_free(c);
}

static void test_rto_failure_redacted(void **state)
{
    struct fake f = {.status = 503};
    ot_http_client *c = client_for(&f);
    ot_alerts_config cfg = config_for(c);
    ot_alert a = lost_alert();
    ot_alerts *al;
    ot_error err;
    (void)state;

    a.kind = OT_NOTICE_RTO_STARTED;
    assert_int_equal(ot_alerts_new(&al, &cfg, NULL), 0);
    assert_int_equal(ot_alerts_push(al, &a, NULL), 0);
    assert_ot_error(ot_alerts_flush(al, NULL, &err), OT_EHTTP, err);
    assert_non_null(strstr(err.message, "https://crm.example:8443/..."));
    assert_null(strstr(err.message, "SECRET"));
    assert_null(strstr(err.message, "pa55"));
    assert_null(strstr(err.message, "crm-secret"));
    ot_alerts_free(al);   /* frees what is still held */
    ot_http_client_free(c);
}

static void test_report(void **state)
{
    struct fake f = {.status = 200};
    ot_http_client *c = client_for(&f);
    ot_alerts_config cfg = config_for(c);
    ot_alerts_email e = email_of();
    ot_alerts *al;
    ot_alert a;
    ot_error err;
    char id[32], *msg;
    size_t len;
    int i;
    (void)state;

    cfg.report_capacity = 2;
    assert_int_equal(ot_alerts_new(&al, &cfg, NULL), 0);
    for (i = 0; i < 3; i++) {
        a = numbered(i == 1 ? OT_NOTICE_SLA_WARNING : OT_NOTICE_ALERT, i, id);
        assert_int_equal(ot_alerts_push(al, &a, NULL), 0);
    }
    a = numbered(OT_NOTICE_STATUS_CHANGED, 7, id);     /* not a report kind */
    assert_int_equal(ot_alerts_push(al, &a, NULL), 0);
    /* A bad envelope keeps the alerts for a corrected call. */
    e.from = NULL;
    assert_ot_error(ot_alerts_report(&msg, &len, al, &e, &err), OT_EINVAL, err);
    e = email_of();
    assert_int_equal(ot_alerts_report(&msg, &len, al, &e, NULL), 0);
    assert_non_null(strstr(msg, "Alerts: 2 listed, 1 more not listed\r\n"));
    assert_non_null(strstr(msg, "  sla_warning: 1\r\n  alert: 1\r\n"));
    assert_non_null(strstr(msg, "Z Order alert (lost): order ORD-0,"));
    assert_non_null(strstr(msg, "Z SLA warning (destroy): order ORD-1,"));
    assert_null(strstr(msg, "ORD-2"));
    ot_free(msg);
    e.date_ms = 0;                                     /* now */
    assert_int_equal(ot_alerts_report(&msg, NULL, al, &e, NULL), 0);
    assert_non_null(strstr(msg, "Alerts: 0\r\n"));
    ot_free(msg);
    ot_alerts_free(al);
    ot_http_client_free(c);
}

static void test_rejected_dropped(void **state)
{
    struct fake f = {.status = 400};
    ot_http_client *c = client_for(&f);
    ot_alerts_config cfg = config_for(c);
    ot_alerts_stats st = OT_ALERTS_STATS_INIT;
    ot_alerts *al;
    ot_error err;
    char id[32];
    int i;
    (void)state;

    assert_int_equal(ot_alerts_new(&al, &cfg, NULL), 0);
    for (i = 0; i < 2; i++) {
        ot_alert a = numbered(OT_NOTICE_ALERT, i, id);
        assert_int_equal(ot_alerts_push(al, &a, NULL), 0);
    }
    /* A message the receiver refuses as malformed is dropped (counted), not retried and
     * not kept in front of the others. */
    assert_ot_error(ot_alerts_flush(al, &st, &err), OT_EHTTP, err);
    assert_non_null(strstr(err.message, "rejected"));
    assert_int_equal(f.calls, 2);
    assert_int_equal(st.failed, 2);
    assert_int_equal(st.dropped, 2);
    assert_int_equal(st.pending, 0);
    ot_alerts_free(al);
    ot_http_client_free(c);
}

static void test_slack_header_clipped(void **state)
{
    ot_alert a = lost_alert();
    char detail[201], *json;
    const char *h, *end;
    (void)state;

    memset(detail, 'd', 200);
    detail[0] = '\xc3', detail[1] = '\xa9';          /* a two-byte character first */
    detail[200] = '\0';
    a.detail = detail;
    assert_int_equal(ot_alert_slack_json(&json, NULL, &a, NULL), 0);
    h = strstr(json, "\"plain_text\",\"text\":\"");
    assert_non_null(h);
    h += strlen("\"plain_text\",\"text\":\"");
    end = strchr(h, '"');
    assert_int_equal(end - h, 150);
    assert_memory_equal(end - 3, "...", 3);
    ot_free(json);
}

/* Every allocation of the formats and of a dispatcher's life, failed in turn: each run
 * returns a code or absorbs the failure (counted), and leaks nothing. */
/* An integration alerts once when it goes down, stays silent while it keeps failing, and
 * alerts once when it recovers; each name has its own state. */
static void test_integration(void **state)
{
    struct fake f = {.status = 200};
    ot_http_client *c = client_for(&f);
    ot_alerts_config cfg = config_for(c);
    ot_alerts_stats st = OT_ALERTS_STATS_INIT;
    ot_alerts_email e = email_of();
    ot_alerts *al;
    ot_error err;
    char *msg, longer[400];
    int i;
    (void)state;

    assert_int_equal(ot_alerts_new(&al, &cfg, NULL), 0);
    /* Up and unknown so far: nothing. */
    assert_int_equal(ot_alerts_integration(al, "delhivery_b2c", 1, NULL, T0, NULL), 0);
    assert_int_equal(ot_alerts_flush(al, &st, NULL), 0);
    assert_int_equal(st.sent, 0);
    /* Three failed runs: one alert, with the first run's reason. */
    for (i = 0; i < 3; i++)
        assert_int_equal(ot_alerts_integration(al, "delhivery_b2c", 0,
                                               i ? "later failure" : "Delhivery B2C: connect "
                                               "refused\n(127.0.0.1:1)", T0 + i * 480000, NULL),
                         0);
    assert_int_equal(ot_alerts_flush(al, &st, NULL), 0);
    assert_int_equal(st.sent, 1);
    assert_int_equal(f.calls, 1);
    assert_string_equal(f.bodies[0],
        "{\"text\":\"Integration down (delhivery_b2c): Delhivery B2C: connect refused "
        "(127.0.0.1:1), at 2026-11-23T06:40:01.123Z\",\"blocks\":[{\"type\":\"header\","
        "\"text\":{\"type\":\"plain_text\",\"text\":\"Integration down (delhivery_b2c)\"}},"
        "{\"type\":\"section\",\"fields\":[{\"type\":\"mrkdwn\",\"text\":\"*Integration*\\n"
        "delhivery_b2c\"},{\"type\":\"mrkdwn\",\"text\":\"*Failure*\\nDelhivery B2C: connect "
        "refused (127.0.0.1:1)\"},{\"type\":\"mrkdwn\",\"text\":\"*Time*\\n"
        "2026-11-23T06:40:01.123Z\"}]}]}");
    /* Another integration has its own state; failures of the first stay silent. */
    assert_int_equal(ot_alerts_integration(al, "shiprocket", 0, NULL, T0, NULL), 0);
    assert_int_equal(ot_alerts_integration(al, "delhivery_b2c", 0, "again", T0, NULL), 0);
    assert_int_equal(ot_alerts_flush(al, &st, NULL), 0);
    assert_int_equal(st.sent, 1);
    assert_non_null(strstr(f.bodies[1], "\"text\":\"Integration down (shiprocket): failed, at"));
    /* Recovery: one alert naming the outage; a second good run says nothing. */
    assert_int_equal(ot_alerts_integration(al, "delhivery_b2c", 1, NULL, T0 + 3600000, NULL),
                     0);
    assert_int_equal(ot_alerts_integration(al, "delhivery_b2c", 1, NULL, T0 + 3700000, NULL),
                     0);
    assert_int_equal(ot_alerts_flush(al, &st, NULL), 0);
    assert_int_equal(st.sent, 1);
    assert_int_equal(f.calls, 3);
    assert_non_null(strstr(f.bodies[2],
        "\"text\":\"Integration recovered (delhivery_b2c): down since 2026-11-23T06:40:01.123Z, "
        "4 failed runs, at 2026-11-23T07:40:01.123Z\""));
    assert_non_null(strstr(f.bodies[2], "{\"type\":\"mrkdwn\",\"text\":\"*Outage*\\ndown since"));
    /* A new outage alerts again. */
    assert_int_equal(ot_alerts_integration(al, "delhivery_b2c", 0, NULL, T0 + 7200000, NULL),
                     0);
    assert_int_equal(ot_alerts_flush(al, &st, NULL), 0);
    assert_int_equal(st.sent, 1);
    /* The report lists the four changes, by kind. */
    assert_int_equal(ot_alerts_report(&msg, NULL, al, &e, NULL), 0);
    assert_non_null(strstr(msg, "Alerts: 4\r\n"));
    assert_non_null(strstr(msg, "  integration_down: 3\r\n  integration_recovered: 1\r\n"));
    assert_non_null(strstr(msg, "2026-11-23T07:40:01.123Z Integration recovered "
                                "(delhivery_b2c): down since 2026-11-23T06:40:01.123Z, 4 "
                                "failed runs\r\n"));
    ot_free(msg);

    /* A long reason is cut at a character boundary; bad names are refused. */
    memset(longer, 'x', sizeof longer);
    memcpy(longer + 254, "\xc3\xa9\xc3\xa9", 4);
    longer[sizeof longer - 1] = '\0';
    assert_int_equal(ot_alerts_integration(al, "velocity", 0, longer, T0, NULL), 0);
    assert_int_equal(ot_alerts_flush(al, &st, NULL), 0);
    assert_non_null(strstr(f.bodies[4], "xx\xc3\xa9, at"));
    assert_ot_error(ot_alerts_integration(NULL, "x", 0, NULL, 0, &err), OT_EINVAL, err);
    assert_ot_error(ot_alerts_integration(al, NULL, 0, NULL, 0, &err), OT_EINVAL, err);
    assert_ot_error(ot_alerts_integration(al, "", 0, NULL, 0, &err), OT_EINVAL, err);
    assert_ot_error(ot_alerts_integration(al, "a\nb", 0, NULL, 0, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "integration");
    assert_ot_error(ot_alerts_integration(al, "a", 0, NULL, -5, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "time_ms");
    /* time 0 is now */
    assert_int_equal(ot_alerts_integration(al, "now", 0, NULL, 0, NULL), 0);
    ot_alerts_free(al);
    ot_http_client_free(c);
}

/* One flush sends the Slack alerts of one kind and detail as one message listing at most
 * OT_ALERTS_GROUP_MAX_ORDERS orders; other details and the RTO webhook are not grouped. */
static void test_grouped(void **state)
{
    struct fake f = {.status = 200};
    ot_http_client *c = client_for(&f);
    ot_alerts_config cfg = config_for(c);
    ot_alerts_stats st = OT_ALERTS_STATS_INIT;
    ot_alerts *al;
    ot_alert a;
    ot_error err;
    char ids[30][16];
    int i;
    (void)state;

    cfg.slack_kinds |= OT_ALERTS_KIND_BIT(OT_NOTICE_RTO_STARTED);
    assert_int_equal(ot_alerts_new(&al, &cfg, NULL), 0);
    for (i = 0; i < 25; i++) {                    /* 25 no_scan breaches */
        a = lost_alert();
        sprintf(ids[i], "O-%d", i);
        a.kind = OT_NOTICE_SLA_BREACH;
        a.order_id = ids[i];
        a.store_id = i % 2 ? NULL : "S1";
        a.detail = "no_scan";
        a.from_status = a.to_status = a.from_shipment = a.to_shipment = 0;
        assert_int_equal(ot_alerts_push(al, &a, NULL), 0);
        if (i == 2) {                             /* another stage in between */
            a.detail = "delivery";
            a.order_id = "O-D";
            assert_int_equal(ot_alerts_push(al, &a, NULL), 0);
        }
    }
    for (i = 25; i < 28; i++) {                   /* three RTOs */
        sprintf(ids[i], "R-%d", i);
        a = lost_alert();
        a.kind = OT_NOTICE_RTO_STARTED;
        a.detail = NULL;
        a.order_id = ids[i];
        assert_int_equal(ot_alerts_push(al, &a, NULL), 0);
    }
    assert_int_equal(ot_alerts_flush(al, &st, NULL), 0);
    /* Slack: no_scan (25), delivery (1), RTO (3); the RTO webhook: one call per order. */
    assert_int_equal(f.calls, 6);
    assert_int_equal(st.sent, 6);
    assert_string_equal(f.urls[0], SLACK_URL);
    assert_non_null(strstr(f.bodies[0],
        "{\"text\":\"SLA breach (no_scan): 25 orders: O-0, store S1, courier delhivery, AWB "
        "1234567890; O-1, courier delhivery, AWB 1234567890; O-2, store S1,"));
    assert_non_null(strstr(f.bodies[0], "; O-19, courier delhivery, AWB 1234567890; and 5 "
                                        "more\",\"blocks\":[{\"type\":\"header\",\"text\":{"
                                        "\"type\":\"plain_text\",\"text\":\"SLA breach "
                                        "(no_scan): 25 orders\"}},{\"type\":\"section\","
                                        "\"text\":{\"type\":\"mrkdwn\",\"text\":\"O-0, store "
                                        "S1, courier delhivery, AWB 1234567890\\nO-1, "));
    assert_non_null(strstr(f.bodies[0], "\\nO-19, courier delhivery, AWB 1234567890\\nand 5 "
                                        "more\"}}]}"));
    assert_null(strstr(f.bodies[0], "O-20"));
    assert_non_null(strstr(f.bodies[1], "\"text\":\"SLA breach (delivery): order O-D,"));
    assert_non_null(strstr(f.bodies[2], "\"text\":\"RTO started: 3 orders: R-25, store "));
    for (i = 3; i < 6; i++) {
        char want[32];
        assert_string_equal(f.urls[i], RTO_URL);
        sprintf(want, "\"order_id\":\"R-%d\"", 22 + i);
        assert_non_null(strstr(f.bodies[i], want));
    }

    /* A grouped message that fails keeps every alert of it, in order, and the next flush
     * sends them grouped again (with what came since). */
    f.status = 500;
    f.calls = 0;
    for (i = 0; i < 2; i++) {
        a = lost_alert();
        a.order_id = ids[i];
        assert_int_equal(ot_alerts_push(al, &a, NULL), 0);
    }
    assert_ot_error(ot_alerts_flush(al, &st, &err), OT_EHTTP, err);
    assert_non_null(strstr(err.message, "answered 500 for 2 orders"));
    assert_int_equal(st.failed, 1);
    assert_int_equal(st.pending, 2);
    f.status = 200;
    f.calls = 0;
    a = lost_alert();
    a.order_id = "O-LATE";
    assert_int_equal(ot_alerts_push(al, &a, NULL), 0);
    assert_int_equal(ot_alerts_flush(al, &st, NULL), 0);
    assert_int_equal(f.calls, 1);
    assert_int_equal(st.sent, 1);
    assert_int_equal(st.pending, 0);
    assert_non_null(strstr(f.bodies[0], "\"text\":\"Order alert (lost): 3 orders: O-0, "));
    assert_non_null(strstr(f.bodies[0], "; O-LATE, store"));
    ot_alerts_free(al);
    ot_http_client_free(c);
}

/* ot_alerts_report_send: what `send` got, or a failure it reports. */
struct sent {
    int fail, calls;
    char text[4096];
};

static int send_report(void *userdata, const char *message, size_t len, ot_error *err)
{
    struct sent *s = userdata;
    s->calls++;
    if (s->fail)
        return ot_error_set(err, OT_EHTTP, NULL, "smtp refused the message");
    snprintf(s->text, sizeof s->text, "%.*s", (int)len, message);
    return 0;
}

/* A report whose delivery fails is not lost: its alerts come again in the next one. */
static void test_report_send_keeps_on_failure(void **state)
{
    struct fake f = {.status = 200};
    ot_http_client *c = client_for(&f);
    ot_alerts_config cfg = config_for(c);
    ot_alerts_email e = email_of();
    struct sent s = {1, 0, ""};
    ot_alerts *al;
    ot_alert a;
    ot_error err;
    char id[32];
    (void)state;

    assert_int_equal(ot_alerts_new(&al, &cfg, NULL), 0);
    assert_int_equal(ot_alerts_report_send(al, &e, 1, send_report, &s, NULL), 0);
    assert_int_equal(s.calls, 0);                        /* nothing happened: nothing sent */
    a = numbered(OT_NOTICE_ALERT, 1, id);
    assert_int_equal(ot_alerts_push(al, &a, NULL), 0);
    assert_ot_error(ot_alerts_report_send(al, &e, 1, send_report, &s, &err), OT_EHTTP, err);
    assert_int_equal(s.calls, 1);
    s.fail = 0;
    assert_int_equal(ot_alerts_report_send(al, &e, 1, send_report, &s, NULL), 0);
    assert_int_equal(s.calls, 2);
    assert_non_null(strstr(s.text, id));                 /* the alert of the failed send */
    s.text[0] = '\0';
    assert_int_equal(ot_alerts_report_send(al, &e, 1, send_report, &s, NULL), 0);
    assert_int_equal(s.calls, 2);                        /* and only once */
    assert_ot_error(ot_alerts_report_send(al, &e, 1, NULL, NULL, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "send");
    ot_alerts_free(al);
    ot_http_client_free(c);
}

/* ot_alerts_report_if_any: a report only when something happened. */
static void test_report_if_any(void **state)
{
    struct fake f = {.status = 200};
    ot_http_client *c = client_for(&f);
    ot_alerts_config cfg = config_for(c);
    ot_alerts_email e = email_of();
    ot_alerts *al;
    ot_alert a;
    ot_error err;
    char id[32], *msg = (char *)"x";
    size_t len = 7;
    (void)state;

    assert_int_equal(ot_alerts_new(&al, &cfg, NULL), 0);
    assert_int_equal(ot_alerts_report_if_any(&msg, &len, al, &e, NULL), 0);
    assert_null(msg);
    a = numbered(OT_NOTICE_STATUS_CHANGED, 1, id);     /* not a report kind: nothing */
    assert_int_equal(ot_alerts_push(al, &a, NULL), 0);
    assert_int_equal(ot_alerts_report_if_any(&msg, &len, al, &e, NULL), 0);
    assert_null(msg);
    assert_int_equal(ot_alerts_integration(al, "velocity", 0, "login refused", T0, NULL), 0);
    assert_int_equal(ot_alerts_report_if_any(&msg, &len, al, &e, NULL), 0);
    assert_non_null(msg);
    assert_int_equal(len, strlen(msg));
    assert_non_null(strstr(msg, "Subject: Order tracking alerts: 1 alert\r\n"));
    assert_non_null(strstr(msg, "Integration down (velocity): login refused\r\n"));
    ot_free(msg);
    assert_int_equal(ot_alerts_report_if_any(&msg, &len, al, &e, NULL), 0);   /* taken */
    assert_null(msg);
    assert_ot_error(ot_alerts_report_if_any(NULL, NULL, al, &e, &err), OT_EINVAL, err);
    assert_ot_error(ot_alerts_report_if_any(&msg, NULL, NULL, &e, &err), OT_EINVAL, err);
    assert_ot_error(ot_alerts_report_if_any(&msg, NULL, al, NULL, &err), OT_EINVAL, err);
    ot_alerts_free(al);

    /* Alerts that did not fit (report_capacity 0) still make a report: "N not listed". */
    cfg.report_capacity = 0;
    assert_int_equal(ot_alerts_new(&al, &cfg, NULL), 0);
    a = numbered(OT_NOTICE_ALERT, 1, id);
    assert_int_equal(ot_alerts_push(al, &a, NULL), 0);
    assert_int_equal(ot_alerts_report_if_any(&msg, NULL, al, &e, NULL), 0);
    assert_non_null(msg);
    assert_non_null(strstr(msg, "Alerts: 0 listed, 1 more not listed\r\n"));
    ot_free(msg);
    ot_alerts_free(al);
    ot_http_client_free(c);
}

/* A caller built against version 1 of ot_alert (no `integration`) keeps working: its
 * structs are read at their own size, arrays of them at their own stride. */
static void test_alert_version_1(void **state)
{
    enum { V1 = offsetof(ot_alert, integration) };
    unsigned char two[2 * V1 + 8];
    ot_alert a = lost_alert(), b = lost_alert();
    ot_alerts_email e = email_of();
    char *msg;
    ot_error err;
    (void)state;

    a.version = b.version = 1;
    b.order_id = "ORD-V1";
    memset(two, 0xff, sizeof two);              /* garbage where a v2 member would be */
    memcpy(two, &a, V1);
    memcpy(two + V1, &b, V1);
    assert_int_equal(ot_alert_slack_json(&msg, NULL, (const ot_alert *)(void *)two, NULL), 0);
    ot_free(msg);
    assert_int_equal(ot_alerts_email_format(&msg, NULL, &e, (const ot_alert *)(void *)two, 2,
                                            NULL), 0);
    assert_non_null(strstr(msg, "Alerts: 2\r\n"));
    assert_non_null(strstr(msg, "order ORD-V1,"));
    ot_free(msg);
    memset(two, 0xee, sizeof two);
    assert_int_equal(ot_alert_init((ot_alert *)(void *)two, 1, NULL), 0);
    assert_int_equal(two[V1], 0xee);             /* nothing written past version 1 */
    /* Mixed versions in one array are refused; integration kinds need version 2. */
    a.version = 2;
    memcpy(two, &a, V1);
    assert_ot_error(ot_alerts_email_format(&msg, NULL, &e, (const ot_alert *)(void *)two, 2,
                                           &err), OT_EINVAL, err);
    b.kind = OT_ALERT_INTEGRATION_DOWN;
    assert_ot_error(ot_alert_slack_json(&msg, NULL, &b, &err), OT_EVERSION, err);
}

static int sweep_scenario(void *ctx)
{
    struct fake *f = ctx;
    ot_http port = OT_HTTP_INIT;
    ot_http_hooks hooks = OT_HTTP_HOOKS_INIT;
    ot_http_client *c = NULL;
    ot_alerts *al = NULL;
    ot_alerts_config cfg;
    ot_alerts_email e = email_of();
    ot_notice_sink sink;
    ot_notice n = {OT_NOTICE_VERSION, OT_NOTICE_ALERT, "ORD-5", "S1", 0, 0, 0, 0, T0, "lost"};
    ot_alert a = lost_alert();
    char *text = NULL;
    int rc, first = 0;

#define STEP(call) do { rc = (call); if (rc && !first) first = rc; } while (0)
    STEP(ot_alert_slack_json(&text, NULL, &a, NULL));
    ot_free(text);
    text = NULL;
    STEP(ot_alerts_email_format(&text, NULL, &e, &a, 1, NULL));
    ot_free(text);
    text = NULL;
    port.userdata = f;
    port.send_batch = fake_send;
    hooks.now_ms = fake_now;
    hooks.sleep_ms = fake_sleep;
    hooks.random = fake_random;
    if ((rc = ot_http_client_new(&c, &port, NULL, &hooks, NULL)) != 0)
        return rc;
    cfg = config_for(c);
    if ((rc = ot_alerts_new(&al, &cfg, NULL)) != 0) {
        ot_http_client_free(c);
        return rc;
    }
    STEP(ot_alerts_push(al, &a, NULL));
    a.kind = OT_NOTICE_RTO_STARTED;
    STEP(ot_alerts_push(al, &a, NULL));
    ot_alerts_sink(&sink, al, NULL);
    sink.notify(sink.userdata, &n);                 /* grouped with `a` */
    STEP(ot_alerts_integration(al, "dl", 0, "down", T0, NULL));
    STEP(ot_alerts_integration(al, "dl", 1, NULL, T0 + 1, NULL));
    STEP(ot_alerts_flush(al, NULL, NULL));
    STEP(ot_alerts_flush(al, NULL, NULL));
    STEP(ot_alerts_report(&text, NULL, al, &e, NULL));
    ot_free(text);
#undef STEP
    ot_alerts_free(al);
    ot_http_client_free(c);
    return first;
}

static void test_alloc_sweep(void **state)
{
    struct fake f = {.status = 200};
    struct alloc_sweep_stats st;
    (void)state;
    assert_int_equal(alloc_sweep_run("alerts", sweep_scenario, &f, NULL, &st), 0);
    assert_true(st.runs > 20);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_slack_json),
        cmocka_unit_test(test_rto_json),
        cmocka_unit_test(test_email),
        cmocka_unit_test(test_format_bad_input),
        cmocka_unit_test(test_init_functions),
        cmocka_unit_test(test_new_bad_input),
        cmocka_unit_test(test_queue_bounded_in_order),
        cmocka_unit_test(test_sink_and_targets),
        cmocka_unit_test(test_lookup),
        cmocka_unit_test(test_failures_kept),
        cmocka_unit_test(test_rto_failure_redacted),
        cmocka_unit_test(test_report),
        cmocka_unit_test(test_rejected_dropped),
        cmocka_unit_test(test_slack_header_clipped),
        cmocka_unit_test(test_integration),
        cmocka_unit_test(test_grouped),
        cmocka_unit_test(test_report_if_any),
        cmocka_unit_test(test_report_send_keeps_on_failure),
        cmocka_unit_test(test_alert_version_1),
        cmocka_unit_test(test_alloc_sweep),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
