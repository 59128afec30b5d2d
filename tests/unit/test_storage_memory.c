/* The memory adapter: the storage conformance suite, plus its bad-input answers. */
#include <stdio.h>

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
    (void)state;
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
    assert_ot_error(ot_clock_init(&c, 2, &err), OT_EVERSION, err);
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conformance),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_port_inits),
        cmocka_unit_test(test_shared_checks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
