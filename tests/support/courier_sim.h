/* Runs tests/sim/courier_sim.py as a child process for a test: started on an ephemeral
 * port of 127.0.0.1, stopped by closing its stdin. Test code only. */
#ifndef OT_TEST_COURIER_SIM_H
#define OT_TEST_COURIER_SIM_H

#include <stddef.h>
#include <sys/types.h>

typedef struct ot_sim {
    pid_t pid;
    int stdin_fd;
    unsigned short port;
    char base_url[64];          /* "http://127.0.0.1:PORT" */
} ot_sim;

/* Start the simulator (`script`: path of courier_sim.py; `args`: extra arguments, NULL
 * terminated, or NULL). 0 or -1. */
int ot_sim_start(ot_sim *sim, const char *script, const char *const *args);
/* Close its stdin and wait for it (SIGTERM after 5 s). */
void ot_sim_stop(ot_sim *sim);
/* One request to the simulator (control endpoints): the answer's status, its body in a new
 * malloc'ed string (*body, may be NULL to discard). -1 on a transport failure. */
int ot_sim_call(const ot_sim *sim, const char *method, const char *path, const char *json,
                char **body);

#endif
