/* The sweeps of tests/unit/test_tracker_alloc.c, run by test_out_of_memory.c. */
#ifndef OT_TEST_SWEEPS_H
#define OT_TEST_SWEEPS_H

void test_tracker_sweeps_memory(void **state);
void test_tracker_sweeps_sqlite(void **state);

#endif
