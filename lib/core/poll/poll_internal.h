/* Internal: what the poll cycle needs of a courier client. Not installed. */
#ifndef OT_POLL_INTERNAL_H
#define OT_POLL_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "ordertrack/poll.h"

/* One tracking request for a group of AWBs, with everything it points to. */
struct ot__courier_request {
    ot_http_request req;
    ot_http_request fallback;
    ot_http_header headers[2];
    char *url, *fallback_url, *body, *auth;   /* owned (ot__malloc) */
};

/* The courier's name ("shiprocket"), payload kind, AWBs per request (configured, and the
 * courier's maximum). */
const char *ot__courier_name(const ot_courier_client *c);
int ot__courier_payload(const ot_courier_client *c);
size_t ot__courier_batch(const ot_courier_client *c);
/* Parse a tracking answer: ot_courier_parse, or a run-time courier's definition. */
int ot__courier_parse(ot_update_list **list, const ot_courier_client *c,
                      const ot_courier_tables *tables, const void *body, size_t len,
                      ot_error *err);
size_t ot__courier_max_batch(const ot_courier_client *c);

/* Log in unless a token is valid beyond the refresh margin; `*logins` counts logins. */
int ot__courier_ensure_token(ot_courier_client *c, ot_http_client *http, size_t *logins,
                             ot_error *err);
/* A request sent with `auth` was answered 401: log in again unless another thread already
 * replaced that token. */
int ot__courier_unauthorized(ot_courier_client *c, ot_http_client *http, const char *auth,
                             size_t *logins, ot_error *err);
/* 1 if the courier authenticates with a login (a 401 is worth a new token). */
int ot__courier_has_login(const ot_courier_client *c);

/* Build the request for `awbs[0..n-1]` (1 <= n <= batch) with the current token. */
int ot__courier_build(struct ot__courier_request *r, ot_courier_client *c,
                      const char *const *awbs, size_t n, ot_error *err);
/* Free what ot__courier_build allocated; the struct may be built again. Accepts NULL. */
void ot__courier_request_release(struct ot__courier_request *r);

#endif
