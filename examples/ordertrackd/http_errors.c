/* Error table, library-code mapping and error bodies. */
#include "http_errors.h"

#include <stdlib.h>
#include <string.h>

#include <ordertrack/ordertrack.h>

static const struct {
    const char *code;
    unsigned status;
} api_errors[OTD_ERR_COUNT] = {
    [OTD_ERR_INVALID_REQUEST] = {"invalid_request", 400},
    [OTD_ERR_UNAUTHORIZED] = {"unauthorized", 401},
    [OTD_ERR_FORBIDDEN] = {"forbidden", 403},
    [OTD_ERR_NOT_FOUND] = {"not_found", 404},
    [OTD_ERR_METHOD_NOT_ALLOWED] = {"method_not_allowed", 405},
    [OTD_ERR_ALREADY_EXISTS] = {"already_exists", 409},
    [OTD_ERR_INVALID_TRANSITION] = {"invalid_transition", 409},
    [OTD_ERR_INVALID_STATE] = {"invalid_state", 409},
    [OTD_ERR_IDEMPOTENCY_CONFLICT] = {"idempotency_conflict", 409},
    [OTD_ERR_VERSION_CONFLICT] = {"version_conflict", 412},
    [OTD_ERR_GONE] = {"gone", 410},
    [OTD_ERR_PAYLOAD_TOO_LARGE] = {"payload_too_large", 413},
    [OTD_ERR_ORDER_LIMIT] = {"order_limit", 422},
    [OTD_ERR_URI_TOO_LONG] = {"uri_too_long", 414},
    [OTD_ERR_HEADERS_TOO_LARGE] = {"headers_too_large", 431},
    [OTD_ERR_RATE_LIMITED] = {"rate_limited", 429},
    [OTD_ERR_INTERNAL] = {"internal_error", 500},
    [OTD_ERR_INTEGRITY] = {"integrity_error", 500},
    [OTD_ERR_NOT_IMPLEMENTED] = {"not_implemented", 501},
    [OTD_ERR_UPSTREAM_FAILED] = {"upstream_failed", 502},
    [OTD_ERR_STORAGE_UNAVAILABLE] = {"storage_unavailable", 503},
};

/* Library code -> API error; index is -code. */
static const signed char from_ot[] = {
    [-OT_EINVAL] = OTD_ERR_INVALID_REQUEST,
    [-OT_ENOMEM] = OTD_ERR_INTERNAL,
    [-OT_ENOTFOUND] = OTD_ERR_NOT_FOUND,
    [-OT_EEXISTS] = OTD_ERR_ALREADY_EXISTS,
    [-OT_ETRANSITION] = OTD_ERR_INVALID_TRANSITION,
    /* Not an error: handlers answer 200 with the unchanged order (tracker.h). Should one
     * reach the mapping anyway, it is the nearest refusal, naming both states. */
    [-OT_ESTALE] = OTD_ERR_INVALID_TRANSITION,
    [-OT_ECONFLICT] = OTD_ERR_VERSION_CONFLICT,
    [-OT_EIDEMPOTENCY_CONFLICT] = OTD_ERR_IDEMPOTENCY_CONFLICT,
    [-OT_ESTORAGE] = OTD_ERR_STORAGE_UNAVAILABLE,
    [-OT_EPARSE] = OTD_ERR_INVALID_REQUEST,
    [-OT_EUNKNOWN_STATUS] = OTD_ERR_INVALID_REQUEST,
    [-OT_EAUTH] = OTD_ERR_UNAUTHORIZED,
    [-OT_EHTTP] = OTD_ERR_UPSTREAM_FAILED,
    [-OT_ETIMEOUT] = OTD_ERR_STORAGE_UNAVAILABLE,
    [-OT_EVERSION] = OTD_ERR_INTERNAL,
    [-OT_ESTATE] = OTD_ERR_INVALID_STATE,
    [-OT_EIO] = OTD_ERR_INTERNAL,
    [-OT_ELIMIT] = OTD_ERR_INVALID_REQUEST,
    [-OT_EINTEGRITY] = OTD_ERR_INTEGRITY,
    [-OT_EUNAVAILABLE] = OTD_ERR_STORAGE_UNAVAILABLE,
    [-OT_EUNSUPPORTED] = OTD_ERR_NOT_IMPLEMENTED,
};

const char *otd_api_error_code(int err)
{
    return err >= 0 && err < OTD_ERR_COUNT ? api_errors[err].code : NULL;
}

unsigned otd_api_error_status(int err)
{
    return err >= 0 && err < OTD_ERR_COUNT ? api_errors[err].status : 500;
}

int otd_api_error_from_ot(int code)
{
    if (code < 0 && (size_t)-code < sizeof from_ot / sizeof from_ot[0])
        return from_ot[-code];
    return OTD_ERR_INTERNAL;
}

char *otd_error_body(int err, const char *message, json_t *details)
{
    json_t *inner, *root;
    char *text = NULL;

    if (err < 0 || err >= OTD_ERR_COUNT)
        err = OTD_ERR_INTERNAL;
    inner = json_object();
    root = json_object();
    if (inner && root &&
        json_object_set_new(inner, "code", json_string(api_errors[err].code)) == 0 &&
        json_object_set_new(inner, "message", json_string(message ? message : "")) == 0 &&
        (!details || json_object_update(inner, details) == 0) &&
        json_object_set(root, "error", inner) == 0)
        text = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(details);
    json_decref(inner);
    json_decref(root);
    return text;
}

/* The fields of the library's per-order limits (tracker.h): OT_ELIMIT naming one of them is
 * order_limit, any other OT_ELIMIT stays invalid_request. */
static const char *const order_limit_fields[] = {"issues", "substitutions", "metadata",
                                                 "record"};

static int is_order_limit(int rc, const ot_error *e)
{
    size_t i;
    if (rc != OT_ELIMIT || !e)
        return 0;
    for (i = 0; i < sizeof order_limit_fields / sizeof order_limit_fields[0]; i++)
        if (strcmp(e->field, order_limit_fields[i]) == 0)
            return 1;
    return 0;
}

char *otd_error_body_from_ot(int rc, const ot_error *e, unsigned *status)
{
    int err = is_order_limit(rc, e) ? OTD_ERR_ORDER_LIMIT : otd_api_error_from_ot(rc);
    json_t *details = json_object();
    const char *message = e && e->message[0] ? e->message : ot_strerror(rc);

    if (!details)
        return NULL;
    if (e && e->field[0])
        json_object_set_new(details, "field", json_string(e->field));
    if (e && e->from[0])
        json_object_set_new(details, "from", json_string(e->from));
    if (e && e->to[0])
        json_object_set_new(details, "to", json_string(e->to));
    if (status)
        *status = otd_api_error_status(err);
    return otd_error_body(err, message, details);
}
