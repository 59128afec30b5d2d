/* Fuzz the wire-name codecs and the transition validator with arbitrary bytes. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <ordertrack/ordertrack.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char name[128];
    ot_error err;
    ot_status st;
    ot_shipment_status sh;
    ot_provider pr;
    const char *back = NULL;
    int from, to, source;

    if (size < 3)
        return 0;
    /* The first three bytes drive the validator, with values well outside the enums. */
    from = (int8_t)data[0];
    to = (int8_t)data[1];
    source = (int8_t)data[2] % 4;
    ot_status_transition_check(from, to, source, &err);
    ot_shipment_transition_check(from, to, source, &err);
    ot_status_has_edge(from, to, &err);
    ot_status_to_string(&back, from, &err);

    /* The rest is a candidate wire name. */
    size -= 3;
    if (size >= sizeof name)
        size = sizeof name - 1;
    memcpy(name, data + 3, size);
    name[size] = '\0';
    if (ot_status_from_string(&st, name, &err) == 0
        && (ot_status_to_string(&back, st, &err) != 0 || strcmp(back, name) != 0))
        __builtin_trap();
    if (ot_shipment_from_string(&sh, name, &err) == 0
        && (ot_shipment_to_string(&back, sh, &err) != 0 || strcmp(back, name) != 0))
        __builtin_trap();
    if (ot_provider_from_string(&pr, name, &err) == 0
        && (ot_provider_to_string(&back, pr, &err) != 0 || strcmp(back, name) != 0))
        __builtin_trap();
    return 0;
}
