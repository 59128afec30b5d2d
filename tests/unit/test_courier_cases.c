/* Courier payload parsers against expectations kept as files (the shape of jansson's
 * test/suites): every `NAME.expected.json` under tests/data/courier (and its subfolders) is
 * one case, its input the fixture `NAME.json` beside it. The expectation names the payload
 * kind and holds either the updates the parser must produce, every member written out
 * (`{"payload": "uber_webhook", "updates": [...]}`), or the error it must answer
 * (`{"payload": ..., "error": {"code": "OT_EPARSE", "field": "..."}}`). Each case is a test
 * of its own, named by its file, so one failing case does not hide the others.
 *
 * A new case: add the fixture and an expectation with its payload and an empty "updates";
 * run the test once with OT_TEST_WRITE_EXPECTED=1 to write what the parser produces, then
 * read the file and keep it only if it is right. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <jansson.h>

#include "test_util.h"
#include "test_files.h"

/* The payload kinds by the name an expectation gives them. */
static const struct {
    const char *name;
    int payload;
} payloads[] = {
    {"delhivery_tracking", OT_PAYLOAD_DELHIVERY_TRACKING},
    {"delhivery_push", OT_PAYLOAD_DELHIVERY_PUSH},
    {"delhivery_b2b_tracking", OT_PAYLOAD_DELHIVERY_B2B_TRACKING},
    {"shiprocket_tracking", OT_PAYLOAD_SHIPROCKET_TRACKING},
    {"shiprocket_webhook", OT_PAYLOAD_SHIPROCKET_WEBHOOK},
    {"velocity_tracking", OT_PAYLOAD_VELOCITY_TRACKING},
    {"velocity_webhook", OT_PAYLOAD_VELOCITY_WEBHOOK},
    {"uber_webhook", OT_PAYLOAD_UBER_WEBHOOK},
    {"doordash_webhook", OT_PAYLOAD_DOORDASH_WEBHOOK},
};

/* The flags by the name the expectations write. */
static const struct {
    unsigned flag;
    const char *name;
} flag_names[] = {
    {OT_UPDATE_PARTIAL, "partial"},
    {OT_UPDATE_DAMAGED, "damaged"},
    {OT_UPDATE_REVERSE_PICKUP, "reverse_pickup"},
    {OT_UPDATE_CUSTOMER_RETURN, "customer_return"},
    {OT_UPDATE_UNMAPPED, "unmapped"},
    {OT_UPDATE_LEFT_AT_DOOR, "left_at_door"},
    {OT_UPDATE_HAS_POSITION, "has_position"},
    {OT_UPDATE_LOCATION_ONLY, "location_only"},
    {OT_UPDATE_RETURNED, "returned"},
};

static int payload_of(const char *name)
{
    size_t i;
    for (i = 0; i < sizeof payloads / sizeof payloads[0]; i++)
        if (strcmp(payloads[i].name, name) == 0)
            return payloads[i].payload;
    return -1;
}

static void set_str(json_t *o, const char *key, const char *value)
{
    if (value)
        json_object_set_new(o, key, json_string(value));
}

/* A time as the wire writes it (the expectation stays readable), or nothing for 0. */
static void set_time(json_t *o, const char *key, int64_t ms)
{
    char text[OT_TIME_SIZE];
    if (ms == 0)
        return;
    if (ot_time_format(text, ms, NULL) != 0)
        fail_msg("%s: %lld is not a time", key, (long long)ms);
    json_object_set_new(o, key, json_string(text));
}

/* Every member of the update, an absent one (NULL, 0) left out, enums by their names. */
static json_t *update_json(const ot_update *u)
{
    json_t *o = json_object(), *flags = json_array();
    const char *name;
    size_t i;
    unsigned known = 0;

    if (ot_provider_to_string(&name, u->provider, NULL) != 0)
        fail_msg("provider %d has no name", u->provider);
    set_str(o, "provider", name);
    set_str(o, "tracking_id", u->tracking_id);
    set_str(o, "order_id", u->order_id);
    set_str(o, "event_id", u->event_id);
    set_str(o, "raw_status", u->raw_status);
    set_str(o, "raw_type", u->raw_type);
    if (u->status && ot_status_to_string(&name, u->status, NULL) == 0)
        set_str(o, "status", name);
    else if (u->status)
        fail_msg("status %d has no name", u->status);
    if (u->shipment_status && ot_shipment_to_string(&name, u->shipment_status, NULL) == 0)
        set_str(o, "shipment_status", name);
    else if (u->shipment_status)
        fail_msg("shipment status %d has no name", u->shipment_status);
    for (i = 0; i < sizeof flag_names / sizeof flag_names[0]; i++) {
        known |= flag_names[i].flag;
        if (u->flags & flag_names[i].flag)
            json_array_append_new(flags, json_string(flag_names[i].name));
    }
    if (u->flags & ~known)
        fail_msg("flags 0x%x: a flag without a name", u->flags & ~known);
    if (json_array_size(flags))
        json_object_set(o, "flags", flags);
    json_decref(flags);
    set_time(o, "event_time", u->event_time_ms);
    set_str(o, "location", u->location);
    if (u->flags & OT_UPDATE_HAS_POSITION) {
        json_object_set_new(o, "latitude", json_real(u->latitude));
        json_object_set_new(o, "longitude", json_real(u->longitude));
    }
    set_str(o, "driver_id", u->driver_id);
    set_str(o, "driver_name", u->driver_name);
    set_str(o, "driver_phone", u->driver_phone);
    set_str(o, "vehicle_type", u->vehicle_type);
    set_str(o, "vehicle_number", u->vehicle_number);
    set_str(o, "photo_url", u->photo_url);
    set_time(o, "eta", u->eta_ms);
    set_str(o, "tracking_url", u->tracking_url);
    set_str(o, "notes", u->notes);
    return o;
}

/* What the parser answers for `input`: {"payload", "updates"} or {"payload", "error"}. */
static json_t *actual_of(const char *payload_name, int payload, const char *input, size_t len)
{
    ot_update_list *list = (ot_update_list *)&list; /* the call must set it */
    json_t *updates, *doc;
    ot_error err;
    size_t i;
    int rc;

    ot_error_clear(&err);
    rc = ot_courier_parse(&list, NULL, payload, input, len, &err);
    doc = json_pack("{ss}", "payload", payload_name);
    if (rc != 0) {
        assert_null(list);
        assert_true(err.message[0] != '\0');
        json_object_set_new(doc, "error", json_pack("{ss ss}", "code", ot_code_name(rc),
                                                    "field", err.field));
        return doc;
    }
    updates = json_array();
    for (i = 0; i < ot_update_list_count(list); i++) {
        const ot_update *u = ot_update_list_get(list, i);
        assert_int_equal(u->version, OT_UPDATE_VERSION);
        json_array_append_new(updates, update_json(u));
    }
    ot_update_list_free(list);
    json_object_set_new(doc, "updates", updates);
    return doc;
}

struct parse_case {
    char expected[512]; /* the expectation's path */
    char input[512];    /* the fixture beside it */
};

static void run_case(void **state)
{
    const struct parse_case *c = *state;
    json_error_t jerr;
    json_t *expected = json_load_file(c->expected, 0, &jerr), *actual;
    const char *payload_name = NULL;
    size_t len;
    char *input, *want, *got;
    int payload = -1;

    if (!expected)
        fail_msg("%s:%d: %s", c->expected, jerr.line, jerr.text);
    if (json_unpack(expected, "{s:s}", "payload", &payload_name) != 0 ||
        (payload = payload_of(payload_name)) < 0)
        fail_msg("%s: \"payload\" must name a payload kind", c->expected);
    input = test_read_file(NULL, c->input, &len);
    actual = actual_of(payload_name, payload, input, len);
    free(input);
    if (getenv("OT_TEST_WRITE_EXPECTED")) {
        if (json_dump_file(actual, c->expected, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0)
            fail_msg("cannot write %s", c->expected);
    } else if (!json_equal(expected, actual)) {
        want = json_dumps(expected, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        got = json_dumps(actual, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        print_error("%s\n--- expected\n%s\n--- parsed\n%s\n", c->input, want, got);
        free(want);
        free(got);
        json_decref(expected);
        json_decref(actual);
        fail_msg("%s: the parser's answer differs from %s", c->input, c->expected);
    }
    json_decref(expected);
    json_decref(actual);
}

#define SUFFIX ".expected.json"

/* Append a case for every expectation under `dir`, subfolders included. */
static void collect(const char *dir, struct parse_case **cases, size_t *n)
{
    DIR *d = opendir(dir);
    struct dirent *e;

    if (!d) {
        fprintf(stderr, "cannot open %s\n", dir);
        exit(1);
    }
    while ((e = readdir(d)) != NULL) {
        char path[512];
        size_t len = strlen(e->d_name);
        struct stat st;

        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
            collect(path, cases, n);
        } else if (len > strlen(SUFFIX) && strcmp(e->d_name + len - strlen(SUFFIX), SUFFIX) == 0) {
            struct parse_case *c;
            *cases = realloc(*cases, (*n + 1) * sizeof **cases);
            if (!*cases)
                exit(1);
            c = &(*cases)[(*n)++];
            snprintf(c->expected, sizeof c->expected, "%s", path);
            snprintf(c->input, sizeof c->input, "%.*s.json", (int)(strlen(path) - strlen(SUFFIX)),
                     path);
        }
    }
    closedir(d);
}

static int by_path(const void *a, const void *b)
{
    return strcmp(((const struct parse_case *)a)->expected,
                  ((const struct parse_case *)b)->expected);
}

int main(void)
{
    struct parse_case *cases = NULL;
    struct CMUnitTest *tests;
    size_t n = 0, i, root = strlen(OT_TEST_COURIER_DATA) + 1;
    int failed;

    collect(OT_TEST_COURIER_DATA, &cases, &n);
    if (n == 0) {
        fprintf(stderr, "no %s files under %s\n", SUFFIX, OT_TEST_COURIER_DATA);
        return 1;
    }
    qsort(cases, n, sizeof *cases, by_path);
    tests = calloc(n, sizeof *tests);
    if (!tests)
        return 1;
    for (i = 0; i < n; i++) {
        tests[i].name = cases[i].input + root; /* the fixture's path below the folder */
        tests[i].test_func = run_case;
        tests[i].initial_state = &cases[i];
    }
    failed = _cmocka_run_group_tests("courier_cases", tests, n, NULL, NULL);
    free(tests);
    free(cases);
    return failed;
}
