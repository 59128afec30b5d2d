package ordertrack

// #include <stdlib.h>
// #include <ordertrack/ordertrack.h>
import "C"

import (
	"context"
	"errors"
	"time"
)

// UpdateFlag is a fact of an update that the canonical status alone does not carry.
type UpdateFlag uint

// Update flags (update.h).
const (
	FlagPartial        UpdateFlag = C.OT_UPDATE_PARTIAL
	FlagDamaged        UpdateFlag = C.OT_UPDATE_DAMAGED
	FlagReversePickup  UpdateFlag = C.OT_UPDATE_REVERSE_PICKUP
	FlagCustomerReturn UpdateFlag = C.OT_UPDATE_CUSTOMER_RETURN
	FlagUnmapped       UpdateFlag = C.OT_UPDATE_UNMAPPED
	FlagLeftAtDoor     UpdateFlag = C.OT_UPDATE_LEFT_AT_DOOR
	FlagHasPosition    UpdateFlag = C.OT_UPDATE_HAS_POSITION
	FlagLocationOnly   UpdateFlag = C.OT_UPDATE_LOCATION_ONLY
	FlagReturned       UpdateFlag = C.OT_UPDATE_RETURNED
)

// Mapping is what a raw partner status means. Parcel couriers give ShipmentStatus and the
// lifecycle Status it implies; hyperlocal partners give Status only. 0 means none.
type Mapping struct {
	Status         Status
	ShipmentStatus ShipmentStatus
	Flags          UpdateFlag
}

// MapStatus maps one raw partner status with the built-in tables. rawType is the qualifier
// some partners send (Delhivery StatusType: UD, DL, RT...), rawCode the Delhivery NDR
// StatusCode; both may be "". A status no table knows is ErrUnknownStatus (never guessed);
// a provider without a table is ErrInvalid.
func MapStatus(provider Provider, raw, rawType, rawCode string) (Mapping, error) {
	var out C.ot_courier_mapping
	var report C.ot_error
	var cs cstrings
	defer cs.free()
	rc := C.ot_courier_map(&out, nil, C.int(provider), cs.str(raw), cs.str(rawType), cs.str(rawCode), &report)
	return Mapping{Status(out.status), ShipmentStatus(out.shipment_status), UpdateFlag(out.flags)}, fromReport(rc, &report)
}

// Update is a courier or partner update to apply. Give the canonical Status /
// ShipmentStatus, or only RawStatus (with RawType, RawCode) to have it mapped by MapStatus;
// a raw status no table knows is recorded as an unmapped_status issue.
type Update struct {
	Provider       Provider
	OrderID        string // the order, else found by TrackingID
	TrackingID     string
	EventID        string // a repeated event id is stale
	RawStatus      string
	RawType        string
	RawCode        string // used for mapping only
	Status         Status
	ShipmentStatus ShipmentStatus
	Flags          UpdateFlag
	EventTime      time.Time
	Location       string      // free-text scan location
	Position       *[2]float64 // latitude, longitude; nil when not reported
	Driver         *Driver
	ETA            time.Time
	TrackingURL    string
	Notes          string
}

// ApplyUpdate applies a courier or partner update (webhook or poll). A repeated event or a
// passed state is stale: the unchanged order is returned with an error matching ErrStale.
func (t *Tracker) ApplyUpdate(ctx context.Context, u Update, idempotencyKey string) (*Order, error) {
	if u.RawStatus != "" && u.Status == 0 && u.ShipmentStatus == 0 {
		m, err := MapStatus(u.Provider, u.RawStatus, u.RawType, u.RawCode)
		switch {
		case err == nil:
			u.Status, u.ShipmentStatus, u.Flags = m.Status, m.ShipmentStatus, u.Flags|m.Flags
		case errors.Is(err, ErrUnknownStatus):
			u.Flags |= FlagUnmapped
		default:
			return nil, err
		}
	}
	var c C.ot_update
	var report C.ot_error
	if err := fromReport(C.ot_update_init(&c, C.OT_UPDATE_VERSION, &report), &report); err != nil {
		return nil, err
	}
	var cs cstrings
	defer cs.free()
	c.provider, c.status, c.shipment_status = C.int(u.Provider), C.int(u.Status), C.int(u.ShipmentStatus)
	c.order_id, c.tracking_id, c.event_id = cs.str(u.OrderID), cs.str(u.TrackingID), cs.str(u.EventID)
	c.raw_status, c.raw_type, c.location = cs.str(u.RawStatus), cs.str(u.RawType), cs.str(u.Location)
	c.tracking_url, c.notes = cs.str(u.TrackingURL), cs.str(u.Notes)
	if u.Position != nil {
		c.latitude, c.longitude = C.double(u.Position[0]), C.double(u.Position[1])
		u.Flags |= FlagHasPosition
	}
	if d := u.Driver; d != nil {
		c.driver_id, c.driver_name, c.driver_phone = cs.str(d.DriverID), cs.str(d.Name), cs.str(d.Phone)
		c.vehicle_type, c.vehicle_number, c.photo_url = cs.str(d.VehicleType), cs.str(d.VehicleNumber), cs.str(d.PhotoURL)
	}
	c.flags = C.uint(u.Flags)
	c.event_time_ms, c.eta_ms = millis(u.EventTime), millis(u.ETA)
	key := cs.str(idempotencyKey)
	if err := t.enter(ctx); err != nil {
		return nil, err
	}
	defer t.mu.RUnlock()
	var out *C.ot_order
	rc := C.ot_tracker_apply_update(&out, t.tracker, &c, key, &report)
	return answer(rc, out, &report)
}
