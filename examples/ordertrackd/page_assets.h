/* The customer tracking page's files (page/), embedded at build time by page_embed.py:
 * the HTML templates, the stylesheet and the script under content-hashed names (served
 * with a year's immutable caching), and the message catalogue, one JSON object per
 * language. Static data: thread-safe. */
#ifndef OTD_PAGE_ASSETS_H
#define OTD_PAGE_ASSETS_H

#include <stddef.h>

typedef struct otd_page_asset {
    const char *name;          /* "page.<12 hex digits of its SHA-256>.css" */
    const char *content_type;
    const char *body;
    size_t len;
} otd_page_asset;

typedef struct otd_page_language {
    const char *tag;           /* "en" */
    const char *messages;      /* its catalogue: a JSON object, key -> text */
} otd_page_language;

typedef struct otd_page_bundle {
    const char *page_html;     /* templates: {{name}} and {{t:key}} placeholders */
    const char *refused_html;
    const otd_page_asset *assets;
    size_t n_assets;
    const char *css, *js;      /* the assets' hashed names */
    const otd_page_language *languages; /* [0] is the default */
    size_t n_languages;
} otd_page_bundle;

/* The embedded bundle (the generated page_assets.c). */
extern const otd_page_bundle otd_page_bundle_embedded;

#endif
