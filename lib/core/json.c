/* jansson glue shared by every JSON path of the library: allocator routing and parsing.
 * jansson's allocator is process-global (json_set_alloc_funcs); the wrappers read the current
 * hooks on every call, so one routing serves every later ot_allocator_set(). */
#include <pthread.h>

#include <jansson.h>

#include "ordertrack/error.h"
#include "alloc_internal.h"
#include "json_glue_internal.h"

static pthread_once_t json_once = PTHREAD_ONCE_INIT;

/* jansson's lexer ignores a failed append to its token buffer and goes on with a byte
 * missing; decoding the mangled string escapes can then hit an assert(0) in jansson
 * (found by the allocation-failure sweep: one failed allocation aborted the process). So
 * within a parse, once an allocation has failed every later one fails too: the lexer's
 * next allocation (the decoded string) fails and the parse ends with an error. */
static _Thread_local int parsing;
static _Thread_local int parse_failed;

static void *json_malloc(size_t size)
{
    void *p;
    if (parsing && parse_failed)
        return NULL;
    p = ot__malloc(size ? size : 1); /* jansson may ask for 0 bytes */
    if (!p && parsing)
        parse_failed = 1;
    return p;
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
    int failed;

    ot__json_init();
    parsing = 1;
    parse_failed = 0;
    *out = json_loadb(bytes, len, JSON_REJECT_DUPLICATES, jerr);
    failed = parse_failed;
    parsing = 0;
    parse_failed = 0;
    if (*out)
        return 0;
    /* jansson's lexer reports some failed allocations as syntax errors: the hook knows */
    if (failed || json_error_code(jerr) == json_error_out_of_memory)
        return OT_ENOMEM;
    return OT_EPARSE;
}
