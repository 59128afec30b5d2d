/* The two status graphs, as data. Cancelled and failed (lifecycle) and lost and destroy
 * (shipment) are reachable from every non-terminal state. */
#include "ordertrack/status.h"
#include "rules/graph_internal.h"

#define S(x) OT__BIT(OT_STATUS_##x)
#define ABORT_LIFECYCLE (S(CANCELLED) | S(FAILED))

static const uint32_t status_edges[OT_STATUS_COUNT] = {
    [OT_STATUS_SUBMITTED] = S(STORE_NOTIFIED) | ABORT_LIFECYCLE,
    [OT_STATUS_STORE_NOTIFIED] = S(STORE_ACKNOWLEDGED) | ABORT_LIFECYCLE,
    [OT_STATUS_STORE_ACKNOWLEDGED] = S(PICKING_IN_PROGRESS) | ABORT_LIFECYCLE,
    [OT_STATUS_PICKING_IN_PROGRESS] = S(READY_FOR_PICKUP) | S(SUBSTITUTIONS_NEEDED)
                                      | ABORT_LIFECYCLE,
    /* approved by the customer, or rejected: the order is updated and picking resumes */
    [OT_STATUS_SUBSTITUTIONS_NEEDED] = S(SUBSTITUTIONS_APPROVED) | S(PICKING_IN_PROGRESS)
                                       | ABORT_LIFECYCLE,
    [OT_STATUS_SUBSTITUTIONS_APPROVED] = S(READY_FOR_PICKUP) | ABORT_LIFECYCLE,
    [OT_STATUS_READY_FOR_PICKUP] = S(DRIVER_ASSIGNED) | ABORT_LIFECYCLE,
    [OT_STATUS_DRIVER_ASSIGNED] = S(DRIVER_PICKUP_COMPLETE) | ABORT_LIFECYCLE,
    [OT_STATUS_DRIVER_PICKUP_COMPLETE] = S(IN_TRANSIT) | ABORT_LIFECYCLE,
    [OT_STATUS_IN_TRANSIT] = S(DELIVERED) | ABORT_LIFECYCLE,
};

#define H(x) OT__BIT(OT_SHIPMENT_##x)
#define ABORT_SHIPMENT (H(LOST) | H(DESTROY))

static const uint32_t shipment_edges[OT_SHIPMENT_COUNT] = {
    [OT_SHIPMENT_PENDING] = H(IN_TRANSIT) | H(BOOKING_CANCELLED) | ABORT_SHIPMENT,
    [OT_SHIPMENT_IN_TRANSIT] = H(OUT_FOR_DELIVERY) | H(RTO) | ABORT_SHIPMENT,
    [OT_SHIPMENT_OUT_FOR_DELIVERY] = H(DELIVERED) | H(NDR) | ABORT_SHIPMENT,
    /* after a failed attempt: re-attempt, or return to origin */
    [OT_SHIPMENT_NDR] = H(OUT_FOR_DELIVERY) | H(RTO) | ABORT_SHIPMENT,
    [OT_SHIPMENT_RTO] = H(RTO_IN_TRANSIT) | ABORT_SHIPMENT,
    [OT_SHIPMENT_RTO_IN_TRANSIT] = H(RTO_DELIVERED) | ABORT_SHIPMENT,
};

const struct ot__graph ot__status_graph = {
    &ot__status_vocab,
    status_edges,
    S(DELIVERED) | S(CANCELLED) | S(FAILED),
};

const struct ot__graph ot__shipment_graph = {
    &ot__shipment_vocab,
    shipment_edges,
    H(DELIVERED) | H(RTO_DELIVERED) | H(LOST) | H(DESTROY) | H(BOOKING_CANCELLED),
};
