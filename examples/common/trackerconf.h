/* The store's rules: the members of a host's `limits` block that set the tracker options every
 * writer to one store applies (ordertrackd and ordertrack-poller share this table, so a rule
 * set for the daemon can be set, with the same name and range, for the poller beside it). */
#ifndef OT_EXAMPLES_TRACKERCONF_H
#define OT_EXAMPLES_TRACKERCONF_H

#include <ordertrack/tracker.h>

#include "jsonconf.h"
#include "piiconf.h"

/* The rules, as rows over ot_tracker_options (location_trail, clock_skew_ms, max_issues,
 * max_substitutions, max_metadata_bytes, max_record_bytes). */
extern const jc_number otc_tracker_rules[];
extern const size_t otc_tracker_rules_count;

/* 1 if `name` is one of the rules, else 0. */
int otc_tracker_rule_is(const char *name);

/* The member `name` of the object at `path` (a rule) checked and stored into *opt; -1 with
 * the message naming it. */
int otc_tracker_rule_load(const jsonconf *c, const char *path, const char *name, json_t *v,
                          ot_tracker_options *opt);

/* The store's rules as a program over the store has them, read from that program's config
 * file (ordertrackd's or ordertrack-poller's) by a tool that writes to the same store
 * (`ordertrack reconcile --repair`): the outbox (on when the file has an `outbox`,
 * `subscriptions` or `nats` block, as ordertrackd turns it on), the rule members of `limits`
 * (the program's other limits are its own: skipped) and the `pii` keys. */
typedef struct otc_store_rules {
    ot_tracker_options rules; /* outbox and the rules set; every other member the default */
    piiconf pii;              /* n_keys 0 without a `pii` block; wipe with piiconf_wipe */
} otc_store_rules;

/* Load `path` into *out. 0, or -1 with "PATH: field: what" in err. */
int otc_store_rules_load_file(otc_store_rules *out, const char *path, char *err,
                              size_t errlen);

#endif
