/* Binary search in arrays sorted by a string member. */
#include <string.h>

#include "base/sorted_internal.h"

size_t ot__sorted_find(const void *base, size_t count, size_t stride, size_t key_offset,
                       const char *key, int *found)
{
    size_t lo = 0, hi = count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *elem_key;
        int c;
        memcpy(&elem_key, (const char *)base + mid * stride + key_offset, sizeof elem_key);
        c = strcmp(elem_key, key);
        if (c == 0) {
            *found = 1;
            return mid;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = 0;
    return lo;
}
