/**
 * @file export.h
 * @brief Symbol export macro for libordertrack.
 *
 * Every public function is declared with OT_EXTERN. The library is built with hidden
 * visibility, so anything without it stays private to the shared object.
 * Thread safety: not applicable (macros only).
 */
#ifndef ORDERTRACK_EXPORT_H
#define ORDERTRACK_EXPORT_H

#if defined(_WIN32)
#  if defined(OT_BUILDING_LIBRARY)
#    define OT_EXTERN __declspec(dllexport)
#  else
#    define OT_EXTERN
#  endif
#elif defined(__GNUC__) && __GNUC__ >= 4
#  define OT_EXTERN __attribute__((visibility("default")))
#else
#  define OT_EXTERN
#endif

/* OT_DEPRECATED marks a function kept for the ABI and not for new code: calling it warns
 * (-Wdeprecated-declarations). The library's own sources (OT_BUILDING_LIBRARY) and code that
 * defines OT_ALLOW_DEPRECATED (the tests of those functions) see no warning. */
#if defined(OT_BUILDING_LIBRARY) || defined(OT_ALLOW_DEPRECATED)
#  define OT_DEPRECATED
#elif defined(__GNUC__) && (__GNUC__ > 4 || (__GNUC__ == 4 && __GNUC_MINOR__ >= 5))
#  define OT_DEPRECATED __attribute__((deprecated))
#else
#  define OT_DEPRECATED
#endif

#ifdef __cplusplus
#  define OT_BEGIN_DECLS extern "C" {
#  define OT_END_DECLS }
#else
#  define OT_BEGIN_DECLS
#  define OT_END_DECLS
#endif

#endif /* ORDERTRACK_EXPORT_H */
