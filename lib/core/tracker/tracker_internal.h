/* Internal: the tracker and its write pipeline (load, build events, commit, retry). */
#ifndef OT_TRACKER_INTERNAL_H
#define OT_TRACKER_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "ordertrack/courier_def.h"
#include "ordertrack/metrics.h"
#include "ordertrack/escalation.h"
#include "ordertrack/pii.h"
#include "ordertrack/sla.h"
#include "ordertrack/status.h"
#include "ordertrack/tracker.h"
#include "ordertrack/transition.h"
#include "ordertrack/sys/clock.h"
#include "ordertrack/sys/notice.h"
#include "ordertrack/sys/storage.h"
#include "order/order_internal.h"

struct ot_tracker {
    ot_storage storage;
    ot_clock clock;             /* now_ms NULL: the system clock */
    ot_notice_sink notices;     /* notify NULL: none */
    ot_escalation_policy escalation; /* the caller's, or the defaults */
    ot_tracker_options options;
    const ot_courier_registry *couriers; /* run-time couriers (courier_def.h), or NULL */
};

/* Wire name of `provider`: a built-in's, or a run-time courier's the tracker was given
 * (ot_tracker_set_couriers). OT_EINVAL naming the provider otherwise. */
int ot__tracker_provider_name(const ot_tracker *t, const char **name, int provider,
                              ot_error *err);

struct ot__write;
/* Apply the operation's events to `order` (the loaded working copy; discarded on failure).
 * Set w->result = OT_ESTALE to answer "ignored" without a commit. */
typedef int (*ot__build_fn)(struct ot__write *w, ot_order *order, ot_error *err);

struct ot__write {
    const char *op;             /* operation name: part of the request hash */
    const ot_request *req;      /* order_id, idempotency_key, expected_version, author... */
    const ot_update *update;    /* apply_update only */
    int create;                 /* init: create instead of load + commit */
    int projection_only;        /* a commit without events is expected (location) */
    ot__build_fn build;
    ot_tracker *tracker;
    int64_t now;                /* set by the pipeline before build */
    int result;                 /* 0 or OT_ESTALE */
    int64_t retry_after_ms;     /* assign_driver without a driver */
    unsigned conflicts;         /* commits lost to another writer (set by the pipeline) */
    void *ctx;                  /* the operation's own state, for build */
    int replayed;               /* 1: the answer is a stored idempotent result (pipeline) */
    int bookkeeping;            /* 1: the library's own sweep write, not refused by
                                   max_record_bytes */
    int head_only;              /* 1: build reads no more of the history than its chain
                                   head, so the pipeline may load the record by its head
                                   (storage load_head): the write's cost does not grow with
                                   the history */
};

/* The write of an operation `op` built by `fn`, for `request` on `tracker` (in scope). */
#define OT__WRITE(op, fn) { op, request, NULL, 0, 0, fn, tracker, 0, 0, 0, 0, NULL, 0, 0, 0 }

/* Run a write: idempotency, load, build, commit with retry, notices. */
int ot__tracker_write(struct ot__write *w, ot_order **out, ot_error *err);

/* Now, from the tracker's clock. */
int64_t ot__tracker_now(const ot_tracker *t);
/* The tracker's clock (its sleep_ms waits between poll rounds). */
const ot_clock *ot__tracker_clock(const ot_tracker *t);
/* The latest time the tracker believes at `now`: now + options.clock_skew_ms. A later time
 * (a partner's clock, a caller's typo) is clamped or refused, and a stored one is not trusted
 * when judging staleness. */
int64_t ot__tracker_latest(const ot_tracker *t, int64_t now);

/* Load `order_id` (checked) from the tracker's storage; OT_ENOTFOUND names order_id. */
int ot__tracker_load(ot_order **out, ot_tracker *t, const char *order_id, ot_error *err);

/* Personal data at the storage boundary (seal.c). A record to hand to storage: built from a
 * sealed copy of the order when the tracker has a PII key, with the customer_id column a
 * blind index; else the plain record. Release with ot__seal_release. */
struct ot__sealed {
    ot_storage_record rec;
    ot_order *copy;             /* the sealed copy, or NULL */
    char index[65];             /* the customer_id column when sealed */
};
int ot__seal_record(struct ot__sealed *s, const ot_tracker *t, const ot_order *order,
                    size_t first_event, ot_error *err);
void ot__seal_release(struct ot__sealed *s);
/* The order's JSON as storage may see it (sealed when the tracker has a key). */
int ot__seal_json(char **json, const ot_tracker *t, const ot_order *order, ot_error *err);
/* Open the sealed values of a record read from storage, in place; a token without the key
 * (or with the wrong one) is an error naming the field. */
int ot__open_order(const ot_tracker *t, ot_order *order, ot_error *err);
/* storage.load, then ot__open_order. */
int ot__tracker_storage_load(const ot_tracker *t, const char *order_id, ot_order **out,
                             ot_error *err);
/* The same with storage.load_head when `head` (the record by its chain head: history_base
 * set, ot__tracker_can_load_head true). */
int ot__tracker_storage_load_as(const ot_tracker *t, const char *order_id, int head,
                                ot_order **out, ot_error *err);
/* 1 when the storage keeps the history apart and loads records by their head. */
int ot__tracker_can_load_head(const ot_tracker *t);
/* The OT__FILL_* mode of the records handed to storage `s`. */
unsigned ot__storage_fill_mode(const ot_storage *s);
/* storage.query with the customer_id filter turned into its blind index and every emitted
 * record opened before `emit` sees it. */
int ot__tracker_query(const ot_tracker *t, const ot_storage_query *q, ot_storage_emit emit,
                      void *ctx, char *next_cursor, size_t cursor_size, ot_error *err);

/* The SLA report of `order` at `now_ms` under the tracker's policies (ops_sla.c); `times`
 * (may be NULL) receives the times it was computed from. */
int ot__tracker_sla_evaluate(ot_sla_report *report, ot_sla_times *times, const ot_tracker *t,
                             const ot_order *order, int64_t now_ms, ot_error *err);
/* Count the stage durations and the ETA error of an order that was just delivered. */
void ot__tracker_sla_delivered(const ot_tracker *t, const ot_order *order, int64_t now_ms);
/* The evaluation time of a sweep or report: `now_ms`, or the tracker's clock for 0;
 * OT_EINVAL naming now_ms when negative. */
int ot__tracker_resolve_now(int64_t *now, const ot_tracker *t, int64_t now_ms, ot_error *err);

/* A sweep's look at one order (its counts in `ctx`); 0, or a failure that stops the sweep. */
typedef int (*ot__sweep_fn)(void *ctx, ot_tracker *t, const ot_order *o, int64_t now,
                            ot_error *err);
/* The orders in `status` not changed after `now`, page by page from `cursor` ("" from the
 * start), each handed to `each`, until none is left (0, cursor "") or, with `max_orders`,
 * `*examined` (counted by `each`) reached it at a page boundary (1, cursor where the next
 * sweep goes on). A failure returns its code, `cursor` at the page that failed. Shared by
 * the SLA sweep and the store-acknowledgment sweep. */
int ot__sweep_status(ot_tracker *t, int status, int64_t now, const size_t *examined,
                     size_t max_orders, char cursor[OT_STORAGE_CURSOR_SIZE], ot__sweep_fn each,
                     void *ctx, ot_error *err);
/* A sweep's bookkeeping write `op` on order `o` (built by `build` with `ctx`), authored by
 * `monitor`; the commits it lost are added to *conflicts. 1 when applied; 0 when there was
 * nothing to do (recorded meanwhile by another sweeper, the order gone, or still contended:
 * the next sweep looks again); else the failure that stops the sweep. */
int ot__sweep_write(ot_tracker *t, const ot_order *o, const char *op, ot__build_fn build,
                    const char *monitor, void *ctx, size_t *conflicts, ot_error *err);

/* The escalation ladder (ops_escalation.c). Check the caller's policy (NULL: the defaults)
 * and copy it to `dst`; OT_EINVAL / OT_EVERSION name the member. */
int ot__escalation_load(ot_escalation_policy *dst, const ot_escalation_policy *src,
                        ot_error *err);
/* Append the issue_raised event of escalation step `level` (1: severity high, 2: critical)
 * of `rule` (the issue type); `step` (stolen, may be NULL) holds the step's own members. */
int ot__escalation_append(struct ot__write *w, ot_order *order, const char *rule, int level,
                          const char *description, json_t *step, ot_error *err);
/* The level of a history entry that records an escalation step (its rule in *rule), else 0. */
int ot__escalation_level(const json_t *entry, const char **rule);

/* Request checks shared by the operations; each names the field. */
int ot__check_string(const char *value, const char *field, int required, size_t max_len,
                     ot_error *err);
/* Parse an optional JSON object (NULL gives NULL). */
int ot__parse_object(json_t **out, const char *json, const char *field, ot_error *err);
/* The checks every write makes of its request (version, order_id, author, notes,
 * idempotency key and scope, expected_version); each names the field. */
int ot__check_request(const ot_request *req, ot_error *err);
/* store_id must be the order's store (else OT_ENOTFOUND, as the REST contract says). */
int ot__check_store(const ot_request *req, const ot_order *order, ot_error *err);
/* The validator for an API step from the order's current status to `to`. */
int ot__check_step(const ot_order *order, int to, int source, ot_error *err);
/* Append an event authored as the request says (updated_by, notes, entry metadata). */
int ot__append(struct ot__write *w, ot_order *order, int event, int status, json_t *data,
               ot_error *err);

/* Idempotency (idempotency.c). */
int ot__idem_check_key(const char *key, ot_error *err);
/* The request's idempotency_scope (version 2), or NULL. */
const char *ot__idem_scope(const ot_request *r);
/* NULL, or 1..128 printable ASCII without spaces. */
int ot__idem_check_scope(const char *scope, ot_error *err);
/* Hex SHA-256 of the operation and its request (or update). */
int ot__idem_request_hash(char hex[65], const struct ot__write *w, ot_error *err);
/* Look the key up: OT_ENOTFOUND when new; 0 and *out / *result / *retry filled on a replay;
 * OT_EIDEMPOTENCY_CONFLICT when it was used for another request. */
int ot__idem_lookup(const struct ot__write *w, const char *hash, ot_order **out,
                    int *result, int64_t *retry_after_ms, ot_error *err);
/* The key record of a write's result (w->result, w->retry_after_ms and the order's JSON);
 * *response owns the record's response text and its stored key (ot_free). */
int ot__idem_record(ot_idempotency_record *idem, char **response, const struct ot__write *w,
                    const char *hash, const char *order_json, ot_error *err);

/* OT_ESTATE while a substitution is pending (ready_for_pickup is refused then). */
int ot__refuse_ready_if_pending(const ot_order *order, ot_error *err);
/* 1 while a driver holds the order (driver_assigned, driver_pickup_complete, in_transit). */
int ot__driver_active(int status);
/* 0 if a caller's time_ms is 0 (now) or a time no later than now + clock_skew_ms, else
 * OT_EINVAL naming time_ms. */
int ot__check_request_time(const struct ot__write *w, int64_t time_ms, ot_error *err);
/* The API step of operation w->op to `to`, as ot__check_step, except where the library's
 * rule (implied_steps in tracker.c, docs/events.md "Implied steps") lets the operation take
 * the order through one state the routes have no call for: that state is appended first, as
 * a status_changed event of its own with data {"implied_by": w->op}. */
int ot__step_implied(struct ot__write *w, ot_order *order, int to, ot_error *err);
/* Set driver_location (projection only) if newer than the stored one, else w->result is
 * OT_ESTALE. Refused (OT_ESTATE) unless a driver holds the order. */
int ot__set_location(struct ot__write *w, ot_order *order, double latitude, double longitude,
                     int has_accuracy, double accuracy, int64_t time_ms, ot_error *err);
/* Append a copy of the position `loc` to the record's location_trail, keeping the newest
 * t->options.location_trail of them (0: the trail is emptied). */
int ot__trail_push(const ot_tracker *t, ot_order *order, const json_t *loc, ot_error *err);

#endif
