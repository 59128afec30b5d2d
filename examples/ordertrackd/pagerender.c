/* The customer tracking page's HTML (pagerender.h). */
#include "pagerender.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct buf {
    char *p;
    size_t len, cap;
    int failed;
} buf;

static void put(buf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->failed = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void puts_(buf *b, const char *s)
{
    put(b, s, strlen(s));
}

/* Text into HTML (content or a quoted attribute). */
static void put_escaped(buf *b, const char *s)
{
    static const struct {
        char c;
        const char *entity;
    } entities[] = {{'&', "&amp;"}, {'<', "&lt;"}, {'>', "&gt;"}, {'"', "&quot;"},
                    {'\'', "&#39;"}};

    for (; s && *s; s++) {
        size_t i = 0;
        while (i < sizeof entities / sizeof entities[0] && entities[i].c != *s)
            i++;
        if (i < sizeof entities / sizeof entities[0])
            puts_(b, entities[i].entity);
        else
            put(b, s, 1);
    }
}

/* JSON inside <script type="application/json">: every '<' as \u003c, so no "</script". */
static void put_json(buf *b, const json_t *doc)
{
    char *text = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);

    if (!text) {
        b->failed = 1;
        return;
    }
    for (const char *s = text; *s; s++) {
        if (*s == '<')
            puts_(b, "\\u003c");
        else
            put(b, s, 1);
    }
    free(text);
}

static int tag_matches(const char *tag, const char *range, size_t n)
{
    size_t t = strlen(tag);

    return n >= t && strncasecmp(range, tag, t) == 0 && (n == t || range[t] == '-');
}

static long find_language(const otd_page_bundle *b, const char *range, size_t n)
{
    for (size_t i = 0; i < b->n_languages; i++)
        if (tag_matches(b->languages[i].tag, range, n))
            return (long)i;
    return -1;
}

size_t otd_page_language_pick(const otd_page_bundle *b, const char *lang, const char *accept)
{
    long best = -1, i;
    double best_q = 0;

    if (lang && (i = find_language(b, lang, strlen(lang))) >= 0)
        return (size_t)i;
    while (accept && *accept) {
        size_t n = strcspn(accept, ",");
        const char *item = accept, *semi;
        double q = 1;
        accept += n + (accept[n] == ',');
        while (*item == ' ')
            item++, n--;
        semi = memchr(item, ';', n);
        if (semi) {
            const char *qs = strstr(semi, "q=");
            if (qs && qs < item + n)
                q = strtod(qs + 2, NULL);
        }
        size_t len = semi ? (size_t)(semi - item) : n;
        while (len && item[len - 1] == ' ')
            len--;
        if (q > best_q && (i = find_language(b, item, len)) >= 0) {
            best = i;
            best_q = q;
        }
    }
    return best >= 0 ? (size_t)best : 0;
}

/* The language links: ?lang=TAG for each, the current one marked. */
static void put_languages(buf *b, const otd_page_bundle *bundle, size_t lang)
{
    for (size_t i = 0; i < bundle->n_languages; i++) {
        json_t *m = json_loads(bundle->languages[i].messages, 0, NULL);
        const char *tag = bundle->languages[i].tag;
        puts_(b, "<a href=\"?lang=");
        puts_(b, tag);
        puts_(b, "\" hreflang=\"");
        puts_(b, tag);
        puts_(b, "\" lang=\"");
        puts_(b, tag);
        puts_(b, i == lang ? "\" aria-current=\"true\">" : "\">");
        put_escaped(b, json_string_value(json_object_get(m, "language_name")));
        puts_(b, "</a>");
        json_decref(m);
    }
}

char *otd_page_render(const otd_page_bundle *bundle, size_t lang, const json_t *view,
                      const char *title_key, const char *text_key, size_t *len)
{
    json_t *messages = json_loads(bundle->languages[lang].messages, 0, NULL);
    const char *s = view ? bundle->page_html : bundle->refused_html, *open, *close;
    buf b = {NULL, 0, 0, !messages};

    while (!b.failed && (open = strstr(s, "{{")) && (close = strstr(open, "}}"))) {
        char name[64];
        size_t n = (size_t)(close - open - 2);
        put(&b, s, (size_t)(open - s));
        s = close + 2;
        if (n >= sizeof name)
            continue;
        memcpy(name, open + 2, n);
        name[n] = '\0';
        if (strcmp(name, "lang") == 0)
            puts_(&b, bundle->languages[lang].tag);
        else if (strcmp(name, "css") == 0 || strcmp(name, "js") == 0) {
            puts_(&b, OTD_PAGE_STATIC_PATH);
            puts_(&b, name[0] == 'c' ? bundle->css : bundle->js);
        } else if (strcmp(name, "langs") == 0)
            put_languages(&b, bundle, lang);
        else if (strcmp(name, "messages") == 0)
            put_json(&b, messages);
        else if (strcmp(name, "view") == 0 && view)
            put_json(&b, view);
        else if (strcmp(name, "refusal_title") == 0 || strcmp(name, "refusal_text") == 0)
            put_escaped(&b, json_string_value(json_object_get(
                                messages,
                                strcmp(name, "refusal_title") == 0 ? title_key : text_key)));
        else if (strncmp(name, "t:", 2) == 0)
            put_escaped(&b, json_string_value(json_object_get(messages, name + 2)));
    }
    puts_(&b, s);
    json_decref(messages);
    if (b.failed) {
        free(b.p);
        return NULL;
    }
    *len = b.len;
    return b.p;
}
