/* Internal: pieces of the HTTP client shared between files and reached by the tests. */
#ifndef OT_HTTP_INTERNAL_H
#define OT_HTTP_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "ordertrack/http.h"
#include "ordertrack/sys/http.h"

/* Longest breaker key ("host:port") kept; longer hosts are refused as invalid. */
#define OT__HTTP_HOST_KEY_SIZE 272

/* Lower-case "host:port" of an absolute http(s) URL (default port from the scheme) into
 * `key`; 0, or OT_EINVAL when the URL has no scheme or host or the key does not fit. */
int ot__http_host_key(char *key, size_t size, const char *url);

/* Delay a Retry-After value asks for, in ms, given the current time: delta-seconds or an
 * HTTP-date (IMF-fixdate); 0 for a date in the past. -1 when the value is malformed. */
int64_t ot__http_retry_after_ms(const char *value, int64_t now_ms);

/* Full-jitter backoff before retry number `retry` (1 for the first retry):
 * uniform over [0, min(max_delay, base * 2^(retry-1))], scaled from a 32-bit random. */
int64_t ot__http_backoff_ms(unsigned retry, int64_t base_ms, int64_t max_ms, uint32_t random);

/* 1 for methods RFC 9110 defines as idempotent (GET HEAD OPTIONS TRACE PUT DELETE). */
int ot__http_method_idempotent(const char *method);

/* 0 when the first n bytes of a and b match ignoring ASCII case (stops at a NUL). */
int ot__http_casecmp_n(const char *a, const char *b, size_t n);

/* Attempts and fallback use, recorded on a response by the client. */
void ot__http_response_set_trace(ot_http_response *response, unsigned attempts, int fallback);

/* Send the requests of `stream` through the client (retries, breakers and fallbacks per
 * request, as ot_http_client_send), each reported to stream->done as soon as it is final,
 * over the port's send_stream (OT_EINVAL for a port without: ot__http_client_can_stream). */
int ot__http_client_send_stream(ot_http_client *client, const ot_http_stream *stream,
                                ot_error *err);
/* Does the client's port send streams itself (send_stream)? */
int ot__http_client_can_stream(const ot_http_client *client);

#endif
