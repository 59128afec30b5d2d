/* Internal: the memory store's outbox (memory_outbox.c). Not installed. */
#ifndef OT_MEMORY_OUTBOX_H
#define OT_MEMORY_OUTBOX_H

#include <stddef.h>

#include "ordertrack/sys/storage.h"

struct ot__mem_outbox;
/* A write's events, copied before the store's lock is taken. */
struct ot__mem_pending;

int ot__mem_outbox_new(struct ot__mem_outbox **out, ot_error *err);
void ot__mem_outbox_free(struct ot__mem_outbox *ob);

/* Copies of `rec`'s events (a version 2 record), *out NULL when there are none. */
int ot__mem_pending_new(struct ot__mem_pending **out, const ot_storage_record *rec,
                        ot_error *err);
void ot__mem_pending_free(struct ot__mem_pending *p);
/* Room for `p`'s events, so that the append cannot fail: OT_ENOMEM. */
int ot__mem_outbox_reserve(struct ot__mem_outbox *ob, const struct ot__mem_pending *p);
/* Append `p`'s events (reserved) with the next positions; takes `p` (may be NULL). */
void ot__mem_outbox_append(struct ot__mem_outbox *ob, struct ot__mem_pending *p);

/* The storage members, on the outbox. */
int ot__mem_outbox_query(struct ot__mem_outbox *ob, const ot_outbox_query *q,
                         ot_event_emit emit, void *ctx, int64_t *next_after, ot_error *err);
int ot__mem_outbox_mark(struct ot__mem_outbox *ob, const ot_outbox_mark *m, ot_error *err);
int ot__mem_outbox_prune(struct ot__mem_outbox *ob, const char *const *sinks, size_t n,
                         int64_t before_ms, size_t *removed, ot_error *err);

#endif
