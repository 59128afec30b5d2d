/* The fault-injecting storage wrapper. Test support only; not thread-safe. */
#include <stdio.h>

#include "faulty_storage.h"

/* 1 when this call is the one to fail (and counts it). */
static int trip(faulty_storage *f)
{
    if (++f->calls != f->fail_at)
        return 0;
    f->faults++;
    return 1;
}

static int lost(faulty_storage *f, int rc, ot_error *err)
{
    char msg[96];
    (void)rc;
    snprintf(msg, sizeof msg, "injected: storage timed out, answer lost (call %lu)", f->calls);
    return ot_error_set(err, OT_ESTORAGE, NULL, msg);
}

static int refused(faulty_storage *f, ot_error *err)
{
    char msg[96];
    snprintf(msg, sizeof msg, "injected: storage failed (call %lu)", f->calls);
    return ot_error_set(err, OT_ESTORAGE, NULL, msg);
}

#define FAULT(f, call)                                                                    \
    do {                                                                                  \
        if (trip(f)) {                                                                    \
            if ((f)->mode == FAULTY_APPLIED_LOST)                                         \
                return lost(f, (call), err);                                              \
            return refused(f, err);                                                       \
        }                                                                                 \
        return (call);                                                                    \
    } while (0)

static int f_create(void *ud, const ot_storage_record *r, const ot_idempotency_record *i,
                    ot_error *err)
{
    faulty_storage *f = ud;
    FAULT(f, f->inner->create(f->inner->userdata, r, i, err));
}

static int f_load(void *ud, const char *id, ot_order **out, ot_error *err)
{
    faulty_storage *f = ud;
    if (trip(f)) {
        *out = NULL;
        return refused(f, err); /* a read has no effect to lose */
    }
    return f->inner->load(f->inner->userdata, id, out, err);
}

static int f_commit(void *ud, int64_t expected, const ot_storage_record *r,
                    const ot_idempotency_record *i, ot_error *err)
{
    faulty_storage *f = ud;
    FAULT(f, f->inner->commit(f->inner->userdata, expected, r, i, err));
}

static int f_query(void *ud, const ot_storage_query *q, ot_storage_emit emit, void *ctx,
                   char *next, size_t size, ot_error *err)
{
    faulty_storage *f = ud;
    if (trip(f))
        return refused(f, err);
    return f->inner->query(f->inner->userdata, q, emit, ctx, next, size, err);
}

static int f_idem_get(void *ud, const char *key, int64_t now, ot_idempotency_found found,
                      void *ctx, ot_error *err)
{
    faulty_storage *f = ud;
    if (trip(f))
        return refused(f, err);
    return f->inner->idem_get(f->inner->userdata, key, now, found, ctx, err);
}

static int f_idem_put(void *ud, const ot_idempotency_record *r, ot_error *err)
{
    faulty_storage *f = ud;
    FAULT(f, f->inner->idem_put(f->inner->userdata, r, err));
}

static int f_outbox_query(void *ud, const ot_outbox_query *q, ot_event_emit emit, void *ctx,
                          int64_t *next, ot_error *err)
{
    faulty_storage *f = ud;
    if (trip(f))
        return refused(f, err);
    return f->inner->outbox_query(f->inner->userdata, q, emit, ctx, next, err);
}

static int f_outbox_mark(void *ud, const ot_outbox_mark *m, ot_error *err)
{
    faulty_storage *f = ud;
    FAULT(f, f->inner->outbox_mark(f->inner->userdata, m, err));
}

static int f_outbox_prune(void *ud, const char *const *sinks, size_t n, int64_t before,
                          size_t *removed, ot_error *err)
{
    faulty_storage *f = ud;
    FAULT(f, f->inner->outbox_prune(f->inner->userdata, sinks, n, before, removed, err));
}

void faulty_storage_init(faulty_storage *f, const ot_storage *inner)
{
    ot_storage v = OT_STORAGE_INIT;
    v.userdata = f;
    v.create = f_create;
    v.load = f_load;
    v.commit = f_commit;
    v.query = f_query;
    v.idem_get = inner->idem_get ? f_idem_get : NULL;
    v.idem_put = inner->idem_put ? f_idem_put : NULL;
    if (inner->version >= 3 && inner->outbox_query && inner->outbox_mark) {
        v.outbox_query = f_outbox_query;
        v.outbox_mark = f_outbox_mark;
        v.outbox_prune = inner->outbox_prune ? f_outbox_prune : NULL;
    }
    f->vtable = v;
    f->inner = inner;
    f->calls = 0;
    f->fail_at = 0;
    f->mode = FAULTY_ERROR;
    f->faults = 0;
}
