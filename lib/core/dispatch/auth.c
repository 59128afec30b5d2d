/* The partners' authentication: Uber Direct's OAuth 2.0 client-credentials token (cached
 * until `token_margin_ms` before it expires) and DoorDash Drive's JWT (a new one per
 * request, valid `jwt_ttl_ms`). */
#include <stdio.h>
#include <string.h>

#include "ordertrack/sys/clock.h"
#include "common.h"
#include "json/json_internal.h"
#include "order/order_internal.h"
#include "dispatch/dispatch_internal.h"

/* `name=value` (percent-encoded), after a '&' unless first, appended at out[*n]. */
static int form_append(char *out, size_t size, size_t *n, const char *name, const char *s)
{
    int len = snprintf(out + *n, size - *n, "%s%s=", *n ? "&" : "", name);

    if (len < 0 || (size_t)len >= size - *n)
        return -1;
    *n += (size_t)len;
    return ot__url_encode_append(out, size, n, s);
}

/* POST the client credentials to the token endpoint; on success p->token holds the new
 * token (called with p->lock held). */
static int uber_fetch(ot_dispatch *d, struct ot__partner *p, ot_error *err)
{
    static const ot_http_header form = {"Content-Type", "application/x-www-form-urlencoded"};
    ot_http_request req = OT_HTTP_REQUEST_INIT;
    const ot_http_request *reqs[1] = {&req};
    ot_http_response *resp = NULL;
    json_t *answer = NULL;
    const char *token;
    char body[2048];
    size_t n = 0, len;
    json_int_t expires_in;
    int rc, status;

    if (form_append(body, sizeof body, &n, "client_id", p->cfg.client_id) ||
        form_append(body, sizeof body, &n, "client_secret", p->cfg.client_secret) ||
        form_append(body, sizeof body, &n, "grant_type", "client_credentials") ||
        form_append(body, sizeof body, &n, "scope", "eats.deliveries"))
        return ot__error_field(err, OT_ELIMIT, "client_secret", "the credentials are too long");
    req.method = "POST";
    req.url = p->cfg.token_url;
    req.headers = &form;
    req.header_count = 1;
    req.body = body;
    req.body_length = n;
    req.timeout_ms = p->cfg.timeout_ms;
    if ((rc = ot_http_client_send(d->http, reqs, 1, &resp, err)))
        return rc;
    status = ot_http_response_status(resp);
    if (status == 0) {
        rc = ot__error_field(err, ot_http_response_error_code(resp), "token_url",
                             "uber token request failed: %s",
                             ot_http_response_error_message(resp));
    } else if (status < 200 || status > 299) {
        rc = ot__error_field(err, status == 400 || status == 401 ? OT_EAUTH : OT_EHTTP,
                             "token_url", "uber token request answered HTTP %d", status);
    } else {
        const char *text = ot_http_response_body(resp, &len);
        rc = ot__json_load(&answer, text, len, "token answer", "", err);
        token = rc ? NULL : json_string_value(json_object_get(answer, "access_token"));
        expires_in = rc ? 0 : json_integer_value(json_object_get(answer, "expires_in"));
        if (!rc && (!token || !*token || strlen(token) >= sizeof p->token ||
                    strpbrk(token, "\r\n") || expires_in <= 0))
            rc = ot__error_field(err, OT_EPARSE, "access_token",
                                 "the uber token answer lacks access_token or expires_in");
        if (!rc) {
            strcpy(p->token, token);
            p->token_expiry_ms = ot_clock_now_ms(NULL) + (int64_t)expires_in * 1000;
        }
        json_decref(answer);
    }
    ot_http_response_free(resp);
    return rc;
}

int ot__partner_auth(char *out, size_t size, ot_dispatch *d, struct ot__partner *p, int stale,
                     ot_error *err)
{
    char jwt[1024];
    int rc = 0;

    if (p->cfg.provider == OT_PROVIDER_DOORDASH) {
        if ((rc = ot__jwt_doordash(jwt, sizeof jwt, p->cfg.developer_id, p->cfg.key_id, p->key,
                                   p->key_len, ot_clock_now_ms(NULL), p->cfg.jwt_ttl_ms, err)))
            return rc;
        snprintf(out, size, "Bearer %s", jwt);
        return 0;
    }
    pthread_mutex_lock(&p->lock);
    if (stale || !p->token_expiry_ms ||
        ot_clock_now_ms(NULL) >= p->token_expiry_ms - p->cfg.token_margin_ms) {
        p->token_expiry_ms = 0;
        rc = uber_fetch(d, p, err);
    }
    if (!rc)
        snprintf(out, size, "Bearer %s", p->token);
    pthread_mutex_unlock(&p->lock);
    return rc;
}
