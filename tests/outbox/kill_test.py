#!/usr/bin/python3
"""The outbox under SIGKILL, with real processes, a real SQLite file and real HTTP.

A writer (outbox_proc write) commits orders and issues, each write recording its events in the
same SQLite transaction; a relay (outbox_proc relay) delivers them to a signed webhook served
here. Both are killed with SIGKILL at random moments and restarted, again and again, while a
tenth of the deliveries are answered 500. Then the relay drains the outbox, and the checks:

- every delivery carries a valid signature, verified with the receiver example of
  docs/events.md (the Python block after <!-- verify-example -->, run as is);
- every committed change (each order version 1..v) was delivered at least once;
- nothing was delivered without its commit (every delivered event is in the outbox, its
  version no later than the order's);
- each order's deliveries came in sequence order (a redelivery repeats the latest only).

Usage: kill_test.py OUTBOX_PROC DOCS_EVENTS_MD [SECONDS]
"""
import http.server
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

SECRET = "kill-test-secret-0123456789"
ORDERS, WRITES = 40, 2000


def load_verify(doc_path):
    text = open(doc_path, encoding="utf-8").read()
    m = re.search(r"<!-- verify-example -->\s*```python\n(.*?)```", text, re.S)
    if not m:
        sys.exit("kill_test: no verify-example block in " + doc_path)
    scope = {}
    exec(compile(m.group(1), doc_path, "exec"), scope)
    return scope["verify"]


class Receiver(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # a batch connects at once: a short backlog drops SYNs (1 s)

    def __init__(self, verify):
        super().__init__(("127.0.0.1", 0), Handler)
        self.verify = verify
        self.lock = threading.Lock()
        self.received = []      # (order_id, sequence, event_id), answered 2xx, in order
        self.bad = []
        self.failed = 0


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        srv = self.server
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        sig = self.headers.get("X-Ordertrack-Signature", "")
        eid = self.headers.get("X-Ordertrack-Event-Id", "")
        status = 200
        with srv.lock:
            if not srv.verify(SECRET.encode(), sig, body):
                srv.bad.append(("signature", eid))
                status = 401
            else:
                doc = json.loads(body)
                if doc.get("event_id") != eid:
                    srv.bad.append(("event id header", eid))
                if random.random() < 0.1:
                    srv.failed += 1
                    status = 500
                else:
                    srv.received.append((doc["order_id"], doc["sequence"], eid))
        time.sleep(random.random() * 0.004)  # a kill lands between delivery and mark
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()


def start(args, log):
    return subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)


def main():
    proc, doc = sys.argv[1], sys.argv[2]
    seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 6.0
    verify = load_verify(doc)
    # the example refuses a bad signature and an old timestamp
    assert not verify(SECRET.encode(), "t=%d,v1=00" % int(time.time()), b"{}")
    assert not verify(SECRET.encode(), "t=1,v1=00", b"{}")
    srv = Receiver(verify)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    url = "http://127.0.0.1:%d/hooks/ordertrack" % srv.server_address[1]
    tmp = tempfile.mkdtemp(prefix="outbox-kill-")
    db = os.path.join(tmp, "orders.db")
    log = open(os.path.join(tmp, "procs.log"), "wb")
    writer = start([proc, "write", db, str(ORDERS), str(WRITES)], log)
    relay = start([proc, "relay", db, url, SECRET], log)
    kills = {"writer": 0, "relay": 0}
    deadline = time.time() + seconds
    while time.time() < deadline:
        time.sleep(random.uniform(0.02, 0.15))
        if writer is not None and writer.poll() is not None:
            if writer.returncode != 0 and writer.returncode != -signal.SIGKILL:
                sys.exit("kill_test: the writer failed (%d); see %s" % (writer.returncode, tmp))
            writer = None
        if random.random() < 0.4 and writer is not None:
            writer.send_signal(signal.SIGKILL)
            writer.wait()
            kills["writer"] += 1
            writer = start([proc, "write", db, str(ORDERS), str(WRITES)], log)
        else:
            relay.send_signal(signal.SIGKILL)
            relay.wait()
            kills["relay"] += 1
            relay = start([proc, "relay", db, url, SECRET], log)
    # the writer finishes its writes; the relay drains the outbox
    if writer is not None and writer.wait(timeout=120) != 0:
        sys.exit("kill_test: the writer failed (%d); see %s" % (writer.returncode, tmp))
    writer = start([proc, "write", db, str(ORDERS), str(WRITES)], log)
    if writer.wait(timeout=120) != 0:
        sys.exit("kill_test: the last writer failed; see %s" % tmp)
    con = sqlite3.connect(db)
    end = time.time() + 90
    while time.time() < end:
        total, = con.execute("SELECT count(*) FROM ot_outbox").fetchone()
        done, = con.execute("SELECT count(*) FROM ot_outbox_delivery WHERE sink = 'webhook'"
                            " AND state = 2").fetchone()
        if total and done == total:
            break
        time.sleep(0.1)
    relay.send_signal(signal.SIGTERM)
    relay.wait(timeout=30)
    srv.shutdown()

    outbox = {eid: (oid, seq) for eid, oid, seq in
              con.execute("SELECT event_id, order_id, sequence FROM ot_outbox")}
    versions = dict(con.execute("SELECT order_id, version FROM orders"))
    problems = list(srv.bad)
    got = {}
    last = {}
    for oid, seq, eid in srv.received:
        got.setdefault(eid, 0)
        got[eid] += 1
        if eid not in outbox:
            problems.append(("delivered without its commit", eid))
        elif outbox[eid] != (oid, seq):
            problems.append(("delivered other than recorded", eid))
        if seq // 1000 > versions.get(oid, 0):
            problems.append(("a version never committed", oid, seq))
        if seq < last.get(oid, 0):
            problems.append(("out of order", oid, last[oid], seq))
        last[oid] = max(last.get(oid, 0), seq)
    for eid in outbox:
        if eid not in got:
            problems.append(("committed, never delivered", eid))
    seen_versions = {}
    for oid, seq, _ in srv.received:
        seen_versions.setdefault(oid, set()).add(seq // 1000)
    for oid, v in versions.items():
        missing = set(range(1, v + 1)) - seen_versions.get(oid, set())
        if missing:
            problems.append(("changes never delivered", oid, sorted(missing)[:5]))
    writes = sum(v for v in versions.values())
    dups = sum(n - 1 for n in got.values())
    print("kill_test: %d orders, %d committed changes, %d events, %d deliveries (%d duplicates,"
          " %d answered 500), kills: %s" % (len(versions), writes, len(outbox),
                                             len(srv.received), dups, srv.failed, kills))
    if len(versions) != ORDERS or writes != ORDERS + WRITES:
        problems.append(("the writer did not finish", len(versions), writes))
    if kills["relay"] < 3 or kills["writer"] < 1:
        problems.append(("too few kills", kills))
    for p in problems[:20]:
        print("kill_test: PROBLEM", p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
