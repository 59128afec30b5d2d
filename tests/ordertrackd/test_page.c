/* The customer tracking page's rules: the `tracking_page` block (pageconf.c), link tokens
 * (tracklink.c), the customer view (custview.c) and the language choice (pagerender.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "config.h"
#include "custview.h"
#include "pagerender.h"
#include "tracklink.h"

#define SECRET_A "secret-a-0123456789abcdef0123456789"
#define SECRET_B "secret-b-0123456789abcdef0123456789"

/* Load `block` as the tracking_page member; 0 or -1 with err. */
static int load(otd_config *cfg, const char *block, char *err, size_t errlen)
{
    char text[2048];

    snprintf(text, sizeof text,
             "{\"api_keys\": [{\"key\": \"admin-0123456789abcdef\", \"role\": \"admin\"}], "
             "\"tracking_page\": %s}",
             block);
    return otd_config_load_string(cfg, text, "t.json", err, errlen);
}

static const char *const two_keys =
    "{\"keys\": [{\"id\": \"b\", \"secret\": \"" SECRET_B "\"}, {\"id\": \"a\", \"secret\": \""
    SECRET_A "\"}], \"public_base_url\": \"https://track.example.com/\"}";

static void test_config(void **state)
{
    static const struct {
        const char *block, *error;
    } bad[] = {
        {"[]", "t.json: tracking_page: must be an object"},
        {"{\"keys\": [], \"public_base_url\": \"https://x\"}", "t.json: tracking_page.keys:"},
        {"{\"keys\": [{\"id\": \"a\", \"secret\": \"short\"}], \"public_base_url\": \"https://x\"}",
         "t.json: tracking_page.keys[0].secret: must be at least 32 bytes"},
        {"{\"keys\": [{\"id\": \"a.b\", \"secret\": \"" SECRET_A "\"}], \"public_base_url\": "
         "\"https://x\"}", "t.json: tracking_page.keys[0].id: must be"},
        {"{\"keys\": [{\"id\": \"a\", \"secret\": \"" SECRET_A "\"}, {\"id\": \"a\", \"secret\": \""
         SECRET_B "\"}], \"public_base_url\": \"https://x\"}",
         "t.json: tracking_page.keys[1].id: \"a\" is listed twice"},
        {"{\"keys\": [{\"id\": \"a\", \"secret\": \"" SECRET_A "\", \"x\": 1}], "
         "\"public_base_url\": \"https://x\"}", "t.json: tracking_page.keys[0].x: unknown field"},
        {"{\"keys\": [{\"id\": \"a\", \"secret\": \"" SECRET_A "\"}]}",
         "t.json: tracking_page.public_base_url:"},
        {"{\"keys\": [{\"id\": \"a\", \"secret\": \"" SECRET_A "\"}], \"public_base_url\": "
         "\"ftp://x\"}", "t.json: tracking_page.public_base_url: must be"},
        {"{\"keys\": [{\"id\": \"a\", \"secret\": \"" SECRET_A "\"}], \"public_base_url\": "
         "\"https://x\", \"link_ttl_s\": 5}", "t.json: tracking_page.link_ttl_s: must be"},
        {"{\"keys\": [{\"id\": \"a\", \"secret\": \"" SECRET_A "\"}], \"public_base_url\": "
         "\"https://x\", \"ttl\": 60}", "t.json: tracking_page.ttl: unknown field"},
    };
    otd_config cfg;
    char err[256];
    (void)state;

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(load(&cfg, bad[i].block, err, sizeof err), -1);
        if (strncmp(err, bad[i].error, strlen(bad[i].error)) != 0)
            fail_msg("%s: got \"%s\", want \"%s...\"", bad[i].block, err, bad[i].error);
        otd_config_free(&cfg);
    }
    assert_int_equal(load(&cfg, two_keys, err, sizeof err), 0);
    assert_true(cfg.tracking_page.present);
    assert_int_equal(cfg.tracking_page.n_keys, 2);
    assert_string_equal(cfg.tracking_page.keys[0].id, "b");
    assert_int_equal(cfg.tracking_page.link_ttl_s, 7 * 24 * 3600);
    assert_string_equal(cfg.tracking_page.public_base_url, "https://track.example.com");
    otd_config_free(&cfg);
}

static void test_tokens(void **state)
{
    otd_config cfg, old;
    char err[256], token[OTD_LINK_TOKEN_MAX + 1], copy[OTD_LINK_TOKEN_MAX + 64], id[160];
    char long_id[OT_ORDER_ID_MAX + 2];
    int64_t exp = 0;
    (void)state;

    assert_int_equal(load(&cfg, two_keys, err, sizeof err), 0);
    assert_int_equal(otd_link_sign(token, sizeof token, &cfg.tracking_page, "o.1:x", 2000), 0);
    assert_int_equal(otd_link_verify(&cfg.tracking_page, token, 1999, id, sizeof id, &exp),
                     OTD_LINK_OK);
    assert_string_equal(id, "o.1:x");
    assert_int_equal(exp, 2000);
    assert_int_equal(otd_link_verify(&cfg.tracking_page, token, 2000, id, sizeof id, &exp),
                     OTD_LINK_EXPIRED);
    /* every single-character change of the signature or the payload is refused */
    for (size_t i = 0; token[i]; i++) {
        if (token[i] == '.')
            continue;
        snprintf(copy, sizeof copy, "%s", token);
        copy[i] = copy[i] == 'A' ? 'B' : 'A';
        int rc = otd_link_verify(&cfg.tracking_page, copy, 0, id, sizeof id, &exp);
        if (rc == OTD_LINK_OK)
            fail_msg("a change at %zu verified: %s", i, copy);
    }
    /* a link of the older key verifies while the key is listed; not once it is dropped */
    assert_int_equal(load(&old, "{\"keys\": [{\"id\": \"a\", \"secret\": \"" SECRET_A "\"}], "
                                "\"public_base_url\": \"https://x\"}", err, sizeof err), 0);
    assert_int_equal(otd_link_sign(token, sizeof token, &old.tracking_page, "o-2", 5000), 0);
    assert_int_equal(otd_link_verify(&cfg.tracking_page, token, 10, id, sizeof id, &exp),
                     OTD_LINK_OK);
    assert_string_equal(id, "o-2");
    cfg.tracking_page.n_keys = 1; /* "a" dropped (freed with the count restored below) */
    assert_int_equal(otd_link_verify(&cfg.tracking_page, token, 10, id, sizeof id, &exp),
                     OTD_LINK_UNKNOWN_KEY);
    cfg.tracking_page.n_keys = 2;
    /* the same key id with another secret is a forgery */
    snprintf(old.tracking_page.keys[0].secret, old.tracking_page.keys[0].secret_len + 1, "%s",
             SECRET_B);
    assert_int_equal(otd_link_sign(token, sizeof token, &old.tracking_page, "o-2", 5000), 0);
    assert_int_equal(otd_link_verify(&cfg.tracking_page, token, 10, id, sizeof id, &exp),
                     OTD_LINK_FORGED);
    /* malformed: no dot, long signature, padding, empty, junk */
    static const char *const junk[] = {"", ".", "abc", "abc.def", "MS5hLjEw.=", "a.b.c",
                                       "MS5hLjEwLm8.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"};
    for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++)
        assert_int_equal(otd_link_verify(&cfg.tracking_page, junk[i], 0, id, sizeof id, &exp),
                         OTD_LINK_MALFORMED);
    memset(long_id, 'x', sizeof long_id - 1);
    long_id[sizeof long_id - 1] = '\0';
    assert_int_equal(otd_link_sign(token, sizeof token, &cfg.tracking_page, long_id, 1), -1);
    long_id[OT_ORDER_ID_MAX] = '\0';
    assert_int_equal(otd_link_sign(token, sizeof token, &cfg.tracking_page, long_id, 1), 0);
    assert_true(strlen(token) <= OTD_LINK_TOKEN_MAX);
    assert_int_equal(otd_link_verify(&cfg.tracking_page, token, 0, id, sizeof id, &exp),
                     OTD_LINK_OK);
    otd_config_free(&old);
    otd_config_free(&cfg);
}

static void test_customer_view(void **state)
{
    const char *order =
        "{\"order_id\": \"o-1\", \"customer_id\": \"c-secret\", \"store_id\": \"s-secret\","
        " \"current_status\": \"in_transit\", \"shipment_status\": null,"
        " \"estimated_delivery_time\": \"2026-01-01T10:30:00.000Z\","
        " \"actual_delivery_time\": null,"
        " \"driver_details\": {\"driver_id\": \"d-secret\", \"name\": \"Ana Secretname\","
        "   \"phone\": \"+1555secret\", \"vehicle_type\": \"bike\", \"vehicle_number\": null,"
        "   \"photo_url\": \"https://secret\"},"
        " \"driver_location\": {\"latitude\": 1.5, \"longitude\": 2.5,"
        "   \"timestamp\": \"2026-01-01T10:00:00.000Z\", \"accuracy\": 3},"
        " \"location_trail\": [{\"latitude\": 1.0, \"longitude\": 2.0}, {\"latitude\": 1.5,"
        "   \"longitude\": 2.5}],"
        " \"status_history\": ["
        "  {\"status\": \"submitted\", \"timestamp\": \"T1\", \"notes\": \"note-secret\","
        "   \"metadata\": {\"ot\": {\"data\": {\"estimated_delivery_time\": \"E1\"}}}},"
        "  {\"status\": \"store_notified\", \"timestamp\": \"T2\"},"
        "  {\"status\": \"driver_assigned\", \"timestamp\": \"T3\","
        "   \"metadata\": {\"ot\": {\"data\": {\"estimated_delivery_time\": \"E2\"}}}},"
        "  {\"status\": \"in_transit\", \"timestamp\": \"T4\"}]}";
    json_t *doc = json_loads(order, 0, NULL), *view;
    char *text;
    (void)state;

    assert_non_null(doc);
    view = otd_customer_view(doc);
    assert_non_null(view);
    text = json_dumps(view, JSON_COMPACT | JSON_PRESERVE_ORDER);
    assert_string_equal(
        text,
        "{\"order_id\":\"o-1\",\"stage\":\"on_the_way\",\"terminal\":false,\"hyperlocal\":true,"
        "\"timeline\":[{\"stage\":\"placed\",\"at\":\"T1\"},{\"stage\":\"driver_assigned\","
        "\"at\":\"T3\"},{\"stage\":\"on_the_way\",\"at\":\"T4\"}],"
        "\"eta\":\"2026-01-01T10:30:00.000Z\",\"eta_revisions\":[{\"eta\":\"E1\",\"at\":\"T1\"},"
        "{\"eta\":\"E2\",\"at\":\"T3\"}],\"delivered_at\":null,"
        "\"driver\":{\"first_name\":\"Ana\",\"vehicle\":\"bike\"},"
        "\"position\":{\"latitude\":1.5,\"longitude\":2.5,\"at\":\"2026-01-01T10:00:00.000Z\"},"
        "\"trail\":[[1.0,2.0],[1.5,2.5]]}");
    assert_null(strstr(text, "secret"));
    free(text);
    json_decref(view);
    /* delivered: no driver, no position */
    json_object_set_new(doc, "current_status", json_string("delivered"));
    view = otd_customer_view(doc);
    assert_true(json_is_null(json_object_get(view, "driver")));
    assert_true(json_is_null(json_object_get(view, "position")));
    assert_true(json_is_true(json_object_get(view, "terminal")));
    json_decref(view);
    /* a parcel order on the way: no position */
    json_object_set_new(doc, "current_status", json_string("in_transit"));
    json_object_set_new(doc, "shipment_status", json_string("in_transit"));
    view = otd_customer_view(doc);
    assert_true(json_is_null(json_object_get(view, "position")));
    json_decref(view);
    json_object_set_new(doc, "current_status", json_string("bogus"));
    assert_null(otd_customer_view(doc));
    json_decref(doc);
    assert_string_equal(otd_customer_stage("picking_in_progress"), "preparing");
    assert_null(otd_customer_stage("nope"));
}

static void test_language(void **state)
{
    static const otd_page_language langs[] = {{"en", "{}"}, {"es", "{}"}};
    static const otd_page_bundle b = {"", "", NULL, 0, "", "", langs, 2};
    (void)state;

    assert_int_equal(otd_page_language_pick(&b, NULL, NULL), 0);
    assert_int_equal(otd_page_language_pick(&b, "es", "en"), 1);
    assert_int_equal(otd_page_language_pick(&b, "xx", "es-MX"), 1);
    assert_int_equal(otd_page_language_pick(&b, NULL, "fr, es;q=0.4, en;q=0.6"), 0);
    assert_int_equal(otd_page_language_pick(&b, NULL, "fr, es;q=0.7, en;q=0.6"), 1);
    assert_int_equal(otd_page_language_pick(&b, NULL, "est, de"), 0);
    assert_int_equal(otd_page_language_pick(&b, NULL, "es;q=0"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config),
        cmocka_unit_test(test_tokens),
        cmocka_unit_test(test_customer_view),
        cmocka_unit_test(test_language),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
