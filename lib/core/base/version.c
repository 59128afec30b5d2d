/* Run-time version of the library, and the version check of caller-filled structs. */
#include <string.h>

#include "ordertrack/version.h"
#include "base/error_internal.h"

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

int ot__check_version(unsigned version, unsigned known, const char *what, ot_error *err)
{
    if (version == 0 || version > known)
        return ot__error_field(err, OT_EVERSION, "version",
                               "%s version %u not supported (this library knows 1..%u)", what,
                               version, known);
    return 0;
}

int ot__check_struct(const void *p, unsigned version, unsigned known, const char *what,
                     ot_error *err)
{
    if (!p)
        return ot__error_field(err, OT_EINVAL, what, "%s is NULL", what);
    return ot__check_version(version, known, what, err);
}

int ot__struct_init(void *p, unsigned version, const void *tpl, size_t size, const char *field,
                    const char *what, ot_error *err)
{
    unsigned known;
    int rc;

    if (!p)
        return ot__error_field(err, OT_EINVAL, field, "%s is NULL", what);
    memcpy(&known, tpl, sizeof known);
    if ((rc = ot__check_version(version, known, what, err)) != 0)
        return rc;
    memcpy(p, tpl, size);
    memcpy(p, &version, sizeof version);
    return 0;
}
