/* ot_order_verify on a history rewritten by someone who knows the chain: a status changed and
 * every hash recomputed, so the chain links and hashes. The record the tracker wrote passes;
 * the forged one is refused: its fields no longer match what its history replays to (the
 * projection check), before the step check (delivered -> store_acknowledged) is reached. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <ordertrack/ordertrack.h>
#include <ordertrack/adapters/memory.h>
#include <ordertrack/sys/storage.h>

#include "order/order_internal.h"

static void test_rehashed_history_refused(void **state)
{
    static const int path[] = {OT_STATUS_STORE_NOTIFIED, OT_STATUS_STORE_ACKNOWLEDGED,
                               OT_STATUS_PICKING_IN_PROGRESS};
    ot_tracker_options o = OT_TRACKER_OPTIONS_INIT;
    ot_request r = OT_REQUEST_INIT;
    ot_storage *storage = NULL;
    ot_tracker *t = NULL;
    ot_order *order = NULL, *forged = NULL;
    json_t *doc, *history, *entry;
    char *json = NULL, hex[65], prev[65];
    size_t i, n;
    ot_error e;
    (void)state;

    assert_int_equal(ot_storage_memory_new(&storage, &e), 0);
    o.storage = storage;
    assert_int_equal(ot_tracker_new(&t, &o, &e), 0);
    r.order_id = "o-1";
    r.store_id = "s-1";
    r.customer_id = "c-1";
    r.provider = OT_PROVIDER_INTERNAL;
    assert_int_equal(ot_tracker_init_order(NULL, t, &r, &e), 0);
    for (i = 0; i < 3; i++) {
        ot_request s = OT_REQUEST_INIT;
        s.order_id = "o-1";
        s.status = path[i];
        assert_int_equal(ot_tracker_set_status(NULL, t, &s, &e), 0);
    }
    assert_int_equal(ot_tracker_get(&order, t, "o-1", &e), 0);
    assert_int_equal(ot_order_verify(order, &e), 0);

    /* entry 1 (store_notified) becomes delivered: a courier could skip there, but entry 2
     * (store_acknowledged) then steps back from delivered; the chain is rebuilt */
    doc = json_deep_copy(order->doc);
    history = json_object_get(doc, "status_history");
    json_object_set_new(json_array_get(history, 1), "status", json_string("delivered"));
    n = json_array_size(history);
    strcpy(prev, "0000000000000000000000000000000000000000000000000000000000000000");
    for (i = 0; i < n; i++) {
        json_t *ot;
        entry = json_array_get(history, i);
        ot = (json_t *)ot__entry_ot(entry);
        json_object_set_new(ot, "prev_hash", json_string(prev));
        assert_int_equal(ot__entry_hash(hex, entry, &e), 0);
        json_object_set_new(ot, "hash", json_string(hex));
        strcpy(prev, hex);
    }
    json = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(doc);
    assert_int_equal(ot_order_from_json(&forged, json, strlen(json), &e), 0);
    assert_int_equal(ot_order_verify(forged, &e), OT_EINTEGRITY);
    assert_string_equal(e.field, "order");
    assert_non_null(strstr(e.message, "replay of its history"));

    free(json);
    ot_order_free(forged);
    ot_order_free(order);
    ot_tracker_free(t);
    ot_storage_close(storage);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rehashed_history_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
