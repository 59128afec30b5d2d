/* Fuzz the library's JSON parser against jansson's json_loadb(..., JSON_REJECT_DUPLICATES):
 * the same verdict, the same document when both accept (types, values bit for bit, key
 * order), the same json_error_t when both refuse (text, line, column, position, code); trap
 * otherwise. An input with a NUL byte must be refused (jansson lets one through after a
 * number or a literal: the one deliberate difference, lib/core/json/read.c). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <jansson.h>

#include "json_same.h"

#include "ordertrack/ordertrack.h"
#include "json/json_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_error_t want, got;
    json_t *a = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &want);
    json_t *b = NULL;
    int rc = ot__json_read(&b, data, size, &got);

    if (memchr(data, '\0', size)) {
        if (rc != OT_EPARSE || b)
            __builtin_trap();
    } else if (a) {
        if (rc != 0 || !b || !json_same_doc(a, b) || got.position != want.position)
            __builtin_trap();
    } else if (rc != OT_EPARSE || b || strcmp(got.text, want.text) != 0 ||
               got.line != want.line || got.column != want.column ||
               got.position != want.position || json_error_code(&got) != json_error_code(&want)) {
        __builtin_trap();
    }
    json_decref(a);
    json_decref(b);
    return 0;
}
