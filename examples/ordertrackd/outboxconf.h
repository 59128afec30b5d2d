/* ordertrackd's outbound-event blocks (docs/API.md): `outbox` (recording and the relay's
 * retry policy), `subscriptions` (the signed-webhook sink) and `nats` (the NATS JetStream
 * sink). Any of the three turns recording on (ot_tracker_options.outbox). All three take
 * effect at a restart only (config.c's restart diff compares them whole). */
#ifndef OTD_OUTBOXCONF_H
#define OTD_OUTBOXCONF_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "jsonconf.h"

typedef struct otd_subscription {
    char *url;
    char *secret;               /* wiped on free */
    int *event_types;           /* ot_event_type values; NULL: all */
    size_t n_event_types;
    char **stores;              /* NULL: every store */
    size_t n_stores;
    int64_t timeout_ms;         /* 0: the sink's default */
} otd_subscription;

typedef struct otd_outboxconf {
    int enabled;                /* any of the three blocks is present */
    /* outbox: the relay's options (ot_relay_options) and the SSE tail's interval */
    unsigned max_attempts;
    int64_t backoff_base_ms, backoff_max_ms;
    size_t batch_size;
    int64_t poll_interval_ms;
    int64_t retention_ms;
    unsigned tail_ms;           /* outbox.tail_ms: the SSE tail reads the outbox this often */
    /* subscriptions */
    otd_subscription *subs;
    size_t n_subs;
    /* nats (n_nats_servers 0: absent) */
    char **nats_servers;
    size_t n_nats_servers;
    char *nats_stream, *nats_prefix;
    int nats_replicas;
    int64_t nats_duplicate_window_ms, nats_timeout_ms;
    json_t *raw[3];             /* the blocks as given (outbox, subscriptions, nats), or NULL,
                                   for the restart diff */
} otd_outboxconf;

/* Names of the blocks, in the order of `raw`. */
extern const char *const otd_outboxconf_blocks[3];

/* The defaults (absent blocks: recording off). */
void otd_outboxconf_defaults(otd_outboxconf *oc);

/* Read the three blocks of `root` into oc (freed first). 0, or -1 with "NAME: path: what"
 * in the context's buffer. */
int otd_outboxconf_load(otd_outboxconf *oc, json_t *root, const jsonconf *c);

/* Free what oc owns (secrets wiped); leaves the defaults. Accepts a zeroed struct. */
void otd_outboxconf_free(otd_outboxconf *oc);

#endif
