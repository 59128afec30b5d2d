/* Shared helpers for the cmocka unit tests. */
#ifndef OT_TEST_UTIL_H
#define OT_TEST_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
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

#endif
