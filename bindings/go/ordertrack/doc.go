// Package ordertrack is the Go binding of libordertrack, the embeddable order tracking
// library, through cgo.
//
// This package links libordertrack alone (its cgo line asks pkg-config for "ordertrack")
// and offers the in-process store ("memory:"). Each storage adapter is a package of its
// own, linking its library and dependencies only for the programs that import it:
// ordertrack/sqlite (libordertrack-sqlite) and ordertrack/mongo (libordertrack-mongo).
//
// Errors travel with each call in a caller-allocated report, never in thread-local state,
// so no OS-thread pinning is needed: every failing call returns an *Error carrying the
// library's code and message, comparable with errors.Is against the Err... values.
package ordertrack

// #cgo pkg-config: ordertrack
// #include <ordertrack/ordertrack.h>
import "C"

// LibraryVersion is the version of the loaded C library, "MAJOR.MINOR.PATCH".
func LibraryVersion() string { return C.GoString(C.ot_version_string()) }
