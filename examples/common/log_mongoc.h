/* libmongoc's log routed into a host program's logger (log.h). */
#ifndef OT_EXAMPLES_LOG_MONGOC_H
#define OT_EXAMPLES_LOG_MONGOC_H

#include "log.h"

/* Send every libmongoc log entry to `log` (borrowed: must outlive every libmongoc use in the
 * process), its level mapped (error and critical: error; warning: warn; message and info:
 * info; debug and trace: debug) and its domain as the field "domain". libmongoc's handler is
 * process-wide: only a host program calls this, for itself, before opening a storage; the
 * library and its adapters never do. A no-op in a build without the MongoDB adapter. */
void otc_log_route_mongoc(const otc_log *log);

#endif
