/* Fuzz the library's JSON encoder against jansson's: any document jansson parses must encode
 * to the same bytes with both, under each flag set the library uses (trap otherwise); a
 * document jansson refuses to encode, ours must refuse too. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ordertrack/ordertrack.h"
#include "json/json_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const size_t flag_sets[] = {
        JSON_COMPACT | JSON_REAL_PRECISION(17),
        JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII | JSON_REAL_PRECISION(17),
        JSON_ENCODE_ANY | JSON_ESCAPE_SLASH,
    };
    json_error_t jerr;
    json_t *doc = json_loadb((const char *)data, size, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
    size_t k;

    if (!doc)
        return 0;
    for (k = 0; k < sizeof flag_sets / sizeof flag_sets[0]; k++) {
        size_t n = json_dumpb(doc, NULL, 0, flag_sets[k]), len = 0;
        char *want, *got = NULL;
        ot_error err;
        int rc = ot__json_write(&got, &len, doc, flag_sets[k], &err);
        if (n == 0) {
            if (rc == 0)
                __builtin_trap();
            continue;
        }
        if (rc != 0 || len != n)
            __builtin_trap();
        want = malloc(n);
        if (!want || json_dumpb(doc, want, n, flag_sets[k]) != n || memcmp(want, got, n) != 0)
            __builtin_trap();
        free(want);
        ot_free(got);
    }
    json_decref(doc);
    return 0;
}
