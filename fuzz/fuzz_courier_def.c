/* Fuzz the courier definition loader (couriers as data): all or nothing (a refused file adds
 * no courier), and a loaded courier is found by its name and id, maps, parses and detects
 * without fault. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <ordertrack/ordertrack.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char payload[] =
        "{\"data\":{\"shipments\":[{\"tracking\":{\"number\":\"AX123456782\"},\"latest\":"
        "{\"code\":40,\"at\":\"2026-01-01T10:00:00\"}}]},\"shipment\":{\"awb\":\"1\"}}";
    static const char *const numbers[] = {"AX123456782", "EE123456785IN", "1490811234567",
                                          "del_Aq3fN9dGx3Qm0WZk", ""};
    ot_courier_registry *r = NULL;
    ot_courier_candidate c[4] = {OT_COURIER_CANDIDATE_INIT, OT_COURIER_CANDIDATE_INIT,
                                 OT_COURIER_CANDIDATE_INIT, OT_COURIER_CANDIDATE_INIT};
    ot_courier_mapping m;
    ot_update_list *list = NULL;
    const char *name = NULL;
    ot_error err;
    size_t n, i;
    int id, kind;

    if (ot_courier_registry_new(&r, &err) != 0)
        return 0;
    id = ot_courier_registry_load_json(r, (const char *)data, size, "fuzz", &err);
    if (id < 0) {
        if (err.code != id || err.message[0] == '\0')
            __builtin_trap(); /* a refusal names its reason */
        if (ot_courier_detect(r, "AX123456782", c, 4, &n, &err) != 0 || n != 0)
            __builtin_trap(); /* a refused file added no pattern */
        ot_courier_registry_free(r);
        return 0;
    }
    if (id == 0 || ot_courier_registry_name(&name, r, id, &err) != 0 ||
        ot_courier_registry_lookup(r, name, &err) != id)
        __builtin_trap();
    (void)ot_courier_registry_map(&m, r, NULL, id, "delivered", NULL, NULL, &err);
    (void)ot_courier_registry_map(&m, r, NULL, id, "40", "ud", "eod-74", &err);
    for (kind = OT_COURIER_DEF_TRACKING; kind <= OT_COURIER_DEF_WEBHOOK; kind++)
        if (ot_courier_registry_parse(&list, r, id, kind, payload, sizeof payload - 1,
                                      &err) == 0) {
            for (i = 0; i < ot_update_list_count(list); i++)
                if (!ot_update_list_get(list, i)->tracking_id)
                    __builtin_trap();
            ot_update_list_free(list);
        } else if (list) {
            __builtin_trap();
        }
    for (i = 0; i < sizeof numbers / sizeof numbers[0]; i++)
        if (ot_courier_detect(r, numbers[i], c, 4, &n, &err) != 0 ||
            (n && (c[0].confidence < 1 || c[0].confidence > 100 || !c[0].name)))
            __builtin_trap();
    ot_courier_registry_free(r);
    return 0;
}
