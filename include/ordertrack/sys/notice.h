/**
 * @file sys/notice.h
 * @brief The notice sink: where the tracker reports after a successful commit.
 *
 * Hosts turn notices into Slack messages, webhooks or e-mails. The tracker calls the sink
 * only after a write is committed, never for a refused or replayed one, from the thread
 * that made the call; the sink must not call back into the same tracker for that order.
 * The notice itself (ot_notice and its kinds) is in ordertrack/notice.h, included here; a
 * sink must ignore kinds it does not know.
 */
#ifndef ORDERTRACK_SYS_NOTICE_H
#define ORDERTRACK_SYS_NOTICE_H

#include "../export.h"
#include "../error.h"
#include "../notice.h"

/** Newest version of `ot_notice_sink` this header describes (its `version` member). */
#define OT_NOTICE_SINK_VERSION 1

/** Version 1 members: version, userdata, notify (required). */
typedef struct ot_notice_sink {
    unsigned version;                                           /**< OT_NOTICE_SINK_VERSION */
    void *userdata;                                             /**< passed to notify */
    void (*notify)(void *userdata, const ot_notice *notice);    /**< must not fail */
} ot_notice_sink;

/** Initialiser of `ot_notice_sink` with its defaults at OT_NOTICE_SINK_VERSION. */
#define OT_NOTICE_SINK_INIT { OT_NOTICE_SINK_VERSION, NULL, NULL }

OT_BEGIN_DECLS

/**
 * Fill `sink` with the defaults of `version`, for bindings that cannot use the macro.
 * @param sink the struct to fill (caller-owned)
 * @param version the struct version to fill, 1 to OT_NOTICE_SINK_VERSION
 * @param err receives the code, the offending field and a message on failure; may be NULL
 * @return 0, OT_EINVAL for a NULL struct, or OT_EVERSION for a version this library does not
 *         know
 */
OT_EXTERN int ot_notice_sink_init(ot_notice_sink *sink, unsigned version, ot_error *err);

OT_END_DECLS

#endif /* ORDERTRACK_SYS_NOTICE_H */
