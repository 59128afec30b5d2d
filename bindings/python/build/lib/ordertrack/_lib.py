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


def _open_first(candidates, what):
    """The first of `candidates` (paths or sonames; None skipped) that loads."""
    errors = []
    for candidate in filter(None, candidates):
        try:
            return ctypes.CDLL(candidate)
        except OSError as exc:
            errors.append(f"{candidate}: {exc}")
    raise OSError(f"{what} not found (" + "; ".join(errors) + ")")


def _load():
    path = os.environ.get("ORDERTRACK_LIBRARY")
    try:
        return _open_first([path] if path else ["libordertrack.so.1",
                                                ctypes.util.find_library("ordertrack")],
                           "libordertrack.so.1")
    except OSError as exc:
        raise ImportError(f"{exc}; install the library or set ORDERTRACK_LIBRARY") from None


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

# --- The tracker, storage, courier mapping and SLA (tracker.h, courier.h, sla.h) ---------

_c_int64, _c_double, _c_size, _c_void_p = ctypes.c_int64, ctypes.c_double, ctypes.c_size_t, \
    ctypes.c_void_p


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

    _fields_ = [("version", _c_uint), ("store_id", _c_char_p), ("provider", _c_int)] + [
        (name, _c_int64) for name in (
            "store_notified_ms", "store_acknowledged_ms", "picking_started_ms", "ready_ms",
            "driver_assigned_ms", "driver_pickup_ms", "delivered_ms", "estimated_delivery_ms",
            "last_scan_ms", "ndr_since_ms", "closed_ms")]


class SlaStageReport(ctypes.Structure):
    _fields_ = [("stage", _c_int), ("state", _c_int), ("applies", _c_int)] + [
        (name, _c_int64) for name in ("started_ms", "finished_ms", "elapsed_ms", "allowed_ms",
                                      "warning_ms")]


class SlaReport(ctypes.Structure):
    """`ot_sla_report` version 1."""

    _fields_ = [("version", _c_uint), ("state", _c_int), ("now_ms", _c_int64),
                ("stage_count", _c_uint), ("stages", SlaStageReport * 16)]


_order_pp = ctypes.POINTER(_c_void_p)
_json_out = (ctypes.POINTER(_c_void_p), ctypes.POINTER(_c_size))

ot_free = _declare("ot_free", None, _c_void_p)
ot_storage_close = _declare("ot_storage_close", None, _c_void_p)
ot_storage_memory_new = _declare("ot_storage_memory_new", _c_int, _order_pp, _err_p)
ot_request_init = _declare("ot_request_init", _c_int, ctypes.POINTER(Request), _c_uint, _err_p)
ot_list_request_init = _declare("ot_list_request_init", _c_int, ctypes.POINTER(ListRequest),
                                _c_uint, _err_p)
ot_tracker_options_init = _declare("ot_tracker_options_init", _c_int,
                                   ctypes.POINTER(TrackerOptions), _c_uint, _err_p)
ot_update_init = _declare("ot_update_init", _c_int, ctypes.POINTER(Update), _c_uint, _err_p)
ot_clock_init = _declare("ot_clock_init", _c_int, ctypes.POINTER(Clock), _c_uint, _err_p)
ot_tracker_new = _declare("ot_tracker_new", _c_int, _order_pp, ctypes.POINTER(TrackerOptions),
                          _err_p)
ot_tracker_free = _declare("ot_tracker_free", None, _c_void_p)
ot_order_to_json = _declare("ot_order_to_json", _c_int, *_json_out, _c_void_p, _err_p)
ot_order_free = _declare("ot_order_free", None, _c_void_p)

# Writes taking an ot_request: (ot_order **out, ot_tracker *, const ot_request *, ot_error *).
TRACKER_WRITES = {}
for _op in ("init_order", "set_status", "store_acknowledge", "start_picking",
            "add_substitution", "respond_substitution", "ready", "update_location", "pickup",
            "delivered", "raise_issue", "resolve_issue"):
    TRACKER_WRITES[_op] = _declare(f"ot_tracker_{_op}", _c_int, _order_pp, _c_void_p,
                                   ctypes.POINTER(Request), _err_p)
ot_tracker_assign_driver = _declare("ot_tracker_assign_driver", _c_int, _order_pp,
                                    ctypes.POINTER(_c_int64), _c_void_p,
                                    ctypes.POINTER(Request), _err_p)
ot_tracker_apply_update = _declare("ot_tracker_apply_update", _c_int, _order_pp, _c_void_p,
                                   ctypes.POINTER(Update), _c_char_p, _err_p)
ot_tracker_get = _declare("ot_tracker_get", _c_int, _order_pp, _c_void_p, _c_char_p, _err_p)
ot_tracker_history = _declare("ot_tracker_history", _c_int, *_json_out, _c_void_p, _c_char_p,
                              _err_p)
ot_tracker_live_location = _declare("ot_tracker_live_location", _c_int, *_json_out, _c_void_p,
                                    _c_char_p, _err_p)
ot_tracker_list = _declare("ot_tracker_list", _c_int, *_json_out, _c_void_p,
                           ctypes.POINTER(ListRequest), _err_p)

ot_courier_map = _declare("ot_courier_map", _c_int, ctypes.POINTER(CourierMapping), _c_void_p,
                          _c_int, _c_char_p, _c_char_p, _c_char_p, _err_p)

ot_order_from_json = _declare("ot_order_from_json", _c_int, ctypes.POINTER(_c_void_p),
                              _c_char_p, _c_size, _err_p)
ot_sla_times_from_order = _declare("ot_sla_times_from_order", _c_int, ctypes.POINTER(SlaTimes),
                                   _c_void_p, _err_p)
ot_sla_times_init = _declare("ot_sla_times_init", _c_int, ctypes.POINTER(SlaTimes), _c_uint,
                             _err_p)
ot_sla_report_init = _declare("ot_sla_report_init", _c_int, ctypes.POINTER(SlaReport), _c_uint,
                              _err_p)
ot_sla_policies_from_json = _declare("ot_sla_policies_from_json", _c_int, _order_pp, _c_char_p,
                                     _c_size, _err_p)
ot_sla_policies_new = _declare("ot_sla_policies_new", _c_int, _order_pp, _c_void_p, _err_p)
ot_sla_policies_free = _declare("ot_sla_policies_free", None, _c_void_p)
ot_sla_evaluate = _declare("ot_sla_evaluate", _c_int, ctypes.POINTER(SlaReport), _c_void_p,
                           ctypes.POINTER(SlaTimes), _c_int64, _err_p)
ot_sla_report_to_json = _declare("ot_sla_report_to_json", _c_int, *_json_out,
                                 ctypes.POINTER(SlaReport), _err_p)


def take_string(ptr, length):
    """Copy and ot_free a library-allocated string."""
    try:
        return ctypes.string_at(ptr.value, length.value).decode()
    finally:
        ot_free(ptr)


_adapters = {}


def adapter(name):
    """The storage adapter library `name` ("sqlite", "mongo"): the file named by
    ORDERTRACK_NAME_LIBRARY, else libordertrack-NAME.so.1 beside ORDERTRACK_LIBRARY or on
    the loader's path. Raises OSError when it cannot be loaded."""
    if name not in _adapters:
        soname = f"libordertrack-{name}.so.1"
        beside = os.environ.get("ORDERTRACK_LIBRARY")
        _adapters[name] = _open_first([
            os.environ.get(f"ORDERTRACK_{name.upper()}_LIBRARY"),
            beside and os.path.join(os.path.dirname(beside), soname),
            soname, ctypes.util.find_library(f"ordertrack-{name}")], soname)
    return _adapters[name]
