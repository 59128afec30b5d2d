/* A tiny threaded HTTP/1.1 server on 127.0.0.1 for the adapter tests: listens on an
 * ephemeral port, keeps connections alive, serves scripted answers by path and records
 * what it received. Test code only: not hardened, not installed. */
#ifndef OT_TEST_SERVER_H
#define OT_TEST_SERVER_H

#include <stddef.h>

/* A scripted answer for requests whose path (before '?') equals `path`. */
typedef struct ot_test_route {
    const char *path;
    int status;                 /* e.g. 200 */
    const char *headers;        /* extra header lines, each ending in "\r\n", or NULL */
    const char *body;           /* NULL: body_length bytes of 'x'; else body_length bytes
                                   of it (0: strlen) */
    size_t body_length;
    int delay_ms;               /* wait before answering */
    int drop;                   /* close the connection without answering */
    int no_content_length;      /* send the body without Content-Length, then close */
    unsigned fail_first;        /* answer the first N requests 503 instead */
} ot_test_route;

/* The last request received on a route. */
typedef struct ot_test_request {
    char method[16];
    char target[256];
    char headers[4096];         /* raw header block */
    char body[65536];
    size_t body_length;
    unsigned count;             /* requests on this route so far */
} ot_test_request;

typedef struct ot_test_server ot_test_server;

/* Start serving `routes` (kept by pointer: they must outlive the server). 0 or -1. */
int ot_test_server_start(ot_test_server **server, const ot_test_route *routes, size_t count);
/* Stop, close every connection, join every thread, free. Accepts NULL. */
void ot_test_server_stop(ot_test_server *server);
unsigned short ot_test_server_port(const ot_test_server *server);
/* "http://127.0.0.1:PORT" + path into buf. */
void ot_test_server_url(const ot_test_server *server, const char *path, char *buf, size_t size);
/* Connections accepted, and the most requests ever being answered at once. */
unsigned ot_test_server_connections(ot_test_server *server);
unsigned ot_test_server_max_active(ot_test_server *server);
/* Copy of the last request on the route of `path` into *out; -1 if none. */
int ot_test_server_last(ot_test_server *server, const char *path, ot_test_request *out);

#endif
