/* The "couriers" block of the host programs' configs (ordertrack-poller's top level,
 * ordertrackd's reconcile.couriers, the file of `ordertrack reconcile --couriers`): one
 * courier account per
 * member, {"base_url", and the courier's credentials}, read by one function and turned into
 * the library's courier clients (poll.h) by another. */
#ifndef OT_EXAMPLES_COURIERCONF_H
#define OT_EXAMPLES_COURIERCONF_H

#include <stddef.h>

#include <ordertrack/courier_def.h>
#include <ordertrack/poll.h>

#include "jsonconf.h"

/* One courier account: where its API is and how to log in. */
typedef struct otc_courier {
    char *name;          /* "delhivery", "delhivery_b2b", "shiprocket", "velocity", or a
                            courier of courier_definitions with an "api" */
    int provider;        /* ot_provider, or the run-time courier's id */
    unsigned max_batch;  /* the most AWBs one request may carry */
    char *base_url;
    char *token;         /* delhivery: API token */
    char *username;      /* delhivery_b2b, velocity */
    char *email;         /* shiprocket */
    char *password;      /* delhivery_b2b, shiprocket, velocity */
} otc_courier;

/* Courier accounts a block may hold (the built-in four plus run-time couriers). */
#define OTC_COURIERS_MAX 16

typedef struct otc_couriers {
    otc_courier list[OTC_COURIERS_MAX];
    size_t n;
} otc_couriers;

/* Read the block `obj` at `path` ("couriers", "reconcile.couriers") into `out` (zeroed
 * first; free with otc_couriers_free even on failure): at least one courier, each named by
 * a built-in courier or a courier of `registry` with an "api". 0, or -1 with "NAME:
 * PATH.courier.field: what" in c's buffer. */
int otc_couriers_load(const jsonconf *c, otc_couriers *out, json_t *obj, const char *path,
                      const ot_courier_registry *registry);

/* A courier client for `k` (the run-time couriers of `registry`) into `*out`; 0, or the
 * library's code with its message in `err`. */
int otc_courier_client_new(ot_courier_client **out, const otc_courier *k,
                           const ot_courier_registry *registry, ot_error *err);

/* Free what `couriers` holds, the secrets wiped. Accepts a zeroed struct. */
void otc_couriers_free(otc_couriers *couriers);

#endif
