/* Fuzz the library's JSON parser against jansson's json_loadb(..., JSON_REJECT_DUPLICATES):
 * the same verdict, the same document when both accept (types, values bit for bit, key
 * order), the same json_error_t when both refuse (text, line, column, position, code); trap
 * otherwise. An input with a NUL byte must be refused (jansson lets one through after a
 * number or a literal: the one deliberate difference, lib/core/json_read.c). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <jansson.h>

#include "ordertrack/ordertrack.h"
#include "json_glue_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same_doc(json_t *a, json_t *b)
{
    size_t i, n;
    void *ia, *ib;
    double x, y;

    if (json_typeof(a) != json_typeof(b))
        return 0;
    switch (json_typeof(a)) {
    case JSON_INTEGER: return json_integer_value(a) == json_integer_value(b);
    case JSON_REAL:
        x = json_real_value(a);
        y = json_real_value(b);
        return memcmp(&x, &y, sizeof x) == 0;
    case JSON_STRING:
        return json_string_length(a) == json_string_length(b) &&
               memcmp(json_string_value(a), json_string_value(b), json_string_length(a)) == 0;
    case JSON_ARRAY:
        n = json_array_size(a);
        if (n != json_array_size(b))
            return 0;
        for (i = 0; i < n; i++)
            if (!same_doc(json_array_get(a, i), json_array_get(b, i)))
                return 0;
        return 1;
    case JSON_OBJECT:
        if (json_object_size(a) != json_object_size(b))
            return 0;
        for (ia = json_object_iter(a), ib = json_object_iter(b); ia && ib;
             ia = json_object_iter_next(a, ia), ib = json_object_iter_next(b, ib)) {
            if (json_object_iter_key_len(ia) != json_object_iter_key_len(ib) ||
                memcmp(json_object_iter_key(ia), json_object_iter_key(ib),
                       json_object_iter_key_len(ia)) != 0 ||
                !same_doc(json_object_iter_value(ia), json_object_iter_value(ib)))
                return 0;
        }
        return !ia && !ib;
    default: return 1;
    }
}

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
        if (rc != 0 || !b || !same_doc(a, b) || got.position != want.position)
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
