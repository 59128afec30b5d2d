/* store_verify STORAGE-URI: read every order of a store through the storage port (pages of
 * OT_STORAGE_QUERY_MAX), load each and verify its history's hash chain
 * (ot_order_verify_history). Prints one JSON line {"orders": N, "failed": [ids...]}; exit 0
 * when every chain verifies, 1 when one does not, 2 on a usage or storage error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ordertrack/order.h>
#include <ordertrack/sys/storage.h>

#include "storage_open.h"

struct ids {
    char **v;
    size_t n, cap;
};

static int collect(void *ctx, ot_order *order, ot_error *err)
{
    struct ids *ids = ctx;
    char *id;
    (void)err;
    if (ids->n == ids->cap) {
        size_t cap = ids->cap ? ids->cap * 2 : 1024;
        char **v = realloc(ids->v, cap * sizeof *v);
        if (!v) {
            ot_order_free(order);
            return -1;
        }
        ids->v = v;
        ids->cap = cap;
    }
    id = strdup(ot_order_order_id(order));
    ot_order_free(order);
    if (!id)
        return -1;
    ids->v[ids->n++] = id;
    return 0;
}

int main(int argc, char **argv)
{
    char msg[512], cursor[OT_STORAGE_CURSOR_SIZE] = "", next[OT_STORAGE_CURSOR_SIZE];
    struct ids ids = {NULL, 0, 0};
    ot_storage *s = NULL;
    ot_error err;
    size_t i, failed = 0;
    int rc = 0;

    if (argc != 2) {
        fprintf(stderr, "usage: store_verify STORAGE-URI\n");
        return 2;
    }
    if (storage_open_uri(&s, argv[1], msg, sizeof msg) != 0) {
        fprintf(stderr, "store_verify: %s\n", msg);
        return 2;
    }
    do {
        ot_storage_query q = OT_STORAGE_QUERY_INIT;
        q.limit = OT_STORAGE_QUERY_MAX;
        q.cursor = cursor;
        memset(&err, 0, sizeof err);
        if (s->query(s->userdata, &q, collect, &ids, next, sizeof next, &err) != 0) {
            fprintf(stderr, "store_verify: query: %s\n", err.message);
            rc = 2;
            break;
        }
        memcpy(cursor, next, sizeof cursor);
    } while (cursor[0]);
    printf("{\"orders\": %zu, \"failed\": [", ids.n);
    for (i = 0; rc == 0 && i < ids.n; i++) {
        ot_order *o = NULL;
        memset(&err, 0, sizeof err);
        if (s->load(s->userdata, ids.v[i], &o, &err) != 0 ||
            ot_order_verify_history(o, &err) != 0) {
            fprintf(stderr, "store_verify: %s: %s\n", ids.v[i], err.message);
            printf("%s\"%s\"", failed++ ? ", " : "", ids.v[i]);
        }
        ot_order_free(o);
    }
    printf("]}\n");
    for (i = 0; i < ids.n; i++)
        free(ids.v[i]);
    free(ids.v);
    ot_storage_close(s);
    return rc ? rc : failed ? 1 : 0;
}
