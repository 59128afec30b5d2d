/* The reconciler thread (reconciler.h): courier requests through libordertrack-curl's port
 * and a resilient client of its own. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ordertrack/adapters/curl.h>
#include <ordertrack/ordertrack.h>
#include <ordertrack/sys/clock.h>

#include "config.h"
#include "worker.h"
#include "reconciler.h"

struct otd_reconciler {
    const otd_reconcileconf *conf;
    ot_metrics *metrics;
    otd_live *live;
    otc_log *log;
    otd_reconciler_alert_fn alert;
    void *ctx;
    ot_http_client *http;
    ot_courier_client *clients[OTC_COURIERS_MAX];
    size_t n_clients;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int stopping;
};

static void on_finding(void *userdata, const ot_reconcile_finding *f)
{
    otd_reconciler *r = userdata;
    const char *cls = "?";
    char detail[256];

    ot_reconcile_class_to_string(&cls, f->finding_class, NULL);
    /* a standing finding, recorded before, is news only at debug level */
    otc_log_write(r->log, f->alert ? OTC_LOG_WARN : f->noted ? OTC_LOG_DEBUG : OTC_LOG_INFO,
                  "reconcile finding",
                  json_pack("{ss ss ss sb sb sb}", "class", cls, "order_id", f->order_id,
                            "detail", f->detail, "repaired", f->repaired, "alert", f->alert,
                            "noted", f->noted));
    if (!f->alert)
        return;
    ot_alert a = OT_ALERT_INIT;
    snprintf(detail, sizeof detail, "%s: %s", cls, f->detail);
    a.kind = OT_ALERT_DATA_INCONSISTENCY;
    a.order_id = f->order_id;
    a.store_id = f->store_id;
    a.courier = f->courier;
    a.awb = f->awb;
    a.time_ms = ot_clock_now_ms(NULL);
    a.detail = detail;
    r->alert(r->ctx, &a);
}

/* One run over the current generation's tracker. */
static void run(otd_reconciler *r)
{
    otd_generation *g = otd_live_acquire(r->live);
    ot_reconcile_options o = OT_RECONCILE_OPTIONS_INIT;
    ot_reconcile_summary s = OT_RECONCILE_SUMMARY_INIT;
    ot_error e;

    memset(&e, 0, sizeof e);
    o.export_path = r->conf->export_path;
    o.repair = r->conf->repair;
    o.once = 1;
    o.page_size = r->conf->page_size;
    o.couriers = r->clients;
    o.courier_count = r->n_clients;
    o.http = r->http;
    o.metrics = r->metrics;
    o.on_finding = on_finding;
    o.userdata = r;
    if (ot_reconcile_run(&s, g->tracker, &o, &e) != 0)
        otc_log_write(r->log, OTC_LOG_ERROR, "reconcile failed",
                      json_pack("{ss ss sI}", "field", e.field, "reason", e.message, "orders",
                                (json_int_t)s.orders));
    else
        otc_log_write(r->log, s.total ? OTC_LOG_WARN : OTC_LOG_INFO, "reconcile",
                      json_pack("{sI sI sI sI sI sI ss}", "orders", (json_int_t)s.orders,
                                "findings", (json_int_t)s.total, "repaired",
                                (json_int_t)s.repaired, "alerts", (json_int_t)s.alerts,
                                "courier_asked", (json_int_t)s.courier_asked,
                                "courier_failed", (json_int_t)s.courier_failed,
                                "first_failure", s.first_failure.message));
    otd_live_release(r->live, g);
}

static void *reconciler_main(void *arg)
{
    otd_reconciler *r = arg;

    pthread_mutex_lock(&r->lock);
    while (!r->stopping) {
        struct timespec ts;
        otc_deadline(&ts, (int64_t)r->conf->interval_s * 1000);
        while (!r->stopping && pthread_cond_timedwait(&r->cond, &r->lock, &ts) == 0)
            ;
        if (r->stopping)
            break;
        pthread_mutex_unlock(&r->lock);
        run(r);
        pthread_mutex_lock(&r->lock);
    }
    pthread_mutex_unlock(&r->lock);
    return NULL;
}

static void clients_free(otd_reconciler *r)
{
    for (size_t i = 0; i < r->n_clients; i++)
        ot_courier_client_free(r->clients[i]);
    ot_http_client_free(r->http);
}

int otd_reconciler_start(otd_reconciler **out, const otd_reconcileconf *conf,
                         const ot_courier_registry *registry, ot_metrics *metrics,
                         otd_live *live, otc_log *log, otd_reconciler_alert_fn alert,
                         void *ctx)
{
    ot_curl_options curl = OT_CURL_OPTIONS_INIT;
    ot_http_policy policy = OT_HTTP_POLICY_INIT;
    otd_reconciler *r = calloc(1, sizeof *r);
    ot_http port;
    ot_error e;

    *out = NULL;
    memset(&e, 0, sizeof e);
    if (!r)
        return 1;
    r->conf = conf;
    r->metrics = metrics;
    r->live = live;
    r->log = log;
    r->alert = alert;
    r->ctx = ctx;
    for (; r->n_clients < conf->couriers.n; r->n_clients++) {
        const otc_courier *k = &conf->couriers.list[r->n_clients];
        if (otc_courier_client_new(&r->clients[r->n_clients], k, registry, &e) != 0) {
            otc_logf(log, OTC_LOG_ERROR, "reconcile.couriers.%s: %s", k->name, e.message);
            clients_free(r);
            free(r);
            return e.code == OT_EINVAL ? OTD_EXIT_CONFIG : 1;
        }
    }
    if (r->n_clients) {
        curl.max_response_bytes = 4 * 1024 * 1024;
        if (ot_curl_http_new(&port, &curl, &e) != 0) {
            otc_logf(log, OTC_LOG_ERROR, "reconcile: %s", e.message);
            clients_free(r);
            free(r);
            return 1;
        }
        if (ot_http_client_new(&r->http, &port, &policy, NULL, &e) != 0) {
            port.close(port.userdata);
            otc_logf(log, OTC_LOG_ERROR, "reconcile: %s", e.message);
            clients_free(r);
            free(r);
            return 1;
        }
    }
    pthread_mutex_init(&r->lock, NULL);
    if (otc_cond_init_monotonic(&r->cond) != 0) {
        otc_logf(log, OTC_LOG_ERROR, "reconcile: cannot create the thread's condition variable");
        pthread_mutex_destroy(&r->lock);
        clients_free(r);
        free(r);
        return 1;
    }
    if (pthread_create(&r->thread, NULL, reconciler_main, r) != 0) {
        otc_logf(log, OTC_LOG_ERROR, "reconcile: cannot start its thread");
        pthread_cond_destroy(&r->cond);
        pthread_mutex_destroy(&r->lock);
        clients_free(r);
        free(r);
        return 1;
    }
    *out = r;
    return 0;
}

void otd_reconciler_stop(otd_reconciler *r)
{
    if (!r)
        return;
    otc_signal_stop(&r->lock, &r->cond, &r->stopping);
    pthread_join(r->thread, NULL);
    clients_free(r);
    pthread_cond_destroy(&r->cond);
    pthread_mutex_destroy(&r->lock);
    free(r);
}
