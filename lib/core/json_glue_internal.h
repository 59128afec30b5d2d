/* Internal: parsing JSON with jansson, the library's way (json.c). Not installed. */
#ifndef OT_JSON_GLUE_INTERNAL_H
#define OT_JSON_GLUE_INTERNAL_H

#include <stddef.h>

#include <jansson.h>

/* Parse `len` bytes, refusing duplicate keys. 0 with *out set; OT_ENOMEM when an allocation
 * failed (jansson sometimes reports those as syntax errors; this tells them apart); or
 * OT_EPARSE with `jerr` describing the syntax error. Callers word their own messages. */
int ot__json_loadb(json_t **out, const void *bytes, size_t len, json_error_t *jerr);

#endif
