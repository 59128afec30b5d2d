"""The tracking engine (tracker.h) behind a Pythonic, thread-safe ``Tracker``."""
import ctypes
import datetime
import threading
import time
from types import TracebackType
from typing import (Any, Callable, Dict, Iterator, List, Mapping, Optional, Tuple, Type,
                    TypeVar, Union)

from . import _lib
from ._convert import TimeLike, cjson, cstr, order_document, take_json, to_ms
from .courier import UpdateFlag, map_status
from .errors import (InvalidArgument, InvalidState, LibraryLoadError, OrderTrackError,
                     Unsupported, check, from_report)
from .order import HistoryEntry, LiveLocation, Order, OrderPage
from .vocab import Provider, Severity, ShipmentStatus, Status, to_c

R = TypeVar("R")
ProviderLike = Union[Provider, str]

_STALE = -6


# The adapter libraries that add storage URI schemes to the library's registry: the name
# adapter() loads and the schemes its register function adds (to name the library a URI
# needs when it is missing).
_STORAGE_ADAPTERS: Tuple[Tuple[str, Tuple[str, ...]], ...] = (
    ("sqlite", ("sqlite",)), ("mongo", ("mongodb", "mongodb+srv")))


def _adapter_register(name: str) -> Any:
    """`int ot_storage_NAME_register(ot_storage_registry *, ot_error *)` of the adapter
    library `name`; Unsupported when the library or the symbol is missing."""
    try:
        fn = getattr(_lib.adapter(name), f"ot_storage_{name}_register")
    except (LibraryLoadError, AttributeError) as exc:
        raise Unsupported(-21, f"{name} storage needs libordertrack-{name}.so.1 ({exc})",
                          "storage") from None
    fn.restype = ctypes.c_int
    fn.argtypes = [ctypes.c_void_p, ctypes.POINTER(_lib.CError)]
    return fn


def _open_storage(uri: str) -> ctypes.c_void_p:
    """A new ot_storage* for a storage URI (memory:, sqlite:PATH, mongodb://...), opened by
    the library's registry with every adapter library that loads registered in it."""
    if not isinstance(uri, str):
        raise TypeError("storage: a URI string expected")
    registry, out, report = ctypes.c_void_p(), ctypes.c_void_p(), _lib.CError()
    check(_lib.ot_storage_registry_new(ctypes.byref(registry), ctypes.byref(report)), report)
    missing: Dict[str, Unsupported] = {}
    try:
        for name, schemes in _STORAGE_ADAPTERS:
            try:
                register = _adapter_register(name)
            except Unsupported as exc:
                missing.update(dict.fromkeys(schemes, exc))
                continue
            check(register(registry, ctypes.byref(report)), report)
        code = _lib.ot_storage_open_uri(ctypes.byref(out), registry, uri.encode(),
                                        ctypes.byref(report))
    finally:
        _lib.ot_storage_registry_free(registry)
    if code == Unsupported.code and report.field == b"scheme":
        scheme = uri.split(":", 1)[0].lower()
        if scheme in missing:
            raise missing[scheme]
        raise InvalidArgument(-1, report.message.decode("utf-8", "replace"), "storage")
    check(code, report)
    return out


def _clock_ms(clock: Callable[[], TimeLike]) -> Any:
    """Wrap a Python clock (returning a datetime, an RFC 3339 string or ms) for ot_clock."""
    def now_ms(_userdata: Optional[int]) -> int:
        try:
            ms = to_ms(clock(), "clock")
            if ms > 0:
                return ms
        except Exception:  # a callback must not raise into C
            pass
        return int(time.time() * 1000)
    return _lib.CLOCK_FN(now_ms)


class Tracker:
    """The order tracker over a storage URI: ``"memory:"`` (the default), ``"sqlite:PATH"``
    (libordertrack-sqlite.so.1, or ORDERTRACK_SQLITE_LIBRARY) or ``"mongodb://..."`` (raises
    Unsupported until libordertrack-mongo.so.1 is installed; the adapter's own ``ot.`` options,
    such as ``ot.legacyOrders=true``, go in the connection string: docs/mongo.md).

    Every operation of tracker.h is a method; writes return the new order as an Order (a
    typed, read-only view that also reads like the document's dict). A stale update (a courier report of a passed state, a redelivered event) changes
    nothing and returns the unchanged document, unless ``raise_stale=True`` makes it raise
    StaleUpdate. Refused writes raise the mapped OrderTrackError subclass with the library's
    message. Every write takes ``updated_by=``, ``notes=``, ``metadata=`` (a dict) and
    ``idempotency_key=``; all but init_order take ``if_match=`` (the expected version).
    Times are datetimes (naive means UTC), RFC 3339 strings or milliseconds since the epoch.

    ``clock`` is a callable returning the current time (for tests); thread-safe: share one
    tracker between threads. Use it as a context manager or call close().
    """

    def __init__(self, storage: str = "memory:", clock: Optional[Callable[[], TimeLike]] = None,
                 *, max_retries: Optional[int] = None,
                 idempotency_ttl: Union[datetime.timedelta, int, None] = None,
                 raise_stale: bool = False) -> None:
        self._cv = threading.Condition()
        self._active = 0
        self._tracker: Optional[ctypes.c_void_p] = None
        self._storage: Optional[ctypes.c_void_p] = None
        self._raise_stale = raise_stale
        options, report = _lib.TrackerOptions(), _lib.CError()
        check(_lib.ot_tracker_options_init(ctypes.byref(options), 1, ctypes.byref(report)),
              report)
        self._storage = _open_storage(storage)
        try:
            options.storage = self._storage
            if clock is not None:
                self._clock_fn = _clock_ms(clock)
                self._clock = _lib.Clock()
                check(_lib.ot_clock_init(ctypes.byref(self._clock), 1, ctypes.byref(report)),
                      report)
                self._clock.now_ms = self._clock_fn
                options.clock = ctypes.pointer(self._clock)
            if max_retries is not None:
                options.max_retries = max_retries
            if idempotency_ttl is not None:
                options.idempotency_ttl_ms = int(
                    idempotency_ttl.total_seconds() * 1000
                    if isinstance(idempotency_ttl, datetime.timedelta) else idempotency_ttl)
            tracker = ctypes.c_void_p()
            check(_lib.ot_tracker_new(ctypes.byref(tracker), ctypes.byref(options),
                                      ctypes.byref(report)), report)
            self._tracker = tracker
        except BaseException:
            _lib.ot_storage_close(self._storage)
            self._storage = None
            raise
        self.storage_uri = storage

    # --- lifetime ---------------------------------------------------------------------

    def close(self) -> None:
        """Wait for calls in flight, then free the tracker and close its storage. Idempotent."""
        with self._cv:
            if self._tracker is None:
                return
            tracker, self._tracker = self._tracker, None
            while self._active:
                self._cv.wait()
        _lib.ot_tracker_free(tracker)
        _lib.ot_storage_close(self._storage)
        self._storage = None

    def __enter__(self) -> "Tracker":
        return self

    def __exit__(self, exc_type: Optional[Type[BaseException]],
                 exc: Optional[BaseException], tb: Optional[TracebackType]) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            if getattr(self, "_tracker", None) is not None:
                self.close()
        except Exception:  # interpreter shutdown: the library may be gone already
            pass

    def _enter(self) -> ctypes.c_void_p:
        with self._cv:
            if self._tracker is None:
                raise InvalidState(-16, "the tracker is closed")
            self._active += 1
            return self._tracker

    def _leave(self) -> None:
        with self._cv:
            self._active -= 1
            if not self._active:
                self._cv.notify_all()

    def _call(self, fn: Callable[..., R], *args: Any) -> R:
        """Run fn(tracker, *args) while the tracker is kept open."""
        tracker = self._enter()
        try:
            return fn(tracker, *args)
        finally:
            self._leave()

    # --- plumbing of writes -------------------------------------------------------------

    @staticmethod
    def _request(order_id: str, *, idempotency_key: Optional[str] = None,
                 if_match: Optional[int] = None, updated_by: Optional[str] = None,
                 notes: Optional[str] = None, metadata: Optional[Mapping[str, Any]] = None,
                 **members: Any) -> "_lib.Request":
        req, report = _lib.Request(), _lib.CError()
        check(_lib.ot_request_init(ctypes.byref(req), 1, ctypes.byref(report)), report)
        req.order_id = cstr(order_id)
        req.idempotency_key = cstr(idempotency_key)
        req.expected_version = if_match or 0
        req.updated_by = cstr(updated_by)
        req.notes = cstr(notes)
        req.metadata_json = cjson(metadata)
        for name, value in members.items():
            if value is None:
                continue
            setattr(req, name, cstr(value) if isinstance(value, str) else value)
        return req

    def _finish(self, code: int, out: ctypes.c_void_p, report: "_lib.CError") -> Order:
        """The order of a write's answer, or the mapped exception."""
        if code == 0 or (code == _STALE and not self._raise_stale and out.value):
            return Order.from_dict(order_document(out))
        if out.value:
            _lib.ot_order_free(out)
        raise from_report(code, report)

    def _write(self, op: str, order_id: str, **kwargs: Any) -> Order:
        req = self._request(order_id, **kwargs)
        out, report = ctypes.c_void_p(), _lib.CError()
        code: int = self._call(lambda t: _lib.TRACKER_WRITES[op](
            ctypes.byref(out), t, ctypes.byref(req), ctypes.byref(report)))
        return self._finish(code, out, report)

    # --- orders ---------------------------------------------------------------------------

    def init_order(self, order_id: str, *, store_id: str, customer_id: str,
                   provider: ProviderLike, tracking_id: Optional[str] = None,
                   tracking_url: Optional[str] = None,
                   estimated_delivery: Optional[TimeLike] = None,
                   metadata: Optional[Mapping[str, Any]] = None,
                   updated_by: Optional[str] = None, notes: Optional[str] = None,
                   idempotency_key: Optional[str] = None) -> Order:
        """Create an order (status submitted, version 1). Parcel couriers need
        ``tracking_id`` (the AWB). Raises AlreadyExists for an existing order id."""
        return self._write("init_order", order_id, store_id=store_id, customer_id=customer_id,
                           provider=to_c(Provider, provider), tracking_id=tracking_id,
                           tracking_url=tracking_url,
                           estimated_delivery_ms=to_ms(estimated_delivery,
                                                       "estimated_delivery"),
                           metadata=metadata, updated_by=updated_by, notes=notes,
                           idempotency_key=idempotency_key)

    def set_status(self, order_id: str, status: Union[Status, str], **common: Any) -> Order:
        """Move the order to ``status`` (one step of the lifecycle graph); InvalidTransition
        names both states when the graph refuses it."""
        return self._write("set_status", order_id, status=to_c(Status, status), **common)

    def get(self, order_id: str) -> Order:
        """The order; NotFound when there is none."""
        out, report = ctypes.c_void_p(), _lib.CError()
        code: int = self._call(lambda t: _lib.ot_tracker_get(ctypes.byref(out), t,
                                                        cstr(order_id), ctypes.byref(report)))
        return self._finish(code, out, report)

    def history(self, order_id: str) -> List[HistoryEntry]:
        """The status history, oldest first."""
        answer = self._call(lambda t: take_json(_lib.ot_tracker_history, t, cstr(order_id)))
        return [HistoryEntry.from_dict(entry) for entry in answer["status_history"]]

    def live_location(self, order_id: str) -> LiveLocation:
        """{order_id, current_status, driver_location, location_trail (the latest positions,
        oldest first), driver_details, estimated_delivery_time, delivery_tracking_url}."""
        return LiveLocation.from_dict(self._call(
            lambda t: take_json(_lib.ot_tracker_live_location, t, cstr(order_id))))

    def list_orders(self, *, store_id: Optional[str] = None, customer_id: Optional[str] = None,
                    status: Union[Status, str, None] = None,
                    shipment_status: Union[ShipmentStatus, str, None] = None,
                    shipment_active: bool = False, provider: Optional[ProviderLike] = None,
                    tracking_id: Optional[str] = None,
                    updated_before: Optional[TimeLike] = None, limit: int = 50,
                    cursor: Optional[str] = None) -> OrderPage:
        """One page of orders matching every given filter, ordered by order id: an
        OrderPage (``page.orders``, ``page.next_cursor``; it reads like the document
        ``{"orders": [...], "next_cursor": str or None}``)."""
        req, report = _lib.ListRequest(), _lib.CError()
        check(_lib.ot_list_request_init(ctypes.byref(req), 1, ctypes.byref(report)), report)
        req.store_id, req.customer_id = cstr(store_id), cstr(customer_id)
        req.status = to_c(Status, status) if status is not None else 0
        req.shipment_status = (to_c(ShipmentStatus, shipment_status)
                               if shipment_status is not None else 0)
        req.shipment_active = 1 if shipment_active else 0
        req.provider = to_c(Provider, provider) if provider is not None else 0
        req.tracking_id = cstr(tracking_id)
        req.updated_before_ms = to_ms(updated_before, "updated_before")
        req.limit = limit
        req.cursor = cstr(cursor)
        return OrderPage.from_dict(self._call(
            lambda t: take_json(_lib.ot_tracker_list, t, ctypes.byref(req))))

    def iter_orders(self, **filters: Any) -> Iterator[Order]:
        """Every order matching ``filters`` (those of list_orders), page after page."""
        cursor = None
        while True:
            page = self.list_orders(cursor=cursor, **filters)
            yield from page.orders
            cursor = page.next_cursor
            if not cursor:
                return

    # --- store operations -------------------------------------------------------------------

    def store_acknowledge(self, store_id: str, order_id: str, *, rejected: bool = False,
                          reason: Optional[str] = None, reassign_to: Optional[str] = None,
                          **common: Any) -> Order:
        """The store accepts the order, or with ``rejected=True`` refuses it (``reason``
        required; ``reassign_to`` moves it to that store)."""
        return self._write("store_acknowledge", order_id, store_id=store_id,
                           rejected=1 if rejected else 0, reason=reason,
                           reassign_to=reassign_to, **common)

    def start_picking(self, store_id: str, order_id: str, **common: Any) -> Order:
        """The store starts picking the order."""
        return self._write("start_picking", order_id, store_id=store_id, **common)

    def add_substitution(self, store_id: str, order_id: str, *, original_item_id: str,
                         substitute_item_id: str, reason: Optional[str] = None,
                         price_difference: float = 0.0, **common: Any) -> Order:
        """Propose a substitute item; the order waits for the customer's answer."""
        return self._write("add_substitution", order_id, store_id=store_id,
                           original_item_id=original_item_id,
                           substitute_item_id=substitute_item_id, reason=reason,
                           price_difference=float(price_difference), **common)

    def respond_substitution(self, order_id: str, *, original_item_id: str, approved: bool,
                             **common: Any) -> Order:
        """The customer's answer to a pending substitution."""
        return self._write("respond_substitution", order_id, original_item_id=original_item_id,
                           approved=1 if approved else 0, **common)

    def ready(self, store_id: str, order_id: str, **common: Any) -> Order:
        """Picking complete; InvalidState while a substitution is pending."""
        return self._write("ready", order_id, store_id=store_id, **common)

    # --- delivery operations ----------------------------------------------------------------

    def _assign(self, order_id: str, **kwargs: Any) -> Tuple[Order, int]:
        req = self._request(order_id, **kwargs)
        out, retry, report = ctypes.c_void_p(), ctypes.c_int64(0), _lib.CError()
        code: int = self._call(lambda t: _lib.ot_tracker_assign_driver(
            ctypes.byref(out), ctypes.byref(retry), t, ctypes.byref(req), ctypes.byref(report)))
        return self._finish(code, out, report), int(retry.value)

    def assign_driver(self, order_id: str, *, driver_id: str, driver_name: str,
                      driver_phone: str, vehicle_type: str,
                      vehicle_number: Optional[str] = None, photo_url: Optional[str] = None,
                      tracking_id: Optional[str] = None, tracking_url: Optional[str] = None,
                      estimated_delivery: Optional[TimeLike] = None, **common: Any) -> Order:
        """Assign a driver (status driver_assigned)."""
        return self._assign(order_id, driver_id=driver_id, driver_name=driver_name,
                            driver_phone=driver_phone, vehicle_type=vehicle_type,
                            vehicle_number=vehicle_number, photo_url=photo_url,
                            tracking_id=tracking_id, tracking_url=tracking_url,
                            estimated_delivery_ms=to_ms(estimated_delivery,
                                                        "estimated_delivery"), **common)[0]

    def no_driver_found(self, order_id: str,
                        **common: Any) -> Tuple[Order, datetime.timedelta]:
        """Record that no driver was found (a no_drivers issue; the order stays
        ready_for_pickup). Returns ``(order, retry_after)``: the backoff before the next
        attempt as a timedelta."""
        order, retry_ms = self._assign(order_id, **common)
        return order, datetime.timedelta(milliseconds=retry_ms)

    def update_location(self, order_id: str, *, latitude: float, longitude: float,
                        accuracy: Optional[float] = None, time: Optional[TimeLike] = None,
                        **common: Any) -> Order:
        """The driver's position (projection only); StaleUpdate-like answers (an older
        position) return the unchanged order."""
        return self._write("update_location", order_id, latitude=float(latitude),
                           longitude=float(longitude), has_accuracy=accuracy is not None,
                           accuracy=float(accuracy or 0.0), time_ms=to_ms(time, "time"),
                           **common)

    def pickup(self, order_id: str, *, time: Optional[TimeLike] = None,
               **common: Any) -> Order:
        """The driver picked the order up (at ``time``, default now)."""
        return self._write("pickup", order_id, time_ms=to_ms(time, "time"), **common)

    def delivered(self, order_id: str, *, time: Optional[TimeLike] = None,
                  **common: Any) -> Order:
        """The order was delivered (at ``time``, default now)."""
        return self._write("delivered", order_id, time_ms=to_ms(time, "time"), **common)

    # --- issues -------------------------------------------------------------------------------

    def raise_issue(self, order_id: str, *, issue_type: str, description: str,
                    severity: Union[Severity, str] = Severity.MEDIUM, **common: Any) -> Order:
        """Record an issue on the order (last in ``issues``)."""
        return self._write("raise_issue", order_id, issue_type=issue_type,
                           description=description, severity=to_c(Severity, severity), **common)

    def resolve_issue(self, order_id: str, index: int, *, resolution: str,
                      **common: Any) -> Order:
        """Resolve issue number ``index`` (0-based, as in the order's ``issues`` list)."""
        return self._write("resolve_issue", order_id, issue_index=index,
                           resolution=resolution, **common)

    # --- courier updates ----------------------------------------------------------------------

    def apply_update(self, *, provider: ProviderLike, order_id: Optional[str] = None,
                     tracking_id: Optional[str] = None, event_id: Optional[str] = None,
                     raw_status: Optional[str] = None, raw_type: Optional[str] = None,
                     raw_code: Optional[str] = None, status: Union[Status, str, None] = None,
                     shipment_status: Union[ShipmentStatus, str, None] = None,
                     flags: Union[UpdateFlag, int] = UpdateFlag.NONE,
                     event_time: Optional[TimeLike] = None, location: Optional[str] = None,
                     latitude: Optional[float] = None, longitude: Optional[float] = None,
                     driver_id: Optional[str] = None, driver_name: Optional[str] = None,
                     driver_phone: Optional[str] = None, vehicle_type: Optional[str] = None,
                     vehicle_number: Optional[str] = None, photo_url: Optional[str] = None,
                     eta: Optional[TimeLike] = None, tracking_url: Optional[str] = None,
                     notes: Optional[str] = None,
                     idempotency_key: Optional[str] = None) -> Order:
        """Apply a courier or partner update, found by ``order_id`` or ``tracking_id``.

        Give the canonical ``status`` / ``shipment_status``, or only ``raw_status`` (with
        ``raw_type`` / ``raw_code``) to have it mapped with the built-in tables; a raw status
        no table knows is recorded as an unmapped_status issue. A repeated ``event_id`` or a
        passed state is stale: the unchanged order is returned (or StaleUpdate raised)."""
        flags = UpdateFlag(flags)
        if raw_status is not None and status is None and shipment_status is None:
            try:
                mapping = map_status(provider, raw_status, raw_type, raw_code)
                status, shipment_status = mapping.status, mapping.shipment_status
                flags |= mapping.flags
            except OrderTrackError as exc:
                if exc.code != -11:
                    raise
                flags |= UpdateFlag.UNMAPPED
        upd, report = _lib.Update(), _lib.CError()
        check(_lib.ot_update_init(ctypes.byref(upd), 1, ctypes.byref(report)), report)
        upd.provider = to_c(Provider, provider)
        upd.status = to_c(Status, status) if status is not None else 0
        upd.shipment_status = (to_c(ShipmentStatus, shipment_status)
                               if shipment_status is not None else 0)
        if latitude is not None and longitude is not None:
            upd.latitude, upd.longitude = float(latitude), float(longitude)
            flags |= UpdateFlag.HAS_POSITION
        upd.flags = int(flags)
        upd.event_time_ms = to_ms(event_time, "event_time")
        upd.eta_ms = to_ms(eta, "eta")
        for name, value in (("tracking_id", tracking_id), ("order_id", order_id),
                            ("event_id", event_id), ("raw_status", raw_status),
                            ("raw_type", raw_type), ("location", location),
                            ("driver_id", driver_id), ("driver_name", driver_name),
                            ("driver_phone", driver_phone), ("vehicle_type", vehicle_type),
                            ("vehicle_number", vehicle_number), ("photo_url", photo_url),
                            ("tracking_url", tracking_url), ("notes", notes)):
            setattr(upd, name, cstr(value))
        key = cstr(idempotency_key)
        out = ctypes.c_void_p()
        code: int = self._call(lambda t: _lib.ot_tracker_apply_update(
            ctypes.byref(out), t, ctypes.byref(upd), key, ctypes.byref(report)))
        return self._finish(code, out, report)
