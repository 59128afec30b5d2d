/* Internal: what every module of lib/core needs, included by its files (the shape of
 * libgit2's src/libgit2/common.h): the standard headers used everywhere, the allocator
 * (every allocation of the library goes through it), errors, and the checks of caller-filled
 * versioned structs. Base pieces a module needs beyond these (hash, time, UTF-8, sorted
 * search) are included by name from base/. Not installed. */
#ifndef OT_COMMON_H
#define OT_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ordertrack/error.h"
#include "base/alloc_internal.h"
#include "base/error_internal.h"

#endif
