"""Every tracker setting of ordertrack-poller's config takes effect, counted at the courier:
batch_size (AWBs per request), workers (requests in flight at once), delay_ms (the pause
between rounds), max_orders, and the fallback tracker's selection (only orders with no
courier event within fallback_after_minutes, one AWB per request)."""
import os
import shutil
import unittest

import deploy

LATENCY_MS = 300


class PollerSettings(unittest.TestCase):
    def setUp(self):
        self.dir = deploy.new_directory("ot-settings-")
        self.sim = deploy.Simulator(self.dir, {
            "awbs": {"D%d" % i: {"courier": "delhivery", "steps": ["UD/In Transit"]}
                     for i in range(1, 8)}}, latency_ms=LATENCY_MS)
        self.storage = deploy.mongo_storage("settings") or \
            "sqlite:" + os.path.join(self.dir, "ot.db")
        self.daemon = deploy.Daemon(self.dir, {
            "storage": self.storage, "api_keys": [{"key": "admin-key-012345", "role": "admin"}]})

    def tearDown(self):
        self.daemon.stop()
        self.sim.close()
        if self.storage.startswith("mongodb"):
            deploy.drop_database(self.storage)
        shutil.rmtree(self.dir, ignore_errors=True)

    def init(self, order_id, awb):
        status, body = self.daemon.call("POST", "/tracking/orders/%s/init" % order_id, {
            "store_id": "s-1", "customer_id": "c-1", "delivery_provider": "delhivery",
            "delivery_tracking_id": awb})
        self.assertEqual(status, 201, body)

    def poller(self, trackers):
        return deploy.Poller(self.dir, {
            "storage": self.storage,
            "couriers": {"delhivery": {"base_url": self.sim.url, "token": "dl-key"}},
            "trackers": trackers})

    def run_tracker(self, poller, name):
        self.sim.clear_log()
        rc, summaries, err = poller.once(name)
        self.assertEqual(rc, 0, err)
        return summaries[name], self.sim.tracking("/api/v1/packages/json/")

    def test_settings_take_effect(self):
        for i in range(1, 6):
            self.init("o-%d" % i, "D%d" % i)
        poller = self.poller([
            {"name": "b2c", "courier": "delhivery", "schedule": "*/8 * * * *",
             "batch_size": 2, "workers": 2, "delay_ms": 400},
            {"name": "capped", "courier": "delhivery", "schedule": "*/8 * * * *",
             "max_orders": 3},
            {"name": "fallback", "courier": "delhivery", "schedule": "0 */2 * * *",
             "workers": 1, "delay_ms": 200, "fallback": True, "fallback_after_minutes": 1}])

        # batch_size 2 over 5 orders: 2 + 2 + 1 AWBs; workers 2: the first two requests are in
        # flight together (started well within one answer's latency), then delay_ms passes
        # after the round's answers before the third is sent.
        summary, requests = self.run_tracker(poller, "b2c")
        self.assertEqual((summary["orders"], summary["requests"], summary["changed"]),
                         (5, 3, 5), summary)
        self.assertEqual([len(r["awbs"]) for r in requests], [2, 2, 1], requests)
        self.assertEqual(sorted(a for r in requests for a in r["awbs"]),
                         ["D1", "D2", "D3", "D4", "D5"])
        self.assertLess(abs(requests[1]["t"] - requests[0]["t"]), LATENCY_MS / 1000 * 0.7,
                        "workers 2: the round's requests were not in flight together")
        self.assertGreaterEqual(requests[2]["t"] - requests[1]["t"],
                                (LATENCY_MS + 400) / 1000 * 0.95,
                                "delay_ms 400: the next round came too early")

        # max_orders 3, the courier's batch (50): one request about 3 AWBs
        summary, requests = self.run_tracker(poller, "capped")
        self.assertEqual((summary["orders"], summary["requests"]), (3, 1), summary)
        self.assertEqual(len(requests[0]["awbs"]), 3)

        # Two orders created now have no courier event: the fallback tracker leaves them to
        # the primary. The five whose last scan is old (the simulator's 2026-01-01) are asked
        # about one per request, delay_ms apart.
        self.init("o-6", "D6")
        self.init("o-7", "D7")
        summary, requests = self.run_tracker(poller, "fallback")
        self.assertEqual((summary["orders"], summary["requests"]), (5, 5), summary)
        self.assertEqual([r["awbs"] for r in requests],
                         [["D1"], ["D2"], ["D3"], ["D4"], ["D5"]])
        for before, after in zip(requests, requests[1:]):
            self.assertGreaterEqual(after["t"] - before["t"], (LATENCY_MS + 200) / 1000 * 0.95)

        # the primary still takes every active order, the new ones included
        summary, requests = self.run_tracker(poller, "b2c")
        self.assertEqual(summary["orders"], 7, summary)


if __name__ == "__main__":
    unittest.main()
