// Package sqlite opens libordertrack's embedded SQLite store for an ordertrack.Tracker.
// Importing it links libordertrack-sqlite (pkg-config "ordertrack-sqlite") and SQLite;
// programs that do not import it link neither.
package sqlite

// #cgo pkg-config: ordertrack-sqlite
// #include <stdlib.h>
// #include <ordertrack/ordertrack.h>
// #include <ordertrack/adapters/sqlite.h>
import "C"

import (
	"unsafe"

	"github.com/libordertrack/libordertrack/bindings/go/ordertrack"
)

// OpenStorage opens the SQLite database file at path, creating or migrating it as needed,
// for ordertrack.New.
func OpenStorage(path string) (*ordertrack.Storage, error) {
	if path == "" {
		return nil, &ordertrack.Error{Code: ordertrack.CodeInvalid, Field: "path",
			Message: "the SQLite database path is empty"}
	}
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	var report C.ot_error
	var storage *C.ot_storage
	rc := C.ot_storage_sqlite_open(&storage, cpath, nil, &report)
	if err := ordertrack.ErrorFromC(int(rc), unsafe.Pointer(&report)); err != nil {
		return nil, err
	}
	return ordertrack.WrapStorage(unsafe.Pointer(storage)), nil
}

// Open returns a tracker over the SQLite database file at path (OpenStorage, then
// ordertrack.New). opts may be nil.
func Open(path string, opts *ordertrack.Options) (*ordertrack.Tracker, error) {
	s, err := OpenStorage(path)
	if err != nil {
		return nil, err
	}
	return ordertrack.New(s, opts)
}

// Register adds the scheme "sqlite:PATH" to reg, for reg.Open and reg.OpenStorage: the path
// is everything after the colon. Registering twice is an error matching ordertrack.ErrExists.
func Register(reg *ordertrack.Registry) error {
	return reg.RegisterC(func(cRegistry unsafe.Pointer) error {
		var report C.ot_error
		rc := C.ot_storage_sqlite_register((*C.ot_storage_registry)(cRegistry), &report)
		return ordertrack.ErrorFromC(int(rc), unsafe.Pointer(&report))
	})
}
