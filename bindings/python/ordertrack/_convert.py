"""Conversions between Python values and the C library's: times, strings, JSON."""
import ctypes
import datetime
import json
from typing import Any, Callable, Mapping, Optional, Union

from . import _lib
from .errors import InvalidArgument, check

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)

#: A point in time: an aware or naive (UTC) datetime, an RFC 3339 string, or milliseconds
#: since the epoch.
TimeLike = Union[datetime.datetime, str, int]


def parse_time(text: str, field: str) -> datetime.datetime:
    """An aware datetime of an RFC 3339 string ("Z" or an offset; none means UTC)."""
    try:
        value = datetime.datetime.fromisoformat(text.strip().replace("Z", "+00:00")
                                                .replace("z", "+00:00"))
    except ValueError:
        raise InvalidArgument(-1, f"{text!r} is not an RFC 3339 timestamp", field) from None
    return value if value.tzinfo else value.replace(tzinfo=datetime.timezone.utc)


def to_ms(value: Optional[TimeLike], field: str) -> int:
    """Milliseconds since the epoch (UTC) of a datetime (naive means UTC), an RFC 3339
    string, or an int already in milliseconds; None gives 0 (the library's "absent")."""
    if value is None:
        return 0
    if isinstance(value, bool):
        raise TypeError(f"{field}: a datetime, an RFC 3339 string or milliseconds expected")
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        value = parse_time(value, field)
    if not isinstance(value, datetime.datetime):
        raise TypeError(f"{field}: a datetime, an RFC 3339 string or milliseconds expected, "
                        f"got {type(value).__name__}")
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.timezone.utc)
    delta = value - _EPOCH
    return (delta.days * 86400 + delta.seconds) * 1000 + delta.microseconds // 1000


def from_ms(ms: int) -> datetime.datetime:
    """An aware UTC datetime of milliseconds since the epoch."""
    return _EPOCH + datetime.timedelta(milliseconds=ms)


def cstr(value: Optional[str]) -> Optional[bytes]:
    """UTF-8 bytes of a str (None stays None) for a `const char *` member."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"str expected, got {type(value).__name__}")
    return value.encode()


def cjson(value: Union[Mapping[str, Any], str, None]) -> Optional[bytes]:
    """JSON bytes of a dict (None stays None); a str is passed through as JSON text."""
    if value is None:
        return None
    if isinstance(value, str):
        return value.encode()
    return json.dumps(dict(value), separators=(",", ":")).encode()


def take_json(fn: Callable[..., int], *args: Any) -> Any:
    """Call a library function of the shape (char **json, size_t *len, ARGS..., ot_error *)
    and return the decoded JSON it produced."""
    text, length, report = ctypes.c_void_p(), ctypes.c_size_t(0), _lib.CError()
    check(fn(ctypes.byref(text), ctypes.byref(length), *args, ctypes.byref(report)), report)
    return json.loads(_lib.take_string(text, length))


def order_document(order_ptr: ctypes.c_void_p) -> Any:
    """The order document (a dict) of an ot_order*; frees the record."""
    try:
        return take_json(_lib.ot_order_to_json, order_ptr)
    finally:
        _lib.ot_order_free(order_ptr)
