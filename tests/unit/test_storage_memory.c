/* The memory adapter: the storage conformance suite, its bad-input answers, and the
 * records it encodes itself (OT_STORAGE_F_NO_JSON); version 1 storage structs. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "test_util.h"
#include "storage_conformance.h"
#include <ordertrack/adapters/memory.h>
#include <ordertrack/sys/clock.h>
#include <ordertrack/sys/notice.h>

static ot_storage *memory_factory(void *ctx)
{
    ot_storage *st = NULL;
    (void)ctx;
    return ot_storage_memory_new(&st, NULL) == 0 ? st : NULL;
}

static void test_conformance(void **state)
{
    ot_storage *st = memory_factory(NULL);
    (void)state;
    /* the reference adapter keeps the outbox, so the suite's outbox checks run */
    assert_non_null(st);
    assert_true(st->version >= 3 && st->outbox_query && st->outbox_mark && st->outbox_prune);
    ot_storage_close(st);
    assert_int_equal(ot_storage_conformance_run(memory_factory, NULL, stderr), 0);
}

static int emit_free(void *ctx, ot_order *o, ot_error *err)
{
    (void)ctx;
    (void)err;
    ot_order_free(o);
    return 0;
}

static void test_bad_input(void **state)
{
    ot_storage *st = NULL;
    ot_storage_query q = OT_STORAGE_QUERY_INIT;
    char cursor[OT_STORAGE_CURSOR_SIZE];
    ot_order *o;
    ot_error err;
    (void)state;
    assert_ot_error(ot_storage_memory_new(NULL, &err), OT_EINVAL, err);
    assert_int_equal(ot_storage_memory_new(&st, &err), 0);
    assert_ot_error(st->load(st->userdata, NULL, &o, &err), OT_EINVAL, err);
    assert_ot_error(st->create(st->userdata, NULL, NULL, &err), OT_EINVAL, err);
    assert_ot_error(st->commit(st->userdata, 1, NULL, NULL, &err), OT_EINVAL, err);
    assert_ot_error(st->query(st->userdata, NULL, emit_free, NULL, cursor, sizeof cursor, &err),
                    OT_EINVAL, err);
    q.version = 99;
    assert_ot_error(st->query(st->userdata, &q, emit_free, NULL, cursor, sizeof cursor, &err),
                    OT_EVERSION, err);
    q.version = OT_STORAGE_QUERY_VERSION;
    q.limit = OT_STORAGE_QUERY_MAX + 1;
    assert_ot_error(st->query(st->userdata, &q, emit_free, NULL, cursor, sizeof cursor, &err),
                    OT_EINVAL, err);
    assert_string_equal(err.field, "limit");
    assert_ot_error(st->idem_put(st->userdata, NULL, &err), OT_EINVAL, err);
    ot_storage_close(st);
    ot_storage_close(NULL);
}

static void test_port_inits(void **state)
{
    ot_storage st;
    ot_storage_query q;
    ot_clock c;
    ot_notice_sink n;
    ot_error err;
    (void)state;
    assert_int_equal(ot_storage_init(&st, OT_STORAGE_VERSION, &err), 0);
    assert_null(st.commit);
    assert_int_equal(ot_storage_query_init(&q, OT_STORAGE_QUERY_VERSION, &err), 0);
    assert_int_equal(q.limit, 50);
    assert_int_equal(ot_clock_init(&c, OT_CLOCK_VERSION, &err), 0);
    assert_int_equal(ot_notice_sink_init(&n, OT_NOTICE_SINK_VERSION, &err), 0);
    assert_ot_error(ot_storage_init(NULL, 1, &err), OT_EINVAL, err);
    assert_ot_error(ot_storage_query_init(&q, 0, &err), OT_EVERSION, err);
    assert_ot_error(ot_clock_init(&c, OT_CLOCK_VERSION + 1, &err), OT_EVERSION, err);
    assert_ot_error(ot_notice_sink_init(NULL, 1, &err), OT_EINVAL, err);
}

static int emit_none(void *ctx, ot_order *o, ot_error *err)
{
    (void)ctx;
    (void)err;
    ot_order_free(o);
    return 0;
}

/* The shared argument checks adapters start their members with. */
static void test_shared_checks(void **state)
{
    ot_storage_record rec;
    ot_idempotency_record idem = OT_IDEMPOTENCY_RECORD_INIT;
    ot_storage_query q = OT_STORAGE_QUERY_INIT;
    char cursor[OT_STORAGE_CURSOR_SIZE];
    ot_error err;
    (void)state;
    memset(&rec, 0, sizeof rec);
    assert_ot_error(ot_storage_record_check(NULL, &err), OT_EINVAL, err);
    assert_ot_error(ot_storage_record_check(&rec, &err), OT_EINVAL, err);
    rec.json = "{}";
    rec.order_id = "o";
    rec.store_id = "s";
    rec.customer_id = "c";
    assert_ot_error(ot_storage_record_check(&rec, &err), OT_EVERSION, err);
    rec.version = OT_STORAGE_RECORD_VERSION;
    assert_int_equal(ot_storage_record_check(&rec, &err), 0);

    assert_int_equal(ot_idempotency_record_check(NULL, &err), 0);
    assert_ot_error(ot_idempotency_record_check(&idem, &err), OT_EINVAL, err);
    idem.key = "k";
    idem.request_hash = "h";
    assert_int_equal(ot_idempotency_record_check(&idem, &err), 0);
    idem.version = 99;
    assert_ot_error(ot_idempotency_record_check(&idem, &err), OT_EVERSION, err);

    assert_int_equal(ot_storage_query_check(&q, emit_none, cursor, sizeof cursor, &err), 0);
    assert_ot_error(ot_storage_query_check(NULL, emit_none, cursor, sizeof cursor, &err),
                    OT_EINVAL, err);
    assert_ot_error(ot_storage_query_check(&q, NULL, cursor, sizeof cursor, &err), OT_EINVAL,
                    err);
    assert_ot_error(ot_storage_query_check(&q, emit_none, cursor, 8, &err), OT_EINVAL, err);
    assert_string_equal(err.field, "cursor_size");
    q.limit = OT_STORAGE_QUERY_MAX + 1;
    assert_ot_error(ot_storage_query_check(&q, emit_none, cursor, sizeof cursor, &err),
                    OT_EINVAL, err);
    assert_string_equal(err.field, "limit");
}

/* What a store with OT_STORAGE_F_NO_JSON is handed: the record, no JSON; what it hands back. */
static struct {
    ot_storage inner;
    unsigned records, with_json;
} seen;

static int seen_commit(void *u, int64_t expected, const ot_storage_record *rec,
                       const ot_idempotency_record *idem, ot_error *err)
{
    (void)u;
    seen.records++;
    seen.with_json += rec->json != NULL || rec->events_json != NULL;
    assert_non_null(rec->order);
    if (idem) /* the idempotency response is still the record's JSON */
        assert_non_null(strstr(idem->response, "\"order_id\":\"dec-1\""));
    return seen.inner.commit(seen.inner.userdata, expected, rec, idem, err);
}

static void test_no_json_records(void **state)
{
    ot_storage *st = NULL, spy;
    ot_tracker_options o = OT_TRACKER_OPTIONS_INIT;
    ot_tracker *t = NULL;
    ot_request r = OT_REQUEST_INIT;
    ot_order *first = NULL, *again = NULL, *loaded = NULL;
    char *a = NULL, *b = NULL;
    ot_error err;
    (void)state;
    assert_int_equal(ot_storage_memory_new(&st, &err), 0);
    assert_true(st->flags & OT_STORAGE_F_NO_JSON);
    memset(&seen, 0, sizeof seen);
    seen.inner = *st;
    spy = *st;
    spy.commit = seen_commit;
    spy.close = NULL;
    o.storage = &spy;
    assert_int_equal(ot_tracker_new(&t, &o, &err), 0);
    r.order_id = "dec-1";
    r.store_id = "s";
    r.customer_id = "c";
    r.provider = OT_PROVIDER_UBER;
    assert_int_equal(ot_tracker_init_order(NULL, t, &r, &err), 0);
    r.status = OT_STATUS_STORE_NOTIFIED;
    r.idempotency_key = "dec-key";
    assert_int_equal(ot_tracker_set_status(&first, t, &r, &err), 0);
    /* a replay answers the same record */
    assert_int_equal(ot_tracker_set_status(&again, t, &r, &err), 0);
    assert_int_equal(seen.records, 1);
    assert_int_equal(seen.with_json, 0);
    /* the stored record is not the caller's: loads are equal copies, and verify */
    assert_int_equal(st->load(st->userdata, "dec-1", &loaded, &err), 0);
    assert_int_equal(ot_order_to_json(&a, NULL, first, &err), 0);
    assert_int_equal(ot_order_to_json(&b, NULL, loaded, &err), 0);
    assert_string_equal(a, b);
    assert_int_equal(ot_order_verify_history(loaded, &err), 0);
    ot_free(a);
    ot_free(b);
    ot_order_free(first);
    ot_order_free(again);
    ot_order_free(loaded);
    ot_tracker_free(t);
    ot_storage_close(st);
}

/* `adopt`: after each successful write the tracker hands over the record storage stored (the
 * record itself when the caller does not want it, else a copy), equal to what a load
 * returns; never after a write that stored nothing. */
static struct {
    ot_storage inner;
    unsigned adopted;
    ot_order *last;
} adopter;

static void adopt_keep(void *u, ot_order *order)
{
    (void)u;
    adopter.adopted++;
    ot_order_free(adopter.last);
    adopter.last = order;
}

static void same_record(const ot_order *a, const ot_order *b)
{
    char *x = NULL, *y = NULL;
    assert_int_equal(ot_order_to_json(&x, NULL, a, NULL), 0);
    assert_int_equal(ot_order_to_json(&y, NULL, b, NULL), 0);
    assert_string_equal(x, y);
    ot_free(x);
    ot_free(y);
}

static void test_adopt(void **state)
{
    ot_storage *st = NULL, spy;
    ot_tracker_options o = OT_TRACKER_OPTIONS_INIT;
    ot_tracker *t = NULL;
    ot_request r = OT_REQUEST_INIT;
    ot_order *mine = NULL, *loaded = NULL;
    ot_error err;
    (void)state;
    assert_int_equal(ot_storage_memory_new(&st, &err), 0);
    memset(&adopter, 0, sizeof adopter);
    spy = *st;
    spy.adopt = adopt_keep;
    spy.close = NULL;
    o.storage = &spy;
    assert_int_equal(ot_tracker_new(&t, &o, &err), 0);
    r.order_id = "ad-1";
    r.store_id = "s";
    r.customer_id = "c";
    r.provider = OT_PROVIDER_UBER;
    assert_int_equal(ot_tracker_init_order(NULL, t, &r, &err), 0);   /* the record itself */
    assert_int_equal(adopter.adopted, 1);
    assert_int_equal(st->load(st->userdata, "ad-1", &loaded, &err), 0);
    same_record(adopter.last, loaded);
    ot_order_free(loaded);
    r.status = OT_STATUS_STORE_NOTIFIED;
    assert_int_equal(ot_tracker_set_status(&mine, t, &r, &err), 0); /* a copy of the caller's */
    assert_int_equal(adopter.adopted, 2);
    assert_ptr_not_equal(adopter.last, mine);
    same_record(adopter.last, mine);
    assert_int_equal(ot_order_version(adopter.last), 2);
    /* refused and stale writes store nothing and hand over nothing */
    r.status = OT_STATUS_DELIVERED;
    assert_int_not_equal(ot_tracker_set_status(NULL, t, &r, &err), 0);
    r.status = OT_STATUS_STORE_NOTIFIED;
    assert_int_not_equal(ot_tracker_set_status(NULL, t, &r, &err), 0);
    assert_int_equal(adopter.adopted, 2);
    ot_order_free(mine);
    ot_order_free(adopter.last);
    ot_tracker_free(t);
    ot_storage_close(st);
}

/* A version 1 caller's ot_storage ends before `flags`: nothing reads or writes past it (an
 * exact-size heap block, so the sanitizer build catches an overrun). */
static void test_version1_struct(void **state)
{
    size_t v1 = offsetof(ot_storage, flags);
    ot_storage *mem = NULL, *old = malloc(v1);
    ot_tracker_options o = OT_TRACKER_OPTIONS_INIT;
    ot_tracker *t = NULL;
    ot_request r = OT_REQUEST_INIT;
    ot_error err;
    (void)state;
    assert_non_null(old);
    assert_int_equal(ot_storage_init(old, 1, &err), 0);
    assert_int_equal(*(unsigned *)(void *)old, 1);
    assert_int_equal(ot_storage_memory_new(&mem, &err), 0);
    memcpy(old, mem, v1);
    memcpy(old, &(unsigned){1}, sizeof(unsigned)); /* version, the first member */
    o.storage = old;
    assert_int_equal(ot_tracker_new(&t, &o, &err), 0);
    r.order_id = "v1-1";
    r.store_id = "s";
    r.customer_id = "c";
    r.provider = OT_PROVIDER_UBER;
    /* a version 1 store gets the JSON (the memory store takes it either way) */
    assert_int_equal(ot_tracker_init_order(NULL, t, &r, &err), 0);
    r.status = OT_STATUS_STORE_NOTIFIED;
    assert_int_equal(ot_tracker_set_status(NULL, t, &r, &err), 0);
    ot_tracker_free(t);
    ot_storage_close(mem);
    free(old);
}

/* A version 4 caller's ot_storage ends before `load_head`: the tracker reads no further and
 * hands it whole records (the history kept apart is a version 5 promise), and
 * ot_storage_init writes no further either (an exact-size heap block). */
static void test_version4_struct(void **state)
{
    size_t v4 = offsetof(ot_storage, load_head);
    ot_storage *mem = NULL, *old = malloc(v4);
    ot_tracker_options o = OT_TRACKER_OPTIONS_INIT;
    ot_tracker *t = NULL;
    ot_request r = OT_REQUEST_INIT;
    ot_order *got = NULL;
    ot_error err;
    (void)state;
    assert_non_null(old);
    assert_int_equal(ot_storage_init(old, 4, &err), 0);
    assert_int_equal(*(unsigned *)(void *)old, 4);
    assert_int_equal(ot_storage_memory_new(&mem, &err), 0);
    memcpy(old, mem, v4);
    memcpy(old, &(unsigned){4}, sizeof(unsigned));
    o.storage = old;
    assert_int_equal(ot_tracker_new(&t, &o, &err), 0);
    r.order_id = "v4-1";
    r.store_id = "s";
    r.customer_id = "c";
    r.provider = OT_PROVIDER_UBER;
    assert_int_equal(ot_tracker_init_order(NULL, t, &r, &err), 0);
    r.status = OT_STATUS_STORE_NOTIFIED;
    assert_int_equal(ot_tracker_set_status(NULL, t, &r, &err), 0);
    assert_int_equal(ot_tracker_get(&got, t, "v4-1", &err), 0);
    assert_int_equal(ot_order_history_count(got), 2);
    assert_int_equal(ot_order_verify_history(got, &err), 0);
    ot_order_free(got);
    ot_tracker_free(t);
    ot_storage_close(mem);
    free(old);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conformance),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_port_inits),
        cmocka_unit_test(test_shared_checks),
        cmocka_unit_test(test_no_json_records),
        cmocka_unit_test(test_version1_struct),
        cmocka_unit_test(test_version4_struct),
        cmocka_unit_test(test_adopt),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
