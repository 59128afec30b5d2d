/* Internal: the outbox module (event vocabulary, the checks of its structs). Not installed. */
#ifndef OT_OUTBOX_INTERNAL_H
#define OT_OUTBOX_INTERNAL_H

#include <stdint.h>

#include "ordertrack/order.h"
#include "ordertrack/outbox.h"
#include "ordertrack/sys/sink.h"
#include "ordertrack/sys/storage.h"
#include "rules/vocab_internal.h"

extern const struct ot__vocab ot__event_type_vocab;

/* 1 when the storage has the outbox members (version 3, outbox_query and outbox_mark). */
int ot__outbox_supported(const ot_storage *storage);
/* OT_EUNSUPPORTED naming `outbox` unless ot__outbox_supported. */
int ot__outbox_require(const ot_storage *storage, ot_error *err);
/* OT_EINVAL naming `field` unless `name` is 1..OT_SINK_NAME_MAX bytes of [a-z0-9._:-]. */
int ot__sink_name_check(const char *name, const char *field, ot_error *err);

/* What the tracker saw before a write, for the events the write makes. */
struct ot__outbox_before {
    int status, shipment;
    size_t history, issues;
    int64_t eta_ms;                 /* 0: none */
    ot_location_view location;      /* timestamp_ms 0: none */
};

/* Most events one write makes (more are not recorded: a write adds one issue and an SLA
 * sweep one entry per stage, so this is never reached in practice). */
#define OT__OUTBOX_MAX 32

/* The events of one write, owning their strings. */
struct ot__outbox_batch {
    ot_event events[OT__OUTBOX_MAX];
    char ids[OT__OUTBOX_MAX][37];
    char *json[OT__OUTBOX_MAX];
    size_t n;
};

/* Build the events of a write that turned the record described by `before` into `o` (after
 * its version and updated_at were set); `hide_positions` leaves coordinates out (a PII
 * key). 0 with b->n events (maybe none), or OT_ENOMEM. Release with ot__outbox_release. */
int ot__outbox_build(struct ot__outbox_batch *b, const struct ot__outbox_before *before,
                     const ot_order *o, int hide_positions, ot_error *err);
void ot__outbox_release(struct ot__outbox_batch *b);

#endif
