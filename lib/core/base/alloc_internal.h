/* Internal: every allocation of the library goes through these. Not installed. */
#ifndef OT_ALLOC_INTERNAL_H
#define OT_ALLOC_INTERNAL_H

#include <stddef.h>

/* NULL on failure or for size 0. */
void *ot__malloc(size_t size);
/* Zeroed; NULL on failure, overflow of n * size, or a zero total. */
void *ot__calloc(size_t n, size_t size);
/* NULL on failure (ptr kept) or for size 0 (ptr kept). */
void *ot__realloc(void *ptr, size_t size);
void ot__free(void *ptr);
/* Copy of a NUL-terminated string, or NULL on failure. NULL in gives NULL. */
char *ot__strdup(const char *s);
/* Copy of the first n bytes plus a NUL, or NULL on failure. */
char *ot__strndup(const char *s, size_t n);
/* Room for one more element in an array of `count` elements of `size` bytes with room for
 * *cap: `items` itself while count < *cap, else the array reallocated to twice *cap (`first`
 * when *cap is 0), *cap updated. NULL on failure or overflow (`items` and *cap kept). */
void *ot__grow(void *items, size_t *cap, size_t count, size_t size, size_t first);

#endif
