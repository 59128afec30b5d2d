/* The `alerts` block shared by ordertrackd and ordertrack-poller, read by one function:
 * {slack_webhook_url, rto_webhook_url, email: {smtp_url, from, to[], daily_digest_at}}. */
#ifndef OT_EXAMPLES_ALERTSCONF_H
#define OT_EXAMPLES_ALERTSCONF_H

#include <stddef.h>
#include <stdint.h>

#include "jsonconf.h"

typedef struct otc_alerts {
    int present;                 /* the block was given */
    char *slack_webhook_url;     /* NULL: no Slack */
    char *rto_webhook_url;       /* NULL: no RTO webhook */
    char *smtp_url;              /* alerts.email; NULL: no e-mail report */
    char *email_from;
    char **email_to;
    size_t n_email_to;
    int digest_minute;           /* alerts.email.daily_digest_at, minutes after 00:00 UTC;
                                    -1: none (a report after each round that had alerts) */
} otc_alerts;

/* Read the block `obj` (path "alerts") into `a` (zeroed first; free with otc_alerts_free
 * even on failure). 0, or -1 with "NAME: alerts.field: what" in c's buffer. */
int otc_alerts_load(const jsonconf *c, otc_alerts *a, json_t *obj);

void otc_alerts_free(otc_alerts *a);

/* The first daily digest time strictly after `now_ms` (ms since the epoch, UTC). */
int64_t otc_alerts_digest_next(const otc_alerts *a, int64_t now_ms);

#endif
