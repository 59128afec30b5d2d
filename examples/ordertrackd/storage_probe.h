/* The /healthz storage check: one cheap read through the storage port. */
#ifndef OTD_STORAGE_PROBE_H
#define OTD_STORAGE_PROBE_H

/* ctx: the ot_storage the tracker uses. Loads an order id no order is expected to have;
 * "not found" (or found) means storage answers. Returns 0 when it does, -1 otherwise. */
int otd_storage_probe(void *ctx);

#endif
