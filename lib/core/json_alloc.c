/* Route jansson's allocations through the library's allocator hooks, once per process.
 * jansson's allocator is process-global (json_set_alloc_funcs); the wrappers read the current
 * hooks on every call, so one routing serves every later ot_allocator_set(). */
#include <pthread.h>

#include <jansson.h>

#include "alloc_internal.h"

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
