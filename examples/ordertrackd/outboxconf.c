/* ordertrackd's `outbox`, `subscriptions` and `nats` blocks (outboxconf.h). Ranges are the
 * library's (ot_relay_options, ot_webhook_subscription, ot_nats_sink_options), checked here
 * so that a bad value is refused at load, naming its path. */
#include "outboxconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ordertrack/outbox.h>
#include <ordertrack/webhook_sink.h>

const char *const otd_outboxconf_blocks[3] = {"outbox", "subscriptions", "nats"};

static const char *const outbox_fields[] = {"max_attempts", "backoff_base_ms",
                                            "backoff_max_ms", "batch_size", "poll_interval_ms",
                                            "retention_ms", "tail_ms", NULL};
static const char *const sub_fields[] = {"url", "secret", "event_types", "stores",
                                         "timeout_ms", NULL};
static const char *const nats_fields[] = {"url", "servers", "stream", "subject_prefix",
                                          "replicas", "duplicate_window_ms", "timeout_ms", NULL};

void otd_outboxconf_defaults(otd_outboxconf *oc)
{
    memset(oc, 0, sizeof *oc);
    oc->max_attempts = 10;
    oc->backoff_base_ms = 1000;
    oc->backoff_max_ms = 300000;
    oc->batch_size = 100;
    oc->poll_interval_ms = 200;
    oc->retention_ms = 0;
    oc->tail_ms = 250;
    oc->nats_replicas = 1;
    oc->nats_duplicate_window_ms = 120000;
    oc->nats_timeout_ms = 5000;
}

static void strings_free(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void otd_outboxconf_free(otd_outboxconf *oc)
{
    for (size_t i = 0; i < oc->n_subs; i++) {
        otd_subscription *s = &oc->subs[i];
        free(s->url);
        if (s->secret)
            memset(s->secret, 0, strlen(s->secret));
        free(s->secret);
        free(s->event_types);
        strings_free(s->stores, s->n_stores);
    }
    free(oc->subs);
    strings_free(oc->nats_servers, oc->n_nats_servers);
    free(oc->nats_stream);
    free(oc->nats_prefix);
    for (size_t i = 0; i < 3; i++)
        json_decref(oc->raw[i]);
    otd_outboxconf_defaults(oc);
}

/* A non-empty array of 1..max non-empty strings (each at most len bytes) copied into *out. */
static int string_array(const jsonconf *c, json_t *v, const char *where, size_t max, size_t len,
                        char ***out, size_t *n)
{
    char at[192];
    if (!json_is_array(v) || json_array_size(v) == 0 || json_array_size(v) > max)
        return jc_bad(c, where, "must be an array of 1..%zu strings", max);
    if (!(*out = calloc(json_array_size(v), sizeof **out)))
        return jc_bad(c, where, "out of memory");
    for (*n = 0; *n < json_array_size(v); (*n)++) {
        json_t *s = json_array_get(v, *n);
        snprintf(at, sizeof at, "%s[%zu]", where, *n);
        if (!json_is_string(s) || json_string_length(s) == 0 || json_string_length(s) > len)
            return jc_bad(c, at, "must be a string of 1..%zu bytes", len);
        if (!((*out)[*n] = strdup(json_string_value(s))))
            return jc_bad(c, at, "out of memory");
    }
    return 0;
}

static int load_outbox(otd_outboxconf *oc, json_t *o, const jsonconf *c)
{
    long long v;
    if (!json_is_object(o))
        return jc_bad(c, "outbox", "must be an object");
    if (jc_check_fields(c, o, "outbox", outbox_fields) != 0)
        return -1;
    if (jc_int(c, o, "outbox", "max_attempts", 1, 1000, 10, &v) != 0)
        return -1;
    oc->max_attempts = (unsigned)v;
    if (jc_int(c, o, "outbox", "backoff_base_ms", 1, 3600000, 1000, &v) != 0)
        return -1;
    oc->backoff_base_ms = v;
    if (jc_int(c, o, "outbox", "backoff_max_ms", oc->backoff_base_ms, 86400000,
               oc->backoff_base_ms > 300000 ? oc->backoff_base_ms : 300000, &v) != 0)
        return -1;
    oc->backoff_max_ms = v;
    if (jc_int(c, o, "outbox", "batch_size", 1, OT_OUTBOX_QUERY_MAX, 100, &v) != 0)
        return -1;
    oc->batch_size = (size_t)v;
    if (jc_int(c, o, "outbox", "poll_interval_ms", 1, 60000, 200, &v) != 0)
        return -1;
    oc->poll_interval_ms = v;
    if (jc_int(c, o, "outbox", "retention_ms", 0, 31536000000LL, 0, &v) != 0)
        return -1;
    oc->retention_ms = v;
    if (jc_int(c, o, "outbox", "tail_ms", 10, 60000, 250, &v) != 0)
        return -1;
    oc->tail_ms = (unsigned)v;
    return 0;
}

static int load_subscription(otd_subscription *s, json_t *o, const char *path,
                             const jsonconf *c)
{
    char where[160];
    json_t *v;
    long long n;
    if (!json_is_object(o))
        return jc_bad(c, path, "must be an object {\"url\", \"secret\", ...}");
    if (jc_check_fields(c, o, path, sub_fields) != 0)
        return -1;
    if (jc_string(c, o, path, "url", 1, 2048, &s->url) != 0)
        return -1;
    if (strncmp(s->url, "http://", 7) != 0 && strncmp(s->url, "https://", 8) != 0)
        return jc_bad(c, jc_path(where, sizeof where, path, "url"),
                      "must be an absolute http:// or https:// URL");
    if (jc_string(c, o, path, "secret", 1, 1024, &s->secret) != 0)
        return -1;
    if (strlen(s->secret) < OT_WEBHOOK_SECRET_MIN)
        return jc_bad(c, jc_path(where, sizeof where, path, "secret"),
                      "must be at least %d bytes", OT_WEBHOOK_SECRET_MIN);
    if ((v = json_object_get(o, "event_types")) != NULL) {
        char **names = NULL;
        size_t count = 0;
        jc_path(where, sizeof where, path, "event_types");
        if (string_array(c, v, where, OT_EVENT_TYPE_MAX, 64, &names, &count) != 0) {
            strings_free(names, count);
            return -1;
        }
        s->event_types = calloc(count, sizeof *s->event_types);
        for (size_t i = 0; s->event_types && i < count; i++) {
            if (ot_event_type_from_string(&s->event_types[i], names[i], NULL) != 0) {
                char at[192];
                snprintf(at, sizeof at, "%s[%zu]", where, i);
                strings_free(names, count);
                return jc_bad(c, at, "unknown event type (order.status_changed, "
                                     "order.shipment_status_changed, order.location_updated, "
                                     "order.issue_raised, order.sla_breached, "
                                     "order.eta_changed)");
            }
        }
        strings_free(names, count);
        if (!s->event_types)
            return jc_bad(c, where, "out of memory");
        s->n_event_types = count;
    }
    if ((v = json_object_get(o, "stores")) != NULL &&
        string_array(c, v, jc_path(where, sizeof where, path, "stores"), 1000, 255, &s->stores,
                     &s->n_stores) != 0)
        return -1;
    if (jc_int(c, o, path, "timeout_ms", 1, 120000, 10000, &n) != 0)
        return -1;
    s->timeout_ms = n;
    return 0;
}

static int load_subscriptions(otd_outboxconf *oc, json_t *a, const jsonconf *c)
{
    char path[48];
    if (!json_is_array(a) || json_array_size(a) == 0 ||
        json_array_size(a) > OT_WEBHOOK_SUBSCRIPTIONS_MAX)
        return jc_bad(c, "subscriptions", "must be an array of 1..%d subscriptions",
                      OT_WEBHOOK_SUBSCRIPTIONS_MAX);
    if (!(oc->subs = calloc(json_array_size(a), sizeof *oc->subs)))
        return jc_bad(c, "subscriptions", "out of memory");
    for (; oc->n_subs < json_array_size(a); oc->n_subs++) {
        snprintf(path, sizeof path, "subscriptions[%zu]", oc->n_subs);
        if (load_subscription(&oc->subs[oc->n_subs], json_array_get(a, oc->n_subs), path, c)) {
            oc->n_subs++; /* free what it holds */
            return -1;
        }
    }
    return 0;
}

static int load_nats(otd_outboxconf *oc, json_t *o, const jsonconf *c)
{
    json_t *url, *servers;
    long long v;
    if (!json_is_object(o))
        return jc_bad(c, "nats", "must be an object {\"url\" or \"servers\", ...}");
    if (jc_check_fields(c, o, "nats", nats_fields) != 0)
        return -1;
    url = json_object_get(o, "url");
    servers = json_object_get(o, "servers");
    if (url && servers)
        return jc_bad(c, "nats.servers", "give \"url\" or \"servers\", not both");
    if (!url && !servers)
        return jc_bad(c, "nats.url", "required (or \"servers\": a list of URLs)");
    if (url) {
        if (!(oc->nats_servers = calloc(1, sizeof *oc->nats_servers)))
            return jc_bad(c, "nats.url", "out of memory");
        if (jc_string(c, o, "nats", "url", 1, 1024, &oc->nats_servers[0]) != 0)
            return -1;
        oc->n_nats_servers = 1;
    } else if (string_array(c, servers, "nats.servers", 16, 1024, &oc->nats_servers,
                            &oc->n_nats_servers) != 0) {
        return -1;
    }
    if (jc_string(c, o, "nats", "stream", 0, 64, &oc->nats_stream) != 0 ||
        jc_string(c, o, "nats", "subject_prefix", 0, 64, &oc->nats_prefix) != 0)
        return -1;
    if (jc_int(c, o, "nats", "replicas", 1, 5, 1, &v) != 0)
        return -1;
    oc->nats_replicas = (int)v;
    if (jc_int(c, o, "nats", "duplicate_window_ms", 1000, 604800000, 120000, &v) != 0)
        return -1;
    oc->nats_duplicate_window_ms = v;
    if (jc_int(c, o, "nats", "timeout_ms", 100, 120000, 5000, &v) != 0)
        return -1;
    oc->nats_timeout_ms = v;
    return 0;
}

int otd_outboxconf_load(otd_outboxconf *oc, json_t *root, const jsonconf *c)
{
    static int (*const loaders[3])(otd_outboxconf *, json_t *, const jsonconf *) = {
        load_outbox, load_subscriptions, load_nats};
    otd_outboxconf_free(oc);
    for (size_t i = 0; i < 3; i++) {
        json_t *block = json_object_get(root, otd_outboxconf_blocks[i]);
        if (!block)
            continue;
        oc->enabled = 1;
        oc->raw[i] = json_incref(block);
        if (loaders[i](oc, block, c) != 0)
            return -1;
    }
    return 0;
}
