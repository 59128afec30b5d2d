/* An HTTP port that wraps another and fails its Nth request, for fault-injection tests. */
#ifndef OT_TEST_FAULTY_HTTP_H
#define OT_TEST_FAULTY_HTTP_H

#include <ordertrack/sys/http.h>

enum faulty_http_mode {
    FAULTY_HTTP_ERROR,     /* no answer: transport error OT_EHTTP on the response */
    FAULTY_HTTP_TIMEOUT,   /* no answer: OT_ETIMEOUT on the response */
    FAULTY_HTTP_TRUNCATED, /* the real answer with its body cut in half (a partial read) */
    FAULTY_HTTP_BATCH      /* the whole batch fails: send_batch returns OT_EHTTP */
};

typedef struct faulty_http {
    ot_http port;            /* hand a copy to ot_http_client_new */
    const ot_http *inner;    /* not owned: closing the wrapper does not close it */
    unsigned long requests;  /* requests seen so far */
    unsigned long fail_at;   /* 1-based request to fail; 0 = none */
    int mode;                /* enum faulty_http_mode */
    unsigned long faults;    /* faults injected */
} faulty_http;

void faulty_http_init(faulty_http *f, const ot_http *inner);

#endif
