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

int otc_alerts_mail(ot_alerts *alerts, const otc_alerts *a, int if_any, char *err,
                    size_t errlen)
{
    ot_alerts_email email = OT_ALERTS_EMAIL_INIT;
    ot_curl_smtp_options smtp = OT_CURL_SMTP_OPTIONS_INIT;
    char *message = NULL;
    size_t len = 0;
    ot_error e;
    int rc;

    memset(&e, 0, sizeof e);
    email.from = a->email_from;
    email.to = (const char *const *)a->email_to;
    email.to_count = a->n_email_to;
    rc = if_any ? ot_alerts_report_if_any(&message, &len, alerts, &email, &e)
                : ot_alerts_report(&message, &len, alerts, &email, &e);
    if (rc == 0 && !message)
        return 0;
    if (rc == 0) {
        smtp.url = a->smtp_url;
        smtp.from = a->email_from;
        smtp.to = (const char *const *)a->email_to;
        smtp.to_count = a->n_email_to;
        smtp.tls = smtp_tls_for(a->smtp_url);
        rc = ot_curl_smtp_send(&smtp, message, len, &e);
    }
    ot_free(message);
    if (rc != 0) {
        snprintf(err, errlen, "%s", e.message);
        return -1;
    }
    return 1;
}
