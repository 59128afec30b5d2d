/* Event type names (the wire form stored in each history entry's metadata.ot.event). */
#include <string.h>

#include "order_internal.h"

static const char *const event_names[OT__EV_COUNT] = {
    NULL, "created", "status_changed", "store_acknowledged", "store_rejected",
    "picking_started", "substitution_added", "substitution_responded", "inventory_adjusted",
    "ready", "driver_assigned", "no_driver", "picked_up", "delivered", "issue_raised",
    "issue_resolved", "courier_update", "sla_notified",
};

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
