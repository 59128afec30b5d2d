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

/* Every wire name of one vocabulary, comma-separated, into buf. */
static const char *names_of(char *buf, size_t size, int shipment)
{
    const char *name;
    size_t used = 0;
    int n = shipment ? OT_SHIPMENT_COUNT : OT_STATUS_COUNT;

    buf[0] = '\0';
    for (int s = 1; s < n; s++) {
        int rc = shipment ? ot_shipment_to_string(&name, s, NULL)
                          : ot_status_to_string(&name, s, NULL);
        if (rc == 0 && used < size)
            used += (size_t)snprintf(buf + used, size - used, "%s%s", used ? ", " : "", name);
    }
    return buf;
}

/* Neither vocabulary takes both names: name the one that is no status at all, or say that
 * they belong to different vocabularies; CLI_EXIT_USAGE. */
static int refuse_names(const char *from, const char *to)
{
    char lifecycle[512], shipment[512];
    const char *names[2] = {from, to}, *bad = NULL;
    ot_status s;
    ot_shipment_status h;

    for (int i = 0; i < 2 && !bad; i++)
        if (ot_status_from_string(&s, names[i], NULL) != 0 &&
            ot_shipment_from_string(&h, names[i], NULL) != 0)
            bad = names[i];
    if (bad)
        fprintf(stderr, "ordertrack check: unknown status '%s'\n"
                        "  order statuses: %s\n  shipment statuses: %s\n",
                bad, names_of(lifecycle, sizeof lifecycle, 0),
                names_of(shipment, sizeof shipment, 1));
    else
        fprintf(stderr, "ordertrack check: '%s' and '%s' are statuses of different "
                        "vocabularies (order and shipment)\n", from, to);
    return CLI_EXIT_USAGE;
}

int cli_check(int argc, char **argv)
{
    static const otc_option options[] = {{"--source", "SOURCE", "api or courier"}};
    const char *values[1] = {NULL}, *names[2];
    ot_source source = OT_SOURCE_API;
    int n, rc;
    ot_error err;

    if ((rc = cli_args("check", options, 1, argc, argv, values, names, 2, &n)) != 0)
        return rc;
    if (n != 2)
        return cli_usage("check takes two statuses: FROM TO");
    if (values[0] && ot_source_from_string(&source, values[0], NULL) != 0) {
        fprintf(stderr, "ordertrack check: --source: '%s' is not api or courier\n", values[0]);
        return CLI_EXIT_USAGE;
    }

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
        return refuse_names(names[0], names[1]);
    }
}
