/* Internal: the pieces of a reconcile run shared by ops/reconcile.c (the walk, the classes,
 * the reporting) and ops/reconcile_courier.c (the courier class). Not installed. */
#ifndef OT_RECONCILE_INTERNAL_H
#define OT_RECONCILE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "ordertrack/order.h"
#include "ordertrack/poll.h"
#include "ordertrack/reconcile.h"

/* Courier clients a run takes at most, and orders asked about per request at most. */
#define OT__RECONCILE_COURIERS_MAX 64
#define OT__RECONCILE_BATCH_MAX 64

/* An order waiting in a courier batch (copies: the page's orders are freed). */
struct ot__reconcile_ask {
    char *order_id, *store_id, *awb;
    int shipment;
};

/* The orders of one courier waiting for a request. */
struct ot__reconcile_batch {
    ot_courier_client *courier;
    size_t size;    /* AWBs per request: the client's batch, at most OT__RECONCILE_BATCH_MAX */
    size_t count;
    struct ot__reconcile_ask asks[OT__RECONCILE_BATCH_MAX];
};

struct ot__reconcile_export;

/* One run. */
struct ot__reconcile {
    ot_tracker *tracker;
    const ot_reconcile_options *opts;
    ot_reconcile_summary *sum;
    int64_t now;
    struct ot__reconcile_export *export;   /* NULL without options.export_path */
    struct ot__reconcile_batch *batches;   /* one per courier client */
    size_t n_batches;
};

/* Report a finding of `cls` about `order_id` (its store `store_id`, NULL: unknown), whose
 * repair (done by the caller) succeeded when `repaired`: counted, marked (options.once),
 * alerted, handed to the callback. `courier` and `awb` name the shipment for the alert (NULL:
 * unknown). 0, or OT_ENOMEM / a storage failure that stops the run. */
int ot__reconcile_report(struct ot__reconcile *r, int cls, const char *order_id,
                         const char *store_id, const char *courier, const char *awb,
                         int repaired, const char *detail, ot_error *err);

/* `src` into `dst` (`size` bytes, NUL included): whole UTF-8 sequences only (cut at the first
 * invalid or the last that fits), control characters as spaces. */
void ot__reconcile_clip(char *dst, size_t size, const char *src);

/* Keep the first failure of the run in the summary. */
void ot__reconcile_note(struct ot__reconcile *r, const ot_error *e);

/* Queue `o` for its courier when a client of its provider is configured, it has an AWB and
 * its shipment is not terminal; a full batch is asked at once. 0, or an error that stops the
 * run. */
int ot__reconcile_courier_add(struct ot__reconcile *r, const ot_order *o, ot_error *err);
/* Ask every courier about what is still waiting in its batch. */
int ot__reconcile_courier_flush(struct ot__reconcile *r, ot_error *err);
/* Free what the batches still hold. */
void ot__reconcile_courier_clear(struct ot__reconcile *r);

#endif
