/* The SQLite crash test: a child process runs tracker writes (synchronous FULL) in a loop and
 * reports each acknowledged write (order id and version) on a pipe; the parent kills it with
 * SIGKILL at random moments (fixed seed), then reopens the file and checks that every
 * reported write is there (version >= reported) and that every record's hash chain verifies.
 *
 * Usage: test_sqlite_crash [KILLS]   (default 60; OT_CRASH_KILLS overrides) */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <ordertrack/ordertrack.h>
#include <ordertrack/adapters/sqlite.h>

#define MAX_REPORTED 20000

struct reported {
    char id[32];
    int64_t version;
};

static struct reported reported[MAX_REPORTED];
static size_t n_reported, n_acks;

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static ot_storage *open_db(const char *path)
{
    ot_sqlite_options o = OT_SQLITE_OPTIONS_INIT;
    ot_storage *st = NULL;
    ot_error err;
    o.synchronous = OT_SQLITE_SYNC_FULL;
    if (ot_storage_sqlite_open(&st, path, &o, &err) != 0) {
        fprintf(stderr, "crash: open %s: %s\n", path, err.message);
        return NULL;
    }
    return st;
}

static void report(int fd, const char *id, int64_t version)
{
    char line[64];
    int n = snprintf(line, sizeof line, "%s %" PRId64 "\n", id, version);
    if (write(fd, line, (size_t)n) != n)
        _exit(3);
}

/* The child: orders "r<run>-<k>", each created then moved through the store steps. */
static void child(const char *path, int run, int fd)
{
    static const int steps[] = {OT_STATUS_STORE_NOTIFIED, OT_STATUS_STORE_ACKNOWLEDGED,
                                OT_STATUS_PICKING_IN_PROGRESS};
    ot_tracker_options to = OT_TRACKER_OPTIONS_INIT;
    ot_storage *st = open_db(path);
    ot_tracker *t = NULL;
    ot_error err;
    int k;
    if (!st)
        _exit(2);
    to.storage = st;
    if (ot_tracker_new(&t, &to, &err) != 0)
        _exit(2);
    for (k = 0;; k++) {
        ot_request r = OT_REQUEST_INIT;
        ot_order *o = NULL;
        char id[32];
        size_t i;
        snprintf(id, sizeof id, "r%d-%d", run, k);
        r.order_id = id;
        r.store_id = "s-1";
        r.customer_id = "c-1";
        r.provider = OT_PROVIDER_INTERNAL;
        if (ot_tracker_init_order(&o, t, &r, &err) != 0) {
            fprintf(stderr, "crash child: init %s: %s\n", id, err.message);
            _exit(4);
        }
        report(fd, id, ot_order_version(o));
        ot_order_free(o);
        for (i = 0; i < sizeof steps / sizeof steps[0]; i++) {
            ot_request s = OT_REQUEST_INIT;
            s.order_id = id;
            s.status = steps[i];
            if (ot_tracker_set_status(&o, t, &s, &err) != 0) {
                fprintf(stderr, "crash child: set_status %s: %s\n", id, err.message);
                _exit(4);
            }
            report(fd, id, ot_order_version(o));
            ot_order_free(o);
        }
    }
}

/* Parse whole lines of `buf` into `reported`; keeps a partial last line. */
static void take_lines(char *buf, size_t *len)
{
    char *start = buf, *nl;
    while ((nl = memchr(start, '\n', (size_t)(buf + *len - start))) != NULL) {
        struct reported r;
        *nl = '\0';
        /* one entry per order (its reports are consecutive): the highest version */
        if (sscanf(start, "%31s %" SCNd64, r.id, &r.version) == 2) {
            if (n_reported && strcmp(reported[n_reported - 1].id, r.id) == 0)
                reported[n_reported - 1].version = r.version;
            else if (n_reported < MAX_REPORTED)
                reported[n_reported++] = r;
            n_acks++;
        }
        start = nl + 1;
    }
    *len = (size_t)(buf + *len - start);
    memmove(buf, start, *len);
}

struct verify_ctx {
    int bad;
    size_t n;
};

static int verify_emit(void *ctx, ot_order *order, ot_error *err)
{
    struct verify_ctx *v = ctx;
    ot_error e;
    (void)err;
    if (ot_order_verify_history(order, &e) != 0) {
        fprintf(stderr, "crash: %s: hash chain broken: %s\n", ot_order_order_id(order),
                e.message);
        v->bad++;
    }
    v->n++;
    ot_order_free(order);
    return 0;
}

/* Every reported write present, every chain intact; returns the number of failures. */
static int check(const char *path, size_t *records)
{
    ot_storage *st = open_db(path);
    ot_storage_query q = OT_STORAGE_QUERY_INIT;
    struct verify_ctx v = {0, 0};
    char cursor[OT_STORAGE_CURSOR_SIZE] = "", next[OT_STORAGE_CURSOR_SIZE];
    size_t i;
    int bad = 0;
    if (!st)
        return 1;
    for (i = 0; i < n_reported; i++) {
        ot_order *o = NULL;
        ot_error err;
        if (st->load(st->userdata, reported[i].id, &o, &err) != 0) {
            fprintf(stderr, "crash: acknowledged %s v%" PRId64 " lost: %s\n", reported[i].id,
                    reported[i].version, err.message);
            bad++;
        } else if (ot_order_version(o) < reported[i].version) {
            fprintf(stderr, "crash: %s at v%" PRId64 ", acknowledged v%" PRId64 "\n",
                    reported[i].id, ot_order_version(o), reported[i].version);
            bad++;
        }
        ot_order_free(o);
    }
    q.limit = OT_STORAGE_QUERY_MAX;
    do {
        ot_error err;
        q.cursor = cursor;
        if (st->query(st->userdata, &q, verify_emit, &v, next, sizeof next, &err) != 0) {
            fprintf(stderr, "crash: query: %s\n", err.message);
            bad++;
            break;
        }
        memcpy(cursor, next, sizeof cursor);
    } while (cursor[0]);
    ot_storage_close(st);
    *records = v.n;
    return bad + v.bad;
}

int main(int argc, char **argv)
{
    char dir[] = "/tmp/ot-crash-XXXXXX", path[128];
    const char *env = getenv("OT_CRASH_KILLS");
    int kills = argc > 1 ? atoi(argv[1]) : env ? atoi(env) : 60;
    int run, failures = 0;
    size_t records = 0;
    int64_t started = now_ms();

    if (kills < 1 || !mkdtemp(dir))
        return 2;
    snprintf(path, sizeof path, "%s/crash.db", dir);
    srand(20261123);   /* fixed seed: the same kill schedule on every run */
    for (run = 0; run < kills && failures == 0; run++) {
        char buf[8192];
        size_t len = 0;
        int fds[2], status;
        int64_t deadline;
        pid_t pid;
        if (pipe(fds) != 0)
            return 2;
        if ((pid = fork()) < 0)
            return 2;
        if (pid == 0) {
            close(fds[0]);
            child(path, run, fds[1]);
        }
        close(fds[1]);
        /* let it run 5..120 ms (the first write may wait for the open), reading reports */
        deadline = now_ms() + 5 + rand() % 116;
        for (;;) {
            struct pollfd p = {fds[0], POLLIN, 0};
            int64_t left = deadline - now_ms();
            ssize_t r;
            if (left <= 0 || poll(&p, 1, (int)left) <= 0)
                break;
            r = read(fds[0], buf + len, sizeof buf - len - 1);
            if (r <= 0)
                break;
            len += (size_t)r;
            take_lines(buf, &len);
        }
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        if (!WIFSIGNALED(status)) {
            fprintf(stderr, "crash: the child exited early (status %d)\n", status);
            failures++;
        }
        /* what the child reported before it died is acknowledged too */
        for (;;) {
            ssize_t r = read(fds[0], buf + len, sizeof buf - len - 1);
            if (r <= 0)
                break;
            len += (size_t)r;
            take_lines(buf, &len);
        }
        close(fds[0]);
        failures += check(path, &records);
    }
    printf("crash: %d kills, %zu acknowledged writes (%zu orders) checked, %zu records "
           "verified, %d failures, %.1f s\n", run, n_acks, n_reported, records, failures,
           (double)(now_ms() - started) / 1000.0);
    {
        char cmd[160];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (failures == 0 && system(cmd) != 0)
            fprintf(stderr, "crash: could not remove %s\n", dir);
    }
    return failures || n_acks == 0 ? 1 : 0;
}
