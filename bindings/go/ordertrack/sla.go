package ordertrack

// #include <stdlib.h>
// #include <ordertrack/ordertrack.h>
import "C"

import (
	"encoding/json"
	"time"
)

// SLAStage is one stage of an SLA report (docs/sla.md).
type SLAStage struct {
	Stage      string     `json:"stage"` // store_acknowledgment, picking, ..., no_scan, ndr_age
	StartedAt  *time.Time `json:"started_at"`
	FinishedAt *time.Time `json:"finished_at"`
	ElapsedMS  int64      `json:"elapsed_ms"`
	AllowedMS  int64      `json:"allowed_ms"`
	State      string     `json:"state"` // pending, ok, warning, breached
}

// SLAReport is an order's SLA report, as the /sla route gives it.
type SLAReport struct {
	Stages      []SLAStage `json:"stages"`
	State       string     `json:"state"` // the worst state of the stages
	EvaluatedAt time.Time  `json:"evaluated_at"`
}

// SLAReportOf evaluates the order's SLA at now (zero: the current time) under policyJSON,
// the `sla` config block (nil: the library defaults).
func SLAReportOf(order *Order, now time.Time, policyJSON []byte) (*SLAReport, error) {
	if now.IsZero() {
		now = time.Now()
	}
	var report C.ot_error
	var policies *C.ot_sla_policies
	var rc C.int
	if policyJSON == nil {
		rc = C.ot_sla_policies_new(&policies, nil, &report)
	} else {
		text := C.CBytes(policyJSON)
		rc = C.ot_sla_policies_from_json(&policies, (*C.char)(text), C.size_t(len(policyJSON)), &report)
		C.free(text)
	}
	if err := fromReport(rc, &report); err != nil {
		return nil, err
	}
	defer C.ot_sla_policies_free(policies)
	// The library reads the times from the record itself (ot_sla_times_from_order), as the
	// tracker and ordertrackd do: decode the order's JSON back into a record.
	raw := order.raw
	if raw == nil { // built by the caller, not returned by a Tracker
		var err error
		if raw, err = json.Marshal(order); err != nil {
			return nil, &Error{Code: CodeInvalid, Field: "order", Message: err.Error()}
		}
	}
	text := C.CBytes(raw)
	var record *C.ot_order
	rc = C.ot_order_from_json(&record, (*C.char)(text), C.size_t(len(raw)), &report)
	C.free(text)
	if err := fromReport(rc, &report); err != nil {
		return nil, err
	}
	defer C.ot_order_free(record)
	var times C.ot_sla_times
	if err := fromReport(C.ot_sla_times_init(&times, C.OT_SLA_TIMES_VERSION, &report), &report); err != nil {
		return nil, err
	}
	if err := fromReport(C.ot_sla_times_from_order(&times, record, &report), &report); err != nil {
		return nil, err
	}
	var result C.ot_sla_report
	if err := fromReport(C.ot_sla_report_init(&result, C.OT_SLA_REPORT_VERSION, &report), &report); err != nil {
		return nil, err
	}
	if err := fromReport(C.ot_sla_evaluate(&result, policies, &times, C.int64_t(now.UnixMilli()), &report), &report); err != nil {
		return nil, err
	}
	var reportJSON *C.char
	var n C.size_t
	if err := fromReport(C.ot_sla_report_to_json(&reportJSON, &n, &result, &report), &report); err != nil {
		return nil, err
	}
	out := new(SLAReport)
	if err := takeJSON(reportJSON, n, out); err != nil {
		return nil, err
	}
	return out, nil
}
