/* Wire names of SLA stages and states. */
#include "common.h"
#include "sla/sla_internal.h"

static const char *const stage_names[OT_SLA_STAGE_COUNT] = {
    [OT_SLA_STAGE_STORE_ACKNOWLEDGMENT] = "store_acknowledgment",
    [OT_SLA_STAGE_PICKING] = "picking",
    [OT_SLA_STAGE_DRIVER_ASSIGNMENT] = "driver_assignment",
    [OT_SLA_STAGE_PICKUP] = "pickup",
    [OT_SLA_STAGE_DELIVERY] = "delivery",
    [OT_SLA_STAGE_NO_SCAN] = "no_scan",
    [OT_SLA_STAGE_NDR_AGE] = "ndr_age",
};

static const char *const state_names[OT_SLA_STATE_COUNT] = {
    [OT_SLA_STATE_PENDING] = "pending",
    [OT_SLA_STATE_OK] = "ok",
    [OT_SLA_STATE_WARNING] = "warning",
    [OT_SLA_STATE_BREACHED] = "breached",
};

const struct ot__vocab ot__sla_stage_vocab = {"SLA stage", stage_names, OT_SLA_STAGE_COUNT};
const struct ot__vocab ot__sla_state_vocab = {"SLA state", state_names, OT_SLA_STATE_COUNT};

int ot_sla_stage_to_string(const char **name, int stage, ot_error *err)
{
    return ot__vocab_name(&ot__sla_stage_vocab, name, stage, err);
}

int ot_sla_stage_from_string(ot_sla_stage *stage, const char *name, ot_error *err)
{
    int v = ot__vocab_parse(&ot__sla_stage_vocab, stage, name, err);
    if (v < 0)
        return v;
    *stage = (ot_sla_stage)v;
    return 0;
}

int ot_sla_state_to_string(const char **name, int state, ot_error *err)
{
    return ot__vocab_name(&ot__sla_state_vocab, name, state, err);
}

int ot_sla_state_from_string(ot_sla_state *state, const char *name, ot_error *err)
{
    int v = ot__vocab_parse(&ot__sla_state_vocab, state, name, err);
    if (v < 0)
        return v;
    *state = (ot_sla_state)v;
    return 0;
}
