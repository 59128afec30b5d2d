/* Storage health: a watch over the storage port that remembers how the last write ended,
 * and the /healthz probe that combines it with a point read. */
#include "storage_probe.h"

#include <stdatomic.h>
#include <stdlib.h>

#include <ordertrack/ordertrack.h>
#include <ordertrack/sys/storage.h>

struct otd_storage_watch {
    ot_storage port;    /* handed to the tracker; userdata is this watch */
    ot_storage *inner;  /* the adapter's vtable, owned */
    atomic_int last_failure; /* 0, or the OT_E code of the last failed write (or corrupt read) */
};

/* Storage failures: the backend could not do the write. Refusals (a conflict, a missing
 * order, an existing key, bad input) prove the backend answered and leave the state as is. */
static int is_failure(int rc)
{
    return rc == OT_ESTORAGE || rc == OT_EINTEGRITY || rc == OT_EIO || rc == OT_ETIMEOUT ||
           rc == OT_EUNAVAILABLE;
}

static int after_write(struct otd_storage_watch *w, int rc)
{
    if (rc == 0)
        atomic_store(&w->last_failure, 0);
    else if (is_failure(rc))
        atomic_store(&w->last_failure, rc);
    return rc;
}

/* A read that finds the file corrupt says the next write fails too. */
static int after_read(struct otd_storage_watch *w, int rc)
{
    if (rc == OT_EINTEGRITY)
        atomic_store(&w->last_failure, rc);
    return rc;
}

static int w_create(void *ud, const ot_storage_record *record, const ot_idempotency_record *idem,
                    ot_error *err)
{
    struct otd_storage_watch *w = ud;
    return after_write(w, w->inner->create(w->inner->userdata, record, idem, err));
}

static int w_load(void *ud, const char *order_id, ot_order **out, ot_error *err)
{
    struct otd_storage_watch *w = ud;
    return after_read(w, w->inner->load(w->inner->userdata, order_id, out, err));
}

static int w_load_head(void *ud, const char *order_id, ot_order **out, ot_error *err)
{
    struct otd_storage_watch *w = ud;
    return after_read(w, w->inner->load_head(w->inner->userdata, order_id, out, err));
}

static int w_commit(void *ud, int64_t expected_version, const ot_storage_record *record,
                    const ot_idempotency_record *idem, ot_error *err)
{
    struct otd_storage_watch *w = ud;
    return after_write(w, w->inner->commit(w->inner->userdata, expected_version, record, idem,
                                           err));
}

static int w_query(void *ud, const ot_storage_query *q, ot_storage_emit emit, void *ctx,
                   char *next_cursor, size_t cursor_size, ot_error *err)
{
    struct otd_storage_watch *w = ud;
    return after_read(w, w->inner->query(w->inner->userdata, q, emit, ctx, next_cursor,
                                         cursor_size, err));
}

static int w_idem_get(void *ud, const char *key, int64_t now_ms, ot_idempotency_found found,
                      void *ctx, ot_error *err)
{
    struct otd_storage_watch *w = ud;
    return after_read(w, w->inner->idem_get(w->inner->userdata, key, now_ms, found, ctx, err));
}

static int w_idem_put(void *ud, const ot_idempotency_record *record, ot_error *err)
{
    struct otd_storage_watch *w = ud;
    return after_write(w, w->inner->idem_put(w->inner->userdata, record, err));
}

static void w_adopt(void *ud, ot_order *order)
{
    struct otd_storage_watch *w = ud;
    w->inner->adopt(w->inner->userdata, order);
}

static int w_outbox_query(void *ud, const ot_outbox_query *q, ot_event_emit emit, void *ctx,
                          int64_t *next_after, ot_error *err)
{
    struct otd_storage_watch *w = ud;
    return after_read(w, w->inner->outbox_query(w->inner->userdata, q, emit, ctx, next_after,
                                                err));
}

static int w_outbox_mark(void *ud, const ot_outbox_mark *m, ot_error *err)
{
    struct otd_storage_watch *w = ud;
    return after_write(w, w->inner->outbox_mark(w->inner->userdata, m, err));
}

static int w_outbox_prune(void *ud, const char *const *sinks, size_t n, int64_t before_ms,
                          size_t *removed, ot_error *err)
{
    struct otd_storage_watch *w = ud;
    return after_write(w, w->inner->outbox_prune(w->inner->userdata, sinks, n, before_ms,
                                                 removed, err));
}

static int w_tombstone_get(void *ud, const char *order_id, char *out, size_t out_size,
                           ot_error *err)
{
    struct otd_storage_watch *w = ud;
    return after_read(w, w->inner->tombstone_get(w->inner->userdata, order_id, out, out_size,
                                                 err));
}

static void w_close(void *ud)
{
    struct otd_storage_watch *w = ud;
    ot_storage_close(w->inner);
    free(w);
}

ot_storage *otd_storage_watch_new(ot_storage *inner)
{
    struct otd_storage_watch *w;

    if (!inner || inner->version < 2 || !(w = calloc(1, sizeof *w)))
        return NULL;
    w->inner = inner;
    atomic_init(&w->last_failure, 0);
    w->port = *inner;
    w->port.userdata = w;
    w->port.create = w_create;
    w->port.load = w_load;
    w->port.commit = w_commit;
    w->port.query = w_query;
    w->port.idem_get = inner->idem_get ? w_idem_get : NULL;
    w->port.idem_put = inner->idem_put ? w_idem_put : NULL;
    w->port.adopt = inner->adopt ? w_adopt : NULL;
    w->port.close = w_close;
    if (inner->version >= 3) { /* the outbox members, forwarded when the adapter has them */
        w->port.outbox_query = inner->outbox_query ? w_outbox_query : NULL;
        w->port.outbox_mark = inner->outbox_mark ? w_outbox_mark : NULL;
        w->port.outbox_prune = inner->outbox_prune ? w_outbox_prune : NULL;
    }
    /* the daemon reads tombstones (410 for an archived order); it never archives */
    w->port.archive_remove = NULL;
    w->port.restore = NULL;
    w->port.tombstone_get = inner->version >= 4 && inner->tombstone_get ? w_tombstone_get
                                                                          : NULL;
    /* the history out of the record: the flag (copied) holds with load_head forwarded */
    w->port.load_head = inner->version >= 5 && inner->load_head ? w_load_head : NULL;
    if (inner->version < 5)
        w->port.flags &= ~OT_STORAGE_F_HISTORY_APART;
    return &w->port;
}

int otd_storage_probe(void *ctx)
{
    ot_storage *port = ctx;
    struct otd_storage_watch *w = port ? port->userdata : NULL;
    ot_order *order = NULL;
    int rc, failed;

    if (!w || port->close != w_close)
        return OTD_STORAGE_UNAVAILABLE;
    rc = w->inner->load(w->inner->userdata, "ordertrackd-healthz-probe", &order, NULL);
    ot_order_free(order);
    failed = atomic_load(&w->last_failure);
    if (rc == OT_EINTEGRITY || failed == OT_EINTEGRITY)
        return OTD_STORAGE_CORRUPT;
    if (rc != 0 && rc != OT_ENOTFOUND)
        return OTD_STORAGE_UNAVAILABLE;
    return failed ? OTD_STORAGE_WRITES_FAILING : OTD_STORAGE_OK;
}

const char *otd_storage_state_name(int state)
{
    static const char *const names[] = {
        [OTD_STORAGE_OK] = "ok",
        [OTD_STORAGE_UNAVAILABLE] = "unavailable",
        [OTD_STORAGE_WRITES_FAILING] = "writes_failing",
        [OTD_STORAGE_CORRUPT] = "corrupt",
    };
    return state >= 0 && state < (int)(sizeof names / sizeof names[0]) ? names[state]
                                                                        : "unavailable";
}
