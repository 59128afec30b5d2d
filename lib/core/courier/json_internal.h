/* Internal: jansson set-up and typed member access that names the field on error. */
#ifndef OT_COURIER_JSON_INTERNAL_H
#define OT_COURIER_JSON_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "ordertrack/error.h"


/* Decode `len` bytes (JSON_REJECT_DUPLICATES); OT_EPARSE with the line on failure, naming
 * `what` ("payload", a file path). */
int ot__json_load(json_t **root, const void *bytes, size_t len, const char *what,
                  ot_error *err);

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

#endif
