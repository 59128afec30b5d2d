/* Deep copies of jansson values without json_deep_copy's loop check: jansson formats every
 * object's and array's address into a hashtable to detect cycles, which made it the largest
 * cost of copying a record (the SQLite store's cache clones one per load and per commit).
 * The library's values have no cycles; a depth bound stops a malformed one all the same. */
#include <jansson.h>

#include "common.h"
#include "json/json_internal.h"

#define MAX_DEPTH 2048

static json_t *copy_value(const json_t *v, int depth)
{
    json_t *out, *child;
    const char *key;
    void *it;
    size_t i, n;

    if (!v || depth > MAX_DEPTH)
        return NULL;
    switch (json_typeof(v)) {
    case JSON_NULL:
    case JSON_TRUE:
    case JSON_FALSE:
        return json_incref((json_t *)v); /* jansson's immortal singletons */
    case JSON_INTEGER: return json_integer(json_integer_value(v));
    case JSON_REAL: return json_real(json_real_value(v));
    case JSON_STRING: return json_stringn_nocheck(json_string_value(v), json_string_length(v));
    case JSON_ARRAY:
        n = json_array_size(v);
        out = json_array();
        for (i = 0; out && i < n; i++) {
            if (json_array_append_new(out, copy_value(json_array_get(v, i), depth + 1))) {
                json_decref(out);
                out = NULL;
            }
        }
        return out;
    case JSON_OBJECT:
        out = json_object();
        for (it = json_object_iter((json_t *)v); out && it;
             it = json_object_iter_next((json_t *)v, it)) {
            key = json_object_iter_key(it);
            child = copy_value(json_object_iter_value(it), depth + 1);
            /* setn_new_nocheck: the key is already valid UTF-8; it steals child even on
             * failure */
            if (!child || json_object_setn_new_nocheck(out, key, json_object_iter_key_len(it),
                                                       child)) {
                json_decref(out);
                out = NULL;
            }
        }
        return out;
    }
    return NULL;
}

json_t *ot__json_copy(const json_t *v)
{
    return copy_value(v, 0);
}
