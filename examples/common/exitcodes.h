/* The exit statuses of the three host programs (ordertrackd, ordertrack-poller, ordertrack):
 * one table, documented in docs/operations.md ("Exit statuses") and in each man page. 1..4
 * are outcomes a program defines for itself within the meaning given here; 64 and above are
 * sysexits(3) values and mean the same everywhere. */
#ifndef OT_EXAMPLES_EXITCODES_H
#define OT_EXAMPLES_EXITCODES_H

enum {
    OTC_EXIT_OK = 0,      /* done; a daemon stopped by SIGTERM/SIGINT; `check`: legal */
    OTC_EXIT_FAILURE = 1, /* a runtime failure (storage cannot be opened, address in use, a
                             poll run failed or partial); `check`: illegal */
    OTC_EXIT_CONFIG = 2,  /* the configuration is refused (unreadable or invalid file, a
                             refused flag value, a storage scheme not built); `check`: stale */
    OTC_EXIT_UNKNOWN = 3, /* `map`: no table knows the raw status */
    OTC_EXIT_FINDINGS = 4, /* `verify`, `reconcile`, `restore`: the job ran to its end and
                              reported findings (a record failing its checks) */
    OTC_EXIT_USAGE = 64,  /* EX_USAGE: the command line is wrong (unknown option, missing
                             value, unexpected argument) */
    OTC_EXIT_DATAERR = 65 /* EX_DATAERR: an input file named on the command line is refused */
};

#endif
