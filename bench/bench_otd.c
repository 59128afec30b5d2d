/* ordertrackd's request path without sockets, for the callgrind guard (callgrind_check.sh):
 * the pipeline of examples/ordertrackd (routing, the key check, the rate limit, the
 * handler, the answer's encoding) over the memory store behind ordertrackd's storage watch,
 * as ordertrackd runs it. `--iterations N` creates N orders (not counted), then answers N
 * GETs (cg_otd_get) and N PUTs of a status (cg_otd_put), each an otd_app_handle call that
 * must answer 200. Prints "gets N" and "puts N". The HTTP server around it (libmicrohttpd)
 * and the access log are measured by scripts/bench under wrk, not here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "config.h"
#include "storage_probe.h"

#include <ordertrack/adapters/memory.h>
#include <ordertrack/ordertrack.h>

static const char cfg_json[] =
    "{\"storage\": \"memory:\", \"api_keys\": [{\"key\": \"bench-admin-key-01\", \"role\": "
    "\"admin\", \"id\": \"bench\"}], \"limits\": {\"requests_per_second\": 10000000, "
    "\"burst\": 10000000}}";

static const char *lookup(void *ctx, const char *name)
{
    const char *const *h = ctx;
    for (; h[0]; h += 2)
        if (strcasecmp(h[0], name) == 0)
            return h[1];
    return NULL;
}

static const char *const headers[] = {"Authorization", "Bearer bench-admin-key-01",
                                      "Content-Type", "application/json", NULL};

static int64_t clock_ms(void *ctx)
{
    (void)ctx;
    return 1767225600000LL; /* fixed: the counts do not depend on the time */
}

/* One request; exits unless the answer has status `want`. */
static void call(otd_app *app, const char *method, const char *path, const char *body,
                 unsigned want)
{
    otd_request req;
    otd_response res;

    memset(&req, 0, sizeof req);
    req.method = method;
    req.path = path;
    req.body = body;
    req.body_len = body ? strlen(body) : 0;
    req.header = lookup;
    req.query = lookup;
    req.lookup_ctx = (void *)headers;
    otd_app_handle(app, &req, &res);
    if (res.status != want) {
        fprintf(stderr, "bench_otd: %s %s answered %u: %.*s\n", method, path, res.status,
                (int)res.body_len, res.body ? res.body : "");
        exit(1);
    }
    otd_response_clear(&res);
}

static void order_path(char *buf, size_t size, unsigned i, const char *tail)
{
    snprintf(buf, size, "/tracking/orders/ord-%07u%s", i, tail);
}

/* The counted functions (callgrind --toggle-collect): not inlined, not static. */
void cg_otd_get(otd_app *app, unsigned n);
void cg_otd_put(otd_app *app, unsigned n);

__attribute__((noinline)) void cg_otd_get(otd_app *app, unsigned n)
{
    char path[96];
    for (unsigned i = 1; i <= n; i++) {
        order_path(path, sizeof path, i, "");
        call(app, "GET", path, NULL, 200);
    }
}

__attribute__((noinline)) void cg_otd_put(otd_app *app, unsigned n)
{
    char path[96];
    for (unsigned i = 1; i <= n; i++) {
        order_path(path, sizeof path, i, "/status");
        call(app, "PUT", path, "{\"status\":\"store_notified\",\"updated_by\":\"bench\"}", 200);
    }
}

int main(int argc, char **argv)
{
    ot_tracker_options opt = OT_TRACKER_OPTIONS_INIT;
    ot_storage *mem = NULL, *watched;
    otd_config cfg;
    otd_app app;
    char err[256], path[96];
    unsigned n = 100;

    if (argc == 3 && strcmp(argv[1], "--iterations") == 0)
        n = (unsigned)strtoul(argv[2], NULL, 10);
    else if (argc != 1) {
        fprintf(stderr, "usage: bench_otd [--iterations N]\n");
        return 2;
    }
    if (n == 0 || otd_config_load_string(&cfg, cfg_json, "bench", err, sizeof err) != 0 ||
        otd_app_init(&app, &cfg, clock_ms, NULL) != 0 ||
        ot_storage_memory_new(&mem, NULL) != 0 || !(watched = otd_storage_watch_new(mem))) {
        fprintf(stderr, "bench_otd: set-up failed\n");
        return 1;
    }
    opt.storage = watched;
    if (ot_tracker_new(&app.tracker, &opt, NULL) != 0) {
        fprintf(stderr, "bench_otd: no tracker\n");
        return 1;
    }
    app.probe_ctx = watched;
    for (unsigned i = 1; i <= n; i++) {
        order_path(path, sizeof path, i, "/init");
        call(&app, "POST", path,
             "{\"store_id\":\"store-1\",\"customer_id\":\"cust-1\","
             "\"delivery_provider\":\"internal\"}",
             201);
    }
    cg_otd_get(&app, n);
    printf("gets %u\n", n);
    cg_otd_put(&app, n);
    printf("puts %u\n", n);
    ot_tracker_free(app.tracker);
    app.tracker = NULL;
    ot_storage_close(watched);
    otd_app_cleanup(&app);
    otd_config_free(&cfg);
    return 0;
}
