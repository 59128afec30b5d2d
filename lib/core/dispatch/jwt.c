/* DoorDash Drive's JWT: HS256 with the header member dd-ver DD-JWT-V1 and the claims aud
 * ("doordash"), iss (developer id), kid (key id), iat and exp in seconds since the epoch
 * (docs/couriers-dispatch.md). */
#include <stdio.h>
#include <string.h>

#include "common.h"
#include "base/hash_internal.h"
#include "dispatch/dispatch_internal.h"

int ot__jwt_doordash(char *out, size_t size, const char *developer_id, const char *key_id,
                     const unsigned char *key, size_t key_len, int64_t now_ms, int64_t ttl_ms,
                     ot_error *err)
{
    static const char header[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"dd-ver\":\"DD-JWT-V1\"}";
    char claims[512], part[700];
    unsigned char mac[32];
    long long iat = (long long)(now_ms / 1000), exp = (long long)((now_ms + ttl_ms) / 1000);
    size_t n;
    int len;

    len = snprintf(claims, sizeof claims,
                   "{\"aud\":\"doordash\",\"iss\":\"%s\",\"kid\":\"%s\",\"iat\":%lld,"
                   "\"exp\":%lld}", developer_id, key_id, iat, exp);
    if (len < 0 || (size_t)len >= sizeof claims)
        return ot__error_field(err, OT_ELIMIT, "developer_id", "the JWT claims are too long");
    if (ot__b64url_encode(out, size, header, sizeof header - 1))
        return ot__error_set(err, OT_ELIMIT, "the JWT does not fit");
    n = strlen(out);
    if (n + 2 > size || ot__b64url_encode(part, sizeof part, claims, (size_t)len))
        return ot__error_set(err, OT_ELIMIT, "the JWT does not fit");
    if (n + 1 + strlen(part) + 1 > size)
        return ot__error_set(err, OT_ELIMIT, "the JWT does not fit");
    out[n++] = '.';
    strcpy(out + n, part);
    n += strlen(part);
    if (ot__hmac_sha256(mac, key, key_len, out, n))
        return ot__error_set(err, OT_ENOMEM, "HMAC-SHA256 failed");
    if (ot__b64url_encode(part, sizeof part, mac, sizeof mac) ||
        n + 1 + strlen(part) + 1 > size)
        return ot__error_set(err, OT_ELIMIT, "the JWT does not fit");
    out[n++] = '.';
    strcpy(out + n, part);
    return 0;
}
