/* Fuzz the order codec: decode untrusted bytes; a document that decodes must encode, and the
 * encoding must decode again to a record that encodes to the same bytes (trap otherwise). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <ordertrack/ordertrack.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ot_order *first = NULL, *second = NULL;
    char *a = NULL, *b = NULL;
    size_t alen = 0, blen = 0;
    ot_error err;

    if (ot_order_from_json(&first, (const char *)data, size, &err) != 0)
        return 0;
    (void)ot_order_verify_history(first, &err);
    if (ot_order_to_json(&a, &alen, first, &err) != 0)
        __builtin_trap();
    if (ot_order_from_json(&second, a, alen, &err) != 0)
        __builtin_trap();
    if (ot_order_to_json(&b, &blen, second, &err) != 0)
        __builtin_trap();
    if (alen != blen || memcmp(a, b, alen) != 0)
        __builtin_trap();
    ot_free(a);
    ot_free(b);
    ot_order_free(first);
    ot_order_free(second);
    return 0;
}
