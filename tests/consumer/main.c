/* A consumer of the installed library: uses the public API only. */
#include <stdio.h>
#include <string.h>

#include <ordertrack/ordertrack.h>
#include <ordertrack/adapters/memory.h>

/* The engine through the installed headers: memory storage, a tracker, two writes. */
static int use_tracker(void)
{
    ot_storage *storage = NULL;
    ot_tracker *tracker = NULL;
    ot_tracker_options options = OT_TRACKER_OPTIONS_INIT;
    ot_request request = OT_REQUEST_INIT;
    ot_order *order = NULL;
    ot_error err;
    int rc;

    if ((rc = ot_storage_memory_new(&storage, &err)) != 0)
        goto out;
    options.storage = storage;
    if ((rc = ot_tracker_new(&tracker, &options, &err)) != 0)
        goto out;
    request.order_id = "consumer-1";
    request.store_id = "store-1";
    request.customer_id = "customer-1";
    request.provider = OT_PROVIDER_INTERNAL;
    if ((rc = ot_tracker_init_order(NULL, tracker, &request, &err)) != 0)
        goto out;
    request.status = OT_STATUS_STORE_NOTIFIED;
    if ((rc = ot_tracker_set_status(&order, tracker, &request, &err)) != 0)
        goto out;
    rc = ot_order_verify_history(order, &err);
    if (rc == 0 && ot_order_version(order) != 2)
        rc = -1;
out:
    if (rc)
        fprintf(stderr, "tracker: %s\n", err.message);
    ot_order_free(order);
    ot_tracker_free(tracker);
    ot_storage_close(storage);
    return rc;
}

int main(void)
{
    ot_error err;
    ot_status from, to;

    if (ot_version() != OT_VERSION_HEX) {
        fprintf(stderr, "header/library version mismatch: %s\n", ot_version_string());
        return 1;
    }
    if (ot_status_from_string(&from, "in_transit", &err) != 0
        || ot_status_from_string(&to, "delivered", &err) != 0) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    if (ot_status_transition_check(from, to, OT_SOURCE_API, &err) != 0) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    if (ot_status_transition_check(to, from, OT_SOURCE_API, &err) != OT_ETRANSITION
        || strcmp(err.from, "delivered") != 0) {
        fprintf(stderr, "expected an illegal transition\n");
        return 1;
    }
    if (use_tracker() != 0)
        return 1;
    printf("consumer ok: libordertrack %s\n", ot_version_string());
    return 0;
}
