/* Both graphs, every ordered pair of states, both sources, against an edge list written
 * here independently of the library's tables (by wire name, from DESIGN.md). */
#include "test_util.h"

struct edge {
    const char *from, *to;
};

struct graph_case {
    const char *name;
    int count;
    const char *const *terminal;
    const struct edge *edges;
    int (*parse)(const char *, int *);
    int (*check)(int, int, int, ot_error *);
    int (*has_edge)(int, int, ot_error *);
};

static const char *const lifecycle_terminal[] = {"delivered", "cancelled", "failed", NULL};
static const struct edge lifecycle_edges[] = {
    {"submitted", "store_notified"},
    {"store_notified", "store_acknowledged"},
    {"store_acknowledged", "picking_in_progress"},
    {"picking_in_progress", "ready_for_pickup"},
    {"picking_in_progress", "substitutions_needed"},
    {"substitutions_needed", "substitutions_approved"},
    {"substitutions_needed", "picking_in_progress"},
    {"substitutions_approved", "ready_for_pickup"},
    {"ready_for_pickup", "driver_assigned"},
    {"driver_assigned", "driver_pickup_complete"},
    {"driver_pickup_complete", "in_transit"},
    {"in_transit", "delivered"},
    /* cancelled and failed from every non-terminal state */
    {"*", "cancelled"},
    {"*", "failed"},
    {NULL, NULL},
};

static const char *const shipment_terminal[] = {"delivered", "rto_delivered", "lost", "destroy",
                                                "booking_cancelled", NULL};
static const struct edge shipment_edges[] = {
    {"pending", "in transit"},
    {"pending", "booking_cancelled"},
    {"in transit", "out_for_delivery"},
    {"in transit", "rto"},
    {"out_for_delivery", "delivered"},
    {"out_for_delivery", "ndr"},
    {"ndr", "out_for_delivery"},
    {"ndr", "rto"},
    {"rto", "rto in transit"},
    {"rto in transit", "rto_delivered"},
    {"*", "lost"},
    {"*", "destroy"},
    {NULL, NULL},
};

static int parse_status(const char *name, int *out)
{
    ot_status s;
    int rc = ot_status_from_string(&s, name, NULL);
    *out = (int)s;
    return rc;
}

static int parse_shipment(const char *name, int *out)
{
    ot_shipment_status s;
    int rc = ot_shipment_from_string(&s, name, NULL);
    *out = (int)s;
    return rc;
}

static const struct graph_case graphs[] = {
    {"lifecycle", OT_STATUS_COUNT, lifecycle_terminal, lifecycle_edges, parse_status,
     ot_status_transition_check, ot_status_has_edge},
    {"shipment", OT_SHIPMENT_COUNT, shipment_terminal, shipment_edges, parse_shipment,
     ot_shipment_transition_check, ot_shipment_has_edge},
};

#define MAXS 32

struct model {
    int adj[MAXS][MAXS];
    int reach[MAXS][MAXS];
    int terminal[MAXS];
};

static int must_parse(const struct graph_case *g, const char *name)
{
    int v = 0;
    if (g->parse(name, &v) != 0)
        fail_msg("%s: test table names unknown state \"%s\"", g->name, name);
    return v;
}

static void build_model(const struct graph_case *g, struct model *m)
{
    int i, j, k;
    const struct edge *e;
    memset(m, 0, sizeof *m);
    for (i = 0; g->terminal[i]; i++)
        m->terminal[must_parse(g, g->terminal[i])] = 1;
    for (e = g->edges; e->from; e++) {
        int to = must_parse(g, e->to);
        if (strcmp(e->from, "*") == 0) {
            for (i = 1; i < g->count; i++)
                if (!m->terminal[i] && i != to)
                    m->adj[i][to] = 1;
        } else {
            m->adj[must_parse(g, e->from)][to] = 1;
        }
    }
    /* Warshall's transitive closure. */
    memcpy(m->reach, m->adj, sizeof m->adj);
    for (k = 1; k < g->count; k++)
        for (i = 1; i < g->count; i++)
            for (j = 1; j < g->count; j++)
                if (m->reach[i][k] && m->reach[k][j])
                    m->reach[i][j] = 1;
}

/* The rules of transition.h, stated over the model. */
static int expected(const struct model *m, int from, int to, int source)
{
    int courier = source == OT_SOURCE_COURIER;
    if (from == to)
        return OT_ESTALE;
    if (!m->terminal[from] && m->adj[from][to])
        return 0;
    if (courier && !m->terminal[from] && m->reach[from][to])
        return 0;
    if (courier && m->reach[to][from])
        return OT_ESTALE;
    return OT_ETRANSITION;
}

static void test_every_pair(void **state)
{
    size_t gi;
    (void)state;
    for (gi = 0; gi < sizeof graphs / sizeof graphs[0]; gi++) {
        const struct graph_case *g = &graphs[gi];
        struct model m;
        int from, to, source, edges = 0, nonedges = 0;
        build_model(g, &m);
        for (from = 1; from < g->count; from++) {
            for (to = 1; to < g->count; to++) {
                assert_int_equal(g->has_edge(from, to, NULL), m.adj[from][to]);
                m.adj[from][to] ? edges++ : nonedges++;
                for (source = OT_SOURCE_API; source <= OT_SOURCE_COURIER; source++) {
                    ot_error err;
                    int want = expected(&m, from, to, source), got;
                    ot_error_clear(&err);
                    got = g->check(from, to, source, &err);
                    if (got != want)
                        fail_msg("%s %d -> %d (source %d): got %d, expected %d (%s)", g->name,
                                 from, to, source, got, want, err.message);
                    if (want == 0) {
                        assert_int_equal(err.code, 0);
                    } else {
                        const char *fn = NULL, *tn = NULL;
                        assert_int_equal(err.code, want);
                        assert_true(err.message[0] != '\0');
                        /* Both states are named in the report. */
                        if (g->parse == parse_status) {
                            ot_status_to_string(&fn, from, NULL);
                            ot_status_to_string(&tn, to, NULL);
                        } else {
                            ot_shipment_to_string(&fn, from, NULL);
                            ot_shipment_to_string(&tn, to, NULL);
                        }
                        assert_string_equal(err.from, fn);
                        assert_string_equal(err.to, tn);
                        assert_non_null(strstr(err.message, fn));
                        assert_non_null(strstr(err.message, tn));
                    }
                }
            }
        }
        assert_true(edges > 10);
        assert_true(nonedges > edges);
    }
}

static int lc(const char *from, const char *to, int source)
{
    int f = 0, t = 0;
    assert_int_equal(parse_status(from, &f), 0);
    assert_int_equal(parse_status(to, &t), 0);
    return ot_status_transition_check(f, t, source, NULL);
}

static int sh(const char *from, const char *to, int source)
{
    int f = 0, t = 0;
    assert_int_equal(parse_shipment(from, &f), 0);
    assert_int_equal(parse_shipment(to, &t), 0);
    return ot_shipment_transition_check(f, t, source, NULL);
}

/* The cases the design names, spelled out so a wrong table cannot hide them. */
static void test_named_cases(void **state)
{
    (void)state;
    /* step by step */
    assert_int_equal(lc("submitted", "store_notified", OT_SOURCE_API), 0);
    assert_int_equal(lc("picking_in_progress", "substitutions_needed", OT_SOURCE_API), 0);
    assert_int_equal(lc("substitutions_needed", "picking_in_progress", OT_SOURCE_API), 0);
    assert_int_equal(lc("substitutions_approved", "ready_for_pickup", OT_SOURCE_API), 0);
    assert_int_equal(lc("in_transit", "delivered", OT_SOURCE_API), 0);
    /* API may not skip */
    assert_int_equal(lc("submitted", "delivered", OT_SOURCE_API), OT_ETRANSITION);
    assert_int_equal(lc("ready_for_pickup", "in_transit", OT_SOURCE_API), OT_ETRANSITION);
    /* couriers may skip forward (Uber reports dropoff before we saw pickup) */
    assert_int_equal(lc("ready_for_pickup", "in_transit", OT_SOURCE_COURIER), 0);
    assert_int_equal(sh("pending", "delivered", OT_SOURCE_COURIER), 0);
    assert_int_equal(sh("in transit", "rto_delivered", OT_SOURCE_COURIER), 0);
    /* ... but never go back: a late event is stale */
    assert_int_equal(sh("delivered", "in transit", OT_SOURCE_COURIER), OT_ESTALE);
    assert_int_equal(sh("out_for_delivery", "in transit", OT_SOURCE_COURIER), OT_ESTALE);
    assert_int_equal(sh("rto", "out_for_delivery", OT_SOURCE_COURIER), OT_ESTALE);
    assert_int_equal(lc("delivered", "driver_assigned", OT_SOURCE_COURIER), OT_ESTALE);
    assert_int_equal(sh("delivered", "in transit", OT_SOURCE_API), OT_ETRANSITION);
    /* re-attempt loop after NDR */
    assert_int_equal(sh("out_for_delivery", "ndr", OT_SOURCE_API), 0);
    assert_int_equal(sh("ndr", "out_for_delivery", OT_SOURCE_API), 0);
    assert_int_equal(sh("ndr", "out_for_delivery", OT_SOURCE_COURIER), 0);
    /* duplicates */
    assert_int_equal(lc("in_transit", "in_transit", OT_SOURCE_API), OT_ESTALE);
    assert_int_equal(sh("ndr", "ndr", OT_SOURCE_COURIER), OT_ESTALE);
    assert_int_equal(lc("delivered", "delivered", OT_SOURCE_COURIER), OT_ESTALE);
    /* terminal states are final */
    assert_int_equal(lc("delivered", "cancelled", OT_SOURCE_API), OT_ETRANSITION);
    assert_int_equal(lc("cancelled", "failed", OT_SOURCE_COURIER), OT_ETRANSITION);
    assert_int_equal(sh("delivered", "lost", OT_SOURCE_COURIER), OT_ETRANSITION);
    assert_int_equal(sh("rto_delivered", "delivered", OT_SOURCE_COURIER), OT_ETRANSITION);
    assert_int_equal(sh("booking_cancelled", "in transit", OT_SOURCE_API), OT_ETRANSITION);
    /* aborts from anywhere non-terminal */
    assert_int_equal(lc("submitted", "cancelled", OT_SOURCE_API), 0);
    assert_int_equal(lc("in_transit", "failed", OT_SOURCE_API), 0);
    assert_int_equal(sh("rto in transit", "lost", OT_SOURCE_API), 0);
    /* booking can only be cancelled before pickup */
    assert_int_equal(sh("pending", "booking_cancelled", OT_SOURCE_API), 0);
    assert_int_equal(sh("in transit", "booking_cancelled", OT_SOURCE_COURIER), OT_ETRANSITION);
}

static void test_bad_arguments(void **state)
{
    ot_error err;
    (void)state;
    assert_ot_error(ot_status_transition_check(0, 1, OT_SOURCE_API, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "from");
    assert_ot_error(ot_status_transition_check(1, OT_STATUS_COUNT, OT_SOURCE_API, &err),
                    OT_EINVAL, err);
    assert_string_equal(err.field, "to");
    assert_ot_error(ot_status_transition_check(1, 2, 0, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "source");
    assert_ot_error(ot_status_transition_check(1, 2, 99, &err), OT_EINVAL, err);
    assert_ot_error(ot_shipment_transition_check(-1, 2, OT_SOURCE_API, &err), OT_EINVAL, err);
    assert_ot_error(ot_shipment_transition_check(1, 99, OT_SOURCE_COURIER, &err), OT_EINVAL,
                    err);
    assert_ot_error(ot_status_has_edge(0, 1, &err), OT_EINVAL, err);
    assert_ot_error(ot_shipment_has_edge(1, 12345, &err), OT_EINVAL, err);
    /* The report is optional. */
    assert_int_equal(ot_status_transition_check(1, 11, OT_SOURCE_API, NULL), OT_ETRANSITION);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_pair),
        cmocka_unit_test(test_named_cases),
        cmocka_unit_test(test_bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
