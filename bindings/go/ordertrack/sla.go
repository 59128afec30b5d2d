package ordertrack

// #include <stdlib.h>
// #include <ordertrack/ordertrack.h>
import "C"

import "time"

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
	var times C.ot_sla_times
	if err := fromReport(C.ot_sla_times_init(&times, C.OT_SLA_TIMES_VERSION, &report), &report); err != nil {
		return nil, err
	}
	var cs cstrings
	defer cs.free()
	fillSLATimes(&times, order)
	times.store_id = cs.str(order.StoreID)
	var result C.ot_sla_report
	if err := fromReport(C.ot_sla_report_init(&result, C.OT_SLA_REPORT_VERSION, &report), &report); err != nil {
		return nil, err
	}
	if err := fromReport(C.ot_sla_evaluate(&result, policies, &times, C.int64_t(now.UnixMilli()), &report), &report); err != nil {
		return nil, err
	}
	var text *C.char
	var n C.size_t
	if err := fromReport(C.ot_sla_report_to_json(&text, &n, &result, &report), &report); err != nil {
		return nil, err
	}
	out := new(SLAReport)
	if err := takeJSON(text, n, out); err != nil {
		return nil, err
	}
	return out, nil
}

func ptrMillis(t *time.Time) C.int64_t {
	if t == nil {
		return 0
	}
	return millis(*t)
}

// fillSLATimes fills the timestamps the calculators need from the order, as docs/sla.md
// describes: the record's times, the history for notification, assignment and closing, and
// for parcel couriers the scans (courier updates) for pick-up, last scan and NDR age.
func fillSLATimes(t *C.ot_sla_times, o *Order) {
	first := func(s Status) C.int64_t {
		for _, h := range o.History {
			if h.Status == s {
				return millis(h.Timestamp)
			}
		}
		return 0
	}
	t.provider = C.int(o.Provider)
	t.store_notified_ms = first(StatusStoreNotified)
	t.store_acknowledged_ms = ptrMillis(o.StoreAcknowledgmentTime)
	t.picking_started_ms = ptrMillis(o.PickingStartTime)
	t.ready_ms = ptrMillis(o.PickingCompleteTime)
	t.driver_assigned_ms = first(StatusDriverAssigned)
	t.driver_pickup_ms = ptrMillis(o.DeliveryPickupTime)
	t.delivered_ms = ptrMillis(o.ActualDeliveryTime)
	t.estimated_delivery_ms = ptrMillis(o.EstimatedDeliveryTime)
	if (o.Status == StatusCancelled || o.Status == StatusFailed) && len(o.History) > 0 {
		t.closed_ms = millis(o.History[len(o.History)-1].Timestamp)
	}
	if o.ShipmentStatus == nil {
		return
	}
	type scan struct {
		at       C.int64_t
		shipment string
	}
	var scans []scan
	for _, h := range o.History {
		d := h.Data()
		_, raw := d["courier_status_raw"]
		shipment, isShipment := d["shipment_status"].(string)
		if !raw && !isShipment {
			continue
		}
		at := millis(h.Timestamp)
		if s, ok := d["time"].(string); ok {
			if when, err := time.Parse(time.RFC3339, s); err == nil {
				at = millis(when)
			}
		}
		scans = append(scans, scan{at, shipment})
	}
	if len(scans) == 0 {
		return
	}
	last := scans[len(scans)-1]
	t.last_scan_ms = last.at
	if t.driver_pickup_ms == 0 {
		t.driver_pickup_ms = scans[0].at
	}
	switch *o.ShipmentStatus {
	case ShipmentNDR:
		for i := len(scans) - 1; i >= 0 && (scans[i].shipment == "" || scans[i].shipment == "ndr"); i-- {
			if scans[i].shipment == "ndr" {
				t.ndr_since_ms = scans[i].at
			}
		}
	case ShipmentRTO, ShipmentRTOInTransit, ShipmentRTODelivered, ShipmentLost, ShipmentDestroy,
		ShipmentBookingCancelled:
		if t.closed_ms == 0 {
			t.closed_ms = last.at
		}
	}
}
