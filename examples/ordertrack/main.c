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
    {"detect", cli_detect},
    {"map", cli_map},
    {"sla", cli_sla},
    {"events", cli_events},
};

int cli_usage(const char *why)
{
    fprintf(stderr, "ordertrack: %s (try --help)\n", why);
    return CLI_EXIT_USAGE;
}

int cli_args(const char *command, const otc_option *options, size_t n, int argc, char **argv,
             const char **values, const char **pos, int max_pos, int *n_pos)
{
    char why[256];
    const char *value;
    int dashdash = 0, k;

    *n_pos = 0;
    for (int i = 1; i < argc; i++) {
        k = otc_option_next(options, n, argc, argv, &i, &dashdash, &value, why, sizeof why);
        if (k == OTC_ARG_NONE)
            continue;
        if (k == OTC_ARG_POSITIONAL && *n_pos < max_pos) {
            pos[(*n_pos)++] = value;
            continue;
        }
        if (k == OTC_ARG_POSITIONAL)
            snprintf(why, sizeof why, "unexpected argument '%.200s'", value);
        if (k < 0) {
            fprintf(stderr, "ordertrack %s: %s (try --help)\n", command, why);
            return CLI_EXIT_USAGE;
        }
        values[k] = value ? value : ""; /* a flag: set, without a value */
    }
    return 0;
}

static void help(void)
{
    fputs("usage: ordertrack check FROM TO [--source api|courier]\n"
          "       ordertrack map PROVIDER RAW_STATUS [--type TYPE] [--code CODE]\n"
          "                      [--overrides FILE] [--courier-file FILE]\n"
          "       ordertrack detect TRACKING_NUMBER [--courier-file FILE]\n"
          "       ordertrack sla FILE [--now RFC3339]\n"
          "       ordertrack events tail|replay|dead-letters STORAGE_URI [options]\n"
          "       ordertrack --help | --version\n"
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
          "          if it is refused); --courier-file a courier definition, whose courier\n"
          "          PROVIDER may then be (docs/couriers-as-data.md).\n"
          "  detect  the couriers a tracking number may belong to, best first, one\n"
          "          \"NAME CONFIDENCE\" line each (exit 0); unknown and exit 3 when none;\n"
          "          --courier-file adds a courier definition's patterns.\n"
          "  sla     the SLA report (JSON) of an order document as the API returns it,\n"
          "          at --now (default: the current time) under the default policy;\n"
          "          exit 65 naming the file and field when the file is refused.\n"
          "  events  the outbound events of a store's outbox (memory:, sqlite:PATH,\n"
          "          mongodb://...): tail prints them as JSON lines from --after (with\n"
          "          --follow, new ones as they commit); dead-letters lists a sink's parked\n"
          "          events; replay puts one (--position) or all (--all) back in the\n"
          "          sink's queue. Options:\n",
          stdout);
    otc_options_print(stdout, cli_events_options, cli_events_n_options);
    fputs("\n"
          "  -h, --help  print this help and exit\n"
          "  --version   print the version and exit\n"
          "\n"
          "Exit status: 0 yes/done, 1 illegal (events: a storage failure), 2 stale,\n"
          "3 unknown (map), 64 usage error, 65 input file or value refused. See\n"
          "ordertrack(1).\n",
          stdout);
}

int main(int argc, char **argv)
{
    size_t i;

    if (argc < 2)
        return cli_usage("a command is required: check, detect, map, sla or events");
    if (strcmp(argv[1], "--version") == 0) {
        printf("ordertrack %s\n", ot_version_string());
        return CLI_EXIT_OK;
    }
    for (int k = 1; k < argc && strcmp(argv[k], "--") != 0; k++)
        if (strcmp(argv[k], "--help") == 0 || strcmp(argv[k], "-h") == 0) {
            help(); /* also `ordertrack check --help` */
            return CLI_EXIT_OK;
        }
    for (i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "ordertrack: unknown command '%s': check, detect, map, sla or events (try --help)\n",
            argv[1]);
    return CLI_EXIT_USAGE;
}
