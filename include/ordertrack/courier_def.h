/**
 * @file courier_def.h
 * @brief Couriers as data: courier definitions loaded from JSON at run time, a registry
 *        giving each courier its identity, and courier detection from a tracking number.
 *
 * A courier definition (format in docs/couriers-as-data.md) names a courier, gives it a
 * provider id, its status table (words and ids to the canonical shipment status), its
 * tracking-number patterns (POSIX extended regular expressions, optionally with a check
 * digit), where its payloads keep the AWB, status, time and location (JSON pointers), and
 * the shape of its tracking API (URL template with {awbs}, auth header, batch size).
 *
 * Identity: the built-in couriers keep their ot_provider values and names. A run-time
 * courier declares its own id, OT_COURIER_ID_MIN..OT_COURIER_ID_MAX, stable because every
 * program loads the same file; orders store it (storage.h `delivery_provider`) with the
 * courier's name. A registry (ot_courier_registry) holds the definitions of one program:
 * lookups by name and by id, mapping, parsing and detection. The tracker is given one with
 * ot_tracker_set_couriers() to accept orders and updates of run-time couriers.
 *
 * Thread safety: a registry may be read by any number of threads once loaded; loading into
 * it while another thread reads it is not safe.
 */
#ifndef ORDERTRACK_COURIER_DEF_H
#define ORDERTRACK_COURIER_DEF_H

#include <stddef.h>

#include "export.h"
#include "error.h"
#include "courier.h"

/** Smallest provider id of a run-time courier (the built-in ot_provider values are below). */
#define OT_COURIER_ID_MIN 64
/** Largest provider id of a run-time courier. */
#define OT_COURIER_ID_MAX 32767
/** Largest courier definition file accepted, in bytes (OT_ELIMIT beyond). */
#define OT_COURIER_DEF_MAX (1024u * 1024u)

struct ot_tracker;

/** The courier definitions of one program. Opaque. */
typedef struct ot_courier_registry ot_courier_registry;

/** Newest version of `ot_courier_candidate` this header describes (its `version` member). */
#define OT_COURIER_CANDIDATE_VERSION 1

/**
 * One courier a tracking number may belong to, filled by ot_courier_detect(); the caller
 * sets `version` (OT_COURIER_CANDIDATE_INIT). Version 1: all members.
 */
typedef struct ot_courier_candidate {
    unsigned version;   /**< set by the caller: OT_COURIER_CANDIDATE_VERSION */
    int provider;       /**< the courier's provider id (ot_provider or a run-time id) */
    const char *name;   /**< its wire name, borrowed from the registry */
    int confidence;     /**< 1..100: the matching pattern's confidence (a check digit that
                             holds keeps it; a pattern without one is as the file says) */
} ot_courier_candidate;

/** Initialiser of `ot_courier_candidate` at OT_COURIER_CANDIDATE_VERSION. */
#define OT_COURIER_CANDIDATE_INIT { OT_COURIER_CANDIDATE_VERSION, 0, NULL, 0 }

/** Payload kinds of a defined courier for ot_courier_registry_parse(). */
typedef enum ot_courier_def_payload {
    OT_COURIER_DEF_TRACKING = 1, /**< an answer of the courier's tracking API */
    OT_COURIER_DEF_WEBHOOK = 2   /**< a body the courier pushed to the webhook route */
} ot_courier_def_payload;

OT_BEGIN_DECLS

/**
 * A new registry in `*out` holding the built-in couriers (their names, ids and
 * tracking-number patterns; their status tables and parsers stay in C). Free with
 * ot_courier_registry_free().
 * @param out receives the registry
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL or OT_ENOMEM
 */
OT_EXTERN int ot_courier_registry_new(ot_courier_registry **out, ot_error *err);

/**
 * Free a registry and its definitions. Accepts NULL. Nobody may still use its names.
 * @param registry the registry, or NULL
 */
OT_EXTERN void ot_courier_registry_free(ot_courier_registry *registry);

/**
 * Load one courier definition file. A new name adds a run-time courier (its `id` must be
 * free and within OT_COURIER_ID_MIN..OT_COURIER_ID_MAX); a built-in name replaces that
 * courier's patterns and gives it a status table used by ot_courier_registry_map(). All or
 * nothing: a bad file changes nothing and fails with OT_EPARSE (OT_ELIMIT, OT_EIO, OT_EEXISTS
 * for a name or id already taken) with the message "PATH: FIELD: problem" and `err->field`
 * naming the member ("statuses[3].status").
 * @param registry the registry
 * @param path the definition file
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return the provider id of the courier (> 0), or a negative OT_E... code
 */
OT_EXTERN int ot_courier_registry_load(ot_courier_registry *registry, const char *path,
                                       ot_error *err);

/**
 * Same as ot_courier_registry_load() from `len` bytes in memory; `what` names the source in
 * messages (NULL: "definition").
 * @param registry the registry
 * @param json the definition; need not be NUL-terminated
 * @param len length of `json` in bytes
 * @param what the name used in messages, or NULL
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return the provider id of the courier (> 0), or a negative OT_E... code
 */
OT_EXTERN int ot_courier_registry_load_json(ot_courier_registry *registry, const char *json,
                                            size_t len, const char *what, ot_error *err);

/**
 * Provider id of the courier called `name` (built-in or loaded), or OT_ENOTFOUND.
 * @param registry the registry
 * @param name a courier's wire name ("delhivery", "acme_express")
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return the provider id (> 0), OT_ENOTFOUND or OT_EINVAL
 */
OT_EXTERN int ot_courier_registry_lookup(const ot_courier_registry *registry, const char *name,
                                         ot_error *err);

/**
 * Wire name of courier `provider` in `*name` (borrowed from the registry).
 * @param name receives the name
 * @param registry the registry
 * @param provider a provider id
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_ENOTFOUND or OT_EINVAL
 */
OT_EXTERN int ot_courier_registry_name(const char **name, const ot_courier_registry *registry,
                                       int provider, ot_error *err);

/**
 * 1 if courier `provider` is a run-time courier with a tracking API (the poller's generic
 * client can poll it), 0 if not, OT_ENOTFOUND or OT_EINVAL.
 * @param registry the registry
 * @param provider a provider id
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 1, 0 or a negative OT_E... code
 */
OT_EXTERN int ot_courier_registry_is_generic(const ot_courier_registry *registry, int provider,
                                             ot_error *err);

/**
 * Map a raw status of courier `provider`: through its definition's status table when one was
 * loaded, else through `tables` (NULL: the built-in tables) as ot_courier_map() does. A status
 * no table knows is OT_EUNKNOWN_STATUS with `*out` {0, 0, OT_UPDATE_UNMAPPED}.
 * @param out receives the mapping
 * @param registry the registry
 * @param tables the built-in tables with overrides, or NULL
 * @param provider a provider id
 * @param raw_status the status (word or id) as the courier sent it
 * @param raw_type the courier's status qualifier, or NULL
 * @param raw_code the courier's NDR code, or NULL
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 or a negative OT_E... code
 */
OT_EXTERN int ot_courier_registry_map(ot_courier_mapping *out,
                                      const ot_courier_registry *registry,
                                      const ot_courier_tables *tables, int provider,
                                      const char *raw_status, const char *raw_type,
                                      const char *raw_code, ot_error *err);

/**
 * Parse a payload of run-time courier `provider` with its definition's JSON pointers into a
 * new list (free with ot_update_list_free()). Every update has the provider, AWB, raw status
 * and mapping; OT_EPARSE names the member that is missing or of the wrong type; OT_EINVAL for
 * a courier without a payload description.
 * @param list receives the new list; NULL on failure
 * @param registry the registry
 * @param provider a run-time courier's provider id
 * @param kind OT_COURIER_DEF_TRACKING or OT_COURIER_DEF_WEBHOOK
 * @param bytes the payload as received
 * @param len length of `bytes`
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 or a negative OT_E... code
 */
OT_EXTERN int ot_courier_registry_parse(ot_update_list **list,
                                        const ot_courier_registry *registry, int provider,
                                        int kind, const void *bytes, size_t len,
                                        ot_error *err);

/**
 * The couriers whose patterns match `tracking_number` (surrounding white space ignored), best
 * first (confidence, then provider id), at most `cap` of them in `out` (each with its
 * `version` set by the caller) and how many matched in `*count` (may exceed `cap`). A pattern
 * whose check digit fails does not match. None matching is 0 with `*count` 0.
 * @param registry the registry (NULL: the built-in couriers only)
 * @param tracking_number the tracking number
 * @param out receives the candidates; may be NULL when `cap` is 0
 * @param cap capacity of `out`
 * @param count receives the number of candidates
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL, OT_EVERSION or OT_ENOMEM
 */
OT_EXTERN int ot_courier_detect(const ot_courier_registry *registry,
                                const char *tracking_number, ot_courier_candidate *out,
                                size_t cap, size_t *count, ot_error *err);

/**
 * Fill `candidate` with the defaults of `version` (for bindings that cannot use the macro).
 * @param candidate the struct to fill (caller-owned)
 * @param version 1 to OT_COURIER_CANDIDATE_VERSION
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL or OT_EVERSION
 */
OT_EXTERN int ot_courier_candidate_init(ot_courier_candidate *candidate, unsigned version,
                                        ot_error *err);

/**
 * Give `tracker` the couriers of `couriers` (borrowed: it must outlive the tracker, and stay
 * unchanged while the tracker is used), so that it accepts orders and updates of run-time
 * couriers; NULL: the built-in providers only. Call before the tracker is shared by threads.
 * @param tracker the tracker
 * @param couriers the registry, or NULL
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 or OT_EINVAL
 */
OT_EXTERN int ot_tracker_set_couriers(struct ot_tracker *tracker,
                                      const ot_courier_registry *couriers, ot_error *err);

OT_END_DECLS

#endif /* ORDERTRACK_COURIER_DEF_H */
