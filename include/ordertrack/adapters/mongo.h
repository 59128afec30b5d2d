/**
 * @file adapters/mongo.h
 * @brief The MongoDB store: libordertrack-mongo (pkg-config ordertrack-mongo, CMake target
 *        ordertrack::mongo), over libmongoc.
 *
 * Records live in the collection `order_tracking` (configurable) as native BSON documents:
 * dates as BSON datetimes, metadata as a subdocument, the history embedded as
 * `status_history`. Every commit is one single-document update filtered on
 * `{order_id, version}` (`$set` of the fields, `$push` of the new history entries), atomic
 * without transactions; zero matches is a conflict. Idempotency keys live in
 * `order_tracking_idempotency` with a TTL index. Read preference, write concern and timeouts
 * come from the connection string. See docs/mongo.md.
 *
 * Ownership: ot_storage_mongo_open() returns a storage released with ot_storage_close().
 * Thread safety: the storage may be shared by threads (a libmongoc client pool).
 */
#ifndef ORDERTRACK_ADAPTERS_MONGO_H
#define ORDERTRACK_ADAPTERS_MONGO_H

#include <stdint.h>

#include "../export.h"
#include "../error.h"
#include "../sys/storage.h"

/** Newest version of `ot_mongo_options` this header describes (its `version` member). */
#define OT_MONGO_OPTIONS_VERSION 1

/** Options, filled by the caller from OT_MONGO_OPTIONS_INIT. Version 1: all members.
 * Strings are copied by ot_storage_mongo_open(); NULL means the default. */
typedef struct ot_mongo_options {
    unsigned version;                   /**< OT_MONGO_OPTIONS_VERSION */
    const char *database;               /**< NULL: the URI's database, else "ordertrack" */
    const char *collection;             /**< NULL: "order_tracking" */
    const char *idempotency_collection; /**< NULL: "order_tracking_idempotency" */
    int create_indexes;                 /**< 1 (default): create the indexes at open */
    int legacy_orders;                  /**< 1: legacy collection layout, also write the
                                             shipment status to `orders.status` and append
                                             to the `orderTracking` history (default 0) */
    const char *orders_collection;      /**< NULL: "orders" */
    const char *orders_match_field;     /**< NULL: "awb" (the tracking id; the order id
                                             when the record has none: "order_id") */
    const char *history_collection;     /**< NULL: "orderTracking" */
} ot_mongo_options;

/** Initialiser of `ot_mongo_options` with its defaults at OT_MONGO_OPTIONS_VERSION. */
#define OT_MONGO_OPTIONS_INIT \
    { OT_MONGO_OPTIONS_VERSION, NULL, NULL, NULL, 1, 0, NULL, NULL, NULL }

OT_BEGIN_DECLS

/**
 * Fill `options` with the defaults of `version` (for bindings that cannot use the macro).
 * @param options the struct to fill (caller-owned)
 * @param version the struct version to fill, 1 to OT_MONGO_OPTIONS_VERSION
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL for a NULL struct, or OT_EVERSION for a version this library does not
 *         know
 */
OT_EXTERN int ot_mongo_options_init(ot_mongo_options *options, unsigned version,
                                    ot_error *err);

/**
 * Connect to the deployment of `uri` (a mongodb:// connection string: its read preference,
 * write concern, timeouts and TLS settings apply) and return a storage in `*out`. Checks
 * that the server answers and creates the indexes (idempotent). Fails with OT_ESTORAGE and
 * the server's message when it cannot.
 *
 * The adapter's options may also be given in `uri` as `ot.` options (`ot.collection`,
 * `ot.idempotencyCollection`, `ot.createIndexes`, `ot.legacyOrders`, `ot.ordersCollection`,
 * `ot.ordersMatchField`, `ot.historyCollection`; docs/mongo.md), applied on top of `options`
 * and removed before libmongoc reads the rest. An unknown or repeated `ot.` option, a bad
 * value, or one contradicting a member set in `options` is OT_EINVAL naming it.
 * @param out receives the new storage (close it with ot_storage_close())
 * @param uri a mongodb:// connection string, the adapter's `ot.` options included
 * @param options the adapter's options (copied), or NULL for the defaults
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_storage_mongo_open(ot_storage **out, const char *uri,
                                    const ot_mongo_options *options, ot_error *err);

/**
 * Register the schemes "mongodb" and "mongodb+srv" (version node OT_MONGO_1.1): the whole
 * URI is handed to ot_storage_mongo_open() with the default options (the URI's options
 * named ot.* still apply).
 * @param registry  the registry to add them to (see ot_storage_open_uri())
 * @param err       may be NULL
 * @return 0, or what ot_storage_scheme_register() returns (OT_EEXISTS when registered twice;
 *         a scheme registered before a failure stays)
 */
OT_EXTERN int ot_storage_mongo_register(ot_storage_registry *registry, ot_error *err);

OT_END_DECLS

#endif /* ORDERTRACK_ADAPTERS_MONGO_H */
