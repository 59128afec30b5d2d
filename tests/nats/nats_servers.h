/* Real nats-server processes for the NATS tests and benchmark: one JetStream server, or a
 * cluster of up to three, on loopback ports chosen free, each with a store directory under a
 * temporary directory. Not thread-safe; one set per process. */
#ifndef OT_TEST_NATS_SERVERS_H
#define OT_TEST_NATS_SERVERS_H

#include <sys/types.h>

#define OT_NATS_TEST_NODES_MAX 3

typedef struct ot_nats_test_node {
    pid_t pid;                 /* 0: not running */
    int port;                  /* client port */
    int cluster_port;          /* route port (clusters only) */
    char url[64];              /* nats://127.0.0.1:<port> */
    char store[256];           /* its JetStream store directory */
} ot_nats_test_node;

typedef struct ot_nats_test_servers {
    int count;                 /* 1: a single server, 3: a cluster */
    char dir[200];             /* the temporary directory (stores, logs) */
    ot_nats_test_node nodes[OT_NATS_TEST_NODES_MAX];
} ot_nats_test_servers;

/* Start `count` servers (1, or 2..3 as a cluster with routes to each other) and wait until
 * each accepts connections. Returns 0, or -1 with a message on stderr. */
int ot_nats_test_start(ot_nats_test_servers *s, int count);

/* (Re)start node `i` with its ports and store; wait until it accepts connections. */
int ot_nats_test_node_start(ot_nats_test_servers *s, int i);

/* SIGKILL node `i` and reap it. */
void ot_nats_test_node_kill(ot_nats_test_servers *s, int i);

/* Kill every node and remove the temporary directory. */
void ot_nats_test_stop(ot_nats_test_servers *s);

#endif
