/* Fuzz ordertrackd's config loader (examples/ordertrackd/config.c): any text either loads or
 * is refused with a message, and everything is freed. The listen and storage setters get the
 * same text. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[512];
    otd_config cfg;
    char *text = malloc(size + 1);

    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    memset(&cfg, 0, sizeof cfg);
    err[0] = '\0';
    if (otd_config_load_string(&cfg, text, "fuzz.json", err, sizeof err) != 0 &&
        memchr(err, '\0', sizeof err) == NULL)
        __builtin_trap();
    otd_config_free(&cfg);

    memset(&cfg, 0, sizeof cfg);
    if (otd_config_defaults(&cfg) == 0) {
        (void)otd_config_set_listen(&cfg, text, err, sizeof err);
        (void)otd_config_set_storage(&cfg, text, err, sizeof err);
    }
    otd_config_free(&cfg);
    free(text);
    return 0;
}
