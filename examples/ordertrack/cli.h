/* The ordertrack CLI: one function per command. */
#ifndef OT_CLI_H
#define OT_CLI_H

#include <stddef.h>

#include "cmdline.h"
#include "exitcodes.h"

/* Exit statuses shared by every command (the programs' table, exitcodes.h). */
enum {
    CLI_EXIT_OK = OTC_EXIT_OK,
    CLI_EXIT_USAGE = OTC_EXIT_USAGE,
    CLI_EXIT_DATAERR = OTC_EXIT_DATAERR /* an input file was refused */
};

/* Print "ordertrack: WHY (try --help)" (one line) to stderr and return CLI_EXIT_USAGE. */
int cli_usage(const char *why);

/* A command's arguments: its n `options` (values[k] set for the ones given, "" for a flag,
 * else left alone) and at most max_pos positional arguments into pos[] (*n_pos of them). 0, or
 * CLI_EXIT_USAGE after a one-line error naming the argument and `command`. */
int cli_args(const char *command, const otc_option *options, size_t n, int argc, char **argv,
             const char **values, const char **pos, int max_pos, int *n_pos);

/* `ordertrack check FROM TO [--source api|courier]`; argv[0] is "check". */
int cli_check(int argc, char **argv);

/* `ordertrack map PROVIDER RAW_STATUS [--type T] [--code C] [--overrides FILE]
 * [--courier-file FILE]`. */
int cli_map(int argc, char **argv);

/* `ordertrack detect TRACKING_NUMBER [--courier-file FILE]`: the candidate couriers. */
int cli_detect(int argc, char **argv);

/* The built-in couriers plus the definition `file` (NULL: none) in *out. 0, or
 * CLI_EXIT_DATAERR after printing why the file was refused. */
struct ot_courier_registry;
int cli_registry(struct ot_courier_registry **out, const char *file);

/* `ordertrack sla FILE [--now RFC3339]`: the SLA report of an order document. */
int cli_sla(int argc, char **argv);

/* `ordertrack events tail|replay|dead-letters STORAGE_URI [options]`: the outbox. */
int cli_events(int argc, char **argv);
/* Its options, as data (--help prints them). */
extern const otc_option cli_events_options[];
extern const size_t cli_events_n_options;

#endif
