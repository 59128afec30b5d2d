/* The /healthz storage check until the storage adapters are wired: pluggable, honest. */
#ifndef OTD_STORAGE_PROBE_H
#define OTD_STORAGE_PROBE_H

/* Probe for a storage URI (ctx: the URI string, which must outlive the probe's use).
 * memory: always answers; sqlite:PATH answers when the database file is readable and
 * writable, or can be created in its directory; any other scheme has no adapter in this
 * build and is reported unavailable. Returns 0 when storage answers, -1 otherwise. */
int otd_storage_probe_uri(void *ctx);

#endif
