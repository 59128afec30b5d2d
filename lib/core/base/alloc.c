/* The allocator hooks: the only mutable global state of the library. */
#include <stdlib.h>
#include <string.h>

#include "ordertrack/alloc.h"
#include "base/alloc_internal.h"
#include "base/error_internal.h"

static void *default_malloc(size_t size, void *userdata)
{
    (void)userdata;
    return malloc(size);
}

static void *default_realloc(void *ptr, size_t size, void *userdata)
{
    (void)userdata;
    return realloc(ptr, size);
}

static void default_free(void *ptr, void *userdata)
{
    (void)userdata;
    free(ptr);
}

static const ot_allocator default_allocator = {
    OT_ALLOCATOR_VERSION, NULL, default_malloc, default_realloc, default_free,
};

static ot_allocator current = {
    OT_ALLOCATOR_VERSION, NULL, default_malloc, default_realloc, default_free,
};

int ot_allocator_init(ot_allocator *allocator, unsigned version, ot_error *err)
{
    static const ot_allocator tpl = OT_ALLOCATOR_INIT;
    return ot__struct_init(allocator, version, &tpl, sizeof tpl, "allocator", "allocator", err);
}

int ot_allocator_set(const ot_allocator *allocator, ot_error *err)
{
    const char *missing;
    int rc;

    if (!allocator) {
        current = default_allocator;
        return 0;
    }
    if ((rc = ot__check_version(allocator->version, OT_ALLOCATOR_VERSION, "allocator",
                                err)) != 0)
        return rc;
    missing = !allocator->malloc ? "malloc" : !allocator->realloc ? "realloc"
            : !allocator->free ? "free" : NULL;
    if (missing)
        return ot__error_field(err, OT_EINVAL, missing, "allocator is missing its %s function",
                               missing);
    current = *allocator;
    return 0;
}

void *ot__malloc(size_t size)
{
    if (size == 0)
        return NULL;
    return current.malloc(size, current.userdata);
}

void *ot__calloc(size_t n, size_t size)
{
    void *p;
    if (n == 0 || size == 0 || n > (size_t)-1 / size)
        return NULL;
    p = ot__malloc(n * size);
    if (p)
        memset(p, 0, n * size);
    return p;
}

void *ot__realloc(void *ptr, size_t size)
{
    if (size == 0)
        return NULL;
    if (!ptr)
        return ot__malloc(size);
    return current.realloc(ptr, size, current.userdata);
}

void *ot__grow(void *items, size_t *cap, size_t count, size_t size, size_t first)
{
    size_t n = *cap ? *cap * 2 : first;
    void *grown;

    if (count < *cap)
        return items;
    if (n < *cap || n > (size_t)-1 / size)
        return NULL;
    grown = ot__realloc(items, n * size);
    if (grown)
        *cap = n;
    return grown;
}

void ot__free(void *ptr)
{
    if (ptr)
        current.free(ptr, current.userdata);
}

void ot_free(void *ptr)
{
    ot__free(ptr);
}

void *ot_malloc(size_t size)
{
    return ot__malloc(size);
}

void *ot_realloc(void *ptr, size_t size)
{
    return ot__realloc(ptr, size);
}

char *ot_strdup(const char *s)
{
    return ot__strdup(s);
}

char *ot__strndup(const char *s, size_t n)
{
    char *p;
    if (!s)
        return NULL;
    p = ot__malloc(n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *ot__strdup(const char *s)
{
    return s ? ot__strndup(s, strlen(s)) : NULL;
}
