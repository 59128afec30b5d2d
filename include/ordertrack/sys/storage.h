/**
 * @file sys/storage.h
 * @brief The storage port: what a backend (memory, SQLite, MongoDB...) implements.
 *
 * The tracker keeps no state between calls: every write loads a record, builds its new
 * events, and commits them with a compare-and-set on the record's version. See
 * docs/storage-port.md for the contract in full and tests/conformance/ for the suite every
 * adapter must pass.
 *
 * What a backend persists: the record's canonical JSON (ot_order_to_json), which it hands
 * back on load through ot_order_from_json(); the new history entries of each write (a JSON
 * array, for adapters that keep an event table); and the indexed columns, copied out of the
 * record in ot_storage_record so that no adapter needs to parse JSON to index it. A
 * backend of storage version 5 that declares OT_STORAGE_F_HISTORY_APART keeps the record as
 * the projection with its chain head only (status_history cut to its last entry) and the
 * history in the entries it is handed write by write (ot_storage_entry): a write costs the
 * same at the 1,000th entry as at the first, and `load` puts the record back together
 * (ot_order_from_stored()). A backend
 * that stores native documents (BSON) may convert the JSON, or read the record through the
 * accessors of order.h. A backend that builds what it stores from the record itself (the
 * memory store) declares OT_STORAGE_F_NO_JSON and is handed no JSON at all.
 *
 * Return codes: 0, OT_ENOTFOUND, OT_EEXISTS, OT_ECONFLICT as each member says, OT_ENOMEM, or
 * OT_ESTORAGE (the backend failed; nothing was written). Every member receives the vtable's
 * `userdata` first and an `ot_error *` (may be NULL) last. A vtable shared by threads (an
 * ot_tracker shared by threads) must be thread-safe.
 */
#ifndef ORDERTRACK_SYS_STORAGE_H
#define ORDERTRACK_SYS_STORAGE_H

#include <stddef.h>
#include <stdint.h>

#include "../export.h"
#include "../error.h"
#include "../order.h"
#include "../outbox.h"

/** Newest version of `ot_storage_record` this header describes (its `version` member). */
#define OT_STORAGE_RECORD_VERSION 3

/**
 * One history entry a write adds (storage version 5): its canonical JSON, as the record's
 * encoder wrote it, and its place in the history. Borrowed for the duration of the call.
 */
typedef struct ot_storage_entry {
    const char *json;   /**< the entry (an object of status_history), not NUL-terminated */
    size_t json_len;    /**< length of `json` in bytes */
    int64_t seq;        /**< its index in the history (0: the creation entry) */
} ot_storage_entry;

/**
 * A record to create or commit, filled by the core (or by ot_storage_record_init()).
 * Borrowed for the duration of the call. Version 1: every member up to `updated_at_ms`;
 * version 2 adds `events` and `event_count` (read them only when `version` >= 2); version 3
 * adds `entries` and `entry_count` (read them only when `version` >= 3; the tracker hands
 * version 3 records to storages of version 5 only).
 */
typedef struct ot_storage_record {
    unsigned version;               /**< OT_STORAGE_RECORD_VERSION */
    const ot_order *order;          /**< the complete new record */
    const char *json;               /**< ot_order_to_json() of it, NUL-terminated; NULL
                                         when the storage declared OT_STORAGE_F_NO_JSON */
    size_t json_len;                /**< length of `json` without the NUL */
    const char *events_json;        /**< JSON array of the history entries this write adds;
                                         NULL with OT_STORAGE_F_NO_JSON */
    size_t events_json_len;         /**< length of `events_json` without the NUL */
    size_t first_event;             /**< index in status_history of the first of them */
    int64_t record_version;         /**< `version` of the new record (expected + 1) */
    /* indexed columns (copies of the record's fields; NULL / 0 when null) */
    const char *order_id;           /**< indexed column: the external order id */
    const char *store_id;           /**< indexed column: the store id */
    const char *customer_id;        /**< indexed column: the customer id */
    int current_status;             /**< ot_status */
    int shipment_status;            /**< ot_shipment_status, 0 for hyperlocal orders */
    int delivery_provider;          /**< ot_provider */
    const char *delivery_tracking_id; /**< indexed column: the courier's tracking id, or NULL */
    int64_t updated_at_ms;            /**< indexed column: updated_at, ms since the epoch */
    /* since 2: the transactional outbox */
    const ot_event *events;         /**< the outbound events of this write (outbox.h), to
                                         store in the same transaction as the record, each
                                         pending for every sink; NULL when none. Only given
                                         to a storage with the outbox members (version 3) */
    size_t event_count;             /**< number of `events` */
    /* since 3: the history entries as an array */
    const ot_storage_entry *entries; /**< the history entries this write adds, in order
                                         (entries[i].seq == first_event + i), each encoded
                                         alone: what `events_json` holds, without a scan.
                                         Given with or without OT_STORAGE_F_NO_JSON; NULL
                                         when the write adds none */
    size_t entry_count;             /**< number of `entries` */
} ot_storage_record;

/** Newest version of `ot_idempotency_record` this header describes (its `version` member). */
#define OT_IDEMPOTENCY_RECORD_VERSION 1

/**
 * A stored idempotency key: the first result of a write, replayed for a repeated request.
 * Version 1: all members. Strings are borrowed for the duration of the call.
 */
typedef struct ot_idempotency_record {
    unsigned version;               /**< OT_IDEMPOTENCY_RECORD_VERSION */
    const char *key;                /**< 1..255 printable ASCII */
    const char *request_hash;       /**< hex SHA-256 of the operation and its request */
    const char *response;           /**< the first result (JSON), opaque to the backend */
    size_t response_len;            /**< length of `response` in bytes */
    int64_t created_at_ms;          /**< when the first result was stored, ms since the epoch */
    int64_t expires_at_ms;          /**< after this time the key is forgotten */
} ot_idempotency_record;

/** Initialiser of `ot_idempotency_record`
 *  with its defaults at OT_IDEMPOTENCY_RECORD_VERSION. */
#define OT_IDEMPOTENCY_RECORD_INIT { OT_IDEMPOTENCY_RECORD_VERSION, NULL, NULL, NULL, 0, 0, 0 }

/** Newest version of `ot_storage_query` this header describes (its `version` member). */
#define OT_STORAGE_QUERY_VERSION 1

/** A query: every set filter must match (AND). Version 1: all members. */
typedef struct ot_storage_query {
    unsigned version;               /**< OT_STORAGE_QUERY_VERSION */
    const char *store_id;           /**< NULL: any */
    const char *customer_id;        /**< NULL: any */
    int current_status;             /**< ot_status, 0: any */
    int shipment_status;            /**< ot_shipment_status, 0: any */
    int shipment_active;            /**< 1: only records whose shipment status is set and not
                                         terminal (what a courier poller polls) */
    int delivery_provider;          /**< ot_provider, 0: any */
    const char *delivery_tracking_id; /**< NULL: any (AWB lookup) */
    int64_t updated_before_ms;      /**< 0: any; else updated_at < this */
    size_t limit;                   /**< 1..OT_STORAGE_QUERY_MAX */
    const char *cursor;             /**< NULL or "" for the first page, else a next_cursor */
} ot_storage_query;

/** Initialiser of `ot_storage_query` with its defaults at OT_STORAGE_QUERY_VERSION. */
#define OT_STORAGE_QUERY_INIT { OT_STORAGE_QUERY_VERSION, NULL, NULL, 0, 0, 0, 0, NULL, 0, 50, NULL }
/** Largest page a query returns. */
#define OT_STORAGE_QUERY_MAX 1000
/** Size of the buffer a query writes its resume cursor to, NUL included. */
#define OT_STORAGE_CURSOR_SIZE 256

/** Query result sink: takes ownership of `order`; a non-zero return stops the query with it. */
typedef int (*ot_storage_emit)(void *ctx, ot_order *order, ot_error *err);
/** Idempotency lookup sink: copies what it needs; a non-zero return is passed through. */
typedef int (*ot_idempotency_found)(void *ctx, const ot_idempotency_record *record,
                                    ot_error *err);

/** Newest version of `ot_outbox_mark` this header describes (its `version` member). */
#define OT_OUTBOX_MARK_VERSION 1

/**
 * A change of one event's delivery state for one sink (the relay's and ot_outbox_replay's).
 * Strings are borrowed for the call. Version 1: all members.
 */
typedef struct ot_outbox_mark {
    unsigned version;           /**< OT_OUTBOX_MARK_VERSION */
    const char *sink;           /**< the sink's name */
    int64_t position;           /**< the event's outbox position */
    int state;                  /**< ot_outbox_state: PENDING (a failure to retry, or a
                                     replay), DELIVERED or DEAD */
    unsigned attempts;          /**< failed deliveries so far (0 for a replay) */
    int64_t next_attempt_ms;    /**< PENDING: not before this time (0: at once) */
    const char *last_error;     /**< the last failure's message, or NULL */
    int require_state;          /**< ot_outbox_state the event must be in for `sink` for the
                                     mark to apply (0: any): a replay requires DEAD */
} ot_outbox_mark;

/** Initialiser of `ot_outbox_mark` with its defaults at OT_OUTBOX_MARK_VERSION. */
#define OT_OUTBOX_MARK_INIT { OT_OUTBOX_MARK_VERSION, NULL, 0, 0, 0, 0, NULL, 0 }

/** Newest version of `ot_storage` this header describes (its `version` member). */
/* Version 3 adds the outbox (outbox_query, outbox_mark, outbox_prune); version 4 archival;
 * version 5 the history out of the record (load_head, ot_storage_record version 3). */
#define OT_STORAGE_VERSION 5

/** Longest `archived_to` of a tombstone (archive_remove), in bytes, NUL excluded. */
#define OT_STORAGE_TOMBSTONE_MAX 1023

/**
 * Storage flag: the adapter builds what it stores from the record itself. Its create and
 * commit read ot_storage_record.order (borrowed: it copies or encodes what it keeps) and the
 * columns, and the tracker leaves `json` and `events_json` NULL instead of encoding them for
 * nothing on every write (an adapter may still call ot_order_to_json). A wrapper that copies
 * such a vtable and reads `json` must clear the flag.
 */
#define OT_STORAGE_F_NO_JSON 0x1u

/**
 * Storage flag (since storage version 5): the adapter keeps the history apart from the
 * record (an event table, a list per order). The tracker then hands its create and commit
 * the record with its chain head only (ot_storage_record.json, and .order with
 * OT_STORAGE_F_NO_JSON: status_history holding the last entry) and the new entries in
 * `entries`, and its writes use `load_head`. Without it a storage is handed whole records.
 * A wrapper that forwards to an adapter copies this flag only when it forwards `load_head`
 * and `load` to that adapter.
 */
#define OT_STORAGE_F_HISTORY_APART 0x2u

/**
 * The storage vtable. Members in this order, "since N" giving the version that added each;
 * all required unless marked optional. A version 1 caller's struct ends after `close`.
 */
typedef struct ot_storage {
    unsigned version;   /**< OT_STORAGE_VERSION the adapter was written for */
    void *userdata;     /**< the adapter's state, passed to every member */

    /** (since 1) Store a new record (version 1) and, when `idem` is not NULL, the key, both
     * or neither. OT_EEXISTS if the order id exists; OT_ECONFLICT if a live key exists. */
    int (*create)(void *userdata, const ot_storage_record *record,
                  const ot_idempotency_record *idem, ot_error *err);

    /** (since 1) Load a record into `*out` (decode with ot_order_from_json); OT_ENOTFOUND. */
    int (*load)(void *userdata, const char *order_id, ot_order **out, ot_error *err);

    /** (since 1) Atomically, only if the stored version equals `expected_version`: replace the
     * record, append the new events, store `idem` when not NULL. Else change nothing and
     * answer OT_ECONFLICT (also when `idem`'s key exists and is live), or OT_ENOTFOUND. */
    int (*commit)(void *userdata, int64_t expected_version, const ot_storage_record *record,
                  const ot_idempotency_record *idem, ot_error *err);

    /** (since 1) Emit up to `q->limit` matching records ordered by order_id, starting after
     * `q->cursor`; write the cursor of the next page (or "" when there is none) into
     * `next_cursor` (`cursor_size` >= OT_STORAGE_CURSOR_SIZE bytes). */
    int (*query)(void *userdata, const ot_storage_query *q, ot_storage_emit emit, void *ctx,
                 char *next_cursor, size_t cursor_size, ot_error *err);

    /** (since 1, optional: NULL refuses idempotency keys) Find a live key (expires_at_ms >
     * `now_ms`) and pass it to `found`; OT_ENOTFOUND when absent or expired. */
    int (*idem_get)(void *userdata, const char *key, int64_t now_ms,
                    ot_idempotency_found found, void *ctx, ot_error *err);

    /** (since 1, optional with idem_get) Store a key for a result that committed nothing;
     * OT_EEXISTS when a live one exists (the first writer wins). */
    int (*idem_put)(void *userdata, const ot_idempotency_record *record, ot_error *err);

    /** (since 1, optional) Release the adapter; called by ot_storage_close(). */
    void (*close)(void *userdata);

    /** (since 2) OT_STORAGE_F_* flags, 0 for none. */
    unsigned flags;

    /** (since 2, optional) After a successful create or commit, the tracker hands over the
     * record it stored (what ot_storage_record.order was: what a load would now return)
     * when it no longer needs it, or a copy. The adapter owns it from then on: it may keep
     * it (a cache of decoded records saves a decode and a copy on the next load) or free it
     * with ot_order_free(). Never called for a failed write; may be called after another
     * writer has already moved the row on, so a cached record still needs checking against
     * the row. Returns nothing: keeping is best effort. */
    void (*adopt)(void *userdata, ot_order *order);

    /** (since 3, optional with the two below: all NULL means no outbox, and a tracker with
     * ot_tracker_options.outbox or a relay refuses this storage with OT_EUNSUPPORTED naming
     * `outbox`) Emit up to `q->limit` events with position > `q->after` matching its
     * filters, by position; with `q->sink`, each with its delivery state for that sink (an
     * event with no state yet is PENDING, attempts 0); write the last emitted position to
     * `*next_after` (`q->after` when none). Positions only grow: an event becomes visible
     * with a position above every position visible before it (so a tail resuming after a
     * position misses nothing), and an order's events are numbered in their commit order
     * (events of different orders may be numbered in another order than they committed:
     * docs/storage-port.md). Called with a checked query. */
    int (*outbox_query)(void *userdata, const ot_outbox_query *q, ot_event_emit emit,
                        void *ctx, int64_t *next_after, ot_error *err);

    /** (since 3) Set the delivery state of one event for one sink, atomically, only when
     * `m->require_state` is 0 or the event's current state for that sink; OT_ENOTFOUND when
     * the event does not exist or is not in `require_state`. */
    int (*outbox_mark)(void *userdata, const ot_outbox_mark *m, ot_error *err);

    /** (since 3, optional) Remove the events older than `before_ms` that are DELIVERED for
     * every one of `sinks[0..n-1]` (n >= 1), with their states; count them in `*removed`. */
    int (*outbox_prune)(void *userdata, const char *const *sinks, size_t n, int64_t before_ms,
                        size_t *removed, ot_error *err);

    /* Archival (since 4). Listing what to archive is `query` with `updated_before_ms` (by
     * age; `current_status` for one status). The three members are optional together: all
     * NULL means the storage cannot archive (ordertrack archive refuses it naming
     * `archive_remove`). */

    /** (since 4, optional) For each of the `n` orders (1..OT_STORAGE_QUERY_MAX), only if
     * its stored version equals `expected_versions[i]`: delete the record and its events and
     * leave a tombstone for it saying where it went (`archived_to`, at most
     * OT_STORAGE_TOMBSTONE_MAX bytes, not empty; it replaces an older tombstone), atomically
     * per order;
     * `results[i]` receives 0, OT_ENOTFOUND (no record) or OT_ECONFLICT (another version).
     * A backend that can (SQLite) does the whole batch in one transaction. Returns 0 when
     * every order has its result, OT_EINVAL naming the argument, or OT_ESTORAGE (the results
     * of a failed call are not meaningful: orders may or may not have been removed, and a
     * caller retries with the same versions). */
    int (*archive_remove)(void *userdata, const char *const *order_ids,
                          const int64_t *expected_versions, size_t n, const char *archived_to,
                          int *results, ot_error *err);

    /** (since 4, optional with archive_remove) Copy the tombstone of `order_id` (its
     * `archived_to`, NUL-terminated, truncated to `out_size` - 1 bytes) into `out`.
     * OT_ENOTFOUND when the order has no tombstone. */
    int (*tombstone_get)(void *userdata, const char *order_id, char *out, size_t out_size,
                         ot_error *err);

    /** (since 4, optional with archive_remove) Put an archived record back as it was: its
     * own version (`record->record_version` is the record's version, not 1) and its whole
     * history (`first_event` 0), and drop its tombstone, atomically. OT_EEXISTS when the
     * order id exists (nothing changes). */
    int (*restore)(void *userdata, const ot_storage_record *record, ot_error *err);

    /* The history out of the record (since 5). A storage of version 5 with
     * OT_STORAGE_F_HISTORY_APART is handed, by the tracker, records whose `json` (and
     * `order`, with OT_STORAGE_F_NO_JSON) is the projection with its chain head:
     * status_history holding only the last entry (a record from ot_storage_record_init()
     * still holds the whole history: keep either). The history is the `entries` of the
     * writes, kept apart (an event table, a list); a commit appends them and rewrites
     * nothing else of the history. `load` and `query` still hand back whole records: the
     * stored one with its history read back (ot_order_from_stored()). */

    /** (since 5, optional) Load the record as stored, without reading its history: decoded
     * with ot_order_from_json(), status_history holding its last entries (at least the chain
     * head). With OT_STORAGE_F_HISTORY_APART, the tracker's writes that need no more than
     * the head use it, so that their cost does not grow with the history; NULL: every write
     * loads the whole record. OT_ENOTFOUND as `load`. */
    int (*load_head)(void *userdata, const char *order_id, ot_order **out, ot_error *err);
} ot_storage;

/** Initialiser of `ot_storage` with its defaults at OT_STORAGE_VERSION. */
#define OT_STORAGE_INIT \
    { OT_STORAGE_VERSION, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, \
      NULL, NULL, NULL, NULL, NULL }

OT_BEGIN_DECLS

/**
 * Fill `storage` with the defaults of `version` (all members NULL, no flags), for bindings;
 * a version 1 struct is written only up to `close`, a version 2 one up to `adopt`, a version
 * 3 one up to `outbox_prune`, a version 4 one up to `restore`.
 * @param storage the struct to fill (caller-owned)
 * @param version the struct version to fill, 1 to OT_STORAGE_VERSION
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL for a NULL struct, or OT_EVERSION for a version this library does not
 *         know
 */
OT_EXTERN int ot_storage_init(ot_storage *storage, unsigned version, ot_error *err);

/**
 * Fill `query` with the defaults of `version` (no filter, limit 50), for bindings.
 * @param query the struct to fill (caller-owned)
 * @param version the struct version to fill, 1 to OT_STORAGE_QUERY_VERSION
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL for a NULL struct, or OT_EVERSION for a version this library does not
 *         know
 */
OT_EXTERN int ot_storage_query_init(ot_storage_query *query, unsigned version, ot_error *err);

/**
 * Fill `record` for `order` (its columns, its JSON, and the entries from `first_event` on),
 * for adapters and tests that write records themselves. Release with
 * ot_storage_record_release(); `order` must outlive the record.
 * @param record the record to fill (caller-owned)
 * @param order the order it describes; must outlive the record
 * @param first_event index of the first history entry to include
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_storage_record_init(ot_storage_record *record, const ot_order *order,
                                     size_t first_event, ot_error *err);

/**
 * Put a record kept by a storage of version 5 back together (since 1.13): `json` is the
 * record as stored (its status_history ends in the chain head: the last entry, or the whole
 * history), `history` the JSON array of every history entry in order, as the writes handed
 * them over (ot_storage_record.entries). The head stays the record's own copy; a history
 * that does not end in it (rows lost) is read with the head after it, so that
 * ot_order_verify_history() and the head check of every load name the gap. Checked like
 * ot_order_from_json(). Thread-safe.
 * @param out receives the whole record (NULL on failure); free with ot_order_free()
 * @param json the stored record's JSON
 * @param len its length in bytes
 * @param history the JSON array of the history entries
 * @param history_len its length in bytes
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL (a NULL argument, a record or history that does not decode) or
 *         OT_ENOMEM
 */
OT_EXTERN int ot_order_from_stored(ot_order **out, const char *json, size_t len,
                                   const char *history, size_t history_len, ot_error *err);

/**
 * Free what ot_storage_record_init() allocated. Accepts NULL.
 * @param record the record, or NULL
 */
OT_EXTERN void ot_storage_record_release(ot_storage_record *record);

/**
 * Argument checks every adapter's members start with, so all adapters refuse bad input the
 * same way (OT_EINVAL naming the field, OT_EVERSION for an unknown struct version):
 * a record to create or commit (all columns set); an idempotency record, or NULL (accepted);
 * a query with its sink and cursor buffer (limit 1..OT_STORAGE_QUERY_MAX, cursor buffer at
 * least OT_STORAGE_CURSOR_SIZE). Pure; thread-safe.
 * @param record the record to check
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_storage_record_check(const ot_storage_record *record, ot_error *err);
/**
 * See ot_storage_record_check().
 * @param record the idempotency record to check, or NULL
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_idempotency_record_check(const ot_idempotency_record *record, ot_error *err);
/**
 * See ot_storage_record_check().
 * @param query the query to check
 * @param emit the sink each record goes to
 * @param next_cursor the caller's cursor buffer
 * @param cursor_size its size in bytes, at least OT_STORAGE_CURSOR_SIZE
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_storage_query_check(const ot_storage_query *query, ot_storage_emit emit,
                                     const char *next_cursor, size_t cursor_size,
                                     ot_error *err);
/**
 * See ot_storage_record_check(): the arguments of archive_remove (since 1.8): the arrays
 * not NULL, `n` 1..OT_STORAGE_QUERY_MAX, every order id non-empty, `archived_to`
 * 1..OT_STORAGE_TOMBSTONE_MAX bytes.
 * @param order_ids the order ids
 * @param expected_versions their versions
 * @param n how many
 * @param archived_to where they went
 * @param results the caller's result array
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 or OT_EINVAL naming the argument
 */
OT_EXTERN int ot_storage_archive_check(const char *const *order_ids,
                                       const int64_t *expected_versions, size_t n,
                                       const char *archived_to, const int *results,
                                       ot_error *err);

/**
 * Close a storage: calls its `close` member (if any); the vtable is unusable afterwards.
 * Accepts NULL.
 * @param storage the storage, or NULL
 */
OT_EXTERN void ot_storage_close(ot_storage *storage);

OT_END_DECLS

/* ---- Storage URIs: a registry of schemes (version node OT_1.5) --------------------------- */

/**
 * A storage registry: the URI schemes a host can open (`memory:` built in; each adapter
 * library adds its own, e.g. ot_storage_sqlite_register()). Opaque; owned by the caller, who
 * makes one with ot_storage_registry_new() and frees it with ot_storage_registry_free().
 * Thread-safe: registering and opening may run concurrently from any threads (freeing only
 * once no call is in flight).
 */
typedef struct ot_storage_registry ot_storage_registry;

/** Newest version of ot_storage_scheme this header describes. */
#define OT_STORAGE_SCHEME_VERSION 1
/** Longest scheme name accepted, in bytes. */
#define OT_STORAGE_SCHEME_MAX 32

/**
 * One URI scheme and the function that opens it, filled by an adapter (start from
 * OT_STORAGE_SCHEME_INIT). Version 1: all members. ot_storage_scheme_register() copies it.
 */
typedef struct ot_storage_scheme {
    unsigned version;   /**< OT_STORAGE_SCHEME_VERSION */
    /** The scheme without its ':' ("sqlite", "mongodb+srv"): a letter, then letters, digits,
     * '+', '-' or '.', at most OT_STORAGE_SCHEME_MAX bytes; matched case-insensitively. */
    const char *name;
    /** Open the storage the whole `uri` (scheme included) names into `*out`, released with
     * ot_storage_close(); 0 or a negative OT_E... code with `err` filled. Called without any
     * lock held, possibly from several threads at once. */
    int (*open)(ot_storage **out, const char *uri, ot_error *err);
} ot_storage_scheme;

/** An ot_storage_scheme of the newest version with no name and no open function. */
#define OT_STORAGE_SCHEME_INIT { OT_STORAGE_SCHEME_VERSION, NULL, NULL }

OT_BEGIN_DECLS

/**
 * Make a registry holding the built-in scheme `memory:` (ot_storage_memory_new()).
 * @param out  receives the registry (NULL on failure); free it with ot_storage_registry_free()
 * @param err  may be NULL
 * @return 0, OT_EINVAL (`out` NULL) or OT_ENOMEM
 */
OT_EXTERN int ot_storage_registry_new(ot_storage_registry **out, ot_error *err);

/**
 * Free a registry. Storages opened through it stay valid.
 * @param registry  the registry, or NULL (nothing happens)
 */
OT_EXTERN void ot_storage_registry_free(ot_storage_registry *registry);

/**
 * Add a scheme to a registry (as sqlite3_vfs_register): `scheme` and its name are copied.
 * @param registry  the registry
 * @param scheme    the scheme (borrowed for the call)
 * @param err       may be NULL
 * @return 0; OT_EINVAL naming the field (a NULL argument, a bad name, no `open`); OT_EVERSION
 *         for a version this library does not know; OT_EEXISTS when the registry already has
 *         a scheme of that name; OT_ENOMEM
 */
OT_EXTERN int ot_storage_scheme_register(ot_storage_registry *registry,
                                         const ot_storage_scheme *scheme, ot_error *err);

/**
 * Open the storage a URI names (`memory:`, `sqlite:PATH`, `mongodb://...`) with the open
 * function its scheme registered. Messages never hold the URI itself (it may carry a
 * password), only its scheme and what the adapter says.
 * @param out       receives the storage (NULL on failure); release with ot_storage_close()
 * @param registry  the schemes to choose from; NULL: the built-in ones only (`memory:`)
 * @param uri       "scheme:rest"; borrowed for the call
 * @param err       may be NULL
 * @return 0; OT_EINVAL (field "uri") when `uri` has no scheme; OT_EUNSUPPORTED (field
 *         "scheme") when no registered scheme matches, the message naming the scheme and
 *         listing the registered ones; else what the scheme's open function returned
 */
OT_EXTERN int ot_storage_open_uri(ot_storage **out, ot_storage_registry *registry,
                                  const char *uri, ot_error *err);

OT_END_DECLS

#endif /* ORDERTRACK_SYS_STORAGE_H */
