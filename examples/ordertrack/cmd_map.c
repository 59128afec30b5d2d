/* `ordertrack map PROVIDER RAW_STATUS [--type TYPE] [--code CODE] [--overrides FILE]`. */
#include <stdio.h>
#include <string.h>

#include <ordertrack/ordertrack.h>

#include "cli.h"

enum { MAP_UNKNOWN = 3 };

static const struct {
    unsigned flag;
    const char *name;
} flag_names[] = {
    {OT_UPDATE_PARTIAL, "partial"},
    {OT_UPDATE_DAMAGED, "damaged"},
    {OT_UPDATE_REVERSE_PICKUP, "reverse_pickup"},
    {OT_UPDATE_CUSTOMER_RETURN, "customer_return"},
    {OT_UPDATE_LEFT_AT_DOOR, "left_at_door"},
    {OT_UPDATE_RETURNED, "returned"},
};

/* "--name VALUE" or "--name=VALUE": 1 and *value set, 0 if argv[*i] is not this option,
 * -1 when the value is missing. */
static int option(int argc, char **argv, int *i, const char *name, const char **value)
{
    size_t n = strlen(name);

    if (strcmp(argv[*i], name) == 0) {
        if (*i + 1 >= argc)
            return -1;
        *value = argv[++*i];
        return 1;
    }
    if (strncmp(argv[*i], name, n) == 0 && argv[*i][n] == '=') {
        *value = argv[*i] + n + 1;
        return 1;
    }
    return 0;
}

/* Line 1: the canonical wire name ("none" for a flag-only row); line 2: the flags, if any. */
static void print_mapping(int parcel, const ot_courier_mapping *m)
{
    const char *name = "none";
    size_t i;
    int first = 1;

    if (parcel && m->shipment_status)
        (void)ot_shipment_to_string(&name, m->shipment_status, NULL);
    else if (!parcel && m->status)
        (void)ot_status_to_string(&name, m->status, NULL);
    puts(name);
    for (i = 0; i < sizeof flag_names / sizeof flag_names[0]; i++)
        if (m->flags & flag_names[i].flag) {
            printf("%s%s", first ? "flags: " : ",", flag_names[i].name);
            first = 0;
        }
    if (!first)
        putchar('\n');
}

int cli_map(int argc, char **argv)
{
    const char *type = NULL, *code = NULL, *overrides = NULL, *args[2];
    ot_courier_tables *tables = NULL;
    ot_courier_mapping m;
    ot_provider provider;
    ot_error err;
    int n = 0, i, rc, parcel;

    for (i = 1; i < argc; i++) {
        if ((rc = option(argc, argv, &i, "--type", &type)) != 0
            || (rc = option(argc, argv, &i, "--code", &code)) != 0
            || (rc = option(argc, argv, &i, "--overrides", &overrides)) != 0) {
            if (rc < 0)
                return cli_usage("--type, --code and --overrides need a value");
        } else if (strncmp(argv[i], "--", 2) == 0 && argv[i][2] != '\0') {
            return cli_usage("map: unknown option");
        } else if (n < 2) {
            args[n++] = argv[i];
        } else {
            return cli_usage("map takes a provider and one raw status");
        }
    }
    if (n != 2)
        return cli_usage("map takes a provider and one raw status");
    if (ot_provider_from_string(&provider, args[0], NULL) != 0
        || provider == OT_PROVIDER_INTERNAL)
        return cli_usage("map: PROVIDER is one of delhivery, delhivery_b2b, shiprocket, "
                         "velocity, uber, doordash");
    parcel = ot_provider_is_parcel(provider, NULL) == 1;

    ot_error_clear(&err);
    if (overrides) {
        if (ot_courier_tables_new(&tables, &err) != 0
            || ot_courier_tables_load_overrides(tables, overrides, &err) != 0) {
            fprintf(stderr, "ordertrack: %s\n", err.message);
            ot_courier_tables_free(tables);
            return CLI_EXIT_DATAERR;
        }
    }
    rc = ot_courier_map(&m, tables, provider, args[1], type, code, &err);
    ot_courier_tables_free(tables);
    if (rc == OT_EUNKNOWN_STATUS) {
        puts("unknown");
        fprintf(stderr, "ordertrack: %s\n", err.message);
        return MAP_UNKNOWN;
    }
    if (rc != 0) {
        fprintf(stderr, "ordertrack: %s\n", err.message);
        return cli_usage(NULL);
    }
    print_mapping(parcel, &m);
    return CLI_EXIT_OK;
}
