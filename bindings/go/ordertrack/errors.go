package ordertrack

// #include <ordertrack/ordertrack.h>
import "C"

import "fmt"

// Code is a library error code (a negative OT_E... value).
type Code int

// The library's error codes; values never change meaning.
const (
	CodeInvalid             Code = C.OT_EINVAL
	CodeNoMemory            Code = C.OT_ENOMEM
	CodeNotFound            Code = C.OT_ENOTFOUND
	CodeExists              Code = C.OT_EEXISTS
	CodeTransition          Code = C.OT_ETRANSITION
	CodeStale               Code = C.OT_ESTALE
	CodeConflict            Code = C.OT_ECONFLICT
	CodeIdempotencyConflict Code = C.OT_EIDEMPOTENCY_CONFLICT
	CodeStorage             Code = C.OT_ESTORAGE
	CodeParse               Code = C.OT_EPARSE
	CodeUnknownStatus       Code = C.OT_EUNKNOWN_STATUS
	CodeAuth                Code = C.OT_EAUTH
	CodeHTTP                Code = C.OT_EHTTP
	CodeTimeout             Code = C.OT_ETIMEOUT
	CodeVersion             Code = C.OT_EVERSION
	CodeState               Code = C.OT_ESTATE
	CodeIO                  Code = C.OT_EIO
	CodeLimit               Code = C.OT_ELIMIT
	CodeIntegrity           Code = C.OT_EINTEGRITY
	CodeUnavailable         Code = C.OT_EUNAVAILABLE
	CodeUnsupported         Code = C.OT_EUNSUPPORTED
)

// Name is the symbolic name of the code ("OT_EINVAL").
func (c Code) Name() string {
	if p := C.ot_code_name(C.int(c)); p != nil {
		return C.GoString(p)
	}
	return fmt.Sprintf("OT_E(%d)", int(c))
}

// Error is a failure reported by the library.
type Error struct {
	Code    Code
	Message string // what went wrong and why
	Field   string // the offending input field, or ""
	From    string // source state of a refused transition, or ""
	To      string // target state of a refused transition, or ""
}

// Error formats the code's name and the message: "ordertrack: OT_EINVAL: ...".
func (e *Error) Error() string { return fmt.Sprintf("ordertrack: %s: %s", e.Code.Name(), e.Message) }

// Is makes errors.Is(err, ordertrack.ErrTransition) match any error with that code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Message == "" && t.Code == e.Code
}

// Sentinels for errors.Is; they carry only a code.
var (
	ErrInvalid             = &Error{Code: CodeInvalid}
	ErrNoMemory            = &Error{Code: CodeNoMemory}
	ErrNotFound            = &Error{Code: CodeNotFound}
	ErrExists              = &Error{Code: CodeExists}
	ErrTransition          = &Error{Code: CodeTransition}
	ErrStale               = &Error{Code: CodeStale}
	ErrConflict            = &Error{Code: CodeConflict}
	ErrIdempotencyConflict = &Error{Code: CodeIdempotencyConflict}
	ErrStorage             = &Error{Code: CodeStorage}
	ErrParse               = &Error{Code: CodeParse}
	ErrUnknownStatus       = &Error{Code: CodeUnknownStatus}
	ErrAuth                = &Error{Code: CodeAuth}
	ErrHTTP                = &Error{Code: CodeHTTP}
	ErrTimeout             = &Error{Code: CodeTimeout}
	ErrVersion             = &Error{Code: CodeVersion}
	ErrState               = &Error{Code: CodeState}
	ErrIO                  = &Error{Code: CodeIO}
	ErrLimit               = &Error{Code: CodeLimit}
	ErrIntegrity           = &Error{Code: CodeIntegrity}
	ErrUnavailable         = &Error{Code: CodeUnavailable}
	ErrUnsupported         = &Error{Code: CodeUnsupported}
)

// fromReport turns a negative return code and its report into an *Error (nil for rc >= 0).
func fromReport(rc C.int, report *C.ot_error) error {
	if rc >= 0 {
		return nil
	}
	msg := C.GoString(&report.message[0])
	if msg == "" {
		msg = C.GoString(C.ot_strerror(rc))
	}
	return &Error{
		Code:    Code(rc),
		Message: msg,
		Field:   C.GoString(&report.field[0]),
		From:    C.GoString(&report.from[0]),
		To:      C.GoString(&report.to[0]),
	}
}
