/* JSON configuration reading with field-path error messages. */
#include "jsonconf.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int jc_bad(const jsonconf *c, const char *path, const char *fmt, ...)
{
    char what[384];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    if (c->err && c->errlen)
        snprintf(c->err, c->errlen, "%s: %s: %s", c->name, path && *path ? path : "(top)",
                 what);
    return -1;
}

const char *jc_path(char *buf, size_t size, const char *path, const char *key)
{
    snprintf(buf, size, "%s%s%s", path, *path ? "." : "", key);
    return buf;
}

int jc_check_fields(const jsonconf *c, json_t *obj, const char *path,
                    const char *const *allowed)
{
    const char *name;
    json_t *v;
    char where[160];

    json_object_foreach(obj, name, v) {
        size_t i;
        int known = 0;
        for (i = 0; allowed[i]; i++)
            known |= strcmp(allowed[i], name) == 0;
        if (!known)
            return jc_bad(c, jc_path(where, sizeof where, path, name), "unknown field");
    }
    return 0;
}

int jc_string(const jsonconf *c, json_t *obj, const char *path, const char *key, int required,
              size_t max_len, char **out)
{
    json_t *v = json_object_get(obj, key);
    char where[160];

    *out = NULL;
    jc_path(where, sizeof where, path, key);
    if (!v || json_is_null(v))
        return required ? jc_bad(c, where, "is required") : 0;
    if (!json_is_string(v))
        return jc_bad(c, where, "must be a string");
    if (json_string_length(v) == 0 || json_string_length(v) > max_len)
        return jc_bad(c, where, "must be 1..%zu characters", max_len);
    if (strlen(json_string_value(v)) != json_string_length(v))
        return jc_bad(c, where, "must not contain NUL characters");
    if (!(*out = strdup(json_string_value(v))))
        return jc_bad(c, where, "out of memory");
    return 0;
}

int jc_int(const jsonconf *c, json_t *obj, const char *path, const char *key, long long min,
           long long max, long long dflt, long long *out)
{
    json_t *v = json_object_get(obj, key);
    char where[160];

    jc_path(where, sizeof where, path, key);
    if (!v || json_is_null(v)) {
        *out = dflt;
        return 0;
    }
    if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
        return jc_bad(c, where, "must be an integer in %lld..%lld", min, max);
    *out = json_integer_value(v);
    return 0;
}

int jc_bool(const jsonconf *c, json_t *obj, const char *path, const char *key, int dflt,
            int *out)
{
    json_t *v = json_object_get(obj, key);
    char where[160];

    if (!v || json_is_null(v)) {
        *out = dflt;
        return 0;
    }
    if (!json_is_boolean(v))
        return jc_bad(c, jc_path(where, sizeof where, path, key), "must be true or false");
    *out = json_is_true(v);
    return 0;
}

json_t *jc_read_file(const jsonconf *c, const char *path)
{
    json_error_t jerr;
    json_t *doc;
    FILE *f = fopen(path, "r");
    int saved;

    if (!f) {
        saved = errno;
        if (c->err && c->errlen)
            snprintf(c->err, c->errlen, "%s: cannot open: %s", c->name, strerror(saved));
        return NULL;
    }
    errno = 0;
    doc = json_loadf(f, JSON_REJECT_DUPLICATES, &jerr);
    saved = errno;
    if (!doc && ferror(f)) {
        if (c->err && c->errlen)
            snprintf(c->err, c->errlen, "%s: cannot read: %s", c->name,
                     strerror(saved ? saved : EIO));
    } else if (!doc && c->err && c->errlen) {
        snprintf(c->err, c->errlen, "%s: line %d, column %d: %s", c->name, jerr.line,
                 jerr.column, jerr.text);
    }
    fclose(f);
    return doc;
}

int jc_load_file(const jsonconf *c, const char *path, json_t **out)
{
    if (!(*out = jc_read_file(c, path)))
        return -1;
    if (!json_is_object(*out)) {
        json_decref(*out);
        *out = NULL;
        return jc_bad(c, "", "must be a JSON object");
    }
    return 0;
}

const jc_number *jc_number_find(const jc_number *rows, size_t n, const char *name)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (strcmp(rows[i].name, name) == 0)
            return &rows[i];
    return NULL;
}

int jc_number_load(const jsonconf *c, const char *path, const jc_number *row, json_t *v,
                   void *base)
{
    char where[160], *dst = (char *)base + row->offset;
    int integer = row->type != JC_DOUBLE;
    double d;

    jc_path(where, sizeof where, path, row->name);
    if (integer ? !json_is_integer(v) : !json_is_number(v))
        return jc_bad(c, where, "must be %s", integer ? "an integer" : "a number");
    d = json_number_value(v);
    if (!isfinite(d) || d < row->lo || d > row->hi)
        return jc_bad(c, where, "%g is out of range %g-%g", d, row->lo, row->hi);
    switch (row->type) {
    case JC_UNSIGNED: *(unsigned *)(void *)dst = (unsigned)d; break;
    case JC_SIZE: *(size_t *)(void *)dst = (size_t)d; break;
    case JC_INT64: *(int64_t *)(void *)dst = (int64_t)d; break;
    case JC_DOUBLE: *(double *)(void *)dst = d; break;
    }
    return 0;
}
