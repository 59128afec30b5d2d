/* Internal: filling an ot_error. Not installed. */
#ifndef OT_ERROR_INTERNAL_H
#define OT_ERROR_INTERNAL_H

#include "ordertrack/error.h"

#define OT__PRINTF(f, a) OT_PRINTF(f, a)

/* Fill `err` (may be NULL) with `code` and a formatted message; returns `code`. */
int ot__error_set(ot_error *err, int code, const char *fmt, ...) OT__PRINTF(3, 4);

/* Same, and record the offending field name: the public ot_error_setf (error.h). */
#define ot__error_field ot_error_setf

/* Record the two states of a refused transition (after ot__error_set). */
void ot__error_states(ot_error *err, const char *from, const char *to);

/* The version check of every caller-filled versioned struct (base/version.c): 0 when
 * 1 <= version <= known, else OT_EVERSION with field "version" and the message "<what>
 * version V not supported (this library knows 1..K)". */
int ot__check_version(unsigned version, unsigned known, const char *what, ot_error *err);

/* A caller's versioned struct handed in: OT_EINVAL "<what> is NULL" (field `what`) when `p`
 * is NULL, else ot__check_version(version, known, what). */
int ot__check_struct(const void *p, unsigned version, unsigned known, const char *what,
                     ot_error *err);

/* The body of every public ot_x_init(p, version, err) (the shape of libgit2's
 * GIT_INIT_STRUCTURE_FROM_TEMPLATE): OT_EINVAL naming `field` ("<what> is NULL") when `p` is
 * NULL; ot__check_version against the version of `tpl`, the struct's static _INIT (every
 * versioned struct begins with `unsigned version`); then the first `size` bytes of `tpl`
 * copied into `p` (sizeof, or the size of an older version) and p's version set to
 * `version`. */
int ot__struct_init(void *p, unsigned version, const void *tpl, size_t size, const char *field,
                    const char *what, ot_error *err);

/* Copy at most size-1 bytes of src into dst, always NUL-terminating; NULL src gives "". */
void ot__strlcpy(char *dst, const char *src, unsigned long size);

#endif
