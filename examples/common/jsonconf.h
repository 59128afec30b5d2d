/* Reading JSON configuration files with messages that name the file and the field path
 * ("poller.json: trackers[2].schedule: ..."). Shared by the host programs. */
#ifndef OT_EXAMPLES_JSONCONF_H
#define OT_EXAMPLES_JSONCONF_H

#include <stddef.h>

#include <jansson.h>

/* Where errors go: the file name used in messages and the caller's buffer. */
typedef struct jsonconf {
    const char *name;
    char *err;
    size_t errlen;
} jsonconf;

/* Write "NAME: PATH: what" into the buffer; returns -1. */
int jc_bad(const jsonconf *c, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* "PATH.KEY" (or "KEY" at the top) into buf. */
const char *jc_path(char *buf, size_t size, const char *path, const char *key);

/* -1 (with the message) if `obj` has a member not in the NULL-terminated `allowed`. */
int jc_check_fields(const jsonconf *c, json_t *obj, const char *path,
                    const char *const *allowed);

/* A string member (non-empty, at most `max_len` bytes) copied into *out (free()); absent:
 * -1 if required, else *out = NULL. */
int jc_string(const jsonconf *c, json_t *obj, const char *path, const char *key, int required,
              size_t max_len, char **out);

/* An integer member in [min, max]; absent: *out = default. */
int jc_int(const jsonconf *c, json_t *obj, const char *path, const char *key, long long min,
           long long max, long long dflt, long long *out);

/* A boolean member; absent: *out = default. */
int jc_bool(const jsonconf *c, json_t *obj, const char *path, const char *key, int dflt,
            int *out);

/* A numeric member as data: its name, its range, its type and where it is stored (an offset
 * into the caller's struct). All types but JC_DOUBLE take integers only. */
typedef enum { JC_UNSIGNED, JC_SIZE, JC_INT64, JC_DOUBLE } jc_number_type;
typedef struct jc_number {
    const char *name;
    double lo, hi;
    jc_number_type type;
    size_t offset;
} jc_number;

/* The row named `name` among the `n` rows, or NULL. */
const jc_number *jc_number_find(const jc_number *rows, size_t n, const char *name);

/* `v`, the member `row->name` of the object at `path`, checked against its row and stored at
 * `base` + row->offset; -1 with "PATH.NAME: must be an integer" or "... is out of range". */
int jc_number_load(const jsonconf *c, const char *path, const jc_number *row, json_t *v,
                   void *base);

/* Parse the JSON file at `path`: a new reference, or NULL with "NAME: cannot open: why"
 * (errno's reason), "NAME: cannot read: why" or "NAME: line L, column C: what" in the
 * buffer. */
json_t *jc_read_file(const jsonconf *c, const char *path);

/* Load a JSON object from a file (jc_read_file); -1 with the message on failure. */
int jc_load_file(const jsonconf *c, const char *path, json_t **out);

#endif
