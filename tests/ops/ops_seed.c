/* ops_seed: fill a store with orders through the library's tracker (the records, histories and
 * hash chains are the library's own), for the operations tests and the benchmark.
 *
 *   ops_seed URI COUNT [PREFIX] [START_MS] [MIX]
 *
 * Order i is PREFIX-i (PREFIX default "o"), made on a clock starting at START_MS (default
 * 2026-01-01T00:00:00Z) and moving one second per write. MIX "full" (default): i % 3 == 0
 * walks every step to delivered, i % 3 == 1 is cancelled, i % 3 == 2 stays live in
 * picking_in_progress; MIX "short": every order is submitted then cancelled (two writes, for
 * large stores); MIX "parcel": Delhivery orders (AWB-i) the courier reports in transit, then
 * even ones cancelled by an operator (their shipment still moving: a status mismatch) and odd
 * ones reported lost without a lifecycle status; MIX "courier": Delhivery orders (CAWB-i) the
 * courier reports in transit, for reconcile's courier class. Prints the count made; exit 1 on any
 * failure. A sqlite: store is opened with synchronous=OFF (a bulk load: nothing is synced
 * until the end). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ordertrack/ordertrack.h>
#include <ordertrack/adapters/sqlite.h>
#include <ordertrack/sys/clock.h>
#include <ordertrack/sys/storage.h>

static int64_t fake_now(void *ud)
{
    int64_t *t = ud;
    return *t += 1000;
}

static int courier(ot_tracker *t, const char *id, const char *awb, int shipment, int status,
                   const char *event, ot_error *err)
{
    ot_update u = OT_UPDATE_INIT;
    u.provider = OT_PROVIDER_DELHIVERY;
    u.order_id = id;
    u.tracking_id = awb;
    u.event_id = event;
    u.raw_status = "seed";
    u.status = status;
    u.shipment_status = shipment;
    return ot_tracker_apply_update(NULL, t, &u, NULL, err);
}

static int step(ot_tracker *t, const char *id, int status, ot_error *err)
{
    ot_request r = OT_REQUEST_INIT;
    r.order_id = id;
    r.status = status;
    r.updated_by = "ops_seed";
    return ot_tracker_set_status(NULL, t, &r, err);
}

int main(int argc, char **argv)
{
    static const int full[] = {OT_STATUS_STORE_NOTIFIED,      OT_STATUS_STORE_ACKNOWLEDGED,
                               OT_STATUS_PICKING_IN_PROGRESS, OT_STATUS_READY_FOR_PICKUP,
                               OT_STATUS_DRIVER_ASSIGNED,     OT_STATUS_DRIVER_PICKUP_COMPLETE,
                               OT_STATUS_IN_TRANSIT,          OT_STATUS_DELIVERED};
    ot_tracker_options o = OT_TRACKER_OPTIONS_INIT;
    ot_clock clock = OT_CLOCK_INIT;
    ot_storage_registry *reg = NULL;
    ot_storage *storage = NULL;
    ot_tracker *t = NULL;
    const char *prefix = argc > 3 ? argv[3] : "o";
    int64_t now = argc > 4 ? strtoll(argv[4], NULL, 10) : 1767225600000LL;
    int shortmix = argc > 5 && strcmp(argv[5], "short") == 0;
    int parcel = argc > 5 && strcmp(argv[5], "parcel") == 0;
    int couriermix = argc > 5 && strcmp(argv[5], "courier") == 0;
    long count, i;
    ot_error err;
    int rc = 0;

    if (argc < 3 || (count = strtol(argv[2], NULL, 10)) < 0) {
        fprintf(stderr, "usage: ops_seed URI COUNT [PREFIX] [START_MS] [full|short|parcel|courier]\n");
        return 64;
    }
    if (strncmp(argv[1], "sqlite:", 7) == 0) {
        /* a bulk load: no fsync per write (a crash of the loader loses the file anyway) */
        ot_sqlite_options so = OT_SQLITE_OPTIONS_INIT;
        so.synchronous = OT_SQLITE_SYNC_OFF;
        if (ot_storage_sqlite_open(&storage, argv[1] + 7, &so, &err))
            goto fail;
    } else if (ot_storage_registry_new(&reg, &err) || ot_storage_sqlite_register(reg, &err) ||
               ot_storage_open_uri(&storage, reg, argv[1], &err)) {
        goto fail;
    }
    clock.userdata = &now;
    clock.now_ms = fake_now;
    o.storage = storage;
    o.clock = &clock;
    if (ot_tracker_new(&t, &o, &err))
        goto fail;
    for (i = 0; i < count && rc == 0; i++) {
        ot_request r = OT_REQUEST_INIT;
        char id[128], awb[64], ev[160];
        snprintf(id, sizeof id, "%s-%07ld", prefix, i);
        snprintf(awb, sizeof awb, "%sAWB-%ld", couriermix ? "C" : "", i);
        r.order_id = id;
        r.store_id = "store-1";
        r.customer_id = "cust-1";
        r.provider = parcel || couriermix ? OT_PROVIDER_DELHIVERY : OT_PROVIDER_INTERNAL;
        r.tracking_id = parcel || couriermix ? awb : NULL;
        if ((rc = ot_tracker_init_order(NULL, t, &r, &err)) != 0)
            break;
        if (parcel) {
            snprintf(ev, sizeof ev, "%s/1", id);
            rc = courier(t, id, awb, OT_SHIPMENT_IN_TRANSIT, OT_STATUS_IN_TRANSIT, ev, &err);
            snprintf(ev, sizeof ev, "%s/2", id);
            if (rc == 0 && i % 2 == 0)
                rc = step(t, id, OT_STATUS_CANCELLED, &err);
            else if (rc == 0)
                rc = courier(t, id, awb, OT_SHIPMENT_LOST, 0, ev, &err);
        } else if (couriermix) {
            snprintf(ev, sizeof ev, "%s/1", id);
            rc = courier(t, id, awb, OT_SHIPMENT_IN_TRANSIT, OT_STATUS_IN_TRANSIT, ev, &err);
        } else if (shortmix || i % 3 == 1) {
            rc = step(t, id, OT_STATUS_CANCELLED, &err);
        } else {
            size_t n = i % 3 == 0 ? sizeof full / sizeof full[0] : 2;
            for (size_t k = 0; k < n + (i % 3 == 2) && rc == 0; k++)
                rc = step(t, id, full[k], &err);
        }
    }
    if (rc)
        goto fail;
    printf("%ld\n", count);
    ot_tracker_free(t);
    ot_storage_close(storage);
    ot_storage_registry_free(reg);
    return 0;
fail:
    fprintf(stderr, "ops_seed: %s%s%s\n", err.field[0] ? err.field : "",
            err.field[0] ? ": " : "", err.message);
    ot_tracker_free(t);
    ot_storage_close(storage);
    ot_storage_registry_free(reg);
    return 1;
}
