/**
 * @file dispatch.h
 * @brief Dispatch: request deliveries from Uber Direct and DoorDash Drive, retry when no
 *        driver is found, fall back to a secondary provider.
 *
 * An `ot_dispatch` holds the partners' credentials and their clients, over a resilient HTTP
 * client (http.h: retries, breakers) and so over any HTTP port:
 *   - Uber Direct: an OAuth 2.0 client-credentials token, cached and fetched again before it
 *     expires (or after a 401), deliveries of the configured customer id;
 *   - DoorDash Drive v2: an HS256 JWT (`dd-ver: DD-JWT-V1`) minted from the developer id,
 *     key id and base64url signing secret, short-lived, minted again after a 401.
 * docs/couriers-dispatch.md lists every endpoint and field used, with its source.
 *
 * ot_dispatch_run() moves one order's dispatch on by as many steps as it can now: request a
 * delivery from the order's provider; on "no driver" record it and come back after a backoff
 * (up to `max_no_driver_attempts`); on a partner failure (an error answer, a time-out, an
 * open breaker) or no driver after the limit, cancel with that provider and request from the
 * secondary. Every step is an event of the order's history (docs/events.md: dispatch_*,
 * no_driver) committed with the record's compare-and-set, which is the lock: across
 * instances one step is taken once. A request is recorded (`dispatch_requested`, with a
 * lease) before it is sent and its answer after (`dispatch_recorded`); a run that finds a
 * request whose lease ran out (its sender crashed) sends it again under the same
 * idempotency key (the partner's `external_delivery_id` / `idempotency_key`, derived from
 * the order id and the attempt number), so a crash at any step never makes a second
 * delivery. After a switch, webhooks of the cancelled provider are stale (tracker.h,
 * ot_tracker_apply_update).
 *
 * Thread safety: an ot_dispatch may be shared by threads (its token cache is locked); its
 * HTTP client must be thread-safe (the library's is).
 */
#ifndef ORDERTRACK_DISPATCH_H
#define ORDERTRACK_DISPATCH_H

#include <stddef.h>
#include <stdint.h>

#include "export.h"
#include "error.h"

/** Opaque dispatcher. */
typedef struct ot_dispatch ot_dispatch;

struct ot_tracker;
struct ot_http_client;

/** Newest version of `ot_dispatch_partner` this header describes (its `version` member). */
#define OT_DISPATCH_PARTNER_VERSION 1

/** Longest DoorDash JWT lifetime the partner accepts, in ms (30 minutes). */
#define OT_DISPATCH_JWT_TTL_MAX_MS 1800000

/**
 * One partner's endpoint and credentials, filled by the caller; strings are copied by
 * ot_dispatch_new(). Version 1 members are all of the following; new ones are appended.
 */
typedef struct ot_dispatch_partner {
    unsigned version;           /**< OT_DISPATCH_PARTNER_VERSION */
    int provider;               /**< OT_PROVIDER_UBER or OT_PROVIDER_DOORDASH */
    const char *base_url;       /**< API root: "https://api.uber.com",
                                     "https://openapi.doordash.com" */
    const char *token_url;      /**< Uber: the OAuth token endpoint
                                     ("https://auth.uber.com/oauth/v2/token"); DoorDash: NULL */
    const char *client_id;      /**< Uber: OAuth client id */
    const char *client_secret;  /**< Uber: OAuth client secret */
    const char *customer_id;    /**< Uber: the customer (organization) id of the paths */
    const char *developer_id;   /**< DoorDash: the JWT's `iss` */
    const char *key_id;         /**< DoorDash: the JWT's `kid` */
    const char *signing_secret; /**< DoorDash: base64url, decoded to the HMAC key */
    int64_t jwt_ttl_ms;         /**< DoorDash: JWT lifetime, 1000..OT_DISPATCH_JWT_TTL_MAX_MS;
                                     0: 300000 */
    int64_t token_margin_ms;    /**< Uber: fetch a new token this long before expiry;
                                     0: 60000 */
    int64_t timeout_ms;         /**< per request; 0: 10000 */
} ot_dispatch_partner;

/** Initialiser of `ot_dispatch_partner` with its defaults at OT_DISPATCH_PARTNER_VERSION. */
#define OT_DISPATCH_PARTNER_INIT \
    { OT_DISPATCH_PARTNER_VERSION, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, 0 }

/** Newest version of `ot_dispatch_options` this header describes (its `version` member). */
#define OT_DISPATCH_OPTIONS_VERSION 1

/**
 * Options of a dispatcher, filled by the caller (start from OT_DISPATCH_OPTIONS_INIT).
 * Version 1 members are all of the following; new ones are appended.
 */
typedef struct ot_dispatch_options {
    unsigned version;                 /**< OT_DISPATCH_OPTIONS_VERSION */
    struct ot_http_client *http;      /**< required; borrowed, must outlive the dispatcher */
    const ot_dispatch_partner *partners; /**< n_partners partners (one per provider); copied */
    size_t n_partners;                /**< number of `partners` (1 or 2) */
    unsigned max_no_driver_attempts;  /**< per provider, 1..100; default 3 */
    int64_t retry_base_ms;            /**< backoff after the first no-driver answer; 30000 */
    int64_t retry_cap_ms;             /**< largest no-driver backoff; 300000 */
    int64_t lease_ms;                 /**< how long a sent request is another instance's;
                                           after it, a run resumes it; 60000 */
    const char *author;               /**< `updated_by` of the events; NULL: "dispatch" */
} ot_dispatch_options;

/** Initialiser of `ot_dispatch_options` with its defaults at OT_DISPATCH_OPTIONS_VERSION. */
#define OT_DISPATCH_OPTIONS_INIT \
    { OT_DISPATCH_OPTIONS_VERSION, NULL, NULL, 0, 3u, 30000, 300000, 60000, NULL }

/** Newest version of `ot_dispatch_order` this header describes (its `version` member). */
#define OT_DISPATCH_ORDER_VERSION 1

/**
 * One run's request: the order and what the partners need that the record does not hold.
 * The drop-off comes from the order's metadata (`dropoff_name`, `dropoff_address`,
 * `dropoff_phone`). Strings are borrowed for the call.
 */
typedef struct ot_dispatch_order {
    unsigned version;            /**< OT_DISPATCH_ORDER_VERSION */
    const char *order_id;        /**< required */
    int secondary;               /**< ot_provider to fall back to; 0: none */
    const char *pickup_name;     /**< the store's name, for the courier */
    const char *pickup_address;  /**< the store's address, one line */
    const char *pickup_phone;    /**< the store's phone, E.164 */
} ot_dispatch_order;

/** Initialiser of `ot_dispatch_order` at OT_DISPATCH_ORDER_VERSION. */
#define OT_DISPATCH_ORDER_INIT { OT_DISPATCH_ORDER_VERSION, NULL, 0, NULL, NULL, NULL }

/** Where a run left an order's dispatch. */
typedef enum ot_dispatch_state {
    OT_DISPATCH_IDLE = 0,        /**< nothing to do: the order is not ready_for_pickup */
    OT_DISPATCH_RECORDED = 1,    /**< a partner accepted the delivery (delivery_id) */
    OT_DISPATCH_WAITING = 2,     /**< no driver: the next attempt is due at retry_at_ms */
    OT_DISPATCH_IN_FLIGHT = 3,   /**< another instance holds the request's lease */
    OT_DISPATCH_EXHAUSTED = 4    /**< every provider failed; an issue was raised */
} ot_dispatch_state;

/** Newest version of `ot_dispatch_result` this header describes (its `version` member). */
#define OT_DISPATCH_RESULT_VERSION 1

/** What a run did, filled by ot_dispatch_run() (the caller sets `version`). */
typedef struct ot_dispatch_result {
    unsigned version;            /**< OT_DISPATCH_RESULT_VERSION, set by the caller */
    int state;                   /**< ot_dispatch_state */
    int provider;                /**< the order's provider after the run */
    int64_t retry_at_ms;         /**< WAITING: when the next attempt is due; else 0 */
    unsigned requests;           /**< create requests sent to partners by this run */
    char delivery_id[129];       /**< RECORDED: the partner's delivery id; else "" */
} ot_dispatch_result;

/** Initialiser of `ot_dispatch_result` at OT_DISPATCH_RESULT_VERSION. */
#define OT_DISPATCH_RESULT_INIT { OT_DISPATCH_RESULT_VERSION, 0, 0, 0, 0u, "" }

OT_BEGIN_DECLS

/**
 * Fill `partner` with the defaults of `version` (for bindings that cannot use the macro).
 * @param partner the struct to fill (caller-owned)
 * @param version the struct version, 1 to OT_DISPATCH_PARTNER_VERSION
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL for NULL, or OT_EVERSION for an unknown version
 */
OT_EXTERN int ot_dispatch_partner_init(ot_dispatch_partner *partner, unsigned version,
                                       ot_error *err);
/**
 * Fill `options` with the defaults of `version`.
 * @param options the struct to fill (caller-owned)
 * @param version the struct version, 1 to OT_DISPATCH_OPTIONS_VERSION
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL for NULL, or OT_EVERSION for an unknown version
 */
OT_EXTERN int ot_dispatch_options_init(ot_dispatch_options *options, unsigned version,
                                       ot_error *err);
/**
 * Fill `order` with the defaults of `version`.
 * @param order the struct to fill (caller-owned)
 * @param version the struct version, 1 to OT_DISPATCH_ORDER_VERSION
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL for NULL, or OT_EVERSION for an unknown version
 */
OT_EXTERN int ot_dispatch_order_init(ot_dispatch_order *order, unsigned version,
                                     ot_error *err);
/**
 * Fill `result` with the defaults of `version`.
 * @param result the struct to fill (caller-owned)
 * @param version the struct version, 1 to OT_DISPATCH_RESULT_VERSION
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL for NULL, or OT_EVERSION for an unknown version
 */
OT_EXTERN int ot_dispatch_result_init(ot_dispatch_result *result, unsigned version,
                                      ot_error *err);

/**
 * A new dispatcher. Checks every member (OT_EINVAL / OT_EVERSION naming it): each partner
 * needs its base_url and its credentials, a provider appears once.
 * @param out receives the dispatcher (free with ot_dispatch_free())
 * @param options the options (copied; `http` borrowed)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_dispatch_new(ot_dispatch **out, const ot_dispatch_options *options,
                              ot_error *err);
/**
 * Free a dispatcher (its cached tokens are wiped). Accepts NULL. No run may be in flight.
 * @param dispatch the dispatcher, or NULL
 */
OT_EXTERN void ot_dispatch_free(ot_dispatch *dispatch);

/**
 * Move the dispatch of `order->order_id` on by every step due now (see the file comment).
 * An order that is not ready_for_pickup, or whose dispatch is recorded, exhausted or waits,
 * is left alone. The order's provider must be one of the dispatcher's partners
 * (OT_EUNSUPPORTED otherwise, nothing written). Partner failures are outcomes recorded in
 * the history, not errors of the call; errors are the tracker's (OT_ENOTFOUND,
 * OT_ESTORAGE, OT_ECONFLICT after its retries...). Thread-safe.
 * @param out receives where the run left the order; may be NULL
 * @param dispatch the dispatcher
 * @param tracker the tracker the order lives in (borrowed for the call)
 * @param order the order and its pick-up (read only)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_dispatch_run(ot_dispatch_result *out, ot_dispatch *dispatch,
                              struct ot_tracker *tracker, const ot_dispatch_order *order,
                              ot_error *err);

OT_END_DECLS

#endif /* ORDERTRACK_DISPATCH_H */
