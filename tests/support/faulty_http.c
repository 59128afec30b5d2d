/* The fault-injecting HTTP wrapper. Test support only; not thread-safe. */
#include <stdlib.h>
#include <string.h>

#include "faulty_http.h"

static int send_batch(void *ud, const ot_http_request *const *requests, size_t n,
                      ot_http_response *const *responses, ot_error *err)
{
    faulty_http *f = ud;
    size_t i;
    int rc;

    for (i = 0; i < n; i++) {
        int hit = ++f->requests == f->fail_at;
        const char *body;
        size_t len;
        char *copy;

        if (!hit) {
            rc = f->inner->send_batch(f->inner->userdata, &requests[i], 1, &responses[i], err);
            if (rc != 0)
                return rc;
            continue;
        }
        f->faults++;
        switch (f->mode) {
        case FAULTY_HTTP_BATCH:
            return ot_error_set(err, OT_EHTTP, NULL, "injected: batch failed");
        case FAULTY_HTTP_TIMEOUT:
            ot_http_response_set_error(responses[i], OT_ETIMEOUT, "injected: timed out", NULL);
            break;
        case FAULTY_HTTP_TRUNCATED:
            rc = f->inner->send_batch(f->inner->userdata, &requests[i], 1, &responses[i], err);
            if (rc != 0)
                return rc;
            body = ot_http_response_body(responses[i], &len);
            copy = malloc(len / 2 + 1);
            if (!copy)
                return ot_error_set(err, OT_ENOMEM, NULL, "test: out of memory");
            memcpy(copy, body, len / 2);
            rc = ot_http_response_status(responses[i]);
            ot_http_response_reset(responses[i]);
            ot_http_response_set_status(responses[i], rc, NULL);
            ot_http_response_append_body(responses[i], copy, len / 2, NULL);
            free(copy);
            break;
        default:
            ot_http_response_set_error(responses[i], OT_EHTTP, "injected: connection reset",
                                       NULL);
        }
    }
    return 0;
}

void faulty_http_init(faulty_http *f, const ot_http *inner)
{
    ot_http p = OT_HTTP_INIT;
    p.userdata = f;
    p.send_batch = send_batch;
    f->port = p;
    f->inner = inner;
    f->requests = 0;
    f->fail_at = 0;
    f->mode = FAULTY_HTTP_ERROR;
    f->faults = 0;
}
