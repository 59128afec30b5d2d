"""Exceptions: one class per library error code, each carrying the library's message."""
from . import _lib


class OrderTrackError(Exception):
    """Base of every error the library reports.

    Attributes: ``code`` (the negative OT_E... value), ``code_name`` ("OT_EINVAL"),
    ``message`` (what and why), ``field`` (the offending input field or ""), and for refused
    transitions ``from_state`` and ``to_state``.
    """

    code = None

    def __init__(self, code, message, field="", from_state="", to_state=""):
        super().__init__(message)
        self.code = code
        self.code_name = (_lib.ot_code_name(code) or b"").decode() or None
        self.message = message
        self.field = field
        self.from_state = from_state
        self.to_state = to_state


def _define(name, code, doc):
    cls = type(name, (OrderTrackError,), {"__doc__": doc})
    cls.code = code
    return cls


InvalidArgument = _define("InvalidArgument", -1, "An argument is NULL, unknown or out of range.")
OutOfMemory = _define("OutOfMemory", -2, "An allocation failed; nothing was changed.")
NotFound = _define("NotFound", -3, "No such order, key or entry.")
AlreadyExists = _define("AlreadyExists", -4, "The order or key already exists.")
InvalidTransition = _define("InvalidTransition", -5, "The status graph does not allow the step.")
StaleUpdate = _define("StaleUpdate", -6, "A stale or duplicate update was ignored.")
VersionConflict = _define("VersionConflict", -7, "Optimistic-lock version conflict.")
IdempotencyConflict = _define("IdempotencyConflict", -8,
                              "Idempotency key reused with a different request.")
StorageError = _define("StorageError", -9, "The storage backend failed.")
ParseError = _define("ParseError", -10, "Input bytes could not be parsed.")
UnknownStatus = _define("UnknownStatus", -11, "No table maps the raw partner status.")
AuthenticationError = _define("AuthenticationError", -12, "Authentication or signature failed.")
HTTPError = _define("HTTPError", -13, "An HTTP exchange failed.")
Timeout = _define("Timeout", -14, "An operation timed out.")
UnsupportedVersion = _define("UnsupportedVersion", -15, "Struct or interface version unknown.")
InvalidState = _define("InvalidState", -16, "Not allowed in the order's current state.")
IOFailure = _define("IOFailure", -17, "An operating-system I/O call failed.")
LimitExceeded = _define("LimitExceeded", -18, "A size or count limit was exceeded.")
IntegrityError = _define("IntegrityError", -19, "Stored data failed an integrity check.")
Unavailable = _define("Unavailable", -20, "A dependency is unavailable (circuit open).")
Unsupported = _define("Unsupported", -21, "Not supported by this backend.")

BY_CODE = {cls.code: cls for cls in OrderTrackError.__subclasses__()}


def from_report(code, report):
    """Build the exception for `code` from a filled ``ot_error`` report."""
    cls = BY_CODE.get(code, OrderTrackError)
    message = report.message.decode("utf-8", "replace") or (
        _lib.ot_strerror(code).decode())
    return cls(code, message, report.field.decode("utf-8", "replace"),
               report.from_.decode("utf-8", "replace"), report.to.decode("utf-8", "replace"))


def check(code, report):
    """Raise for a negative return code; return non-negative codes unchanged."""
    if code < 0:
        raise from_report(code, report)
    return code
