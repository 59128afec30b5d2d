"""The status vocabularies as ``str`` enums whose values are the exact wire names."""
import ctypes
import enum

from . import _lib
from .errors import check


class Status(str, enum.Enum):
    """Lifecycle status of an order."""

    SUBMITTED = "submitted"
    STORE_NOTIFIED = "store_notified"
    STORE_ACKNOWLEDGED = "store_acknowledged"
    PICKING_IN_PROGRESS = "picking_in_progress"
    SUBSTITUTIONS_NEEDED = "substitutions_needed"
    SUBSTITUTIONS_APPROVED = "substitutions_approved"
    READY_FOR_PICKUP = "ready_for_pickup"
    DRIVER_ASSIGNED = "driver_assigned"
    DRIVER_PICKUP_COMPLETE = "driver_pickup_complete"
    IN_TRANSIT = "in_transit"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"
    FAILED = "failed"


class ShipmentStatus(str, enum.Enum):
    """Shipment status of a parcel courier's order, spaces included."""

    PENDING = "pending"
    IN_TRANSIT = "in transit"
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERED = "delivered"
    NDR = "ndr"
    RTO = "rto"
    RTO_IN_TRANSIT = "rto in transit"
    LOST = "lost"
    DESTROY = "destroy"
    BOOKING_CANCELLED = "booking_cancelled"
    RTO_DELIVERED = "rto_delivered"


class Provider(str, enum.Enum):
    UBER = "uber"
    DOORDASH = "doordash"
    INTERNAL = "internal"
    DELHIVERY = "delhivery"
    DELHIVERY_B2B = "delhivery_b2b"
    SHIPROCKET = "shiprocket"
    VELOCITY = "velocity"


class SubstitutionStatus(str, enum.Enum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class Severity(str, enum.Enum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class Source(str, enum.Enum):
    """Who reports an update: the API steps one edge at a time; couriers may skip forward."""

    API = "api"
    COURIER = "courier"


# enum class -> the library's vocabulary name (the middle of ot_<kind>_to_string)
KINDS = {Status: "status", ShipmentStatus: "shipment", Provider: "provider",
         SubstitutionStatus: "substitution", Severity: "severity", Source: "source"}


def to_c(enum_cls, value):
    """The C enum value of a wire name or enum member (raises InvalidArgument if unknown)."""
    _, from_string = _lib.VOCABULARIES[KINDS[enum_cls]]
    name = value.value if isinstance(value, enum.Enum) else value
    if not isinstance(name, str):
        raise TypeError(f"{enum_cls.__name__} wire name expected, got {type(value).__name__}")
    out = ctypes.c_int(0)
    report = _lib.CError()
    check(from_string(ctypes.byref(out), name.encode(), ctypes.byref(report)), report)
    return out.value


def from_c(enum_cls, number):
    """The enum member of a C enum value (raises InvalidArgument if out of range)."""
    to_string, _ = _lib.VOCABULARIES[KINDS[enum_cls]]
    out = ctypes.c_char_p()
    report = _lib.CError()
    check(to_string(ctypes.byref(out), number, ctypes.byref(report)), report)
    return enum_cls(out.value.decode())
