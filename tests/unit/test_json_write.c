/* The library's JSON encoder against jansson's json_dumpb: the same bytes for every flag
 * combination the library uses, on hand-picked edge cases, on a real order record, and on
 * thousands of random documents; errors where jansson refuses too. And its deep copy against
 * json_deep_copy: equal documents, same key order, nothing shared. */
#include <float.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>

#include "ordertrack/ordertrack.h"
#include "ordertrack/adapters/memory.h"
#include "base/alloc_internal.h"
#include "json/json_internal.h"

static const size_t flag_sets[] = {
    JSON_COMPACT | JSON_REAL_PRECISION(17),
    JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII | JSON_REAL_PRECISION(17),
    JSON_COMPACT,
    0,
    JSON_COMPACT | JSON_PRESERVE_ORDER,
    JSON_ENSURE_ASCII | JSON_ESCAPE_SLASH,
    JSON_COMPACT | JSON_REAL_PRECISION(5),
    JSON_SORT_KEYS | JSON_REAL_PRECISION(1) | JSON_ENCODE_ANY,
};

/* ours == jansson's for `v` under every flag set */
static void same_as_jansson(const json_t *v)
{
    size_t k;
    for (k = 0; k < sizeof flag_sets / sizeof flag_sets[0]; k++) {
        size_t flags = flag_sets[k], n, len = 0;
        char *want, *got = NULL;
        ot_error err;
        n = json_dumpb(v, NULL, 0, flags);
        if (n == 0) {
            /* jansson refuses (a scalar without JSON_ENCODE_ANY): so do we */
            assert_int_not_equal(ot__json_write(&got, &len, v, flags, &err), 0);
            assert_null(got);
            continue;
        }
        want = malloc(n + 1);
        assert_non_null(want);
        assert_int_equal(json_dumpb(v, want, n, flags), n);
        want[n] = '\0';
        assert_int_equal(ot__json_write(&got, &len, v, flags, &err), 0);
        if (len != n || memcmp(got, want, n) != 0)
            fail_msg("flags 0x%zx:\n jansson: %s\n ours:    %s", flags, want, got);
        assert_int_equal(got[len], '\0');
        ot_free(got);
        free(want);
    }
}

static void test_edge_cases(void **state)
{
    static const double reals[] = {
        0.0, -0.0, 0.1, 1.0, -1.5, 100.0, 1e17, 1e16, 123456789012345678.0, 1e300, -1e-7,
        5e-324, DBL_MAX, DBL_MIN, 3.141592653589793, 2.5e-5, 1e21, 1e22, 0.30000000000000004,
        12.34, 37.7936, -122.395, 1e-300, 9007199254740993.0,
    };
    static const json_int_t ints[] = {0, 1, -1, 42, LLONG_MAX, LLONG_MIN};
    static const char *const strings[] = {
        "", "plain", "quote\" back\\slash /slash", "\b\f\n\r\t", "\x01\x1f\x7f",
        "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x9a\x9a \xef\xbf\xbf", "\xed\x9f\xbf",
        "\xf4\x8f\xbf\xbf", "</script>",
    };
    json_t *arr = json_array(), *obj = json_object(), *nested = json_object();
    size_t i;
    (void)state;
    for (i = 0; i < sizeof reals / sizeof reals[0]; i++)
        json_array_append_new(arr, json_real(reals[i]));
    for (i = 0; i < sizeof ints / sizeof ints[0]; i++)
        json_array_append_new(arr, json_integer(ints[i]));
    for (i = 0; i < sizeof strings / sizeof strings[0]; i++) {
        json_array_append_new(arr, json_string(strings[i]));
        json_object_set_new(obj, strings[i], json_integer((json_int_t)i));
    }
    json_array_append_new(arr, json_true());
    json_array_append_new(arr, json_false());
    json_array_append_new(arr, json_null());
    json_array_append_new(arr, json_array());
    json_array_append_new(arr, json_object());
    /* keys that sort by prefix and by byte value */
    json_object_set_new(obj, "ab", json_integer(1));
    json_object_set_new(obj, "a", json_integer(2));
    json_object_set_new(obj, "b", json_integer(3));
    json_object_set_new(obj, "B", json_integer(4));
    json_object_set_new(obj, "\xc3\xa9", json_integer(5));
    json_object_set_new(nested, "list", arr);
    json_object_set_new(nested, "map", obj);
    json_object_set_new(nested, "empty", json_object());
    same_as_jansson(nested);
    same_as_jansson(json_object_get(nested, "list"));
    /* scalars: refused without JSON_ENCODE_ANY, like jansson */
    for (i = 0; i < json_array_size(json_object_get(nested, "list")); i++)
        same_as_jansson(json_array_get(json_object_get(nested, "list"), i));
    json_decref(nested);
}

static void test_order_record(void **state)
{
    ot_storage *storage = NULL;
    ot_tracker *tracker = NULL;
    ot_tracker_options o = OT_TRACKER_OPTIONS_INIT;
    ot_request r = OT_REQUEST_INIT;
    ot_order *order = NULL;
    ot_error err;
    char *text = NULL;
    size_t len = 0;
    json_t *doc;
    json_error_t jerr;
    (void)state;

    assert_int_equal(ot_storage_memory_new(&storage, &err), 0);
    o.storage = storage;
    assert_int_equal(ot_tracker_new(&tracker, &o, &err), 0);
    r.order_id = "ORD:1.x_y-z"; /* order ids are ASCII (ot_order_id_check) */
    r.store_id = "store/1 \xc3\xa9";
    r.customer_id = "cust \"1\"";
    r.provider = OT_PROVIDER_UBER;
    r.notes = "line\nbreak";
    r.metadata_json = "{\"weight\":1.25,\"tags\":[\"a\",\"\\u0001\"]}";
    if (ot_tracker_init_order(NULL, tracker, &r, &err) != 0)
        fail_msg("init: %s", err.message);
    r.metadata_json = NULL;
    r.notes = NULL;
    r.status = OT_STATUS_STORE_NOTIFIED;
    assert_int_equal(ot_tracker_set_status(&order, tracker, &r, &err), 0);
    assert_int_equal(ot_order_to_json(&text, &len, order, &err), 0);
    doc = json_loadb(text, len, 0, &jerr);
    assert_non_null(doc);
    same_as_jansson(doc);
    json_decref(doc);
    ot_free(text);
    ot_order_free(order);
    ot_tracker_free(tracker);
    ot_storage_close(storage);
}

/* xorshift: a fixed sequence, so a failure reproduces */
static uint64_t next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static json_t *random_string(uint64_t *s)
{
    static const char *const pieces[] = {
        "a", "Z", "0", " ", "\"", "\\", "/", "\n", "\x01", "\x1f", "\x7f", "\xc3\xa9",
        "\xe2\x82\xac", "\xf0\x9f\x9a\x9a", "\xed\x9f\xbf", "\xee\x80\x80", "\xf4\x8f\xbf\xbf",
    };
    char buf[128];
    size_t n = next(s) % 12, i, len = 0;
    for (i = 0; i < n; i++) {
        const char *p = pieces[next(s) % (sizeof pieces / sizeof pieces[0])];
        memcpy(buf + len, p, strlen(p));
        len += strlen(p);
    }
    return json_stringn(buf, len);
}

static json_t *random_value(uint64_t *s, int depth)
{
    uint64_t kind = next(s) % (depth > 4 ? 6 : 8);
    json_t *v;
    size_t n, i;
    union {
        uint64_t u;
        double d;
    } bits;
    switch (kind) {
    case 0: return json_null();
    case 1: return json_boolean(next(s) & 1);
    case 2: return json_integer((json_int_t)next(s) >> (next(s) % 64));
    case 3:
        do
            bits.u = next(s);
        while (bits.d != bits.d || bits.d - bits.d != 0); /* finite only */
        return json_real(next(s) & 1 ? bits.d : (double)(int64_t)(next(s) % 100000) / 100.0);
    case 4:
    case 5: return random_string(s);
    case 6:
        v = json_array();
        n = next(s) % 5;
        for (i = 0; i < n; i++)
            json_array_append_new(v, random_value(s, depth + 1));
        return v;
    default:
        v = json_object();
        n = next(s) % 6;
        for (i = 0; i < n; i++) {
            json_t *key = random_string(s);
            json_object_setn_new(v, json_string_value(key), json_string_length(key),
                                 random_value(s, depth + 1));
            json_decref(key);
        }
        return v;
    }
}

static void test_random_documents(void **state)
{
    uint64_t seed = 0x9e3779b97f4a7c15ull;
    int i;
    (void)state;
    for (i = 0; i < 3000; i++) {
        json_t *doc = json_object();
        json_object_set_new(doc, "v", random_value(&seed, 0));
        json_object_set_new(doc, "w", random_value(&seed, 0));
        same_as_jansson(doc);
        json_decref(doc);
    }
}

/* Reals: the encoder's own %.17g (fixed-notation range) against jansson's (printf) on
 * 300,000 values: random bit patterns, short decimals as parsed from text (coordinates,
 * prices), and the edges (powers of ten and their neighbours, ties, integers near 2^53). */
static void test_reals(void **state)
{
    uint64_t seed = 0x7f4a7c159e3779b9ull;
    json_t *arr = json_array();
    double v;
    int i, k;
    (void)state;
    for (i = 0; i < 300000; i++) {
        union {
            uint64_t u;
            double d;
        } bits;
        switch (i % 3) {
        case 0:
            bits.u = next(&seed);
            v = bits.d;
            if (v != v || v - v != 0)
                v = 1.0;
            break;
        case 1: {
            char text[40];
            snprintf(text, sizeof text, "%s%llu.%0*llu", next(&seed) & 1 ? "-" : "",
                     (unsigned long long)(next(&seed) % 100000),
                     (int)(1 + next(&seed) % 8),
                     (unsigned long long)(next(&seed) % 100000000));
            v = strtod(text, NULL);
            break;
        }
        default:
            k = (int)(next(&seed) % 21) - 4;
            v = pow(10.0, k) * (double)(1 + next(&seed) % 9);
            if (next(&seed) & 1)
                v = nextafter(v, next(&seed) & 1 ? 0.0 : 1e300);
            if (next(&seed) % 5 == 0)
                v = (double)((1ull << 53) - next(&seed) % 3) / (double)(1ull << (next(&seed) % 40));
            if (next(&seed) % 7 == 0)
                v = (double)(next(&seed) % 1000) + 0.5;
            break;
        }
        json_array_append_new(arr, json_real(v));
        if (json_array_size(arr) == 1000) {
            same_as_jansson(arr);
            json_array_clear(arr);
        }
    }
    for (k = -5; k <= 18; k++) {
        v = pow(10.0, k);
        json_array_append_new(arr, json_real(v));
        json_array_append_new(arr, json_real(nextafter(v, 0.0)));
        json_array_append_new(arr, json_real(nextafter(v, 1e300)));
        json_array_append_new(arr, json_real(-v));
    }
    json_array_append_new(arr, json_real(0.001));
    json_array_append_new(arr, json_real(99999999999999999.0));
    json_array_append_new(arr, json_real(9999999999999998.0));
    json_array_append_new(arr, json_real(0.0009999999999999998));
    same_as_jansson(arr);
    json_decref(arr);
}

/* ot__json_copy: what json_deep_copy gives (equal, same key order and types), sharing
 * nothing but jansson's immortal singletons. */
static void test_copy(void **state)
{
    uint64_t seed = 0x243f6a8885a308d3ull;
    json_t *deep = json_array(), *cur = deep;
    int i;
    (void)state;
    for (i = 0; i < 2000; i++) {
        json_t *doc = json_object(), *mine, *theirs;
        char *a = NULL, *b = NULL;
        ot_error err;
        json_object_set_new(doc, "v", random_value(&seed, 0));
        json_object_set_new(doc, "w", random_value(&seed, 0));
        mine = ot__json_copy(doc);
        theirs = json_deep_copy(doc);
        assert_non_null(mine);
        assert_true(json_equal(mine, theirs));
        assert_int_equal(ot__json_write(&a, NULL, mine, JSON_COMPACT, &err), 0);
        assert_int_equal(ot__json_write(&b, NULL, theirs, JSON_COMPACT, &err), 0);
        assert_string_equal(a, b);
        /* independent: changing the copy leaves the source alone */
        json_object_set_new(mine, "v", json_string("changed"));
        assert_true(json_equal(doc, theirs));
        ot_free(a);
        ot_free(b);
        json_decref(mine);
        json_decref(theirs);
        json_decref(doc);
    }
    for (i = 0; i < 3000; i++) {
        json_t *next_level = json_array();
        json_array_append_new(cur, next_level);
        cur = next_level;
    }
    assert_null(ot__json_copy(deep));
    assert_null(ot__json_copy(NULL));
    json_decref(deep);
}

static void test_refusals(void **state)
{
    json_t *bad = json_array(), *deep = json_array(), *cur = deep;
    char *out = (char *)1;
    size_t len = 7;
    ot_error err;
    int i;
    (void)state;
    /* invalid UTF-8 smuggled in without jansson's check: jansson refuses to encode it too */
    json_array_append_new(bad, json_stringn_nocheck("\xff\xfe", 2));
    assert_int_equal(json_dumpb(bad, NULL, 0, JSON_COMPACT), 0);
    assert_int_equal(ot__json_write(&out, &len, bad, JSON_COMPACT, &err), OT_EINVAL);
    assert_null(out);
    assert_int_equal(len, 0);
    /* flags the encoder does not implement */
    assert_int_equal(ot__json_write(&out, &len, deep, JSON_INDENT(2), &err), OT_EINVAL);
    /* nesting deeper than the parser accepts */
    for (i = 0; i < 3000; i++) {
        json_t *next_level = json_array();
        json_array_append_new(cur, next_level);
        cur = next_level;
    }
    assert_int_equal(ot__json_write(&out, &len, deep, JSON_COMPACT, &err), OT_EINVAL);
    assert_non_null(strstr(err.message, "deeper"));
    json_decref(deep);
    json_decref(bad);
}

/* A locale with a decimal comma (when the machine has one) must not leak into JSON. */
static void test_locale(void **state)
{
    static const char *const names[] = {"de_DE.UTF-8", "fr_FR.UTF-8", "C.UTF-8"};
    json_t *v = json_pack("[f,f,f]", 1.5, -0.25, 1e-9);
    char *out = NULL;
    size_t i;
    ot_error err;
    (void)state;
    for (i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (!setlocale(LC_NUMERIC, names[i]))
            continue;
        assert_int_equal(ot__json_write(&out, NULL, v, JSON_COMPACT, &err), 0);
        assert_string_equal(out, "[1.5,-0.25,1.0000000000000001e-9]");
        ot_free(out);
    }
    setlocale(LC_NUMERIC, "C");
    json_decref(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_edge_cases),
        cmocka_unit_test(test_order_record),
        cmocka_unit_test(test_random_documents),
        cmocka_unit_test(test_reals),
        cmocka_unit_test(test_copy),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_locale),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
