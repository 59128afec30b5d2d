/* Alerts delivered for real on 127.0.0.1: Slack and RTO webhooks received by the test HTTP
 * server through the curl port, a failing receiver retried then kept, and the e-mail report
 * received by a local SMTP responder through ot_curl_smtp_send. No other address is used. */
#include <stdio.h>
#include <stdlib.h>

#include "test_util.h"
#include <ordertrack/adapters/curl.h>
#include "smtp_server.h"
#include "test_server.h"

#define T0 1795416001123LL /* 2026-11-23T06:40:01.123Z */

static ot_test_route routes[] = {
    {"/services/T0/B0/TOKEN", 200, NULL, "ok", 0, 0, 0, 0, 0},
    {"/crm/rto", 202, NULL, "{}", 0, 0, 0, 0, 0},
    {"/down", 500, NULL, "boom", 0, 0, 0, 0, 0},
};

static void no_sleep(int64_t ms, void *u) { (void)ms; (void)u; }
static int64_t clock_ms(void *u) { (void)u; return T0; }
static uint32_t no_jitter(void *u) { (void)u; return 0; }

static ot_http_client *curl_client(void)
{
    ot_curl_options options = OT_CURL_OPTIONS_INIT;
    ot_http_hooks hooks = OT_HTTP_HOOKS_INIT;
    ot_http_client *c;
    ot_http port;
    ot_error err;

    options.connect_timeout_ms = 2000;
    options.default_timeout_ms = 5000;
    hooks.now_ms = clock_ms;
    hooks.sleep_ms = no_sleep;
    hooks.random = no_jitter;
    if (ot_curl_http_new(&port, &options, &err) != 0)
        fail_msg("ot_curl_http_new: %s", err.message);
    if (ot_http_client_new(&c, &port, NULL, &hooks, &err) != 0)
        fail_msg("ot_http_client_new: %s", err.message);
    return c;
}

static ot_alert alert_of(int kind, const char *order_id)
{
    ot_alert a = OT_ALERT_INIT;
    a.kind = kind;
    a.order_id = order_id;
    a.store_id = "S1";
    a.courier = "delhivery";
    a.awb = "1234567890";
    a.from_shipment = OT_SHIPMENT_NDR;
    a.to_shipment = kind == OT_NOTICE_RTO_STARTED ? OT_SHIPMENT_RTO : OT_SHIPMENT_LOST;
    a.time_ms = T0;
    a.detail = kind == OT_NOTICE_ALERT ? "lost" : NULL;
    return a;
}

static void test_webhooks_received(void **state)
{
    ot_test_server *server;
    ot_http_client *c = curl_client();
    ot_alerts_config cfg = OT_ALERTS_CONFIG_INIT;
    ot_alerts_stats st = OT_ALERTS_STATS_INIT;
    ot_alert lost = alert_of(OT_NOTICE_ALERT, "ORD-1"), rto = alert_of(OT_NOTICE_RTO_STARTED,
                                                                         "ORD-2");
    ot_test_request got;
    ot_alerts *al;
    ot_error err;
    char slack[256], crm[256], *want;
    (void)state;

    assert_int_equal(ot_test_server_start(&server, routes, 3), 0);
    ot_test_server_url(server, "/services/T0/B0/TOKEN", slack, sizeof slack);
    ot_test_server_url(server, "/crm/rto?key=abc", crm, sizeof crm);
    cfg.http = c;
    cfg.slack_webhook_url = slack;
    cfg.rto_webhook_url = crm;
    cfg.rto_auth_name = "X-Api-Key";
    cfg.rto_auth_value = "crm-key-1";
    assert_int_equal(ot_alerts_new(&al, &cfg, NULL), 0);
    assert_int_equal(ot_alerts_push(al, &lost, NULL), 0);
    assert_int_equal(ot_alerts_push(al, &rto, NULL), 0);
    if (ot_alerts_flush(al, &st, &err) != 0)
        fail_msg("flush: %s", err.message);
    assert_int_equal(st.sent, 2);
    assert_int_equal(st.pending, 0);

    assert_int_equal(ot_test_server_last(server, "/services/T0/B0/TOKEN", &got), 0);
    assert_string_equal(got.method, "POST");
    assert_int_equal(got.count, 1);
    assert_int_equal(ot_alert_slack_json(&want, NULL, &lost, NULL), 0);
    assert_string_equal(got.body, want);
    ot_free(want);
    assert_non_null(strstr(got.headers, "Content-Type: application/json\r\n"));

    assert_int_equal(ot_test_server_last(server, "/crm/rto", &got), 0);
    assert_string_equal(got.method, "POST");
    assert_string_equal(got.target, "/crm/rto?key=abc");
    assert_string_equal(got.body, "{\"event\":\"rto_started\",\"order_id\":\"ORD-2\","
                                  "\"store_id\":\"S1\",\"awb\":\"1234567890\","
                                  "\"courier\":\"delhivery\","
                                  "\"time\":\"2026-11-23T06:40:01.123Z\"}");
    assert_non_null(strstr(got.headers, "X-Api-Key: crm-key-1\r\n"));
    assert_non_null(strstr(got.headers, "Idempotency-Key: rto-"));
    ot_alerts_free(al);
    ot_http_client_free(c);
    ot_test_server_stop(server);
}

static void test_failing_receiver_kept(void **state)
{
    ot_test_server *server;
    ot_http_client *c = curl_client();
    ot_alerts_config cfg = OT_ALERTS_CONFIG_INIT;
    ot_alerts_stats st = OT_ALERTS_STATS_INIT;
    ot_alert a1 = alert_of(OT_NOTICE_ALERT, "ORD-1"), a2 = alert_of(OT_NOTICE_ALERT, "ORD-2");
    ot_test_request got;
    ot_alerts *al;
    ot_error err;
    char url[256];
    (void)state;

    routes[2].status = 500;
    assert_int_equal(ot_test_server_start(&server, routes, 3), 0);
    ot_test_server_url(server, "/down", url, sizeof url);
    cfg.http = c;
    cfg.slack_webhook_url = url;
    assert_int_equal(ot_alerts_new(&al, &cfg, NULL), 0);
    a2.detail = "destroy";                              /* not grouped with ORD-1's */
    assert_int_equal(ot_alerts_push(al, &a1, NULL), 0);
    assert_int_equal(ot_alerts_push(al, &a2, NULL), 0);
    assert_ot_error(ot_alerts_flush(al, &st, &err), OT_EHTTP, err);
    assert_non_null(strstr(err.message, "answered 500"));
    assert_null(strstr(err.message, "/down"));          /* the path may hold a token */
    assert_int_equal(st.failed, 1);
    assert_int_equal(st.pending, 2);
    assert_int_equal(ot_test_server_last(server, "/down", &got), 0);
    assert_int_equal(got.count, 3);                     /* the policy's 3 attempts */

    routes[2].status = 200;                             /* the receiver recovers */
    if (ot_alerts_flush(al, &st, &err) != 0)
        fail_msg("flush: %s", err.message);
    assert_int_equal(st.sent, 2);
    assert_int_equal(st.pending, 0);
    assert_int_equal(ot_test_server_last(server, "/down", &got), 0);
    assert_int_equal(got.count, 5);
    assert_non_null(strstr(got.body, "order ORD-2,"));  /* in order: ORD-2 came last */
    ot_alerts_free(al);
    ot_http_client_free(c);
    ot_test_server_stop(server);
    routes[2].status = 500;
}

static const char *const rcpt[] = {"Ops <ops@example.com>", "lead@example.com"};

static ot_curl_smtp_options smtp_options(ot_smtp_server *server, char *url, size_t size)
{
    ot_curl_smtp_options o = OT_CURL_SMTP_OPTIONS_INIT;
    snprintf(url, size, "smtp://127.0.0.1:%u", (unsigned)ot_smtp_server_port(server));
    o.url = url;
    o.from = "Order Tracker <alerts@tracker.example>";
    o.to = rcpt;
    o.to_count = 2;
    o.user = "tracker";
    o.password = "s3cret-pw";
    o.tls = OT_CURL_SMTP_TLS_NONE;
    o.timeout_ms = 5000;
    return o;
}

static void test_smtp_report_received(void **state)
{
    /* base64("\0tracker\0s3cret-pw") */
    ot_smtp_script script = {"AHRyYWNrZXIAczNjcmV0LXB3", NULL};
    ot_smtp_server *server;
    ot_smtp_received got;
    ot_alerts_email e = OT_ALERTS_EMAIL_INIT;
    ot_alert list[2] = {alert_of(OT_NOTICE_ALERT, "ORD-1"),
                        alert_of(OT_NOTICE_RTO_STARTED, "ORD-2")};
    ot_curl_smtp_options o;
    char url[64], *msg;
    size_t len;
    ot_error err;
    (void)state;

    assert_int_equal(ot_smtp_server_start(&server, &script), 0);
    o = smtp_options(server, url, sizeof url);
    e.from = o.from;
    e.to = rcpt;
    e.to_count = 2;
    e.date_ms = T0;
    assert_int_equal(ot_alerts_email_format(&msg, &len, &e, list, 2, NULL), 0);
    if (ot_curl_smtp_send(&o, msg, len, &err) != 0)
        fail_msg("ot_curl_smtp_send: %s", err.message);
    ot_smtp_server_received(server, &got);
    assert_int_equal(got.messages, 1);
    assert_int_equal(got.auth_ok, 1);
    assert_string_equal(got.mail_from, "<alerts@tracker.example>");
    assert_string_equal(got.rcpt, "<ops@example.com>\n<lead@example.com>\n");
    assert_int_equal(got.data_length, len);
    assert_memory_equal(got.data, msg, len);
    ot_free(msg);

    /* A line starting with a dot survives the transfer (dot-stuffing). */
    {
        const char *raw = "From: a@b.example\r\nTo: c@d.example\r\nSubject: dot\r\n\r\n"
                          ".hidden\r\n..two\r\nend\r\n";
        if (ot_curl_smtp_send(&o, raw, strlen(raw), &err) != 0)
            fail_msg("ot_curl_smtp_send: %s", err.message);
        ot_smtp_server_received(server, &got);
        assert_int_equal(got.messages, 2);
        assert_string_equal(got.data, raw);
    }
    ot_smtp_server_stop(server);
}

static void test_smtp_failures(void **state)
{
    ot_smtp_script script = {"AHRyYWNrZXIAczNjcmV0LXB3", "lead@example.com"};
    ot_smtp_server *server;
    ot_curl_smtp_options o, bad;
    const char *const bad_to[] = {"not an address"};
    const char *msg = "Subject: x\r\n\r\nbody\r\n";
    char url[64], url2[96];
    ot_error err;
    (void)state;

    assert_int_equal(ot_smtp_server_start(&server, &script), 0);
    o = smtp_options(server, url, sizeof url);

    bad = o;
    bad.password = "wrong-pw";
    assert_ot_error(ot_curl_smtp_send(&bad, msg, strlen(msg), &err), OT_EAUTH, err);
    assert_null(strstr(err.message, "wrong-pw"));
    assert_non_null(strstr(err.message, "smtp://127.0.0.1:"));

    /* A refused recipient fails the send. */
    assert_true(ot_curl_smtp_send(&o, msg, strlen(msg), &err) < 0);
    assert_true(err.message[0] != '\0');

    /* TLS required but the server offers no STARTTLS: refused, nothing sent in clear. */
    bad = o;
    bad.to_count = 1;
    bad.tls = OT_CURL_SMTP_TLS_REQUIRED;
    assert_ot_error(ot_curl_smtp_send(&bad, msg, strlen(msg), &err), OT_EHTTP, err);

    /* Userinfo in the URL is never printed. */
    bad = o;
    bad.to_count = 1;
    bad.password = "wrong-pw";
    snprintf(url2, sizeof url2, "smtp://u:pa55word@127.0.0.1:%u",
             (unsigned)ot_smtp_server_port(server));
    bad.url = url2;
    assert_true(ot_curl_smtp_send(&bad, msg, strlen(msg), &err) < 0);
    assert_null(strstr(err.message, "pa55word"));

    /* Bad input. */
    assert_ot_error(ot_curl_smtp_send(NULL, msg, 5, &err), OT_EINVAL, err);
    assert_ot_error(ot_curl_smtp_send(&o, NULL, 5, &err), OT_EINVAL, err);
    assert_ot_error(ot_curl_smtp_send(&o, msg, 0, &err), OT_EINVAL, err);
    bad = o; bad.version = 7;
    assert_ot_error(ot_curl_smtp_send(&bad, msg, 5, &err), OT_EVERSION, err);
    bad = o; bad.url = "http://127.0.0.1/";
    assert_ot_error(ot_curl_smtp_send(&bad, msg, 5, &err), OT_EINVAL, err);
    bad = o; bad.url = NULL;
    assert_ot_error(ot_curl_smtp_send(&bad, msg, 5, &err), OT_EINVAL, err);
    bad = o; bad.url = "smtps://127.0.0.1:1";          /* tls NONE contradicts smtps */
    assert_ot_error(ot_curl_smtp_send(&bad, msg, 5, &err), OT_EINVAL, err);
    bad = o; bad.from = "alerts";
    assert_ot_error(ot_curl_smtp_send(&bad, msg, 5, &err), OT_EINVAL, err);
    bad = o; bad.from = "a@b>\r\nRCPT TO:<x@y>";
    assert_ot_error(ot_curl_smtp_send(&bad, msg, 5, &err), OT_EINVAL, err);
    bad = o; bad.to = bad_to; bad.to_count = 1;
    assert_ot_error(ot_curl_smtp_send(&bad, msg, 5, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "to[0]");
    bad = o; bad.to_count = 0;
    assert_ot_error(ot_curl_smtp_send(&bad, msg, 5, &err), OT_EINVAL, err);
    bad = o; bad.password = NULL;
    assert_ot_error(ot_curl_smtp_send(&bad, msg, 5, &err), OT_EINVAL, err);
    bad = o; bad.timeout_ms = 0;
    assert_ot_error(ot_curl_smtp_send(&bad, msg, 5, &err), OT_EINVAL, err);
    bad = o; bad.tls = 9;
    assert_ot_error(ot_curl_smtp_send(&bad, msg, 5, &err), OT_EINVAL, err);
    assert_ot_error(ot_curl_smtp_options_init(NULL, 1, &err), OT_EINVAL, err);
    assert_ot_error(ot_curl_smtp_options_init(&bad, 2, &err), OT_EVERSION, err);
    assert_int_equal(ot_curl_smtp_options_init(&bad, OT_CURL_SMTP_OPTIONS_VERSION, NULL), 0);
    assert_int_equal(bad.tls, OT_CURL_SMTP_TLS_REQUIRED);
    ot_smtp_server_stop(server);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_webhooks_received),
        cmocka_unit_test(test_failing_receiver_kept),
        cmocka_unit_test(test_smtp_report_received),
        cmocka_unit_test(test_smtp_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
