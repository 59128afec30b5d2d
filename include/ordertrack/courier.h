/**
 * @file courier.h
 * @brief Courier and partner status mapping, payload parsers and webhook authentication.
 *
 * Mapping: one data table per provider turns a raw partner status (with its qualifier: the
 * Delhivery StatusType and NDR StatusCode, the Shiprocket `shipment_status_id` or its status
 * words, the Uber `courier_imminent`, the DoorDash `event_name`...) into the canonical status
 * of the vocabulary that provider drives: the shipment status for parcel couriers (delhivery,
 * delhivery_b2b, shiprocket, velocity), the order lifecycle for hyperlocal partners (uber,
 * doordash). Matching ignores ASCII case and surrounding white space and treats each run of
 * white space and '_' inside a key as one space ("OUT_FOR  DELIVERY" is "out for
 * delivery"); '-' and other bytes count as written. A raw status no table knows is never
 * guessed: it is reported as OT_EUNKNOWN_STATUS. The tables and the choices behind them are
 * documented in docs/couriers-mapping.md, with the override-file format.
 *
 * Parsing: ot_courier_parse() turns one partner payload (bytes as received) into a list of
 * normalised updates (update.h). It is a pure function over the bytes: malformed, truncated
 * or hostile input returns OT_EPARSE (or OT_ELIMIT) with `err->field` naming the field.
 * An unmapped status does not fail the batch: its update carries OT_UPDATE_UNMAPPED.
 *
 * Webhooks: Uber's HMAC-SHA256 signature and the configured-header check of the other
 * partners, both compared in constant time.
 *
 * Thread safety: every function is thread-safe on distinct objects. An ot_courier_tables
 * may be shared by threads for mapping and parsing once it is fully loaded; loading
 * overrides into it while another thread reads it is not safe.
 */
#ifndef ORDERTRACK_COURIER_H
#define ORDERTRACK_COURIER_H

#include <stddef.h>

#include "export.h"
#include "error.h"
#include "update.h"

/** Status tables: the built-in ones plus run-time overrides. Opaque. */
typedef struct ot_courier_tables ot_courier_tables;

/** A list of normalised updates produced by a parser; owns every string it points to. */
typedef struct ot_update_list ot_update_list;

/**
 * Result of a mapping. Filled by the library; the layout is fixed and part of the ABI.
 * For a parcel courier `shipment_status` is the ot_shipment_status and `status` the
 * lifecycle status it implies (ot_shipment_to_status); for a hyperlocal partner `status` is
 * the ot_status and `shipment_status` is 0. Both are 0 for a flag-only row (a reverse pickup
 * or customer return: a flow kept apart from the forward statuses).
 */
typedef struct ot_courier_mapping {
    int status;          /**< ot_status, 0 when none */
    int shipment_status; /**< ot_shipment_status, 0 for hyperlocal partners or flag-only */
    unsigned flags;      /**< OR of enum ot_update_flag */
} ot_courier_mapping;

/** Longest raw status, type or code the tables match, in bytes after trimming. */
#define OT_COURIER_KEY_MAX 63

/** Payload kinds understood by ot_courier_parse(). */
typedef enum ot_courier_payload {
    OT_PAYLOAD_UNKNOWN = 0,
    OT_PAYLOAD_DELHIVERY_TRACKING = 1,    /**< GET /api/v1/packages/json/: ShipmentData[] */
    OT_PAYLOAD_DELHIVERY_PUSH = 2,        /**< Delhivery push webhook: {"Shipment": {...}} */
    OT_PAYLOAD_DELHIVERY_B2B_TRACKING = 3,/**< GET /lrn/track: {"data": {lrnum, status, wbns}} */
    OT_PAYLOAD_SHIPROCKET_TRACKING = 4,   /**< POST /courier/track/awbs (or one AWB) */
    OT_PAYLOAD_SHIPROCKET_WEBHOOK = 5,    /**< Shiprocket status webhook */
    OT_PAYLOAD_VELOCITY_TRACKING = 6,     /**< POST /custom/api/v1/order-tracking */
    OT_PAYLOAD_VELOCITY_WEBHOOK = 7,      /**< Velocity "status_change" webhook */
    OT_PAYLOAD_UBER_WEBHOOK = 8,          /**< event.delivery_status / event.courier_update */
    OT_PAYLOAD_DOORDASH_WEBHOOK = 9       /**< DoorDash Drive webhook (event_name) */
} ot_courier_payload;
/** One past the largest ot_courier_payload value. */
#define OT_PAYLOAD_COUNT 10

/** Largest payload ot_courier_parse() accepts, in bytes (OT_ELIMIT beyond). */
#define OT_COURIER_PAYLOAD_MAX (16u * 1024u * 1024u)
/** Largest override file accepted, in bytes (OT_ELIMIT beyond). */
#define OT_COURIER_OVERRIDES_MAX (1024u * 1024u)

OT_BEGIN_DECLS

/**
 * New tables holding the built-in tables only, in `*tables`; free with
 * ot_courier_tables_free(). OT_ENOMEM on allocation failure.
 * @param tables receives the new tables (free with ot_courier_tables_free())
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_courier_tables_new(ot_courier_tables **tables, ot_error *err);

/**
 * Free tables and every override loaded into them. Accepts NULL.
 * @param tables the tables, or NULL
 */
OT_EXTERN void ot_courier_tables_free(ot_courier_tables *tables);

/**
 * Load an override file (JSON, format in docs/couriers-mapping.md) into `tables`. Rows
 * extend the built-in tables or override rows with the same key; a later load wins over an
 * earlier one. All or nothing: a bad file changes nothing and fails with OT_EPARSE (or
 * OT_ELIMIT, OT_EIO) and a message "PATH:LINE: reason"; `err->field` names the entry member.
 * @param tables the tables to extend
 * @param path the override file
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_courier_tables_load_overrides(ot_courier_tables *tables, const char *path,
                                               ot_error *err);

/**
 * Same as ot_courier_tables_load_overrides() from `len` bytes of JSON in memory.
 * @param tables the tables to extend
 * @param json the override document; need not be NUL-terminated
 * @param len length of `json` in bytes
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_courier_tables_load_overrides_json(ot_courier_tables *tables,
                                                    const char *json, size_t len,
                                                    ot_error *err);

/**
 * Number of override rows loaded so far (0 for fresh tables); OT_EINVAL for NULL.
 * @param tables the tables
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return the number of override rows (>= 0), or OT_EINVAL
 */
OT_EXTERN int ot_courier_tables_override_count(const ot_courier_tables *tables, ot_error *err);

/**
 * Map one raw partner status. `tables` NULL means the built-in tables. `raw_type` is the
 * qualifier some partners send with the status (Delhivery StatusType: UD, DL, RT, PP, PU,
 * CN; ignored by the other providers) and `raw_code` the Delhivery NDR StatusCode
 * ("EOD-74"); either may be NULL or empty. On success fills `*out` and returns 0. A status
 * no table knows returns OT_EUNKNOWN_STATUS naming the provider and the raw status, with
 * `*out` set to {0, 0, OT_UPDATE_UNMAPPED}. OT_EINVAL for NULL pointers or a provider
 * without a table (internal, unknown, out of range). Never allocates.
 * @param out receives the mapping
 * @param tables the tables, or NULL for the built-in ones
 * @param provider the partner (ot_provider)
 * @param raw_status the status as the partner sent it
 * @param raw_type the partner's status qualifier, or NULL
 * @param raw_code the partner's NDR code, or NULL
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_courier_map(ot_courier_mapping *out, const ot_courier_tables *tables,
                             int provider, const char *raw_status, const char *raw_type,
                             const char *raw_code, ot_error *err);

/**
 * Parse one payload of kind `payload` (ot_courier_payload) into a new list in `*list`;
 * free it with ot_update_list_free(). `tables` NULL means the built-in tables. Every update
 * has its provider, raw status and mapping filled; unmapped statuses carry
 * OT_UPDATE_UNMAPPED. A payload with nothing to track (an Uber refund webhook) gives an
 * empty list. Errors: OT_EPARSE naming the field, OT_ELIMIT beyond OT_COURIER_PAYLOAD_MAX,
 * OT_ENOMEM, OT_EINVAL for bad arguments; `*list` is then NULL.
 * @param list receives the new list (free with ot_update_list_free()); NULL on failure
 * @param tables the tables, or NULL for the built-in ones
 * @param payload the payload kind (ot_courier_payload)
 * @param bytes the payload as received
 * @param len length of `bytes`
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_courier_parse(ot_update_list **list, const ot_courier_tables *tables,
                               int payload, const void *bytes, size_t len, ot_error *err);

/**
 * Number of updates in `list`; 0 for NULL.
 * @param list the list, or NULL
 * @return the number of updates
 */
OT_EXTERN size_t ot_update_list_count(const ot_update_list *list);

/**
 * Update `index` of `list`, valid until the list is freed; NULL if out of range.
 * @param list the list
 * @param index 0-based position in the list
 * @return the update (borrowed from the list), or NULL
 */
OT_EXTERN const ot_update *ot_update_list_get(const ot_update_list *list, size_t index);

/**
 * Free a list and all its strings. Accepts NULL.
 * @param list the list, or NULL
 */
OT_EXTERN void ot_update_list_free(ot_update_list *list);

/**
 * Verify Uber's webhook signature: `signature` (the value of `x-uber-signature` or
 * `X-Postmates-Signature`) must be the hex HMAC-SHA256 of the raw `body` keyed with the
 * webhook's signing key. Compared in constant time. 0 when it matches; OT_EAUTH when it does
 * not or is not 64 hex digits; OT_EINVAL for a NULL or empty key or a NULL body with len > 0.
 * @param key the webhook's signing key
 * @param key_len length of `key` in bytes (> 0)
 * @param body the raw request body
 * @param body_len length of `body` in bytes
 * @param signature the signature header's value (64 hex digits)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 when the signature matches, OT_EAUTH or OT_EINVAL otherwise
 */
OT_EXTERN int ot_webhook_verify_uber(const void *key, size_t key_len, const void *body,
                                     size_t body_len, const char *signature, ot_error *err);

/**
 * Check a configured secret header (DoorDash `Authorization`, Shiprocket `x-api-key`,
 * Velocity `X-API-Key`, Delhivery's agreed header): 0 when `received` equals `expected`
 * exactly, OT_EAUTH otherwise (also for NULL `received`), OT_EINVAL for a NULL or empty
 * `expected`. Constant time in the contents of both strings.
 * @param expected the configured secret
 * @param received the header value received, or NULL when absent
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 when the values are equal, OT_EAUTH or OT_EINVAL otherwise
 */
OT_EXTERN int ot_webhook_verify_header(const char *expected, const char *received,
                                       ot_error *err);

/**
 * 1 if the HTTP header `name` (any case) carries `provider`'s webhook credential: uber
 * `x-uber-signature` or `X-Postmates-Signature`, doordash `Authorization`, shiprocket
 * `x-api-key`, velocity `X-API-Key`, delhivery `Authorization` (the usual agreed header);
 * 0 if not; OT_EINVAL for a NULL name or a provider without webhooks.
 * @param provider the partner (ot_provider)
 * @param name an HTTP header name
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 1 if the header carries the credential, 0 if not, or OT_EINVAL
 */
OT_EXTERN int ot_webhook_auth_header_is(int provider, const char *name, ot_error *err);

OT_END_DECLS

#endif /* ORDERTRACK_COURIER_H */
