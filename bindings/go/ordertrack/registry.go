package ordertrack

// #include <stdlib.h>
// #include <ordertrack/ordertrack.h>
// #include <ordertrack/sys/storage.h>
import "C"

import (
	"strings"
	"sync"
	"unsafe"
)

// Registry is the library's registry of storage URI schemes (ot_storage_open_uri): it
// opens "memory:" and the schemes the adapter packages add to it (sqlite.Register adds
// "sqlite:PATH", mongo.Register "mongodb://" and "mongodb+srv://"). It is safe for
// concurrent use; Close frees it, and the storages it opened stay open.
type Registry struct {
	mu sync.RWMutex // read-held by every call, held by Close
	c  *C.ot_storage_registry
}

// NewRegistry returns a registry holding the built-in scheme "memory:".
func NewRegistry() (*Registry, error) {
	var report C.ot_error
	r := &Registry{}
	if err := fromReport(C.ot_storage_registry_new(&r.c, &report), &report); err != nil {
		return nil, err
	}
	return r, nil
}

// Close frees the registry. Closing twice is harmless.
func (r *Registry) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	C.ot_storage_registry_free(r.c)
	r.c = nil
	return nil
}

var errRegistryClosed = &Error{Code: CodeState, Field: "registry", Message: "the registry is closed"}

// RegisterC calls register with the C registry (an *ot_storage_registry) while the
// registry cannot be closed. It is the adapter packages' way in (cgo types belong to one
// package, hence unsafe.Pointer): their Register functions call their library's
// ot_storage_NAME_register through it.
func (r *Registry) RegisterC(register func(cRegistry unsafe.Pointer) error) error {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.c == nil {
		return errRegistryClosed
	}
	return register(unsafe.Pointer(r.c))
}

// OpenStorage opens the storage uri names, for New; the scheme picks the adapter
// ("memory:", or one an adapter package registered). A scheme not registered is an
// ErrUnsupported naming it and the registered ones.
func (r *Registry) OpenStorage(uri string) (*Storage, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.c == nil {
		return nil, errRegistryClosed
	}
	return openURI(r.c, uri)
}

// Open returns a tracker over the storage uri names (OpenStorage, then New). opts may be
// nil.
func (r *Registry) Open(uri string, opts *Options) (*Tracker, error) {
	s, err := r.OpenStorage(uri)
	if err != nil {
		return nil, err
	}
	return New(s, opts)
}

func openURI(registry *C.ot_storage_registry, uri string) (*Storage, error) {
	curi := C.CString(uri)
	defer C.free(unsafe.Pointer(curi))
	var report C.ot_error
	var storage *C.ot_storage
	if err := fromReport(C.ot_storage_open_uri(&storage, registry, curi, &report), &report); err != nil {
		return nil, err
	}
	return &Storage{c: storage}, nil
}

// adapterPackages names the package whose Register adds a scheme, for the error of Open.
var adapterPackages = map[string]string{"sqlite": "sqlite", "mongodb": "mongo", "mongodb+srv": "mongo"}

// Open returns a tracker over the storage named by uri, with the built-in schemes only
// ("memory:": in process, nothing survives Close). SQLite and MongoDB storage are opened
// through their packages, which link their adapter library: sqlite.Open and mongo.Open, or
// a Registry they registered in. opts may be nil.
func Open(uri string, opts *Options) (*Tracker, error) {
	s, err := openURI(nil, uri)
	if e, ok := err.(*Error); ok && e.Code == CodeUnsupported && e.Field == "scheme" {
		scheme := strings.ToLower(uri[:strings.IndexByte(uri, ':')])
		if pkg, ok := adapterPackages[scheme]; ok {
			return nil, &Error{Code: CodeUnsupported, Field: "storage",
				Message: "open " + pkg + " storage with package " + modulePath + "/ordertrack/" +
					pkg + " (" + pkg + ".Open, or " + pkg + ".Register and Registry.Open), " +
					"which links libordertrack-" + pkg}
		}
		return nil, &Error{Code: CodeInvalid, Field: "storage", Message: e.Message}
	}
	if err != nil {
		return nil, err
	}
	return New(s, opts)
}
