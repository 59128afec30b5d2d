/* The `tracking_page` block of ordertrackd's config, member by member. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "pageconf.h"

#define DEFAULT_TTL_S (7 * 24 * 3600)

static const char *const block_fields[] = {"keys", "link_ttl_s", "public_base_url", NULL};
static const char *const key_fields[] = {"id", "secret", NULL};

static int load_key(otd_pageconf *p, const jsonconf *c, json_t *obj, size_t i)
{
    char path[64], where[80];
    char *id = NULL;
    otd_page_key *k = &p->keys[i];

    snprintf(path, sizeof path, "tracking_page.keys[%zu]", i);
    if (!json_is_object(obj))
        return jc_bad(c, path, "must be an object {\"id\", \"secret\"}");
    if (jc_check_fields(c, obj, path, key_fields) ||
        jc_string(c, obj, path, "id", 1, OTD_PAGE_KEY_ID_MAX, &id))
        return -1;
    snprintf(k->id, sizeof k->id, "%s", id);
    free(id);
    if (strspn(k->id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") !=
        strlen(k->id))
        return jc_bad(c, jc_path(where, sizeof where, path, "id"),
                      "must be 1-%d characters of [A-Za-z0-9_-]", OTD_PAGE_KEY_ID_MAX);
    for (size_t j = 0; j < i; j++)
        if (strcmp(p->keys[j].id, k->id) == 0)
            return jc_bad(c, jc_path(where, sizeof where, path, "id"), "\"%s\" is listed twice",
                          k->id);
    if (jc_string(c, obj, path, "secret", 1, OTD_PAGE_SECRET_MAX, &k->secret))
        return -1;
    k->secret_len = strlen(k->secret);
    p->n_keys = i + 1;
    if (k->secret_len < OTD_PAGE_SECRET_MIN)
        return jc_bad(c, jc_path(where, sizeof where, path, "secret"),
                      "must be at least %d bytes (a guessable key forges links)",
                      OTD_PAGE_SECRET_MIN);
    return 0;
}

/* http:// or https://, a host, no query, fragment or white space; the trailing '/' cut. */
static int check_base_url(const jsonconf *c, char *url)
{
    size_t n = strlen(url), scheme = strncmp(url, "https://", 8) == 0  ? 8
                                     : strncmp(url, "http://", 7) == 0 ? 7
                                                                       : 0;

    if (!scheme || n == scheme || url[scheme] == '/' || strpbrk(url, "?# \t\r\n\"<>'\\"))
        return jc_bad(c, "tracking_page.public_base_url",
                      "must be an http:// or https:// URL with a host and no query or "
                      "fragment, e.g. \"https://track.example.com\"");
    while (n > scheme && url[n - 1] == '/')
        url[--n] = '\0';
    return 0;
}

int otd_pageconf_load(otd_pageconf *p, const jsonconf *c, json_t *obj)
{
    json_t *keys, *k;
    long long ttl;
    size_t i;

    memset(p, 0, sizeof *p);
    if (!json_is_object(obj))
        return jc_bad(c, "tracking_page", "must be an object");
    p->present = 1;
    if (jc_check_fields(c, obj, "tracking_page", block_fields))
        return -1;
    keys = json_object_get(obj, "keys");
    if (!json_is_array(keys) || json_array_size(keys) == 0 ||
        json_array_size(keys) > OTD_PAGE_MAX_KEYS)
        return jc_bad(c, "tracking_page.keys",
                      "must be a list of 1-%d keys [{\"id\", \"secret\"}], the first signing",
                      OTD_PAGE_MAX_KEYS);
    json_array_foreach(keys, i, k) {
        if (load_key(p, c, k, i) != 0)
            return -1;
    }
    if (jc_int(c, obj, "tracking_page", "link_ttl_s", 60, 366LL * 24 * 3600, DEFAULT_TTL_S,
               &ttl))
        return -1;
    p->link_ttl_s = ttl;
    if (jc_string(c, obj, "tracking_page", "public_base_url", 1, 1024, &p->public_base_url) ||
        check_base_url(c, p->public_base_url))
        return -1;
    return 0;
}

void otd_pageconf_free(otd_pageconf *p)
{
    for (size_t i = 0; i < p->n_keys; i++) {
        if (p->keys[i].secret)
            OPENSSL_cleanse(p->keys[i].secret, p->keys[i].secret_len);
        free(p->keys[i].secret);
    }
    free(p->public_base_url);
    memset(p, 0, sizeof *p);
}
