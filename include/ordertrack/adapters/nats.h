/**
 * @file adapters/nats.h
 * @brief libordertrack-nats: a sink (sys/sink.h) that publishes outbound events (outbox.h)
 * to NATS JetStream through libnats.
 *
 * Link with `pkg-config ordertrack-nats` or the CMake target `ordertrack::nats` (package
 * component `nats`). Each event is published to the subject
 * SUBJECT_PREFIX.STORE.TYPE (the prefix, the store token, the event type's wire name), e.g.
 * `ordertrack.store-7.order.status_changed`, where the store token is the store id with
 * every byte outside `[A-Za-z0-9_-]` written as `%` and two uppercase hex digits (a store id
 * `eu.north 1` becomes `eu%2Enorth%201`; an empty one `%00`), so a store is always exactly
 * one subject token (ot_nats_subject). The message data is the event document
 * (ot_event.json) and its JetStream message id (header `Nats-Msg-Id`) is the event id:
 * JetStream drops a republished event (a relay's redelivery after a crash) that arrives
 * within the stream's duplicate window and acknowledges it as a duplicate, which the sink
 * counts as delivered.
 *
 * The sink publishes with acknowledgment: an event is delivered when the stream stored it
 * (on a majority of its replicas). The events of one batch (at most one per order) are
 * published asynchronously and their acknowledgments awaited together, each event getting
 * its own outcome. ot_nats_sink_new connects, then looks the stream up: a missing stream is
 * created (subjects `SUBJECT_PREFIX.>`, `replicas`, `duplicate_window_ms`, file storage);
 * an existing one must hold that subject filter and that replica count, or the call fails
 * naming `stream` or `replicas`. Reconnection is libnats's: the sink keeps reconnecting to
 * any of its servers (and the servers the cluster announces) for ever; while no server is
 * reachable, deliveries fail and the relay retries them.
 *
 * Thread safety: a sink is used by one relay (sys/sink.h); ot_nats_subject is pure.
 * Process-wide state: libnats initialises itself on first use; the sink never calls
 * nats_Close (a host that wants libnats' threads gone calls it after closing its sinks).
 */
#ifndef ORDERTRACK_ADAPTERS_NATS_H
#define ORDERTRACK_ADAPTERS_NATS_H

#include <stddef.h>
#include <stdint.h>

#include "../export.h"
#include "../error.h"

struct ot_sink;

/** Newest version of `ot_nats_sink_options` this header describes (its `version` member). */
#define OT_NATS_SINK_OPTIONS_VERSION 1
/** Most server URLs a sink takes. */
#define OT_NATS_SERVERS_MAX 16
/** Longest subject ot_nats_subject writes, NUL included. */
#define OT_NATS_SUBJECT_MAX 512

/**
 * Options of a NATS JetStream sink. Filled by the caller from OT_NATS_SINK_OPTIONS_INIT;
 * copied by ot_nats_sink_new (the caller's strings may go afterwards). Version 1: all
 * members.
 */
typedef struct ot_nats_sink_options {
    unsigned version;               /**< OT_NATS_SINK_OPTIONS_VERSION */
    const char *name;               /**< the sink's name (sys/sink.h rules); NULL: "nats" */
    const char *const *servers;     /**< required: 1..OT_NATS_SERVERS_MAX URLs
                                         (`nats://host:port`, libnats' forms) */
    size_t server_count;            /**< number of `servers` */
    const char *stream;             /**< the JetStream stream (1..64 bytes of
                                         [A-Za-z0-9_-]); NULL: "ORDERTRACK" */
    const char *subject_prefix;     /**< one or more subject tokens of [A-Za-z0-9_-]
                                         separated by dots; NULL: "ordertrack" */
    int replicas;                   /**< the stream's replicas, 1..5 (default 1): the stream
                                         is created with it, an existing one must match */
    int64_t duplicate_window_ms;    /**< the stream's duplicate window when the sink creates
                                         it (1000..604800000; default 120000): a republished
                                         event inside it is dropped */
    int64_t timeout_ms;             /**< connecting, each JetStream API call and a batch's
                                         acknowledgments (100..120000; default 5000) */
} ot_nats_sink_options;

/** Initialiser of `ot_nats_sink_options` with its defaults at OT_NATS_SINK_OPTIONS_VERSION. */
#define OT_NATS_SINK_OPTIONS_INIT \
    { OT_NATS_SINK_OPTIONS_VERSION, NULL, NULL, 0, NULL, NULL, 1, 120000, 5000 }

OT_BEGIN_DECLS

/**
 * Fill `options` with the defaults of `version`, for bindings.
 * @param options the struct to fill (caller-owned)
 * @param version 1 to OT_NATS_SINK_OPTIONS_VERSION
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL for a NULL struct, or OT_EVERSION
 */
OT_EXTERN int ot_nats_sink_options_init(ot_nats_sink_options *options, unsigned version,
                                        ot_error *err);

/**
 * Create a NATS JetStream sink: check the options, connect, and create or check the stream.
 * @param sink receives the sink (caller-owned: ot_sink_close, which disconnects)
 * @param options the options (checked and copied)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0; OT_EINVAL / OT_EVERSION naming the member (`servers[1]`, `subject_prefix`...);
 *         OT_EUNAVAILABLE naming `servers` when no server answered within timeout_ms;
 *         OT_EINVAL naming `stream` or `replicas` when the existing stream does not match;
 *         OT_EIO naming `stream` when JetStream refused to create it (its message says why,
 *         e.g. more replicas than servers); or OT_ENOMEM
 */
OT_EXTERN int ot_nats_sink_new(struct ot_sink **sink, const ot_nats_sink_options *options,
                               ot_error *err);

/**
 * The subject an event is published to: PREFIX.STORE.TYPE, the prefix, the store token and
 * the event type's wire name (the store token as described above). Pure; thread-safe.
 * @param out receives the subject, NUL-terminated
 * @param out_size size of `out` (OT_NATS_SUBJECT_MAX is always enough for a prefix of at
 *        most 64 bytes and a store id of at most 128)
 * @param prefix the subject prefix (as in the options; NULL: "ordertrack")
 * @param store_id the event's store id
 * @param type an ot_event_type
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL naming `prefix`, `store_id` or `type`, or OT_ELIMIT naming `out`
 *         when it is too small
 */
OT_EXTERN int ot_nats_subject(char *out, size_t out_size, const char *prefix,
                              const char *store_id, int type, ot_error *err);

OT_END_DECLS

#endif /* ORDERTRACK_ADAPTERS_NATS_H */
