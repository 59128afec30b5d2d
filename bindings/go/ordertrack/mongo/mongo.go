// Package mongo opens libordertrack's MongoDB store for an ordertrack.Tracker. Importing
// it links libordertrack-mongo (pkg-config "ordertrack-mongo") and libmongoc; programs
// that do not import it link neither.
package mongo

// #cgo pkg-config: ordertrack-mongo
// #include <stdlib.h>
// #include <ordertrack/ordertrack.h>
// #include <ordertrack/adapters/mongo.h>
import "C"

import (
	"unsafe"

	"github.com/libordertrack/libordertrack/bindings/go/ordertrack"
)

// OpenStorage connects to the MongoDB deployment of uri, for ordertrack.New: any libmongoc
// connection string ("mongodb://" or "mongodb+srv://"), the database from its path, plus
// the adapter's own "ot." options such as ot.legacyOrders=true (docs/mongo.md). An
// unreachable server fails within the URI's server-selection timeout.
func OpenStorage(uri string) (*ordertrack.Storage, error) {
	if uri == "" {
		return nil, &ordertrack.Error{Code: ordertrack.CodeInvalid, Field: "uri",
			Message: "the MongoDB connection string is empty"}
	}
	curi := C.CString(uri)
	defer C.free(unsafe.Pointer(curi))
	var report C.ot_error
	var storage *C.ot_storage
	rc := C.ot_storage_mongo_open(&storage, curi, nil, &report)
	if err := ordertrack.ErrorFromC(int(rc), unsafe.Pointer(&report)); err != nil {
		return nil, err
	}
	return ordertrack.WrapStorage(unsafe.Pointer(storage)), nil
}

// Open returns a tracker over the MongoDB deployment of uri (OpenStorage, then
// ordertrack.New). opts may be nil.
func Open(uri string, opts *ordertrack.Options) (*ordertrack.Tracker, error) {
	s, err := OpenStorage(uri)
	if err != nil {
		return nil, err
	}
	return ordertrack.New(s, opts)
}

// Register adds the schemes "mongodb://" and "mongodb+srv://" to reg, for reg.Open and
// reg.OpenStorage: the whole URI is the connection string, its ot. options included.
// Registering twice is an error matching ordertrack.ErrExists.
func Register(reg *ordertrack.Registry) error {
	return reg.RegisterC(func(cRegistry unsafe.Pointer) error {
		var report C.ot_error
		rc := C.ot_storage_mongo_register((*C.ot_storage_registry)(cRegistry), &report)
		return ordertrack.ErrorFromC(int(rc), unsafe.Pointer(&report))
	})
}
