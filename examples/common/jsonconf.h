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

/* Parse the JSON file at `path`: a new reference, or NULL with "NAME: cannot open: why"
 * (errno's reason), "NAME: cannot read: why" or "NAME: line L, column C: what" in the
 * buffer. */
json_t *jc_read_file(const jsonconf *c, const char *path);

/* Load a JSON object from a file (jc_read_file); -1 with the message on failure. */
int jc_load_file(const jsonconf *c, const char *path, json_t **out);

#endif
