"""Exceptions: one class per library error code, each carrying the library's message.

Each class also derives from the built-in exception that matches its meaning, so callers
that know nothing of ordertrack can catch ``LookupError``, ``ValueError``... The classes
below are that table (also in docs/python.md): name, built-in, code.
"""
from typing import TYPE_CHECKING, Dict, Optional, Type

from . import _lib
from ._lib import LibraryLoadError

if TYPE_CHECKING:
    from ._lib import CError

__all__ = ["LibraryLoadError", "OrderTrackError", "BY_CODE", "from_report", "check"]


class OrderTrackError(Exception):
    """Base of every error the library reports.

    Attributes: ``code`` (the negative OT_E... value), ``code_name`` ("OT_EINVAL"),
    ``message`` (what and why), ``field`` (the offending input field or ""), and for refused
    transitions ``from_state`` and ``to_state``.
    """

    code: int = 0

    def __init__(self, code: int, message: str, field: str = "", from_state: str = "",
                 to_state: str = "") -> None:
        Exception.__init__(self, message)
        self.code = code
        self.message = message
        self.field = field
        self.from_state = from_state
        self.to_state = to_state

    @property
    def code_name(self) -> Optional[str]:
        """The symbolic name of ``code`` ("OT_EINVAL"), None for a code the library lacks
        (or when the library cannot be loaded)."""
        try:
            name: Optional[bytes] = _lib.ot_code_name(self.code)
        except LibraryLoadError:
            return None
        return name.decode() if name else None

    def __str__(self) -> str:
        return self.message


# The table: class (built-in it also derives from): code and meaning.
class InvalidArgument(OrderTrackError, ValueError):
    """-1: an argument is NULL, unknown or out of range."""
    code = -1


class OutOfMemory(OrderTrackError, MemoryError):
    """-2: an allocation failed; nothing was changed."""
    code = -2


class NotFound(OrderTrackError, LookupError):
    """-3: no such order, key or entry."""
    code = -3


class AlreadyExists(OrderTrackError, ValueError):
    """-4: the order or key already exists."""
    code = -4


class InvalidTransition(OrderTrackError, ValueError):
    """-5: the status graph does not allow the step."""
    code = -5


class StaleUpdate(OrderTrackError):
    """-6: a stale or duplicate update was ignored."""
    code = -6


class VersionConflict(OrderTrackError):
    """-7: optimistic-lock version conflict."""
    code = -7


class IdempotencyConflict(OrderTrackError, ValueError):
    """-8: idempotency key reused with a different request."""
    code = -8


class StorageError(OrderTrackError):
    """-9: the storage backend failed."""
    code = -9


class ParseError(OrderTrackError, ValueError):
    """-10: input bytes could not be parsed."""
    code = -10


class UnknownStatus(OrderTrackError, LookupError):
    """-11: no table maps the raw partner status."""
    code = -11


class AuthenticationError(OrderTrackError, PermissionError):
    """-12: authentication or signature failed."""
    code = -12


class HTTPError(OrderTrackError, ConnectionError):
    """-13: an HTTP exchange failed."""
    code = -13


class Timeout(OrderTrackError, TimeoutError):
    """-14: an operation timed out."""
    code = -14


class UnsupportedVersion(OrderTrackError, ValueError):
    """-15: struct or interface version unknown."""
    code = -15


class InvalidState(OrderTrackError):
    """-16: not allowed in the order's current state."""
    code = -16


class IOFailure(OrderTrackError, OSError):
    """-17: an operating-system I/O call failed."""
    code = -17


class LimitExceeded(OrderTrackError, ValueError):
    """-18: a size or count limit was exceeded."""
    code = -18


class IntegrityError(OrderTrackError):
    """-19: stored data failed an integrity check."""
    code = -19


class Unavailable(OrderTrackError, ConnectionError):
    """-20: a dependency is unavailable (circuit open)."""
    code = -20


class Unsupported(OrderTrackError, NotImplementedError):
    """-21: not supported by this backend."""
    code = -21


BY_CODE: Dict[int, Type[OrderTrackError]] = {
    cls.code: cls for cls in OrderTrackError.__subclasses__()}


def from_report(code: int, report: "CError") -> OrderTrackError:
    """Build the exception for `code` from a filled ``ot_error`` report."""
    cls = BY_CODE.get(code, OrderTrackError)
    message = report.message.decode("utf-8", "replace") or (
        _lib.ot_strerror(code).decode())
    return cls(code, message, report.field.decode("utf-8", "replace"),
               report.from_.decode("utf-8", "replace"), report.to.decode("utf-8", "replace"))


def check(code: int, report: "CError") -> int:
    """Raise for a negative return code; return non-negative codes unchanged."""
    if code < 0:
        raise from_report(code, report)
    return code
