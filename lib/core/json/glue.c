/* jansson glue shared by every JSON path of the library: allocator routing, and the one
 * load with the library's error report (the parser itself is read.c).
 * jansson's allocator is process-global (json_set_alloc_funcs); the wrappers read the current
 * hooks on every call, so one routing serves every later ot_allocator_set(). */
#include <pthread.h>

#include <jansson.h>

#include "common.h"
#include "json/json_internal.h"

static pthread_once_t json_once = PTHREAD_ONCE_INIT;

static void *json_malloc(size_t size)
{
    return ot__malloc(size ? size : 1); /* jansson may ask for 0 bytes */
}

static void json_free(void *ptr)
{
    ot__free(ptr);
}

static void json_route(void)
{
    json_set_alloc_funcs(json_malloc, json_free);
}

void ot__json_init(void)
{
    (void)pthread_once(&json_once, json_route);
}

int ot__json_load(json_t **out, const void *bytes, size_t len, const char *what,
                  const char *field, ot_error *err)
{
    json_error_t jerr;
    int rc;

    /* the values are jansson's: their allocations go through the hooks too */
    ot__json_init();
    rc = ot__json_read(out, bytes, len, &jerr);
    if (rc == 0)
        return 0;
    if (rc == OT_ENOMEM)
        return ot__error_field(err, OT_ENOMEM, field, "out of memory parsing %.128s", what);
    return ot__error_field(err, OT_EPARSE, field, "%.128s:%d:%d: %.100s", what, jerr.line,
                           jerr.column, jerr.text);
}
