/* Storage probe: a point read through the port (an indexed lookup on every adapter). */
#include "storage_probe.h"

#include <ordertrack/ordertrack.h>
#include <ordertrack/sys/storage.h>

int otd_storage_probe(void *ctx)
{
    const ot_storage *storage = ctx;
    ot_order *order = NULL;
    int rc;

    if (!storage || !storage->load)
        return -1;
    rc = storage->load(storage->userdata, "ordertrackd-healthz-probe", &order, NULL);
    ot_order_free(order);
    return rc == 0 || rc == OT_ENOTFOUND ? 0 : -1;
}
