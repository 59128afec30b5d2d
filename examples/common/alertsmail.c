/* The e-mail report through libordertrack-curl. */
#include "alertsmail.h"

#include <stdio.h>
#include <string.h>

#include <ordertrack/ordertrack.h>
#include <ordertrack/adapters/curl.h>

/* SMTP without TLS only for a relay on this host; anything else must use TLS. */
static int smtp_tls_for(const char *url)
{
    static const char *const local[] = {"smtp://127.0.0.1", "smtp://localhost", "smtp://[::1]"};
    size_t i, n;
    for (i = 0; i < sizeof local / sizeof local[0]; i++) {
        n = strlen(local[i]);
        if (strncmp(url, local[i], n) == 0 && strchr(":/", url[n] ? url[n] : '/'))
            return OT_CURL_SMTP_TLS_NONE;
    }
    return OT_CURL_SMTP_TLS_REQUIRED;
}

/* The report's delivery, for ot_alerts_report_send(). */
struct smtp_send {
    ot_curl_smtp_options smtp;
    int sent;
};

static int smtp_send(void *userdata, const char *message, size_t len, ot_error *err)
{
    struct smtp_send *s = userdata;
    int rc = ot_curl_smtp_send(&s->smtp, message, len, err);
    s->sent = rc == 0;
    return rc;
}

int otc_alerts_mail(ot_alerts *alerts, const otc_alerts *a, int if_any, char *err,
                    size_t errlen)
{
    ot_alerts_email email = OT_ALERTS_EMAIL_INIT;
    struct smtp_send s = {OT_CURL_SMTP_OPTIONS_INIT, 0};
    ot_error e;

    memset(&e, 0, sizeof e);
    email.from = a->email_from;
    email.to = (const char *const *)a->email_to;
    email.to_count = a->n_email_to;
    s.smtp.url = a->smtp_url;
    s.smtp.from = a->email_from;
    s.smtp.to = (const char *const *)a->email_to;
    s.smtp.to_count = a->n_email_to;
    s.smtp.tls = smtp_tls_for(a->smtp_url);
    if (ot_alerts_report_send(alerts, &email, if_any, smtp_send, &s, &e) != 0) {
        snprintf(err, errlen, "%s (the alerts are kept for the next report)", e.message);
        return -1;
    }
    return s.sent;
}
