"""libordertrack for Python: the order tracking library through ctypes.

Everything the C library reports as an error is raised as a subclass of OrderTrackError
carrying the library's message (each also derives from the matching built-in exception:
NotFound is a LookupError, InvalidArgument a ValueError...); status values are ``str`` enums
with the wire names; orders are typed, read-only ``Order`` views that also read like the
document's dict. The C library is loaded on first use, not at import: LibraryLoadError
says how to install it when it is missing.
"""
from . import _lib
from ._convert import TimeLike
from .courier import Mapping, UpdateFlag, map_status
from .errors import (AlreadyExists, AuthenticationError, HTTPError, IdempotencyConflict,
                     IntegrityError, InvalidArgument, InvalidState, InvalidTransition,
                     IOFailure, LibraryLoadError, LimitExceeded, NotFound, OrderTrackError,
                     OutOfMemory, ParseError, StaleUpdate, StorageError, Timeout, Unavailable,
                     UnknownStatus, Unsupported, UnsupportedVersion, VersionConflict)
from .order import (Document, Driver, HistoryEntry, Issue, LiveLocation, Location, Order,
                    OrderPage, Substitution)
from .rules import (Verdict, check_transition, is_terminal, require_transition,
                    shipment_to_status)
from .sla import sla_report
from .tracker import Tracker
from .vocab import (Provider, Severity, ShipmentStatus, Source, Status, SubstitutionStatus)

__version__ = "1.0.0"

__all__ = [
    "AlreadyExists", "AuthenticationError", "Document", "Driver", "HTTPError",
    "HistoryEntry", "IOFailure", "IdempotencyConflict", "IntegrityError", "InvalidArgument",
    "InvalidState", "InvalidTransition", "Issue", "LibraryLoadError", "LimitExceeded",
    "LiveLocation", "Location", "Mapping", "NotFound", "Order", "OrderPage",
    "OrderTrackError", "OutOfMemory", "ParseError", "Provider", "Severity", "ShipmentStatus",
    "Source", "StaleUpdate", "Status", "StorageError", "Substitution", "SubstitutionStatus",
    "TimeLike", "Timeout", "Tracker", "Unavailable", "UnknownStatus", "Unsupported",
    "UnsupportedVersion", "UpdateFlag", "Verdict", "VersionConflict", "check_transition",
    "is_terminal", "library_version", "map_status", "require_transition", "sla_report",
    "shipment_to_status",
]


def library_version() -> str:
    """Version string of the loaded C library ("1.0.0"); loads it on first use."""
    version: bytes = _lib.ot_version_string()
    return version.decode()
