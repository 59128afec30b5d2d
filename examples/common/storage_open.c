/* Storage URIs to storage adapters through the library's registry (ot_storage_open_uri):
 * `memory:` is built in, and each adapter this build links registers its schemes. */
#include "storage_open.h"

#include <stdio.h>
#include <string.h>

#include <ordertrack/error.h>
#ifdef OT_HAVE_SQLITE
#include <ordertrack/adapters/sqlite.h>
#endif
#ifdef OT_HAVE_MONGO
#include <ordertrack/adapters/mongo.h>
#endif

/* The adapters of this build, each registering its schemes. */
static int (*const adapters[])(ot_storage_registry *registry, ot_error *err) = {
#ifdef OT_HAVE_SQLITE
    ot_storage_sqlite_register,
#endif
#ifdef OT_HAVE_MONGO
    ot_storage_mongo_register,
#endif
    NULL,
};

/* The URI for messages, its user information (a password) shown as "***" (storage_open.h). */
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
    ot_storage_registry *registry = NULL;
    char shown[1024];
    ot_error e;
    int rc;

    *out = NULL;
    ot_error_clear(&e);
    rc = ot_storage_registry_new(&registry, &e);
    for (size_t i = 0; rc == 0 && adapters[i]; i++)
        rc = adapters[i](registry, &e);
    if (rc == 0)
        rc = ot_storage_open_uri(out, registry, uri, &e);
    ot_storage_registry_free(registry);
    if (rc == 0)
        return 0;
    if (rc == OT_EUNSUPPORTED && strcmp(e.field, "scheme") == 0) {
        snprintf(err, errlen, "storage %s: %s", storage_uri_shown(shown, sizeof shown, uri),
                 e.message);
        return STORAGE_OPEN_REFUSED;
    }
    snprintf(err, errlen, "storage %s: %s%s%s", storage_uri_shown(shown, sizeof shown, uri),
             e.field[0] ? e.field : "", e.field[0] ? ": " : "", e.message);
    return rc == OT_EINVAL ? STORAGE_OPEN_REFUSED : 1;
}
