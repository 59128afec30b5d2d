#!/usr/bin/env python3
"""Adversarial cases of issue 17, part "conns": connection floods, slow clients, event-stream
scope and limits, SIGTERM with keep-alive clients, SIGXFSZ (tests/adversarial/README.md).

Usage: conns.py CASE (ORDERTRACKD names the program; ctest sets it). Loopback only: the
flooders bind 127.0.0.2..127.0.0.6 and the prober 127.0.0.9, so that the per-address limit
of one does not hold the other. Each case is bounded in time and in connections.
"""
import http.client
import json
import os
import re
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

KEYS = [
    {"key": "admin-key-0123456789", "role": "admin"},
    {"key": "store-1-key-0123456789", "role": "store", "stores": ["store-1"]},
    {"key": "store-2-key-0123456789", "role": "store", "stores": ["store-2"]},
]
ADMIN, STORE1, STORE2 = (k["key"] for k in KEYS)


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def check(cond, message):
    if not cond:
        fail(message)
    print("ok - " + message)


class Daemon:
    """ordertrackd on 127.0.0.1:0 from a config with these limits."""

    def __init__(self, directory, limits, storage="memory:", fsize=None):
        self.config_path = os.path.join(directory, "ordertrackd.json")
        with open(self.config_path, "w") as f:
            json.dump({"storage": storage, "api_keys": KEYS, "limits": limits}, f)
        self.log_path = os.path.join(directory, "ordertrackd.log")

        def limit_file_size():
            if fsize is not None:
                resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

        # stderr to a pipe drained by a thread: a log file would be cut by RLIMIT_FSIZE too.
        self.proc = subprocess.Popen(
            [os.environ["ORDERTRACKD"], "--config", self.config_path, "--listen",
             "127.0.0.1:0"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            preexec_fn=limit_file_size)  # restore_signals: SIGXFSZ is SIG_DFL in the child
        self.log = []
        threading.Thread(target=self._drain, daemon=True).start()
        deadline = time.monotonic() + 15
        self.port = None
        while self.port is None and time.monotonic() < deadline:
            m = re.search(r"listening on 127\.0\.0\.1:(\d+) ", self.stderr())
            if m:
                self.port = int(m.group(1))
            elif self.proc.poll() is not None:
                break
            time.sleep(0.05)
        if self.port is None:
            fail("ordertrackd did not start: " + self.stderr())

    def _drain(self):
        for line in self.proc.stderr:
            self.log.append(line.decode("utf-8", "replace"))

    def stderr(self):
        return "".join(self.log)

    def call(self, method, path, body=None, key=ADMIN, source="127.0.0.9", timeout=10):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout,
                                          source_address=(source, 0))
        headers = {"Content-Type": "application/json", "Authorization": "Bearer " + key}
        conn.request(method, path, None if body is None else json.dumps(body), headers)
        r = conn.getresponse()
        text = r.read()
        conn.close()
        try:
            return r.status, json.loads(text or b"null")
        except ValueError:
            return r.status, text

    def stop(self, timeout=20):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


def connect_from(port, source):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((source, 0))
    s.settimeout(5)
    s.connect(("127.0.0.1", port))
    return s


def closed_by_server(s, wait):
    """Did the server close s (EOF or reset) within `wait` seconds?"""
    s.settimeout(wait)
    try:
        while True:
            data = s.recv(4096)
            if not data:
                return True
    except socket.timeout:
        return False
    except OSError:
        return True


def open_flood(port, sources, n, partial=True):
    """n connections spread over `sources`; each sends half a request line (a slow client)
    or nothing (an idle one)."""
    socks = []
    for i in range(n):
        try:
            s = connect_from(port, sources[i % len(sources)])
            if partial and i % 2:
                s.sendall(b"GET /tracking/orders/x HTTP/1.1\r\nHost: a")
            socks.append(s)
        except OSError:
            pass  # refused: the backlog of a full listener
    return socks


def probe(d, count, within):
    """count GET /healthz from 127.0.0.9, each answered within `within` seconds."""
    answered = 0
    for _ in range(count):
        t0 = time.monotonic()
        try:
            status, _ = d.call("GET", "/healthz", key=ADMIN, timeout=within)
        except OSError:
            status = None
        if status == 200 and time.monotonic() - t0 <= within:
            answered += 1
    return answered


def case_flood(tmp):
    """600 idle and slow clients from one address: only limits.max_connections_per_address
    stay open, the rest are closed at once; /healthz answers from another address throughout,
    and the held connections close after limits.connection_timeout_s."""
    d = Daemon(tmp, {"connection_timeout_s": 3})
    socks = open_flood(d.port, ["127.0.0.2"], 600)
    t0 = time.monotonic()
    check(probe(d, 20, 2.0) == 20, "20 of 20 health probes answered within 2 s during the flood")
    open_now = [s for s in socks if not closed_by_server(s, 0.01)]
    check(len(open_now) <= 32, "at most 32 (the per-address default) of 600 connections held "
          "(%d)" % len(open_now))
    check(all(closed_by_server(s, max(0.1, 6 - (time.monotonic() - t0))) for s in open_now),
          "the held idle and slow connections closed after connection_timeout_s")
    for s in socks:
        s.close()
    check(d.stop() == 0, "stopped cleanly")


def case_total(tmp):
    """Idle clients from five addresses fill limits.max_connections: the service recovers
    once they time out (bounded), instead of staying unreachable."""
    d = Daemon(tmp, {"max_connections": 40, "max_connections_per_address": 8,
                     "connection_timeout_s": 2, "threads": 2})
    socks = open_flood(d.port, ["127.0.0.%d" % i for i in range(2, 7)], 40, partial=False)
    check(len(socks) >= 36, "the flood connected (%d)" % len(socks))
    t0 = time.monotonic()
    ok = False
    while not ok and time.monotonic() - t0 < 10:
        ok = probe(d, 1, 2.0) == 1
    check(ok, "/healthz answered within %.1f s of a full connection table" %
          (time.monotonic() - t0))
    for s in socks:
        s.close()
    check(d.stop() == 0, "stopped cleanly")


def case_slow_body(tmp):
    """A body trickling in one byte a second is cut at limits.request_timeout_s although each
    byte restarts the idle timeout."""
    d = Daemon(tmp, {"connection_timeout_s": 5, "request_timeout_s": 2})
    s = connect_from(d.port, "127.0.0.2")
    s.sendall(b"POST /tracking/orders/o-1/issues HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
              + ADMIN.encode() + b"\r\nContent-Type: application/json\r\n"
              b"Content-Length: 100\r\n\r\n")
    t0 = time.monotonic()
    cut = False
    while not cut and time.monotonic() - t0 < 8:
        try:
            s.sendall(b" ")
        except OSError:
            cut = True
            break
        cut = closed_by_server(s, 0.5)
    elapsed = time.monotonic() - t0
    check(cut and elapsed < 5, "the slow body was cut after %.1f s (limit 2 s)" % elapsed)
    s.close()
    check(d.stop() == 0, "stopped cleanly")


class Stream:
    """An open event stream; its raw text read by a thread until the server ends it."""

    def __init__(self, d, order_id, key):
        self.sock = connect_from(d.port, "127.0.0.3")
        self.sock.sendall(("GET /tracking/orders/%s/events HTTP/1.1\r\nHost: x\r\n"
                           "Authorization: Bearer %s\r\nConnection: close\r\n\r\n"
                           % (order_id, key)).encode())
        self.text = b""
        self.ended = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        self.sock.settimeout(30)
        try:
            while True:
                data = self.sock.recv(4096)
                if not data:
                    break
                self.text += data
        except OSError:
            pass
        self.ended.set()

    def status(self, wait=5):
        deadline = time.monotonic() + wait
        while b"\r\n" not in self.text and time.monotonic() < deadline:
            time.sleep(0.02)
        m = re.match(rb"HTTP/1\.1 (\d+)", self.text)
        return int(m.group(1)) if m else None


def case_stream_scope(tmp):
    """After a rejection reassigns the order to store-2, store-1's open stream ends and
    carries nothing of store-2 (every read re-checks the key's scope, for every key kind;
    only a store's order can leave a key's scope through the API today); a write that adds
    history without a status change wakes the streams at once."""
    d = Daemon(tmp, {"event_heartbeat_ms": 60000, "requests_per_second": 1000, "burst": 1000})
    code, _ = d.call("POST", "/tracking/orders/o-s/init",
                     {"store_id": "store-1", "customer_id": "c-1", "delivery_provider": "internal"})
    check(code == 201, "order o-s of store-1")
    st = Stream(d, "o-s", STORE1)
    check(st.status() == 200, "store-1 streams o-s")
    time.sleep(0.3)
    code, body = d.call("POST", "/tracking/store/store-1/acknowledge",
                        {"order_id": "o-s", "accepted": False, "reason": "closed",
                         "reassign_to": "store-2"}, key=STORE1)
    check(code == 200 and body.get("store_id") == "store-2", "store-1 rejects, o-s moves")
    check(st.ended.wait(5), "store-1's stream ended when o-s left its stores")
    for step in ("store-2-ack", "picking"):
        path = "/tracking/store/store-2/" + ("acknowledge" if step == "store-2-ack"
                                               else "start-picking")
        code, _ = d.call("POST", path, {"order_id": "o-s"}, key=STORE2)
        check(code == 200, "store-2 writes o-s (%s)" % step)
    check(b"store_acknowledged" not in st.text and b"picking_in_progress" not in st.text
          and b"store-2" not in st.text, "store-1's stream carries nothing of store-2")

    # every write that adds history wakes the order's streams, whatever it says: a
    # substitution (no status change, no alert) arrives long before the 60 s heartbeat
    st2 = Stream(d, "o-s", STORE2)
    check(st2.status() == 200, "store-2 streams o-s")
    time.sleep(0.3)
    seen = st2.text.count(b"event: status")
    code, _ = d.call("POST", "/tracking/store/store-2/substitution",
                     {"order_id": "o-s", "original_item_id": "i-1", "substitute_item_id": "i-2",
                      "reason": "out of stock", "price_difference": 0.5}, key=STORE2)
    check(code == 200, "store-2 substitutes")
    deadline = time.monotonic() + 3
    while st2.text.count(b"event: status") == seen and time.monotonic() < deadline:
        time.sleep(0.05)
    check(st2.text.count(b"event: status") > seen, "the substitution's entry streamed at once")

    check(d.stop() == 0, "stopped cleanly")


def case_stream_limits(tmp):
    """limits.max_event_streams_per_key holds one key, not the others; a stream whose client
    went away frees its slot for the next open, not at the next heartbeat."""
    d = Daemon(tmp, {"event_heartbeat_ms": 60000, "max_event_streams": 3,
                     "max_event_streams_per_key": 2})
    d.call("POST", "/tracking/orders/o-l/init",
           {"store_id": "store-1", "customer_id": "c-1", "delivery_provider": "internal"})
    a, b = Stream(d, "o-l", STORE1), Stream(d, "o-l", STORE1)
    check(a.status() == 200 and b.status() == 200, "two streams of store-1's key")
    c = Stream(d, "o-l", STORE1)
    check(c.status() == 429, "a third stream of the same key: 429")
    e = Stream(d, "o-l", ADMIN)
    check(e.status() == 200, "another key still streams")
    time.sleep(0.2)
    for gone in (a, b, e):  # shutdown: close() alone waits for the reading thread
        gone.sock.shutdown(socket.SHUT_RDWR)
    time.sleep(0.2)
    t0 = time.monotonic()
    f, g = Stream(d, "o-l", STORE1), Stream(d, "o-l", ADMIN)
    check(f.status() == 200 and g.status() == 200,
          "slots of closed streams free at once (%.2f s; heartbeat 60 s)" %
          (time.monotonic() - t0))
    check(d.stop() == 0, "stopped cleanly")


def case_sigterm(tmp):
    """SIGTERM during a request whose body trickles in for 2 s, with keep-alive clients
    sending requests back to back and an idle keep-alive one: the trickling request is
    finished, every other answer from the signal on closes its connection (they used to be
    served through the whole 10 s drain), and the daemon exits once the request is done."""
    d = Daemon(tmp, {"requests_per_second": 100000, "burst": 100000})
    idle = http.client.HTTPConnection("127.0.0.1", d.port, timeout=10,
                                      source_address=("127.0.0.4", 0))
    idle.request("GET", "/healthz")
    idle.getresponse().read()
    slow = connect_from(d.port, "127.0.0.6")
    body = json.dumps({"store_id": "store-1", "customer_id": "c-1",
                       "delivery_provider": "internal"}).encode()
    slow.sendall(b"POST /tracking/orders/o-slow/init HTTP/1.1\r\nHost: x\r\n"
                 b"Authorization: Bearer " + ADMIN.encode() + b"\r\nContent-Type: "
                 b"application/json\r\nContent-Length: %d\r\n\r\n" % len(body))
    slow_answer = {}

    def trickle():
        for i in range(len(body)):
            slow.sendall(body[i:i + 1])
            time.sleep(2.0 / len(body))
        slow.settimeout(10)
        slow_answer["text"] = slow.recv(4096)

    served_after = {"n": 0}
    closes = []
    signalled = threading.Event()

    def hammer(n):
        busy = http.client.HTTPConnection("127.0.0.1", d.port, timeout=10,
                                          source_address=("127.0.0.5", 0))
        while True:
            try:
                busy.request("GET", "/healthz")
                r = busy.getresponse()
                r.read()
            except (OSError, http.client.HTTPException):
                return
            if signalled.is_set():
                served_after["n"] += 1
            if (r.getheader("Connection") or "").lower() == "close":
                closes.append(n)
                return
            time.sleep(0.01)

    trickler = threading.Thread(target=trickle, daemon=True)
    trickler.start()
    threads = [threading.Thread(target=hammer, args=(n,), daemon=True) for n in range(3)]
    for t in threads:
        t.start()
    time.sleep(0.3)
    t0 = time.monotonic()
    signalled.set()
    d.proc.send_signal(signal.SIGTERM)
    for t in threads:
        t.join(1.5)
    check(not any(t.is_alive() for t in threads) and len(closes) == 3,
          "every busy keep-alive client was answered Connection: close within 1.5 s "
          "(%d answers after the signal)" % served_after["n"])
    try:
        rc = d.proc.wait(15)
    except subprocess.TimeoutExpired:
        rc = None
    elapsed = time.monotonic() - t0
    trickler.join(5)
    check(slow_answer.get("text", b"").startswith(b"HTTP/1.1 201"),
          "the request in flight was finished (201)")
    check(rc == 0 and elapsed < 4, "exited 0 %.2f s after SIGTERM" % elapsed)
    slow.close()
    d.stop()


def case_sigxfsz(tmp):
    """Under RLIMIT_FSIZE the SQLite file cannot grow: writes answer 503, the daemon lives
    (SIGXFSZ ignored) and reads still answer."""
    d = Daemon(tmp, {"requests_per_second": 10000, "burst": 10000},
               storage="sqlite:" + os.path.join(tmp, "o.db"), fsize=192 * 1024)
    codes = []
    for i in range(400):
        code, body = d.call("POST", "/tracking/orders/o-%d/init" % i,
                            {"store_id": "store-1", "customer_id": "c-%d" % i,
                             "delivery_provider": "internal",
                             "metadata": {"pad": "x" * 1500}})
        codes.append(code)
        if code != 201:
            break
    check(d.proc.poll() is None, "the daemon survived the file-size limit")
    check(codes[-1] == 503, "a write over the limit answers 503 (%s after %d writes)"
          % (codes[-1], len(codes)))
    code, _ = d.call("GET", "/tracking/orders/o-0")
    check(code == 200, "reads still answer")
    check(d.stop() == 0, "stopped cleanly")


CASES = {name[5:]: fn for name, fn in globals().items() if name.startswith("case_")}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in CASES:
        print("usage: conns.py {%s}" % "|".join(sorted(CASES)))
        sys.exit(64)
    with tempfile.TemporaryDirectory() as directory:
        CASES[sys.argv[1]](directory)
    print("PASS")
