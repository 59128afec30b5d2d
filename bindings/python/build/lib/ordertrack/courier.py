"""Courier and partner status mapping (courier.h)."""
import ctypes
import enum
from typing import NamedTuple, Optional

from . import _lib
from .errors import check
from .vocab import Provider, ShipmentStatus, Status, from_c, to_c


class UpdateFlag(enum.IntFlag):
    """Facts of an update that the canonical status alone does not carry (update.h)."""

    NONE = 0
    PARTIAL = 1 << 0
    DAMAGED = 1 << 1
    REVERSE_PICKUP = 1 << 2
    CUSTOMER_RETURN = 1 << 3
    UNMAPPED = 1 << 4
    LEFT_AT_DOOR = 1 << 5
    HAS_POSITION = 1 << 6
    LOCATION_ONLY = 1 << 7
    RETURNED = 1 << 8


class Mapping(NamedTuple):
    """What a raw partner status means: the lifecycle ``status`` (implied, for parcel
    couriers), the ``shipment_status`` (parcel couriers only) and the ``flags``; statuses are
    None where the table gives none (flag-only rows)."""

    status: Optional[Status]
    shipment_status: Optional[ShipmentStatus]
    flags: UpdateFlag


def map_status(provider, raw, type=None, code=None):  # noqa: A002 (the partner's word)
    """Map one raw partner status with the built-in tables. ``type`` is the qualifier some
    partners send (Delhivery StatusType: UD, DL, RT...), ``code`` the Delhivery NDR
    StatusCode. Raises UnknownStatus (naming provider and status) when no table knows it,
    InvalidArgument for a provider without a table."""
    out, report = _lib.CourierMapping(), _lib.CError()
    check(_lib.ot_courier_map(ctypes.byref(out), None, to_c(Provider, provider),
                              raw.encode(), type.encode() if type else None,
                              code.encode() if code else None, ctypes.byref(report)), report)
    return Mapping(from_c(Status, out.status) if out.status else None,
                   from_c(ShipmentStatus, out.shipment_status) if out.shipment_status else None,
                   UpdateFlag(out.flags))
