#!/usr/bin/python3
"""Three ordertrackd processes on one store, driven at once through one client pool.

    three_instances.py ORDERTRACKD STORE_VERIFY sqlite|mongo

`sqlite`: a SQLite file in a temporary directory; `mongo`: a database of its own on
OT_TEST_MONGODB_URI's server (tests/mongo/with_ferretdb.sh starts a fresh FerretDB).

200 writers across the three instances, the same orders hit from every instance: issues raised
with Idempotency-Keys (retried on another instance after a transient failure, some replayed on
another instance), racing acknowledgments of one order from all three, and reads (GET, history,
list). Checked afterwards: every acknowledged issue is on its order exactly once (no lost
update, no duplicate), each order's history has one entry per change and is the same from every
instance, replays answer the first answer and a changed body is 409 idempotency_conflict
whichever instance sees it, every hash chain verifies (STORE_VERIFY), and the store-ack and SLA
sweeps, running in all three processes, record their steps once per order in total.
Bounded: about 6 s on SQLite, 90 s on FerretDB (PLAN: a smaller run there).
"""
import concurrent.futures
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

WRITERS = 200
SLOW = 12           # orders left store_notified at store-slow (store-ack SLA 300 ms)
RACED = 66          # orders three writers race to acknowledge, each from another instance
# Per store: the orders the writers hit (each from all three instances), the issues each
# writer raises, the sweeps' period. FerretDB's SQLite backend filters in Go every query but
# `{_id}` (docs/mongo.md): a sweep or a list reads the whole collection, and its writes
# serialise, so its run is smaller.
PLAN = {"sqlite": {"hot": 200, "issues": 3, "sweep_ms": 100},
        "mongo": {"hot": 67, "issues": 1, "sweep_ms": 1000}}
ADMIN = {"Authorization": "Bearer admin-key-012345", "Content-Type": "application/json"}

failures = []
fail_lock = threading.Lock()


def fail(msg):
    with fail_lock:
        failures.append(msg)


def request(port, method, path, body=None, headers=None, timeout=30):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        h = dict(ADMIN)
        h.update(headers or {})
        conn.request(method, path, body=None if body is None else json.dumps(body), headers=h)
        r = conn.getresponse()
        data = r.read()
        return r.status, data
    finally:
        conn.close()


class Instance:
    def __init__(self, binary, config, tmp, n):
        self.log = os.path.join(tmp, "otd%d.log" % n)
        self.proc = subprocess.Popen([binary, "--config", config], stdout=subprocess.DEVNULL,
                                     stderr=open(self.log, "w"))
        self.port = None
        for _ in range(400):
            with open(self.log) as f:
                m = re.search(r"listening on 127\.0\.0\.1:(\d+) ", f.read())
            if m:
                self.port = int(m.group(1))
                break
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        if not self.port:
            with open(self.log) as f:
                sys.exit("ordertrackd %d did not start:\n%s" % (n, f.read()))

    def stop(self):
        self.proc.terminate()
        try:
            rc = self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        if rc != 0:
            with open(self.log) as f:
                fail("ordertrackd exited %d:\n%s" % (rc, f.read()[-3000:]))


def storage_uri(kind, tmp):
    if kind == "sqlite":
        return "sqlite:" + os.path.join(tmp, "ot.db")
    server = os.environ.get("OT_TEST_MONGODB_URI")
    if not server:
        sys.exit("three_instances: mongo needs OT_TEST_MONGODB_URI")
    parts = urllib.parse.urlsplit(server)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc,
                                    "/ot_three_%d" % os.getpid(), parts.query, ""))


def write(ports, first, method, path, body, key, retries=20):
    """A write with an Idempotency-Key, retried on another instance after a transient
    failure; (status, body, instance index) of the final answer."""
    i = first
    for attempt in range(retries):
        try:
            status, data = request(ports[i % 3], method, path, body, {"Idempotency-Key": key})
        except OSError:
            status, data = 0, b""
        if status and status < 500 and status != 429 and not (
                status == 409 and b"version_conflict" in data):
            return status, data, i % 3
        i += 1
        time.sleep(0.02 * (attempt + 1))
    return status, data, i % 3


def writer(ports, w, hot, issues, acks):
    """Writer w: issues on three hot orders, each from another instance; some replayed on a
    third instance; an acknowledgment race; reads from every instance."""
    raised = []
    for k in range(issues):
        order = hot[(w * issues + k) % len(hot)]
        desc = "w%d-k%d" % (w, k)
        body = {"issue_type": "damaged_item", "description": desc, "severity": "low"}
        key = "issue-" + desc
        path = "/tracking/orders/%s/issues" % order
        status, data, at = write(ports, w + k, "POST", path, body, key)
        if status != 200:
            fail("%s on %s: %d %s" % (desc, order, status, data[:200]))
            continue
        raised.append((order, desc))
        if w % 4 == 0:      # the same key and body on another instance: the first answer
            st2, data2, _ = write(ports, at + 1, "POST", path, body, key)
            if st2 != 200 or json.loads(data2) != json.loads(data):
                fail("replay of %s on another instance: %d, body %s" %
                     (key, st2, "same" if data2 == data else "differs"))
        if w % 10 == 1:     # the same key, another body: a conflict on any instance
            other = dict(body, description=desc + "-changed")
            st3, data3, _ = write(ports, at + 2, "POST", path, other, key)
            if st3 != 409 or b"idempotency_conflict" not in data3:
                fail("changed body under %s: %d %s" % (key, st3, data3[:200]))
    if w < 3 * RACED:       # three writers race to acknowledge each of RACED orders
        order = hot[w % RACED]
        store = "store-%d" % (w % RACED % 3 + 1)
        status, data, _ = write(ports, w, "POST", "/tracking/store/%s/acknowledge" % store,
                                {"order_id": order, "updated_by": "w%d" % w}, "ack-w%d" % w)
        with fail_lock:
            acks.setdefault(order, []).append(status)
    for i, path in enumerate(("/tracking/orders/%s" % hot[w % len(hot)],
                              "/tracking/orders/%s/history" % hot[(w + 1) % len(hot)],
                              "/tracking/orders?store_id=store-%d&limit=20" % (w % 3 + 1))):
        for attempt in range(3):    # a queue of 200 clients: a read may wait its turn
            try:
                status, data = request(ports[(w + i + attempt) % 3], "GET", path, timeout=60)
                break
            except OSError as e:
                status, data = 0, str(e).encode()
        if status != 200:
            fail("GET %s: %d %s" % (path, status, data[:200]))
    return raised


def entry_kind(entry):
    return ((entry.get("metadata") or {}).get("ot") or {}).get("event")


def main():
    binary, verify, kind = sys.argv[1:4]
    plan = PLAN[kind]
    tmp = tempfile.mkdtemp()
    instances = []
    try:
        storage = storage_uri(kind, tmp)
        config = os.path.join(tmp, "config.json")
        with open(config, "w") as f:
            json.dump({
                "listen": "127.0.0.1:0",
                "storage": storage,
                "api_keys": [{"key": "admin-key-012345", "role": "admin", "id": "ops"}],
                "limits": {"requests_per_second": 100000, "burst": 100000, "threads": 8,
                           "max_connections": 512, "max_connections_per_address": 512,
                           "store_ack_sweep_ms": plan["sweep_ms"],
                           "sla_sweep_ms": plan["sweep_ms"]},
                "sla": {"stores": {"store-slow": {"store_acknowledgment_ms": 300}}},
            }, f)
        instances = [Instance(binary, config, tmp, n) for n in range(3)]
        ports = [i.port for i in instances]
        hot = ["hot-%03d" % n for n in range(plan["hot"])]
        slow = ["slow-%02d" % n for n in range(SLOW)]
        for n, order in enumerate(hot + slow):
            store = "store-slow" if order in slow else "store-%d" % (n % 3 + 1)
            body = {"store_id": store, "customer_id": "c-%d" % n, "delivery_provider": "uber"}
            path = "/tracking/orders/%s/init" % order
            st, data, at = write(ports, n, "POST", path, body, "init-" + order)
            st2, data2, _ = write(ports, at + 1, "POST", path, body, "init-" + order)
            if st != 201 or st2 != 201 or json.loads(data) != json.loads(data2):
                fail("init %s: %d then replay %d" % (order, st, st2))
        for n, order in enumerate(slow):
            st, data, _ = write(ports, n, "PUT", "/tracking/orders/%s/status" % order,
                                {"status": "store_notified", "updated_by": "pos"}, "sn-" + order)
            if st != 200:
                fail("store_notified %s: %d %s" % (order, st, data[:200]))

        started = time.monotonic()
        acks = {}
        raised = []
        with concurrent.futures.ThreadPoolExecutor(max_workers=WRITERS) as pool:
            for r in pool.map(lambda w: writer(ports, w, hot, plan["issues"], acks),
                              range(WRITERS)):
                raised.extend(r)
        print("load: %d writers, %d issues raised in %.1f s" %
              (WRITERS, len(raised), time.monotonic() - started))

        # the sweeps of all three instances have had the slow orders for a while: wait until
        # each has its store-ack step, then some more rounds
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            done = 0
            for order in slow:
                st, data = request(ports[0], "GET", "/tracking/orders/" + order)
                issues = json.loads(data).get("issues", []) if st == 200 else []
                done += any(i["issue_type"] == "store_ack_timeout" for i in issues)
            if done == len(slow):
                break
            time.sleep(0.2)
        time.sleep(1.0)

        expected = {}
        for order, desc in raised:
            expected.setdefault(order, []).append(desc)
        breaches = 0
        for n, order in enumerate(hot + slow):
            views = []
            for p in ports:
                st, data = request(p, "GET", "/tracking/orders/%s/history" % order)
                views.append(json.loads(data)["status_history"] if st == 200 else None)
            if any(v != views[0] for v in views):
                fail("%s: the instances answer different histories" % order)
            history = views[0] or []
            st, data = request(ports[n % 3], "GET", "/tracking/orders/" + order)
            doc = json.loads(data)
            descs = [i["description"] for i in doc.get("issues", [])
                     if i["issue_type"] == "damaged_item"]
            if sorted(descs) != sorted(expected.get(order, [])):
                lost = set(expected.get(order, [])) - set(descs)
                fail("%s: issues %d, want %d (lost %s, duplicated %s)" % (
                    order, len(descs), len(expected.get(order, [])), sorted(lost),
                    sorted({d for d in descs if descs.count(d) > 1})))
            seen = set()
            for e in history:
                key = json.dumps({k: v for k, v in e.items() if k != "metadata"}, sort_keys=True)
                ot = (e.get("metadata") or {}).get("ot") or {}
                key += json.dumps(ot.get("data"), sort_keys=True)
                if key in seen:
                    fail("%s: duplicate history entry %s" % (order, key[:200]))
                seen.add(key)
            statuses = [e["status"] for e in history]
            raised_entries = [e for e in history if entry_kind(e) == "issue_raised"]
            if len(raised_entries) != len(doc.get("issues", [])):
                fail("%s: %d issue_raised entries for %d issues" % (
                    order, len(raised_entries), len(doc.get("issues", []))))
            if order in hot[:RACED]:
                moves = sum(1 for i, st in enumerate(statuses) if st == "store_acknowledged"
                            and (i == 0 or statuses[i - 1] != "store_acknowledged"))
                if moves != 1:
                    fail("%s: moved to store_acknowledged %d times (answers %s)" % (
                        order, moves, acks.get(order)))
                if acks.get(order, []).count(200) < 1:
                    fail("%s: no acknowledgment answered 200: %s" % (order, acks.get(order)))
            elif order in slow:
                steps = [i for i in doc.get("issues", []) if i["issue_type"] == "store_ack_timeout"]
                if len(steps) != 1 or steps[0]["severity"] != "high":
                    fail("%s: store-ack steps %s, want one (high)" % (
                        order, [s["severity"] for s in steps]))
                notified = [e for e in history if "sla_notified" in json.dumps(e)]
                per_stage = {}
                for e in notified:
                    key = json.dumps(e.get("metadata", {}).get("ot", {}).get("data"),
                                     sort_keys=True)
                    per_stage[key] = per_stage.get(key, 0) + 1
                if not notified or any(c > 1 for c in per_stage.values()):
                    fail("%s: SLA notices %s, want each once" % (order, per_stage))
                breaches += 1
        # each instance counts the notices it sent: the sum is one per order
        total = 0
        for p in ports:
            st, data = request(p, "GET", "/metrics")
            m = re.search(rb'^ordertrack_sla_breaches_total\{stage="store_acknowledgment"\} '
                          rb'(\d+)$', data, re.M)
            total += int(m.group(1)) if m else 0
        if total != breaches:
            fail("store_acknowledgment breaches notified %d times over the instances, want %d"
                 % (total, breaches))
        for i in instances:
            i.stop()
        instances = []
        out = subprocess.run([verify, storage], capture_output=True, text=True)
        result = json.loads(out.stdout or "{}")
        if out.returncode != 0 or result.get("orders") != len(hot) + SLOW:
            fail("hash chains: %s %s" % (out.stdout.strip(), out.stderr.strip()[-2000:]))
        if kind == "mongo":
            subprocess.run(["/usr/bin/python3", "-c",
                            "import pymongo, sys; c = pymongo.MongoClient(sys.argv[1]);"
                            "c.drop_database(sys.argv[2])",
                            os.environ["OT_TEST_MONGODB_URI"], "ot_three_%d" % os.getpid()])
    finally:
        for i in instances:
            i.proc.kill()
            i.proc.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    for f in failures[:40]:
        print("FAIL: " + f, file=sys.stderr)
    print("three instances on %s: %d failures" % (kind, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
