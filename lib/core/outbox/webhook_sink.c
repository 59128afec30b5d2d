/* The signed-webhook sink. (Interface commit: not implemented yet.) */
#include "ordertrack/webhook_sink.h"
#include "error_internal.h"
#include "outbox_internal.h"

int ot_webhook_subscription_init(ot_webhook_subscription *subscription, unsigned version,
                                 ot_error *err)
{
    static const ot_webhook_subscription defaults = OT_WEBHOOK_SUBSCRIPTION_INIT;
    int rc = ot__check_struct(subscription, version, OT_WEBHOOK_SUBSCRIPTION_VERSION,
                              "subscription", err);
    if (rc)
        return rc;
    *subscription = defaults;
    subscription->version = version;
    return 0;
}

int ot_webhook_sink_options_init(ot_webhook_sink_options *options, unsigned version,
                                 ot_error *err)
{
    static const ot_webhook_sink_options defaults = OT_WEBHOOK_SINK_OPTIONS_INIT;
    int rc = ot__check_struct(options, version, OT_WEBHOOK_SINK_OPTIONS_VERSION, "options", err);
    if (rc)
        return rc;
    *options = defaults;
    options->version = version;
    return 0;
}

int ot_webhook_sink_new(ot_sink **sink, const ot_webhook_sink_options *options, ot_error *err)
{
    (void)options;
    if (sink)
        *sink = NULL;
    return ot__error_set(err, OT_EUNSUPPORTED, "the webhook sink is not implemented yet");
}

int ot_webhook_sign(char *out, size_t out_size, const char *secret, int64_t unix_seconds,
                    const char *body, size_t body_len, ot_error *err)
{
    (void)out;
    (void)out_size;
    (void)secret;
    (void)unix_seconds;
    (void)body;
    (void)body_len;
    return ot__error_set(err, OT_EUNSUPPORTED, "ot_webhook_sign is not implemented yet");
}
