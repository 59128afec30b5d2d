/* The /healthz storage check: a point read through the storage port, plus how the last
 * write through the port ended (a watch wrapped around the adapter). */
#ifndef OTD_STORAGE_PROBE_H
#define OTD_STORAGE_PROBE_H

typedef struct ot_storage ot_storage;

/* What otd_storage_probe answers. */
enum otd_storage_state {
    OTD_STORAGE_OK = 0,         /* reads answer and the last write succeeded */
    OTD_STORAGE_UNAVAILABLE,    /* the point read failed */
    OTD_STORAGE_WRITES_FAILING, /* reads answer, the last write failed (full disk, I/O) */
    OTD_STORAGE_CORRUPT         /* a read or write found the file corrupt (OT_EINTEGRITY) */
};

/* Wrap `inner` (a version >= 2 vtable; owned from here on, closed by ot_storage_close of
 * the result) in a watch that records the outcome of every create, commit and idem_put: a
 * storage failure (OT_ESTORAGE, OT_EINTEGRITY, OT_EIO, OT_ETIMEOUT, OT_EUNAVAILABLE) sets
 * the failing state, a success clears it; refusals leave it. A read that answers
 * OT_EINTEGRITY sets it too. Thread-safe as the inner storage is. NULL when out of memory
 * or `inner` is older than version 2 (inner is then still the caller's). */
ot_storage *otd_storage_watch_new(ot_storage *inner);

/* ctx: a storage from otd_storage_watch_new. Loads an order id no order is expected to have
 * ("not found" or found: reads answer), then looks at the last write. Returns an
 * otd_storage_state; thread-safe. */
int otd_storage_probe(void *ctx);

/* "ok", "unavailable", "writes_failing", "corrupt" (the /healthz "storage" member). */
const char *otd_storage_state_name(int state);

#endif
