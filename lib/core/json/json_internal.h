/* Internal: JSON the library's way: jansson values, read by the library's own parser
 * (read.c), written by its own encoder (write.c), copied (copy.c), loaded with the library's
 * error report (glue.c), and read member by member naming the field (member.c). Every module
 * that handles JSON goes through here. Not installed. */
#ifndef OT_JSON_INTERNAL_H
#define OT_JSON_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "ordertrack/error.h"

/* The one load: parse `len` bytes (duplicate keys refused) with ot__json_read. 0 with *out set; OT_ENOMEM ("out of memory parsing
 * <what>"); or OT_EPARSE "<what>:<line>:<column>: <reason>". Both name `field` in err->field
 * ("" for none). `what` names the input ("payload", a file path, "order"). */
int ot__json_load(json_t **out, const void *bytes, size_t len, const char *what,
                  const char *field, ot_error *err);

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

/* A deep copy of `v` (copy.c), the same document as json_deep_copy gives, in the same
 * key order; NULL on allocation failure or nesting deeper than 2,048. Thread-safe for
 * values nobody modifies meanwhile. */
json_t *ot__json_copy(const json_t *v);

/* Member access. `path` names the object for messages ("ShipmentData[2].Shipment").
 * opt_*: absent or null gives NULL/0 and present 0; a wrong type is OT_EPARSE.
 * req_*: absent or null is OT_EPARSE too. */
int ot__json_opt_string(const char **out, const json_t *obj, const char *key,
                        const char *path, ot_error *err);
int ot__json_req_string(const char **out, const json_t *obj, const char *key,
                        const char *path, ot_error *err);
int ot__json_opt_object(json_t **out, const json_t *obj, const char *key, const char *path,
                        ot_error *err);
int ot__json_req_object(json_t **out, const json_t *obj, const char *key, const char *path,
                        ot_error *err);
int ot__json_opt_array(json_t **out, const json_t *obj, const char *key, const char *path,
                       ot_error *err);
int ot__json_req_array(json_t **out, const json_t *obj, const char *key, const char *path,
                       ot_error *err);
/* A number (integer or real); *present 0 when absent or null. */
int ot__json_opt_number(double *out, int *present, const json_t *obj, const char *key,
                        const char *path, ot_error *err);
/* A boolean; *present 0 when absent or null. */
int ot__json_opt_bool(int *out, int *present, const json_t *obj, const char *key,
                      const char *path, ot_error *err);
/* A string or an integer written into buf as decimal (Shiprocket ids come as both);
 * *out NULL when absent or null. */
int ot__json_opt_id(const char **out, char *buf, size_t cap, const json_t *obj,
                    const char *key, const char *path, ot_error *err);
/* An optional time string parsed with ot__time_parse_partner; "" or absent gives 0. */
int ot__json_opt_time(int64_t *ms, const json_t *obj, const char *key, int default_offset_min,
                      const char *path, ot_error *err);

/* The error helper: "path.key: reason" in the message, "path.key" in err->field. */
int ot__json_field_error(ot_error *err, int code, const char *path, const char *key,
                         const char *reason);

/* Trusted documents (the library's own): absent, null or another type gives NULL / 0. */
const char *ot__jstr(const json_t *obj, const char *key);
int64_t ot__jtime(const json_t *obj, const char *key);
/* Set `key` to a string / RFC 3339 time, or null for NULL / 0; 0 or OT_ENOMEM. */
int ot__jset_str(json_t *obj, const char *key, const char *value);
int ot__jset_time(json_t *obj, const char *key, int64_t ms);
/* New JSON string of a time, or NULL on allocation failure. */
json_t *ot__jtime_new(int64_t ms);

#endif
