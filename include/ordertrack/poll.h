/**
 * @file poll.h
 * @brief Courier polling: courier clients (requests, credentials, tokens) and the poll cycle.
 *
 * An `ot_courier_client` knows how to ask one parcel courier about a group of AWBs: the
 * request shape, the batch size and the authentication of Delhivery B2C (batch GET,
 * `Authorization: Token`), Delhivery B2B (one LR per GET, Bearer JWT from `POST
 * /ums/login`), Shiprocket (batch POST, Bearer JWT from `POST /v1/external/auth/login`,
 * valid 10 days) and Velocity (batch POST, 24-hour token from `POST
 * /custom/api/v1/auth-token`, sent raw). Tokens are kept in the client, refreshed before
 * they expire (by the client's clock) and once after a 401.
 *
 * ot_poll_run() is one run of a parcel courier tracker: take the orders of the courier whose
 * shipment is not terminal from the tracker's storage, group their AWBs into batches, send
 * them through an ot_http_client (retries, breakers: http.h), parse the answers
 * (ot_courier_parse) and apply every new update with ot_tracker_apply_update(). A failed
 * request is counted and the run goes on. docs/polling.md describes it in full.
 *
 * Nothing here depends on libcurl: any HTTP port works (ordertrack/sys/http.h).
 */
#ifndef ORDERTRACK_POLL_H
#define ORDERTRACK_POLL_H

#include <stddef.h>
#include <stdint.h>

#include "export.h"
#include "error.h"
#include "http.h"
#include "courier.h"
#include "tracker.h"

struct ot_clock;
struct ot_courier_registry;

/** A courier client: configuration and token state of one courier. Opaque; thread-safe. */
typedef struct ot_courier_client ot_courier_client;

/** Newest version of `ot_courier_config` this header describes (its `version` member). */
#define OT_COURIER_CONFIG_VERSION 2

/**
 * The configuration of a courier client, filled by the caller (start from
 * OT_COURIER_CONFIG_INIT). Strings are copied by ot_courier_client_new(). Which credentials
 * each courier needs: delhivery `token`; delhivery_b2b `username` + `password`; shiprocket
 * `email` + `password`; velocity `username` + `password`; a run-time courier with an `api`
 * in its definition (courier_def.h) `token`, sent in its definition's auth header.
 * Version 1: the members up to `token_refresh_ms`; version 2 adds `couriers`.
 */
typedef struct ot_courier_config {
    unsigned version;           /**< OT_COURIER_CONFIG_VERSION */
    int provider;               /**< ot_provider: delhivery, delhivery_b2b, shiprocket,
                                     velocity */
    const char *base_url;       /**< "https://track.delhivery.com" (no path; a trailing
                                     slash is ignored) */
    const char *token;          /**< delhivery: the API key sent as "Token <key>" */
    const char *username;       /**< delhivery_b2b, velocity */
    const char *email;          /**< shiprocket */
    const char *password;       /**< delhivery_b2b, shiprocket, velocity */
    const char *fallback_base_url; /**< NULL, or a second host serving the same API: the
                                     HTTP client switches to it when the first fails */
    size_t batch_size;          /**< AWBs per request; 0: the courier's maximum (delhivery
                                     50, delhivery_b2b 1, shiprocket 50, velocity 45) */
    int64_t timeout_ms;         /**< per request; 0: the HTTP port's default */
    int64_t token_ttl_ms;       /**< 0: the courier's (shiprocket 10 days, velocity and
                                     delhivery_b2b 24 hours) */
    int64_t token_refresh_ms;   /**< log in again this long before expiry; 0: the
                                     courier's (shiprocket 1 day, others 1 hour) */
    const struct ot_courier_registry *couriers; /**< (since 2) the registry defining a
                                     run-time courier `provider` (borrowed; it must outlive
                                     the client); NULL for the built-in couriers */
} ot_courier_config;

/** Initialiser of `ot_courier_config` with its defaults at OT_COURIER_CONFIG_VERSION. */
#define OT_COURIER_CONFIG_INIT \
    { OT_COURIER_CONFIG_VERSION, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, 0, 0, NULL }

/** Newest version of `ot_poll_config` this header describes (its `version` member). */
#define OT_POLL_CONFIG_VERSION 3

/**
 * One tracker run, filled by the caller (start from OT_POLL_CONFIG_INIT). Version 1: the
 * members up to `userdata`; version 2 adds `apply_on_caller`; version 3 adds
 * `stale_after_ms` (the Delhivery fallback tracker's selection).
 */
typedef struct ot_poll_config {
    unsigned version;                   /**< OT_POLL_CONFIG_VERSION */
    ot_courier_client *courier;         /**< required; borrowed */
    const ot_courier_tables *tables;    /**< NULL: the built-in status tables */
    size_t batch_size;                  /**< AWBs per request, up to the courier's maximum
                                             (1 for the Delhivery fallback); 0: the
                                             courier client's batch_size */
    size_t max_orders;                  /**< orders polled (with a tracking id and, with
                                             `stale_after_ms`, stale); 0: all */
    unsigned workers;                   /**< requests sent at once (1..1024); 0: 1 */
    int64_t delay_ms;                   /**< wait between two rounds of `workers`
                                             requests (the Delhivery fallback); 0: none */
    /** Sleep for `delay_ms`. NULL (preferred): the sleep_ms of the tracker's clock
     *  (sys/clock.h), or the system's sleep for a clock without one. Kept for callers of
     *  before clock version 2: refused (OT_EINVAL) when the tracker's clock has sleep_ms.
     *  Takes `userdata` last, as released in 1.0.0 (newer callbacks take it first:
     *  docs/conventions.md, "Callbacks"). */
    void (*sleep_ms)(int64_t ms, void *userdata);
    void *userdata;                     /**< passed to sleep_ms */
    int apply_on_caller;                /**< (since 2) 1: apply every answer on the calling
                                             thread, between rounds, starting no thread (for
                                             a tracker whose storage, clock or notice sink is
                                             not thread-safe; slower: applying no longer
                                             overlaps waiting); 0: applier threads */
    int64_t stale_after_ms;             /**< (since 3) > 0: poll only the orders with no
                                             courier event newer than this long before now
                                             (the tracker's clock): the newest courier event
                                             time on the order, or its creation when it has
                                             none, at most now - stale_after_ms (the
                                             fallback tracker, polling.md); 0: every active
                                             order */
} ot_poll_config;

/** Initialiser of `ot_poll_config` with its defaults at OT_POLL_CONFIG_VERSION. */
#define OT_POLL_CONFIG_INIT \
    { OT_POLL_CONFIG_VERSION, NULL, NULL, 0, 0, 0u, 0, NULL, NULL, 0, 0 }

/** Newest version of `ot_poll_summary` this header describes (its `version` member). */
#define OT_POLL_SUMMARY_VERSION 1

/**
 * What a run did, filled by ot_poll_run(); the caller sets `version` (OT_POLL_SUMMARY_INIT).
 * Counts of updates are per parsed update (a Delhivery answer carries one per scan).
 * Version 1: all members.
 */
typedef struct ot_poll_summary {
    unsigned version;       /**< set by the caller: OT_POLL_SUMMARY_VERSION */
    size_t orders;          /**< orders taken from storage and asked about */
    size_t requests;        /**< tracking requests sent (a resend after a 401 counts) */
    size_t logins;          /**< logins made for a token */
    size_t failed_requests; /**< requests without a usable answer (status, transport
                                 error, unparsable body): their AWBs stay as they were */
    size_t changed;         /**< updates applied: the order changed */
    size_t unchanged;       /**< updates already known (stale, duplicate, older than the
                                 order's last courier scan) */
    size_t unknown;         /**< updates whose raw status no table maps */
    size_t issues;          /**< unmapped_status issues recorded (once per order and raw
                                 status) */
    size_t errors;          /**< updates refused (illegal step, storage failure...) */
    size_t missing;         /**< AWBs asked about that no answer mentioned */
    ot_error first_failure; /**< the first failed request or refused update, naming the
                                 courier and AWB; code 0 when none */
} ot_poll_summary;

/** Initialiser of `ot_poll_summary` with its defaults at OT_POLL_SUMMARY_VERSION. */
#define OT_POLL_SUMMARY_INIT { OT_POLL_SUMMARY_VERSION, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, \
                               { 0, "", "", "", "" } }

OT_BEGIN_DECLS

/**
 * Fill `config` with the defaults of `version` (for bindings that cannot use the macro).
 * @param config the struct to fill (caller-owned)
 * @param version the struct version to fill, 1 to OT_COURIER_CONFIG_VERSION
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL for a NULL struct, or OT_EVERSION for a version this library does not
 *         know
 */
OT_EXTERN int ot_courier_config_init(ot_courier_config *config, unsigned version,
                                     ot_error *err);
/**
 * Fill `config` with the defaults of `version`.
 * @param config the struct to fill (caller-owned)
 * @param version the struct version to fill, 1 to OT_POLL_CONFIG_VERSION
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL for a NULL struct, or OT_EVERSION for a version this library does not
 *         know
 */
OT_EXTERN int ot_poll_config_init(ot_poll_config *config, unsigned version, ot_error *err);
/**
 * Fill `summary` with zeros for `version`.
 * @param summary the struct to fill (caller-owned)
 * @param version the struct version to fill, 1 to OT_POLL_SUMMARY_VERSION
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL for a NULL struct, or OT_EVERSION for a version this library does not
 *         know
 */
OT_EXTERN int ot_poll_summary_init(ot_poll_summary *summary, unsigned version,
                                   ot_error *err);

/**
 * A new courier client in `*out` (free with ot_courier_client_free) from `config` (copied)
 * and `clock` (NULL: the system UTC clock; copied; it decides when tokens expire). Checks
 * the provider, the base URL (http:// or https://) and that the courier's credentials are
 * there (OT_EINVAL naming the field and courier), and the versions (OT_EVERSION).
 * @param out receives the new client (free with ot_courier_client_free())
 * @param config the courier, base URL and credentials (copied)
 * @param clock the clock (copied), or NULL for the system UTC clock
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_courier_client_new(ot_courier_client **out, const ot_courier_config *config,
                                    const struct ot_clock *clock, ot_error *err);
/**
 * Free a courier client. Accepts NULL. No call may be in flight.
 * @param client the client, or NULL
 */
OT_EXTERN void ot_courier_client_free(ot_courier_client *client);

/**
 * The ot_provider of the client (> 0), or OT_EINVAL for NULL.
 * @param client the client
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return the ot_provider (> 0), or OT_EINVAL
 */
OT_EXTERN int ot_courier_client_provider(const ot_courier_client *client, ot_error *err);

/**
 * Log in now through `http` and keep the new token (couriers with a login: delhivery_b2b,
 * shiprocket, velocity; delhivery's static key needs none and answers 0 at once). OT_EAUTH
 * when the courier refused the credentials (4xx), OT_EHTTP (or the transport's code) when it
 * could not be reached, OT_EPARSE when the answer holds no token. Thread-safe.
 * @param client the client
 * @param http the HTTP client to log in through
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_courier_client_login(ot_courier_client *client, ot_http_client *http,
                                      ot_error *err);

/**
 * When the current token expires, in ms since the epoch, into `*expires_ms`: 0 when there
 * is none yet, INT64_MAX for delhivery's static key. Thread-safe.
 * @param expires_ms receives the expiry, ms since the epoch
 * @param client the client
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_courier_client_token_expiry(int64_t *expires_ms,
                                             const ot_courier_client *client, ot_error *err);

/**
 * One poll run (see the file comment) with `tracker` (its storage is queried and written)
 * and `http`, as `config` says; fills `*summary`. Returns 0 when the run went through, even
 * if some requests failed or some updates were refused (the summary counts them); an error
 * only when it could not run: OT_EINVAL / OT_EVERSION for bad arguments (naming the field),
 * the storage query's code, OT_ENOMEM. The summary then holds what was done before.
 * Requests are sent from the calling thread, `workers` per ot_http_client_send call; while
 * a round is on the wire the previous round's answers are applied, and the next storage page
 * fetched, on applier threads the run starts and joins before returning (docs/polling.md,
 * The pipeline): the tracker's storage, clock and notice sink must be thread-safe, unless
 * `config->apply_on_caller` is set.
 * Thread-safe as the tracker and HTTP client are; two runs of the same tracker at once are
 * safe but wasteful (the hosts skip a run while the previous one is active).
 * @param summary receives the counts of the run (its `version` set by the caller)
 * @param tracker the tracker whose storage is queried and written
 * @param http the HTTP client the requests go through
 * @param config the courier client, selection and pacing of the run
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_poll_run(ot_poll_summary *summary, ot_tracker *tracker, ot_http_client *http,
                          const ot_poll_config *config, ot_error *err);

OT_END_DECLS

#endif /* ORDERTRACK_POLL_H */
