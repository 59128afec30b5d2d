"""libordertrack for Python: the order tracking library through ctypes.

Everything the C library reports as an error is raised as a subclass of OrderTrackError
carrying the library's message; status values are ``str`` enums with the wire names; order
documents are dicts.
"""
from . import _lib
from .courier import Mapping, UpdateFlag, map_status
from .errors import (AlreadyExists, AuthenticationError, HTTPError, IdempotencyConflict,
                     IntegrityError, InvalidArgument, InvalidState, InvalidTransition,
                     IOFailure, LimitExceeded, NotFound, OrderTrackError, OutOfMemory,
                     ParseError, StaleUpdate, StorageError, Timeout, Unavailable,
                     UnknownStatus, Unsupported, UnsupportedVersion, VersionConflict)
from .rules import (Verdict, check_transition, is_terminal, require_transition,
                    shipment_to_status)
from .sla import sla_report
from .tracker import Tracker
from .vocab import (Provider, Severity, ShipmentStatus, Source, Status, SubstitutionStatus)

__version__ = "1.0.0"


def library_version():
    """Version string of the loaded C library ("1.0.0")."""
    return _lib.ot_version_string().decode()
