package sqlite_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/libordertrack/libordertrack/bindings/go/ordertrack"
	"github.com/libordertrack/libordertrack/bindings/go/ordertrack/sqlite"
)

// Orders kept in an SQLite file survive the tracker.
func ExampleOpen() {
	dir, err := os.MkdirTemp("", "orders")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "orders.db")
	ctx := context.Background()

	t, err := sqlite.Open(path, nil)
	if err != nil {
		log.Fatal(err)
	}
	_, err = t.InitOrder(ctx, ordertrack.NewOrder{OrderID: "order-1", StoreID: "store-1",
		CustomerID: "cust-1", Provider: ordertrack.ProviderUber}, nil)
	if err != nil {
		log.Fatal(err)
	}
	t.Close()

	t, err = sqlite.Open(path, nil) // the file keeps it
	if err != nil {
		log.Fatal(err)
	}
	defer t.Close()
	o, err := t.Get(ctx, "order-1")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(o.OrderID, o.Status, o.Version)
	// Output: order-1 submitted 1
}

// A program that takes a storage URI from its configuration registers the adapters it
// links in one Registry and opens whatever the URI names.
func ExampleRegister() {
	dir, err := os.MkdirTemp("", "orders")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	reg, err := ordertrack.NewRegistry() // "memory:" built in
	if err != nil {
		log.Fatal(err)
	}
	defer reg.Close()
	if err = sqlite.Register(reg); err != nil {
		log.Fatal(err)
	}
	for _, uri := range []string{"memory:", "sqlite:" + filepath.Join(dir, "orders.db")} {
		t, err := reg.Open(uri, nil)
		if err != nil {
			log.Fatal(err)
		}
		o, err := t.InitOrder(context.Background(), ordertrack.NewOrder{OrderID: "order-1",
			StoreID: "store-1", CustomerID: "cust-1", Provider: ordertrack.ProviderUber}, nil)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(o.OrderID, o.Status)
		t.Close()
	}
	_, err = reg.Open("redis://localhost/0", nil)
	fmt.Println(err)
	// Output:
	// order-1 submitted
	// order-1 submitted
	// ordertrack: OT_EUNSUPPORTED: no storage scheme redis is registered (registered: memory, sqlite)
}
