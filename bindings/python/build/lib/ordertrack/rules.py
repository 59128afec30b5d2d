"""The transition validator and the facts of the status graphs."""
import ctypes
import enum

from . import _lib
from .errors import check, from_report
from .vocab import ShipmentStatus, Source, Status, from_c, to_c


class Verdict(str, enum.Enum):
    """The validator's three answers."""

    LEGAL = "legal"      # apply it
    STALE = "stale"      # stale or duplicate: ignore it, change nothing
    ILLEGAL = "illegal"  # refuse it


_STALE, _ILLEGAL = -6, -5


def _vocabulary(from_state, to_state):
    """Pick the graph both states belong to (the lifecycle first, as the CLI does)."""
    for cls, fn in ((Status, _lib.ot_status_transition_check),
                    (ShipmentStatus, _lib.ot_shipment_transition_check)):
        if isinstance(from_state, cls) or isinstance(to_state, cls):
            return cls, fn
    names = {m.value for m in Status}
    if from_state in names and to_state in names:
        return Status, _lib.ot_status_transition_check
    return ShipmentStatus, _lib.ot_shipment_transition_check


def _run_check(from_state, to_state, source):
    cls, fn = _vocabulary(from_state, to_state)
    report = _lib.CError()
    code = fn(to_c(cls, from_state), to_c(cls, to_state), to_c(Source, source),
              ctypes.byref(report))
    return code, report


def check_transition(from_state, to_state, source=Source.API):
    """Answer whether ``from_state`` -> ``to_state`` reported by ``source`` is legal, stale
    or illegal. States are wire names or enum members of one vocabulary; raises
    InvalidArgument for unknown names."""
    code, report = _run_check(from_state, to_state, source)
    if code == 0:
        return Verdict.LEGAL
    if code == _STALE:
        return Verdict.STALE
    if code == _ILLEGAL:
        return Verdict.ILLEGAL
    raise from_report(code, report)


def require_transition(from_state, to_state, source=Source.API):
    """Like check_transition, but raise StaleUpdate or InvalidTransition (naming both
    states) unless the step is legal."""
    code, report = _run_check(from_state, to_state, source)
    check(code, report)


def is_terminal(state):
    """True for terminal states of either vocabulary."""
    report = _lib.CError()
    if isinstance(state, ShipmentStatus) or (
            not isinstance(state, Status) and state not in {m.value for m in Status}):
        return bool(check(_lib.ot_shipment_is_terminal(to_c(ShipmentStatus, state),
                                                       ctypes.byref(report)), report))
    return bool(check(_lib.ot_status_is_terminal(to_c(Status, state), ctypes.byref(report)),
                      report))


def shipment_to_status(shipment):
    """The lifecycle Status a ShipmentStatus implies, or None where none fits."""
    out = ctypes.c_int(0)
    report = _lib.CError()
    check(_lib.ot_shipment_to_status(ctypes.byref(out), to_c(ShipmentStatus, shipment),
                                     ctypes.byref(report)), report)
    return from_c(Status, out.value) if out.value else None
