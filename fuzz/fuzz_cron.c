/* Fuzz the cron parser of the host programs (examples/common/cron.c): an expression that
 * parses either never fires or fires at a minute it matches, after the start time. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cron.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char text[256], errbuf[128];
    cron_expr e;
    int64_t next = 0, start = 1700000000;

    if (size >= sizeof text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    if (cron_parse(&e, text, errbuf, sizeof errbuf) != 0) {
        if (memchr(errbuf, '\0', sizeof errbuf) == NULL)
            __builtin_trap();
        return 0;
    }
    if (cron_next(&e, start, &next) == 0) {
        if (next <= start || next % 60 != 0 || !cron_matches(&e, next))
            __builtin_trap();
    }
    (void)cron_matches(&e, start);
    return 0;
}
