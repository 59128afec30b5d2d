/* Command-line options of the host programs as data: one table per program drives both the
 * parsing and the option list of --help, so an option cannot be accepted and undocumented.
 * Stateless and thread-safe. */
#ifndef OT_EXAMPLES_CMDLINE_H
#define OT_EXAMPLES_CMDLINE_H

#include <stddef.h>
#include <stdio.h>

/* One option: `name` ("--config"); `value` ("FILE") when it takes one, else NULL; `help`,
 * one line for --help. */
typedef struct otc_option {
    const char *name;
    const char *value;
    const char *help;
} otc_option;

/* What otc_option_next found besides an option of the table. */
enum {
    OTC_ARG_ERROR = -1,     /* err holds "unknown option '--x'" or the like */
    OTC_ARG_POSITIONAL = -2, /* argv[*i] is not an option: *value is argv[*i] */
    OTC_ARG_NONE = -3        /* argv[*i] is the "--" that ends the options */
};

/* Parse argv[*i] against the n `options`: "--name VALUE", "--name=VALUE" or a flag "--name"
 * (a lone "--" ends the options: everything after it is positional). Returns the option's
 * index with its value in *value (NULL for a flag), advancing *i past a separate value;
 * OTC_ARG_POSITIONAL; OTC_ARG_NONE; or OTC_ARG_ERROR with a message naming the argument in
 * err (an unknown option, a missing value, a value given to a flag). `*dashdash` is the
 * caller's state, 0 at first. */
int otc_option_next(const otc_option *options, size_t n, int argc, char **argv, int *i,
                    int *dashdash, const char **value, char *err, size_t errlen);

/* Write the table as "  --name VALUE  help" lines, aligned (help from column 22 at
 * least), to out. */
void otc_options_print(FILE *out, const otc_option *options, size_t n);

#endif
