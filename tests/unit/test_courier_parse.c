/* Payload parsers: fixtures shaped like each partner's documented examples, bad arguments,
 * malformed input naming the field, every prefix of every fixture, random byte flips and
 * garbage with a fixed seed, and an allocation-failure sweep. */
#include <stdio.h>
#include <stdlib.h>

#include "test_util.h"
#include "test_files.h"

struct fixture {
    const char *file;
    int payload;
    size_t count; /* updates expected */
};

static const struct fixture fixtures[] = {
    {"delhivery_tracking.json", OT_PAYLOAD_DELHIVERY_TRACKING, 10},
    {"delhivery_push.json", OT_PAYLOAD_DELHIVERY_PUSH, 1},
    {"delhivery_b2b_tracking.json", OT_PAYLOAD_DELHIVERY_B2B_TRACKING, 1},
    {"shiprocket_tracking.json", OT_PAYLOAD_SHIPROCKET_TRACKING, 3},
    {"shiprocket_tracking_single.json", OT_PAYLOAD_SHIPROCKET_TRACKING, 1},
    {"shiprocket_webhook.json", OT_PAYLOAD_SHIPROCKET_WEBHOOK, 1},
    {"shiprocket_tracking_words.json", OT_PAYLOAD_SHIPROCKET_TRACKING, 3},
    {"shiprocket_webhook_words.json", OT_PAYLOAD_SHIPROCKET_WEBHOOK, 1},
    {"velocity_tracking.json", OT_PAYLOAD_VELOCITY_TRACKING, 2},
    {"velocity_webhook.json", OT_PAYLOAD_VELOCITY_WEBHOOK, 1},
    {"uber_delivery_status.json", OT_PAYLOAD_UBER_WEBHOOK, 1},
    {"uber_courier_update.json", OT_PAYLOAD_UBER_WEBHOOK, 1},
    {"uber_delivered.json", OT_PAYLOAD_UBER_WEBHOOK, 1},
    {"doordash_webhook.json", OT_PAYLOAD_DOORDASH_WEBHOOK, 1},
    {"doordash_cancelled.json", OT_PAYLOAD_DOORDASH_WEBHOOK, 1},
};
#define FIXTURE_COUNT (sizeof fixtures / sizeof fixtures[0])

static ot_update_list *parse_file(const char *name, int payload)
{
    ot_update_list *list = NULL;
    ot_error err;
    size_t len;
    char *buf = test_read_file(OT_TEST_COURIER_DATA, name, &len);
    int rc;

    ot_error_clear(&err);
    rc = ot_courier_parse(&list, NULL, payload, buf, len, &err);
    free(buf);
    if (rc != 0)
        fail_msg("%s: %s", name, err.message);
    return list;
}

#define assert_str(actual, expected)                                                        \
    do {                                                                                    \
        const char *a_ = (actual), *e_ = (expected);                                        \
        if (!e_)                                                                            \
            assert_null(a_);                                                                \
        else {                                                                              \
            assert_non_null(a_);                                                            \
            assert_string_equal(a_, e_);                                                    \
        }                                                                                   \
    } while (0)

static void test_counts(void **state)
{
    size_t i, j;
    (void)state;
    for (i = 0; i < FIXTURE_COUNT; i++) {
        ot_update_list *l = parse_file(fixtures[i].file, fixtures[i].payload);
        if (ot_update_list_count(l) != fixtures[i].count)
            fail_msg("%s: %zu updates, expected %zu", fixtures[i].file,
                     ot_update_list_count(l), fixtures[i].count);
        for (j = 0; j < ot_update_list_count(l); j++) {
            const ot_update *u = ot_update_list_get(l, j);
            assert_int_equal(u->version, OT_UPDATE_VERSION);
            assert_non_null(u->tracking_id);
            assert_non_null(u->raw_status);
        }
        assert_null(ot_update_list_get(l, ot_update_list_count(l)));
        ot_update_list_free(l);
    }
}

static void test_delhivery(void **state)
{
    ot_update_list *l = parse_file("delhivery_tracking.json", OT_PAYLOAD_DELHIVERY_TRACKING);
    const ot_update *u;
    static const int first[] = {OT_SHIPMENT_PENDING, OT_SHIPMENT_IN_TRANSIT, OT_SHIPMENT_NDR,
                                OT_SHIPMENT_OUT_FOR_DELIVERY, OT_SHIPMENT_DELIVERED};
    static const int second[] = {OT_SHIPMENT_PENDING, 0, OT_SHIPMENT_RTO,
                                 OT_SHIPMENT_RTO_IN_TRANSIT, OT_SHIPMENT_RTO_IN_TRANSIT};
    size_t i;
    (void)state;

    /* Shipment 1: five scans; the current Status repeats the last scan and is not repeated. */
    for (i = 0; i < 5; i++) {
        u = ot_update_list_get(l, i);
        assert_int_equal(u->provider, OT_PROVIDER_DELHIVERY);
        assert_str(u->tracking_id, "1234567890123");
        assert_str(u->order_id, "ORD-1001");
        assert_int_equal(u->shipment_status, first[i]);
        assert_int_equal(u->eta_ms, 1767709800000);
        assert_int_equal(u->flags, 0);
    }
    u = ot_update_list_get(l, 0);
    assert_str(u->raw_status, "Manifested");
    assert_str(u->raw_type, "UD");
    assert_int_equal(u->event_time_ms, 1767411000000);
    assert_int_equal(u->status, OT_STATUS_UNKNOWN);
    assert_str(u->location, "Delhi_Okhla_PC (Delhi)");
    u = ot_update_list_get(l, 2);
    assert_str(u->notes, "EOD-74: Consignee unavailable");
    assert_int_equal(u->status, OT_STATUS_IN_TRANSIT);
    assert_int_equal(u->event_time_ms, 1767535200000);
    u = ot_update_list_get(l, 4);
    assert_int_equal(u->event_time_ms, 1767618910520);
    assert_int_equal(u->status, OT_STATUS_DELIVERED);
    /* Shipment 2: an unmapped scan, the first RT scan is rto, the later ones rto in transit,
     * and the newer current Status is emitted last. */
    for (i = 0; i < 5; i++) {
        u = ot_update_list_get(l, 5 + i);
        assert_str(u->tracking_id, "1234567890999");
        assert_int_equal(u->shipment_status, second[i]);
    }
    u = ot_update_list_get(l, 6);
    assert_str(u->raw_status, "Held Up");
    assert_int_equal(u->flags, OT_UPDATE_UNMAPPED);
    assert_int_equal(u->status, 0);
    u = ot_update_list_get(l, 7);
    assert_int_equal(u->status, OT_STATUS_FAILED);
    assert_int_equal(u->event_time_ms, 1767846600000);
    u = ot_update_list_get(l, 9);
    assert_str(u->raw_status, "Dispatched");
    assert_str(u->raw_type, "RT");
    assert_int_equal(u->event_time_ms, 1768016700000);
    assert_int_equal(u->eta_ms, 0);
    ot_update_list_free(l);

    l = parse_file("delhivery_push.json", OT_PAYLOAD_DELHIVERY_PUSH);
    u = ot_update_list_get(l, 0);
    assert_str(u->tracking_id, "9876543210123");
    assert_str(u->order_id, "ORD-2001");
    assert_int_equal(u->shipment_status, OT_SHIPMENT_NDR);
    assert_int_equal(u->event_time_ms, 1767535200000);
    assert_str(u->location, "Mumbai_Andheri_D (Maharashtra)");
    ot_update_list_free(l);

    l = parse_file("delhivery_b2b_tracking.json", OT_PAYLOAD_DELHIVERY_B2B_TRACKING);
    u = ot_update_list_get(l, 0);
    assert_int_equal(u->provider, OT_PROVIDER_DELHIVERY_B2B);
    assert_str(u->tracking_id, "220012345");
    assert_str(u->raw_status, "PART_DEL");
    assert_int_equal(u->shipment_status, OT_SHIPMENT_DELIVERED);
    assert_int_equal(u->flags, OT_UPDATE_PARTIAL);
    assert_int_equal(u->event_time_ms, 1769947200000);
    assert_str(u->location, "Chennai_Hub");
    assert_str(u->notes, "Box missing at unload");
    ot_update_list_free(l);
}

static void test_shiprocket(void **state)
{
    ot_update_list *l = parse_file("shiprocket_tracking.json", OT_PAYLOAD_SHIPROCKET_TRACKING);
    const ot_update *u;
    (void)state;

    u = ot_update_list_get(l, 0);
    assert_int_equal(u->provider, OT_PROVIDER_SHIPROCKET);
    assert_str(u->tracking_id, "19041424751540");
    assert_str(u->order_id, "168807908");
    assert_str(u->raw_status, "7");
    assert_int_equal(u->shipment_status, OT_SHIPMENT_DELIVERED);
    assert_int_equal(u->event_time_ms, 1684822432000);
    assert_int_equal(u->eta_ms, 1684952999000);
    assert_str(u->location, "MUMBAI_ANDHERI, Mumbai");
    assert_str(u->notes, "Delivered");
    assert_str(u->tracking_url, "https://shiprocket.co/tracking/19041424751540");
    u = ot_update_list_get(l, 1);
    assert_str(u->raw_status, "23");
    assert_str(u->order_id, "SR-5");
    assert_int_equal(u->flags, OT_UPDATE_PARTIAL);
    /* The AWB Shiprocket does not know is skipped; 47 (QC Failed) is unmapped. */
    u = ot_update_list_get(l, 2);
    assert_str(u->tracking_id, "19041424751543");
    assert_str(u->raw_status, "47");
    assert_int_equal(u->flags, OT_UPDATE_UNMAPPED);
    ot_update_list_free(l);

    l = parse_file("shiprocket_tracking_single.json", OT_PAYLOAD_SHIPROCKET_TRACKING);
    u = ot_update_list_get(l, 0);
    assert_str(u->tracking_id, "141123221084922");
    assert_int_equal(u->shipment_status, OT_SHIPMENT_DESTROY);
    assert_int_equal(u->flags, OT_UPDATE_DAMAGED);
    ot_update_list_free(l);

    l = parse_file("shiprocket_webhook.json", OT_PAYLOAD_SHIPROCKET_WEBHOOK);
    u = ot_update_list_get(l, 0);
    assert_str(u->tracking_id, "19041211125783");
    assert_str(u->order_id, "1373900_150876814");
    assert_str(u->raw_status, "18");
    assert_int_equal(u->shipment_status, OT_SHIPMENT_IN_TRANSIT);
    assert_int_equal(u->status, OT_STATUS_IN_TRANSIT);
    assert_int_equal(u->event_time_ms, 1684822432000);
    assert_int_equal(u->eta_ms, 1684836619000);
    assert_str(u->notes, "In Transit - Shipment picked up");
    assert_null(u->event_id);
    ot_update_list_free(l);

    /* Without an id the status words map (and are the raw status); an id wins over them. */
    l = parse_file("shiprocket_tracking_words.json", OT_PAYLOAD_SHIPROCKET_TRACKING);
    u = ot_update_list_get(l, 0);
    assert_str(u->tracking_id, "19041424751550");
    assert_str(u->raw_status, "Out For Delivery");
    assert_int_equal(u->shipment_status, OT_SHIPMENT_OUT_FOR_DELIVERY);
    assert_int_equal(u->flags, 0);
    assert_int_equal(u->event_time_ms, 1684809060000);
    u = ot_update_list_get(l, 1);
    assert_str(u->raw_status, "RTO IN INTRANSIT");
    assert_int_equal(u->shipment_status, OT_SHIPMENT_RTO_IN_TRANSIT);
    u = ot_update_list_get(l, 2);
    assert_str(u->raw_status, "10");
    assert_int_equal(u->shipment_status, OT_SHIPMENT_RTO_DELIVERED);
    ot_update_list_free(l);

    l = parse_file("shiprocket_webhook_words.json", OT_PAYLOAD_SHIPROCKET_WEBHOOK);
    u = ot_update_list_get(l, 0);
    assert_str(u->tracking_id, "19041211125790");
    assert_str(u->raw_status, "Out  For Delivery");
    assert_int_equal(u->shipment_status, OT_SHIPMENT_OUT_FOR_DELIVERY);
    assert_int_equal(u->status, OT_STATUS_IN_TRANSIT);
    assert_int_equal(u->flags, 0);
    ot_update_list_free(l);
}

static void test_velocity(void **state)
{
    ot_update_list *l = parse_file("velocity_tracking.json", OT_PAYLOAD_VELOCITY_TRACKING);
    const ot_update *u;
    (void)state;

    u = ot_update_list_get(l, 0);
    assert_int_equal(u->provider, OT_PROVIDER_VELOCITY);
    assert_str(u->tracking_id, "VEL123456789");
    assert_int_equal(u->shipment_status, OT_SHIPMENT_OUT_FOR_DELIVERY);
    assert_int_equal(u->event_time_ms, 1772415600000);
    assert_str(u->location, "Jaipur");
    assert_str(u->tracking_url, "https://velocity.in/track/VEL123456789");
    u = ot_update_list_get(l, 1);
    assert_str(u->tracking_id, "VEL123456790");
    assert_int_equal(u->shipment_status, 0);
    assert_int_equal(u->flags, OT_UPDATE_CUSTOMER_RETURN);
    ot_update_list_free(l);

    l = parse_file("velocity_webhook.json", OT_PAYLOAD_VELOCITY_WEBHOOK);
    u = ot_update_list_get(l, 0);
    assert_str(u->tracking_id, "VEL123456789");
    assert_str(u->order_id, "ORD-3001");
    assert_str(u->event_id, "evt_7f3a9c21");
    assert_str(u->raw_status, "delivered");
    assert_str(u->raw_type, "delivered_to_customer");
    assert_int_equal(u->shipment_status, OT_SHIPMENT_DELIVERED);
    assert_int_equal(u->event_time_ms, 1772454896000);
    assert_int_equal(u->eta_ms, 1772476200000);
    ot_update_list_free(l);
}

static void test_uber(void **state)
{
    ot_update_list *l = parse_file("uber_delivery_status.json", OT_PAYLOAD_UBER_WEBHOOK);
    const ot_update *u = ot_update_list_get(l, 0);
    (void)state;

    assert_int_equal(u->provider, OT_PROVIDER_UBER);
    assert_str(u->tracking_id, "del_aBcDeFgHiJkLmNoPqRsTuV");
    assert_str(u->order_id, "ORD-4001");
    assert_str(u->event_id, "evt_3ZMyLc2fhVhn8JeUJ2ajTQ");
    assert_str(u->raw_status, "pickup");
    assert_str(u->raw_type, "true");
    assert_int_equal(u->status, OT_STATUS_DRIVER_ASSIGNED);
    assert_int_equal(u->shipment_status, 0);
    assert_int_equal(u->flags, OT_UPDATE_HAS_POSITION);
    assert_int_equal(u->event_time_ms, 1775038530250);
    assert_int_equal(u->eta_ms, 1775040000000);
    assert_str(u->driver_name, "Sam K.");
    assert_str(u->driver_phone, "+15555550199");
    /* Uber names no courier id: one per delivery; make, model and colour describe the car */
    assert_str(u->driver_id, "uber:del_aBcDeFgHiJkLmNoPqRsTuV");
    assert_str(u->vehicle_type, "car (blue Toyota Prius)");
    assert_str(u->photo_url, "https://cdn.example/courier.jpg");
    assert_str(u->tracking_url, "https://www.ubereats.com/orders/abc");
    assert_true(u->latitude > 37.7929 && u->latitude < 37.7931);
    assert_true(u->longitude < -122.3959 && u->longitude > -122.3961);
    assert_null(u->notes);
    ot_update_list_free(l);

    l = parse_file("uber_courier_update.json", OT_PAYLOAD_UBER_WEBHOOK);
    u = ot_update_list_get(l, 0);
    assert_int_equal(u->status, OT_STATUS_IN_TRANSIT);
    assert_int_equal(u->flags, OT_UPDATE_HAS_POSITION | OT_UPDATE_LOCATION_ONLY);
    assert_str(u->raw_type, "false");
    assert_int_equal(u->event_time_ms, 1775039100000);
    assert_str(u->driver_id, "uber:del_aBcDeFgHiJkLmNoPqRsTuV");
    assert_str(u->driver_name, "Sam K.");
    assert_str(u->vehicle_type, "car");
    ot_update_list_free(l);

    l = parse_file("uber_delivered.json", OT_PAYLOAD_UBER_WEBHOOK);
    u = ot_update_list_get(l, 0);
    assert_int_equal(u->status, OT_STATUS_DELIVERED);
    assert_int_equal(u->flags, OT_UPDATE_LEFT_AT_DOOR);
    assert_str(u->notes, "left_at_door");
    assert_null(u->driver_id);   /* no courier object: nothing said about the driver */
    ot_update_list_free(l);
}

/* The courier's vehicle: the description only when it fits the tracker's 64 bytes; the id
 * only with a name or phone. */
static void test_uber_courier_edges(void **state)
{
    static const char *const cases[][3] = {
        {"\"vehicle_make\": \"Honda\"", "Honda", "uber:del_1"},
        {"\"vehicle_type\": \"bicycle\", \"vehicle_color\": \"red\"", "bicycle (red)",
         "uber:del_1"},
        {"\"vehicle_type\": \"car\", \"vehicle_make\": "
         "\"A-very-long-manufacturer-name-that-goes-on\", \"vehicle_model\": "
         "\"and-a-model-name-beyond-it\"", "car", "uber:del_1"},
    };
    char json[512];
    size_t i;
    (void)state;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ot_update_list *l = NULL;
        ot_error err;
        const ot_update *u;
        snprintf(json, sizeof json,
                 "{\"kind\": \"event.courier_update\", \"delivery_id\": \"del_1\", "
                 "\"data\": {\"status\": \"pickup\", \"courier\": {\"name\": \"A\", %s}}}",
                 cases[i][0]);
        assert_int_equal(ot_courier_parse(&l, NULL, OT_PAYLOAD_UBER_WEBHOOK, json,
                                          strlen(json), &err), 0);
        u = ot_update_list_get(l, 0);
        assert_str(u->vehicle_type, cases[i][1]);
        assert_str(u->driver_id, cases[i][2]);
        ot_update_list_free(l);
    }
    {
        static const char anonymous[] =
            "{\"kind\": \"event.courier_update\", \"delivery_id\": \"del_1\", \"data\": "
            "{\"status\": \"pickup\", \"courier\": {\"location\": {\"lat\": 1, \"lng\": 2}}}}";
        ot_update_list *l = NULL;
        ot_error err;
        assert_int_equal(ot_courier_parse(&l, NULL, OT_PAYLOAD_UBER_WEBHOOK, anonymous,
                                          sizeof anonymous - 1, &err), 0);
        assert_null(ot_update_list_get(l, 0)->driver_id);
        ot_update_list_free(l);
    }
}

static void test_doordash(void **state)
{
    ot_update_list *l = parse_file("doordash_webhook.json", OT_PAYLOAD_DOORDASH_WEBHOOK);
    const ot_update *u = ot_update_list_get(l, 0);
    (void)state;

    assert_int_equal(u->provider, OT_PROVIDER_DOORDASH);
    assert_str(u->tracking_id, "ORD-5001");
    assert_str(u->order_id, "ORD-5001");
    assert_str(u->raw_status, "DASHER_PICKED_UP");
    assert_str(u->raw_type, "picked_up");
    assert_int_equal(u->status, OT_STATUS_DRIVER_PICKUP_COMPLETE);
    assert_int_equal(u->flags, OT_UPDATE_HAS_POSITION);
    assert_int_equal(u->event_time_ms, 1778436312345);
    assert_int_equal(u->eta_ms, 1778437800000);
    assert_str(u->driver_id, "1234567");
    assert_str(u->driver_name, "Jordan");
    assert_str(u->driver_phone, "+16505555555");
    assert_str(u->tracking_url, "https://track.doordash.com/share/abc");
    ot_update_list_free(l);

    l = parse_file("doordash_cancelled.json", OT_PAYLOAD_DOORDASH_WEBHOOK);
    u = ot_update_list_get(l, 0);
    assert_int_equal(u->status, OT_STATUS_CANCELLED);
    assert_str(u->notes, "failed_to_return");
    assert_int_equal(u->flags, 0);
    ot_update_list_free(l);
}

/* Inline payloads: one update each, checked for status and flags. */
static void test_inline_cases(void **state)
{
    static const struct {
        int payload;
        const char *json;
        int status, shipment;
        unsigned flags;
    } cases[] = {
        /* Delhivery push: RT In Transit after RTOStartedDate is the RTO on its way... */
        {OT_PAYLOAD_DELHIVERY_PUSH,
         "{\"Shipment\": {\"AWB\": \"1\", \"RTOStartedDate\": \"2026-01-08T10:00:00\", "
         "\"Status\": {\"Status\": \"In Transit\", \"StatusType\": \"RT\", "
         "\"StatusDateTime\": \"2026-01-09T10:00:00\"}}}",
         OT_STATUS_FAILED, OT_SHIPMENT_RTO_IN_TRANSIT, 0},
        /* ...and at RTOStartedDate (or without it) the start of the RTO. */
        {OT_PAYLOAD_DELHIVERY_PUSH,
         "{\"Shipment\": {\"AWB\": \"1\", \"RTOStartedDate\": \"2026-01-08T10:00:00\", "
         "\"Status\": {\"Status\": \"In Transit\", \"StatusType\": \"RT\", "
         "\"StatusDateTime\": \"2026-01-08T10:00:00\"}}}",
         OT_STATUS_FAILED, OT_SHIPMENT_RTO, 0},
        {OT_PAYLOAD_DELHIVERY_PUSH,
         "{\"Shipment\": {\"AWB\": 12345, \"Status\": {\"Status\": \"DTO\", "
         "\"StatusType\": \"DL\"}}}",
         0, 0, OT_UPDATE_REVERSE_PICKUP},
        /* Shiprocket return shipments are flagged. */
        {OT_PAYLOAD_SHIPROCKET_WEBHOOK,
         "{\"awb\": 99, \"shipment_status_id\": \"7\", \"is_return\": 1}",
         OT_STATUS_DELIVERED, OT_SHIPMENT_DELIVERED, OT_UPDATE_CUSTOMER_RETURN},
        {OT_PAYLOAD_SHIPROCKET_WEBHOOK,
         "{\"awb\": \"99\", \"shipment_status_id\": 7, \"is_return\": false}",
         OT_STATUS_DELIVERED, OT_SHIPMENT_DELIVERED, 0},
        /* Shiprocket words: shipment_status, else current_status, when there is no id... */
        {OT_PAYLOAD_SHIPROCKET_WEBHOOK, "{\"awb\": 99, \"current_status\": \"Delivered\"}",
         OT_STATUS_DELIVERED, OT_SHIPMENT_DELIVERED, 0},
        {OT_PAYLOAD_SHIPROCKET_WEBHOOK,
         "{\"awb\": 99, \"shipment_status_id\": \"\", \"shipment_status\": \"RTO_DELIVERED\", "
         "\"current_status\": \"IN TRANSIT\"}",
         OT_STATUS_FAILED, OT_SHIPMENT_RTO_DELIVERED, 0},
        {OT_PAYLOAD_SHIPROCKET_WEBHOOK,
         "{\"awb\": 99, \"shipment_status\": \" \", \"current_status\": \"partial_delivered\"}",
         OT_STATUS_DELIVERED, OT_SHIPMENT_DELIVERED, OT_UPDATE_PARTIAL},
        /* ...the id when present, whatever the words say. */
        {OT_PAYLOAD_SHIPROCKET_WEBHOOK,
         "{\"awb\": 99, \"shipment_status_id\": 18, \"shipment_status\": \"DELIVERED\"}",
         OT_STATUS_IN_TRANSIT, OT_SHIPMENT_IN_TRANSIT, 0},
        {OT_PAYLOAD_SHIPROCKET_TRACKING,
         "{\"tracking_data\": {\"shipment_status\": 18, \"shipment_track\": [{\"awb_code\": "
         "\"1\", \"current_status\": \"Delivered\"}]}}",
         OT_STATUS_IN_TRANSIT, OT_SHIPMENT_IN_TRANSIT, 0},
        /* Words the table does not know: unmapped, like an unknown id. */
        {OT_PAYLOAD_SHIPROCKET_WEBHOOK, "{\"awb\": 99, \"current_status\": \"QC FAILED\"}",
         0, 0, OT_UPDATE_UNMAPPED},
        /* Uber: the return delivery (ret_...) is flagged. */
        {OT_PAYLOAD_UBER_WEBHOOK,
         "{\"kind\": \"event.delivery_status\", \"delivery_id\": \"ret_1\", "
         "\"status\": \"delivered\", \"data\": {}}",
         OT_STATUS_DELIVERED, 0, OT_UPDATE_RETURNED},
        {OT_PAYLOAD_UBER_WEBHOOK,
         "{\"kind\": \"event.delivery_status\", \"delivery_id\": \"del_1\", "
         "\"data\": {\"status\": \"returned\"}}",
         OT_STATUS_FAILED, 0, OT_UPDATE_RETURNED},
        /* DoorDash: delivery_status alone. */
        {OT_PAYLOAD_DOORDASH_WEBHOOK,
         "{\"delivery_status\": \"enroute_to_dropoff\", \"external_delivery_id\": \"D\"}",
         OT_STATUS_IN_TRANSIT, 0, 0},
        /* Velocity customer returns: flag only. */
        {OT_PAYLOAD_VELOCITY_WEBHOOK,
         "{\"event\": \"status_change\", \"data\": {\"tracking_number\": \"V\", "
         "\"status\": \"RETURN_DELIVERED\"}}",
         0, 0, OT_UPDATE_CUSTOMER_RETURN},
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ot_update_list *l = NULL;
        const ot_update *u;
        ot_error err;
        ot_error_clear(&err);
        if (ot_courier_parse(&l, NULL, cases[i].payload, cases[i].json, strlen(cases[i].json),
                             &err) != 0)
            fail_msg("case %zu: %s", i, err.message);
        assert_int_equal(ot_update_list_count(l), 1);
        u = ot_update_list_get(l, 0);
        if (u->status != cases[i].status || u->shipment_status != cases[i].shipment
            || u->flags != cases[i].flags)
            fail_msg("case %zu: status %d, shipment %d, flags %#x", i, u->status,
                     u->shipment_status, u->flags);
        ot_update_list_free(l);
    }
}

/* Payloads with nothing to track give an empty list, not an error. */
static void test_nothing_to_track(void **state)
{
    static const struct {
        int payload;
        const char *json;
    } cases[] = {
        {OT_PAYLOAD_UBER_WEBHOOK, "{\"kind\": \"event.refund_request\", \"data\": {}}"},
        {OT_PAYLOAD_VELOCITY_WEBHOOK, "{\"event\": \"label_generated\"}"},
        {OT_PAYLOAD_DELHIVERY_TRACKING, "{\"ShipmentData\": []}"},
        {OT_PAYLOAD_SHIPROCKET_TRACKING, "{}"},
        {OT_PAYLOAD_VELOCITY_TRACKING, "{\"result\": {}}"},
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ot_update_list *l = NULL;
        ot_error err;
        ot_error_clear(&err);
        if (ot_courier_parse(&l, NULL, cases[i].payload, cases[i].json, strlen(cases[i].json),
                             &err) != 0)
            fail_msg("case %zu: %s", i, err.message);
        assert_int_equal(ot_update_list_count(l), 0);
        ot_update_list_free(l);
    }
}

struct bad_payload {
    int payload;
    const char *json;
    const char *field;
};

static const struct bad_payload bad_payloads[] = {
    {OT_PAYLOAD_DELHIVERY_TRACKING, "{}", "ShipmentData"},
    {OT_PAYLOAD_DELHIVERY_TRACKING, "{\"ShipmentData\": {}}", "ShipmentData"},
    {OT_PAYLOAD_DELHIVERY_TRACKING, "{\"ShipmentData\": [1]}", "ShipmentData[0]"},
    {OT_PAYLOAD_DELHIVERY_TRACKING, "{\"ShipmentData\": [{\"Shipment\": {\"Status\": {}}}]}",
     "ShipmentData[0].Shipment.AWB"},
    {OT_PAYLOAD_DELHIVERY_TRACKING,
     "{\"ShipmentData\": [{\"Shipment\": {\"AWB\": \"1\", \"Status\": {\"Status\": 5}}}]}",
     "ShipmentData[0].Shipment.Status.Status"},
    {OT_PAYLOAD_DELHIVERY_TRACKING,
     "{\"ShipmentData\": [{\"Shipment\": {\"AWB\": \"1\", \"Status\": {\"Status\": \"x\", "
     "\"StatusDateTime\": \"soon\"}}}]}",
     "ShipmentData[0].Shipment.Status.StatusDateTime"},
    {OT_PAYLOAD_DELHIVERY_TRACKING,
     "{\"ShipmentData\": [{\"Shipment\": {\"AWB\": \"1\", \"Status\": {\"Status\": \"x\"}, "
     "\"Scans\": [{\"ScanDetail\": {\"Scan\": []}}]}}]}",
     "ShipmentData[0].Shipment.Scans[0].ScanDetail.Scan"},
    {OT_PAYLOAD_DELHIVERY_PUSH, "{\"Shipment\": []}", "Shipment"},
    {OT_PAYLOAD_DELHIVERY_B2B_TRACKING, "{\"data\": {\"status\": \"OFD\"}}", "data.lrnum"},
    {OT_PAYLOAD_DELHIVERY_B2B_TRACKING, "{\"data\": {\"lrnum\": \"1\", \"status\": \"OFD\", "
     "\"wbns\": [{\"scan_timestamp\": 12}]}}", "data.wbns[0].scan_timestamp"},
    {OT_PAYLOAD_SHIPROCKET_TRACKING, "{\"tracking_data\": {\"shipment_status\": 1.5}}",
     "tracking_data.shipment_status"},
    {OT_PAYLOAD_SHIPROCKET_TRACKING, "{\"tracking_data\": {\"shipment_status\": 7}}",
     "tracking_data.shipment_track[0].awb_code"},
    {OT_PAYLOAD_SHIPROCKET_TRACKING, "{\"123\": []}", "123"},
    {OT_PAYLOAD_SHIPROCKET_WEBHOOK, "{\"awb\": \"1\"}", "shipment_status_id"},
    {OT_PAYLOAD_SHIPROCKET_WEBHOOK, "{\"awb\": \"1\", \"shipment_status_id\": \"\", "
     "\"shipment_status\": \"\", \"current_status\": \" \\t\"}", "shipment_status_id"},
    {OT_PAYLOAD_SHIPROCKET_WEBHOOK, "{\"awb\": \"1\", \"shipment_status\": 7}",
     "shipment_status"},
    {OT_PAYLOAD_SHIPROCKET_TRACKING, "{\"tracking_data\": {\"shipment_track\": "
     "[{\"awb_code\": \"1\"}]}}", "tracking_data.shipment_status"},
    {OT_PAYLOAD_SHIPROCKET_TRACKING, "{\"tracking_data\": {\"shipment_track\": "
     "[{\"awb_code\": \"1\", \"current_status\": 17}]}}",
     "tracking_data.shipment_track[0].current_status"},
    {OT_PAYLOAD_SHIPROCKET_WEBHOOK, "{\"awb\": \"1\", \"shipment_status_id\": 7, "
     "\"current_timestamp\": \"23-05-2023\"}", "current_timestamp"},
    {OT_PAYLOAD_SHIPROCKET_WEBHOOK, "{\"awb\": true, \"shipment_status_id\": 7}", "awb"},
    {OT_PAYLOAD_SHIPROCKET_WEBHOOK, "{\"awb\": \"1\", \"shipment_status_id\": 7, "
     "\"is_return\": \"yes\"}", "is_return"},
    {OT_PAYLOAD_VELOCITY_TRACKING, "{\"result\": []}", "result"},
    {OT_PAYLOAD_VELOCITY_TRACKING, "{\"result\": {\"A\": {\"tracking_data\": {}}}}",
     "result.A.tracking_data.shipment_status"},
    {OT_PAYLOAD_VELOCITY_WEBHOOK, "{\"event\": \"status_change\"}", "data"},
    {OT_PAYLOAD_VELOCITY_WEBHOOK, "{\"event\": \"status_change\", \"data\": {\"status\": \"x\"}}",
     "data.tracking_number"},
    {OT_PAYLOAD_UBER_WEBHOOK, "{}", "kind"},
    {OT_PAYLOAD_UBER_WEBHOOK, "{\"kind\": \"event.delivery_status\", \"data\": {\"status\": "
     "\"pickup\"}}", "delivery_id"},
    {OT_PAYLOAD_UBER_WEBHOOK, "{\"kind\": \"event.delivery_status\", \"delivery_id\": \"d\", "
     "\"data\": {\"status\": \"pickup\", \"courier_imminent\": \"yes\"}}",
     "data.courier_imminent"},
    {OT_PAYLOAD_UBER_WEBHOOK, "{\"kind\": \"event.courier_update\", \"delivery_id\": \"d\", "
     "\"data\": {\"status\": \"pickup\", \"courier\": {\"location\": {\"lat\": 1}}}}",
     "data.courier.location.lng"},
    {OT_PAYLOAD_UBER_WEBHOOK, "{\"kind\": \"event.courier_update\", \"delivery_id\": \"d\", "
     "\"data\": {\"status\": \"pickup\", \"courier\": {\"location\": {\"lat\": 91, \"lng\": 0}}}}",
     "data.courier.location"},
    {OT_PAYLOAD_DOORDASH_WEBHOOK, "{\"external_delivery_id\": \"x\"}", "event_name"},
    {OT_PAYLOAD_DOORDASH_WEBHOOK, "{\"event_name\": \"DASHER_CONFIRMED\"}",
     "external_delivery_id"},
    {OT_PAYLOAD_DOORDASH_WEBHOOK, "{\"event_name\": \"X\", \"external_delivery_id\": \"x\", "
     "\"dasher_location\": {\"lat\": \"1\", \"lng\": \"2\"}}", "dasher_location.lat"},
    {OT_PAYLOAD_DOORDASH_WEBHOOK, "{\"event_name\": \"X\", \"external_delivery_id\": \"x\", "
     "\"created_at\": \"2026-99-01T00:00:00Z\"}", "created_at"},
    {OT_PAYLOAD_DOORDASH_WEBHOOK, "{\"event_name\": \"X\", \"event_name\": \"Y\", "
     "\"external_delivery_id\": \"x\"}", ""},
    {OT_PAYLOAD_DOORDASH_WEBHOOK, "[]", ""},
    {OT_PAYLOAD_DOORDASH_WEBHOOK, "{\"event_name\": \"X\"", ""},
};

static void test_bad_payloads(void **state)
{
    size_t i;
    (void)state;
    for (i = 0; i < sizeof bad_payloads / sizeof bad_payloads[0]; i++) {
        const struct bad_payload *c = &bad_payloads[i];
        ot_update_list *l = (ot_update_list *)&l; /* must be reset to NULL */
        ot_error err;
        int rc;
        ot_error_clear(&err);
        rc = ot_courier_parse(&l, NULL, c->payload, c->json, strlen(c->json), &err);
        if (rc != OT_EPARSE || strcmp(err.field, c->field) != 0 || !err.message[0])
            fail_msg("bad payload %zu: rc %d, field \"%s\", message \"%s\" (want field \"%s\")",
                     i, rc, err.field, err.message, c->field);
        assert_null(l);
    }
}

static void test_bad_arguments(void **state)
{
    ot_update_list *l;
    ot_error err;
    (void)state;
    assert_ot_error(ot_courier_parse(NULL, NULL, OT_PAYLOAD_UBER_WEBHOOK, "{}", 2, &err),
                    OT_EINVAL, err);
    assert_ot_error(ot_courier_parse(&l, NULL, OT_PAYLOAD_UNKNOWN, "{}", 2, &err), OT_EINVAL,
                    err);
    assert_ot_error(ot_courier_parse(&l, NULL, OT_PAYLOAD_COUNT, "{}", 2, &err), OT_EINVAL, err);
    assert_ot_error(ot_courier_parse(&l, NULL, -5, "{}", 2, &err), OT_EINVAL, err);
    assert_ot_error(ot_courier_parse(&l, NULL, OT_PAYLOAD_UBER_WEBHOOK, NULL, 2, &err),
                    OT_EINVAL, err);
    assert_ot_error(ot_courier_parse(&l, NULL, OT_PAYLOAD_UBER_WEBHOOK, "{}",
                                     (size_t)OT_COURIER_PAYLOAD_MAX + 1, &err), OT_ELIMIT, err);
    assert_ot_error(ot_courier_parse(&l, NULL, OT_PAYLOAD_UBER_WEBHOOK, "", 0, &err), OT_EPARSE,
                    err);
    assert_int_equal(ot_update_list_count(NULL), 0);
    assert_null(ot_update_list_get(NULL, 0));
    ot_update_list_free(NULL);
}

/* Overrides reach the parsers: the unmapped Delhivery scan becomes in transit. */
static void test_parse_with_overrides(void **state)
{
    static const char json[] = "{\"version\": 1, \"mappings\": [{\"provider\": \"delhivery\", "
                               "\"type\": \"UD\", \"raw\": \"held up\", \"status\": \"in transit\"}]}";
    ot_courier_tables *t;
    ot_update_list *l;
    size_t len;
    char *buf = test_read_file(OT_TEST_COURIER_DATA, "delhivery_tracking.json", &len);
    (void)state;
    assert_int_equal(ot_courier_tables_new(&t, NULL), 0);
    assert_int_equal(ot_courier_tables_load_overrides_json(t, json, strlen(json), NULL), 0);
    assert_int_equal(ot_courier_parse(&l, t, OT_PAYLOAD_DELHIVERY_TRACKING, buf, len, NULL), 0);
    assert_int_equal(ot_update_list_get(l, 6)->shipment_status, OT_SHIPMENT_IN_TRANSIT);
    assert_int_equal(ot_update_list_get(l, 6)->flags, 0);
    ot_update_list_free(l);
    ot_courier_tables_free(t);
    free(buf);
}

/* Read every string of every update so the sanitizers see any bad pointer. */
static void touch(const ot_update_list *l)
{
    size_t i, total = 0;
    for (i = 0; i < ot_update_list_count(l); i++) {
        const ot_update *u = ot_update_list_get(l, i);
        const char *s[] = {u->tracking_id, u->order_id, u->event_id, u->raw_status, u->raw_type,
                           u->location, u->driver_id, u->driver_name, u->driver_phone,
                           u->vehicle_type, u->vehicle_number, u->photo_url, u->tracking_url,
                           u->notes};
        size_t k;
        for (k = 0; k < sizeof s / sizeof s[0]; k++)
            total += s[k] ? strlen(s[k]) : 0;
        assert_true(u->status >= 0 && u->status < OT_STATUS_COUNT);
        assert_true(u->shipment_status >= 0 && u->shipment_status < OT_SHIPMENT_COUNT);
    }
    (void)total;
}

static void check_outcome(const char *what, size_t n, int rc, const ot_update_list *l,
                          const ot_error *err)
{
    if (rc == 0) {
        assert_non_null(l);
        touch(l);
        return;
    }
    if (rc != OT_EPARSE)
        fail_msg("%s (%zu): unexpected rc %d: %s", what, n, rc, err->message);
    assert_null(l);
    assert_int_equal(err->code, rc);
    assert_true(err->message[0] != '\0');
}

/* Every prefix of every fixture, parsed as every payload kind: an error or a valid list. */
static void test_every_prefix(void **state)
{
    size_t f, n, len;
    int kind;
    (void)state;
    for (f = 0; f < FIXTURE_COUNT; f++) {
        char *buf = test_read_file(OT_TEST_COURIER_DATA, fixtures[f].file, &len);
        for (n = 0; n < len; n++)
            for (kind = 1; kind < OT_PAYLOAD_COUNT; kind++) {
                ot_update_list *l = NULL;
                ot_error err;
                char *copy = malloc(n ? n : 1); /* exact size: ASan catches over-reads */
                int rc;
                assert_non_null(copy);
                memcpy(copy, buf, n);
                ot_error_clear(&err);
                rc = ot_courier_parse(&l, NULL, kind, copy, n, &err);
                check_outcome(fixtures[f].file, n, rc, l, &err);
                /* Only the whole document (up to trailing white space) may parse. */
                if (rc == 0 && kind == fixtures[f].payload)
                    assert_true(strspn(buf + n, " \r\n\t") == len - n);
                ot_update_list_free(l);
                free(copy);
            }
        free(buf);
    }
}

static uint32_t rng_state = 0x2545F491u;
static uint32_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

/* Random byte flips (fixed seed) of every fixture, and random garbage. */
static void test_byte_flips_and_garbage(void **state)
{
    static const unsigned char specials[] = {'"', '{', '}', '[', ']', ',', ':', '\\', '0', '-',
                                             ' ', 'e', '.', 0x00, 0xff, 0xc3, 'n', 't'};
    size_t f, len, iter;
    (void)state;
    for (f = 0; f < FIXTURE_COUNT; f++) {
        char *buf = test_read_file(OT_TEST_COURIER_DATA, fixtures[f].file, &len);
        char *copy = malloc(len);
        assert_non_null(copy);
        for (iter = 0; iter < 1500; iter++) {
            ot_update_list *l = NULL;
            ot_error err;
            int flips = 1 + (int)(rng() % 3), k, rc;
            memcpy(copy, buf, len);
            for (k = 0; k < flips; k++) {
                size_t at = rng() % len;
                uint32_t r = rng();
                copy[at] = (char)(r & 1 ? specials[(r >> 1) % sizeof specials]
                                        : (unsigned char)(copy[at] ^ (1u << ((r >> 1) % 8))));
            }
            ot_error_clear(&err);
            rc = ot_courier_parse(&l, NULL, fixtures[f].payload, copy, len, &err);
            check_outcome(fixtures[f].file, iter, rc, l, &err);
            ot_update_list_free(l);
        }
        free(copy);
        free(buf);
    }
    for (iter = 0; iter < 2000; iter++) {
        unsigned char garbage[256];
        ot_update_list *l = NULL;
        ot_error err;
        size_t n = rng() % sizeof garbage, k;
        int rc;
        for (k = 0; k < n; k++)
            garbage[k] = (unsigned char)(iter & 1 ? specials[rng() % sizeof specials] : rng());
        ot_error_clear(&err);
        rc = ot_courier_parse(&l, NULL, 1 + (int)(iter % (OT_PAYLOAD_COUNT - 1)), garbage, n,
                              &err);
        check_outcome("garbage", iter, rc, l, &err);
        ot_update_list_free(l);
    }
}

/* Deeply nested and oversized structures are refused, not crashed on. */
static void test_hostile_shapes(void **state)
{
    size_t depth = 100000, i;
    char *deep = malloc(2 * depth + 1);
    ot_update_list *l = NULL;
    ot_error err;
    (void)state;
    assert_non_null(deep);
    for (i = 0; i < depth; i++) {
        deep[i] = '[';
        deep[depth + i] = ']';
    }
    deep[2 * depth] = '\0';
    assert_ot_error(ot_courier_parse(&l, NULL, OT_PAYLOAD_UBER_WEBHOOK, deep, 2 * depth, &err),
                    OT_EPARSE, err);
    free(deep);
    {
        static const char nul[] = "{\"kind\": \"event.delivery_status\\u0000x\"}";
        assert_ot_error(ot_courier_parse(&l, NULL, OT_PAYLOAD_UBER_WEBHOOK, nul, strlen(nul),
                                         &err), OT_EPARSE, err);
    }
    {   /* A long raw status is kept verbatim and reported unmapped. */
        char json[2048];
        char raw[1500];
        memset(raw, 'A', sizeof raw - 1);
        raw[sizeof raw - 1] = '\0';
        snprintf(json, sizeof json, "{\"event_name\": \"%s\", \"external_delivery_id\": \"x\"}",
                 raw);
        assert_int_equal(ot_courier_parse(&l, NULL, OT_PAYLOAD_DOORDASH_WEBHOOK, json,
                                          strlen(json), &err), 0);
        assert_int_equal(ot_update_list_get(l, 0)->flags, OT_UPDATE_UNMAPPED);
        assert_string_equal(ot_update_list_get(l, 0)->raw_status, raw);
        ot_update_list_free(l);
    }
}

/* Allocation-failure sweep: fail the n-th allocation for n = 1, 2, ... until the parse
 * succeeds; every failure is OT_ENOMEM (or OT_EPARSE where jansson reports its own
 * allocation failure as a syntax error) and leaks nothing (LeakSanitizer). */
static long alloc_budget = -1;
static void *failing_malloc(size_t size, void *ud)
{
    (void)ud;
    if (alloc_budget == 0)
        return NULL;
    if (alloc_budget > 0)
        alloc_budget--;
    return malloc(size);
}
static void *failing_realloc(void *p, size_t size, void *ud)
{
    (void)ud;
    if (alloc_budget == 0)
        return NULL;
    if (alloc_budget > 0)
        alloc_budget--;
    return realloc(p, size);
}
static void failing_free(void *p, void *ud)
{
    (void)ud;
    free(p);
}

static void test_allocation_failures(void **state)
{
    ot_allocator a = OT_ALLOCATOR_INIT;
    size_t f, len;
    (void)state;
    a.malloc = failing_malloc;
    a.realloc = failing_realloc;
    a.free = failing_free;
    assert_int_equal(ot_allocator_set(&a, NULL), 0);
    assert_int_equal(ot_allocator_route_jansson(NULL), 0); /* fail jansson's too */
    for (f = 0; f < FIXTURE_COUNT; f++) {
        char *buf = test_read_file(OT_TEST_COURIER_DATA, fixtures[f].file, &len);
        long n;
        for (n = 0;; n++) {
            ot_update_list *l = NULL;
            ot_error err;
            int rc;
            ot_error_clear(&err);
            alloc_budget = n;
            rc = ot_courier_parse(&l, NULL, fixtures[f].payload, buf, len, &err);
            alloc_budget = -1;
            if (rc == 0) {
                assert_int_equal(ot_update_list_count(l), fixtures[f].count);
                ot_update_list_free(l);
                break;
            }
            if (rc != OT_ENOMEM && rc != OT_EPARSE)
                fail_msg("%s, allocation %ld failing: rc %d", fixtures[f].file, n, rc);
            assert_null(l);
            assert_true(n < 100000);
        }
        free(buf);
    }
    {   /* Overrides too. */
        size_t olen;
        char *obuf = test_read_file(OT_TEST_COURIER_DATA, "overrides_example.json", &olen);
        long n;
        for (n = 0;; n++) {
            ot_courier_tables *t = NULL;
            int rc;
            alloc_budget = n;
            rc = ot_courier_tables_new(&t, NULL);
            if (rc == 0)
                rc = ot_courier_tables_load_overrides_json(t, obuf, olen, NULL);
            alloc_budget = -1;
            ot_courier_tables_free(t);
            if (rc == 0)
                break;
            assert_true(rc == OT_ENOMEM || rc == OT_EPARSE);
        }
        free(obuf);
    }
    assert_int_equal(ot_allocator_set(NULL, NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts),
        cmocka_unit_test(test_delhivery),
        cmocka_unit_test(test_shiprocket),
        cmocka_unit_test(test_velocity),
        cmocka_unit_test(test_uber),
        cmocka_unit_test(test_uber_courier_edges),
        cmocka_unit_test(test_doordash),
        cmocka_unit_test(test_inline_cases),
        cmocka_unit_test(test_nothing_to_track),
        cmocka_unit_test(test_bad_payloads),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_parse_with_overrides),
        cmocka_unit_test(test_every_prefix),
        cmocka_unit_test(test_byte_flips_and_garbage),
        cmocka_unit_test(test_hostile_shapes),
        cmocka_unit_test(test_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
