/* A storage port that wraps another and fails its Nth call, for fault-injection tests. */
#ifndef OT_TEST_FAULTY_STORAGE_H
#define OT_TEST_FAULTY_STORAGE_H

#include <ordertrack/sys/storage.h>

enum faulty_mode {
    FAULTY_ERROR,        /* the call is not made; OT_ESTORAGE ("not applied") */
    FAULTY_APPLIED_LOST  /* the call is made, its answer lost; OT_ESTORAGE (the ambiguous
                            timeout: a commit or create applied but reported failed) */
};

typedef struct faulty_storage {
    ot_storage vtable;       /* hand &vtable to the tracker */
    const ot_storage *inner;
    unsigned long calls;     /* calls so far, every member counted */
    unsigned long fail_at;   /* 1-based call to fail; 0 = none */
    int mode;                /* enum faulty_mode */
    unsigned long faults;    /* faults injected */
} faulty_storage;

/* Wrap `inner` (not owned: close it yourself). */
void faulty_storage_init(faulty_storage *f, const ot_storage *inner);

#endif
