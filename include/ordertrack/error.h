/**
 * @file error.h
 * @brief Error codes and the caller-allocated error report.
 *
 * Fallible functions return 0 on success or one of the negative OT_E... codes below, and
 * take an `ot_error *err` as their last argument. When `err` is not NULL and the call
 * fails, the library fills it with the code and a message naming the cause (the field, the
 * two states, the file and line...). On success `err` is left untouched. There is no
 * thread-local error state: the report travels with the call, so bindings (Go, Python)
 * never need to pin threads.
 *
 * Code values are part of the ABI: they never change meaning and are never renumbered.
 * New codes are only appended.
 */
#ifndef ORDERTRACK_ERROR_H
#define ORDERTRACK_ERROR_H

#include "export.h"

/** Error codes. 0 is success; every error is negative. */
typedef enum ot_code {
    OT_OK = 0,
    OT_EINVAL = -1,                  /**< invalid argument: NULL, out of range, malformed */
    OT_ENOMEM = -2,                  /**< an allocation failed; nothing was changed */
    OT_ENOTFOUND = -3,               /**< no such order, key or entry */
    OT_EEXISTS = -4,                 /**< the order (or key) already exists */
    OT_ETRANSITION = -5,             /**< the status graph does not allow this step */
    OT_ESTALE = -6,                  /**< stale or duplicate update: ignored, nothing changed */
    OT_ECONFLICT = -7,               /**< optimistic-lock version conflict */
    OT_EIDEMPOTENCY_CONFLICT = -8,   /**< idempotency key reused with another request */
    OT_ESTORAGE = -9,                /**< the storage backend failed */
    OT_EPARSE = -10,                 /**< input bytes could not be parsed */
    OT_EUNKNOWN_STATUS = -11,        /**< a raw partner status no table maps */
    OT_EAUTH = -12,                  /**< authentication or signature check failed */
    OT_EHTTP = -13,                  /**< an HTTP exchange failed */
    OT_ETIMEOUT = -14,               /**< an operation timed out */
    OT_EVERSION = -15,               /**< struct or vtable version not supported */
    OT_ESTATE = -16,                 /**< not allowed in the order's current state */
    OT_EIO = -17,                    /**< an operating-system I/O call failed */
    OT_ELIMIT = -18,                 /**< a size or count limit was exceeded */
    OT_EINTEGRITY = -19,             /**< stored data failed an integrity check */
    OT_EUNAVAILABLE = -20,           /**< a dependency is unavailable (circuit open) */
    OT_EUNSUPPORTED = -21            /**< the operation is not supported by this backend */
} ot_code;

/** Size of ot_error::message, including the terminating NUL. */
#define OT_ERROR_MESSAGE_SIZE 256
/** Size of ot_error::field, ot_error::from and ot_error::to, including the NUL. */
#define OT_ERROR_DETAIL_SIZE 64

/**
 * Report of a failed call, allocated by the caller (usually on the stack).
 *
 * All strings are NUL-terminated UTF-8 and may be empty. `field` names the offending input
 * field when there is one; `from` and `to` name the two states of a refused transition.
 * The layout is fixed and part of the ABI.
 */
typedef struct ot_error {
    int code;                               /**< an ot_code, 0 when cleared */
    char message[OT_ERROR_MESSAGE_SIZE];    /**< what went wrong and why */
    char field[OT_ERROR_DETAIL_SIZE];       /**< offending field, or "" */
    char from[OT_ERROR_DETAIL_SIZE];        /**< transition source state, or "" */
    char to[OT_ERROR_DETAIL_SIZE];          /**< transition target state, or "" */
} ot_error;

OT_BEGIN_DECLS

/**
 * Static, never-NULL description of an error code; "unknown error" for an unknown code.
 * @param code an OT_E... code
 * @return a static description, never NULL
 */
OT_EXTERN const char *ot_strerror(int code);

/**
 * Static symbolic name of an error code ("OT_EINVAL"); NULL for an unknown code.
 * @param code an OT_E... code
 * @return the static name, or NULL for an unknown code
 */
OT_EXTERN const char *ot_code_name(int code);

/**
 * Reset `err` to code 0 and empty strings. Accepts NULL. Thread-safe on distinct objects.
 * @param err the report to clear, or NULL
 */
OT_EXTERN void ot_error_clear(ot_error *err);

/**
 * Fill `err` (may be NULL) with `code`, the offending `field` (may be NULL) and `message`
 * (truncated to fit), clearing the transition states; returns `code`. For adapters and
 * hosts that report errors the way the library does. Thread-safe on distinct objects.
 * @param err the report to fill, or NULL
 * @param code the OT_E... code
 * @param field the offending input field, or NULL
 * @param message what went wrong (copied, truncated to fit)
 * @return `code`
 */
OT_EXTERN int ot_error_set(ot_error *err, int code, const char *field, const char *message);

/** OT_PRINTF(f, a): the function's argument `f` is a printf format whose arguments start at
 *  argument `a` (the compiler checks the calls). */
#if defined(__GNUC__)
#  define OT_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#  define OT_PRINTF(f, a)
#endif

/**
 * ot_error_set() with the message formatted as printf does (since 1.12); the message is
 * truncated to fit. Thread-safe on distinct objects.
 * @param err the report to fill, or NULL
 * @param code the OT_E... code
 * @param field the offending input field, or NULL
 * @param fmt a printf format for the message, followed by its arguments
 * @return `code`
 */
OT_EXTERN int ot_error_setf(ot_error *err, int code, const char *field, const char *fmt, ...)
    OT_PRINTF(4, 5);

/**
 * Size of ot_error in bytes, for bindings that allocate it without the header.
 * @return sizeof(ot_error)
 */
OT_EXTERN unsigned long ot_error_size(void);

OT_END_DECLS

#endif /* ORDERTRACK_ERROR_H */
