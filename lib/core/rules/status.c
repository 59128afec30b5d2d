/* The status vocabularies, providers, substitution statuses and severities as data. */
#include "ordertrack/status.h"
#include "common.h"
#include "ordertrack/courier_def.h"
#include "rules/vocab_internal.h"

static const char *const status_names[OT_STATUS_COUNT] = {
    [OT_STATUS_SUBMITTED] = "submitted",
    [OT_STATUS_STORE_NOTIFIED] = "store_notified",
    [OT_STATUS_STORE_ACKNOWLEDGED] = "store_acknowledged",
    [OT_STATUS_PICKING_IN_PROGRESS] = "picking_in_progress",
    [OT_STATUS_SUBSTITUTIONS_NEEDED] = "substitutions_needed",
    [OT_STATUS_SUBSTITUTIONS_APPROVED] = "substitutions_approved",
    [OT_STATUS_READY_FOR_PICKUP] = "ready_for_pickup",
    [OT_STATUS_DRIVER_ASSIGNED] = "driver_assigned",
    [OT_STATUS_DRIVER_PICKUP_COMPLETE] = "driver_pickup_complete",
    [OT_STATUS_IN_TRANSIT] = "in_transit",
    [OT_STATUS_DELIVERED] = "delivered",
    [OT_STATUS_CANCELLED] = "cancelled",
    [OT_STATUS_FAILED] = "failed",
};

static const char *const shipment_names[OT_SHIPMENT_COUNT] = {
    [OT_SHIPMENT_PENDING] = "pending",
    [OT_SHIPMENT_IN_TRANSIT] = "in transit",
    [OT_SHIPMENT_OUT_FOR_DELIVERY] = "out_for_delivery",
    [OT_SHIPMENT_DELIVERED] = "delivered",
    [OT_SHIPMENT_NDR] = "ndr",
    [OT_SHIPMENT_RTO] = "rto",
    [OT_SHIPMENT_RTO_IN_TRANSIT] = "rto in transit",
    [OT_SHIPMENT_LOST] = "lost",
    [OT_SHIPMENT_DESTROY] = "destroy",
    [OT_SHIPMENT_BOOKING_CANCELLED] = "booking_cancelled",
    [OT_SHIPMENT_RTO_DELIVERED] = "rto_delivered",
};

static const char *const provider_names[OT_PROVIDER_COUNT] = {
    [OT_PROVIDER_UBER] = "uber",
    [OT_PROVIDER_DOORDASH] = "doordash",
    [OT_PROVIDER_INTERNAL] = "internal",
    [OT_PROVIDER_DELHIVERY] = "delhivery",
    [OT_PROVIDER_DELHIVERY_B2B] = "delhivery_b2b",
    [OT_PROVIDER_SHIPROCKET] = "shiprocket",
    [OT_PROVIDER_VELOCITY] = "velocity",
};

static const char *const substitution_names[OT_SUBSTITUTION_COUNT] = {
    [OT_SUBSTITUTION_PENDING] = "pending",
    [OT_SUBSTITUTION_APPROVED] = "approved",
    [OT_SUBSTITUTION_REJECTED] = "rejected",
};

static const char *const severity_names[OT_SEVERITY_COUNT] = {
    [OT_SEVERITY_LOW] = "low",
    [OT_SEVERITY_MEDIUM] = "medium",
    [OT_SEVERITY_HIGH] = "high",
    [OT_SEVERITY_CRITICAL] = "critical",
};

const struct ot__vocab ot__status_vocab = {"status", status_names, OT_STATUS_COUNT};
const struct ot__vocab ot__shipment_vocab = {"shipment status", shipment_names,
                                             OT_SHIPMENT_COUNT};
const struct ot__vocab ot__provider_vocab = {"provider", provider_names, OT_PROVIDER_COUNT};
const struct ot__vocab ot__substitution_vocab = {"substitution status", substitution_names,
                                                 OT_SUBSTITUTION_COUNT};
const struct ot__vocab ot__severity_vocab = {"severity", severity_names, OT_SEVERITY_COUNT};

/* Lifecycle status implied by each shipment status; 0 where none fits. */
static const ot_status shipment_implies[OT_SHIPMENT_COUNT] = {
    [OT_SHIPMENT_PENDING] = OT_STATUS_UNKNOWN,
    [OT_SHIPMENT_IN_TRANSIT] = OT_STATUS_IN_TRANSIT,
    [OT_SHIPMENT_OUT_FOR_DELIVERY] = OT_STATUS_IN_TRANSIT,
    [OT_SHIPMENT_DELIVERED] = OT_STATUS_DELIVERED,
    [OT_SHIPMENT_NDR] = OT_STATUS_IN_TRANSIT,
    [OT_SHIPMENT_RTO] = OT_STATUS_FAILED,
    [OT_SHIPMENT_RTO_IN_TRANSIT] = OT_STATUS_FAILED,
    [OT_SHIPMENT_LOST] = OT_STATUS_FAILED,
    [OT_SHIPMENT_DESTROY] = OT_STATUS_FAILED,
    [OT_SHIPMENT_BOOKING_CANCELLED] = OT_STATUS_CANCELLED,
    [OT_SHIPMENT_RTO_DELIVERED] = OT_STATUS_FAILED,
};

/* Parcel couriers speak the shipment vocabulary; hyperlocal partners the lifecycle. */
static const unsigned char provider_parcel[OT_PROVIDER_COUNT] = {
    [OT_PROVIDER_DELHIVERY] = 1,
    [OT_PROVIDER_DELHIVERY_B2B] = 1,
    [OT_PROVIDER_SHIPROCKET] = 1,
    [OT_PROVIDER_VELOCITY] = 1,
};

int ot_status_to_string(const char **name, int status, ot_error *err)
{
    return ot__vocab_name(&ot__status_vocab, name, status, err);
}

int ot_status_from_string(ot_status *status, const char *name, ot_error *err)
{
    int v = ot__vocab_parse(&ot__status_vocab, status, name, err);
    if (v < 0)
        return v;
    *status = (ot_status)v;
    return 0;
}

int ot_shipment_to_string(const char **name, int status, ot_error *err)
{
    return ot__vocab_name(&ot__shipment_vocab, name, status, err);
}

int ot_shipment_from_string(ot_shipment_status *status, const char *name, ot_error *err)
{
    int v = ot__vocab_parse(&ot__shipment_vocab, status, name, err);
    if (v < 0)
        return v;
    *status = (ot_shipment_status)v;
    return 0;
}

int ot_shipment_to_status(ot_status *status, int shipment, ot_error *err)
{
    if (!status)
        return ot__error_field(err, OT_EINVAL, "status", "output pointer for the status is NULL");
    if (!ot__vocab_valid(&ot__shipment_vocab, shipment))
        return ot__error_field(err, OT_EINVAL, "shipment status",
                               "%d is not a valid shipment status value", shipment);
    *status = shipment_implies[shipment];
    return 0;
}

int ot_provider_to_string(const char **name, int provider, ot_error *err)
{
    return ot__vocab_name(&ot__provider_vocab, name, provider, err);
}

int ot_provider_from_string(ot_provider *provider, const char *name, ot_error *err)
{
    int v = ot__vocab_parse(&ot__provider_vocab, provider, name, err);
    if (v < 0)
        return v;
    *provider = (ot_provider)v;
    return 0;
}

int ot__courier_name_valid(const char *s)
{
    size_t n = 0;
    if (!s || !(*s >= 'a' && *s <= 'z'))
        return 0;
    for (; *s; s++, n++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return 0;
    return n <= 32;
}

int ot__provider_id(const char *name)
{
    uint32_t h = 2166136261u;
    const char *c;
    int v = ot__vocab_lookup(&ot__provider_vocab, name);
    if (v || !ot__courier_name_valid(name))
        return v;
    for (c = name; *c; c++)
        h = (h ^ (unsigned char)*c) * 16777619u;
    return OT_COURIER_ID_MIN + (int)(h % (uint32_t)(OT_COURIER_ID_MAX - OT_COURIER_ID_MIN + 1));
}

int ot__provider_parcel(int provider)
{
    if (provider >= OT_COURIER_ID_MIN && provider <= OT_COURIER_ID_MAX)
        return 1;
    return ot__vocab_valid(&ot__provider_vocab, provider) && provider_parcel[provider];
}

int ot_provider_is_parcel(int provider, ot_error *err)
{
    if (!ot__vocab_valid(&ot__provider_vocab, provider))
        return ot__error_field(err, OT_EINVAL, "provider", "%d is not a valid provider value",
                               provider);
    return provider_parcel[provider];
}

int ot_substitution_to_string(const char **name, int status, ot_error *err)
{
    return ot__vocab_name(&ot__substitution_vocab, name, status, err);
}

int ot_substitution_from_string(ot_substitution_status *status, const char *name,
                                ot_error *err)
{
    int v = ot__vocab_parse(&ot__substitution_vocab, status, name, err);
    if (v < 0)
        return v;
    *status = (ot_substitution_status)v;
    return 0;
}

int ot_severity_to_string(const char **name, int severity, ot_error *err)
{
    return ot__vocab_name(&ot__severity_vocab, name, severity, err);
}

int ot_severity_from_string(ot_severity *severity, const char *name, ot_error *err)
{
    int v = ot__vocab_parse(&ot__severity_vocab, severity, name, err);
    if (v < 0)
        return v;
    *severity = (ot_severity)v;
    return 0;
}
