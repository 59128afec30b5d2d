/* `ordertrack detect TRACKING_NUMBER [--courier-file FILE]`. */
#include <stdio.h>

#include <ordertrack/ordertrack.h>

#include "cli.h"

enum { DETECT_NONE = 3, DETECT_MAX = 16 };

int cli_detect(int argc, char **argv)
{
    enum { OPT_FILE };
    static const otc_option options[] = {
        [OPT_FILE] = {"--courier-file", "FILE", "a courier definition to detect too"},
    };
    const char *values[1] = {NULL}, *args[1];
    ot_courier_candidate c[DETECT_MAX];
    ot_courier_registry *reg = NULL;
    ot_error err;
    size_t n = 0, i;
    int k, rc;

    if ((rc = cli_args("detect", options, 1, argc, argv, values, args, 1, &k)) != 0)
        return rc;
    if (k != 1)
        return cli_usage("detect takes one tracking number");
    ot_error_clear(&err);
    if ((rc = cli_registry(&reg, values[OPT_FILE])) != 0)
        return rc;
    for (i = 0; i < DETECT_MAX; i++)
        (void)ot_courier_candidate_init(&c[i], OT_COURIER_CANDIDATE_VERSION, NULL);
    if (ot_courier_detect(reg, args[0], c, DETECT_MAX, &n, &err) != 0) {
        fprintf(stderr, "ordertrack detect: %s\n", err.message);
        ot_courier_registry_free(reg);
        return CLI_EXIT_USAGE;
    }
    for (i = 0; i < n && i < DETECT_MAX; i++)
        printf("%s %d\n", c[i].name, c[i].confidence);
    if (n == 0)
        puts("unknown");
    ot_courier_registry_free(reg);
    return n ? CLI_EXIT_OK : DETECT_NONE;
}

int cli_registry(ot_courier_registry **out, const char *file)
{
    ot_error err;
    ot_error_clear(&err);
    if (ot_courier_registry_new(out, &err) != 0 ||
        (file && ot_courier_registry_load(*out, file, &err) < 0)) {
        fprintf(stderr, "ordertrack: %s\n", err.message);
        ot_courier_registry_free(*out);
        *out = NULL;
        return CLI_EXIT_DATAERR;
    }
    return 0;
}
