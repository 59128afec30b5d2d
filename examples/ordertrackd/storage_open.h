/* Storage URIs to storage adapters. */
#ifndef OTD_STORAGE_OPEN_H
#define OTD_STORAGE_OPEN_H

#include <stddef.h>

#include <ordertrack/sys/storage.h>

/* Open the storage `uri` names into *out (ot_storage_close). 0; or OTD_EXIT_CONFIG when
 * this build has no adapter for the scheme, 1 when the adapter failed; the reason in err. */
int otd_storage_open(ot_storage **out, const char *uri, char *err, size_t errlen);

#endif
