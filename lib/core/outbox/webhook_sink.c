/* The signed-webhook sink: each event POSTed to the subscriptions that want it, signed with
 * HMAC-SHA256 over "<t>.<body>" (docs/events.md, "Signed webhooks"). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ordertrack/http.h"
#include "ordertrack/webhook_sink.h"
#include "ordertrack/sys/clock.h"
#include "ordertrack/sys/http.h"
#include "common.h"
#include "sys/sys_internal.h"
#include "base/hash_internal.h"
#include "outbox/outbox_internal.h"

#define TIMEOUT_DEFAULT_MS 10000
#define TIMEOUT_MAX_MS 120000

struct subscription {
    char *url, *secret;
    int *types;                 /* NULL: all */
    size_t ntypes;
    char **stores;              /* NULL: all */
    size_t nstores;
    int64_t timeout_ms;
};

struct webhook {
    ot_sink vtable;             /* first: the handle the caller holds */
    char *name;
    ot_http_client *client;
    ot_clock clock;
    struct subscription *subs;
    size_t nsubs;
};

int ot_webhook_subscription_init(ot_webhook_subscription *subscription, unsigned version,
                                 ot_error *err)
{
    static const ot_webhook_subscription tpl = OT_WEBHOOK_SUBSCRIPTION_INIT;
    return ot__struct_init(subscription, version, &tpl, sizeof tpl, "subscription", "subscription", err);
}

int ot_webhook_sink_options_init(ot_webhook_sink_options *options, unsigned version,
                                 ot_error *err)
{
    static const ot_webhook_sink_options tpl = OT_WEBHOOK_SINK_OPTIONS_INIT;
    return ot__struct_init(options, version, &tpl, sizeof tpl, "options", "options", err);
}

int ot_webhook_sign(char *out, size_t out_size, const char *secret, int64_t unix_seconds,
                    const char *body, size_t body_len, ot_error *err)
{
    unsigned char mac[32];
    char prefix[32];
    size_t plen, i;
    char *msg;
    int n;

    if (!out || out_size < OT_WEBHOOK_SIGNATURE_SIZE)
        return ot__error_field(err, OT_EINVAL, "out", "out needs %d bytes",
                               OT_WEBHOOK_SIGNATURE_SIZE);
    if (!secret || !*secret)
        return ot__error_field(err, OT_EINVAL, "secret", "secret is NULL or empty");
    if (unix_seconds < 0)
        return ot__error_field(err, OT_EINVAL, "unix_seconds", "unix_seconds is negative");
    if (!body && body_len)
        return ot__error_field(err, OT_EINVAL, "body", "body is NULL");
    plen = (size_t)snprintf(prefix, sizeof prefix, "%lld.", (long long)unix_seconds);
    msg = ot__malloc(plen + body_len + 1);
    if (!msg)
        return ot__error_set(err, OT_ENOMEM, "out of memory signing a webhook");
    memcpy(msg, prefix, plen);
    if (body_len)
        memcpy(msg + plen, body, body_len);
    n = ot__hmac_sha256(mac, secret, strlen(secret), msg, plen + body_len);
    ot__free(msg);
    if (n)
        return ot__error_set(err, OT_ENOMEM, "HMAC-SHA256 failed");
    n = snprintf(out, out_size, "t=%lld,v1=", (long long)unix_seconds);
    for (i = 0; i < sizeof mac; i++)
        snprintf(out + n + 2 * i, 3, "%02x", mac[i]);
    return 0;
}

static int wants(const struct subscription *s, const ot_event *ev)
{
    size_t i;
    int ok = !s->types;
    for (i = 0; !ok && i < s->ntypes; i++)
        ok = s->types[i] == ev->type;
    if (!ok || !s->stores)
        return ok;
    for (i = 0; i < s->nstores; i++)
        if (strcmp(s->stores[i], ev->store_id) == 0)
            return 1;
    return 0;
}

static int64_t now_s(const struct webhook *w)
{
    return ot_clock_now_ms(&w->clock) / 1000;
}

/* One request of a delivery: which event, which subscription, its headers. */
struct call {
    size_t event, sub;
    char signature[OT_WEBHOOK_SIGNATURE_SIZE];
    ot_http_header headers[4];
    ot_http_request req;
};

static int wh_deliver(void *userdata, const ot_event *const *events, size_t n,
                      ot_error *outcomes, ot_error *err)
{
    struct webhook *w = userdata;
    struct call *calls;
    const ot_http_request **reqs;
    ot_http_response **resps;
    size_t ncalls = 0, i, j;
    int64_t t = now_s(w);
    int rc = 0;

    calls = ot__calloc(n * w->nsubs, sizeof *calls);
    reqs = ot__calloc(n * w->nsubs, sizeof *reqs);
    resps = ot__calloc(n * w->nsubs, sizeof *resps);
    if (!calls || !reqs || !resps) {
        rc = ot__error_set(err, OT_ENOMEM, "out of memory sending webhooks");
        goto done;
    }
    for (i = 0; i < n && !rc; i++) {
        const char *type = NULL;
        ot_event_type_to_string(&type, events[i]->type, NULL);
        for (j = 0; j < w->nsubs && !rc; j++) {
            struct call *c = &calls[ncalls];
            ot_http_request init = OT_HTTP_REQUEST_INIT;
            if (!wants(&w->subs[j], events[i]))
                continue;
            rc = ot_webhook_sign(c->signature, sizeof c->signature, w->subs[j].secret, t,
                                 events[i]->json, events[i]->json_len, err);
            c->event = i;
            c->sub = j;
            c->headers[0].name = "Content-Type";
            c->headers[0].value = "application/json";
            c->headers[1].name = "X-Ordertrack-Event-Id";
            c->headers[1].value = events[i]->event_id;
            c->headers[2].name = "X-Ordertrack-Event-Type";
            c->headers[2].value = type ? type : "unknown";
            c->headers[3].name = "X-Ordertrack-Signature";
            c->headers[3].value = c->signature;
            c->req = init;
            c->req.method = "POST";
            c->req.url = w->subs[j].url;
            c->req.headers = c->headers;
            c->req.header_count = 4;
            c->req.body = events[i]->json;
            c->req.body_length = events[i]->json_len;
            c->req.timeout_ms = w->subs[j].timeout_ms;
            reqs[ncalls] = &c->req;
            ncalls++;
        }
    }
    if (rc || !ncalls)
        goto done;
    if ((rc = ot_http_client_send(w->client, reqs, ncalls, resps, err)))
        goto done;
    for (i = 0; i < ncalls; i++) {
        const ot_http_response *r = resps[i];
        ot_error *out = &outcomes[calls[i].event];
        int status = ot_http_response_status(r);
        if (out->code || (status >= 200 && status < 300))
            continue; /* the event already failed at another subscriber, or this one took it */
        if (status)
            ot__error_set(out, OT_EHTTP, "subscription %zu (%.120s) answered HTTP %d",
                          calls[i].sub, w->subs[calls[i].sub].url, status);
        else
            ot__error_set(out, ot_http_response_error_code(r) ? ot_http_response_error_code(r)
                                                              : OT_EHTTP,
                          "subscription %zu (%.120s): %.100s", calls[i].sub,
                          w->subs[calls[i].sub].url,
                          ot_http_response_error_message(r) ? ot_http_response_error_message(r)
                                                            : "no answer");
    }
done:
    for (i = 0; resps && i < ncalls; i++)
        ot_http_response_free(resps[i]);
    ot__free(calls);
    ot__free(reqs);
    ot__free(resps);
    return rc;
}

static void wh_close(void *userdata)
{
    struct webhook *w = userdata;
    size_t i, j;
    ot_http_client_free(w->client);
    for (i = 0; i < w->nsubs; i++) {
        ot__free(w->subs[i].url);
        ot__free(w->subs[i].secret);
        ot__free(w->subs[i].types);
        for (j = 0; j < w->subs[i].nstores; j++)
            ot__free(w->subs[i].stores[j]);
        ot__free(w->subs[i].stores);
    }
    ot__free(w->subs);
    ot__free(w->name);
    ot__free(w);
}

static int check_subscription(const ot_webhook_subscription *s, size_t i, ot_error *err)
{
    char field[OT_ERROR_DETAIL_SIZE];
    size_t k;
    int rc;
#define FIELD(member) (snprintf(field, sizeof field, "subscriptions[%zu]." member, i), field)
    if ((rc = ot__check_struct(s, s->version, OT_WEBHOOK_SUBSCRIPTION_VERSION,
                               FIELD("version"), err)))
        return rc;
    if (!s->url || (strncmp(s->url, "http://", 7) != 0 && strncmp(s->url, "https://", 8) != 0))
        return ot__error_field(err, OT_EINVAL, FIELD("url"),
                               "%s must be an absolute http:// or https:// URL", field);
    if (!s->secret || strlen(s->secret) < OT_WEBHOOK_SECRET_MIN)
        return ot__error_field(err, OT_EINVAL, FIELD("secret"),
                               "%s must be at least %d bytes", field, OT_WEBHOOK_SECRET_MIN);
    if (!s->event_types != !s->event_type_count)
        return ot__error_field(err, OT_EINVAL, FIELD("event_types"),
                               "%s and its count disagree", field);
    for (k = 0; k < s->event_type_count; k++)
        if (s->event_types[k] < 1 || s->event_types[k] > OT_EVENT_TYPE_MAX)
            return ot__error_field(err, OT_EINVAL, FIELD("event_types"),
                                   "%s[%zu] is unknown type %d", field, k, s->event_types[k]);
    if (!s->store_ids != !s->store_id_count)
        return ot__error_field(err, OT_EINVAL, FIELD("store_ids"),
                               "%s and its count disagree", field);
    for (k = 0; k < s->store_id_count; k++)
        if (!s->store_ids[k] || !*s->store_ids[k])
            return ot__error_field(err, OT_EINVAL, FIELD("store_ids"), "%s[%zu] is empty",
                                   field, k);
    if (s->timeout_ms < 0 || s->timeout_ms > TIMEOUT_MAX_MS)
        return ot__error_field(err, OT_EINVAL, FIELD("timeout_ms"), "%s is not in 0..%d",
                               field, TIMEOUT_MAX_MS);
#undef FIELD
    return 0;
}

static int copy_subscription(struct subscription *d, const ot_webhook_subscription *s)
{
    size_t k;
    d->url = ot__strdup(s->url);
    d->secret = ot__strdup(s->secret);
    d->timeout_ms = s->timeout_ms ? s->timeout_ms : TIMEOUT_DEFAULT_MS;
    if (!d->url || !d->secret)
        return OT_ENOMEM;
    if (s->event_type_count) {
        if (!(d->types = ot__calloc(s->event_type_count, sizeof *d->types)))
            return OT_ENOMEM;
        memcpy(d->types, s->event_types, s->event_type_count * sizeof *d->types);
        d->ntypes = s->event_type_count;
    }
    if (s->store_id_count) {
        if (!(d->stores = ot__calloc(s->store_id_count, sizeof *d->stores)))
            return OT_ENOMEM;
        for (k = 0; k < s->store_id_count; k++, d->nstores++)
            if (!(d->stores[k] = ot__strdup(s->store_ids[k])))
                return OT_ENOMEM;
    }
    return 0;
}

int ot_webhook_sink_new(ot_sink **out, const ot_webhook_sink_options *o, ot_error *err)
{
    ot_http_policy policy = OT_HTTP_POLICY_INIT;
    ot_http port;
    struct webhook *w;
    size_t i;
    int rc;

    if (!out)
        return ot__error_field(err, OT_EINVAL, "sink", "output pointer is NULL");
    *out = NULL;
    if ((rc = ot__check_struct(o, o ? o->version : 0, OT_WEBHOOK_SINK_OPTIONS_VERSION, "options", err)))
        return rc;
    if (o->name && (rc = ot__sink_name_check(o->name, "name", err)))
        return rc;
    if (!o->http)
        return ot__error_field(err, OT_EINVAL, "http", "options.http is required");
    if (!o->subscriptions || o->subscription_count < 1 ||
        o->subscription_count > OT_WEBHOOK_SUBSCRIPTIONS_MAX)
        return ot__error_field(err, OT_EINVAL, "subscriptions", "a webhook sink needs 1..%d "
                               "subscriptions", OT_WEBHOOK_SUBSCRIPTIONS_MAX);
    for (i = 0; i < o->subscription_count; i++)
        if ((rc = check_subscription(&o->subscriptions[i], i, err)))
            return rc;
    if ((rc = ot__clock_check(o->clock, err)))
        return rc;
    w = ot__calloc(1, sizeof *w);
    if (!w)
        return ot__error_set(err, OT_ENOMEM, "out of memory creating a webhook sink");
    w->name = ot__strdup(o->name ? o->name : "webhook");
    w->subs = ot__calloc(o->subscription_count, sizeof *w->subs);
    if (!w->name || !w->subs) {
        wh_close(w);
        return ot__error_set(err, OT_ENOMEM, "out of memory creating a webhook sink");
    }
    for (i = 0; i < o->subscription_count; i++, w->nsubs++) {
        if (copy_subscription(&w->subs[i], &o->subscriptions[i])) {
            w->nsubs++;
            wh_close(w);
            return ot__error_set(err, OT_ENOMEM, "out of memory creating a webhook sink");
        }
    }
    if (o->clock)
        w->clock = *o->clock;
    /* one attempt per delivery (the relay retries with its own backoff), no breaker; the
     * port stays the caller's (the client must not close it) */
    policy.max_attempts = 1;
    policy.breaker_threshold = 0;
    policy.max_total_ms = 0;
    port = *o->http;
    port.close = NULL;
    if ((rc = ot_http_client_new(&w->client, &port, &policy, NULL, err))) {
        wh_close(w);
        return rc;
    }
    w->vtable.version = OT_SINK_VERSION;
    w->vtable.userdata = w;
    w->vtable.name = w->name;
    w->vtable.deliver = wh_deliver;
    w->vtable.close = wh_close;
    *out = &w->vtable;
    return 0;
}
