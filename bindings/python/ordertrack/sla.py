"""The SLA report of an order document (sla.h, docs/sla.md)."""
import ctypes
import datetime
import json

from . import _lib
from ._convert import take_json, to_ms
from .errors import check
from .vocab import Provider, to_c

_PARCEL = {"delhivery", "delhivery_b2b", "shiprocket", "velocity"}
_CLOSED = {"cancelled", "failed"}
_SHIPMENT_CLOSED = {"rto", "rto in transit", "rto_delivered", "lost", "destroy",
                    "booking_cancelled"}


def _first(history, status):
    for entry in history:
        if entry.get("status") == status:
            return to_ms(entry["timestamp"], "status_history.timestamp")
    return 0


def _courier_events(history):
    """(timestamp ms, shipment status or None) of each courier scan in the history."""
    scans = []
    for entry in history:
        ot = (entry.get("metadata") or {}).get("ot") or {}
        data = ot.get("data") or {}
        if "courier_status_raw" in data or "shipment_status" in data:
            when = data.get("time") or entry["timestamp"]
            scans.append((to_ms(when, "status_history.timestamp"), data.get("shipment_status")))
    return scans


def sla_times(order):
    """Fill an ``ot_sla_times`` from an order document, as docs/sla.md describes."""
    times, report = _lib.SlaTimes(), _lib.CError()
    check(_lib.ot_sla_times_init(ctypes.byref(times), 1, ctypes.byref(report)), report)
    history = order.get("status_history") or []
    times.store_id = order["store_id"].encode() if order.get("store_id") else None
    provider = order.get("delivery_provider")
    times.provider = to_c(Provider, provider) if provider else 0
    times.store_notified_ms = _first(history, "store_notified")
    for member, field in (("store_acknowledged_ms", "store_acknowledgment_time"),
                          ("picking_started_ms", "picking_start_time"),
                          ("ready_ms", "picking_complete_time"),
                          ("driver_pickup_ms", "delivery_pickup_time"),
                          ("delivered_ms", "actual_delivery_time"),
                          ("estimated_delivery_ms", "estimated_delivery_time")):
        setattr(times, member, to_ms(order.get(field), field))
    times.driver_assigned_ms = _first(history, "driver_assigned")
    if order.get("current_status") in _CLOSED and history:
        times.closed_ms = to_ms(history[-1]["timestamp"], "status_history.timestamp")
    if provider in _PARCEL:
        scans = _courier_events(history)
        if scans:
            times.last_scan_ms = scans[-1][0]
            if not times.driver_pickup_ms:
                times.driver_pickup_ms = scans[0][0]
        if order.get("shipment_status") == "ndr":
            since = 0
            for when, shipment in reversed(scans):
                if shipment not in (None, "ndr"):
                    break
                if shipment == "ndr":
                    since = when
            times.ndr_since_ms = since
        if order.get("shipment_status") in _SHIPMENT_CLOSED and scans and not times.closed_ms:
            times.closed_ms = scans[-1][0]
    return times


def sla_report(order, now=None, policy=None):
    """The SLA report of an order document (a dict, as the tracker returns it) at ``now``
    (datetime, RFC 3339 string or ms; None: the current time) under ``policy`` (a dict in
    the format of the ``sla`` config block; None: the defaults). Returns the ``/sla`` route's
    JSON as a dict: ``{"stages": [...], "state": ..., "evaluated_at": ...}``."""
    if now is None:
        now = datetime.datetime.now(datetime.timezone.utc)
    now_ms = to_ms(now, "now")
    times = sla_times(order)
    policies, report = ctypes.c_void_p(), _lib.CError()
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
