/**
 * @file transition.h
 * @brief The transition validator for both status graphs.
 *
 * Three answers, as return codes:
 *   - 0: a legal step; apply it.
 *   - OT_ESTALE: a stale or duplicate update (same status again, or a courier report of a
 *     state the order has already passed); ignore it and change nothing.
 *   - OT_ETRANSITION: an illegal step; refuse it. `err->from` and `err->to` name both states.
 * OT_EINVAL reports an invalid argument (unknown or out-of-range status, unknown source).
 *
 * API-sourced updates must follow an edge of the graph. Courier-sourced updates may skip
 * forward along the graph (a poll every 8 minutes misses states) but never go back: a state
 * the order has already passed is stale. Terminal states are final.
 *
 * The graphs are static data; every function here is pure, allocation-free and thread-safe.
 */
#ifndef ORDERTRACK_TRANSITION_H
#define ORDERTRACK_TRANSITION_H

#include "export.h"
#include "error.h"
#include "status.h"

/** Who reports an update. */
typedef enum ot_source {
    OT_SOURCE_UNKNOWN = 0,
    OT_SOURCE_API = 1,      /**< an operator or service call: step by step */
    OT_SOURCE_COURIER = 2   /**< a courier poll or partner webhook: may skip forward */
} ot_source;
/** Number of ot_source values, OT_SOURCE_UNKNOWN included. */
#define OT_SOURCE_COUNT 3

OT_BEGIN_DECLS

/**
 * Check a lifecycle step `from` → `to` reported by `source`. See the file comment.
 * @param from the current lifecycle status (ot_status)
 * @param to the reported status (ot_status)
 * @param source who reports it (ot_source)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 when the step is allowed, OT_ETRANSITION (naming both states) or OT_EINVAL
 */
OT_EXTERN int ot_status_transition_check(int from, int to, int source, ot_error *err);

/**
 * Check a shipment step `from` → `to` reported by `source`. See the file comment.
 * @param from the current shipment status (ot_shipment_status)
 * @param to the reported shipment status
 * @param source who reports it (ot_source)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 when the step is allowed, OT_ETRANSITION (naming both states) or OT_EINVAL
 */
OT_EXTERN int ot_shipment_transition_check(int from, int to, int source, ot_error *err);

/**
 * 1 if the lifecycle graph has the edge `from` → `to`, 0 if not, OT_EINVAL if invalid.
 * @param from a lifecycle status (ot_status)
 * @param to a lifecycle status (ot_status)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 1 if the edge exists, 0 if not, or OT_EINVAL
 */
OT_EXTERN int ot_status_has_edge(int from, int to, ot_error *err);

/**
 * 1 if the shipment graph has the edge `from` → `to`, 0 if not, OT_EINVAL if invalid.
 * @param from a shipment status (ot_shipment_status)
 * @param to a shipment status (ot_shipment_status)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 1 if the edge exists, 0 if not, or OT_EINVAL
 */
OT_EXTERN int ot_shipment_has_edge(int from, int to, ot_error *err);

/**
 * Wire name of a source ("api", "courier"); OT_EINVAL if invalid.
 * @param name receives the static wire name
 * @param source the source (ot_source)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_source_to_string(const char **name, int source, ot_error *err);
/**
 * Source from its wire name; OT_EINVAL if unknown.
 * @param source receives the source
 * @param name the exact wire name
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_source_from_string(ot_source *source, const char *name, ot_error *err);

OT_END_DECLS

#endif /* ORDERTRACK_TRANSITION_H */
