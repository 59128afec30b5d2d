package mongo_test

import (
	"context"
	"fmt"
	"log"

	"github.com/libordertrack/libordertrack/bindings/go/ordertrack"
	"github.com/libordertrack/libordertrack/bindings/go/ordertrack/mongo"
)

// A tracker over a MongoDB deployment (compiled, not run: it needs a server).
func ExampleOpen() {
	t, err := mongo.Open("mongodb://localhost:27017/orders?serverSelectionTimeoutMS=2000", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer t.Close()
	o, err := t.Get(context.Background(), "order-1")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(o.Status)
}

// OpenStorage and ordertrack.New, for options beyond the defaults.
func ExampleOpenStorage() {
	s, err := mongo.OpenStorage("mongodb://localhost:27017/orders?ot.legacyOrders=true")
	if err != nil {
		log.Fatal(err)
	}
	t, err := ordertrack.New(s, &ordertrack.Options{MaxRetries: 16})
	if err != nil {
		log.Fatal(err)
	}
	defer t.Close()
}
