/**
 * @file adapters/memory.h
 * @brief The in-memory storage adapter (part of the core library).
 *
 * A complete ot_storage kept in process memory: for tests, examples and the `memory:`
 * storage URI. Thread-safe: one mutex guards all its state, so one adapter may serve a
 * tracker shared by many threads. Nothing survives ot_storage_close().
 */
#ifndef ORDERTRACK_ADAPTERS_MEMORY_H
#define ORDERTRACK_ADAPTERS_MEMORY_H

#include "../export.h"
#include "../error.h"
#include "../sys/storage.h"

OT_BEGIN_DECLS

/**
 * A new, empty memory storage in `*out`; release it with ot_storage_close().
 * @param out receives the new storage (close it with ot_storage_close())
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_storage_memory_new(ot_storage **out, ot_error *err);

OT_END_DECLS

#endif /* ORDERTRACK_ADAPTERS_MEMORY_H */
