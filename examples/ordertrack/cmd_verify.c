/* `ordertrack verify STORAGE_URI [--page N]`: every order of a store through ot_order_verify,
 * page by page (the storage's query with a cursor), one record in memory at a time beyond the
 * page being read. */
#include <errno.h>
#include <strings.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ordertrack/ordertrack.h>
#include <ordertrack/sys/storage.h>

#include "cli.h"
#include "storage_open.h"

struct tally {
    unsigned long long orders, findings;
};

static int check_one(void *ctx, ot_order *order, ot_error *err)
{
    struct tally *t = ctx;
    ot_error why;
    (void)err;
    t->orders++;
    if (ot_order_verify(order, &why) != 0) {
        t->findings++;
        printf("finding: order %s: %s: %s\n", ot_order_order_id(order),
               why.field[0] ? why.field : "order", why.message);
    }
    ot_order_free(order);
    return 0;
}

int cli_open_storage(ot_storage **out, const char *command, const char *uri, int must_exist)
{
    char why[512], shown[256];
    struct stat st;
    int rc;

    /* a command reading a store: a mistyped SQLite path is an error, not a new empty store
     * (the adapter would create the file) */
    if (must_exist && strncasecmp(uri, "sqlite:", 7) == 0 && stat(uri + 7, &st) != 0) {
        fprintf(stderr, "ordertrack %s: %s: no such store: %s\n", command, uri,
                strerror(errno));
        return OTC_EXIT_FAILURE;
    }
    rc = storage_open_uri(out, uri, why, sizeof why);
    if (rc == 0)
        return 0;
    fprintf(stderr, "ordertrack %s: %s: %s\n", command,
            storage_uri_shown(shown, sizeof shown, uri), why);
    return rc == STORAGE_OPEN_REFUSED ? OTC_EXIT_CONFIG : OTC_EXIT_FAILURE;
}

int cli_count_arg(size_t *out, const char *command, const char *name, const char *text,
                  size_t max)
{
    char *end;
    unsigned long v;
    if (!text)
        return 0;
    v = strtoul(text, &end, 10);
    if (*text < '0' || *text > '9' || *end || v < 1 || v > max) {
        fprintf(stderr, "ordertrack %s: %s must be 1..%zu, not '%.64s' (try --help)\n", command,
                name, max, text);
        return CLI_EXIT_USAGE;
    }
    *out = v;
    return 0;
}

int cli_verify(int argc, char **argv)
{
    static const otc_option options[] = {
        {"--page", "N", "orders read per storage query (1..1000, default 500)"}};
    const char *page_text = NULL, *uri = NULL;
    ot_storage_query q = OT_STORAGE_QUERY_INIT;
    char cursor[OT_STORAGE_CURSOR_SIZE] = "", next[OT_STORAGE_CURSOR_SIZE];
    struct tally t = {0, 0};
    ot_storage *storage = NULL;
    size_t page = 500;
    ot_error err;
    int n, rc;

    if ((rc = cli_args("verify", options, 1, argc, argv, &page_text, &uri, 1, &n)) != 0)
        return rc;
    if (n != 1)
        return cli_usage("verify: STORAGE_URI is required");
    if ((rc = cli_count_arg(&page, "verify", "--page", page_text, OT_STORAGE_QUERY_MAX)) != 0)
        return rc;
    if ((rc = cli_open_storage(&storage, "verify", uri, 1)) != 0)
        return rc;
    q.limit = page;
    do {
        q.cursor = cursor;
        rc = storage->query(storage->userdata, &q, check_one, &t, next, sizeof next, &err);
        if (rc != 0) {
            fprintf(stderr, "ordertrack verify: reading the store after %llu orders: %s\n",
                    t.orders, err.message);
            ot_storage_close(storage);
            return OTC_EXIT_FAILURE;
        }
        memcpy(cursor, next, sizeof cursor);
    } while (cursor[0]);
    ot_storage_close(storage);
    printf("verified %llu orders: %llu findings\n", t.orders, t.findings);
    return t.findings ? OTC_EXIT_FINDINGS : OTC_EXIT_OK;
}
