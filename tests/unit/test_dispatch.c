/* Dispatch: base64url, DoorDash's JWT (checked against an independent implementation), and
 * the dispatcher's option checks naming each member. The policy runs end to end against the
 * simulator (tests/e2e/ordertrackd_dispatch.sh). */
#include "test_util.h"

#include "dispatch/dispatch_internal.h"

static void test_b64url(void **state)
{
    static const struct { const char *in, *out; } v[] = {
        {"", ""}, {"f", "Zg"}, {"fo", "Zm8"}, {"foo", "Zm9v"}, {"foob", "Zm9vYg"},
        {"\xfb\xff", "-_8"},
    };
    unsigned char back[16];
    char out[16];
    size_t i;
    (void)state;
    for (i = 0; i < sizeof v / sizeof v[0]; i++) {
        assert_int_equal(ot__b64url_encode(out, sizeof out, v[i].in, strlen(v[i].in)), 0);
        assert_string_equal(out, v[i].out);
        assert_int_equal(ot__b64url_decode(back, sizeof back, v[i].out), (long)strlen(v[i].in));
        assert_memory_equal(back, v[i].in, strlen(v[i].in));
    }
    assert_int_equal(ot__b64url_decode(back, sizeof back, "Zm9vYg=="), 4);   /* padded */
    assert_int_equal(ot__b64url_decode(back, sizeof back, "+/8"), 2);        /* standard */
    assert_int_equal(ot__b64url_decode(back, sizeof back, "Zm9v!"), -1);
    assert_int_equal(ot__b64url_decode(back, sizeof back, "Zg=x"), -1);
    assert_int_equal(ot__b64url_decode(back, 2, "Zm9v"), -1);                /* too long */
    assert_int_equal(ot__b64url_encode(out, 4, "foo", 3), -1);
}

static void test_url_encode(void **state)
{
    char out[32] = "x=";
    size_t n = 2;
    (void)state;
    assert_int_equal(ot__url_encode_append(out, sizeof out, &n, "a b&c~_.-/\xc3\xa9"), 0);
    assert_string_equal(out, "x=a%20b%26c~_.-%2F%C3%A9");
    assert_int_equal(n, strlen(out));
    n = 0;
    assert_int_equal(ot__url_encode_append(out, 6, &n, "&&"), -1);
}

static void test_jwt(void **state)
{
    /* python: HS256 over the header and claims below with the key 0x01..0x20 */
    static const char want[] =
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImRkLXZlciI6IkRELUpXVC1WMSJ9."
        "eyJhdWQiOiJkb29yZGFzaCIsImlzcyI6ImRldi0xIiwia2lkIjoia2V5LTEiLCJpYXQiOjE3MDAwMDAwMDAs"
        "ImV4cCI6MTcwMDAwMDMwMH0.ChuNMyiHlNzQx6gNDRhNbE0APqn-Yk0ExUEcF4xxrdE";
    unsigned char key[32];
    char jwt[1024], small[40];
    size_t i;
    ot_error err;
    (void)state;
    for (i = 0; i < sizeof key; i++)
        key[i] = (unsigned char)(i + 1);
    assert_int_equal(ot__jwt_doordash(jwt, sizeof jwt, "dev-1", "key-1", key, sizeof key,
                                      1700000000123LL, 300000, &err), 0);
    assert_string_equal(jwt, want);
    assert_int_equal(ot__jwt_doordash(small, sizeof small, "dev-1", "key-1", key, sizeof key,
                                      1700000000123LL, 300000, &err), OT_ELIMIT);
}

/* A dispatcher's options with both partners complete; `http` is never called here. */
static ot_dispatch_partner partners[2];
static ot_dispatch_options options(void)
{
    static int fake_http;
    ot_dispatch_options o = OT_DISPATCH_OPTIONS_INIT;
    ot_dispatch_partner u = OT_DISPATCH_PARTNER_INIT, d = OT_DISPATCH_PARTNER_INIT;
    u.provider = OT_PROVIDER_UBER;
    u.base_url = "https://api.uber.com";
    u.token_url = "https://auth.uber.com/oauth/v2/token";
    u.client_id = "id";
    u.client_secret = "secret";
    u.customer_id = "cus_1";
    d.provider = OT_PROVIDER_DOORDASH;
    d.base_url = "https://openapi.doordash.com";
    d.developer_id = "dev";
    d.key_id = "key";
    d.signing_secret = "AQIDBA";
    partners[0] = u;
    partners[1] = d;
    o.http = (ot_http_client *)(void *)&fake_http;
    o.partners = partners;
    o.n_partners = 2;
    return o;
}

static void refused(ot_dispatch_options *o, int code, const char *field)
{
    ot_dispatch *d = NULL;
    ot_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(ot_dispatch_new(&d, o, &err), code);
    assert_null(d);
    assert_string_equal(err.field, field);
}

static void test_options(void **state)
{
    ot_dispatch_options o = options();
    ot_dispatch *d = NULL;
    ot_dispatch_result r;
    ot_error err;
    (void)state;
    assert_int_equal(ot_dispatch_new(&d, &o, &err), 0);
    ot_dispatch_free(d);
    ot_dispatch_free(NULL);
    o = options(); o.http = NULL; refused(&o, OT_EINVAL, "http");
    o = options(); o.n_partners = 0; refused(&o, OT_EINVAL, "partners");
    o = options(); o.version = 9; refused(&o, OT_EVERSION, "version");
    o = options(); o.max_no_driver_attempts = 0; refused(&o, OT_EINVAL, "max_no_driver_attempts");
    o = options(); o.retry_cap_ms = 1; refused(&o, OT_EINVAL, "retry_cap_ms");
    o = options(); o.lease_ms = 0; refused(&o, OT_EINVAL, "lease_ms");
    o = options(); partners[0].client_secret = ""; refused(&o, OT_EINVAL, "client_secret");
    o = options(); partners[1].signing_secret = "no*base64"; refused(&o, OT_EINVAL, "signing_secret");
    o = options(); partners[1].jwt_ttl_ms = OT_DISPATCH_JWT_TTL_MAX_MS + 1;
    refused(&o, OT_EINVAL, "partners.jwt_ttl_ms");
    o = options(); partners[1].provider = OT_PROVIDER_UBER; refused(&o, OT_EINVAL, "partners");
    o = options(); partners[0].provider = OT_PROVIDER_DELHIVERY;
    refused(&o, OT_EINVAL, "partners.provider");
    o = options(); partners[0].base_url = "ftp://x"; refused(&o, OT_EINVAL, "base_url");
    assert_int_equal(ot_dispatch_result_init(&r, OT_DISPATCH_RESULT_VERSION, NULL), 0);
    assert_int_equal(ot_dispatch_result_init(&r, 2, NULL), OT_EVERSION);
    assert_int_equal(ot_dispatch_options_init(NULL, 1, NULL), OT_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_b64url),
        cmocka_unit_test(test_url_encode),
        cmocka_unit_test(test_jwt),
        cmocka_unit_test(test_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
