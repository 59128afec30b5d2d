/* Internal: what the payload parsers share. */
#ifndef OT_COURIER_PARSE_INTERNAL_H
#define OT_COURIER_PARSE_INTERNAL_H

#include "courier/courier_internal.h"
#include "json/json_internal.h"

/* Longest JSON path the parsers build for messages. */
#define OT__PATH_MAX 160

struct ot__parse {
    ot_update_list *list;
    const ot_courier_tables *tables;
    ot_error *err;
};

#define OT__TRY(call)                                                                      \
    do {                                                                                   \
        int rc_ = (call);                                                                  \
        if (rc_ != 0)                                                                      \
            return rc_;                                                                    \
    } while (0)

/* A new update of `provider` at the end of the list; NULL (err set) on ENOMEM. */
ot_update *ot__parse_push(struct ot__parse *p, int provider);
/* Copy `s` (may be NULL) into the list; OT_ENOMEM with err set. */
int ot__parse_copy(struct ot__parse *p, const char **dst, const char *s);
/* Map the update's raw_status / raw_type (and the Delhivery `code`, may be NULL) and fill
 * status, shipment_status and flags; an unknown status sets OT_UPDATE_UNMAPPED. */
void ot__parse_map(struct ot__parse *p, ot_update *u, const char *code);
/* Copy a courier position {lat, lng} into u (OT_UPDATE_HAS_POSITION); absent is fine. */
int ot__parse_position(struct ot__parse *p, ot_update *u, const json_t *obj, const char *key,
                       const char *path);

/* The newest entry of an optional array of scans {date, activity, location} (Shiprocket,
 * Velocity); dates without an offset are IST. All zero for an absent or empty array. */
struct ot__activity {
    int64_t time_ms;
    const char *activity, *location;
};
int ot__parse_newest(struct ot__parse *p, struct ot__activity *out, const json_t *arr,
                     const char *path);
/* Copy "a: b" (or whichever of a, b is not NULL) into the list. */
int ot__parse_join(struct ot__parse *p, const char **dst, const char *a, const char *b);

int ot__parse_delhivery(struct ot__parse *p, const json_t *root, int push);
int ot__parse_delhivery_b2b(struct ot__parse *p, const json_t *root);
int ot__parse_shiprocket_tracking(struct ot__parse *p, const json_t *root);
int ot__parse_shiprocket_webhook(struct ot__parse *p, const json_t *root);
int ot__parse_velocity_tracking(struct ot__parse *p, const json_t *root);
int ot__parse_velocity_webhook(struct ot__parse *p, const json_t *root);
int ot__parse_uber(struct ot__parse *p, const json_t *root);
int ot__parse_doordash(struct ot__parse *p, const json_t *root);

#endif
