/* The "courier_definitions" member of the host programs' configs: couriers as data
 * (docs/couriers-as-data.md) loaded into a registry at start-up. */
#ifndef OT_EXAMPLES_COURIERDEFS_H
#define OT_EXAMPLES_COURIERDEFS_H

#include <stddef.h>

#include <jansson.h>
#include <ordertrack/courier_def.h>

/* Load `member` ([{"file": PATH}, ...], NULL or absent: none) into a new registry in *out
 * (the built-in couriers plus each file; free with ot_courier_registry_free). A relative
 * PATH is taken from the folder of `config_name` (the config file). 0, or -1 with
 * "CONFIG: courier_definitions[I].file: FILE: FIELD: problem" in err. */
int courierdefs_load(json_t *member, const char *config_name, ot_courier_registry **out,
                     char *err, size_t errlen);

/* The wire name of `provider` (built-in or in `registry`, which may be NULL), or "?". */
const char *courierdefs_name(const ot_courier_registry *registry, int provider);

#endif
