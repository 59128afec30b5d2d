"""The Tracker through the binding: lifecycle, errors, threads, mapping, SQLite, SLA."""
import datetime
import os
import tempfile
import threading
import unittest

import ordertrack as ot

T0 = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.timezone.utc)


class FakeClock:
    """A thread-safe clock the tests move by hand."""

    def __init__(self, start=T0):
        self.now = start
        self.lock = threading.Lock()

    def __call__(self):
        with self.lock:
            return self.now

    def advance(self, **delta):
        with self.lock:
            self.now += datetime.timedelta(**delta)


def new_order(t, order_id="o-1", provider="uber", **kw):
    return t.init_order(order_id, store_id="store-1", customer_id="cust-1", provider=provider,
                        **kw)


class LifecycleTest(unittest.TestCase):
    def test_seed_lifecycle_with_a_substitution(self):
        clock = FakeClock()
        with ot.Tracker("memory:", clock=clock) as t:
            o = new_order(t, metadata={"channel": "app"}, notes="placed")
            self.assertEqual((o["current_status"], o["version"]), ("submitted", 1))
            self.assertEqual(o["metadata"], {"channel": "app"})
            self.assertEqual(o["created_at"], "2026-03-01T12:00:00.000Z")
            t.set_status("o-1", ot.Status.STORE_NOTIFIED, updated_by="dispatcher")
            clock.advance(minutes=2)
            o = t.store_acknowledge("store-1", "o-1")
            self.assertEqual(o["store_acknowledgment_time"], "2026-03-01T12:02:00.000Z")
            o = t.start_picking("store-1", "o-1")
            o = t.add_substitution("store-1", "o-1", original_item_id="milk-1l",
                                   substitute_item_id="milk-2l", reason="out of stock",
                                   price_difference=1.25)
            self.assertEqual(o["current_status"], "substitutions_needed")
            self.assertEqual(o["substitutions"][0]["status"], "pending")
            with self.assertRaises(ot.InvalidState):
                t.ready("store-1", "o-1")
            o = t.respond_substitution("o-1", original_item_id="milk-1l", approved=True)
            self.assertEqual(o["current_status"], "substitutions_approved")
            self.assertEqual(o["substitutions"][0]["status"], "approved")
            clock.advance(minutes=10)
            o = t.ready("store-1", "o-1")
            self.assertEqual(o["current_status"], "ready_for_pickup")
            o, retry = t.no_driver_found("o-1")
            self.assertEqual(retry, datetime.timedelta(seconds=30))
            self.assertEqual(o["issues"][0]["issue_type"], "no_drivers")
            o = t.assign_driver("o-1", driver_id="drv-7", driver_name="Asha",
                                driver_phone="+91-9000000000", vehicle_type="bike",
                                estimated_delivery=T0 + datetime.timedelta(hours=1))
            self.assertEqual(o["driver_details"]["driver_id"], "drv-7")
            clock.advance(minutes=1)
            o = t.update_location("o-1", latitude=12.97, longitude=77.59, accuracy=8.5)
            self.assertEqual(o["driver_location"]["accuracy"], 8.5)
            older = t.update_location("o-1", latitude=12.9, longitude=77.5,
                                      time="2026-03-01T12:00:00Z")
            self.assertEqual(older["driver_location"]["latitude"], 12.97)  # stale: ignored
            t.pickup("o-1")
            t.set_status("o-1", "in_transit")
            clock.advance(minutes=30)  # a caller's time may not lie past the clock + skew
            o = t.delivered("o-1", time="2026-03-01T12:40:00Z")
            self.assertEqual(o["current_status"], "delivered")
            self.assertEqual(o["actual_delivery_time"], "2026-03-01T12:40:00.000Z")
            self.assertEqual(t.get("o-1"), o)
            history = t.history("o-1")
            self.assertEqual(history[0]["status"], "submitted")
            self.assertEqual(history[-1]["status"], "delivered")
            self.assertEqual(len(history), len(o["status_history"]))
            live = t.live_location("o-1")
            self.assertEqual(live["current_status"], "delivered")
            o = t.raise_issue("o-1", issue_type="damaged", description="bag torn",
                              severity="high")
            o = t.resolve_issue("o-1", 1, resolution="refunded")
            self.assertEqual(o["issues"][1]["resolution"], "refunded")

    def test_store_rejection_reassigns(self):
        with ot.Tracker() as t:
            new_order(t)
            t.set_status("o-1", "store_notified")
            o = t.store_acknowledge("store-1", "o-1", rejected=True, reason="closed",
                                    reassign_to="store-2")
            self.assertEqual((o["store_id"], o["current_status"]), ("store-2", "store_notified"))

    def test_list_and_iterate(self):
        with ot.Tracker() as t:
            for i in range(5):
                new_order(t, f"o-{i}", provider="delhivery", tracking_id=f"AWB{i}")
            new_order(t, "x-1")
            page = t.list_orders(provider="delhivery", limit=2)
            self.assertEqual([o["order_id"] for o in page["orders"]], ["o-0", "o-1"])
            self.assertTrue(page["next_cursor"])
            self.assertEqual(len(list(t.iter_orders(provider="delhivery", limit=2))), 5)
            self.assertEqual([o["order_id"] for o in t.iter_orders(status="submitted",
                                                                    provider="uber")], ["x-1"])

    def test_courier_updates(self):
        with ot.Tracker("memory:", raise_stale=True) as t:
            new_order(t, "p-1", provider="delhivery", tracking_id="AWB-1")
            o = t.apply_update(provider="delhivery", tracking_id="AWB-1", event_id="e1",
                               raw_status="In Transit", raw_type="UD",
                               event_time="2026-03-01T10:00:00Z")
            self.assertEqual((o["shipment_status"], o["current_status"]),
                             ("in transit", "in_transit"))
            self.assertEqual(o["courier_status_raw"], "In Transit")
            with self.assertRaises(ot.StaleUpdate):  # the same event again
                t.apply_update(provider="delhivery", tracking_id="AWB-1", event_id="e1",
                               raw_status="In Transit", raw_type="UD")
            o = t.apply_update(provider="delhivery", tracking_id="AWB-1",
                               raw_status="Something new")
            self.assertEqual(o["issues"][-1]["issue_type"], "unmapped_status")
            o = t.apply_update(provider="delhivery", tracking_id="AWB-1",
                               shipment_status=ot.ShipmentStatus.DELIVERED)
            self.assertEqual(o["current_status"], "delivered")
            with self.assertRaises(ot.StaleUpdate) as ctx:  # a late scan after delivery
                t.apply_update(provider="delhivery", tracking_id="AWB-1",
                               shipment_status="in transit")
            self.assertEqual(ctx.exception.code_name, "OT_ESTALE")
        with ot.Tracker() as t:  # by default a stale update returns the unchanged order
            new_order(t, "p-1", provider="delhivery", tracking_id="AWB-1")
            first = t.apply_update(provider="delhivery", tracking_id="AWB-1", event_id="e1",
                                   shipment_status="in transit")
            again = t.apply_update(provider="delhivery", tracking_id="AWB-1", event_id="e1",
                                   shipment_status="in transit")
            self.assertEqual(first, again)


class ErrorsTest(unittest.TestCase):
    def setUp(self):
        self.t = ot.Tracker()
        new_order(self.t)

    def tearDown(self):
        self.t.close()

    def test_invalid_argument_names_the_field(self):
        with self.assertRaises(ot.InvalidArgument) as ctx:
            self.t.init_order("o-2", store_id="s", customer_id="c", provider="teleport")
        self.assertEqual(ctx.exception.field, "provider")
        with self.assertRaises(ot.InvalidArgument) as ctx:
            self.t.update_location("o-1", latitude=91, longitude=0)
        self.assertTrue(ctx.exception.field)
        with self.assertRaises(ot.InvalidArgument):
            self.t.init_order("o-3", store_id="s", customer_id="c", provider="delhivery")
        with self.assertRaises(ot.InvalidArgument):
            ot.Tracker("postgres://nope")

    def test_not_found_and_already_exists(self):
        with self.assertRaises(ot.NotFound):
            self.t.get("nope")
        with self.assertRaises(ot.NotFound):
            self.t.set_status("nope", "store_notified")
        with self.assertRaises(ot.NotFound):  # the store must be the order's
            self.t.start_picking("store-9", "o-1")
        with self.assertRaises(ot.AlreadyExists) as ctx:
            new_order(self.t)
        self.assertIn("o-1", ctx.exception.message)

    def test_invalid_transition_names_both_states(self):
        with self.assertRaises(ot.InvalidTransition) as ctx:
            self.t.set_status("o-1", ot.Status.DELIVERED)
        err = ctx.exception
        self.assertEqual((err.from_state, err.to_state), ("submitted", "delivered"))
        self.assertEqual(self.t.get("o-1")["version"], 1)  # nothing changed

    def test_version_conflict_via_if_match(self):
        o = self.t.set_status("o-1", "store_notified", if_match=1)
        self.assertEqual(o["version"], 2)
        with self.assertRaises(ot.VersionConflict):
            self.t.store_acknowledge("store-1", "o-1", if_match=1)
        self.assertEqual(self.t.store_acknowledge("store-1", "o-1", if_match=2)["version"], 3)

    def test_idempotency(self):
        a = self.t.set_status("o-1", "store_notified", idempotency_key="k-1")
        b = self.t.set_status("o-1", "store_notified", idempotency_key="k-1")
        self.assertEqual(a, b)  # replayed, not applied twice
        with self.assertRaises(ot.IdempotencyConflict):
            self.t.set_status("o-1", "cancelled", idempotency_key="k-1")

    def test_invalid_state(self):
        with self.assertRaises(ot.InvalidState):  # no driver yet
            self.t.update_location("o-1", latitude=1, longitude=2)
        closed = ot.Tracker()
        closed.close()
        closed.close()
        with self.assertRaises(ot.InvalidState):
            closed.get("o-1")

    def test_unreachable_or_unsupported_mongodb(self):
        # Unsupported without libordertrack-mongo.so.1; with it, a server that does not
        # answer is a StorageError naming it.
        uri = "mongodb://127.0.0.1:1/orders?serverSelectionTimeoutMS=300&connectTimeoutMS=300"
        with self.assertRaises((ot.Unsupported, ot.StorageError)) as ctx:
            ot.Tracker(uri)
        self.assertTrue("libordertrack-mongo" in ctx.exception.message
                        or "127.0.0.1:1" in ctx.exception.message, ctx.exception.message)

    def test_mongodb_uri_options(self):
        # The adapter's own options (ot.*) reach it through the URI: an unknown one is
        # refused by name before any connection is tried.
        uri = "mongodb://127.0.0.1:1/orders?ot.legacyOrdes=true&serverSelectionTimeoutMS=300"
        with self.assertRaises((ot.Unsupported, ot.InvalidArgument)) as ctx:
            ot.Tracker(uri)
        self.assertTrue("libordertrack-mongo" in ctx.exception.message
                        or "ot.legacyOrdes" in ctx.exception.message, ctx.exception.message)

    def test_unknown_storage_scheme(self):
        with self.assertRaises(ot.InvalidArgument):
            ot.Tracker("redis://127.0.0.1/0")

    def test_unknown_storage_scheme_names_registered_ones(self):
        # The library's registry answers: the scheme and the registered ones, never the
        # URI's password; schemes match whatever their case.
        with self.assertRaises(ot.InvalidArgument) as ctx:
            ot.Tracker("redis://ops:s3cret@127.0.0.1/0")
        self.assertIn("redis", ctx.exception.message)
        self.assertIn("memory", ctx.exception.message)
        self.assertNotIn("s3cret", ctx.exception.message)
        with ot.Tracker("MEMORY:") as t:
            self.assertEqual(t.storage_uri, "MEMORY:")
        with self.assertRaises(ot.InvalidArgument):
            ot.Tracker("memory:extra")

    def test_bad_time(self):
        with self.assertRaises(ot.InvalidArgument):
            self.t.pickup("o-1", time="yesterday")
        with self.assertRaises(TypeError):
            self.t.pickup("o-1", time=1.5)


class ConcurrencyTest(unittest.TestCase):
    def run_threads(self, storage):
        threads, per_thread = 8, 12  # 96 issues: within the default max_issues (100)
        with ot.Tracker(storage, max_retries=100) as t:
            new_order(t)
            errors = []

            def worker(n):
                try:
                    for i in range(per_thread):
                        t.raise_issue("o-1", issue_type="note", description=f"{n}-{i}")
                        t.get("o-1")
                except Exception as exc:  # pragma: no cover - reported below
                    errors.append(exc)

            pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
            for th in pool:
                th.start()
            for th in pool:
                th.join()
            self.assertEqual(errors, [])
            o = t.get("o-1")
            self.assertEqual(len(o["issues"]), threads * per_thread)  # no lost update
            self.assertEqual(o["version"], 1 + threads * per_thread)
            self.assertEqual(len({i["description"] for i in o["issues"]}), threads * per_thread)

    def test_threads_share_a_memory_tracker(self):
        self.run_threads("memory:")

    def test_threads_share_an_sqlite_tracker(self):
        with tempfile.TemporaryDirectory() as d:
            self.run_threads(f"sqlite:{d}/orders.db")

    def test_close_waits_for_calls_in_flight(self):
        # The clock is called inside the library call: blocking it holds a call in flight.
        entered, release = threading.Event(), threading.Event()
        armed = []

        def clock():
            if armed and not entered.is_set():
                entered.set()
                release.wait(10)
            return datetime.datetime(2026, 1, 1, 12, 0, 0)

        t = ot.Tracker(clock=clock)
        new_order(t)
        armed.append(True)
        results = []
        writer = threading.Thread(
            target=lambda: results.append(t.set_status("o-1", "store_notified")))
        writer.start()
        self.assertTrue(entered.wait(10), "the write never reached the clock")
        closer = threading.Thread(target=t.close)
        closer.start()
        closer.join(0.3)
        self.assertTrue(closer.is_alive(), "close() returned while a call was in flight")
        with self.assertRaises(ot.InvalidState):  # no new call starts once close() began
            t.get("o-1")
        release.set()
        writer.join(10)
        closer.join(10)
        self.assertFalse(closer.is_alive())
        self.assertEqual(len(results), 1)  # the call in flight finished on a live tracker
        self.assertEqual(results[0]["current_status"], "store_notified")
        with self.assertRaises(ot.InvalidState):
            t.get("o-1")


class SqliteTest(unittest.TestCase):
    def test_orders_persist_across_trackers(self):
        with tempfile.TemporaryDirectory() as d:
            uri = f"sqlite:{os.path.join(d, 'orders.db')}"
            with ot.Tracker(uri) as t:
                new_order(t)
                t.set_status("o-1", "store_notified", idempotency_key="k-1")
                before = t.get("o-1")
            with ot.Tracker(uri) as t:
                self.assertEqual(t.get("o-1"), before)
                self.assertEqual(len(t.history("o-1")), 2)
                self.assertEqual(t.set_status("o-1", "store_notified",
                                              idempotency_key="k-1"), before)  # key kept
                with self.assertRaises(ot.AlreadyExists):
                    new_order(t)

    def test_library_override(self):
        from ordertrack import _lib
        path = os.path.join(os.path.dirname(_lib.lib._name), "libordertrack-sqlite.so.1")
        saved = _lib._adapters.pop("sqlite", None)
        os.environ["ORDERTRACK_SQLITE_LIBRARY"] = path
        try:
            self.assertEqual(_lib.adapter("sqlite")._name, path)
        finally:
            del os.environ["ORDERTRACK_SQLITE_LIBRARY"]
            if saved is not None:
                _lib._adapters["sqlite"] = saved

    def test_missing_path(self):
        with self.assertRaises(ot.InvalidArgument):
            ot.Tracker("sqlite:")


class MappingTest(unittest.TestCase):
    def test_parcel_and_hyperlocal(self):
        m = ot.map_status("delhivery", "In Transit", "UD")
        self.assertEqual((m.status, m.shipment_status), (ot.Status.IN_TRANSIT,
                                                         ot.ShipmentStatus.IN_TRANSIT))
        self.assertEqual(m.flags, ot.UpdateFlag.NONE)
        m = ot.map_status(ot.Provider.UBER, "delivered")
        self.assertEqual((m.status, m.shipment_status), (ot.Status.DELIVERED, None))
        m = ot.map_status("delhivery", "Pending", "UD", "EOD-74")
        self.assertIsInstance(m, ot.Mapping)

    def test_shiprocket_ids_and_words_in_any_case(self):
        S = ot.ShipmentStatus
        cases = [("7", "Delivered", S.DELIVERED), ("17", "Out For Delivery", S.OUT_FOR_DELIVERY),
                 ("10", "RTO Delivered", S.RTO_DELIVERED), ("9", "RTO Initiated", S.RTO),
                 ("46", "RTO IN INTRANSIT", S.RTO_IN_TRANSIT), ("21", "Undelivered", S.NDR)]
        for sid, words, want in cases:
            by_id = ot.map_status("shiprocket", sid)
            self.assertEqual(by_id.shipment_status, want, sid)
            for variant in (words, words.upper(), words.lower(), " %s\t" % words.title(),
                            "  ".join(words.split()), words.replace(" ", "_")):
                self.assertEqual(ot.map_status(ot.Provider.SHIPROCKET, variant), by_id, variant)
        m = ot.map_status("shiprocket", "partial_delivered")
        self.assertEqual((m.shipment_status, m.flags), (S.DELIVERED, ot.UpdateFlag.PARTIAL))
        for unknown in ("QC Failed", "47", "Out-For-Delivery"):
            with self.assertRaises(ot.UnknownStatus):
                ot.map_status("shiprocket", unknown)

    def test_word_tables_ignore_case_and_spacing(self):
        S = ot.ShipmentStatus
        for raw in ("out_for_delivery", "OUT_FOR_DELIVERY", "Out For Delivery", " out  for delivery "):
            self.assertEqual(ot.map_status("velocity", raw).shipment_status, S.OUT_FOR_DELIVERY)
        for raw, typ in (("Not Picked", "UD"), ("NOT  PICKED", " ud "), ("not_picked", "Ud")):
            self.assertEqual(ot.map_status("delhivery", raw, typ).shipment_status, S.PENDING)
        self.assertEqual(ot.map_status("delhivery", "pending", "ud", "eod-74").shipment_status,
                         S.NDR)

    def test_unknown_status_is_never_guessed(self):
        with self.assertRaises(ot.UnknownStatus) as ctx:
            ot.map_status("shiprocket", "teleported")
        self.assertIn("teleported", ctx.exception.message)
        with self.assertRaises(ot.InvalidArgument):
            ot.map_status("internal", "delivered")


class SlaTest(unittest.TestCase):
    def test_report_of_an_order(self):
        clock = FakeClock()
        with ot.Tracker(clock=clock) as t:
            new_order(t)
            o = t.set_status("o-1", "store_notified")
        report = ot.sla_report(o, now=T0 + datetime.timedelta(minutes=4))
        stages = {s["stage"]: s for s in report["stages"]}
        self.assertEqual(stages["store_acknowledgment"]["state"], "warning")  # 240 s of 300
        self.assertEqual(stages["store_acknowledgment"]["elapsed_ms"], 240000)
        self.assertEqual(report["state"], "warning")
        self.assertEqual(report["evaluated_at"], "2026-03-01T12:04:00.000Z")
        late = ot.sla_report(o, now="2026-03-01T12:05:00.001Z")
        self.assertEqual(late["state"], "breached")
        relaxed = ot.sla_report(o, now=T0 + datetime.timedelta(minutes=4),
                                policy={"stores": {"store-1": {"store_acknowledgment_ms": 600000}}})
        self.assertEqual(relaxed["state"], "ok")
        with self.assertRaises(ot.InvalidArgument):
            ot.sla_report(o, policy={"warning_fraction": 2})


if __name__ == "__main__":
    unittest.main()
