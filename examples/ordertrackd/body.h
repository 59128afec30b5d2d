/* Request decoding helpers for the route handlers: the JSON body and its typed members, and
 * the query of GET /tracking/orders. Each failure leaves the 400 (or 403) answer in res and
 * names the field, so a handler only returns. */
#ifndef OTD_BODY_H
#define OTD_BODY_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "app.h"

/* Parse req's body as a JSON object (duplicate keys refused). 0 with *doc (json_decref it),
 * or -1 with res holding 400 invalid_request (empty body, malformed JSON with line and
 * column, not an object). */
int otd_body_object(const otd_request *req, json_t **doc, otd_response *res);

/* Members of a decoded body. Each returns 0 when the member is present and valid (*out set),
 * 1 when it is absent or null and not required (*out untouched), -1 with res holding 400
 * {"field": name} otherwise. */
int otd_body_string(json_t *doc, const char *name, int required, size_t max_len,
                    const char **out, otd_response *res);
int otd_body_number(json_t *doc, const char *name, int required, double lo, double hi,
                    double *out, otd_response *res);
int otd_body_bool(json_t *doc, const char *name, int required, int *out, otd_response *res);
int otd_body_member_object(json_t *doc, const char *name, int required, json_t **out,
                           otd_response *res);
/* An RFC 3339 timestamp ("2026-11-23T06:40:01.123Z", milliseconds optional, "Z" or an
 * offset) as milliseconds since the epoch UTC. */
int otd_body_time(json_t *doc, const char *name, int required, int64_t *out,
                  otd_response *res);

/* Parse an RFC 3339 timestamp; 0 with *ms set, or -1. */
int otd_parse_time(const char *s, int64_t *ms);

/* The query of GET /tracking/orders, checked. Strings point into the request. */
typedef struct otd_list_query {
    const char *store_id;     /* NULL: any (admin) */
    const char *customer_id;  /* NULL: any */
    int status;               /* ot_status, 0: any */
    size_t limit;             /* 1..1000, default 50 */
    const char *cursor;       /* NULL: first page */
} otd_list_query;

/* Read store_id, customer_id, status (a lifecycle wire name), limit and cursor. A store key
 * sees only its stores: a store_id outside them is 403; without store_id, a key with one
 * store gets that store and a key with several must name one (400). 0, or -1 with res set. */
int otd_list_query_parse(const otd_request *req, otd_list_query *q, otd_response *res);

#endif
