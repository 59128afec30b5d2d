/* jansson glue shared by every JSON path of the library: allocator routing, and the entry
 * point of parsing (the parser itself is json_read.c).
 * jansson's allocator is process-global (json_set_alloc_funcs); the wrappers read the current
 * hooks on every call, so one routing serves every later ot_allocator_set(). */
#include <pthread.h>

#include <jansson.h>

#include "ordertrack/error.h"
#include "common.h"
#include "json_glue_internal.h"

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

int ot__json_loadb(json_t **out, const void *bytes, size_t len, json_error_t *jerr)
{
    /* the values are jansson's: their allocations go through the hooks too */
    ot__json_init();
    return ot__json_read(out, bytes, len, jerr);
}
