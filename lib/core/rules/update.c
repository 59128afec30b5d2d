/* Defaults of a normalised tracking update. */
#include <string.h>

#include "ordertrack/update.h"
#include "common.h"

int ot_update_init(ot_update *update, unsigned version, ot_error *err)
{
    static const ot_update tpl = OT_UPDATE_INIT;
    return ot__struct_init(update, version, &tpl, sizeof tpl, "update", "update", err);
}
