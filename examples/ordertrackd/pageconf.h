/* ordertrackd's `tracking_page` block (docs/API.md): the keys that sign customer tracking
 * links, the links' lifetime and the public base URL they start with. Reloads (SIGHUP): a
 * new key list takes effect for the next request; links signed by a key still listed stay
 * valid until they expire. */
#ifndef OTD_PAGECONF_H
#define OTD_PAGECONF_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "jsonconf.h"

#define OTD_PAGE_MAX_KEYS 8
#define OTD_PAGE_KEY_ID_MAX 32
#define OTD_PAGE_SECRET_MIN 32    /* bytes: an HMAC-SHA256 key shorter than this is refused */
#define OTD_PAGE_SECRET_MAX 512

typedef struct otd_page_key {
    char id[OTD_PAGE_KEY_ID_MAX + 1]; /* [A-Za-z0-9_-], named in the token */
    char *secret;                     /* owned, wiped on free */
    size_t secret_len;
} otd_page_key;

typedef struct otd_pageconf {
    int present;                 /* the block was given: the page routes answer */
    otd_page_key keys[OTD_PAGE_MAX_KEYS]; /* keys[0] signs new links; all verify */
    size_t n_keys;
    int64_t link_ttl_s;          /* link_ttl_s: a new link's lifetime, default 7 days */
    char *public_base_url;       /* public_base_url, no trailing '/': links are URL/t/TOKEN */
} otd_pageconf;

/* Read the block `obj` into *p (zeroed first). 0, or -1 with "NAME: tracking_page.PATH:
 * what". */
int otd_pageconf_load(otd_pageconf *p, const jsonconf *c, json_t *obj);

/* Free what *p holds (secrets wiped). Accepts a zeroed struct. */
void otd_pageconf_free(otd_pageconf *p);

#endif
