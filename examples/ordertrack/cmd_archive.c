/* `ordertrack archive` and `ordertrack restore`: terminal orders older than a cut-off move,
 * whole (history and hash chain: their canonical JSON), into zstd-compressed JSON Lines
 * chunks under an archive directory; `restore` brings a chunk back, verified.
 *
 * Crash safety (docs/operations.md, "Archival"). The directory holds chunk-NNNNNN.jsonl.zst
 * files and MANIFEST, an append-only log of lines "written NAME ORDERS SHA256" and
 * "done NAME". One batch:
 *   1. the chunk is written to NAME.tmp, fsynced, renamed to NAME, the directory fsynced;
 *   2. "written NAME COUNT SHA256" is appended to MANIFEST and fsynced;
 *   3. its orders are deleted from the store, each with a tombstone naming the chunk
 *      (archive_remove, one call per chunk: one transaction on SQLite; a compare-and-set on
 *      the version the chunk holds);
 *   4. "done NAME" is appended and fsynced.
 * A run first finishes what a killed run left: *.tmp files and chunk files MANIFEST does not
 * name are removed (their orders are still in the store), and every "written" chunk without
 * "done" is checked against its checksum and step 3 is redone for it (an order already gone
 * is skipped). So an order is in the store, or in exactly one chunk named by a "written"
 * line, never in neither and never archived twice. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <zstd.h>

#include <ordertrack/ordertrack.h>
#include <ordertrack/sys/storage.h>

#include "cli.h"

#define MANIFEST "MANIFEST"
/* Longest archive directory accepted, and a path in it (the tombstone holds the path). */
#define DIR_MAX 900
#define PATH_SIZE 1000
/* Largest chunk accepted by restore, decompressed. */
#define MAX_CHUNK (1024u * 1024u * 1024u)

/* A growing byte buffer. */
struct buf {
    char *p;
    size_t len, cap;
};

static int buf_add(struct buf *b, const void *data, size_t len)
{
    if (b->len + len + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 65536;
        char *p;
        while (cap < b->len + len + 1)
            cap *= 2;
        if (!(p = realloc(b->p, cap)))
            return -1;
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, data, len);
    b->len += len;
    b->p[b->len] = '\0';
    return 0;
}

static void sha256_hex(char out[65], const void *data, size_t len)
{
    unsigned char md[32];
    unsigned int n = 0;
    EVP_Digest(data, len, md, &n, EVP_sha256(), NULL);
    for (unsigned i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static int fsync_path(const char *path, int flags)
{
    int fd = open(path, flags), rc;
    if (fd < 0)
        return -1;
    rc = fsync(fd);
    close(fd);
    return rc;
}

/* Write `len` bytes to `path` durably: PATH.tmp, fsync, rename, fsync of `dir`. */
static int write_durably(const char *dir, const char *path, const void *data, size_t len)
{
    char tmp[PATH_SIZE + 8];
    const char *p = data;
    int fd;
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0)
        return -1;
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            close(fd);
            return -1;
        }
        p += w;
        len -= (size_t)w;
    }
    if (fsync(fd) != 0 || close(fd) != 0 || rename(tmp, path) != 0)
        return -1;
    return fsync_path(dir, O_RDONLY | O_DIRECTORY);
}

static int manifest_append(const char *dir, const char *line)
{
    char path[PATH_SIZE];
    int fd, rc;
    size_t len = strlen(line);
    snprintf(path, sizeof path, "%s/" MANIFEST, dir);
    if ((fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0644)) < 0)
        return -1;
    rc = write(fd, line, len) == (ssize_t)len && fsync(fd) == 0 ? 0 : -1;
    close(fd);
    return rc;
}

/* The whole file (free), or NULL. */
static char *slurp(const char *path, size_t *len, size_t max)
{
    FILE *f = fopen(path, "rb");
    struct buf b = {0};
    char chunk[65536];
    size_t n;
    if (!f)
        return NULL;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (b.len + n > max || buf_add(&b, chunk, n) != 0) {
            free(b.p);
            fclose(f);
            return NULL;
        }
    fclose(f);
    if (!b.p && buf_add(&b, "", 0) != 0)
        return NULL;
    *len = b.len;
    return b.p;
}

/* What MANIFEST says: the chunks, each written (with its count and checksum) and done. */
struct chunk {
    char name[64], sha[65];
    unsigned long count;
    int done;
};

struct manifest {
    struct chunk *chunks;
    size_t n;
};

static struct chunk *manifest_find(struct manifest *m, const char *name)
{
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->chunks[i].name, name) == 0)
            return &m->chunks[i];
    return NULL;
}

/* Read DIR/MANIFEST (absent: empty). A torn last line (a crash while appending) is
 * ignored: its step had not completed. 0, or -1 for a manifest that cannot be read. */
static int manifest_read(struct manifest *m, const char *dir)
{
    char path[PATH_SIZE], *text, *line, *save = NULL;
    size_t len;
    m->chunks = NULL;
    m->n = 0;
    snprintf(path, sizeof path, "%s/" MANIFEST, dir);
    if (access(path, F_OK) != 0)
        return 0;
    if (!(text = slurp(path, &len, 64u * 1024u * 1024u)))
        return -1;
    for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        struct chunk c = {{0}, {0}, 0, 0}, *known, *more;
        if (line + strlen(line) == text + len && text[len - 1] != '\n')
            break; /* torn */
        if (sscanf(line, "written %63s %lu %64s", c.name, &c.count, c.sha) == 3) {
            if (!(more = realloc(m->chunks, (m->n + 1) * sizeof *more))) {
                free(text);
                return -1;
            }
            m->chunks = more;
            m->chunks[m->n++] = c;
        } else if (sscanf(line, "done %63s", c.name) == 1 &&
                   (known = manifest_find(m, c.name)) != NULL) {
            known->done = 1;
        }
    }
    free(text);
    return 0;
}

/* Decompress a chunk file after checking it against `sha` (NULL: not checked). Returns the
 * JSON Lines text (free) or NULL with `why` filled. */
static char *chunk_load(const char *path, const char *sha, size_t *len, char *why,
                        size_t whylen)
{
    size_t clen = 0;
    char *comp = slurp(path, &clen, MAX_CHUNK), hex[65], *text;
    unsigned long long size;
    if (!comp) {
        snprintf(why, whylen, "cannot read %s: %s", path, strerror(errno));
        return NULL;
    }
    sha256_hex(hex, comp, clen);
    if (sha && strcmp(hex, sha) != 0) {
        snprintf(why, whylen, "%s does not match its checksum in " MANIFEST, path);
        free(comp);
        return NULL;
    }
    size = ZSTD_getFrameContentSize(comp, clen);
    if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN || size > MAX_CHUNK ||
        !(text = malloc((size_t)size + 1))) {
        snprintf(why, whylen, "%s is not a zstd chunk of this tool", path);
        free(comp);
        return NULL;
    }
    *len = ZSTD_decompress(text, (size_t)size, comp, clen);
    free(comp);
    if (ZSTD_isError(*len) || *len != size) {
        snprintf(why, whylen, "%s: cannot decompress it", path);
        free(text);
        return NULL;
    }
    text[*len] = '\0';
    return text;
}

/* Call fn for each decoded order of a chunk text (lines); counts lines that fail to decode
 * in *bad (reported). Stops on fn's non-zero return. */
static int chunk_each(char *text, const char *name, int (*fn)(void *, ot_order *), void *ctx,
                      unsigned long *bad, unsigned long max)
{
    char *line, *save = NULL;
    unsigned long n = 0;
    int rc;
    for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        ot_order *o = NULL;
        ot_error err;
        if (++n > max) {
            printf("finding: %s holds more than the %lu orders its MANIFEST says\n", name, max);
            (*bad)++;
            break;
        }
        if (ot_order_from_json(&o, line, strlen(line), &err) != 0) {
            printf("finding: %s line %lu: %s\n", name, n, err.message);
            (*bad)++;
            continue;
        }
        rc = fn(ctx, o);
        ot_order_free(o);
        if (rc)
            return rc;
    }
    return 0;
}

/* ---- archive -------------------------------------------------------------------------- */

struct run {
    ot_storage *storage;
    const char *dir;
    char where[OT_STORAGE_TOMBSTONE_MAX + 1];  /* the current chunk's path (tombstones) */
    unsigned long removed, gone, changed;
};

/* Step 3 gathers a chunk's ids and versions, then removes them in one archive_remove. */
struct removal {
    char **ids;
    int64_t *versions;
    size_t n;
};

static int removal_add(void *ctx, ot_order *o)
{
    struct removal *m = ctx;
    char *id = strdup(ot_order_order_id(o));
    if (!id)
        return OTC_EXIT_FAILURE;
    m->ids[m->n] = id;
    m->versions[m->n++] = ot_order_version(o);
    return 0;
}

/* Step 3 for one chunk's orders: delete them with their tombstones. */
static int remove_all(struct run *r, struct removal *m)
{
    int results[OT_STORAGE_QUERY_MAX];
    ot_error err;
    for (size_t i = 0; i < m->n; i += OT_STORAGE_QUERY_MAX) {
        size_t k = m->n - i < OT_STORAGE_QUERY_MAX ? m->n - i : OT_STORAGE_QUERY_MAX;
        if (r->storage->archive_remove(r->storage->userdata, (const char *const *)m->ids + i,
                                       m->versions + i, k, r->where, results, &err) != 0) {
            fprintf(stderr, "ordertrack archive: deleting archived orders: %s\n", err.message);
            return OTC_EXIT_FAILURE;
        }
        for (size_t j = 0; j < k; j++) {
            if (results[j] == 0)
                r->removed++;
            else if (results[j] == OT_ENOTFOUND)
                r->gone++; /* a resumed chunk: deleted before the crash */
            else {
                /* written to after it was archived: it stays live, its copy here is stale */
                printf("kept: order %s changed after it was archived; it stays in the store\n",
                       m->ids[i + j]);
                r->changed++;
            }
        }
    }
    return 0;
}

/* Steps 3 and 4 for chunk `c`. */
static int chunk_finish(struct run *r, const struct chunk *c)
{
    char path[PATH_SIZE], why[512], line[128], *text;
    struct removal m = {NULL, NULL, 0};
    unsigned long bad = 0;
    size_t len;
    int rc;
    snprintf(path, sizeof path, "%s/%s", r->dir, c->name);
    if (!(text = chunk_load(path, c->sha, &len, why, sizeof why))) {
        fprintf(stderr, "ordertrack archive: %s\n", why);
        return OTC_EXIT_FAILURE;
    }
    snprintf(r->where, sizeof r->where, "%s", path);
    m.ids = calloc(c->count ? c->count : 1, sizeof *m.ids);
    m.versions = calloc(c->count ? c->count : 1, sizeof *m.versions);
    rc = m.ids && m.versions ? chunk_each(text, c->name, removal_add, &m, &bad, c->count)
                             : OTC_EXIT_FAILURE;
    free(text);
    if (rc == 0 && bad) {
        fprintf(stderr, "ordertrack archive: %s holds %lu undecodable lines\n", c->name, bad);
        rc = OTC_EXIT_FAILURE;
    }
    if (rc == 0)
        rc = remove_all(r, &m);
    for (size_t i = 0; m.ids && i < m.n; i++)
        free(m.ids[i]);
    free(m.ids);
    free(m.versions);
    snprintf(line, sizeof line, "done %s\n", c->name);
    if (rc == 0 && manifest_append(r->dir, line) != 0) {
        fprintf(stderr, "ordertrack archive: appending to %s/" MANIFEST ": %s\n", r->dir,
                strerror(errno));
        rc = OTC_EXIT_FAILURE;
    }
    return rc;
}

/* What a killed run left: stray files removed, unfinished chunks finished. */
static int recover(struct run *r, struct manifest *m)
{
    DIR *d = opendir(r->dir);
    struct dirent *e;
    char path[PATH_SIZE];
    int rc;
    if (!d)
        return -1;
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        int tmp = n > 4 && strcmp(e->d_name + n - 4, ".tmp") == 0;
        int chunk = strncmp(e->d_name, "chunk-", 6) == 0;
        if (tmp || (chunk && !manifest_find(m, e->d_name))) {
            snprintf(path, sizeof path, "%s/%s", r->dir, e->d_name);
            unlink(path);
        }
    }
    closedir(d);
    for (size_t i = 0; i < m->n; i++)
        if (!m->chunks[i].done) {
            printf("resuming %s (%lu orders)\n", m->chunks[i].name, m->chunks[i].count);
            if ((rc = chunk_finish(r, &m->chunks[i])) != 0)
                return rc;
            m->chunks[i].done = 1;
        }
    return 0;
}

struct batch {
    struct buf text;
    unsigned long count;
};

/* A page's order into the batch when it is terminal (delivered, cancelled, failed). */
static int batch_add(void *ctx, ot_order *order, ot_error *err)
{
    struct batch *b = ctx;
    char *json = NULL;
    size_t len = 0;
    int rc;
    if (ot_status_is_terminal(ot_order_status(order), NULL) != 1) {
        ot_order_free(order);
        return 0;
    }
    rc = ot_order_to_json(&json, &len, order, err);
    ot_order_free(order);
    if (rc != 0)
        return rc;
    if (buf_add(&b->text, json, len) != 0 || buf_add(&b->text, "\n", 1) != 0) {
        ot_free(json);
        return OT_ENOMEM;
    }
    ot_free(json);
    b->count++;
    return 0;
}

/* Steps 1..4 for one batch of orders (the JSON lines in b). */
static int batch_archive(struct run *r, struct manifest *m, struct batch *b, int level)
{
    struct chunk c = {{0}, {0}, b->count, 0};
    char path[PATH_SIZE], line[256];
    size_t bound = ZSTD_compressBound(b->text.len), clen;
    char *comp = malloc(bound);
    int rc;
    if (!comp)
        return OTC_EXIT_FAILURE;
    clen = ZSTD_compress(comp, bound, b->text.p, b->text.len, level);
    if (ZSTD_isError(clen)) {
        fprintf(stderr, "ordertrack archive: zstd: %s\n", ZSTD_getErrorName(clen));
        free(comp);
        return OTC_EXIT_FAILURE;
    }
    snprintf(c.name, sizeof c.name, "chunk-%06zu.jsonl.zst", m->n + 1);
    snprintf(path, sizeof path, "%s/%s", r->dir, c.name);
    sha256_hex(c.sha, comp, clen);
    rc = write_durably(r->dir, path, comp, clen);
    free(comp);
    snprintf(line, sizeof line, "written %s %lu %s\n", c.name, c.count, c.sha);
    if (rc != 0 || manifest_append(r->dir, line) != 0) {
        fprintf(stderr, "ordertrack archive: writing %s: %s\n", path, strerror(errno));
        return OTC_EXIT_FAILURE;
    }
    {
        struct chunk *more = realloc(m->chunks, (m->n + 1) * sizeof *more);
        if (!more)
            return OTC_EXIT_FAILURE;
        m->chunks = more;
        m->chunks[m->n++] = c;
    }
    if ((rc = chunk_finish(r, &c)) != 0)
        return rc;
    m->chunks[m->n - 1].done = 1;
    return 0;
}

/* --before: YYYY-MM-DD (midnight UTC) or an RFC 3339 time. */
static int parse_cutoff(int64_t *ms, const char *text)
{
    int y, mo, d, used = 0;
    int64_t days;
    if (sscanf(text, "%4d-%2d-%2d%n", &y, &mo, &d, &used) == 3 && text[used] == '\0' &&
        ot_date_to_days(&days, y, mo, d, NULL) == 0) {
        *ms = days * 86400000LL;
        return 0;
    }
    return ot_time_parse(ms, text, NULL);
}

int cli_archive(int argc, char **argv)
{
    static const otc_option options[] = {
        {"--before", "DATE", "archive terminal orders last updated before DATE (required)"},
        {"--to", "DIR", "the archive directory (required; created if missing)"},
        {"--batch", "N", "orders per chunk (1..1000, default 1000)"},
        {"--level", "N", "zstd compression level (1..19, default 3)"},
    };
    const char *values[4] = {NULL, NULL, NULL, NULL}, *uri = NULL;
    ot_storage_query q = OT_STORAGE_QUERY_INIT;
    char cursor[OT_STORAGE_CURSOR_SIZE], next[OT_STORAGE_CURSOR_SIZE];
    struct manifest m = {NULL, 0};
    struct run r;
    size_t batch = 1000, level = 3, chunks_before;
    int64_t cutoff;
    ot_error err;
    int n, rc;

    if ((rc = cli_args("archive", options, 4, argc, argv, values, &uri, 1, &n)) != 0)
        return rc;
    if (n != 1)
        return cli_usage("archive: STORAGE_URI is required");
    if (!values[0] || parse_cutoff(&cutoff, values[0]) != 0)
        return cli_usage("archive: --before DATE is required (2026-01-31 or RFC 3339)");
    if (!values[1] || !values[1][0])
        return cli_usage("archive: --to DIR is required");
    if ((rc = cli_count_arg(&batch, "archive", "--batch", values[2], OT_STORAGE_QUERY_MAX)) ||
        (rc = cli_count_arg(&level, "archive", "--level", values[3], 19)))
        return rc;
    if (strlen(values[1]) > DIR_MAX)
        return cli_usage("archive: --to DIR is too long (at most 900 bytes)");
    if (mkdir(values[1], 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "ordertrack archive: --to %s: %s\n", values[1], strerror(errno));
        return OTC_EXIT_FAILURE;
    }
    memset(&r, 0, sizeof r);
    r.dir = values[1];
    if (manifest_read(&m, r.dir) != 0) {
        fprintf(stderr, "ordertrack archive: %s/" MANIFEST " cannot be read\n", r.dir);
        return OTC_EXIT_FAILURE;
    }
    if ((rc = cli_open_storage(&r.storage, "archive", uri, 1)) != 0) {
        free(m.chunks);
        return rc;
    }
    if (r.storage->version < 4 || !r.storage->archive_remove) {
        fprintf(stderr, "ordertrack archive: field archive_remove: this storage cannot "
                        "archive (storage port version 4)\n");
        rc = OTC_EXIT_CONFIG;
        goto out;
    }
    if ((rc = recover(&r, &m)) != 0) {
        rc = OTC_EXIT_FAILURE;
        goto out;
    }
    chunks_before = m.n;
    /* One walk in order_id order (the primary key: each page a seek from the cursor, however
     * large the store) with the age filter; the terminal statuses are picked here, since a
     * status filter makes SQLite sort every matching row for each page. */
    q.updated_before_ms = cutoff;
    q.limit = batch;
    cursor[0] = '\0';
    do {
        struct batch b = {{NULL, 0, 0}, 0};
        q.cursor = cursor;
        rc = r.storage->query(r.storage->userdata, &q, batch_add, &b, next, sizeof next, &err);
        if (rc != 0)
            fprintf(stderr, "ordertrack archive: reading the store: %s\n", err.message);
        else if (b.count > 0)
            rc = batch_archive(&r, &m, &b, (int)level);
        free(b.text.p);
        memcpy(cursor, next, sizeof cursor);
    } while (rc == 0 && cursor[0]);
    if (rc == 0)
        printf("archived %lu orders in %zu chunks to %s (%lu already gone, %lu kept: changed "
               "after archiving)\n",
               r.removed, m.n - chunks_before, r.dir, r.gone, r.changed);
    rc = rc ? OTC_EXIT_FAILURE : OTC_EXIT_OK;
out:
    ot_storage_close(r.storage);
    free(m.chunks);
    return rc;
}

/* ---- restore -------------------------------------------------------------------------- */

struct restore {
    ot_storage *storage;
    unsigned long restored, present, refused;
    int failed;
};

static int restore_one(void *ctx, ot_order *o)
{
    struct restore *r = ctx;
    ot_storage_record rec;
    ot_error err;
    int rc;
    if (ot_order_verify(o, &err) != 0) {
        printf("finding: order %s: %s: %s\n", ot_order_order_id(o),
               err.field[0] ? err.field : "order", err.message);
        r->refused++;
        return 0;
    }
    if ((rc = ot_storage_record_init(&rec, o, 0, &err)) == 0) {
        rc = r->storage->restore(r->storage->userdata, &rec, &err);
        ot_storage_record_release(&rec);
    }
    if (rc == 0)
        r->restored++;
    else if (rc == OT_EEXISTS)
        r->present++;
    else {
        fprintf(stderr, "ordertrack restore: order %s: %s\n", ot_order_order_id(o),
                err.message);
        r->failed = 1;
        return 1;
    }
    return 0;
}

int cli_restore(int argc, char **argv)
{
    const char *pos[2] = {NULL, NULL};
    char why[512], dir[PATH_SIZE], *slash, *text;
    struct manifest m = {NULL, 0};
    struct restore r = {NULL, 0, 0, 0, 0};
    const struct chunk *c = NULL;
    const char *base;
    unsigned long bad = 0, count;
    size_t len;
    int n, rc;

    if ((rc = cli_args("restore", NULL, 0, argc, argv, NULL, pos, 2, &n)) != 0)
        return rc;
    if (n != 2)
        return cli_usage("restore: STORAGE_URI and FILE are required");
    /* the chunk's checksum from the MANIFEST beside it, when there is one */
    snprintf(dir, sizeof dir, "%s", pos[1]);
    slash = strrchr(dir, '/');
    base = slash ? pos[1] + (slash - dir) + 1 : pos[1];
    if (slash)
        *slash = '\0';
    else
        snprintf(dir, sizeof dir, ".");
    if (manifest_read(&m, dir) != 0 || !(c = manifest_find(&m, base)))
        printf("note: no " MANIFEST " entry for %s: its checksum is not checked\n", base);
    text = chunk_load(pos[1], c ? c->sha : NULL, &len, why, sizeof why);
    count = c ? c->count : (unsigned long)-1;
    free(m.chunks);
    if (!text) {
        fprintf(stderr, "ordertrack restore: %s\n", why);
        return CLI_EXIT_DATAERR;
    }
    if ((rc = cli_open_storage(&r.storage, "restore", pos[0], 0)) != 0) {
        free(text);
        return rc;
    }
    if (r.storage->version < 4 || !r.storage->restore) {
        fprintf(stderr, "ordertrack restore: field restore: this storage cannot restore "
                        "(storage port version 4)\n");
        ot_storage_close(r.storage);
        free(text);
        return OTC_EXIT_CONFIG;
    }
    chunk_each(text, base, restore_one, &r, &bad, count);
    free(text);
    ot_storage_close(r.storage);
    if (r.failed)
        return OTC_EXIT_FAILURE;
    printf("restored %lu orders from %s (%lu already present, %lu refused)\n", r.restored,
           base, r.present, r.refused + bad);
    return r.refused + bad ? OTC_EXIT_FINDINGS : OTC_EXIT_OK;
}
