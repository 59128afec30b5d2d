/* `ordertrack check FROM TO [--source api|courier]`. */
#include <stdio.h>
#include <string.h>

#include <ordertrack/ordertrack.h>

#include "cli.h"

enum { CHECK_LEGAL = 0, CHECK_ILLEGAL = 1, CHECK_STALE = 2 };

/* Run the check in the vocabulary both names belong to (the lifecycle first). */
static int check_names(const char *from, const char *to, int source, ot_error *err)
{
    ot_status sf, st;
    ot_shipment_status hf, ht;

    if (ot_status_from_string(&sf, from, NULL) == 0 && ot_status_from_string(&st, to, NULL) == 0)
        return ot_status_transition_check(sf, st, source, err);
    if (ot_shipment_from_string(&hf, from, NULL) == 0
        && ot_shipment_from_string(&ht, to, NULL) == 0)
        return ot_shipment_transition_check(hf, ht, source, err);
    return OT_EINVAL;
}

int cli_check(int argc, char **argv)
{
    ot_source source = OT_SOURCE_API;
    const char *names[2];
    int n = 0, i, rc;
    ot_error err;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--source") == 0) {
            if (++i >= argc)
                return cli_usage("--source needs a value: api or courier");
            if (ot_source_from_string(&source, argv[i], NULL) != 0)
                return cli_usage("--source must be api or courier");
        } else if (strncmp(argv[i], "--source=", 9) == 0) {
            if (ot_source_from_string(&source, argv[i] + 9, NULL) != 0)
                return cli_usage("--source must be api or courier");
        } else if (n < 2) {
            names[n++] = argv[i];
        } else {
            return cli_usage("check takes exactly two statuses");
        }
    }
    if (n != 2)
        return cli_usage("check takes exactly two statuses");

    ot_error_clear(&err);
    rc = check_names(names[0], names[1], source, &err);
    switch (rc) {
    case 0:
        puts("legal");
        return CHECK_LEGAL;
    case OT_ESTALE:
        puts("stale");
        fprintf(stderr, "ordertrack: %s\n", err.message);
        return CHECK_STALE;
    case OT_ETRANSITION:
        puts("illegal");
        fprintf(stderr, "ordertrack: %s\n", err.message);
        return CHECK_ILLEGAL;
    default:
        fprintf(stderr, "ordertrack: \"%s\" and \"%s\" are not statuses of one vocabulary\n",
                names[0], names[1]);
        return cli_usage(NULL);
    }
}
