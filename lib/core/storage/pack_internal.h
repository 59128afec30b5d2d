/* Internal: the memory store's packed record text (pack.c). Not installed. */
#ifndef OT_STORAGE_PACK_INTERNAL_H
#define OT_STORAGE_PACK_INTERNAL_H

#include <stddef.h>

/* Pack the compact JSON `json` (`len` bytes, from the library's encoder: no byte below
 * 0x20) into *out (allocated, NUL-terminated, *out_len bytes). 0 or OT_ENOMEM. */
int ot__json_pack(char **out, size_t *out_len, const char *json, size_t len);
/* The JSON text `packed` (n bytes, from ot__json_pack) stands for, into *out (allocated,
 * NUL-terminated, *out_len bytes). 0 or OT_ENOMEM. */
int ot__json_unpack(char **out, size_t *out_len, const char *packed, size_t n);

#endif
