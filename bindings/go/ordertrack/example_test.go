package ordertrack_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/libordertrack/libordertrack/bindings/go/ordertrack"
)

// An order through its lifecycle on the in-process store, and a step the status graph
// refuses.
func Example() {
	ctx := context.Background()
	t, err := ordertrack.Open("memory:", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer t.Close()
	o, err := t.InitOrder(ctx, ordertrack.NewOrder{OrderID: "order-1", StoreID: "store-1",
		CustomerID: "cust-1", Provider: ordertrack.ProviderUber}, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(o.Status, o.Version)
	o, err = t.SetStatus(ctx, "order-1", ordertrack.StatusStoreNotified,
		&ordertrack.WriteOptions{UpdatedBy: "dispatcher", IfMatch: o.Version})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(o.Status, o.Version, o.History[1].UpdatedBy)
	_, err = t.SetStatus(ctx, "order-1", ordertrack.StatusDelivered, nil)
	var e *ordertrack.Error
	if errors.As(err, &e) && errors.Is(err, ordertrack.ErrTransition) {
		fmt.Println("refused:", e.From, "->", e.To)
	}
	// Output:
	// submitted 1
	// store_notified 2 dispatcher
	// refused: store_notified -> delivered
}

// Errors match the Err... sentinels with errors.Is; an *Error names the field at fault.
func ExampleError() {
	t, err := ordertrack.Open("memory:", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer t.Close()
	_, err = t.Get(context.Background(), "no-such-order")
	fmt.Println(errors.Is(err, ordertrack.ErrNotFound))
	_, err = ordertrack.Open("sqlite:orders.db", nil)
	var e *ordertrack.Error
	fmt.Println(errors.As(err, &e), e.Code.Name(), e.Field)
	// Output:
	// true
	// true OT_EUNSUPPORTED storage
}

// A parcel courier's raw status, mapped with the built-in tables.
func ExampleMapStatus() {
	m, err := ordertrack.MapStatus(ordertrack.ProviderDelhivery, "In Transit", "UD", "")
	fmt.Println(m.ShipmentStatus, m.Status, err)
	_, err = ordertrack.MapStatus(ordertrack.ProviderShiprocket, "teleported", "", "")
	fmt.Println(errors.Is(err, ordertrack.ErrUnknownStatus))
	// Output:
	// in transit in_transit <nil>
	// true
}

// The validator: a late courier report of a passed state is stale, not an error to raise.
func ExampleCheckStatusTransition() {
	for _, step := range []struct {
		from, to ordertrack.Status
		source   ordertrack.Source
	}{
		{ordertrack.StatusReadyForPickup, ordertrack.StatusDriverAssigned, ordertrack.SourceAPI},
		{ordertrack.StatusDelivered, ordertrack.StatusInTransit, ordertrack.SourceCourier},
		{ordertrack.StatusSubmitted, ordertrack.StatusDelivered, ordertrack.SourceAPI},
	} {
		v, _ := ordertrack.CheckStatusTransition(step.from, step.to, step.source)
		fmt.Println(step.from, "->", step.to, v)
	}
	// Output:
	// ready_for_pickup -> driver_assigned legal
	// delivered -> in_transit stale
	// submitted -> delivered illegal
}

// A courier update found by its tracking id (the AWB of a parcel order).
func ExampleTracker_ApplyUpdate() {
	ctx := context.Background()
	t, err := ordertrack.Open("memory:", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer t.Close()
	_, err = t.InitOrder(ctx, ordertrack.NewOrder{OrderID: "p-1", StoreID: "store-1",
		CustomerID: "cust-1", Provider: ordertrack.ProviderDelhivery, TrackingID: "AWB-1"}, nil)
	if err != nil {
		log.Fatal(err)
	}
	o, err := t.ApplyUpdate(ctx, ordertrack.Update{Provider: ordertrack.ProviderDelhivery,
		TrackingID: "AWB-1", RawStatus: "In Transit", RawType: "UD", EventID: "e-1"}, "")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(*o.ShipmentStatus, o.Status, o.CourierStatusRaw)
	_, err = t.ApplyUpdate(ctx, ordertrack.Update{Provider: ordertrack.ProviderDelhivery,
		TrackingID: "AWB-1", RawStatus: "In Transit", RawType: "UD", EventID: "e-1"}, "")
	fmt.Println("redelivered event is stale:", errors.Is(err, ordertrack.ErrStale))
	// Output:
	// in transit in_transit In Transit
	// redelivered event is stale: true
}
