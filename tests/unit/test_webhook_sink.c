/* The signed-webhook sink over the curl adapter and real HTTP on 127.0.0.1: what a
 * subscriber receives (body, event id, signature it can verify), filters by type and store,
 * failures as outcomes, the relay driving it end to end, and bad options. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "test_util.h"
#include "test_server.h"
#include <ordertrack/adapters/curl.h>
#include <ordertrack/adapters/memory.h>
#include <ordertrack/sys/http.h>
#include <ordertrack/sys/sink.h>

#define SECRET "0123456789abcdef"

static const ot_test_route routes[] = {
    {"/hook", 200, NULL, "ok", 0, 0, 0, 0, 0},
    {"/other", 204, NULL, "", 0, 0, 0, 0, 0},
    {"/fail", 500, NULL, "no", 0, 0, 0, 0, 0},
    {"/flaky", 200, NULL, "ok", 0, 0, 0, 0, 2},
};

struct fixture {
    ot_test_server *server;
    ot_http port;
    char hook[128], other[128], fail[128], flaky[128];
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    ot_curl_options options = OT_CURL_OPTIONS_INIT;
    ot_error err;
    assert_int_equal(ot_test_server_start(&f->server, routes, sizeof routes / sizeof routes[0]),
                     0);
    options.connect_timeout_ms = 2000;
    options.default_timeout_ms = 5000;
    if (ot_curl_http_new(&f->port, &options, &err) != 0)
        fail_msg("ot_curl_http_new: %s", err.message);
    ot_test_server_url(f->server, "/hook", f->hook, sizeof f->hook);
    ot_test_server_url(f->server, "/other", f->other, sizeof f->other);
    ot_test_server_url(f->server, "/fail", f->fail, sizeof f->fail);
    ot_test_server_url(f->server, "/flaky", f->flaky, sizeof f->flaky);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    if (f->port.close)
        f->port.close(f->port.userdata);
    ot_test_server_stop(f->server);
    free(f);
    return 0;
}

static ot_event event(const char *id, const char *store, int type, const char *json)
{
    ot_event e = OT_EVENT_INIT;
    e.event_id = id;
    e.order_id = "o-1";
    e.store_id = store;
    e.sequence = 1000;
    e.type = type;
    e.time_ms = 1796342400000LL;
    e.json = json;
    e.json_len = strlen(json);
    e.position = 1;
    return e;
}

/* The value of header `name` in a raw header block, into out. */
static int header(const char *block, const char *name, char *out, size_t size)
{
    const char *p = block;
    size_t n = strlen(name);
    while ((p = strstr(p, name)) != NULL) {
        if ((p == block || p[-1] == '\n') && p[n] == ':') {
            const char *v = p + n + 1, *end;
            while (*v == ' ')
                v++;
            end = strpbrk(v, "\r\n");
            snprintf(out, size, "%.*s", (int)(end ? end - v : (long)strlen(v)), v);
            return 0;
        }
        p += n;
    }
    return -1;
}

static void test_sign_vector(void **state)
{
    char sig[OT_WEBHOOK_SIGNATURE_SIZE];
    ot_error err;
    (void)state;
    /* python3: hmac.new(b"0123456789abcdef", b'1700000000.{"a":1}', "sha256").hexdigest() */
    assert_int_equal(ot_webhook_sign(sig, sizeof sig, SECRET, 1700000000, "{\"a\":1}", 7, &err), 0);
    assert_string_equal(sig, "t=1700000000,v1=9eb18f493f8ec135d9eb2dad817c369bb4e9cbfa818657897a"
                             "7437c1cd8c3a23");
    assert_ot_error(ot_webhook_sign(sig, 10, SECRET, 1, "", 0, &err), OT_EINVAL, err);
    assert_ot_error(ot_webhook_sign(sig, sizeof sig, "", 1, "", 0, &err), OT_EINVAL, err);
    assert_ot_error(ot_webhook_sign(sig, sizeof sig, SECRET, -1, "", 0, &err), OT_EINVAL, err);
}

static void test_delivery_and_filters(void **state)
{
    struct fixture *f = *state;
    ot_webhook_subscription subs[2] = {OT_WEBHOOK_SUBSCRIPTION_INIT,
                                       OT_WEBHOOK_SUBSCRIPTION_INIT};
    ot_webhook_sink_options o = OT_WEBHOOK_SINK_OPTIONS_INIT;
    static const int eta_only[] = {OT_EVENT_ETA_CHANGED};
    static const char *const store9[] = {"store-9"};
    const char *body1 = "{\"event_id\":\"evt_1\",\"type\":\"order.status_changed\"}";
    const char *body2 = "{\"event_id\":\"evt_2\",\"type\":\"order.eta_changed\"}";
    ot_event e1 = event("evt_1", "store-1", OT_EVENT_STATUS_CHANGED, body1);
    ot_event e2 = event("evt_2", "store-9", OT_EVENT_ETA_CHANGED, body2);
    const ot_event *batch[2] = {&e1, &e2};
    ot_error outcomes[2], err;
    ot_test_request got;
    char value[256], want[OT_WEBHOOK_SIGNATURE_SIZE];
    long long t;
    ot_sink *sink = NULL;

    subs[0].url = f->hook;
    subs[0].secret = SECRET;
    subs[1].url = f->other;
    subs[1].secret = "another-secret-16b";
    subs[1].event_types = eta_only;
    subs[1].event_type_count = 1;
    subs[1].store_ids = store9;
    subs[1].store_id_count = 1;
    o.http = &f->port;
    o.subscriptions = subs;
    o.subscription_count = 2;
    assert_int_equal(ot_webhook_sink_new(&sink, &o, &err), 0);
    assert_string_equal(sink->name, "webhook");
    assert_int_equal(ot_sink_check(sink, NULL), 0);

    memset(outcomes, 0, sizeof outcomes);
    assert_int_equal(sink->deliver(sink->userdata, batch, 1, outcomes, &err), 0);
    assert_int_equal(outcomes[0].code, 0);
    assert_int_equal(ot_test_server_last(f->server, "/hook", &got), 0);
    assert_int_equal(got.count, 1);
    assert_string_equal(got.method, "POST");
    assert_int_equal(got.body_length, strlen(body1));
    assert_memory_equal(got.body, body1, strlen(body1));
    assert_int_equal(header(got.headers, "X-Ordertrack-Event-Id", value, sizeof value), 0);
    assert_string_equal(value, "evt_1");
    assert_int_equal(header(got.headers, "X-Ordertrack-Event-Type", value, sizeof value), 0);
    assert_string_equal(value, "order.status_changed");
    assert_int_equal(header(got.headers, "Content-Type", value, sizeof value), 0);
    assert_string_equal(value, "application/json");
    /* the receiver's check: the same HMAC over "<t>.<body>" */
    assert_int_equal(header(got.headers, "X-Ordertrack-Signature", value, sizeof value), 0);
    assert_int_equal(sscanf(value, "t=%lld,", &t), 1);
    assert_int_equal(ot_webhook_sign(want, sizeof want, SECRET, t, got.body, got.body_length,
                                     NULL), 0);
    assert_string_equal(value, want);
    /* the other subscriber wants ETA changes of store-9 only */
    assert_int_equal(ot_test_server_last(f->server, "/other", &got), -1);

    memset(outcomes, 0, sizeof outcomes);
    assert_int_equal(sink->deliver(sink->userdata, batch, 2, outcomes, &err), 0);
    assert_int_equal(outcomes[0].code, 0);
    assert_int_equal(outcomes[1].code, 0);
    assert_int_equal(ot_test_server_last(f->server, "/other", &got), 0);
    assert_int_equal(got.count, 1);
    assert_memory_equal(got.body, body2, strlen(body2));
    assert_int_equal(header(got.headers, "X-Ordertrack-Signature", value, sizeof value), 0);
    assert_int_equal(sscanf(value, "t=%lld,", &t), 1);
    ot_webhook_sign(want, sizeof want, "another-secret-16b", t, body2, strlen(body2), NULL);
    assert_string_equal(value, want);
    assert_int_equal(ot_test_server_last(f->server, "/hook", &got), 0);
    assert_int_equal(got.count, 3); /* both events went to the first subscriber */
    ot_sink_close(sink);
}

static void test_failures_are_outcomes(void **state)
{
    struct fixture *f = *state;
    ot_webhook_subscription subs[2] = {OT_WEBHOOK_SUBSCRIPTION_INIT,
                                       OT_WEBHOOK_SUBSCRIPTION_INIT};
    ot_webhook_sink_options o = OT_WEBHOOK_SINK_OPTIONS_INIT;
    ot_event e1 = event("evt_9", "store-1", OT_EVENT_ISSUE_RAISED, "{}");
    const ot_event *batch[1] = {&e1};
    ot_error outcomes[1], err;
    ot_sink *sink = NULL;

    /* one subscriber answers 500: the event failed (the other got it and will again) */
    subs[0].url = f->hook;
    subs[0].secret = SECRET;
    subs[1].url = f->fail;
    subs[1].secret = SECRET;
    o.name = "hooks";
    o.http = &f->port;
    o.subscriptions = subs;
    o.subscription_count = 2;
    assert_int_equal(ot_webhook_sink_new(&sink, &o, &err), 0);
    memset(outcomes, 0, sizeof outcomes);
    assert_int_equal(sink->deliver(sink->userdata, batch, 1, outcomes, &err), 0);
    assert_int_equal(outcomes[0].code, OT_EHTTP);
    assert_non_null(strstr(outcomes[0].message, "HTTP 500"));
    ot_sink_close(sink);
    /* nobody listening */
    subs[0].url = "http://127.0.0.1:1/hook";
    o.subscription_count = 1;
    assert_int_equal(ot_webhook_sink_new(&sink, &o, &err), 0);
    memset(outcomes, 0, sizeof outcomes);
    assert_int_equal(sink->deliver(sink->userdata, batch, 1, outcomes, &err), 0);
    assert_true(outcomes[0].code < 0);
    ot_sink_close(sink);
}

/* The relay over the memory store and this sink: a subscriber that fails twice gets every
 * event, in order, after the backoff. */
static void test_relay_end_to_end(void **state)
{
    struct fixture *f = *state;
    ot_webhook_subscription sub = OT_WEBHOOK_SUBSCRIPTION_INIT;
    ot_webhook_sink_options o = OT_WEBHOOK_SINK_OPTIONS_INIT;
    ot_tracker_options to = OT_TRACKER_OPTIONS_INIT;
    ot_relay_options ro = OT_RELAY_OPTIONS_INIT;
    ot_relay_stats st = OT_RELAY_STATS_INIT;
    ot_request r = OT_REQUEST_INIT;
    ot_storage *mem = NULL;
    ot_tracker *t = NULL;
    ot_relay *relay = NULL;
    ot_sink *sink = NULL;
    ot_test_request got;
    ot_error err;
    int i;

    sub.url = f->flaky;
    sub.secret = SECRET;
    o.http = &f->port;
    o.subscriptions = &sub;
    o.subscription_count = 1;
    assert_int_equal(ot_webhook_sink_new(&sink, &o, &err), 0);
    assert_int_equal(ot_storage_memory_new(&mem, NULL), 0);
    to.storage = mem;
    to.outbox = 1;
    assert_int_equal(ot_tracker_new(&t, &to, &err), 0);
    r.order_id = "o-h";
    r.store_id = "s-1";
    r.customer_id = "c-1";
    r.provider = OT_PROVIDER_INTERNAL;
    assert_int_equal(ot_tracker_init_order(NULL, t, &r, &err), 0);
    assert_int_equal(ot_tracker_store_acknowledge(NULL, t, &r, &err), 0);
    ro.storage = mem;
    ro.sinks = &sink;
    ro.sink_count = 1;
    ro.backoff_base_ms = 1;
    ro.backoff_max_ms = 2;
    assert_int_equal(ot_relay_new(&relay, &ro, &err), 0);
    for (i = 0; i < 50 && st.delivered < 2; i++) {
        struct timespec ts = {0, 5000000};
        assert_int_equal(ot_relay_run_once(relay, &st, &err), 0);
        nanosleep(&ts, NULL);
    }
    assert_int_equal(st.delivered, 2);
    assert_int_equal(st.failed, 2);
    assert_int_equal(ot_test_server_last(f->server, "/flaky", &got), 0);
    assert_int_equal(got.count, 4); /* two 503s, then the first event, then the second */
    assert_non_null(strstr(got.body, "\"to\":\"store_acknowledged\""));
    ot_relay_free(relay);
    ot_tracker_free(t);
    ot_storage_close(mem);
    ot_sink_close(sink);
}

static void test_bad_options(void **state)
{
    struct fixture *f = *state;
    ot_webhook_subscription sub = OT_WEBHOOK_SUBSCRIPTION_INIT;
    ot_webhook_sink_options o = OT_WEBHOOK_SINK_OPTIONS_INIT;
    static const int bad_type[] = {42};
    ot_sink *sink = (ot_sink *)&sink;
    ot_error err;

    sub.url = f->hook;
    sub.secret = SECRET;
    o.subscriptions = &sub;
    o.subscription_count = 1;
    assert_ot_error(ot_webhook_sink_new(&sink, &o, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "http");
    assert_null(sink);
    o.http = &f->port;
    sub.url = "ftp://example.com/";
    assert_ot_error(ot_webhook_sink_new(&sink, &o, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "subscriptions[0].url");
    sub.url = f->hook;
    sub.secret = "short";
    assert_ot_error(ot_webhook_sink_new(&sink, &o, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "subscriptions[0].secret");
    sub.secret = SECRET;
    sub.event_types = bad_type;
    sub.event_type_count = 1;
    assert_ot_error(ot_webhook_sink_new(&sink, &o, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "subscriptions[0].event_types");
    sub.event_types = NULL;
    sub.event_type_count = 0;
    sub.timeout_ms = -1;
    assert_ot_error(ot_webhook_sink_new(&sink, &o, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "subscriptions[0].timeout_ms");
    sub.timeout_ms = 0;
    o.name = "Web Hook";
    assert_ot_error(ot_webhook_sink_new(&sink, &o, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "name");
    o.name = NULL;
    o.subscription_count = 0;
    assert_ot_error(ot_webhook_sink_new(&sink, &o, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "subscriptions");
    assert_ot_error(ot_webhook_sink_new(&sink, NULL, &err), OT_EINVAL, err);
    assert_ot_error(ot_webhook_sink_options_init(&o, 0, &err), OT_EVERSION, err);
    assert_ot_error(ot_webhook_subscription_init(NULL, 1, &err), OT_EINVAL, err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sign_vector),
        cmocka_unit_test_setup_teardown(test_delivery_and_filters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failures_are_outcomes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_relay_end_to_end, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_options, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
