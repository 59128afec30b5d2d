/* Customer tracking links: a token naming an order, its expiry and the key that signed it,
 * with an HMAC-SHA256 over them, so that /t/{token} needs no API key:
 *
 *   token   = B64URL(payload) "." B64URL(HMAC-SHA256(secret, B64URL(payload)))
 *   payload = "1." key_id "." expires_s "." order_id      (expires_s: Unix seconds)
 *
 * Any key of the `tracking_page` block verifies (the one the token names); keys[0] signs.
 * Pure functions: thread-safe. */
#ifndef OTD_TRACKLINK_H
#define OTD_TRACKLINK_H

#include <stddef.h>
#include <stdint.h>

#include "pageconf.h"

/* Longest token: a 128-byte order id, a 32-byte key id and the expiry, with the MAC. */
#define OTD_LINK_TOKEN_MAX 320

enum otd_link_result {
    OTD_LINK_OK = 0,
    OTD_LINK_MALFORMED,    /* not a token of this format */
    OTD_LINK_UNKNOWN_KEY,  /* names a key the config does not (or no longer) have */
    OTD_LINK_FORGED,       /* the MAC does not match */
    OTD_LINK_EXPIRED       /* genuine, but past its expiry */
};

/* Sign a link to `order_id` expiring at `expires_s` with p->keys[0] into out (size bytes,
 * at least OTD_LINK_TOKEN_MAX + 1). 0, or -1 (no key, an over-long order id). */
int otd_link_sign(char *out, size_t size, const otd_pageconf *p, const char *order_id,
                  int64_t expires_s);

/* Check `token` at `now_s`. OTD_LINK_OK fills order_id (size bytes) and *expires_s; any
 * other result fills nothing the caller may show. */
int otd_link_verify(const otd_pageconf *p, const char *token, int64_t now_s, char *order_id,
                    size_t size, int64_t *expires_s);

/* "malformed", "unknown_key", ... for logs and tests. */
const char *otd_link_result_name(int result);

#endif
