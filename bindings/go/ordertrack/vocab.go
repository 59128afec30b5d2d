package ordertrack

// #include <stdlib.h>
// #include <ordertrack/ordertrack.h>
import "C"

import "unsafe"

func unsafePointer(p *C.char) unsafe.Pointer { return unsafe.Pointer(p) }

// Status is the lifecycle status of an order. Its String is the wire name.
type Status int

// ShipmentStatus is the shipment status of a parcel courier's order. Its String is the wire name.
type ShipmentStatus int

// Provider is a delivery provider.
type Provider int

// Source says who reports an update: the API steps one edge at a time, couriers may skip.
type Source int

// Lifecycle statuses.
const (
	StatusSubmitted             Status = C.OT_STATUS_SUBMITTED
	StatusStoreNotified         Status = C.OT_STATUS_STORE_NOTIFIED
	StatusStoreAcknowledged     Status = C.OT_STATUS_STORE_ACKNOWLEDGED
	StatusPickingInProgress     Status = C.OT_STATUS_PICKING_IN_PROGRESS
	StatusSubstitutionsNeeded   Status = C.OT_STATUS_SUBSTITUTIONS_NEEDED
	StatusSubstitutionsApproved Status = C.OT_STATUS_SUBSTITUTIONS_APPROVED
	StatusReadyForPickup        Status = C.OT_STATUS_READY_FOR_PICKUP
	StatusDriverAssigned        Status = C.OT_STATUS_DRIVER_ASSIGNED
	StatusDriverPickupComplete  Status = C.OT_STATUS_DRIVER_PICKUP_COMPLETE
	StatusInTransit             Status = C.OT_STATUS_IN_TRANSIT
	StatusDelivered             Status = C.OT_STATUS_DELIVERED
	StatusCancelled             Status = C.OT_STATUS_CANCELLED
	StatusFailed                Status = C.OT_STATUS_FAILED
)

// Shipment statuses.
const (
	ShipmentPending          ShipmentStatus = C.OT_SHIPMENT_PENDING
	ShipmentInTransit        ShipmentStatus = C.OT_SHIPMENT_IN_TRANSIT
	ShipmentOutForDelivery   ShipmentStatus = C.OT_SHIPMENT_OUT_FOR_DELIVERY
	ShipmentDelivered        ShipmentStatus = C.OT_SHIPMENT_DELIVERED
	ShipmentNDR              ShipmentStatus = C.OT_SHIPMENT_NDR
	ShipmentRTO              ShipmentStatus = C.OT_SHIPMENT_RTO
	ShipmentRTOInTransit     ShipmentStatus = C.OT_SHIPMENT_RTO_IN_TRANSIT
	ShipmentLost             ShipmentStatus = C.OT_SHIPMENT_LOST
	ShipmentDestroy          ShipmentStatus = C.OT_SHIPMENT_DESTROY
	ShipmentBookingCancelled ShipmentStatus = C.OT_SHIPMENT_BOOKING_CANCELLED
	ShipmentRTODelivered     ShipmentStatus = C.OT_SHIPMENT_RTO_DELIVERED
)

// Providers.
const (
	ProviderUber         Provider = C.OT_PROVIDER_UBER
	ProviderDoorDash     Provider = C.OT_PROVIDER_DOORDASH
	ProviderInternal     Provider = C.OT_PROVIDER_INTERNAL
	ProviderDelhivery    Provider = C.OT_PROVIDER_DELHIVERY
	ProviderDelhiveryB2B Provider = C.OT_PROVIDER_DELHIVERY_B2B
	ProviderShiprocket   Provider = C.OT_PROVIDER_SHIPROCKET
	ProviderVelocity     Provider = C.OT_PROVIDER_VELOCITY
)

// Sources.
const (
	SourceAPI     Source = C.OT_SOURCE_API
	SourceCourier Source = C.OT_SOURCE_COURIER
)

type toStringFn func(**C.char, C.int, *C.ot_error) C.int

func wireName(fn toStringFn, v int) (string, error) {
	var name *C.char
	var report C.ot_error
	if err := fromReport(fn(&name, C.int(v), &report), &report); err != nil {
		return "", err
	}
	return C.GoString(name), nil
}

func stringOrInvalid(fn toStringFn, v int) string {
	if s, err := wireName(fn, v); err == nil {
		return s
	}
	return "invalid"
}

// withCString calls fn with a C copy of s.
func withCString(s string, fn func(*C.char) C.int) C.int {
	cs := C.CString(s)
	defer C.free(unsafe.Pointer(cs))
	return fn(cs)
}

func statusToString(out **C.char, v C.int, r *C.ot_error) C.int {
	return C.ot_status_to_string(out, v, r)
}
func shipmentToString(out **C.char, v C.int, r *C.ot_error) C.int {
	return C.ot_shipment_to_string(out, v, r)
}
func providerToString(out **C.char, v C.int, r *C.ot_error) C.int {
	return C.ot_provider_to_string(out, v, r)
}
func sourceToString(out **C.char, v C.int, r *C.ot_error) C.int {
	return C.ot_source_to_string(out, v, r)
}

// String is the status's wire name ("picking_in_progress").
func (s Status) String() string { return stringOrInvalid(statusToString, int(s)) }

// String is the shipment status's wire name ("in transit").
func (s ShipmentStatus) String() string { return stringOrInvalid(shipmentToString, int(s)) }

// String is the provider's wire name ("delhivery_b2b").
func (p Provider) String() string { return stringOrInvalid(providerToString, int(p)) }

// String is the source's wire name ("api" or "courier").
func (s Source) String() string { return stringOrInvalid(sourceToString, int(s)) }

// ParseStatus returns the lifecycle status with the exact wire name.
func ParseStatus(name string) (Status, error) {
	var v C.ot_status
	var report C.ot_error
	rc := withCString(name, func(cs *C.char) C.int { return C.ot_status_from_string(&v, cs, &report) })
	return Status(v), fromReport(rc, &report)
}

// ParseShipmentStatus returns the shipment status with the exact wire name ("in transit").
func ParseShipmentStatus(name string) (ShipmentStatus, error) {
	var v C.ot_shipment_status
	var report C.ot_error
	rc := withCString(name, func(cs *C.char) C.int { return C.ot_shipment_from_string(&v, cs, &report) })
	return ShipmentStatus(v), fromReport(rc, &report)
}

// ParseProvider returns the provider with the exact wire name.
func ParseProvider(name string) (Provider, error) {
	var v C.ot_provider
	var report C.ot_error
	rc := withCString(name, func(cs *C.char) C.int { return C.ot_provider_from_string(&v, cs, &report) })
	return Provider(v), fromReport(rc, &report)
}
