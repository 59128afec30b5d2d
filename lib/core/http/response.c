/* HTTP responses: created and freed by the library, filled by ports through setters. */
#include <string.h>

#include "ordertrack/sys/http.h"
#include "common.h"
#include "http/http_internal.h"

struct header {
    char *name;
    char *value;
};

struct ot_http_response {
    int status;
    int error_code;
    char error_message[OT_ERROR_MESSAGE_SIZE];
    struct header *headers;
    size_t header_count;
    size_t header_cap;
    char *body;
    size_t body_length;
    size_t body_cap;
    unsigned attempts;
    int fallback_used;
};

int ot_http_response_new(ot_http_response **response, ot_error *err)
{
    if (!response)
        return ot__error_field(err, OT_EINVAL, "response", "response is NULL");
    *response = ot__calloc(1, sizeof **response);
    if (!*response)
        return ot__error_set(err, OT_ENOMEM, "out of memory allocating an HTTP response");
    return 0;
}

void ot_http_response_reset(ot_http_response *response)
{
    size_t i;
    if (!response)
        return;
    for (i = 0; i < response->header_count; i++) {
        ot__free(response->headers[i].name);
        ot__free(response->headers[i].value);
    }
    ot__free(response->headers);
    ot__free(response->body);
    memset(response, 0, sizeof *response);
}

void ot_http_response_free(ot_http_response *response)
{
    ot_http_response_reset(response);
    ot__free(response);
}

int ot_http_response_set_status(ot_http_response *response, int status, ot_error *err)
{
    if (!response)
        return ot__error_field(err, OT_EINVAL, "response", "response is NULL");
    if (status < 100 || status > 599)
        return ot__error_field(err, OT_EINVAL, "status",
                               "HTTP status %d is outside 100..599", status);
    response->status = status;
    return 0;
}

int ot_http_response_set_error(ot_http_response *response, int code, const char *message,
                               ot_error *err)
{
    if (!response)
        return ot__error_field(err, OT_EINVAL, "response", "response is NULL");
    if (code >= 0 || !ot_code_name(code))
        return ot__error_field(err, OT_EINVAL, "code", "%d is not an OT_E... error code", code);
    response->status = 0;
    response->error_code = code;
    ot__strlcpy(response->error_message, message ? message : ot_strerror(code),
                sizeof response->error_message);
    return 0;
}

int ot_http_response_add_header(ot_http_response *response, const char *name,
                                size_t name_length, const char *value, size_t value_length,
                                ot_error *err)
{
    struct header h, *grown;
    if (!response)
        return ot__error_field(err, OT_EINVAL, "response", "response is NULL");
    if (!name || name_length == 0)
        return ot__error_field(err, OT_EINVAL, "name", "header name is NULL or empty");
    if (!value && value_length > 0)
        return ot__error_field(err, OT_EINVAL, "value", "header value is NULL");
    grown = ot__grow(response->headers, &response->header_cap, response->header_count,
                     sizeof *grown, 8);
    if (!grown)
        return ot__error_set(err, OT_ENOMEM, "out of memory storing an HTTP header");
    response->headers = grown;
    h.name = ot__strndup(name, name_length);
    h.value = ot__strndup(value ? value : "", value_length);
    if (!h.name || !h.value) {
        ot__free(h.name);
        ot__free(h.value);
        return ot__error_set(err, OT_ENOMEM, "out of memory storing an HTTP header");
    }
    response->headers[response->header_count++] = h;
    return 0;
}

int ot_http_response_append_body(ot_http_response *response, const void *data, size_t length,
                                 ot_error *err)
{
    size_t need;
    if (!response)
        return ot__error_field(err, OT_EINVAL, "response", "response is NULL");
    if (length == 0)
        return 0;
    if (!data)
        return ot__error_field(err, OT_EINVAL, "data", "body data is NULL");
    if (length > (size_t)-1 - 1 - response->body_length)
        return ot__error_field(err, OT_ELIMIT, "length", "HTTP body too large");
    need = response->body_length + length + 1;
    if (need > response->body_cap) {
        size_t cap = response->body_cap ? response->body_cap : 256;
        char *grown;
        while (cap < need)
            cap = cap > (size_t)-1 / 2 ? need : cap * 2;
        grown = ot__realloc(response->body, cap);
        if (!grown)
            return ot__error_set(err, OT_ENOMEM, "out of memory storing an HTTP body");
        response->body = grown;
        response->body_cap = cap;
    }
    memcpy(response->body + response->body_length, data, length);
    response->body_length += length;
    response->body[response->body_length] = '\0';
    return 0;
}

int ot_http_response_status(const ot_http_response *response)
{
    return response ? response->status : 0;
}

int ot_http_response_error_code(const ot_http_response *response)
{
    return response ? response->error_code : OT_EINVAL;
}

const char *ot_http_response_error_message(const ot_http_response *response)
{
    return response ? response->error_message : "response is NULL";
}

const char *ot_http_response_body(const ot_http_response *response, size_t *length)
{
    if (length)
        *length = response ? response->body_length : 0;
    return response && response->body ? response->body : "";
}

size_t ot_http_response_header_count(const ot_http_response *response)
{
    return response ? response->header_count : 0;
}

int ot_http_response_header_at(const ot_http_response *response, size_t index,
                               const char **name, const char **value, ot_error *err)
{
    if (!response)
        return ot__error_field(err, OT_EINVAL, "response", "response is NULL");
    if (!name || !value)
        return ot__error_field(err, OT_EINVAL, !name ? "name" : "value", "%s is NULL",
                               !name ? "name" : "value");
    if (index >= response->header_count)
        return ot__error_field(err, OT_EINVAL, "index",
                               "header index %zu out of range (%zu headers)", index,
                               response->header_count);
    *name = response->headers[index].name;
    *value = response->headers[index].value;
    return 0;
}

const char *ot_http_response_header(const ot_http_response *response, const char *name)
{
    size_t i;
    if (!response || !name)
        return NULL;
    for (i = 0; i < response->header_count; i++)
        if (ot__http_casecmp_n(response->headers[i].name, name, (size_t)-1) == 0)
            return response->headers[i].value;
    return NULL;
}

unsigned ot_http_response_attempts(const ot_http_response *response)
{
    return response ? response->attempts : 0;
}

int ot_http_response_fallback_used(const ot_http_response *response)
{
    return response ? response->fallback_used : 0;
}

void ot__http_response_set_trace(ot_http_response *response, unsigned attempts, int fallback)
{
    response->attempts = attempts;
    response->fallback_used = fallback;
}
