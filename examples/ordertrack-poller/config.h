/* ordertrack-poller's configuration: the JSON file of docs/API.md ("ordertrack-poller"). */
#ifndef OTP_CONFIG_H
#define OTP_CONFIG_H

#include <stddef.h>

#include <ordertrack/courier_def.h>

#include <ordertrack/tracker.h>

#include "alertsconf.h"
#include "courierconf.h"
#include "exitcodes.h"
#include "cron.h"
#include "piiconf.h"

/* One courier account (examples/common/courierconf.h). */
typedef otc_courier otp_courier;

/* One tracker of seed 001: a courier polled on a schedule. */
typedef struct otp_tracker {
    char *name;
    const otp_courier *courier;
    char *schedule_text;
    cron_expr schedule;
    unsigned batch_size;       /* AWBs per request, 1..the courier's maximum; 0: the courier
                                  client's (a courier of courier_definitions by default) */
    unsigned long max_orders;  /* 0: all */
    unsigned workers;          /* requests in flight */
    unsigned delay_ms;         /* pause between rounds of `workers` requests */
    int fallback;              /* the Delhivery fallback tracker: quiet orders only */
    unsigned fallback_after_minutes; /* with fallback: no courier event for this long */
} otp_tracker;

typedef struct otp_config {
    char *storage;             /* memory:, sqlite:PATH, mongodb://... */
    otc_couriers couriers;     /* the `couriers` block */
    otp_tracker *trackers;
    size_t n_trackers;
    ot_courier_registry *registry; /* the built-in couriers plus courier_definitions */
    otc_alerts alerts;         /* the `alerts` block (examples/common/alertsconf.h) */
    piiconf pii;               /* the "pii" block, as ordertrackd's; n_keys 0 without */
    ot_tracker_options rules;  /* the store's rules, as ordertrackd's: the `limits` block
                                  (examples/common/trackerconf.h) and `outbox` ({} sets
                                  rules.outbox); only those members are set */
} otp_config;

/* Exit status of a refused configuration. */
enum { OTP_EXIT_CONFIG = OTC_EXIT_CONFIG };

/* Load and validate `path`. 0, or -1 with "FILE: field.path: what is wrong" in err. */
int otp_config_load_file(otp_config *cfg, const char *path, char *err, size_t errlen);

/* The tracker named `name`, or NULL. */
const otp_tracker *otp_config_tracker(const otp_config *cfg, const char *name);

void otp_config_free(otp_config *cfg);

#endif
