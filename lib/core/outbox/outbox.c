/* The outbox seen from its consumers: event type names, queries (a tail, dead letters) and
 * the replay of dead letters. */
#include <string.h>

#include "ordertrack/sys/clock.h"
#include "common.h"
#include "outbox/outbox_internal.h"

static const char *const event_type_names[OT_EVENT_TYPE_MAX + 1] = {
    NULL,
    "order.status_changed",
    "order.shipment_status_changed",
    "order.location_updated",
    "order.issue_raised",
    "order.sla_breached",
    "order.eta_changed",
};

const struct ot__vocab ot__event_type_vocab = {"type", event_type_names, OT_EVENT_TYPE_MAX + 1};

int ot_event_type_to_string(const char **name, int type, ot_error *err)
{
    if (!name)
        return ot__error_field(err, OT_EINVAL, "name", "name is NULL");
    return ot__vocab_name(&ot__event_type_vocab, name, type, err);
}

int ot_event_type_from_string(int *type, const char *name, ot_error *err)
{
    int v = ot__vocab_parse(&ot__event_type_vocab, type, name, err);
    if (v < 0)
        return v;
    *type = v;
    return 0;
}

int ot__outbox_supported(const ot_storage *storage)
{
    return storage && storage->version >= 3 && storage->outbox_query && storage->outbox_mark;
}

int ot__outbox_require(const ot_storage *storage, ot_error *err)
{
    if (!storage)
        return ot__error_field(err, OT_EINVAL, "storage", "storage is NULL");
    if (!ot__outbox_supported(storage))
        return ot__error_field(err, OT_EUNSUPPORTED, "outbox",
                               "this storage keeps no outbox (storage version %u; the outbox "
                               "needs version 3 with outbox_query and outbox_mark)",
                               storage->version);
    return 0;
}

int ot__sink_name_check(const char *name, const char *field, ot_error *err)
{
    size_t n;
    if (!name || !*name)
        return ot__error_field(err, OT_EINVAL, field, "%s is required", field);
    n = strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789._:-");
    if (name[n])
        return ot__error_field(err, OT_EINVAL, field,
                               "%s holds byte 0x%02x at %zu: allowed are a-z 0-9 . _ : -",
                               field, (unsigned char)name[n], n);
    if (n > OT_SINK_NAME_MAX)
        return ot__error_field(err, OT_EINVAL, field, "%s is %zu bytes long (at most %d)",
                               field, n, OT_SINK_NAME_MAX);
    return 0;
}

int ot_outbox_query_init(ot_outbox_query *query, unsigned version, ot_error *err)
{
    static const ot_outbox_query tpl = OT_OUTBOX_QUERY_INIT;
    return ot__struct_init(query, version, &tpl, sizeof tpl, "query", "query", err);
}

static int query_check(const ot_outbox_query *q, ot_event_emit emit, ot_error *err)
{
    int rc = ot__check_struct(q, q ? q->version : 0, OT_OUTBOX_QUERY_VERSION, "query", err);
    if (rc)
        return rc;
    if (!emit)
        return ot__error_field(err, OT_EINVAL, "emit", "emit is NULL");
    if (q->after < 0)
        return ot__error_field(err, OT_EINVAL, "after", "after %lld is negative",
                               (long long)q->after);
    if (q->limit < 1 || q->limit > OT_OUTBOX_QUERY_MAX)
        return ot__error_field(err, OT_EINVAL, "limit", "limit %zu is not in 1..%d", q->limit,
                               OT_OUTBOX_QUERY_MAX);
    if (q->state < OT_OUTBOX_ANY || q->state > OT_OUTBOX_DEAD)
        return ot__error_field(err, OT_EINVAL, "state", "unknown outbox state %d", q->state);
    if (q->state != OT_OUTBOX_ANY && !q->sink)
        return ot__error_field(err, OT_EINVAL, "sink", "a state filter needs a sink name");
    if (q->sink && (rc = ot__sink_name_check(q->sink, "sink", err)))
        return rc;
    return 0;
}

int ot_outbox_query_run(int64_t *next_after, const ot_storage *storage,
                        const ot_outbox_query *query, ot_event_emit emit, void *ctx,
                        ot_error *err)
{
    int64_t next;
    int rc;
    if ((rc = ot__outbox_require(storage, err)) || (rc = query_check(query, emit, err)))
        return rc;
    next = query->after;
    rc = storage->outbox_query(storage->userdata, query, emit, ctx, &next, err);
    if (!rc && next_after)
        *next_after = next;
    return rc;
}

struct replay_page {
    int64_t positions[OT_OUTBOX_QUERY_MAX];
    size_t n;
};

static int collect(void *ctx, const ot_event *event, ot_error *err)
{
    struct replay_page *p = ctx;
    (void)err;
    p->positions[p->n++] = event->position;
    return 0;
}

static int replay_one(const ot_storage *storage, const char *sink, int64_t position,
                      ot_error *err)
{
    ot_outbox_mark m = OT_OUTBOX_MARK_INIT;
    m.sink = sink;
    m.position = position;
    m.state = OT_OUTBOX_PENDING;
    m.require_state = OT_OUTBOX_DEAD;
    return storage->outbox_mark(storage->userdata, &m, err);
}

int ot_outbox_replay(size_t *replayed, const ot_storage *storage, const char *sink,
                     int64_t position, ot_error *err)
{
    ot_outbox_query q = OT_OUTBOX_QUERY_INIT;
    struct replay_page *page;
    size_t count = 0, i;
    int64_t next;
    int rc;

    if (replayed)
        *replayed = 0;
    if ((rc = ot__outbox_require(storage, err)) || (rc = ot__sink_name_check(sink, "sink", err)))
        return rc;
    if (position < 0)
        return ot__error_field(err, OT_EINVAL, "position", "position %lld is negative",
                               (long long)position);
    if (position > 0) {
        rc = replay_one(storage, sink, position, err);
        if (rc == OT_ENOTFOUND)
            return ot__error_field(err, rc, "position",
                                   "event %lld is not a dead letter of sink %s",
                                   (long long)position, sink);
        if (!rc && replayed)
            *replayed = 1;
        return rc;
    }
    page = ot__malloc(sizeof *page);
    if (!page)
        return ot__error_set(err, OT_ENOMEM, "out of memory replaying dead letters");
    q.sink = sink;
    q.state = OT_OUTBOX_DEAD;
    q.limit = OT_OUTBOX_QUERY_MAX;
    do {
        page->n = 0;
        rc = storage->outbox_query(storage->userdata, &q, collect, page, &next, err);
        for (i = 0; !rc && i < page->n; i++) {
            rc = replay_one(storage, sink, page->positions[i], err);
            if (rc == OT_ENOTFOUND) /* replayed meanwhile by someone else */
                rc = 0;
            else if (!rc)
                count++;
        }
        q.after = next;
    } while (!rc && page->n == q.limit);
    ot__free(page);
    if (replayed)
        *replayed = count;
    return rc;
}

int ot_relay_options_init(ot_relay_options *options, unsigned version, ot_error *err)
{
    static const ot_relay_options tpl = OT_RELAY_OPTIONS_INIT;
    return ot__struct_init(options, version, &tpl, sizeof tpl, "options", "options", err);
}

int ot_relay_stats_init(ot_relay_stats *stats, unsigned version, ot_error *err)
{
    static const ot_relay_stats tpl = OT_RELAY_STATS_INIT;
    return ot__struct_init(stats, version, &tpl, sizeof tpl, "stats", "stats", err);
}

int ot_sink_init(ot_sink *sink, unsigned version, ot_error *err)
{
    static const ot_sink tpl = OT_SINK_INIT;
    return ot__struct_init(sink, version, &tpl, sizeof tpl, "sink", "sink", err);
}

int ot_sink_check(const ot_sink *sink, ot_error *err)
{
    int rc = ot__check_struct(sink, sink ? sink->version : 0, OT_SINK_VERSION, "sink", err);
    if (rc)
        return rc;
    if ((rc = ot__sink_name_check(sink->name, "name", err)))
        return rc;
    if (!sink->deliver)
        return ot__error_field(err, OT_EINVAL, "deliver", "sink %s has no deliver member",
                               sink->name);
    return 0;
}

void ot_sink_close(ot_sink *sink)
{
    if (sink && sink->close)
        sink->close(sink->userdata);
}
