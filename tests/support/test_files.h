/* Test data files: one reader for every test. */
#ifndef OT_TEST_FILES_H
#define OT_TEST_FILES_H

#include <stddef.h>

/* The whole file `dir`/`name` (`name` alone when `dir` is NULL), NUL-terminated, from malloc;
 * *len (may be NULL) its length without the NUL. Fails the running cmocka test when the
 * file cannot be read. */
char *test_read_file(const char *dir, const char *name, size_t *len);

#endif
