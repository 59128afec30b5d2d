/* ordertrackd's API description as JSON, generated at build time from docs/openapi.yaml
 * (openapi_embed.py) and served at GET /openapi.json. Read-only, static storage. */
#ifndef OTD_OPENAPI_JSON_H
#define OTD_OPENAPI_JSON_H

#include <stddef.h>

/* The JSON text, otd_openapi_json_len bytes (a NUL follows them). */
extern const char otd_openapi_json[];
extern const size_t otd_openapi_json_len;

#endif
