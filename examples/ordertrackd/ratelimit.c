/* Token buckets under one mutex: the critical section is a few arithmetic operations. */
#include "ratelimit.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/rand.h>
#include <openssl/sha.h>

/* Slots per set of the address table. */
#define WAYS 8

struct bucket {
    double tokens;
    int64_t last_ms;
};

struct otd_ratelimit {
    pthread_mutex_t lock;
    double rate, burst;
    otd_clock_fn clock;
    void *clock_ctx;
    size_t n;
    struct bucket buckets[];
};

static int64_t clock_ms(clockid_t id)
{
    struct timespec ts;

    clock_gettime(id, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t otd_clock_monotonic_ms(void *ctx)
{
    (void)ctx;
    return clock_ms(CLOCK_MONOTONIC);
}

int64_t otd_clock_wall_ms(void *ctx)
{
    (void)ctx;
    return clock_ms(CLOCK_REALTIME);
}

/* Refill b at `rate` tokens a second up to `burst` (a clock going back adds nothing). */
static void refill(struct bucket *b, double rate, double burst, int64_t now)
{
    if (now > b->last_ms) {
        b->tokens = fmin(burst, b->tokens + (double)(now - b->last_ms) * rate / 1000.0);
        b->last_ms = now;
    }
}

/* Rounding slack of the refills (a token refilled in steps is not quite 1.0). */
#define TOKEN_EPSILON 1e-9

/* Take a token from a refilled bucket: 1, or 0 with the wait in whole seconds (1..86400). */
static int take(struct bucket *b, double rate, unsigned *retry_after_s)
{
    if (b->tokens >= 1.0 - TOKEN_EPSILON) {
        b->tokens = fmax(0.0, b->tokens - 1.0);
        return 1;
    }
    if (retry_after_s) {
        double wait = ceil((1.0 - b->tokens) / rate);
        *retry_after_s = wait < 1 ? 1 : wait > 86400 ? 86400 : (unsigned)wait;
    }
    return 0;
}

otd_ratelimit *otd_ratelimit_new(size_t n_buckets, double rate, double burst,
                                 otd_clock_fn clock, void *clock_ctx)
{
    otd_ratelimit *rl;
    int64_t now;

    if (!(rate > 0) || !(burst >= 1) || !clock)
        return NULL;
    rl = calloc(1, sizeof *rl + n_buckets * sizeof rl->buckets[0]);
    if (!rl)
        return NULL;
    if (pthread_mutex_init(&rl->lock, NULL) != 0) {
        free(rl);
        return NULL;
    }
    rl->rate = rate;
    rl->burst = burst;
    rl->clock = clock;
    rl->clock_ctx = clock_ctx;
    rl->n = n_buckets;
    now = clock(clock_ctx);
    for (size_t i = 0; i < n_buckets; i++) {
        rl->buckets[i].tokens = burst;
        rl->buckets[i].last_ms = now;
    }
    return rl;
}

void otd_ratelimit_free(otd_ratelimit *rl)
{
    if (!rl)
        return;
    pthread_mutex_destroy(&rl->lock);
    free(rl);
}

int otd_ratelimit_take(otd_ratelimit *rl, size_t index, unsigned *retry_after_s)
{
    int allowed;

    if (!rl || index >= rl->n)
        return -1;
    pthread_mutex_lock(&rl->lock);
    refill(&rl->buckets[index], rl->rate, rl->burst, rl->clock(rl->clock_ctx));
    allowed = take(&rl->buckets[index], rl->rate, retry_after_s);
    pthread_mutex_unlock(&rl->lock);
    return allowed;
}

/* ---- failed authentications per address -------------------------------------------- */

struct slot {
    otd_addr addr;
    int used;
    struct bucket bucket;
};

struct otd_addrlimit {
    pthread_mutex_t lock;
    double rate, burst;          /* rate in tokens a second */
    otd_clock_fn clock;
    void *clock_ctx;
    unsigned char key[32];       /* of the keyed hash placing an address in a set */
    size_t n_sets;
    struct slot slots[];         /* n_sets * WAYS */
};

otd_addrlimit *otd_addrlimit_new(size_t capacity, double per_minute, double burst,
                                 otd_clock_fn clock, void *clock_ctx)
{
    otd_addrlimit *al;
    size_t n_sets = (capacity + WAYS - 1) / WAYS;

    if (!n_sets || n_sets > ((size_t)1 << 24) || !(per_minute > 0) || !(burst >= 1) ||
        !clock)
        return NULL;
    al = calloc(1, sizeof *al + n_sets * WAYS * sizeof al->slots[0]);
    if (!al)
        return NULL;
    if (RAND_bytes(al->key, sizeof al->key) != 1 || pthread_mutex_init(&al->lock, NULL) != 0) {
        free(al);
        return NULL;
    }
    al->rate = per_minute / 60.0;
    al->burst = burst;
    al->clock = clock;
    al->clock_ctx = clock_ctx;
    al->n_sets = n_sets;
    return al;
}

void otd_addrlimit_free(otd_addrlimit *al)
{
    if (!al)
        return;
    pthread_mutex_destroy(&al->lock);
    free(al);
}

/* The set of addr: SHA-256 over the key and the address. */
static struct slot *set_of(otd_addrlimit *al, const otd_addr *addr)
{
    unsigned char in[sizeof al->key + sizeof addr->bytes], digest[SHA256_DIGEST_LENGTH];
    uint64_t h = 0;

    memcpy(in, al->key, sizeof al->key);
    memcpy(in + sizeof al->key, addr->bytes, sizeof addr->bytes);
    SHA256(in, sizeof in, digest);
    for (int i = 0; i < 8; i++)
        h = h << 8 | digest[i];
    return &al->slots[(h % al->n_sets) * WAYS];
}

/* addr's slot in its set (refilled), or a fresh one in place of a free slot, else of the
 * fullest bucket (the address that failed least lately). */
static struct slot *slot_of(otd_addrlimit *al, const otd_addr *addr, int64_t now,
                            int *evicted)
{
    struct slot *set = set_of(al, addr), *free_slot = NULL, *fullest = NULL, *victim;

    for (int i = 0; i < WAYS; i++) {
        struct slot *s = &set[i];
        if (!s->used) {
            if (!free_slot)
                free_slot = s;
            continue;
        }
        refill(&s->bucket, al->rate, al->burst, now);
        if (memcmp(s->addr.bytes, addr->bytes, sizeof addr->bytes) == 0)
            return s;
        if (!fullest || s->bucket.tokens > fullest->bucket.tokens)
            fullest = s;
    }
    victim = free_slot ? free_slot : fullest;
    *evicted = victim->used && victim->bucket.tokens < al->burst;
    victim->addr = *addr;
    victim->used = 1;
    victim->bucket.tokens = al->burst;
    victim->bucket.last_ms = now;
    return victim;
}

int otd_addrlimit_fail(otd_addrlimit *al, const otd_addr *addr, unsigned *retry_after_s,
                       int *evicted)
{
    int allowed, forgot = 0;

    if (!al || !addr)
        return -1;
    pthread_mutex_lock(&al->lock);
    allowed = take(&slot_of(al, addr, al->clock(al->clock_ctx), &forgot)->bucket, al->rate,
                   retry_after_s);
    pthread_mutex_unlock(&al->lock);
    if (evicted)
        *evicted = forgot;
    return allowed;
}
