/* ot_order_verify: one record's whole check (docs/operations.md, "Verify"): the hash chain
 * and projection (ot_order_verify_history), then every status step of the history against
 * the lifecycle graph. */
#include "common.h"

#include <stdio.h>

#include "ordertrack/transition.h"
#include "order/order_internal.h"
#include "base/error_internal.h"

int ot_order_verify(const ot_order *order, ot_error *err)
{
    ot_history_entry entry = OT_HISTORY_ENTRY_INIT;
    ot_status from = OT_STATUS_UNKNOWN;
    char where[48];
    size_t i, n;
    int rc;

    if ((rc = ot_order_verify_history(order, err)) != 0)
        return rc;
    n = ot_order_history_count(order);
    for (i = 0; i < n; i++) {
        if ((rc = ot_order_history_at(&entry, order, i, err)) != 0)
            return rc;
        /* A courier may skip forward, an operator only steps: a step not even a courier
         * could make was not made through this library. */
        if (i > 0 && entry.status != (int)from &&
            ot_status_transition_check((int)from, entry.status, OT_SOURCE_COURIER, NULL) != 0) {
            const char *a = "?", *b = "?";
            ot_status_to_string(&a, (int)from, NULL);
            ot_status_to_string(&b, entry.status, NULL);
            snprintf(where, sizeof where, "status_history[%zu]", i);
            return ot__error_field(err, OT_EINTEGRITY, where,
                                   "%s steps %s -> %s, which the lifecycle graph does not "
                                   "allow", where, a, b);
        }
        from = (ot_status)entry.status;
    }
    return 0;
}
