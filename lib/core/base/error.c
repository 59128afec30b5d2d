/* Error codes, their descriptions, and filling caller-allocated reports. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/error_internal.h"

struct code_entry {
    int code;
    const char *name;
    const char *text;
};

static const struct code_entry codes[] = {
    {OT_OK, "OT_OK", "success"},
    {OT_EINVAL, "OT_EINVAL", "invalid argument"},
    {OT_ENOMEM, "OT_ENOMEM", "out of memory"},
    {OT_ENOTFOUND, "OT_ENOTFOUND", "not found"},
    {OT_EEXISTS, "OT_EEXISTS", "already exists"},
    {OT_ETRANSITION, "OT_ETRANSITION", "illegal status transition"},
    {OT_ESTALE, "OT_ESTALE", "stale or duplicate update ignored"},
    {OT_ECONFLICT, "OT_ECONFLICT", "version conflict"},
    {OT_EIDEMPOTENCY_CONFLICT, "OT_EIDEMPOTENCY_CONFLICT",
     "idempotency key reused with a different request"},
    {OT_ESTORAGE, "OT_ESTORAGE", "storage failure"},
    {OT_EPARSE, "OT_EPARSE", "parse error"},
    {OT_EUNKNOWN_STATUS, "OT_EUNKNOWN_STATUS", "unknown partner status"},
    {OT_EAUTH, "OT_EAUTH", "authentication failed"},
    {OT_EHTTP, "OT_EHTTP", "HTTP failure"},
    {OT_ETIMEOUT, "OT_ETIMEOUT", "timed out"},
    {OT_EVERSION, "OT_EVERSION", "unsupported struct or interface version"},
    {OT_ESTATE, "OT_ESTATE", "not allowed in the current state"},
    {OT_EIO, "OT_EIO", "I/O error"},
    {OT_ELIMIT, "OT_ELIMIT", "limit exceeded"},
    {OT_EINTEGRITY, "OT_EINTEGRITY", "integrity check failed"},
    {OT_EUNAVAILABLE, "OT_EUNAVAILABLE", "service unavailable"},
    {OT_EUNSUPPORTED, "OT_EUNSUPPORTED", "operation not supported"},
};

static const struct code_entry *code_find(int code)
{
    /* Codes are 0, -1, -2, ... in table order. */
    if (code > 0 || -code >= (int)(sizeof codes / sizeof codes[0]))
        return NULL;
    return &codes[-code];
}

const char *ot_strerror(int code)
{
    const struct code_entry *e = code_find(code);
    return e ? e->text : "unknown error";
}

const char *ot_code_name(int code)
{
    const struct code_entry *e = code_find(code);
    return e ? e->name : NULL;
}

void ot_error_clear(ot_error *err)
{
    if (err)
        memset(err, 0, sizeof *err);
}

int ot_error_set(ot_error *err, int code, const char *field, const char *message)
{
    return ot__error_field(err, code, field, "%s", message ? message : "");
}

unsigned long ot_error_size(void)
{
    return (unsigned long)sizeof(ot_error);
}

void ot__strlcpy(char *dst, const char *src, unsigned long size)
{
    size_t n;
    if (size == 0)
        return;
    if (!src)
        src = "";
    n = strlen(src);
    if (n >= size)
        n = size - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static void error_vset(ot_error *err, int code, const char *field, const char *fmt, va_list ap)
    OT__PRINTF(4, 0);

static void error_vset(ot_error *err, int code, const char *field, const char *fmt, va_list ap)
{
    ot_error_clear(err);
    err->code = code;
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    ot__strlcpy(err->field, field, sizeof err->field);
}

int ot__error_set(ot_error *err, int code, const char *fmt, ...)
{
    va_list ap;
    if (!err)
        return code;
    va_start(ap, fmt);
    error_vset(err, code, NULL, fmt, ap);
    va_end(ap);
    return code;
}

int ot_error_setf(ot_error *err, int code, const char *field, const char *fmt, ...)
{
    va_list ap;
    if (!err)
        return code;
    va_start(ap, fmt);
    error_vset(err, code, field, fmt, ap);
    va_end(ap);
    return code;
}

void ot__error_states(ot_error *err, const char *from, const char *to)
{
    if (!err)
        return;
    ot__strlcpy(err->from, from, sizeof err->from);
    ot__strlcpy(err->to, to, sizeof err->to);
}
