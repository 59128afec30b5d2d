/* Helpers shared by the ordertrackd unit tests. */
#ifndef OTD_TEST_H
#define OTD_TEST_H

#include <stddef.h>
#include <strings.h>

/* An otd_lookup_fn over "Name", "value" pairs ending with NULL (ctx); names match in any
 * case, as HTTP header names do. */
static inline const char *otd_test_lookup(void *ctx, const char *name)
{
    const char *const *pairs = ctx;

    for (; pairs && pairs[0]; pairs += 2)
        if (strcasecmp(pairs[0], name) == 0)
            return pairs[1];
    return NULL;
}

#endif
