package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/libordertrack/libordertrack/bindings/go/ordertrack"
	"github.com/libordertrack/libordertrack/bindings/go/ordertrack/sqlite"
)

func mustOrder(t *testing.T) func(*ordertrack.Order, error) *ordertrack.Order {
	return func(o *ordertrack.Order, err error) *ordertrack.Order {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
}

func hyperlocal(id string) ordertrack.NewOrder {
	return ordertrack.NewOrder{OrderID: id, StoreID: "store-1", CustomerID: "cust-1", Provider: ordertrack.ProviderUber}
}

func TestGoroutinesShareOneSQLiteTracker(t *testing.T) {
	ctx := context.Background()
	tr, err := sqlite.Open(filepath.Join(t.TempDir(), "orders.db"), &ordertrack.Options{MaxRetries: 100})
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
				if _, err := tr.RaiseIssue(ctx, "o-1", "note", fmt.Sprintf("%d-%d", g, i), ordertrack.SeverityLow, nil); err != nil {
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
}

func TestSQLitePersists(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "orders.db")
	tr, err := sqlite.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	mustOrder(t)(tr.InitOrder(ctx, hyperlocal("o-1"), nil))
	before := mustOrder(t)(tr.SetStatus(ctx, "o-1", ordertrack.StatusStoreNotified, nil))
	tr.Close()
	tr, err = sqlite.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	after := mustOrder(t)(tr.Get(ctx, "o-1"))
	if after.Version != before.Version || after.Status != ordertrack.StatusStoreNotified || len(after.History) != 2 {
		t.Fatalf("reopened: %+v", after)
	}
}

func TestOpenErrors(t *testing.T) {
	if _, err := sqlite.Open("", nil); !errors.Is(err, ordertrack.ErrInvalid) {
		t.Fatalf("empty path: %v", err)
	}
	var e *ordertrack.Error
	_, err := sqlite.Open(filepath.Join(t.TempDir(), "no-such-dir", "orders.db"), nil)
	if !errors.As(err, &e) || e.Code != ordertrack.CodeStorage || e.Message == "" {
		t.Fatalf("unopenable file: %v", err)
	}
}
