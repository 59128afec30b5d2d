/* The dispatch state of an order, read from its history: the last dispatch event, the
 * attempts so far, the no-driver answers of the current provider since the last switch. */
#include <stdio.h>
#include <string.h>

#include "common.h"
#include "order/order_internal.h"
#include "dispatch/dispatch_internal.h"

void ot__dispatch_external_id(char *out, size_t size, const char *order_id, unsigned attempt)
{
    snprintf(out, size, "%s~%u", order_id, attempt);
}

static int64_t int_member(const json_t *data, const char *key)
{
    return (int64_t)json_integer_value(json_object_get(data, key));
}

int ot__dispatch_state_read(struct ot__dispatch_state *s, const ot_order *order)
{
    const json_t *history = json_object_get(order->doc, "status_history"), *entry;
    size_t i;

    memset(s, 0, sizeof *s);
    s->provider = ot_order_provider(order);
    json_array_foreach(history, i, entry) {
        const json_t *ot = ot__entry_ot(entry);
        const json_t *data = json_object_get(ot, "data");
        int event = ot__event_from_name(ot__jstr(ot, "event"));

        switch (event) {
        case OT__EV_DISPATCH_REQUESTED:
            s->last_attempt = (unsigned)int_member(data, "attempt");
            if (s->last_attempt > s->attempts)
                s->attempts = s->last_attempt;
            s->lease_until_ms = int_member(data, "lease_until_ms");
            ot__strlcpy(s->external_id, ot__jstr(data, "external_id"), sizeof s->external_id);
            s->requested_here = 1;
            break;
        case OT__EV_DISPATCH_RECORDED:
            ot__strlcpy(s->delivery_id, ot__jstr(data, "delivery_id"), sizeof s->delivery_id);
            break;
        case OT__EV_NO_DRIVER:
            if (!ot__jstr(data, "provider"))
                continue;      /* the assign route's, not a dispatch outcome */
            s->no_driver++;
            s->retry_at_ms = int_member(data, "retry_at_ms");
            break;
        case OT__EV_DISPATCH_SWITCHED:
            s->switches++;
            s->no_driver = 0;
            s->requested_here = 0;
            s->delivery_id[0] = '\0';
            break;
        case OT__EV_DISPATCH_FAILED:
        case OT__EV_DISPATCH_CANCELLED:
        case OT__EV_DISPATCH_EXHAUSTED:
            break;
        default:
            continue;
        }
        s->last = event;
    }
    return 0;
}
