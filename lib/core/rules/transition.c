/* The transition validator over the graph tables. */
#include "ordertrack/transition.h"
#include "common.h"
#include "rules/graph_internal.h"

static const char *const source_names[OT_SOURCE_COUNT] = {
    [OT_SOURCE_API] = "api",
    [OT_SOURCE_COURIER] = "courier",
};

const struct ot__vocab ot__source_vocab = {"source", source_names, OT_SOURCE_COUNT};

uint32_t ot__graph_reach(const struct ot__graph *graph, int from)
{
    /* Fixpoint over bitmasks: at most one round per state, no allocation. */
    uint32_t reach = graph->edges[from], seen = 0;
    while (reach != seen) {
        uint32_t todo = reach & ~seen;
        seen = reach;
        while (todo) {
            int s = __builtin_ctz(todo);
            todo &= todo - 1;
            reach |= graph->edges[s];
        }
    }
    return reach;
}

static int check_state(const struct ot__graph *graph, int value, const char *which,
                       ot_error *err)
{
    if (ot__vocab_valid(graph->vocab, value))
        return 0;
    return ot__error_field(err, OT_EINVAL, which, "%s %d is not a valid %s value", which, value,
                           graph->vocab->kind);
}

static int refuse(const struct ot__graph *graph, int code, int from, int to, ot_error *err,
                  const char *why)
{
    const char *f = graph->vocab->names[from], *t = graph->vocab->names[to];
    if (code == OT_ESTALE)
        ot__error_set(err, code, "stale update ignored: \"%s\" after \"%s\" (%s)", t, f, why);
    else
        ot__error_set(err, code, "illegal %s transition from \"%s\" to \"%s\" (%s)",
                      graph->vocab->kind, f, t, why);
    ot__error_states(err, f, t);
    return code;
}

int ot__graph_check(const struct ot__graph *graph, int from, int to, int source, ot_error *err)
{
    int rc;
    int courier;

    if ((rc = check_state(graph, from, "from", err)) || (rc = check_state(graph, to, "to", err)))
        return rc;
    if (!ot__vocab_valid(&ot__source_vocab, source))
        return ot__error_field(err, OT_EINVAL, "source", "%d is not a valid source value",
                               source);
    courier = source == OT_SOURCE_COURIER;

    if (from == to)
        return refuse(graph, OT_ESTALE, from, to, err, "duplicate: already in this state");
    if (!(graph->terminal & OT__BIT(from))) {
        if (graph->edges[from] & OT__BIT(to))
            return 0;
        if (courier && (ot__graph_reach(graph, from) & OT__BIT(to)))
            return 0;
    }
    /* A courier reporting a state the order has already passed is late, not wrong. */
    if (courier && (ot__graph_reach(graph, to) & OT__BIT(from)))
        return refuse(graph, OT_ESTALE, from, to, err, "the order has already passed it");
    if (graph->terminal & OT__BIT(from))
        return refuse(graph, OT_ETRANSITION, from, to, err, "the current state is terminal");
    if (ot__graph_reach(graph, to) & OT__BIT(from))
        return refuse(graph, OT_ETRANSITION, from, to, err, "API updates cannot go back");
    if (!courier && (ot__graph_reach(graph, from) & OT__BIT(to)))
        return refuse(graph, OT_ETRANSITION, from, to, err,
                      "API updates must follow the graph one step at a time");
    return refuse(graph, OT_ETRANSITION, from, to, err, "no path between these states");
}

static int has_edge(const struct ot__graph *graph, int from, int to, ot_error *err)
{
    int rc;
    if ((rc = check_state(graph, from, "from", err)) || (rc = check_state(graph, to, "to", err)))
        return rc;
    return (graph->edges[from] & OT__BIT(to)) != 0;
}

int ot_status_transition_check(int from, int to, int source, ot_error *err)
{
    return ot__graph_check(&ot__status_graph, from, to, source, err);
}

int ot_shipment_transition_check(int from, int to, int source, ot_error *err)
{
    return ot__graph_check(&ot__shipment_graph, from, to, source, err);
}

int ot_status_has_edge(int from, int to, ot_error *err)
{
    return has_edge(&ot__status_graph, from, to, err);
}

int ot_shipment_has_edge(int from, int to, ot_error *err)
{
    return has_edge(&ot__shipment_graph, from, to, err);
}

int ot_source_to_string(const char **name, int source, ot_error *err)
{
    return ot__vocab_name(&ot__source_vocab, name, source, err);
}

int ot_source_from_string(ot_source *source, const char *name, ot_error *err)
{
    int v = ot__vocab_parse(&ot__source_vocab, source, name, err);
    if (v < 0)
        return v;
    *source = (ot_source)v;
    return 0;
}

int ot_status_is_terminal(int status, ot_error *err)
{
    int rc = check_state(&ot__status_graph, status, "status", err);
    return rc ? rc : (ot__status_graph.terminal & OT__BIT(status)) != 0;
}

int ot_shipment_is_terminal(int status, ot_error *err)
{
    int rc = check_state(&ot__shipment_graph, status, "status", err);
    return rc ? rc : (ot__shipment_graph.terminal & OT__BIT(status)) != 0;
}
