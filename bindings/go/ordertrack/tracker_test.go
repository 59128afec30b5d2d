package ordertrack

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

func openMemory(t *testing.T) *Tracker {
	t.Helper()
	tr, err := Open("memory:", &Options{MaxRetries: 100})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tr.Close() })
	return tr
}

func mustOrder(t *testing.T) func(*Order, error) *Order {
	return func(o *Order, err error) *Order {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
}

func hyperlocal(id string) NewOrder {
	return NewOrder{OrderID: id, StoreID: "store-1", CustomerID: "cust-1", Provider: ProviderUber}
}

func TestLifecycleWithSubstitution(t *testing.T) {
	ctx := context.Background()
	tr := openMemory(t)
	must := mustOrder(t)
	eta := time.Now().Add(time.Hour).UTC().Truncate(time.Millisecond)
	o := must(tr.InitOrder(ctx, hyperlocal("o-1"), &WriteOptions{Metadata: map[string]any{"channel": "app"}}))
	if o.Status != StatusSubmitted || o.Version != 1 || o.Metadata["channel"] != "app" || o.ShipmentStatus != nil {
		t.Fatalf("init: %+v", o)
	}
	must(tr.SetStatus(ctx, "o-1", StatusStoreNotified, &WriteOptions{UpdatedBy: "dispatcher"}))
	o = must(tr.StoreAcknowledge(ctx, "store-1", "o-1", nil))
	if o.StoreAcknowledgmentTime == nil {
		t.Fatal("store_acknowledgment_time not set")
	}
	must(tr.StartPicking(ctx, "store-1", "o-1", nil))
	o = must(tr.AddSubstitution(ctx, "store-1", "o-1", SubstitutionRequest{
		OriginalItemID: "milk-1l", SubstituteItemID: "milk-2l", Reason: "out of stock", PriceDifference: 1.25}, nil))
	if o.Status != StatusSubstitutionsNeeded || o.Substitutions[0].Status != "pending" {
		t.Fatalf("substitution: %v %+v", o.Status, o.Substitutions)
	}
	if _, err := tr.Ready(ctx, "store-1", "o-1", nil); !errors.Is(err, ErrState) {
		t.Fatalf("ready with a pending substitution: %v", err)
	}
	o = must(tr.RespondSubstitution(ctx, "o-1", "milk-1l", true, nil))
	if o.Status != StatusSubstitutionsApproved {
		t.Fatalf("respond: %v", o.Status)
	}
	must(tr.Ready(ctx, "store-1", "o-1", nil))
	o, retry, err := tr.AssignDriver(ctx, "o-1", Assignment{}, nil)
	if err != nil || retry != 30*time.Second || o.Issues[0].IssueType != "no_drivers" {
		t.Fatalf("no driver: %v %v %+v", err, retry, o)
	}
	o, retry, err = tr.AssignDriver(ctx, "o-1", Assignment{Driver: &Driver{DriverID: "drv-7", Name: "Asha",
		Phone: "+91-9000000000", VehicleType: "bike"}, EstimatedDelivery: eta}, nil)
	if err != nil || retry != 0 || o.DriverDetails.DriverID != "drv-7" || !o.EstimatedDeliveryTime.Equal(eta) {
		t.Fatalf("assign: %v %v %+v", err, retry, o)
	}
	acc := 8.5
	o = must(tr.UpdateLocation(ctx, "o-1", Position{Latitude: 12.97, Longitude: 77.59, Accuracy: &acc}, nil))
	if o.DriverLocation == nil || *o.DriverLocation.Accuracy != 8.5 {
		t.Fatalf("location: %+v", o.DriverLocation)
	}
	if len(o.LocationTrail) != 1 || o.LocationTrail[0].Latitude != 12.97 {
		t.Fatalf("trail: %+v", o.LocationTrail)
	}
	old, err := tr.UpdateLocation(ctx, "o-1", Position{Latitude: 1, Longitude: 1, Time: time.Unix(1, 0)}, nil)
	if !errors.Is(err, ErrStale) || old == nil || old.DriverLocation.Latitude != 12.97 {
		t.Fatalf("older position must be stale with the unchanged order: %v %+v", err, old)
	}
	must(tr.Pickup(ctx, "o-1", time.Time{}, nil))
	must(tr.SetStatus(ctx, "o-1", StatusInTransit, nil))
	at := time.Now().UTC().Truncate(time.Millisecond)
	o = must(tr.Delivered(ctx, "o-1", at, nil))
	if o.Status != StatusDelivered || !o.ActualDeliveryTime.Equal(at) {
		t.Fatalf("delivered: %v %v", o.Status, o.ActualDeliveryTime)
	}
	got := must(tr.Get(ctx, "o-1"))
	if got.Version != o.Version || len(got.History) != len(o.History) {
		t.Fatalf("get: %d %d", got.Version, o.Version)
	}
	h, err := tr.History(ctx, "o-1")
	if err != nil || h[0].Status != StatusSubmitted || h[len(h)-1].Status != StatusDelivered || h[0].Event() != "created" {
		t.Fatalf("history: %v %+v", err, h)
	}
	live, err := tr.LiveLocation(ctx, "o-1")
	if err != nil || live.Status != StatusDelivered || live.DriverDetails.Name != "Asha" {
		t.Fatalf("live: %v %+v", err, live)
	}
	must(tr.RaiseIssue(ctx, "o-1", "damaged", "bag torn", SeverityHigh, nil))
	o = must(tr.ResolveIssue(ctx, "o-1", 1, "refunded", nil))
	if o.Issues[1].Resolution != "refunded" || o.Issues[1].Severity != SeverityHigh || o.Issues[1].ResolvedAt == nil {
		t.Fatalf("issue: %+v", o.Issues)
	}
	rep, err := SLAReportOf(o, time.Time{}, nil)
	if err != nil || rep.State == "" || len(rep.Stages) != 5 {
		t.Fatalf("sla: %v %+v", err, rep)
	}
}

func TestStoreRejectionAndList(t *testing.T) {
	ctx := context.Background()
	tr := openMemory(t)
	must := mustOrder(t)
	must(tr.InitOrder(ctx, hyperlocal("o-1"), nil))
	must(tr.SetStatus(ctx, "o-1", StatusStoreNotified, nil))
	o := must(tr.StoreReject(ctx, "store-1", "o-1", "closed", "store-2", nil))
	if o.StoreID != "store-2" || o.Status != StatusStoreNotified {
		t.Fatalf("reject: %s %v", o.StoreID, o.Status)
	}
	for i := 0; i < 5; i++ {
		must(tr.InitOrder(ctx, NewOrder{OrderID: fmt.Sprintf("p-%d", i), StoreID: "store-1", CustomerID: "c",
			Provider: ProviderDelhivery, TrackingID: fmt.Sprintf("AWB%d", i)}, nil))
	}
	var ids []string
	f := ListFilter{Provider: ProviderDelhivery, Limit: 2}
	for {
		page, err := tr.List(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range page.Orders {
			ids = append(ids, o.OrderID)
		}
		if page.NextCursor == "" {
			break
		}
		f.Cursor = page.NextCursor
	}
	if fmt.Sprint(ids) != "[p-0 p-1 p-2 p-3 p-4]" {
		t.Fatalf("pages: %v", ids)
	}
}

func TestCourierUpdates(t *testing.T) {
	ctx := context.Background()
	tr := openMemory(t)
	must := mustOrder(t)
	must(tr.InitOrder(ctx, NewOrder{OrderID: "p-1", StoreID: "s", CustomerID: "c", Provider: ProviderDelhivery, TrackingID: "AWB-1"}, nil))
	u := Update{Provider: ProviderDelhivery, TrackingID: "AWB-1", EventID: "e1", RawStatus: "In Transit", RawType: "UD"}
	o := must(tr.ApplyUpdate(ctx, u, ""))
	if o.Status != StatusInTransit || *o.ShipmentStatus != ShipmentInTransit || o.CourierStatusRaw != "In Transit" {
		t.Fatalf("update: %v %v", o.Status, o.ShipmentStatus)
	}
	again, err := tr.ApplyUpdate(ctx, u, "")
	if !errors.Is(err, ErrStale) || again.Version != o.Version {
		t.Fatalf("redelivered event must be stale: %v", err)
	}
	o = must(tr.ApplyUpdate(ctx, Update{Provider: ProviderDelhivery, TrackingID: "AWB-1", RawStatus: "Something new"}, ""))
	if o.Issues[len(o.Issues)-1].IssueType != "unmapped_status" {
		t.Fatalf("unmapped: %+v", o.Issues)
	}
	o = must(tr.ApplyUpdate(ctx, Update{Provider: ProviderDelhivery, TrackingID: "AWB-1", ShipmentStatus: ShipmentNDR}, ""))
	rep, err := SLAReportOf(o, time.Now().Add(80*time.Hour), nil)
	// a parcel shipment without an ETA: only no_scan and ndr_age (docs/sla.md)
	if err != nil || rep.State != "breached" || len(rep.Stages) != 2 ||
		rep.Stages[0].Stage != "no_scan" || rep.Stages[1].Stage != "ndr_age" {
		t.Fatalf("ndr sla: %v %+v", err, rep)
	}
}

func TestErrors(t *testing.T) {
	ctx := context.Background()
	tr := openMemory(t)
	must := mustOrder(t)
	must(tr.InitOrder(ctx, hyperlocal("o-1"), nil))
	var e *Error

	_, err := tr.InitOrder(ctx, NewOrder{OrderID: "o-2", StoreID: "s", CustomerID: "c", Provider: ProviderDelhivery}, nil)
	if !errors.As(err, &e) || e.Code != CodeInvalid || e.Field == "" {
		t.Fatalf("parcel order without AWB: %#v", err)
	}
	if _, err = tr.Get(ctx, "nope"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("get: %v", err)
	}
	if _, err = tr.StartPicking(ctx, "store-9", "o-1", nil); !errors.Is(err, ErrNotFound) {
		t.Fatalf("another store: %v", err)
	}
	if _, err = tr.InitOrder(ctx, hyperlocal("o-1"), nil); !errors.Is(err, ErrExists) {
		t.Fatalf("init twice: %v", err)
	}
	_, err = tr.SetStatus(ctx, "o-1", StatusDelivered, nil)
	if !errors.As(err, &e) || !errors.Is(err, ErrTransition) || e.From != "submitted" || e.To != "delivered" {
		t.Fatalf("transition: %#v", err)
	}
	must(tr.SetStatus(ctx, "o-1", StatusStoreNotified, &WriteOptions{IfMatch: 1}))
	if _, err = tr.StoreAcknowledge(ctx, "store-1", "o-1", &WriteOptions{IfMatch: 1}); !errors.Is(err, ErrConflict) {
		t.Fatalf("if-match: %v", err)
	}
	a := must(tr.StoreAcknowledge(ctx, "store-1", "o-1", &WriteOptions{IdempotencyKey: "k-1"}))
	b := must(tr.StoreAcknowledge(ctx, "store-1", "o-1", &WriteOptions{IdempotencyKey: "k-1"}))
	if a.Version != b.Version {
		t.Fatalf("replay applied twice: %d %d", a.Version, b.Version)
	}
	if _, err = tr.SetStatus(ctx, "o-1", StatusCancelled, &WriteOptions{IdempotencyKey: "k-1"}); !errors.Is(err, ErrIdempotencyConflict) {
		t.Fatalf("key reuse: %v", err)
	}
	if _, err = tr.UpdateLocation(ctx, "o-1", Position{Latitude: 1, Longitude: 2}, nil); !errors.Is(err, ErrState) {
		t.Fatalf("location without driver: %v", err)
	}
	if _, err = tr.RaiseIssue(ctx, "o-1", "x", "y", "apocalyptic", nil); !errors.Is(err, ErrInvalid) {
		t.Fatalf("severity: %v", err)
	}
	// The core links no adapter: SQLite and MongoDB URIs name the package that opens them.
	for uri, pkg := range map[string]string{"sqlite:/tmp/x.db": "sqlite", "mongodb://127.0.0.1:1/orders": "mongo"} {
		_, err = Open(uri, nil)
		if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), "/ordertrack/"+pkg+" ") {
			t.Fatalf("%s in the core: %v", uri, err)
		}
	}
	if _, err = New(nil, nil); !errors.Is(err, ErrInvalid) {
		t.Fatalf("nil storage: %v", err)
	}
	if _, err = Open("postgres://x", nil); !errors.Is(err, ErrInvalid) {
		t.Fatalf("unknown uri: %v", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err = tr.Get(cancelled, "o-1"); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled context: %v", err)
	}
	tr.Close()
	tr.Close()
	if _, err = tr.Get(ctx, "o-1"); !errors.Is(err, ErrState) {
		t.Fatalf("closed: %v", err)
	}
}

func TestGoroutinesShareOneTracker(t *testing.T) {
	for _, uri := range []string{"memory:"} { // sqlite: in package sqlite
		t.Run(uri[:6], func(t *testing.T) {
			ctx := context.Background()
			tr, err := Open(uri, &Options{MaxRetries: 100})
			if err != nil {
				t.Fatal(err)
			}
			defer tr.Close()
			mustOrder(t)(tr.InitOrder(ctx, hyperlocal("o-1"), nil))
			const goroutines, each = 8, 12 // 96 issues: within the default max_issues (100)
			var wg sync.WaitGroup
			errs := make(chan error, goroutines)
			for g := 0; g < goroutines; g++ {
				wg.Add(1)
				go func(g int) {
					defer wg.Done()
					for i := 0; i < each; i++ {
						if _, err := tr.RaiseIssue(ctx, "o-1", "note", fmt.Sprintf("%d-%d", g, i), SeverityLow, nil); err != nil {
							errs <- err
							return
						}
						if _, err := tr.Get(ctx, "o-1"); err != nil {
							errs <- err
							return
						}
					}
				}(g)
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Fatal(err)
			}
			o := mustOrder(t)(tr.Get(ctx, "o-1"))
			if len(o.Issues) != goroutines*each || o.Version != 1+goroutines*each {
				t.Fatalf("lost updates: %d issues, version %d", len(o.Issues), o.Version)
			}
		})
	}
}

func TestMapStatus(t *testing.T) {
	m, err := MapStatus(ProviderDelhivery, "In Transit", "UD", "")
	if err != nil || m.ShipmentStatus != ShipmentInTransit || m.Status != StatusInTransit {
		t.Fatalf("delhivery: %+v %v", m, err)
	}
	m, err = MapStatus(ProviderUber, "delivered", "", "")
	if err != nil || m.Status != StatusDelivered || m.ShipmentStatus != 0 {
		t.Fatalf("uber: %+v %v", m, err)
	}
	m, err = MapStatus(ProviderShiprocket, "teleported", "", "")
	var e *Error
	if !errors.As(err, &e) || !errors.Is(err, ErrUnknownStatus) || m.Flags&FlagUnmapped == 0 {
		t.Fatalf("unknown: %+v %v", m, err)
	}
	if _, err = MapStatus(ProviderInternal, "delivered", "", ""); !errors.Is(err, ErrInvalid) {
		t.Fatalf("internal: %v", err)
	}
}

func TestMapStatusShiprocketIDsAndWords(t *testing.T) {
	cases := []struct {
		id, words string
		want      ShipmentStatus
	}{
		{"7", "Delivered", ShipmentDelivered},
		{"17", "Out For Delivery", ShipmentOutForDelivery},
		{"10", "RTO Delivered", ShipmentRTODelivered},
		{"9", "RTO Initiated", ShipmentRTO},
		{"46", "RTO IN INTRANSIT", ShipmentRTOInTransit},
		{"21", "Undelivered", ShipmentNDR},
	}
	for _, c := range cases {
		byID, err := MapStatus(ProviderShiprocket, c.id, "", "")
		if err != nil || byID.ShipmentStatus != c.want {
			t.Fatalf("shiprocket %s: %+v %v", c.id, byID, err)
		}
		for _, v := range []string{c.words, strings.ToUpper(c.words), strings.ToLower(c.words),
			" " + c.words + "\t", strings.Join(strings.Fields(c.words), "  "),
			strings.ReplaceAll(c.words, " ", "_")} {
			m, err := MapStatus(ProviderShiprocket, v, "", "")
			if err != nil || m != byID {
				t.Fatalf("shiprocket %q: %+v %v, want %+v", v, m, err, byID)
			}
		}
	}
	m, err := MapStatus(ProviderShiprocket, "partial_delivered", "", "")
	if err != nil || m.ShipmentStatus != ShipmentDelivered || m.Flags != FlagPartial {
		t.Fatalf("partial_delivered: %+v %v", m, err)
	}
	for _, v := range []string{"QC Failed", "47", "Out-For-Delivery"} {
		if _, err := MapStatus(ProviderShiprocket, v, "", ""); !errors.Is(err, ErrUnknownStatus) {
			t.Fatalf("shiprocket %q: %v", v, err)
		}
	}
	for _, v := range []string{"out_for_delivery", "OUT_FOR_DELIVERY", "Out For Delivery", " out  for delivery "} {
		if m, err := MapStatus(ProviderVelocity, v, "", ""); err != nil || m.ShipmentStatus != ShipmentOutForDelivery {
			t.Fatalf("velocity %q: %+v %v", v, m, err)
		}
	}
	for _, v := range [][2]string{{"Not Picked", "UD"}, {"NOT  PICKED", " ud "}, {"not_picked", "Ud"}} {
		if m, err := MapStatus(ProviderDelhivery, v[0], v[1], ""); err != nil || m.ShipmentStatus != ShipmentPending {
			t.Fatalf("delhivery %q %q: %+v %v", v[0], v[1], m, err)
		}
	}
}

func TestSLAReportOfAnOrder(t *testing.T) {
	ctx := context.Background()
	tr := openMemory(t)
	mustOrder(t)(tr.InitOrder(ctx, hyperlocal("o-1"), nil))
	o := mustOrder(t)(tr.SetStatus(ctx, "o-1", StatusStoreNotified, nil))
	notified := o.History[1].Timestamp
	rep, err := SLAReportOf(o, notified.Add(4*time.Minute), nil)
	if err != nil || rep.State != "warning" || rep.Stages[0].ElapsedMS != 240000 || !rep.EvaluatedAt.Equal(notified.Add(4*time.Minute)) {
		t.Fatalf("warning: %v %+v", err, rep)
	}
	rep, err = SLAReportOf(o, notified.Add(4*time.Minute), []byte(`{"stores":{"store-1":{"store_acknowledgment_ms":600000}}}`))
	if err != nil || rep.State != "ok" {
		t.Fatalf("per-store policy: %v %+v", err, rep)
	}
	if _, err = SLAReportOf(o, time.Time{}, []byte(`{"warning_fraction":2}`)); !errors.Is(err, ErrInvalid) {
		t.Fatalf("bad policy: %v", err)
	}
}

func TestRegistry(t *testing.T) {
	reg, err := NewRegistry()
	if err != nil {
		t.Fatal(err)
	}
	tr, err := reg.Open("Memory:", nil)
	if err != nil {
		t.Fatal(err)
	}
	tr.Close()
	// the scheme and the registered ones, never the URI's password
	_, err = reg.OpenStorage("redis://ops:s3cret@127.0.0.1/0")
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeUnsupported || e.Field != "scheme" ||
		!strings.Contains(e.Message, "redis") || !strings.Contains(e.Message, "registered: memory)") ||
		strings.Contains(e.Message, "s3cret") {
		t.Fatalf("unknown scheme: %v", err)
	}
	if _, err = reg.OpenStorage("/var/lib/orders.db"); !errors.Is(err, ErrInvalid) {
		t.Fatalf("no scheme: %v", err)
	}
	reg.Close()
	reg.Close()
	if _, err = reg.OpenStorage("memory:"); !errors.Is(err, ErrState) {
		t.Fatalf("closed registry: %v", err)
	}
}
