/* The ordertrack CLI: one function per command. */
#ifndef OT_CLI_H
#define OT_CLI_H

#include <stddef.h>

#include "cmdline.h"
#include "exitcodes.h"

/* Exit statuses shared by every command (the programs' table, exitcodes.h). */
enum {
    CLI_EXIT_OK = OTC_EXIT_OK,
    CLI_EXIT_FINDINGS = OTC_EXIT_FINDINGS, /* verify, restore: records failed their checks */
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

/* Open the storage `uri` names into *out: 0, or the exit status after a one-line error
 * naming `command` (2: a scheme this build lacks; 1: the adapter failed). */
struct ot_storage;
int cli_open_storage(struct ot_storage **out, const char *command, const char *uri,
                     int must_exist);

/* A count option's value (1..max) into *out when `text` is not NULL: 0, or CLI_EXIT_USAGE
 * after a one-line error naming `name`. */
int cli_count_arg(size_t *out, const char *command, const char *name, const char *text,
                  size_t max);

/* `ordertrack verify STORAGE_URI [--page N]`: every record's chain, projection and steps. */
int cli_verify(int argc, char **argv);

/* `ordertrack reconcile STORAGE_URI [--export FILE] [--now T] [--repair] [--metrics-file F]`. */
int cli_reconcile(int argc, char **argv);

/* `ordertrack archive STORAGE_URI --before DATE --to DIR [--batch N]`. */
int cli_archive(int argc, char **argv);

/* `ordertrack restore STORAGE_URI FILE`: put an archive chunk's orders back, verified. */
int cli_restore(int argc, char **argv);

/* `ordertrack backup SQLITE_URI FILE` and `ordertrack restore-backup FILE SQLITE_URI`. */
int cli_backup(int argc, char **argv);
int cli_restore_backup(int argc, char **argv);

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
