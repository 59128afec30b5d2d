/**
 * @file alloc.h
 * @brief Allocator hooks.
 *
 * Every allocation the library makes itself goes through these hooks. The JSON values the
 * library builds are jansson's, allocated by jansson's allocator, which is process-wide and
 * belongs to the host: the library never changes it, unless the host asks it to with
 * ot_allocator_route_jansson(). Set the hooks once, before any other library call and
 * before any thread uses the library; memory allocated under one allocator must be released
 * before another is set. ot_allocator_set() and ot_allocator_route_jansson() are the only
 * functions of the library that are not thread-safe. The tests use the hooks to fail each
 * allocation in turn.
 */
#ifndef ORDERTRACK_ALLOC_H
#define ORDERTRACK_ALLOC_H

#include <stddef.h>
#include "export.h"
#include "error.h"

/** Newest version of `ot_allocator` this header describes (its `version` member). */
#define OT_ALLOCATOR_VERSION 1

/**
 * Allocator hooks, filled by the caller.
 *
 * Version 1 members: version, userdata, malloc, realloc, free. All three functions are
 * required. `malloc(0)` and `realloc(p, 0)` are never requested. `free(NULL)` may be.
 * The hooks take `userdata` last, as released in 1.0.0; every newer callback of the library
 * takes it first (docs/conventions.md, "Callbacks").
 */
typedef struct ot_allocator {
    unsigned version;                                       /**< OT_ALLOCATOR_VERSION */
    void *userdata;                                         /**< passed to every hook */
    void *(*malloc)(size_t size, void *userdata);           /**< NULL on failure */
    void *(*realloc)(void *ptr, size_t size, void *userdata); /**< NULL on failure, ptr kept */
    void (*free)(void *ptr, void *userdata); /**< releases `ptr`; may be given NULL */
} ot_allocator;

/** Initialiser of `ot_allocator` with its defaults at OT_ALLOCATOR_VERSION. */
#define OT_ALLOCATOR_INIT { OT_ALLOCATOR_VERSION, NULL, NULL, NULL, NULL }

OT_BEGIN_DECLS

/**
 * Fill `allocator` with defaults for `version` (for bindings that cannot use the macro).
 * @param allocator the struct to fill (caller-owned)
 * @param version the struct version to fill, 1 to OT_ALLOCATOR_VERSION
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL for a NULL struct, or OT_EVERSION for a version this library does not
 *         know
 */
OT_EXTERN int ot_allocator_init(ot_allocator *allocator, unsigned version, ot_error *err);

/**
 * Install `allocator` (copied; the caller keeps ownership of its own struct). NULL restores
 * the C library's malloc/realloc/free. Refuses a version it does not know (OT_EVERSION) or a
 * missing function (OT_EINVAL). Not thread-safe: call before any other use of the library.
 * @param allocator the hooks (copied), or NULL to restore malloc/realloc/free
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_allocator_set(const ot_allocator *allocator, ot_error *err);

/**
 * Release memory the library returned to the caller (strings, documents). Accepts NULL.
 * @param ptr memory the library returned, or NULL
 */
OT_EXTERN void ot_free(void *ptr);

/**
 * Allocate through the installed hooks, for adapters and hosts whose memory should be seen
 * (and failed) by the same allocator as the library's. NULL on failure or for size 0.
 * Release with ot_free(). Thread-safe (the hooks themselves must be).
 * @param size bytes to allocate
 * @return the memory (release with ot_free()), or NULL
 */
OT_EXTERN void *ot_malloc(size_t size);

/**
 * Resize memory from ot_malloc(); NULL on failure (ptr kept) or size 0 (ptr kept).
 * @param ptr memory from ot_malloc() or ot_realloc(), or NULL
 * @param size the new size in bytes
 * @return the resized memory (release with ot_free()), or NULL with `ptr` kept
 */
OT_EXTERN void *ot_realloc(void *ptr, size_t size);

/**
 * Copy a NUL-terminated string through the hooks; NULL on failure or for NULL.
 * @param s the string to copy, or NULL
 * @return the copy (release with ot_free()), or NULL
 */
OT_EXTERN char *ot_strdup(const char *s);

/**
 * Route jansson's allocations through the library's hooks, on the host's request: calls
 * json_set_alloc_funcs() with wrappers that call the hooks installed at the time of each
 * allocation (so a later ot_allocator_set() applies to jansson too). Without this call the
 * library leaves jansson's allocator as the host set it (by default malloc/free).
 *
 * The setting is process-wide: it applies to every user of jansson in the process, the host
 * and other libraries included, and it stays until someone calls json_set_alloc_funcs()
 * again. Not thread-safe, neither against other library calls nor against any other use of
 * jansson: call it once, at start-up, before any jansson value exists (a value allocated by
 * the previous allocator must not be released through the new one) and before starting
 * threads. Since 1.4.
 *
 * @param err filled on failure; may be NULL.
 * @return 0 (no failure is possible today; the code is there for future versions).
 */
OT_EXTERN int ot_allocator_route_jansson(ot_error *err);

OT_END_DECLS

#endif /* ORDERTRACK_ALLOC_H */
