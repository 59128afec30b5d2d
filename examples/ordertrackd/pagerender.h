/* Rendering the customer tracking page from the embedded templates (page_assets.h): the
 * language from ?lang= or Accept-Language, the catalogue's texts HTML-escaped into the
 * template, the customer view and the catalogue as JSON for the script. Thread-safe. */
#ifndef OTD_PAGERENDER_H
#define OTD_PAGERENDER_H

#include <stddef.h>

#include <jansson.h>

#include "page_assets.h"

/* Where the assets are served: OTD_PAGE_STATIC_PATH "<name>". */
#define OTD_PAGE_STATIC_PATH "/t/static/"

/* The language to answer in: `lang` (?lang=) when the catalogue has it, else the first of
 * `accept` (Accept-Language, by q-value, primary subtag compared) it has, else
 * languages[0]. Either may be NULL. Returns an index into b->languages. */
size_t otd_page_language_pick(const otd_page_bundle *b, const char *lang, const char *accept);

/* The tracking page over `view` (a customer view, custview.h) in language `lang`; or, with
 * view NULL, the refusal page saying the catalogue's `title_key` and `text_key`. A malloc'd
 * string (its length in *len), or NULL when out of memory. */
char *otd_page_render(const otd_page_bundle *b, size_t lang, const json_t *view,
                      const char *title_key, const char *text_key, size_t *len);

#endif
