/* Internal: courier definitions (couriers as data) and their registry. Not installed. */
#ifndef OT_COURIER_DEF_INTERNAL_H
#define OT_COURIER_DEF_INTERNAL_H

#include <regex.h>
#include <jansson.h>
#include <stddef.h>

#include "ordertrack/courier_def.h"

/* One status row; strings normalised (ot__courier_normalise), type and code NULL = any. */
struct ot__cdef_status {
    char *type, *raw, *code;
    int value;        /* ot_shipment_status (parcel) or ot_status (hyperlocal); 0 = none */
    unsigned flags;
};

enum ot__cdef_check { OT__CHECK_NONE, OT__CHECK_S10, OT__CHECK_MOD7, OT__CHECK_LUHN };

struct ot__cdef_pattern {
    regex_t re;
    int confidence;   /* 1..100 */
    int check;        /* enum ot__cdef_check */
};

/* Where a payload keeps things: JSON pointers (RFC 6901); NULL = absent. `shipments` and
 * `webhook_shipments` are relative to the document, the others to one shipment. */
struct ot__cdef_payload {
    char *shipments, *webhook_shipments;
    char *awb, *status, *type, *time, *location, *order_id, *event_id, *notes;
    int time_offset_min;
};

/* The tracking API: GET base + path, {awbs} replaced by the comma-joined AWBs. */
struct ot__cdef_api {
    char *path, *auth_header, *auth_prefix;
    size_t batch_size;
};

struct ot__cdef {
    int id;
    char *name;
    int builtin;      /* one of the ot_provider couriers */
    int parcel;
    struct ot__cdef_status *statuses;
    size_t status_count;
    int has_table;    /* a loaded definition gave its status table */
    int uses_type;    /* a row names a type: the type takes part in the key (Delhivery) */
    struct ot__cdef_pattern *patterns;
    size_t pattern_count;
    int has_payload, has_api;
    struct ot__cdef_payload payload;
    struct ot__cdef_api api;
};

struct ot_courier_registry {
    struct ot__cdef **defs;
    size_t count, cap;
};

/* The definition of `provider`, or NULL. */
const struct ot__cdef *ot__cdef_find(const ot_courier_registry *r, int provider);
/* The definition called `name`, or NULL. */
const struct ot__cdef *ot__cdef_find_name(const ot_courier_registry *r, const char *name);
/* Free one definition (loader's partial ones too). */
void ot__cdef_free(struct ot__cdef *d);
/* Resolve an RFC 6901 pointer ("" = the value itself); NULL when absent. */
const json_t *ot__jpointer(const json_t *v, const char *ptr);

#endif
