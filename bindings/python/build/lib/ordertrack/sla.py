"""The SLA report of an order document (sla.h, docs/sla.md)."""
import ctypes
import datetime
import json

from . import _lib
from ._convert import take_json, to_ms
from .errors import check


def sla_report(order, now=None, policy=None):
    """The SLA report of an order document (a dict, as the tracker returns it) at ``now``
    (datetime, RFC 3339 string or ms; None: the current time) under ``policy`` (a dict in
    the format of the ``sla`` config block; None: the defaults). Returns the ``/sla`` route's
    JSON as a dict: ``{"stages": [...], "state": ..., "evaluated_at": ...}``."""
    if now is None:
        now = datetime.datetime.now(datetime.timezone.utc)
    now_ms = to_ms(now, "now")
    text = json.dumps(order).encode()
    record, report = ctypes.c_void_p(), _lib.CError()
    # The library reads the times from the record itself (ot_sla_times_from_order), as the
    # tracker and ordertrackd do.
    check(_lib.ot_order_from_json(ctypes.byref(record), text, len(text), ctypes.byref(report)),
          report)
    try:
        return _evaluate(record, now_ms, policy)
    finally:
        _lib.ot_order_free(record)


def _evaluate(record, now_ms, policy):
    times, report = _lib.SlaTimes(), _lib.CError()
    check(_lib.ot_sla_times_init(ctypes.byref(times), 1, ctypes.byref(report)), report)
    check(_lib.ot_sla_times_from_order(ctypes.byref(times), record, ctypes.byref(report)),
          report)
    policies = ctypes.c_void_p()
    if policy is None:
        check(_lib.ot_sla_policies_new(ctypes.byref(policies), None, ctypes.byref(report)),
              report)
    else:
        text = json.dumps(policy).encode()
        check(_lib.ot_sla_policies_from_json(ctypes.byref(policies), text, len(text),
                                             ctypes.byref(report)), report)
    try:
        result = _lib.SlaReport()
        check(_lib.ot_sla_report_init(ctypes.byref(result), 1, ctypes.byref(report)), report)
        check(_lib.ot_sla_evaluate(ctypes.byref(result), policies, ctypes.byref(times), now_ms,
                                   ctypes.byref(report)), report)
        return take_json(_lib.ot_sla_report_to_json, ctypes.byref(result))
    finally:
        _lib.ot_sla_policies_free(policies)
