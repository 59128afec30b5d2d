/* Event type names (the wire form stored in each history entry's metadata.ot.event). */
#include <string.h>

#include "order/order_internal.h"

static const char *const event_names[OT__EV_COUNT] = {
    NULL, "created", "status_changed", "store_acknowledged", "store_rejected",
    "picking_started", "substitution_added", "substitution_responded", "inventory_adjusted",
    "ready", "driver_assigned", "no_driver", "picked_up", "delivered", "issue_raised",
    "issue_resolved", "courier_update", "sla_notified", "dispatch_requested",
    "dispatch_recorded", "dispatch_failed", "dispatch_cancelled", "dispatch_switched",
    "dispatch_exhausted",
};

/* Bookkeeping events: they record what the library did (an SLA notice sent), not a change a
 * client sees, and do not move the order's revision (ot_order_revision). */
static const unsigned char bookkeeping[OT__EV_COUNT] = {
    [OT__EV_SLA_NOTIFIED] = 1,
};

int ot__event_is_bookkeeping(int event)
{
    return event > 0 && event < OT__EV_COUNT && bookkeeping[event];
}

const char *ot__event_name(int event)
{
    return event > 0 && event < OT__EV_COUNT ? event_names[event] : NULL;
}

int ot__event_from_name(const char *name)
{
    int i;
    for (i = 1; name && i < OT__EV_COUNT; i++)
        if (strcmp(event_names[i], name) == 0)
            return i;
    return 0;
}
