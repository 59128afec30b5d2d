/* The "pii" configuration block, one format for every host program (ordertrackd,
 * ordertrack-poller), so all of them read and write sealed records with the same keys:
 *
 *   "pii": {"key_id": "2026-12", "key_hex": "<64 hex digits>",
 *           "retired": [{"key_id": "2026-06", "key_file": "/etc/ordertrack/pii-2026-06.key"}]}
 *
 * Each key is given inline (`key_hex`) or as a file holding its 64 hex digits (`key_file`,
 * readable by its owner only). The first key seals new values; retired keys only open the
 * tokens that name them (key rotation). Keys never appear in a message. */
#ifndef OT_EXAMPLES_PIICONF_H
#define OT_EXAMPLES_PIICONF_H

#include <stddef.h>

#include <jansson.h>

#include <ordertrack/pii.h>

#include "jsonconf.h"

#define PIICONF_MAX_KEYS 8 /* the current key and up to 7 retired ones */

typedef struct piiconf_key {
    char id[OT_PII_KEY_ID_SIZE];
    unsigned char key[OT_PII_KEY_SIZE];
} piiconf_key;

/* The loaded block: keys[0] is the current key; n_keys 0 when there is no block. */
typedef struct piiconf {
    size_t n_keys;
    piiconf_key keys[PIICONF_MAX_KEYS];
} piiconf;

/* Load the block `obj` (found at "pii") into `out`. 0, or -1 with "NAME: pii.FIELD: what"
 * in c's buffer (and `out` wiped). */
int piiconf_load(piiconf *out, const jsonconf *c, json_t *obj);

/* A key provider over the loaded keys, for ot_pii_new(): it reads them from `cfg`, which
 * must outlive the sealer. */
void piiconf_provider(ot_pii_key_provider *out, const piiconf *cfg);

/* Wipe the keys. */
void piiconf_wipe(piiconf *cfg);

#endif
