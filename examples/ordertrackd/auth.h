/* Bearer-key authentication and per-role, per-store authorisation. */
#ifndef OTD_AUTH_H
#define OTD_AUTH_H

#include <stddef.h>

#include "config.h"

typedef struct otd_auth otd_auth;

/* Outcome of authenticating a request. */
enum otd_auth_result {
    OTD_AUTH_OK = 0,
    OTD_AUTH_MISSING,   /* no Authorization header: 401 */
    OTD_AUTH_MALFORMED, /* not "Bearer <key>": 401 */
    OTD_AUTH_UNKNOWN    /* no such key: 401 */
};

/* Build the lookup table over cfg's keys (cfg must outlive it). NULL when out of memory. */
otd_auth *otd_auth_new(const otd_config *cfg);
void otd_auth_free(otd_auth *auth);

/* Authenticate an Authorization header value (may be NULL). Every configured key is compared
 * in constant time (SHA-256 digests, CRYPTO_memcmp, no early exit). On OTD_AUTH_OK, *key is
 * the matching entry and *index its position (for per-key state such as rate limits).
 * Thread-safe. */
int otd_auth_check(const otd_auth *auth, const char *authorization, const otd_api_key **key,
                   size_t *index);

/* May `key` act on `store_id`? Admin: always; store: only its stores; courier: never a
 * store-scoped action. */
int otd_auth_store_allowed(const otd_api_key *key, const char *store_id);

/* Is `key` limited to some orders beyond its role (a store key, or a courier key with
 * `providers` or `driver_id`)? Then {order_id} routes load the order and check it with
 * otd_auth_order_allowed. */
int otd_auth_order_scoped(const otd_api_key *key);

/* May `key` see an order of `store_id`, `provider` (ot_provider) and assigned driver
 * `driver_id` (NULL: none)? Admin: always; store: its stores; courier: its providers and
 * its driver (with `assigning`, an order without a driver is allowed too). */
int otd_auth_order_allowed(const otd_api_key *key, const char *store_id, int provider,
                           const char *driver_id, int assigning);

/* Does `roles` (a mask of enum otd_role) include key's role? */
int otd_auth_role_allowed(const otd_api_key *key, unsigned roles);

/* Short reason for a 401, for the error body. */
const char *otd_auth_reason(int result);

#endif
