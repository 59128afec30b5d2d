"""Typed, read-only views of the library's JSON documents (docs/API.md, "The order
document").

Each view is a frozen dataclass whose attributes carry the document's fields under the
same names, converted (times to aware datetimes, statuses to enums, nested objects to
views). Each is also a read-only ``Mapping`` over the document itself, so
``order["current_status"]`` keeps working; ``raw`` is the document and ``to_dict()`` a deep
copy of it (for JSON or for changing).
"""
import copy
import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterator, Optional, Tuple, Type, TypeVar

from ._convert import parse_time
from .vocab import Provider, Severity, ShipmentStatus, Status, SubstitutionStatus

__all__ = ["Document", "Location", "Driver", "HistoryEntry", "Substitution", "Issue",
           "Order", "OrderPage", "LiveLocation"]

D = TypeVar("D", bound="Document")
T = TypeVar("T")


@dataclass(frozen=True, eq=False)
class Document(Mapping[str, Any]):
    """Base of the views: ``raw`` is the JSON object; reading by key reads it."""

    raw: Dict[str, Any] = field(repr=False)

    def __getitem__(self, key: str) -> Any:
        return self.raw[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.raw)

    def __len__(self) -> int:
        return len(self.raw)

    def to_dict(self) -> Dict[str, Any]:
        """A deep copy of the document."""
        return copy.deepcopy(self.raw)

    @classmethod
    def from_dict(cls: Type[D], raw: Dict[str, Any]) -> D:
        """The view of a document (as the library returns it)."""
        if not isinstance(raw, dict):
            raise TypeError(f"{cls.__name__}: a JSON object expected, got {type(raw).__name__}")
        return cls(raw, **cls._fields_of(raw))

    @classmethod
    def _fields_of(cls, raw: Dict[str, Any]) -> Dict[str, Any]:
        raise NotImplementedError


def _time(raw: Dict[str, Any], key: str) -> Optional[datetime.datetime]:
    value = raw.get(key)
    return parse_time(value, key) if isinstance(value, str) else None


def _opt(convert: Callable[[Any], T], value: Any) -> Optional[T]:
    return None if value is None else convert(value)


def _views(cls: Type[D], items: Any) -> Tuple[D, ...]:
    return tuple(cls.from_dict(item) for item in items or ())


@dataclass(frozen=True, eq=False)
class Location(Document):
    """A driver position: ``driver_location`` and the entries of ``location_trail``."""

    latitude: float
    longitude: float
    timestamp: Optional[datetime.datetime]
    accuracy: Optional[float]

    @classmethod
    def _fields_of(cls, raw: Dict[str, Any]) -> Dict[str, Any]:
        return {"latitude": float(raw["latitude"]), "longitude": float(raw["longitude"]),
                "timestamp": _time(raw, "timestamp"),
                "accuracy": _opt(float, raw.get("accuracy"))}


@dataclass(frozen=True, eq=False)
class Driver(Document):
    """``driver_details``."""

    driver_id: str
    name: Optional[str]
    phone: Optional[str]
    vehicle_type: Optional[str]
    vehicle_number: Optional[str]
    photo_url: Optional[str]

    @classmethod
    def _fields_of(cls, raw: Dict[str, Any]) -> Dict[str, Any]:
        return {"driver_id": raw["driver_id"], **{
            key: raw.get(key) for key in ("name", "phone", "vehicle_type", "vehicle_number",
                                          "photo_url")}}


@dataclass(frozen=True, eq=False)
class HistoryEntry(Document):
    """One entry of ``status_history``, oldest first."""

    status: str
    timestamp: Optional[datetime.datetime]
    updated_by: Optional[str]
    notes: Optional[str]
    metadata: Optional[Dict[str, Any]]

    @classmethod
    def _fields_of(cls, raw: Dict[str, Any]) -> Dict[str, Any]:
        return {"status": raw["status"], "timestamp": _time(raw, "timestamp"),
                "updated_by": raw.get("updated_by"), "notes": raw.get("notes"),
                "metadata": raw.get("metadata")}


@dataclass(frozen=True, eq=False)
class Substitution(Document):
    """One entry of ``substitutions``."""

    original_item_id: str
    substitute_item_id: str
    reason: Optional[str]
    status: SubstitutionStatus
    price_difference: float
    customer_notified_at: Optional[datetime.datetime]
    customer_responded_at: Optional[datetime.datetime]

    @classmethod
    def _fields_of(cls, raw: Dict[str, Any]) -> Dict[str, Any]:
        return {"original_item_id": raw["original_item_id"],
                "substitute_item_id": raw["substitute_item_id"], "reason": raw.get("reason"),
                "status": SubstitutionStatus(raw["status"]),
                "price_difference": float(raw.get("price_difference") or 0.0),
                "customer_notified_at": _time(raw, "customer_notified_at"),
                "customer_responded_at": _time(raw, "customer_responded_at")}


@dataclass(frozen=True, eq=False)
class Issue(Document):
    """One entry of ``issues``; ``resolved_at`` is None while it is open."""

    issue_type: str
    description: Optional[str]
    severity: Severity
    created_at: Optional[datetime.datetime]
    resolved_at: Optional[datetime.datetime]
    resolution: Optional[str]

    @classmethod
    def _fields_of(cls, raw: Dict[str, Any]) -> Dict[str, Any]:
        return {"issue_type": raw["issue_type"], "description": raw.get("description"),
                "severity": Severity(raw["severity"]), "created_at": _time(raw, "created_at"),
                "resolved_at": _time(raw, "resolved_at"), "resolution": raw.get("resolution")}


_ORDER_TIMES = ("store_acknowledgment_time", "picking_start_time", "picking_complete_time",
                "delivery_pickup_time", "estimated_delivery_time", "actual_delivery_time",
                "created_at", "updated_at")


@dataclass(frozen=True, eq=False)
class Order(Document):
    """An order document: what every write, ``get`` and ``list_orders`` return."""

    order_id: str
    store_id: str
    customer_id: str
    delivery_provider: Provider
    current_status: Status
    version: int
    status_history: Tuple[HistoryEntry, ...]
    shipment_status: Optional[ShipmentStatus]
    courier_status_raw: Optional[str]
    delivery_tracking_id: Optional[str]
    delivery_tracking_url: Optional[str]
    driver_location: Optional[Location]
    location_trail: Tuple[Location, ...]
    driver_details: Optional[Driver]
    substitutions: Tuple[Substitution, ...]
    issues: Tuple[Issue, ...]
    metadata: Optional[Dict[str, Any]]
    store_acknowledgment_time: Optional[datetime.datetime]
    picking_start_time: Optional[datetime.datetime]
    picking_complete_time: Optional[datetime.datetime]
    delivery_pickup_time: Optional[datetime.datetime]
    estimated_delivery_time: Optional[datetime.datetime]
    actual_delivery_time: Optional[datetime.datetime]
    created_at: Optional[datetime.datetime]
    updated_at: Optional[datetime.datetime]

    @classmethod
    def _fields_of(cls, raw: Dict[str, Any]) -> Dict[str, Any]:
        return {
            "order_id": raw["order_id"], "store_id": raw["store_id"],
            "customer_id": raw["customer_id"],
            "delivery_provider": Provider(raw["delivery_provider"]),
            "current_status": Status(raw["current_status"]), "version": int(raw["version"]),
            "status_history": _views(HistoryEntry, raw.get("status_history")),
            "shipment_status": _opt(ShipmentStatus, raw.get("shipment_status")),
            "courier_status_raw": raw.get("courier_status_raw"),
            "delivery_tracking_id": raw.get("delivery_tracking_id"),
            "delivery_tracking_url": raw.get("delivery_tracking_url"),
            "driver_location": _opt(Location.from_dict, raw.get("driver_location")),
            "location_trail": _views(Location, raw.get("location_trail")),
            "driver_details": _opt(Driver.from_dict, raw.get("driver_details")),
            "substitutions": _views(Substitution, raw.get("substitutions")),
            "issues": _views(Issue, raw.get("issues")), "metadata": raw.get("metadata"),
            **{key: _time(raw, key) for key in _ORDER_TIMES}}


@dataclass(frozen=True, eq=False)
class OrderPage(Document):
    """One page of ``list_orders``: ``orders`` and the ``next_cursor`` of the next page
    (None on the last one). ``page["orders"]`` gives the documents."""

    orders: Tuple[Order, ...]
    next_cursor: Optional[str]

    @classmethod
    def _fields_of(cls, raw: Dict[str, Any]) -> Dict[str, Any]:
        return {"orders": _views(Order, raw.get("orders")),
                "next_cursor": raw.get("next_cursor") or None}


@dataclass(frozen=True, eq=False)
class LiveLocation(Document):
    """What ``live_location`` returns: the current position and the trail to it."""

    order_id: str
    current_status: Status
    driver_location: Optional[Location]
    location_trail: Tuple[Location, ...]
    driver_details: Optional[Driver]
    estimated_delivery_time: Optional[datetime.datetime]
    delivery_tracking_url: Optional[str]

    @classmethod
    def _fields_of(cls, raw: Dict[str, Any]) -> Dict[str, Any]:
        return {"order_id": raw["order_id"], "current_status": Status(raw["current_status"]),
                "driver_location": _opt(Location.from_dict, raw.get("driver_location")),
                "location_trail": _views(Location, raw.get("location_trail")),
                "driver_details": _opt(Driver.from_dict, raw.get("driver_details")),
                "estimated_delivery_time": _time(raw, "estimated_delivery_time"),
                "delivery_tracking_url": raw.get("delivery_tracking_url")}
