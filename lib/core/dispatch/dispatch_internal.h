/* Internal: the dispatcher, its partner clients and the dispatch state of an order. */
#ifndef OT_DISPATCH_INTERNAL_H
#define OT_DISPATCH_INTERNAL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "ordertrack/dispatch.h"
#include "ordertrack/http.h"
#include "ordertrack/order.h"
#include "ordertrack/status.h"

/* The partner operations (one row per operation and partner in partners.c). */
enum ot__dispatch_op {
    OT__DOP_QUOTE = 0,
    OT__DOP_CREATE,
    OT__DOP_GET,
    OT__DOP_CANCEL,
    OT__DOP_COUNT
};

/* How a partner answered. */
enum ot__dispatch_outcome {
    OT__DOUT_OK = 0,        /* accepted: delivery_id (and tracking_url) set */
    OT__DOUT_NO_DRIVER,     /* the partner has no courier now */
    OT__DOUT_DUPLICATE,     /* the idempotency key names a delivery made before */
    OT__DOUT_NOT_FOUND,     /* no such delivery (cancel, get) */
    OT__DOUT_AUTH,          /* 401: credentials refused (after one refresh) */
    OT__DOUT_FAILED         /* any other error answer, a time-out, an open breaker */
};

struct ot__dispatch_answer {
    int outcome;            /* enum ot__dispatch_outcome */
    int http_status;        /* 0 without an HTTP answer */
    char delivery_id[129];
    char tracking_url[512];
    char status[64];        /* the partner's delivery status, when it said one */
    char error[200];        /* what failed, for the history */
};

/* One partner: its copied config and, for Uber, the cached token. */
struct ot__partner {
    ot_dispatch_partner cfg;     /* strings point into `strings` */
    char *strings;               /* one allocation holding every copied string */
    size_t strings_size;         /* its size, to wipe it */
    unsigned char key[64];       /* DoorDash: the decoded signing secret */
    size_t key_len;
    pthread_mutex_t lock;        /* Uber: token, token_expiry_ms */
    char token[2048];
    int64_t token_expiry_ms;     /* 0: no token */
};

struct ot_dispatch {
    ot_dispatch_options options; /* partners NULL: see partners[] */
    char author[64];
    ot_http_client *http;
    struct ot__partner partners[2];
    size_t n_partners;
};

/* The partner table (partners.c): how one operation of one provider is sent and read. */
struct ot__partner_op {
    int provider;
    int op;
    const char *method;
    const char *path;        /* with {customer} (Uber's customer id) and {id} (the delivery) */
};
const struct ot__partner_op *ot__partner_op_find(int provider, int op);

/* The partner of `provider`, or NULL. */
struct ot__partner *ot__dispatch_partner(ot_dispatch *d, int provider);

/* Send `op` for `id` (the path's delivery id; NULL for quote and create) with `body` (JSON,
 * may be NULL), with the partner's authentication: a fresh Uber token or DoorDash JWT, and
 * once more after a 401 with a new one. Fills `answer` (classified); returns 0, or
 * OT_ENOMEM / OT_EINVAL for the library's own failures. */
int ot__partner_call(struct ot__dispatch_answer *answer, ot_dispatch *d, struct ot__partner *p,
                     int op, const char *id, const json_t *body, const char *idempotency_key,
                     ot_error *err);

/* The create body of `provider` for `order` (the record) and `req` (the pick-up). */
json_t *ot__partner_create_body(int provider, const ot_order *order,
                                const ot_dispatch_order *req, const char *external_id);

/* The Authorization header value of `p` now (Uber: the cached token, fetched when missing
 * or about to expire; DoorDash: a new JWT). `stale` drops the cached token first (after a
 * 401). auth.c */
int ot__partner_auth(char *out, size_t size, ot_dispatch *d, struct ot__partner *p, int stale,
                     ot_error *err);

/* Append `s` percent-encoded (all but the unreserved bytes) at out[*n], NUL-terminated;
 * -1 when it does not fit. urlenc.c */
int ot__url_encode_append(char *out, size_t size, size_t *n, const char *s);

/* base64url without padding (RFC 4648 §5). b64url.c */
int ot__b64url_encode(char *out, size_t size, const void *data, size_t len);
/* Decode base64url (padding and standard-alphabet bytes accepted); -1 when malformed or
 * larger than `size`, else the decoded length. */
long ot__b64url_decode(unsigned char *out, size_t size, const char *text);
/* An HS256 JWT with DoorDash's header (dd-ver DD-JWT-V1) and claims aud, iss, kid, iat, exp.
 * jwt.c */
int ot__jwt_doordash(char *out, size_t size, const char *developer_id, const char *key_id,
                     const unsigned char *key, size_t key_len, int64_t now_ms, int64_t ttl_ms,
                     ot_error *err);

/* The dispatch state of an order, read from its history (state.c). */
struct ot__dispatch_state {
    int provider;            /* the order's provider */
    unsigned attempts;       /* dispatch_requested events with a new attempt number */
    unsigned no_driver;      /* no-driver answers from `provider` since the last switch */
    unsigned switches;
    int last;                /* the last dispatch event (enum ot__event), 0: none */
    unsigned last_attempt;   /* its attempt number */
    int64_t lease_until_ms;  /* of the last dispatch_requested */
    int64_t retry_at_ms;     /* of the last no_driver */
    char external_id[160];   /* of the last dispatch_requested */
    char delivery_id[129];   /* of the last dispatch_recorded of `provider`, or "" */
    int requested_here;      /* a request was sent to `provider` since the last switch */
};
int ot__dispatch_state_read(struct ot__dispatch_state *s, const ot_order *order);

/* `<order_id>~<attempt>`: the partner-side idempotency key of an attempt; '~' never occurs
 * in an order id (ot_order_id_check), so the order id is what precedes the last '~'. */
void ot__dispatch_external_id(char *out, size_t size, const char *order_id, unsigned attempt);

#endif
