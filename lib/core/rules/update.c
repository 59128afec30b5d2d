/* Defaults of a normalised tracking update. */
#include <string.h>

#include "ordertrack/update.h"
#include "common.h"

int ot_update_init(ot_update *update, unsigned version, ot_error *err)
{
    static const ot_update defaults = OT_UPDATE_INIT;
    if (!update)
        return ot__error_field(err, OT_EINVAL, "update", "update is NULL");
    if (version == 0 || version > OT_UPDATE_VERSION)
        return ot__error_field(err, OT_EVERSION, "version",
                               "update version %u not supported (this library knows 1..%d)",
                               version, OT_UPDATE_VERSION);
    *update = defaults;
    update->version = version;
    return 0;
}
