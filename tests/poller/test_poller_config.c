/* ordertrack-poller's configuration: the documented example loads; every refused file names
 * its field. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <ordertrack/status.h>

#include "config.h"

static char path[] = "/tmp/otp-config-XXXXXX";

static int load_text(otp_config *cfg, const char *text, char *err, size_t errlen)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return otp_config_load_file(cfg, path, err, errlen);
}

/* The example of docs/API.md, credentials filled in. */
static const char example[] =
    "{\"storage\": \"sqlite:./ordertrack.db\","
    " \"couriers\": {"
    "  \"delhivery\": {\"base_url\": \"https://track.delhivery.com\", \"token\": \"t\"},"
    "  \"delhivery_b2b\": {\"base_url\": \"https://ltl-clients-api.delhivery.com\","
    "                    \"username\": \"u\", \"password\": \"p\"},"
    "  \"shiprocket\": {\"base_url\": \"https://apiv2.shiprocket.in\", \"email\": \"e@x\","
    "                 \"password\": \"p\"},"
    "  \"velocity\": {\"base_url\": \"https://shazam.velocity.in\", \"username\": \"u\","
    "               \"password\": \"p\"}},"
    " \"trackers\": ["
    "  {\"name\": \"delhivery_b2c\", \"courier\": \"delhivery\", \"schedule\": \"*/8 * * * *\","
    "   \"batch_size\": 50, \"max_orders\": 36000, \"workers\": 50},"
    "  {\"name\": \"delhivery_b2b\", \"courier\": \"delhivery_b2b\", \"schedule\": \"*/8 * * * *\","
    "   \"batch_size\": 1, \"max_orders\": 480, \"workers\": 3},"
    "  {\"name\": \"shiprocket\", \"courier\": \"shiprocket\", \"schedule\": \"*/8 * * * *\","
    "   \"batch_size\": 50, \"workers\": 50},"
    "  {\"name\": \"velocity\", \"courier\": \"velocity\", \"schedule\": \"*/8 * * * *\","
    "   \"batch_size\": 45, \"max_orders\": 10000},"
    "  {\"name\": \"delhivery_fallback\", \"courier\": \"delhivery\", \"schedule\": \"0 */2 * * *\","
    "   \"batch_size\": 1, \"workers\": 3, \"delay_ms\": 5000, \"fallback\": true,"
    "   \"fallback_after_minutes\": 240}],"
    " \"alerts\": {\"slack_webhook_url\": \"https://hooks.slack.test/x\","
    "   \"rto_webhook_url\": \"https://crm.test/rto\","
    "   \"email\": {\"smtp_url\": \"smtp://mail.test:25\", \"from\": \"ops@x.test\","
    "             \"to\": [\"a@x.test\", \"b@x.test\"], \"daily_digest_at\": \"08:30\"}},"
    " \"pii\": {\"key_id\": \"2026-12\","
    "   \"key_hex\": \"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\"}}";

static void test_example_loads(void **state)
{
    otp_config cfg;
    char err[512] = "";
    const otp_tracker *t;
    (void)state;
    if (load_text(&cfg, example, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_string_equal(cfg.storage, "sqlite:./ordertrack.db");
    assert_int_equal(cfg.couriers.n, 4);
    assert_int_equal(cfg.n_trackers, 5);
    t = otp_config_tracker(&cfg, "delhivery_fallback");
    assert_non_null(t);
    assert_true(t->fallback);
    assert_int_equal(t->delay_ms, 5000);
    assert_int_equal(t->batch_size, 1);
    assert_int_equal(t->workers, 3);
    assert_int_equal(t->fallback_after_minutes, 240);
    assert_int_equal(t->courier->provider, OT_PROVIDER_DELHIVERY);
    t = otp_config_tracker(&cfg, "delhivery_b2c");
    assert_false(t->fallback);
    assert_int_equal(t->batch_size, 50);
    assert_int_equal(cfg.pii.n_keys, 1);
    assert_string_equal(cfg.pii.keys[0].id, "2026-12");
    assert_int_equal(cfg.pii.keys[0].key[31], 0xff);
    t = otp_config_tracker(&cfg, "shiprocket");
    assert_int_equal(t->max_orders, 0); /* all */
    assert_int_equal(t->workers, 50);
    t = otp_config_tracker(&cfg, "velocity");
    assert_int_equal(t->batch_size, 45);
    assert_int_equal(t->workers, 1);
    assert_null(otp_config_tracker(&cfg, "nope"));
    assert_int_equal(cfg.alerts.n_email_to, 2);
    assert_int_equal(cfg.alerts.digest_minute, 8 * 60 + 30);
    /* the next digest: later today, or tomorrow once the time has passed (UTC) */
    assert_int_equal(otc_alerts_digest_next(&cfg.alerts, 0), 30600000);
    assert_int_equal(otc_alerts_digest_next(&cfg.alerts, 30600000), 30600000 + 86400000);
    otp_config_free(&cfg);
}

/* A fallback tracker without batch_size asks about one AWB per request; its window defaults
 * to 4 hours; a primary tracker's batch_size defaults to the courier's maximum. */
static void test_fallback_defaults(void **state)
{
    otp_config cfg;
    char err[512] = "";
    const otp_tracker *t;
    (void)state;
    if (load_text(&cfg,
                  "{\"storage\": \"memory:\", \"couriers\": {\"delhivery\": {\"base_url\":"
                  " \"http://x\", \"token\": \"t\"}}, \"trackers\": [{\"name\": \"fb\","
                  " \"courier\": \"delhivery\", \"schedule\": \"0 */2 * * *\", \"fallback\": true},"
                  " {\"name\": \"b2c\", \"courier\": \"delhivery\", \"schedule\": \"*/8 * * * *\"}]}",
                  err, sizeof err) != 0)
        fail_msg("%s", err);
    t = otp_config_tracker(&cfg, "fb");
    assert_int_equal(t->batch_size, 1);
    assert_int_equal(t->fallback_after_minutes, 240);
    assert_int_equal(otp_config_tracker(&cfg, "b2c")->batch_size, 50);
    assert_int_equal(cfg.pii.n_keys, 0);
    assert_int_equal(cfg.rules.outbox, 0);
    assert_int_equal(cfg.rules.location_trail, OT_TRACKER_LOCATION_TRAIL_DEFAULT);
    otp_config_free(&cfg);
    /* an "outbox" block (as ordertrackd's): the poller's writes record outbound events */
    if (load_text(&cfg,
                  "{\"storage\": \"memory:\", \"outbox\": {}, \"couriers\":"
                  " {\"delhivery\": {\"base_url\": \"http://x\", \"token\": \"t\"}}, \"trackers\":"
                  " [{\"name\": \"b2c\", \"courier\": \"delhivery\", \"schedule\": \"* * * * *\"}]}",
                  err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(cfg.rules.outbox, 1);
    otp_config_free(&cfg);
    /* "limits": the store's rules as ordertrackd takes them, into the tracker's options */
    if (load_text(&cfg,
                  "{\"storage\": \"memory:\", \"limits\": {\"location_trail\": 3,"
                  " \"clock_skew_ms\": 60000, \"max_issues\": 5, \"max_substitutions\": 6,"
                  " \"max_metadata_bytes\": 100, \"max_record_bytes\": 8192}, \"couriers\":"
                  " {\"delhivery\": {\"base_url\": \"http://x\", \"token\": \"t\"}}, \"trackers\":"
                  " [{\"name\": \"b2c\", \"courier\": \"delhivery\", \"schedule\": \"* * * * *\"}]}",
                  err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(cfg.rules.location_trail, 3);
    assert_true(cfg.rules.clock_skew_ms == 60000);
    assert_int_equal(cfg.rules.max_issues, 5);
    assert_int_equal(cfg.rules.max_substitutions, 6);
    assert_int_equal(cfg.rules.max_metadata_bytes, 100);
    assert_int_equal(cfg.rules.max_record_bytes, 8192);
    assert_int_equal(cfg.rules.outbox, 0);
    otp_config_free(&cfg);
}

static void test_refused_files_name_the_field(void **state)
{
    static const struct {
        const char *text, *expect;
    } cases[] = {
        {"[]", "must be a JSON object"},
        {"{", "line"},
        {"{\"couriers\": {}, \"trackers\": []}", "storage: is required"},
        {"{\"storage\": \"memory:\", \"couriers\": {}}", "couriers: must be an object with"},
        {"{\"storage\": \"memory:\", \"extra\": 1}", "extra: unknown field"},
        {"{\"storage\": \"memory:\", \"outbox\": true}", "outbox: must be an object"},
        {"{\"storage\": \"memory:\", \"outbox\": {\"max_attempts\": 3}}",
         "outbox.max_attempts: unknown field"},
        {"{\"storage\": \"memory:\", \"limits\": []}", "limits: must be an object"},
        {"{\"storage\": \"memory:\", \"limits\": {\"max_body_bytes\": 10}}",
         "limits.max_body_bytes: not a poller setting"},
        {"{\"storage\": \"memory:\", \"limits\": {\"location_trail\": 1001}}",
         "limits.location_trail: 1001 is out of range 0-1000"},
        {"{\"storage\": \"memory:\", \"limits\": {\"clock_skew_ms\": \"5\"}}",
         "limits.clock_skew_ms: must be an integer"},
        {"{\"storage\": \"memory:\", \"couriers\": {\"fedex\": {}}}", "couriers.fedex: unknown courier"},
        {"{\"storage\": \"memory:\", \"couriers\": {\"delhivery\": {\"base_url\": \"http://x\"}}}",
         "couriers.delhivery.token: is required"},
        {"{\"storage\": \"memory:\", \"couriers\": {\"delhivery\": {\"base_url\": \"ftp://x\", \"token\": \"t\"}}}",
         "base_url must start with http"},
        {"{\"storage\": \"memory:\", \"couriers\": {\"delhivery\": {\"base_url\": \"http://x\", \"token\": \"t\"}},"
         " \"trackers\": [{\"name\": \"a\", \"courier\": \"velocity\", \"schedule\": \"* * * * *\"}]}",
         "trackers[0].courier: \"velocity\" has no entry"},
        {"{\"storage\": \"memory:\", \"couriers\": {\"delhivery\": {\"base_url\": \"http://x\", \"token\": \"t\"}},"
         " \"trackers\": [{\"name\": \"a\", \"courier\": \"delhivery\", \"schedule\": \"61 * * * *\"}]}",
         "trackers[0].schedule: "},
        {"{\"storage\": \"memory:\", \"couriers\": {\"delhivery\": {\"base_url\": \"http://x\", \"token\": \"t\"}},"
         " \"trackers\": [{\"name\": \"a\", \"courier\": \"delhivery\", \"schedule\": \"* * * * *\", \"batch_size\": 51}]}",
         "trackers[0].batch_size: must be an integer in 1..50"},
        {"{\"storage\": \"memory:\", \"couriers\": {\"delhivery\": {\"base_url\": \"http://x\", \"token\": \"t\"}},"
         " \"trackers\": [{\"name\": \"a\", \"courier\": \"delhivery\", \"schedule\": \"* * * * *\"},"
         "               {\"name\": \"a\", \"courier\": \"delhivery\", \"schedule\": \"* * * * *\"}]}",
         "trackers[1].name: duplicate tracker"},
        {"{\"storage\": \"memory:\", \"couriers\": {\"delhivery\": {\"base_url\": \"http://x\", \"token\": \"t\"}},"
         " \"trackers\": [{\"name\": \"a\", \"courier\": \"delhivery\", \"schedule\": \"* * * * *\"}],"
         " \"alerts\": {\"email\": {\"smtp_url\": \"smtp://x\", \"from\": \"f@x\", \"to\": [\"nobody\"]}}}",
         "alerts.email.to[0]: must be an e-mail address"},
        {"{\"storage\": \"memory:\", \"couriers\": {\"delhivery\": {\"base_url\": \"http://x\", \"token\": \"t\"}},"
         " \"trackers\": [{\"name\": \"a\", \"courier\": \"delhivery\", \"schedule\": \"* * * * *\","
         " \"fallback_after_minutes\": 60}]}",
         "trackers[0].fallback_after_minutes: only the fallback tracker"},
        {"{\"storage\": \"memory:\", \"couriers\": {\"delhivery\": {\"base_url\": \"http://x\", \"token\": \"t\"}},"
         " \"trackers\": [{\"name\": \"a\", \"courier\": \"delhivery\", \"schedule\": \"* * * * *\","
         " \"fallback\": true, \"fallback_after_minutes\": 0}]}",
         "trackers[0].fallback_after_minutes: must be an integer in 1..525600"},
        {"{\"storage\": \"memory:\", \"couriers\": {\"delhivery\": {\"base_url\": \"http://x\", \"token\": \"t\"}},"
         " \"trackers\": [{\"name\": \"a\", \"courier\": \"delhivery\", \"schedule\": \"* * * * *\"}],"
         " \"pii\": {\"key_id\": \"k\", \"key_hex\": \"12\"}}",
         "pii.key_hex: must be 64 hexadecimal digits"},
        {"{\"storage\": \"memory:\", \"couriers\": {\"delhivery\": {\"base_url\": \"http://x\", \"token\": \"t\"}},"
         " \"trackers\": [{\"name\": \"a\", \"courier\": \"delhivery\", \"schedule\": \"* * * * *\"}],"
         " \"pii\": {\"key_id\": \"k\", \"key_file\": \"/nonexistent/k\"}}",
         "pii.key_file: /nonexistent/k: No such file"},
        {"{\"storage\": \"memory:\", \"couriers\": {\"delhivery\": {\"base_url\": \"http://x\", \"token\": \"t\"}},"
         " \"trackers\": [{\"name\": \"a\", \"courier\": \"delhivery\", \"schedule\": \"* * * * *\"}],"
         " \"alerts\": {\"email\": {\"smtp_url\": \"smtp://x\", \"from\": \"f@x\", \"to\": [\"a@x\"],"
         " \"daily_digest_at\": \"8:00\"}}}",
         "alerts.email.daily_digest_at: must be \"HH:MM\""},
        {"{\"storage\": \"memory:\", \"couriers\": {\"delhivery\": {\"base_url\": \"http://x\", \"token\": \"t\"}},"
         " \"trackers\": [{\"name\": \"a\", \"courier\": \"delhivery\", \"schedule\": \"* * * * *\"}],"
         " \"alerts\": {\"email\": {\"smtp_url\": \"smtp://x\", \"from\": \"f@x\", \"to\": [\"a@x\"],"
         " \"daily_digest_at\": \"23:60\"}}}",
         "alerts.email.daily_digest_at: must be \"HH:MM\""},
        {"{\"storage\": \"memory:\", \"couriers\": {\"delhivery\": {\"base_url\": \"http://x\", \"token\": \"t\"}},"
         " \"trackers\": [{\"name\": \"a\", \"courier\": \"delhivery\", \"schedule\": \"* * * * *\"}],"
         " \"alerts\": {\"slack_webhook_url\": \"ftp://x\"}}",
         "alerts.slack_webhook_url: must be an http:// or https:// URL"},
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        otp_config cfg;
        char err[512] = "";
        if (load_text(&cfg, cases[i].text, err, sizeof err) == 0)
            fail_msg("case %zu loaded", i);
        if (!strstr(err, cases[i].expect) || !strstr(err, path))
            fail_msg("case %zu: \"%s\" does not name \"%s\"", i, err, cases[i].expect);
    }
}

static int setup(void **state)
{
    int fd = mkstemp(path);
    (void)state;
    if (fd < 0)
        return -1;
    close(fd);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(path);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_example_loads),
        cmocka_unit_test(test_fallback_defaults),
        cmocka_unit_test(test_refused_files_name_the_field),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
