/* Bearer keys: constant-time lookup over SHA-256 digests; role, store, provider and driver
 * scope checks. */
#include "auth.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/sha.h>

struct otd_auth {
    const otd_config *cfg;
    unsigned char (*digests)[SHA256_DIGEST_LENGTH];
};

otd_auth *otd_auth_new(const otd_config *cfg)
{
    otd_auth *a = calloc(1, sizeof *a);

    if (!a)
        return NULL;
    a->cfg = cfg;
    a->digests = calloc(cfg->n_keys ? cfg->n_keys : 1, sizeof *a->digests);
    if (!a->digests) {
        free(a);
        return NULL;
    }
    for (size_t i = 0; i < cfg->n_keys; i++)
        SHA256((const unsigned char *)cfg->keys[i].key, strlen(cfg->keys[i].key),
               a->digests[i]);
    return a;
}

void otd_auth_free(otd_auth *auth)
{
    if (!auth)
        return;
    free(auth->digests);
    free(auth);
}

int otd_auth_check(const otd_auth *auth, const char *header, const otd_api_key **key,
                   size_t *index)
{
    unsigned char digest[SHA256_DIGEST_LENGTH];
    size_t found = (size_t)-1;
    const char *token;

    if (!header || !*header)
        return OTD_AUTH_MISSING;
    if (strncmp(header, "Bearer ", 7) != 0 && strncmp(header, "bearer ", 7) != 0)
        return OTD_AUTH_MALFORMED;
    token = header + 7;
    while (*token == ' ')
        token++;
    if (!*token)
        return OTD_AUTH_MALFORMED;
    SHA256((const unsigned char *)token, strlen(token), digest);
    for (size_t i = 0; i < auth->cfg->n_keys; i++) {
        /* No early exit: the time taken does not depend on which key matched. */
        int differs = CRYPTO_memcmp(digest, auth->digests[i], sizeof digest);
        if (!differs && found == (size_t)-1)
            found = i;
    }
    if (found == (size_t)-1)
        return OTD_AUTH_UNKNOWN;
    if (key)
        *key = &auth->cfg->keys[found];
    if (index)
        *index = found;
    return OTD_AUTH_OK;
}

int otd_auth_role_allowed(const otd_api_key *key, unsigned roles)
{
    return key && (roles & (unsigned)key->role) != 0;
}

int otd_auth_store_allowed(const otd_api_key *key, const char *store_id)
{
    if (!key || !store_id)
        return 0;
    if (key->role == OTD_ROLE_ADMIN)
        return 1;
    if (key->role != OTD_ROLE_STORE)
        return 0;
    for (size_t i = 0; i < key->n_stores; i++)
        if (strcmp(key->stores[i], store_id) == 0)
            return 1;
    return 0;
}

int otd_auth_order_scoped(const otd_api_key *key)
{
    return key && (key->role == OTD_ROLE_STORE ||
                   (key->role == OTD_ROLE_COURIER && (key->providers || key->driver_id)));
}

int otd_auth_order_allowed(const otd_api_key *key, const char *store_id, int provider,
                           const char *driver_id, int assigning)
{
    if (!key)
        return 0;
    if (key->role != OTD_ROLE_COURIER)
        return otd_auth_store_allowed(key, store_id);
    if (key->providers &&
        (provider <= 0 || provider >= 32 || !(key->providers & (1u << provider))))
        return 0;
    if (key->driver_id)
        return driver_id ? strcmp(driver_id, key->driver_id) == 0 : assigning;
    return 1;
}

const char *otd_auth_reason(int result)
{
    switch (result) {
    case OTD_AUTH_MISSING:
        return "missing Authorization: Bearer <key> header";
    case OTD_AUTH_MALFORMED:
        return "Authorization header is not \"Bearer <key>\"";
    case OTD_AUTH_UNKNOWN:
        return "unknown API key";
    default:
        return "authenticated";
    }
}
