"""Tests of the courier simulator itself: scenario file, token expiry by time and by uses,
fault selection, batch limits, stopping on stdin close and on SIGTERM."""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request

SIM = os.path.join(os.path.dirname(os.path.abspath(__file__)), "courier_sim.py")


class Sim:
    def __init__(self, *args):
        self.proc = subprocess.Popen([sys.executable, SIM, *args], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE)
        self.base = "http://127.0.0.1:%d" % int(self.proc.stdout.readline())

    def call(self, path, data=None, headers=None, method=None):
        body = json.dumps(data).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body, headers=headers or {},
                                     method=method)
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, json.loads(r.read()), r.headers
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read()), e.headers

    def stop(self):
        self.proc.stdin.close()
        return self.proc.wait(timeout=10)


class CourierSimTest(unittest.TestCase):
    def setUp(self):
        self.scenario = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
        json.dump({
            "credentials": {"shiprocket": {"email": "a@b.c", "password": "s3"}},
            "tokens": {"shiprocket": {"ttl_s": 0.5}, "velocity": {"max_uses": 2}},
            "awbs": {"S1": {"courier": "shiprocket", "steps": [18, 7]},
                     "V1": {"courier": "velocity", "steps": ["in_transit", "delivered"]},
                     "D1": {"courier": "delhivery", "steps": ["UD/In Transit"]}},
            "faults": [{"path": "/api/v1/packages", "skip": 1, "status": 503, "times": 1}],
        }, self.scenario)
        self.scenario.close()
        self.sim = Sim("--scenario", self.scenario.name)

    def tearDown(self):
        if self.sim.proc.poll() is None:
            self.sim.stop()
        os.unlink(self.scenario.name)

    def test_scenario_credentials_and_token_ttl(self):
        status, _, _ = self.sim.call("/v1/external/auth/login",
                                     {"email": "ops@example.com", "password": "pw"})
        self.assertEqual(status, 401)           # the scenario's credentials replace these
        status, answer, _ = self.sim.call("/v1/external/auth/login",
                                          {"email": "a@b.c", "password": "s3"})
        self.assertEqual(status, 200)
        auth = {"Authorization": "Bearer " + answer["token"]}
        status, answer, _ = self.sim.call("/v1/external/courier/track/awbs",
                                          {"awbs": ["S1"]}, auth)
        self.assertEqual(status, 200)
        self.assertEqual(answer["S1"]["tracking_data"]["shipment_status"], 18)
        time.sleep(0.6)
        status, _, _ = self.sim.call("/v1/external/courier/track/awbs", {"awbs": ["S1"]}, auth)
        self.assertEqual(status, 401)           # expired after ttl_s

    def test_token_uses_and_revocation(self):
        login = {"username": "+919999999999", "password": "pw"}
        token = self.sim.call("/custom/api/v1/auth-token", login)[1]["token"]
        for expected in ("in_transit", "delivered"):
            status, answer, _ = self.sim.call("/custom/api/v1/order-tracking",
                                              {"awbs": ["V1"]}, {"Authorization": token})
            self.assertEqual(status, 200)
            self.assertEqual(answer["result"]["V1"]["tracking_data"]["shipment_status"],
                             expected)
        status, _, _ = self.sim.call("/custom/api/v1/order-tracking", {"awbs": ["V1"]},
                                     {"Authorization": token})
        self.assertEqual(status, 401)           # max_uses 2
        first = self.sim.call("/custom/api/v1/auth-token", login)[1]["token"]
        self.sim.call("/custom/api/v1/auth-token", login)   # a new token revokes older ones
        status, _, _ = self.sim.call("/custom/api/v1/order-tracking", {"awbs": ["V1"]},
                                     {"Authorization": first})
        self.assertEqual(status, 401)

    def test_faults_limits_log(self):
        auth = {"Authorization": "Token dl-key"}
        path = "/api/v1/packages/json/?waybill=D1"
        self.assertEqual(self.sim.call(path, headers=auth)[0], 200)   # skipped once
        status, _, _ = self.sim.call(path, headers=auth)
        self.assertEqual(status, 503)
        self.sim.call("/_sim/faults", [{"path": "/api", "status": 429, "retry_after": 3}])
        status, _, headers = self.sim.call(path, headers=auth)
        self.assertEqual((status, headers["Retry-After"]), (429, "3"))
        many = ",".join("A%d" % i for i in range(51))
        status, _, _ = self.sim.call("/api/v1/packages/json/?waybill=" + many, headers=auth)
        self.assertEqual(status, 400)
        self.assertEqual(self.sim.call(path, headers={"Authorization": "Token x"})[0], 401)
        self.assertEqual(self.sim.call("/_sim/awb?awb=L1&courier=delhivery_b2b"
                                       "&steps=PICKED_UP,DELIVERED")[0], 200)
        log = self.sim.call("/_sim/log")[1]
        self.assertEqual([e["status"] for e in log], [200, 503, 429, 400, 401])
        self.assertEqual(log[0]["awbs"], ["D1"])
        self.assertEqual(self.sim.call("/_sim/state")[1]["awbs"]["L1"], 0)

    def test_stop_on_sigterm(self):
        self.sim.proc.send_signal(signal.SIGTERM)
        self.assertEqual(self.sim.proc.wait(timeout=10), 0)

    def test_stop_on_stdin_close(self):
        self.assertEqual(self.sim.stop(), 0)


if __name__ == "__main__":
    unittest.main()
