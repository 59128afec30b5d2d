/* jansson glue shared by every JSON path of the library: the one load with the library's
 * error report (the parser itself is read.c), and jansson's allocator routed through the
 * library's hooks only when the host asks (ot_allocator_route_jansson). jansson's allocator is
 * process-global (json_set_alloc_funcs): it belongs to the host, so no other call of the
 * library touches it. The wrappers read the current hooks on every call, so one routing
 * serves every later ot_allocator_set(). */
#include <jansson.h>

#include "ordertrack/alloc.h"
#include "common.h"
#include "json/json_internal.h"

static void *json_malloc(size_t size)
{
    return ot__malloc(size ? size : 1); /* jansson may ask for 0 bytes */
}

static void json_free(void *ptr)
{
    ot__free(ptr);
}

int ot_allocator_route_jansson(ot_error *err)
{
    (void)err; /* nothing can fail today; the error slot keeps the signature fallible */
    json_set_alloc_funcs(json_malloc, json_free);
    return 0;
}

int ot__json_load(json_t **out, const void *bytes, size_t len, const char *what,
                  const char *field, ot_error *err)
{
    json_error_t jerr;
    int rc = ot__json_read(out, bytes, len, &jerr);

    if (rc == 0)
        return 0;
    if (rc == OT_ENOMEM)
        return ot__error_field(err, OT_ENOMEM, field, "out of memory parsing %.128s", what);
    return ot__error_field(err, OT_EPARSE, field, "%.128s:%d:%d: %.100s", what, jerr.line,
                           jerr.column, jerr.text);
}
