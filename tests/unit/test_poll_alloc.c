/* A poll run over a fake HTTP port: how requests are grouped into client batches, and the
 * allocation-failure sweep of a whole run (courier client, login, batched requests, parsing,
 * applying): every allocation fails in turn, and each run must end with a code or success
 * and leave nothing allocated. */
#include <stdio.h>
#include <string.h>

#include "test_util.h"
#include <ordertrack/adapters/memory.h>
#include <ordertrack/sys/clock.h>
#include <ordertrack/sys/http.h>
#include <ordertrack/sys/storage.h>
#include "alloc_sweep.h"

static const char *login_answer = "{\"token\": \"jwt-1\"}";
static const char track_answer[] =
    "{\"SR1\": {\"tracking_data\": {\"track_status\": 1, \"shipment_status\": 18,"
    " \"shipment_track\": [{\"awb_code\": \"SR1\", \"current_status\": \"In Transit\"}],"
    " \"shipment_track_activities\": [{\"date\": \"2026-01-01 10:00:00\", \"activity\":"
    " \"In Transit\", \"location\": \"Delhi\", \"sr-status\": \"18\"}]}},"
    " \"SR2\": {\"tracking_data\": {\"track_status\": 1, \"shipment_status\": 99,"
    " \"shipment_track\": [{\"awb_code\": \"SR2\", \"current_status\": \"Odd\"}]}}}";

/* Sizes of the batches the port received (login batches included), when recording. */
static size_t batches[16], batch_count;
static int recording;

static int fake_send(void *userdata, const ot_http_request *const *requests, size_t n,
                     ot_http_response *const *responses, ot_error *err)
{
    size_t i;
    int rc;
    (void)userdata;
    if (recording && batch_count < 16)
        batches[batch_count++] = n;
    for (i = 0; i < n; i++) {
        const char *body = strstr(requests[i]->url, "/auth/login") ? login_answer
                                                                   : track_answer;
        if ((rc = ot_http_response_set_status(responses[i], 200, err)) ||
            (rc = ot_http_response_append_body(responses[i], body, strlen(body), err)))
            return rc;
    }
    return 0;
}

static int64_t fixed_now(void *userdata)
{
    (void)userdata;
    return 1767225600000LL;
}

/* Two orders (SR1, SR2) plus `ctx` more, polled with batch_size 2 and 3 workers. */
static int scenario(void *ctx)
{
    ot_storage *storage = NULL;
    ot_tracker *tracker = NULL;
    ot_http_client *http = NULL;
    ot_courier_client *courier = NULL;
    ot_tracker_options o = OT_TRACKER_OPTIONS_INIT;
    ot_courier_config cc = OT_COURIER_CONFIG_INIT;
    ot_poll_config pc = OT_POLL_CONFIG_INIT;
    ot_poll_summary s = OT_POLL_SUMMARY_INIT;
    ot_http port = OT_HTTP_INIT;
    ot_clock clock = OT_CLOCK_INIT;
    ot_request r = OT_REQUEST_INIT;
    ot_error err;
    size_t extra = ctx ? *(size_t *)ctx : 0, i;
    int rc;

    clock.now_ms = fixed_now;
    port.send_batch = fake_send;
    if ((rc = ot_storage_memory_new(&storage, &err)))
        return rc;
    o.storage = storage;
    o.clock = &clock;
    if ((rc = ot_tracker_new(&tracker, &o, &err)))
        goto out;
    r.store_id = "store-1";
    r.customer_id = "cust-1";
    r.provider = OT_PROVIDER_SHIPROCKET;
    r.order_id = "ord-1";
    r.tracking_id = "SR1";
    if ((rc = ot_tracker_init_order(NULL, tracker, &r, &err)))
        goto out;
    r.order_id = "ord-2";
    r.tracking_id = "SR2";
    if ((rc = ot_tracker_init_order(NULL, tracker, &r, &err)))
        goto out;
    for (i = 0; i < extra; i++) {
        char id[32], awb[32];
        snprintf(id, sizeof id, "ord-x%zu", i);
        snprintf(awb, sizeof awb, "SRX%zu", i);
        r.order_id = id;
        r.tracking_id = awb;
        if ((rc = ot_tracker_init_order(NULL, tracker, &r, &err)))
            goto out;
    }
    if ((rc = ot_http_client_new(&http, &port, NULL, NULL, &err)))
        goto out;
    cc.provider = OT_PROVIDER_SHIPROCKET;
    cc.base_url = "https://apiv2.example.com";
    cc.email = "ops@example.com";
    cc.password = "pw";
    if ((rc = ot_courier_client_new(&courier, &cc, &clock, &err)))
        goto out;
    pc.courier = courier;
    pc.batch_size = 2;
    pc.workers = 3;
    rc = ot_poll_run(&s, tracker, http, &pc, &err);
    if (rc == 0 && extra && (s.orders != 2 + extra || s.changed != 1 || s.unknown != 1 ||
                             s.missing != extra || s.logins != 1))
        rc = OT_EINTEGRITY;
out:
    ot_courier_client_free(courier);
    ot_http_client_free(http);
    ot_tracker_free(tracker);
    ot_storage_close(storage);
    return rc;
}

/* 7 orders, 2 AWBs per request: 4 requests, sent 3 then 1 (after the login's batch). */
static void test_workers_per_client_batch(void **state)
{
    size_t extra = 5;
    (void)state;
    batch_count = 0;
    recording = 1;
    assert_int_equal(scenario(&extra), 0);
    recording = 0;
    assert_int_equal(batch_count, 3);
    assert_int_equal(batches[0], 1);
    assert_int_equal(batches[1], 3);
    assert_int_equal(batches[2], 1);
}

/* Login answers without a usable token are refused, naming the courier. */
static void test_login_answer_without_token(void **state)
{
    static const char *const answers[] = {"{}", "[1]", "{\"token\": \"\"}",
                                          "{\"data\": {\"jwt\": 5}}", "not json"};
    ot_courier_config cc = OT_COURIER_CONFIG_INIT;
    ot_courier_client *courier;
    ot_http_client *http;
    ot_http port = OT_HTTP_INIT;
    int64_t expiry;
    ot_error err;
    size_t i;
    (void)state;

    port.send_batch = fake_send;
    assert_int_equal(ot_http_client_new(&http, &port, NULL, NULL, &err), 0);
    cc.provider = OT_PROVIDER_SHIPROCKET;
    cc.base_url = "https://apiv2.example.com";
    cc.email = "ops@example.com";
    cc.password = "pw";
    assert_int_equal(ot_courier_client_new(&courier, &cc, NULL, &err), 0);
    for (i = 0; i < sizeof answers / sizeof answers[0]; i++) {
        login_answer = answers[i];
        assert_ot_error(ot_courier_client_login(courier, http, &err), OT_EPARSE, err);
    }
    login_answer = "{\"data\": {\"jwt\": \"abc\"}}";
    assert_int_equal(ot_courier_client_login(courier, http, &err), 0);
    assert_int_equal(ot_courier_client_token_expiry(&expiry, courier, &err), 0);
    assert_true(expiry > 0);
    login_answer = "{\"token\": \"jwt-1\"}";
    ot_courier_client_free(courier);
    ot_http_client_free(http);
}

static void test_poll_run_sweep(void **state)
{
    struct alloc_sweep_stats stats;
    (void)state;
    assert_int_equal(alloc_sweep_run("poll_run", scenario, NULL, NULL, &stats), 0);
    assert_true(stats.allocations > 100);
}

/* The same with two rounds in the pipeline (3 requests, then 1, the first applied while the
 * second is sent): a failing allocation on the sending thread or on an applier thread. */
static void test_poll_run_sweep_pipelined(void **state)
{
    struct alloc_sweep_stats stats;
    size_t extra = 5;
    (void)state;
    assert_int_equal(alloc_sweep_run("poll_run_pipelined", scenario, &extra, NULL, &stats), 0);
    assert_true(stats.allocations > 100);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_workers_per_client_batch),
        cmocka_unit_test(test_login_answer_without_token),
        cmocka_unit_test(test_poll_run_sweep),
        cmocka_unit_test(test_poll_run_sweep_pipelined),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
