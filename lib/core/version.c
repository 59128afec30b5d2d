/* Run-time version of the library. */
#include "ordertrack/version.h"

#define OT__STR2(x) #x
#define OT__STR(x) OT__STR2(x)

unsigned ot_version(void)
{
    return OT_VERSION_HEX;
}

const char *ot_version_string(void)
{
    return OT__STR(OT_VERSION_MAJOR) "." OT__STR(OT_VERSION_MINOR) "." OT__STR(OT_VERSION_PATCH);
}
