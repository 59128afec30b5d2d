/* ordertrack-poller's configuration: the JSON file of docs/API.md ("ordertrack-poller"). */
#ifndef OTP_CONFIG_H
#define OTP_CONFIG_H

#include <stddef.h>

#include <ordertrack/courier_def.h>

#include "alertsconf.h"
#include "exitcodes.h"
#include "cron.h"
#include "piiconf.h"

/* One courier account: where its API is and how to log in. */
typedef struct otp_courier {
    char *name;          /* "delhivery", "delhivery_b2b", "shiprocket", "velocity", or a
                            courier of courier_definitions with an "api" */
    int provider;        /* ot_provider, or the run-time courier's id */
    unsigned max_batch;  /* the most AWBs one request may carry */
    char *base_url;
    char *token;         /* delhivery: API token */
    char *username;      /* delhivery_b2b, velocity */
    char *email;         /* shiprocket */
    char *password;      /* delhivery_b2b, shiprocket, velocity */
} otp_courier;

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

/* Courier accounts a config may hold (the built-in four plus run-time couriers). */
#define OTP_COURIERS_MAX 16

typedef struct otp_config {
    char *storage;             /* memory:, sqlite:PATH, mongodb://... */
    otp_courier couriers[OTP_COURIERS_MAX];
    size_t n_couriers;
    otp_tracker *trackers;
    size_t n_trackers;
    ot_courier_registry *registry; /* the built-in couriers plus courier_definitions */
    otc_alerts alerts;         /* the `alerts` block (examples/common/alertsconf.h) */
    piiconf pii;               /* the "pii" block, as ordertrackd's; n_keys 0 without */
} otp_config;

/* Exit status of a refused configuration. */
enum { OTP_EXIT_CONFIG = OTC_EXIT_CONFIG };

/* Load and validate `path`. 0, or -1 with "FILE: field.path: what is wrong" in err. */
int otp_config_load_file(otp_config *cfg, const char *path, char *err, size_t errlen);

/* The tracker named `name`, or NULL. */
const otp_tracker *otp_config_tracker(const otp_config *cfg, const char *name);

void otp_config_free(otp_config *cfg);

#endif
