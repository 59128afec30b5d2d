/* The `reconcile` block (reconcileconf.h): every error names the member. */
#include "reconcileconf.h"

#include <stdlib.h>
#include <string.h>

static const char *const fields[] = {"interval_s", "export", "repair", "page_size", "couriers",
                                     NULL};

int otd_reconcileconf_load(otd_reconcileconf *r, const jsonconf *c, json_t *obj,
                           const ot_courier_registry *registry)
{
    long long v;
    json_t *couriers;

    memset(r, 0, sizeof *r);
    if (!json_is_object(obj))
        return jc_bad(c, "reconcile", "must be an object");
    r->present = 1;
    r->raw = json_incref(obj);
    if (jc_check_fields(c, obj, "reconcile", fields) != 0)
        return -1;
    if (!json_object_get(obj, "interval_s"))
        return jc_bad(c, "reconcile.interval_s", "is required");
    if (jc_int(c, obj, "reconcile", "interval_s", 1, 604800, 0, &v) != 0)
        return -1;
    r->interval_s = (unsigned)v;
    if (jc_int(c, obj, "reconcile", "page_size", 1, 1000, 500, &v) != 0)
        return -1;
    r->page_size = (unsigned)v;
    if (jc_string(c, obj, "reconcile", "export", 0, 4096, &r->export_path) != 0 ||
        jc_bool(c, obj, "reconcile", "repair", 0, &r->repair) != 0)
        return -1;
    couriers = json_object_get(obj, "couriers");
    if (couriers && otc_couriers_load(c, &r->couriers, couriers, "reconcile.couriers",
                                      registry) != 0)
        return -1;
    return 0;
}

int otd_reconcileconf_differs(const otd_reconcileconf *a, const otd_reconcileconf *b)
{
    if (!a->raw || !b->raw)
        return a->raw != b->raw;
    return !json_equal(a->raw, b->raw);
}

void otd_reconcileconf_free(otd_reconcileconf *r)
{
    json_decref(r->raw);
    free(r->export_path);
    otc_couriers_free(&r->couriers);
    memset(r, 0, sizeof *r);
}
