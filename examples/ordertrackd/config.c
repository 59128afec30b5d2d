/* ordertrackd configuration: JSON file, flags, defaults; every error names the field. */
#include "config.h"
#include "webhooks.h"
#include "courierdefs.h"
#include "trackerconf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <ordertrack/ordertrack.h>

#define DEFAULT_HOST "127.0.0.1"
#define DEFAULT_PORT 8080u
#define DEFAULT_STORAGE "sqlite:./ordertrack.db"
#define MAX_KEY_LENGTH 255
/* A key shorter than this is guessable: refused (issue 17). */
#define MIN_KEY_LENGTH 16
#define MAX_STORE_ID_LENGTH 255

static const struct {
    const char *name;
    int role;
} roles[] = {
    {"admin", OTD_ROLE_ADMIN},
    {"store", OTD_ROLE_STORE},
    {"courier", OTD_ROLE_COURIER},
};

static const char *const top_fields[] = {"listen", "storage", "api_keys", "webhooks",
                                         "limits", "sla", "alerts", "pii", "dispatch",
                                         "outbox", "subscriptions", "nats", "tracking_page",
                                         "courier_definitions", "reconcile", NULL};
static const char *const key_fields[] = {"key",       "role", "stores", "providers",
                                         "driver_id", "id",   NULL};
static const char *const webhook_partners[] = {"uber", "doordash", "shiprocket", "velocity",
                                               "delhivery", NULL};

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static int say(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    if (err && errlen) {
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

const char *otd_role_name(int role)
{
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
        if (roles[i].role == role)
            return roles[i].name;
    return "?";
}

static int in_list(const char *const *list, const char *name)
{
    for (; *list; list++)
        if (strcmp(*list, name) == 0)
            return 1;
    return 0;
}

/* Printable ASCII without spaces, 1..max bytes. */
static int is_token(const char *s, size_t max)
{
    size_t n = 0;

    for (; s[n]; n++)
        if ((unsigned char)s[n] <= 0x20 || (unsigned char)s[n] >= 0x7f)
            return 0;
    return n > 0 && n <= max;
}

static void free_key(otd_api_key *k)
{
    free(k->id);
    if (k->key)
        memset(k->key, 0, strlen(k->key));
    free(k->key);
    for (size_t i = 0; i < k->n_stores; i++)
        free(k->stores[i]);
    free(k->stores);
    free(k->driver_id);
    memset(k, 0, sizeof *k);
}

void otd_config_free(otd_config *cfg)
{
    if (!cfg)
        return;
    free(cfg->host);
    free(cfg->storage);
    for (size_t i = 0; i < cfg->n_keys; i++)
        free_key(&cfg->keys[i]);
    free(cfg->keys);
    json_decref(cfg->webhooks);
    json_decref(cfg->courier_definitions);
    ot_courier_registry_free(cfg->couriers);
    json_decref(cfg->sla);
    otd_dispatchconf_free(&cfg->dispatch);
    otd_pageconf_free(&cfg->tracking_page);
    otc_alerts_free(&cfg->alerts);
    if (cfg->generated_admin_key) /* secrets do not outlive the config */
        memset(cfg->generated_admin_key, 0, strlen(cfg->generated_admin_key));
    free(cfg->generated_admin_key);
    piiconf_wipe(&cfg->pii);
    otd_outboxconf_free(&cfg->outbox);
    otd_reconcileconf_free(&cfg->reconcile);
    memset(cfg, 0, sizeof *cfg);
}

int otd_config_defaults(otd_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->host = strdup(DEFAULT_HOST);
    cfg->storage = strdup(DEFAULT_STORAGE);
    cfg->port = DEFAULT_PORT;
    cfg->max_body_bytes = 65536;
    cfg->max_uri_bytes = 8192;
    cfg->max_header_bytes = 16384;
    cfg->requests_per_second = 200;
    cfg->burst = 400;
    cfg->threads = 4;
    cfg->store_ack_sweep_ms = 30000;
    ot_escalation_policy_init(&cfg->escalation, OT_ESCALATION_POLICY_VERSION, NULL);
    cfg->sla_sweep_ms = 30000;
    cfg->max_event_streams = 64;
    cfg->event_heartbeat_ms = 15000;
    cfg->location_event_ms = 1000;
    cfg->auth_failures_per_minute = 10;
    cfg->auth_failure_burst = 10;
    cfg->auth_failure_sources = 4096;
    cfg->max_connections = 512;
    cfg->max_connections_per_address = 32;
    cfg->connection_timeout_s = 15;
    cfg->request_timeout_s = 30;
    cfg->max_event_streams_per_key = 16;
    cfg->rules = (ot_tracker_options)OT_TRACKER_OPTIONS_INIT;
    cfg->log_level = OTC_LOG_INFO;
    cfg->log_format = OTC_LOG_TEXT;
    otd_outboxconf_defaults(&cfg->outbox);
    if (!cfg->host || !cfg->storage) {
        otd_config_free(cfg);
        return -1;
    }
    return 0;
}

int otd_config_set_listen(otd_config *cfg, const char *text, char *err, size_t errlen)
{
    const char *colon = strrchr(text, ':');
    char host[64], addr_buf[16];
    size_t host_len;
    unsigned long port;
    char *end;
    int ipv6 = 0;

    if (!colon || colon == text)
        return say(err, errlen, "\"%s\" is not HOST:PORT", text);
    host_len = (size_t)(colon - text);
    if (text[0] == '[') {
        if (host_len < 3 || text[host_len - 1] != ']')
            return say(err, errlen, "\"%s\": an IPv6 address goes in brackets, [::1]:8080",
                       text);
        text++, host_len -= 2, ipv6 = 1;
    }
    if (host_len >= sizeof host)
        return say(err, errlen, "host of \"%s\" is too long", text);
    memcpy(host, text, host_len);
    host[host_len] = '\0';
    if (!ipv6 && strcmp(host, "localhost") == 0)
        strcpy(host, "127.0.0.1");
    if (inet_pton(ipv6 ? AF_INET6 : AF_INET, host, addr_buf) != 1)
        return say(err, errlen, "\"%s\" is not a numeric %s address", host,
                   ipv6 ? "IPv6" : "IPv4");
    errno = 0;
    port = strtoul(colon + 1, &end, 10);
    if (colon[1] < '0' || colon[1] > '9' || *end || errno || port > 65535)
        return say(err, errlen, "port \"%s\" is not a number 0-65535", colon + 1);
    end = strdup(host);
    if (!end)
        return say(err, errlen, "out of memory");
    free(cfg->host);
    cfg->host = end;
    cfg->port = (unsigned)port;
    cfg->ipv6 = ipv6;
    return 0;
}

int otd_config_set_storage(otd_config *cfg, const char *uri, char *err, size_t errlen)
{
    static const struct {
        const char *prefix;
        int needs_rest;
    } schemes[] = {{"memory:", 0}, {"sqlite:", 1}, {"mongodb://", 1}, {"mongodb+srv://", 1}};
    char *copy;

    for (size_t i = 0; i < sizeof schemes / sizeof schemes[0]; i++) {
        size_t n = strlen(schemes[i].prefix);
        if (strncmp(uri, schemes[i].prefix, n) != 0)
            continue;
        if (schemes[i].needs_rest && uri[n] == '\0')
            return say(err, errlen, "\"%s\" lacks a path or host after the scheme", uri);
        copy = strdup(uri);
        if (!copy)
            return say(err, errlen, "out of memory");
        free(cfg->storage);
        cfg->storage = copy;
        return 0;
    }
    return say(err, errlen, "\"%s\" is not a storage URI (memory:, sqlite:PATH, mongodb://...)",
               uri);
}

/* Validation context: the file name and the JSON path being checked. */
struct ctx {
    const char *name;
    char *err;
    size_t errlen;
};

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static int bad(const struct ctx *c, const char *path, const char *fmt, ...)
{
    char what[384];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return say(c->err, c->errlen, "%s: %s: %s", c->name, path, what);
}

static int check_fields(const struct ctx *c, json_t *obj, const char *path,
                        const char *const *allowed)
{
    const char *name;
    json_t *v;
    char where[128];

    json_object_foreach(obj, name, v) {
        if (!in_list(allowed, name)) {
            snprintf(where, sizeof where, "%s%s%s", path, *path ? "." : "", name);
            return bad(c, where, "unknown field");
        }
    }
    return 0;
}

/* Two secrets are equal: compared as SHA-256 digests with CRYPTO_memcmp, so the time taken
 * says nothing about where (or whether) they differ, nor about their lengths. */
static int secret_equal(const char *a, const char *b)
{
    unsigned char da[EVP_MAX_MD_SIZE], db[EVP_MAX_MD_SIZE];
    unsigned la = 0, lb = 0;

    if (!EVP_Digest(a, strlen(a), da, &la, EVP_sha256(), NULL) ||
        !EVP_Digest(b, strlen(b), db, &lb, EVP_sha256(), NULL) || la != lb)
        return 0;
    return CRYPTO_memcmp(da, db, la) == 0;
}

/* A courier key's scope: `providers` (names of ot_provider) and `driver_id`, both optional
 * and only for courier keys. */
static int load_courier_scope(const struct ctx *c, otd_api_key *k, json_t *entry,
                              const char *path)
{
    json_t *providers = json_object_get(entry, "providers");
    json_t *driver = json_object_get(entry, "driver_id");
    char where[128];

    if (k->role != OTD_ROLE_COURIER && (providers || driver)) {
        snprintf(where, sizeof where, "%s.%s", path, providers ? "providers" : "driver_id");
        return bad(c, where, "only keys with role \"courier\" take %s",
                   providers ? "a providers list" : "a driver_id");
    }
    if (providers) {
        snprintf(where, sizeof where, "%s.providers", path);
        if (!json_is_array(providers) || json_array_size(providers) == 0)
            return bad(c, where, "must be a non-empty array of provider names");
        for (size_t i = 0; i < json_array_size(providers); i++) {
            json_t *p = json_array_get(providers, i);
            ot_provider v;
            snprintf(where, sizeof where, "%s.providers[%zu]", path, i);
            if (!json_is_string(p) || ot_provider_from_string(&v, json_string_value(p), NULL) ||
                v == OT_PROVIDER_UNKNOWN)
                return bad(c, where, "unknown provider (uber, doordash, internal, delhivery, "
                                     "delhivery_b2b, shiprocket, velocity)");
            k->providers |= 1u << v;
        }
    }
    if (driver) {
        snprintf(where, sizeof where, "%s.driver_id", path);
        if (!json_is_string(driver) || !is_token(json_string_value(driver), 128))
            return bad(c, where, "must be a driver id (1-128 printable characters)");
        if (!(k->driver_id = strdup(json_string_value(driver))))
            return bad(c, where, "out of memory");
    }
    return 0;
}

static int load_key(const struct ctx *c, otd_config *cfg, json_t *entry, size_t index)
{
    otd_api_key *k = &cfg->keys[index];
    char path[96], where[128];
    json_t *v, *stores;
    const char *role;

    snprintf(path, sizeof path, "api_keys[%zu]", index);
    if (!json_is_object(entry))
        return bad(c, path, "must be an object {\"key\", \"role\", \"stores\"?}");
    if (check_fields(c, entry, path, key_fields) != 0)
        return -1;

    v = json_object_get(entry, "key");
    snprintf(where, sizeof where, "%s.key", path);
    if (!json_is_string(v) || !is_token(json_string_value(v), MAX_KEY_LENGTH) ||
        strlen(json_string_value(v)) < MIN_KEY_LENGTH)
        return bad(c, where, "must be a string of %d-%d printable characters without spaces",
                   MIN_KEY_LENGTH, MAX_KEY_LENGTH);
    for (size_t i = 0; i < index; i++)
        if (secret_equal(cfg->keys[i].key, json_string_value(v)))
            return bad(c, where, "duplicate key: same as api_keys[%zu].key", i);
    k->key = strdup(json_string_value(v));

    v = json_object_get(entry, "role");
    snprintf(where, sizeof where, "%s.role", path);
    if (!json_is_string(v))
        return bad(c, where, "required string: admin, store or courier");
    role = json_string_value(v);
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
        if (strcmp(role, roles[i].name) == 0)
            k->role = roles[i].role;
    if (!k->role)
        return bad(c, where, "unknown role \"%s\" (admin, store or courier)", role);

    v = json_object_get(entry, "id");
    snprintf(where, sizeof where, "%s.id", path);
    if (v && (!json_is_string(v) || !is_token(json_string_value(v), 64)))
        return bad(c, where, "must be a string of 1-64 printable characters without spaces");
    k->id = strdup(v ? json_string_value(v) : path);

    stores = json_object_get(entry, "stores");
    snprintf(where, sizeof where, "%s.stores", path);
    if (k->role != OTD_ROLE_STORE) {
        if (stores)
            return bad(c, where, "only keys with role \"store\" take a stores list");
    } else {
        if (!json_is_array(stores) || json_array_size(stores) == 0)
            return bad(c, where, "a store key needs a non-empty array of store ids");
        k->stores = calloc(json_array_size(stores), sizeof *k->stores);
        if (!k->stores)
            return bad(c, where, "out of memory");
        for (size_t i = 0; i < json_array_size(stores); i++) {
            json_t *s = json_array_get(stores, i);
            snprintf(where, sizeof where, "%s.stores[%zu]", path, i);
            if (!json_is_string(s) || !is_token(json_string_value(s), MAX_STORE_ID_LENGTH))
                return bad(c, where, "must be a store id (1-%d printable characters)",
                           MAX_STORE_ID_LENGTH);
            k->stores[i] = strdup(json_string_value(s));
            k->n_stores++;
            if (!k->stores[i])
                return bad(c, where, "out of memory");
        }
    }
    if (load_courier_scope(c, k, entry, path) != 0)
        return -1;
    if (!k->key || !k->id)
        return bad(c, path, "out of memory");
    return 0;
}

static int load_keys(const struct ctx *c, otd_config *cfg, json_t *keys)
{
    size_t n;

    if (!json_is_array(keys) || json_array_size(keys) == 0)
        return bad(c, "api_keys", "required: a non-empty array of {\"key\", \"role\"} objects");
    n = json_array_size(keys);
    cfg->keys = calloc(n, sizeof *cfg->keys);
    if (!cfg->keys)
        return bad(c, "api_keys", "out of memory");
    for (size_t i = 0; i < n; i++) {
        cfg->n_keys = i + 1;
        if (load_key(c, cfg, json_array_get(keys, i), i) != 0)
            return -1;
    }
    return 0;
}

static int load_webhooks(const struct ctx *c, otd_config *cfg, json_t *hooks)
{
    const char *partner, *field;
    json_t *entry, *v;
    char where[128];

    if (!json_is_object(hooks))
        return bad(c, "webhooks", "must be an object keyed by partner");
    json_object_foreach(hooks, partner, entry) {
        int id = 0, run_time;
        snprintf(where, sizeof where, "webhooks.%s", partner);
        run_time = !in_list(webhook_partners, partner) &&
                   (id = ot_courier_registry_lookup(cfg->couriers, partner, NULL)) >=
                       OT_COURIER_ID_MIN;
        if (!in_list(webhook_partners, partner) && !run_time)
            return bad(c, where, "unknown partner (uber, doordash, shiprocket, velocity, "
                                 "delhivery, or a courier of courier_definitions)");
        if (!json_is_object(entry))
            return bad(c, where, "must be an object of strings");
        if (run_time && (!json_object_get(entry, "header") || !json_object_get(entry, "secret")))
            return bad(c, where, "a courier of courier_definitions takes \"header\" (the "
                                 "header carrying the secret) and \"secret\"");
        json_object_foreach(entry, field, v) {
            const char *member = run_time ? (strcmp(field, "header") == 0 ? "header" : "secret")
                                          : otd_webhook_secret_member(partner);
            snprintf(where, sizeof where, "webhooks.%s.%s", partner, field);
            if (!member || strcmp(field, member) != 0)
                return bad(c, where, "unknown field (%s takes \"%s\")", partner,
                           run_time ? "header\" and \"secret" : member ? member : "?");
            if (!json_is_string(v) || json_string_length(v) == 0)
                return bad(c, where, "must be a non-empty string");
        }
    }
    cfg->webhooks = json_incref(hooks);
    return 0;
}

/* The members of `limits`, as data: where each goes in otd_config, its type and its range;
 * the store's rules (examples/common/trackerconf.h) go into cfg->rules. */
static const jc_number limits_table[] = {
#define L(name, lo, hi, type, member) {name, lo, hi, type, offsetof(otd_config, member)}
    L("max_body_bytes", 1, 64.0 * 1024 * 1024, JC_SIZE, max_body_bytes),
    L("max_uri_bytes", 256, OTD_HEAD_BYTES_MAX, JC_SIZE, max_uri_bytes),
    L("max_header_bytes", 1024, OTD_HEAD_BYTES_MAX, JC_SIZE, max_header_bytes),
    L("requests_per_second", 0.001, 1e7, JC_DOUBLE, requests_per_second),
    L("burst", 1, 1e8, JC_DOUBLE, burst),
    L("threads", 1, 256, JC_UNSIGNED, threads),
    L("store_ack_sweep_ms", 10, 86400000, JC_UNSIGNED, store_ack_sweep_ms),
    L("sla_sweep_ms", 10, 86400000, JC_UNSIGNED, sla_sweep_ms),
    L("gps_gap_ms", 0, 86400000, JC_UNSIGNED, gps_gap_ms),
    L("max_event_streams", 0, 10000, JC_UNSIGNED, max_event_streams),
    L("event_heartbeat_ms", 100, 3600000, JC_UNSIGNED, event_heartbeat_ms),
    L("store_ack_escalation_ms", 0, (double)OT_ESCALATION_MAX_MS, JC_INT64,
      escalation.store_ack_escalation_ms),
    L("no_driver_escalation_attempts", 0, OT_ESCALATION_MAX_ATTEMPTS, JC_UNSIGNED,
      escalation.no_driver_escalation_attempts),
    L("max_connections", 4, 100000, JC_UNSIGNED, max_connections),
    L("max_connections_per_address", 1, 100000, JC_UNSIGNED, max_connections_per_address),
    L("connection_timeout_s", 1, 3600, JC_UNSIGNED, connection_timeout_s),
    L("request_timeout_s", 1, 3600, JC_UNSIGNED, request_timeout_s),
    L("max_event_streams_per_key", 0, 10000, JC_UNSIGNED, max_event_streams_per_key),
    L("location_event_ms", 10, 3600000, JC_UNSIGNED, location_event_ms),
    L("auth_failures_per_minute", 0.001, 1e6, JC_DOUBLE, auth_failures_per_minute),
    L("auth_failure_burst", 1, 1e6, JC_DOUBLE, auth_failure_burst),
    L("auth_failure_sources", 8, 1048576, JC_SIZE, auth_failure_sources),
#undef L
};

static int load_limits(const struct ctx *c, otd_config *cfg, json_t *limits)
{
    const jsonconf jc = {c->name, c->err, c->errlen};
    const size_t n = sizeof limits_table / sizeof limits_table[0];
    const jc_number *row;
    const char *name;
    json_t *v;

    if (!json_is_object(limits))
        return bad(c, "limits", "must be an object");
    json_object_foreach(limits, name, v) {
        if ((row = jc_number_find(limits_table, n, name))) {
            if (jc_number_load(&jc, "limits", row, v, cfg) != 0)
                return -1;
        } else if (otc_tracker_rule_load(&jc, "limits", name, v, &cfg->rules) != 0)
            return -1;
    }
    if (cfg->max_connections_per_address > cfg->max_connections)
        return bad(c, "limits.max_connections_per_address",
                   "%u is over limits.max_connections (%u)", cfg->max_connections_per_address,
                   cfg->max_connections);
    if (cfg->gps_gap_ms && cfg->gps_gap_ms < 1000)
        return bad(c, "limits.gps_gap_ms", "must be 0 (off) or at least 1000, not %u",
                   cfg->gps_gap_ms);
    return 0;
}

/* The `alerts` block, shared with ordertrack-poller (examples/common/alertsconf.c). */
static int load_alerts(const struct ctx *c, otc_alerts *a, json_t *obj)
{
    const jsonconf jc = {c->name, c->err, c->errlen};
    return otc_alerts_load(&jc, a, obj);
}

static int load_json(otd_config *cfg, json_t *root, const struct ctx *c)
{
    json_t *v;
    char why[256];

    if (!json_is_object(root))
        return bad(c, "(top level)", "must be a JSON object");
    if (check_fields(c, root, "", top_fields) != 0)
        return -1;
    if ((v = json_object_get(root, "listen"))) {
        if (!json_is_string(v))
            return bad(c, "listen", "must be a string HOST:PORT");
        if (otd_config_set_listen(cfg, json_string_value(v), why, sizeof why) != 0)
            return bad(c, "listen", "%s", why);
    }
    if ((v = json_object_get(root, "storage"))) {
        if (!json_is_string(v))
            return bad(c, "storage", "must be a string URI");
        if (otd_config_set_storage(cfg, json_string_value(v), why, sizeof why) != 0)
            return bad(c, "storage", "%s", why);
    }
    if (load_keys(c, cfg, json_object_get(root, "api_keys")) != 0)
        return -1;
    v = json_object_get(root, "courier_definitions");
    if (courierdefs_load(v, c->name, &cfg->couriers, c->err, c->errlen) != 0)
        return -1;
    cfg->courier_definitions = v ? json_incref(v) : NULL;
    if ((v = json_object_get(root, "webhooks")) && load_webhooks(c, cfg, v) != 0)
        return -1;
    if ((v = json_object_get(root, "limits")) && load_limits(c, cfg, v) != 0)
        return -1;
    if ((v = json_object_get(root, "dispatch"))) {
        const jsonconf jc = {c->name, c->err, c->errlen};
        if (otd_dispatchconf_load(&cfg->dispatch, &jc, v) != 0)
            return -1;
    }
    if ((v = json_object_get(root, "reconcile"))) {
        const jsonconf jc = {c->name, c->err, c->errlen};
        if (otd_reconcileconf_load(&cfg->reconcile, &jc, v, cfg->couriers) != 0)
            return -1;
    }
    if ((v = json_object_get(root, "tracking_page"))) {
        const jsonconf jc = {c->name, c->err, c->errlen};
        if (otd_pageconf_load(&cfg->tracking_page, &jc, v) != 0)
            return -1;
    }
    if ((v = json_object_get(root, "sla"))) {
        if (!json_is_object(v))
            return bad(c, "sla", "must be an object");
        cfg->sla = json_incref(v);
    }
    if ((v = json_object_get(root, "alerts")) && !json_is_null(v) &&
        load_alerts(c, &cfg->alerts, v) != 0)
        return -1;
    if ((v = json_object_get(root, "pii"))) {
        jsonconf jc = {c->name, c->err, c->errlen};
        if (piiconf_load(&cfg->pii, &jc, v) != 0)
            return -1;
    }
    {
        jsonconf jc = {c->name, c->err, c->errlen};
        if (otd_outboxconf_load(&cfg->outbox, root, &jc) != 0)
            return -1;
    }
    return 0;
}

/* Defaults, then the parsed root (consumed). root NULL: the parse error, from jerr or, with
 * jerr NULL, already in err. */
static int load_parsed(otd_config *cfg, json_t *root, const json_error_t *jerr,
                       const char *name, char *err, size_t errlen)
{
    struct ctx c = {name, err, errlen};
    int rc;

    if (otd_config_defaults(cfg) != 0) {
        json_decref(root);
        return say(err, errlen, "%s: out of memory", name);
    }
    if (!root && !jerr)
        return -1; /* jc_read_file wrote the message */
    if (!root)
        return say(err, errlen, "%s: line %d, column %d: %s", name, jerr->line, jerr->column,
                   jerr->text);
    rc = load_json(cfg, root, &c);
    json_decref(root);
    return rc;
}

int otd_config_load_string(otd_config *cfg, const char *text, const char *name, char *err,
                           size_t errlen)
{
    json_error_t jerr;
    json_t *root = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);

    return load_parsed(cfg, root, &jerr, name, err, errlen);
}

int otd_config_load_file(otd_config *cfg, const char *path, char *err, size_t errlen)
{
    const jsonconf jc = {path, err, errlen};

    return load_parsed(cfg, jc_read_file(&jc, path), NULL, path, err, errlen);
}

int otd_config_generate_admin_key(otd_config *cfg, char *err, size_t errlen)
{
    unsigned char raw[32];
    char hex[2 * sizeof raw + 1];
    otd_api_key *keys, *k;

    if (RAND_bytes(raw, sizeof raw) != 1)
        return say(err, errlen, "cannot generate an admin key: no randomness");
    for (size_t i = 0; i < sizeof raw; i++)
        snprintf(hex + 2 * i, 3, "%02x", raw[i]);
    memset(raw, 0, sizeof raw);
    keys = realloc(cfg->keys, (cfg->n_keys + 1) * sizeof *keys);
    if (!keys)
        return say(err, errlen, "out of memory");
    cfg->keys = keys;
    k = &keys[cfg->n_keys];
    memset(k, 0, sizeof *k);
    k->role = OTD_ROLE_ADMIN;
    k->id = strdup("generated-admin");
    k->key = strdup(hex);
    cfg->generated_admin_key = strdup(hex);
    memset(hex, 0, sizeof hex);
    cfg->n_keys++;
    if (!k->id || !k->key || !cfg->generated_admin_key)
        return say(err, errlen, "out of memory");
    return 0;
}

enum { ARG_CONFIG, ARG_LISTEN, ARG_STORAGE, ARG_LOG_FORMAT, ARG_LOG_LEVEL };

const otc_option otd_config_options[] = {
    [ARG_CONFIG] = {"--config", "FILE", "the JSON configuration (default: the defaults and "
                                        "a new admin key)"},
    [ARG_LISTEN] = {"--listen", "HOST:PORT", "the address to serve on (overrides \"listen\")"},
    [ARG_STORAGE] = {"--storage", "URI", "memory:, sqlite:PATH or mongodb://... (overrides "
                                         "\"storage\")"},
    [ARG_LOG_FORMAT] = {"--log-format", "json|text", "the log's format (default text)"},
    [ARG_LOG_LEVEL] = {"--log-level", "debug|info|warn|error",
                       "the least level logged (default info)"},
};
const size_t otd_config_n_options = sizeof otd_config_options / sizeof otd_config_options[0];

int otd_config_from_args(otd_config *cfg, int argc, char **argv, char *err, size_t errlen)
{
    const char *given[sizeof otd_config_options / sizeof otd_config_options[0]] = {NULL};
    const char *config, *listen, *storage, *log_format, *log_level, *value;
    char why[256];
    int dashdash = 0;

    memset(cfg, 0, sizeof *cfg);
    for (int i = 1; i < argc; i++) {
        int k = otc_option_next(otd_config_options, otd_config_n_options, argc, argv, &i,
                                &dashdash, &value, err, errlen);
        if (k == OTC_ARG_NONE)
            continue;
        if (k == OTC_ARG_POSITIONAL) {
            say(err, errlen, "unexpected argument '%s'", value);
            return OTD_EXIT_USAGE;
        }
        if (k < 0)
            return OTD_EXIT_USAGE;
        given[k] = value;
    }
    config = given[ARG_CONFIG];
    listen = given[ARG_LISTEN];
    storage = given[ARG_STORAGE];
    log_format = given[ARG_LOG_FORMAT];
    log_level = given[ARG_LOG_LEVEL];
    if (config) {
        if (otd_config_load_file(cfg, config, err, errlen) != 0)
            return OTD_EXIT_CONFIG;
    } else if (otd_config_defaults(cfg) != 0) {
        say(err, errlen, "out of memory");
        return OTD_EXIT_CONFIG;
    } else if (otd_config_generate_admin_key(cfg, err, errlen) != 0) {
        return OTD_EXIT_CONFIG;
    }
    if (listen && otd_config_set_listen(cfg, listen, why, sizeof why) != 0) {
        say(err, errlen, "--listen: %s", why);
        return OTD_EXIT_CONFIG;
    }
    if (storage && otd_config_set_storage(cfg, storage, why, sizeof why) != 0) {
        say(err, errlen, "--storage: %s", why);
        return OTD_EXIT_CONFIG;
    }
    if (log_format && otc_log_format_from_string(&cfg->log_format, log_format) != 0) {
        say(err, errlen, "--log-format: \"%s\" is not json or text", log_format);
        return OTD_EXIT_CONFIG;
    }
    if (log_level && otc_log_level_from_string(&cfg->log_level, log_level) != 0) {
        say(err, errlen, "--log-level: \"%s\" is not debug, info, warn or error", log_level);
        return OTD_EXIT_CONFIG;
    }
    return 0;
}

/* The members read only when the server starts, as data: where each is and how to compare. */
enum restart_type { RESTART_STRING, RESTART_UNSIGNED, RESTART_SIZE };

static const struct restart_member {
    const char *name;
    enum restart_type type;
    size_t offset;              /* in otd_config */
} restart_members[] = {
#define R(name, type, member) {name, type, offsetof(otd_config, member)}
    R("listen", RESTART_STRING, host),
    R("listen", RESTART_UNSIGNED, port),
    R("storage", RESTART_STRING, storage),
    R("limits.threads", RESTART_UNSIGNED, threads),
    R("limits.max_connections", RESTART_UNSIGNED, max_connections),
    R("limits.max_connections_per_address", RESTART_UNSIGNED, max_connections_per_address),
    R("limits.connection_timeout_s", RESTART_UNSIGNED, connection_timeout_s),
    R("limits.max_event_streams", RESTART_UNSIGNED, max_event_streams),
    R("limits.max_event_streams_per_key", RESTART_UNSIGNED, max_event_streams_per_key),
    R("limits.event_heartbeat_ms", RESTART_UNSIGNED, event_heartbeat_ms),
    R("limits.location_event_ms", RESTART_UNSIGNED, location_event_ms),
    R("limits.max_uri_bytes", RESTART_SIZE, max_uri_bytes),       /* size the HTTP buffer */
    R("limits.max_header_bytes", RESTART_SIZE, max_header_bytes),
#undef R
};

static int member_differs(const otd_config *a, const otd_config *b,
                          const struct restart_member *m)
{
    const char *pa = (const char *)a + m->offset, *pb = (const char *)b + m->offset;

    switch (m->type) {
    case RESTART_STRING:
        return strcmp(*(char *const *)(const void *)pa, *(char *const *)(const void *)pb) != 0;
    case RESTART_UNSIGNED:
        return *(const unsigned *)(const void *)pa != *(const unsigned *)(const void *)pb;
    case RESTART_SIZE:
        return *(const size_t *)(const void *)pa != *(const size_t *)(const void *)pb;
    }
    return 0;
}

/* The `pii` blocks differ: another key set, or other key bytes. */
static int pii_differs(const piiconf *a, const piiconf *b)
{
    return a->n_keys != b->n_keys ||
           memcmp(a->keys, b->keys, a->n_keys * sizeof a->keys[0]) != 0;
}

size_t otd_config_restart_diff(const otd_config *running, const otd_config *next,
                               void (*changed)(void *ctx, const char *member), void *ctx)
{
    const char *last = NULL;
    size_t n = 0;

    for (size_t i = 0; i < sizeof restart_members / sizeof restart_members[0]; i++) {
        const struct restart_member *m = &restart_members[i];
        /* one report per member, e.g. listen's host and port */
        if (member_differs(running, next, m) && (!last || strcmp(last, m->name) != 0)) {
            changed(ctx, m->name);
            last = m->name;
            n++;
        }
    }
    if (otd_dispatchconf_differs(&running->dispatch, &next->dispatch)) {
        changed(ctx, "dispatch");
        n++;
    }
    if (otd_reconcileconf_differs(&running->reconcile, &next->reconcile)) {
        changed(ctx, "reconcile");
        n++;
    }
    if (!json_equal(running->courier_definitions ? running->courier_definitions : json_null(),
                    next->courier_definitions ? next->courier_definitions : json_null())) {
        changed(ctx, "courier_definitions");
        n++;
    }
    if (pii_differs(&running->pii, &next->pii)) {
        changed(ctx, "pii");
        n++;
    }
    for (size_t i = 0; i < 3; i++) { /* outbox, subscriptions, nats: whole blocks */
        if (!json_equal(running->outbox.raw[i], next->outbox.raw[i]) &&
            (running->outbox.raw[i] || next->outbox.raw[i])) {
            changed(ctx, otd_outboxconf_blocks[i]);
            n++;
        }
    }
    return n;
}
