/* Orders to poll: pages of active orders from the tracker's storage, kept as only what
 * applying needs, and moved into rounds. */
#include <string.h>

#include "common.h"
#include "order/order_internal.h"
#include "poll/run_internal.h"
#include "tracker/tracker_internal.h"

void ot__poll_page_clear(struct page *p)
{
    size_t i;
    for (i = 0; i < p->count; i++) {
        ot_order_free(p->entries[i].order);
        ot__free(p->entries[i].awb);
    }
    p->count = 0;
}

static int collect(void *ctx, ot_order *order, ot_error *err)
{
    struct page *p = ctx;
    struct entry *e;
    const char *awb = ot_order_tracking_id(order), *id = ot_order_order_id(order);
    size_t awb_len, id_len;
    struct entry *grown;
    int64_t last;
    if (!awb || !*awb || !id) {        /* nothing to ask the courier about */
        ot_order_free(order);
        return 0;
    }
    last = ot__order_last_event_time(order, OT__EV_COURIER_UPDATE, p->latest);
    if (p->quiet_only) {               /* the fallback tracker: orders gone quiet only */
        int64_t since = last;
        if (!since && ot_order_time(&since, order, OT_TIME_CREATED, NULL) != 0)
            since = 0;
        if (since > p->stale_before) {
            ot_order_free(order);
            return 0;
        }
    }
    grown = ot__grow(p->entries, &p->cap, p->count, sizeof *grown, 64);
    if (!grown) {
        ot_order_free(order);
        return ot__error_set(err, OT_ENOMEM, "out of memory collecting orders to poll");
    }
    p->entries = grown;
    e = &p->entries[p->count];
    memset(e, 0, sizeof *e);
    awb_len = strlen(awb);
    id_len = strlen(id);
    e->awb = ot__malloc(awb_len + id_len + 2);
    if (!e->awb) {
        ot_order_free(order);
        return ot__error_set(err, OT_ENOMEM, "out of memory collecting orders to poll");
    }
    memcpy(e->awb, awb, awb_len + 1);
    memcpy(e->awb + awb_len + 1, id, id_len + 1);
    e->order_id = e->awb + awb_len + 1;
    e->last_time = last;
    ot_order_free(order);
    p->count++;
    return 0;
}


/* Query pages until a round (`fill` orders) is pending or the orders ran out. */
void ot__poll_feed_run(struct feed *f)
{
    char next[OT_STORAGE_CURSOR_SIZE];
    f->orders = 0;
    while (f->rc == 0 && f->more && f->pending.count < f->fill) {
        ot_storage_query q = OT_STORAGE_QUERY_INIT;
        size_t before = f->pending.count;
        q.delivery_provider = f->provider;
        q.shipment_active = 1;
        q.limit = f->remaining < f->page_size ? f->remaining : f->page_size;
        q.cursor = f->cursor;
        next[0] = '\0';
        f->rc = ot__tracker_query(f->tracker, &q, collect, &f->pending, next, sizeof next,
                                  &f->err);
        if (f->rc == 0) {          /* max_orders counts the orders polled */
            f->orders += f->pending.count - before;
            f->remaining -= f->pending.count - before;
        }
        memcpy(f->cursor, next, sizeof f->cursor);
        f->more = f->rc == 0 && f->cursor[0] && f->remaining > 0;
    }
}


/* Move the first `n` pending orders into round `rd` (empty). */
int ot__poll_round_take(struct round *rd, struct page *pending, size_t n, ot_error *err)
{
    struct page *o = &rd->orders;
    if (o->cap < n) {
        struct entry *grown = ot__realloc(o->entries, n * sizeof *grown);
        if (!grown)
            return ot__error_set(err, OT_ENOMEM, "out of memory queueing orders to poll");
        o->entries = grown;
        o->cap = n;
    }
    memcpy(o->entries, pending->entries, n * sizeof *o->entries);
    o->count = n;
    if (pending->count > n)
        memmove(pending->entries, pending->entries + n,
                (pending->count - n) * sizeof *pending->entries);
    pending->count -= n;
    return 0;
}
