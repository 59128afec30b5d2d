/* The dispatcher thread (dispatcher.h): partner requests through libordertrack-curl's port
 * and a resilient client of its own (retries and breakers per partner host). */
#include <pthread.h>
#include <string.h>
#include <time.h>

#include <ordertrack/adapters/curl.h>
#include <ordertrack/ordertrack.h>

#include "config.h"
#include "dispatcher.h"
#include "worker.h"

/* Orders looked at per page of the ready_for_pickup list. */
#define PAGE 200

struct otd_dispatcher {
    const otd_dispatchconf *conf;
    otd_live *live;
    otc_log *log;
    ot_http_client *http;
    ot_dispatch *dispatch;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int stopping;
};

static void run_order(otd_dispatcher *d, ot_tracker *tracker, json_t *order)
{
    const char *id = json_string_value(json_object_get(order, "order_id"));
    const char *provider = json_string_value(json_object_get(order, "delivery_provider"));
    const otd_dispatch_store *st =
        otd_dispatchconf_store(d->conf, json_string_value(json_object_get(order, "store_id")));
    const char *primary = NULL;
    ot_dispatch_order req = OT_DISPATCH_ORDER_INIT;
    ot_dispatch_result res = OT_DISPATCH_RESULT_INIT;
    ot_error e;

    if (!st || !id || !provider || ot_provider_to_string(&primary, st->primary, NULL) ||
        strcmp(primary, provider) != 0)
        return;   /* not this store's primary: dispatched by its host (assign) */
    memset(&e, 0, sizeof e);
    req.order_id = id;
    req.secondary = st->secondary;
    req.pickup_name = st->pickup_name;
    req.pickup_address = st->pickup_address;
    req.pickup_phone = st->pickup_phone;
    if (ot_dispatch_run(&res, d->dispatch, tracker, &req, &e) != 0) {
        otc_log_write(d->log, OTC_LOG_ERROR, "dispatch failed",
                      json_pack("{ss ss ss}", "order_id", id, "field", e.field, "reason",
                                e.message));
        return;
    }
    if (res.requests)
        otc_log_write(d->log, OTC_LOG_INFO, "dispatch",
                      json_pack("{ss si si ss}", "order_id", id, "state", res.state,
                                "requests", (int)res.requests, "delivery_id",
                                res.delivery_id));
}

/* One pass over the ready_for_pickup orders. */
static void sweep(otd_dispatcher *d)
{
    otd_generation *g = otd_live_acquire(d->live);
    ot_list_request lr = OT_LIST_REQUEST_INIT;
    char cursor[512] = "";
    ot_error e;

    lr.status = OT_STATUS_READY_FOR_PICKUP;
    lr.limit = PAGE;
    do {
        char *text = NULL;
        json_t *page, *order;
        size_t i;
        const char *next;

        memset(&e, 0, sizeof e);
        lr.cursor = cursor;
        if (ot_tracker_list(&text, NULL, g->tracker, &lr, &e) != 0) {
            otc_logf(d->log, OTC_LOG_ERROR, "dispatch: listing ready orders: %s", e.message);
            break;
        }
        page = json_loads(text, 0, NULL);
        ot_free(text);
        json_array_foreach(json_object_get(page, "orders"), i, order)
            run_order(d, g->tracker, order);
        next = json_string_value(json_object_get(page, "next_cursor"));
        snprintf(cursor, sizeof cursor, "%s", next ? next : "");
        json_decref(page);
    } while (cursor[0]);
    otd_live_release(d->live, g);
}

static void *dispatcher_main(void *arg)
{
    otd_dispatcher *d = arg;

    pthread_mutex_lock(&d->lock);
    while (!d->stopping) {
        struct timespec ts;
        pthread_mutex_unlock(&d->lock);
        sweep(d);
        pthread_mutex_lock(&d->lock);
        otc_deadline(&ts, (int64_t)d->conf->sweep_ms);
        if (!d->stopping)
            pthread_cond_timedwait(&d->cond, &d->lock, &ts);
    }
    pthread_mutex_unlock(&d->lock);
    return NULL;
}

int otd_dispatcher_start(otd_dispatcher **out, const otd_dispatchconf *conf, otd_live *live,
                         otc_log *log)
{
    ot_curl_options curl = OT_CURL_OPTIONS_INIT;
    ot_http_policy policy = OT_HTTP_POLICY_INIT;
    ot_dispatch_options opt = OT_DISPATCH_OPTIONS_INIT;
    otd_dispatcher *d = calloc(1, sizeof *d);
    ot_http port;
    ot_error e;

    *out = NULL;
    memset(&e, 0, sizeof e);
    if (!d)
        return 1;
    d->conf = conf;
    d->live = live;
    d->log = log;
    policy.max_attempts = conf->http_max_attempts;
    policy.breaker_threshold = conf->breaker_threshold;
    policy.breaker_cooldown_ms = conf->breaker_cooldown_ms;
    curl.max_response_bytes = 1024 * 1024;
    if (ot_curl_http_new(&port, &curl, &e) != 0) {
        otc_logf(log, OTC_LOG_ERROR, "dispatch: %s", e.message);
        free(d);
        return 1;
    }
    if (ot_http_client_new(&d->http, &port, &policy, NULL, &e) != 0) {
        port.close(port.userdata);
        otc_logf(log, OTC_LOG_ERROR, "dispatch: %s", e.message);
        free(d);
        return 1;
    }
    opt.http = d->http;
    opt.partners = conf->partners;
    opt.n_partners = conf->n_partners;
    opt.max_no_driver_attempts = conf->max_no_driver_attempts;
    opt.retry_base_ms = conf->retry_base_ms;
    opt.retry_cap_ms = conf->retry_cap_ms;
    opt.lease_ms = conf->lease_ms;
    if (ot_dispatch_new(&d->dispatch, &opt, &e) != 0) {
        otc_logf(log, OTC_LOG_ERROR, "dispatch.%s: %s", e.field[0] ? e.field : "?", e.message);
        ot_http_client_free(d->http);
        free(d);
        return e.code == OT_EINVAL ? OTD_EXIT_CONFIG : 1;
    }
    pthread_mutex_init(&d->lock, NULL);
    if (otc_cond_init_monotonic(&d->cond) != 0) {
        pthread_mutex_destroy(&d->lock);
        ot_dispatch_free(d->dispatch);
        ot_http_client_free(d->http);
        free(d);
        return 1;
    }
    if (pthread_create(&d->thread, NULL, dispatcher_main, d) != 0) {
        pthread_cond_destroy(&d->cond);
        pthread_mutex_destroy(&d->lock);
        ot_dispatch_free(d->dispatch);
        ot_http_client_free(d->http);
        free(d);
        return 1;
    }
    *out = d;
    return 0;
}

void otd_dispatcher_stop(otd_dispatcher *d)
{
    if (!d)
        return;
    otc_signal_stop(&d->lock, &d->cond, &d->stopping);
    pthread_join(d->thread, NULL);
    ot_dispatch_free(d->dispatch);
    ot_http_client_free(d->http);
    pthread_cond_destroy(&d->cond);
    pthread_mutex_destroy(&d->lock);
    free(d);
}
