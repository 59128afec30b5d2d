/* The memory store's packed record text (lib/core/storage/pack.c): every text the encoder can
 * write comes back byte for byte, the hashes and canonical timestamps are packed, and a
 * timestamp that would not format back to itself stays text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ordertrack/ordertrack.h"
#include "storage/pack_internal.h"

/* Pack and unpack `json`: the same bytes; the packed size into *packed_len. */
static void round_trip(const char *json, size_t len, size_t *packed_len)
{
    char *packed = NULL, *back = NULL;
    size_t plen = 0, blen = 0;

    assert_int_equal(ot__json_pack(&packed, &plen, json, len), 0);
    assert_int_equal(ot__json_unpack(&back, &blen, packed, plen), 0);
    assert_int_equal(blen, len);
    assert_memory_equal(back, json, len);
    assert_int_equal(back[blen], '\0');
    if (packed_len)
        *packed_len = plen;
    ot_free(packed);
    ot_free(back);
}

static void test_record_packs(void **state)
{
    static const char entry[] =
        "{\"status\":\"submitted\",\"timestamp\":\"2026-12-05T02:38:19.267Z\","
        "\"updated_by\":\"bench\",\"notes\":null,\"metadata\":{\"ot\":{\"event\":\"created\","
        "\"seq\":0,\"data\":{\"order_id\":\"ord-1\",\"metadata\":{}},\"prev_hash\":"
        "\"0000000000000000000000000000000000000000000000000000000000000000\",\"hash\":"
        "\"c5e0ff06426922988bb2cccef97a83785a685b7b95c2567a721234b468aee8f0\"}}}";
    size_t plen;
    (void)state;
    round_trip(entry, strlen(entry), &plen);
    assert_true(plen < strlen(entry) / 2);
}

static void test_edge_cases_stay_exact(void **state)
{
    static const char *const texts[] = {
        "",
        "\"",
        "{\"a\":\"\\u0001\\u001f\\\"status\\\":\"}",
        /* 64 hex digits, upper case or one short or long: not a hash */
        "[\"C5E0FF06426922988BB2CCCEF97A83785A685B7B95C2567A721234B468AEE8F0\"]",
        "[\"c5e0ff06426922988bb2cccef97a83785a685b7b95c2567a721234b468aee8f\"]",
        "[\"c5e0ff06426922988bb2cccef97a83785a685b7b95c2567a721234b468aee8f00\"]",
        /* timestamps: canonical, not a date, out of range, no milliseconds */
        "[\"2026-12-05T02:38:19.267Z\",\"1970-01-01T00:00:00.000Z\"]",
        "[\"2026-02-30T00:00:00.000Z\",\"2026-13-01T00:00:00.000Z\"]",
        "[\"2026-12-05T02:38:19Z\",\"2026-12-05T02:38:19.267+05:30\"]",
        "[\"9999-12-31T23:59:59.999Z\",\"0000-01-01T00:00:00.000Z\"]",
        /* the table's words, whole and cut short at the end */
        ",\"metadata\":{\"ot\":{\"event\":\"null\":\"\"}}}_time\":,\"hash\":",
        ",\"metadata\":{\"ot\":{\"ev",
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof texts / sizeof texts[0]; i++)
        round_trip(texts[i], strlen(texts[i]), NULL);
}

/* Random texts of JSON's printable bytes and pieces of the table: always exact. */
static void test_random_texts(void **state)
{
    static const char *const pieces[] = {
        "\"", "null", "\":\"", ",\"hash\":", "_time\":", "{\"status\":\"", "0", "a", "f", "g",
        "\"2026-12-05T02:38:19.267Z\"", "\"c5e0ff06426922988bb2cccef97a83785a685b7b95c2567a72"
        "1234b468aee8f0\"", "-", "T", "Z", ":", ".", "\\u0000", "\xc3\xa9", "\x7f", "\xff"};
    char text[512];
    uint64_t x = 0x9E3779B97F4A7C15ULL;
    int round;
    (void)state;
    for (round = 0; round < 20000; round++) {
        size_t len = 0;
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        while (len < 400) {
            const char *p = pieces[(x >> 8) % (sizeof pieces / sizeof pieces[0])];
            size_t n = strlen(p);
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            if (x % 23 == 0)
                break;
            memcpy(text + len, p, n);
            len += n;
        }
        round_trip(text, len, NULL);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_record_packs),
        cmocka_unit_test(test_edge_cases_stay_exact),
        cmocka_unit_test(test_random_texts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
