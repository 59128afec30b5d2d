/* The storage registry: URI schemes and their open functions, as SQLite's VFS list, but held
 * by the caller (no process-wide list). A mutex guards the entries; an open function is
 * called after the lock is released. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "ordertrack/adapters/memory.h"
#include "ordertrack/sys/storage.h"
#include "common.h"

struct scheme_entry {
    char name[OT_STORAGE_SCHEME_MAX + 1];   /* lower case */
    int (*open)(ot_storage **out, const char *uri, ot_error *err);
};

struct ot_storage_registry {
    pthread_mutex_t lock;                   /* guards entries, count, cap */
    struct scheme_entry *entries;
    size_t count, cap;
};

static int open_memory(ot_storage **out, const char *uri, ot_error *err)
{
    if (strchr(uri, ':')[1] != '\0') /* the registry matched the scheme: there is a ':' */
        return ot__error_field(err, OT_EINVAL, "uri", "memory: takes nothing after the colon");
    return ot_storage_memory_new(out, err);
}

/* The schemes of every registry, and all that a NULL registry offers. */
static const struct scheme_entry builtins[] = {{"memory", open_memory}};
#define BUILTIN_COUNT (sizeof builtins / sizeof builtins[0])

static int is_lower(int c) { return c >= 'a' && c <= 'z'; }
static int is_scheme_char(int c)
{
    return is_lower(c | 0x20) || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
}

/* Copy the scheme of `s` (up to `end`, a ':' or '\0') lower-cased into `name`; its length, or
 * 0 when it is not RFC 3986 scheme syntax or longer than OT_STORAGE_SCHEME_MAX. */
static size_t scheme_copy(char name[OT_STORAGE_SCHEME_MAX + 1], const char *s, char end)
{
    size_t n;
    if (!is_lower(s[0] | 0x20))
        return 0;
    for (n = 0; s[n] != end; n++) {
        if (s[n] == '\0' || n == OT_STORAGE_SCHEME_MAX || !is_scheme_char(s[n]))
            return 0;
        name[n] = (char)(s[n] >= 'A' && s[n] <= 'Z' ? s[n] | 0x20 : s[n]);
    }
    name[n] = '\0';
    return n;
}

static const struct scheme_entry *entry_find(const struct scheme_entry *entries, size_t count,
                                             const char *name)
{
    for (size_t i = 0; i < count; i++)
        if (strcmp(entries[i].name, name) == 0)
            return &entries[i];
    return NULL;
}

int ot_storage_registry_new(ot_storage_registry **out, ot_error *err)
{
    ot_storage_registry *r;
    if (!out)
        return ot__error_field(err, OT_EINVAL, "out", "output pointer is NULL");
    *out = NULL;
    if (!(r = ot__calloc(1, sizeof *r)) ||
        !(r->entries = ot__malloc(BUILTIN_COUNT * sizeof *r->entries))) {
        ot__free(r);
        return ot__error_set(err, OT_ENOMEM, "out of memory making a storage registry");
    }
    if (pthread_mutex_init(&r->lock, NULL) != 0) {
        ot__free(r->entries);
        ot__free(r);
        return ot__error_set(err, OT_ENOMEM, "cannot make the storage registry's lock");
    }
    memcpy(r->entries, builtins, sizeof builtins);
    r->count = r->cap = BUILTIN_COUNT;
    *out = r;
    return 0;
}

void ot_storage_registry_free(ot_storage_registry *registry)
{
    if (!registry)
        return;
    pthread_mutex_destroy(&registry->lock);
    ot__free(registry->entries);
    ot__free(registry);
}

int ot_storage_scheme_register(ot_storage_registry *registry, const ot_storage_scheme *scheme,
                               ot_error *err)
{
    struct scheme_entry e;
    int rc = 0;

    if (!registry)
        return ot__error_field(err, OT_EINVAL, "registry", "registry is NULL");
    if (!scheme)
        return ot__error_field(err, OT_EINVAL, "scheme", "scheme is NULL");
    if ((rc = ot__check_version(scheme->version, OT_STORAGE_SCHEME_VERSION, "scheme", err)))
        return rc;
    if (!scheme->name || !scheme_copy(e.name, scheme->name, '\0'))
        return ot__error_field(err, OT_EINVAL, "name",
                               "a scheme name is a letter then letters, digits, '+', '-' or "
                               "'.', at most %d bytes", OT_STORAGE_SCHEME_MAX);
    if (!(e.open = scheme->open))
        return ot__error_field(err, OT_EINVAL, "open", "scheme %s has no open function",
                               e.name);
    pthread_mutex_lock(&registry->lock);
    if (entry_find(registry->entries, registry->count, e.name)) {
        rc = ot__error_field(err, OT_EEXISTS, "name", "storage scheme %s is already registered",
                             e.name);
    } else if (registry->count == registry->cap) {
        size_t cap = registry->cap * 2;
        struct scheme_entry *grown = ot__realloc(registry->entries, cap * sizeof *grown);
        if (!grown) {
            rc = ot__error_set(err, OT_ENOMEM, "out of memory registering scheme %s", e.name);
        } else {
            registry->entries = grown;
            registry->cap = cap;
        }
    }
    if (rc == 0)
        registry->entries[registry->count++] = e;
    pthread_mutex_unlock(&registry->lock);
    return rc;
}

/* "a, b, c": the names of `count` entries into `buf`. */
static void names_list(char *buf, size_t size, const struct scheme_entry *entries, size_t count)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < count && used < size; i++) {
        int n = snprintf(buf + used, size - used, "%s%s", i ? ", " : "", entries[i].name);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

int ot_storage_open_uri(ot_storage **out, ot_storage_registry *registry, const char *uri,
                        ot_error *err)
{
    char name[OT_STORAGE_SCHEME_MAX + 1], known[OT_ERROR_MESSAGE_SIZE];
    const struct scheme_entry *found;
    int (*open)(ot_storage **, const char *, ot_error *) = NULL;

    if (!out)
        return ot__error_field(err, OT_EINVAL, "out", "output pointer is NULL");
    *out = NULL;
    if (!uri)
        return ot__error_field(err, OT_EINVAL, "uri", "storage URI is NULL");
    if (!strchr(uri, ':') || !scheme_copy(name, uri, ':'))
        return ot__error_field(err, OT_EINVAL, "uri",
                               "a storage URI starts with its scheme (memory:, sqlite:PATH, "
                               "mongodb://...)");
    if (!registry) {
        if ((found = entry_find(builtins, BUILTIN_COUNT, name)))
            open = found->open;
        else
            names_list(known, sizeof known, builtins, BUILTIN_COUNT);
    } else {
        pthread_mutex_lock(&registry->lock);
        if ((found = entry_find(registry->entries, registry->count, name)))
            open = found->open;
        else
            names_list(known, sizeof known, registry->entries, registry->count);
        pthread_mutex_unlock(&registry->lock);
    }
    if (!open)
        return ot__error_field(err, OT_EUNSUPPORTED, "scheme",
                               "no storage scheme %s is registered (registered: %.180s)", name,
                               known);
    return open(out, uri, err);
}
