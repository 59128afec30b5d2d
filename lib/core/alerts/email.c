/* The RFC 5322 e-mail summary report of a set of alerts. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "common.h"
#include "alerts/alerts_internal.h"
#include "base/hash_internal.h"
#include "base/time_internal.h"

#define MAX_RECIPIENTS 100
#define MAX_SUBJECT 200

/* An address "a@b.c" or "Name <a@b.c>": UTF-8 text without controls, with an '@'. */
static int check_address(const char *s, const char *field, ot_error *err)
{
    size_t n;
    if (!s)
        return ot__error_field(err, OT_EINVAL, field, "%s is NULL", field);
    n = strlen(s);
    if (n == 0 || n > OT__ALERT_STRING_MAX || !ot__text_valid(s, n) || !strchr(s, '@'))
        return ot__error_field(err, OT_EINVAL, field,
                               "%s is not an e-mail address (text with '@', at most %d bytes)",
                               field, OT__ALERT_STRING_MAX);
    return 0;
}

static int check_email(const ot_alerts_email *e, ot_error *err)
{
    char field[32];
    size_t i;
    int rc;

    if (!e)
        return ot__error_field(err, OT_EINVAL, "email", "email is NULL");
    if ((rc = ot__check_version(e->version, OT_ALERTS_EMAIL_VERSION, "email", err)) != 0)
        return rc;
    if ((rc = check_address(e->from, "from", err)) != 0)
        return rc;
    if (!e->to || e->to_count < 1 || e->to_count > MAX_RECIPIENTS)
        return ot__error_field(err, OT_EINVAL, "to", "to must hold 1..%d recipients (has %zu)",
                               MAX_RECIPIENTS, e->to ? e->to_count : (size_t)0);
    for (i = 0; i < e->to_count; i++) {
        snprintf(field, sizeof field, "to[%zu]", i);
        if ((rc = check_address(e->to[i], field, err)) != 0)
            return rc;
    }
    if (e->subject && (strlen(e->subject) > MAX_SUBJECT ||
                       !ot__text_valid(e->subject, strlen(e->subject))))
        return ot__error_field(err, OT_EINVAL, "subject",
                               "subject is not UTF-8 text of at most %d bytes", MAX_SUBJECT);
    if (e->date_ms <= 0 || !ot__time_representable(e->date_ms))
        return ot__error_field(err, OT_EINVAL, "date_ms", "date_ms %lld is out of range",
                               (long long)e->date_ms);
    if ((e->period_start_ms && !ot__time_representable(e->period_start_ms)) ||
        (e->period_end_ms && !ot__time_representable(e->period_end_ms)))
        return ot__error_field(err, OT_EINVAL, "period_start_ms", "the period is out of range");
    return 0;
}

/* RFC 5322 date-time in UTC: "Mon, 23 Nov 2026 06:40:01 +0000". */
static void add_date(ot__strbuf *sb, int64_t ms)
{
    static const char *const days[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    char t[OT__TIME_SIZE];
    int y, mo, d, h, mi, s;

    ot__time_format(t, ms);
    sscanf(t, "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &s);
    ot__sb_addf(sb, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[(ms / 86400000) % 7], d,
                months[mo - 1], y, h, mi, s);
}

/* The subject as is when printable ASCII, else RFC 2047 encoded words of at most 45 bytes
 * of UTF-8 each (60 base64 characters), folded onto continuation lines. */
static void add_subject(ot__strbuf *sb, const char *subject)
{
    const unsigned char *p = (const unsigned char *)subject;
    size_t n = strlen(subject), i, start = 0;
    int ascii = 1;

    for (i = 0; i < n; i++)
        if (p[i] >= 0x80)
            ascii = 0;
    if (ascii) {
        ot__sb_adds(sb, subject);
        return;
    }
    while (start < n) {
        unsigned char out[64];
        size_t end = start + 45 < n ? start + 45 : n;
        while (end < n && (p[end] & 0xc0) == 0x80)      /* never split a character */
            end--;
        EVP_EncodeBlock(out, p + start, (int)(end - start));
        ot__sb_addf(sb, "%s=?UTF-8?B?%s?=", start ? "\r\n " : "", (const char *)out);
        start = end;
    }
}

/* Headers then body into `sb`; the Message-ID is the hash of everything else. */
static int build(ot__strbuf *sb, const ot_alerts_email *e, const ot_alert *alerts, size_t n,
                 ot_error *err)
{
    ot__strbuf body = {0};
    uint64_t counts[OT__ALERT_KIND_MAX + 1] = {0};
    char t[OT__TIME_SIZE], hex[65];
    const char *domain, *end;
    size_t i;
    int k, rc;

    for (i = 0; i < n; i++)
        counts[alerts[i].kind]++;
    ot__sb_adds(&body, "Order tracking alerts\r\n");
    if (e->period_start_ms || e->period_end_ms) {
        ot__sb_adds(&body, "Period:");
        if (e->period_start_ms) {
            ot__time_format(t, e->period_start_ms);
            ot__sb_addf(&body, " from %s", t);
        }
        if (e->period_end_ms) {
            ot__time_format(t, e->period_end_ms);
            ot__sb_addf(&body, " to %s", t);
        }
        ot__sb_adds(&body, "\r\n");
    }
    ot__sb_addf(&body, "Alerts: %zu", n);
    if (e->omitted)
        ot__sb_addf(&body, " listed, %llu more not listed", (unsigned long long)e->omitted);
    ot__sb_adds(&body, "\r\n");
    if (n) {
        ot__sb_adds(&body, "\r\nCounts by kind:\r\n");
        for (k = 1; k <= OT__ALERT_KIND_MAX; k++) {
            const char *name;
            if (!counts[k] || !OT__ALERT_IS_KNOWN(k))
                continue;
            ot_alert_kind_to_string(&name, k, NULL);
            ot__sb_addf(&body, "  %s: %llu\r\n", name, (unsigned long long)counts[k]);
        }
        ot__sb_adds(&body, "\r\nAlerts:\r\n");
        for (i = 0; i < n; i++) {
            ot__time_format(t, alerts[i].time_ms);
            ot__sb_addf(&body, "  %s ", t);
            ot__alert_summary(&body, &alerts[i]);
            ot__sb_adds(&body, "\r\n");
        }
    }

    ot__sb_addf(sb, "From: %s\r\nTo: ", e->from);
    for (i = 0; i < e->to_count; i++)
        ot__sb_addf(sb, "%s%s", i ? ",\r\n " : "", e->to[i]);
    ot__sb_adds(sb, "\r\nSubject: ");
    if (e->subject)
        add_subject(sb, e->subject);
    else
        ot__sb_addf(sb, "Order tracking alerts: %zu alert%s", n, n == 1 ? "" : "s");
    ot__sb_adds(sb, "\r\nDate: ");
    add_date(sb, e->date_ms);
    if (sb->failed || body.failed) {
        ot__free(body.data);
        return ot__error_set(err, OT_ENOMEM, "out of memory formatting the e-mail report");
    }
    /* The same headers and body give the same Message-ID; a different report another. */
    ot__sb_add(sb, body.data, body.len);
    rc = sb->failed ? OT_ENOMEM : ot__sha256_hex(hex, sb->data, sb->len, err);
    if (rc) {
        ot__free(body.data);
        return ot__error_set(err, rc, "cannot hash the e-mail report");
    }
    sb->len -= body.len;
    sb->data[sb->len] = '\0';
    domain = strrchr(e->from, '@') + 1;
    end = domain + strcspn(domain, "> ");
    ot__sb_addf(sb, "\r\nMessage-ID: <%.32s@%.*s>\r\n", hex, (int)(end - domain), domain);
    ot__sb_adds(sb, "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
                    "Content-Transfer-Encoding: 8bit\r\n\r\n");
    ot__sb_add(sb, body.data, body.len);
    ot__free(body.data);
    return 0;
}

int ot__alerts_email_make(char **message, size_t *len, const ot_alerts_email *email,
                          const ot_alert *alerts, size_t n, ot_error *err)
{
    ot__strbuf sb = {0};
    int rc;

    if ((rc = check_email(email, err)) != 0)
        return rc;
    if ((rc = build(&sb, email, alerts, n, err)) != 0) {
        ot__free(sb.data);
        return rc;
    }
    return ot__sb_finish(message, len, &sb, "the e-mail report", err);
}

int ot_alerts_email_format(char **message, size_t *len, const ot_alerts_email *email,
                           const ot_alert *alerts, size_t n, ot_error *err)
{
    ot_alert *list = NULL;
    size_t i, stride;
    char what[32];
    int rc = 0;

    if (!message)
        return ot__error_field(err, OT_EINVAL, "message", "message is NULL");
    *message = NULL;
    if ((rc = check_email(email, err)) != 0)
        return rc;
    if (n && !alerts)
        return ot__error_field(err, OT_EINVAL, "alerts", "alerts is NULL with n %zu", n);
    if (n > SIZE_MAX / sizeof *list || (n && !(list = ot__malloc(n * sizeof *list))))
        return ot__error_set(err, OT_ENOMEM, "out of memory formatting the e-mail report");
    /* The array's elements have the caller's size: that of alerts[0]'s version. */
    stride = n ? ot__alert_size(alerts[0].version) : 0;
    for (i = 0; i < n && rc == 0; i++) {
        const ot_alert *a = (const ot_alert *)(const void *)((const char *)alerts + i * stride);
        snprintf(what, sizeof what, "alerts[%zu]", i);
        if (i && a->version != alerts[0].version)
            rc = ot__error_field(err, OT_EINVAL, "version",
                                 "%s.version %u differs from alerts[0].version %u", what,
                                 a->version, alerts[0].version);
        else
            rc = ot__alert_load(&list[i], a, what, err);
    }
    if (rc == 0)
        rc = ot__alerts_email_make(message, len, email, list, n, err);
    ot__free(list);
    return rc;
}
