/* The resilient HTTP client: retries with backoff, circuit breakers per host, fallbacks. */
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ordertrack/sys/http.h"
#include "common.h"
#include "http/http_internal.h"
#include "base/clock_internal.h"

/* Hosts with a breaker per client; requests to further hosts pass without one. */
#define MAX_BREAKERS 256
/* Upper bound of every duration in a policy: one day. */
#define MAX_POLICY_MS (24LL * 3600 * 1000)
#define MAX_ATTEMPTS 100u

struct breaker {
    char host[OT__HTTP_HOST_KEY_SIZE];
    int state;              /* ot_http_breaker_state */
    unsigned failures;      /* consecutive, while closed */
    int64_t opened_at;
};

struct ot_http_client {
    ot_http port;
    ot_http_policy policy;
    ot_http_hooks hooks;    /* random (now_ms and sleep_ms: through `clock`) */
    ot_clock clock;         /* the given clock, the hooks' now_ms and sleep_ms, or the system */
    pthread_mutex_t lock;   /* guards breakers and rng */
    struct breaker *breakers;
    size_t breaker_count;
    uint64_t rng;
};

enum admission { ADMIT_PASS, ADMIT_PROBE, ADMIT_DENY };
enum outcome { OUTCOME_SUCCESS, OUTCOME_FAILURE, OUTCOME_NEUTRAL };

/* One request of a call to ot_http_client_send, through its attempts and fallback. */
struct slot {
    const ot_http_request *request;  /* the endpoint in use: the primary or its fallback */
    ot_http_request attempt;         /* what the port gets: timeout clipped to the budget */
    char host[OT__HTTP_HOST_KEY_SIZE];
    unsigned attempts;               /* on this endpoint */
    unsigned total_attempts;         /* on both */
    int on_fallback;
    int probe;                       /* this attempt is its host's half-open probe */
    int done;
    int64_t started;                 /* first attempt on this endpoint */
    int64_t due;                     /* next attempt */
};

/* Size of the members a port of `version` has (version 1 ends after `close`). */
static size_t port_size(unsigned version)
{
    return version >= 2 ? sizeof(ot_http) : offsetof(ot_http, send_stream);
}

int ot_http_init(ot_http *http, unsigned version, ot_error *err)
{
    static const ot_http tpl = OT_HTTP_INIT;
    return ot__struct_init(http, version, &tpl, port_size(version), "http", "http port", err);
}

int ot_http_request_init(ot_http_request *request, unsigned version, ot_error *err)
{
    static const ot_http_request tpl = OT_HTTP_REQUEST_INIT;
    return ot__struct_init(request, version, &tpl, sizeof tpl, "request", "http request", err);
}

int ot_http_policy_init(ot_http_policy *policy, unsigned version, ot_error *err)
{
    static const ot_http_policy tpl = OT_HTTP_POLICY_INIT;
    return ot__struct_init(policy, version, &tpl, sizeof tpl, "policy", "http policy", err);
}

/* Size of the members hooks of `version` have. */
static size_t hooks_size(unsigned version)
{
    return version >= 2 ? sizeof(ot_http_hooks) : offsetof(ot_http_hooks, clock);
}

int ot_http_hooks_init(ot_http_hooks *hooks, unsigned version, ot_error *err)
{
    static const ot_http_hooks tpl = OT_HTTP_HOOKS_INIT;
    return ot__struct_init(hooks, version, &tpl, hooks_size(version), "hooks", "http hooks",
                           err);
}

/* The now_ms and sleep_ms of version 1 hooks, as the client's clock. */
static int64_t hooks_now(void *userdata)
{
    const ot_http_client *c = userdata;
    return c->hooks.now_ms(c->hooks.userdata);
}

static void hooks_sleep(void *userdata, int64_t ms)
{
    const ot_http_client *c = userdata;
    c->hooks.sleep_ms(ms, c->hooks.userdata);
}

/* xorshift64* on the client's own state: enough for jitter, never for secrets. */
static uint32_t default_random(void *userdata)
{
    ot_http_client *client = userdata;
    uint64_t x;
    pthread_mutex_lock(&client->lock);
    x = client->rng;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    client->rng = x;
    pthread_mutex_unlock(&client->lock);
    return (uint32_t)((x * 0x2545F4914F6CDD1DULL) >> 32);
}

static int check_ms(ot_error *err, const char *field, int64_t value)
{
    if (value < 0 || value > MAX_POLICY_MS)
        return ot__error_field(err, OT_EINVAL, field,
                               "policy %s %lld ms is outside 0..%lld", field, (long long)value,
                               (long long)MAX_POLICY_MS);
    return 0;
}

static int check_policy(const ot_http_policy *p, ot_error *err)
{
    int rc;
    if ((rc = ot__check_version(p->version, OT_HTTP_POLICY_VERSION, "http policy", err)) != 0)
        return rc;
    if (p->max_attempts < 1 || p->max_attempts > MAX_ATTEMPTS)
        return ot__error_field(err, OT_EINVAL, "max_attempts",
                               "policy max_attempts %u is outside 1..%u", p->max_attempts,
                               MAX_ATTEMPTS);
    if ((rc = check_ms(err, "base_delay_ms", p->base_delay_ms)) != 0
        || (rc = check_ms(err, "max_delay_ms", p->max_delay_ms)) != 0
        || (rc = check_ms(err, "max_total_ms", p->max_total_ms)) != 0
        || (rc = check_ms(err, "max_retry_after_ms", p->max_retry_after_ms)) != 0
        || (rc = check_ms(err, "breaker_cooldown_ms", p->breaker_cooldown_ms)) != 0)
        return rc;
    return 0;
}

static int check_hooks(const ot_http_hooks *h, ot_error *err)
{
    int rc;
    const char *missing;
    if ((rc = ot__check_version(h->version, OT_HTTP_HOOKS_VERSION, "http hooks", err)) != 0)
        return rc;
    if (h->version >= 2 && h->clock) {
        if ((rc = ot__check_version(h->clock->version, OT_CLOCK_VERSION, "clock", err)) != 0)
            return rc;
        if (!h->clock->now_ms)
            return ot__error_field(err, OT_EINVAL, "clock", "the hooks' clock has no now_ms");
        missing = h->now_ms ? "now_ms" : h->sleep_ms ? "sleep_ms" : NULL;
        if (missing)
            return ot__error_field(err, OT_EINVAL, missing,
                                   "http hooks take a clock or now_ms and sleep_ms, not both: "
                                   "%s is set beside the clock", missing);
        return 0;
    }
    missing = !h->now_ms ? "now_ms" : !h->sleep_ms ? "sleep_ms" : !h->random ? "random" : NULL;
    if (missing)
        return ot__error_field(err, OT_EINVAL, missing, "http hooks are missing %s", missing);
    return 0;
}

int ot_http_client_new(ot_http_client **client, const ot_http *port,
                       const ot_http_policy *policy, const ot_http_hooks *hooks, ot_error *err)
{
    static const ot_http_policy default_policy = OT_HTTP_POLICY_INIT;
    ot_http_client *c;
    int rc;

    if (!client)
        return ot__error_field(err, OT_EINVAL, "client", "client is NULL");
    *client = NULL;
    if (!port)
        return ot__error_field(err, OT_EINVAL, "port", "http port is NULL");
    if ((rc = ot__check_version(port->version, OT_HTTP_VERSION, "http port", err)) != 0)
        return rc;
    if (!port->send_batch)
        return ot__error_field(err, OT_EINVAL, "send_batch", "http port has no send_batch");
    if (!policy)
        policy = &default_policy;
    if ((rc = check_policy(policy, err)) != 0)
        return rc;
    if (hooks && (rc = check_hooks(hooks, err)) != 0)
        return rc;

    c = ot__calloc(1, sizeof *c);
    if (!c)
        return ot__error_set(err, OT_ENOMEM, "out of memory allocating an HTTP client");
    if (pthread_mutex_init(&c->lock, NULL) != 0) {
        ot__free(c);
        return ot__error_set(err, OT_ENOMEM, "could not create the HTTP client's mutex");
    }
    memcpy(&c->port, port, port_size(port->version)); /* version 1 is shorter */
    c->policy = *policy;
    if (hooks)
        memcpy(&c->hooks, hooks, hooks_size(hooks->version)); /* version 1 is shorter */
    c->hooks.version = OT_HTTP_HOOKS_VERSION;
    if (hooks && !(hooks->version >= 2 && hooks->clock)) {
        c->clock.version = OT_CLOCK_VERSION;
        c->clock.userdata = c;
        c->clock.now_ms = hooks_now;
        c->clock.sleep_ms = hooks_sleep;
    } else {
        ot__clock_copy(&c->clock, hooks ? hooks->clock : NULL);
    }
    c->hooks.clock = NULL;  /* copied into c->clock */
    if (!c->hooks.random) {
        c->hooks.userdata = c;
        c->hooks.random = default_random;
    }
    c->rng = ((uint64_t)ot_clock_now_ms(NULL) << 20) ^ (uint64_t)(uintptr_t)c ^
             0x9E3779B97F4A7C15ULL;
    if (c->rng == 0)
        c->rng = 1;
    *client = c;
    return 0;
}

void ot_http_client_free(ot_http_client *client)
{
    if (!client)
        return;
    if (client->port.close)
        client->port.close(client->port.userdata);
    pthread_mutex_destroy(&client->lock);
    ot__free(client->breakers);
    ot__free(client);
}

/* Caller holds the lock. */
static struct breaker *breaker_find(ot_http_client *c, const char *host)
{
    size_t i;
    for (i = 0; i < c->breaker_count; i++)
        if (strcmp(c->breakers[i].host, host) == 0)
            return &c->breakers[i];
    return NULL;
}

/* Caller holds the lock. NULL when out of memory or at MAX_BREAKERS: no breaker then. */
static struct breaker *breaker_add(ot_http_client *c, const char *host)
{
    struct breaker *grown, *b;
    if (c->breaker_count == MAX_BREAKERS)
        return NULL;
    grown = ot__realloc(c->breakers, (c->breaker_count + 1) * sizeof *grown);
    if (!grown)
        return NULL;
    c->breakers = grown;
    b = &c->breakers[c->breaker_count++];
    memset(b, 0, sizeof *b);
    ot__strlcpy(b->host, host, sizeof b->host);
    b->state = OT_HTTP_BREAKER_CLOSED;
    return b;
}

static enum admission breaker_admit(ot_http_client *c, const char *host, int64_t now)
{
    struct breaker *b;
    enum admission a = ADMIT_PASS;
    if (c->policy.breaker_threshold == 0)
        return ADMIT_PASS;
    pthread_mutex_lock(&c->lock);
    b = breaker_find(c, host);
    if (b && b->state == OT_HTTP_BREAKER_HALF_OPEN) {
        a = ADMIT_DENY;
    } else if (b && b->state == OT_HTTP_BREAKER_OPEN) {
        if (now - b->opened_at >= c->policy.breaker_cooldown_ms) {
            b->state = OT_HTTP_BREAKER_HALF_OPEN;
            a = ADMIT_PROBE;
        } else {
            a = ADMIT_DENY;
        }
    }
    pthread_mutex_unlock(&c->lock);
    return a;
}

static void breaker_record(ot_http_client *c, const char *host, enum outcome outcome, int probe,
                           int64_t now)
{
    struct breaker *b;
    if (c->policy.breaker_threshold == 0)
        return;
    pthread_mutex_lock(&c->lock);
    b = breaker_find(c, host);
    if (!b && outcome == OUTCOME_FAILURE)
        b = breaker_add(c, host);
    if (b) {
        if (outcome == OUTCOME_SUCCESS) {
            b->state = OT_HTTP_BREAKER_CLOSED;
            b->failures = 0;
        } else if (outcome == OUTCOME_FAILURE && probe) {
            b->state = OT_HTTP_BREAKER_OPEN;
            b->opened_at = now;
        } else if (outcome == OUTCOME_FAILURE && b->state == OT_HTTP_BREAKER_CLOSED) {
            if (++b->failures >= c->policy.breaker_threshold) {
                b->state = OT_HTTP_BREAKER_OPEN;
                b->opened_at = now;
            }
        } else if (probe) {
            /* Inconclusive probe: open again, cool-down already served, so the next
             * request probes at once. */
            b->state = OT_HTTP_BREAKER_OPEN;
        }
    }
    pthread_mutex_unlock(&c->lock);
}

int ot_http_client_breaker_state(ot_http_client *client, const char *url, ot_error *err)
{
    char host[OT__HTTP_HOST_KEY_SIZE];
    struct breaker *b;
    int state;
    if (!client)
        return ot__error_field(err, OT_EINVAL, "client", "client is NULL");
    if (ot__http_host_key(host, sizeof host, url) != 0)
        return ot__error_field(err, OT_EINVAL, "url", "'%s' is not an http(s) URL with a host",
                               url ? url : "(null)");
    pthread_mutex_lock(&client->lock);
    b = breaker_find(client, host);
    state = b ? b->state : OT_HTTP_BREAKER_CLOSED;
    pthread_mutex_unlock(&client->lock);
    return state;
}

static int check_request(const ot_http_request *r, size_t index, const char *which,
                         ot_error *err)
{
    char host[OT__HTTP_HOST_KEY_SIZE], what[64];
    size_t i;
    const char *bad = NULL;
    int rc;

    if (!r)
        return ot__error_field(err, OT_EINVAL, which, "requests[%zu] is NULL", index);
    snprintf(what, sizeof what, "requests[%zu] %s", index, which);
    if ((rc = ot__check_version(r->version, OT_HTTP_REQUEST_VERSION, what, err)) != 0)
        return rc;
    if (ot__http_host_key(host, sizeof host, r->url) != 0)
        bad = "url";
    else if (r->method && (r->method[0] == '\0' || strpbrk(r->method, " \t\r\n")))
        bad = "method";
    else if (r->header_count > 0 && !r->headers)
        bad = "headers";
    else if (r->body_length > 0 && !r->body)
        bad = "body";
    else if (r->timeout_ms < 0)
        bad = "timeout_ms";
    for (i = 0; !bad && i < r->header_count; i++)
        if (!r->headers[i].name || !r->headers[i].value)
            bad = "headers";
    if (bad)
        return ot__error_field(err, OT_EINVAL, bad, "requests[%zu] (%s): invalid %s", index,
                               which, bad);
    return 0;
}

static int is_idempotent(const ot_http_request *r)
{
    return (r->flags & OT_HTTP_REQUEST_IDEMPOTENT) || ot__http_method_idempotent(r->method);
}

static void slot_start(struct slot *s, const ot_http_request *request, int64_t now)
{
    s->request = request;
    s->attempts = 0;
    s->started = now;
    s->due = now;
    /* Checked by check_request. */
    (void)ot__http_host_key(s->host, sizeof s->host, request->url);
}

static int slot_fallback(struct slot *s, int64_t now)
{
    if (s->on_fallback || !s->request->fallback)
        return 0;
    s->on_fallback = 1;
    slot_start(s, s->request->fallback, now);
    return 1;
}

static void slot_finish(struct slot *s, ot_http_response *response, size_t *remaining)
{
    s->done = 1;
    (*remaining)--;
    ot__http_response_set_trace(response, s->total_attempts, s->on_fallback);
}

/* Delay before the next attempt of `s`, or -1 when it must not be retried. */
static int64_t retry_delay(ot_http_client *c, const struct slot *s, const ot_http_response *r,
                           int64_t now)
{
    const ot_http_policy *p = &c->policy;
    const char *retry_after;
    int64_t delay = -1;

    if (!is_idempotent(s->request) || s->attempts >= p->max_attempts)
        return -1;
    retry_after = ot_http_response_header(r, "Retry-After");
    if (retry_after) {
        delay = ot__http_retry_after_ms(retry_after, now);
        if (delay > p->max_retry_after_ms)
            return -1;
    }
    if (delay < 0)
        delay = ot__http_backoff_ms(s->attempts, p->base_delay_ms, p->max_delay_ms,
                                    c->hooks.random(c->hooks.userdata));
    if (p->max_total_ms > 0 && now + delay - s->started >= p->max_total_ms)
        return -1;
    return delay;
}

/* Judge the answer to one attempt: finish the slot, schedule a retry or switch over. */
static void slot_evaluate(ot_http_client *c, struct slot *s, ot_http_response *r, int64_t now,
                          size_t *remaining)
{
    int status = ot_http_response_status(r);
    int code = ot_http_response_error_code(r);
    enum outcome outcome;
    int transient;
    int64_t delay;

    if (status > 0) {
        transient = status == 429
                    || (status >= 500 && status != 501 && status != 505);
        outcome = transient && status >= 500 ? OUTCOME_FAILURE : OUTCOME_SUCCESS;
    } else {
        transient = code == OT_ETIMEOUT || code == OT_EHTTP || code == OT_EIO
                    || code == OT_EUNAVAILABLE;
        outcome = transient ? OUTCOME_FAILURE
                  : code == OT_ELIMIT ? OUTCOME_SUCCESS : OUTCOME_NEUTRAL;
    }
    breaker_record(c, s->host, outcome, s->probe, now);
    if (!transient) {
        slot_finish(s, r, remaining);
        return;
    }
    delay = retry_delay(c, s, r, now);
    if (delay >= 0) {
        s->due = now + delay;
        return;
    }
    /* A non-idempotent request may have taken effect: only an open circuit (nothing sent)
     * sends it to the fallback. */
    if (!(is_idempotent(s->request) && slot_fallback(s, now)))
        slot_finish(s, r, remaining);
}

/* Admit `s` to its host or move it to its fallback; 0 when it must not be sent now. */
static int slot_admit(ot_http_client *c, struct slot *s, ot_http_response *r, int64_t now,
                      size_t *remaining)
{
    char msg[OT_ERROR_MESSAGE_SIZE];
    for (;;) {
        enum admission a = breaker_admit(c, s->host, now);
        if (a != ADMIT_DENY) {
            s->probe = a == ADMIT_PROBE;
            return 1;
        }
        /* A retry refused by a circuit that opened meanwhile keeps the endpoint's last
         * real answer; only an endpoint never tried reports the open circuit. */
        if (s->attempts == 0) {
            ot_http_response_reset(r);
            snprintf(msg, sizeof msg, "circuit breaker open for %.200s: failing fast",
                     s->host);
            ot_http_response_set_error(r, OT_EUNAVAILABLE, msg, NULL);
        }
        if (!slot_fallback(s, now)) {
            slot_finish(s, r, remaining);
            return 0;
        }
    }
}

static void slot_prepare(const ot_http_client *c, struct slot *s, int64_t now)
{
    int64_t budget = c->policy.max_total_ms;
    s->attempt = *s->request;
    s->attempt.fallback = NULL;
    if (budget > 0) {
        int64_t left = s->started + budget - now;
        if (left < 1)
            left = 1;
        if (s->attempt.timeout_ms == 0 || s->attempt.timeout_ms > left)
            s->attempt.timeout_ms = left;
    }
    s->attempts++;
    s->total_attempts++;
}

int ot_http_client_send(ot_http_client *client, const ot_http_request *const *requests,
                        size_t n, ot_http_response **responses, ot_error *err)
{
    struct slot *slots = NULL;
    const ot_http_request **batch = NULL;
    ot_http_response **batch_responses = NULL;
    size_t *batch_index = NULL;
    size_t i, remaining = n;
    int64_t now;
    int rc;

    if (!client)
        return ot__error_field(err, OT_EINVAL, "client", "client is NULL");
    if (!responses)
        return ot__error_field(err, OT_EINVAL, "responses", "responses is NULL");
    for (i = 0; i < n; i++)
        responses[i] = NULL;
    if (n == 0)
        return 0;
    if (!requests)
        return ot__error_field(err, OT_EINVAL, "requests", "requests is NULL");
    for (i = 0; i < n; i++) {
        if ((rc = check_request(requests[i], i, "request", err)) != 0)
            return rc;
        if (requests[i]->fallback
            && (rc = check_request(requests[i]->fallback, i, "fallback", err)) != 0)
            return rc;
    }

    slots = ot__calloc(n, sizeof *slots);
    batch = ot__calloc(n, sizeof *batch);
    batch_responses = ot__calloc(n, sizeof *batch_responses);
    batch_index = ot__calloc(n, sizeof *batch_index);
    rc = slots && batch && batch_responses && batch_index ? 0 : OT_ENOMEM;
    for (i = 0; rc == 0 && i < n; i++)
        if (ot_http_response_new(&responses[i], NULL) != 0)
            rc = OT_ENOMEM;
    if (rc != 0) {
        for (i = 0; i < n; i++) {
            ot_http_response_free(responses[i]);
            responses[i] = NULL;
        }
        rc = ot__error_set(err, OT_ENOMEM, "out of memory sending %zu HTTP requests", n);
        goto out;
    }

    now = ot_clock_now_ms(&client->clock);
    for (i = 0; i < n; i++)
        slot_start(&slots[i], requests[i], now);

    while (remaining > 0) {
        size_t count = 0, k;
        int64_t next_due = INT64_MAX;
        ot_error port_err;

        for (i = 0; i < n; i++) {
            struct slot *s = &slots[i];
            if (s->done)
                continue;
            if (s->due > now) {
                if (s->due < next_due)
                    next_due = s->due;
                continue;
            }
            if (!slot_admit(client, s, responses[i], now, &remaining))
                continue;
            slot_prepare(client, s, now);
            ot_http_response_reset(responses[i]);
            batch[count] = &s->attempt;
            batch_responses[count] = responses[i];
            batch_index[count] = i;
            count++;
        }
        if (count == 0) {
            if (remaining > 0 && next_due > now)
                ot_clock_sleep_ms(&client->clock, next_due - now);
            now = ot_clock_now_ms(&client->clock);
            continue;
        }

        ot_error_clear(&port_err);
        rc = client->port.send_batch(client->port.userdata, batch, count, batch_responses,
                                     &port_err);
        now = ot_clock_now_ms(&client->clock);
        for (k = 0; k < count; k++) {
            ot_http_response *r = batch_responses[k];
            if (ot_http_response_status(r) == 0 && ot_http_response_error_code(r) == 0) {
                int code = rc < 0 && ot_code_name(rc) ? rc : OT_EHTTP;
                ot_http_response_set_error(r, code, port_err.message[0] ? port_err.message
                                           : "the HTTP port gave neither a status nor an error",
                                           NULL);
            }
            slot_evaluate(client, &slots[batch_index[k]], r, now, &remaining);
        }
    }
    rc = 0;
out:
    ot__free(slots);
    ot__free(batch);
    ot__free(batch_responses);
    ot__free(batch_index);
    return rc;
}


/* --- streams (ot__http_client_send_stream) ------------------------------------------------ */

/* One request of a stream, through its attempts: the port gets `s.attempt`. */
struct stream_slot {
    struct slot s;
    const ot_http_request *request; /* the caller's (s.request may be its fallback) */
    ot_http_response *response;
    struct stream_slot *next;       /* in the retry list */
};

struct stream_run {
    ot_http_client *c;
    const ot_http_stream *user;
    struct stream_slot *retries;    /* waiting for their next attempt */
    size_t in_port;                 /* attempts the port holds */
    int user_end;                   /* the caller's stream answered END */
    int have_now;                   /* `now` is the time of the last completion: the next
                                       call uses it, as the batches judge and wait at once */
    int64_t now;
};

static void stream_finish(struct stream_run *sr, struct stream_slot *ss)
{
    sr->user->done(sr->user->ctx, ss->request, ss->response);
    ot__free(ss);
}

/* Admit and prepare `ss` for the port: 1 when it goes now, 0 when it finished instead. */
static int stream_arm(struct stream_run *sr, struct stream_slot *ss, int64_t now)
{
    size_t remaining = 1;
    if (!slot_admit(sr->c, &ss->s, ss->response, now, &remaining))
        return 0;
    slot_prepare(sr->c, &ss->s, now);
    ot_http_response_reset(ss->response);
    return 1;
}

static int stream_next(void *ctx, const ot_http_request **request, ot_http_response **response,
                       long long *wait_ms)
{
    struct stream_run *sr = ctx;
    long long user_wait = -1, wait;

    for (;;) {
        int64_t now = sr->have_now ? sr->now : ot_clock_now_ms(&sr->c->clock), due = INT64_MAX;
        struct stream_slot **at, *ss = NULL;
        const ot_http_request *ureq = NULL;
        ot_http_response *uresp = NULL;
        ot_error e;
        int got;

        sr->have_now = 0;
        for (at = &sr->retries; *at; at = &(*at)->next) {
            if ((*at)->s.due <= now) {
                ss = *at;
                *at = ss->next;
                break;
            }
            if ((*at)->s.due < due)
                due = (*at)->s.due;
        }
        if (!ss && !sr->user_end) {
            got = sr->user->next(sr->user->ctx, &ureq, &uresp, &user_wait);
            if (got == OT_HTTP_NEXT_END)
                sr->user_end = 1;
            if (got == OT_HTTP_NEXT_SEND) {
                ss = ot__calloc(1, sizeof *ss);
                if (!ss || check_request(ureq, 0, "request", &e) != 0 ||
                    (ureq->fallback && check_request(ureq->fallback, 0, "fallback", &e) != 0)) {
                    if (!ss)
                        ot__error_set(&e, OT_ENOMEM, "out of memory sending a request");
                    ot_http_response_set_error(uresp, e.code, e.message, NULL);
                    ot__free(ss);
                    sr->user->done(sr->user->ctx, ureq, uresp);
                    continue;
                }
                ss->request = ureq;
                ss->response = uresp;
                slot_start(&ss->s, ureq, now);
            }
        }
        if (ss) {
            if (!stream_arm(sr, ss, now)) {
                stream_finish(sr, ss);
                continue;
            }
            sr->in_port++;
            *request = &ss->s.attempt;
            *response = ss->response;
            return OT_HTTP_NEXT_SEND;
        }
        if (sr->user_end && !sr->retries && sr->in_port == 0)
            return OT_HTTP_NEXT_END;
        /* nothing now: the earliest retry, the caller's wait, or the next completion */
        wait = due != INT64_MAX ? (long long)(due - now) : -1;
        if (!sr->user_end && user_wait >= 0 && (wait < 0 || user_wait < wait))
            wait = user_wait;
        if (sr->in_port == 0) {
            /* nothing in flight would wake the port: wait here, on the client's clock (its
             * sleep hook, as the batches' retries do) */
            ot_clock_sleep_ms(&sr->c->clock, wait > 0 ? wait : 1);
            continue;
        }
        *wait_ms = wait;
        return OT_HTTP_NEXT_WAIT;
    }
}

static void stream_done(void *ctx, const ot_http_request *request, ot_http_response *response)
{
    struct stream_run *sr = ctx;
    struct stream_slot *ss =
        (struct stream_slot *)(void *)((char *)(uintptr_t)request -
                                       offsetof(struct stream_slot, s.attempt));
    size_t remaining = 1;
    int64_t now = ot_clock_now_ms(&sr->c->clock);

    sr->in_port--;
    sr->now = now;
    sr->have_now = 1;
    if (ot_http_response_status(response) == 0 && ot_http_response_error_code(response) == 0)
        ot_http_response_set_error(response, OT_EHTTP,
                                   "the HTTP port gave neither a status nor an error", NULL);
    slot_evaluate(sr->c, &ss->s, response, now, &remaining);
    if (ss->s.done) {
        stream_finish(sr, ss);
        return;
    }
    ss->next = sr->retries;
    sr->retries = ss;
}

int ot__http_client_can_stream(const ot_http_client *client)
{
    return client && client->port.version >= 2 && client->port.send_stream != NULL;
}

int ot__http_client_send_stream(ot_http_client *client, const ot_http_stream *stream,
                                ot_error *err)
{
    struct stream_run sr;
    ot_http_stream wrapped = OT_HTTP_STREAM_INIT;
    int rc;

    if (!client || !stream || !stream->next || !stream->done)
        return ot__error_field(err, OT_EINVAL, !client ? "client" : "stream",
                               "client or stream is NULL");
    if (!ot__http_client_can_stream(client))
        return ot__error_field(err, OT_EINVAL, "send_stream",
                               "the HTTP port does not send streams");
    memset(&sr, 0, sizeof sr);
    sr.c = client;
    sr.user = stream;
    wrapped.ctx = &sr;
    wrapped.next = stream_next;
    wrapped.done = stream_done;
    rc = client->port.send_stream(client->port.userdata, &wrapped, err);
    /* after a failed stream: the retries that were waiting fail with it */
    while (sr.retries) {
        struct stream_slot *ss = sr.retries;
        sr.retries = ss->next;
        stream_finish(&sr, ss);
    }
    return rc;
}
