/* The shared `alerts` block: every member checked, errors naming the field. */
#include "alertsconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_URL 2048

static const char *const alert_fields[] = {"slack_webhook_url", "rto_webhook_url", "email",
                                           NULL};
static const char *const email_fields[] = {"smtp_url", "from", "to", "daily_digest_at", NULL};

/* An optional http:// or https:// URL (the rest is checked by the library). */
static int load_url(const jsonconf *c, json_t *obj, const char *key, char **out)
{
    char where[64];
    if (jc_string(c, obj, "alerts", key, 0, MAX_URL, out) != 0)
        return -1;
    if (*out && strncmp(*out, "http://", 7) != 0 && strncmp(*out, "https://", 8) != 0)
        return jc_bad(c, jc_path(where, sizeof where, "alerts", key),
                      "must be an http:// or https:// URL");
    return 0;
}

/* "HH:MM" (00:00..23:59) into minutes after midnight. */
static int load_digest(const jsonconf *c, json_t *email, int *minute)
{
    char *text = NULL, end;
    unsigned h, m;
    int rc = 0;

    *minute = -1;
    if (jc_string(c, email, "alerts.email", "daily_digest_at", 0, 5, &text) != 0)
        return -1;
    if (!text)
        return 0;
    if (strlen(text) != 5 || text[2] != ':' || sscanf(text, "%2u:%2u%c", &h, &m, &end) != 2 ||
        h > 23 || m > 59)
        rc = jc_bad(c, "alerts.email.daily_digest_at", "must be \"HH:MM\" (UTC, 00:00..23:59)");
    else
        *minute = (int)(h * 60 + m);
    free(text);
    return rc;
}

int otc_alerts_load(const jsonconf *c, otc_alerts *a, json_t *obj)
{
    json_t *email, *to, *v;
    char where[64];
    size_t i;

    memset(a, 0, sizeof *a);
    a->digest_minute = -1;
    if (!json_is_object(obj))
        return jc_bad(c, "alerts", "must be an object");
    a->present = 1;
    if (jc_check_fields(c, obj, "alerts", alert_fields) != 0 ||
        load_url(c, obj, "slack_webhook_url", &a->slack_webhook_url) != 0 ||
        load_url(c, obj, "rto_webhook_url", &a->rto_webhook_url) != 0)
        return -1;
    email = json_object_get(obj, "email");
    if (!email || json_is_null(email))
        return 0;
    if (!json_is_object(email))
        return jc_bad(c, "alerts.email", "must be an object");
    if (jc_check_fields(c, email, "alerts.email", email_fields) != 0 ||
        jc_string(c, email, "alerts.email", "smtp_url", 1, MAX_URL, &a->smtp_url) != 0 ||
        jc_string(c, email, "alerts.email", "from", 1, 320, &a->email_from) != 0 ||
        load_digest(c, email, &a->digest_minute) != 0)
        return -1;
    if (strncmp(a->smtp_url, "smtp://", 7) != 0 && strncmp(a->smtp_url, "smtps://", 8) != 0)
        return jc_bad(c, "alerts.email.smtp_url", "must be an smtp:// or smtps:// URL");
    to = json_object_get(email, "to");
    if (!json_is_array(to) || json_array_size(to) == 0 || json_array_size(to) > 100)
        return jc_bad(c, "alerts.email.to", "must be an array of 1..100 addresses");
    if (!(a->email_to = calloc(json_array_size(to), sizeof *a->email_to)))
        return jc_bad(c, "alerts.email.to", "out of memory");
    json_array_foreach(to, i, v) {
        snprintf(where, sizeof where, "alerts.email.to[%zu]", i);
        if (!json_is_string(v) || !strchr(json_string_value(v), '@'))
            return jc_bad(c, where, "must be an e-mail address");
        if (!(a->email_to[i] = strdup(json_string_value(v))))
            return jc_bad(c, where, "out of memory");
        a->n_email_to = i + 1;
    }
    return 0;
}

void otc_alerts_free(otc_alerts *a)
{
    size_t i;
    for (i = 0; i < a->n_email_to; i++)
        free(a->email_to[i]);
    free(a->email_to);
    free(a->slack_webhook_url);
    free(a->rto_webhook_url);
    free(a->smtp_url);
    free(a->email_from);
    memset(a, 0, sizeof *a);
    a->digest_minute = -1;
}

int64_t otc_alerts_digest_next(const otc_alerts *a, int64_t now_ms)
{
    const int64_t day = 86400000;
    int64_t t = now_ms - now_ms % day + (int64_t)a->digest_minute * 60000;
    return t > now_ms ? t : t + day;
}
