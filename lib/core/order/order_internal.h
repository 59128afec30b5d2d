/* Internal: the order record is a validated jansson document in canonical field order.
 * Not installed. */
#ifndef OT_ORDER_INTERNAL_H
#define OT_ORDER_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "ordertrack/order.h"
#include "json/json_internal.h"

struct ot_order {
    json_t *doc;    /* owned; always a complete, canonical document */
    /* History entries before the first one doc's status_history holds: 0 for a whole
     * record; for a record loaded by its chain head (storage load_head, the tracker's
     * writes) the entries not read, doc holding the last ones (at least the head). */
    size_t history_base;
};

/* Event types (docs/events.md). Values are internal; the wire form is the name. */
enum ot__event {
    OT__EV_UNKNOWN = 0,
    OT__EV_CREATED,
    OT__EV_STATUS_CHANGED,
    OT__EV_STORE_ACKNOWLEDGED,
    OT__EV_STORE_REJECTED,
    OT__EV_PICKING_STARTED,
    OT__EV_SUBSTITUTION_ADDED,
    OT__EV_SUBSTITUTION_RESPONDED,
    OT__EV_INVENTORY_ADJUSTED,
    OT__EV_READY,
    OT__EV_DRIVER_ASSIGNED,
    OT__EV_NO_DRIVER,
    OT__EV_PICKED_UP,
    OT__EV_DELIVERED,
    OT__EV_ISSUE_RAISED,
    OT__EV_ISSUE_RESOLVED,
    OT__EV_COURIER_UPDATE,
    OT__EV_SLA_NOTIFIED,      /* internal: an SLA warning/breach was notified */
    OT__EV_DISPATCH_REQUESTED, /* dispatch (lib/core/dispatch): a request about to be sent */
    OT__EV_DISPATCH_RECORDED, /* the partner accepted it: delivery id and tracking page */
    OT__EV_DISPATCH_FAILED,   /* the partner failed (error answer, time-out, open breaker) */
    OT__EV_DISPATCH_CANCELLED, /* the delivery was cancelled with that partner */
    OT__EV_DISPATCH_SWITCHED, /* the order moved to the secondary provider */
    OT__EV_DISPATCH_EXHAUSTED, /* every provider failed: issue dispatch_failed */
    OT__EV_COUNT
};

/* Event name, or NULL when out of range; event from name, 0 when unknown. */
const char *ot__event_name(int event);
int ot__event_from_name(const char *name);
/* 1 for a bookkeeping event (sla_notified): written alone in its commit, its data carries
 * `order_version`, the version that commit made, and it does not move the revision. */
int ot__event_is_bookkeeping(int event);


/* A record from text this library encoded from a record, kept in this process (the memory
 * store's copy): parsed, but not validated again like untrusted text. Never for bytes that
 * come from outside the process (files, databases, the network). */
int ot__order_from_own_json(ot_order **out, const char *json, size_t len, ot_error *err);

/* Validate an untrusted document and build its canonical copy (codec_decode.c). */
int ot__order_validate(json_t **canon, const json_t *in, ot_error *err);
/* Validate `in` as the value of the order field `name` (an opened driver_location or
 * location_trail) and build its canonical copy; `path` names it in errors. A sealed token is
 * refused here: it must be opened first. */
int ot__order_validate_field(json_t **out, const char *name, const json_t *in,
                             const char *path, ot_error *err);

/* A record that owns `doc` (stolen, even on failure). */
int ot__order_wrap(ot_order **out, json_t *doc, ot_error *err);
/* Deep copy: nothing is shared with `order` (jansson's reference counts are not meant for
 * values shared between threads). */
int ot__order_clone(ot_order **out, const ot_order *order, ot_error *err);

/* Append one event to the history: builds the entry (status after the event, time, author,
 * notes, the caller's metadata object or NULL, the event's data object - stolen), chains
 * its hash and applies it to the projection. On failure the record is unchanged. */
int ot__order_append_event(ot_order *order, int event, int status, int64_t now_ms,
                           const char *updated_by, const char *notes, const json_t *user_meta,
                           json_t *data, ot_error *err);

/* The "ot" member of an entry's metadata (event, seq, data, prev_hash, hash), or NULL. */
const json_t *ot__entry_ot(const json_t *entry);

/* Hex SHA-256 of an entry's canonical encoding (without its own hash). */
int ot__entry_hash(char hex[65], const json_t *entry, ot_error *err);
/* The constant-cost check of a loaded record (one SHA-256 whatever the history's length):
 * its last history entry has seq count-1, links to the entry before it, hashes to its own
 * `hash`, and its status is `current_status`. 0, or OT_EINTEGRITY naming the field (a
 * record edited behind the library's back); ot_order_verify_history checks every entry. */
int ot__order_check_head(const ot_order *order, ot_error *err);

/* A record as a storage of version 5 keeps it (docs/storage-port.md): `order` with its
 * status_history cut to the last entry, the chain head (`with_head`), or emptied (the memory
 * store, which keeps that entry in its list). */
int ot__order_stored_json(char **json, size_t *len, const ot_order *order, int with_head,
                          ot_error *err);
/* Put the history `entries` (a JSON array, every entry in order) into `doc`, a record as
 * stored (its status_history ending in the chain head); the head stays the record's own copy
 * (in place of the entry of its seq, or after the entries when they end before it: the chain
 * checks then find the gap). */
int ot__order_splice_history(json_t *doc, json_t *entries, ot_error *err);
/* Mark a record read by its head (load_head): history_base from its last entry's seq.
 * OT_EINTEGRITY when the entries it holds are not numbered in a row. */
int ot__order_set_head(ot_order *order, ot_error *err);
/* The history entries `order` holds (status_history) and the index of the first of them. */
const json_t *ot__order_entries(const ot_order *order, size_t *base);

/* Apply one history entry to the projection (projection.c). */
int ot__order_apply(ot_order *order, const json_t *entry, ot_error *err);

/* A new record rebuilt from `order`'s history alone. */
int ot__order_replay(ot_order **out, const ot_order *order, ot_error *err);
/* 0 when the projection equals the replay of the history (OT_EINTEGRITY if not), apart
 * from driver_location, location_trail, updated_at and version, which events do not
 * derive. */
int ot__order_projection_matches(const ot_order *order, ot_error *err);

/* Number of history entries whose event is `event` (and, with `event_id`, whose data carries
 * that partner event id). */
size_t ot__order_count_events(const ot_order *order, int event, const char *event_id);

/* The newest partner time (data.time) of the history's `event` entries no later than
 * `latest`, or 0 when none. The poller passes OT__EV_COURIER_UPDATE and now + the tracker's
 * clock skew: a time past it, stored before the tracker clamped them, must not make every
 * real scan look old. */
int64_t ot__order_last_event_time(const ot_order *order, int event, int64_t latest);

/* Fresh empty document with every field null/[]/{} in canonical order (order.c). */
json_t *ot__order_skeleton(void);

#endif
