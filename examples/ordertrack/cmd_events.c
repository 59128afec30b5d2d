/* `ordertrack events tail|replay|dead-letters STORAGE_URI [options]`: the outbound events of
 * a store's outbox (docs/events.md): read them from a position (and follow new ones), list a
 * sink's dead letters, put them back in the sink's queue. */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include <ordertrack/ordertrack.h>
#include <ordertrack/outbox.h>
#include <ordertrack/sys/storage.h>

#include "cli.h"
#include "storage_open.h"

enum { OPT_AFTER, OPT_ORDER, OPT_STORE, OPT_LIMIT, OPT_FOLLOW, OPT_INTERVAL, OPT_SINK,
       OPT_POSITION, OPT_ALL, OPT_COUNT };

const otc_option cli_events_options[OPT_COUNT] = {
    [OPT_AFTER] = {"--after", "POS", "events after this outbox position (default 0)"},
    [OPT_ORDER] = {"--order", "ID", "only this order's events"},
    [OPT_STORE] = {"--store", "ID", "only this store's events"},
    [OPT_LIMIT] = {"--limit", "N", "events per read (1..1000, default 100)"},
    [OPT_FOLLOW] = {"--follow", NULL, "tail: keep reading new events until interrupted"},
    [OPT_INTERVAL] = {"--interval-ms", "MS", "tail --follow: wait between reads (default 500)"},
    [OPT_SINK] = {"--sink", "NAME", "the sink (dead-letters, replay; tail: its states)"},
    [OPT_POSITION] = {"--position", "POS", "replay: the dead letter at this position"},
    [OPT_ALL] = {"--all", NULL, "replay: every dead letter of the sink"},
};
const size_t cli_events_n_options = OPT_COUNT;

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

static const char *const state_names[] = {"any", "pending", "delivered", "dead"};

/* One JSON line per event: its position, its delivery state for the sink (with one), and
 * the event document. */
static int print_event(void *ctx, const ot_event *e, ot_error *err)
{
    const ot_outbox_query *q = ctx;
    json_t *doc = json_loadb(e->json, e->json_len, 0, NULL);
    json_t *line = json_pack("{sI}", "position", (json_int_t)e->position);
    char *text;
    (void)err;
    if (!doc || !line) {
        json_decref(doc);
        json_decref(line);
        return OT_ENOMEM;
    }
    if (q->sink) {
        json_object_set_new(line, "sink", json_string(q->sink));
        json_object_set_new(line, "state", json_string(e->state >= 0 && e->state <= 3
                                                           ? state_names[e->state] : "?"));
        json_object_set_new(line, "attempts", json_integer(e->attempts));
        json_object_set_new(line, "last_error",
                            e->last_error ? json_string(e->last_error) : json_null());
    }
    json_object_set_new(line, "event", doc);
    text = json_dumps(line, JSON_COMPACT);
    json_decref(line);
    if (!text)
        return OT_ENOMEM;
    puts(text);
    free(text);
    return 0;
}

/* A number option: 0, or a usage error naming it. */
static int number(const char *text, const char *name, int64_t min, int64_t max, int64_t *out)
{
    char *end, why[160];
    long long v;
    errno = 0;
    v = strtoll(text, &end, 10);
    if (!*text || *end || errno || v < min || v > max) {
        snprintf(why, sizeof why, "events: %s must be an integer in %" PRId64 "..%" PRId64,
                 name, min, max);
        return cli_usage(why);
    }
    *out = v;
    return 0;
}

static int failed(const char *what, const ot_error *err)
{
    fprintf(stderr, "ordertrack events: %s: %s%s%s\n", what, err->field[0] ? err->field : "",
            err->field[0] ? ": " : "", err->message);
    return err->code == OT_EINVAL || err->code == OT_ENOTFOUND ? CLI_EXIT_DATAERR : 1;
}

/* Options given to a subcommand that takes none of them are refused, naming them. */
static int refuse_others(const char *sub, const char **values, const int *allowed)
{
    char why[160];
    for (int k = 0; k < OPT_COUNT; k++) {
        int ok = 0;
        for (const int *a = allowed; *a >= 0; a++)
            ok |= *a == k;
        if (values[k] && !ok) {
            snprintf(why, sizeof why, "events %s does not take %s", sub,
                     cli_events_options[k].name);
            return cli_usage(why);
        }
    }
    return 0;
}

static int run_tail(ot_storage *storage, const char **values, int dead)
{
    ot_outbox_query q = OT_OUTBOX_QUERY_INIT;
    int64_t after = 0, limit = 100, interval = 500, next;
    ot_error err;
    int rc;
    if ((values[OPT_AFTER] && (rc = number(values[OPT_AFTER], "--after", 0, INT64_MAX, &after))) ||
        (values[OPT_LIMIT] &&
         (rc = number(values[OPT_LIMIT], "--limit", 1, OT_OUTBOX_QUERY_MAX, &limit))) ||
        (values[OPT_INTERVAL] &&
         (rc = number(values[OPT_INTERVAL], "--interval-ms", 10, 3600000, &interval))))
        return rc;
    if (dead && !values[OPT_SINK])
        return cli_usage("events dead-letters: --sink NAME is required");
    q.after = after;
    q.limit = (size_t)limit;
    q.order_id = values[OPT_ORDER];
    q.store_id = values[OPT_STORE];
    q.sink = values[OPT_SINK];
    q.state = dead ? OT_OUTBOX_DEAD : OT_OUTBOX_ANY;
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    for (;;) {
        ot_error_clear(&err);
        if (ot_outbox_query_run(&next, storage, &q, print_event, &q, &err) != 0)
            return failed("read", &err);
        fflush(stdout);
        if (next != q.after) { /* more after it: read on to the end */
            q.after = next;
            continue;
        }
        if (!values[OPT_FOLLOW] || interrupted)
            return CLI_EXIT_OK;
        struct timespec ts = {interval / 1000, (interval % 1000) * 1000000L};
        nanosleep(&ts, NULL);
        if (interrupted)
            return CLI_EXIT_OK;
    }
}

static int run_replay(ot_storage *storage, const char **values)
{
    int64_t position = 0;
    size_t replayed = 0;
    ot_error err;
    int rc;
    if (!values[OPT_SINK])
        return cli_usage("events replay: --sink NAME is required");
    if (!values[OPT_POSITION] == !values[OPT_ALL])
        return cli_usage("events replay: give --position POS or --all");
    if (values[OPT_POSITION] &&
        (rc = number(values[OPT_POSITION], "--position", 1, INT64_MAX, &position)) != 0)
        return rc;
    ot_error_clear(&err);
    if (ot_outbox_replay(&replayed, storage, values[OPT_SINK], position, &err) != 0)
        return failed("replay", &err);
    printf("replayed %zu\n", replayed);
    return CLI_EXIT_OK;
}

int cli_events(int argc, char **argv)
{
    static const int tail_opts[] = {OPT_AFTER, OPT_ORDER, OPT_STORE, OPT_LIMIT, OPT_FOLLOW,
                                    OPT_INTERVAL, OPT_SINK, -1};
    static const int dead_opts[] = {OPT_AFTER, OPT_ORDER, OPT_STORE, OPT_LIMIT, OPT_SINK, -1};
    static const int replay_opts[] = {OPT_SINK, OPT_POSITION, OPT_ALL, -1};
    const char *values[OPT_COUNT] = {NULL}, *pos[2] = {NULL, NULL};
    ot_storage *storage = NULL;
    int n, rc;
    if ((rc = cli_args("events", cli_events_options, OPT_COUNT, argc, argv, values, pos, 2, &n)))
        return rc;
    if (n != 2)
        return cli_usage("events: SUBCOMMAND (tail, replay or dead-letters) and STORAGE_URI "
                         "are required");
    if (strcmp(pos[0], "tail") != 0 && strcmp(pos[0], "replay") != 0 &&
        strcmp(pos[0], "dead-letters") != 0)
        return cli_usage("events: the subcommand is tail, replay or dead-letters");
    rc = refuse_others(pos[0], values,
                       pos[0][0] == 't' ? tail_opts : pos[0][0] == 'd' ? dead_opts : replay_opts);
    if (rc)
        return rc;
    if ((rc = cli_open_storage(&storage, "events", pos[1], 1)) != 0)
        return rc;
    if (pos[0][0] == 'r')
        rc = run_replay(storage, values);
    else
        rc = run_tail(storage, values, pos[0][0] == 'd');
    ot_storage_close(storage);
    return rc;
}
