/* Internal: binary search in an array of structs sorted by a string member. Not installed. */
#ifndef OT_SORTED_INTERNAL_H
#define OT_SORTED_INTERNAL_H

#include <stddef.h>

/* Index of the element whose string key (the `char *` at `key_offset` in each `stride`-byte
 * element) equals `key`, with *found = 1; else the index where it would be inserted, with
 * *found = 0. */
size_t ot__sorted_find(const void *base, size_t count, size_t stride, size_t key_offset,
                       const char *key, int *found);

#endif
