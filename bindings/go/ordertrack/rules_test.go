package ordertrack

import (
	"errors"
	"sync"
	"testing"
)

func TestStatusNamesRoundTrip(t *testing.T) {
	for s := StatusSubmitted; s <= StatusFailed; s++ {
		back, err := ParseStatus(s.String())
		if err != nil || back != s {
			t.Fatalf("status %d (%q): got %d, %v", int(s), s.String(), int(back), err)
		}
	}
	for s := ShipmentPending; s <= ShipmentRTODelivered; s++ {
		back, err := ParseShipmentStatus(s.String())
		if err != nil || back != s {
			t.Fatalf("shipment %d (%q): got %d, %v", int(s), s.String(), int(back), err)
		}
	}
	if ShipmentRTOInTransit.String() != "rto in transit" {
		t.Fatalf("wire name %q", ShipmentRTOInTransit.String())
	}
	for p := ProviderUber; p <= ProviderVelocity; p++ {
		if back, err := ParseProvider(p.String()); err != nil || back != p {
			t.Fatalf("provider %d: %v", int(p), err)
		}
	}
	if Status(99).String() != "invalid" {
		t.Fatal("out-of-range status must print invalid")
	}
}

func TestParseErrors(t *testing.T) {
	_, err := ParseStatus("teleported")
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeInvalid || e.Field != "status" {
		t.Fatalf("want an *Error with OT_EINVAL on field status, got %#v", err)
	}
	if !errors.Is(err, ErrInvalid) || errors.Is(err, ErrTransition) {
		t.Fatal("errors.Is must match by code")
	}
	if e.Error() == "" || e.Code.Name() != "OT_EINVAL" {
		t.Fatalf("message %q name %q", e.Error(), e.Code.Name())
	}
}

func TestTransitions(t *testing.T) {
	cases := []struct {
		from, to Status
		src      Source
		want     Verdict
	}{
		{StatusSubmitted, StatusStoreNotified, SourceAPI, Legal},
		{StatusSubmitted, StatusDelivered, SourceAPI, Illegal},
		{StatusReadyForPickup, StatusInTransit, SourceCourier, Legal},
		{StatusDelivered, StatusInTransit, SourceCourier, Stale},
		{StatusInTransit, StatusInTransit, SourceAPI, Stale},
		{StatusDelivered, StatusCancelled, SourceAPI, Illegal},
	}
	for _, c := range cases {
		got, err := CheckStatusTransition(c.from, c.to, c.src)
		if got != c.want {
			t.Errorf("%v -> %v (%v): got %v (%v), want %v", c.from, c.to, c.src, got, err, c.want)
		}
		if (got == Legal) != (err == nil) {
			t.Errorf("%v -> %v: verdict %v with error %v", c.from, c.to, got, err)
		}
	}
	_, err := CheckStatusTransition(StatusDelivered, StatusCancelled, SourceAPI)
	var e *Error
	if !errors.As(err, &e) || e.From != "delivered" || e.To != "cancelled" || !errors.Is(err, ErrTransition) {
		t.Fatalf("illegal transition must name both states: %#v", err)
	}
	if v, err := CheckShipmentTransition(ShipmentPending, ShipmentDelivered, SourceCourier); v != Legal || err != nil {
		t.Fatalf("courier skip forward: %v %v", v, err)
	}
	if v, err := CheckShipmentTransition(ShipmentDelivered, ShipmentInTransit, SourceCourier); v != Stale || !errors.Is(err, ErrStale) {
		t.Fatalf("late courier event: %v %v", v, err)
	}
	if _, err := CheckStatusTransition(0, StatusDelivered, SourceAPI); !errors.Is(err, ErrInvalid) {
		t.Fatalf("invalid from: %v", err)
	}
	if _, err := CheckStatusTransition(StatusSubmitted, StatusDelivered, Source(7)); !errors.Is(err, ErrInvalid) {
		t.Fatalf("invalid source: %v", err)
	}
}

func TestTerminalAndLifecycle(t *testing.T) {
	if term, err := StatusDelivered.Terminal(); !term || err != nil {
		t.Fatal("delivered is terminal")
	}
	if term, _ := ShipmentNDR.Terminal(); term {
		t.Fatal("ndr is not terminal")
	}
	if _, err := Status(0).Terminal(); !errors.Is(err, ErrInvalid) {
		t.Fatal("status 0 must be invalid")
	}
	if s, ok, err := ShipmentBookingCancelled.Lifecycle(); !ok || err != nil || s != StatusCancelled {
		t.Fatalf("booking_cancelled implies cancelled: %v %v %v", s, ok, err)
	}
	if _, ok, _ := ShipmentPending.Lifecycle(); ok {
		t.Fatal("pending implies nothing")
	}
}

// Errors travel with the call, so goroutines moving between threads see their own reports.
func TestConcurrentErrors(t *testing.T) {
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := 0; g < 32; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 500; i++ {
				from := StatusDelivered
				if g%2 == 0 {
					from = StatusCancelled
				}
				_, err := CheckStatusTransition(from, StatusInTransit, SourceAPI)
				var e *Error
				if !errors.As(err, &e) || e.From != from.String() {
					errs <- err
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("report crossed goroutines: %v", err)
	}
}

func TestLibraryVersion(t *testing.T) {
	if LibraryVersion() == "" {
		t.Fatal("empty version")
	}
}
