/* Fuzz every partner payload parser: the same bytes go through each ot_courier_payload kind
 * (so the seed corpus is plain partner payloads), and each update of a parsed list is read. */
#include <stddef.h>
#include <stdint.h>

#include <ordertrack/ordertrack.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ot_error err;
    int kind;

    for (kind = OT_PAYLOAD_DELHIVERY_TRACKING; kind < OT_PAYLOAD_COUNT; kind++) {
        ot_update_list *list = NULL;
        size_t i, n;
        int rc = ot_courier_parse(&list, NULL, kind, data, size, &err);
        if (rc != 0) {
            if (list != NULL || rc > 0)
                __builtin_trap();
            continue;
        }
        n = ot_update_list_count(list);
        for (i = 0; i < n; i++) {
            const ot_update *u = ot_update_list_get(list, i);
            if (u == NULL || u->raw_status == NULL)
                __builtin_trap();
        }
        if (ot_update_list_get(list, n) != NULL)
            __builtin_trap();
        ot_update_list_free(list);
    }
    return 0;
}
