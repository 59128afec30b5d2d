/* Internal: JSON the library's way: jansson values, read by the library's own parser
 * (json_read.c) and written by its own encoder (json_write.c). Not installed. */
#ifndef OT_JSON_GLUE_INTERNAL_H
#define OT_JSON_GLUE_INTERNAL_H

#include <stddef.h>

#include <jansson.h>

#include "ordertrack/error.h"

/* The parser: accepts exactly what json_loadb(bytes, len, JSON_REJECT_DUPLICATES, jerr)
 * accepts and builds the same document (types, key order), except that it refuses every NUL
 * byte (jansson lets one through after a number or a literal). A refusal fills `jerr` as
 * jansson would (text, line, column, position, json_error_code); an allocation failure
 * returns OT_ENOMEM with json_error_out_of_memory. *out is NULL unless 0 is returned.
 * Thread-safe. `jerr` may be NULL. */
int ot__json_read(json_t **out, const void *bytes, size_t len, json_error_t *jerr);

/* Encode `v` into a NUL-terminated buffer from ot__malloc (`*len` without the NUL), byte for
 * byte as json_dumpb(v, flags) would, for flags among JSON_COMPACT, JSON_ENSURE_ASCII,
 * JSON_SORT_KEYS, JSON_PRESERVE_ORDER, JSON_ENCODE_ANY, JSON_ESCAPE_SLASH and
 * JSON_REAL_PRECISION (OT_EINVAL for others). OT_ENOMEM, or OT_EINVAL for a value jansson
 * would not encode either (invalid UTF-8, nesting deeper than 2,048). Thread-safe for values
 * nobody modifies meanwhile. */
int ot__json_write(char **out, size_t *len, const json_t *v, size_t flags, ot_error *err);

/* A deep copy of `v` (json_copy.c), the same document as json_deep_copy gives, in the same
 * key order; NULL on allocation failure or nesting deeper than 2,048. Thread-safe for
 * values nobody modifies meanwhile. */
json_t *ot__json_copy(const json_t *v);

#endif
