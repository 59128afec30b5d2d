/**
 * @file adapters/sqlite.h
 * @brief The embedded SQLite store: libordertrack-sqlite (pkg-config ordertrack-sqlite,
 *        CMake target ordertrack::sqlite).
 *
 * One database file holds the orders (the record as JSON beside indexed columns), their
 * history events (one row per entry) and the idempotency keys. Every commit is one
 * transaction with a compare-and-set on the record's version. WAL mode with a busy timeout
 * lets the service and the poller share one file from several processes.
 *
 * Each storage keeps a bounded LRU cache of the records it decoded or wrote (see
 * ot_sqlite_options.cache_records): a load whose row still has the cached version and
 * updated_at is answered with ot_order_clone() of the cached record instead of decoding the
 * JSON again; any other row is read and decoded.
 *
 * Ownership: ot_storage_sqlite_open() returns a storage released with ot_storage_close()
 * (which frees its connections and its cache).
 * Thread safety: the storage may be shared by threads (each call takes a connection from an
 * internal pool; the cache has its own lock) and the file by processes.
 */
#ifndef ORDERTRACK_ADAPTERS_SQLITE_H
#define ORDERTRACK_ADAPTERS_SQLITE_H

#include "../export.h"
#include "../error.h"
#include "../sys/storage.h"

/** SQLite's `synchronous` levels. */
typedef enum ot_sqlite_sync {
    OT_SQLITE_SYNC_OFF = 0,
    OT_SQLITE_SYNC_NORMAL = 1,  /**< in WAL mode: durable except for the last commits on power loss */
    OT_SQLITE_SYNC_FULL = 2,    /**< an acknowledged commit survives power loss (default) */
    OT_SQLITE_SYNC_EXTRA = 3
} ot_sqlite_sync;

/** Newest version of `ot_sqlite_options` this header describes (its `version` member). */
#define OT_SQLITE_OPTIONS_VERSION 2

/** Default of ot_sqlite_options.cache_records. */
#define OT_SQLITE_CACHE_DEFAULT 256
/** Largest ot_sqlite_options.cache_records accepted. */
#define OT_SQLITE_CACHE_MAX 1048576

/**
 * Options, filled by the caller from OT_SQLITE_OPTIONS_INIT (or ot_sqlite_options_init).
 * Version 1: every member up to `create`; version 2 adds `cache_records`. A version 1 struct
 * is still accepted and read no further than its size (its cache gets the default bound).
 */
typedef struct ot_sqlite_options {
    unsigned version;        /**< OT_SQLITE_OPTIONS_VERSION */
    int synchronous;         /**< ot_sqlite_sync; default FULL */
    int busy_timeout_ms;     /**< wait this long for another writer; default 5000 */
    int create;              /**< 1: create the file if missing (default); 0: must exist */
    int cache_records;       /**< (since 2) bound of the storage's cache of decoded records
                                  (0..OT_SQLITE_CACHE_MAX; 0 disables it); default
                                  OT_SQLITE_CACHE_DEFAULT. A load answers from the cache only
                                  when the row's version and updated_at still match, so
                                  writes by other handles or processes are always seen
                                  (docs/sqlite.md) */
} ot_sqlite_options;

/** Initialiser of `ot_sqlite_options` with its defaults at OT_SQLITE_OPTIONS_VERSION. */
#define OT_SQLITE_OPTIONS_INIT \
    { OT_SQLITE_OPTIONS_VERSION, OT_SQLITE_SYNC_FULL, 5000, 1, OT_SQLITE_CACHE_DEFAULT }

/** The schema version this library writes; older files are migrated forward at open
 *  (4: the history lives in the events table only, each record holding its chain head;
 *  5: ordered indexes for list, sweep and poll pages). */
#define OT_SQLITE_SCHEMA_VERSION 5

OT_BEGIN_DECLS

/**
 * Fill `options` with the defaults of `version` (for bindings that cannot use the macro).
 * @param options the struct to fill (caller-owned)
 * @param version the struct version to fill, 1 to OT_SQLITE_OPTIONS_VERSION
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL for a NULL struct, or OT_EVERSION for a version this library does not
 *         know
 */
OT_EXTERN int ot_sqlite_options_init(ot_sqlite_options *options, unsigned version,
                                     ot_error *err);

/**
 * Open (creating or migrating as needed) the database at `path` and return a storage in
 * `*out`. `options` may be NULL for the defaults. A file with a newer schema than
 * OT_SQLITE_SCHEMA_VERSION is refused (OT_EVERSION), never modified.
 * @param out receives the new storage (close it with ot_storage_close())
 * @param path the database file (created if missing)
 * @param options the adapter's options (copied), or NULL for the defaults
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_storage_sqlite_open(ot_storage **out, const char *path,
                                     const ot_sqlite_options *options, ot_error *err);

/**
 * Schema version of the database behind an SQLite storage into `*version`.
 * @param version receives the schema version
 * @param storage a storage from ot_storage_sqlite_open()
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_storage_sqlite_schema_version(int *version, ot_storage *storage,
                                               ot_error *err);

/**
 * Register the scheme `sqlite:PATH` (version node OT_SQLITE_1.1): the path is everything after
 * the colon, opened with ot_storage_sqlite_open() and the default options.
 * @param registry  the registry to add it to (see ot_storage_open_uri())
 * @param err       may be NULL
 * @return 0, or what ot_storage_scheme_register() returns (OT_EEXISTS when registered twice)
 */
OT_EXTERN int ot_storage_sqlite_register(ot_storage_registry *registry, ot_error *err);

OT_END_DECLS

#endif /* ORDERTRACK_ADAPTERS_SQLITE_H */
