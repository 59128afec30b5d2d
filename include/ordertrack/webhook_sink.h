/**
 * @file webhook_sink.h
 * @brief The signed-webhook sink: POSTs each outbound event (outbox.h) to the subscribers
 * that want it, over the library's HTTP port (sys/http.h: the curl adapter, or a host's own
 * HTTP stack), signed with HMAC-SHA256.
 *
 * Each request: `POST <url>`, body the event document (ot_event.json), headers
 * `Content-Type: application/json`, `X-Ordertrack-Event-Id: <event_id>`,
 * `X-Ordertrack-Event-Type: <type>` and
 * `X-Ordertrack-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
 * A 2xx answer is a delivery; anything else (another status, a timeout, no connection) is a
 * failure the relay retries. docs/events.md shows how a receiver verifies the signature.
 */
#ifndef ORDERTRACK_WEBHOOK_SINK_H
#define ORDERTRACK_WEBHOOK_SINK_H

#include <stddef.h>
#include <stdint.h>

#include "export.h"
#include "error.h"

/** Newest version of `ot_webhook_subscription` this header describes. */
#define OT_WEBHOOK_SUBSCRIPTION_VERSION 1
/** Shortest secret of a subscription, in bytes. */
#define OT_WEBHOOK_SECRET_MIN 16
/** Most subscriptions one webhook sink holds. */
#define OT_WEBHOOK_SUBSCRIPTIONS_MAX 64

/**
 * One subscriber. Filled by the caller from OT_WEBHOOK_SUBSCRIPTION_INIT; copied by
 * ot_webhook_sink_new (the caller's strings and arrays may go afterwards). Version 1: all
 * members.
 */
typedef struct ot_webhook_subscription {
    unsigned version;                 /**< OT_WEBHOOK_SUBSCRIPTION_VERSION */
    const char *url;                  /**< required: absolute http:// or https:// URL */
    const char *secret;               /**< required: the HMAC key, at least
                                           OT_WEBHOOK_SECRET_MIN bytes, no NUL inside */
    const int *event_types;           /**< ot_event_type values it wants; NULL: all */
    size_t event_type_count;          /**< number of `event_types` (0 with NULL) */
    const char *const *store_ids;     /**< stores it wants; NULL: every store */
    size_t store_id_count;            /**< number of `store_ids` (0 with NULL) */
    int64_t timeout_ms;               /**< whole exchange (1..120000; 0: 10000) */
} ot_webhook_subscription;

/** Initialiser of `ot_webhook_subscription` with its defaults. */
#define OT_WEBHOOK_SUBSCRIPTION_INIT \
    { OT_WEBHOOK_SUBSCRIPTION_VERSION, NULL, NULL, NULL, 0, NULL, 0, 0 }

/** Newest version of `ot_webhook_sink_options` this header describes. */
#define OT_WEBHOOK_SINK_OPTIONS_VERSION 1

/**
 * A webhook sink's options. Version 1: all members.
 */
typedef struct ot_webhook_sink_options {
    unsigned version;                             /**< OT_WEBHOOK_SINK_OPTIONS_VERSION */
    const char *name;                             /**< the sink's name (sys/sink.h rules);
                                                       NULL: "webhook". Copied */
    const struct ot_http *http;                   /**< required: the HTTP port. Borrowed:
                                                       must outlive the sink */
    const ot_webhook_subscription *subscriptions; /**< 1..OT_WEBHOOK_SUBSCRIPTIONS_MAX */
    size_t subscription_count;                    /**< number of `subscriptions` */
    const struct ot_clock *clock;                 /**< the signature's `t`; NULL: the system
                                                       clock. Copied */
} ot_webhook_sink_options;

/** Initialiser of `ot_webhook_sink_options` with its defaults. */
#define OT_WEBHOOK_SINK_OPTIONS_INIT \
    { OT_WEBHOOK_SINK_OPTIONS_VERSION, NULL, NULL, NULL, 0, NULL }

struct ot_http;
struct ot_clock;
struct ot_sink;

OT_BEGIN_DECLS

/**
 * Fill `subscription` with the defaults of `version`, for bindings.
 * @param subscription the struct to fill (caller-owned)
 * @param version 1 to OT_WEBHOOK_SUBSCRIPTION_VERSION
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL for a NULL struct, or OT_EVERSION
 */
OT_EXTERN int ot_webhook_subscription_init(ot_webhook_subscription *subscription,
                                           unsigned version, ot_error *err);

/**
 * Fill `options` with the defaults of `version`, for bindings.
 * @param options the struct to fill (caller-owned)
 * @param version 1 to OT_WEBHOOK_SINK_OPTIONS_VERSION
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL for a NULL struct, or OT_EVERSION
 */
OT_EXTERN int ot_webhook_sink_options_init(ot_webhook_sink_options *options, unsigned version,
                                           ot_error *err);

/**
 * Create a webhook sink. An event goes to every subscription whose types and stores match
 * it (all at once, over one ot_http_client batch); it counts as delivered when every
 * matching subscriber answered 2xx (none matching: delivered). A failure is retried for
 * the whole event, so a subscriber that already answered receives it again (deduplicate on
 * X-Ordertrack-Event-Id); give each subscriber a sink of its own to keep their deliveries
 * apart. The sink is not thread-safe: one relay uses it.
 * @param sink receives the sink (free with ot_sink_close)
 * @param options the options (checked; copied but for `http`)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL / OT_EVERSION naming the member (`subscriptions[1].url`...), or
 *         OT_ENOMEM
 */
OT_EXTERN int ot_webhook_sink_new(struct ot_sink **sink, const ot_webhook_sink_options *options,
                                  ot_error *err);

/**
 * The signature header value of a body: `t=<t>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`,
 * what the sink sends and what a C receiver compares (with ot_webhook_verify_header,
 * courier.h, in constant time). Pure; thread-safe.
 * @param out receives the value, NUL-terminated
 * @param out_size size of `out`: at least OT_WEBHOOK_SIGNATURE_SIZE
 * @param secret the subscription's secret
 * @param unix_seconds the `t` (seconds since the epoch, >= 0)
 * @param body the body
 * @param body_len its length in bytes
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, or OT_EINVAL naming the argument
 */
OT_EXTERN int ot_webhook_sign(char *out, size_t out_size, const char *secret,
                              int64_t unix_seconds, const char *body, size_t body_len,
                              ot_error *err);

/** Size of the buffer ot_webhook_sign writes, NUL included. */
#define OT_WEBHOOK_SIGNATURE_SIZE 96

OT_END_DECLS

#endif /* ORDERTRACK_WEBHOOK_SINK_H */
