/* Internal: courier status tables, the mapper and the shared pieces of the parsers. */
#ifndef OT_COURIER_INTERNAL_H
#define OT_COURIER_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "ordertrack/courier.h"
#include "ordertrack/status.h"

/* One row of a status table. Strings are stored normalised (ot__courier_normalise). */
struct ot__courier_row {
    const char *type;  /* StatusType; NULL = the row applies when no type is given */
    const char *raw;   /* raw status */
    unsigned char raw_len; /* strlen(raw), a cheap first filter */
    const char *code;  /* NDR StatusCode; NULL = any code */
    unsigned char value; /* ot_shipment_status (parcel) or ot_status (hyperlocal); 0 = none */
    unsigned short flags; /* enum ot_update_flag */
};

/* Slots of each built-in table's hash index (a power of two); a table holds at most half
 * as many rows. */
#define OT__INDEX_SLOTS 256

struct ot__courier_table {
    int provider;
    int uses_type; /* 1: raw_type takes part in the key (Delhivery) */
    const struct ot__courier_row *rows;
    size_t count;
};

/* Row builders for the table files. */
#define OT__RAW(raw) raw, (unsigned char)(sizeof(raw) - 1)
#define OT__ROW(raw, value) {NULL, OT__RAW(raw), NULL, (unsigned char)(value), 0}
#define OT__ROWF(raw, value, flags) {NULL, OT__RAW(raw), NULL, (unsigned char)(value), (flags)}
#define OT__TROW(type, raw, value) {type, OT__RAW(raw), NULL, (unsigned char)(value), 0}
#define OT__TROWF(type, raw, value, flags)                                                   \
    {type, OT__RAW(raw), NULL, (unsigned char)(value), (flags)}
#define OT__CROW(type, raw, code, value) {type, OT__RAW(raw), code, (unsigned char)(value), 0}
#define OT__COUNT(a) (sizeof(a) / sizeof((a)[0]))

extern const struct ot__courier_table ot__courier_delhivery;
extern const struct ot__courier_table ot__courier_delhivery_b2b;
extern const struct ot__courier_table ot__courier_shiprocket;
extern const struct ot__courier_table ot__courier_velocity;
extern const struct ot__courier_table ot__courier_uber;
extern const struct ot__courier_table ot__courier_doordash;

/* Built-in table of `provider`, or NULL for a provider without one. */
const struct ot__courier_table *ot__courier_builtin(int provider);

/* Normalise a key into dst (cap >= OT_COURIER_KEY_MAX+1): ASCII upper case folded to lower
 * case; ASCII white space and '_' are separators: leading and trailing ones dropped, each
 * run inside replaced by one space ("  OUT_FOR \tDelivery " -> "out for delivery"). Other
 * bytes ('-', '/', non-ASCII) are kept. NULL src gives "". Returns the length, or -1 (dst
 * "") when the result would be longer than OT_COURIER_KEY_MAX. */
int ot__courier_normalise(char *dst, const char *src);

/* A mapping of `value` with `flags`: for a parcel courier `value` is the shipment status and
 * the lifecycle status is the one it implies; else `value` is the lifecycle status. */
void ot__courier_fill(ot_courier_mapping *out, int parcel, int value, unsigned flags);

/* An override row (strings normalised and owned by the tables). */
struct ot__override_row {
    int provider;
    char *type;
    char *raw;
    char *code;
    int value;
    unsigned flags;
};

struct ot_courier_tables {
    struct ot__override_row *rows;
    size_t count;
    size_t cap;
};

/* The update flag called `name` ("partial", "damaged"...), 0 for NULL or an unknown name
 * (overrides.c); the hint lists the names for messages. */
unsigned ot__courier_flag(const char *name);
#define OT__COURIER_FLAGS_HINT                                                              \
    "unknown flag (partial, damaged, reverse_pickup, customer_return, left_at_door, returned)"

/* India Standard Time: the offset of the Indian couriers' times that carry none
 * (ot__time_parse_partner, base/time_internal.h). */
#define OT__IST_OFFSET_MIN 330

/* Update lists (update_list.c). */
int ot__update_list_new(ot_update_list **list);
/* Append an update initialised with OT_UPDATE_INIT and `provider`; NULL on ENOMEM. */
ot_update *ot__update_list_push(ot_update_list *list, int provider);
/* Copy `n` bytes of `s` into the list's storage and point *dst at the copy (NUL-terminated).
 * s NULL sets *dst NULL. Returns 0 or OT_ENOMEM. */
int ot__update_list_strndup(ot_update_list *list, const char **dst, const char *s, size_t n);
int ot__update_list_strdup(ot_update_list *list, const char **dst, const char *s);

#endif
