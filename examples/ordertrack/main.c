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
    {"verify", cli_verify},
    {"reconcile", cli_reconcile},
    {"archive", cli_archive},
    {"restore", cli_restore},
#ifdef OT_HAVE_SQLITE
    {"backup", cli_backup},
    {"restore-backup", cli_restore_backup},
#endif
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
          "       ordertrack verify STORAGE_URI [--page N]\n"
          "       ordertrack reconcile STORAGE_URI [--export FILE] [--couriers FILE]\n"
          "                            [--now RFC3339] [--repair] [--metrics-file FILE]\n"
          "                            [--page N]\n"
          "       ordertrack archive STORAGE_URI --before DATE --to DIR [--batch N]\n"
          "                          [--level N]\n"
          "       ordertrack restore STORAGE_URI FILE\n"
          "       ordertrack backup sqlite:PATH FILE [--step PAGES]\n"
          "       ordertrack restore-backup FILE sqlite:PATH [--step PAGES]\n"
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
          "  verify  checks every order of a store (hash chain, projection, status steps\n"
          "          against the graphs), page by page; prints each finding and a summary;\n"
          "          exit 4 on any finding. --page: orders per query (1..1000, 500).\n"
          "  reconcile  data inconsistencies: orders stuck past their SLA budgets,\n"
          "          lifecycle and shipment disagreeing, orders missing from this store or\n"
          "          from --export (JSON Lines: order_id, store_id, status) or with another\n"
          "          status there, courier orders whose courier (--couriers: the poller's\n"
          "          couriers block) now reports another state; each a finding line and\n"
          "          an ALERT data_inconsistency line on stderr; --metrics-file writes the\n"
          "          counts (Prometheus text); --repair applies a terminal shipment's\n"
          "          lifecycle and a courier's newer state; exit 4 if any finding is left.\n"
          "  archive moves terminal orders (delivered, cancelled, failed) last updated\n"
          "          before --before DATE (2026-01-31 or RFC 3339) into zstd JSON Lines\n"
          "          chunks under --to DIR with a MANIFEST of checksums, leaving a\n"
          "          tombstone per order; resumable after a crash. --batch: orders per\n"
          "          chunk (1..1000, 1000); --level: zstd level (1..19, 3).\n"
          "  restore puts a chunk's orders back, each verified first (exit 4 if any is\n"
          "          refused); orders already present are left alone.\n"
          "  backup  an online, consistent copy of a SQLite store (SQLite's backup API)\n"
          "          while programs keep writing; --step PAGES copies PAGES per step\n"
          "          (default: one step). restore-backup copies a backup to a new\n"
          "          store path (it must not exist).\n"
          "  events  the outbound events of a store's outbox (memory:, sqlite:PATH,\n"
          "          mongodb://...): tail prints them as JSON lines from --after (with\n"
          "          --follow, new ones as they commit); dead-letters lists a sink's parked\n"
          "          events; replay puts one (--position) or all (--all) back in the\n"
          "          sink's queue. Its options:\n",
          stdout);
    otc_options_print(stdout, cli_events_options, cli_events_n_options);
    fputs("\n"
          "  -h, --help  print this help and exit\n"
          "  --version   print the version and exit\n"
          "\n"
          "Exit status: 0 yes/done, 1 illegal (check) or a runtime failure, 2 stale (check) or\n"
          "a storage scheme not built, 3 unknown (map), 4 findings (verify, reconcile, restore),\n"
          "64 usage error, 65 input file refused. See ordertrack(1).\n",
          stdout);
}

int main(int argc, char **argv)
{
    size_t i;

    if (argc < 2)
        return cli_usage("a command is required (try --help)");
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
    fprintf(stderr, "ordertrack: unknown command '%s' (try --help)\n",
            argv[1]);
    return CLI_EXIT_USAGE;
}
