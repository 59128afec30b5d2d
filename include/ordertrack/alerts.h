/**
 * @file alerts.h
 * @brief Outbound alerts: Slack messages, the CRM's RTO webhook and e-mail summary reports.
 *
 * An `ot_alerts` dispatcher turns notices (ordertrack/notice.h) into messages and sends
 * them through an `ot_http_client` (ordertrack/http.h), whose policy retries them. Its
 * notice sink only copies the notice into a bounded queue, so the writer's thread never
 * blocks on the network and never fails; the host delivers the queue with
 * ot_alerts_flush() from a thread of its own (a background thread, or after a poll run).
 * There is no internal thread and no global state. A message that still fails after the
 * client's retries is kept (bounded) for the next flush; what is dropped is counted.
 *
 * The message formats are pure functions, usable without a dispatcher: the Slack
 * incoming-webhook JSON, the RTO webhook JSON (our contract with the CRM, docs/alerts.md) and
 * an RFC 5322 e-mail summary report, which libordertrack-curl's ot_curl_smtp_send() sends.
 *
 * Since 1.1: integration health (ot_alerts_integration(): one alert when an integration such
 * as a courier tracker starts failing, one when it works again, silence in between), Slack
 * messages grouped per flush (several alerts of one kind and detail make one message listing
 * their orders, at most OT_ALERTS_GROUP_MAX_ORDERS of them) and ot_alerts_report_if_any().
 */
#ifndef ORDERTRACK_ALERTS_H
#define ORDERTRACK_ALERTS_H

#include <stddef.h>
#include <stdint.h>

#include "export.h"
#include "error.h"
#include "http.h"
#include "sys/notice.h"

/**
 * Alert kinds beyond the notice kinds (ot_notice_kind 1..7 and 10, 11, notice.h, which
 * keeps 8 and 9 for these): raised by ot_alerts_integration(), never by the tracker. Values
 * are never renumbered.
 */
typedef enum ot_alert_kind {
    OT_ALERT_INTEGRATION_DOWN = 8,      /**< an integration started failing; detail: the reason */
    OT_ALERT_INTEGRATION_RECOVERED = 9, /**< it works again; detail: "down since <time>, N
                                             failed runs" */
    OT_ALERT_DATA_INCONSISTENCY = 15    /**< (since 1.13) a reconcile finding (reconcile.h);
                                             order_id required, detail "<class>: <what>" */
} ot_alert_kind;

/** Newest version of `ot_alert` this header describes (its `version` member). */
#define OT_ALERT_VERSION 2

/**
 * One alert: a notice plus what the notice does not carry (the courier and AWB), or an
 * integration alert. Filled by the caller; every string is borrowed for the duration of the
 * call and must be UTF-8. Version 1: the members up to `detail`; version 2 adds
 * `integration`. New members are only appended.
 */
typedef struct ot_alert {
    unsigned version;       /**< OT_ALERT_VERSION */
    int kind;               /**< ot_notice_kind (1..7, 11, 12, 14) or ot_alert_kind (8, 9,
                                 15) */
    const char *order_id;   /**< required for notice kinds; NULL for integration kinds */
    const char *store_id;   /**< NULL: unknown */
    const char *courier;    /**< delivery_provider wire name ("delhivery"), NULL: unknown */
    const char *awb;        /**< delivery_tracking_id (AWB or LR number), NULL: unknown */
    int from_status;        /**< ot_status before (0: unknown) */
    int to_status;          /**< ot_status after (0: unknown) */
    int from_shipment;      /**< ot_shipment_status before (0: none) */
    int to_shipment;        /**< ot_shipment_status after (0: none) */
    int64_t time_ms;        /**< when it happened, ms since the epoch (UTC) */
    const char *detail;     /**< alert reason, SLA stage or issue type; for integration kinds
                                 the failure or the outage; NULL: none */
    const char *integration; /**< (since 2) required for integration kinds, the name the
                                  host gave ("delhivery_b2c"); NULL for notice kinds */
} ot_alert;

/** Initialiser of `ot_alert` with its defaults at OT_ALERT_VERSION. */
#define OT_ALERT_INIT { OT_ALERT_VERSION, 0, NULL, NULL, NULL, NULL, 0, 0, 0, 0, 0, NULL, NULL }

/** Bit of notice kind `k` in ot_alerts_config.slack_kinds. */
#define OT_ALERTS_KIND_BIT(k) (1u << (unsigned)(k))
/** Kinds sent to Slack by default: ALERT, SLA_BREACH, the integration kinds, (since 1.2)
 *  the escalation ladder's TIMEOUT_ALERT and ESCALATION, (since 1.6) the relay's
 *  DEAD_LETTER and (since 1.13) reconcile's DATA_INCONSISTENCY. */
#define OT_ALERTS_SLACK_KINDS_DEFAULT                                                    \
    (OT_ALERTS_KIND_BIT(OT_NOTICE_ALERT) | OT_ALERTS_KIND_BIT(OT_NOTICE_SLA_BREACH) |     \
     OT_ALERTS_KIND_BIT(OT_ALERT_INTEGRATION_DOWN) |                                     \
     OT_ALERTS_KIND_BIT(OT_ALERT_INTEGRATION_RECOVERED) |                                \
     OT_ALERTS_KIND_BIT(OT_NOTICE_TIMEOUT_ALERT) | OT_ALERTS_KIND_BIT(OT_NOTICE_ESCALATION) | \
     OT_ALERTS_KIND_BIT(OT_NOTICE_DEAD_LETTER) |                                         \
     OT_ALERTS_KIND_BIT(OT_ALERT_DATA_INCONSISTENCY))

/**
 * A flush sends the Slack alerts of one kind and detail (e.g. every `sla_breach` `no_scan`
 * queued since the previous flush) as one message listing their orders: the first
 * OT_ALERTS_GROUP_MAX_ORDERS, then "and N more". A kind and detail met once gets its own
 * message with every field. Integration alerts and the RTO webhook are never grouped.
 */
#define OT_ALERTS_GROUP_MAX_ORDERS 20

/** Newest version of `ot_alerts_config` this header describes (its `version` member). */
#define OT_ALERTS_CONFIG_VERSION 1

/**
 * Configuration of a dispatcher, filled by the caller (start from OT_ALERTS_CONFIG_INIT).
 * Strings are copied by ot_alerts_new(); `http` is borrowed and must outlive the dispatcher.
 * Version 1 members are all of the following; new members are only appended.
 */
typedef struct ot_alerts_config {
    unsigned version;              /**< OT_ALERTS_CONFIG_VERSION */
    ot_http_client *http;          /**< required: sends every message (its policy retries) */
    const char *slack_webhook_url; /**< Slack incoming webhook (http/https); NULL: no Slack */
    const char *rto_webhook_url;   /**< CRM RTO webhook (http/https); NULL: no RTO webhook */
    const char *rto_auth_name;     /**< header sent to the RTO webhook, e.g. "Authorization";
                                        NULL: none */
    const char *rto_auth_value;    /**< its value, e.g. "Bearer ..."; never printed */
    uint32_t slack_kinds;          /**< OR of OT_ALERTS_KIND_BIT(kind) sent to Slack */
    size_t queue_capacity;         /**< alerts waiting for a flush (1..1000000) */
    size_t held_capacity;          /**< undelivered messages kept for the next flush (0..1000000) */
    size_t report_capacity;        /**< alerts kept for ot_alerts_report (0..1000000) */
    int64_t timeout_ms;            /**< per request (> 0, at most one day) */
    uint32_t report_kinds;         /**< OR of OT_ALERTS_KIND_BIT(kind) kept for the report */
    void *userdata;                /**< passed to lookup */
    /**
     * NULL: none. Called by ot_alerts_flush, on the flushing thread, for an alert that
     * lacks its courier or AWB (notices do not carry them): write what is known into the
     * buffers as NUL-terminated strings (e.g. from ot_tracker_get; "" leaves it unknown).
     * Must not call into this dispatcher.
     */
    void (*lookup)(void *userdata, const char *store_id, const char *order_id, char *courier,
                   size_t courier_size, char *awb, size_t awb_size);
} ot_alerts_config;

/** Kinds kept for the e-mail report by default: all but status and shipment changes (and the
 *  relay's dead letters). */
#define OT_ALERTS_REPORT_KINDS_DEFAULT                                                   \
    (OT_ALERTS_KIND_BIT(OT_NOTICE_ISSUE_RAISED) | OT_ALERTS_KIND_BIT(OT_NOTICE_SLA_WARNING) | \
     OT_ALERTS_KIND_BIT(OT_NOTICE_SLA_BREACH) | OT_ALERTS_KIND_BIT(OT_NOTICE_ALERT) |        \
     OT_ALERTS_KIND_BIT(OT_NOTICE_RTO_STARTED) |                                            \
     OT_ALERTS_KIND_BIT(OT_ALERT_INTEGRATION_DOWN) |                                        \
     OT_ALERTS_KIND_BIT(OT_ALERT_INTEGRATION_RECOVERED) |                                   \
     OT_ALERTS_KIND_BIT(OT_NOTICE_TIMEOUT_ALERT) | OT_ALERTS_KIND_BIT(OT_NOTICE_ESCALATION) | \
     OT_ALERTS_KIND_BIT(OT_ALERT_DATA_INCONSISTENCY))

/** Initialiser of `ot_alerts_config` with its defaults at OT_ALERTS_CONFIG_VERSION. */
#define OT_ALERTS_CONFIG_INIT                                                           \
    { OT_ALERTS_CONFIG_VERSION, NULL, NULL, NULL, NULL, NULL, OT_ALERTS_SLACK_KINDS_DEFAULT, \
      (size_t)1024, (size_t)1024, (size_t)1000, 10000, OT_ALERTS_REPORT_KINDS_DEFAULT, NULL, \
      NULL }

/** Newest version of `ot_alerts_stats` this header describes (its `version` member). */
#define OT_ALERTS_STATS_VERSION 1

/**
 * What a flush did. The caller sets `version` (OT_ALERTS_STATS_INIT); the library fills the
 * members of that version. Counts are since the previous flush unless said otherwise.
 */
typedef struct ot_alerts_stats {
    unsigned version;      /**< OT_ALERTS_STATS_VERSION */
    uint64_t sent;         /**< messages delivered (2xx) */
    uint64_t failed;       /**< messages that failed after the client's retries; kept */
    uint64_t dropped;      /**< failed messages dropped because the held list was full */
    uint64_t overflow;     /**< notices refused because the queue was full */
    uint64_t lost;         /**< notices that could not be copied (out of memory) */
    size_t pending;        /**< messages waiting after this flush (queued and held) */
} ot_alerts_stats;

/** Initialiser of `ot_alerts_stats` with its defaults at OT_ALERTS_STATS_VERSION. */
#define OT_ALERTS_STATS_INIT { OT_ALERTS_STATS_VERSION, 0, 0, 0, 0, 0, 0 }

/** Newest version of `ot_alerts_email` this header describes (its `version` member). */
#define OT_ALERTS_EMAIL_VERSION 1

/**
 * Envelope and framing of an e-mail summary report, filled by the caller. Strings are
 * borrowed. Version 1 members are all of the following; new members are only appended.
 */
typedef struct ot_alerts_email {
    unsigned version;          /**< OT_ALERTS_EMAIL_VERSION */
    const char *from;          /**< "alerts@example.com" or "Name <alerts@example.com>" */
    const char *const *to;     /**< to_count recipients, same forms */
    size_t to_count;           /**< 1..100 */
    const char *subject;       /**< UTF-8; NULL: "Order tracking alerts: N alerts" */
    int64_t period_start_ms;   /**< period reported (shown in the body); 0: none */
    int64_t period_end_ms;     /**< 0: none */
    int64_t date_ms;           /**< Date header (> 0); ot_alerts_report: 0 = now */
    uint64_t omitted;          /**< alerts not listed (shown in the body) */
} ot_alerts_email;

/** Initialiser of `ot_alerts_email` with its defaults at OT_ALERTS_EMAIL_VERSION. */
#define OT_ALERTS_EMAIL_INIT { OT_ALERTS_EMAIL_VERSION, NULL, NULL, 0, NULL, 0, 0, 0, 0 }

/** The dispatcher: opaque; every function below is thread-safe unless said otherwise. */
typedef struct ot_alerts ot_alerts;

OT_BEGIN_DECLS

/**
 * Fill `alert` with the defaults of `version` (for bindings that cannot use the macro).
 * @param alert the struct to fill (caller-owned)
 * @param version the struct version to fill, 1 to OT_ALERT_VERSION
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL for a NULL struct, or OT_EVERSION for a version this library does not
 *         know
 */
OT_EXTERN int ot_alert_init(ot_alert *alert, unsigned version, ot_error *err);
/**
 * Fill `config` with the defaults of `version` (the values of OT_ALERTS_CONFIG_INIT).
 * @param config the struct to fill (caller-owned)
 * @param version the struct version to fill, 1 to OT_ALERTS_CONFIG_VERSION
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL for a NULL struct, or OT_EVERSION for a version this library does not
 *         know
 */
OT_EXTERN int ot_alerts_config_init(ot_alerts_config *config, unsigned version, ot_error *err);
/**
 * Fill `stats` with the zeroes of `version`.
 * @param stats the struct to fill (caller-owned)
 * @param version the struct version to fill, 1 to OT_ALERTS_STATS_VERSION
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL for a NULL struct, or OT_EVERSION for a version this library does not
 *         know
 */
OT_EXTERN int ot_alerts_stats_init(ot_alerts_stats *stats, unsigned version, ot_error *err);
/**
 * Fill `email` with the defaults of `version`.
 * @param email the struct to fill (caller-owned)
 * @param version the struct version to fill, 1 to OT_ALERTS_EMAIL_VERSION
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL for a NULL struct, or OT_EVERSION for a version this library does not
 *         know
 */
OT_EXTERN int ot_alerts_email_init(ot_alerts_email *email, unsigned version, ot_error *err);

/**
 * Wire name of a notice or alert kind ("alert", "sla_breach", "rto_started",
 * "integration_down", "integration_recovered", ...) into `*name`
 * (static). OT_EINVAL for an unknown kind.
 * @param name receives the static wire name
 * @param kind an ot_notice_kind or ot_alert_kind
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_alert_kind_to_string(const char **name, int kind, ot_error *err);

/**
 * Slack incoming-webhook body for `alert`: `{"text": ..., "blocks": [...]}` naming the
 * order, store, courier and AWB where known, the states and the time (RFC 3339). `*json` is
 * NUL-terminated, `*len` excludes the NUL (`len` may be NULL); free it with ot_free().
 * OT_EINVAL names a bad member. Thread-safe.
 * @param json receives the NUL-terminated body (free with ot_free())
 * @param len receives the length of `*json` without the NUL; may be NULL
 * @param alert the alert to describe (read only)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_alert_slack_json(char **json, size_t *len, const ot_alert *alert,
                                  ot_error *err);
/**
 * RTO webhook body for `alert` (kind OT_NOTICE_RTO_STARTED):
 * `{"event":"rto_started","order_id":...,"store_id":...,"awb":...,"courier":...,"time":...}`,
 * unknown members null (docs/alerts.md). Ownership as ot_alert_slack_json. Thread-safe.
 * @param json receives the NUL-terminated body (free with ot_free())
 * @param len receives the length of `*json` without the NUL; may be NULL
 * @param alert the alert, of kind OT_NOTICE_RTO_STARTED (read only)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_alert_rto_json(char **json, size_t *len, const ot_alert *alert,
                                ot_error *err);
/**
 * RFC 5322 summary report of `alerts[0..n-1]` (n may be 0): headers From, To, Subject, Date,
 * Message-ID, MIME-Version, Content-Type text/plain UTF-8, then counts by kind and one line
 * per alert; lines end in CRLF. The Message-ID is derived from the content, so the same
 * input gives the same bytes. `*message` is freed with ot_free(); `len` may be NULL.
 * OT_EINVAL names a bad member or alert. Thread-safe.
 * @param message receives the NUL-terminated message (free with ot_free())
 * @param len receives the length of `*message` without the NUL; may be NULL
 * @param email sender, recipients, subject and the count of omitted alerts
 * @param alerts the alerts to report (may be NULL when `n` is 0)
 * @param n number of alerts in `alerts`
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_alerts_email_format(char **message, size_t *len, const ot_alerts_email *email,
                                     const ot_alert *alerts, size_t n, ot_error *err);

/**
 * New dispatcher into `*alerts` from `config` (copied; `config->http` borrowed). OT_EINVAL
 * names a bad member (URLs are never printed whole), OT_EVERSION an unknown version,
 * OT_ENOMEM. Free with ot_alerts_free().
 * @param alerts receives the new dispatcher (free with ot_alerts_free())
 * @param config the targets, kinds and capacities (copied; `config->http` borrowed)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_alerts_new(ot_alerts **alerts, const ot_alerts_config *config,
                            ot_error *err);
/**
 * Free the dispatcher and whatever is still queued or held. Accepts NULL. No call may be
 *  in flight and no tracker may still hold its sink.
 * @param alerts the dispatcher, or NULL
 */
OT_EXTERN void ot_alerts_free(ot_alerts *alerts);

/**
 * Fill `sink` with a notice sink that queues every notice into `alerts` (it never blocks on
 * the network and never fails: a full queue or an allocation failure is counted, see
 * ot_alerts_stats). Give it to the tracker's options; `alerts` must outlive the tracker.
 * @param sink the notice sink to fill (caller-owned)
 * @param alerts the dispatcher the sink queues into; must outlive every user of the sink
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_alerts_sink(ot_notice_sink *sink, ot_alerts *alerts, ot_error *err);

/**
 * Queue `alert` (copied), as the sink does, for callers that know more than a notice holds
 * (the poller knows the courier and AWB). OT_ELIMIT (counted as overflow) when the queue is
 * full, OT_EINVAL for a bad alert, OT_ENOMEM.
 * @param alerts the dispatcher
 * @param alert the alert to queue (copied)
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_alerts_push(ot_alerts *alerts, const ot_alert *alert, ot_error *err);

/**
 * Deliver everything queued and held, in order: Slack for the configured kinds, the RTO
 * webhook for OT_NOTICE_RTO_STARTED. Blocks on the network; flushes are serialised. Fills
 * `stats` (may be NULL; its version set by the caller). Returns 0 when every message was
 * delivered; OT_EHTTP (naming the target with its URL redacted and the status) when some
 * failed and were kept or dropped, as counted in `stats`; OT_EINVAL, OT_EVERSION.
 * @param alerts the dispatcher
 * @param stats receives the counts of this flush (its `version` set by the caller); may be NULL
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 when everything was delivered, OT_EHTTP when some deliveries failed, or another
 *         negative OT_E... code
 */
OT_EXTERN int ot_alerts_flush(ot_alerts *alerts, ot_alerts_stats *stats, ot_error *err);

/**
 * E-mail summary of every alert queued since the previous report (up to report_capacity;
 * the rest are counted as omitted), formatted as ot_alerts_email_format with `email`
 * (its `omitted` is added to), then forgotten. Send it with ot_curl_smtp_send().
 * @param message receives the NUL-terminated message (free with ot_free())
 * @param len receives the length of `*message` without the NUL; may be NULL
 * @param alerts the dispatcher
 * @param email sender, recipients and subject of the report
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_alerts_report(char **message, size_t *len, ot_alerts *alerts,
                               const ot_alerts_email *email, ot_error *err);

/**
 * (Since 1.1) As ot_alerts_report(), but only when something happened: when no alert waits
 * for the report (none queued since the previous report, none omitted), `*message` is NULL
 * and the answer 0, and nothing is formatted. The check and the taking are one step, so two
 * threads never both send the same alerts or an empty report.
 * @param message receives the NUL-terminated message (free with ot_free()), or NULL when no
 *        alert waits
 * @param len receives the length of `*message` without the NUL; may be NULL
 * @param alerts the dispatcher
 * @param email sender, recipients and subject of the report
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_alerts_report_if_any(char **message, size_t *len, ot_alerts *alerts,
                                      const ot_alerts_email *email, ot_error *err);

/** Sends a report: 0, or a negative OT_E... code naming the cause (see ot_alerts_report_send). */
typedef int (*ot_alerts_send_fn)(void *userdata, const char *message, size_t len,
                                 ot_error *err);

/**
 * (Since 1.3) Take the report as ot_alerts_report() (or, with `if_any`, as
 * ot_alerts_report_if_any(): nothing is sent when no alert waits) and hand it to `send`
 * (e.g. a call of ot_curl_smtp_send()). When `send` fails its answer is returned and the
 * alerts go back in front of newer ones, so the next report carries them: a failed delivery
 * loses nothing. `send` runs on the calling thread, outside the dispatcher's lock.
 * @param alerts the dispatcher
 * @param email sender, recipients and subject of the report
 * @param if_any 1: send nothing when no alert waits; 0: always send a report
 * @param send delivers the message; its non-zero answer keeps the alerts
 * @param userdata passed to `send` unchanged
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 when the report was sent (or nothing waited with `if_any`), `send`'s answer when it
 *         failed, or a negative OT_E... code
 */
OT_EXTERN int ot_alerts_report_send(ot_alerts *alerts, const ot_alerts_email *email, int if_any,
                                    ot_alerts_send_fn send, void *userdata, ot_error *err);

/**
 * (Since 1.1) Record the outcome of one run of `integration` (a name of the host's choosing,
 * e.g. the poller's tracker "delhivery_b2c"; UTF-8 text, 1..256 bytes) and queue an alert on
 * a change of health only:
 * - `ok` 0 while the integration is up (or not yet known): it goes down, and one
 *   OT_ALERT_INTEGRATION_DOWN alert is queued with `reason` (NULL: "failed"; control
 *   characters become spaces, cut at 256 bytes) as its detail;
 * - `ok` 0 while it is down: counted as one more failed run, nothing is queued;
 * - `ok` 1 while it is down: it is up again and one OT_ALERT_INTEGRATION_RECOVERED alert is
 *   queued ("down since <time of the first failure>, N failed runs");
 * - `ok` 1 while it is up: nothing.
 * The alerts go where their kinds are configured (Slack and the report by default) and are
 * delivered by the next flush. The state is kept per name in the dispatcher (at most 1024
 * names, OT_ELIMIT beyond), not across processes. `time_ms`: when the run ended, ms since the
 * epoch; 0: now. OT_EINVAL names a bad argument; OT_ELIMIT (counted as overflow) when the
 * queue is full: the change is recorded all the same. Thread-safe.
 * @param alerts the dispatcher
 * @param integration the integration's name (UTF-8, 1..256 bytes)
 * @param ok 1 when the run succeeded, 0 when it failed
 * @param reason why the run failed (NULL: "failed"); ignored when `ok` is 1
 * @param time_ms when the run ended, ms since the epoch; 0: now
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0 on success, or a negative OT_E... code described in `err`
 */
OT_EXTERN int ot_alerts_integration(ot_alerts *alerts, const char *integration, int ok,
                                    const char *reason, int64_t time_ms, ot_error *err);

OT_END_DECLS

#endif /* ORDERTRACK_ALERTS_H */
