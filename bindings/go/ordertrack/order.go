package ordertrack

// #include <ordertrack/ordertrack.h>
import "C"

import (
	"encoding/json"
	"time"
)

// Order is the order document of docs/API.md, decoded from the library's JSON. Nullable
// fields are pointers (nil for null); absent strings are "".
type Order struct {
	ID                      string          `json:"id"`
	OrderID                 string          `json:"order_id"`
	StoreID                 string          `json:"store_id"`
	CustomerID              string          `json:"customer_id"`
	Provider                Provider        `json:"delivery_provider"`
	Status                  Status          `json:"current_status"`
	History                 []HistoryEntry  `json:"status_history"`
	StoreAcknowledgmentTime *time.Time      `json:"store_acknowledgment_time"`
	PickingStartTime        *time.Time      `json:"picking_start_time"`
	PickingCompleteTime     *time.Time      `json:"picking_complete_time"`
	DeliveryPickupTime      *time.Time      `json:"delivery_pickup_time"`
	EstimatedDeliveryTime   *time.Time      `json:"estimated_delivery_time"`
	ActualDeliveryTime      *time.Time      `json:"actual_delivery_time"`
	TrackingID              string          `json:"delivery_tracking_id"`
	TrackingURL             string          `json:"delivery_tracking_url"`
	DriverLocation          *Location       `json:"driver_location"`
	LocationTrail           []Location      `json:"location_trail"` // oldest first, the newest is DriverLocation
	DriverDetails           *Driver         `json:"driver_details"`
	ShipmentStatus          *ShipmentStatus `json:"shipment_status"` // nil for hyperlocal orders
	CourierStatusRaw        string          `json:"courier_status_raw"`
	Substitutions           []Substitution  `json:"substitutions"`
	Issues                  []Issue         `json:"issues"`
	Metadata                map[string]any  `json:"metadata"`
	CreatedAt               time.Time       `json:"created_at"`
	UpdatedAt               time.Time       `json:"updated_at"`
	Version                 int64           `json:"version"`

	raw []byte // the library's JSON of this order (for the calculators that read it back)
}

// HistoryEntry is one event of the order's history (docs/events.md).
type HistoryEntry struct {
	Status    Status         `json:"status"`
	Timestamp time.Time      `json:"timestamp"`
	UpdatedBy string         `json:"updated_by"`
	Notes     string         `json:"notes"`
	Metadata  map[string]any `json:"metadata"`
}

// Event is the entry's event type ("created", "courier_update"...), from metadata.ot.
func (h HistoryEntry) Event() string {
	s, _ := h.ot()["event"].(string)
	return s
}

// Data is the event's data object (metadata.ot.data), nil when absent.
func (h HistoryEntry) Data() map[string]any {
	d, _ := h.ot()["data"].(map[string]any)
	return d
}

func (h HistoryEntry) ot() map[string]any {
	m, _ := h.Metadata["ot"].(map[string]any)
	return m
}

// Location is the driver's last position.
type Location struct {
	Latitude  float64   `json:"latitude"`
	Longitude float64   `json:"longitude"`
	Timestamp time.Time `json:"timestamp"`
	Accuracy  *float64  `json:"accuracy"` // metres, nil when unknown
}

// Driver is the assigned driver.
type Driver struct {
	DriverID      string `json:"driver_id"`
	Name          string `json:"name"`
	Phone         string `json:"phone"`
	VehicleType   string `json:"vehicle_type"`
	VehicleNumber string `json:"vehicle_number"`
	PhotoURL      string `json:"photo_url"`
}

// Substitution is one proposed item substitution.
type Substitution struct {
	OriginalItemID      string     `json:"original_item_id"`
	SubstituteItemID    string     `json:"substitute_item_id"`
	Reason              string     `json:"reason"`
	Status              string     `json:"status"` // pending, approved, rejected
	PriceDifference     float64    `json:"price_difference"`
	CustomerNotifiedAt  *time.Time `json:"customer_notified_at"`
	CustomerRespondedAt *time.Time `json:"customer_responded_at"`
}

// Issue is one raised issue.
type Issue struct {
	IssueType   string     `json:"issue_type"`
	Description string     `json:"description"`
	Severity    Severity   `json:"severity"`
	CreatedAt   time.Time  `json:"created_at"`
	ResolvedAt  *time.Time `json:"resolved_at"`
	Resolution  string     `json:"resolution"`
}

// LiveLocation is the live-location view of an order.
type LiveLocation struct {
	OrderID               string     `json:"order_id"`
	Status                Status     `json:"current_status"`
	DriverLocation        *Location  `json:"driver_location"`
	LocationTrail         []Location `json:"location_trail"` // oldest first
	DriverDetails         *Driver    `json:"driver_details"`
	EstimatedDeliveryTime *time.Time `json:"estimated_delivery_time"`
	TrackingURL           string     `json:"delivery_tracking_url"`
}

// Severity of an issue: its wire name.
type Severity string

// Issue severities.
const (
	SeverityLow      Severity = "low"
	SeverityMedium   Severity = "medium"
	SeverityHigh     Severity = "high"
	SeverityCritical Severity = "critical"
)

// The vocabularies travel as their wire names in JSON.

// MarshalText encodes the status as its wire name.
func (s Status) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText decodes a wire name (ErrInvalid for an unknown one).
func (s *Status) UnmarshalText(b []byte) (err error) {
	*s, err = ParseStatus(string(b))
	return err
}

// MarshalText encodes the shipment status as its wire name.
func (s ShipmentStatus) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText decodes a wire name (ErrInvalid for an unknown one).
func (s *ShipmentStatus) UnmarshalText(b []byte) (err error) {
	*s, err = ParseShipmentStatus(string(b))
	return err
}

// MarshalText encodes the provider as its wire name.
func (p Provider) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText decodes a wire name (ErrInvalid for an unknown one).
func (p *Provider) UnmarshalText(b []byte) (err error) {
	*p, err = ParseProvider(string(b))
	return err
}

// takeJSON decodes a library-allocated JSON string into v and frees it.
func takeJSON(text *C.char, n C.size_t, v any) error {
	defer C.ot_free(unsafePointer(text))
	return json.Unmarshal(C.GoBytes(unsafePointer(text), C.int(n)), v)
}

// orderOf decodes and frees a record.
func orderOf(o *C.ot_order) (*Order, error) {
	defer C.ot_order_free(o)
	var text *C.char
	var n C.size_t
	var report C.ot_error
	if err := fromReport(C.ot_order_to_json(&text, &n, o, &report), &report); err != nil {
		return nil, err
	}
	defer C.ot_free(unsafePointer(text))
	order := &Order{raw: C.GoBytes(unsafePointer(text), C.int(n))}
	if err := json.Unmarshal(order.raw, order); err != nil {
		return nil, err
	}
	return order, nil
}
