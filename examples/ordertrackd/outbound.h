/* ordertrackd's outbound events (the `outbox`, `subscriptions` and `nats` blocks): the relay
 * thread delivering the storage's outbox to the configured sinks (the signed webhook through
 * libordertrack-curl, NATS JetStream through libordertrack-nats), and what wakes the event
 * streams (SSE) of every order another instance on the same store wrote: with `nats`, a
 * subscription to the stream's subjects (every instance's relay publishes there); without,
 * a thread that reads the outbox from a cursor every outbox.tail_ms. */
#ifndef OTD_OUTBOUND_H
#define OTD_OUTBOUND_H

#include <ordertrack/sys/notice.h>
#include <ordertrack/sys/storage.h>

#include "config.h"
#include "events.h"
#include "log.h"

typedef struct otd_outbound otd_outbound;

/* Start what cfg->outbox asks for: the NATS subscription or the tail thread (recording
 * on), the sinks and the relay thread (a `subscriptions` or `nats` block). The storage, hub, log and notice sink
 * (dead-letter notices) are borrowed and must outlive the result. 0, OTD_EXIT_CONFIG (a
 * member refused, named in the log line) or 1 (the reason logged); *out NULL when recording
 * is off. */
int otd_outbound_start(otd_outbound **out, const otd_config *cfg, const ot_storage *storage,
                       otd_events *hub, const otc_log *log, const ot_notice_sink *notices);

/* Stop both threads (the relay finishes its round) and close the sinks. Accepts NULL. */
void otd_outbound_stop(otd_outbound *ob);

#endif
