"""Loading libordertrack and declaring the C functions the binding calls."""
import ctypes
import ctypes.util
import os

ERROR_MESSAGE_SIZE = 256
ERROR_DETAIL_SIZE = 64


class CError(ctypes.Structure):
    """The caller-allocated `ot_error` report (include/ordertrack/error.h)."""

    _fields_ = [
        ("code", ctypes.c_int),
        ("message", ctypes.c_char * ERROR_MESSAGE_SIZE),
        ("field", ctypes.c_char * ERROR_DETAIL_SIZE),
        ("from_", ctypes.c_char * ERROR_DETAIL_SIZE),
        ("to", ctypes.c_char * ERROR_DETAIL_SIZE),
    ]


def _load():
    path = os.environ.get("ORDERTRACK_LIBRARY")
    candidates = [path] if path else ["libordertrack.so.1", ctypes.util.find_library("ordertrack")]
    errors = []
    for candidate in candidates:
        if not candidate:
            continue
        try:
            return ctypes.CDLL(candidate)
        except OSError as exc:
            errors.append(f"{candidate}: {exc}")
    raise ImportError(
        "libordertrack.so.1 not found; install the library or set ORDERTRACK_LIBRARY ("
        + "; ".join(errors) + ")"
    )


lib = _load()

_c_int, _c_uint, _c_char_p = ctypes.c_int, ctypes.c_uint, ctypes.c_char_p
_err_p = ctypes.POINTER(CError)


def _declare(name, restype, *argtypes):
    fn = getattr(lib, name)
    fn.restype = restype
    fn.argtypes = list(argtypes)
    return fn


ot_version = _declare("ot_version", _c_uint)
ot_version_string = _declare("ot_version_string", _c_char_p)
ot_strerror = _declare("ot_strerror", _c_char_p, _c_int)
ot_code_name = _declare("ot_code_name", _c_char_p, _c_int)
ot_error_size = _declare("ot_error_size", ctypes.c_ulong)

# Vocabulary codecs share two shapes: (const char **out, int value, ot_error *) and
# (int-sized enum *out, const char *name, ot_error *).
_to_string_args = (ctypes.POINTER(_c_char_p), _c_int, _err_p)
_from_string_args = (ctypes.POINTER(_c_int), _c_char_p, _err_p)
VOCABULARIES = {}
for _kind in ("status", "shipment", "provider", "substitution", "severity", "source"):
    VOCABULARIES[_kind] = (
        _declare(f"ot_{_kind}_to_string", _c_int, *_to_string_args),
        _declare(f"ot_{_kind}_from_string", _c_int, *_from_string_args),
    )

ot_status_transition_check = _declare("ot_status_transition_check", _c_int, _c_int, _c_int,
                                      _c_int, _err_p)
ot_shipment_transition_check = _declare("ot_shipment_transition_check", _c_int, _c_int,
                                        _c_int, _c_int, _err_p)
ot_status_is_terminal = _declare("ot_status_is_terminal", _c_int, _c_int, _err_p)
ot_shipment_is_terminal = _declare("ot_shipment_is_terminal", _c_int, _c_int, _err_p)
ot_shipment_to_status = _declare("ot_shipment_to_status", _c_int, ctypes.POINTER(_c_int),
                                 _c_int, _err_p)
ot_provider_is_parcel = _declare("ot_provider_is_parcel", _c_int, _c_int, _err_p)

if ctypes.sizeof(CError) != ot_error_size():
    raise ImportError("ot_error layout of this binding does not match the loaded library")
