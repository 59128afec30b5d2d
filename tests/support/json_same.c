/* Tests: two jansson documents compared exactly (used by unit.json_read and the json_read
 * fuzz target). */
#include <string.h>

#include "json_same.h"

int json_same_doc(const json_t *a, const json_t *b)
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
            if (!json_same_doc(json_array_get(a, i), json_array_get(b, i)))
                return 0;
        return 1;
    case JSON_OBJECT:
        if (json_object_size(a) != json_object_size(b))
            return 0;
        for (ia = json_object_iter((json_t *)a), ib = json_object_iter((json_t *)b); ia && ib;
             ia = json_object_iter_next((json_t *)a, ia),
            ib = json_object_iter_next((json_t *)b, ib)) {
            if (json_object_iter_key_len(ia) != json_object_iter_key_len(ib) ||
                memcmp(json_object_iter_key(ia), json_object_iter_key(ib),
                       json_object_iter_key_len(ia)) != 0 ||
                !json_same_doc(json_object_iter_value(ia), json_object_iter_value(ib)))
                return 0;
        }
        return !ia && !ib;
    default: return 1;
    }
}
