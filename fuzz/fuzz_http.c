/* Fuzz ordertrackd's request handling without libmicrohttpd: the pipeline of app.c (route,
 * authentication, rate limit, authorisation, Idempotency-Key and If-Match, handler) and the
 * body and query decoders of body.c. Input, as a tiny HTTP/1 request:
 *   METHOD SP PATH[?QUERY] LF (NAME ":" VALUE LF)* LF BODY
 * Every request must be answered with a status in 200..599 and a JSON body. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ordertrack/adapters/memory.h>
#include <ordertrack/tracker.h>

#include "app.h"
#include "body.h"
#include "storage_probe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_PAIRS 32

struct pairs {
    const char *name[MAX_PAIRS];
    const char *value[MAX_PAIRS];
    size_t n;
};

struct lookup_ctx {
    struct pairs headers, query;
};

static const char cfg_json[] =
    "{\"storage\": \"memory:\", \"api_keys\": ["
    " {\"key\": \"admin-secret-012\", \"role\": \"admin\"},"
    " {\"key\": \"store-secret-012\", \"role\": \"store\", \"stores\": [\"store-1\", \"store-2\"]},"
    " {\"key\": \"courier-secret-0\", \"role\": \"courier\"}],"
    " \"limits\": {\"requests_per_second\": 1000, \"burst\": 1000000}}";

static otd_config cfg;
static otd_app app;
static ot_storage *storage;
static int64_t fake_now;

static int64_t fake_clock(void *ctx)
{
    (void)ctx;
    return fake_now += 1000;
}

static const char *find(const struct pairs *p, const char *name)
{
    for (size_t i = 0; i < p->n; i++)
        if (strcasecmp(p->name[i], name) == 0)
            return p->value[i];
    return NULL;
}

static const char *header(void *ctx, const char *name)
{
    return find(&((struct lookup_ctx *)ctx)->headers, name);
}

static const char *query(void *ctx, const char *name)
{
    return find(&((struct lookup_ctx *)ctx)->query, name);
}

static void split_query(char *q, struct pairs *p)
{
    char *save = NULL, *part;
    for (part = strtok_r(q, "&", &save); part && p->n < MAX_PAIRS;
         part = strtok_r(NULL, "&", &save)) {
        char *eq = strchr(part, '=');
        if (eq)
            *eq++ = '\0';
        p->name[p->n] = part;
        p->value[p->n++] = eq ? eq : "";
    }
}

static void check(const otd_response *res)
{
    if (res->status < 200 || res->status > 599)
        __builtin_trap();
    if (res->body && res->body_len != strlen(res->body))
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct lookup_ctx ctx;
    otd_request req;
    otd_response res;
    char *text, *line, *next, *sp, *q, *body;
    json_t *doc = NULL;

    if (!app.cfg) {
        char err[256];
        ot_tracker_options o = OT_TRACKER_OPTIONS_INIT;
        if (otd_config_load_string(&cfg, cfg_json, "fuzz", err, sizeof err) != 0 ||
            otd_app_init(&app, &cfg, fake_clock, NULL) != 0 ||
            ot_storage_memory_new(&storage, NULL) != 0)
            abort();
        /* Wired as ordertrackd wires it, so handlers reach the tracker as they land. */
        o.storage = storage;
        if (ot_tracker_new(&app.tracker, &o, NULL) != 0)
            abort();
        app.storage_probe = otd_storage_probe;
        app.probe_ctx = storage;
    }
    text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    memset(&ctx, 0, sizeof ctx);

    /* Request line. */
    line = text;
    next = strchr(line, '\n');
    if (next)
        *next++ = '\0';
    sp = strchr(line, ' ');
    if (!sp) {
        free(text);
        return 0;
    }
    *sp = '\0';
    if ((q = strchr(sp + 1, '?')) != NULL) {
        *q++ = '\0';
        split_query(q, &ctx.query);
    }
    /* Headers up to the blank line; the rest (binary included) is the body. */
    body = NULL;
    while (next) {
        char *colon;
        line = next;
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        if (*line == '\0') {
            body = next;
            break;
        }
        colon = strchr(line, ':');
        if (colon && ctx.headers.n < MAX_PAIRS) {
            *colon++ = '\0';
            while (*colon == ' ')
                colon++;
            ctx.headers.name[ctx.headers.n] = line;
            ctx.headers.value[ctx.headers.n++] = colon;
        }
    }

    memset(&req, 0, sizeof req);
    memset(&res, 0, sizeof res);
    req.method = text;
    req.path = sp + 1;
    req.body = body;
    req.body_len = body ? size - (size_t)(body - text) : 0;
    req.header = header;
    req.query = query;
    req.lookup_ctx = &ctx;
    otd_app_handle(&app, &req, &res);
    check(&res);
    otd_response_clear(&res);

    /* The decoders the handlers use, on the same body and query. */
    if (otd_body_object(&req, &doc, &res) == 0) {
        const char *s;
        double d;
        int b;
        json_t *o;
        otd_response_clear(&res);
        (void)otd_body_string(doc, "order_id", 0, 255, &s, &res);
        otd_response_clear(&res);
        (void)otd_body_number(doc, "latitude", 0, -90, 90, &d, &res);
        otd_response_clear(&res);
        (void)otd_body_bool(doc, "approved", 0, &b, &res);
        otd_response_clear(&res);
        (void)otd_body_member_object(doc, "metadata", 0, &o, &res);
        json_decref(doc);
    } else {
        check(&res);
    }
    otd_response_clear(&res);
    for (size_t k = 0; k < cfg.n_keys; k++) {
        otd_list_query lq;
        req.key = &cfg.keys[k];
        if (otd_list_query_parse(&req, &lq, &res) != 0)
            check(&res);
        otd_response_clear(&res);
    }
    free(text);
    return 0;
}
