/* Shared helpers for the cmocka unit tests. */
#ifndef OT_TEST_UTIL_H
#define OT_TEST_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <ordertrack/ordertrack.h>

/* Assert that a call failed with `code` and left a non-empty message in `err`. */
#define assert_ot_error(call, expected, err)                                          \
    do {                                                                               \
        ot_error_clear(&(err));                                                        \
        int rc_ = (call);                                                              \
        if (rc_ != (expected))                                                         \
            fail_msg("%s returned %d (%s), expected %d: %s", #call, rc_,               \
                     ot_code_name(rc_) ? ot_code_name(rc_) : "?", (int)(expected),     \
                     (err).message);                                                   \
        assert_int_equal((err).code, (expected));                                      \
        assert_true((err).message[0] != '\0');                                         \
    } while (0)

/* Record ids are random, and so are the history hashes that cover them: replace every quoted
 * run of exactly 24 or 64 hex digits in `s` by "#", so that the JSON of two runs compares
 * (check each record's hash chain with ot_order_verify_history() instead). */
static inline void ot_test_mask_random(char *s)
{
    char *w = s;
    while (*s) {
        size_t n = 0;
        if (*s == '"') {
            while (s[1 + n] && strchr("0123456789abcdef", s[1 + n]))
                n++;
            if ((n == 24 || n == 64) && s[1 + n] == '"') {
                memcpy(w, "\"#\"", 3);
                w += 3;
                s += n + 2;
                continue;
            }
        }
        *w++ = *s++;
    }
    *w = '\0';
}

/* Remove an SQLite database file and its WAL and shared-memory files. */
static inline void ot_test_remove_db(const char *path)
{
    static const char *const suffix[] = {"", "-wal", "-shm"};
    char name[512];
    for (size_t i = 0; i < 3; i++) {
        snprintf(name, sizeof name, "%s%s", path, suffix[i]);
        remove(name);
    }
}

#endif
