/**
 * @file version.h
 * @brief Compile-time and run-time version of libordertrack.
 *
 * The compile-time macros describe the headers a program was built with; ot_version()
 * describes the library loaded at run time. Both functions are pure and thread-safe; the
 * returned string is static and must not be freed.
 */
#ifndef ORDERTRACK_VERSION_H
#define ORDERTRACK_VERSION_H

#include "export.h"

/** Major version of these headers: the SONAME; bumped only by an incompatible change. */
#define OT_VERSION_MAJOR 1
/** Minor version: bumped when the API grows. */
#define OT_VERSION_MINOR 0
/** Patch version: bumped by fixes that change no interface. */
#define OT_VERSION_PATCH 0
/** 0xMMmmpp: (major << 16) | (minor << 8) | patch. */
#define OT_VERSION_HEX ((OT_VERSION_MAJOR << 16) | (OT_VERSION_MINOR << 8) | OT_VERSION_PATCH)

OT_BEGIN_DECLS

/**
 * Version of the loaded library as OT_VERSION_HEX would encode it. Thread-safe.
 * @return (MAJOR << 16) | (MINOR << 8) | PATCH
 */
OT_EXTERN unsigned ot_version(void);

/**
 * Version of the loaded library as "MAJOR.MINOR.PATCH"; static storage, never NULL.
 * @return the static version string
 */
OT_EXTERN const char *ot_version_string(void);

OT_END_DECLS

#endif /* ORDERTRACK_VERSION_H */
