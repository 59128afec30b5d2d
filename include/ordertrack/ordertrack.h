/**
 * @file ordertrack.h
 * @brief Umbrella header of libordertrack: include this one.
 *
 * Headers under ordertrack/sys/ are for adapter authors and are not included here.
 */
#ifndef ORDERTRACK_H
#define ORDERTRACK_H

#include "export.h"
#include "version.h"
#include "error.h"
#include "alloc.h"
#include "status.h"
#include "timestamp.h"
#include "order.h"
#include "tracker.h"
#include "tracker_requests.h"
#include "notice.h"
#include "transition.h"
#include "update.h"
#include "pii.h"
#include "http.h"
#include "sla.h"
#include "escalation.h"
#include "metrics.h"
#include "courier.h"
#include "courier_def.h"
#include "dispatch.h"
#include "alerts.h"
#include "poll.h"
#include "outbox.h"
#include "webhook_sink.h"
#include "reconcile.h"

#endif /* ORDERTRACK_H */
