/* A consumer of the installed library: uses the public API only. */
#include <stdio.h>
#include <string.h>

#include <ordertrack/ordertrack.h>

int main(void)
{
    ot_error err;
    ot_status from, to;

    if (ot_version() != OT_VERSION_HEX) {
        fprintf(stderr, "header/library version mismatch: %s\n", ot_version_string());
        return 1;
    }
    if (ot_status_from_string(&from, "in_transit", &err) != 0
        || ot_status_from_string(&to, "delivered", &err) != 0) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    if (ot_status_transition_check(from, to, OT_SOURCE_API, &err) != 0) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    if (ot_status_transition_check(to, from, OT_SOURCE_API, &err) != OT_ETRANSITION
        || strcmp(err.from, "delivered") != 0) {
        fprintf(stderr, "expected an illegal transition\n");
        return 1;
    }
    printf("consumer ok: libordertrack %s\n", ot_version_string());
    return 0;
}
