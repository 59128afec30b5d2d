/* The storage URI switch: one row per scheme. */
#include "storage_open.h"

#include <stdio.h>
#include <string.h>

#include <ordertrack/adapters/memory.h>
#ifdef OT_HAVE_SQLITE
#include <ordertrack/adapters/sqlite.h>
#endif
#ifdef OT_HAVE_MONGO
#include <ordertrack/adapters/mongo.h>
#endif

/* Open the adapter on `uri`; `rest` is what follows the scheme prefix. */
typedef int (*open_fn)(ot_storage **out, const char *uri, const char *rest, ot_error *err);

static int open_memory(ot_storage **out, const char *uri, const char *rest, ot_error *err)
{
    (void)uri;
    (void)rest;
    return ot_storage_memory_new(out, err);
}

#ifdef OT_HAVE_SQLITE
static int open_sqlite(ot_storage **out, const char *uri, const char *rest, ot_error *err)
{
    (void)uri;
    return ot_storage_sqlite_open(out, rest, NULL, err);
}
#endif

#ifdef OT_HAVE_MONGO
static int open_mongo(ot_storage **out, const char *uri, const char *rest, ot_error *err)
{
    (void)rest;
    return ot_storage_mongo_open(out, uri, NULL, err);
}
#endif

static const struct {
    const char *prefix;
    open_fn open;        /* NULL: not built */
    const char *missing; /* why, when not built */
} schemes[] = {
    {"memory:", open_memory, NULL},
#ifdef OT_HAVE_SQLITE
    {"sqlite:", open_sqlite, NULL},
#else
    {"sqlite:", NULL, "SQLite storage not built (OT_WITH_SQLITE=OFF)"},
#endif
#ifdef OT_HAVE_MONGO
    {"mongodb://", open_mongo, NULL},
    {"mongodb+srv://", open_mongo, NULL},
#else
    {"mongodb://", NULL, "MongoDB storage not built (OT_WITH_MONGO=OFF)"},
    {"mongodb+srv://", NULL, "MongoDB storage not built (OT_WITH_MONGO=OFF)"},
#endif
};

const char *storage_uri_shown(char *buf, size_t size, const char *uri)
{
    const char *host = strstr(uri, "://"), *at;
    size_t end;
    if (!host)
        return uri;
    host += 3;
    end = strcspn(host, "/?#");
    at = memchr(host, '@', end);
    if (!at)
        return uri;
    /* the last '@' of the authority ends the user information */
    while (memchr(at + 1, '@', (size_t)(host + end - at - 1)))
        at = memchr(at + 1, '@', (size_t)(host + end - at - 1));
    snprintf(buf, size, "%.*s***%s", (int)(host - uri), uri, at);
    return buf;
}

int storage_open_uri(ot_storage **out, const char *uri, char *err, size_t errlen)
{
    char shown[1024];
    ot_error e;
    size_t i;

    *out = NULL;
    for (i = 0; i < sizeof schemes / sizeof schemes[0]; i++) {
        size_t n = strlen(schemes[i].prefix);
        if (strncmp(uri, schemes[i].prefix, n) != 0)
            continue;
        if (!schemes[i].open) {
            snprintf(err, errlen, "storage %s: %s", storage_uri_shown(shown, sizeof shown, uri),
                     schemes[i].missing);
            return STORAGE_OPEN_UNSUPPORTED;
        }
        ot_error_clear(&e);
        if (schemes[i].open(out, uri, uri + n, &e) != 0) {
            snprintf(err, errlen, "storage %s: %s%s%s", storage_uri_shown(shown, sizeof shown, uri),
                     e.field[0] ? e.field : "", e.field[0] ? ": " : "", e.message);
            return 1;
        }
        return 0;
    }
    snprintf(err, errlen, "storage %s: unknown scheme (memory:, sqlite:PATH, mongodb://...)",
             storage_uri_shown(shown, sizeof shown, uri));
    return STORAGE_OPEN_UNSUPPORTED;
}
