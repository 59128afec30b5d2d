/* Courier status mapping: every built-in row, the documented cases of map_cases.tsv with
 * case and white-space variants, unknowns, bad arguments, overrides, timestamps. */
#include <stdio.h>
#include <stdlib.h>

#include "test_util.h"
#include "courier/courier_internal.h"
#include "base/time_internal.h"

static const struct ot__courier_table *const tables[] = {
    &ot__courier_delhivery, &ot__courier_delhivery_b2b, &ot__courier_shiprocket,
    &ot__courier_velocity,  &ot__courier_uber,          &ot__courier_doordash,
};

static int is_parcel(int provider)
{
    return ot_provider_is_parcel(provider, NULL) == 1;
}

/* Every row of every built-in table: stored normalised, non-empty, and mapping its own key
 * gives its own value and flags; upper case, padding, '_' for spaces and runs of separators
 * give the same. */
static void test_every_builtin_row(void **state)
{
    size_t t, i;
    char buf[OT_COURIER_KEY_MAX + 1], padded[OT_COURIER_KEY_MAX + 8];
    (void)state;
    for (t = 0; t < sizeof tables / sizeof tables[0]; t++) {
        const struct ot__courier_table *tab = tables[t];
        assert_ptr_equal(ot__courier_builtin(tab->provider), tab);
        assert_true(tab->count <= OT__INDEX_SLOTS / 2);
        for (i = 0; i < tab->count; i++) {
            const struct ot__courier_row *r = &tab->rows[i];
            ot_courier_mapping m;
            ot_error err;
            size_t k;
            int rc;

            assert_true(r->raw[0] != '\0');
            assert_true(r->value != 0 || r->flags != 0);
            assert_int_equal(ot__courier_normalise(buf, r->raw), (int)strlen(r->raw));
            assert_string_equal(buf, r->raw);
            assert_true(tab->uses_type || (!r->type && !r->code));
            assert_int_equal(r->raw_len, strlen(r->raw));
            rc = ot_courier_map(&m, NULL, tab->provider, r->raw, r->type, r->code, &err);
            if (rc != 0)
                fail_msg("provider %d row %zu (%s) does not map: %s", tab->provider, i, r->raw,
                         err.message);
            assert_int_equal(m.flags, r->flags);
            if (is_parcel(tab->provider)) {
                ot_status implied = OT_STATUS_UNKNOWN;
                assert_int_equal(m.shipment_status, r->value);
                if (r->value)
                    assert_int_equal(ot_shipment_to_status(&implied, r->value, NULL), 0);
                assert_int_equal(m.status, implied);
            } else {
                assert_int_equal(m.status, r->value);
                assert_int_equal(m.shipment_status, 0);
            }
            /* Upper case, padded with white space: same answer. */
            for (k = 0; r->raw[k]; k++)
                buf[k] = (char)(r->raw[k] >= 'a' && r->raw[k] <= 'z' ? r->raw[k] - 32 : r->raw[k]);
            buf[k] = '\0';
            snprintf(padded, sizeof padded, " \t%s \r\n", buf);
            assert_int_equal(ot_courier_map(&m, NULL, tab->provider, padded, r->type, r->code,
                                            NULL), 0);
            assert_int_equal(m.flags, r->flags);
            /* Snake case and a run of separators inside: same answer. */
            for (k = 0; r->raw[k]; k++)
                buf[k] = r->raw[k] == ' ' ? '_' : r->raw[k];
            buf[k] = '\0';
            assert_int_equal(ot_courier_map(&m, NULL, tab->provider, buf, r->type, r->code,
                                            NULL), 0);
            assert_int_equal(m.flags, r->flags);
            if (strchr(r->raw, ' ')) {
                const char *sp = strchr(r->raw, ' ');
                snprintf(padded, sizeof padded, "%.*s \t _%s", (int)(sp - r->raw), r->raw, sp);
                assert_int_equal(ot_courier_map(&m, NULL, tab->provider, padded, r->type,
                                                r->code, NULL), 0);
                assert_int_equal(m.flags, r->flags);
            }
        }
    }
}

/* No two rows of one table share a key (a later one would be dead). */
static void test_no_duplicate_keys(void **state)
{
    size_t t, i, j;
    (void)state;
    for (t = 0; t < sizeof tables / sizeof tables[0]; t++)
        for (i = 0; i < tables[t]->count; i++)
            for (j = i + 1; j < tables[t]->count; j++) {
                const struct ot__courier_row *a = &tables[t]->rows[i], *b = &tables[t]->rows[j];
                int same = strcmp(a->raw, b->raw) == 0
                           && ((!a->type && !b->type) || (a->type && b->type && !strcmp(a->type, b->type)))
                           && ((!a->code && !b->code) || (a->code && b->code && !strcmp(a->code, b->code)));
                if (same)
                    fail_msg("provider %d: rows %zu and %zu share the key %s", tables[t]->provider,
                             i, j, a->raw);
            }
}

static char *trim_line(char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

/* The documented cases, shared with the CLI test. */
static void test_documented_cases(void **state)
{
    FILE *f = fopen(OT_TEST_COURIER_DATA "/map_cases.tsv", "r");
    char line[512];
    int cases = 0;
    (void)state;
    assert_non_null(f);
    while (fgets(line, sizeof line, f)) {
        char *fields[6], *p = trim_line(line);
        ot_provider provider;
        ot_courier_mapping m;
        ot_error err;
        int n = 0, rc;

        if (line[0] == '#' || line[0] == '\0')
            continue;
        while (n < 6) {
            fields[n++] = p;
            p = strchr(p, '\t');
            if (!p)
                break;
            *p++ = '\0';
        }
        assert_int_equal(n, 6);
        assert_int_equal(ot_provider_from_string(&provider, fields[0], NULL), 0);
        ot_error_clear(&err);
        rc = ot_courier_map(&m, NULL, provider, fields[1],
                            strcmp(fields[2], "-") ? fields[2] : NULL,
                            strcmp(fields[3], "-") ? fields[3] : NULL, &err);
        if (strcmp(fields[4], "unknown") == 0) {
            if (rc != OT_EUNKNOWN_STATUS)
                fail_msg("%s %s: expected unknown, got %d", fields[0], fields[1], rc);
            assert_int_equal(m.flags, OT_UPDATE_UNMAPPED);
            assert_non_null(strstr(err.message, fields[0]));
            assert_string_equal(err.field, "raw_status");
        } else {
            const char *name = "none";
            if (rc != 0)
                fail_msg("%s %s: %s", fields[0], fields[1], err.message);
            if (is_parcel(provider) && m.shipment_status)
                assert_int_equal(ot_shipment_to_string(&name, m.shipment_status, NULL), 0);
            else if (!is_parcel(provider) && m.status)
                assert_int_equal(ot_status_to_string(&name, m.status, NULL), 0);
            if (strcmp(name, fields[4]) != 0)
                fail_msg("%s %s: got %s, expected %s", fields[0], fields[1], name, fields[4]);
            if (strcmp(fields[5], "-") == 0)
                assert_int_equal(m.flags, 0);
            else
                assert_true(m.flags != 0);
        }
        cases++;
    }
    fclose(f);
    assert_true(cases > 150);
}

static void test_unknown_and_bad_input(void **state)
{
    ot_courier_mapping m;
    ot_error err;
    char longer[200];
    (void)state;

    assert_ot_error(ot_courier_map(NULL, NULL, OT_PROVIDER_UBER, "pending", NULL, NULL, &err),
                    OT_EINVAL, err);
    assert_ot_error(ot_courier_map(&m, NULL, OT_PROVIDER_UBER, NULL, NULL, NULL, &err),
                    OT_EINVAL, err);
    assert_ot_error(ot_courier_map(&m, NULL, OT_PROVIDER_INTERNAL, "pending", NULL, NULL, &err),
                    OT_EINVAL, err);
    assert_ot_error(ot_courier_map(&m, NULL, 0, "pending", NULL, NULL, &err), OT_EINVAL, err);
    assert_ot_error(ot_courier_map(&m, NULL, 99, "pending", NULL, NULL, &err), OT_EINVAL, err);
    assert_ot_error(ot_courier_map(&m, NULL, -1, "pending", NULL, NULL, &err), OT_EINVAL, err);
    assert_ot_error(ot_courier_map(&m, NULL, OT_PROVIDER_UBER, "", NULL, NULL, &err),
                    OT_EUNKNOWN_STATUS, err);
    assert_ot_error(ot_courier_map(&m, NULL, OT_PROVIDER_UBER, "   ", NULL, NULL, &err),
                    OT_EUNKNOWN_STATUS, err);
    assert_ot_error(ot_courier_map(&m, NULL, OT_PROVIDER_UBER, "deliv ered", NULL, NULL, &err),
                    OT_EUNKNOWN_STATUS, err);
    assert_non_null(strstr(err.message, "uber"));
    assert_non_null(strstr(err.message, "deliv ered"));
    /* A status type must match: Delhivery RT Delivered is not a thing. */
    assert_ot_error(ot_courier_map(&m, NULL, OT_PROVIDER_DELHIVERY, "Delivered", "RT", NULL,
                                   &err), OT_EUNKNOWN_STATUS, err);
    assert_non_null(strstr(err.message, "RT"));
    /* Over-long strings are unknown, never truncated into a match. */
    memset(longer, 'a', sizeof longer - 1);
    longer[sizeof longer - 1] = '\0';
    memcpy(longer, "delivered", 9);
    assert_ot_error(ot_courier_map(&m, NULL, OT_PROVIDER_UBER, longer, NULL, NULL, &err),
                    OT_EUNKNOWN_STATUS, err);
    assert_ot_error(ot_courier_map(&m, NULL, OT_PROVIDER_DELHIVERY, "Pending", longer, NULL,
                                   &err), OT_EUNKNOWN_STATUS, err);
    /* An over-long code falls back to the code-less row. */
    assert_int_equal(ot_courier_map(&m, NULL, OT_PROVIDER_DELHIVERY, "Pending", "UD", longer,
                                    NULL), 0);
    assert_int_equal(m.shipment_status, OT_SHIPMENT_IN_TRANSIT);
    /* Types are ignored by providers without them. */
    assert_int_equal(ot_courier_map(&m, NULL, OT_PROVIDER_VELOCITY, "lost", "whatever", "x",
                                    NULL), 0);
    assert_int_equal(m.shipment_status, OT_SHIPMENT_LOST);
    assert_int_equal(m.status, OT_STATUS_FAILED);
    /* NULL err is fine. */
    assert_int_equal(ot_courier_map(&m, NULL, OT_PROVIDER_UBER, "nope", NULL, NULL, NULL),
                     OT_EUNKNOWN_STATUS);
}

static void test_normalise(void **state)
{
    char buf[OT_COURIER_KEY_MAX + 1], s[OT_COURIER_KEY_MAX + 3];
    (void)state;
    assert_int_equal(ot__courier_normalise(buf, NULL), 0);
    assert_string_equal(buf, "");
    assert_int_equal(ot__courier_normalise(buf, "  In Transit\t"), 10);
    assert_string_equal(buf, "in transit");
    memset(s, 'x', OT_COURIER_KEY_MAX);
    s[OT_COURIER_KEY_MAX] = '\0';
    assert_int_equal(ot__courier_normalise(buf, s), OT_COURIER_KEY_MAX);
    s[OT_COURIER_KEY_MAX] = 'x';
    s[OT_COURIER_KEY_MAX + 1] = '\0';
    assert_int_equal(ot__courier_normalise(buf, s), -1);
    /* Runs of white space and '_' inside are one space; '-' and '/' are kept. */
    assert_int_equal(ot__courier_normalise(buf, " Out  For\tDelivery "), 16);
    assert_string_equal(buf, "out for delivery");
    assert_int_equal(ot__courier_normalise(buf, "__RTO_IN \r\n_INTRANSIT__"), 16);
    assert_string_equal(buf, "rto in intransit");
    assert_int_equal(ot__courier_normalise(buf, "EOD-74"), 6);
    assert_string_equal(buf, "eod-74");
    assert_int_equal(ot__courier_normalise(buf, "Pickup Scheduled/Generated"), 26);
    assert_string_equal(buf, "pickup scheduled/generated");
    assert_int_equal(ot__courier_normalise(buf, " \t_ "), 0);
    assert_string_equal(buf, "");
    /* The limit applies to the normalised key: separators collapsed do not count. */
    memset(s, ' ', sizeof s - 1);
    s[sizeof s - 1] = '\0';
    memcpy(s + 1, "in", 2);
    memcpy(s + 40, "transit", 7);
    assert_int_equal(ot__courier_normalise(buf, s), 10);
    assert_string_equal(buf, "in transit");
    memset(s, 'x', OT_COURIER_KEY_MAX);
    s[OT_COURIER_KEY_MAX - 1] = ' ';
    s[OT_COURIER_KEY_MAX] = 'y';
    s[OT_COURIER_KEY_MAX + 1] = '\0';
    assert_int_equal(ot__courier_normalise(buf, s), -1);
    assert_string_equal(buf, "");
    /* Control bytes other than white space are kept. */
    assert_int_equal(ot__courier_normalise(buf, "a\x01" "b"), 3);
    /* Bytes beyond ASCII pass through unchanged. */
    assert_int_equal(ot__courier_normalise(buf, "\xc3\x89T\xc3\x89"), 5);
    assert_string_equal(buf, "\xc3\x89t\xc3\x89");
}

static const char good_overrides[] =
    "{\n"
    "  \"version\": 1,\n"
    "  \"mappings\": [\n"
    "    {\"provider\": \"velocity\", \"raw\": \"RTO_Cancelled\", \"status\": \"in transit\"},\n"
    "    {\"provider\": \"delhivery\", \"type\": \"UD\", \"raw\": \"Pending\", \"code\": \"EOD-99\",\n"
    "     \"status\": \"ndr\"},\n"
    "    {\"provider\": \"delhivery\", \"type\": \"UD\", \"raw\": \"Pending\", \"status\": \"pending\"},\n"
    "    {\"provider\": \"uber\", \"raw\": \"ongoing\", \"status\": \"in_transit\"},\n"
    "    {\"provider\": \"shiprocket\", \"raw\": \"47\", \"status\": null, \"flags\": [\"reverse_pickup\"]},\n"
    "    {\"provider\": \"doordash\", \"raw\": \"DELIVERY_BATCHED\", \"status\": \"driver_assigned\",\n"
    "     \"flags\": [\"returned\", \"damaged\"]}\n"
    "  ]\n"
    "}\n";

static void test_overrides(void **state)
{
    ot_courier_tables *t = NULL;
    ot_courier_mapping m;
    ot_error err;
    (void)state;

    assert_int_equal(ot_courier_tables_new(&t, &err), 0);
    assert_int_equal(ot_courier_tables_override_count(t, &err), 0);
    assert_int_equal(ot_courier_tables_load_overrides_json(t, good_overrides,
                                                           strlen(good_overrides), &err), 0);
    assert_int_equal(ot_courier_tables_override_count(t, &err), 6);
    /* Extension. */
    assert_int_equal(ot_courier_map(&m, t, OT_PROVIDER_VELOCITY, "rto_cancelled", NULL, NULL,
                                    &err), 0);
    assert_int_equal(m.shipment_status, OT_SHIPMENT_IN_TRANSIT);
    assert_int_equal(ot_courier_map(&m, NULL, OT_PROVIDER_VELOCITY, "rto_cancelled", NULL, NULL,
                                    &err), OT_EUNKNOWN_STATUS);
    assert_int_equal(ot_courier_map(&m, t, OT_PROVIDER_UBER, " ONGOING ", NULL, NULL, &err), 0);
    assert_int_equal(m.status, OT_STATUS_IN_TRANSIT);
    assert_int_equal(ot_courier_map(&m, t, OT_PROVIDER_SHIPROCKET, "47", NULL, NULL, &err), 0);
    assert_int_equal(m.shipment_status, 0);
    assert_int_equal(m.flags, OT_UPDATE_REVERSE_PICKUP);
    assert_int_equal(ot_courier_map(&m, t, OT_PROVIDER_DOORDASH, "delivery_batched", NULL, NULL,
                                    &err), 0);
    assert_int_equal(m.flags, OT_UPDATE_RETURNED | OT_UPDATE_DAMAGED);
    /* A new NDR code; replacement of UD Pending; the built-in codes still win over it. */
    assert_int_equal(ot_courier_map(&m, t, OT_PROVIDER_DELHIVERY, "Pending", "UD", "EOD-99",
                                    &err), 0);
    assert_int_equal(m.shipment_status, OT_SHIPMENT_NDR);
    assert_int_equal(ot_courier_map(&m, t, OT_PROVIDER_DELHIVERY, "Pending", "UD", NULL, &err),
                     0);
    assert_int_equal(m.shipment_status, OT_SHIPMENT_PENDING);
    assert_int_equal(ot_courier_map(&m, t, OT_PROVIDER_DELHIVERY, "Pending", "UD", "EOD-74",
                                    &err), 0);
    assert_int_equal(m.shipment_status, OT_SHIPMENT_NDR);
    /* Overrides are per provider. */
    assert_int_equal(ot_courier_map(&m, t, OT_PROVIDER_DOORDASH, "ongoing", NULL, NULL, &err),
                     OT_EUNKNOWN_STATUS);
    /* A later load wins. */
    {
        static const char later[] = "{\"version\": 1, \"mappings\": [{\"provider\": \"uber\", "
                                    "\"raw\": \"ongoing\", \"status\": \"delivered\"}]}";
        assert_int_equal(ot_courier_tables_load_overrides_json(t, later, strlen(later), &err), 0);
        assert_int_equal(ot_courier_map(&m, t, OT_PROVIDER_UBER, "ongoing", NULL, NULL, &err), 0);
        assert_int_equal(m.status, OT_STATUS_DELIVERED);
        static const char empty[] = "{\"version\":1,\"mappings\":[]}";
        assert_int_equal(ot_courier_tables_load_overrides_json(t, empty, strlen(empty), &err), 0);
        assert_int_equal(ot_courier_tables_override_count(t, &err), 7);
    }
    ot_courier_tables_free(t);
    ot_courier_tables_free(NULL);
}

struct bad_case {
    const char *json;
    int code;
    const char *message; /* substring: "overrides:LINE: ..." */
    const char *field;
};

static const struct bad_case bad_cases[] = {
    {"", OT_EPARSE, "overrides:1:", ""},
    {"{\"version\": 1,\n \"mappings\": [\n", OT_EPARSE, "overrides:3:", ""},
    {"[]", OT_EPARSE, "expected a JSON object", ""},
    {"{\"mappings\": []}", OT_EPARSE, "version must be 1", "version"},
    {"{\"version\": 2, \"mappings\": []}", OT_EPARSE, "version must be 1", "version"},
    {"{\"version\": 1}", OT_EPARSE, "mappings must be an array", "mappings"},
    {"{\"version\": 1, \"mappings\": [], \"extra\": 1}", OT_EPARSE, "unknown member", "extra"},
    {"{\"version\": 1, \"version\": 1, \"mappings\": []}", OT_EPARSE, "duplicate", ""},
    {"{\"version\": 1, \"mappings\": [\n\n  {\"provider\": \"fedex\", \"raw\": \"x\", "
     "\"status\": \"delivered\"}]}",
     OT_EPARSE, "overrides:3: mappings[0].provider", "mappings[0].provider"},
    {"{\"version\": 1, \"mappings\": [\n {\"provider\": \"internal\", \"raw\": \"x\", "
     "\"status\": \"delivered\"}]}",
     OT_EPARSE, "overrides:2: mappings[0].provider", "mappings[0].provider"},
    {"{\"version\": 1, \"mappings\": [\n {\"provider\": \"uber\", \"raw\": \"x\", "
     "\"status\": \"delivered\"},\n {\"provider\": \"uber\", \"raw\": \"y\", "
     "\"status\": \"in transit\"}]}",
     OT_EPARSE, "overrides:3: mappings[1].status", "mappings[1].status"},
    {"{\"version\": 1, \"mappings\": [\n {\"provider\": \"velocity\", \"raw\": \"x\", "
     "\"status\": \"in_transit\"}]}",
     OT_EPARSE, "overrides:2: mappings[0].status", "mappings[0].status"},
    {"{\"version\": 1, \"mappings\": [{\"provider\": \"uber\", \"status\": \"delivered\"}]}",
     OT_EPARSE, "mappings[0].raw: missing", "mappings[0].raw"},
    {"{\"version\": 1, \"mappings\": [{\"provider\": \"uber\", \"raw\": \"  \", "
     "\"status\": \"delivered\"}]}",
     OT_EPARSE, "mappings[0].raw: empty", "mappings[0].raw"},
    {"{\"version\": 1, \"mappings\": [{\"provider\": \"uber\", \"raw\": 7, "
     "\"status\": \"delivered\"}]}",
     OT_EPARSE, "mappings[0].raw: expected a string", "mappings[0].raw"},
    {"{\"version\": 1, \"mappings\": [{\"provider\": \"uber\", \"raw\": \"x\"}]}",
     OT_EPARSE, "mappings[0].status: missing", "mappings[0].status"},
    {"{\"version\": 1, \"mappings\": [{\"provider\": \"uber\", \"raw\": \"x\", "
     "\"status\": null}]}",
     OT_EPARSE, "null status needs flags", "mappings[0].status"},
    {"{\"version\": 1, \"mappings\": [{\"provider\": \"uber\", \"raw\": \"x\", "
     "\"status\": \"delivered\", \"flags\": [\"shiny\"]}]}",
     OT_EPARSE, "unknown flag", "mappings[0].flags"},
    {"{\"version\": 1, \"mappings\": [{\"provider\": \"uber\", \"raw\": \"x\", "
     "\"status\": \"delivered\", \"flags\": \"partial\"}]}",
     OT_EPARSE, "expected an array", "mappings[0].flags"},
    {"{\"version\": 1, \"mappings\": [{\"provider\": \"uber\", \"type\": \"UD\", \"raw\": \"x\", "
     "\"status\": \"delivered\"}]}",
     OT_EPARSE, "only delhivery", "mappings[0].type"},
    {"{\"version\": 1, \"mappings\": [{\"provider\": \"uber\", \"raw\": \"x\", "
     "\"status\": \"delivered\", \"colour\": 1}]}",
     OT_EPARSE, "unknown member", "mappings[0].colour"},
    {"{\"version\": 1, \"mappings\": [\"x\"]}", OT_EPARSE, "expected an object", "mappings[0]"},
    /* A brace inside a string does not shift the line count. */
    {"{\"version\": 1, \"mappings\": [\n {\"provider\": \"uber\", \"raw\": \"{[\\\"\", "
     "\"status\": \"delivered\"},\n\n {\"provider\": \"uber\", \"raw\": \"b\", \"status\": 1}]}",
     OT_EPARSE, "overrides:4: mappings[1].status", "mappings[1].status"},
};

static void test_bad_overrides(void **state)
{
    ot_courier_tables *t = NULL;
    ot_courier_mapping m;
    ot_error err;
    size_t i;
    (void)state;

    assert_int_equal(ot_courier_tables_new(&t, NULL), 0);
    for (i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        const struct bad_case *c = &bad_cases[i];
        ot_error_clear(&err);
        int rc = ot_courier_tables_load_overrides_json(t, c->json, strlen(c->json), &err);
        if (rc != c->code || !strstr(err.message, c->message) || strcmp(err.field, c->field))
            fail_msg("bad case %zu: rc %d, message \"%s\", field \"%s\" (want \"%s\", \"%s\")",
                     i, rc, err.message, err.field, c->message, c->field);
    }
    /* All or nothing: a file whose second entry is bad loads nothing. */
    {
        static const char half[] = "{\"version\": 1, \"mappings\": ["
                                   "{\"provider\": \"uber\", \"raw\": \"ongoing\", \"status\": \"delivered\"},"
                                   "{\"provider\": \"uber\", \"raw\": \"x\", \"status\": \"nope\"}]}";
        assert_ot_error(ot_courier_tables_load_overrides_json(t, half, strlen(half), &err),
                        OT_EPARSE, err);
        assert_int_equal(ot_courier_tables_override_count(t, NULL), 0);
        assert_int_equal(ot_courier_map(&m, t, OT_PROVIDER_UBER, "ongoing", NULL, NULL, NULL),
                         OT_EUNKNOWN_STATUS);
    }
    assert_ot_error(ot_courier_tables_load_overrides_json(NULL, "{}", 2, &err), OT_EINVAL, err);
    assert_ot_error(ot_courier_tables_load_overrides_json(t, NULL, 2, &err), OT_EINVAL, err);
    assert_ot_error(ot_courier_tables_load_overrides_json(t, "{}", OT_COURIER_OVERRIDES_MAX + 1,
                                                          &err), OT_ELIMIT, err);
    assert_ot_error(ot_courier_tables_load_overrides(t, NULL, &err), OT_EINVAL, err);
    assert_ot_error(ot_courier_tables_load_overrides(NULL, "x", &err), OT_EINVAL, err);
    assert_ot_error(ot_courier_tables_load_overrides(t, OT_TEST_COURIER_DATA "/no-such.json",
                                                     &err), OT_EIO, err);
    assert_non_null(strstr(err.message, "no-such.json"));
    assert_ot_error(ot_courier_tables_new(NULL, &err), OT_EINVAL, err);
    assert_ot_error(ot_courier_tables_override_count(NULL, &err), OT_EINVAL, err);
    ot_courier_tables_free(t);
}

static void test_override_file(void **state)
{
    ot_courier_tables *t = NULL;
    ot_courier_mapping m;
    ot_error err;
    (void)state;

    assert_int_equal(ot_courier_tables_new(&t, NULL), 0);
    assert_int_equal(ot_courier_tables_load_overrides(t, OT_TEST_COURIER_DATA
                                                      "/overrides_example.json", &err), 0);
    assert_int_equal(ot_courier_map(&m, t, OT_PROVIDER_VELOCITY, "rto_cancelled", NULL, NULL,
                                    &err), 0);
    assert_int_equal(m.shipment_status, OT_SHIPMENT_IN_TRANSIT);
    ot_courier_tables_free(t);
    assert_int_equal(ot_courier_tables_new(&t, NULL), 0);
    assert_ot_error(ot_courier_tables_load_overrides(t, OT_TEST_COURIER_DATA
                                                     "/overrides_bad.json", &err),
                    OT_EPARSE, err);
    assert_non_null(strstr(err.message, "overrides_bad.json:5: mappings[1].status"));
    ot_courier_tables_free(t);
}

/* Every prefix of a good override file is refused (nothing loaded) or loads entirely. */
static void test_override_prefixes(void **state)
{
    size_t n, len = strlen(good_overrides);
    (void)state;
    for (n = 0; n < len; n++) {
        ot_courier_tables *t = NULL;
        ot_error err;
        char *copy = malloc(n ? n : 1);
        int rc;
        assert_non_null(copy);
        memcpy(copy, good_overrides, n);
        assert_int_equal(ot_courier_tables_new(&t, NULL), 0);
        ot_error_clear(&err);
        rc = ot_courier_tables_load_overrides_json(t, copy, n, &err);
        if (rc == 0) {
            assert_int_equal(ot_courier_tables_override_count(t, NULL), 6);
        } else {
            assert_int_equal(rc, OT_EPARSE);
            assert_true(strncmp(err.message, "overrides:", 10) == 0);
            assert_int_equal(ot_courier_tables_override_count(t, NULL), 0);
        }
        ot_courier_tables_free(t);
        free(copy);
    }
}

struct time_case {
    const char *s;
    int offset;
    int64_t ms; /* -1: refused */
};

static const struct time_case time_cases[] = {
    {"1970-01-01T00:00:00Z", 0, 0},
    {"2026-01-05T18:45:10.52", 330, 1767618910520},
    {"2026-01-05T18:45:10.520999", 330, 1767618910520},
    {"2026-01-05 18:45:10.52", 330, 1767618910520},
    {"2026-01-05T13:15:10.52Z", 330, 1767618910520},
    {"2026-01-05T13:15:10.52+00:00", 330, 1767618910520},
    {"2026-01-05T18:45:10.52+05:30", 0, 1767618910520},
    {"2026-01-05T18:45:10.52+0530", 0, 1767618910520},
    {"2026-01-05T08:15:10.52-05:00", 0, 1767618910520},
    {"23 05 2023 11:43:52", 330, 1684822432000},
    {"2023-05-24 23:59:59", 330, 1684952999000},
    {"2026-03-03", 330, 1772476200000},
    {"2024-02-29T00:00Z", 0, 1709164800000},
    {"2023-02-29T00:00:00Z", 0, -1},
    {"2026-02-31T10:00:00Z", 0, -1},    /* calendar dates are refused, not rolled over */
    {"2026-04-31 10:00", 330, -1},
    {"2026-02-31", 330, -1},
    {"31 02 2026 10:00:00", 330, -1},
    {"2026-00-10", 0, -1},
    {"2026-01-00", 0, -1},
    {"2026-13-01T00:00:00Z", 0, -1},
    {"2026-01-01T24:00:00Z", 0, -1},
    {"2026-01-01T00:00:00+25:00", 0, -1},
    {"2026-01-01T00:00:00.Z", 0, -1},
    {"2026-01-01T00:00:00 junk", 0, -1},
    {"2026-1-01", 0, -1},
    {"1969-12-31T23:59:59Z", 0, -1},
    {"32 05 2023 11:43:52", 330, -1},
    {"23 05 2023 11:43", 330, -1},
    {"", 0, -1},
    {"yesterday", 0, -1},
};

static void test_time_parse(void **state)
{
    size_t i;
    (void)state;
    for (i = 0; i < sizeof time_cases / sizeof time_cases[0]; i++) {
        int64_t ms = 42;
        int rc = ot__time_parse_partner(&ms, time_cases[i].s, time_cases[i].offset);
        if (time_cases[i].ms < 0) {
            if (rc != -1)
                fail_msg("\"%s\" accepted as %lld", time_cases[i].s, (long long)ms);
        } else if (rc != 0 || ms != time_cases[i].ms) {
            fail_msg("\"%s\": rc %d, %lld (want %lld)", time_cases[i].s, rc, (long long)ms,
                     (long long)time_cases[i].ms);
        }
    }
    {
        int64_t ms = 0;
        assert_int_equal(ot__time_parse_partner(&ms, NULL, 0), -1);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_builtin_row),
        cmocka_unit_test(test_no_duplicate_keys),
        cmocka_unit_test(test_documented_cases),
        cmocka_unit_test(test_unknown_and_bad_input),
        cmocka_unit_test(test_normalise),
        cmocka_unit_test(test_overrides),
        cmocka_unit_test(test_bad_overrides),
        cmocka_unit_test(test_override_file),
        cmocka_unit_test(test_override_prefixes),
        cmocka_unit_test(test_time_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
