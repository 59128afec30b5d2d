/* Sending the e-mail report of the `alerts` block (libordertrack-curl). Shared by the hosts. */
#ifndef OT_EXAMPLES_ALERTSMAIL_H
#define OT_EXAMPLES_ALERTSMAIL_H

#include <stddef.h>

#include <ordertrack/alerts.h>

#include "alertsconf.h"

/* Mail the report of `alerts` to the recipients of `a` (a->smtp_url must be set): every
 * alert since the previous report. With `if_any`, only when some alert waits (something
 * happened); without, always (the daily digest, "Alerts: 0" on a quiet day). SMTP without TLS
 * only to 127.0.0.1, localhost or [::1]; TLS otherwise. Returns 1 when sent, 0 when there was
 * nothing to send, -1 with the reason in `err` (the alerts of a report that could not be
 * sent are kept for the next one: ot_alerts_report_send). Thread-safe. */
int otc_alerts_mail(ot_alerts *alerts, const otc_alerts *a, int if_any, char *err,
                    size_t errlen);

#endif
