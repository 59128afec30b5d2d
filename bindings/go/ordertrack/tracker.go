package ordertrack

// #include <stdlib.h>
// #include <ordertrack/ordertrack.h>
// #include <ordertrack/adapters/memory.h>
import "C"

import (
	"context"
	"encoding/json"
	"sync"
	"time"
	"unsafe"
)

// Options tune a Tracker; the zero value keeps the library's defaults.
type Options struct {
	MaxRetries     int           // reloads after a version conflict (0: the default, 8)
	IdempotencyTTL time.Duration // how long idempotency keys are kept (0: 24 h)
}

// Tracker is the tracking engine over one storage. It is safe for concurrent use by any
// number of goroutines; Close waits for the calls in flight.
//
// Context: every call checks ctx before it enters the library and fails with ctx.Err()
// when it is done. A call already inside the library (a storage round trip, an SQLite
// busy wait of up to 5 s) is not interruptible and runs to completion.
//
// Answers of the writes: the new order and a nil error; for a stale update (a courier
// report of a passed state, a redelivered event, an older position) the unchanged order
// together with an error matching ErrStale, which callers usually ignore; otherwise a nil
// order and an *Error (ErrTransition naming From and To, ErrState, ErrInvalid naming Field,
// ErrNotFound, ErrExists, ErrConflict, ErrIdempotencyConflict, ErrStorage...).
type Tracker struct {
	mu      sync.RWMutex // read-held by every call, held by Close
	tracker *C.ot_tracker
	storage *C.ot_storage
}

var errClosed = &Error{Code: CodeState, Message: "the tracker is closed"}

// Storage is an open storage backend, handed to New, which takes it over. The in-process
// store comes from NewMemoryStorage; the adapter packages open the others
// (ordertrack/sqlite, ordertrack/mongo), so a program links only the adapters it imports;
// Registry.OpenStorage opens any of them by URI.
type Storage struct {
	c *C.ot_storage
}

// NewMemoryStorage returns the in-process store: fast, and nothing survives Close.
func NewMemoryStorage() (*Storage, error) {
	var report C.ot_error
	var storage *C.ot_storage
	if err := fromReport(C.ot_storage_memory_new(&storage, &report), &report); err != nil {
		return nil, err
	}
	return &Storage{c: storage}, nil
}

// WrapStorage wraps an ot_storage pointer that a C adapter's open function made, for New.
// It is the adapter packages' way in (cgo types belong to one package, hence
// unsafe.Pointer); the Storage owns the pointer from then on.
func WrapStorage(cStorage unsafe.Pointer) *Storage {
	return &Storage{c: (*C.ot_storage)(cStorage)}
}

// ErrorFromC is the *Error of a negative library return code and the ot_error report the
// call filled (a pointer to the caller's C.ot_error), or nil for rc >= 0. It is for the
// adapter packages, which call the library through their own cgo types.
func ErrorFromC(rc int, report unsafe.Pointer) error {
	return fromReport(C.int(rc), (*C.ot_error)(report))
}

// Close closes a storage that was not handed to New (New's tracker closes its own).
// Closing twice is harmless.
func (s *Storage) Close() error {
	if s.c != nil {
		C.ot_storage_close(s.c)
		s.c = nil
	}
	return nil
}

// modulePath is the Go module of the binding.
const modulePath = "github.com/libordertrack/libordertrack/bindings/go"

// New returns a tracker over s, which it takes over: the tracker closes it, and New
// closes it when it fails. opts may be nil.
func New(s *Storage, opts *Options) (*Tracker, error) {
	if s == nil || s.c == nil {
		return nil, &Error{Code: CodeInvalid, Field: "storage", Message: "no storage (nil or closed)"}
	}
	storage := s.c
	s.c = nil
	var report C.ot_error
	var options C.ot_tracker_options
	if err := fromReport(C.ot_tracker_options_init(&options, C.OT_TRACKER_OPTIONS_VERSION, &report), &report); err != nil {
		C.ot_storage_close(storage)
		return nil, err
	}
	options.storage = storage
	if opts != nil && opts.MaxRetries > 0 {
		options.max_retries = C.uint(opts.MaxRetries)
	}
	if opts != nil && opts.IdempotencyTTL > 0 {
		options.idempotency_ttl_ms = C.int64_t(opts.IdempotencyTTL.Milliseconds())
	}
	t := &Tracker{storage: storage}
	if err := fromReport(C.ot_tracker_new(&t.tracker, &options, &report), &report); err != nil {
		C.ot_storage_close(storage)
		return nil, err
	}
	return t, nil
}

// Close waits for the calls in flight, then frees the tracker and closes its storage.
// Calls after Close fail with ErrState. Closing twice is harmless.
func (t *Tracker) Close() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.tracker != nil {
		C.ot_tracker_free(t.tracker)
		C.ot_storage_close(t.storage)
		t.tracker, t.storage = nil, nil
	}
	return nil
}

// enter checks ctx and the tracker, and read-locks it; the caller must call t.mu.RUnlock.
func (t *Tracker) enter(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	t.mu.RLock()
	if t.tracker == nil {
		t.mu.RUnlock()
		return errClosed
	}
	return nil
}

// WriteOptions are what every write accepts; the zero value (or nil) sets none of them.
type WriteOptions struct {
	IdempotencyKey string         // replay the first result of the same request
	IfMatch        int64          // expected version (If-Match); 0 for any; not for InitOrder
	UpdatedBy      string         // the author ("" means "system")
	Notes          string         // the history entry's notes
	Metadata       map[string]any // InitOrder: the record's metadata; else the entry's
}

// cstrings owns C copies of Go strings until free.
type cstrings []unsafe.Pointer

// str is a C copy of s, freed with the others; "" is NULL (absent).
func (cs *cstrings) str(s string) *C.char {
	if s == "" {
		return nil
	}
	p := C.CString(s)
	*cs = append(*cs, unsafe.Pointer(p))
	return p
}

func (cs *cstrings) free() {
	for _, p := range *cs {
		C.free(p)
	}
	*cs = nil
}

// request holds an ot_request and the C strings it points to.
type request struct {
	c *C.ot_request // allocated apart: C may see it, not the Go slice below
	cstrings
}

func newRequest(orderID string, o *WriteOptions) (*request, error) {
	r := &request{c: new(C.ot_request)}
	var report C.ot_error
	if err := fromReport(C.ot_request_init(r.c, C.OT_REQUEST_VERSION, &report), &report); err != nil {
		return nil, err
	}
	r.c.order_id = r.str(orderID)
	if o != nil {
		r.c.idempotency_key = r.str(o.IdempotencyKey)
		r.c.expected_version = C.int64_t(o.IfMatch)
		r.c.updated_by = r.str(o.UpdatedBy)
		r.c.notes = r.str(o.Notes)
		if o.Metadata != nil {
			b, err := json.Marshal(o.Metadata)
			if err != nil {
				r.free()
				return nil, &Error{Code: CodeInvalid, Field: "metadata", Message: err.Error()}
			}
			r.c.metadata_json = r.str(string(b))
		}
	}
	return r, nil
}

func millis(t time.Time) C.int64_t {
	if t.IsZero() {
		return 0
	}
	return C.int64_t(t.UnixMilli())
}

type writeFn func(out **C.ot_order, t *C.ot_tracker, r *C.ot_request, e *C.ot_error) C.int

// answer turns a write's return code and record into (order, error), keeping the
// unchanged order of a stale update.
func answer(rc C.int, out *C.ot_order, report *C.ot_error) (*Order, error) {
	err := fromReport(rc, report)
	if out == nil {
		return nil, err
	}
	order, decodeErr := orderOf(out)
	if decodeErr != nil {
		return nil, decodeErr
	}
	if err != nil && rc != C.OT_ESTALE {
		return nil, err
	}
	return order, err
}

// write runs one write with a prepared request.
func (t *Tracker) write(ctx context.Context, r *request, fn writeFn) (*Order, error) {
	defer r.free()
	if err := t.enter(ctx); err != nil {
		return nil, err
	}
	defer t.mu.RUnlock()
	var out *C.ot_order
	var report C.ot_error
	rc := fn(&out, t.tracker, r.c, &report)
	return answer(rc, out, &report)
}

func (t *Tracker) simple(ctx context.Context, orderID string, o *WriteOptions, fn writeFn,
	fill func(r *request)) (*Order, error) {
	r, err := newRequest(orderID, o)
	if err != nil {
		return nil, err
	}
	if fill != nil {
		fill(r)
	}
	return t.write(ctx, r, fn)
}

// NewOrder describes an order to create.
type NewOrder struct {
	OrderID           string
	StoreID           string
	CustomerID        string
	Provider          Provider
	TrackingID        string // the AWB or LR number, required for parcel couriers
	TrackingURL       string
	EstimatedDelivery time.Time // zero: none
}

// InitOrder creates an order: status submitted, version 1. ErrExists for an existing id.
func (t *Tracker) InitOrder(ctx context.Context, n NewOrder, o *WriteOptions) (*Order, error) {
	return t.simple(ctx, n.OrderID, o, func(out **C.ot_order, tr *C.ot_tracker, r *C.ot_request, e *C.ot_error) C.int {
		return C.ot_tracker_init_order(out, tr, r, e)
	}, func(r *request) {
		r.c.store_id = r.str(n.StoreID)
		r.c.customer_id = r.str(n.CustomerID)
		r.c.provider = C.int(n.Provider)
		r.c.tracking_id = r.str(n.TrackingID)
		r.c.tracking_url = r.str(n.TrackingURL)
		r.c.estimated_delivery_ms = millis(n.EstimatedDelivery)
	})
}

// SetStatus moves the order one step along the lifecycle graph.
func (t *Tracker) SetStatus(ctx context.Context, orderID string, status Status, o *WriteOptions) (*Order, error) {
	return t.simple(ctx, orderID, o, func(out **C.ot_order, tr *C.ot_tracker, r *C.ot_request, e *C.ot_error) C.int {
		return C.ot_tracker_set_status(out, tr, r, e)
	}, func(r *request) { r.c.status = C.int(status) })
}

// Get returns the order; ErrNotFound when there is none.
func (t *Tracker) Get(ctx context.Context, orderID string) (*Order, error) {
	if err := t.enter(ctx); err != nil {
		return nil, err
	}
	defer t.mu.RUnlock()
	var out *C.ot_order
	var report C.ot_error
	rc := withCString(orderID, func(id *C.char) C.int { return C.ot_tracker_get(&out, t.tracker, id, &report) })
	return answer(rc, out, &report)
}

type jsonFn func(text **C.char, n *C.size_t, e *C.ot_error) C.int

// readJSON runs a library call producing JSON and decodes it into v.
func (t *Tracker) readJSON(ctx context.Context, v any, fn jsonFn) error {
	if err := t.enter(ctx); err != nil {
		return err
	}
	defer t.mu.RUnlock()
	var text *C.char
	var n C.size_t
	var report C.ot_error
	rc := fn(&text, &n, &report)
	if err := fromReport(rc, &report); err != nil {
		return err
	}
	return takeJSON(text, n, v)
}

// History returns the order's history, oldest first.
func (t *Tracker) History(ctx context.Context, orderID string) ([]HistoryEntry, error) {
	var v struct {
		History []HistoryEntry `json:"status_history"`
	}
	err := t.readJSON(ctx, &v, func(text **C.char, n *C.size_t, e *C.ot_error) C.int {
		return withCString(orderID, func(id *C.char) C.int { return C.ot_tracker_history(text, n, t.tracker, id, e) })
	})
	return v.History, err
}

// LiveLocation returns where the order is: status, driver position and details, ETA.
func (t *Tracker) LiveLocation(ctx context.Context, orderID string) (*LiveLocation, error) {
	v := new(LiveLocation)
	err := t.readJSON(ctx, v, func(text **C.char, n *C.size_t, e *C.ot_error) C.int {
		return withCString(orderID, func(id *C.char) C.int { return C.ot_tracker_live_location(text, n, t.tracker, id, e) })
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

// ListFilter selects orders; every set member must match. Limit 0 means 50 (max 1000).
type ListFilter struct {
	StoreID        string
	CustomerID     string
	Status         Status         // 0: any
	ShipmentStatus ShipmentStatus // 0: any
	ShipmentActive bool           // only non-terminal parcel shipments
	Provider       Provider       // 0: any
	TrackingID     string
	UpdatedBefore  time.Time // zero: any
	Limit          int
	Cursor         string // "" for the first page, else the previous page's NextCursor
}

// OrderPage is one page of List; NextCursor is "" on the last page.
type OrderPage struct {
	Orders     []Order `json:"orders"`
	NextCursor string  `json:"next_cursor"`
}

// List returns one page of orders matching f, ordered by order id.
func (t *Tracker) List(ctx context.Context, f ListFilter) (*OrderPage, error) {
	var q C.ot_list_request
	var report C.ot_error
	if err := fromReport(C.ot_list_request_init(&q, C.OT_LIST_REQUEST_VERSION, &report), &report); err != nil {
		return nil, err
	}
	var cs cstrings
	defer cs.free()
	q.store_id, q.customer_id, q.tracking_id = cs.str(f.StoreID), cs.str(f.CustomerID), cs.str(f.TrackingID)
	q.cursor = cs.str(f.Cursor)
	q.status, q.shipment_status, q.provider = C.int(f.Status), C.int(f.ShipmentStatus), C.int(f.Provider)
	if f.ShipmentActive {
		q.shipment_active = 1
	}
	q.updated_before_ms = millis(f.UpdatedBefore)
	if f.Limit != 0 {
		q.limit = C.size_t(f.Limit)
	}
	page := new(OrderPage)
	err := t.readJSON(ctx, page, func(text **C.char, n *C.size_t, e *C.ot_error) C.int {
		return C.ot_tracker_list(text, n, t.tracker, &q, e)
	})
	if err != nil {
		return nil, err
	}
	return page, nil
}

// StoreAcknowledge: the store accepts the order (store_acknowledged).
func (t *Tracker) StoreAcknowledge(ctx context.Context, storeID, orderID string, o *WriteOptions) (*Order, error) {
	return t.storeOp(ctx, storeID, orderID, o, nil, func(out **C.ot_order, tr *C.ot_tracker, r *C.ot_request, e *C.ot_error) C.int {
		return C.ot_tracker_store_acknowledge(out, tr, r, e)
	})
}

// StoreReject: the store refuses the order (reason required); with reassignTo the order
// moves to that store and back to store_notified. An issue is recorded either way.
func (t *Tracker) StoreReject(ctx context.Context, storeID, orderID, reason, reassignTo string, o *WriteOptions) (*Order, error) {
	return t.storeOp(ctx, storeID, orderID, o, func(r *request) {
		r.c.rejected = 1
		r.c.reason = r.str(reason)
		r.c.reassign_to = r.str(reassignTo)
	}, func(out **C.ot_order, tr *C.ot_tracker, r *C.ot_request, e *C.ot_error) C.int {
		return C.ot_tracker_store_acknowledge(out, tr, r, e)
	})
}

// StartPicking: picking_in_progress.
func (t *Tracker) StartPicking(ctx context.Context, storeID, orderID string, o *WriteOptions) (*Order, error) {
	return t.storeOp(ctx, storeID, orderID, o, nil, func(out **C.ot_order, tr *C.ot_tracker, r *C.ot_request, e *C.ot_error) C.int {
		return C.ot_tracker_start_picking(out, tr, r, e)
	})
}

// SubstitutionRequest proposes a substitute item.
type SubstitutionRequest struct {
	OriginalItemID   string
	SubstituteItemID string
	Reason           string
	PriceDifference  float64
}

// AddSubstitution adds a pending substitution (substitutions_needed).
func (t *Tracker) AddSubstitution(ctx context.Context, storeID, orderID string, s SubstitutionRequest, o *WriteOptions) (*Order, error) {
	return t.storeOp(ctx, storeID, orderID, o, func(r *request) {
		r.c.original_item_id = r.str(s.OriginalItemID)
		r.c.substitute_item_id = r.str(s.SubstituteItemID)
		r.c.reason = r.str(s.Reason)
		r.c.price_difference = C.double(s.PriceDifference)
	}, func(out **C.ot_order, tr *C.ot_tracker, r *C.ot_request, e *C.ot_error) C.int {
		return C.ot_tracker_add_substitution(out, tr, r, e)
	})
}

// Ready: picking complete (ready_for_pickup); ErrState while a substitution is pending.
func (t *Tracker) Ready(ctx context.Context, storeID, orderID string, o *WriteOptions) (*Order, error) {
	return t.storeOp(ctx, storeID, orderID, o, nil, func(out **C.ot_order, tr *C.ot_tracker, r *C.ot_request, e *C.ot_error) C.int {
		return C.ot_tracker_ready(out, tr, r, e)
	})
}

func (t *Tracker) storeOp(ctx context.Context, storeID, orderID string, o *WriteOptions, fill func(*request), fn writeFn) (*Order, error) {
	return t.simple(ctx, orderID, o, fn, func(r *request) {
		r.c.store_id = r.str(storeID)
		if fill != nil {
			fill(r)
		}
	})
}

// RespondSubstitution records the customer's answer to a pending substitution.
func (t *Tracker) RespondSubstitution(ctx context.Context, orderID, originalItemID string, approved bool, o *WriteOptions) (*Order, error) {
	return t.simple(ctx, orderID, o, func(out **C.ot_order, tr *C.ot_tracker, r *C.ot_request, e *C.ot_error) C.int {
		return C.ot_tracker_respond_substitution(out, tr, r, e)
	}, func(r *request) {
		r.c.original_item_id = r.str(originalItemID)
		if approved {
			r.c.approved = 1
		}
	})
}

// Assignment is the answer of the driver search.
type Assignment struct {
	Driver            *Driver // nil: no driver was found
	TrackingID        string
	TrackingURL       string
	EstimatedDelivery time.Time
}

// AssignDriver assigns a.Driver (driver_assigned). With a nil Driver no driver was found: a
// no_drivers issue is recorded, the order stays ready_for_pickup and retryAfter is the
// backoff before the next attempt.
func (t *Tracker) AssignDriver(ctx context.Context, orderID string, a Assignment, o *WriteOptions) (order *Order, retryAfter time.Duration, err error) {
	r, err := newRequest(orderID, o)
	if err != nil {
		return nil, 0, err
	}
	if d := a.Driver; d != nil {
		r.c.driver_id, r.c.driver_name, r.c.driver_phone = r.str(d.DriverID), r.str(d.Name), r.str(d.Phone)
		r.c.vehicle_type, r.c.vehicle_number, r.c.photo_url = r.str(d.VehicleType), r.str(d.VehicleNumber), r.str(d.PhotoURL)
	}
	r.c.tracking_id, r.c.tracking_url = r.str(a.TrackingID), r.str(a.TrackingURL)
	r.c.estimated_delivery_ms = millis(a.EstimatedDelivery)
	var retry C.int64_t
	order, err = t.write(ctx, r, func(out **C.ot_order, tr *C.ot_tracker, r *C.ot_request, e *C.ot_error) C.int {
		return C.ot_tracker_assign_driver(out, &retry, tr, r, e)
	})
	return order, time.Duration(retry) * time.Millisecond, err
}

// Position is a driver's reported position.
type Position struct {
	Latitude  float64
	Longitude float64
	Accuracy  *float64  // metres; nil when unknown
	Time      time.Time // zero: now
}

// UpdateLocation records the driver's position (projection only, no history). An older
// position than the stored one is stale.
func (t *Tracker) UpdateLocation(ctx context.Context, orderID string, p Position, o *WriteOptions) (*Order, error) {
	return t.simple(ctx, orderID, o, func(out **C.ot_order, tr *C.ot_tracker, r *C.ot_request, e *C.ot_error) C.int {
		return C.ot_tracker_update_location(out, tr, r, e)
	}, func(r *request) {
		r.c.latitude, r.c.longitude = C.double(p.Latitude), C.double(p.Longitude)
		if p.Accuracy != nil {
			r.c.has_accuracy, r.c.accuracy = 1, C.double(*p.Accuracy)
		}
		r.c.time_ms = millis(p.Time)
	})
}

// Pickup: the driver picked the order up at `at` (zero: now).
func (t *Tracker) Pickup(ctx context.Context, orderID string, at time.Time, o *WriteOptions) (*Order, error) {
	return t.simple(ctx, orderID, o, func(out **C.ot_order, tr *C.ot_tracker, r *C.ot_request, e *C.ot_error) C.int {
		return C.ot_tracker_pickup(out, tr, r, e)
	}, func(r *request) { r.c.time_ms = millis(at) })
}

// Delivered: the order was delivered at `at` (zero: now).
func (t *Tracker) Delivered(ctx context.Context, orderID string, at time.Time, o *WriteOptions) (*Order, error) {
	return t.simple(ctx, orderID, o, func(out **C.ot_order, tr *C.ot_tracker, r *C.ot_request, e *C.ot_error) C.int {
		return C.ot_tracker_delivered(out, tr, r, e)
	}, func(r *request) { r.c.time_ms = millis(at) })
}

// RaiseIssue records an issue on the order.
func (t *Tracker) RaiseIssue(ctx context.Context, orderID, issueType, description string, severity Severity, o *WriteOptions) (*Order, error) {
	var sev C.ot_severity
	var report C.ot_error
	rc := withCString(string(severity), func(s *C.char) C.int { return C.ot_severity_from_string(&sev, s, &report) })
	if err := fromReport(rc, &report); err != nil {
		return nil, err
	}
	return t.simple(ctx, orderID, o, func(out **C.ot_order, tr *C.ot_tracker, r *C.ot_request, e *C.ot_error) C.int {
		return C.ot_tracker_raise_issue(out, tr, r, e)
	}, func(r *request) {
		r.c.issue_type, r.c.description, r.c.severity = r.str(issueType), r.str(description), C.int(sev)
	})
}

// ResolveIssue resolves issue number index (0-based, as in Order.Issues).
func (t *Tracker) ResolveIssue(ctx context.Context, orderID string, index int, resolution string, o *WriteOptions) (*Order, error) {
	return t.simple(ctx, orderID, o, func(out **C.ot_order, tr *C.ot_tracker, r *C.ot_request, e *C.ot_error) C.int {
		return C.ot_tracker_resolve_issue(out, tr, r, e)
	}, func(r *request) { r.c.issue_index, r.c.resolution = C.size_t(index), r.str(resolution) })
}
