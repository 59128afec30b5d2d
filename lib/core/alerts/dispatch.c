/* The alert dispatcher: a bounded queue filled by the notice sink, delivered by flushes. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "common.h"
#include "alerts/alerts_internal.h"
#include "base/hash_internal.h"
#include "base/time_internal.h"
#include "ordertrack/sys/clock.h"

#define MAX_CAPACITY 1000000u
#define MAX_INTEGRATIONS 1024
#define MAX_TIMEOUT_MS 86400000
#define COURIER_SIZE 64
#define AWB_SIZE 128

enum { TARGET_SLACK = 1u, TARGET_RTO = 2u };
/* deliver(): the receiver refused the message itself (400, 413, 422); resending cannot help. */
#define REJECTED 1

/* The health of one integration (ot_alerts_integration). */
struct integration {
    char *name;
    int down;
    int64_t since_ms;              /* first failure of the current outage */
    uint64_t failed_runs;          /* in the current outage */
};

/* A queued alert: its own copy of every string, and the targets still to deliver. */
struct item {
    ot_alert alert;
    unsigned targets;
    int looked_up;
    char courier[COURIER_SIZE];
    char awb[AWB_SIZE];
    char strings[];
};

struct ot_alerts {
    ot_http_client *http;
    char *slack_url;
    char *rto_url;
    char *rto_auth_name;
    char *rto_auth_value;
    uint32_t slack_kinds;
    uint32_t report_kinds;
    int64_t timeout_ms;
    void *userdata;
    void (*lookup)(void *, const char *, const char *, char *, size_t, char *, size_t);

    pthread_mutex_t lock;          /* everything below */
    pthread_mutex_t flush_lock;    /* one flush at a time */
    struct item **queue;           /* ring of queue_capacity */
    size_t queue_capacity, queue_head, queue_count;
    struct item **held;            /* undelivered, in order, delivered before the queue */
    size_t held_capacity, held_count;
    struct item **report;          /* kept for ot_alerts_report */
    size_t report_capacity, report_count;
    uint64_t report_omitted;
    uint64_t overflow, lost;       /* since the previous flush */

    pthread_mutex_t health_lock;   /* the integrations; taken before `lock` */
    struct integration *integrations;
    size_t integration_count;
};

/* One allocation holding the item and copies of the alert's strings. */
static struct item *item_new(const ot_alert *a, unsigned targets)
{
    const char *src[6] = {a->order_id, a->store_id, a->courier, a->awb, a->detail,
                          a->integration};
    const char **dst[6];
    size_t size = sizeof(struct item), i, n;
    struct item *it;
    char *p;

    for (i = 0; i < 6; i++)
        size += src[i] ? strlen(src[i]) + 1 : 0;
    it = ot__malloc(size);
    if (!it)
        return NULL;
    it->alert = *a;
    it->alert.version = OT_ALERT_VERSION;
    it->targets = targets;
    it->looked_up = 0;
    it->courier[0] = it->awb[0] = '\0';
    dst[0] = &it->alert.order_id, dst[1] = &it->alert.store_id, dst[2] = &it->alert.courier;
    dst[3] = &it->alert.awb, dst[4] = &it->alert.detail, dst[5] = &it->alert.integration;
    p = it->strings;
    for (i = 0; i < 6; i++) {
        if (!src[i])
            continue;
        n = strlen(src[i]) + 1;
        memcpy(p, src[i], n);
        *dst[i] = p;
        p += n;
    }
    return it;
}

static int check_config(const ot_alerts_config *c, ot_error *err)
{
    int rc;
    if (!c)
        return ot__error_field(err, OT_EINVAL, "config", "config is NULL");
    if ((rc = ot__check_version(c->version, OT_ALERTS_CONFIG_VERSION, "config", err)) != 0)
        return rc;
    if (!c->http)
        return ot__error_field(err, OT_EINVAL, "http", "config.http is NULL");
    if (c->slack_webhook_url &&
        (rc = ot__alerts_check_url(c->slack_webhook_url, "slack_webhook_url", err)) != 0)
        return rc;
    if (c->rto_webhook_url &&
        (rc = ot__alerts_check_url(c->rto_webhook_url, "rto_webhook_url", err)) != 0)
        return rc;
    if (!c->rto_auth_name != !c->rto_auth_value)
        return ot__error_field(err, OT_EINVAL, "rto_auth_name",
                               "rto_auth_name and rto_auth_value go together");
    if (c->rto_auth_name) {
        size_t i, n = strlen(c->rto_auth_name);
        for (i = 0; i < n; i++)
            if ((unsigned char)c->rto_auth_name[i] <= ' ' ||
                (unsigned char)c->rto_auth_name[i] >= 0x7f || c->rto_auth_name[i] == ':')
                break;
        if (n == 0 || i < n)
            return ot__error_field(err, OT_EINVAL, "rto_auth_name",
                                   "rto_auth_name \"%.64s\" is not a header name",
                                   c->rto_auth_name);
        if (strpbrk(c->rto_auth_value, "\r\n"))
            return ot__error_field(err, OT_EINVAL, "rto_auth_value",
                                   "rto_auth_value holds CR or LF");
    }
    if ((c->slack_kinds | c->report_kinds) & ~OT__ALERT_KIND_MASK)
        return ot__error_field(err, OT_EINVAL, "slack_kinds",
                               "slack_kinds or report_kinds names an unknown notice kind");
    if (c->queue_capacity < 1 || c->queue_capacity > MAX_CAPACITY)
        return ot__error_field(err, OT_EINVAL, "queue_capacity",
                               "queue_capacity %zu is outside 1..%u", c->queue_capacity,
                               MAX_CAPACITY);
    if (c->held_capacity > MAX_CAPACITY)
        return ot__error_field(err, OT_EINVAL, "held_capacity",
                               "held_capacity %zu is above %u", c->held_capacity, MAX_CAPACITY);
    if (c->report_capacity > MAX_CAPACITY)
        return ot__error_field(err, OT_EINVAL, "report_capacity",
                               "report_capacity %zu is above %u", c->report_capacity,
                               MAX_CAPACITY);
    if (c->timeout_ms <= 0 || c->timeout_ms > MAX_TIMEOUT_MS)
        return ot__error_field(err, OT_EINVAL, "timeout_ms",
                               "timeout_ms %lld is outside 1..%d", (long long)c->timeout_ms,
                               MAX_TIMEOUT_MS);
    return 0;
}

static struct item **array_new(size_t n)
{
    return n ? ot__calloc(n, sizeof(struct item *)) : NULL;
}

void ot_alerts_free(ot_alerts *a)
{
    size_t i;
    if (!a)
        return;
    for (i = 0; i < a->queue_count; i++)
        ot__free(a->queue[(a->queue_head + i) % a->queue_capacity]);
    for (i = 0; i < a->held_count; i++)
        ot__free(a->held[i]);
    for (i = 0; i < a->report_count; i++)
        ot__free(a->report[i]);
    ot__free(a->queue);
    ot__free(a->held);
    ot__free(a->report);
    ot__free(a->slack_url);
    ot__free(a->rto_url);
    ot__free(a->rto_auth_name);
    ot__free(a->rto_auth_value);
    for (i = 0; i < a->integration_count; i++)
        ot__free(a->integrations[i].name);
    ot__free(a->integrations);
    pthread_mutex_destroy(&a->lock);
    pthread_mutex_destroy(&a->flush_lock);
    pthread_mutex_destroy(&a->health_lock);
    ot__free(a);
}

int ot_alerts_new(ot_alerts **out, const ot_alerts_config *c, ot_error *err)
{
    ot_alerts *a;
    int rc;

    if (!out)
        return ot__error_field(err, OT_EINVAL, "alerts", "alerts is NULL");
    *out = NULL;
    if ((rc = check_config(c, err)) != 0)
        return rc;
    a = ot__calloc(1, sizeof *a);
    if (!a)
        return ot__error_set(err, OT_ENOMEM, "out of memory creating the alert dispatcher");
    if (pthread_mutex_init(&a->lock, NULL) != 0) {
        ot__free(a);
        return ot__error_set(err, OT_ENOMEM, "cannot create a mutex");
    }
    if (pthread_mutex_init(&a->flush_lock, NULL) != 0) {
        pthread_mutex_destroy(&a->lock);
        ot__free(a);
        return ot__error_set(err, OT_ENOMEM, "cannot create a mutex");
    }
    if (pthread_mutex_init(&a->health_lock, NULL) != 0) {
        pthread_mutex_destroy(&a->lock);
        pthread_mutex_destroy(&a->flush_lock);
        ot__free(a);
        return ot__error_set(err, OT_ENOMEM, "cannot create a mutex");
    }
    a->http = c->http;
    a->slack_kinds = c->slack_kinds;
    a->report_kinds = c->report_kinds;
    a->timeout_ms = c->timeout_ms;
    a->userdata = c->userdata;
    a->lookup = c->lookup;
    a->queue_capacity = c->queue_capacity;
    a->held_capacity = c->held_capacity;
    a->report_capacity = c->report_capacity;
    a->queue = array_new(c->queue_capacity);
    a->held = array_new(c->held_capacity);
    a->report = array_new(c->report_capacity);
    a->slack_url = ot__strdup(c->slack_webhook_url);
    a->rto_url = ot__strdup(c->rto_webhook_url);
    a->rto_auth_name = ot__strdup(c->rto_auth_name);
    a->rto_auth_value = ot__strdup(c->rto_auth_value);
    if (!a->queue || (c->held_capacity && !a->held) || (c->report_capacity && !a->report) ||
        (c->slack_webhook_url && !a->slack_url) || (c->rto_webhook_url && !a->rto_url) ||
        (c->rto_auth_name && (!a->rto_auth_name || !a->rto_auth_value))) {
        ot_alerts_free(a);
        return ot__error_set(err, OT_ENOMEM, "out of memory creating the alert dispatcher");
    }
    *out = a;
    return 0;
}

static unsigned targets_of(const ot_alerts *a, int kind)
{
    unsigned t = 0;
    if (a->slack_url && (a->slack_kinds & OT_ALERTS_KIND_BIT(kind)))
        t |= TARGET_SLACK;
    if (a->rto_url && kind == OT_NOTICE_RTO_STARTED)
        t |= TARGET_RTO;
    return t;
}

/* Queue a checked alert; 0, OT_ELIMIT (queue full) or OT_ENOMEM, each counted. */
static int enqueue(ot_alerts *a, const ot_alert *alert)
{
    unsigned targets = targets_of(a, alert->kind);
    int report = (a->report_kinds & OT_ALERTS_KIND_BIT(alert->kind)) != 0;
    struct item *it = NULL, *copy = NULL;
    int rc = 0;

    if (targets && !(it = item_new(alert, targets)))
        rc = OT_ENOMEM;
    if (report && a->report_capacity && !(copy = item_new(alert, 0)))
        rc = OT_ENOMEM;
    pthread_mutex_lock(&a->lock);
    if (targets) {
        if (!it) {
            a->lost++;
        } else if (a->queue_count == a->queue_capacity) {
            a->overflow++;
            rc = OT_ELIMIT;
            ot__free(it);
        } else {
            a->queue[(a->queue_head + a->queue_count++) % a->queue_capacity] = it;
        }
    }
    if (report) {
        if (copy && a->report_count < a->report_capacity) {
            a->report[a->report_count++] = copy;
            copy = NULL;
        } else {
            a->report_omitted++;
        }
    }
    pthread_mutex_unlock(&a->lock);
    ot__free(copy);
    return rc;
}

/* "order O1" or "integration delhivery_b2c": what an alert is about, for messages. */
static const char *subject_of(const ot_alert *a, const char **name)
{
    *name = a->order_id ? a->order_id : a->integration;
    return a->order_id ? "order" : "integration";
}

/* enqueue() with its failures as errors. */
static int enqueue_checked(ot_alerts *a, const ot_alert *alert, ot_error *err)
{
    const char *name, *what = subject_of(alert, &name);
    int rc = enqueue(a, alert);
    if (rc == OT_ELIMIT)
        return ot__error_set(err, rc, "alert queue full (%zu alerts): %s %s not queued",
                             a->queue_capacity, what, name);
    if (rc)
        return ot__error_set(err, rc, "out of memory queueing an alert for %s %s", what, name);
    return 0;
}

int ot_alerts_push(ot_alerts *a, const ot_alert *alert, ot_error *err)
{
    ot_alert copy;
    int rc;
    if (!a)
        return ot__error_field(err, OT_EINVAL, "alerts", "alerts is NULL");
    if ((rc = ot__alert_load(&copy, alert, "alert", err)) != 0)
        return rc;
    return enqueue_checked(a, &copy, err);
}

/* `reason` as alert text: control characters become spaces, cut at a character boundary
 * within OT__ALERT_STRING_MAX bytes; a malformed byte becomes '?'. */
static void reason_text(char *out, const char *reason)
{
    size_t n = 0, len = strlen(reason), i = 0;
    while (i < len) {
        size_t k = 1;
        unsigned char c = (unsigned char)reason[i];
        if (c >= 0xc0)
            k = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
        if (i + k > len || !ot__text_valid(reason + i, k)) {
            k = 1;
            c = c < 0x20 || c == 0x7f ? ' ' : '?';
            if (n + 1 > OT__ALERT_STRING_MAX)
                break;
            out[n++] = (char)c;
        } else {
            if (n + k > OT__ALERT_STRING_MAX)
                break;
            memcpy(out + n, reason + i, k);
            n += k;
        }
        i += k;
    }
    out[n] = '\0';
}

/* The state of `name`, added (up) when new; NULL when no room or memory. Under health_lock. */
static struct integration *integration_of(ot_alerts *a, const char *name)
{
    struct integration *list;
    size_t i;
    for (i = 0; i < a->integration_count; i++)
        if (strcmp(a->integrations[i].name, name) == 0)
            return &a->integrations[i];
    if (a->integration_count == MAX_INTEGRATIONS)
        return NULL;
    list = ot__realloc(a->integrations, (a->integration_count + 1) * sizeof *list);
    if (!list)
        return NULL;
    a->integrations = list;
    memset(&list[i], 0, sizeof list[i]);
    if (!(list[i].name = ot__strdup(name)))
        return NULL;
    a->integration_count++;
    return &list[i];
}

int ot_alerts_integration(ot_alerts *a, const char *integration, int ok, const char *reason,
                          int64_t time_ms, ot_error *err)
{
    ot_alert alert = OT_ALERT_INIT;
    char detail[OT__ALERT_STRING_MAX + 1], since[OT__TIME_SIZE];
    struct integration *st;
    size_t n;
    int rc = 0;

    if (!a)
        return ot__error_field(err, OT_EINVAL, "alerts", "alerts is NULL");
    if (!integration || (n = strlen(integration)) == 0 || n > OT__ALERT_STRING_MAX ||
        !ot__text_valid(integration, n))
        return ot__error_field(err, OT_EINVAL, "integration",
                               "integration must be UTF-8 text of 1..%d bytes without control "
                               "characters", OT__ALERT_STRING_MAX);
    if (time_ms == 0)
        time_ms = ot_clock_now_ms(NULL);
    if (!ot__time_representable(time_ms))
        return ot__error_field(err, OT_EINVAL, "time_ms", "time_ms %lld is out of range",
                               (long long)time_ms);
    alert.integration = integration;
    alert.time_ms = time_ms;
    alert.detail = detail;
    /* Held while queueing, so the alerts of one integration are queued in the order of its
     * changes even when two threads report it. */
    pthread_mutex_lock(&a->health_lock);
    if (!(st = integration_of(a, integration))) {
        rc = a->integration_count == MAX_INTEGRATIONS
                 ? ot__error_field(err, OT_ELIMIT, "integration",
                                   "more than %d integrations, not recording %.64s",
                                   MAX_INTEGRATIONS, integration)
                 : ot__error_set(err, OT_ENOMEM, "out of memory recording integration %s",
                                 integration);
    } else if (!ok && !st->down) {
        st->down = 1;
        st->since_ms = time_ms;
        st->failed_runs = 1;
        reason_text(detail, reason && reason[0] ? reason : "failed");
        alert.kind = OT_ALERT_INTEGRATION_DOWN;
        rc = enqueue_checked(a, &alert, err);
    } else if (!ok) {
        st->failed_runs++;
    } else if (st->down) {
        st->down = 0;
        ot__time_format(since, st->since_ms);
        snprintf(detail, sizeof detail, "down since %s, %llu failed run%s", since,
                 (unsigned long long)st->failed_runs, st->failed_runs == 1 ? "" : "s");
        alert.kind = OT_ALERT_INTEGRATION_RECOVERED;
        rc = enqueue_checked(a, &alert, err);
    }
    pthread_mutex_unlock(&a->health_lock);
    return rc;
}

static void sink_notify(void *userdata, const ot_notice *n)
{
    ot_alerts *a = userdata;
    ot_alert alert = OT_ALERT_INIT;

    ot_alert loaded;

    if (!a || !n || n->version < 1 || !OT__ALERT_IS_NOTICE(n->kind))
        return;                                   /* kinds we do not know are ignored */
    alert.kind = n->kind;
    alert.order_id = n->order_id;
    alert.store_id = n->store_id;
    alert.from_status = n->from_status;
    alert.to_status = n->to_status;
    alert.from_shipment = n->from_shipment;
    alert.to_shipment = n->to_shipment;
    alert.time_ms = n->time_ms;
    alert.detail = n->detail;
    if (ot__alert_load(&loaded, &alert, "notice", NULL) != 0) {
        pthread_mutex_lock(&a->lock);
        a->lost++;
        pthread_mutex_unlock(&a->lock);
        return;
    }
    enqueue(a, &loaded);
}

int ot_alerts_sink(ot_notice_sink *sink, ot_alerts *a, ot_error *err)
{
    if (!sink)
        return ot__error_field(err, OT_EINVAL, "sink", "sink is NULL");
    if (!a)
        return ot__error_field(err, OT_EINVAL, "alerts", "alerts is NULL");
    sink->version = OT_NOTICE_SINK_VERSION;
    sink->userdata = a;
    sink->notify = sink_notify;
    return 0;
}

/* Fill in the courier and AWB through the host's lookup, once per item. */
static void look_up(ot_alerts *a, struct item *it)
{
    if (!a->lookup || it->looked_up || (it->alert.courier && it->alert.awb))
        return;
    it->looked_up = 1;
    a->lookup(a->userdata, it->alert.store_id, it->alert.order_id, it->courier,
              sizeof it->courier, it->awb, sizeof it->awb);
    it->courier[sizeof it->courier - 1] = it->awb[sizeof it->awb - 1] = '\0';
    if (!it->alert.courier && it->courier[0] &&
        ot__text_valid(it->courier, strlen(it->courier)))
        it->alert.courier = it->courier;
    if (!it->alert.awb && it->awb[0] && ot__text_valid(it->awb, strlen(it->awb)))
        it->alert.awb = it->awb;
}

/* POST `body` to `target`; 0 when the receiver answered 2xx, REJECTED, or a negative code,
 * with `why` filled naming `about` ("order O1", "12 orders"), the URL redacted (webhook URLs
 * hold tokens). */
static int post(ot_alerts *a, unsigned target, const char *body, size_t len, const char *about,
                char *why, size_t why_size)
{
    ot_http_header headers[3] = {{"Content-Type", "application/json"}};
    ot_http_request req = OT_HTTP_REQUEST_INIT;
    const ot_http_request *reqs[1] = {&req};
    ot_http_response *resp = NULL;
    const char *url = target == TARGET_SLACK ? a->slack_url : a->rto_url;
    const char *name = target == TARGET_SLACK ? "Slack webhook" : "RTO webhook";
    char redacted[96], key[80], hex[65];
    size_t nh = 1;
    int rc, status;

    ot__url_redact(redacted, sizeof redacted, url);
    if (target == TARGET_RTO) {
        /* The CRM deduplicates on it: a retried or re-flushed event carries the same key. */
        if ((rc = ot__sha256_hex(hex, body, len, NULL)) != 0) {
            snprintf(why, why_size, "%s %s: cannot hash %s: %s", name, redacted, about,
                     ot_strerror(rc));
            return rc;
        }
        snprintf(key, sizeof key, "rto-%.32s", hex);
        headers[nh].name = "Idempotency-Key", headers[nh++].value = key;
        if (a->rto_auth_name)
            headers[nh].name = a->rto_auth_name, headers[nh++].value = a->rto_auth_value;
    }
    req.method = "POST";
    req.url = url;
    req.headers = headers;
    req.header_count = nh;
    req.body = body;
    req.body_length = len;
    req.timeout_ms = a->timeout_ms;
    req.flags = OT_HTTP_REQUEST_IDEMPOTENT;   /* receivers tolerate a duplicate; see docs */
    rc = ot_http_client_send(a->http, reqs, 1, &resp, NULL);
    if (rc != 0) {
        snprintf(why, why_size, "%s %s: %s not sent: %s", name, redacted, about,
                 ot_strerror(rc));
        return rc;
    }
    status = ot_http_response_status(resp);
    if (status >= 200 && status <= 299) {
        rc = 0;
    } else if (status == 400 || status == 413 || status == 422) {
        snprintf(why, why_size, "%s %s rejected the message for %s (%d): dropped", name,
                 redacted, about, status);
        rc = REJECTED;
    } else if (status) {
        snprintf(why, why_size, "%s %s answered %d for %s", name, redacted, status, about);
        rc = OT_EHTTP;
    } else {
        rc = ot_http_response_error_code(resp);
        snprintf(why, why_size, "%s %s failed for %s: %s", name, redacted, about,
                 ot_strerror(rc));   /* its message names the URL */
        rc = rc ? rc : OT_EHTTP;
    }
    ot_http_response_free(resp);
    return rc;
}

/* Send the message of `it` to `target`: its own, or for Slack, when `n` > 1, the message of
 * the n alerts of its kind and detail, the first of which are `shown`. Return codes as
 * post(). */
static int deliver(ot_alerts *a, const struct item *it, const ot_alert *const *shown, size_t n,
                   unsigned target, char *why, size_t why_size)
{
    char about[96], *body = NULL;
    const char *name, *what = subject_of(&it->alert, &name);
    size_t len = 0;
    int rc;

    if (n > 1) {
        snprintf(about, sizeof about, "%zu orders", n);
        rc = ot__alert_slack_group_json(&body, &len, shown, n, OT_ALERTS_GROUP_MAX_ORDERS, NULL);
    } else {
        snprintf(about, sizeof about, "%s %.80s", what, name);
        rc = target == TARGET_SLACK ? ot_alert_slack_json(&body, &len, &it->alert, NULL)
                                    : ot_alert_rto_json(&body, &len, &it->alert, NULL);
    }
    if (rc != 0) {
        snprintf(why, why_size, "cannot format the message for %s: %s", about,
                 ot_strerror(rc));
        return rc;
    }
    rc = post(a, target, body, len, about, why, why_size);
    ot__free(body);
    return rc;
}

/* Slack alerts group by kind and detail; integration alerts stand alone. */
static int same_group(const struct item *x, const struct item *y)
{
    const char *dx = x->alert.detail, *dy = y->alert.detail;
    return x->alert.kind == y->alert.kind && !OT__ALERT_IS_INTEGRATION(x->alert.kind) &&
           (y->targets & TARGET_SLACK) && (dx == dy || (dx && dy && strcmp(dx, dy) == 0));
}

/* Move every queued and held item into one ordered array (held first). */
static int take_all(ot_alerts *a, struct item ***items, size_t *n, ot_alerts_stats *st)
{
    size_t total, i;
    struct item **all;

    pthread_mutex_lock(&a->lock);
    total = a->held_count + a->queue_count;
    all = total ? ot__malloc(total * sizeof *all) : NULL;
    if (total && !all) {
        pthread_mutex_unlock(&a->lock);
        return OT_ENOMEM;
    }
    for (i = 0; i < a->held_count; i++)
        all[i] = a->held[i];
    for (i = 0; i < a->queue_count; i++)
        all[a->held_count + i] = a->queue[(a->queue_head + i) % a->queue_capacity];
    a->held_count = a->queue_count = a->queue_head = 0;
    st->overflow = a->overflow;
    st->lost = a->lost;
    a->overflow = a->lost = 0;
    pthread_mutex_unlock(&a->lock);
    *items = all;
    *n = total;
    return 0;
}

int ot_alerts_flush(ot_alerts *a, ot_alerts_stats *stats, ot_error *err)
{
    ot_alerts_stats st = OT_ALERTS_STATS_INIT;
    struct item **items = NULL;
    unsigned down = 0;              /* targets that failed in this flush: later items wait */
    char why[OT_ERROR_MESSAGE_SIZE] = "";
    size_t n = 0, i;
    int rc, first = 0;

    if (!a)
        return ot__error_field(err, OT_EINVAL, "alerts", "alerts is NULL");
    if (stats && (rc = ot__check_version(stats->version, OT_ALERTS_STATS_VERSION, "stats",
                                         err)) != 0)
        return rc;
    pthread_mutex_lock(&a->flush_lock);
    if ((rc = take_all(a, &items, &n, &st)) != 0) {
        pthread_mutex_unlock(&a->flush_lock);
        return ot__error_set(err, rc, "out of memory flushing alerts");
    }
    for (i = 0; i < n; i++) {
        struct item *it = items[i];
        unsigned t;
        look_up(a, it);
        for (t = TARGET_SLACK; t <= TARGET_RTO; t <<= 1) {
            const ot_alert *shown[OT_ALERTS_GROUP_MAX_ORDERS];
            size_t g = 1, j;
            if (!(it->targets & t) || (down & t))
                continue;
            shown[0] = &it->alert;
            if (t == TARGET_SLACK)          /* the later alerts of its kind and detail */
                for (j = i + 1; j < n; j++)
                    if (same_group(it, items[j]) && g++ < OT_ALERTS_GROUP_MAX_ORDERS) {
                        look_up(a, items[j]);
                        shown[g - 1] = &items[j]->alert;
                    }
            rc = deliver(a, it, shown, g, t, first ? NULL : why, first ? 0 : sizeof why);
            if (rc == 0 || rc == REJECTED) {
                for (j = i + 1; g > 1 && j < n; j++)
                    if (same_group(it, items[j]))
                        items[j]->targets &= ~t;
                it->targets &= ~t;
                if (rc == 0) {
                    st.sent++;
                } else {
                    st.failed++;
                    st.dropped += g;
                }
            } else {
                down |= t;          /* keep the order: the rest for this target waits */
                st.failed++;
            }
            if (rc != 0 && !first)
                first = rc;
        }
    }
    pthread_mutex_lock(&a->lock);
    for (i = 0; i < n; i++) {
        if (!items[i]->targets) {
            ot__free(items[i]);
        } else if (a->held_count < a->held_capacity) {
            a->held[a->held_count++] = items[i];
        } else {
            st.dropped++;
            ot__free(items[i]);
        }
    }
    st.pending = a->held_count + a->queue_count;
    pthread_mutex_unlock(&a->lock);
    pthread_mutex_unlock(&a->flush_lock);
    ot__free(items);
    if (stats) {
        unsigned version = stats->version;
        *stats = st;
        stats->version = version;
    }
    if (first)
        return ot__error_set(err, OT_EHTTP, "%s (%llu failed, %llu dropped, %zu pending)", why,
                             (unsigned long long)st.failed, (unsigned long long)st.dropped,
                             st.pending);
    return 0;
}

/* ot_alerts_report; with `if_any`, nothing (0, *message NULL) when no alert waits; with
 * `send`, the message is handed to it and its failure puts the alerts back like a failure to
 * format (the message is then freed, *message NULL). */
static int report(char **message, size_t *len, ot_alerts *a, const ot_alerts_email *email,
                  int if_any, ot_alerts_send_fn send, void *userdata, ot_error *err)
{
    ot_alerts_email e;
    struct item **taken;
    ot_alert *list = NULL;
    size_t n, i, keep;
    uint64_t omitted;
    int rc;

    if (!message)
        return ot__error_field(err, OT_EINVAL, "message", "message is NULL");
    *message = NULL;
    if (!a)
        return ot__error_field(err, OT_EINVAL, "alerts", "alerts is NULL");
    if (!email)
        return ot__error_field(err, OT_EINVAL, "email", "email is NULL");
    if ((rc = ot__check_version(email->version, OT_ALERTS_EMAIL_VERSION, "email", err)) != 0)
        return rc;
    e = *email;
    if (e.date_ms == 0)
        e.date_ms = ot_clock_now_ms(NULL);
    pthread_mutex_lock(&a->lock);
    n = a->report_count;
    if (if_any && n == 0 && a->report_omitted == 0) {
        pthread_mutex_unlock(&a->lock);
        return 0;
    }
    taken = n ? ot__malloc(n * sizeof *taken) : NULL;
    list = n ? ot__malloc(n * sizeof *list) : NULL;
    if (n && (!taken || !list)) {
        pthread_mutex_unlock(&a->lock);
        ot__free(taken);
        ot__free(list);
        return ot__error_set(err, OT_ENOMEM, "out of memory building the alert report");
    }
    if (n)
        memcpy(taken, a->report, n * sizeof *taken);
    omitted = a->report_omitted;
    a->report_count = 0;
    a->report_omitted = 0;
    pthread_mutex_unlock(&a->lock);
    for (i = 0; i < n; i++)
        list[i] = taken[i]->alert;
    e.omitted += omitted;
    rc = ot__alerts_email_make(message, len, &e, list, n, err);
    if (rc == 0 && send && (rc = send(userdata, *message, *len, err)) != 0) {
        ot__free(*message);
        *message = NULL;
    }
    if (rc != 0) {
        /* Put the alerts back in front of newer ones so a corrected call reports them. */
        pthread_mutex_lock(&a->lock);
        keep = a->report_capacity - n < a->report_count ? a->report_capacity - n
                                                        : a->report_count;
        for (i = keep; i < a->report_count; i++)
            ot__free(a->report[i]);
        a->report_omitted += omitted + (a->report_count - keep);
        if (n) {
            memmove(a->report + n, a->report, keep * sizeof *taken);
            memcpy(a->report, taken, n * sizeof *taken);
        }
        a->report_count = n + keep;
        pthread_mutex_unlock(&a->lock);
    } else {
        for (i = 0; i < n; i++)
            ot__free(taken[i]);
    }
    ot__free(taken);
    ot__free(list);
    return rc;
}

int ot_alerts_report(char **message, size_t *len, ot_alerts *a, const ot_alerts_email *email,
                     ot_error *err)
{
    return report(message, len, a, email, 0, NULL, NULL, err);
}

int ot_alerts_report_if_any(char **message, size_t *len, ot_alerts *a,
                            const ot_alerts_email *email, ot_error *err)
{
    return report(message, len, a, email, 1, NULL, NULL, err);
}

int ot_alerts_report_send(ot_alerts *a, const ot_alerts_email *email, int if_any,
                          ot_alerts_send_fn send, void *userdata, ot_error *err)
{
    char *message = NULL;
    size_t len = 0;
    int rc;
    if (!send)
        return ot__error_field(err, OT_EINVAL, "send", "send is NULL");
    rc = report(&message, &len, a, email, if_any, send, userdata, err);
    ot__free(message);
    return rc;
}
