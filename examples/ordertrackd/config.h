/* ordertrackd's configuration: the JSON file of docs/API.md, command-line overrides and the
 * defaults used without a file. */
#ifndef OTD_CONFIG_H
#define OTD_CONFIG_H

#include <stddef.h>

#include <jansson.h>

#include <ordertrack/courier_def.h>
#include <ordertrack/escalation.h>
#include <ordertrack/tracker.h>

#include "alertsconf.h"
#include "cmdline.h"
#include "dispatchconf.h"
#include "exitcodes.h"
#include "log.h"
#include "outboxconf.h"
#include "pageconf.h"
#include "piiconf.h"
#include "reconcileconf.h"

/* The most limits.max_uri_bytes and limits.max_header_bytes may be: libmicrohttpd's buffer
 * for a request's head is sized from them (server.c), so that the service, not the HTTP
 * library, answers a head over either limit, with the API's JSON error. */
#define OTD_HEAD_BYTES_MAX 65536

/* Roles of an API key; bit values so that routes can allow several. */
enum otd_role { OTD_ROLE_ADMIN = 1, OTD_ROLE_STORE = 2, OTD_ROLE_COURIER = 4 };

typedef struct otd_api_key {
    char *id;         /* safe to log: the entry's "id", or "api_keys[N]"; never the key */
    char *key;        /* the secret */
    int role;         /* one enum otd_role value */
    char **stores;    /* store ids a store key may touch */
    size_t n_stores;
    unsigned providers; /* courier keys: bit (1u << ot_provider) per provider whose orders
                           the key may touch; 0: every provider */
    char *driver_id;  /* courier keys: only orders assigned to this driver; NULL: any */
} otd_api_key;


typedef struct otd_config {
    char *host;                  /* numeric listen address, e.g. "127.0.0.1" or "::1" */
    unsigned port;               /* 0 asks the kernel for a free port */
    int ipv6;                    /* host is an IPv6 address */
    char *storage;               /* storage URI: memory:, sqlite:PATH, mongodb://... */
    otd_api_key *keys;
    size_t n_keys;
    json_t *webhooks;            /* partner -> {name: secret} object, owned; NULL if absent;
                                    a run-time courier's entry is {header, secret} */
    json_t *courier_definitions; /* the member as written (owned), or NULL; restart-only */
    ot_courier_registry *couriers; /* the built-in couriers plus courier_definitions (owned;
                                    the start-up config's serves every generation) */
    json_t *sla;                 /* raw "sla" object for the library's SLA loader; or NULL */
    size_t max_body_bytes;       /* limits.max_body_bytes, default 65536 */
    size_t max_uri_bytes;        /* limits.max_uri_bytes: the raw request target, default 8192 */
    size_t max_header_bytes;     /* limits.max_header_bytes: names and values, default 16384 */
    double requests_per_second;  /* limits.requests_per_second, default 200 */
    double burst;                /* limits.burst, default 400 */
    unsigned threads;            /* limits.threads: HTTP worker threads, default 4 */
    unsigned store_ack_sweep_ms; /* limits.store_ack_sweep_ms: store-ack timeout sweep, 30000 */
    ot_escalation_policy escalation; /* limits.store_ack_escalation_ms and
                                        limits.no_driver_escalation_attempts (the library's
                                        defaults: 600000, 3) */
    unsigned sla_sweep_ms;       /* limits.sla_sweep_ms: the library's SLA sweep, 30000 */
    unsigned gps_gap_ms;         /* limits.gps_gap_ms: the GPS-gap sweep (ot_tracker_gps_sweep)
                                    after each SLA sweep with this gap; 0: off (default).
                                    Reloads */
    unsigned max_event_streams;  /* limits.max_event_streams: open SSE streams, default 64 */
    unsigned event_heartbeat_ms; /* limits.event_heartbeat_ms: SSE heartbeat, default 15000 */
    unsigned location_event_ms;  /* limits.location_event_ms: at most one location event per
                                    stream per interval, default 1000 */
    double auth_failures_per_minute; /* limits.auth_failures_per_minute: failed
                                        authentications refilled per source address, 10 */
    double auth_failure_burst;   /* limits.auth_failure_burst: failures an address may make at
                                    once, default 10 */
    size_t auth_failure_sources; /* limits.auth_failure_sources: addresses remembered, 4096 */
    unsigned max_connections;    /* limits.max_connections: open HTTP connections, 512 */
    unsigned max_connections_per_address; /* limits.max_connections_per_address: open
                                             connections of one client address, 32 */
    unsigned connection_timeout_s; /* limits.connection_timeout_s: an idle connection (no
                                      byte either way) closes after it, 15 */
    unsigned request_timeout_s;  /* limits.request_timeout_s: a request body must arrive
                                    within it of the headers, 30 */
    unsigned max_event_streams_per_key; /* limits.max_event_streams_per_key: open SSE streams
                                           of one API key, default 16 */
    ot_tracker_options rules;    /* the store's rules in `limits` (examples/common/trackerconf.h:
                                    location_trail, clock_skew_ms, max_issues,
                                    max_substitutions, max_metadata_bytes, max_record_bytes;
                                    the library's defaults); only those members are set */
    otc_alerts alerts;           /* the `alerts` block; alerts.present 0 when absent */
    char *generated_admin_key;   /* without --config: the fresh admin key to print once */
    piiconf pii;                 /* the `pii` block (piiconf.h): n_keys 0 when absent;
                                    wiped on free */
    otd_dispatchconf dispatch;   /* the `dispatch` block (dispatchconf.h): present 0 when
                                    absent; restart-only */
    otd_pageconf tracking_page;  /* the `tracking_page` block (pageconf.h): present 0 when
                                    absent; reloads */
    otc_log_level log_level;     /* --log-level, default info */
    otc_log_format log_format;   /* --log-format, default text */
    otd_outboxconf outbox;       /* the `outbox`, `subscriptions` and `nats` blocks
                                    (outboxconf.h); restart-only */
    otd_reconcileconf reconcile; /* the `reconcile` block (reconcileconf.h): present 0 when
                                    absent; restart-only */
} otd_config;

/* Exit statuses of start-up failures (the shared table, exitcodes.h). */
enum { OTD_EXIT_CONFIG = OTC_EXIT_CONFIG, OTD_EXIT_USAGE = OTC_EXIT_USAGE };

/* The options otd_config_from_args takes, as data (cmdline.h): also the list --help prints. */
extern const otc_option otd_config_options[];
extern const size_t otd_config_n_options;

/* Set the defaults (no keys, 127.0.0.1:8080, sqlite:./ordertrack.db). 0 or -1 (no memory). */
int otd_config_defaults(otd_config *cfg);

/* Load and validate a JSON config from `text` (`name` is the file name used in messages).
 * On error returns -1 and writes "NAME: field.path: what is wrong" to err. */
int otd_config_load_string(otd_config *cfg, const char *text, const char *name, char *err,
                           size_t errlen);

/* Same, reading the file at `path`. */
int otd_config_load_file(otd_config *cfg, const char *path, char *err, size_t errlen);

/* Parse "HOST:PORT" ("[::1]:8080" for IPv6; "localhost" means 127.0.0.1) into cfg.
 * 0, or -1 with the reason in err. */
int otd_config_set_listen(otd_config *cfg, const char *text, char *err, size_t errlen);

/* Check and set the storage URI. 0, or -1 with the reason in err. */
int otd_config_set_storage(otd_config *cfg, const char *uri, char *err, size_t errlen);

/* Add an admin key made of 32 random bytes (hex), kept in generated_admin_key.
 * 0, or -1 with the reason in err. */
int otd_config_generate_admin_key(otd_config *cfg, char *err, size_t errlen);

/* `--config FILE [--listen HOST:PORT] [--storage URI] [--log-format json|text]
 * [--log-level debug|info|warn|error]` (also --opt=value): load the file or
 * take the defaults plus a generated admin key, then apply the flags. Returns 0,
 * OTD_EXIT_CONFIG (invalid file or value) or OTD_EXIT_USAGE (an unknown option or an
 * argument, named in err), with the message in err.
 * cfg is always initialised and must be freed with otd_config_free. */
int otd_config_from_args(otd_config *cfg, int argc, char **argv, char *err, size_t errlen);

/* Call `changed(ctx, member)` for each member that differs between `running` and `next`
 * and takes effect only at a restart (listen, storage, pii, the limits read when the server
 * starts: threads, connections, timeouts and event streams; outbox, subscriptions, nats). Returns how many differ. */
size_t otd_config_restart_diff(const otd_config *running, const otd_config *next,
                               void (*changed)(void *ctx, const char *member), void *ctx);

/* Free everything cfg owns. Accepts NULL and a zeroed struct. */
void otd_config_free(otd_config *cfg);

/* "admin", "store", "courier" or "?". */
const char *otd_role_name(int role);

#endif
