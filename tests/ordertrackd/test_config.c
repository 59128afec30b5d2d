/* config.c: the example of docs/API.md loads; each invalid config is refused with the file,
 * the field path and the reason; flags override the file; defaults without a file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include <ordertrack/ordertrack.h>

#include "config.h"

static const char example[] =
    "{\"listen\": \"127.0.0.1:8080\", \"storage\": \"sqlite:./ordertrack.db\",\n"
    " \"api_keys\": [\n"
    "   {\"key\": \"admin-secret-012\", \"role\": \"admin\"},\n"
    "   {\"key\": \"store-1-secret-0\", \"role\": \"store\", \"stores\": [\"store-1\"]},\n"
    "   {\"key\": \"courier-secret-0\", \"role\": \"courier\", \"id\": \"fleet\"}],\n"
    " \"webhooks\": {\"uber\": {\"signing_key\": \"k\"}, \"doordash\": {\"authorization\": "
    "\"Basic x\"}},\n"
    " \"limits\": {\"max_body_bytes\": 65536, \"requests_per_second\": 200, \"burst\": 400},\n"
    " \"sla\": {\"store_acknowledgment_ms\": 300000, \"warning_fraction\": 0.8}}";

static void test_example_loads(void **state)
{
    otd_config cfg;
    char err[256] = "";
    (void)state;

    if (otd_config_load_string(&cfg, example, "example.json", err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_string_equal(cfg.host, "127.0.0.1");
    assert_int_equal(cfg.port, 8080);
    assert_false(cfg.ipv6);
    assert_string_equal(cfg.storage, "sqlite:./ordertrack.db");
    assert_int_equal(cfg.n_keys, 3);
    assert_int_equal(cfg.keys[0].role, OTD_ROLE_ADMIN);
    assert_string_equal(cfg.keys[0].id, "api_keys[0]");
    assert_int_equal(cfg.keys[1].role, OTD_ROLE_STORE);
    assert_int_equal(cfg.keys[1].n_stores, 1);
    assert_string_equal(cfg.keys[1].stores[0], "store-1");
    assert_int_equal(cfg.keys[2].role, OTD_ROLE_COURIER);
    assert_string_equal(cfg.keys[2].id, "fleet");
    assert_int_equal(cfg.max_body_bytes, 65536);
    assert_true(cfg.requests_per_second == 200 && cfg.burst == 400);
    assert_int_equal(cfg.threads, 4);
    assert_non_null(cfg.sla);
    assert_true(json_integer_value(json_object_get(cfg.sla, "store_acknowledgment_ms")) ==
                300000);
    assert_non_null(json_object_get(cfg.webhooks, "uber"));
    assert_null(cfg.generated_admin_key);
    otd_config_free(&cfg);
    otd_config_free(&cfg); /* idempotent on a freed (zeroed) struct */
    otd_config_free(NULL);
}

/* Courier keys scoped to providers and to one driver; the location trail's length. */
static void test_courier_scope(void **state)
{
    static const char text[] =
        "{\"api_keys\": [{\"key\": \"c1-0123456789abc\", \"role\": \"courier\", \"providers\": "
        "[\"uber\", \"doordash\"]}, {\"key\": \"c2-0123456789abc\", \"role\": \"courier\", "
        "\"providers\": [\"uber\"], \"driver_id\": \"drv-7\"}, {\"key\": \"c3-0123456789abc\", "
        "\"role\": \"courier\"}], \"limits\": {\"location_trail\": 0, \"clock_skew_ms\": 60000}}";
    otd_config cfg;
    char err[256] = "";
    (void)state;

    if (otd_config_load_string(&cfg, text, "scope.json", err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(cfg.keys[0].providers, (1u << OT_PROVIDER_UBER) | (1u << OT_PROVIDER_DOORDASH));
    assert_null(cfg.keys[0].driver_id);
    assert_int_equal(cfg.keys[1].providers, 1u << OT_PROVIDER_UBER);
    assert_string_equal(cfg.keys[1].driver_id, "drv-7");
    assert_int_equal(cfg.keys[2].providers, 0);
    assert_int_equal(cfg.rules.location_trail, 0);
    assert_true(cfg.rules.clock_skew_ms == 60000);
    otd_config_free(&cfg);
}

static void test_minimal_defaults(void **state)
{
    otd_config cfg;
    char err[256];
    (void)state;

    assert_int_equal(otd_config_load_string(&cfg,
                                            "{\"api_keys\": [{\"key\": \"k-0123456789abcd\", \"role\": "
                                            "\"admin\"}], \"listen\": \"[::1]:0\"}",
                                            "m.json", err, sizeof err),
                     0);
    assert_string_equal(cfg.host, "::1");
    assert_int_equal(cfg.port, 0);
    assert_true(cfg.ipv6);
    assert_string_equal(cfg.storage, "sqlite:./ordertrack.db");
    assert_int_equal(cfg.max_body_bytes, 65536);
    assert_null(cfg.sla);
    assert_null(cfg.webhooks);
    assert_int_equal(cfg.pii.n_keys, 0);
    assert_int_equal(cfg.store_ack_sweep_ms, 30000);
    assert_int_equal(cfg.sla_sweep_ms, 30000);
    assert_false(cfg.alerts.present);
    assert_null(cfg.alerts.slack_webhook_url);
    otd_config_free(&cfg);
}

/* The `alerts` block has the shape of ordertrack-poller's; limits.sla_sweep_ms is read. */
static void test_alerts_and_sla_sweep(void **state)
{
    otd_config cfg;
    char err[256] = "";
    (void)state;

    if (otd_config_load_string(
            &cfg,
            "{\"api_keys\": [{\"key\": \"k-0123456789abcd\", \"role\": \"admin\"}],\n"
            " \"limits\": {\"sla_sweep_ms\": 250, \"store_ack_sweep_ms\": 100,\n"
            "            \"gps_gap_ms\": 300000},\n"
            " \"alerts\": {\"slack_webhook_url\": \"https://hooks.slack.com/services/T/B/x\",\n"
            "            \"rto_webhook_url\": \"http://127.0.0.1:9/rto\",\n"
            "            \"email\": {\"smtp_url\": \"smtp://mail:587\", \"from\": \"a@b.c\",\n"
            "                      \"to\": [\"ops@b.c\", \"Ops <x@b.c>\"]}}}",
            "alerts.json", err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(cfg.sla_sweep_ms, 250);
    assert_int_equal(cfg.store_ack_sweep_ms, 100);
    assert_int_equal(cfg.gps_gap_ms, 300000);
    assert_true(cfg.alerts.present);
    assert_string_equal(cfg.alerts.slack_webhook_url, "https://hooks.slack.com/services/T/B/x");
    assert_string_equal(cfg.alerts.rto_webhook_url, "http://127.0.0.1:9/rto");
    assert_string_equal(cfg.alerts.smtp_url, "smtp://mail:587");
    assert_string_equal(cfg.alerts.email_from, "a@b.c");
    assert_int_equal(cfg.alerts.n_email_to, 2);
    assert_string_equal(cfg.alerts.email_to[1], "Ops <x@b.c>");
    otd_config_free(&cfg);

    /* An empty block is valid: nothing to send to, but the dispatcher exists. */
    assert_int_equal(otd_config_load_string(&cfg,
                                            "{\"api_keys\": [{\"key\": \"k-0123456789abcd\", \"role\": "
                                            "\"admin\"}], \"alerts\": {}}",
                                            "e.json", err, sizeof err),
                     0);
    assert_true(cfg.alerts.present);
    assert_null(cfg.alerts.slack_webhook_url);
    assert_null(cfg.alerts.rto_webhook_url);
    assert_null(cfg.alerts.smtp_url);
    otd_config_free(&cfg);
}

/* The location events' interval and the failed-authentication limits: defaults, read. */
static void test_live_limits(void **state)
{
    otd_config cfg;
    char err[256] = "";
    (void)state;

    assert_int_equal(otd_config_defaults(&cfg), 0);
    assert_int_equal(cfg.location_event_ms, 1000);
    assert_true(cfg.auth_failures_per_minute == 10 && cfg.auth_failure_burst == 10);
    assert_int_equal(cfg.auth_failure_sources, 4096);
    otd_config_free(&cfg);
    if (otd_config_load_string(&cfg,
                               "{\"api_keys\": [{\"key\": \"k-0123456789abcd\", \"role\": \"admin\"}],\n"
                               " \"limits\": {\"location_event_ms\": 250,\n"
                               "   \"auth_failures_per_minute\": 0.5, \"auth_failure_burst\": 3,\n"
                               "   \"auth_failure_sources\": 64}}",
                               "live.json", err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(cfg.location_event_ms, 250);
    assert_true(cfg.auth_failures_per_minute == 0.5 && cfg.auth_failure_burst == 3);
    assert_int_equal(cfg.auth_failure_sources, 64);
    otd_config_free(&cfg);
}

/* The connection and stream limits (docs/reliability.md): defaults, read. */
static void test_connection_limits(void **state)
{
    otd_config cfg;
    char err[256] = "";
    (void)state;

    assert_int_equal(otd_config_defaults(&cfg), 0);
    assert_int_equal(cfg.max_connections, 512);
    assert_int_equal(cfg.max_connections_per_address, 32);
    assert_int_equal(cfg.connection_timeout_s, 15);
    assert_int_equal(cfg.request_timeout_s, 30);
    assert_int_equal(cfg.max_event_streams_per_key, 16);
    otd_config_free(&cfg);
    if (otd_config_load_string(&cfg,
                               "{\"api_keys\": [{\"key\": \"k-0123456789abcdef\", \"role\": \"admin\"}],\n"
                               " \"limits\": {\"max_connections\": 100,\n"
                               "   \"max_connections_per_address\": 100,\n"
                               "   \"connection_timeout_s\": 2, \"request_timeout_s\": 3,\n"
                               "   \"max_event_streams_per_key\": 0}}",
                               "conns.json", err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(cfg.max_connections, 100);
    assert_int_equal(cfg.max_connections_per_address, 100);
    assert_int_equal(cfg.connection_timeout_s, 2);
    assert_int_equal(cfg.request_timeout_s, 3);
    assert_int_equal(cfg.max_event_streams_per_key, 0);
    otd_config_free(&cfg);
}

static void test_pii_key(void **state)
{
    otd_config cfg;
    char err[256] = "";
    (void)state;

    if (otd_config_load_string(&cfg,
                               "{\"api_keys\": [{\"key\": \"k-0123456789abcd\", \"role\": \"admin\"}], "
                               "\"pii\": {\"key_id\": \"2026-11\", \"key_hex\": "
                               "\"00112233445566778899aabbccddeeff00112233445566778899AABBCCDDEEFF\"}}",
                               "p.json", err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(cfg.pii.n_keys, 1);
    assert_string_equal(cfg.pii.keys[0].id, "2026-11");
    assert_int_equal(cfg.pii.keys[0].key[1], 0x11);
    assert_int_equal(cfg.pii.keys[0].key[31], 0xff);
    otd_config_free(&cfg);
    assert_int_equal(cfg.pii.keys[0].key[31], 0);
}

/* The same block as the poller's (examples/common/piiconf.c): a key file its owner alone can
 * read, retired keys for rotation, and what is refused. */
static void test_pii_key_file_and_rotation(void **state)
{
    char dir[] = "/tmp/otd-pii-XXXXXX", path[64], text[512], err[256] = "";
    otd_config cfg;
    FILE *f;
    (void)state;

    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/k.hex", dir);
    assert_non_null(f = fopen(path, "w"));
    fputs("aa112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n", f);
    fclose(f);
    assert_int_equal(chmod(path, 0600), 0);
    snprintf(text, sizeof text,
             "{\"api_keys\": [{\"key\": \"k-0123456789abcd\", \"role\": \"admin\"}], \"pii\": "
             "{\"key_id\": \"new\", \"key_file\": \"%s\", \"retired\": [{\"key_id\": "
             "\"old\", \"key_hex\": \"%064d\"}]}}", path, 7);
    if (otd_config_load_string(&cfg, text, "p.json", err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(cfg.pii.n_keys, 2);
    assert_string_equal(cfg.pii.keys[0].id, "new");
    assert_int_equal(cfg.pii.keys[0].key[0], 0xaa);
    assert_string_equal(cfg.pii.keys[1].id, "old");
    assert_int_equal(cfg.pii.keys[1].key[31], 0x07);
    otd_config_free(&cfg);

    /* readable by others: refused, naming the field and the file */
    assert_int_equal(chmod(path, 0644), 0);
    assert_int_not_equal(otd_config_load_string(&cfg, text, "p.json", err, sizeof err), 0);
    assert_non_null(strstr(err, "p.json: pii.key_file: "));
    assert_non_null(strstr(err, "chmod 600"));
    otd_config_free(&cfg);
    unlink(path);
    assert_int_not_equal(otd_config_load_string(&cfg, text, "p.json", err, sizeof err), 0);
    assert_non_null(strstr(err, "pii.key_file: "));
    assert_non_null(strstr(err, "No such file"));
    otd_config_free(&cfg);
    rmdir(dir);
}

static const struct {
    const char *json;
    const char *message;
} invalid[] = {
    {"[1]", "bad.json: (top level): must be a JSON object"},
    {"{\"api_keys\": [{\"key\": \"k-0123456789abcd\", \"role\": \"admin\"}], \"lisen\": \"x\"}",
     "bad.json: lisen: unknown field"},
    {"{}", "bad.json: api_keys: required"},
    {"{\"api_keys\": []}", "bad.json: api_keys: required"},
    {"{\"api_keys\": [\"k\"]}", "bad.json: api_keys[0]: must be an object"},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"admin\"}, {\"key\": \"b-0123456789abcd\", \"role\": "
     "\"boss\"}]}",
     "bad.json: api_keys[1].role: unknown role \"boss\""},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\"}]}", "bad.json: api_keys[0].role: required"},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"admin\"}, {\"key\": \"a-0123456789abcd\", \"role\": "
     "\"courier\"}]}",
     "bad.json: api_keys[1].key: duplicate key: same as api_keys[0].key"},
    {"{\"api_keys\": [{\"key\": \"\", \"role\": \"admin\"}]}", "bad.json: api_keys[0].key:"},
    {"{\"api_keys\": [{\"key\": \"a b\", \"role\": \"admin\"}]}",
     "bad.json: api_keys[0].key: must be a string of 16-255 printable"},
    {"{\"api_keys\": [{\"key\": 7, \"role\": \"admin\"}]}", "bad.json: api_keys[0].key:"},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"admin\", \"secret\": 1}]}",
     "bad.json: api_keys[0].secret: unknown field"},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"store\"}]}",
     "bad.json: api_keys[0].stores: a store key needs a non-empty array"},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"store\", \"stores\": [\"s\", 3]}]}",
     "bad.json: api_keys[0].stores[1]: must be a store id"},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"admin\", \"stores\": [\"s\"]}]}",
     "bad.json: api_keys[0].stores: only keys with role \"store\""},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"admin\"}], \"listen\": \"8080\"}",
     "bad.json: listen: \"8080\" is not HOST:PORT"},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"admin\"}], \"listen\": \"example.com:80\"}",
     "bad.json: listen: \"example.com\" is not a numeric IPv4 address"},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"admin\"}], \"listen\": \"127.0.0.1:65536\"}",
     "bad.json: listen: port \"65536\" is not a number 0-65535"},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"admin\"}], \"listen\": \"127.0.0.1:-1\"}",
     "bad.json: listen: port \"-1\""},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"admin\"}], \"listen\": \"::1:80\"}",
     "bad.json: listen:"},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"admin\"}], \"listen\": 8080}",
     "bad.json: listen: must be a string"},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"admin\"}], \"storage\": \"redis://x\"}",
     "bad.json: storage: \"redis://x\" is not a storage URI"},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"admin\"}], \"storage\": \"sqlite:\"}",
     "bad.json: storage: \"sqlite:\" lacks a path"},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"admin\"}], \"limits\": {\"burst\": 0}}",
     "bad.json: limits.burst: 0 is out of range"},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"admin\"}], \"limits\": "
     "{\"max_body_bytes\": 1.5}}",
     "bad.json: limits.max_body_bytes: must be an integer"},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"admin\"}], \"limits\": "
     "{\"max_body_bytes\": -1}}",
     "bad.json: limits.max_body_bytes: -1 is out of range"},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"admin\"}], \"limits\": "
     "{\"requests_per_second\": \"fast\"}}",
     "bad.json: limits.requests_per_second: must be a number"},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"admin\"}], \"limits\": {\"threads\": 0}}",
     "bad.json: limits.threads: 0 is out of range"},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"admin\"}], \"limits\": {\"rps\": 1}}",
     "bad.json: limits.rps: unknown field"},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"admin\"}], \"webhooks\": {\"fedex\": {}}}",
     "bad.json: webhooks.fedex: unknown partner"},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"admin\"}], \"webhooks\": {\"uber\": "
     "{\"signing_key\": 1}}}",
     "bad.json: webhooks.uber.signing_key: must be a non-empty string"},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"admin\"}], \"webhooks\": {\"velocity\": "
     "{\"apikey\": \"k\"}}}",
     "bad.json: webhooks.velocity.apikey: unknown field (velocity takes \"api_key\")"},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"admin\"}], \"limits\": "
     "{\"event_heartbeat_ms\": 5}}",
     "bad.json: limits.event_heartbeat_ms: 5 is out of range"},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"admin\"}], \"limits\": "
     "{\"location_event_ms\": 0}}",
     "bad.json: limits.location_event_ms: 0 is out of range"},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"admin\"}], \"limits\": "
     "{\"auth_failures_per_minute\": 0}}",
     "bad.json: limits.auth_failures_per_minute: 0 is out of range"},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"admin\"}], \"limits\": "
     "{\"auth_failure_burst\": 0.5}}",
     "bad.json: limits.auth_failure_burst: 0.5 is out of range"},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"admin\"}], \"limits\": "
     "{\"auth_failure_sources\": 4}}",
     "bad.json: limits.auth_failure_sources: 4 is out of range"},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"admin\"}], \"limits\": "
     "{\"max_connections\": 2}}",
     "bad.json: limits.max_connections: 2 is out of range"},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"admin\"}], \"limits\": "
     "{\"max_connections\": 10, \"max_connections_per_address\": 11}}",
     "bad.json: limits.max_connections_per_address: 11 is over limits.max_connections (10)"},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"admin\"}], \"limits\": "
     "{\"connection_timeout_s\": 0}}",
     "bad.json: limits.connection_timeout_s: 0 is out of range"},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"admin\"}], \"limits\": "
     "{\"request_timeout_s\": 1.5}}",
     "bad.json: limits.request_timeout_s: must be an integer"},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"admin\"}], \"limits\": "
     "{\"max_event_streams_per_key\": -1}}",
     "bad.json: limits.max_event_streams_per_key: -1 is out of range"},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"admin\"}], \"sla\": []}",
     "bad.json: sla: must be an object"},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"admin\"}], \"limits\": "
     "{\"sla_sweep_ms\": 5}}",
     "bad.json: limits.sla_sweep_ms: 5 is out of range"},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"admin\"}], \"limits\": "
     "{\"gps_gap_ms\": 500}}",
     "bad.json: limits.gps_gap_ms: must be 0 (off) or at least 1000, not 500"},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"admin\"}], \"limits\": "
     "{\"sla_sweep_ms\": \"1s\"}}",
     "bad.json: limits.sla_sweep_ms: must be an integer"},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"admin\"}], \"alerts\": []}",
     "bad.json: alerts: must be an object"},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"admin\"}], \"alerts\": "
     "{\"slack_url\": \"http://x\"}}",
     "bad.json: alerts.slack_url: unknown field"},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"admin\"}], \"alerts\": "
     "{\"slack_webhook_url\": 1}}",
     "bad.json: alerts.slack_webhook_url: must be a string"},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"admin\"}], \"alerts\": "
     "{\"rto_webhook_url\": \"ftp://crm/rto\"}}",
     "bad.json: alerts.rto_webhook_url: must be an http:// or https:// URL"},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"admin\"}], \"alerts\": "
     "{\"email\": {\"smtp_url\": \"smtp://m\", \"from\": \"a@b\", \"to\": [\"c@d\"], "
     "\"bcc\": []}}}",
     "bad.json: alerts.email.bcc: unknown field"},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"admin\"}], \"alerts\": "
     "{\"email\": {\"smtp_url\": \"smtp://m\", \"from\": \"a@b\", \"to\": []}}}",
     "bad.json: alerts.email.to: must be an array of 1..100 addresses"},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"admin\"}], \"alerts\": "
     "{\"email\": {\"smtp_url\": \"smtp://m\", \"from\": \"a@b\", \"to\": [\"nobody\"]}}}",
     "bad.json: alerts.email.to[0]: must be an e-mail address"},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"admin\"}], \"alerts\": "
     "{\"email\": {\"from\": \"a@b\", \"to\": [\"c@d\"]}}}",
     "bad.json: alerts.email.smtp_url: is required"},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"courier\", \"providers\": []}]}",
     "bad.json: api_keys[0].providers: must be a non-empty array of provider names"},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"courier\", \"providers\": "
     "[\"uber\", \"fedex\"]}]}",
     "bad.json: api_keys[0].providers[1]: unknown provider"},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"courier\", \"providers\": "
     "[\"unknown\"]}]}",
     "bad.json: api_keys[0].providers[0]: unknown provider"},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"store\", \"stores\": [\"s\"], "
     "\"providers\": [\"uber\"]}]}",
     "bad.json: api_keys[0].providers: only keys with role \"courier\""},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"admin\", \"driver_id\": \"d\"}]}",
     "bad.json: api_keys[0].driver_id: only keys with role \"courier\""},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"courier\", \"driver_id\": \"\"}]}",
     "bad.json: api_keys[0].driver_id: must be a driver id"},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"admin\"}], \"limits\": "
     "{\"location_trail\": 1001}}",
     "bad.json: limits.location_trail: 1001 is out of range"},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"admin\"}], \"limits\": "
     "{\"clock_skew_ms\": 86400001}}",
     "bad.json: limits.clock_skew_ms: 8.64e+07 is out of range"},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"admin\"}], \"api_keys\": []}",
     "bad.json: line 1"},
    {"{\"api_keys\": ", "bad.json: line 1, column"},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"admin\"}], \"pii\": {\"key_id\": "
     "\"k1\", \"key_hex\": \"00112233445566778899aabbccddeeff00112233445566778899aabbccddeefg\"}}",
     "bad.json: pii.key_hex: must be 64 hexadecimal digits"},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"admin\"}], \"pii\": {\"key_id\": "
     "\"k1\", \"key_hex\": \"0011\"}}",
     "bad.json: pii.key_hex: must be 64 hexadecimal digits"},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"admin\"}], \"pii\": {\"key_id\": "
     "\"k 1\", \"key_hex\": \"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\"}}",
     "bad.json: pii.key_id: must be 1..63 characters"},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"admin\"}], \"pii\": {\"key\": 1}}",
     "bad.json: pii.key: unknown field"},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"admin\"}], \"pii\": {\"key_id\": "
     "\"k1\", \"key_file\": \"/x\", \"key_hex\": \"00\"}}",
     "bad.json: pii: give exactly one of \"key_hex\" and \"key_file\""},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"admin\"}], \"pii\": {\"key_id\": "
     "\"k1\", \"key_hex\": \"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\","
     " \"retired\": [{\"key_id\": \"k1\", \"key_hex\": "
     "\"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\"}]}}",
     "bad.json: pii.retired[0]: key_id \"k1\" is given twice"},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"admin\"}], \"pii\": {\"key_id\": "
     "\"k1\", \"key_hex\": \"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\","
     " \"retired\": [{\"key_id\": \"k0\", \"key_hex\": \"00\", \"x\": 1}]}}",
     "bad.json: pii.retired[0].x: unknown field"},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"admin\"}], \"outbox\": {\"max_attempts\": 0}}",
     "bad.json: outbox.max_attempts: must be an integer in 1..1000"},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"admin\"}], \"outbox\": {\"backoff_base_ms\": 5000, \"backoff_max_ms\": 10}}",
     "bad.json: outbox.backoff_max_ms: must be an integer in 5000..86400000"},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"admin\"}], \"outbox\": {\"retries\": 3}}",
     "bad.json: outbox.retries: unknown field"},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"admin\"}], \"subscriptions\": []}",
     "bad.json: subscriptions: must be an array of 1..64 subscriptions"},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"admin\"}], \"subscriptions\": [{\"url\": \"ftp://x\", \"secret\": \"0123456789abcdef\"}]}",
     "bad.json: subscriptions[0].url: must be an absolute http:// or https:// URL"},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"admin\"}], \"subscriptions\": [{\"url\": \"http://x/h\", \"secret\": \"short\"}]}",
     "bad.json: subscriptions[0].secret: must be at least 16 bytes"},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"admin\"}], \"subscriptions\": [{\"url\": \"http://x/h\", \"secret\": \"0123456789abcdef\", \"event_types\": [\"order.status_changed\", \"order.moved\"]}]}",
     "bad.json: subscriptions[0].event_types[1]: unknown event type"},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"admin\"}], \"subscriptions\": [{\"url\": \"http://x/h\", \"secret\": \"0123456789abcdef\", \"stores\": [1]}]}",
     "bad.json: subscriptions[0].stores[0]: must be a string"},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"admin\"}], \"nats\": {}}",
     "bad.json: nats.url: required"},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"admin\"}], \"nats\": {\"url\": \"nats://a\", \"servers\": [\"nats://b\"]}}",
     "bad.json: nats.servers: give \"url\" or \"servers\", not both"},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"admin\"}], \"nats\": {\"url\": \"nats://a\", \"replicas\": 7}}",
     "bad.json: nats.replicas: must be an integer in 1..5"},
    {"{\"api_keys\": [{\"key\": \"a-0123456789abcd\", \"role\": \"admin\"}], \"nats\": {\"url\": \"nats://a\", \"subject\": \"x\"}}",
     "bad.json: nats.subject: unknown field"},
};

static void test_invalid_configs(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
        otd_config cfg;
        char err[512] = "";
        if (otd_config_load_string(&cfg, invalid[i].json, "bad.json", err, sizeof err) == 0)
            fail_msg("accepted: %s", invalid[i].json);
        if (strncmp(err, invalid[i].message, strlen(invalid[i].message)) != 0)
            fail_msg("%s\n  got:  %s\n  want: %s...", invalid[i].json, err, invalid[i].message);
        otd_config_free(&cfg);
    }
}

static int write_file(char *path, const char *text)
{
    int fd = mkstemp(path);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;

    if (!f)
        return -1;
    fputs(text, f);
    return fclose(f);
}

static void test_args(void **state)
{
    char path[] = "/tmp/otd_config_XXXXXX", err[512];
    otd_config cfg;
    (void)state;

    assert_int_equal(write_file(path, example), 0);

    char *a1[] = {"ordertrackd", "--config", path, "--listen", "127.0.0.1:9999",
                  "--storage=memory:", NULL};
    assert_int_equal(otd_config_from_args(&cfg, 6, a1, err, sizeof err), 0);
    assert_int_equal(cfg.port, 9999);
    assert_string_equal(cfg.storage, "memory:");
    assert_int_equal(cfg.n_keys, 3);
    otd_config_free(&cfg);

    char *a2[] = {"ordertrackd", NULL};
    assert_int_equal(otd_config_from_args(&cfg, 1, a2, err, sizeof err), 0);
    assert_string_equal(cfg.host, "127.0.0.1");
    assert_int_equal(cfg.port, 8080);
    assert_string_equal(cfg.storage, "sqlite:./ordertrack.db");
    assert_int_equal(cfg.n_keys, 1);
    assert_int_equal(cfg.keys[0].role, OTD_ROLE_ADMIN);
    assert_non_null(cfg.generated_admin_key);
    assert_int_equal(strlen(cfg.generated_admin_key), 64);
    assert_int_equal(strspn(cfg.generated_admin_key, "0123456789abcdef"), 64);
    assert_string_equal(cfg.keys[0].key, cfg.generated_admin_key);
    char first[65];
    strcpy(first, cfg.generated_admin_key);
    otd_config_free(&cfg);
    assert_int_equal(otd_config_from_args(&cfg, 1, a2, err, sizeof err), 0);
    assert_string_not_equal(first, cfg.generated_admin_key);
    otd_config_free(&cfg);

    char *a3[] = {"ordertrackd", "--config", path, "--listen", "nowhere", NULL};
    assert_int_equal(otd_config_from_args(&cfg, 5, a3, err, sizeof err), OTD_EXIT_CONFIG);
    assert_non_null(strstr(err, "--listen: \"nowhere\" is not HOST:PORT"));
    otd_config_free(&cfg);

    char *a4[] = {"ordertrackd", "--storage", "ftp://x", NULL};
    assert_int_equal(otd_config_from_args(&cfg, 3, a4, err, sizeof err), OTD_EXIT_CONFIG);
    assert_non_null(strstr(err, "--storage:"));
    otd_config_free(&cfg);

    char *a5[] = {"ordertrackd", "--port", "1", NULL};
    assert_int_equal(otd_config_from_args(&cfg, 3, a5, err, sizeof err), OTD_EXIT_USAGE);
    otd_config_free(&cfg);

    char *a6[] = {"ordertrackd", "--config", NULL};
    assert_int_equal(otd_config_from_args(&cfg, 2, a6, err, sizeof err), OTD_EXIT_USAGE);
    otd_config_free(&cfg);

    char *a7[] = {"ordertrackd", "--config", "/nonexistent/ordertrackd.json", NULL};
    assert_int_equal(otd_config_from_args(&cfg, 3, a7, err, sizeof err), OTD_EXIT_CONFIG);
    assert_non_null(strstr(err, "/nonexistent/ordertrackd.json"));
    otd_config_free(&cfg);

    unlink(path);
}

static void test_role_names(void **state)
{
    (void)state;
    assert_string_equal(otd_role_name(OTD_ROLE_ADMIN), "admin");
    assert_string_equal(otd_role_name(OTD_ROLE_STORE), "store");
    assert_string_equal(otd_role_name(OTD_ROLE_COURIER), "courier");
    assert_string_equal(otd_role_name(0), "?");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_example_loads), cmocka_unit_test(test_minimal_defaults),
        cmocka_unit_test(test_courier_scope),
        cmocka_unit_test(test_alerts_and_sla_sweep),
        cmocka_unit_test(test_live_limits),
        cmocka_unit_test(test_connection_limits),
        cmocka_unit_test(test_pii_key),
        cmocka_unit_test(test_pii_key_file_and_rotation),
        cmocka_unit_test(test_invalid_configs), cmocka_unit_test(test_args),
        cmocka_unit_test(test_role_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
