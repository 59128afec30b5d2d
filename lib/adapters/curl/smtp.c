/* libordertrack-curl: sending an e-mail through libcurl's SMTP (one connection per call). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "ordertrack/adapters/curl.h"

#define MAX_RECIPIENTS 100
#define MAX_ADDRESS 256
#define MAX_TIMEOUT_MS 86400000
#define CONNECT_TIMEOUT_MS 10000

struct reader {
    const char *data;
    size_t len;
    size_t pos;
};

static size_t read_message(char *buf, size_t size, size_t nitems, void *userdata)
{
    struct reader *r = userdata;
    size_t n = size * nitems;
    if (n > r->len - r->pos)
        n = r->len - r->pos;
    memcpy(buf, r->data + r->pos, n);
    r->pos += n;
    return n;
}

int ot_curl_smtp_options_init(ot_curl_smtp_options *options, unsigned version, ot_error *err)
{
    static const ot_curl_smtp_options defaults = OT_CURL_SMTP_OPTIONS_INIT;
    if (!options)
        return ot_error_setf(err, OT_EINVAL, "options", "options is NULL");
    if (version == 0 || version > OT_CURL_SMTP_OPTIONS_VERSION)
        return ot_error_setf(err, OT_EVERSION, "version",
                             "SMTP options version %u not supported (this library knows 1..%d)",
                             version, OT_CURL_SMTP_OPTIONS_VERSION);
    *options = defaults;
    options->version = version;
    return 0;
}

/* 1 if `s` is non-empty printable ASCII or UTF-8 (no controls, no space when `no_space`). */
static int printable(const char *s, int no_space)
{
    const unsigned char *p = (const unsigned char *)s;
    if (!*p)
        return 0;
    for (; *p; p++)
        if (*p < ' ' || *p == 0x7f || (no_space && *p == ' '))
            return 0;
    return 1;
}

/* The "<a@b.c>" of "a@b.c" or "Name <a@b.c>" into buf; 0, or -1 when malformed. */
static int envelope(char *buf, size_t size, const char *addr)
{
    const char *lt, *gt, *start, *end;
    size_t n;

    if (!addr || strlen(addr) > MAX_ADDRESS || !printable(addr, 0))
        return -1;
    lt = strrchr(addr, '<');
    if (lt) {
        gt = strchr(lt, '>');
        if (!gt || gt[1] != '\0')
            return -1;
        start = lt + 1, end = gt;
    } else {
        start = addr, end = addr + strlen(addr);
    }
    n = (size_t)(end - start);
    if (n < 3 || n + 3 > size || !memchr(start, '@', n) || memchr(start, ' ', n) ||
        memchr(start, '<', n) || memchr(start, '>', n))
        return -1;
    snprintf(buf, size, "<%.*s>", (int)n, start);
    return 0;
}

/* "smtp://host:port" of the URL, without userinfo or path, for messages. */
static void redact(char *buf, size_t size, const char *url)
{
    const char *sep = strstr(url, "://"), *host, *end, *at;
    host = sep ? sep + 3 : url;
    end = host + strcspn(host, "/?#");
    while ((at = memchr(host, '@', (size_t)(end - host))) != NULL)
        host = at + 1;
    snprintf(buf, size, "%.*s%.*s", sep ? (int)(sep + 3 - url) : 0, url, (int)(end - host),
             host);
}

static int check(const ot_curl_smtp_options *o, const char *message, size_t len,
                 ot_error *err)
{
    char addr[MAX_ADDRESS + 3], field[32];
    size_t i;
    int smtps;

    if (!o)
        return ot_error_setf(err, OT_EINVAL, "opts", "opts is NULL");
    if (o->version == 0 || o->version > OT_CURL_SMTP_OPTIONS_VERSION)
        return ot_error_setf(err, OT_EVERSION, "version",
                             "SMTP options version %u not supported (this library knows 1..%d)",
                             o->version, OT_CURL_SMTP_OPTIONS_VERSION);
    if (!o->url)
        return ot_error_setf(err, OT_EINVAL, "url", "url is NULL");
    smtps = strncasecmp(o->url, "smtps://", 8) == 0;
    if ((!smtps && strncasecmp(o->url, "smtp://", 7) != 0) || !printable(o->url, 1) ||
        o->url[smtps ? 8 : 7] == '\0')
        return ot_error_setf(err, OT_EINVAL, "url",
                             "url is not an smtp:// or smtps:// URL with a host");
    if (envelope(addr, sizeof addr, o->from) != 0)
        return ot_error_setf(err, OT_EINVAL, "from", "from is not an e-mail address");
    if (!o->to || o->to_count < 1 || o->to_count > MAX_RECIPIENTS)
        return ot_error_setf(err, OT_EINVAL, "to", "to must hold 1..%d recipients",
                             MAX_RECIPIENTS);
    for (i = 0; i < o->to_count; i++) {
        snprintf(field, sizeof field, "to[%zu]", i);
        if (envelope(addr, sizeof addr, o->to[i]) != 0)
            return ot_error_setf(err, OT_EINVAL, field, "%s is not an e-mail address", field);
    }
    if (!o->user != !o->password)
        return ot_error_setf(err, OT_EINVAL, "user", "user and password go together");
    if (o->user && (!printable(o->user, 0) || !printable(o->password, 0)))
        return ot_error_setf(err, OT_EINVAL, "user",
                             "user or password is empty or holds a control character");
    if (o->timeout_ms <= 0 || o->timeout_ms > MAX_TIMEOUT_MS)
        return ot_error_setf(err, OT_EINVAL, "timeout_ms", "timeout_ms %lld is outside 1..%d",
                             (long long)o->timeout_ms, MAX_TIMEOUT_MS);
    if (o->tls != OT_CURL_SMTP_TLS_REQUIRED && o->tls != OT_CURL_SMTP_TLS_NONE)
        return ot_error_setf(err, OT_EINVAL, "tls", "tls %d is not an ot_curl_smtp_tls", o->tls);
    if (o->tls == OT_CURL_SMTP_TLS_NONE && smtps)
        return ot_error_setf(err, OT_EINVAL, "tls", "tls NONE contradicts an smtps:// url");
    if (!message || len == 0)
        return ot_error_setf(err, OT_EINVAL, "message", "message is NULL or empty");
    return 0;
}

static int result_code(CURLcode rc)
{
    switch (rc) {
    case CURLE_LOGIN_DENIED:
        return OT_EAUTH;
    case CURLE_OPERATION_TIMEDOUT:
        return OT_ETIMEOUT;
    case CURLE_OUT_OF_MEMORY:
        return OT_ENOMEM;
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
        return OT_EINVAL;
    default:
        return OT_EHTTP;
    }
}

int ot_curl_smtp_send(const ot_curl_smtp_options *o, const char *message, size_t len,
                      ot_error *err)
{
    char from[MAX_ADDRESS + 3], addr[MAX_ADDRESS + 3], where[128];
    char errbuf[CURL_ERROR_SIZE] = "";
    struct reader reader = {message, len, 0};
    struct curl_slist *rcpt = NULL, *next;
    CURLcode res;
    CURL *e;
    size_t i;
    int rc;

    if ((rc = check(o, message, len, err)) != 0)
        return rc;
    redact(where, sizeof where, o->url);
    envelope(from, sizeof from, o->from);
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return ot_error_setf(err, OT_EHTTP, NULL, "curl_global_init failed");
    e = curl_easy_init();
    for (i = 0; e && i < o->to_count; i++) {
        envelope(addr, sizeof addr, o->to[i]);
        next = curl_slist_append(rcpt, addr);
        if (!next)
            break;
        rcpt = next;
    }
    if (!e || i < o->to_count) {
        curl_slist_free_all(rcpt);
        curl_easy_cleanup(e);
        curl_global_cleanup();
        return ot_error_setf(err, OT_ENOMEM, NULL, "out of memory preparing the SMTP transfer");
    }
    curl_easy_setopt(e, CURLOPT_URL, o->url);
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
#else
    curl_easy_setopt(e, CURLOPT_PROTOCOLS, (long)(CURLPROTO_SMTP | CURLPROTO_SMTPS));
#endif
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(e, CURLOPT_MAIL_FROM, from);
    curl_easy_setopt(e, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(e, CURLOPT_READFUNCTION, read_message);
    curl_easy_setopt(e, CURLOPT_READDATA, &reader);
    curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)o->timeout_ms);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
                     (long)(o->timeout_ms < CONNECT_TIMEOUT_MS ? o->timeout_ms
                                                               : CONNECT_TIMEOUT_MS));
    curl_easy_setopt(e, CURLOPT_USE_SSL,
                     (long)(o->tls == OT_CURL_SMTP_TLS_REQUIRED ? CURLUSESSL_ALL
                                                                : CURLUSESSL_NONE));
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
    if (o->ca_file)
        curl_easy_setopt(e, CURLOPT_CAINFO, o->ca_file);
    if (o->user) {
        curl_easy_setopt(e, CURLOPT_USERNAME, o->user);
        curl_easy_setopt(e, CURLOPT_PASSWORD, o->password);
    }
    res = curl_easy_perform(e);
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(e);
    curl_global_cleanup();
    if (res == CURLE_OK)
        return 0;
    /* libcurl's detail names the server's answer; never let a credential through. */
    if (o->user && (strstr(errbuf, o->password) || strstr(errbuf, o->user)))
        errbuf[0] = '\0';
    return ot_error_setf(err, result_code(res), NULL, "SMTP to %s failed: %s%s%s", where,
                         curl_easy_strerror(res), errbuf[0] ? ": " : "", errbuf);
}
