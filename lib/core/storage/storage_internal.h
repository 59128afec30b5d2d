/* Internal: the storage port's helpers shared by the tracker and the memory store. Not
 * installed. */
#ifndef OT_STORAGE_INTERNAL_H
#define OT_STORAGE_INTERNAL_H

#include <stddef.h>

#include "ordertrack/sys/storage.h"

/* Bytes of an ot_storage of `version` (a version 1 caller's struct ends after `close`). */
size_t ot__storage_size(unsigned version);

/* What ot__storage_record_fill encodes. */
enum {
    OT__FILL_JSON = 1,      /* the record's JSON and events_json (no OT_STORAGE_F_NO_JSON) */
    OT__FILL_HEAD = 2,      /* with JSON: the record cut to its chain head, no events_json
                               (OT_STORAGE_F_HISTORY_APART) */
    OT__FILL_ENTRIES = 4,   /* a version 3 record with `entries` (storage version 5) */
};
/* ot_storage_record_init, encoding what `mode` says (OT__FILL_*); json and events_json stay
 * NULL without OT__FILL_JSON. `order` may be a record read by its head (history_base), then
 * with OT__FILL_HEAD when it encodes JSON. */
int ot__storage_record_fill(ot_storage_record *record, const ot_order *order,
                            size_t first_event, unsigned mode, ot_error *err);

/* ot_storage_record_check, requiring the JSON only when `need_json` (the order otherwise). */
int ot__storage_record_check(const ot_storage_record *record, int need_json, ot_error *err);

#endif
