/* libordertrack-curl: the HTTP port over the libcurl multi interface. Uses only the public
 * API of libordertrack; response data goes into responses the core allocated. */
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "ordertrack/adapters/curl.h"
#include "ordertrack/version.h"

#define MAX_IN_FLIGHT 1024u
/* Response headers of one transfer beyond this abort it with OT_ELIMIT. */
#define MAX_HEADER_BYTES (256u * 1024u)

#define OT__STR2(x) #x
#define OT__STR(x) OT__STR2(x)
#define DEFAULT_USER_AGENT                                                                 \
    "libordertrack-curl/" OT__STR(OT_VERSION_MAJOR) "." OT__STR(OT_VERSION_MINOR) "."     \
    OT__STR(OT_VERSION_PATCH)

struct adapter {
    CURLM *multi;            /* kept across batches: its connection cache is reused */
    CURLSH *share;           /* DNS cache and TLS sessions, also across batches */
    pthread_mutex_t lock;    /* one batch at a time: curl handles are not thread-safe */
    unsigned max_in_flight;
    long connect_timeout_ms;
    long default_timeout_ms;
    size_t max_response_bytes;
    char *ca_file;
    char *user_agent;
};

struct transfer {
    struct adapter *adapter;
    CURL *easy;
    struct curl_slist *headers;
    ot_http_response *response;
    const ot_http_request *request;
    size_t body_bytes;
    size_t header_bytes;
    int over_limit;          /* body or headers beyond the limits */
    int out_of_memory;       /* a response setter failed */
    char errbuf[CURL_ERROR_SIZE];
};

static char *copy_string(const char *s)
{
    char *p;
    size_t n;
    if (!s)
        return NULL;
    n = strlen(s) + 1;
    p = malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

int ot_curl_options_init(ot_curl_options *options, unsigned version, ot_error *err)
{
    static const ot_curl_options defaults = OT_CURL_OPTIONS_INIT;
    if (!options)
        return ot_error_setf(err, OT_EINVAL, "options", "options is NULL");
    if (version == 0 || version > OT_CURL_OPTIONS_VERSION)
        return ot_error_setf(err, OT_EVERSION, "version",
                             "curl options version %u not supported (this library knows 1..%d)",
                             version, OT_CURL_OPTIONS_VERSION);
    *options = defaults;
    options->version = version;
    return 0;
}

static int check_options(const ot_curl_options *o, ot_error *err)
{
    if (o->version == 0 || o->version > OT_CURL_OPTIONS_VERSION)
        return ot_error_setf(err, OT_EVERSION, "version",
                             "curl options version %u not supported (this library knows 1..%d)",
                             o->version, OT_CURL_OPTIONS_VERSION);
    if (o->max_in_flight < 1 || o->max_in_flight > MAX_IN_FLIGHT)
        return ot_error_setf(err, OT_EINVAL, "max_in_flight", "max_in_flight %u is outside 1..%u",
                             o->max_in_flight, MAX_IN_FLIGHT);
    if (o->connect_timeout_ms <= 0 || o->connect_timeout_ms > LONG_MAX)
        return ot_error_setf(err, OT_EINVAL, "connect_timeout_ms",
                             "connect_timeout_ms %lld must be positive",
                             (long long)o->connect_timeout_ms);
    if (o->default_timeout_ms <= 0 || o->default_timeout_ms > LONG_MAX)
        return ot_error_setf(err, OT_EINVAL, "default_timeout_ms",
                             "default_timeout_ms %lld must be positive",
                             (long long)o->default_timeout_ms);
    if (o->max_response_bytes == 0)
        return ot_error_setf(err, OT_EINVAL, "max_response_bytes",
                             "max_response_bytes must be positive");
    return 0;
}

static void adapter_close(void *userdata)
{
    struct adapter *a = userdata;
    if (!a)
        return;
    if (a->multi)
        curl_multi_cleanup(a->multi);
    if (a->share)
        curl_share_cleanup(a->share);
    pthread_mutex_destroy(&a->lock);
    free(a->ca_file);
    free(a->user_agent);
    free(a);
    curl_global_cleanup();
}

/* A header name is a token; a value holds no CR, LF or other control but tab. */
static int header_valid(const ot_http_header *h)
{
    const unsigned char *p;
    if (!h->name || !h->value || h->name[0] == '\0')
        return 0;
    for (p = (const unsigned char *)h->name; *p; p++)
        if (*p <= ' ' || *p >= 127 || strchr("\"(),/:;<=>?@[\\]{}", *p))
            return 0;
    for (p = (const unsigned char *)h->value; *p; p++)
        if ((*p < ' ' && *p != '\t') || *p == 127)
            return 0;
    return 1;
}

static size_t on_header(char *data, size_t size, size_t count, void *userdata)
{
    struct transfer *t = userdata;
    size_t len = size * count, name_len, value_len;
    const char *colon, *value, *end;

    t->header_bytes += len;
    if (t->header_bytes > MAX_HEADER_BYTES) {
        t->over_limit = 1;
        return 0;
    }
    if (len >= 5 && memcmp(data, "HTTP/", 5) == 0) {
        /* A new status line: drop what an interim (1xx) answer left. */
        ot_http_response_reset(t->response);
        t->body_bytes = 0;
        return len;
    }
    end = data + len;
    while (end > data && (end[-1] == '\r' || end[-1] == '\n'))
        end--;
    colon = memchr(data, ':', (size_t)(end - data));
    if (!colon || colon == data)
        return len; /* the blank line ending the block, or nothing we understand */
    name_len = (size_t)(colon - data);
    value = colon + 1;
    while (value < end && (*value == ' ' || *value == '\t'))
        value++;
    while (end > value && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    value_len = (size_t)(end - value);
    if (ot_http_response_add_header(t->response, data, name_len, value, value_len, NULL) != 0) {
        t->out_of_memory = 1;
        return 0;
    }
    return len;
}

static size_t on_body(char *data, size_t size, size_t count, void *userdata)
{
    struct transfer *t = userdata;
    size_t len = size * count;

    if (len > t->adapter->max_response_bytes - t->body_bytes) {
        t->over_limit = 1;
        return 0;
    }
    if (ot_http_response_append_body(t->response, data, len, NULL) != 0) {
        t->out_of_memory = 1;
        return 0;
    }
    t->body_bytes += len;
    return len;
}

static void transfer_cleanup(struct transfer *t)
{
    if (t->easy)
        curl_easy_cleanup(t->easy);
    curl_slist_free_all(t->headers);
    t->easy = NULL;
    t->headers = NULL;
}

/* The URL for a message, without what may be secret: user info, query, fragment. */
static void describe_url(char *buf, size_t size, const char *url)
{
    const char *rest, *host, *at;
    size_t scheme_len, len;
    if (!url) {
        snprintf(buf, size, "(no url)");
        return;
    }
    rest = strstr(url, "://");
    scheme_len = rest ? (size_t)(rest - url) + 3 : 0;
    host = url + scheme_len;
    at = memchr(host, '@', strcspn(host, "/?#"));
    if (at)
        host = at + 1;
    len = strcspn(host, "?#");
    snprintf(buf, size, "%.*s%.*s", (int)scheme_len, url, (int)len, host);
}

static void transfer_error(struct transfer *t, int code, const char *what, const char *detail)
{
    char msg[OT_ERROR_MESSAGE_SIZE], url[128];
    const ot_http_request *r = t->request;
    describe_url(url, sizeof url, r ? r->url : NULL);
    snprintf(msg, sizeof msg, "%s %s: %s%s%s", r && r->method ? r->method : "GET", url, what,
             detail && detail[0] ? ": " : "", detail ? detail : "");
    ot_http_response_reset(t->response);
    ot_http_response_set_error(t->response, code, msg, NULL);
}

static int append_header(struct transfer *t, const char *line)
{
    struct curl_slist *grown = curl_slist_append(t->headers, line);
    if (!grown)
        return -1;
    t->headers = grown;
    return 0;
}

/* Build the easy handle of `t`; on failure set the response's error and return -1. */
static int transfer_setup(struct adapter *a, struct transfer *t)
{
    const ot_http_request *r = t->request;
    const char *method;
    int has_body, has_content_type = 0;
    size_t i;
    long timeout;
    CURL *e;

    if (!r || r->version == 0 || r->version > OT_HTTP_REQUEST_VERSION) {
        transfer_error(t, r ? OT_EVERSION : OT_EINVAL, r ? "request version not supported"
                       : "request is NULL", NULL);
        return -1;
    }
    method = r->method ? r->method : "GET";
    if (!r->url || (r->body_length > 0 && !r->body) || (r->header_count > 0 && !r->headers)
        || r->timeout_ms < 0 || method[0] == '\0' || strpbrk(method, " \t\r\n")) {
        transfer_error(t, OT_EINVAL, "invalid request (url, method, headers, body or timeout)",
                       NULL);
        return -1;
    }
    for (i = 0; i < r->header_count; i++) {
        if (!header_valid(&r->headers[i])) {
            transfer_error(t, OT_EINVAL, "invalid header name or value", r->headers[i].name);
            return -1;
        }
    }

    t->easy = e = curl_easy_init();
    if (!e) {
        transfer_error(t, OT_ENOMEM, "curl_easy_init failed", NULL);
        return -1;
    }
    for (i = 0; i < r->header_count; i++) {
        char *line;
        size_t n = strlen(r->headers[i].name) + strlen(r->headers[i].value) + 3;
        int rc;
        if (!(line = malloc(n)))
            goto nomem;
        /* "Name;" sends an empty value; "Name:" would remove the header. */
        if (r->headers[i].value[0])
            snprintf(line, n, "%s: %s", r->headers[i].name, r->headers[i].value);
        else
            snprintf(line, n, "%s;", r->headers[i].name);
        rc = append_header(t, line);
        free(line);
        if (rc != 0)
            goto nomem;
        if (strcasecmp(r->headers[i].name, "Content-Type") == 0)
            has_content_type = 1;
    }
    has_body = r->body_length > 0 || strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0
               || strcmp(method, "PATCH") == 0;
    /* No 100-continue round trip; no invented form content type. */
    if (has_body && (append_header(t, "Expect:") != 0
                     || (!has_content_type && append_header(t, "Content-Type:") != 0)))
        goto nomem;

    timeout = r->timeout_ms > 0 ? (r->timeout_ms > LONG_MAX ? LONG_MAX : (long)r->timeout_ms)
                                : a->default_timeout_ms;
    if (curl_easy_setopt(e, CURLOPT_URL, r->url) != CURLE_OK) {
        transfer_error(t, OT_EINVAL, "URL refused by libcurl", NULL);
        return -1;
    }
    curl_easy_setopt(e, CURLOPT_PRIVATE, t);
    curl_easy_setopt(e, CURLOPT_SHARE, a->share);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->errbuf);
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
    curl_easy_setopt(e, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
    curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
    if (a->ca_file)
        curl_easy_setopt(e, CURLOPT_CAINFO, a->ca_file);
    curl_easy_setopt(e, CURLOPT_USERAGENT, a->user_agent);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, a->connect_timeout_ms);
    curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE,
                     (curl_off_t)((uint64_t)a->max_response_bytes > (uint64_t)INT64_MAX
                                      ? INT64_MAX : (int64_t)a->max_response_bytes));
    curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, t);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, t);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);

    if (has_body) {
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->body_length);
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, r->body_length ? (const char *)r->body : "");
        if (strcmp(method, "POST") != 0)
            curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
    } else if (strcmp(method, "HEAD") == 0) {
        curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
    } else if (strcmp(method, "GET") == 0) {
        curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
    } else {
        curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
    }
    return 0;
nomem:
    transfer_error(t, OT_ENOMEM, "out of memory building the request", NULL);
    return -1;
}

static void transfer_finish(struct transfer *t, CURLcode result)
{
    long status = 0;
    int code;

    if (result == CURLE_OK) {
        curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
        if (status >= 100 && status <= 599)
            ot_http_response_set_status(t->response, (int)status, NULL);
        else
            transfer_error(t, OT_EHTTP, "no valid HTTP status", NULL);
        return;
    }
    if (t->over_limit || result == CURLE_FILESIZE_EXCEEDED) {
        char limit[128];
        snprintf(limit, sizeof limit, "response exceeds the limit of %zu body bytes "
                 "(or %u header bytes)", t->adapter->max_response_bytes, MAX_HEADER_BYTES);
        transfer_error(t, OT_ELIMIT, limit, NULL);
        return;
    }
    code = t->out_of_memory || result == CURLE_OUT_OF_MEMORY ? OT_ENOMEM
           : result == CURLE_OPERATION_TIMEDOUT ? OT_ETIMEOUT
           : result == CURLE_UNSUPPORTED_PROTOCOL || result == CURLE_URL_MALFORMAT ? OT_EINVAL
           : OT_EHTTP;
    transfer_error(t, code, curl_easy_strerror(result), t->errbuf);
}

static int adapter_send_batch(void *userdata, const ot_http_request *const *requests, size_t n,
                              ot_http_response *const *responses, ot_error *err)
{
    struct adapter *a = userdata;
    struct transfer *transfers;
    size_t next = 0, done = 0, active = 0, i;
    int rc = 0;

    if (!a)
        return ot_error_setf(err, OT_EINVAL, "userdata", "curl port userdata is NULL");
    if (n == 0)
        return 0;
    if (!requests || !responses)
        return ot_error_setf(err, OT_EINVAL, !requests ? "requests" : "responses", "%s is NULL",
                             !requests ? "requests" : "responses");
    for (i = 0; i < n; i++)
        if (!responses[i])
            return ot_error_setf(err, OT_EINVAL, "responses", "responses[%zu] is NULL", i);
    transfers = calloc(n, sizeof *transfers);
    if (!transfers)
        return ot_error_setf(err, OT_ENOMEM, NULL, "out of memory for %zu transfers", n);

    pthread_mutex_lock(&a->lock);
    while (done < n) {
        int running = 0, completed = 0, queued;
        CURLMcode mc;
        CURLMsg *msg;

        while (active < a->max_in_flight && next < n) {
            struct transfer *t = &transfers[next];
            t->adapter = a;
            t->request = requests[next];
            t->response = responses[next];
            next++;
            ot_http_response_reset(t->response);
            if (transfer_setup(a, t) != 0) {
                transfer_cleanup(t);
                done++;
                continue;
            }
            if (curl_multi_add_handle(a->multi, t->easy) != CURLM_OK) {
                transfer_error(t, OT_EHTTP, "curl_multi_add_handle failed", NULL);
                transfer_cleanup(t);
                done++;
                continue;
            }
            active++;
        }
        if (active == 0)
            continue;

        mc = curl_multi_perform(a->multi, &running);
        if (mc != CURLM_OK) {
            rc = ot_error_setf(err, OT_EHTTP, NULL, "curl_multi_perform: %s",
                               curl_multi_strerror(mc));
            break;
        }
        while ((msg = curl_multi_info_read(a->multi, &queued)) != NULL) {
            struct transfer *t;
            char *private_data = NULL;
            if (msg->msg != CURLMSG_DONE)
                continue;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &private_data);
            t = (struct transfer *)(void *)private_data;
            transfer_finish(t, msg->data.result);
            curl_multi_remove_handle(a->multi, t->easy);
            transfer_cleanup(t);
            active--;
            done++;
            completed++;
        }
        if (!completed && active > 0) {
            mc = curl_multi_poll(a->multi, NULL, 0, 100, NULL);
            if (mc != CURLM_OK) {
                rc = ot_error_setf(err, OT_EHTTP, NULL, "curl_multi_poll: %s",
                                   curl_multi_strerror(mc));
                break;
            }
        }
    }
    /* After a multi failure: every transfer still attached fails with the batch. */
    for (i = 0; i < next; i++) {
        if (transfers[i].easy) {
            transfer_error(&transfers[i], OT_EHTTP, "the batch failed", err ? err->message : NULL);
            curl_multi_remove_handle(a->multi, transfers[i].easy);
            transfer_cleanup(&transfers[i]);
        }
    }
    pthread_mutex_unlock(&a->lock);
    free(transfers);
    return rc;
}

int ot_curl_http_new(ot_http *port, const ot_curl_options *options, ot_error *err)
{
    static const ot_curl_options defaults = OT_CURL_OPTIONS_INIT;
    struct adapter *a;
    int rc;

    if (!port)
        return ot_error_setf(err, OT_EINVAL, "port", "port is NULL");
    if (!options)
        options = &defaults;
    if ((rc = check_options(options, err)) != 0)
        return rc;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return ot_error_setf(err, OT_EHTTP, NULL, "curl_global_init failed");
    a = calloc(1, sizeof *a);
    if (!a) {
        curl_global_cleanup();
        return ot_error_setf(err, OT_ENOMEM, NULL, "out of memory allocating the curl port");
    }
    if (pthread_mutex_init(&a->lock, NULL) != 0) {
        free(a);
        curl_global_cleanup();
        return ot_error_setf(err, OT_ENOMEM, NULL, "could not create the curl port's mutex");
    }
    a->max_in_flight = options->max_in_flight;
    a->connect_timeout_ms = (long)options->connect_timeout_ms;
    a->default_timeout_ms = (long)options->default_timeout_ms;
    a->max_response_bytes = options->max_response_bytes;
    a->multi = curl_multi_init();
    a->share = curl_share_init();
    a->ca_file = copy_string(options->ca_file);
    a->user_agent = copy_string(options->user_agent ? options->user_agent : DEFAULT_USER_AGENT);
    if (!a->multi || !a->share || !a->user_agent || (options->ca_file && !a->ca_file)) {
        adapter_close(a);
        return ot_error_setf(err, OT_ENOMEM, NULL, "out of memory initialising the curl port");
    }
    curl_share_setopt(a->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(a->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    curl_multi_setopt(a->multi, CURLMOPT_MAXCONNECTS,
                      (long)(a->max_in_flight > 8 ? a->max_in_flight : 8));

    memset(port, 0, sizeof *port);
    port->version = OT_HTTP_VERSION;
    port->userdata = a;
    port->send_batch = adapter_send_batch;
    port->close = adapter_close;
    return 0;
}
