/* The "courier_definitions" member of the host programs' configs. */
#include "courierdefs.h"

#include <stdio.h>
#include <string.h>

#include <ordertrack/status.h>

int courierdefs_load(json_t *member, const char *config_name, ot_courier_registry **out,
                     char *err, size_t errlen)
{
    ot_error e;
    json_t *entry;
    size_t i;
    const char *slash = config_name ? strrchr(config_name, '/') : NULL;
    int dir_len = slash ? (int)(slash - config_name) : 0;

    *out = NULL;
    if (ot_courier_registry_new(out, &e) != 0) {
        snprintf(err, errlen, "%s: courier_definitions: %s", config_name, e.message);
        return -1;
    }
    if (!member || json_is_null(member))
        return 0;
    if (!json_is_array(member) || json_array_size(member) > 64) {
        snprintf(err, errlen, "%s: courier_definitions: must be an array of at most 64 "
                 "{\"file\": PATH} objects", config_name);
        goto fail;
    }
    json_array_foreach(member, i, entry) {
        const char *file = json_string_value(json_object_get(entry, "file"));
        char path[4096];
        if (!json_is_object(entry) || json_object_size(entry) != 1 || !file || !*file) {
            snprintf(err, errlen, "%s: courier_definitions[%zu]: must be {\"file\": PATH} "
                     "(a non-empty string, no other member)", config_name, i);
            goto fail;
        }
        if (file[0] == '/' || !slash)
            snprintf(path, sizeof path, "%s", file);
        else
            snprintf(path, sizeof path, "%.*s/%s", dir_len, config_name, file);
        if (ot_courier_registry_load(*out, path, &e) < 0) {
            snprintf(err, errlen, "%s: courier_definitions[%zu].file: %s", config_name, i,
                     e.message);
            goto fail;
        }
    }
    return 0;
fail:
    ot_courier_registry_free(*out);
    *out = NULL;
    return -1;
}

const char *courierdefs_name(const ot_courier_registry *registry, int provider)
{
    const char *name = "?";
    if (ot_provider_to_string(&name, provider, NULL) != 0 &&
        (!registry || ot_courier_registry_name(&name, registry, provider, NULL) != 0))
        name = "?";
    return name;
}
