/* The ordertrack CLI: one function per command. */
#ifndef OT_CLI_H
#define OT_CLI_H

/* Exit statuses shared by every command. */
enum {
    CLI_EXIT_OK = 0,
    CLI_EXIT_USAGE = 64,  /* EX_USAGE */
    CLI_EXIT_DATAERR = 65 /* EX_DATAERR: an input file was refused */
};

/* Print the usage to stderr and return CLI_EXIT_USAGE. */
int cli_usage(const char *why);

/* `ordertrack check FROM TO [--source api|courier]`; argv[0] is "check". */
int cli_check(int argc, char **argv);

/* `ordertrack map PROVIDER RAW_STATUS [--type T] [--code C] [--overrides FILE]`. */
int cli_map(int argc, char **argv);

/* `ordertrack sla FILE [--now RFC3339]`: the SLA report of an order document. */
int cli_sla(int argc, char **argv);

#endif
