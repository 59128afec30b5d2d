/**
 * @file alloc.h
 * @brief Allocator hooks.
 *
 * Every allocation the library makes goes through these hooks (including jansson's, while
 * the library is decoding or encoding JSON). Set them once, before any other library call
 * and before any thread uses the library; memory allocated under one allocator must be
 * released before another is set. ot_allocator_set() is the only function of the library
 * that is not thread-safe. The tests use the hooks to fail each allocation in turn.
 */
#ifndef ORDERTRACK_ALLOC_H
#define ORDERTRACK_ALLOC_H

#include <stddef.h>
#include "export.h"
#include "error.h"

#define OT_ALLOCATOR_VERSION 1

/**
 * Allocator hooks, filled by the caller.
 *
 * Version 1 members: version, userdata, malloc, realloc, free. All three functions are
 * required. `malloc(0)` and `realloc(p, 0)` are never requested. `free(NULL)` may be.
 */
typedef struct ot_allocator {
    unsigned version;                                       /**< OT_ALLOCATOR_VERSION */
    void *userdata;                                         /**< passed to every hook */
    void *(*malloc)(size_t size, void *userdata);           /**< NULL on failure */
    void *(*realloc)(void *ptr, size_t size, void *userdata); /**< NULL on failure, ptr kept */
    void (*free)(void *ptr, void *userdata);
} ot_allocator;

#define OT_ALLOCATOR_INIT { OT_ALLOCATOR_VERSION, NULL, NULL, NULL, NULL }

OT_BEGIN_DECLS

/** Fill `allocator` with defaults for `version` (for bindings that cannot use the macro). */
OT_EXTERN int ot_allocator_init(ot_allocator *allocator, unsigned version, ot_error *err);

/**
 * Install `allocator` (copied; the caller keeps ownership of its own struct). NULL restores
 * the C library's malloc/realloc/free. Refuses a version it does not know (OT_EVERSION) or a
 * missing function (OT_EINVAL). Not thread-safe: call before any other use of the library.
 */
OT_EXTERN int ot_allocator_set(const ot_allocator *allocator, ot_error *err);

/** Release memory the library returned to the caller (strings, documents). Accepts NULL. */
OT_EXTERN void ot_free(void *ptr);

/**
 * Allocate through the installed hooks, for adapters and hosts whose memory should be seen
 * (and failed) by the same allocator as the library's. NULL on failure or for size 0.
 * Release with ot_free(). Thread-safe (the hooks themselves must be).
 */
OT_EXTERN void *ot_malloc(size_t size);

/** Resize memory from ot_malloc(); NULL on failure (ptr kept) or size 0 (ptr kept). */
OT_EXTERN void *ot_realloc(void *ptr, size_t size);

/** Copy a NUL-terminated string through the hooks; NULL on failure or for NULL. */
OT_EXTERN char *ot_strdup(const char *s);

OT_END_DECLS

#endif /* ORDERTRACK_ALLOC_H */
