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
    enum { OPT_TYPE, OPT_CODE, OPT_OVERRIDES, OPT_COURIER_FILE };
    static const otc_option options[] = {
        [OPT_TYPE] = {"--type", "TYPE", "Delhivery's StatusType"},
        [OPT_CODE] = {"--code", "CODE", "Delhivery's NDR StatusCode"},
        [OPT_OVERRIDES] = {"--overrides", "FILE", "an override file"},
        [OPT_COURIER_FILE] = {"--courier-file", "FILE", "a courier definition"},
    };
    const char *values[4] = {NULL, NULL, NULL, NULL}, *args[2];
    ot_courier_registry *reg = NULL;
    const char *type, *code, *overrides;
    ot_courier_tables *tables = NULL;
    ot_courier_mapping m;
    int provider;
    ot_error err;
    int n, rc, parcel;

    if ((rc = cli_args("map", options, 4, argc, argv, values, args, 2, &n)) != 0)
        return rc;
    type = values[OPT_TYPE];
    code = values[OPT_CODE];
    overrides = values[OPT_OVERRIDES];
    if (n != 2)
        return cli_usage("map takes a provider and one raw status");
    if ((rc = cli_registry(&reg, values[OPT_COURIER_FILE])) != 0)
        return rc;
    provider = ot_courier_registry_lookup(reg, args[0], NULL);
    if (provider <= 0) {
        fprintf(stderr, "ordertrack map: unknown provider '%s': delhivery, delhivery_b2b, "
                        "shiprocket, velocity, uber, doordash or the courier of "
                        "--courier-file\n", args[0]);
        ot_courier_registry_free(reg);
        return CLI_EXIT_USAGE;
    }
    /* a run-time courier is a parcel courier (ot_provider_is_parcel: OT_EINVAL) */
    parcel = ot_provider_is_parcel(provider, NULL) != 0;

    ot_error_clear(&err);
    if (overrides) {
        if (ot_courier_tables_new(&tables, &err) != 0
            || ot_courier_tables_load_overrides(tables, overrides, &err) != 0) {
            fprintf(stderr, "ordertrack: %s\n", err.message);
            ot_courier_tables_free(tables);
            ot_courier_registry_free(reg);
            return CLI_EXIT_DATAERR;
        }
    }
    rc = ot_courier_registry_map(&m, reg, tables, provider, args[1], type, code, &err);
    ot_courier_tables_free(tables);
    ot_courier_registry_free(reg);
    if (rc == OT_EUNKNOWN_STATUS) {
        puts("unknown");
        fprintf(stderr, "ordertrack: %s\n", err.message);
        return MAP_UNKNOWN;
    }
    if (rc != 0) {
        fprintf(stderr, "ordertrack map: %s\n", err.message);
        return CLI_EXIT_USAGE;
    }
    print_mapping(parcel, &m);
    return CLI_EXIT_OK;
}
