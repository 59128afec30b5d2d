package ordertrack

// #include <ordertrack/ordertrack.h>
import "C"

// Verdict is the transition validator's answer.
type Verdict int

const (
	Legal   Verdict = iota // apply it
	Stale                  // stale or duplicate: ignore it, change nothing
	Illegal                // refuse it
)

// String is the verdict's name: "legal", "stale" or "illegal".
func (v Verdict) String() string { return [...]string{"legal", "stale", "illegal"}[v] }

// verdict turns the validator's return code into a Verdict; the *Error explains a stale or
// illegal answer (naming both states) and is the only result for invalid arguments.
func verdict(rc C.int, report *C.ot_error) (Verdict, error) {
	err := fromReport(rc, report)
	switch rc {
	case 0:
		return Legal, nil
	case C.OT_ESTALE:
		return Stale, err
	case C.OT_ETRANSITION:
		return Illegal, err
	}
	return Illegal, err
}

// CheckStatusTransition checks a lifecycle step. The error is nil for Legal, explains a
// Stale or Illegal verdict, and alone matters for invalid arguments (ErrInvalid).
func CheckStatusTransition(from, to Status, source Source) (Verdict, error) {
	var report C.ot_error
	return verdict(C.ot_status_transition_check(C.int(from), C.int(to), C.int(source), &report), &report)
}

// CheckShipmentTransition checks a shipment step; see CheckStatusTransition.
func CheckShipmentTransition(from, to ShipmentStatus, source Source) (Verdict, error) {
	var report C.ot_error
	return verdict(C.ot_shipment_transition_check(C.int(from), C.int(to), C.int(source), &report), &report)
}

// Terminal reports whether a lifecycle status is final.
func (s Status) Terminal() (bool, error) {
	var report C.ot_error
	rc := C.ot_status_is_terminal(C.int(s), &report)
	return rc == 1, fromReport(rc, &report)
}

// Terminal reports whether a shipment status is final.
func (s ShipmentStatus) Terminal() (bool, error) {
	var report C.ot_error
	rc := C.ot_shipment_is_terminal(C.int(s), &report)
	return rc == 1, fromReport(rc, &report)
}

// Lifecycle returns the lifecycle status a shipment status implies; ok is false where none fits.
func (s ShipmentStatus) Lifecycle() (status Status, ok bool, err error) {
	var out C.ot_status
	var report C.ot_error
	if err := fromReport(C.ot_shipment_to_status(&out, C.int(s), &report), &report); err != nil {
		return 0, false, err
	}
	return Status(out), out != 0, nil
}
