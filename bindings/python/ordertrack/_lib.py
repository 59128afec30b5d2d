"""Loading libordertrack on first use and declaring the C functions the binding calls.

Nothing is loaded at import: the first access to a function (``_lib.ot_version()``) loads
the library, declares every function of ``_SIGNATURES`` and keeps them as module globals,
so later accesses are plain lookups. A library that cannot be loaded raises
LibraryLoadError, which says how to install it.
"""
import ctypes
import ctypes.util
import os
import threading
from typing import Any, Dict, List, Optional, Sequence, Tuple

ERROR_MESSAGE_SIZE = 256
ERROR_DETAIL_SIZE = 64
SONAME = "libordertrack.so.1"
LIBRARY_ENV = "ORDERTRACK_LIBRARY"


class LibraryLoadError(OSError):
    """libordertrack (or an adapter library) could not be loaded, or does not match this
    binding. The message names the file, what was tried and how to install it."""


class CError(ctypes.Structure):
    """The caller-allocated `ot_error` report (include/ordertrack/error.h)."""

    _fields_ = [
        ("code", ctypes.c_int),
        ("message", ctypes.c_char * ERROR_MESSAGE_SIZE),
        ("field", ctypes.c_char * ERROR_DETAIL_SIZE),
        ("from_", ctypes.c_char * ERROR_DETAIL_SIZE),
        ("to", ctypes.c_char * ERROR_DETAIL_SIZE),
    ]


def _install_hint(soname: str, env: str) -> str:
    return (f"install libordertrack so that the dynamic loader finds {soname} (from a source "
            "tree: cmake --install build, then ldconfig or LD_LIBRARY_PATH for a private "
            f"prefix), or set {env} to the library file's path")


def _open_first(candidates: Sequence[Optional[str]], soname: str, env: str) -> ctypes.CDLL:
    """The first of `candidates` (paths or sonames; None skipped) that loads."""
    errors: List[str] = []
    for candidate in candidates:
        if not candidate:
            continue
        try:
            return ctypes.CDLL(candidate)
        except OSError as exc:
            errors.append(f"{candidate}: {exc}")
    raise LibraryLoadError(f"{soname} could not be loaded ({'; '.join(errors)}): "
                           + _install_hint(soname, env))


_c_int, _c_uint, _c_char_p = ctypes.c_int, ctypes.c_uint, ctypes.c_char_p
_c_int64, _c_double, _c_size, _c_void_p = ctypes.c_int64, ctypes.c_double, ctypes.c_size_t, \
    ctypes.c_void_p
_err_p = ctypes.POINTER(CError)

# --- The tracker, storage, courier mapping and SLA (tracker.h, courier.h, sla.h) ---------

class Request(ctypes.Structure):
    """`ot_request` version 1 (tracker.h); filled from ot_request_init()."""

    _fields_ = [
        ("version", _c_uint), ("idempotency_key", _c_char_p), ("expected_version", _c_int64),
        ("order_id", _c_char_p), ("store_id", _c_char_p), ("updated_by", _c_char_p),
        ("notes", _c_char_p), ("metadata_json", _c_char_p), ("status", _c_int),
        ("customer_id", _c_char_p), ("provider", _c_int), ("tracking_id", _c_char_p),
        ("tracking_url", _c_char_p), ("estimated_delivery_ms", _c_int64), ("rejected", _c_int),
        ("reason", _c_char_p), ("reassign_to", _c_char_p), ("original_item_id", _c_char_p),
        ("substitute_item_id", _c_char_p), ("price_difference", _c_double),
        ("approved", _c_int), ("driver_id", _c_char_p), ("driver_name", _c_char_p),
        ("driver_phone", _c_char_p), ("vehicle_type", _c_char_p),
        ("vehicle_number", _c_char_p), ("photo_url", _c_char_p), ("latitude", _c_double),
        ("longitude", _c_double), ("has_accuracy", _c_int), ("accuracy", _c_double),
        ("time_ms", _c_int64), ("issue_type", _c_char_p), ("description", _c_char_p),
        ("severity", _c_int), ("issue_index", _c_size), ("resolution", _c_char_p),
    ]


class ListRequest(ctypes.Structure):
    """`ot_list_request` version 1."""

    _fields_ = [
        ("version", _c_uint), ("store_id", _c_char_p), ("customer_id", _c_char_p),
        ("status", _c_int), ("shipment_status", _c_int), ("shipment_active", _c_int),
        ("provider", _c_int), ("tracking_id", _c_char_p), ("updated_before_ms", _c_int64),
        ("limit", _c_size), ("cursor", _c_char_p),
    ]


CLOCK_FN = ctypes.CFUNCTYPE(_c_int64, _c_void_p)


class Clock(ctypes.Structure):
    """`ot_clock` version 1 (sys/clock.h)."""

    _fields_ = [("version", _c_uint), ("userdata", _c_void_p), ("now_ms", CLOCK_FN)]


class TrackerOptions(ctypes.Structure):
    """`ot_tracker_options` version 1."""

    _fields_ = [
        ("version", _c_uint), ("storage", _c_void_p), ("clock", ctypes.POINTER(Clock)),
        ("notices", _c_void_p), ("max_retries", _c_uint),
        ("no_driver_retry_base_ms", _c_int64), ("no_driver_retry_cap_ms", _c_int64),
        ("idempotency_ttl_ms", _c_int64),
    ]


class Update(ctypes.Structure):
    """`ot_update` version 1 (update.h)."""

    _fields_ = [
        ("version", _c_uint), ("provider", _c_int), ("tracking_id", _c_char_p),
        ("order_id", _c_char_p), ("event_id", _c_char_p), ("raw_status", _c_char_p),
        ("raw_type", _c_char_p), ("status", _c_int), ("shipment_status", _c_int),
        ("flags", _c_uint), ("event_time_ms", _c_int64), ("location", _c_char_p),
        ("latitude", _c_double), ("longitude", _c_double), ("driver_id", _c_char_p),
        ("driver_name", _c_char_p), ("driver_phone", _c_char_p), ("vehicle_type", _c_char_p),
        ("vehicle_number", _c_char_p), ("photo_url", _c_char_p), ("eta_ms", _c_int64),
        ("tracking_url", _c_char_p), ("notes", _c_char_p),
    ]


class CourierMapping(ctypes.Structure):
    """`ot_courier_mapping` (courier.h)."""

    _fields_ = [("status", _c_int), ("shipment_status", _c_int), ("flags", _c_uint)]


class SlaTimes(ctypes.Structure):
    """`ot_sla_times` version 1 (sla.h)."""

    _fields_ = [("version", _c_uint), ("store_id", _c_char_p), ("provider", _c_int), *(
        (name, _c_int64) for name in (
            "store_notified_ms", "store_acknowledged_ms", "picking_started_ms", "ready_ms",
            "driver_assigned_ms", "driver_pickup_ms", "delivered_ms", "estimated_delivery_ms",
            "last_scan_ms", "ndr_since_ms", "closed_ms"))]


class SlaStageReport(ctypes.Structure):
    """One stage of an `ot_sla_report` (sla.h)."""

    _fields_ = [("stage", _c_int), ("state", _c_int), ("applies", _c_int), *(
        (name, _c_int64) for name in ("started_ms", "finished_ms", "elapsed_ms", "allowed_ms",
                                      "warning_ms"))]


class SlaReport(ctypes.Structure):
    """`ot_sla_report` version 1."""

    _fields_ = [("version", _c_uint), ("state", _c_int), ("now_ms", _c_int64),
                ("stage_count", _c_uint), ("stages", SlaStageReport * 16)]


_order_pp = ctypes.POINTER(_c_void_p)
_json_out = (ctypes.POINTER(_c_void_p), ctypes.POINTER(_c_size))
# Vocabulary codecs share two shapes: (const char **out, int value, ot_error *) and
# (int-sized enum *out, const char *name, ot_error *).
_to_string_args = (ctypes.POINTER(_c_char_p), _c_int, _err_p)
_from_string_args = (ctypes.POINTER(_c_int), _c_char_p, _err_p)
VOCABULARY_KINDS = ("status", "shipment", "provider", "substitution", "severity", "source")
# Writes taking an ot_request: (ot_order **out, ot_tracker *, const ot_request *, ot_error *).
TRACKER_WRITE_OPS = ("init_order", "set_status", "store_acknowledge", "start_picking",
                     "add_substitution", "respond_substitution", "ready", "update_location",
                     "pickup", "delivered", "raise_issue", "resolve_issue")

# name -> (restype, argtypes...): every function of libordertrack the binding calls.
_SIGNATURES: Dict[str, Tuple[Any, ...]] = {
    "ot_version": (_c_uint,),
    "ot_version_string": (_c_char_p,),
    "ot_strerror": (_c_char_p, _c_int),
    "ot_code_name": (_c_char_p, _c_int),
    "ot_error_size": (ctypes.c_ulong,),
    **{f"ot_{kind}_to_string": (_c_int, *_to_string_args) for kind in VOCABULARY_KINDS},
    **{f"ot_{kind}_from_string": (_c_int, *_from_string_args) for kind in VOCABULARY_KINDS},
    "ot_status_transition_check": (_c_int, _c_int, _c_int, _c_int, _err_p),
    "ot_shipment_transition_check": (_c_int, _c_int, _c_int, _c_int, _err_p),
    "ot_status_is_terminal": (_c_int, _c_int, _err_p),
    "ot_shipment_is_terminal": (_c_int, _c_int, _err_p),
    "ot_shipment_to_status": (_c_int, ctypes.POINTER(_c_int), _c_int, _err_p),
    "ot_provider_is_parcel": (_c_int, _c_int, _err_p),
    "ot_free": (None, _c_void_p),
    "ot_storage_close": (None, _c_void_p),
    "ot_storage_registry_new": (_c_int, ctypes.POINTER(_c_void_p), _err_p),
    "ot_storage_registry_free": (None, _c_void_p),
    "ot_storage_open_uri": (_c_int, _order_pp, _c_void_p, _c_char_p, _err_p),
    "ot_request_init": (_c_int, ctypes.POINTER(Request), _c_uint, _err_p),
    "ot_list_request_init": (_c_int, ctypes.POINTER(ListRequest), _c_uint, _err_p),
    "ot_tracker_options_init": (_c_int, ctypes.POINTER(TrackerOptions), _c_uint, _err_p),
    "ot_update_init": (_c_int, ctypes.POINTER(Update), _c_uint, _err_p),
    "ot_clock_init": (_c_int, ctypes.POINTER(Clock), _c_uint, _err_p),
    "ot_tracker_new": (_c_int, _order_pp, ctypes.POINTER(TrackerOptions), _err_p),
    "ot_tracker_free": (None, _c_void_p),
    "ot_order_to_json": (_c_int, *_json_out, _c_void_p, _err_p),
    "ot_order_free": (None, _c_void_p),
    **{f"ot_tracker_{op}": (_c_int, _order_pp, _c_void_p, ctypes.POINTER(Request), _err_p)
       for op in TRACKER_WRITE_OPS},
    "ot_tracker_assign_driver": (_c_int, _order_pp, ctypes.POINTER(_c_int64), _c_void_p,
                                 ctypes.POINTER(Request), _err_p),
    "ot_tracker_apply_update": (_c_int, _order_pp, _c_void_p, ctypes.POINTER(Update),
                                _c_char_p, _err_p),
    "ot_tracker_get": (_c_int, _order_pp, _c_void_p, _c_char_p, _err_p),
    "ot_tracker_history": (_c_int, *_json_out, _c_void_p, _c_char_p, _err_p),
    "ot_tracker_live_location": (_c_int, *_json_out, _c_void_p, _c_char_p, _err_p),
    "ot_tracker_list": (_c_int, *_json_out, _c_void_p, ctypes.POINTER(ListRequest), _err_p),
    "ot_courier_map": (_c_int, ctypes.POINTER(CourierMapping), _c_void_p, _c_int, _c_char_p,
                       _c_char_p, _c_char_p, _err_p),
    "ot_order_from_json": (_c_int, ctypes.POINTER(_c_void_p), _c_char_p, _c_size, _err_p),
    "ot_sla_times_from_order": (_c_int, ctypes.POINTER(SlaTimes), _c_void_p, _err_p),
    "ot_sla_times_init": (_c_int, ctypes.POINTER(SlaTimes), _c_uint, _err_p),
    "ot_sla_report_init": (_c_int, ctypes.POINTER(SlaReport), _c_uint, _err_p),
    "ot_sla_policies_from_json": (_c_int, _order_pp, _c_char_p, _c_size, _err_p),
    "ot_sla_policies_new": (_c_int, _order_pp, _c_void_p, _err_p),
    "ot_sla_policies_free": (None, _c_void_p),
    "ot_sla_evaluate": (_c_int, ctypes.POINTER(SlaReport), _c_void_p, ctypes.POINTER(SlaTimes),
                        _c_int64, _err_p),
    "ot_sla_report_to_json": (_c_int, *_json_out, ctypes.POINTER(SlaReport), _err_p),
}

_lock = threading.Lock()


def _declare(cdll: ctypes.CDLL, name: str, restype: Any, *argtypes: Any) -> Any:
    fn = getattr(cdll, name)
    fn.restype = restype
    fn.argtypes = list(argtypes)
    return fn


def _load() -> Dict[str, Any]:
    """Load libordertrack: the file named by ORDERTRACK_LIBRARY, else libordertrack.so.1
    from the loader's path; declare every function and check the ot_error layout."""
    path = os.environ.get(LIBRARY_ENV)
    cdll = _open_first([path] if path else [SONAME, ctypes.util.find_library("ordertrack")],
                       SONAME, LIBRARY_ENV)
    try:
        names: Dict[str, Any] = {name: _declare(cdll, name, *signature)
                                 for name, signature in _SIGNATURES.items()}
    except AttributeError as exc:
        raise LibraryLoadError(f"{cdll._name} is older than this binding ({exc}): "
                               + _install_hint(SONAME, LIBRARY_ENV)) from None
    if ctypes.sizeof(CError) != names["ot_error_size"]():
        raise LibraryLoadError(f"{cdll._name}: the ot_error layout of this binding does not "
                               "match the loaded library")
    names["lib"] = cdll
    names["VOCABULARIES"] = {kind: (names[f"ot_{kind}_to_string"],
                                    names[f"ot_{kind}_from_string"])
                             for kind in VOCABULARY_KINDS}
    names["TRACKER_WRITES"] = {op: names[f"ot_tracker_{op}"] for op in TRACKER_WRITE_OPS}
    return names


def __getattr__(name: str) -> Any:
    """The library's functions (and ``lib``, ``VOCABULARIES``, ``TRACKER_WRITES``), loaded
    on first access; a failed load is retried on the next access."""
    if name != "lib" and name not in _SIGNATURES and name not in ("VOCABULARIES",
                                                                  "TRACKER_WRITES"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    with _lock:
        if "lib" not in globals():
            globals().update(_load())
    return globals()[name]


def take_string(ptr: ctypes.c_void_p, length: ctypes.c_size_t) -> str:
    """Copy and ot_free a library-allocated string."""
    try:
        return ctypes.string_at(ptr.value or 0, length.value).decode()
    finally:
        __getattr__("ot_free")(ptr)


_adapters: Dict[str, ctypes.CDLL] = {}


def adapter(name: str) -> ctypes.CDLL:
    """The storage adapter library `name` ("sqlite", "mongo"): the file named by
    ORDERTRACK_NAME_LIBRARY when it is set, else libordertrack-NAME.so.1 beside
    ORDERTRACK_LIBRARY or on the loader's path. Raises LibraryLoadError when it cannot be
    loaded."""
    with _lock:
        if name not in _adapters:
            soname = f"libordertrack-{name}.so.1"
            env = f"ORDERTRACK_{name.upper()}_LIBRARY"
            beside = os.environ.get(LIBRARY_ENV)
            path = os.environ.get(env)
            _adapters[name] = _open_first([path] if path else [
                beside and os.path.join(os.path.dirname(beside), soname),
                soname, ctypes.util.find_library(f"ordertrack-{name}")], soname, env)
        return _adapters[name]


