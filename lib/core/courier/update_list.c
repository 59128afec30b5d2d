/* The update list: an array of updates plus an arena owning their strings. */
#include <string.h>

#include "common.h"
#include "courier/courier_internal.h"

struct chunk {
    struct chunk *next;
    size_t used;
    size_t cap;
    char data[];
};

struct ot_update_list {
    ot_update *items;
    size_t count;
    size_t cap;
    struct chunk *chunks;
};

#define CHUNK_SIZE 4096u

int ot__update_list_new(ot_update_list **list)
{
    *list = ot__calloc(1, sizeof **list);
    return *list ? 0 : OT_ENOMEM;
}

ot_update *ot__update_list_push(ot_update_list *list, int provider)
{
    static const ot_update defaults = OT_UPDATE_INIT;
    ot_update *items = ot__grow(list->items, &list->cap, list->count, sizeof *items, 8), *u;

    if (!items)
        return NULL;
    list->items = items;
    u = &list->items[list->count++];
    *u = defaults;
    u->provider = provider;
    return u;
}

int ot__update_list_strndup(ot_update_list *list, const char **dst, const char *s, size_t n)
{
    struct chunk *c = list->chunks;
    char *p;

    *dst = NULL;
    if (!s)
        return 0;
    if (n >= (size_t)-1 / 2)
        return OT_ENOMEM;
    if (!c || c->cap - c->used < n + 1) {
        size_t cap = n + 1 > CHUNK_SIZE ? n + 1 : CHUNK_SIZE;
        c = ot__malloc(sizeof *c + cap);
        if (!c)
            return OT_ENOMEM;
        c->cap = cap;
        c->used = 0;
        c->next = list->chunks;
        list->chunks = c;
    }
    p = c->data + c->used;
    memcpy(p, s, n);
    p[n] = '\0';
    c->used += n + 1;
    *dst = p;
    return 0;
}

int ot__update_list_strdup(ot_update_list *list, const char **dst, const char *s)
{
    return ot__update_list_strndup(list, dst, s, s ? strlen(s) : 0);
}

size_t ot_update_list_count(const ot_update_list *list)
{
    return list ? list->count : 0;
}

const ot_update *ot_update_list_get(const ot_update_list *list, size_t index)
{
    if (!list || index >= list->count)
        return NULL;
    return &list->items[index];
}

void ot_update_list_free(ot_update_list *list)
{
    struct chunk *c, *next;

    if (!list)
        return;
    for (c = list->chunks; c; c = next) {
        next = c->next;
        ot__free(c);
    }
    ot__free(list->items);
    ot__free(list);
}
