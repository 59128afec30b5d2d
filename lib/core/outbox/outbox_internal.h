/* Internal: the outbox module (event vocabulary, the checks of its structs). Not installed. */
#ifndef OT_OUTBOX_INTERNAL_H
#define OT_OUTBOX_INTERNAL_H

#include "ordertrack/outbox.h"
#include "ordertrack/sys/sink.h"
#include "ordertrack/sys/storage.h"
#include "vocab_internal.h"

extern const struct ot__vocab ot__event_type_vocab;

/* 1 when the storage has the outbox members (version 3, outbox_query and outbox_mark). */
int ot__outbox_supported(const ot_storage *storage);
/* OT_EUNSUPPORTED naming `outbox` unless ot__outbox_supported. */
int ot__outbox_require(const ot_storage *storage, ot_error *err);
/* OT_EINVAL naming `field` unless `name` is 1..OT_SINK_NAME_MAX bytes of [a-z0-9._:-]. */
int ot__sink_name_check(const char *name, const char *field, ot_error *err);

#endif
