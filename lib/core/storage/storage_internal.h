/* Internal: the storage port's helpers shared by the tracker and the memory store. Not
 * installed. */
#ifndef OT_STORAGE_INTERNAL_H
#define OT_STORAGE_INTERNAL_H

#include <stddef.h>

#include "ordertrack/sys/storage.h"

/* Bytes of an ot_storage of `version` (a version 1 caller's struct ends after `close`). */
size_t ot__storage_size(unsigned version);

/* ot_storage_record_init, with the record's JSON and events JSON only when `encode` (for a
 * storage without OT_STORAGE_F_NO_JSON); without, json and events_json stay NULL. */
int ot__storage_record_fill(ot_storage_record *record, const ot_order *order,
                            size_t first_event, int encode, ot_error *err);

/* ot_storage_record_check, requiring the JSON only when `need_json` (the order otherwise). */
int ot__storage_record_check(const ot_storage_record *record, int need_json, ot_error *err);

#endif
