/* Courier clients: per-courier request facts, credentials and the token kept between runs. */
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <jansson.h>

#include "common.h"
#include "json/json_internal.h"
#include "poll/poll_internal.h"
#include "base/clock_internal.h"
#include "ordertrack/status.h"
#include "courier/def_internal.h"

#define HOUR_MS (3600 * 1000LL)
#define DAY_MS (24 * HOUR_MS)
#define LOGIN_TIMEOUT_MS 30000
#define TOKEN_MAX 8192

/* How one courier is asked (docs/couriers.md, docs/polling.md). */
struct courier_spec {
    int provider;
    const char *name;
    int payload;                /* ot_courier_payload of the tracking answer */
    size_t max_batch;
    const char *method;
    const char *track_path;     /* GET: the AWBs follow, comma-separated; POST: {"awbs"} */
    const char *login_path;     /* NULL: a static key */
    const char *login_user;     /* member of the login body naming the user */
    const char *auth_prefix;    /* before the token in Authorization */
    int64_t ttl_ms, refresh_ms; /* token lifetime and refresh margin */
};

static const struct courier_spec specs[] = {
    {OT_PROVIDER_DELHIVERY, "delhivery", OT_PAYLOAD_DELHIVERY_TRACKING, 50, "GET",
     "/api/v1/packages/json/?waybill=", NULL, NULL, "Token ", 0, 0},
    {OT_PROVIDER_DELHIVERY_B2B, "delhivery_b2b", OT_PAYLOAD_DELHIVERY_B2B_TRACKING, 1, "GET",
     "/lrn/track?lrnum=", "/ums/login", "username", "Bearer ", DAY_MS, HOUR_MS},
    {OT_PROVIDER_SHIPROCKET, "shiprocket", OT_PAYLOAD_SHIPROCKET_TRACKING, 50, "POST",
     "/v1/external/courier/track/awbs", "/v1/external/auth/login", "email", "Bearer ",
     10 * DAY_MS, DAY_MS},
    {OT_PROVIDER_VELOCITY, "velocity", OT_PAYLOAD_VELOCITY_TRACKING, 45, "POST",
     "/custom/api/v1/order-tracking", "/custom/api/v1/auth-token", "username", "", DAY_MS,
     HOUR_MS},
};

/* Members of a login answer that may hold the token, in order (also under "data"). */
static const char *const token_keys[] = {"token", "jwt", "access_token", "auth_token"};

/* payload of a run-time courier: parsed through its definition (ot_courier_registry_parse) */
#define GENERIC_PAYLOAD (-1)

struct ot_courier_client {
    const struct courier_spec *spec;
    struct courier_spec generic;    /* a run-time courier's, built from its definition */
    const char *auth_header;        /* the header carrying the credential */
    const ot_courier_registry *couriers;
    ot_courier_config config;   /* strings point to the copies below */
    char *base_url, *fallback_base_url, *key, *user, *password;
    size_t batch;
    int64_t ttl_ms, refresh_ms;
    ot_clock clock;
    pthread_mutex_t lock;       /* token, expires_ms */
    pthread_mutex_t login_lock; /* one login at a time */
    char *token;
    int64_t expires_ms;
};

int ot_courier_config_init(ot_courier_config *config, unsigned version, ot_error *err)
{
    static const ot_courier_config tpl = OT_COURIER_CONFIG_INIT;
    /* a version 1 struct ends before `couriers` */
    return ot__struct_init(config, version, &tpl,
                           version == 1 ? offsetof(ot_courier_config, couriers) : sizeof tpl,
                           "config", "courier config", err);
}

static int64_t now_ms(const ot_courier_client *c)
{
    return ot_clock_now_ms(&c->clock);
}

static int check_base(const char *url, const char *field, const char *courier, ot_error *err)
{
    size_t len;
    if (!url || !*url)
        return ot__error_field(err, OT_EINVAL, field, "%s: %s is required", courier, field);
    len = strlen(url);
    if (len > 1024)
        return ot__error_field(err, OT_EINVAL, field, "%s: %s is longer than 1024 bytes",
                               courier, field);
    if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)
        return ot__error_field(err, OT_EINVAL, field,
                               "%s: %s \"%.64s\" is not an http:// or https:// URL", courier,
                               field, url);
    if (strpbrk(url, " \r\n\t?#"))
        return ot__error_field(err, OT_EINVAL, field,
                               "%s: %s \"%.64s\" must be a bare base URL", courier, field, url);
    return 0;
}

static int check_secret(const char *value, const char *field, const char *courier,
                        ot_error *err)
{
    if (!value || !*value)
        return ot__error_field(err, OT_EINVAL, field, "%s needs %s", courier, field);
    if (strlen(value) > 1024 || strpbrk(value, "\r\n"))
        return ot__error_field(err, OT_EINVAL, field,
                               "%s: %s must be 1..1024 bytes without CR or LF", courier, field);
    return 0;
}

static int check_config(const ot_courier_config *cfg, const struct courier_spec **spec,
                        struct courier_spec *generic, ot_error *err)
{
    const struct courier_spec *s = NULL;
    size_t i;
    int rc;

    for (i = 0; i < sizeof specs / sizeof specs[0]; i++)
        if (specs[i].provider == cfg->provider)
            s = &specs[i];
    if (!s && generic && cfg->provider >= OT_COURIER_ID_MIN) {
        const struct ot__cdef *d;
        if (cfg->version < 2 || !cfg->couriers)
            return ot__error_field(err, OT_EINVAL, "couriers", "provider %d is a run-time "
                                   "courier: the config needs the registry defining it",
                                   cfg->provider);
        d = ot__cdef_find(cfg->couriers, cfg->provider);
        if (!d || !d->has_api)
            return ot__error_field(err, OT_EINVAL, "provider", "%s%s has no tracking api in "
                                   "its definition", d ? "courier " : "provider ",
                                   d ? d->name : "?");
        *generic = (struct courier_spec){d->id, d->name, GENERIC_PAYLOAD, d->api.batch_size,
                                         "GET", d->api.path, NULL, NULL, d->api.auth_prefix,
                                         0, 0};
        s = generic;
    }
    if (!s)
        return ot__error_field(err, OT_EINVAL, "provider",
                               "provider %d is not a polled courier (delhivery, "
                               "delhivery_b2b, shiprocket, velocity)", cfg->provider);
    if ((rc = check_base(cfg->base_url, "base_url", s->name, err)))
        return rc;
    if (cfg->fallback_base_url &&
        (rc = check_base(cfg->fallback_base_url, "fallback_base_url", s->name, err)))
        return rc;
    if (!s->login_path)
        rc = check_secret(cfg->token, "token", s->name, err);
    else if ((rc = check_secret(cfg->password, "password", s->name, err)) == 0)
        rc = check_secret(strcmp(s->login_user, "email") == 0 ? cfg->email : cfg->username,
                          s->login_user, s->name, err);
    if (rc)
        return rc;
    if (cfg->batch_size > s->max_batch)
        return ot__error_field(err, OT_EINVAL, "batch_size",
                               "%s takes at most %zu AWBs per request, not %zu", s->name,
                               s->max_batch, cfg->batch_size);
    if (cfg->timeout_ms < 0 || cfg->timeout_ms > DAY_MS)
        return ot__error_field(err, OT_EINVAL, "timeout_ms",
                               "%s: timeout_ms must be 0..86400000", s->name);
    if (cfg->token_ttl_ms < 0 || cfg->token_ttl_ms > 366 * DAY_MS || cfg->token_refresh_ms < 0 ||
        cfg->token_refresh_ms > 366 * DAY_MS)
        return ot__error_field(err, OT_EINVAL,
                               cfg->token_ttl_ms < 0 || cfg->token_ttl_ms > 366 * DAY_MS
                                   ? "token_ttl_ms" : "token_refresh_ms",
                               "%s: token times must be 0..366 days", s->name);
    *spec = s;
    return 0;
}

/* Copy of a base URL without its trailing slashes. */
static char *copy_base(const char *url)
{
    size_t len = strlen(url);
    while (len > 0 && url[len - 1] == '/')
        len--;
    return ot__strndup(url, len);
}

void ot_courier_client_free(ot_courier_client *c)
{
    if (!c)
        return;
    pthread_mutex_destroy(&c->lock);
    pthread_mutex_destroy(&c->login_lock);
    ot__free(c->base_url);
    ot__free(c->fallback_base_url);
    ot__free(c->key);
    ot__free(c->user);
    ot__free(c->password);
    ot__free(c->token);
    ot__free(c);
}

int ot_courier_client_new(ot_courier_client **out, const ot_courier_config *cfg,
                          const ot_clock *clock, ot_error *err)
{
    const struct courier_spec *spec = NULL;
    ot_courier_client *c;
    const char *user;
    int rc;

    if (!out)
        return ot__error_field(err, OT_EINVAL, "out", "out is NULL");
    *out = NULL;
    if (!cfg)
        return ot__error_field(err, OT_EINVAL, "config", "config is NULL");
    if ((rc = ot__check_version(cfg->version, OT_COURIER_CONFIG_VERSION, "courier config",
                                err)))
        return rc;
    if (clock) {
        if ((rc = ot__check_version(clock->version, OT_CLOCK_VERSION, "clock", err)))
            return rc;
        if (!clock->now_ms)
            return ot__error_field(err, OT_EINVAL, "clock.now_ms", "clock.now_ms is NULL");
    }
    c = ot__calloc(1, sizeof *c);
    if (!c)
        return ot__error_set(err, OT_ENOMEM, "out of memory creating a courier client");
    if ((rc = check_config(cfg, &spec, &c->generic, err))) {
        ot__free(c);
        return rc;
    }
    c->auth_header = "Authorization";
    if (spec == &c->generic) {
        c->couriers = cfg->couriers;
        c->auth_header = ot__cdef_find(cfg->couriers, cfg->provider)->api.auth_header;
    }
    user = spec->login_user && strcmp(spec->login_user, "email") == 0 ? cfg->email
                                                                      : cfg->username;
    pthread_mutex_init(&c->lock, NULL);
    pthread_mutex_init(&c->login_lock, NULL);
    c->spec = spec;
    memcpy(&c->config, cfg, cfg->version < 2 ? offsetof(ot_courier_config, couriers)
                                              : sizeof c->config);
    c->base_url = copy_base(cfg->base_url);
    c->fallback_base_url = cfg->fallback_base_url ? copy_base(cfg->fallback_base_url) : NULL;
    c->key = spec->login_path ? NULL : ot__strdup(cfg->token);
    c->user = spec->login_path ? ot__strdup(user) : NULL;
    c->password = spec->login_path ? ot__strdup(cfg->password) : NULL;
    if (!c->base_url || (cfg->fallback_base_url && !c->fallback_base_url) ||
        (spec->login_path ? !c->user || !c->password : !c->key)) {
        ot_courier_client_free(c);
        return ot__error_set(err, OT_ENOMEM, "out of memory creating the %s client",
                             spec->name);
    }
    c->config.base_url = c->config.fallback_base_url = NULL;
    c->config.token = c->config.username = c->config.email = c->config.password = NULL;
    c->batch = cfg->batch_size ? cfg->batch_size : spec->max_batch;
    c->ttl_ms = cfg->token_ttl_ms ? cfg->token_ttl_ms : spec->ttl_ms;
    c->refresh_ms = cfg->token_refresh_ms ? cfg->token_refresh_ms : spec->refresh_ms;
    if (c->refresh_ms >= c->ttl_ms && spec->login_path)
        c->refresh_ms = c->ttl_ms / 10;
    ot__clock_copy(&c->clock, clock); /* a version 1 clock is shorter */
    *out = c;
    return 0;
}

int ot_courier_client_provider(const ot_courier_client *c, ot_error *err)
{
    if (!c)
        return ot__error_field(err, OT_EINVAL, "client", "client is NULL");
    return c->spec->provider;
}

const char *ot__courier_name(const ot_courier_client *c)
{
    return c->spec->name;
}

int ot__courier_payload(const ot_courier_client *c)
{
    return c->spec->payload;
}

int ot__courier_parse(ot_update_list **list, const ot_courier_client *c,
                      const ot_courier_tables *tables, const void *body, size_t len,
                      ot_error *err)
{
    if (c->spec->payload == GENERIC_PAYLOAD)
        return ot_courier_registry_parse(list, c->couriers, c->spec->provider,
                                         OT_COURIER_DEF_TRACKING, body, len, err);
    return ot_courier_parse(list, tables, c->spec->payload, body, len, err);
}

size_t ot__courier_batch(const ot_courier_client *c)
{
    return c->batch;
}

size_t ot__courier_max_batch(const ot_courier_client *c)
{
    return c->spec->max_batch;
}

int ot__courier_has_login(const ot_courier_client *c)
{
    return c->spec->login_path != NULL;
}

int ot_courier_client_token_expiry(int64_t *expires_ms, const ot_courier_client *c,
                                   ot_error *err)
{
    if (!expires_ms)
        return ot__error_field(err, OT_EINVAL, "expires_ms", "expires_ms is NULL");
    *expires_ms = 0;
    if (!c)
        return ot__error_field(err, OT_EINVAL, "client", "client is NULL");
    if (!c->spec->login_path) {
        *expires_ms = INT64_MAX;
        return 0;
    }
    pthread_mutex_lock((pthread_mutex_t *)&c->lock);
    *expires_ms = c->token ? c->expires_ms : 0;
    pthread_mutex_unlock((pthread_mutex_t *)&c->lock);
    return 0;
}

/* The token of a login answer, or NULL. */
static const char *find_token(const json_t *root)
{
    const json_t *objs[2];
    size_t i, k;
    objs[0] = root;
    objs[1] = json_object_get(root, "data");
    for (k = 0; k < 2; k++)
        for (i = 0; i < sizeof token_keys / sizeof token_keys[0]; i++) {
            const char *t = json_string_value(json_object_get(objs[k], token_keys[i]));
            if (t && *t && strlen(t) <= TOKEN_MAX && !strpbrk(t, "\r\n"))
                return t;
        }
    return NULL;
}

/* POST the credentials; on success the new token replaces the old one. */
static int login(ot_courier_client *c, ot_http_client *http, ot_error *err)
{
    static const ot_http_header json_header = {"Content-Type", "application/json"};
    ot_http_request req = OT_HTTP_REQUEST_INIT;
    const ot_http_request *reqs[1];
    ot_http_response *resp = NULL;
    json_t *body_obj, *answer = NULL;
    char *url = NULL, *body = NULL, *token = NULL;
    size_t base_len = strlen(c->base_url), len, body_len = 0;
    int rc, status;

    body_obj = json_pack("{s:s, s:s}", c->spec->login_user, c->user, "password", c->password);
    if (!body_obj)
        return ot__error_set(err, OT_ENOMEM, "out of memory building the %s login",
                             c->spec->name);
    rc = ot__json_write(&body, &body_len, body_obj, 0, err);
    json_decref(body_obj);
    if (rc)
        return rc;
    len = base_len + strlen(c->spec->login_path) + 1;
    url = ot__malloc(len);
    if (!url) {
        ot__free(body);
        return ot__error_set(err, OT_ENOMEM, "out of memory building the %s login",
                             c->spec->name);
    }
    memcpy(url, c->base_url, base_len);
    strcpy(url + base_len, c->spec->login_path);
    req.method = "POST";
    req.url = url;
    req.headers = &json_header;
    req.header_count = 1;
    req.body = body;
    req.body_length = body_len;
    req.timeout_ms = c->config.timeout_ms ? c->config.timeout_ms : LOGIN_TIMEOUT_MS;
    reqs[0] = &req;
    rc = ot_http_client_send(http, reqs, 1, &resp, err);
    ot__free(body);
    if (rc) {
        ot__free(url);
        return rc;
    }
    status = ot_http_response_status(resp);
    if (status == 0) {
        rc = ot_http_response_error_code(resp);
        ot__error_field(err, rc, "login", "%s login at %.80s failed: %s", c->spec->name, url,
                        ot_http_response_error_message(resp));
    } else if (status >= 400 && status < 500) {
        rc = ot__error_field(err, OT_EAUTH, "login", "%s login at %.80s refused: HTTP %d",
                             c->spec->name, url, status);
    } else if (status < 200 || status > 299) {
        rc = ot__error_field(err, OT_EHTTP, "login", "%s login at %.80s failed: HTTP %d",
                             c->spec->name, url, status);
    } else {
        const char *text = ot_http_response_body(resp, &len);
        const char *found = NULL;
        rc = ot__json_load(&answer, text, len, "login answer", "login answer", err);
        if (rc == 0 && !(found = find_token(answer)))
            rc = ot__error_field(err, OT_EPARSE, "token", "%s login answer holds no token",
                                 c->spec->name);
        if (rc == 0 && !(token = ot__strdup(found)))
            rc = ot__error_set(err, OT_ENOMEM, "out of memory reading the %s token",
                               c->spec->name);
        json_decref(answer);
    }
    ot_http_response_free(resp);
    ot__free(url);
    if (rc)
        return rc;
    pthread_mutex_lock(&c->lock);
    ot__free(c->token);
    c->token = token;
    c->expires_ms = now_ms(c) + c->ttl_ms;
    pthread_mutex_unlock(&c->lock);
    return 0;
}

/* 1 when the token is missing or inside the refresh margin. */
static int token_due(ot_courier_client *c)
{
    int due;
    pthread_mutex_lock(&c->lock);
    due = !c->token || now_ms(c) >= c->expires_ms - c->refresh_ms;
    pthread_mutex_unlock(&c->lock);
    return due;
}

int ot__courier_ensure_token(ot_courier_client *c, ot_http_client *http, size_t *logins,
                             ot_error *err)
{
    int rc = 0;
    if (!c->spec->login_path || !token_due(c))
        return 0;
    pthread_mutex_lock(&c->login_lock);
    if (token_due(c)) {
        rc = login(c, http, err);
        if (rc == 0 && logins)
            (*logins)++;
    }
    pthread_mutex_unlock(&c->login_lock);
    return rc;
}

int ot__courier_unauthorized(ot_courier_client *c, ot_http_client *http, const char *auth,
                             size_t *logins, ot_error *err)
{
    size_t prefix = strlen(c->spec->auth_prefix);
    int rc = 0, stale;
    if (!c->spec->login_path)
        return 0;
    pthread_mutex_lock(&c->login_lock);
    pthread_mutex_lock(&c->lock);
    stale = !c->token || !auth || strlen(auth) < prefix || strcmp(auth + prefix, c->token) == 0;
    pthread_mutex_unlock(&c->lock);
    if (stale) {
        rc = login(c, http, err);
        if (rc == 0 && logins)
            (*logins)++;
    }
    pthread_mutex_unlock(&c->login_lock);
    return rc;
}

int ot_courier_client_login(ot_courier_client *c, ot_http_client *http, ot_error *err)
{
    int rc;
    if (!c)
        return ot__error_field(err, OT_EINVAL, "client", "client is NULL");
    if (!http)
        return ot__error_field(err, OT_EINVAL, "http", "http is NULL");
    if (!c->spec->login_path)
        return 0;
    pthread_mutex_lock(&c->login_lock);
    rc = login(c, http, err);
    pthread_mutex_unlock(&c->login_lock);
    return rc;
}

/* Percent-encoded copy of an AWB for a query string, appended at `out` (3 * len room). */
static size_t encode(char *out, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = 0;
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
            ch == '-' || ch == '_' || ch == '.' || ch == '~') {
            out[n++] = (char)ch;
        } else {
            out[n++] = '%';
            out[n++] = hex[ch >> 4];
            out[n++] = hex[ch & 15];
        }
    }
    return n;
}

/* base + track path (+ the encoded AWBs for a GET: at {awbs} in a run-time courier's path,
 * else at the end). */
static char *track_url(const ot_courier_client *c, const char *base, const char *const *awbs,
                       size_t n)
{
    const char *path = c->spec->track_path, *at_awbs = strstr(path, "{awbs}");
    size_t len = strlen(base) + strlen(path) + 1, i, at, head;
    char *url;
    int get = strcmp(c->spec->method, "GET") == 0;
    if (get)
        for (i = 0; i < n; i++)
            len += 3 * strlen(awbs[i]) + 1;
    url = ot__malloc(len);
    if (!url)
        return NULL;
    head = c->spec->payload == GENERIC_PAYLOAD && at_awbs ? (size_t)(at_awbs - path)
                                                          : strlen(path);
    at = strlen(base);
    memcpy(url, base, at);
    memcpy(url + at, path, head);
    at += head;
    for (i = 0; get && i < n; i++) {
        if (i)
            url[at++] = ',';
        at += encode(url + at, awbs[i]);
    }
    if (head < strlen(path)) {
        strcpy(url + at, path + head + 6);
        at += strlen(path + head + 6);
    }
    url[at] = '\0';
    return url;
}

void ot__courier_request_release(struct ot__courier_request *r)
{
    if (!r)
        return;
    ot__free(r->url);
    ot__free(r->fallback_url);
    ot__free(r->body);
    ot__free(r->auth);
    memset(r, 0, sizeof *r);
}

int ot__courier_build(struct ot__courier_request *r, ot_courier_client *c,
                      const char *const *awbs, size_t n, ot_error *err)
{
    static const ot_http_request init = OT_HTTP_REQUEST_INIT;
    const char *secret;
    size_t i, len;
    int rc = 0;

    memset(r, 0, sizeof *r);
    r->url = track_url(c, c->base_url, awbs, n);
    r->fallback_url = c->fallback_base_url ? track_url(c, c->fallback_base_url, awbs, n) : NULL;
    pthread_mutex_lock(&c->lock);
    secret = c->spec->login_path ? c->token : c->key;
    len = strlen(c->spec->auth_prefix) + (secret ? strlen(secret) : 0) + 1;
    r->auth = ot__malloc(len);
    if (r->auth) {
        strcpy(r->auth, c->spec->auth_prefix);
        strcat(r->auth, secret ? secret : "");
    }
    pthread_mutex_unlock(&c->lock);
    if (!r->url || !r->auth || (c->fallback_base_url && !r->fallback_url))
        rc = OT_ENOMEM;
    if (rc == 0 && strcmp(c->spec->method, "POST") == 0) {
        json_t *obj = json_object(), *list = json_array();
        if (!obj || !list || json_object_set_new(obj, "awbs", list)) {
            if (!obj)
                json_decref(list);  /* set_new has released it otherwise */
            rc = OT_ENOMEM;
        }
        for (i = 0; rc == 0 && i < n; i++)
            if (json_array_append_new(list, json_string(awbs[i])))
                rc = OT_ENOMEM;
        if (rc == 0)
            rc = ot__json_write(&r->body, &len, obj, 0, err);
        json_decref(obj);
        r->req.body_length = rc == 0 ? len : 0;
        r->headers[1].name = "Content-Type";
        r->headers[1].value = "application/json";
    }
    if (rc) {
        ot__courier_request_release(r);
        return rc == OT_ENOMEM ? ot__error_set(err, OT_ENOMEM, "out of memory building a %s "
                                               "request", c->spec->name) : rc;
    }
    r->headers[0].name = c->auth_header;
    r->headers[0].value = r->auth;
    r->req = (ot_http_request){init.version, c->spec->method, r->url, r->headers,
                               r->body ? 2 : 1, r->body, r->req.body_length,
                               c->config.timeout_ms,
                               /* tracking is a read: safe to send again */
                               OT_HTTP_REQUEST_IDEMPOTENT, NULL};
    if (r->fallback_url) {
        r->fallback = r->req;
        r->fallback.url = r->fallback_url;
        r->req.fallback = &r->fallback;
    }
    return 0;
}
