package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
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

func TestRegistryOpensSQLiteURIs(t *testing.T) {
	ctx := context.Background()
	reg, err := ordertrack.NewRegistry()
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	uri := "sqlite:" + filepath.Join(t.TempDir(), "orders.db")
	if _, err = reg.Open(uri, nil); !errors.Is(err, ordertrack.ErrUnsupported) ||
		!strings.Contains(err.Error(), "registered: memory)") {
		t.Fatalf("before Register: %v", err)
	}
	if err = sqlite.Register(reg); err != nil {
		t.Fatal(err)
	}
	if err = sqlite.Register(reg); !errors.Is(err, ordertrack.ErrExists) {
		t.Fatalf("registered twice: %v", err)
	}
	tr, err := reg.Open(uri, nil)
	if err != nil {
		t.Fatal(err)
	}
	mustOrder(t)(tr.InitOrder(ctx, hyperlocal("o-1"), nil))
	tr.Close()
	tr, err = sqlite.Open(uri[len("sqlite:"):], nil) // the same file
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	if o := mustOrder(t)(tr.Get(ctx, "o-1")); o.Version != 1 {
		t.Fatalf("version %d", o.Version)
	}
	if _, err = reg.Open("sqlite:", nil); !errors.Is(err, ordertrack.ErrInvalid) {
		t.Fatalf("empty path: %v", err)
	}
	reg.Close()
	if err = sqlite.Register(reg); !errors.Is(err, ordertrack.ErrState) {
		t.Fatalf("closed registry: %v", err)
	}
}
