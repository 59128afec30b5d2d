/* Tests: exact comparison of two jansson documents. */
#ifndef OT_TEST_JSON_SAME_H
#define OT_TEST_JSON_SAME_H

#include <jansson.h>

/* 1 when a and b are the same document: the same types (an integer is not a real), values
 * bit for bit, members in the same order; else 0. */
int json_same_doc(const json_t *a, const json_t *b);

#endif
