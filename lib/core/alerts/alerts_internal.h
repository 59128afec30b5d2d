/* Internal: pieces of the alerts module shared between its files. Not installed. */
#ifndef OT_ALERTS_INTERNAL_H
#define OT_ALERTS_INTERNAL_H

#include <stddef.h>

#include "ordertrack/alerts.h"
#include "common.h"

/* Longest string member of an alert, in bytes. */
#define OT__ALERT_STRING_MAX 256
/* Kinds 1..OT__ALERT_KIND_MAX are known: the notice kinds 1..7, the integration kinds 8 and
 * 9, the notice kinds of the escalation ladder 11 and 12, the relay's dead letter 14,
 * reconcile's data inconsistency 15 (an order alert, as the notice kinds); notice
 * kinds 10 (OT_NOTICE_LOCATION_UPDATED) and 13 (OT_NOTICE_HISTORY_APPENDED) cue event
 * streams and are never alerts. */
#define OT__ALERT_KIND_MAX 15
#define OT__ALERT_IS_KNOWN(k)                                                         \
    ((k) >= 1 && (k) <= OT__ALERT_KIND_MAX && (k) != OT_NOTICE_LOCATION_UPDATED &&   \
     (k) != OT_NOTICE_HISTORY_APPENDED)
#define OT__ALERT_KIND_MASK                                                           \
    ((uint32_t)((1u << (OT__ALERT_KIND_MAX + 1)) - 2) &                              \
     ~((1u << OT_NOTICE_LOCATION_UPDATED) | (1u << OT_NOTICE_HISTORY_APPENDED)))
#define OT__ALERT_IS_INTEGRATION(k) \
    ((k) == OT_ALERT_INTEGRATION_DOWN || (k) == OT_ALERT_INTEGRATION_RECOVERED)
#define OT__ALERT_IS_NOTICE(k) (OT__ALERT_IS_KNOWN(k) && !OT__ALERT_IS_INTEGRATION(k))

/* A growing string; `failed` latches the first allocation failure. */
typedef struct ot__strbuf {
    char *data;
    size_t len;
    size_t cap;
    int failed;
} ot__strbuf;

void ot__sb_add(ot__strbuf *sb, const char *s, size_t n);
void ot__sb_adds(ot__strbuf *sb, const char *s);
void ot__sb_addf(ot__strbuf *sb, const char *fmt, ...) OT__PRINTF(2, 3);
/* Hand the NUL-terminated text to *out (and its length to *len, may be NULL); OT_ENOMEM (the
 * buffer freed) when an append failed. */
int ot__sb_finish(char **out, size_t *len, ot__strbuf *sb, const char *what, ot_error *err);

/* 1 if the n bytes are well-formed UTF-8 without control characters, else 0. */
int ot__text_valid(const char *s, size_t n);

/* "scheme://host[:port]/..." of `url`: without userinfo, path or query (which may hold
 * tokens), for error messages. */
void ot__url_redact(char *buf, size_t size, const char *url);

/* 0 when `url` is an absolute http(s) URL with a host and no whitespace or control
 * character; else OT_EINVAL naming `field` (never printing the URL). */
int ot__alerts_check_url(const char *url, const char *field, ot_error *err);

/* Bytes of an ot_alert of `version` (a known one). */
size_t ot__alert_size(unsigned version);

/* Copy the caller's `alert` (of its own version) into `*out` as the current version, the
 * newer members zeroed, and check it: 0 when usable (version, kind, strings, states, time);
 * else OT_EINVAL or OT_EVERSION naming the member, prefixed with `what` ("alert",
 * "alerts[3]"). */
int ot__alert_load(ot_alert *out, const ot_alert *alert, const char *what, ot_error *err);

/* ot_alerts_email_format of loaded alerts (checked, the current version). */
int ot__alerts_email_make(char **message, size_t *len, const ot_alerts_email *email,
                          const ot_alert *alerts, size_t n, ot_error *err);

/* The Slack message of several alerts of one kind and detail: a header "<title>: N orders"
 * and the first `cap` orders (order, store, courier, AWB where known), then "and N more". */
int ot__alert_slack_group_json(char **json, size_t *len, const ot_alert *const *alerts,
                               size_t n, size_t cap, ot_error *err);

/* One-line summary: "Order alert (lost): order O1, store S1, courier delhivery, AWB 123,
 * shipment in transit → lost, status in_transit → failed" (known parts only). */
void ot__alert_summary(ot__strbuf *sb, const ot_alert *alert);

/* Title of a kind with the detail: "Order alert (lost)", "SLA breach (delivery)". */
void ot__alert_title(ot__strbuf *sb, const ot_alert *alert);

#endif
