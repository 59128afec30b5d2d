/* ordertrack: command dispatch and usage. */
#include <stdio.h>
#include <string.h>

#include <ordertrack/ordertrack.h>

#include "cli.h"

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
};

static const struct command commands[] = {
    {"check", cli_check},
    {"map", cli_map},
    {"sla", cli_sla},
};

int cli_usage(const char *why)
{
    if (why)
        fprintf(stderr, "ordertrack: %s\n", why);
    fputs("usage: ordertrack check FROM TO [--source api|courier]\n"
          "       ordertrack map PROVIDER RAW_STATUS [--type TYPE] [--code CODE]\n"
          "                      [--overrides FILE]\n"
          "       ordertrack sla FILE [--now RFC3339]\n"
          "       ordertrack --version\n"
          "\n"
          "  check   is the step FROM -> TO legal? prints legal (exit 0), illegal (exit 1)\n"
          "          or stale (exit 2). FROM and TO are wire names of one vocabulary:\n"
          "          the order lifecycle (submitted ... delivered) or the shipment status\n"
          "          (pending, \"in transit\", ... rto_delivered). --source defaults to api.\n"
          "  map     the canonical status of a partner's raw status: prints its wire name\n"
          "          (\"none\" for a flag-only row) and a \"flags: ...\" line if any, exit 0;\n"
          "          prints unknown and exits 3 when no table knows it. PROVIDER is\n"
          "          delhivery, delhivery_b2b, shiprocket, velocity, uber or doordash.\n"
          "          --type is Delhivery's StatusType (UD, DL, RT, PP, PU, CN), --code its\n"
          "          NDR StatusCode (EOD-74); --overrides loads an override file (exit 65\n"
          "          if it is refused).\n"
          "  sla     the SLA report (JSON) of an order document as the API returns it,\n"
          "          at --now (default: the current time) under the default policy;\n"
          "          exit 65 naming the file and field when the file is refused.\n",
          stderr);
    return CLI_EXIT_USAGE;
}

int main(int argc, char **argv)
{
    size_t i;

    if (argc < 2)
        return cli_usage(NULL);
    if (strcmp(argv[1], "--version") == 0) {
        printf("ordertrack %s\n", ot_version_string());
        return CLI_EXIT_OK;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        cli_usage(NULL);
        return CLI_EXIT_OK;
    }
    for (i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "ordertrack: unknown command \"%s\"\n", argv[1]);
    return cli_usage(NULL);
}
