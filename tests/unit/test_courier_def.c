/* Couriers as data: the loader (and its error messages), the registry's identities, mapping
 * and parsing through a definition, the built-in data files against the C tables, detection
 * against a table of real-format tracking numbers, and a run-time courier's order tracked
 * end to end by a tracker on the memory store. */
#include <stdio.h>
#include <stdlib.h>

#include "test_util.h"
#include <ordertrack/adapters/memory.h>
#include "courier/courier_internal.h"
#include "rules/vocab_internal.h"

#define ACME OT_TEST_DATA "/couriers/acme_express.json"

static ot_courier_registry *registry_with(const char *const *paths)
{
    ot_courier_registry *r = NULL;
    ot_error err;
    assert_int_equal(ot_courier_registry_new(&r, &err), 0);
    for (; paths && *paths; paths++)
        if (ot_courier_registry_load(r, *paths, &err) <= 0)
            fail_msg("%s: %s", *paths, err.message);
    return r;
}

static void test_identity(void **state)
{
    const char *const files[] = {ACME, OT_DATA_COURIERS "/india_post.json", NULL};
    ot_courier_registry *r = registry_with(files);
    const char *name = NULL;
    ot_error err;
    int id = ot_courier_registry_lookup(r, "acme_express", &err);
    (void)state;
    assert_true(id >= OT_COURIER_ID_MIN && id <= OT_COURIER_ID_MAX);
    assert_int_equal(id, ot__provider_id("acme_express")); /* the same in every program */
    assert_int_equal(ot_courier_registry_name(&name, r, id, &err), 0);
    assert_string_equal(name, "acme_express");
    assert_int_equal(ot_courier_registry_lookup(r, "delhivery", &err), OT_PROVIDER_DELHIVERY);
    assert_int_equal(ot_courier_registry_is_generic(r, id, &err), 1);
    assert_int_equal(ot_courier_registry_is_generic(r, OT_PROVIDER_DELHIVERY, &err), 0);
    assert_ot_error(ot_courier_registry_lookup(r, "fedex", &err), OT_ENOTFOUND, err);
    assert_ot_error(ot_courier_registry_load(r, OT_TEST_DATA, &err), OT_EIO, err);
    assert_non_null(strstr(err.message, "not a regular file"));
    assert_ot_error(ot_courier_registry_load(r, OT_TEST_DATA "/nope.json", &err), OT_EIO, err);
    assert_ot_error(ot_courier_registry_name(&name, r, 9999, &err), OT_ENOTFOUND, err);
    /* loading it again: the name is taken */
    assert_ot_error(ot_courier_registry_load(r, ACME, &err), OT_EEXISTS, err);
    assert_string_equal(err.field, "name");
    ot_courier_registry_free(r);
}

static void test_map(void **state)
{
    const char *const files[] = {ACME, NULL};
    ot_courier_registry *r = registry_with(files);
    int id = ot_courier_registry_lookup(r, "acme_express", NULL);
    ot_courier_mapping m;
    ot_error err;
    (void)state;
    assert_int_equal(ot_courier_registry_map(&m, r, NULL, id, "Out_For Delivery", NULL, NULL,
                                             &err), 0);
    assert_int_equal(m.shipment_status, OT_SHIPMENT_OUT_FOR_DELIVERY);
    assert_int_equal(m.status, OT_STATUS_IN_TRANSIT);
    assert_int_equal(ot_courier_registry_map(&m, r, NULL, id, "50", NULL, NULL, &err), 0);
    assert_int_equal(m.shipment_status, OT_SHIPMENT_DELIVERED);
    assert_int_equal(ot_courier_registry_map(&m, r, NULL, id, "delivered partially", NULL, NULL,
                                             &err), 0);
    assert_int_equal(m.flags, OT_UPDATE_PARTIAL);
    assert_ot_error(ot_courier_registry_map(&m, r, NULL, id, "teleported", NULL, NULL, &err),
                    OT_EUNKNOWN_STATUS, err);
    assert_int_equal(m.flags, OT_UPDATE_UNMAPPED);
    assert_non_null(strstr(err.message, "acme_express"));
    /* a built-in without a loaded table: the C tables */
    assert_int_equal(ot_courier_registry_map(&m, r, NULL, OT_PROVIDER_VELOCITY, "delivered",
                                             NULL, NULL, &err), 0);
    assert_int_equal(m.shipment_status, OT_SHIPMENT_DELIVERED);
    ot_courier_registry_free(r);
}

static void test_parse(void **state)
{
    const char *const files[] = {ACME, NULL};
    ot_courier_registry *r = registry_with(files);
    int id = ot_courier_registry_lookup(r, "acme_express", NULL);
    static const char answer[] =
        "{\"ok\": true, \"data\": {\"shipments\": ["
        "{\"tracking\": {\"number\": \"AX123456782\"}, \"latest\": {\"code\": 40, "
        "\"label\": \"Out for delivery\", \"at\": \"2026-01-01T10:00:00\", \"where\": \"Pune\"}},"
        "{\"tracking\": {\"number\": \"AX000000000\"}, \"latest\": {\"code\": \"XX\"}}]}}";
    static const char hook[] = "{\"shipment\": {\"tracking\": {\"number\": \"AX1\"}, "
                               "\"latest\": {\"code\": \"delivered\", \"event_id\": \"e-9\", "
                               "\"at\": 1767250800}}}";
    static const char no_awb[] = "{\"data\": {\"shipments\": [{\"latest\": {\"code\": 40}}]}}";
    ot_update_list *list = NULL;
    const ot_update *u;
    ot_error err;
    (void)state;
    assert_int_equal(ot_courier_registry_parse(&list, r, id, OT_COURIER_DEF_TRACKING, answer,
                                               sizeof answer - 1, &err), 0);
    assert_int_equal(ot_update_list_count(list), 2);
    u = ot_update_list_get(list, 0);
    assert_int_equal(u->provider, id);
    assert_string_equal(u->tracking_id, "AX123456782");
    assert_string_equal(u->raw_status, "40");
    assert_string_equal(u->location, "Pune");
    assert_string_equal(u->notes, "Out for delivery");
    assert_int_equal(u->shipment_status, OT_SHIPMENT_OUT_FOR_DELIVERY);
    assert_int_equal(u->event_time_ms, 1767261600000LL - 330 * 60000LL); /* IST */
    u = ot_update_list_get(list, 1);
    assert_true(u->flags & OT_UPDATE_UNMAPPED);
    ot_update_list_free(list);

    assert_int_equal(ot_courier_registry_parse(&list, r, id, OT_COURIER_DEF_WEBHOOK, hook,
                                               sizeof hook - 1, &err), 0);
    assert_int_equal(ot_update_list_count(list), 1);
    u = ot_update_list_get(list, 0);
    assert_string_equal(u->event_id, "e-9");
    assert_int_equal(u->event_time_ms, 1767250800000LL);
    assert_int_equal(u->shipment_status, OT_SHIPMENT_DELIVERED);
    ot_update_list_free(list);

    assert_ot_error(ot_courier_registry_parse(&list, r, id, OT_COURIER_DEF_TRACKING, no_awb,
                                              sizeof no_awb - 1, &err), OT_EPARSE, err);
    assert_string_equal(err.field, "/tracking/number");
    assert_null(list);
    assert_ot_error(ot_courier_registry_parse(&list, r, id, OT_COURIER_DEF_TRACKING, "[1]", 3,
                                              &err), OT_EPARSE, err);
    assert_ot_error(ot_courier_registry_parse(&list, r, OT_PROVIDER_DELHIVERY,
                                              OT_COURIER_DEF_TRACKING, "{}", 2, &err),
                    OT_EINVAL, err);
    ot_courier_registry_free(r);
}

/* A bad definition: the code, the field and the problem, named with the file. */
static void test_validation(void **state)
{
    static const struct {
        const char *json, *field, *words;
        int code;
    } cases[] = {
        {"[]", "", "expected a JSON object", OT_EPARSE},
        {"{\"format\": 2, \"name\": \"x\"}", "format", "must be 1", OT_EPARSE},
        {"{\"format\": 1, \"name\": \"Bad Name\"}", "name", "a-z", OT_EPARSE},
        {"{\"format\": 1, \"name\": \"x\"}", "statuses", "missing", OT_EPARSE},
        {"{\"format\": 1, \"name\": \"x\", \"colour\": 1}", "colour", "unknown member",
         OT_EPARSE},
        {"{\"format\": 1, \"name\": \"x\", \"statuses\": [{\"status\": \"teleported\", "
         "\"words\": [\"a\"]}]}", "statuses[0].status", "not a shipment status", OT_EPARSE},
        {"{\"format\": 1, \"name\": \"x\", \"statuses\": [{\"status\": \"delivered\"}]}",
         "statuses[0]", "at least one of words, ids", OT_EPARSE},
        {"{\"format\": 1, \"name\": \"x\", \"statuses\": [{\"status\": \"delivered\", "
         "\"words\": [\"\"]}]}", "statuses[0].words[0]", "empty", OT_EPARSE},
        {"{\"format\": 1, \"name\": \"x\", \"statuses\": [{\"status\": null, \"words\": "
         "[\"a\"], \"flags\": [\"shiny\"]}]}", "statuses[0].flags", "unknown flag", OT_EPARSE},
        {"{\"format\": 1, \"name\": \"x\", \"statuses\": [], \"tracking_numbers\": "
         "[{\"pattern\": \"([0-9\"}]}", "tracking_numbers[0].pattern", "regular expression",
         OT_EPARSE},
        {"{\"format\": 1, \"name\": \"x\", \"statuses\": [], \"tracking_numbers\": "
         "[{\"pattern\": \"((a{64}){64}){64}\"}]}", "tracking_numbers[0].pattern",
         "beyond 4096", OT_ELIMIT},
        {"{\"format\": 1, \"name\": \"x\", \"statuses\": [], \"tracking_numbers\": "
         "[{\"pattern\": \"^1$\", \"check\": \"crc\"}]}", "tracking_numbers[0].check",
         "s10, mod7, luhn", OT_EPARSE},
        {"{\"format\": 1, \"name\": \"x\", \"statuses\": [], \"tracking_numbers\": "
         "[{\"pattern\": \"^1$\", \"confidence\": 101}]}", "tracking_numbers[0].confidence",
         "1..100", OT_EPARSE},
        {"{\"format\": 1, \"name\": \"x\", \"statuses\": [], \"payload\": {\"awb\": \"/a\"}}",
         "payload.status", "missing", OT_EPARSE},
        {"{\"format\": 1, \"name\": \"x\", \"statuses\": [], \"payload\": {\"awb\": \"a\", "
         "\"status\": \"/s\"}}", "payload.awb", "JSON pointer", OT_EPARSE},
        {"{\"format\": 1, \"name\": \"x\", \"statuses\": [], \"payload\": {\"awb\": \"/a\", "
         "\"status\": \"/s\"}, \"api\": {\"path\": \"/track\"}}", "api.path", "{awbs}",
         OT_EPARSE},
        {"{\"format\": 1, \"name\": \"x\", \"statuses\": [], \"api\": {\"path\": "
         "\"/t?a={awbs}\"}}", "payload", "api needs the payload", OT_EPARSE},
        {"{\"format\": 1, \"name\": \"x\", \"statuses\": [], \"payload\": {\"awb\": \"/a\", "
         "\"status\": \"/s\"}, \"api\": {\"path\": \"/t?a={awbs}\", \"auth_header\": "
         "\"X Key\"}}", "api.auth_header", "header name", OT_EPARSE},
        {"{\"format\": 1, \"name\": \"x\", \"kind\": \"hyperlocal\", \"statuses\": []}", "kind",
         "parcel", OT_EPARSE},
        {"{\"format\": 1, \"name\": \"delhivery\", \"payload\": {\"awb\": \"/a\", \"status\": "
         "\"/s\"}}", "payload", "keeps its C parser", OT_EPARSE},
        {"{\"format\": 1, \"name\": \"internal\"}", "name", "not a courier", OT_EPARSE},
        {"{\"format\": 1, \"name\": \"uber\", \"statuses\": [{\"status\": \"in transit\", "
         "\"words\": [\"x\"]}]}", "statuses[0].status", "order status", OT_EPARSE},
    };
    ot_courier_registry *r = registry_with(NULL);
    size_t i;
    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ot_error err;
        char prefix[160];
        int rc = ot_courier_registry_load_json(r, cases[i].json, strlen(cases[i].json),
                                               "bad.json", &err);
        if (rc != cases[i].code || strcmp(err.field, cases[i].field) != 0 ||
            !strstr(err.message, cases[i].words))
            fail_msg("case %zu: rc %d field \"%s\" message \"%s\"", i, rc, err.field,
                     err.message);
        snprintf(prefix, sizeof prefix, "bad.json: %s", cases[i].field[0] ? cases[i].field
                                                                          : "(document)");
        if (strncmp(err.message, prefix, strlen(prefix)) != 0)
            fail_msg("case %zu: message \"%s\" does not start with \"%s\"", i, err.message,
                     prefix);
    }
    /* a failed load changed nothing */
    assert_int_equal(ot_courier_registry_lookup(r, "x", NULL), OT_ENOTFOUND);
    ot_courier_registry_free(r);
}

/* data/couriers/<built-in>.json describe the C tables exactly: every C row maps the same
 * through the file, and the file has no row the C tables lack. */
static void test_builtin_files_match_c_tables(void **state)
{
    static const struct ot__courier_table *const tables[] = {
        &ot__courier_delhivery, &ot__courier_delhivery_b2b, &ot__courier_shiprocket,
        &ot__courier_velocity,  &ot__courier_uber,          &ot__courier_doordash,
    };
    size_t t, i;
    (void)state;
    for (t = 0; t < sizeof tables / sizeof tables[0]; t++) {
        const struct ot__courier_table *tab = tables[t];
        ot_courier_registry *r = registry_with(NULL), *c_only = registry_with(NULL);
        const char *name = NULL;
        char path[512];
        size_t file_rows = 0;
        FILE *f;
        char line[4096];
        ot_error err;
        assert_int_equal(ot_provider_to_string(&name, tab->provider, NULL), 0);
        snprintf(path, sizeof path, "%s/%s.json", OT_DATA_COURIERS, name);
        if (ot_courier_registry_load(r, path, &err) != tab->provider)
            fail_msg("%s: %s", path, err.message);
        for (i = 0; i < tab->count; i++) {
            const struct ot__courier_row *row = &tab->rows[i];
            ot_courier_mapping a, b;
            assert_int_equal(ot_courier_map(&a, NULL, tab->provider, row->raw, row->type,
                                            row->code, NULL), 0);
            if (ot_courier_registry_map(&b, r, NULL, tab->provider, row->raw, row->type,
                                        row->code, &err) != 0)
                fail_msg("%s: row %s/%s/%s: %s", name, row->type ? row->type : "-", row->raw,
                         row->code ? row->code : "-", err.message);
            if (a.status != b.status || a.shipment_status != b.shipment_status ||
                a.flags != b.flags)
                fail_msg("%s: row %s differs from the C table", name, row->raw);
            /* the registry without the file uses the C tables */
            assert_int_equal(ot_courier_registry_map(&b, c_only, NULL, tab->provider, row->raw,
                                                     row->type, row->code, NULL), 0);
        }
        /* as many keys in the file as rows in C: count words and ids */
        f = fopen(path, "r");
        assert_non_null(f);
        while (fgets(line, sizeof line, f)) {
            char *p = strstr(line, "\"words\": [");
            char *q = strstr(line, "\"ids\": [");
            for (; p && *p && *p != ']'; p++)
                file_rows += *p == ',';
            if (strstr(line, "\"words\": ["))
                file_rows++;
            for (; q && *q && *q != ']'; q++)
                file_rows += *q == ',';
            if (strstr(line, "\"ids\": ["))
                file_rows++;
        }
        fclose(f);
        assert_int_equal(file_rows, tab->count);
        ot_courier_registry_free(r);
        ot_courier_registry_free(c_only);
    }
}

/* Real-format tracking numbers of every defined courier, and near misses. */
static void test_detect_table(void **state)
{
    static const struct {
        const char *number, *first; /* NULL: no candidate */
        int confidence;
        size_t count;
    } cases[] = {
        {"1490811234567", "delhivery", 60, 1},       /* Delhivery waybill, 13 digits */
        {" 14908112345678 ", "delhivery", 60, 1},    /* 14 digits, padded */
        {"220123456", "delhivery_b2b", 30, 1},       /* Delhivery B2B LR number */
        {"del_Aq3fN9dGx3Qm0WZk", "uber", 95, 1},     /* Uber Direct delivery id */
        {"ret_Aq3fN9dGx3Qm0WZk", "uber", 95, 1},     /* its return delivery */
        {"EE123456785IN", "india_post", 95, 1},      /* Speed Post, S10 check digit 5 */
        {"RK987654326IN", "india_post", 95, 1},      /* registered letter */
        {"EE123456784IN", NULL, 0, 0},               /* S10 check digit wrong */
        {"EE123456785US", NULL, 0, 0},               /* not India's */
        {"AX123456782", "acme_express", 90, 1},      /* mod 7 check digit 2 */
        {"AX123456783", NULL, 0, 0},                 /* mod 7 wrong */
        {"149081123456", NULL, 0, 0},                /* 12 digits: nobody's */
        {"1Z999AA10123456784", NULL, 0, 0},          /* a UPS number: no definition */
        {"", NULL, 0, 0},
    };
    const char *const files[] = {ACME, OT_DATA_COURIERS "/india_post.json", NULL};
    ot_courier_registry *r = registry_with(files);
    size_t i;
    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ot_courier_candidate out[4] = {OT_COURIER_CANDIDATE_INIT, OT_COURIER_CANDIDATE_INIT,
                                       OT_COURIER_CANDIDATE_INIT, OT_COURIER_CANDIDATE_INIT};
        size_t n = 99;
        ot_error err;
        assert_int_equal(ot_courier_detect(r, cases[i].number, out, 4, &n, &err), 0);
        if (n != cases[i].count)
            fail_msg("%s: %zu candidates, expected %zu", cases[i].number, n, cases[i].count);
        if (cases[i].first) {
            assert_string_equal(out[0].name, cases[i].first);
            assert_int_equal(out[0].confidence, cases[i].confidence);
            assert_int_equal(out[0].provider, ot_courier_registry_lookup(r, cases[i].first,
                                                                         NULL));
        }
    }
    /* every example in every data file is detected as its own courier */
    {
        static const char *const names[] = {"delhivery", "delhivery_b2b", "uber", "india_post"};
        static const char *const examples[] = {"1490811234567", "220123456",
                                               "del_Aq3fN9dGx3Qm0WZk", "EE123456785IN"};
        ot_courier_registry *files_only = registry_with(NULL);
        char path[512];
        for (i = 0; i < 4; i++) {
            ot_courier_candidate c = OT_COURIER_CANDIDATE_INIT;
            size_t n = 0;
            snprintf(path, sizeof path, "%s/%s.json", OT_DATA_COURIERS, names[i]);
            assert_true(ot_courier_registry_load(files_only, path, NULL) > 0);
            assert_int_equal(ot_courier_detect(files_only, examples[i], &c, 1, &n, NULL), 0);
            assert_int_equal(n, 1);
            assert_string_equal(c.name, names[i]);
        }
        ot_courier_registry_free(files_only);
    }
    /* NULL registry: the built-in couriers; a wrong candidate version; cap 0 counts */
    {
        ot_courier_candidate c = OT_COURIER_CANDIDATE_INIT;
        size_t n = 0;
        ot_error err;
        assert_int_equal(ot_courier_detect(NULL, "1490811234567", &c, 1, &n, &err), 0);
        assert_int_equal(n, 1);
        assert_string_equal(c.name, "delhivery");
        assert_int_equal(ot_courier_detect(r, "AX123456782", NULL, 0, &n, &err), 0);
        assert_int_equal(n, 1);
        c.version = 99;
        assert_ot_error(ot_courier_detect(r, "AX123456782", &c, 1, &n, &err), OT_EVERSION, err);
        assert_ot_error(ot_courier_detect(r, NULL, &c, 1, &n, &err), OT_EINVAL, err);
    }
    ot_courier_registry_free(r);
}

/* A run-time courier's order on a tracker given the registry: init, an update parsed from
 * its payload, the shipment moves; without the registry the tracker refuses the provider. */
static void test_tracker_run_time_courier(void **state)
{
    const char *const files[] = {ACME, NULL};
    ot_courier_registry *r = registry_with(files);
    int id = ot_courier_registry_lookup(r, "acme_express", NULL);
    ot_tracker_options o = OT_TRACKER_OPTIONS_INIT;
    ot_request req = OT_REQUEST_INIT;
    ot_storage *storage = NULL;
    ot_tracker *t = NULL;
    ot_order *order = NULL;
    ot_update_list *list = NULL;
    static const char body[] = "{\"shipment\": {\"tracking\": {\"number\": \"AX123456782\"}, "
                               "\"latest\": {\"code\": \"ofd\", \"at\": 1767250800}}}";
    ot_error err;
    (void)state;
    assert_int_equal(ot_storage_memory_new(&storage, &err), 0);
    o.storage = storage;
    assert_int_equal(ot_tracker_new(&t, &o, &err), 0);
    req.order_id = "ORD-ACME-1";
    req.store_id = "S1";
    req.customer_id = "C1";
    req.provider = id;
    req.tracking_id = "AX123456782";
    assert_ot_error(ot_tracker_init_order(&order, t, &req, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "provider");
    assert_int_equal(ot_tracker_set_couriers(t, r, &err), 0);
    assert_int_equal(ot_tracker_init_order(&order, t, &req, &err), 0);
    assert_int_equal(ot_order_provider(order), id);
    assert_int_equal(ot_order_shipment_status(order), OT_SHIPMENT_PENDING);
    ot_order_free(order);
    assert_int_equal(ot_courier_registry_parse(&list, r, id, OT_COURIER_DEF_WEBHOOK, body,
                                               sizeof body - 1, &err), 0);
    if (ot_tracker_apply_update(&order, t, ot_update_list_get(list, 0), NULL, &err) != 0)
        fail_msg("apply: %s", err.message);
    assert_int_equal(ot_order_shipment_status(order), OT_SHIPMENT_OUT_FOR_DELIVERY);
    assert_int_equal(ot_order_status(order), OT_STATUS_IN_TRANSIT);
    ot_order_free(order);
    ot_update_list_free(list);
    ot_tracker_free(t);
    ot_storage_close(storage);
    ot_courier_registry_free(r);
}

/* The courier client of a run-time courier: needs config version 2 with the registry, and a
 * definition with an api; a version 1 config is still taken for the built-in couriers. */
static void test_courier_client(void **state)
{
    static const char no_api[] = "{\"format\": 1, \"name\": \"no_api\", \"statuses\": "
                                 "[{\"status\": \"delivered\", \"words\": [\"x\"]}]}";
    const char *const files[] = {ACME, NULL};
    ot_courier_registry *r = registry_with(files);
    ot_courier_config cc = OT_COURIER_CONFIG_INIT;
    ot_courier_client *c = NULL;
    ot_error err;
    int bare;
    (void)state;
    bare = ot_courier_registry_load_json(r, no_api, sizeof no_api - 1, NULL, &err);
    assert_true(bare >= OT_COURIER_ID_MIN);
    cc.provider = ot_courier_registry_lookup(r, "acme_express", NULL);
    cc.base_url = "http://127.0.0.1:1";
    cc.token = "k";
    assert_ot_error(ot_courier_client_new(&c, &cc, NULL, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "couriers");
    cc.couriers = r;
    cc.batch_size = 21;
    assert_ot_error(ot_courier_client_new(&c, &cc, NULL, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "batch_size");
    cc.batch_size = 0;
    assert_int_equal(ot_courier_client_new(&c, &cc, NULL, &err), 0);
    assert_int_equal(ot_courier_client_provider(c, &err), cc.provider);
    ot_courier_client_free(c);
    cc.provider = bare;
    assert_ot_error(ot_courier_client_new(&c, &cc, NULL, &err), OT_EINVAL, err);
    assert_non_null(strstr(err.message, "no tracking api"));
    /* version 1: the struct ends before `couriers`; built-in couriers as before */
    cc.couriers = NULL;
    assert_int_equal(ot_courier_config_init(&cc, 1, &err), 0);
    assert_int_equal(cc.version, 1);
    assert_null(cc.couriers); /* not written: a version 1 caller's struct ends before it */
    cc.couriers = r;          /* and not read */
    cc.provider = OT_PROVIDER_DELHIVERY;
    cc.base_url = "http://127.0.0.1:1";
    cc.token = "k";
    assert_int_equal(ot_courier_client_new(&c, &cc, NULL, &err), 0);
    ot_courier_client_free(c);
    ot_courier_registry_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_identity),
        cmocka_unit_test(test_map),
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_validation),
        cmocka_unit_test(test_builtin_files_match_c_tables),
        cmocka_unit_test(test_detect_table),
        cmocka_unit_test(test_tracker_run_time_courier),
        cmocka_unit_test(test_courier_client),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
