/* libordertrack-curl against a real HTTP server on 127.0.0.1 started by the test itself
 * (tests/support/test_server.c). No other address is ever contacted. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "test_util.h"
#include <ordertrack/adapters/curl.h>
#include "test_server.h"

#define BATCH 20
#define LIMIT (64 * 1024)

static const ot_test_route routes[] = {
    {"/slow", 200, NULL, "ok", 0, 100, 0, 0, 0},
    {"/echo", 201, "X-Trace: abc-123\r\nContent-Type: application/json\r\nX-Empty:\r\n",
     "{\"created\":true}", 0, 0, 0, 0, 0},
    {"/hang", 200, NULL, "late", 0, 3000, 0, 0, 0},
    {"/big", 200, NULL, NULL, 1024 * 1024, 0, 0, 1, 0},
    {"/big-cl", 200, NULL, NULL, 1024 * 1024, 0, 0, 0, 0},
    {"/fit", 200, NULL, NULL, LIMIT, 0, 0, 0, 0},
    {"/drop", 200, NULL, NULL, 0, 0, 1, 0, 0},
    {"/flaky", 200, NULL, "recovered", 0, 0, 0, 0, 2},
    {"/head", 204, "X-Head: yes\r\n", NULL, 0, 0, 0, 0, 0},
    {"/fast", 200, NULL, "fast", 0, 0, 0, 0, 0},
};

struct fixture {
    ot_test_server *server;
    ot_http port;
};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    ot_curl_options options = OT_CURL_OPTIONS_INIT;
    ot_error err;

    assert_non_null(f);
    assert_int_equal(ot_test_server_start(&f->server, routes, sizeof routes / sizeof routes[0]),
                     0);
    options.max_in_flight = 4;
    options.max_response_bytes = LIMIT;
    options.connect_timeout_ms = 2000;
    options.default_timeout_ms = 5000;
    if (ot_curl_http_new(&f->port, &options, &err) != 0)
        fail_msg("ot_curl_http_new: %s", err.message);
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

/* Send `n` requests straight through the port; responses are new (caller frees). */
static void send_batch(struct fixture *f, const ot_http_request *const *reqs, size_t n,
                       ot_http_response **resp)
{
    ot_error err;
    size_t i;
    for (i = 0; i < n; i++)
        assert_int_equal(ot_http_response_new(&resp[i], &err), 0);
    if (f->port.send_batch(f->port.userdata, reqs, n, resp, &err) != 0)
        fail_msg("send_batch: %s", err.message);
}

static ot_http_response *send_one(struct fixture *f, const ot_http_request *req)
{
    ot_http_response *resp;
    send_batch(f, &req, 1, &resp);
    return resp;
}

static void free_all(ot_http_response **resp, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        ot_http_response_free(resp[i]);
}

static void test_batch_with_concurrency_limit_and_reuse(void **state)
{
    struct fixture *f = *state;
    char urls[BATCH][96];
    ot_http_request reqs[BATCH];
    const ot_http_request *ptrs[BATCH];
    ot_http_response *resp[BATCH];
    int64_t started, elapsed;
    unsigned connections;
    size_t i, len;

    for (i = 0; i < BATCH; i++) {
        ot_http_request r = OT_HTTP_REQUEST_INIT;
        char path[32];
        snprintf(path, sizeof path, "/slow?i=%zu", i);
        ot_test_server_url(f->server, path, urls[i], sizeof urls[i]);
        r.url = urls[i];
        reqs[i] = r;
        ptrs[i] = &reqs[i];
    }
    started = now_ms();
    send_batch(f, ptrs, BATCH, resp);
    elapsed = now_ms() - started;
    for (i = 0; i < BATCH; i++) {
        if (ot_http_response_status(resp[i]) != 200)
            fail_msg("request %zu: status %d, %s", i, ot_http_response_status(resp[i]),
                     ot_http_response_error_message(resp[i]));
        assert_string_equal(ot_http_response_body(resp[i], &len), "ok");
        assert_int_equal(len, 2);
    }
    free_all(resp, BATCH);
    /* 20 answers of 100 ms, at most 4 at a time: at least 5 rounds, and concurrent. */
    assert_true(ot_test_server_max_active(f->server) <= 4);
    assert_true(ot_test_server_max_active(f->server) >= 2);
    assert_true(elapsed >= 480);
    assert_true(elapsed < 2000 * 4);
    connections = ot_test_server_connections(f->server);
    assert_true(connections <= 4);

    /* A second batch reuses the kept connections. */
    send_batch(f, ptrs, 4, resp);
    for (i = 0; i < 4; i++)
        assert_int_equal(ot_http_response_status(resp[i]), 200);
    free_all(resp, 4);
    assert_int_equal(ot_test_server_connections(f->server), connections);
}

static void test_headers_and_body_round_trip(void **state)
{
    struct fixture *f = *state;
    char url[96];
    const char body[] = "{\"awbs\":[\"123\",\"456\"]}";
    ot_http_header headers[] = {{"Authorization", "Token secret"},
                                {"Content-Type", "application/json"},
                                {"X-Empty-Value", ""}};
    ot_http_request req = OT_HTTP_REQUEST_INIT;
    ot_http_response *resp;
    ot_test_request seen;
    const char *got;
    size_t len;

    ot_test_server_url(f->server, "/echo?x=1", url, sizeof url);
    req.method = "POST";
    req.url = url;
    req.headers = headers;
    req.header_count = 3;
    req.body = body;
    req.body_length = sizeof body - 1;
    resp = send_one(f, &req);
    assert_int_equal(ot_http_response_status(resp), 201);
    assert_int_equal(ot_http_response_error_code(resp), 0);
    assert_string_equal(ot_http_response_header(resp, "x-trace"), "abc-123");
    assert_string_equal(ot_http_response_header(resp, "Content-Type"), "application/json");
    assert_string_equal(ot_http_response_header(resp, "X-Empty"), "");
    assert_non_null(ot_http_response_header(resp, "Content-Length"));
    got = ot_http_response_body(resp, &len);
    assert_int_equal(len, strlen("{\"created\":true}"));
    assert_string_equal(got, "{\"created\":true}");
    ot_http_response_free(resp);

    assert_int_equal(ot_test_server_last(f->server, "/echo", &seen), 0);
    assert_string_equal(seen.method, "POST");
    assert_string_equal(seen.target, "/echo?x=1");
    assert_int_equal(seen.body_length, sizeof body - 1);
    assert_memory_equal(seen.body, body, sizeof body - 1);
    assert_non_null(strstr(seen.headers, "Authorization: Token secret\r\n"));
    assert_non_null(strstr(seen.headers, "Content-Type: application/json\r\n"));
    assert_non_null(strstr(seen.headers, "X-Empty-Value:"));
    assert_null(strstr(seen.headers, "Expect:"));

    /* PUT with a body, DELETE without; no invented form content type. */
    req.method = "PUT";
    req.header_count = 0;
    resp = send_one(f, &req);
    assert_int_equal(ot_http_response_status(resp), 201);
    ot_http_response_free(resp);
    assert_int_equal(ot_test_server_last(f->server, "/echo", &seen), 0);
    assert_string_equal(seen.method, "PUT");
    assert_memory_equal(seen.body, body, sizeof body - 1);
    assert_null(strstr(seen.headers, "application/x-www-form-urlencoded"));
    req.method = "DELETE";
    req.body = NULL;
    req.body_length = 0;
    resp = send_one(f, &req);
    assert_int_equal(ot_http_response_status(resp), 201);
    ot_http_response_free(resp);
    assert_int_equal(ot_test_server_last(f->server, "/echo", &seen), 0);
    assert_string_equal(seen.method, "DELETE");
    assert_int_equal(seen.body_length, 0);

    ot_test_server_url(f->server, "/head", url, sizeof url);
    req.method = "HEAD";
    resp = send_one(f, &req);
    assert_int_equal(ot_http_response_status(resp), 204);
    assert_string_equal(ot_http_response_header(resp, "X-Head"), "yes");
    ot_http_response_free(resp);
}

static void test_per_request_timeout(void **state)
{
    struct fixture *f = *state;
    char hang[96], fast[96];
    ot_http_request a = OT_HTTP_REQUEST_INIT, b = OT_HTTP_REQUEST_INIT;
    const ot_http_request *reqs[2] = {&a, &b};
    ot_http_response *resp[2];
    int64_t started;

    ot_test_server_url(f->server, "/hang", hang, sizeof hang);
    ot_test_server_url(f->server, "/slow", fast, sizeof fast);
    a.url = hang;
    a.timeout_ms = 200;
    b.url = fast;
    started = now_ms();
    send_batch(f, reqs, 2, resp);
    assert_true(now_ms() - started < 2000);
    assert_int_equal(ot_http_response_status(resp[0]), 0);
    assert_int_equal(ot_http_response_error_code(resp[0]), OT_ETIMEOUT);
    assert_non_null(strstr(ot_http_response_error_message(resp[0]), "/hang"));
    /* The other request of the batch is unaffected. */
    assert_int_equal(ot_http_response_status(resp[1]), 200);
    free_all(resp, 2);
}

static void test_oversized_body_is_limited(void **state)
{
    struct fixture *f = *state;
    char big[96], big_cl[96], fit[96];
    ot_http_request a = OT_HTTP_REQUEST_INIT, b = OT_HTTP_REQUEST_INIT, c = OT_HTTP_REQUEST_INIT;
    const ot_http_request *reqs[3] = {&a, &b, &c};
    ot_http_response *resp[3];
    size_t len;

    ot_test_server_url(f->server, "/big", big, sizeof big);
    ot_test_server_url(f->server, "/big-cl", big_cl, sizeof big_cl);
    ot_test_server_url(f->server, "/fit", fit, sizeof fit);
    a.url = big;
    b.url = big_cl;
    c.url = fit;
    send_batch(f, reqs, 3, resp);
    /* Streamed without a length: aborted once past the limit. */
    assert_int_equal(ot_http_response_status(resp[0]), 0);
    assert_int_equal(ot_http_response_error_code(resp[0]), OT_ELIMIT);
    ot_http_response_body(resp[0], &len);
    assert_int_equal(len, 0);
    /* Announced too large: refused before the body. */
    assert_int_equal(ot_http_response_error_code(resp[1]), OT_ELIMIT);
    assert_non_null(strstr(ot_http_response_error_message(resp[1]), "limit"));
    /* Exactly the limit is fine. */
    assert_int_equal(ot_http_response_status(resp[2]), 200);
    ot_http_response_body(resp[2], &len);
    assert_int_equal(len, LIMIT);
    free_all(resp, 3);
}

static unsigned short closed_port(void)
{
    struct sockaddr_in addr;
    socklen_t len = sizeof addr;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&addr, sizeof addr), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&addr, &len), 0);
    close(fd);
    return ntohs(addr.sin_port);
}

static void test_transport_failures(void **state)
{
    struct fixture *f = *state;
    char refused[96], drop[96];
    ot_http_request a = OT_HTTP_REQUEST_INIT, b = OT_HTTP_REQUEST_INIT;
    const ot_http_request *reqs[2] = {&a, &b};
    ot_http_response *resp[2];

    snprintf(refused, sizeof refused, "http://user:secret@127.0.0.1:%u/x?token=secret",
             (unsigned)closed_port());
    ot_test_server_url(f->server, "/drop", drop, sizeof drop);
    a.url = refused;
    b.url = drop;
    send_batch(f, reqs, 2, resp);
    assert_int_equal(ot_http_response_status(resp[0]), 0);
    assert_int_equal(ot_http_response_error_code(resp[0]), OT_EHTTP);
    /* The message names the URL without its secrets. */
    assert_non_null(strstr(ot_http_response_error_message(resp[0]), "http://127.0.0.1:"));
    assert_null(strstr(ot_http_response_error_message(resp[0]), "secret"));
    assert_int_equal(ot_http_response_status(resp[1]), 0);
    assert_int_equal(ot_http_response_error_code(resp[1]), OT_EHTTP);
    free_all(resp, 2);
}

static void test_client_retries_over_curl(void **state)
{
    struct fixture *f = *state;
    ot_http_policy policy = OT_HTTP_POLICY_INIT;
    ot_curl_options options = OT_CURL_OPTIONS_INIT;
    ot_http port;
    ot_http_client *client;
    char url[96];
    ot_http_request req = OT_HTTP_REQUEST_INIT;
    const ot_http_request *reqs[1] = {&req};
    ot_http_response *resp;
    ot_error err;

    options.max_in_flight = 2;
    assert_int_equal(ot_curl_http_new(&port, &options, &err), 0);
    policy.base_delay_ms = 10;
    assert_int_equal(ot_http_client_new(&client, &port, &policy, NULL, &err), 0);
    ot_test_server_url(f->server, "/flaky", url, sizeof url);
    req.url = url;
    assert_int_equal(ot_http_client_send(client, reqs, 1, &resp, &err), 0);
    assert_int_equal(ot_http_response_status(resp), 200);
    assert_int_equal(ot_http_response_attempts(resp), 3);
    assert_string_equal(ot_http_response_body(resp, NULL), "recovered");
    ot_http_response_free(resp);
    ot_http_client_free(client); /* closes the port */
}

#define THREADS 4
#define SENDS 10

struct worker {
    ot_http_client *client;
    const char *url;
    int ok;
};

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    ot_http_request req = OT_HTTP_REQUEST_INIT;
    const ot_http_request *reqs[2] = {&req, &req};
    ot_http_response *resp[2];
    ot_error err;
    int i, j;

    req.url = w->url;
    for (i = 0; i < SENDS; i++) {
        if (ot_http_client_send(w->client, reqs, 2, resp, &err) != 0)
            return NULL;
        for (j = 0; j < 2; j++) {
            if (ot_http_response_status(resp[j]) == 200)
                w->ok++;
            ot_http_response_free(resp[j]);
        }
    }
    return NULL;
}

static void test_client_shared_by_threads(void **state)
{
    struct fixture *f = *state;
    ot_http_client *client;
    pthread_t threads[THREADS];
    struct worker workers[THREADS];
    char url[96];
    ot_error err;
    int i;

    /* The client takes over the fixture's port; teardown must not close it again. */
    assert_int_equal(ot_http_client_new(&client, &f->port, NULL, NULL, &err), 0);
    ot_test_server_url(f->server, "/fast", url, sizeof url);
    for (i = 0; i < THREADS; i++) {
        workers[i].client = client;
        workers[i].url = url;
        workers[i].ok = 0;
        assert_int_equal(pthread_create(&threads[i], NULL, worker_main, &workers[i]), 0);
    }
    for (i = 0; i < THREADS; i++) {
        pthread_join(threads[i], NULL);
        assert_int_equal(workers[i].ok, 2 * SENDS);
    }
    assert_int_equal(ot_http_client_breaker_state(client, url, &err), OT_HTTP_BREAKER_CLOSED);
    ot_http_client_free(client);
    f->port.close = NULL;
}

static void test_bad_input(void **state)
{
    struct fixture *f = *state;
    ot_curl_options options;
    ot_http port;
    ot_error err;
    char url[96];
    ot_http_header bad_header[] = {{"X-Evil", "a\r\nInjected: yes"}};
    ot_http_header bad_name[] = {{"Bad Name", "v"}};
    ot_http_request ftp = OT_HTTP_REQUEST_INIT, injected = OT_HTTP_REQUEST_INIT;
    ot_http_request named = OT_HTTP_REQUEST_INIT, old = OT_HTTP_REQUEST_INIT;
    const ot_http_request *reqs[5] = {&ftp, &injected, &named, &old, NULL};
    ot_http_response *resp[5];
    size_t i;

    assert_int_equal(ot_curl_options_init(&options, OT_CURL_OPTIONS_VERSION, &err), 0);
    assert_int_equal(options.max_in_flight, 8);
    assert_ot_error(ot_curl_options_init(NULL, 1, &err), OT_EINVAL, err);
    assert_ot_error(ot_curl_options_init(&options, 0, &err), OT_EVERSION, err);
    assert_ot_error(ot_curl_options_init(&options, OT_CURL_OPTIONS_VERSION + 1, &err),
                    OT_EVERSION, err);

    assert_ot_error(ot_curl_http_new(NULL, NULL, &err), OT_EINVAL, err);
    options.version = 0;
    assert_ot_error(ot_curl_http_new(&port, &options, &err), OT_EVERSION, err);
    options.version = 99;
    assert_ot_error(ot_curl_http_new(&port, &options, &err), OT_EVERSION, err);
    ot_curl_options_init(&options, OT_CURL_OPTIONS_VERSION, &err);
    options.max_in_flight = 0;
    assert_ot_error(ot_curl_http_new(&port, &options, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "max_in_flight");
    options.max_in_flight = 4;
    options.connect_timeout_ms = 0;
    assert_ot_error(ot_curl_http_new(&port, &options, &err), OT_EINVAL, err);
    options.connect_timeout_ms = 1000;
    options.default_timeout_ms = -1;
    assert_ot_error(ot_curl_http_new(&port, &options, &err), OT_EINVAL, err);
    options.default_timeout_ms = 1000;
    options.max_response_bytes = 0;
    assert_ot_error(ot_curl_http_new(&port, &options, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "max_response_bytes");
    /* NULL options: the defaults. */
    assert_int_equal(ot_curl_http_new(&port, NULL, &err), 0);
    assert_int_equal(port.version, OT_HTTP_VERSION);
    port.close(port.userdata);

    assert_ot_error(f->port.send_batch(f->port.userdata, NULL, 1, resp, &err), OT_EINVAL, err);
    assert_ot_error(f->port.send_batch(f->port.userdata, reqs, 1, NULL, &err), OT_EINVAL, err);
    assert_ot_error(f->port.send_batch(NULL, reqs, 1, resp, &err), OT_EINVAL, err);
    resp[0] = NULL;
    assert_ot_error(f->port.send_batch(f->port.userdata, reqs, 1, resp, &err), OT_EINVAL, err);

    /* Bad requests fail one by one, with a code and a message on their response. */
    ot_test_server_url(f->server, "/echo", url, sizeof url);
    ftp.url = "ftp://127.0.0.1/x";
    injected.url = url;
    injected.headers = bad_header;
    injected.header_count = 1;
    named.url = url;
    named.headers = bad_name;
    named.header_count = 1;
    old.url = url;
    old.version = 0;
    send_batch(f, reqs, 5, resp);
    assert_int_equal(ot_http_response_error_code(resp[0]), OT_EINVAL);
    assert_int_equal(ot_http_response_error_code(resp[1]), OT_EINVAL);
    assert_int_equal(ot_http_response_error_code(resp[2]), OT_EINVAL);
    assert_int_equal(ot_http_response_error_code(resp[3]), OT_EVERSION);
    assert_int_equal(ot_http_response_error_code(resp[4]), OT_EINVAL);
    for (i = 0; i < 5; i++) {
        assert_int_equal(ot_http_response_status(resp[i]), 0);
        assert_string_not_equal(ot_http_response_error_message(resp[i]), "");
    }
    free_all(resp, 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_batch_with_concurrency_limit_and_reuse, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_headers_and_body_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_per_request_timeout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_oversized_body_is_limited, setup, teardown),
        cmocka_unit_test_setup_teardown(test_transport_failures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_client_retries_over_curl, setup, teardown),
        cmocka_unit_test_setup_teardown(test_client_shared_by_threads, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_input, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
