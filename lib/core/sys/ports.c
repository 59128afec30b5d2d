/* Defaults of the caller-filled port structs, for bindings that cannot use the macros. */
#include "common.h"
#include "base/clock_internal.h"
#include "ordertrack/sys/clock.h"
#include "ordertrack/sys/notice.h"
#include "ordertrack/sys/storage.h"
#include "storage/storage_internal.h"
#include "sys/sys_internal.h"

size_t ot__storage_size(unsigned version)
{
    return version >= 5   ? sizeof(ot_storage)
           : version == 4 ? offsetof(ot_storage, load_head)
           : version == 3 ? offsetof(ot_storage, archive_remove)
           : version == 2 ? offsetof(ot_storage, outbox_query)
                          : offsetof(ot_storage, flags);
}

int ot_storage_init(ot_storage *storage, unsigned version, ot_error *err)
{
    static const ot_storage tpl = OT_STORAGE_INIT;
    return ot__struct_init(storage, version, &tpl, ot__storage_size(version), "storage", "storage",
                           err);
}

int ot_storage_query_init(ot_storage_query *query, unsigned version, ot_error *err)
{
    static const ot_storage_query tpl = OT_STORAGE_QUERY_INIT;
    return ot__struct_init(query, version, &tpl, sizeof tpl, "query", "query", err);
}

int ot_clock_init(ot_clock *clock, unsigned version, ot_error *err)
{
    static const ot_clock tpl = OT_CLOCK_INIT;
    /* a version 1 struct is shorter */
    return ot__struct_init(clock, version, &tpl, ot__clock_size(version), "clock", "clock", err);
}

int ot__clock_check(const ot_clock *clock, ot_error *err)
{
    int rc;
    if (!clock)
        return 0;
    if ((rc = ot__check_version(clock->version, OT_CLOCK_VERSION, "clock", err)))
        return rc;
    if (!clock->now_ms)
        return ot__error_field(err, OT_EINVAL, "clock", "clock has no now_ms");
    return 0;
}

int ot__notice_sink_check(const ot_notice_sink *sink, ot_error *err)
{
    int rc;
    if (!sink)
        return 0;
    if ((rc = ot__check_version(sink->version, OT_NOTICE_SINK_VERSION, "notice sink", err)))
        return rc;
    if (!sink->notify)
        return ot__error_field(err, OT_EINVAL, "notices", "notice sink has no notify");
    return 0;
}

int ot_notice_sink_init(ot_notice_sink *sink, unsigned version, ot_error *err)
{
    static const ot_notice_sink tpl = OT_NOTICE_SINK_INIT;
    return ot__struct_init(sink, version, &tpl, sizeof tpl, "sink", "sink", err);
}
