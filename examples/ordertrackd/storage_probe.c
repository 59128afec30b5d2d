/* Storage probe by URI scheme; replaced by the storage port's own check when it lands. */
#include "storage_probe.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int otd_storage_probe_uri(void *ctx)
{
    const char *uri = ctx;
    const char *path, *slash;
    char *dir;
    int rc;

    if (!uri)
        return -1;
    if (strncmp(uri, "memory:", 7) == 0)
        return 0;
    if (strncmp(uri, "sqlite:", 7) != 0 || uri[7] == '\0')
        return -1;
    path = uri + 7;
    if (access(path, F_OK) == 0)
        return access(path, R_OK | W_OK) == 0 ? 0 : -1;
    slash = strrchr(path, '/');
    if (!slash)
        return access(".", W_OK | X_OK) == 0 ? 0 : -1;
    dir = strndup(path, slash == path ? 1 : (size_t)(slash - path));
    if (!dir)
        return -1;
    rc = access(dir, W_OK | X_OK) == 0 ? 0 : -1;
    free(dir);
    return rc;
}
