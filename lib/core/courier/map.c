/* The mapper: normalise the raw key (case, white space, '_'), look it up in the overrides
 * and the built-in tables. Mapping never allocates: keys are normalised into stack buffers.
 * The built-in tables are reached through hash indexes computed once (pthread_once) from the
 * constant rows. */
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "common.h"
#include "courier/courier_internal.h"

const struct ot__courier_table *ot__courier_builtin(int provider)
{
    switch (provider) {
    case OT_PROVIDER_DELHIVERY: return &ot__courier_delhivery;
    case OT_PROVIDER_DELHIVERY_B2B: return &ot__courier_delhivery_b2b;
    case OT_PROVIDER_SHIPROCKET: return &ot__courier_shiprocket;
    case OT_PROVIDER_VELOCITY: return &ot__courier_velocity;
    case OT_PROVIDER_UBER: return &ot__courier_uber;
    case OT_PROVIDER_DOORDASH: return &ot__courier_doordash;
    default: return NULL;
    }
}

/* A separator: ASCII white space or '_' (snake_case partners). */
static int is_separator(unsigned char c)
{
    return c == ' ' || c == '_' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
           || c == '\v';
}

int ot__courier_normalise(char *dst, const char *src)
{
    size_t n = 0;
    int gap = 0;

    dst[0] = '\0';
    if (!src)
        return 0;
    for (; *src; src++) {
        unsigned char c = (unsigned char)*src;
        /* Fast path: a plain byte (everything above ' ' but '_'). */
        if ((c <= ' ' || c == '_') && is_separator(c)) {
            gap = n > 0;
            continue;
        }
        if (n + (size_t)gap >= OT_COURIER_KEY_MAX) {
            dst[0] = '\0';
            return -1;
        }
        if (gap) {
            dst[n++] = ' ';
            gap = 0;
        }
        dst[n++] = (char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
    }
    dst[n] = '\0';
    return (int)n;
}

/* A key, normalised; type and code "" when absent. */
struct key {
    char type[OT_COURIER_KEY_MAX + 1];
    char raw[OT_COURIER_KEY_MAX + 1];
    char code[OT_COURIER_KEY_MAX + 1];
    size_t raw_len;
};

/* Does a row match the key? `exact_code`: only rows with the key's code, else only rows
 * without a code. */
static int row_matches(const char *rtype, const char *rraw, size_t rraw_len, const char *rcode,
                       int uses_type, const struct key *k, int exact_code)
{
    if (rraw_len != k->raw_len || rraw[0] != k->raw[0]
        || memcmp(rraw, k->raw, rraw_len) != 0)
        return 0;
    if (exact_code ? (!rcode || strcmp(rcode, k->code) != 0) : rcode != NULL)
        return 0;
    if (!uses_type)
        return 1;
    return rtype ? strcmp(rtype, k->type) == 0 : k->type[0] == '\0';
}

/* Hash indexes of the built-in tables: open addressing, slot = row index + 1, 0 empty. */
struct index {
    unsigned char slot[OT__INDEX_SLOTS];
};
static struct index indexes[OT_PROVIDER_COUNT];
static pthread_once_t indexes_once = PTHREAD_ONCE_INIT;

static uint32_t fnv(uint32_t h, const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return (h ^ 0x1f) * 16777619u;
}

/* Hash of (type, raw, code); absent ones are "". */
static size_t key_hash(const char *type, const char *raw, size_t raw_len, const char *code)
{
    uint32_t h = 2166136261u;
    h = fnv(h, type ? type : "", type ? strlen(type) : 0);
    h = fnv(h, raw, raw_len);
    h = fnv(h, code ? code : "", code ? strlen(code) : 0);
    return h & (OT__INDEX_SLOTS - 1);
}

static void build_indexes(void)
{
    int p;
    size_t i, h;

    for (p = 0; p < OT_PROVIDER_COUNT; p++) {
        const struct ot__courier_table *t = ot__courier_builtin(p);
        for (i = 0; t && i < t->count && i < OT__INDEX_SLOTS / 2; i++) {
            const struct ot__courier_row *r = &t->rows[i];
            h = key_hash(t->uses_type ? r->type : NULL, r->raw, r->raw_len, r->code);
            while (indexes[p].slot[h])
                h = (h + 1) & (OT__INDEX_SLOTS - 1);
            indexes[p].slot[h] = (unsigned char)(i + 1);
        }
    }
}

static const struct ot__courier_row *builtin_find(const struct ot__courier_table *table,
                                                  const struct key *k, int exact_code)
{
    const struct index *idx = &indexes[table->provider];
    size_t h = key_hash(k->type, k->raw, k->raw_len, exact_code ? k->code : NULL);
    unsigned s;

    while ((s = idx->slot[h]) != 0) {
        const struct ot__courier_row *r = &table->rows[s - 1];
        if (row_matches(r->type, r->raw, r->raw_len, r->code, table->uses_type, k, exact_code))
            return r;
        h = (h + 1) & (OT__INDEX_SLOTS - 1);
    }
    return NULL;
}

void ot__courier_fill(ot_courier_mapping *out, int parcel, int value, unsigned flags)
{
    ot_status implied = OT_STATUS_UNKNOWN;

    out->flags = flags;
    if (parcel) {
        out->shipment_status = value;
        if (value)
            (void)ot_shipment_to_status(&implied, value, NULL);
        out->status = (int)implied;
    } else {
        out->shipment_status = 0;
        out->status = value;
    }
}

/* One pass over overrides (newest first) then built-ins. 1 when found. */
static int lookup(ot_courier_mapping *out, const ot_courier_tables *t,
                  const struct ot__courier_table *table, int provider, const struct key *k,
                  int exact_code)
{
    const struct ot__courier_row *r;
    size_t i;

    if (t)
        for (i = t->count; i-- > 0;) {
            const struct ot__override_row *o = &t->rows[i];
            if (o->provider == provider
                && row_matches(o->type, o->raw, strlen(o->raw), o->code, table->uses_type, k,
                               exact_code)) {
                ot__courier_fill(out, ot_provider_is_parcel(provider, NULL) == 1, o->value,
                                 o->flags);
                return 1;
            }
        }
    r = builtin_find(table, k, exact_code);
    if (!r)
        return 0;
    ot__courier_fill(out, ot_provider_is_parcel(provider, NULL) == 1, r->value, r->flags);
    return 1;
}

int ot_courier_map(ot_courier_mapping *out, const ot_courier_tables *tables, int provider,
                   const char *raw_status, const char *raw_type, const char *raw_code,
                   ot_error *err)
{
    const struct ot__courier_table *table;
    struct key k;
    const char *pname = "?";
    int len;

    if (!out)
        return ot__error_field(err, OT_EINVAL, "out", "output pointer for the mapping is NULL");
    table = ot__courier_builtin(provider);
    if (!table)
        return ot__error_field(err, OT_EINVAL, "provider",
                               "provider %d has no courier status table", provider);
    if (!raw_status)
        return ot__error_field(err, OT_EINVAL, "raw_status", "raw status is NULL");
    (void)pthread_once(&indexes_once, build_indexes);

    out->status = 0;
    out->shipment_status = 0;
    out->flags = OT_UPDATE_UNMAPPED;
    k.type[0] = k.code[0] = '\0';
    len = ot__courier_normalise(k.raw, raw_status);
    /* Only typed tables (Delhivery) have rows with a type or a code. */
    if (len >= 0 && table->uses_type) {
        if (ot__courier_normalise(k.type, raw_type) < 0)
            len = -1;
        if (ot__courier_normalise(k.code, raw_code) < 0)
            k.code[0] = '\0'; /* an over-long code cannot match a code row */
    }
    if (len < 0) {
        (void)ot_provider_to_string(&pname, provider, NULL);
        return ot__error_field(err, OT_EUNKNOWN_STATUS, "raw_status",
                               "%s: raw status \"%.40s...\" or its type is longer than %d bytes",
                               pname, raw_status, OT_COURIER_KEY_MAX);
    }
    k.raw_len = (size_t)len;

    if (k.raw_len > 0
        && ((k.code[0] != '\0' && lookup(out, tables, table, provider, &k, 1))
            || lookup(out, tables, table, provider, &k, 0)))
        return 0;
    (void)ot_provider_to_string(&pname, provider, NULL);
    if (table->uses_type && k.type[0] != '\0')
        return ot__error_field(err, OT_EUNKNOWN_STATUS, "raw_status",
                               "%s: no table maps status \"%.64s\" with type \"%.16s\"", pname,
                               raw_status, raw_type);
    return ot__error_field(err, OT_EUNKNOWN_STATUS, "raw_status",
                           "%s: no table maps status \"%.64s\"", pname, raw_status);
}

int ot_courier_tables_new(ot_courier_tables **tables, ot_error *err)
{
    if (!tables)
        return ot__error_field(err, OT_EINVAL, "tables", "output pointer for the tables is NULL");
    *tables = ot__calloc(1, sizeof **tables);
    if (!*tables)
        return ot__error_set(err, OT_ENOMEM, "out of memory allocating courier tables");
    return 0;
}

void ot_courier_tables_free(ot_courier_tables *tables)
{
    size_t i;

    if (!tables)
        return;
    for (i = 0; i < tables->count; i++) {
        ot__free(tables->rows[i].type);
        ot__free(tables->rows[i].raw);
        ot__free(tables->rows[i].code);
    }
    ot__free(tables->rows);
    ot__free(tables);
}

int ot_courier_tables_override_count(const ot_courier_tables *tables, ot_error *err)
{
    if (!tables)
        return ot__error_field(err, OT_EINVAL, "tables", "tables is NULL");
    return tables->count > 0x7fffffff ? 0x7fffffff : (int)tables->count;
}
