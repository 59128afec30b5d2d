/* Internal: filling an ot_error. Not installed. */
#ifndef OT_ERROR_INTERNAL_H
#define OT_ERROR_INTERNAL_H

#include "ordertrack/error.h"

#if defined(__GNUC__)
#  define OT__PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#  define OT__PRINTF(f, a)
#endif

/* Fill `err` (may be NULL) with `code` and a formatted message; returns `code`. */
int ot__error_set(ot_error *err, int code, const char *fmt, ...) OT__PRINTF(3, 4);

/* Same, and record the offending field name. */
int ot__error_field(ot_error *err, int code, const char *field, const char *fmt, ...)
    OT__PRINTF(4, 5);

/* Record the two states of a refused transition (after ot__error_set). */
void ot__error_states(ot_error *err, const char *from, const char *to);

/* OT_EVERSION naming `what` unless 1 <= version <= known (ports.c). */
int ot__check_version(unsigned version, unsigned known, const char *what, ot_error *err);

/* OT_EINVAL naming `what` when `p` is NULL, else ot__check_version (ports.c): the check of
 * every ot_x_init(ptr, version, err). */
int ot__check_struct(const void *p, unsigned version, unsigned known, const char *what,
                     ot_error *err);

/* Copy at most size-1 bytes of src into dst, always NUL-terminating; NULL src gives "". */
void ot__strlcpy(char *dst, const char *src, unsigned long size);

#endif
