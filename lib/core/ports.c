/* Defaults of the caller-filled port structs, for bindings that cannot use the macros, and
 * the version check every versioned struct goes through. */
#include <stddef.h>
#include <string.h>

#include "ordertrack/sys/clock.h"
#include "ordertrack/sys/notice.h"
#include "ordertrack/sys/storage.h"
#include "error_internal.h"
#include "storage/storage_internal.h"

int ot__check_struct(const void *p, unsigned version, unsigned known, const char *what,
                     ot_error *err)
{
    if (!p)
        return ot__error_field(err, OT_EINVAL, what, "%s is NULL", what);
    return ot__check_version(version, known, what, err);
}

size_t ot__storage_size(unsigned version)
{
    return version >= 3   ? sizeof(ot_storage)
           : version == 2 ? offsetof(ot_storage, outbox_query)
                          : offsetof(ot_storage, flags);
}

int ot_storage_init(ot_storage *storage, unsigned version, ot_error *err)
{
    static const ot_storage defaults = OT_STORAGE_INIT;
    int rc = ot__check_struct(storage, version, OT_STORAGE_VERSION, "storage", err);
    if (rc)
        return rc;
    memcpy(storage, &defaults, ot__storage_size(version));
    storage->version = version;
    return 0;
}

int ot_storage_query_init(ot_storage_query *query, unsigned version, ot_error *err)
{
    static const ot_storage_query defaults = OT_STORAGE_QUERY_INIT;
    int rc = ot__check_struct(query, version, OT_STORAGE_QUERY_VERSION, "query", err);
    if (rc)
        return rc;
    *query = defaults;
    query->version = version;
    return 0;
}

int ot_clock_init(ot_clock *clock, unsigned version, ot_error *err)
{
    static const ot_clock defaults = OT_CLOCK_INIT;
    int rc = ot__check_struct(clock, version, OT_CLOCK_VERSION, "clock", err);
    if (rc)
        return rc;
    *clock = defaults;
    clock->version = version;
    return 0;
}

int ot_notice_sink_init(ot_notice_sink *sink, unsigned version, ot_error *err)
{
    static const ot_notice_sink defaults = OT_NOTICE_SINK_INIT;
    int rc = ot__check_struct(sink, version, OT_NOTICE_SINK_VERSION, "sink", err);
    if (rc)
        return rc;
    *sink = defaults;
    sink->version = version;
    return 0;
}

int ot__check_version(unsigned version, unsigned known, const char *what, ot_error *err)
{
    if (version == 0 || version > known)
        return ot__error_field(err, OT_EVERSION, "version",
                               "%s version %u not supported (this library knows 1..%u)", what,
                               version, known);
    return 0;
}
