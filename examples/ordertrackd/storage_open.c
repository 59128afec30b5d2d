/* The storage URI switch: one row per scheme. */
#include "storage_open.h"

#include <stdio.h>
#include <string.h>

#include <ordertrack/adapters/memory.h>
#ifdef OTD_HAVE_SQLITE
#include <ordertrack/adapters/sqlite.h>
#endif

#include "config.h"

/* Open the adapter on the rest of the URI after the scheme. */
typedef int (*open_fn)(ot_storage **out, const char *rest, ot_error *err);

static int open_memory(ot_storage **out, const char *rest, ot_error *err)
{
    (void)rest;
    return ot_storage_memory_new(out, err);
}

#ifdef OTD_HAVE_SQLITE
static int open_sqlite(ot_storage **out, const char *rest, ot_error *err)
{
    return ot_storage_sqlite_open(out, rest, NULL, err);
}
#endif

static const struct {
    const char *prefix;
    open_fn open;        /* NULL: not built */
    const char *missing; /* why, when not built */
} schemes[] = {
    {"memory:", open_memory, NULL},
#ifdef OTD_HAVE_SQLITE
    {"sqlite:", open_sqlite, NULL},
#else
    {"sqlite:", NULL, "SQLite storage not built (OT_WITH_SQLITE=OFF)"},
#endif
    {"mongodb://", NULL, "MongoDB storage not built"},
    {"mongodb+srv://", NULL, "MongoDB storage not built"},
};

int otd_storage_open(ot_storage **out, const char *uri, char *err, size_t errlen)
{
    ot_error e;

    *out = NULL;
    for (size_t i = 0; i < sizeof schemes / sizeof schemes[0]; i++) {
        size_t n = strlen(schemes[i].prefix);
        if (strncmp(uri, schemes[i].prefix, n) != 0)
            continue;
        if (!schemes[i].open) {
            snprintf(err, errlen, "storage %s: %s", uri, schemes[i].missing);
            return OTD_EXIT_CONFIG;
        }
        if (schemes[i].open(out, uri + n, &e) != 0) {
            snprintf(err, errlen, "storage %s: %s", uri, e.message);
            return 1;
        }
        return 0;
    }
    snprintf(err, errlen, "storage %s: unknown scheme", uri);
    return OTD_EXIT_CONFIG;
}
