/**
 * @file notice.h
 * @brief Notices: what the tracker reports after a successful commit (kinds and members).
 *
 * The tracker hands each notice to the host's notice sink (ordertrack/sys/notice.h). Kinds
 * and members are only appended (OT_NOTICE_VERSION is bumped); a reader must ignore kinds it
 * does not know.
 */
#ifndef ORDERTRACK_NOTICE_H
#define ORDERTRACK_NOTICE_H

#include <stdint.h>

/** What happened. Values are never renumbered; 8 and 9 are taken by the integration kinds
 *  of ordertrack/alerts.h (ot_alert_kind), so the notice kinds go on at 10, and 15 by its
 *  OT_ALERT_DATA_INCONSISTENCY (a new notice kind takes 16). */
typedef enum ot_notice_kind {
    OT_NOTICE_UNKNOWN = 0,
    OT_NOTICE_STATUS_CHANGED = 1,   /**< current_status changed: from_status → to_status */
    OT_NOTICE_SHIPMENT_CHANGED = 2, /**< shipment_status changed: from_shipment → to_shipment */
    OT_NOTICE_ISSUE_RAISED = 3,     /**< an issue was recorded; detail is its issue_type */
    OT_NOTICE_SLA_WARNING = 4,      /**< an SLA stage reached its warning threshold; detail is
                                         the stage wire name ("store_acknowledgment"...) */
    OT_NOTICE_SLA_BREACH = 5,       /**< an SLA stage ran over its allowance; detail: stage */
    OT_NOTICE_ALERT = 6,            /**< the order needs a person: detail is "lost", "destroy",
                                         "booking_cancelled", "cancelled" or "failed" */
    OT_NOTICE_RTO_STARTED = 7,      /**< the shipment entered "rto" (return to origin), or
                                         another return state from outside the return family;
                                         hosts call the CRM's RTO webhook */
    OT_NOTICE_LOCATION_UPDATED = 10, /**< (since 2) driver_location moved: a location report or
                                         a partner update carrying a newer position; no
                                         detail. Hosts stream it (it is not an alert). */
    OT_NOTICE_TIMEOUT_ALERT = 11,   /**< (since 2) escalation level 1, severity high: the
                                         order waited past its allowance; detail is the rule
                                         ("store_ack_timeout"), escalation.h */
    OT_NOTICE_ESCALATION = 12,      /**< (since 2) escalation level 2, severity critical:
                                         still stuck; detail "store_ack_timeout" (no
                                         acknowledgment after the further time) or
                                         "no_drivers" (the escalating attempt) */
    OT_NOTICE_HISTORY_APPENDED = 13, /**< (since 3) the write added entries to status_history,
                                         whatever they say (a driver reassigned, a note, an
                                         issue, a status); sent after the other notices of
                                         the write; no detail. Hosts stream it (it is not an
                                         alert). */
    OT_NOTICE_DEAD_LETTER = 14      /**< (since 4) sent by a relay (outbox.h), not by the
                                         tracker: an outbound event failed max_attempts
                                         times and was parked as a dead letter; detail is
                                         "<sink>:<event_id>", time_ms the relay's clock,
                                         order_id / store_id the event's, the statuses 0.
                                         Replay with ot_outbox_replay */
} ot_notice_kind;

/** Newest version of `ot_notice` this header describes (its `version` member). */
#define OT_NOTICE_VERSION 4

/** One notice; strings are borrowed for the duration of the callback. Version 1: all members;
 *  version 2 adds the kinds OT_NOTICE_LOCATION_UPDATED, OT_NOTICE_TIMEOUT_ALERT and
 *  OT_NOTICE_ESCALATION; version 3 the kind OT_NOTICE_HISTORY_APPENDED; version 4 the kind
 *  OT_NOTICE_DEAD_LETTER. */
typedef struct ot_notice {
    unsigned version;       /**< OT_NOTICE_VERSION of the library that filled it */
    int kind;               /**< ot_notice_kind */
    const char *order_id;   /**< the order concerned */
    const char *store_id;   /**< its store */
    int from_status;        /**< ot_status before the write */
    int to_status;          /**< ot_status after it */
    int from_shipment;      /**< ot_shipment_status before (0: none) */
    int to_shipment;        /**< ot_shipment_status after (0: none) */
    int64_t time_ms;        /**< commit time */
    const char *detail;     /**< issue_type for OT_NOTICE_ISSUE_RAISED, the stage for
                                 SLA_WARNING / SLA_BREACH, the reason for ALERT, the rule for
                                 TIMEOUT_ALERT / ESCALATION, else NULL */
} ot_notice;

#endif /* ORDERTRACK_NOTICE_H */
