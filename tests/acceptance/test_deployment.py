"""The courier side as deployed: ordertrackd and ordertrack-poller on one store with personal
data sealed at rest (one key file for both), the simulator serving all five trackers of seed
001, courier webhooks and polls interleaved, alerts to local Slack, CRM and SMTP receivers.

Asserts the records as the API returns them (written by both programs, read by the daemon),
the alerts sent, and that no personal data is stored in clear. A hyperlocal order on the same
deployment (store steps, a driver, positions) keeps the driver's name, phone and positions
sealed at rest too, while the API answers them to the admin key. On MongoDB
(OT_TEST_MONGODB_URI) the store also keeps seed 001's collections (`ot.legacyOrders=true`):
`orders.status` of the existing order documents and the `orderTracking` history."""
import json
import os
import shutil
import time
import unittest

import deploy

KEY_HEX = "5f1e" * 16
CUSTOMERS = {  # order -> (courier, AWB, customer id: personal data)
    "o-dl-1": ("delhivery", "DL-1", "cust-asha.verma-9876501234"),
    "o-dl-2": ("delhivery", "DL-2", "cust-rahul.menon-9876505678"),
    "o-dl-3": ("delhivery", "DL-3", "cust-divya.rao-9876509012"),
    "o-b2b-1": ("delhivery_b2b", "LR-1", "cust-kiran.shah-9876503456"),
    "o-sr-1": ("shiprocket", "SR-1", "cust-meera.iyer-9876507890"),
    "o-sr-2": ("shiprocket", "SR-2", "cust-arjun.das-9876502468"),
    "o-sr-3": ("shiprocket", "SR-3", "cust-farah.khan-9876508642"),
    "o-vel-1": ("velocity", "V-1", "cust-nisha.gupta-9876501357"),
}
# shipments that stay in transit, for the fallback tracker and the grouped SLA alerts
QUIET = ["o-dl-%d" % i for i in range(3, 10)]
CUSTOMERS.update({"o-dl-%d" % i: ("delhivery", "DL-%d" % i, "cust-bulk.%d-98765000%02d" % (i, i))
                  for i in range(4, 10)})
SCENARIO = {
    "credentials": {"delhivery": {"token": "dl-key"},
                    "delhivery_b2b": {"username": "b2b", "password": "pw"},
                    "shiprocket": {"email": "ops@example.com", "password": "pw"},
                    "velocity": {"username": "+919999999999", "password": "pw"}},
    "awbs": {
        "DL-1": {"courier": "delhivery",
                 "steps": ["UD/In Transit", "UD/Dispatched", "DL/Delivered"]},
        "DL-2": {"courier": "delhivery", "steps": ["UD/In Transit", "RT/In Transit"]},
        **{"DL-%d" % i: {"courier": "delhivery", "steps": ["UD/In Transit"]}
           for i in range(3, 10)},
        "LR-1": {"courier": "delhivery_b2b", "steps": ["PICKED_UP", "OFD", "DELIVERED"]},
        "SR-1": {"courier": "shiprocket", "steps": [6, 18, 17, 7]},
        "SR-2": {"courier": "shiprocket", "steps": [18, 12]},
        "SR-3": {"courier": "shiprocket", "steps": [6]},
        "V-1": {"courier": "velocity",
                "steps": ["in_transit", "out_for_delivery", "delivered"]}},
    "base_time": "2026-01-01T08:00:00"}
PRIMARY = ["delhivery_b2c", "delhivery_b2b", "shiprocket", "velocity"]

# Courier pushes, dated between the simulator's scans (step i at 08:00 + i h, IST).
SHIPROCKET_OFD = {
    "awb": "SR-1", "courier_name": "Delhivery Surface", "current_status": "OUT FOR DELIVERY",
    "current_status_id": 17, "shipment_status": "OUT FOR DELIVERY", "shipment_status_id": 17,
    "current_timestamp": "01 01 2026 09:30:00", "order_id": "1373900_150876814",
    "scans": [{"date": "2026-01-01 09:30:00", "status": "X-DDO",
               "activity": "Dispatched - Out for delivery", "location": "Pune_Hub (Maharashtra)",
               "sr-status": "17", "sr-status-label": "OUT FOR DELIVERY"}],
    "is_return": 0}
# Shiprocket's status in words only (no ids), in its own case and spacing.
SHIPROCKET_WORDS = {
    "awb": "SR-3", "courier_name": "Xpressbees", "current_status": "DELIVERED",
    "shipment_status": "Delivered", "current_timestamp": "01 01 2026 12:00:00",
    "order_id": "1373900_150876999", "is_return": 0}
VELOCITY_DELIVERED = {
    "event": "status_change", "event_id": "evt-v-1-delivered",
    "event_timestamp": "2026-01-01T05:00:00Z",
    "data": {"shipment_id": "SHP-1", "tracking_number": "V-1", "order_id": "VO-1",
             "status": "delivered", "sub_status": "delivered_to_customer",
             "carrier_name": "Bluedart", "shipment_type": "forward",
             "delivered_at": "2026-01-01T05:00:00Z"}}
DELHIVERY_OFD = {"Shipment": {"Status": {
    "Status": "Dispatched", "StatusDateTime": "2026-01-01T09:30:00", "StatusType": "UD",
    "StatusLocation": "Mumbai_Andheri_D (Maharashtra)", "Instructions": "Out for delivery"},
    "AWB": "DL-1"}}
TERMINAL = {"delivered", "rto_delivered", "lost", "destroy", "booking_cancelled"}


class Deployment(unittest.TestCase):
    def setUp(self):
        self.dir = deploy.new_directory("ot-accept-")
        self.slack = deploy.http_receiver(self.dir, "slack")
        self.crm = deploy.http_receiver(self.dir, "crm")
        self.smtp = deploy.smtp_receiver(self.dir)
        self.events = deploy.http_receiver(self.dir, "events")
        self.sim = deploy.Simulator(self.dir, SCENARIO)
        self.mongo = deploy.mongo_storage("deployment", "ot.legacyOrders=true")
        if self.mongo:      # the seed's order service already holds its orders
            deploy.mongo_script(self.mongo, "db.orders.insert_many([%s])\n" % ", ".join(
                "{'order_id': %r, 'awb': %r, 'status': 'booked'}" % (o, awb)
                for o, (_, awb, _) in CUSTOMERS.items()))
        self.storage = self.mongo or "sqlite:" + os.path.join(self.dir, "ot.db")
        key_file = deploy.write_key_file(self.dir, KEY_HEX)
        pii = {"key_id": "2026-12", "key_file": key_file}
        alerts = {"slack_webhook_url": self.slack.url + "/slack",
                  "rto_webhook_url": self.crm.url + "/rto",
                  "email": {"smtp_url": self.smtp.url, "from": "tracker@example.com",
                            "to": ["ops@example.com"]}}
        self.daemon = deploy.Daemon(self.dir, {
            "storage": self.storage,
            "api_keys": [{"key": "admin-key-012345", "role": "admin"},
                         {"key": "uber-fleet-key-0", "role": "courier", "providers": ["uber"]}],
            "webhooks": {"shiprocket": {"api_key": "sr-push"},
                         "velocity": {"api_key": "vel-push"},
                         "delhivery": {"authorization": "Token dl-push"}},
            "limits": {"sla_sweep_ms": 1000, "clock_skew_ms": 600000},
            # outbound events to a subscriber, relayed by the daemon for both programs
            "outbox": {"tail_ms": 100, "poll_interval_ms": 50},
            "subscriptions": [{"url": self.events.url + "/events",
                               "secret": "0123456789abcdef-secret",
                               "event_types": ["order.shipment_status_changed"]}],
            "alerts": alerts, "pii": pii})
        url = self.sim.url
        self.poller = deploy.Poller(self.dir, {
            "storage": self.storage,
            "couriers": {
                "delhivery": {"base_url": url, "token": "dl-key"},
                "delhivery_b2b": {"base_url": url, "username": "b2b", "password": "pw"},
                "shiprocket": {"base_url": url, "email": "ops@example.com", "password": "pw"},
                "velocity": {"base_url": url, "username": "+919999999999", "password": "pw"}},
            "trackers": [
                {"name": "delhivery_b2c", "courier": "delhivery", "schedule": "*/8 * * * *",
                 "batch_size": 50, "max_orders": 36000, "workers": 4},
                {"name": "delhivery_b2b", "courier": "delhivery_b2b",
                 "schedule": "*/8 * * * *", "batch_size": 1, "max_orders": 480, "workers": 3},
                {"name": "shiprocket", "courier": "shiprocket", "schedule": "*/8 * * * *",
                 "batch_size": 50, "workers": 4},
                {"name": "velocity", "courier": "velocity", "schedule": "*/8 * * * *",
                 "batch_size": 45, "max_orders": 10000},
                {"name": "delhivery_fallback", "courier": "delhivery",
                 "schedule": "0 */2 * * *", "batch_size": 1, "workers": 3, "delay_ms": 100,
                 "fallback": True, "fallback_after_minutes": 1}],
            # the store's rules as the daemon has them: its writes record their events too
            "outbox": {}, "limits": {"clock_skew_ms": 600000},
            "alerts": alerts, "pii": pii})

    def tearDown(self):
        self.daemon.stop()
        self.sim.close()
        for r in (self.slack, self.crm, self.smtp, self.events):
            r.close()
        if self.mongo:
            deploy.drop_database(self.mongo)
        shutil.rmtree(self.dir, ignore_errors=True)

    def poll(self, trackers):
        for name in trackers:
            rc, summaries, err = self.poller.once(name)
            self.assertEqual(rc, 0, "%s: %s" % (name, err))
            self.assertEqual(summaries[name]["result"], "ok", summaries)
            self.assertEqual(summaries[name]["errors"], 0, summaries)

    def push(self, courier, header, value, payload):
        status, body = self.daemon.call("POST", "/tracking/webhooks/" + courier, key=None,
                                        headers={header: value},
                                        raw=json.dumps(payload).encode())
        self.assertEqual(status, 200, body)
        self.assertEqual(body.get("applied"), 1, body)

    def order(self, order_id):
        status, body = self.daemon.call("GET", "/tracking/orders/" + order_id)
        self.assertEqual(status, 200, body)
        return body

    def test_courier_side_as_deployed(self):
        for order_id, (courier, awb, customer) in CUSTOMERS.items():
            status, body = self.daemon.call("POST", "/tracking/orders/%s/init" % order_id, {
                "store_id": "store-1", "customer_id": customer, "delivery_provider": courier,
                "delivery_tracking_id": awb})
            self.assertEqual(status, 201, body)

        # The poller on its schedules (all five trackers run at start-up) while the couriers
        # push to the daemon: both programs write the same store at once. A push newer than
        # a poll's scan wins whichever lands first; an older scan is ignored.
        def pushes():
            self.push("shiprocket", "x-api-key", "sr-push", SHIPROCKET_OFD)
            self.push("velocity", "X-API-Key", "vel-push", VELOCITY_DELIVERED)
            self.push("delhivery", "Authorization", "Token dl-push", DELHIVERY_OFD)
            self.push("shiprocket", "x-api-key", "sr-push", SHIPROCKET_WORDS)
        rc, runs, err = self.poller.scheduled(5, during=pushes)
        self.assertEqual(rc, 0, err)
        self.assertEqual(sorted(r["tracker"] for r in runs[:5]), sorted(PRIMARY + [
            "delhivery_fallback"]), runs)
        self.assertTrue(all(r["result"] == "ok" and r["errors"] == 0 for r in runs), runs)
        self.assertEqual(self.order("o-sr-1")["shipment_status"], "out_for_delivery")
        self.assertEqual(self.order("o-vel-1")["shipment_status"], "delivered")
        # then runs one after another, interleaved with reads through the daemon
        for _ in range(3):
            self.poll(PRIMARY)
            self.order("o-dl-1")

        want = {o: "in transit" for o in QUIET}
        want.update({"o-dl-1": "delivered", "o-dl-2": "rto", "o-b2b-1": "delivered",
                     "o-sr-1": "delivered", "o-sr-2": "lost", "o-sr-3": "delivered",
                     "o-vel-1": "delivered"})
        orders = {o: self.order(o) for o in CUSTOMERS}
        for order_id, status in want.items():
            o = orders[order_id]
            self.assertEqual(o["shipment_status"], status, order_id)
            # written sealed by the poller, opened by the daemon with the same key
            self.assertEqual(o["customer_id"], CUSTOMERS[order_id][2])
        # Velocity's delivery came by push (10:30) and its poll scans were no newer: one
        # delivered entry, no step walked twice.
        history = self.daemon.call("GET", "/tracking/orders/o-vel-1/history")[1]
        statuses = [e["status"] for e in history["status_history"]]
        self.assertEqual(statuses.count("delivered"), 1, statuses)
        # SR-1: polled 6, pushed 17 at 09:30, the poll's 18 of 09:00 ignored, then 17, 7.
        history = self.daemon.call("GET", "/tracking/orders/o-sr-1/history")[1]
        raws = [e.get("metadata", {}).get("ot", {}).get("data", {}).get("shipment_status")
                for e in history["status_history"]]
        self.assertNotIn("in transit", raws[raws.index("out_for_delivery"):], raws)

        # The fallback tracker: only the active Delhivery orders, each alone in a request.
        self.sim.clear_log()
        self.poll(["delhivery_fallback"])
        asked = [r["awbs"] for r in self.sim.tracking("/api/v1/packages/json/")]
        active = sorted(o[1] for oid, o in CUSTOMERS.items()
                        if o[0] == "delhivery" and orders[oid]["shipment_status"] not in TERMINAL)
        self.assertEqual(sorted(a[0] for a in asked), active)
        self.assertTrue(all(len(a) == 1 for a in asked), asked)

        # Outbound events: the daemon's relay sends the poller's writes too (the poller's
        # "outbox": {}), signed, with no personal data although the records are sealed.
        for order_id in ("o-dl-1", "o-b2b-1", "o-sr-2"):
            got = self.events.wait(
                lambda m, o=order_id: (m["json"] or {}).get("order_id") == o
                and m["json"].get("type") == "order.shipment_status_changed"
                and m["json"]["data"]["to"] == want[o], timeout=15)
            self.assertTrue(got, (order_id, [m["body"][:200] for m in self.events.all()]))
            headers = {k.lower() for k in got[0]["headers"]}
            self.assertIn("x-ordertrack-signature", headers)
            self.assertNotIn(CUSTOMERS[order_id][2], got[0]["body"])

        # Alerts: the lost parcel on Slack, the RTO to the CRM once, a report by e-mail.
        lost = self.slack.wait(lambda m: "o-sr-2" in m["body"] and "lost" in m["body"])
        self.assertTrue(lost, self.slack.all())
        rto = self.crm.wait(lambda m: (m["json"] or {}).get("order_id") == "o-dl-2")
        self.assertEqual(len(rto), 1, self.crm.all())
        self.assertEqual((rto[0]["json"]["event"], rto[0]["json"]["awb"],
                          rto[0]["json"]["courier"]), ("rto_started", "DL-2", "delhivery"))
        self.assertTrue(self.smtp.wait(lambda m: "o-sr-2" in m["data"]), self.smtp.all())
        # The daemon's SLA sweep finds every shipment whose last scan is old (the simulator
        # dates its scans 2026-01-01): one grouped message per sweep, not one per order.
        def no_scan():
            return [m["body"] for m in self.slack.all() if "no_scan" in m["body"]]
        self.assertTrue(self.slack.wait(lambda m: all(o in "".join(no_scan()) for o in QUIET),
                                        timeout=15), [m["body"][:300] for m in self.slack.all()])
        self.assertLessEqual(len(no_scan()), 2, no_scan())
        for message in self.slack.all() + self.crm.all():
            for _, _, customer in CUSTOMERS.values():
                self.assertNotIn(customer, message["body"])

        # At rest: no customer id in clear anywhere in the store, sealed tokens instead.
        histories = {o: self.daemon.call("GET", "/tracking/orders/%s/history" % o)[1][
            "status_history"] for o in CUSTOMERS}       # with the SLA sweep's entries
        self.assertEqual(self.daemon.stop(), 0, self.daemon.stderr())
        if self.mongo:
            legacy = json.loads(deploy.mongo_script(self.mongo, (
                "import json\n"
                "print(json.dumps({'status': {d['order_id']: d['status'] for d in db.orders.find()},"
                " 'history': {o: db.orderTracking.count_documents({'order_id': o})"
                " for o in %r}}))\n") % list(CUSTOMERS)))
            for order_id, o in orders.items():
                self.assertEqual(legacy["status"][order_id], o["shipment_status"], order_id)
                self.assertEqual(legacy["history"][order_id], len(histories[order_id]),
                                 order_id)
        stored = dump_mongo(self.mongo) if self.mongo else dump_sqlite(self.storage[7:])
        self.assertIn(b"otpii:v1:2026-12:", stored)
        for _, _, customer in CUSTOMERS.values():
            self.assertNotIn(customer.encode(), stored)

    def test_hyperlocal_order_sealed_at_rest(self):
        """An Uber order through seed 000's store and delivery routes alone (acknowledge implies
        store_notified, the first position after the pickup in_transit), positions reported by
        the partner's fleet key."""
        driver = {"driver_id": "drv-42", "name": "Suresh Hiddenname", "phone": "+919812340042",
                  "vehicle_type": "bike", "vehicle_number": "KA-01-AB-4242"}
        positions = [(12.9716123, 77.5946456), (12.9716456, 77.5946789),
                     (12.9717123, 77.5947456)]

        def call(method, path, body=None, key="admin-key-012345"):
            status, answer = self.daemon.call(method, path, body, key=key)
            self.assertIn(status, (200, 201), "%s %s: %s" % (method, path, answer))
            return answer

        call("POST", "/tracking/orders/h-1/init", {
            "store_id": "store-1", "customer_id": "cust-lata.pai-9876504321",
            "delivery_provider": "uber"})
        for step in ("acknowledge", "start-picking", "ready"):
            call("POST", "/tracking/store/store-1/" + step, {"order_id": "h-1"})
        call("POST", "/tracking/delivery/h-1/assign", {"driver": driver}, key="uber-fleet-key-0")
        # explicit times a second apart: two reports in one millisecond would be one stale
        start = time.time() - 60
        when = [time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(start + i)) for i in range(2)]
        for (lat, lon), at in zip(positions, when):
            call("PUT", "/tracking/delivery/h-1/location",
                 {"latitude": lat, "longitude": lon, "accuracy": 6, "timestamp": at},
                 key="uber-fleet-key-0")
        call("POST", "/tracking/delivery/h-1/pickup", key="uber-fleet-key-0")
        lat, lon = positions[2]
        after_pickup = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 1))
        call("PUT", "/tracking/delivery/h-1/location",
             {"latitude": lat, "longitude": lon, "timestamp": after_pickup},
             key="uber-fleet-key-0")
        self.assertEqual(self.order("h-1")["current_status"], "in_transit")

        live = call("GET", "/tracking/orders/h-1/live-location")
        self.assertEqual((live["driver_location"]["latitude"],
                          live["driver_location"]["longitude"]), positions[2])
        self.assertEqual([(p["latitude"], p["longitude"]) for p in live["location_trail"]],
                         positions)
        self.assertEqual(live["driver_details"]["name"], driver["name"])
        self.assertEqual(live["driver_details"]["phone"], driver["phone"])
        call("POST", "/tracking/delivery/h-1/delivered", key="uber-fleet-key-0")
        self.assertEqual(self.order("h-1")["current_status"], "delivered")
        statuses = [e["status"] for e in call("GET", "/tracking/orders/h-1/history")[
            "status_history"]]
        for implied in ("store_notified", "in_transit"):  # each its own entry, once
            self.assertEqual(statuses.count(implied), 1, statuses)

        stored = dump_mongo(self.mongo) if self.mongo else dump_sqlite(self.storage[7:])
        self.assertIn(b"otpii:v1:2026-12:", stored)
        clear = [driver["name"], "Hiddenname", driver["phone"], "9812340042",
                 "cust-lata.pai-9876504321"]
        for lat, lon in positions:   # every text form of a coordinate starts with these
            clear += [("%.7f" % lat)[:-2], ("%.7f" % lon)[:-2], repr(lat), repr(lon)]
        for text in clear:
            self.assertNotIn(text.encode(), stored)


def dump_sqlite(path):
    """Every byte of the SQLite file and its WAL."""
    out = b""
    for p in (path, path + "-wal"):
        if os.path.exists(p):
            with open(p, "rb") as f:
                out += f.read()
    return out


STORE_COLLECTIONS = ["order_tracking", "order_tracking_idempotency", "orders", "orderTracking"]


def dump_mongo(uri):
    """Every document of the store's collections, as extended JSON."""
    return deploy.mongo_script(uri, "from bson import json_util\n"
                        "for n in %r:\n"
                        "    for d in db[n].find():\n"
                        "        sys.stdout.write(json_util.dumps(d) + '\\n')\n"
                        % STORE_COLLECTIONS)


if __name__ == "__main__":
    unittest.main()
