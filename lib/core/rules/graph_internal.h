/* Internal: a status graph as adjacency bitmasks, with its reachability closure. */
#ifndef OT_GRAPH_INTERNAL_H
#define OT_GRAPH_INTERNAL_H

#include <stdint.h>

#include "ordertrack/error.h"
#include "rules/vocab_internal.h"

#define OT__BIT(s) ((uint32_t)1u << (s))

struct ot__graph {
    const struct ot__vocab *vocab;   /* names and count (at most 32 states) */
    const uint32_t *edges;           /* edges[from]: bitmask of the states `from` steps to */
    uint32_t terminal;               /* bitmask of terminal states */
};

extern const struct ot__graph ot__status_graph;
extern const struct ot__graph ot__shipment_graph;

/* Bitmask of the states reachable from `from` in one or more steps. */
uint32_t ot__graph_reach(const struct ot__graph *graph, int from);

/* The validator: 0 legal, OT_ESTALE, OT_ETRANSITION or OT_EINVAL (see transition.h). */
int ot__graph_check(const struct ot__graph *graph, int from, int to, int source, ot_error *err);

#endif
