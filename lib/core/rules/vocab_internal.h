/* Internal: a vocabulary is a table of wire names indexed by enum value (0 = unknown). */
#ifndef OT_VOCAB_INTERNAL_H
#define OT_VOCAB_INTERNAL_H

#include "ordertrack/error.h"

struct ot__vocab {
    const char *kind;           /* "status", "provider"... for messages */
    const char *const *names;   /* names[0] unused (unknown) */
    int count;                  /* one past the largest value */
};

/* 1 if 0 < value < count. */
int ot__vocab_valid(const struct ot__vocab *vocab, int value);
/* Wire name of `value`, or OT_EINVAL naming the kind and the value. */
int ot__vocab_name(const struct ot__vocab *vocab, const char **name, int value, ot_error *err);
/* Value (> 0) of exact wire `name`, or OT_EINVAL naming the kind and the string; `out` is
 * the caller's output pointer, checked for NULL only. */
int ot__vocab_parse(const struct ot__vocab *vocab, const void *out, const char *name,
                    ot_error *err);
/* Value of `name` or 0 (unknown); never fails, never writes an error. */
int ot__vocab_lookup(const struct ot__vocab *vocab, const char *name);

/* Providers beyond the enum: a run-time courier (courier_def.h) is known by its name, and its
 * provider id is derived from the name (FNV-1a into OT_COURIER_ID_MIN..OT_COURIER_ID_MAX), so
 * every program and every stored order agree on it without configuration. */
/* 1 if `name` is a valid courier name: 1..32 of a-z, 0-9, '_', starting with a letter. */
int ot__courier_name_valid(const char *name);
/* The provider id of `name`: the ot_provider of a built-in name, the derived id of another
 * valid courier name, 0 for NULL or an invalid name. */
int ot__provider_id(const char *name);
/* 1 for a parcel provider: a built-in parcel courier or any run-time id. */
int ot__provider_parcel(int provider);

extern const struct ot__vocab ot__status_vocab;
extern const struct ot__vocab ot__shipment_vocab;
extern const struct ot__vocab ot__provider_vocab;
extern const struct ot__vocab ot__substitution_vocab;
extern const struct ot__vocab ot__severity_vocab;
extern const struct ot__vocab ot__source_vocab;

#endif
