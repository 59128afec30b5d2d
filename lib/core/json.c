/* jansson glue shared by every JSON path of the library: allocator routing and parsing.
 * jansson's allocator is process-global (json_set_alloc_funcs); the wrappers read the current
 * hooks on every call, so one routing serves every later ot_allocator_set(). */
#include <pthread.h>

#include <jansson.h>

#include "ordertrack/error.h"
#include "alloc_internal.h"
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
    int attempt;

    ot__json_init();
    /* jansson's lexer reports some failed allocations as syntax errors: a second parse tells
     * a real syntax error (it fails again, the same way) from a transient allocation failure */
    for (attempt = 0; attempt < 2; attempt++) {
        *out = json_loadb(bytes, len, JSON_REJECT_DUPLICATES, jerr);
        if (*out)
            return 0;
        /* out of memory, or no text at all when setting up the lexer failed */
        if (json_error_code(jerr) == json_error_out_of_memory || jerr->text[0] == '\0')
            return OT_ENOMEM;
    }
    return OT_EPARSE;
}
