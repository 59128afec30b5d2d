/* Fuzz the mapping override loader: all or nothing (a refused file adds no row), and loaded
 * tables map and parse without fault. */
#include <stddef.h>
#include <stdint.h>

#include <ordertrack/ordertrack.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char payload[] =
        "{\"Shipment\":{\"AWB\":\"1\",\"Status\":{\"Status\":\"In Transit\",\"StatusType\":"
        "\"UD\",\"StatusDateTime\":\"2024-01-01T10:00:00\"}}}";
    ot_courier_tables *t = NULL;
    ot_courier_mapping m;
    ot_update_list *list = NULL;
    ot_error err;
    int rc, p;

    if (ot_courier_tables_new(&t, &err) != 0)
        return 0;
    rc = ot_courier_tables_load_overrides_json(t, (const char *)data, size, &err);
    if (rc != 0 && ot_courier_tables_override_count(t, &err) != 0)
        __builtin_trap(); /* a refused file changed the tables */
    for (p = 0; p < 12; p++)
        (void)ot_courier_map(&m, t, p, "In Transit", "UD", NULL, &err);
    if (ot_courier_parse(&list, t, OT_PAYLOAD_DELHIVERY_PUSH, payload, sizeof payload - 1,
                         &err) == 0)
        ot_update_list_free(list);
    ot_courier_tables_free(t);
    return 0;
}
