/* The mapper: normalise the raw key, look it up in the overrides and the built-in tables.
 * Mapping never allocates: keys are normalised into stack buffers. */
#include <string.h>

#include "alloc_internal.h"
#include "courier_internal.h"
#include "error_internal.h"

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

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

int ot__courier_normalise(char *dst, const char *src)
{
    size_t start = 0, end, i;

    dst[0] = '\0';
    if (!src)
        return 0;
    end = strlen(src);
    while (start < end && is_space((unsigned char)src[start]))
        start++;
    while (end > start && is_space((unsigned char)src[end - 1]))
        end--;
    if (end - start > OT_COURIER_KEY_MAX)
        return -1;
    for (i = start; i < end; i++) {
        unsigned char c = (unsigned char)src[i];
        dst[i - start] = (char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
    }
    dst[end - start] = '\0';
    return (int)(end - start);
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

static void fill(ot_courier_mapping *out, int provider, int value, unsigned flags)
{
    ot_status implied = OT_STATUS_UNKNOWN;

    out->flags = flags;
    if (ot_provider_is_parcel(provider, NULL) == 1) {
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
    size_t i;

    if (t)
        for (i = t->count; i-- > 0;) {
            const struct ot__override_row *r = &t->rows[i];
            if (r->provider == provider
                && row_matches(r->type, r->raw, strlen(r->raw), r->code, table->uses_type, k,
                               exact_code)) {
                fill(out, provider, r->value, r->flags);
                return 1;
            }
        }
    for (i = 0; i < table->count; i++) {
        const struct ot__courier_row *r = &table->rows[i];
        if (row_matches(r->type, r->raw, r->raw_len, r->code, table->uses_type, k, exact_code)) {
            fill(out, provider, r->value, r->flags);
            return 1;
        }
    }
    return 0;
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
