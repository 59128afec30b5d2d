"""Conversions between Python values and the C library's: times, strings, JSON."""
import ctypes
import datetime
import json

from . import _lib
from .errors import InvalidArgument, check

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def to_ms(value, field):
    """Milliseconds since the epoch (UTC) of a datetime (naive means UTC), an RFC 3339
    string, or an int already in milliseconds; None gives 0 (the library's "absent")."""
    if value is None:
        return 0
    if isinstance(value, bool):
        raise TypeError(f"{field}: a datetime, an RFC 3339 string or milliseconds expected")
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            value = datetime.datetime.fromisoformat(value.strip().replace("Z", "+00:00")
                                                    .replace("z", "+00:00"))
        except ValueError:
            raise InvalidArgument(-1, f"{value!r} is not an RFC 3339 timestamp", field) from None
    if not isinstance(value, datetime.datetime):
        raise TypeError(f"{field}: a datetime, an RFC 3339 string or milliseconds expected, "
                        f"got {type(value).__name__}")
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.timezone.utc)
    delta = value - _EPOCH
    return (delta.days * 86400 + delta.seconds) * 1000 + delta.microseconds // 1000


def from_ms(ms):
    """An aware UTC datetime of milliseconds since the epoch."""
    return _EPOCH + datetime.timedelta(milliseconds=ms)


def cstr(value):
    """UTF-8 bytes of a str (None stays None) for a `const char *` member."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"str expected, got {type(value).__name__}")
    return value.encode()


def cjson(value):
    """JSON bytes of a dict (None stays None); a str is passed through as JSON text."""
    if value is None:
        return None
    if isinstance(value, str):
        return value.encode()
    return json.dumps(value, separators=(",", ":")).encode()


def take_json(fn, *args):
    """Call a library function of the shape (char **json, size_t *len, ARGS..., ot_error *)
    and return the decoded JSON it produced."""
    text, length, report = ctypes.c_void_p(), ctypes.c_size_t(0), _lib.CError()
    check(fn(ctypes.byref(text), ctypes.byref(length), *args, ctypes.byref(report)), report)
    return json.loads(_lib.take_string(text, length))


def order_document(order_ptr):
    """The order document (a dict) of an ot_order*; frees the record."""
    try:
        return take_json(_lib.ot_order_to_json, order_ptr)
    finally:
        _lib.ot_order_free(order_ptr)
