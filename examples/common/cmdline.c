/* Option tables of the host programs (cmdline.h). */
#include "cmdline.h"

#include <string.h>

int otc_option_next(const otc_option *options, size_t n, int argc, char **argv, int *i,
                    int *dashdash, const char **value, char *err, size_t errlen)
{
    const char *arg = argv[*i], *eq;
    size_t len, k;

    *value = NULL;
    if (!*dashdash && strcmp(arg, "--") == 0) {
        *dashdash = 1;
        return OTC_ARG_NONE;
    }
    if (*dashdash || arg[0] != '-' || arg[1] == '\0') {
        *value = arg;
        return OTC_ARG_POSITIONAL;
    }
    eq = strchr(arg, '=');
    len = eq ? (size_t)(eq - arg) : strlen(arg);
    for (k = 0; k < n; k++) {
        if (strlen(options[k].name) != len || strncmp(options[k].name, arg, len) != 0)
            continue;
        if (!options[k].value) {
            if (eq) {
                snprintf(err, errlen, "option '%s' takes no value", options[k].name);
                return OTC_ARG_ERROR;
            }
            return (int)k;
        }
        if (eq) {
            *value = eq + 1;
        } else if (*i + 1 < argc) {
            *value = argv[++*i];
        } else {
            snprintf(err, errlen, "option '%s' needs a value (%s)", options[k].name,
                     options[k].value);
            return OTC_ARG_ERROR;
        }
        return (int)k;
    }
    snprintf(err, errlen, "unknown option '%.*s'", (int)(len > 200 ? 200 : len), arg);
    return OTC_ARG_ERROR;
}

void otc_options_print(FILE *out, const otc_option *options, size_t n)
{
    size_t k, width = 18, w; /* at least: tables printed one after another align */

    for (k = 0; k < n; k++) {
        w = strlen(options[k].name) + (options[k].value ? 1 + strlen(options[k].value) : 0);
        if (w > width)
            width = w;
    }
    for (k = 0; k < n; k++) {
        w = strlen(options[k].name) + (options[k].value ? 1 + strlen(options[k].value) : 0);
        fprintf(out, "  %s%s%s%*s  %s\n", options[k].name, options[k].value ? " " : "",
                options[k].value ? options[k].value : "", (int)(width - w), "",
                options[k].help);
    }
}
