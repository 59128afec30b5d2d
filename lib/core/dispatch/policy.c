/* The dispatch policy: one run takes every step of an order's dispatch that is due now.
 * Each decision is made on the loaded record inside a tracker write, so the record's
 * compare-and-set is the lock: a run that loses reloads and decides again. Partner calls
 * happen between commits: a request is committed (dispatch_requested, with a lease) before
 * it is sent, its answer after. */
#include <stdio.h>
#include <string.h>

#include "common.h"
#include "rules/vocab_internal.h"
#include "tracker/tracker_internal.h"
#include "dispatch/dispatch_internal.h"

/* What a claim decided. */
enum action {
    ACT_IDLE = 0,     /* not ready_for_pickup */
    ACT_RECORDED,     /* a delivery is recorded */
    ACT_WAIT,         /* no driver: wait for retry_at */
    ACT_IN_FLIGHT,    /* another run holds the lease */
    ACT_EXHAUSTED,    /* nothing left to try */
    ACT_REQUEST,      /* committed dispatch_requested: send it */
    ACT_FAILOVER      /* cancel with the current provider, then switch */
};

/* Bounds the steps of one run (each loop commits something or stops). */
#define MAX_STEPS 16

struct ctx {
    ot_dispatch *d;
    const ot_dispatch_order *req;
    struct ot__dispatch_state s;   /* as the last build read it */
    int action;
    unsigned attempt;
    char external_id[160];
    const struct ot__dispatch_answer *answer;  /* outcome writes */
    const char *cancel_outcome;                /* the switch write */
    int cancel_status;
    const char *reason;                        /* the switch / exhaustion's reason */
};

static const char *provider_name(int provider)
{
    const char *name = "unknown";
    ot__vocab_name(&ot__provider_vocab, &name, provider, NULL);
    return name;
}

static int append(struct ot__write *w, ot_order *o, int event, json_t *data, ot_error *err)
{
    if (!data)
        return ot__error_set(err, OT_ENOMEM, "out of memory building a dispatch event");
    return ot__append(w, o, event, ot_order_status(o), data, err);
}

static int failover_due(const struct ctx *c)
{
    return c->s.last == OT__EV_DISPATCH_FAILED ||
           (c->s.last == OT__EV_NO_DRIVER &&
            c->s.no_driver >= c->d->options.max_no_driver_attempts);
}

static int build_claim(struct ot__write *w, ot_order *o, ot_error *err)
{
    struct ctx *c = w->ctx;
    int secondary = c->req->secondary;
    json_t *data;

    ot__dispatch_state_read(&c->s, o);
    w->result = OT_ESTALE;          /* unless a commit is decided below */
    if (ot_order_status(o) != OT_STATUS_READY_FOR_PICKUP) {
        c->action = c->s.last == OT__EV_DISPATCH_RECORDED ? ACT_RECORDED : ACT_IDLE;
        return 0;
    }
    if (!ot__dispatch_partner(c->d, c->s.provider))
        return ot__error_field(err, OT_EUNSUPPORTED, "provider",
                               "the dispatcher has no %s partner", provider_name(c->s.provider));
    switch (c->s.last) {
    case OT__EV_DISPATCH_RECORDED:
        c->action = ACT_RECORDED;
        return 0;
    case OT__EV_DISPATCH_EXHAUSTED:
        c->action = ACT_EXHAUSTED;
        return 0;
    case OT__EV_DISPATCH_REQUESTED:
        if (w->now < c->s.lease_until_ms) {
            c->action = ACT_IN_FLIGHT;
            return 0;
        }
        /* its sender stopped before recording the answer: send it again, same key */
        c->attempt = c->s.last_attempt;
        ot__strlcpy(c->external_id, c->s.external_id, sizeof c->external_id);
        data = json_pack("{s:s, s:I, s:s, s:I, s:b}", "provider",
                         provider_name(c->s.provider), "attempt", (json_int_t)c->attempt,
                         "external_id", c->external_id, "lease_until_ms",
                         (json_int_t)(w->now + c->d->options.lease_ms), "resumed", 1);
        c->action = ACT_REQUEST;
        w->result = 0;
        return append(w, o, OT__EV_DISPATCH_REQUESTED, data, err);
    default:
        break;
    }
    if (failover_due(c)) {
        if (c->s.switches == 0 && secondary > 0 && secondary != c->s.provider &&
            ot__dispatch_partner(c->d, secondary)) {
            c->action = ACT_FAILOVER;
            return 0;
        }
        c->action = ACT_EXHAUSTED;
        w->result = 0;
        data = json_pack("{s:s, s:s}", "provider", provider_name(c->s.provider), "reason",
                         c->s.last == OT__EV_NO_DRIVER ? "no_driver" : "failure");
        return append(w, o, OT__EV_DISPATCH_EXHAUSTED, data, err);
    }
    if (c->s.last == OT__EV_NO_DRIVER && w->now < c->s.retry_at_ms) {
        c->action = ACT_WAIT;
        return 0;
    }
    c->attempt = c->s.attempts + 1;
    ot__dispatch_external_id(c->external_id, sizeof c->external_id, ot_order_order_id(o),
                             c->attempt);
    data = json_pack("{s:s, s:I, s:s, s:I}", "provider", provider_name(c->s.provider),
                     "attempt", (json_int_t)c->attempt, "external_id", c->external_id,
                     "lease_until_ms", (json_int_t)(w->now + c->d->options.lease_ms));
    c->action = ACT_REQUEST;
    w->result = 0;
    return append(w, o, OT__EV_DISPATCH_REQUESTED, data, err);
}

/* The answer to our request: recorded only while that request is still the last step. */
static int build_outcome(struct ot__write *w, ot_order *o, ot_error *err)
{
    struct ctx *c = w->ctx;
    const struct ot__dispatch_answer *a = c->answer;
    const ot_dispatch_options *opt = &c->d->options;
    const char *prov;
    int64_t delay;
    unsigned i;
    json_t *data;

    ot__dispatch_state_read(&c->s, o);
    prov = provider_name(c->s.provider);
    if (c->s.last != OT__EV_DISPATCH_REQUESTED || c->s.last_attempt != c->attempt ||
        ot_order_status(o) != OT_STATUS_READY_FOR_PICKUP) {
        w->result = OT_ESTALE;
        return 0;
    }
    switch (a->outcome) {
    case OT__DOUT_OK:
        data = json_pack("{s:s, s:I, s:s, s:s, s:s?, s:s?}", "provider", prov, "attempt",
                         (json_int_t)c->attempt, "external_id", c->external_id,
                         "delivery_id", a->delivery_id, "delivery_tracking_url",
                         a->tracking_url[0] ? a->tracking_url : NULL, "partner_status",
                         a->status[0] ? a->status : NULL);
        return append(w, o, OT__EV_DISPATCH_RECORDED, data, err);
    case OT__DOUT_NO_DRIVER:
        for (i = 0, delay = opt->retry_base_ms; i < c->s.no_driver && delay < opt->retry_cap_ms;
             i++)
            delay *= 2;
        if (delay > opt->retry_cap_ms)
            delay = opt->retry_cap_ms;
        data = json_pack("{s:I, s:I, s:I, s:s, s:s}", "attempt",
                         (json_int_t)(c->s.no_driver + 1), "retry_after_ms", (json_int_t)delay,
                         "retry_at_ms", (json_int_t)(w->now + delay), "provider", prov,
                         "external_id", c->external_id);
        return append(w, o, OT__EV_NO_DRIVER, data, err);
    default:
        data = json_pack("{s:s, s:I, s:s, s:s, s:i}", "provider", prov, "attempt",
                         (json_int_t)c->attempt, "external_id", c->external_id, "error",
                         a->error, "http_status", a->http_status);
        return append(w, o, OT__EV_DISPATCH_FAILED, data, err);
    }
}

/* Cancelled with the current provider, switched to the secondary: one commit, and only
 * while the order is where the failover was decided. */
static int build_switch(struct ot__write *w, ot_order *o, ot_error *err)
{
    struct ctx *c = w->ctx;
    struct ot__dispatch_state before = c->s;
    const char *from;
    json_t *data;
    int rc;

    ot__dispatch_state_read(&c->s, o);
    if (c->s.last != before.last || c->s.switches != before.switches ||
        c->s.no_driver != before.no_driver || c->s.attempts != before.attempts) {
        w->result = OT_ESTALE;
        return 0;
    }
    from = provider_name(c->s.provider);
    data = json_pack("{s:s, s:s?, s:s, s:s, s:i}", "provider", from, "delivery_id",
                     c->s.delivery_id[0] ? c->s.delivery_id : NULL, "external_id",
                     c->s.external_id, "outcome", c->cancel_outcome, "http_status",
                     c->cancel_status);
    if ((rc = append(w, o, OT__EV_DISPATCH_CANCELLED, data, err)))
        return rc;
    data = json_pack("{s:s, s:s, s:s}", "from", from, "to", provider_name(c->req->secondary),
                     "reason", c->s.last == OT__EV_NO_DRIVER ? "no_driver" : "failure");
    return append(w, o, OT__EV_DISPATCH_SWITCHED, data, err);
}

static int write_step(ot_tracker *tracker, struct ctx *c, const char *op, ot__build_fn fn,
                      ot_error *err)
{
    ot_request req = OT_REQUEST_INIT;
    const ot_request *request = &req;
    struct ot__write w = OT__WRITE(op, fn);
    int rc;

    req.order_id = c->req->order_id;
    req.updated_by = c->d->author;
    w.ctx = c;
    rc = ot__tracker_write(&w, NULL, err);
    return rc == OT_ESTALE ? 0 : rc;
}

/* Cancel with the current provider whatever the last request may have made: Uber names a
 * delivery by its own id (none known: nothing to cancel), DoorDash by our external id. */
static int cancel_current(struct ctx *c, ot_error *err)
{
    struct ot__partner *p = ot__dispatch_partner(c->d, c->s.provider);
    struct ot__dispatch_answer a;
    const char *id = c->s.provider == OT_PROVIDER_UBER ? c->s.delivery_id : c->s.external_id;
    int rc;

    c->cancel_status = 0;
    if (!c->s.requested_here || !id[0]) {
        c->cancel_outcome = "nothing_to_cancel";
        return 0;
    }
    if ((rc = ot__partner_call(&a, c->d, p, OT__DOP_CANCEL, id, NULL, NULL, err)))
        return rc;
    c->cancel_status = a.http_status;
    c->cancel_outcome = a.outcome == OT__DOUT_OK ? "cancelled"
                      : a.outcome == OT__DOUT_NOT_FOUND ? "not_found" : "failed";
    return 0;
}

/* Send the claimed request; a DoorDash duplicate (409: the id was used by a request sent
 * before a crash) is that delivery, read back. */
static int send_request(struct ot__dispatch_answer *a, struct ctx *c, const ot_order *order,
                        ot_error *err)
{
    struct ot__partner *p = ot__dispatch_partner(c->d, c->s.provider);
    json_t *body = ot__partner_create_body(c->s.provider, order, c->req, c->external_id);
    int rc;

    if (!body)
        return ot__error_set(err, OT_ENOMEM, "out of memory building a delivery request");
    rc = ot__partner_call(a, c->d, p, OT__DOP_CREATE, NULL, body, c->external_id, err);
    json_decref(body);
    if (!rc && a->outcome == OT__DOUT_DUPLICATE)
        rc = ot__partner_call(a, c->d, p, OT__DOP_GET, c->external_id, NULL, NULL, err);
    return rc;
}

static void finish(ot_dispatch_result *out, const struct ctx *c)
{
    static const int states[] = {
        [ACT_IDLE] = OT_DISPATCH_IDLE, [ACT_RECORDED] = OT_DISPATCH_RECORDED,
        [ACT_WAIT] = OT_DISPATCH_WAITING, [ACT_IN_FLIGHT] = OT_DISPATCH_IN_FLIGHT,
        [ACT_EXHAUSTED] = OT_DISPATCH_EXHAUSTED,
    };
    if (!out)
        return;
    out->state = c->action < (int)(sizeof states / sizeof states[0]) ? states[c->action] : 0;
    out->provider = c->s.provider;
    out->retry_at_ms = c->action == ACT_WAIT ? c->s.retry_at_ms : 0;
    ot__strlcpy(out->delivery_id, c->action == ACT_RECORDED ? c->s.delivery_id : "",
                sizeof out->delivery_id);
}

int ot_dispatch_run(ot_dispatch_result *out, ot_dispatch *d, ot_tracker *tracker,
                    const ot_dispatch_order *req, ot_error *err)
{
    struct ctx c;
    struct ot__dispatch_answer answer;
    ot_order *order = NULL;
    int rc, steps;

    if (out && (rc = ot__check_version(out->version, OT_DISPATCH_RESULT_VERSION, "result",
                                       err)))
        return rc;
    if (!d || !tracker || !req)
        return ot__error_field(err, OT_EINVAL, !d ? "dispatch" : !tracker ? "tracker" : "order",
                               "a required argument is NULL");
    if ((rc = ot__check_version(req->version, OT_DISPATCH_ORDER_VERSION, "order", err)) ||
        (rc = ot_order_id_check(req->order_id, err)))
        return rc;
    if (req->secondary < 0 || req->secondary >= OT_PROVIDER_COUNT)
        return ot__error_field(err, OT_EINVAL, "secondary", "%d is not a provider",
                               req->secondary);
    memset(&c, 0, sizeof c);
    c.d = d;
    c.req = req;
    if (out) {
        out->requests = 0;
        out->retry_at_ms = 0;
        out->delivery_id[0] = '\0';
    }
    for (steps = 0; steps < MAX_STEPS; steps++) {
        if ((rc = write_step(tracker, &c, "dispatch_claim", build_claim, err)))
            return rc;
        if (c.action == ACT_FAILOVER) {
            if ((rc = cancel_current(&c, err)) ||
                (rc = write_step(tracker, &c, "dispatch_switch", build_switch, err)))
                return rc;
            continue;
        }
        if (c.action != ACT_REQUEST)
            break;
        if ((rc = ot__tracker_load(&order, tracker, req->order_id, err)))
            return rc;
        rc = send_request(&answer, &c, order, err);
        ot_order_free(order);
        if (rc)
            return rc;
        if (out)
            out->requests++;
        c.answer = &answer;
        if ((rc = write_step(tracker, &c, "dispatch_outcome", build_outcome, err)))
            return rc;
    }
    finish(out, &c);
    return 0;
}
