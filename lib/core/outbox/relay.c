/* The relay: delivers the outbox to sinks. (Interface commit: not implemented yet.) */
#include "error_internal.h"
#include "outbox_internal.h"

int ot_relay_new(ot_relay **relay, const ot_relay_options *options, ot_error *err)
{
    (void)options;
    if (relay)
        *relay = NULL;
    return ot__error_set(err, OT_EUNSUPPORTED, "the relay is not implemented yet");
}

void ot_relay_free(ot_relay *relay)
{
    (void)relay;
}

int ot_relay_run_once(ot_relay *relay, ot_relay_stats *stats, ot_error *err)
{
    (void)relay;
    (void)stats;
    return ot__error_set(err, OT_EUNSUPPORTED, "the relay is not implemented yet");
}

int ot_relay_run(ot_relay *relay, ot_relay_stats *stats, ot_error *err)
{
    (void)relay;
    (void)stats;
    return ot__error_set(err, OT_EUNSUPPORTED, "the relay is not implemented yet");
}

void ot_relay_stop(ot_relay *relay)
{
    (void)relay;
}
