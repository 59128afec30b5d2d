/* Internal to libordertrack-curl: helpers shared by its files. Not installed. */
#ifndef OT_CURL_INTERNAL_H
#define OT_CURL_INTERNAL_H

#include "ordertrack/error.h"

#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
/* Fill `err` (may be NULL) with `code`, `field` (may be NULL) and a message; returns code. */
int ot_curl__fail(ot_error *err, int code, const char *field, const char *fmt, ...);

#endif
