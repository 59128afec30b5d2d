/* The resilient HTTP client against a fake port with scripted answers, a fake clock and an
 * injected random source: no test sleeps and none touches the network. */
#include <stdio.h>
#include <stdlib.h>

#include "test_util.h"
#include <ordertrack/sys/clock.h>
#include <ordertrack/sys/http.h>
#include "base/alloc_internal.h"
#include "http/http_internal.h"

#define T0 1795435200000LL /* 2026-11-23T12:00:00Z */
#define MAX_RULES 8
#define MAX_STEPS 8
#define MAX_CALLS 64

struct step {
    int status;              /* > 0: an HTTP answer */
    int error;               /* else this transport error */
    const char *retry_after; /* Retry-After header, or NULL */
};

/* Answers for URLs starting with `prefix`, in order; the last one repeats. */
struct rule {
    const char *prefix;
    struct step steps[MAX_STEPS];
    size_t count, next;
};

struct fake {
    struct rule rules[MAX_RULES];
    size_t rule_count;
    int batch_rc;                    /* returned by send_batch without filling when < 0 */
    int64_t latency_ms;              /* the fake clock advances this much per batch */
    /* log */
    size_t calls, batches;
    size_t batch_sizes[MAX_CALLS];
    char urls[MAX_CALLS][96];
    int64_t timeouts[MAX_CALLS];
    int closed;
    /* clock, sleep, random */
    int64_t now;
    int64_t sleeps[MAX_CALLS];
    size_t sleep_count;
    uint32_t random;
};

static void rule(struct fake *f, const char *prefix, const struct step *steps, size_t count)
{
    struct rule *r = &f->rules[f->rule_count++];
    r->prefix = prefix;
    memcpy(r->steps, steps, count * sizeof *steps);
    r->count = count;
}

static int fake_send(void *userdata, const ot_http_request *const *requests, size_t n,
                     ot_http_response *const *responses, ot_error *err)
{
    struct fake *f = userdata;
    size_t i, j;

    f->batch_sizes[f->batches++] = n;
    f->now += f->latency_ms;
    if (f->batch_rc < 0) {
        f->calls += n;
        ot_error_clear(err);
        err->code = f->batch_rc;
        snprintf(err->message, sizeof err->message, "fake batch failure");
        return f->batch_rc;
    }
    for (i = 0; i < n; i++) {
        const struct step *s = NULL;
        assert_true(f->calls < MAX_CALLS);
        assert_null(requests[i]->fallback);
        snprintf(f->urls[f->calls], sizeof f->urls[0], "%s", requests[i]->url);
        f->timeouts[f->calls] = requests[i]->timeout_ms;
        f->calls++;
        for (j = 0; j < f->rule_count && !s; j++) {
            struct rule *r = &f->rules[j];
            if (strncmp(requests[i]->url, r->prefix, strlen(r->prefix)) == 0) {
                s = &r->steps[r->next];
                if (r->next + 1 < r->count)
                    r->next++;
            }
        }
        assert_non_null(s);
        /* Setters fail only when an allocation does (test_allocation_failures). */
        if (s->status > 0) {
            if (ot_http_response_set_status(responses[i], s->status, err) != 0
                || (s->retry_after
                    && ot_http_response_add_header(responses[i], "Retry-After", 11,
                                                   s->retry_after, strlen(s->retry_after),
                                                   err) != 0)
                || ot_http_response_append_body(responses[i], "ok", 2, err) != 0)
                return err->code;
        } else {
            assert_int_equal(ot_http_response_set_error(responses[i], s->error, "scripted",
                                                        NULL), 0);
        }
    }
    return 0;
}

static void fake_close(void *userdata)
{
    ((struct fake *)userdata)->closed++;
}

static int64_t fake_now(void *userdata)
{
    return ((struct fake *)userdata)->now;
}

static void fake_sleep(int64_t ms, void *userdata)
{
    struct fake *f = userdata;
    assert_true(ms > 0);
    f->sleeps[f->sleep_count++] = ms;
    f->now += ms;
}

static uint32_t fake_random(void *userdata)
{
    return ((struct fake *)userdata)->random;
}

static ot_http_policy policy_default(void)
{
    ot_http_policy p = OT_HTTP_POLICY_INIT;
    p.breaker_threshold = 0;
    return p;
}

static ot_http_client *client_for(struct fake *f, const ot_http_policy *policy)
{
    ot_http port = OT_HTTP_INIT;
    ot_http_hooks hooks = OT_HTTP_HOOKS_INIT;
    ot_http_client *client = NULL;
    ot_error err;

    f->now = T0;
    if (f->random == 0)
        f->random = UINT32_MAX;
    port.userdata = f;
    port.send_batch = fake_send;
    port.close = fake_close;
    hooks.userdata = f;
    hooks.now_ms = fake_now;
    hooks.sleep_ms = fake_sleep;
    hooks.random = fake_random;
    if (ot_http_client_new(&client, &port, policy, &hooks, &err) != 0)
        fail_msg("ot_http_client_new: %s", err.message);
    return client;
}

/* Send one request; return its response (caller frees). */
static ot_http_response *send_one(ot_http_client *client, const ot_http_request *req)
{
    const ot_http_request *reqs[1];
    ot_http_response *resp[1];
    ot_error err;
    reqs[0] = req;
    if (ot_http_client_send(client, reqs, 1, resp, &err) != 0)
        fail_msg("ot_http_client_send: %s", err.message);
    assert_non_null(resp[0]);
    return resp[0];
}

static ot_http_request get(const char *url)
{
    ot_http_request r = OT_HTTP_REQUEST_INIT;
    r.url = url;
    return r;
}

static void test_backoff_with_full_jitter(void **state)
{
    struct fake f = {0};
    const struct step steps[] = {{503, 0, NULL}, {503, 0, NULL}, {200, 0, NULL}};
    ot_http_policy p = policy_default();
    ot_http_request req = get("http://a.example/track");
    ot_http_client *client;
    ot_http_response *resp;
    (void)state;

    rule(&f, "http://a.example/", steps, 3);
    client = client_for(&f, &p);
    resp = send_one(client, &req);
    assert_int_equal(ot_http_response_status(resp), 200);
    assert_int_equal(ot_http_response_attempts(resp), 3);
    assert_int_equal(ot_http_response_fallback_used(resp), 0);
    /* random at its maximum: the whole cap, 100 then 200 ms. */
    assert_int_equal(f.sleep_count, 2);
    assert_int_equal(f.sleeps[0], 100);
    assert_int_equal(f.sleeps[1], 200);
    ot_http_response_free(resp);
    ot_http_client_free(client);
    assert_int_equal(f.closed, 1);

    /* Half the random range: half the cap. */
    memset(&f, 0, sizeof f);
    rule(&f, "http://a.example/", steps, 3);
    f.random = 0x80000000u;
    client = client_for(&f, &p);
    resp = send_one(client, &req);
    assert_int_equal(ot_http_response_status(resp), 200);
    assert_int_equal(f.sleeps[0], 50);
    assert_int_equal(f.sleeps[1], 100);
    ot_http_response_free(resp);
    ot_http_client_free(client);
}

static void test_attempts_and_delay_bounded(void **state)
{
    struct fake f = {0};
    const struct step steps[] = {{500, 0, NULL}};
    ot_http_policy p = policy_default();
    ot_http_request req = get("http://a.example/x");
    ot_http_client *client;
    ot_http_response *resp;
    (void)state;

    p.max_attempts = 4;
    p.max_delay_ms = 250;
    rule(&f, "http://a.example/", steps, 1);
    client = client_for(&f, &p);
    resp = send_one(client, &req);
    assert_int_equal(ot_http_response_status(resp), 500);
    assert_int_equal(ot_http_response_attempts(resp), 4);
    assert_int_equal(f.calls, 4);
    assert_int_equal(f.sleep_count, 3);
    assert_int_equal(f.sleeps[0], 100);
    assert_int_equal(f.sleeps[1], 200);
    assert_int_equal(f.sleeps[2], 250);
    ot_http_response_free(resp);
    ot_http_client_free(client);

    /* The exponent is bounded by the delay arithmetic too. */
    assert_int_equal(ot__http_backoff_ms(60, 100, 10000, UINT32_MAX), 10000);
    assert_int_equal(ot__http_backoff_ms(1, 100, 10000, 0), 0);
    assert_int_equal(ot__http_backoff_ms(1, 0, 10000, UINT32_MAX), 0);
}

static void test_total_time_bounded_and_timeout_clipped(void **state)
{
    struct fake f = {0};
    const struct step steps[] = {{502, 0, NULL}};
    ot_http_policy p = policy_default();
    ot_http_request req = get("http://a.example/x");
    ot_http_client *client;
    ot_http_response *resp;
    (void)state;

    p.max_attempts = 10;
    p.max_total_ms = 250;
    req.timeout_ms = 5000;
    f.latency_ms = 100;
    rule(&f, "http://a.example/", steps, 1);
    client = client_for(&f, &p);
    resp = send_one(client, &req);
    /* t=0 try (100 ms), sleep 100, t=200 try with 50 ms left, t=300: a 200 ms wait would
     * end past the budget, so the 502 is final. */
    assert_int_equal(ot_http_response_status(resp), 502);
    assert_int_equal(f.calls, 2);
    assert_int_equal(f.timeouts[0], 250);
    assert_int_equal(f.timeouts[1], 50);
    ot_http_response_free(resp);
    ot_http_client_free(client);
}

static void test_retry_after_honoured(void **state)
{
    struct fake f = {0};
    const struct step seconds[] = {{429, 0, "2"}, {200, 0, NULL}};
    const struct step date[] = {{503, 0, "Mon, 23 Nov 2026 12:00:05 GMT"}, {200, 0, NULL}};
    const struct step too_long[] = {{429, 0, "3600"}, {200, 0, NULL}};
    ot_http_policy p = policy_default();
    ot_http_request a = get("http://a.example/x"), b = get("http://b.example/x");
    ot_http_request c = get("http://c.example/x");
    ot_http_client *client;
    ot_http_response *resp;
    (void)state;

    rule(&f, "http://a.example/", seconds, 2);
    rule(&f, "http://b.example/", date, 2);
    rule(&f, "http://c.example/", too_long, 2);
    client = client_for(&f, &p);

    resp = send_one(client, &a);
    assert_int_equal(ot_http_response_status(resp), 200);
    assert_int_equal(f.sleeps[0], 2000);
    ot_http_response_free(resp);

    f.now = T0; /* the date is 5 s after T0 */
    resp = send_one(client, &b);
    assert_int_equal(ot_http_response_status(resp), 200);
    assert_int_equal(f.sleeps[1], 5000);
    ot_http_response_free(resp);

    /* Longer than max_retry_after_ms (60 s): the 429 is returned, not waited for. */
    resp = send_one(client, &c);
    assert_int_equal(ot_http_response_status(resp), 429);
    assert_int_equal(ot_http_response_attempts(resp), 1);
    assert_string_equal(ot_http_response_header(resp, "retry-after"), "3600");
    assert_int_equal(f.sleep_count, 2);
    ot_http_response_free(resp);
    ot_http_client_free(client);
}

static void test_retry_after_parsing(void **state)
{
    (void)state;
    assert_int_equal(ot__http_retry_after_ms("120", T0), 120000);
    assert_int_equal(ot__http_retry_after_ms(" 3 ", T0), 3000);
    assert_int_equal(ot__http_retry_after_ms("0", T0), 0);
    assert_int_equal(ot__http_retry_after_ms("-1", T0), -1);
    assert_int_equal(ot__http_retry_after_ms("3s", T0), -1);
    assert_int_equal(ot__http_retry_after_ms("", T0), -1);
    assert_int_equal(ot__http_retry_after_ms(NULL, T0), -1);
    assert_int_equal(ot__http_retry_after_ms("Mon, 23 Nov 2026 12:01:00 GMT", T0), 60000);
    /* RFC 9110's example date, long past: no wait. */
    assert_int_equal(ot__http_retry_after_ms("Sun, 06 Nov 1994 08:49:37 GMT", T0), 0);
    assert_int_equal(ot__http_retry_after_ms("Sun, 06 Nov 1994 08:49:37 GMT", 784111777000LL
                                             - 1000), 1000);
    assert_int_equal(ot__http_retry_after_ms("Sun, 06 Xyz 1994 08:49:37 GMT", T0), -1);
    assert_int_equal(ot__http_retry_after_ms("Sunday, 06-Nov-94 08:49:37 GMT", T0), -1);
    assert_true(ot__http_retry_after_ms("99999999999999999999", T0) > 0);
}

static void test_host_keys(void **state)
{
    char key[OT__HTTP_HOST_KEY_SIZE];
    (void)state;
    assert_int_equal(ot__http_host_key(key, sizeof key, "http://Example.COM/x"), 0);
    assert_string_equal(key, "example.com:80");
    assert_int_equal(ot__http_host_key(key, sizeof key, "HTTPS://user:pw@h.io:8443?q=1"), 0);
    assert_string_equal(key, "h.io:8443");
    assert_int_equal(ot__http_host_key(key, sizeof key, "https://h.io"), 0);
    assert_string_equal(key, "h.io:443");
    assert_int_equal(ot__http_host_key(key, sizeof key, "http://[::1]:9/"), 0);
    assert_string_equal(key, "[::1]:9");
    assert_int_equal(ot__http_host_key(key, sizeof key, "http:///x"), OT_EINVAL);
    assert_int_equal(ot__http_host_key(key, sizeof key, "ftp://h.io/"), OT_EINVAL);
    assert_int_equal(ot__http_host_key(key, sizeof key, "h.io"), OT_EINVAL);
    assert_int_equal(ot__http_host_key(key, 4, "http://h.io/"), OT_EINVAL);
    assert_int_equal(ot__http_host_key(key, sizeof key, NULL), OT_EINVAL);
}

static void test_only_idempotent_requests_retried(void **state)
{
    struct fake f = {0};
    const struct step fail[] = {{503, 0, NULL}, {200, 0, NULL}};
    const struct step refused[] = {{0, OT_EHTTP, NULL}, {200, 0, NULL}};
    ot_http_policy p = policy_default();
    ot_http_request post = get("http://a.example/orders");
    ot_http_request post_refused = get("http://c.example/orders");
    ot_http_request marked = get("http://b.example/orders");
    ot_http_request put = get("http://d.example/orders/1");
    ot_http_client *client;
    ot_http_response *resp;
    (void)state;

    post.method = "POST";
    post_refused.method = "POST";
    marked.method = "POST";
    marked.flags = OT_HTTP_REQUEST_IDEMPOTENT;
    put.method = "PUT";
    rule(&f, "http://a.example/", fail, 2);
    rule(&f, "http://b.example/", fail, 2);
    rule(&f, "http://c.example/", refused, 2);
    rule(&f, "http://d.example/", fail, 2);
    client = client_for(&f, &p);

    resp = send_one(client, &post);
    assert_int_equal(ot_http_response_status(resp), 503);
    assert_int_equal(ot_http_response_attempts(resp), 1);
    ot_http_response_free(resp);

    resp = send_one(client, &post_refused);
    assert_int_equal(ot_http_response_status(resp), 0);
    assert_int_equal(ot_http_response_error_code(resp), OT_EHTTP);
    assert_int_equal(ot_http_response_attempts(resp), 1);
    ot_http_response_free(resp);

    resp = send_one(client, &marked);
    assert_int_equal(ot_http_response_status(resp), 200);
    assert_int_equal(ot_http_response_attempts(resp), 2);
    ot_http_response_free(resp);

    resp = send_one(client, &put);
    assert_int_equal(ot_http_response_status(resp), 200);
    assert_int_equal(ot_http_response_attempts(resp), 2);
    ot_http_response_free(resp);
    ot_http_client_free(client);
}

static void test_transport_errors_retried_others_not(void **state)
{
    struct fake f = {0};
    const struct step transient[] = {{0, OT_ETIMEOUT, NULL}, {0, OT_EHTTP, NULL},
                                     {200, 0, NULL}};
    const struct step final[] = {{0, OT_ELIMIT, NULL}};
    const struct step client_error[] = {{404, 0, NULL}};
    const struct step not_impl[] = {{501, 0, NULL}};
    ot_http_policy p = policy_default();
    ot_http_request a = get("http://a.example/"), b = get("http://b.example/");
    ot_http_request c = get("http://c.example/"), d = get("http://d.example/");
    const ot_http_request *reqs[4];
    ot_http_response *resp[4];
    ot_http_client *client;
    ot_error err;
    size_t i;
    (void)state;

    rule(&f, "http://a.example/", transient, 3);
    rule(&f, "http://b.example/", final, 1);
    rule(&f, "http://c.example/", client_error, 1);
    rule(&f, "http://d.example/", not_impl, 1);
    client = client_for(&f, &p);
    reqs[0] = &a;
    reqs[1] = &b;
    reqs[2] = &c;
    reqs[3] = &d;
    assert_int_equal(ot_http_client_send(client, reqs, 4, resp, &err), 0);
    assert_int_equal(ot_http_response_status(resp[0]), 200);
    assert_int_equal(ot_http_response_attempts(resp[0]), 3);
    assert_int_equal(ot_http_response_error_code(resp[1]), OT_ELIMIT);
    assert_int_equal(ot_http_response_attempts(resp[1]), 1);
    assert_int_equal(ot_http_response_status(resp[2]), 404);
    assert_int_equal(ot_http_response_attempts(resp[2]), 1);
    assert_int_equal(ot_http_response_status(resp[3]), 501);
    assert_int_equal(ot_http_response_attempts(resp[3]), 1);
    /* One batch of four, then the single retries. */
    assert_int_equal(f.batches, 3);
    assert_int_equal(f.batch_sizes[0], 4);
    assert_int_equal(f.batch_sizes[1], 1);
    assert_int_equal(f.batch_sizes[2], 1);
    for (i = 0; i < 4; i++)
        ot_http_response_free(resp[i]);
    ot_http_client_free(client);
}

static void test_port_batch_failure(void **state)
{
    struct fake f = {0};
    ot_http_policy p = policy_default();
    ot_http_request a = get("http://a.example/");
    ot_http_client *client;
    ot_http_response *resp;
    (void)state;

    f.batch_rc = OT_ENOMEM;
    client = client_for(&f, &p);
    resp = send_one(client, &a);
    assert_int_equal(ot_http_response_status(resp), 0);
    assert_int_equal(ot_http_response_error_code(resp), OT_ENOMEM);
    assert_string_equal(ot_http_response_error_message(resp), "fake batch failure");
    ot_http_response_free(resp);
    ot_http_client_free(client);
}

static void test_breaker_opens_probes_and_closes(void **state)
{
    struct fake f = {0};
    const struct step steps[] = {{500, 0, NULL}, {0, OT_EHTTP, NULL}, {503, 0, NULL},
                                 {500, 0, NULL}, {200, 0, NULL}};
    const struct step other[] = {{200, 0, NULL}};
    ot_http_policy p = policy_default();
    ot_http_request a = get("http://a.example:8080/x"), b = get("http://b.example/x");
    const ot_http_request *reqs[2];
    ot_http_response *resp[2];
    ot_http_client *client;
    ot_error err;
    int i;
    (void)state;

    p.max_attempts = 1;
    p.breaker_threshold = 3;
    p.breaker_cooldown_ms = 1000;
    rule(&f, "http://a.example:8080/", steps, 5);
    rule(&f, "http://b.example/", other, 1);
    client = client_for(&f, &p);

    for (i = 0; i < 3; i++) {
        assert_int_equal(ot_http_client_breaker_state(client, a.url, &err),
                         OT_HTTP_BREAKER_CLOSED);
        ot_http_response_free(send_one(client, &a));
    }
    assert_int_equal(ot_http_client_breaker_state(client, "http://A.example:8080/other", &err),
                     OT_HTTP_BREAKER_OPEN);
    /* Open: fail fast without calling the port; other hosts are unaffected. */
    resp[0] = send_one(client, &a);
    assert_int_equal(ot_http_response_error_code(resp[0]), OT_EUNAVAILABLE);
    assert_int_equal(ot_http_response_attempts(resp[0]), 0);
    assert_non_null(strstr(ot_http_response_error_message(resp[0]), "a.example:8080"));
    assert_int_equal(f.calls, 3);
    ot_http_response_free(resp[0]);
    resp[0] = send_one(client, &b);
    assert_int_equal(ot_http_response_status(resp[0]), 200);
    ot_http_response_free(resp[0]);

    /* After the cool-down one probe goes through; it fails: open again. */
    f.now += 1000;
    resp[0] = send_one(client, &a);
    assert_int_equal(ot_http_response_status(resp[0]), 500);
    assert_int_equal(ot_http_client_breaker_state(client, a.url, &err), OT_HTTP_BREAKER_OPEN);
    ot_http_response_free(resp[0]);
    f.now += 999;
    resp[0] = send_one(client, &a);
    assert_int_equal(ot_http_response_error_code(resp[0]), OT_EUNAVAILABLE);
    ot_http_response_free(resp[0]);

    /* Half-open admits a single probe: the second request of the batch fails fast. The
     * probe succeeds, so the breaker closes. */
    f.now += 1;
    reqs[0] = &a;
    reqs[1] = &a;
    assert_int_equal(ot_http_client_send(client, reqs, 2, resp, &err), 0);
    assert_int_equal(ot_http_response_status(resp[0]), 200);
    assert_int_equal(ot_http_response_error_code(resp[1]), OT_EUNAVAILABLE);
    assert_int_equal(ot_http_client_breaker_state(client, a.url, &err), OT_HTTP_BREAKER_CLOSED);
    ot_http_response_free(resp[0]);
    ot_http_response_free(resp[1]);
    resp[0] = send_one(client, &a);
    assert_int_equal(ot_http_response_status(resp[0]), 200);
    ot_http_response_free(resp[0]);
    ot_http_client_free(client);
}

static void test_breaker_counts_consecutive_failures_only(void **state)
{
    struct fake f = {0};
    const struct step steps[] = {{500, 0, NULL}, {500, 0, NULL}, {404, 0, NULL},
                                 {500, 0, NULL}, {500, 0, NULL}, {429, 0, NULL}};
    ot_http_policy p = policy_default();
    ot_http_request a = get("http://a.example/x");
    ot_http_client *client;
    ot_error err;
    int i;
    (void)state;

    p.max_attempts = 1;
    p.breaker_threshold = 3;
    rule(&f, "http://a.example/", steps, 6);
    client = client_for(&f, &p);
    /* A 404 or a 429 is an answer from a live host: it resets the count. */
    for (i = 0; i < 6; i++)
        ot_http_response_free(send_one(client, &a));
    assert_int_equal(ot_http_client_breaker_state(client, a.url, &err), OT_HTTP_BREAKER_CLOSED);
    ot_http_client_free(client);
}

static void test_open_circuit_keeps_last_answer(void **state)
{
    struct fake f = {0};
    const struct step steps[] = {{503, 0, NULL}, {200, 0, NULL}};
    ot_http_policy p = policy_default();
    ot_http_request a = get("http://a.example/x");
    ot_http_client *client;
    ot_http_response *resp;
    ot_error err;
    (void)state;

    /* The first failure opens the circuit; the retry is refused without a call, and the
     * caller gets the real 503 rather than the open circuit. */
    p.breaker_threshold = 1;
    rule(&f, "http://a.example/", steps, 2);
    client = client_for(&f, &p);
    resp = send_one(client, &a);
    assert_int_equal(ot_http_response_status(resp), 503);
    assert_int_equal(ot_http_response_attempts(resp), 1);
    assert_int_equal(f.calls, 1);
    assert_int_equal(ot_http_client_breaker_state(client, a.url, &err), OT_HTTP_BREAKER_OPEN);
    ot_http_response_free(resp);
    ot_http_client_free(client);
}

static void test_fallback(void **state)
{
    struct fake f = {0};
    const struct step down[] = {{503, 0, NULL}};
    const struct step up[] = {{200, 0, NULL}};
    ot_http_policy p = policy_default();
    ot_http_request secondary = get("http://b.example/track");
    ot_http_request primary = get("http://a.example/track");
    ot_http_request post = get("http://a.example/orders");
    ot_http_client *client;
    ot_http_response *resp;
    ot_error err;
    size_t calls;
    (void)state;

    p.max_attempts = 2;
    p.breaker_threshold = 2;
    primary.fallback = &secondary;
    post.method = "POST";
    post.fallback = &secondary;
    rule(&f, "http://a.example/", down, 1);
    rule(&f, "http://b.example/", up, 1);
    client = client_for(&f, &p);

    /* A non-idempotent request that failed may have taken effect: no fallback. */
    resp = send_one(client, &post);
    assert_int_equal(ot_http_response_status(resp), 503);
    assert_int_equal(ot_http_response_fallback_used(resp), 0);
    ot_http_response_free(resp);

    /* The primary fails twice (opening its breaker), then the fallback answers. */
    resp = send_one(client, &primary);
    assert_int_equal(ot_http_response_status(resp), 200);
    assert_int_equal(ot_http_response_fallback_used(resp), 1);
    assert_int_equal(ot_http_response_attempts(resp), 2);
    assert_string_equal(f.urls[f.calls - 1], "http://b.example/track");
    ot_http_response_free(resp);
    assert_int_equal(ot_http_client_breaker_state(client, primary.url, &err),
                     OT_HTTP_BREAKER_OPEN);

    /* Circuit open: straight to the fallback, the primary is not called; also for POST,
     * since nothing was sent. */
    calls = f.calls;
    resp = send_one(client, &primary);
    assert_int_equal(ot_http_response_status(resp), 200);
    assert_int_equal(ot_http_response_fallback_used(resp), 1);
    assert_int_equal(f.calls, calls + 1);
    ot_http_response_free(resp);
    resp = send_one(client, &post);
    assert_int_equal(ot_http_response_status(resp), 200);
    assert_int_equal(ot_http_response_fallback_used(resp), 1);
    ot_http_response_free(resp);

    /* Without a fallback an open circuit fails fast. */
    post.fallback = NULL;
    resp = send_one(client, &post);
    assert_int_equal(ot_http_response_error_code(resp), OT_EUNAVAILABLE);
    ot_http_response_free(resp);
    ot_http_client_free(client);
}

static void test_response_object(void **state)
{
    ot_http_response *r;
    const char *name, *value, *body;
    size_t len;
    ot_error err;
    (void)state;

    assert_int_equal(ot_http_response_new(&r, &err), 0);
    assert_int_equal(ot_http_response_status(r), 0);
    assert_int_equal(ot_http_response_error_code(r), 0);
    assert_string_equal(ot_http_response_error_message(r), "");
    assert_string_equal(ot_http_response_body(r, &len), "");
    assert_int_equal(len, 0);
    assert_int_equal(ot_http_response_set_status(r, 201, &err), 0);
    assert_int_equal(ot_http_response_add_header(r, "Content-Type", 12, "text/plain", 10, &err), 0);
    assert_int_equal(ot_http_response_add_header(r, "X-Empty", 7, NULL, 0, &err), 0);
    assert_int_equal(ot_http_response_add_header(r, "content-type", 12, "second", 6, &err), 0);
    assert_int_equal(ot_http_response_append_body(r, "hello ", 6, &err), 0);
    assert_int_equal(ot_http_response_append_body(r, "world\0!", 7, &err), 0);
    assert_int_equal(ot_http_response_header_count(r), 3);
    assert_string_equal(ot_http_response_header(r, "CONTENT-TYPE"), "text/plain");
    assert_string_equal(ot_http_response_header(r, "x-empty"), "");
    assert_null(ot_http_response_header(r, "Content"));
    assert_int_equal(ot_http_response_header_at(r, 2, &name, &value, &err), 0);
    assert_string_equal(name, "content-type");
    assert_string_equal(value, "second");
    body = ot_http_response_body(r, &len);
    assert_int_equal(len, 13);
    assert_memory_equal(body, "hello world\0!", 13);
    assert_int_equal(ot_http_response_set_error(r, OT_ETIMEOUT, NULL, &err), 0);
    assert_int_equal(ot_http_response_status(r), 0);
    assert_string_equal(ot_http_response_error_message(r), ot_strerror(OT_ETIMEOUT));
    ot_http_response_reset(r);
    assert_int_equal(ot_http_response_header_count(r), 0);
    assert_int_equal(ot_http_response_error_code(r), 0);
    ot_http_response_free(r);
    ot_http_response_free(NULL);
    ot_http_response_reset(NULL);
}

/* Hooks of version 2 take the clock port: the retry waits go through its sleep_ms (the
 * random source may be left to the default, test_init_functions; fixed here so that no wait
 * draws 0 ms); now_ms or sleep_ms beside a clock is refused. */
static void clock_sleep(void *userdata, int64_t ms)
{
    fake_sleep(ms, userdata);
}

static void test_clock_port_hooks(void **state)
{
    struct fake f = {0};
    const struct step steps[] = {{503, 0, NULL}, {503, 0, NULL}, {200, 0, NULL}};
    ot_http port = OT_HTTP_INIT;
    ot_http_policy p = policy_default();
    ot_http_hooks hooks = OT_HTTP_HOOKS_INIT;
    ot_clock clock = OT_CLOCK_INIT;
    ot_http_request req = get("http://a.example/track");
    ot_http_client *client = NULL;
    ot_http_response *resp;
    ot_error err;
    (void)state;

    rule(&f, "http://a.example/", steps, 3);
    f.now = T0;
    port.userdata = &f;
    port.send_batch = fake_send;
    port.close = fake_close;
    clock.userdata = &f;
    clock.now_ms = fake_now;
    clock.sleep_ms = clock_sleep;
    hooks.clock = &clock;
    /* a fixed jitter: the default generator may draw a wait of 0 ms, which sleeps nothing */
    hooks.userdata = &f;
    hooks.random = fake_random;
    f.random = 0x80000000u;
    assert_int_equal(ot_http_client_new(&client, &port, &p, &hooks, &err), 0);
    clock.now_ms = NULL; /* copied: the client keeps its own */
    resp = send_one(client, &req);
    assert_int_equal(ot_http_response_status(resp), 200);
    assert_int_equal(ot_http_response_attempts(resp), 3);
    assert_int_equal(f.sleep_count, 2); /* both waits on the clock, none on the system */
    assert_true(f.sleeps[0] > 0 && f.sleeps[0] <= 100);
    assert_true(f.sleeps[1] > 0 && f.sleeps[1] <= 200);
    assert_true(f.now >= T0 + f.sleeps[0] + f.sleeps[1]);
    ot_http_response_free(resp);
    ot_http_client_free(client);

    clock.now_ms = fake_now;
    hooks.now_ms = fake_now;
    assert_ot_error(ot_http_client_new(&client, &port, &p, &hooks, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "now_ms");
    hooks.now_ms = NULL;
    hooks.sleep_ms = fake_sleep;
    assert_ot_error(ot_http_client_new(&client, &port, &p, &hooks, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "sleep_ms");
    hooks.sleep_ms = NULL;
    clock.now_ms = NULL;
    assert_ot_error(ot_http_client_new(&client, &port, &p, &hooks, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "clock");
    clock.now_ms = fake_now;
    clock.version = OT_CLOCK_VERSION + 1;
    assert_ot_error(ot_http_client_new(&client, &port, &p, &hooks, &err), OT_EVERSION, err);
    /* version 1 hooks know no clock member: the three hooks are still required */
    clock.version = OT_CLOCK_VERSION;
    hooks.version = 1;
    assert_ot_error(ot_http_client_new(&client, &port, &p, &hooks, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "now_ms");
    assert_null(client);
    assert_int_equal(f.closed, 1);
}

static void test_init_functions(void **state)
{
    ot_http_policy policy, expect = OT_HTTP_POLICY_INIT;
    ot_http_request request;
    ot_http_hooks hooks;
    ot_http port;
    ot_error err;
    (void)state;

    assert_int_equal(ot_http_policy_init(&policy, OT_HTTP_POLICY_VERSION, &err), 0);
    assert_int_equal(policy.max_attempts, expect.max_attempts);
    assert_int_equal(policy.base_delay_ms, expect.base_delay_ms);
    assert_int_equal(policy.max_delay_ms, expect.max_delay_ms);
    assert_int_equal(policy.max_total_ms, expect.max_total_ms);
    assert_int_equal(policy.max_retry_after_ms, expect.max_retry_after_ms);
    assert_int_equal(policy.breaker_threshold, expect.breaker_threshold);
    assert_int_equal(policy.breaker_cooldown_ms, expect.breaker_cooldown_ms);
    assert_int_equal(ot_http_request_init(&request, OT_HTTP_REQUEST_VERSION, &err), 0);
    assert_int_equal(request.version, OT_HTTP_REQUEST_VERSION);
    assert_null(request.url);
    assert_int_equal(ot_http_hooks_init(&hooks, OT_HTTP_HOOKS_VERSION, &err), 0);
    assert_null(hooks.random);
    assert_int_equal(ot_http_init(&port, OT_HTTP_VERSION, &err), 0);
    assert_null(port.send_batch);

    assert_ot_error(ot_http_policy_init(NULL, 1, &err), OT_EINVAL, err);
    assert_ot_error(ot_http_policy_init(&policy, 0, &err), OT_EVERSION, err);
    assert_ot_error(ot_http_policy_init(&policy, OT_HTTP_POLICY_VERSION + 1, &err), OT_EVERSION,
                    err);
    assert_ot_error(ot_http_request_init(NULL, 1, &err), OT_EINVAL, err);
    assert_ot_error(ot_http_request_init(&request, 0, &err), OT_EVERSION, err);
    assert_ot_error(ot_http_request_init(&request, 2, &err), OT_EVERSION, err);
    assert_ot_error(ot_http_hooks_init(NULL, 1, &err), OT_EINVAL, err);
    assert_ot_error(ot_http_hooks_init(&hooks, 0, &err), OT_EVERSION, err);
    assert_ot_error(ot_http_hooks_init(&hooks, OT_HTTP_HOOKS_VERSION + 1, &err), OT_EVERSION, err);
    assert_ot_error(ot_http_init(NULL, 1, &err), OT_EINVAL, err);
    assert_ot_error(ot_http_init(&port, 0, &err), OT_EVERSION, err);
    assert_ot_error(ot_http_init(&port, OT_HTTP_VERSION + 1, &err), OT_EVERSION, err);
}

static void test_bad_input(void **state)
{
    struct fake f = {0};
    ot_http port = OT_HTTP_INIT;
    ot_http_policy policy = OT_HTTP_POLICY_INIT;
    ot_http_hooks hooks = OT_HTTP_HOOKS_INIT;
    ot_http_client *client;
    ot_http_request req = get("http://a.example/"), fb = get("http://b.example/");
    ot_http_header headers[1] = {{"X-A", NULL}};
    const ot_http_request *reqs[1];
    ot_http_response *resp[1], *r;
    const char *name, *value;
    ot_error err;
    (void)state;

    port.userdata = &f;
    port.send_batch = fake_send;
    port.close = fake_close;
    assert_ot_error(ot_http_client_new(NULL, &port, NULL, NULL, &err), OT_EINVAL, err);
    assert_ot_error(ot_http_client_new(&client, NULL, NULL, NULL, &err), OT_EINVAL, err);
    assert_null(client);
    port.version = 0;
    assert_ot_error(ot_http_client_new(&client, &port, NULL, NULL, &err), OT_EVERSION, err);
    port.version = OT_HTTP_VERSION + 1;
    assert_ot_error(ot_http_client_new(&client, &port, NULL, NULL, &err), OT_EVERSION, err);
    port.version = OT_HTTP_VERSION;
    port.send_batch = NULL;
    assert_ot_error(ot_http_client_new(&client, &port, NULL, NULL, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "send_batch");
    port.send_batch = fake_send;
    policy.version = 99;
    assert_ot_error(ot_http_client_new(&client, &port, &policy, NULL, &err), OT_EVERSION, err);
    policy.version = OT_HTTP_POLICY_VERSION;
    policy.max_attempts = 0;
    assert_ot_error(ot_http_client_new(&client, &port, &policy, NULL, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "max_attempts");
    policy.max_attempts = 3;
    policy.base_delay_ms = -1;
    assert_ot_error(ot_http_client_new(&client, &port, &policy, NULL, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "base_delay_ms");
    policy.base_delay_ms = 100;
    policy.breaker_cooldown_ms = 365LL * 24 * 3600 * 1000;
    assert_ot_error(ot_http_client_new(&client, &port, &policy, NULL, &err), OT_EINVAL, err);
    policy.breaker_cooldown_ms = 1000;
    hooks.now_ms = fake_now;
    hooks.sleep_ms = fake_sleep;
    assert_ot_error(ot_http_client_new(&client, &port, &policy, &hooks, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "random");
    hooks.version = 0;
    assert_ot_error(ot_http_client_new(&client, &port, &policy, &hooks, &err), OT_EVERSION, err);
    assert_int_equal(f.closed, 0); /* a refused port stays the caller's */

    /* Default hooks (real clock), a working client. */
    assert_int_equal(ot_http_client_new(&client, &port, &policy, NULL, &err), 0);
    reqs[0] = &req;
    assert_ot_error(ot_http_client_send(NULL, reqs, 1, resp, &err), OT_EINVAL, err);
    assert_ot_error(ot_http_client_send(client, reqs, 1, NULL, &err), OT_EINVAL, err);
    assert_ot_error(ot_http_client_send(client, NULL, 1, resp, &err), OT_EINVAL, err);
    reqs[0] = NULL;
    assert_ot_error(ot_http_client_send(client, reqs, 1, resp, &err), OT_EINVAL, err);
    assert_null(resp[0]);
    reqs[0] = &req;
    req.version = 0;
    assert_ot_error(ot_http_client_send(client, reqs, 1, resp, &err), OT_EVERSION, err);
    req.version = OT_HTTP_REQUEST_VERSION + 1;
    assert_ot_error(ot_http_client_send(client, reqs, 1, resp, &err), OT_EVERSION, err);
    req.version = OT_HTTP_REQUEST_VERSION;
    req.url = NULL;
    assert_ot_error(ot_http_client_send(client, reqs, 1, resp, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "url");
    req.url = "ftp://a.example/";
    assert_ot_error(ot_http_client_send(client, reqs, 1, resp, &err), OT_EINVAL, err);
    req.url = "http://a.example/";
    req.method = "GET /evil";
    assert_ot_error(ot_http_client_send(client, reqs, 1, resp, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "method");
    req.method = NULL;
    req.header_count = 1;
    assert_ot_error(ot_http_client_send(client, reqs, 1, resp, &err), OT_EINVAL, err);
    req.headers = headers;
    assert_ot_error(ot_http_client_send(client, reqs, 1, resp, &err), OT_EINVAL, err);
    req.header_count = 0;
    req.body_length = 3;
    assert_ot_error(ot_http_client_send(client, reqs, 1, resp, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "body");
    req.body_length = 0;
    req.timeout_ms = -5;
    assert_ot_error(ot_http_client_send(client, reqs, 1, resp, &err), OT_EINVAL, err);
    req.timeout_ms = 0;
    fb.url = "mailto:x";
    req.fallback = &fb;
    assert_ot_error(ot_http_client_send(client, reqs, 1, resp, &err), OT_EINVAL, err);
    assert_non_null(strstr(err.message, "fallback"));
    assert_int_equal(f.calls, 0);
    assert_int_equal(ot_http_client_send(client, reqs, 0, resp, &err), 0);

    assert_ot_error(ot_http_client_breaker_state(NULL, "http://a/", &err), OT_EINVAL, err);
    assert_ot_error(ot_http_client_breaker_state(client, "a.example", &err), OT_EINVAL, err);
    assert_ot_error(ot_http_client_breaker_state(client, NULL, &err), OT_EINVAL, err);
    ot_http_client_free(client);
    assert_int_equal(f.closed, 1);
    ot_http_client_free(NULL);

    /* Responses. */
    assert_ot_error(ot_http_response_new(NULL, &err), OT_EINVAL, err);
    assert_int_equal(ot_http_response_new(&r, &err), 0);
    assert_ot_error(ot_http_response_set_status(NULL, 200, &err), OT_EINVAL, err);
    assert_ot_error(ot_http_response_set_status(r, 99, &err), OT_EINVAL, err);
    assert_ot_error(ot_http_response_set_status(r, 600, &err), OT_EINVAL, err);
    assert_ot_error(ot_http_response_set_error(NULL, OT_EHTTP, "x", &err), OT_EINVAL, err);
    assert_ot_error(ot_http_response_set_error(r, 0, "x", &err), OT_EINVAL, err);
    assert_ot_error(ot_http_response_set_error(r, -999, "x", &err), OT_EINVAL, err);
    assert_ot_error(ot_http_response_add_header(NULL, "a", 1, "b", 1, &err), OT_EINVAL, err);
    assert_ot_error(ot_http_response_add_header(r, NULL, 1, "b", 1, &err), OT_EINVAL, err);
    assert_ot_error(ot_http_response_add_header(r, "a", 0, "b", 1, &err), OT_EINVAL, err);
    assert_ot_error(ot_http_response_add_header(r, "a", 1, NULL, 1, &err), OT_EINVAL, err);
    assert_ot_error(ot_http_response_append_body(NULL, "a", 1, &err), OT_EINVAL, err);
    assert_ot_error(ot_http_response_append_body(r, NULL, 1, &err), OT_EINVAL, err);
    assert_int_equal(ot_http_response_append_body(r, NULL, 0, &err), 0);
    assert_ot_error(ot_http_response_header_at(NULL, 0, &name, &value, &err), OT_EINVAL, err);
    assert_ot_error(ot_http_response_header_at(r, 0, &name, &value, &err), OT_EINVAL, err);
    assert_ot_error(ot_http_response_header_at(r, 0, NULL, &value, &err), OT_EINVAL, err);
    assert_ot_error(ot_http_response_header_at(r, 0, &name, NULL, &err), OT_EINVAL, err);
    assert_null(ot_http_response_header(r, NULL));
    assert_null(ot_http_response_header(NULL, "a"));
    assert_int_equal(ot_http_response_status(NULL), 0);
    assert_int_equal(ot_http_response_error_code(NULL), OT_EINVAL);
    assert_string_not_equal(ot_http_response_error_message(NULL), "");
    assert_string_equal(ot_http_response_body(NULL, NULL), "");
    assert_int_equal(ot_http_response_header_count(NULL), 0);
    assert_int_equal(ot_http_response_attempts(NULL), 0);
    assert_int_equal(ot_http_response_fallback_used(NULL), 0);
    ot_http_response_free(r);
}

/* Fail the n-th allocation, for every n: each call fails cleanly or succeeds. */
static long fail_at, allocations;

static void *failing_malloc(size_t size, void *userdata)
{
    (void)userdata;
    return ++allocations == fail_at ? NULL : malloc(size);
}

static void *failing_realloc(void *ptr, size_t size, void *userdata)
{
    (void)userdata;
    return ++allocations == fail_at ? NULL : realloc(ptr, size);
}

static void plain_free(void *ptr, void *userdata)
{
    (void)userdata;
    free(ptr);
}

static void test_allocation_failures(void **state)
{
    ot_allocator a = OT_ALLOCATOR_INIT;
    const struct step steps[] = {{500, 0, NULL}, {200, 0, NULL}};
    int succeeded = 0;
    (void)state;

    a.malloc = failing_malloc;
    a.realloc = failing_realloc;
    a.free = plain_free;
    assert_int_equal(ot_allocator_set(&a, NULL), 0);
    for (fail_at = 1; !succeeded && fail_at < 200; fail_at++) {
        struct fake f = {0};
        ot_http_policy p = OT_HTTP_POLICY_INIT;
        ot_http_request req = get("http://a.example/x");
        const ot_http_request *reqs[2] = {&req, &req};
        ot_http_response *resp[2];
        ot_http port = OT_HTTP_INIT;
        ot_http_client *client = NULL;
        ot_error err;
        int rc;

        allocations = 0;
        rule(&f, "http://a.example/", steps, 2);
        port.userdata = &f;
        port.send_batch = fake_send;
        p.base_delay_ms = 0;
        p.breaker_threshold = 1;
        p.breaker_cooldown_ms = 0;
        rc = ot_http_client_new(&client, &port, &p, NULL, &err);
        if (rc != 0) {
            assert_int_equal(rc, OT_ENOMEM);
            continue;
        }
        rc = ot_http_client_send(client, reqs, 2, resp, &err);
        if (rc == 0) {
            succeeded = allocations < fail_at;
            ot_http_response_free(resp[0]);
            ot_http_response_free(resp[1]);
        } else {
            assert_int_equal(rc, OT_ENOMEM);
            assert_null(resp[0]);
            assert_null(resp[1]);
        }
        ot_http_client_free(client);
    }
    assert_int_equal(ot_allocator_set(NULL, NULL), 0);
    assert_true(succeeded);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_backoff_with_full_jitter),
        cmocka_unit_test(test_attempts_and_delay_bounded),
        cmocka_unit_test(test_total_time_bounded_and_timeout_clipped),
        cmocka_unit_test(test_retry_after_honoured),
        cmocka_unit_test(test_retry_after_parsing),
        cmocka_unit_test(test_host_keys),
        cmocka_unit_test(test_only_idempotent_requests_retried),
        cmocka_unit_test(test_transport_errors_retried_others_not),
        cmocka_unit_test(test_port_batch_failure),
        cmocka_unit_test(test_breaker_opens_probes_and_closes),
        cmocka_unit_test(test_breaker_counts_consecutive_failures_only),
        cmocka_unit_test(test_open_circuit_keeps_last_answer),
        cmocka_unit_test(test_fallback),
        cmocka_unit_test(test_response_object),
        cmocka_unit_test(test_clock_port_hooks),
        cmocka_unit_test(test_init_functions),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
