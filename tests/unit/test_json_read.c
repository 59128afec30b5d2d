/* The library's JSON parser against jansson's json_loadb(..., JSON_REJECT_DUPLICATES, ...):
 * the same verdict on every input, the same document (types, values, key order) when both
 * accept, the same json_error_t (text, line, column, position, code) when both refuse. Inputs:
 * hand-picked edge cases for every rule, the fixtures and seed corpora of the repository
 * with their prefixes and deterministic mutations, and thousands of generated texts. The one
 * deliberate difference: a NUL byte anywhere is refused (jansson lets one through after a
 * number or a literal). Plus an allocation-failure sweep of the parser. */
#include <dirent.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>

#include "json_same.h"

#include "ordertrack/ordertrack.h"
#include "base/alloc_internal.h"
#include "alloc_sweep.h"
#include "test_files.h"
#include "json/json_internal.h"

static unsigned long compared;


static void show(const char *in, size_t len)
{
    size_t i;
    fprintf(stderr, "input (%zu bytes): ", len);
    for (i = 0; i < len && i < 400; i++) {
        unsigned char c = (unsigned char)in[i];
        if (c >= 0x20 && c < 0x7f && c != '\\')
            fputc(c, stderr);
        else
            fprintf(stderr, "\\x%02x", c);
    }
    fputc('\n', stderr);
}

/* ours == jansson's on `in` (see the top of the file); 1 when accepted */
static int check(const char *in, size_t len)
{
    json_error_t want, got;
    json_t *a, *b = (json_t *)1;
    int rc;

    compared++;
    a = json_loadb(in, len, JSON_REJECT_DUPLICATES, &want);
    rc = ot__json_read(&b, in, len, &got);
    if (memchr(in, '\0', len)) {
        if (rc != OT_EPARSE || b) {
            show(in, len);
            fail_msg("a NUL byte accepted (rc %d)", rc);
        }
        json_decref(a);
        return 0;
    }
    if (a) {
        if (rc != 0 || !b || !json_same_doc(a, b) || got.position != want.position) {
            show(in, len);
            fail_msg("jansson accepts, ours: rc %d, %s (%d:%d:%d)", rc, got.text, got.line,
                     got.column, got.position);
        }
        json_decref(a);
        json_decref(b);
        return 1;
    }
    if (rc != OT_EPARSE || b || strcmp(got.text, want.text) != 0 || got.line != want.line ||
        got.column != want.column || got.position != want.position ||
        json_error_code(&got) != json_error_code(&want) ||
        strcmp(got.source, want.source) != 0) {
        show(in, len);
        fail_msg("jansson: '%s' %d:%d:%d code %d\n   ours: rc %d '%s' %d:%d:%d code %d",
                 want.text, want.line, want.column, want.position, json_error_code(&want), rc,
                 got.text, got.line, got.column, got.position, json_error_code(&got));
    }
    return 0;
}

static int check_str(const char *s)
{
    return check(s, strlen(s));
}

#define CHECK(lit) check(lit, sizeof lit - 1)

static void test_edge_cases(void **state)
{
    static const char *const cases[] = {
        /* top level and end of input */
        "", " ", "\n\t\r ", "{}", "[]", " [ ] ", "[]\n", "[] x", "[] []", "[]]", "{}}", "1",
        "\"a\"", "true", "null", "-", "x", "@", "{", "[", "]", "}", ":", ",", "\xc3\xa9",
        "\xff", "[]\xff", "[] \xc3\xa9", "\xef\xbb\xbf[]", "/**/[]", "[]//",
        /* literals */
        "[true,false,null]", "[tru]", "[truex]", "[True]", "[nul]", "[true1]", "[truetrue]",
        "[aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa]", "[true\xc3\xa9]", "[true\xff]", "[nan]",
        "[Infinity]", "[true \xff]",
        /* numbers */
        "[0]", "[-0]", "[-0.0]", "[0.0]", "[1.5]", "[-1.5e3]", "[1E3]", "[1e+3]", "[1e-3]",
        "[01]", "[-01]", "[00]", "[1.]", "[.5]", "[1.e3]", "[1e]", "[1e+]", "[1e-]", "[+1]",
        "[-]", "[--1]", "[-a]", "[1x]", "[0x10]", "[1.5.5]", "[1e5e5]", "[0e0]", "[0E-0]",
        "[9223372036854775807]", "[9223372036854775808]", "[-9223372036854775808]",
        "[-9223372036854775809]", "[99999999999999999999]", "[999999999999999999999]",
        "[-99999999999999999999]", "[12345678901234567890123]", "[1e308]", "[1e309]",
        "[-1e309]", "[1e-400]", "[-1e-400]", "[2.2250738585072011e-308]", "[4.9e-324]",
        "[1.7976931348623157e308]", "[1.7976931348623159e308]", "[0.1]", "[123.456e-7]",
        "[1\xff]", "[1.\xff]", "[1e\xff]", "[-\xff]", "[0\xc3\xa9]", "[1e+\xe2\x82]",
        "[100000000000000000000000000000000000000000000000000000000000000000000000000000000]",
        "[1.00000000000000000000000000000000000000000000000000000000000000000000000000001]",
        "[0.0000000000000000000000000000000000000000000000000000000000000000000000000001e-300]",
        "1e999", "[1] 1e999", "{\"a\":1e999}", "[1,-]", "[1 2]", "[1:2]",
        /* strings */
        "[\"\"]", "[\"abc\"]", "[\"a\\\"b\\\\c\\/d\\be\\ff\\ng\\rh\\ti\"]", "[\"\\u0041\"]",
        "[\"\\u00e9\\u00E9\"]", "[\"\\u20ac\"]", "[\"\\ud83d\\ude9a\"]", "[\"\\uD83D\\uDE9A\"]",
        "[\"\\ud83d\"]", "[\"\\ude9a\"]", "[\"\\ud83d\\u0041\"]", "[\"\\ud83d\\ud83d\"]",
        "[\"\\ud83dx\"]", "[\"\\ud83d\\n\"]", "[\"x\\udfff\"]", "[\"\\uDBFF\\uDFFF\"]",
        "[\"\\u0000\"]", "[\"a\\u0000b\"]", "{\"\\u0000\":1}", "{\"a\\u0000\":1}",
        "[\"\\u00\"]", "[\"\\u00G0\"]", "[\"\\u\"]", "[\"\\u12", "[\"\\", "[\"\\x\"]",
        "[\"\\U0041\"]", "[\"\\a\"]", "[\"\\'\"]", "[\"\\\xc3\xa9\"]", "[\"\\\xff\"]",
        "[\"\\u12\xff\"]", "[\"\\u12\xc3\xa9\"]", "[\"abc", "[\"abc\\\"", "[\"a\nb\"]",
        "[\"a\tb\"]", "[\"a\x01\"]", "[\"a\x1f\"]", "[\"a\x7f\"]", "[\"\\\n\"]",
        "[\"a very long string that is over twenty bytes\x01\"]",
        "[\"a very long string that is over twenty bytes", "[\"caf\xc3\xa9\"]",
        "[\"\xe2\x82\xac\xf0\x9f\x9a\x9a\"]", "[\"\xef\xbf\xbf\xf4\x8f\xbf\xbf\"]",
        "[\"\xed\x9f\xbf\xee\x80\x80\"]", "[\"\xc3\"]", "[\"\xc3", "[\"\xc0\x80\"]",
        "[\"\xc1\xbf\"]", "[\"\xe0\x80\x80\"]", "[\"\xe0\x9f\xbf\"]", "[\"\xed\xa0\x80\"]",
        "[\"\xed\xbf\xbf\"]", "[\"\xf0\x80\x80\x80\"]", "[\"\xf0\x8f\xbf\xbf\"]",
        "[\"\xf4\x90\x80\x80\"]", "[\"\xf5\x80\x80\x80\"]", "[\"\xf8\x88\x80\x80\x80\"]",
        "[\"\x80\"]", "[\"\xbf\"]", "[\"\xfe\"]", "[\"\xff\"]", "[\"\xe2\x82\"]",
        "[\"\xe2\x82", "[\"\xf0\x9f\x9a\"]", "[\"ab\xe2\x28\xa1\"]", "[\"\\u0080\\u07ff\\u0800\\uffff\"]",
        "[\"\\/\\/\"]", "[\"\\\"\\\"\"]", "\"abc\"", "\"abc", "[\"\\u0041\\ud800\"]",
        /* arrays and objects */
        "[1,]", "[,1]", "[,]", "[1,,2]", "[1", "[1,", "[[]", "[[],[[]],{}]", "{\"a\"}",
        "{\"a\":}", "{\"a\"", "{\"a\":", "{\"a\":1", "{\"a\":1,", "{\"a\":1,}", "{,}", "{1:2}",
        "{a:1}", "{\"a\" 1}", "{\"a\"::1}", "{\"a\":1 \"b\":2}", "{\"a\":1;\"b\":2}",
        "{\"a\":1,\"a\":2}", "{\"a\":1,\"b\":{\"a\":2}}", "{\"a\":{\"a\":{\"a\":{}}}}",
        "{\"a\":1,\"b\":2,\"a\":3}", "{\"\\u0061\":1,\"a\":2}", "{\"a\\n\":1,\"a\\n\":2}",
        "{\"\":1,\"\":2}", "{\"\":1}", "{\"b\":1,\"a\":2,\"c\":3}",
        "{\"a\\\"b\":[1,{\"c\\u00e9\":\"d\\n\"}],\"e\":-0.5}", "{\"a\":[}", "[{]", "[{\"a\":]}",
        "{\"key with a long name that goes on\" 1}", "{\"k\":tru}", "{\"k\":1,\"k\":tru}",
        "[1]\n\n  x", "\n\n[\n1,\n\xc3\xa9]", "[\"\xc3\xa9\xc3\xa9\",\n  \xc3\xa9]",
        "{\"a\":\"\\u00e9\",\"b\\u00e9\":\"\\ud83d\\ude9a\",\"c\":\"\\\\\"}",
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check_str(cases[i]);
    /* NUL bytes: jansson drops the one after "1" and "true"; refused here */
    CHECK("[1\0]");
    CHECK("[true\0]");
    CHECK("[\"a\0\"]");
    CHECK("[\0]");
    CHECK("\0[]");
    CHECK("[]\0");
    CHECK("{\"a\0\":1}");
    CHECK("[\"\\u00\0\"]");
    /* a NULL buffer */
    {
        json_t *doc = (json_t *)1;
        json_error_t e;
        assert_int_equal(ot__json_read(&doc, NULL, 0, &e), OT_EPARSE);
        assert_null(doc);
        assert_int_equal(json_error_code(&e), json_error_invalid_argument);
        assert_int_equal(ot__json_read(&doc, "[1]", 3, NULL), 0);
        json_decref(doc);
    }
}

static char *nested(const char *open, const char *inner, const char *close, int depth,
                    size_t *len)
{
    size_t lo = strlen(open), li = strlen(inner), lc = strlen(close), n = 0;
    char *s = malloc((size_t)depth * (lo + lc) + li + 1);
    int i;
    assert_non_null(s);
    for (i = 0; i < depth; i++, n += lo)
        memcpy(s + n, open, lo);
    memcpy(s + n, inner, li);
    n += li;
    for (i = 0; i < depth; i++, n += lc)
        memcpy(s + n, close, lc);
    s[n] = '\0';
    *len = n;
    return s;
}

static void test_depth(void **state)
{
    static const struct {
        const char *open, *inner, *close;
    } shapes[] = {
        {"[", "", "]"}, {"[", "1", "]"}, {"{\"k\":", "[]", "}"}, {"{\"k\":", "1", "}"},
        {"[{\"a\":", "\"x\"", "}]"}, {"[", "", ""}, {"[1,", "2", "]"},
    };
    static const int depths[] = {1, 63, 64, 65, 100, 1023, 1024, 2047, 2048, 2049, 3000};
    size_t i, j, len;
    (void)state;
    for (i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        for (j = 0; j < sizeof depths / sizeof depths[0]; j++) {
            char *s = nested(shapes[i].open, shapes[i].inner, shapes[i].close, depths[j], &len);
            check(s, len);
            free(s);
        }
    }
}

/* xorshift: a fixed sequence, so a failure reproduces */
static uint64_t next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static const char *const noise[] = {
    "\"", "\\", "\\u", "\\ud83d", "\\ude9a", "\\u0000", "{", "}", "[", "]", ":", ",", " ", "\n",
    "0", "-", ".", "e", "1e999", "9223372036854775808", "true", "nul", "\x01", "\xc3\xa9",
    "\xc3", "\xff", "\xed\xa0\x80", "\xf0\x9f\x9a\x9a", "\"k\":", "\"k\":1", "\"\\n\"", "1.5",
};

/* A mutation of `in` into `out` (room for len + 64 bytes): flip, delete, insert, truncate. */
static size_t mutate(uint64_t *seed, const char *in, size_t len, char *out)
{
    size_t at = len ? next(seed) % len : 0, n = len, k;
    const char *p;
    memcpy(out, in, len);
    switch (next(seed) % 5) {
    case 0: /* a random byte (never NUL: covered by the edge cases) */
        if (len)
            out[at] = (char)(next(seed) % 255 + 1);
        break;
    case 1: /* delete a span */
        k = next(seed) % 8 + 1;
        if (at + k > len)
            k = len - at;
        memmove(out + at, out + at + k, len - at - k);
        n = len - k;
        break;
    case 2: /* insert a fragment */
    case 3:
        p = noise[next(seed) % (sizeof noise / sizeof noise[0])];
        k = strlen(p);
        memmove(out + at + k, out + at, len - at);
        memcpy(out + at, p, k);
        n = len + k;
        break;
    default: /* truncate */
        n = at;
        break;
    }
    return n;
}

static void check_fixture(const char *path, uint64_t *seed, int mutations)
{
    size_t len, n, step;
    char *text = test_read_file(NULL, path, &len), *buf;
    int i;
    check(text, len);
    /* prefixes: every one near the start and end, a sample in between */
    step = len / 100 + 1;
    for (n = 0; n < len; n += (n < 64 || len - n < 64) ? 1 : step)
        check(text, n);
    buf = malloc(len + 64);
    assert_non_null(buf);
    for (i = 0; i < mutations; i++) {
        n = mutate(seed, text, len, buf);
        check(buf, n);
    }
    free(buf);
    free(text);
}

static void check_dir(const char *dir, const char *suffix, uint64_t *seed, int mutations)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[1024];
    int files = 0;
    if (!d)
        fail_msg("cannot open %s", dir);
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name), k = strlen(suffix);
        if (e->d_name[0] == '.' || n < k || strcmp(e->d_name + n - k, suffix) != 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        check_fixture(path, seed, mutations);
        files++;
    }
    closedir(d);
    assert_true(files > 0);
}

static void test_fixtures(void **state)
{
    uint64_t seed = 0x2545f4914f6cdd1dull;
    (void)state;
    check_dir(OT_TEST_DATA "/courier", ".json", &seed, 400);
    check_dir(OT_TEST_DATA "/cli", ".json", &seed, 400);
    check_dir(OT_TEST_FUZZ_CORPUS "/order_json", "", &seed, 100);
    check_dir(OT_TEST_FUZZ_CORPUS "/json_write", "", &seed, 100);
    check_dir(OT_TEST_FUZZ_CORPUS "/json_read", "", &seed, 100);
}

/* Random JSON-ish text: a valid document most of the time, with a fragment of noise now and
 * then, so that most generated inputs go deep before they fail. */
static void gen_value(uint64_t *s, char *buf, size_t *n, size_t cap, int depth);

static void put(char *buf, size_t *n, size_t cap, const char *p)
{
    size_t k = strlen(p);
    if (*n + k < cap) {
        memcpy(buf + *n, p, k);
        *n += k;
    }
}

static void gen_string(uint64_t *s, char *buf, size_t *n, size_t cap)
{
    static const char *const pieces[] = {
        "a", "Z", " ", "\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t", "\\u0041",
        "\\u00e9", "\\u20AC", "\\uD83D\\uDE9A", "\\udbff\\udfff", "\xc3\xa9", "\xe2\x82\xac",
        "\xf0\x9f\x9a\x9a", "\x7f", "/", "'",
    };
    int k = (int)(next(s) % 8);
    put(buf, n, cap, "\"");
    while (k-- > 0)
        put(buf, n, cap, pieces[next(s) % (sizeof pieces / sizeof pieces[0])]);
    put(buf, n, cap, "\"");
}

static void gen_number(uint64_t *s, char *buf, size_t *n, size_t cap)
{
    static const char *const nums[] = {
        "0", "-0", "1", "-1", "42", "9223372036854775807", "-9223372036854775808", "0.5",
        "-0.25", "1e3", "1E-3", "2.5e+10", "1e308", "1e-320", "3.141592653589793",
        "123456789012345678", "1.0", "0e0", "17.25e-2",
    };
    char tmp[32];
    if (next(s) % 3 == 0) {
        snprintf(tmp, sizeof tmp, "%lld", (long long)(next(s) >> (next(s) % 64)) *
                                              (next(s) & 1 ? 1 : -1));
        put(buf, n, cap, tmp);
    } else {
        put(buf, n, cap, nums[next(s) % (sizeof nums / sizeof nums[0])]);
    }
}

static void ws(uint64_t *s, char *buf, size_t *n, size_t cap)
{
    static const char *const spaces[] = {"", "", "", " ", "\n", "\t", "\r\n  "};
    put(buf, n, cap, spaces[next(s) % (sizeof spaces / sizeof spaces[0])]);
}

static void gen_value(uint64_t *s, char *buf, size_t *n, size_t cap, int depth)
{
    int k, i;
    if (next(s) % 40 == 0) {
        put(buf, n, cap, noise[next(s) % (sizeof noise / sizeof noise[0])]);
        return;
    }
    switch (next(s) % (depth > 5 ? 5 : 7)) {
    case 0: put(buf, n, cap, next(s) & 1 ? "true" : (next(s) & 1 ? "false" : "null")); break;
    case 1:
    case 2: gen_number(s, buf, n, cap); break;
    case 3:
    case 4: gen_string(s, buf, n, cap); break;
    case 5:
        put(buf, n, cap, "[");
        k = (int)(next(s) % 5);
        for (i = 0; i < k; i++) {
            if (i)
                put(buf, n, cap, ",");
            ws(s, buf, n, cap);
            gen_value(s, buf, n, cap, depth + 1);
            ws(s, buf, n, cap);
        }
        put(buf, n, cap, "]");
        break;
    default:
        put(buf, n, cap, "{");
        k = (int)(next(s) % 5);
        for (i = 0; i < k; i++) {
            if (i)
                put(buf, n, cap, ",");
            ws(s, buf, n, cap);
            if (next(s) % 4 == 0)
                put(buf, n, cap, next(s) & 1 ? "\"k\"" : "\"k\\u00e9\"");
            else
                gen_string(s, buf, n, cap);
            ws(s, buf, n, cap);
            put(buf, n, cap, ":");
            ws(s, buf, n, cap);
            gen_value(s, buf, n, cap, depth + 1);
        }
        put(buf, n, cap, "}");
        break;
    }
}

static void test_generated(void **state)
{
    uint64_t seed = 0x9e3779b97f4a7c15ull;
    char buf[8192], mut[8192 + 64];
    int i, accepted = 0;
    (void)state;
    for (i = 0; i < 6000; i++) {
        size_t n = 0;
        ws(&seed, buf, &n, sizeof buf);
        if (next(&seed) & 1) {
            put(buf, &n, sizeof buf, "{\"v\":");
            gen_value(&seed, buf, &n, sizeof buf, 1);
            put(buf, &n, sizeof buf, "}");
        } else {
            put(buf, &n, sizeof buf, "[");
            gen_value(&seed, buf, &n, sizeof buf, 1);
            put(buf, &n, sizeof buf, "]");
        }
        ws(&seed, buf, &n, sizeof buf);
        accepted += check(buf, n);
        check(mut, mutate(&seed, buf, n, mut));
    }
    /* most generated documents are valid: the comparison of documents is exercised */
    assert_true(accepted > 3000);
    printf("json_read: %lu inputs compared with jansson\n", compared);
}

/* A decimal-comma locale must not change how numbers read. scripts/setup generates
 * de_DE.UTF-8 (LOCPATH may point at a built one); without any the case fails, not skips. */
static void test_locale(void **state)
{
    static const char *const names[] = {"de_DE.UTF-8", "fr_FR.UTF-8", "de_DE.utf8"};
    static const char text[] = "[1.5,-0.25,1e-9,2.5e3,1]";
    size_t i;
    int tried = 0;
    (void)state;
    for (i = 0; i < sizeof names / sizeof names[0]; i++) {
        json_t *doc = NULL;
        json_error_t e;
        if (!setlocale(LC_NUMERIC, names[i]))
            continue;
        tried++;
        assert_int_equal(ot__json_read(&doc, text, sizeof text - 1, &e), 0);
        assert_true(json_real_value(json_array_get(doc, 0)) == 1.5);
        assert_true(json_real_value(json_array_get(doc, 1)) == -0.25);
        assert_true(json_real_value(json_array_get(doc, 2)) == 1e-9);
        assert_true(json_real_value(json_array_get(doc, 3)) == 2500.0);
        assert_true(json_is_integer(json_array_get(doc, 4)));
        json_decref(doc);
        check(text, sizeof text - 1); /* jansson converts the point itself */
    }
    setlocale(LC_NUMERIC, "C");
    if (!tried)
        fail_msg("no decimal-comma locale (de_DE.UTF-8, fr_FR.UTF-8): run scripts/setup, or "
                 "localedef -i de_DE -f UTF-8 de_DE.UTF-8");
}

/* Allocation failures: every one is OT_ENOMEM with json_error_out_of_memory, frees
 * everything and yields no document; a document that still parses is the right one. */
static const char *sweep_text;
static size_t sweep_len;

static int parse_op(void)
{
    json_t *doc = (json_t *)1, *want;
    json_error_t e;
    int rc = ot__json_read(&doc, sweep_text, sweep_len, &e);
    if (rc == OT_ENOMEM)
        return doc == NULL && json_error_code(&e) == json_error_out_of_memory ? rc : OT_EINVAL;
    if (rc != 0)
        return rc;
    alloc_sweep_pause();
    want = json_loadb(sweep_text, sweep_len, JSON_REJECT_DUPLICATES, NULL);
    rc = want && json_same_doc(doc, want) ? 0 : OT_EINVAL;
    json_decref(want);
    json_decref(doc);
    alloc_sweep_resume();
    return rc;
}

static void test_alloc_sweep(void **state)
{
    static const char escaped[] =
        "{\"a\\n\":[\"x\\u00e9\",1.5,{\"b\\t\":\"\\ud83d\\ude9a\"}],\"long\":"
        "1.000000000000000000000000000000000000000000000000000000000000000000000001,"
        "\"c\":[true,false,null,-7,\"plain\"]}";
    size_t len, deep_len;
    char *uber = test_read_file(NULL, OT_TEST_DATA "/courier/uber_delivery_status.json", &len);
    char *deep = nested("[{\"k\":", "\"v\\n\"", "}]", 70, &deep_len); /* the stack grows */
    (void)state;
    assert_non_null(uber);
    sweep_text = uber;
    sweep_len = len;
    assert_true(alloc_sweep_op("json_read uber", parse_op) > 0);
    sweep_text = escaped;
    sweep_len = sizeof escaped - 1;
    assert_true(alloc_sweep_op("json_read escapes", parse_op) > 0);
    sweep_text = deep;
    sweep_len = deep_len;
    assert_true(alloc_sweep_op("json_read deep", parse_op) > 0);
    free(deep);
    free(uber);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_edge_cases),  cmocka_unit_test(test_depth),
        cmocka_unit_test(test_fixtures),    cmocka_unit_test(test_generated),
        cmocka_unit_test(test_locale),      cmocka_unit_test(test_alloc_sweep),
    };
    ot_allocator_route_jansson(NULL); /* jansson's own parses allocate through the hooks */
    return cmocka_run_group_tests(tests, NULL, NULL);
}
