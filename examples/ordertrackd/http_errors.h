/* The API error codes of docs/API.md, their HTTP statuses, the JSON error body and the
 * mapping from library OT_E... codes. */
#ifndef OTD_HTTP_ERRORS_H
#define OTD_HTTP_ERRORS_H

#include <stddef.h>

#include <jansson.h>
#include <ordertrack/error.h>

typedef enum otd_api_error {
    OTD_ERR_INVALID_REQUEST,      /* 400 */
    OTD_ERR_UNAUTHORIZED,         /* 401 */
    OTD_ERR_FORBIDDEN,            /* 403 */
    OTD_ERR_NOT_FOUND,            /* 404 */
    OTD_ERR_METHOD_NOT_ALLOWED,   /* 405 */
    OTD_ERR_ALREADY_EXISTS,       /* 409 */
    OTD_ERR_INVALID_TRANSITION,   /* 409 */
    OTD_ERR_INVALID_STATE,        /* 409 */
    OTD_ERR_IDEMPOTENCY_CONFLICT, /* 409 */
    OTD_ERR_VERSION_CONFLICT,     /* 412 */
    OTD_ERR_GONE,                 /* 410: the order was archived (ordertrack archive) */
    OTD_ERR_PAYLOAD_TOO_LARGE,    /* 413 */
    OTD_ERR_ORDER_LIMIT,          /* 422 */
    OTD_ERR_URI_TOO_LONG,         /* 414 */
    OTD_ERR_HEADERS_TOO_LARGE,    /* 431 */
    OTD_ERR_RATE_LIMITED,         /* 429 */
    OTD_ERR_INTERNAL,             /* 500 */
    OTD_ERR_INTEGRITY,            /* 500: stored data is corrupt or was tampered with */
    OTD_ERR_NOT_IMPLEMENTED,      /* 501 */
    OTD_ERR_UPSTREAM_FAILED,      /* 502 */
    OTD_ERR_STORAGE_UNAVAILABLE,  /* 503 */
    OTD_ERR_COUNT
} otd_api_error;

/* The wire code ("invalid_request") and HTTP status of an API error; NULL / 500 when out of
 * range. */
const char *otd_api_error_code(int err);
unsigned otd_api_error_status(int err);

/* {"error": {"code", "message", ...details}} as a malloc'd compact string (free with free).
 * `details` is an object whose members are added after code and message; it is consumed
 * (decref'd) and may be NULL. NULL only when out of memory. */
char *otd_error_body(int err, const char *message, json_t *details);

/* The API error for a library failure: OT_EINVAL -> invalid_request, OT_ENOTFOUND ->
 * not_found, OT_ETRANSITION -> invalid_transition, ... (the table in docs/ordertrackd.md). */
int otd_api_error_from_ot(int ot_code);

/* The error body for a failed library call: code from otd_api_error_from_ot(rc), message
 * from e (or ot_strerror), details "field", "from", "to" from e when set. *status gets the
 * HTTP status. NULL only when out of memory. */
char *otd_error_body_from_ot(int rc, const ot_error *e, unsigned *status);

#endif
