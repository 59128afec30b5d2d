/* The storage conformance suite: every ot_storage adapter (memory, SQLite, MongoDB...) runs
 * the same checks of create/load/commit/conflict/query/cursor/idempotency semantics.
 * It uses only the public API, so an adapter's test program links it with the shared
 * library:
 *
 *     static ot_storage *factory(void *ctx) { ... return a fresh, EMPTY storage ... }
 *     int main(void) { return ot_storage_conformance_run(factory, NULL, stderr) ? 1 : 0; }
 */
#ifndef OT_STORAGE_CONFORMANCE_H
#define OT_STORAGE_CONFORMANCE_H

#include <stdio.h>

#include <ordertrack/ordertrack.h>
#include <ordertrack/sys/storage.h>

/* Returns a fresh, empty storage, or NULL on failure; the suite closes it with
 * ot_storage_close(). */
typedef ot_storage *(*ot_conformance_factory)(void *ctx);

/* Run every check, each on its own fresh storage. Returns the number of failed checks and
 * prints each failure (file, line, what) to `log` when it is not NULL. */
int ot_storage_conformance_run(ot_conformance_factory factory, void *ctx, FILE *log);

#endif
