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
