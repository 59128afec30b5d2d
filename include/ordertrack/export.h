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

#ifdef __cplusplus
#  define OT_BEGIN_DECLS extern "C" {
#  define OT_END_DECLS }
#else
#  define OT_BEGIN_DECLS
#  define OT_END_DECLS
#endif

#endif /* ORDERTRACK_EXPORT_H */
