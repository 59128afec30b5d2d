/**
 * @file outbox.h
 * @brief Outbound events: the transactional outbox, its queries, and the relay that
 * delivers the events to sinks (sys/sink.h), at least once and in order per order.
 *
 * With ot_tracker_options.outbox set, every committed write records the events it causes
 * (status changed, shipment status changed, location updated, issue raised, SLA breached,
 * ETA changed) in the storage's outbox, in the same transaction as the write: an event
 * exists if and only if its change committed. A relay (ot_relay) reads the outbox and hands
 * each event to every sink, marks it delivered per sink, retries a failure with exponential
 * backoff, holds back an order's later events while an earlier one fails, and parks an event
 * that failed `max_attempts` times as a dead letter (with a notice,
 * OT_NOTICE_DEAD_LETTER) that an operator replays with ot_outbox_replay(). The event
 * document, the webhook signature and the guarantees are in docs/events.md.
 */
#ifndef ORDERTRACK_OUTBOX_H
#define ORDERTRACK_OUTBOX_H

#include <stddef.h>
#include <stdint.h>

#include "export.h"
#include "error.h"

/** Types of outbound events. Values are never renumbered; 0 is unknown. Wire names
 *  (ot_event_type_to_string) in the comments. */
typedef enum ot_event_type {
    OT_EVENT_UNKNOWN = 0,
    OT_EVENT_STATUS_CHANGED = 1,   /**< "order.status_changed": current_status moved */
    OT_EVENT_SHIPMENT_CHANGED = 2, /**< "order.shipment_status_changed": shipment_status moved */
    OT_EVENT_LOCATION_UPDATED = 3, /**< "order.location_updated": driver_location moved */
    OT_EVENT_ISSUE_RAISED = 4,     /**< "order.issue_raised": an issue was recorded */
    OT_EVENT_SLA_BREACHED = 5,     /**< "order.sla_breached": an SLA stage ran over */
    OT_EVENT_ETA_CHANGED = 6       /**< "order.eta_changed": estimated_delivery_time changed */
} ot_event_type;

/** Largest ot_event_type value. */
#define OT_EVENT_TYPE_MAX 6

/** Delivery states of an event for one sink. Values are never renumbered. */
typedef enum ot_outbox_state {
    OT_OUTBOX_ANY = 0,        /**< in a query: every event, whatever its state */
    OT_OUTBOX_PENDING = 1,    /**< not delivered yet (never tried, or failed and retrying) */
    OT_OUTBOX_DELIVERED = 2,  /**< the sink accepted it */
    OT_OUTBOX_DEAD = 3        /**< failed max_attempts times: a dead letter, until replayed */
} ot_outbox_state;

/** Newest version of `ot_event` this header describes (its `version` member). */
#define OT_EVENT_VERSION 1

/**
 * One outbound event as stored and as delivered. The tracker fills it at commit (position,
 * state and the delivery members 0/NULL); storage fills it when it hands events back. Every
 * pointer is borrowed: valid for the duration of the call that passes the event (copy what
 * you keep). Version 1: all members.
 */
typedef struct ot_event {
    unsigned version;           /**< OT_EVENT_VERSION */
    const char *event_id;       /**< stable and unique: "evt_" and 32 lowercase hex digits;
                                     the same on every redelivery (deduplicate on it) */
    const char *order_id;       /**< the order */
    const char *store_id;       /**< its store after the write */
    int64_t sequence;           /**< increasing per order (events of one order are delivered
                                     in this order); not consecutive: compare, do not count */
    int type;                   /**< ot_event_type */
    int64_t time_ms;            /**< commit time, ms since the epoch */
    const char *json;           /**< the event document (docs/events.md), NUL-terminated:
                                     what a webhook receives as its body */
    size_t json_len;            /**< length of `json` without the NUL */
    /* filled by storage when handing events back (0 / NULL when recording) */
    int64_t position;           /**< the outbox position: increasing in commit order, > 0;
                                     the cursor of ot_outbox_query */
    int state;                  /**< ot_outbox_state for the query's sink (0 without one) */
    unsigned attempts;          /**< failed deliveries to that sink so far */
    int64_t next_attempt_ms;    /**< a pending event is not retried before this time */
    const char *last_error;     /**< the last failure's message, or NULL */
} ot_event;

/** Initialiser of `ot_event` with its defaults at OT_EVENT_VERSION. */
#define OT_EVENT_INIT { OT_EVENT_VERSION, NULL, NULL, NULL, 0, 0, 0, NULL, 0, 0, 0, 0, 0, NULL }

/** Receives one event (borrowed for the call); a non-zero return stops the query with it. */
typedef int (*ot_event_emit)(void *ctx, const ot_event *event, ot_error *err);

/** Newest version of `ot_outbox_query` this header describes (its `version` member). */
#define OT_OUTBOX_QUERY_VERSION 1
/** Largest page an outbox query returns. */
#define OT_OUTBOX_QUERY_MAX 1000

/** A query of the outbox: events after a position, oldest first. Every set filter must
 *  match. Strings are borrowed for the call. Version 1: all members. */
typedef struct ot_outbox_query {
    unsigned version;           /**< OT_OUTBOX_QUERY_VERSION */
    int64_t after;              /**< cursor: events with position > after (0: from the start) */
    size_t limit;               /**< 1..OT_OUTBOX_QUERY_MAX */
    const char *sink;           /**< a sink name: fill each event's delivery state for it;
                                     required when `state` is set; NULL: no state */
    int state;                  /**< ot_outbox_state: only events in that state for `sink`
                                     (OT_OUTBOX_ANY: all) */
    const char *order_id;       /**< NULL: any order */
    const char *store_id;       /**< NULL: any store */
} ot_outbox_query;

/** Initialiser of `ot_outbox_query` with its defaults at OT_OUTBOX_QUERY_VERSION. */
#define OT_OUTBOX_QUERY_INIT { OT_OUTBOX_QUERY_VERSION, 0, 100, NULL, 0, NULL, NULL }

/** Newest version of `ot_relay_options` this header describes (its `version` member). */
#define OT_RELAY_OPTIONS_VERSION 1

/**
 * What a relay delivers from and to, and how hard it tries. Filled by the caller from
 * OT_RELAY_OPTIONS_INIT; everything is borrowed and must outlive the relay. Version 1: all
 * members.
 */
typedef struct ot_relay_options {
    unsigned version;                       /**< OT_RELAY_OPTIONS_VERSION */
    const struct ot_storage *storage;       /**< required: a storage with the outbox members
                                                 (sys/storage.h version 3) */
    struct ot_sink *const *sinks;           /**< required: 1..OT_RELAY_SINKS_MAX sinks with
                                                 distinct names (sys/sink.h) */
    size_t sink_count;                      /**< number of `sinks` */
    const struct ot_clock *clock;           /**< NULL: the system UTC clock */
    const struct ot_notice_sink *notices;   /**< receives OT_NOTICE_DEAD_LETTER when an event
                                                 is parked; NULL: none */
    unsigned max_attempts;                  /**< failed deliveries before an event is parked
                                                 as a dead letter (1..1000, default 10) */
    int64_t backoff_base_ms;                /**< wait after the first failure (1..3600000,
                                                 default 1000); doubled per failure */
    int64_t backoff_max_ms;                 /**< longest wait (>= backoff_base_ms, at most
                                                 86400000, default 300000) */
    size_t batch_size;                      /**< events read per page and handed per
                                                 deliver call at most (1..OT_OUTBOX_QUERY_MAX,
                                                 default 100) */
    int64_t poll_interval_ms;               /**< ot_relay_run: wait between rounds that found
                                                 nothing to do (1..60000, default 200) */
    int64_t retention_ms;                   /**< events delivered to every sink and older than
                                                 this are removed by the rounds (storage's
                                                 optional outbox_prune); 0: kept forever */
} ot_relay_options;

/** Most sinks one relay delivers to. */
#define OT_RELAY_SINKS_MAX 16

/** Initialiser of `ot_relay_options` with its defaults at OT_RELAY_OPTIONS_VERSION. */
#define OT_RELAY_OPTIONS_INIT \
    { OT_RELAY_OPTIONS_VERSION, NULL, NULL, 0, NULL, NULL, 10u, 1000, 300000, 100, 200, 0 }

/** Newest version of `ot_relay_stats` this header describes (its `version` member). */
#define OT_RELAY_STATS_VERSION 1

/** What rounds of a relay did, summed over its sinks; caller-allocated, filled by the call.
 *  Version 1: all members. */
typedef struct ot_relay_stats {
    unsigned version;       /**< OT_RELAY_STATS_VERSION */
    uint64_t delivered;     /**< events a sink accepted */
    uint64_t failed;        /**< failed deliveries (each counts an attempt) */
    uint64_t dead;          /**< events parked as dead letters */
    uint64_t held_back;     /**< events left for a later round behind an earlier pending
                                 event of their order, or not yet due for a retry */
    uint64_t pruned;        /**< events removed after retention_ms */
} ot_relay_stats;

/** Initialiser of `ot_relay_stats` with its defaults at OT_RELAY_STATS_VERSION. */
#define OT_RELAY_STATS_INIT { OT_RELAY_STATS_VERSION, 0, 0, 0, 0, 0 }

/** A relay: opaque; create with ot_relay_new(), free with ot_relay_free(). */
typedef struct ot_relay ot_relay;

struct ot_storage;
struct ot_sink;
struct ot_clock;
struct ot_notice_sink;

OT_BEGIN_DECLS

/**
 * The wire name of an event type ("order.status_changed"). Pure; thread-safe.
 * @param name receives a static string
 * @param type an ot_event_type
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, or OT_EINVAL for an unknown type (or a NULL `name`)
 */
OT_EXTERN int ot_event_type_to_string(const char **name, int type, ot_error *err);

/**
 * The event type of a wire name. Pure; thread-safe.
 * @param type receives the ot_event_type
 * @param name a wire name such as "order.eta_changed"
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, or OT_EINVAL naming `type` for an unknown name
 */
OT_EXTERN int ot_event_type_from_string(int *type, const char *name, ot_error *err);

/**
 * Fill `query` with the defaults of `version` (from the start, limit 100, no filter), for
 * bindings.
 * @param query the struct to fill (caller-owned)
 * @param version the struct version to fill, 1 to OT_OUTBOX_QUERY_VERSION
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL for a NULL struct, or OT_EVERSION for a version this library does not
 *         know
 */
OT_EXTERN int ot_outbox_query_init(ot_outbox_query *query, unsigned version, ot_error *err);

/**
 * Read the outbox: up to `query->limit` events after `query->after` matching its filters,
 * oldest first, each handed to `emit`; the position to continue from goes to `*next_after`
 * (unchanged from `query->after` when nothing matched, so a tail polls with it). This is
 * how a consumer tails the event flow (an SSE stream, `ordertrack events tail`) and lists
 * dead letters. Thread-safe as the storage is.
 * @param next_after receives the cursor of the next page (may be NULL)
 * @param storage a storage with the outbox members (borrowed)
 * @param query what to read (borrowed)
 * @param emit receives each event (borrowed for the call); a non-zero return stops the read
 *        and is returned
 * @param ctx passed to `emit`
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL naming a bad query member, OT_EUNSUPPORTED naming `outbox` for a
 *         storage without the outbox, OT_ESTORAGE, or what `emit` returned
 */
OT_EXTERN int ot_outbox_query_run(int64_t *next_after, const struct ot_storage *storage,
                                  const ot_outbox_query *query, ot_event_emit emit, void *ctx,
                                  ot_error *err);

/**
 * Put dead letters back in the queue of `sink`: their attempts start again from 0 and the
 * next round of a relay delivers them (after any earlier pending event of their order;
 * later events of the order may already have been delivered: a replayed event arrives out
 * of order, its `sequence` tells). Thread-safe as the storage is.
 * @param replayed receives how many events were re-queued (may be NULL)
 * @param storage a storage with the outbox members (borrowed)
 * @param sink the sink's name (ot_sink.name)
 * @param position the dead letter's outbox position, or 0 for every dead letter of `sink`
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_ENOTFOUND naming `position` when that event is not a dead letter of
 *         `sink`, OT_EINVAL, OT_EUNSUPPORTED naming `outbox`, or OT_ESTORAGE
 */
OT_EXTERN int ot_outbox_replay(size_t *replayed, const struct ot_storage *storage,
                               const char *sink, int64_t position, ot_error *err);

/**
 * Fill `options` with the defaults of `version`, for bindings.
 * @param options the struct to fill (caller-owned)
 * @param version the struct version to fill, 1 to OT_RELAY_OPTIONS_VERSION
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL for a NULL struct, or OT_EVERSION for a version this library does not
 *         know
 */
OT_EXTERN int ot_relay_options_init(ot_relay_options *options, unsigned version,
                                    ot_error *err);

/**
 * Fill `stats` with zeros at `version`, for bindings.
 * @param stats the struct to fill (caller-owned)
 * @param version the struct version to fill, 1 to OT_RELAY_STATS_VERSION
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL for a NULL struct, or OT_EVERSION for a version this library does not
 *         know
 */
OT_EXTERN int ot_relay_stats_init(ot_relay_stats *stats, unsigned version, ot_error *err);

/**
 * Create a relay. The options are checked and copied; the storage, sinks, clock and notice
 * sink they point to are borrowed and must outlive the relay (the relay never closes them).
 * @param relay receives the relay (caller-owned: ot_relay_free)
 * @param options the relay's options
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL / OT_EVERSION naming the option, OT_EUNSUPPORTED naming `outbox`
 *         when the storage has no outbox members, or OT_ENOMEM
 */
OT_EXTERN int ot_relay_new(ot_relay **relay, const ot_relay_options *options, ot_error *err);

/**
 * Free a relay (after ot_relay_run has returned). Accepts NULL.
 * @param relay the relay, or NULL
 */
OT_EXTERN void ot_relay_free(ot_relay *relay);

/**
 * One round: for each sink, read the pending events that are due, oldest first, and
 * deliver them in batches holding at most one event per order (an order's next event only
 * after its previous one was delivered or parked); mark each outcome; park an event at its
 * max_attempts-th failure (OT_NOTICE_DEAD_LETTER); then prune after retention_ms. A round
 * stops when nothing due is left or after 10 batches per sink. A relay runs one round at a
 * time (not thread-safe against itself); several relays (processes) may share one outbox:
 * each event is still delivered at least once, possibly more.
 * @param stats adds what the round did (may be NULL; a caller-filled OT_RELAY_STATS_INIT)
 * @param relay the relay
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 when the round ran (sink failures are outcomes, counted in `stats`, not
 *         errors), or the storage's error (OT_ESTORAGE...) that stopped it
 */
OT_EXTERN int ot_relay_run_once(ot_relay *relay, ot_relay_stats *stats, ot_error *err);

/**
 * Run rounds until ot_relay_stop(): a round, then, when it delivered nothing, a wait of
 * poll_interval_ms (cut short by ot_relay_stop). A storage error is retried after the wait,
 * not returned. Blocks the calling thread.
 * @param relay the relay
 * @param stats adds what the rounds did (may be NULL)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 once stopped, or OT_EINVAL for a NULL relay
 */
OT_EXTERN int ot_relay_run(ot_relay *relay, ot_relay_stats *stats, ot_error *err);

/**
 * Ask ot_relay_run to return after its current round. Thread-safe (any thread); not
 * async-signal-safe (a signal handler sets a flag the host's thread turns into this call).
 * @param relay the relay, or NULL (nothing happens)
 */
OT_EXTERN void ot_relay_stop(ot_relay *relay);

OT_END_DECLS

#endif /* ORDERTRACK_OUTBOX_H */
