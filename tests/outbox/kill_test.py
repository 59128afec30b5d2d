#!/usr/bin/python3
"""The outbox under SIGKILL, with real processes, a real SQLite file and real HTTP.

A writer (outbox_proc write) commits orders and issues, each write recording its events in the
same SQLite transaction; a relay (outbox_proc relay) delivers them to a signed webhook served
here. Both are killed with SIGKILL at random moments and restarted, again and again, while a
tenth of the deliveries are answered 500, and one in fifty is cut by SIGKILLing the relay
while the receiver holds the request (mid-delivery). With --nats the relay delivers to a NATS
JetStream stream as well (a nats-server started here on loopback), and each relay run may be
told to SIGKILL itself at one step of an event's life (before or after a sink's deliver, that
is delivered but not marked, or after an outbox mark, a batch half marked); every step must
have been hit. Then the relay drains the outbox, and the checks:

- every delivery carries a valid signature, verified with the receiver example of
  docs/events.md (the Python block after <!-- verify-example -->, run as is);
- every committed change (each order version 1..v, and every write the writer logged as
  acknowledged) was delivered at least once;
- nothing was delivered without its commit (every delivered event is in the outbox, its
  version no later than the order's);
- each order's deliveries came in sequence order (a redelivery repeats the latest only);
- with --nats: every event is in the stream exactly once (counted by Nats-Msg-Id over the
  whole stream: JetStream dropped the republished ones), its message id its event id, nothing
  else is there, and each order's events are in sequence order in the stream.

Usage: kill_test.py OUTBOX_PROC DOCS_EVENTS_MD [SECONDS] [--nats]
"""
import atexit
import http.server
import json
import os
import random
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

SECRET = "kill-test-secret-0123456789"
ORDERS, WRITES = 40, 2000
DIE_STEPS = ("webhook.before", "webhook.after", "nats.before", "nats.after", "mark")


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
        self.relay_pid = 0      # the running relay, for mid-delivery kills
        self.mid_kills = 0


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
        if status == 200 and srv.relay_pid and random.random() < 0.02:
            with srv.lock:  # mid-delivery: the relay dies while its request is open
                if srv.relay_pid:
                    os.kill(srv.relay_pid, signal.SIGKILL)
                    srv.relay_pid = 0
                    srv.mid_kills += 1
        time.sleep(random.random() * 0.004)  # a kill lands between delivery and mark
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()


def start(args, log):
    return subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def nats_start(tmp):
    """A JetStream nats-server on a free loopback port; returns (process, url)."""
    port = free_port()
    proc = subprocess.Popen(["nats-server", "-js", "-a", "127.0.0.1", "-p", str(port), "-sd",
                             os.path.join(tmp, "js"), "-l", os.path.join(tmp, "nats.log")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    end = time.time() + 10
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc, "nats://127.0.0.1:%d" % port
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.05)
    proc.kill()
    sys.exit("kill_test: nats-server did not start; see %s" % tmp)


def stream_check(proc, nats_url, outbox, problems):
    """Every outbox event in the stream exactly once, nothing else, in order per order;
    returns the versions per order found in the stream and the message count."""
    out = subprocess.run([proc, "stream", nats_url], capture_output=True, text=True,
                         timeout=60)
    if out.returncode != 0:
        problems.append(("reading the stream", out.stderr.strip()))
        return {}, 0
    lines = out.stdout.splitlines()
    if not lines or not lines[-1].startswith("end\t"):
        problems.append(("the stream listing ended early",))
        return {}, 0
    count = {}
    last = {}
    versions = {}
    for line in lines[:-1]:
        msg_id, body = line.split("\t", 1)
        doc = json.loads(body)
        oid, seq = doc["order_id"], doc["sequence"]
        count[msg_id] = count.get(msg_id, 0) + 1
        if doc["event_id"] != msg_id:
            problems.append(("stream message id is not its event id", msg_id))
        if msg_id not in outbox:
            problems.append(("in the stream without its commit", msg_id))
        elif outbox[msg_id] != (oid, seq):
            problems.append(("in the stream other than recorded", msg_id))
        if seq <= last.get(oid, 0):
            problems.append(("stream out of order", oid, last[oid], seq))
        last[oid] = seq
        versions.setdefault(oid, set()).add(seq // 1000)
    for eid in outbox:
        if count.get(eid, 0) != 1:
            problems.append(("in the stream %d times" % count.get(eid, 0), eid))
    if int(lines[-1].split("\t")[1]) != len(lines) - 1:
        problems.append(("stream message count", lines[-1], len(lines) - 1))
    return versions, len(lines) - 1


def main():
    args = [a for a in sys.argv[1:] if a != "--nats"]
    use_nats = "--nats" in sys.argv[1:]
    proc, doc = args[0], args[1]
    seconds = float(args[2]) if len(args) > 2 else 6.0
    verify = load_verify(doc)
    # the example refuses a bad signature and an old timestamp
    assert not verify(SECRET.encode(), "t=%d,v1=00" % int(time.time()), b"{}")
    assert not verify(SECRET.encode(), "t=1,v1=00", b"{}")
    srv = Receiver(verify)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    url = "http://127.0.0.1:%d/hooks/ordertrack" % srv.server_address[1]
    tmp = tempfile.mkdtemp(prefix="outbox-kill-")
    db = os.path.join(tmp, "orders.db")
    log_path = os.path.join(tmp, "procs.log")
    log = open(log_path, "wb")
    nats_url = "-"
    if use_nats:
        nats_proc, nats_url = nats_start(tmp)
        atexit.register(nats_proc.kill)
    sinks = ("webhook", "nats") if use_nats else ("webhook",)
    runs = [0]

    def relay_start(chaos=True):
        """Two runs in three die at a step, in turn (left alone up to 2 s to reach it); the
        others die by the receiver (mid-delivery) or by the loop below."""
        argv = [proc, "relay", db, url, SECRET, nats_url]
        runs[0] += 1
        at_step = use_nats and chaos and runs[0] % 3 != 0
        if at_step:
            argv += [DIE_STEPS[runs[0] % len(DIE_STEPS)], str(random.randint(1, 4))]
        p = start(argv, log)
        p.spare_until = time.time() + 2 if at_step else 0
        with srv.lock:
            srv.relay_pid = p.pid if chaos and not at_step else 0
        return p

    def relay_kill(p):
        with srv.lock:
            srv.relay_pid = 0
        p.send_signal(signal.SIGKILL)
        p.wait()

    writer = start([proc, "write", db, str(ORDERS), str(WRITES)], log)
    relay = relay_start()
    kills = {"writer": 0, "relay": 0, "relay died": 0}
    # one writer kill for sure, early, while it is surely writing (on a fast or a loaded
    # machine the random kills below may all miss it)
    time.sleep(0.1)
    if writer.poll() is None:
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        kills["writer"] += 1
        writer = start([proc, "write", db, str(ORDERS), str(WRITES)], log)
    deadline = time.time() + seconds
    while time.time() < deadline:
        time.sleep(random.uniform(0.02, 0.15))
        if writer is not None and writer.poll() is not None:
            if writer.returncode != 0 and writer.returncode != -signal.SIGKILL:
                sys.exit("kill_test: the writer failed (%d); see %s"
                         % (writer.returncode, tmp))
            writer = None
        if relay.poll() is not None:  # it killed itself at a step, or mid-delivery
            if relay.returncode != -signal.SIGKILL:
                sys.exit("kill_test: the relay failed (%d); see %s"
                         % (relay.returncode, tmp))
            kills["relay died"] += 1
            relay = relay_start()
        elif random.random() < 0.4 and writer is not None:
            writer.send_signal(signal.SIGKILL)
            writer.wait()
            kills["writer"] += 1
            writer = start([proc, "write", db, str(ORDERS), str(WRITES)], log)
        elif time.time() >= relay.spare_until:
            relay_kill(relay)
            kills["relay"] += 1
            relay = relay_start()
    # the writer finishes its writes; the relay drains the outbox
    if writer is not None and writer.wait(timeout=120) != 0:
        sys.exit("kill_test: the writer failed (%d); see %s" % (writer.returncode, tmp))
    writer = start([proc, "write", db, str(ORDERS), str(WRITES)], log)
    if writer.wait(timeout=120) != 0:
        sys.exit("kill_test: the last writer failed; see %s" % tmp)
    # the drain: a relay told no death, no more mid-delivery kills
    relay_kill(relay)
    relay = relay_start(chaos=False)
    con = sqlite3.connect(db)
    end = time.time() + 90
    while time.time() < end:
        total, = con.execute("SELECT count(*) FROM ot_outbox").fetchone()
        done = [con.execute("SELECT count(*) FROM ot_outbox_delivery WHERE sink = ?"
                            " AND state = 2", (sink,)).fetchone()[0] for sink in sinks]
        if total and all(d == total for d in done):
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
    stream_versions, stream_msgs = ({}, 0)
    if "nats" in sinks:
        stream_versions, stream_msgs = stream_check(proc, nats_url, outbox, problems)
    for oid, v in versions.items():
        missing = set(range(1, v + 1)) - seen_versions.get(oid, set())
        if missing:
            problems.append(("changes never delivered", oid, sorted(missing)[:5]))
        missing = set(range(1, v + 1)) - stream_versions.get(oid, set())
        if "nats" in sinks and missing:
            problems.append(("changes never in the stream", oid, sorted(missing)[:5]))
    # the writer's log of acknowledged writes: each committed (its version is the order's or
    # older), hence delivered by the checks above
    acked = 0
    with open(db + ".acked", encoding="ascii") as f:
        for line in f:
            oid, v = line.split()
            acked += 1
            if int(v) > versions.get(oid, 0):
                problems.append(("acknowledged, not committed", oid, v))
    steps = {}
    with open(log_path, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = re.match(r"outbox_proc: SIGKILL at (\S+)", line)
            if m:
                steps[m.group(1)] = steps.get(m.group(1), 0) + 1
    kills["mid-delivery"] = srv.mid_kills
    writes = sum(v for v in versions.values())
    dups = sum(n - 1 for n in got.values())
    print("kill_test: %d orders, %d committed changes (%d acknowledged), %d events, %d webhook"
          " deliveries (%d duplicates, %d answered 500), %s kills: %s, relay deaths at steps:"
          " %s" % (len(versions), writes, acked, len(outbox), len(srv.received), dups,
                   srv.failed, "%d stream messages," % stream_msgs if "nats" in sinks else "",
                   kills, steps))
    if len(versions) != ORDERS or writes != ORDERS + WRITES or acked > writes:
        problems.append(("the writer did not finish", len(versions), writes, acked))
    if kills["relay"] < 3 or kills["writer"] < 1:
        problems.append(("too few kills", kills))
    if "nats" in sinks and any(step not in steps for step in DIE_STEPS):
        problems.append(("a step never killed the relay", steps))
    for p in problems[:20]:
        print("kill_test: PROBLEM", p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
