/**
 * @file sys/sink.h
 * @brief The sink port: where a relay (outbox.h) delivers outbound events. The library's
 * own sink is the signed webhook (webhook_sink.h); a NATS JetStream sink or a host's own
 * queue implement the same vtable.
 *
 * Thread safety: a relay calls its sinks from the thread that runs it, one call at a time;
 * a sink shared by several relays must be thread-safe.
 */
#ifndef ORDERTRACK_SYS_SINK_H
#define ORDERTRACK_SYS_SINK_H

#include <stddef.h>

#include "../export.h"
#include "../error.h"
#include "../outbox.h"

/** Newest version of `ot_sink` this header describes (its `version` member). */
#define OT_SINK_VERSION 1

/** Longest sink name, in bytes. */
#define OT_SINK_NAME_MAX 64

/**
 * The sink vtable. Members in this order, "since N" giving the version that added each; all
 * required unless marked optional. The core refuses a version it does not know
 * (OT_EVERSION).
 */
typedef struct ot_sink {
    unsigned version;   /**< OT_SINK_VERSION the sink was written for */
    void *userdata;     /**< the sink's state, passed to every member */

    /** (since 1) The sink's stable name, 1..OT_SINK_NAME_MAX bytes of [a-z0-9._:-]: the
     * outbox keeps each event's delivery state per sink name, so a renamed sink starts over
     * (every retained event is delivered to it again). Borrowed: valid while the sink is. */
    const char *name;

    /**
     * (since 1) Deliver `events[0..n-1]` (1 <= n <= the relay's batch_size; at most one event
     * per order, so the sink may send them concurrently). Fill `outcomes[i]` for each event:
     * leave its `code` 0 when the event was delivered (or when this sink does not want it, a
     * filter: that counts as delivered), else set a negative OT_E... code and a message
     * (ot_error fields; the relay keeps the message as the event's last_error): the event is
     * retried with backoff. `outcomes` arrives zeroed. Return 0 when every outcome is
     * filled; a negative code (with `err`) when the batch as a whole failed: every event of
     * it then counts as failed with that error. Events and their strings are borrowed for
     * the call. Must be idempotent per event_id as far as the destination allows (an event
     * is redelivered after a crash between delivery and its mark).
     */
    int (*deliver)(void *userdata, const ot_event *const *events, size_t n,
                   ot_error *outcomes, ot_error *err);

    /** (since 1, optional) Release the sink; called by ot_sink_close(). */
    void (*close)(void *userdata);
} ot_sink;

/** Initialiser of `ot_sink` with its defaults at OT_SINK_VERSION. */
#define OT_SINK_INIT { OT_SINK_VERSION, NULL, NULL, NULL, NULL }

OT_BEGIN_DECLS

/**
 * Fill `sink` with the defaults of `version` (all members NULL), for bindings.
 * @param sink the struct to fill (caller-owned)
 * @param version the struct version to fill, 1 to OT_SINK_VERSION
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL for a NULL struct, or OT_EVERSION for a version this library does not
 *         know
 */
OT_EXTERN int ot_sink_init(ot_sink *sink, unsigned version, ot_error *err);

/**
 * Check a sink before use: a known version, a valid name, a deliver member. Pure;
 * thread-safe.
 * @param sink the sink to check
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL naming the member, or OT_EVERSION
 */
OT_EXTERN int ot_sink_check(const ot_sink *sink, ot_error *err);

/**
 * Close a sink: calls its `close` member (if any); the sink is unusable afterwards (the
 * library's own sinks free the struct too). Accepts NULL. Not while a relay uses it.
 * @param sink the sink, or NULL
 */
OT_EXTERN void ot_sink_close(ot_sink *sink);

OT_END_DECLS

#endif /* ORDERTRACK_SYS_SINK_H */
