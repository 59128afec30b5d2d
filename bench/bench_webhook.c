/* Webhook ingest end to end in the library, for a ~1.4 KB Uber event.delivery_status payload
 * (tests/data/courier/uber_delivery_status.json with distinct ids): verify the HMAC
 * signature, parse, map, validate, commit to the memory store with ot_tracker_apply_update,
 * as ordertrackd's webhook route does. The limit, measured in the same run over the same
 * bytes: jansson parsing (json_loadb + json_decref) plus HMAC-SHA256.
 * Rounds alternate: a fresh store with N orders (not timed), the library ingesting the N
 * payloads (timed), then the bare parse + HMAC of the same N payloads (timed).
 * Usage: bench_webhook [SECONDS]   (default 3, or OT_BENCH_WEBHOOK_SECONDS)
 *        bench_webhook --iterations N   (N ingests on a fresh store, fixed work for callgrind) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <ordertrack/ordertrack.h>
#include <ordertrack/adapters/memory.h>
#include <ordertrack/sys/storage.h>
#include "bench_util.h"

#define KEY "uber-signing-key-0123456789"

static const char template_json[] =
    "{\n"
    "  \"id\": \"evt_%022ld\",\n"
    "  \"kind\": \"event.delivery_status\",\n"
    "  \"created\": \"2026-04-01T10:15:30.250Z\",\n"
    "  \"live_mode\": false,\n"
    "  \"delivery_id\": \"del_%022ld\",\n"
    "  \"status\": \"pickup\",\n"
    "  \"customer_id\": \"cus_1234\",\n"
    "  \"developer_id\": \"dev_5678\",\n"
    "  \"account_id\": \"acc_9\",\n"
    "  \"data\": {\n"
    "    \"id\": \"del_%022ld\",\n"
    "    \"status\": \"pickup\",\n"
    "    \"complete\": false,\n"
    "    \"courier_imminent\": true,\n"
    "    \"external_id\": \"ORD-%06ld\",\n"
    "    \"tracking_url\": \"https://www.ubereats.com/orders/abc\",\n"
    "    \"pickup_eta\": \"2026-04-01T10:17:00Z\",\n"
    "    \"dropoff_eta\": \"2026-04-01T10:40:00+00:00\",\n"
    "    \"dropoff_deadline\": \"2026-04-01T11:15:00Z\",\n"
    "    \"undeliverable_action\": \"\",\n"
    "    \"related_deliveries\": [],\n"
    "    \"pickup\": {\"name\": \"Store 1\", \"phone_number\": \"+15555550100\", \"address\": "
    "\"1 Market St\",\n"
    "               \"location\": {\"lat\": 37.7936, \"lng\": -122.3950}},\n"
    "    \"dropoff\": {\"name\": \"Ada\", \"phone_number\": \"+15555550101\", \"address\": "
    "\"2 Mission St\",\n"
    "                \"location\": {\"lat\": 37.7890, \"lng\": -122.4010}},\n"
    "    \"courier\": {\n"
    "      \"name\": \"Sam K.\",\n"
    "      \"phone_number\": \"+15555550199\",\n"
    "      \"location\": {\"lat\": 37.7930, \"lng\": -122.3960},\n"
    "      \"vehicle_type\": \"car\",\n"
    "      \"vehicle_make\": \"Toyota\",\n"
    "      \"vehicle_model\": \"Prius\",\n"
    "      \"vehicle_color\": \"blue\",\n"
    "      \"img_href\": \"https://cdn.example/courier.jpg\",\n"
    "      \"rating\": \"4.9\",\n"
    "      \"public_phone_info\": {\"phone_number\": \"+15555550000\", \"pin_code\": \"123 456\"}\n"
    "    }\n"
    "  }\n"
    "}\n";

typedef struct payload {
    char body[2048];
    size_t len;
    char sig[65];
    char order_id[32], delivery_id[32];
} payload;

static payload *payloads;
static long npayloads;
static volatile long sink;

static void make_payloads(long n)
{
    long i;
    payloads = calloc((size_t)n, sizeof *payloads);
    if (!payloads)
        exit(1);
    npayloads = n;
    for (i = 0; i < n; i++) {
        payload *p = &payloads[i];
        unsigned char mac[EVP_MAX_MD_SIZE];
        unsigned int mac_len = 0, k;
        p->len = (size_t)snprintf(p->body, sizeof p->body, template_json, i, i, i, i);
        snprintf(p->order_id, sizeof p->order_id, "ORD-%06ld", i);
        snprintf(p->delivery_id, sizeof p->delivery_id, "del_%022ld", i);
        HMAC(EVP_sha256(), KEY, (int)strlen(KEY), (const unsigned char *)p->body, p->len, mac,
             &mac_len);
        for (k = 0; k < mac_len; k++)
            snprintf(p->sig + 2 * k, 3, "%02x", mac[k]);
    }
}

/* A fresh memory store and tracker with one Uber order per payload. */
static int setup(ot_storage **storage, ot_tracker **tracker)
{
    ot_tracker_options o = OT_TRACKER_OPTIONS_INIT;
    ot_error err;
    long i;
    if (ot_storage_memory_new(storage, &err))
        return -1;
    o.storage = *storage;
    if (ot_tracker_new(tracker, &o, &err))
        return -1;
    for (i = 0; i < npayloads; i++) {
        ot_request r = OT_REQUEST_INIT;
        r.order_id = payloads[i].order_id;
        r.store_id = "store-1";
        r.customer_id = "cust-1";
        r.provider = OT_PROVIDER_UBER;
        r.tracking_id = payloads[i].delivery_id;
        if (ot_tracker_init_order(NULL, *tracker, &r, &err)) {
            fprintf(stderr, "bench_webhook: init: %s\n", err.message);
            return -1;
        }
    }
    return 0;
}

static void teardown(ot_storage *storage, ot_tracker *tracker)
{
    ot_tracker_free(tracker);
    ot_storage_close(storage);
}

/* The library path of one webhook, as ordertrackd runs it. 0 when applied. */
static int ingest(ot_tracker *tracker, const payload *p)
{
    ot_update_list *list = NULL;
    ot_error err;
    size_t i, n;
    int rc;
    if ((rc = ot_webhook_verify_uber(KEY, sizeof KEY - 1, p->body, p->len, p->sig, &err)))
        return rc;
    if ((rc = ot_courier_parse(&list, NULL, OT_PAYLOAD_UBER_WEBHOOK, p->body, p->len, &err)))
        return rc;
    n = ot_update_list_count(list);
    for (i = 0; i < n && rc == 0; i++)
        rc = ot_tracker_apply_update(NULL, tracker, ot_update_list_get(list, i), NULL, &err);
    if (rc)
        fprintf(stderr, "bench_webhook: apply: %s\n", err.message);
    ot_update_list_free(list);
    return rc;
}

/* The bare limit: parse the same bytes with jansson and HMAC them. */
static void bare(const payload *p)
{
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    json_error_t jerr;
    json_t *doc;
    HMAC(EVP_sha256(), KEY, (int)sizeof KEY - 1, (const unsigned char *)p->body, p->len, mac,
         &mac_len);
    doc = json_loadb(p->body, p->len, 0, &jerr);
    sink += (long)mac[0] + (doc != NULL);
    json_decref(doc);
}

/* The fixed work of the callgrind regression check (--iterations): every payload ingested
 * once, out of line and external so that callgrind --toggle-collect=cg_webhook_ingest counts
 * exactly the library path. */
int cg_webhook_ingest(ot_tracker *tracker);
__attribute__((noinline)) int cg_webhook_ingest(ot_tracker *tracker)
{
    long i;
    for (i = 0; i < npayloads; i++)
        if (ingest(tracker, &payloads[i]))
            return -1;
    return 0;
}

int main(int argc, char **argv)
{
    double secs = bench_env_seconds("OT_BENCH_WEBHOOK_SECONDS", 3.0);
    double lib_time = 0, bare_time = 0, t0, start;
    long lib_n = 0, bare_n = 0, iterations = 0, i, per_round = 2000;
    static double pairs[BENCH_MAX_PAIRS];
    size_t npairs = 0;

    if (argc > 2 && strcmp(argv[1], "--iterations") == 0)
        iterations = atol(argv[2]);
    else if (argc > 1)
        secs = atof(argv[1]);
    make_payloads(iterations > 0 ? iterations : per_round);
    if (iterations > 0) {
        ot_storage *storage = NULL;
        ot_tracker *tracker = NULL;
        int rc = setup(&storage, &tracker) || cg_webhook_ingest(tracker);
        teardown(storage, tracker);
        free(payloads);
        printf("ingests %ld\n", rc ? 0 : iterations);
        return rc;
    }
    start = bench_now();
    do {
        double lib_round, bare_round;
        ot_storage *storage = NULL;
        ot_tracker *tracker = NULL;
        if (setup(&storage, &tracker))
            return 1;
        t0 = bench_now();
        for (i = 0; i < npayloads; i++)
            if (ingest(tracker, &payloads[i]))
                return 1;
        lib_round = bench_now() - t0;
        lib_time += lib_round;
        lib_n += npayloads;
        teardown(storage, tracker);
        t0 = bench_now();
        for (i = 0; i < npayloads; i++)
            bare(&payloads[i]);
        bare_round = bench_now() - t0;
        bare_time += bare_round;
        bare_n += npayloads;
        if (npairs < BENCH_MAX_PAIRS)
            pairs[npairs++] = bare_round / lib_round;
    } while (bench_now() - start < secs);
    bench_result("webhook.payload_bytes", (double)payloads[0].len);
    bench_result("webhook.lib_per_s", (double)lib_n / lib_time);
    bench_result("webhook.bare_per_s", (double)bare_n / bare_time);
    /* the median of the pairs (a library round, then the bare round after it): a burst of
     * another job on the shared machine spoils a pair, not the figure */
    bench_result("webhook.ratio", bench_median(pairs, npairs));
    bench_result("webhook.pairs", (double)npairs);
    free(payloads);
    return 0;
}
