/* Every vocabulary: wire-name round trips, unknown names, NULLs, out-of-range values. */
#include "test_util.h"

typedef int (*to_string_fn)(const char **, int, ot_error *);

struct vocab_case {
    const char *kind;
    to_string_fn to_string;
    int (*from_string)(const char *, int *, ot_error *);
    const char *const *names; /* expected wire names, index = enum value */
    int count;
};

#define FROM_WRAPPER(fn, type)                                                  \
    static int fn##_w(const char *name, int *out, ot_error *err)               \
    {                                                                           \
        type v = (type)0;                                                       \
        int rc = fn(&v, name, err);                                             \
        *out = (int)v;                                                          \
        return rc;                                                              \
    }

FROM_WRAPPER(ot_status_from_string, ot_status)
FROM_WRAPPER(ot_shipment_from_string, ot_shipment_status)
FROM_WRAPPER(ot_provider_from_string, ot_provider)
FROM_WRAPPER(ot_substitution_from_string, ot_substitution_status)
FROM_WRAPPER(ot_severity_from_string, ot_severity)
FROM_WRAPPER(ot_source_from_string, ot_source)

static const char *const status_names[] = {
    NULL, "submitted", "store_notified", "store_acknowledged", "picking_in_progress",
    "substitutions_needed", "substitutions_approved", "ready_for_pickup", "driver_assigned",
    "driver_pickup_complete", "in_transit", "delivered", "cancelled", "failed"};
static const char *const shipment_names[] = {
    NULL, "pending", "in transit", "out_for_delivery", "delivered", "ndr", "rto",
    "rto in transit", "lost", "destroy", "booking_cancelled", "rto_delivered"};
static const char *const provider_names[] = {
    NULL, "uber", "doordash", "internal", "delhivery", "delhivery_b2b", "shiprocket",
    "velocity"};
static const char *const substitution_names[] = {NULL, "pending", "approved", "rejected"};
static const char *const severity_names[] = {NULL, "low", "medium", "high", "critical"};
static const char *const source_names[] = {NULL, "api", "courier"};

static const struct vocab_case cases[] = {
    {"status", ot_status_to_string, ot_status_from_string_w, status_names, OT_STATUS_COUNT},
    {"shipment", ot_shipment_to_string, ot_shipment_from_string_w, shipment_names,
     OT_SHIPMENT_COUNT},
    {"provider", ot_provider_to_string, ot_provider_from_string_w, provider_names,
     OT_PROVIDER_COUNT},
    {"substitution", ot_substitution_to_string, ot_substitution_from_string_w,
     substitution_names, OT_SUBSTITUTION_COUNT},
    {"severity", ot_severity_to_string, ot_severity_from_string_w, severity_names,
     OT_SEVERITY_COUNT},
    {"source", ot_source_to_string, ot_source_from_string_w, source_names, OT_SOURCE_COUNT},
};

static void test_round_trips(void **state)
{
    size_t c;
    int v;
    (void)state;
    for (c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const struct vocab_case *vc = &cases[c];
        for (v = 1; v < vc->count; v++) {
            const char *name = NULL;
            int back = -1;
            ot_error err;
            ot_error_clear(&err);
            assert_int_equal(vc->to_string(&name, v, &err), 0);
            assert_non_null(name);
            if (strcmp(name, vc->names[v]) != 0)
                fail_msg("%s %d: got \"%s\", expected \"%s\"", vc->kind, v, name,
                         vc->names[v]);
            assert_int_equal(vc->from_string(name, &back, &err), 0);
            assert_int_equal(back, v);
            assert_int_equal(err.code, 0); /* untouched on success */
        }
    }
}

static void test_unknown_names_and_values(void **state)
{
    static const char *const bad[] = {"", "SUBMITTED", " submitted", "in_transit ",
                                      "in-transit", "unknown", "rto_in_transit", "Pending"};
    size_t c, b;
    (void)state;
    for (c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const struct vocab_case *vc = &cases[c];
        ot_error err;
        const char *name = "untouched";
        int out = 0;
        static const int bad_values[] = {0, -1, 1000, -2147483647 - 1, 2147483647};
        for (b = 0; b < sizeof bad / sizeof bad[0]; b++) {
            int known = 0, v;
            for (v = 1; v < vc->count; v++)
                known |= strcmp(vc->names[v], bad[b]) == 0;
            if (known)
                continue;
            assert_ot_error(vc->from_string(bad[b], &out, &err), OT_EINVAL, err);
        }
        assert_ot_error(vc->from_string(NULL, &out, &err), OT_EINVAL, err);
        for (b = 0; b < sizeof bad_values / sizeof bad_values[0]; b++)
            assert_ot_error(vc->to_string(&name, bad_values[b], &err), OT_EINVAL, err);
        assert_ot_error(vc->to_string(&name, vc->count, &err), OT_EINVAL, err);
        assert_string_equal(name, "untouched");
        assert_ot_error(vc->to_string(NULL, 1, &err), OT_EINVAL, err);
        /* A NULL error report is allowed. */
        assert_int_equal(vc->to_string(&name, 0, NULL), OT_EINVAL);
    }
}

static void test_null_outputs(void **state)
{
    ot_error err;
    (void)state;
    assert_ot_error(ot_status_from_string(NULL, "submitted", &err), OT_EINVAL, err);
    assert_ot_error(ot_shipment_from_string(NULL, "pending", &err), OT_EINVAL, err);
    assert_ot_error(ot_provider_from_string(NULL, "uber", &err), OT_EINVAL, err);
    assert_ot_error(ot_substitution_from_string(NULL, "pending", &err), OT_EINVAL, err);
    assert_ot_error(ot_severity_from_string(NULL, "low", &err), OT_EINVAL, err);
    assert_ot_error(ot_source_from_string(NULL, "api", &err), OT_EINVAL, err);
    assert_ot_error(ot_shipment_to_status(NULL, OT_SHIPMENT_PENDING, &err), OT_EINVAL, err);
}

static void test_unknown_name_is_quoted_in_message(void **state)
{
    ot_error err;
    ot_status s;
    (void)state;
    assert_ot_error(ot_status_from_string(&s, "teleported", &err), OT_EINVAL, err);
    assert_non_null(strstr(err.message, "\"teleported\""));
    assert_string_equal(err.field, "status");
}

static void test_terminal_states(void **state)
{
    ot_error err;
    int s;
    (void)state;
    for (s = 1; s < OT_STATUS_COUNT; s++)
        assert_int_equal(ot_status_is_terminal(s, NULL),
                         s == OT_STATUS_DELIVERED || s == OT_STATUS_CANCELLED
                             || s == OT_STATUS_FAILED);
    for (s = 1; s < OT_SHIPMENT_COUNT; s++)
        assert_int_equal(ot_shipment_is_terminal(s, NULL),
                         s == OT_SHIPMENT_DELIVERED || s == OT_SHIPMENT_RTO_DELIVERED
                             || s == OT_SHIPMENT_LOST || s == OT_SHIPMENT_DESTROY
                             || s == OT_SHIPMENT_BOOKING_CANCELLED);
    assert_ot_error(ot_status_is_terminal(0, &err), OT_EINVAL, err);
    assert_ot_error(ot_status_is_terminal(OT_STATUS_COUNT, &err), OT_EINVAL, err);
    assert_ot_error(ot_shipment_is_terminal(-5, &err), OT_EINVAL, err);
}

static void test_shipment_implies_lifecycle(void **state)
{
    static const struct {
        const char *shipment;
        const char *status; /* NULL: none fits */
    } expect[] = {
        {"pending", NULL},
        {"in transit", "in_transit"},
        {"out_for_delivery", "in_transit"},
        {"delivered", "delivered"},
        {"ndr", "in_transit"},
        {"rto", "failed"},
        {"rto in transit", "failed"},
        {"lost", "failed"},
        {"destroy", "failed"},
        {"booking_cancelled", "cancelled"},
        {"rto_delivered", "failed"},
    };
    size_t i;
    ot_error err;
    ot_status st;
    (void)state;
    assert_int_equal(sizeof expect / sizeof expect[0], OT_SHIPMENT_COUNT - 1);
    for (i = 0; i < sizeof expect / sizeof expect[0]; i++) {
        ot_shipment_status sh;
        const char *name = NULL;
        assert_int_equal(ot_shipment_from_string(&sh, expect[i].shipment, NULL), 0);
        assert_int_equal(ot_shipment_to_status(&st, sh, NULL), 0);
        if (!expect[i].status) {
            assert_int_equal(st, OT_STATUS_UNKNOWN);
            continue;
        }
        assert_int_equal(ot_status_to_string(&name, st, NULL), 0);
        assert_string_equal(name, expect[i].status);
    }
    assert_ot_error(ot_shipment_to_status(&st, 0, &err), OT_EINVAL, err);
    assert_ot_error(ot_shipment_to_status(&st, OT_SHIPMENT_COUNT, &err), OT_EINVAL, err);
}

static void test_provider_kinds(void **state)
{
    ot_error err;
    (void)state;
    assert_int_equal(ot_provider_is_parcel(OT_PROVIDER_UBER, NULL), 0);
    assert_int_equal(ot_provider_is_parcel(OT_PROVIDER_DOORDASH, NULL), 0);
    assert_int_equal(ot_provider_is_parcel(OT_PROVIDER_INTERNAL, NULL), 0);
    assert_int_equal(ot_provider_is_parcel(OT_PROVIDER_DELHIVERY, NULL), 1);
    assert_int_equal(ot_provider_is_parcel(OT_PROVIDER_DELHIVERY_B2B, NULL), 1);
    assert_int_equal(ot_provider_is_parcel(OT_PROVIDER_SHIPROCKET, NULL), 1);
    assert_int_equal(ot_provider_is_parcel(OT_PROVIDER_VELOCITY, NULL), 1);
    assert_ot_error(ot_provider_is_parcel(0, &err), OT_EINVAL, err);
    assert_ot_error(ot_provider_is_parcel(OT_PROVIDER_COUNT, &err), OT_EINVAL, err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trips),
        cmocka_unit_test(test_unknown_names_and_values),
        cmocka_unit_test(test_null_outputs),
        cmocka_unit_test(test_unknown_name_is_quoted_in_message),
        cmocka_unit_test(test_terminal_states),
        cmocka_unit_test(test_shipment_implies_lifecycle),
        cmocka_unit_test(test_provider_kinds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
