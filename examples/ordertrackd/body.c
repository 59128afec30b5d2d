/* JSON body and query decoding with field-naming 400s. */
#include "body.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ordertrack/ordertrack.h>

#include "http_errors.h"

#define LIST_LIMIT_DEFAULT 50
#define LIST_LIMIT_MAX 1000
#define QUERY_VALUE_MAX 255

static int refuse(otd_response *res, const char *field, const char *what)
{
    char message[256];

    snprintf(message, sizeof message, "%s: %s", field, what);
    otd_respond_error(res, OTD_ERR_INVALID_REQUEST, message, json_pack("{ss}", "field", field));
    return -1;
}

int otd_body_object(const otd_request *req, json_t **doc, otd_response *res)
{
    json_error_t jerr;
    char what[240];

    *doc = NULL;
    if (!req->body || req->body_len == 0)
        return refuse(res, "body", "a JSON object is required");
    *doc = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &jerr);
    if (!*doc) {
        snprintf(what, sizeof what, "malformed JSON at line %d, column %d: %s", jerr.line,
                 jerr.column, jerr.text);
        return refuse(res, "body", what);
    }
    if (!json_is_object(*doc)) {
        json_decref(*doc);
        *doc = NULL;
        return refuse(res, "body", "must be a JSON object");
    }
    return 0;
}

/* The member, or NULL when absent or null; -1 in *rc when it is required. */
static json_t *member(json_t *doc, const char *name, int required, int *rc, otd_response *res)
{
    json_t *v = json_object_get(doc, name);

    *rc = 0;
    if (v && !json_is_null(v))
        return v;
    *rc = required ? refuse(res, name, "required") : 1;
    return NULL;
}

int otd_body_string(json_t *doc, const char *name, int required, size_t max_len,
                    const char **out, otd_response *res)
{
    char what[64];
    int rc;
    json_t *v = member(doc, name, required, &rc, res);

    if (!v)
        return rc;
    if (!json_is_string(v))
        return refuse(res, name, "must be a string");
    if (json_string_length(v) == 0 || json_string_length(v) > max_len ||
        strlen(json_string_value(v)) != json_string_length(v)) {
        snprintf(what, sizeof what, "must be 1-%zu characters without NUL", max_len);
        return refuse(res, name, what);
    }
    *out = json_string_value(v);
    return 0;
}

int otd_body_number(json_t *doc, const char *name, int required, double lo, double hi,
                    double *out, otd_response *res)
{
    char what[96];
    int rc;
    json_t *v = member(doc, name, required, &rc, res);

    if (!v)
        return rc;
    if (!json_is_number(v))
        return refuse(res, name, "must be a number");
    if (json_number_value(v) < lo || json_number_value(v) > hi) {
        snprintf(what, sizeof what, "%g is out of range %g..%g", json_number_value(v), lo, hi);
        return refuse(res, name, what);
    }
    *out = json_number_value(v);
    return 0;
}

int otd_body_bool(json_t *doc, const char *name, int required, int *out, otd_response *res)
{
    int rc;
    json_t *v = member(doc, name, required, &rc, res);

    if (!v)
        return rc;
    if (!json_is_boolean(v))
        return refuse(res, name, "must be true or false");
    *out = json_is_true(v);
    return 0;
}

int otd_body_member_object(json_t *doc, const char *name, int required, json_t **out,
                           otd_response *res)
{
    int rc;
    json_t *v = member(doc, name, required, &rc, res);

    if (!v)
        return rc;
    if (!json_is_object(v))
        return refuse(res, name, "must be an object");
    *out = v;
    return 0;
}

int otd_parse_time(const char *s, int64_t *ms)
{
    /* the library's parser: RFC 3339, a real calendar date (2026-02-31 is refused, not
     * rolled over into March), years 1970..9999 */
    return ot_time_parse(ms, s, NULL) == 0 ? 0 : -1;
}

int otd_body_time(json_t *doc, const char *name, int required, int64_t *out,
                  otd_response *res)
{
    const char *s;
    int rc = otd_body_string(doc, name, required, 64, &s, res);

    if (rc != 0)
        return rc;
    if (otd_parse_time(s, out) != 0)
        return refuse(res, name, "must be an RFC 3339 timestamp, e.g. 2026-11-23T06:40:01.123Z");
    return 0;
}

/* A query argument into *out (NULL when absent); -1 with res set when empty or over-long. */
static int query_arg(const otd_request *req, const char *name, const char **out,
                     otd_response *res)
{
    const char *v = req->query ? req->query(req->lookup_ctx, name) : NULL;

    if (v && (!*v || strlen(v) > QUERY_VALUE_MAX))
        return refuse(res, name, "must be 1-255 characters");
    *out = v;
    return 0;
}

int otd_list_query_parse(const otd_request *req, otd_list_query *q, otd_response *res)
{
    const char *limit = NULL, *status = NULL;
    char what[160];

    memset(q, 0, sizeof *q);
    q->limit = LIST_LIMIT_DEFAULT;
    if (query_arg(req, "store_id", &q->store_id, res) ||
        query_arg(req, "customer_id", &q->customer_id, res) ||
        query_arg(req, "cursor", &q->cursor, res) || query_arg(req, "status", &status, res) ||
        query_arg(req, "limit", &limit, res))
        return -1;
    if (status) {
        ot_status s;
        if (ot_status_from_string(&s, status, NULL) != 0) {
            snprintf(what, sizeof what, "unknown status \"%.64s\"", status);
            return refuse(res, "status", what);
        }
        q->status = (int)s;
    }
    if (limit) {
        char *end;
        errno = 0;
        unsigned long n = strtoul(limit, &end, 10);
        if (limit[0] < '0' || limit[0] > '9' || *end || errno || n < 1 || n > LIST_LIMIT_MAX)
            return refuse(res, "limit", "must be an integer 1-1000");
        q->limit = n;
    }
    if (req->key && req->key->role == OTD_ROLE_STORE) {
        if (q->store_id && !otd_auth_store_allowed(req->key, q->store_id)) {
            snprintf(what, sizeof what, "this key may not list store \"%.64s\"", q->store_id);
            otd_respond_error(res, OTD_ERR_FORBIDDEN, what,
                              json_pack("{ss}", "field", "store_id"));
            return -1;
        }
        if (!q->store_id && req->key->n_stores != 1)
            return refuse(res, "store_id", "required for a key with several stores");
        if (!q->store_id)
            q->store_id = req->key->stores[0];
    }
    return 0;
}
