/* The poll cycle: orders from storage, batched tracking requests, updates applied once. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "alloc_internal.h"
#include "error_internal.h"
#include "poll_internal.h"
#include "tracker/tracker_internal.h"

#define MAX_WORKERS 1024u

/* One order of the page being polled. */
struct entry {
    ot_order *order;            /* the latest copy we know of (replaced after each write) */
    const char *awb;            /* borrowed from `order`'s first copy: kept in `awb_copy` */
    char *awb_copy;
    int64_t last_time;          /* newest courier event time recorded on the order */
    int seen;                   /* the answer mentioned it */
};

struct page {
    struct entry *entries;
    size_t count, cap;
};

struct run {
    ot_poll_summary *sum;
    ot_tracker *tracker;
    ot_http_client *http;
    const ot_poll_config *cfg;
    ot_courier_client *courier;
    const char *name;
    size_t batch;               /* AWBs per request */
};

int ot_poll_config_init(ot_poll_config *config, unsigned version, ot_error *err)
{
    static const ot_poll_config defaults = OT_POLL_CONFIG_INIT;
    int rc;
    if (!config)
        return ot__error_field(err, OT_EINVAL, "config", "config is NULL");
    if ((rc = ot__check_version(version, OT_POLL_CONFIG_VERSION, "poll config", err)))
        return rc;
    *config = defaults;
    config->version = version;
    return 0;
}

int ot_poll_summary_init(ot_poll_summary *summary, unsigned version, ot_error *err)
{
    static const ot_poll_summary defaults = OT_POLL_SUMMARY_INIT;
    int rc;
    if (!summary)
        return ot__error_field(err, OT_EINVAL, "summary", "summary is NULL");
    if ((rc = ot__check_version(version, OT_POLL_SUMMARY_VERSION, "poll summary", err)))
        return rc;
    *summary = defaults;
    summary->version = version;
    return 0;
}

/* The newest courier event time in the order's history (0 when none). */
static int64_t last_courier_time(const ot_order *o)
{
    const json_t *history = json_object_get(o->doc, "status_history");
    const char *name = ot__event_name(OT__EV_COURIER_UPDATE);
    int64_t last = 0, t;
    size_t i;
    for (i = 0; i < json_array_size(history); i++) {
        const json_t *ot = ot__entry_ot(json_array_get(history, i));
        const char *ev = ot__jstr(ot, "event");
        if (ev && name && strcmp(ev, name) == 0 &&
            (t = ot__jtime(json_object_get(ot, "data"), "time")) > last)
            last = t;
    }
    return last;
}

/* 1 if the order already holds an unmapped_status issue for `raw`. */
static int has_unmapped_issue(const ot_order *o, const char *raw)
{
    size_t i, n = ot_order_issue_count(o);
    for (i = 0; i < n; i++) {
        ot_issue_view v = OT_ISSUE_VIEW_INIT;
        if (ot_order_issue_at(&v, o, i, NULL) == 0 && v.issue_type && v.description &&
            strcmp(v.issue_type, "unmapped_status") == 0 && strcmp(v.description, raw) == 0)
            return 1;
    }
    return 0;
}

static void page_clear(struct page *p)
{
    size_t i;
    for (i = 0; i < p->count; i++) {
        ot_order_free(p->entries[i].order);
        ot__free(p->entries[i].awb_copy);
    }
    p->count = 0;
}

/* Drop the first `n` entries (polled), keeping the rest for the next round. */
static void page_drop_front(struct page *p, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        ot_order_free(p->entries[i].order);
        ot__free(p->entries[i].awb_copy);
    }
    if (p->count > n)       /* entries is NULL when nothing was collected */
        memmove(p->entries, p->entries + n, (p->count - n) * sizeof *p->entries);
    p->count -= n;
}

static int collect(void *ctx, ot_order *order, ot_error *err)
{
    struct page *p = ctx;
    struct entry *e;
    const char *awb = ot_order_tracking_id(order);
    if (!awb || !*awb) {        /* nothing to ask the courier about */
        ot_order_free(order);
        return 0;
    }
    if (p->count == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 64;
        struct entry *grown = ot__realloc(p->entries, cap * sizeof *grown);
        if (!grown) {
            ot_order_free(order);
            return ot__error_set(err, OT_ENOMEM, "out of memory collecting orders to poll");
        }
        p->entries = grown;
        p->cap = cap;
    }
    e = &p->entries[p->count];
    memset(e, 0, sizeof *e);
    e->awb_copy = ot__strdup(awb);
    if (!e->awb_copy) {
        ot_order_free(order);
        return ot__error_set(err, OT_ENOMEM, "out of memory collecting orders to poll");
    }
    e->awb = e->awb_copy;
    e->order = order;
    e->last_time = last_courier_time(order);
    p->count++;
    return 0;
}

/* Record the first failure of the run in the summary. */
static void note_failure(struct run *r, const ot_error *e)
{
    if (r->sum->first_failure.code == 0 && e && e->code)
        r->sum->first_failure = *e;
}

static void replace_order(struct entry *e, ot_order *fresh)
{
    if (fresh) {
        ot_order_free(e->order);
        e->order = fresh;
    }
}

/* An update the tracker refused: counted, and the first kept with the courier and AWB. */
static void update_refused(struct run *r, const struct entry *e, const ot_error *cause)
{
    ot_error err = *cause;
    r->sum->errors++;
    if (err.field[0] == '\0')
        ot__strlcpy(err.field, "tracking_id", sizeof err.field);
    snprintf(err.message, sizeof err.message, "%s AWB %.40s: %.180s", r->name, e->awb,
             cause->message);
    note_failure(r, &err);
}

static void apply_unmapped(struct run *r, struct entry *e, const ot_update *u)
{
    ot_request req = OT_REQUEST_INIT;
    ot_order *fresh = NULL;
    ot_error err;
    const char *raw = u->raw_status ? u->raw_status : "(no status)";

    r->sum->unknown++;
    if (has_unmapped_issue(e->order, raw))
        return;
    req.order_id = ot_order_order_id(e->order);
    req.updated_by = r->name;
    req.issue_type = "unmapped_status";
    req.description = raw;
    req.severity = OT_SEVERITY_MEDIUM;
    req.notes = u->raw_type;
    if (ot_tracker_raise_issue(&fresh, r->tracker, &req, &err) == 0) {
        r->sum->issues++;
        replace_order(e, fresh);
        return;
    }
    update_refused(r, e, &err);
}

static void apply_one(struct run *r, struct entry *e, const ot_update *u)
{
    ot_update copy = *u;
    ot_order *fresh = NULL;
    ot_error err;
    int rc;

    if (u->flags & OT_UPDATE_UNMAPPED) {
        apply_unmapped(r, e, u);
        return;
    }
    /* a flow kept apart (reverse pickup, customer return), a scan without status news, or
     * one not newer than what the order already holds: nothing to apply */
    if (!u->shipment_status || (u->flags & OT_UPDATE_LOCATION_ONLY) ||
        (u->event_time_ms && u->event_time_ms <= e->last_time)) {
        r->sum->unchanged++;
        return;
    }
    copy.order_id = ot_order_order_id(e->order);
    rc = ot_tracker_apply_update(&fresh, r->tracker, &copy, NULL, &err);
    if (rc == 0) {
        r->sum->changed++;
        if (u->event_time_ms > e->last_time)
            e->last_time = u->event_time_ms;
    } else if (rc == OT_ESTALE) {
        r->sum->unchanged++;
    } else {
        update_refused(r, e, &err);
    }
    replace_order(e, fresh);
}

static void request_failed(struct run *r, struct entry *group, size_t n, int code,
                           const char *what)
{
    ot_error err;
    r->sum->failed_requests++;
    ot__error_field(&err, code, "tracking_id", "%s request for AWB %.40s%s failed: %.150s",
                    r->name, group[0].awb, n > 1 ? " and others" : "", what);
    note_failure(r, &err);
}

/* Parse one answer for `group` and apply what it says. */
static void handle_answer(struct run *r, struct entry *group, size_t n,
                          const ot_http_response *resp)
{
    ot_update_list *list = NULL;
    ot_error err;
    char what[200];
    size_t i, k, len;
    const char *body;
    int status = ot_http_response_status(resp);

    if (status < 200 || status > 299) {
        if (status == 0)
            snprintf(what, sizeof what, "%.150s", ot_http_response_error_message(resp));
        else
            snprintf(what, sizeof what, "HTTP %d", status);
        request_failed(r, group, n,
                       status == 0 ? ot_http_response_error_code(resp)
                       : status == 401 || status == 403 ? OT_EAUTH : OT_EHTTP, what);
        return;
    }
    body = ot_http_response_body(resp, &len);
    if (ot_courier_parse(&list, r->cfg->tables, ot__courier_payload(r->courier), body, len,
                         &err)) {
        snprintf(what, sizeof what, "unreadable answer: %.100s%s%.40s", err.message,
                 err.field[0] ? " at " : "", err.field);
        request_failed(r, group, n, err.code, what);
        return;
    }
    for (k = 0; k < ot_update_list_count(list); k++) {
        const ot_update *u = ot_update_list_get(list, k);
        for (i = 0; i < n; i++)
            if (u->tracking_id && strcmp(group[i].awb, u->tracking_id) == 0)
                break;
        if (i == n) {
            r->sum->errors++;
            ot__error_field(&err, OT_ENOTFOUND, "tracking_id",
                            "%s answered about AWB %.40s, which was not asked for", r->name,
                            u->tracking_id ? u->tracking_id : "(none)");
            note_failure(r, &err);
            continue;
        }
        group[i].seen = 1;
        apply_one(r, &group[i], u);
    }
    for (i = 0; i < n; i++)
        if (!group[i].seen)
            r->sum->missing++;
    ot_update_list_free(list);
}

static void default_sleep(int64_t ms, void *userdata)
{
    struct timespec ts;
    (void)userdata;
    ts.tv_sec = (time_t)(ms / 1000);
    ts.tv_nsec = (long)(ms % 1000) * 1000000L;
    while (nanosleep(&ts, &ts) != 0)
        ;
}

/* Send requests `reqs[0..k-1]` in one client batch; responses into `resp`. */
static int send_round(struct run *r, struct ot__courier_request *reqs, size_t k,
                      ot_http_response **resp, ot_error *err)
{
    const ot_http_request *ptrs[MAX_WORKERS];
    size_t i;
    for (i = 0; i < k; i++)
        ptrs[i] = &reqs[i].req;
    r->sum->requests += k;
    return ot_http_client_send(r->http, ptrs, k, resp, err);
}

/* Group `g` of the page: its first entry, its size, and its AWBs into `awbs` (or NULL). */
static struct entry *group_at(struct page *p, size_t g, size_t batch, size_t *n,
                              const char **awbs)
{
    size_t at = g * batch, j;
    *n = p->count - at < batch ? p->count - at : batch;
    for (j = 0; awbs && j < *n; j++)
        awbs[j] = p->entries[at + j].awb;
    return &p->entries[at];
}

/* One round: groups `first` .. `first + k - 1` of the page, sent in one client batch. */
static int poll_round(struct run *r, struct page *p, size_t first, size_t k,
                      struct ot__courier_request *reqs, ot_http_response **resp,
                      ot_error *err)
{
    const size_t batch = r->batch;
    const char *awbs[64];
    struct entry *group;
    size_t i, n, built = 0, unauthorized = 0;
    ot_error e;
    int rc = 0;

    for (i = 0; i < k; i++)
        resp[i] = NULL;
    if (ot__courier_ensure_token(r->courier, r->http, &r->sum->logins, &e)) {
        if (e.code == OT_ENOMEM)
            return ot__error_set(err, OT_ENOMEM, "%s", e.message);
        for (i = 0; i < k; i++) {
            group = group_at(p, first + i, batch, &n, NULL);
            request_failed(r, group, n, e.code, e.message);
        }
        return 0;
    }
    for (i = 0; i < k; i++, built++) {
        group_at(p, first + i, batch, &n, awbs);
        if ((rc = ot__courier_build(&reqs[i], r->courier, awbs, n, err)))
            goto out;
    }
    if ((rc = send_round(r, reqs, k, resp, err)))
        goto out;
    /* a 401: the token was revoked or expired early; log in once and send those again */
    for (i = 0; i < k; i++)
        if (ot_http_response_status(resp[i]) == 401 && ot__courier_has_login(r->courier))
            unauthorized++;
    if (unauthorized &&
        ot__courier_unauthorized(r->courier, r->http, reqs[0].auth, &r->sum->logins, &e) == 0) {
        for (i = 0; i < k; i++) {
            ot_http_response *again = NULL;
            if (ot_http_response_status(resp[i]) != 401)
                continue;
            ot__courier_request_release(&reqs[i]);
            group_at(p, first + i, batch, &n, awbs);
            if ((rc = ot__courier_build(&reqs[i], r->courier, awbs, n, err)) ||
                (rc = send_round(r, &reqs[i], 1, &again, err)))
                goto out;
            ot_http_response_free(resp[i]);
            resp[i] = again;
        }
    } else if (unauthorized) {
        note_failure(r, &e);
    }
    for (i = 0; i < k; i++) {
        group = group_at(p, first + i, batch, &n, NULL);
        handle_answer(r, group, n, resp[i]);
    }
out:
    for (i = 0; i < k; i++) {
        ot_http_response_free(resp[i]);
        resp[i] = NULL;
    }
    for (i = 0; i < built; i++)
        ot__courier_request_release(&reqs[i]);
    return rc;
}

static int poll_page(struct run *r, struct page *p, int *first_round, ot_error *err)
{
    size_t batch = r->batch;
    size_t groups = (p->count + batch - 1) / batch, g, k;
    size_t workers = r->cfg->workers ? r->cfg->workers : 1;
    struct ot__courier_request *reqs;
    ot_http_response **resp;
    int rc = 0;

    reqs = ot__calloc(workers, sizeof *reqs);
    resp = ot__calloc(workers, sizeof *resp);
    if (!reqs || !resp) {
        ot__free(reqs);
        ot__free(resp);
        return ot__error_set(err, OT_ENOMEM, "out of memory polling %s", r->name);
    }
    for (g = 0; g < groups && rc == 0; g += k) {
        k = groups - g < workers ? groups - g : workers;
        if (!*first_round && r->cfg->delay_ms > 0)
            (r->cfg->sleep_ms ? r->cfg->sleep_ms : default_sleep)(r->cfg->delay_ms,
                                                                  r->cfg->userdata);
        *first_round = 0;
        rc = poll_round(r, p, g, k, reqs, resp, err);
    }
    ot__free(reqs);
    ot__free(resp);
    return rc;
}

static int check_args(ot_poll_summary *sum, ot_tracker *tracker, ot_http_client *http,
                      const ot_poll_config *cfg, ot_error *err)
{
    int rc;
    if (!sum)
        return ot__error_field(err, OT_EINVAL, "summary", "summary is NULL");
    if ((rc = ot__check_version(sum->version, OT_POLL_SUMMARY_VERSION, "poll summary", err)))
        return rc;
    if (!tracker)
        return ot__error_field(err, OT_EINVAL, "tracker", "tracker is NULL");
    if (!http)
        return ot__error_field(err, OT_EINVAL, "http", "http is NULL");
    if (!cfg)
        return ot__error_field(err, OT_EINVAL, "config", "config is NULL");
    if ((rc = ot__check_version(cfg->version, OT_POLL_CONFIG_VERSION, "poll config", err)))
        return rc;
    if (!cfg->courier)
        return ot__error_field(err, OT_EINVAL, "courier", "config.courier is NULL");
    if (cfg->batch_size > ot__courier_max_batch(cfg->courier))
        return ot__error_field(err, OT_EINVAL, "batch_size",
                               "%s takes at most %zu AWBs per request, not %zu",
                               ot__courier_name(cfg->courier),
                               ot__courier_max_batch(cfg->courier), cfg->batch_size);
    if (cfg->workers > MAX_WORKERS)
        return ot__error_field(err, OT_EINVAL, "workers", "workers must be 0..%u, not %u",
                               MAX_WORKERS, cfg->workers);
    if (cfg->delay_ms < 0 || cfg->delay_ms > 86400000)
        return ot__error_field(err, OT_EINVAL, "delay_ms", "delay_ms must be 0..86400000");
    return 0;
}

int ot_poll_run(ot_poll_summary *sum, ot_tracker *tracker, ot_http_client *http,
                const ot_poll_config *cfg, ot_error *err)
{
    struct run r;
    struct page p = {NULL, 0, 0};
    char cursor[OT_STORAGE_CURSOR_SIZE] = "", next[OT_STORAGE_CURSOR_SIZE];
    size_t remaining, batch, page_size, fill;
    unsigned version;
    int rc, first_round = 1;

    if ((rc = check_args(sum, tracker, http, cfg, err)))
        return rc;
    version = sum->version;
    ot_poll_summary_init(sum, version, NULL);
    r.sum = sum;
    r.tracker = tracker;
    r.http = http;
    r.cfg = cfg;
    r.courier = cfg->courier;
    r.name = ot__courier_name(cfg->courier);
    batch = cfg->batch_size ? cfg->batch_size : ot__courier_batch(cfg->courier);
    r.batch = batch;
    page_size = batch * (OT_STORAGE_QUERY_MAX / batch);
    /* A storage page holds at most OT_STORAGE_QUERY_MAX orders (20 batches of 50), fewer than
     * `workers` batches: pages are collected until one full round (`workers` batches) is
     * queued, whole rounds are polled and the remainder waits for the next pages, so every
     * round but the last keeps all the workers busy. */
    fill = batch * (cfg->workers ? cfg->workers : 1);
    remaining = cfg->max_orders ? cfg->max_orders : SIZE_MAX;
    do {
        size_t polled, count;
        int more;
        do {
            ot_storage_query q = OT_STORAGE_QUERY_INIT;
            size_t before = p.count;
            q.delivery_provider = ot_courier_client_provider(cfg->courier, NULL);
            q.shipment_active = 1;
            q.limit = remaining < page_size ? remaining : page_size;
            q.cursor = cursor;
            next[0] = '\0';
            rc = ot__tracker_query(tracker, &q, collect, &p, next, sizeof next, err);
            if (rc == 0) {
                sum->orders += p.count - before;
                remaining -= q.limit;
            }
            memcpy(cursor, next, sizeof cursor);
            more = rc == 0 && cursor[0] && remaining > 0;
        } while (more && p.count < fill);
        if (rc != 0)
            break;
        /* whole rounds now; everything when the orders ran out */
        count = p.count;
        polled = more ? count - count % fill : count;
        p.count = polled;
        rc = poll_page(&r, &p, &first_round, err);
        p.count = count;
        page_drop_front(&p, polled);
        if (!more)
            break;
    } while (rc == 0);
    page_clear(&p);
    ot__free(p.entries);
    return rc;
}
