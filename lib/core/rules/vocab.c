/* Generic wire-name codec over the vocabulary tables. */
#include <string.h>

#include "common.h"
#include "rules/vocab_internal.h"

int ot__vocab_valid(const struct ot__vocab *vocab, int value)
{
    return value > 0 && value < vocab->count;
}

int ot__vocab_name(const struct ot__vocab *vocab, const char **name, int value, ot_error *err)
{
    if (!name)
        return ot__error_field(err, OT_EINVAL, "name", "output pointer for the %s name is NULL",
                               vocab->kind);
    if (!ot__vocab_valid(vocab, value))
        return ot__error_field(err, OT_EINVAL, vocab->kind, "%d is not a valid %s value",
                               value, vocab->kind);
    *name = vocab->names[value];
    return 0;
}

int ot__vocab_lookup(const struct ot__vocab *vocab, const char *name)
{
    int i;
    if (!name)
        return 0;
    for (i = 1; i < vocab->count; i++)
        if (strcmp(vocab->names[i], name) == 0)
            return i;
    return 0;
}

int ot__vocab_parse(const struct ot__vocab *vocab, const void *out, const char *name,
                    ot_error *err)
{
    int v;
    if (!out)
        return ot__error_field(err, OT_EINVAL, vocab->kind, "output pointer for the %s is NULL",
                               vocab->kind);
    if (!name)
        return ot__error_field(err, OT_EINVAL, vocab->kind, "%s name is NULL", vocab->kind);
    v = ot__vocab_lookup(vocab, name);
    if (!v)
        return ot__error_field(err, OT_EINVAL, vocab->kind, "unknown %s \"%.64s\"",
                               vocab->kind, name);
    return v;
}
