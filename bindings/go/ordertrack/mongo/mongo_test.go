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
