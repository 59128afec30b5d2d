package mongo_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/libordertrack/libordertrack/bindings/go/ordertrack"
	"github.com/libordertrack/libordertrack/bindings/go/ordertrack/mongo"
)

func TestOpenErrors(t *testing.T) {
	// A MongoDB server that does not answer: a storage error naming it, nothing opened.
	_, err := mongo.Open("mongodb://127.0.0.1:1/orders?serverSelectionTimeoutMS=300&connectTimeoutMS=300", nil)
	if !errors.Is(err, ordertrack.ErrStorage) || !strings.Contains(err.Error(), "127.0.0.1:1") {
		t.Fatalf("unreachable mongo: %v", err)
	}
	// The adapter's own connection-string options reach it: an unknown one is refused by
	// name before any connection is tried.
	_, err = mongo.Open("mongodb://127.0.0.1:1/orders?ot.legacyOrdes=true&serverSelectionTimeoutMS=300", nil)
	if !errors.Is(err, ordertrack.ErrInvalid) || !strings.Contains(err.Error(), "ot.legacyOrdes") {
		t.Fatalf("unknown ot. option: %v", err)
	}
	if _, err = mongo.Open("", nil); !errors.Is(err, ordertrack.ErrInvalid) {
		t.Fatalf("empty uri: %v", err)
	}
}

func TestRegister(t *testing.T) {
	reg, err := ordertrack.NewRegistry()
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	if err = mongo.Register(reg); err != nil {
		t.Fatal(err)
	}
	if err = mongo.Register(reg); !errors.Is(err, ordertrack.ErrExists) {
		t.Fatalf("registered twice: %v", err)
	}
	// both schemes reach the adapter with the whole URI: its ot. options are read
	for _, uri := range []string{"mongodb://127.0.0.1:1/orders?ot.legacyOrdes=true",
		"mongodb+srv://cluster.invalid/orders?ot.legacyOrdes=true"} {
		if _, err = reg.Open(uri, nil); !errors.Is(err, ordertrack.ErrInvalid) ||
			!strings.Contains(err.Error(), "ot.legacyOrdes") {
			t.Fatalf("%s: %v", uri, err)
		}
	}
}
