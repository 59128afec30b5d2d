/* The dispatcher's options: defaults, checks, copies of the partners' credentials. */
#include <string.h>

#include "common.h"
#include "dispatch/dispatch_internal.h"

int ot_dispatch_partner_init(ot_dispatch_partner *p, unsigned version, ot_error *err)
{
    static const ot_dispatch_partner tpl = OT_DISPATCH_PARTNER_INIT;
    return ot__struct_init(p, version, &tpl, sizeof tpl, "partner", "dispatch partner", err);
}

int ot_dispatch_options_init(ot_dispatch_options *o, unsigned version, ot_error *err)
{
    static const ot_dispatch_options tpl = OT_DISPATCH_OPTIONS_INIT;
    return ot__struct_init(o, version, &tpl, sizeof tpl, "options", "dispatch options", err);
}

int ot_dispatch_order_init(ot_dispatch_order *o, unsigned version, ot_error *err)
{
    static const ot_dispatch_order tpl = OT_DISPATCH_ORDER_INIT;
    return ot__struct_init(o, version, &tpl, sizeof tpl, "order", "dispatch order", err);
}

int ot_dispatch_result_init(ot_dispatch_result *r, unsigned version, ot_error *err)
{
    static const ot_dispatch_result tpl = OT_DISPATCH_RESULT_INIT;
    return ot__struct_init(r, version, &tpl, sizeof tpl, "result", "dispatch result", err);
}

struct ot__partner *ot__dispatch_partner(ot_dispatch *d, int provider)
{
    size_t i;
    for (i = 0; i < d->n_partners; i++)
        if (d->partners[i].cfg.provider == provider)
            return &d->partners[i];
    return NULL;
}

/* The string members of a partner, as offsets, to copy and check them as data. */
static const struct {
    size_t offset;
    const char *name;
    int required_by;     /* the provider that needs it; 0: both */
} strings[] = {
    {offsetof(ot_dispatch_partner, base_url), "base_url", 0},
    {offsetof(ot_dispatch_partner, token_url), "token_url", OT_PROVIDER_UBER},
    {offsetof(ot_dispatch_partner, client_id), "client_id", OT_PROVIDER_UBER},
    {offsetof(ot_dispatch_partner, client_secret), "client_secret", OT_PROVIDER_UBER},
    {offsetof(ot_dispatch_partner, customer_id), "customer_id", OT_PROVIDER_UBER},
    {offsetof(ot_dispatch_partner, developer_id), "developer_id", OT_PROVIDER_DOORDASH},
    {offsetof(ot_dispatch_partner, key_id), "key_id", OT_PROVIDER_DOORDASH},
    {offsetof(ot_dispatch_partner, signing_secret), "signing_secret", OT_PROVIDER_DOORDASH},
};
#define MEMBER(p, i) (*(const char **)((const char *)(p) + strings[i].offset))

static int partner_copy(struct ot__partner *dst, const ot_dispatch_partner *src, ot_error *err)
{
    size_t i, total = 0, at = 0;
    long n;
    int rc;

    if ((rc = ot__check_version(src->version, OT_DISPATCH_PARTNER_VERSION, "partners", err)))
        return rc;
    if (src->provider != OT_PROVIDER_UBER && src->provider != OT_PROVIDER_DOORDASH)
        return ot__error_field(err, OT_EINVAL, "partners.provider",
                               "dispatch supports uber and doordash, not provider %d",
                               src->provider);
    if (src->jwt_ttl_ms && (src->jwt_ttl_ms < 1000 ||
                            src->jwt_ttl_ms > OT_DISPATCH_JWT_TTL_MAX_MS))
        return ot__error_field(err, OT_EINVAL, "partners.jwt_ttl_ms",
                               "jwt_ttl_ms must lie in 1000..%d", OT_DISPATCH_JWT_TTL_MAX_MS);
    if (src->token_margin_ms < 0 || src->timeout_ms < 0)
        return ot__error_field(err, OT_EINVAL, src->timeout_ms < 0 ? "partners.timeout_ms"
                               : "partners.token_margin_ms", "must not be negative");
    for (i = 0; i < sizeof strings / sizeof strings[0]; i++) {
        const char *v = MEMBER(src, i);
        if ((!strings[i].required_by || strings[i].required_by == src->provider) &&
            (!v || !*v || strpbrk(v, "\r\n")))
            return ot__error_field(err, OT_EINVAL, strings[i].name,
                                   "partners.%s is required (one line)", strings[i].name);
        total += v ? strlen(v) + 1 : 0;
    }
    if (strncmp(src->base_url, "http://", 7) && strncmp(src->base_url, "https://", 8))
        return ot__error_field(err, OT_EINVAL, "base_url", "base_url must be an http(s) URL");
    dst->cfg = *src;
    if (!(dst->strings = ot__malloc(total ? total : 1)))
        return ot__error_set(err, OT_ENOMEM, "out of memory copying the partners");
    dst->strings_size = total;
    for (i = 0; i < sizeof strings / sizeof strings[0]; i++) {
        const char *v = MEMBER(src, i);
        const char **slot = (const char **)((char *)&dst->cfg + strings[i].offset);
        if (!v)
            continue;
        strcpy(dst->strings + at, v);
        *slot = dst->strings + at;
        at += strlen(v) + 1;
    }
    if (!dst->cfg.jwt_ttl_ms)
        dst->cfg.jwt_ttl_ms = 300000;
    if (!dst->cfg.token_margin_ms)
        dst->cfg.token_margin_ms = 60000;
    if (!dst->cfg.timeout_ms)
        dst->cfg.timeout_ms = 10000;
    if (src->provider == OT_PROVIDER_DOORDASH) {
        n = ot__b64url_decode(dst->key, sizeof dst->key, src->signing_secret);
        if (n <= 0)
            return ot__error_field(err, OT_EINVAL, "signing_secret",
                                   "signing_secret is not base64url of 1..64 bytes");
        dst->key_len = (size_t)n;
    }
    pthread_mutex_init(&dst->lock, NULL);
    return 0;
}

void ot_dispatch_free(ot_dispatch *d)
{
    size_t i;
    if (!d)
        return;
    for (i = 0; i < d->n_partners; i++) {
        struct ot__partner *p = &d->partners[i];
        pthread_mutex_destroy(&p->lock);
        if (p->strings)
            memset(p->strings, 0, p->strings_size);   /* the secrets among them */
        ot__free(p->strings);
    }
    memset(d, 0, sizeof *d);
    ot__free(d);
}

int ot_dispatch_new(ot_dispatch **out, const ot_dispatch_options *o, ot_error *err)
{
    ot_dispatch *d;
    size_t i;
    int rc;

    if (!out || !o)
        return ot__error_field(err, OT_EINVAL, !out ? "out" : "options", "is NULL");
    *out = NULL;
    if ((rc = ot__check_version(o->version, OT_DISPATCH_OPTIONS_VERSION, "options", err)))
        return rc;
    if (!o->http)
        return ot__error_field(err, OT_EINVAL, "http", "an HTTP client is required");
    if (!o->partners || o->n_partners < 1 || o->n_partners > 2)
        return ot__error_field(err, OT_EINVAL, "partners", "one or two partners are required");
    if (o->max_no_driver_attempts < 1 || o->max_no_driver_attempts > 100)
        return ot__error_field(err, OT_EINVAL, "max_no_driver_attempts", "must lie in 1..100");
    if (o->retry_base_ms < 1 || o->retry_cap_ms < o->retry_base_ms)
        return ot__error_field(err, OT_EINVAL, o->retry_base_ms < 1 ? "retry_base_ms"
                               : "retry_cap_ms", "need 1 <= retry_base_ms <= retry_cap_ms");
    if (o->lease_ms < 1)
        return ot__error_field(err, OT_EINVAL, "lease_ms", "lease_ms must be positive");
    if (o->n_partners == 2 && o->partners[0].provider == o->partners[1].provider)
        return ot__error_field(err, OT_EINVAL, "partners", "a provider is given twice");
    if (!(d = ot__malloc(sizeof *d)))
        return ot__error_set(err, OT_ENOMEM, "out of memory creating a dispatcher");
    memset(d, 0, sizeof *d);
    d->options = *o;
    d->options.partners = NULL;
    d->options.author = NULL;
    d->http = o->http;
    ot__strlcpy(d->author, o->author && *o->author ? o->author : "dispatch", sizeof d->author);
    for (i = 0; i < o->n_partners; i++, d->n_partners++)
        if ((rc = partner_copy(&d->partners[i], &o->partners[i], err))) {
            ot__free(d->partners[i].strings);
            ot_dispatch_free(d);
            return rc;
        }
    *out = d;
    return 0;
}
