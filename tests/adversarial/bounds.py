#!/usr/bin/env python3
"""Adversarial cases of issue 17, part "bounds": an order cannot grow without bound, and
ordertrackd refuses ambiguous or truncating HTTP (raw sockets: curl would normalise it).

Usage: bounds.py ORDERTRACKD CASE, CASE one of order_growth, strict_http, short_keys.
Loopback only; each case sends a few hundred requests at most."""
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
from openapi_harness import OpenApiProxy  # noqa: E402

ADMIN = "admin-key-bounds-0001"
STORE = "store-key-bounds-0001"
COURIER = "courier-key-bounds-01"
FAILS = []


def check(cond, what):
    if not cond:
        FAILS.append(what)
        print("FAIL:", what, file=sys.stderr)


class Daemon:
    def __init__(self, binary, tmp, limits):
        cfg = {"listen": "127.0.0.1:0", "storage": "sqlite:%s/ot.db" % tmp,
               "api_keys": [{"key": ADMIN, "role": "admin"},
                            {"key": STORE, "role": "store", "stores": ["store-1"]},
                            {"key": COURIER, "role": "courier"}],
               "limits": limits}
        path = os.path.join(tmp, "config.json")
        with open(path, "w") as f:
            json.dump(cfg, f)
        self.log = open(os.path.join(tmp, "log"), "w+")
        self.proc = subprocess.Popen([binary, "--config", path], stdout=subprocess.DEVNULL,
                                     stderr=self.log)
        self.port = None
        for _ in range(200):
            self.log.seek(0)
            m = re.search(r"listening on 127\.0\.0\.1:(\d+)", self.log.read())
            if m:
                self.port = int(m.group(1))
                break
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        if not self.port:
            self.log.seek(0)
            sys.exit("ordertrackd did not start: " + self.log.read())
        # every answer is checked against docs/openapi.yaml on the way
        self.proxy = OpenApiProxy(tmp, "bounds", self.port)
        self.port = self.proxy.port

    def stop(self):
        self.proc.kill()
        self.proc.wait()
        for v in self.proxy.violations():
            check(False, "openapi: " + v)

    def raw(self, data, timeout=5.0, want_close=False):
        """Send raw bytes; return (status, headers dict, body bytes, closed) of the answer;
        `closed` (asked with want_close): the server closed the connection after it."""
        s = socket.create_connection(("127.0.0.1", self.port), timeout=timeout)
        s.sendall(data)
        buf = b""
        while b"\r\n\r\n" not in buf:
            chunk = s.recv(65536)
            if not chunk:
                break
            buf += chunk
        head, _, body = buf.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1]) if lines and len(lines[0].split()) > 1 else 0
        headers = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            headers[k.strip().lower()] = v.strip()
        n = int(headers.get("content-length", "0"))
        while len(body) < n:
            chunk = s.recv(65536)
            if not chunk:
                break
            body += chunk
        closed = False
        try:
            if not want_close:
                raise socket.timeout
            s.settimeout(1.0)
            closed = s.recv(1) == b""
        except (socket.timeout, ConnectionResetError):
            closed = isinstance(sys.exc_info()[1], ConnectionResetError)
        s.close()
        return status, headers, body, closed

    def call(self, method, path, body=None, key=ADMIN, extra=b""):
        data = json.dumps(body).encode() if body is not None else b""
        req = ("%s %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
               "Content-Type: application/json\r\nContent-Length: %d\r\n" %
               (method, path, key, len(data))).encode() + extra + b"\r\n" + data
        status, headers, raw, _ = self.raw(req)
        try:
            doc = json.loads(raw) if raw else None
        except ValueError:
            doc = None
        return status, doc, len(raw)


def error_code(doc):
    return (doc or {}).get("error", {}).get("code")


def init(d, order_id):
    st, doc, _ = d.call("POST", "/tracking/orders/%s/init" % order_id,
                        {"store_id": "store-1", "customer_id": "c-1",
                         "delivery_provider": "internal"}, key=STORE)
    check(st == 201, "init %s: %s %s" % (order_id, st, doc))


def order_growth(d):
    # issues: a courier key adds issues up to limits.max_issues (5), then 422 order_limit
    init(d, "o-issues")
    issue = {"issue_type": "damaged", "description": "x" * 100, "severity": "low"}
    for i in range(5):
        st, doc, _ = d.call("POST", "/tracking/orders/o-issues/issues", issue, key=COURIER)
        check(st == 200, "issue %d: %s %s" % (i, st, doc))
    _, _, size_at_cap = d.call("GET", "/tracking/orders/o-issues")
    for i in range(30):
        st, doc, _ = d.call("POST", "/tracking/orders/o-issues/issues", issue, key=COURIER)
        check(st == 422 and error_code(doc) == "order_limit" and
              doc["error"].get("field") == "issues",
              "issue past the cap %d: %s %s" % (i, st, doc))
    st, doc, size = d.call("GET", "/tracking/orders/o-issues")
    check(st == 200 and len(doc["issues"]) == 5, "issues kept: %s" % (doc or {}).get("issues"))
    check(size == size_at_cap, "refused issues changed the order: %d -> %d bytes" %
          (size_at_cap, size))

    # the record: 4 KB issues fill limits.max_record_bytes (32768) long before max_issues
    init(d, "o-record")
    big = {"issue_type": "damaged", "description": "y" * 4000, "severity": "low"}
    refused = 0
    for i in range(40):
        st, doc, _ = d.call("POST", "/tracking/orders/o-record/issues", big, key=COURIER)
        if st == 422:
            check(error_code(doc) == "order_limit" and doc["error"].get("field") == "record",
                  "record cap answer: %s" % doc)
            refused += 1
        else:
            check(st == 200 and refused == 0, "big issue %d after a refusal: %s" % (i, st))
    check(refused > 30, "only %d of 40 big issues refused" % refused)
    st, doc, size = d.call("GET", "/tracking/orders/o-record")
    check(st == 200 and size <= 32768, "record answer is %d bytes (cap 32768)" % size)
    # a refused write is cheap and changes nothing; a small write still fits
    st, doc, _ = d.call("PUT", "/tracking/orders/o-record/status",
                        {"status": "store_notified", "updated_by": "ops"})
    check(st in (200, 422), "status at the cap: %s %s" % (st, doc))

    # metadata: a request's metadata over limits.max_metadata_bytes (1024)
    st, doc, _ = d.call("PUT", "/tracking/orders/o-issues/status",
                        {"status": "store_notified", "updated_by": "ops",
                         "metadata": {"k": "z" * 2000}})
    check(st == 422 and error_code(doc) == "order_limit" and
          doc["error"].get("field") == "metadata", "metadata over the cap: %s %s" % (st, doc))
    st, doc, _ = d.call("POST", "/tracking/orders/o-meta/init",
                        {"store_id": "store-1", "customer_id": "c-1",
                         "delivery_provider": "internal", "metadata": {"k": "z" * 2000}},
                        key=STORE)
    check(st == 422 and error_code(doc) == "order_limit", "init metadata: %s %s" % (st, doc))

    # substitutions: limits.max_substitutions (2)
    init(d, "o-subs")
    for path in ("acknowledge", "start-picking"):
        st, doc, _ = d.call("POST", "/tracking/store/store-1/" + path, {"order_id": "o-subs"},
                            key=STORE)
        check(st == 200, "%s: %s %s" % (path, st, doc))
    for i in range(4):
        st, doc, _ = d.call("POST", "/tracking/store/store-1/substitution",
                            {"order_id": "o-subs", "original_item_id": "item-%d" % i,
                             "substitute_item_id": "alt-%d" % i, "reason": "out of stock",
                             "price_difference": 1.5}, key=STORE)
        if i < 2:
            check(st == 200, "substitution %d: %s %s" % (i, st, doc))
        else:
            check(st == 422 and error_code(doc) == "order_limit" and
                  doc["error"].get("field") == "substitutions",
                  "substitution past the cap %d: %s %s" % (i, st, doc))

    # the store stays bounded (a few orders of at most 32 KiB each, WAL included)
    total = sum(os.path.getsize(os.path.join(d.tmp, f)) for f in os.listdir(d.tmp)
                if f.startswith("ot.db"))
    check(total < 4 * 1024 * 1024, "the database holds %d bytes" % total)


def strict_http(d):
    init(d, "m-1")
    auth = ("Authorization: Bearer %s\r\n" % ADMIN).encode()

    def get(target, extra=b""):
        return d.raw(b"GET " + target + b" HTTP/1.1\r\nHost: x\r\n" + auth + extra + b"\r\n")

    st, h, body, _ = get(b"/tracking/orders/m-1")
    check(st == 200, "plain get: %s" % st)
    # %00 in the path or the query: 400, not the truncated m-1
    for target in (b"/tracking/orders/m-1%00x", b"/tracking/orders/m-1%00",
                   b"/tracking/orders?store_id=store-1%00x", b"/tracking/orders/m-1?a=%00"):
        st, h, body, _ = get(target)
        check(st == 400 and b'"invalid_request"' in body,
              "%s: %s %s" % (target, st, body[:200]))
    # order ids: "..", control characters, a decoded slash
    for target in (b"/tracking/orders/..", b"/tracking/orders/%2e%2e",
                   b"/tracking/orders/a%01b", b"/tracking/orders/a%20b",
                   b"/tracking/orders/" + b"a" * 129):
        st, h, body, _ = get(target)
        check(st == 400 and b'"order_id"' in body, "%s: %s %s" % (target, st, body[:200]))
    st, h, body, _ = get(b"/tracking/orders/a%2fb")  # decoded to a/b: no such route
    check(st == 404, "a%%2fb: %s" % st)
    st, _, _, _ = get(b"/tracking/orders/" + b"a" * 128)
    check(st == 404, "a 128-character id is allowed (404): %s" % st)
    # a NUL inside Authorization (or any header) is refused 400, wherever it is: a whole
    # valid key followed by a NUL and junk no longer authenticates
    for value in (ADMIN.encode() + b"\x00junk", ADMIN.encode() + b"\x00",
                  ADMIN[:-1].encode() + b"\x00" + ADMIN[-1:].encode(),
                  b"\x00" + ADMIN.encode(), b"x" + b"\x00" + ADMIN.encode()):
        st, h, body, _ = d.raw(b"GET /tracking/orders/m-1 HTTP/1.1\r\nHost: x\r\n"
                               b"Authorization: Bearer " + value + b"\r\n\r\n")
        check(st == 400, "NUL in Authorization %r: %s %s" % (value, st, body[:120]))
    st, h, body, _ = d.raw(b"GET /tracking/orders/m-1 HTTP/1.1\r\nHost: x\r\n" + auth +
                           b"X-Note: a\x00b\r\n\r\n")
    check(st == 400, "NUL in another header: %s" % st)
    # a request target over limits.max_uri_bytes (8192) and headers over
    # limits.max_header_bytes (16384): the API's JSON 414 / 431, and the connection closed
    st, h, body, closed = d.raw(b"GET /tracking/orders/m-1?q=" + b"a" * 9000 +
                                b" HTTP/1.1\r\nHost: x\r\n" + auth + b"\r\n", want_close=True)
    check(st == 414 and b'"uri_too_long"' in body and closed,
          "long target: %s closed=%s %s" % (st, closed, body[:200]))
    st, h, body, closed = d.raw(b"GET /tracking/orders/m-1 HTTP/1.1\r\nHost: x\r\n" + auth +
                                b"X-Big: " + b"b" * 17000 + b"\r\n\r\n", want_close=True)
    check(st == 431 and b'"headers_too_large"' in body and closed,
          "large headers: %s closed=%s %s" % (st, closed, body[:200]))
    st, h, body, _ = get(b"/tracking/orders/m-1?q=" + b"a" * 8000)
    check(st == 200, "a target under the limit: %s %s" % (st, body[:200]))
    # two different Content-Lengths, or Content-Length with Transfer-Encoding: 400 and close
    payload = b'{"status": "store_notified", "updated_by": "ops"}'
    st, h, body, closed = d.raw(
        b"PUT /tracking/orders/m-1/status HTTP/1.1\r\nHost: x\r\n" + auth +
        b"Content-Length: %d\r\nContent-Length: 5\r\n\r\n" % len(payload) + payload,
        want_close=True)
    check(st == 400 and closed, "two Content-Lengths: %s closed=%s %s" % (st, closed, body[:200]))
    chunked = b"%x\r\n" % len(payload) + payload + b"\r\n0\r\n\r\n"
    st, h, body, closed = d.raw(
        b"PUT /tracking/orders/m-1/status HTTP/1.1\r\nHost: x\r\n" + auth +
        b"Content-Length: %d\r\nTransfer-Encoding: chunked\r\n\r\n" % len(chunked) + chunked,
        want_close=True)
    check(st == 400 and closed, "Content-Length with Transfer-Encoding: %s closed=%s %s" %
          (st, closed, body[:200]))
    st, doc, _ = d.call("GET", "/tracking/orders/m-1")
    check(st == 200 and doc["current_status"] == "submitted",
          "a refused framing changed the order: %s" % (doc or {}).get("current_status"))
    # the same value twice is one length (RFC 9112 allows it)
    st, h, body, _ = d.raw(
        b"PUT /tracking/orders/m-1/status HTTP/1.1\r\nHost: x\r\n" + auth +
        b"Content-Length: %d\r\nContent-Length: %d\r\n\r\n" % (len(payload), len(payload)) +
        payload)
    check(st in (200, 400), "repeated equal Content-Length: %s" % st)
    # Last-Event-ID past the largest index: 400, not a replay from 0
    for last in (b"18446744073709551616", b"18446744073709551615", b"99999999999999999999999"):
        st, h, body, _ = get(b"/tracking/orders/m-1/events", b"Last-Event-ID: " + last + b"\r\n")
        check(st == 400 and b"Last-Event-ID" in body, "Last-Event-ID %s: %s" % (last, st))
    # libmicrohttpd's own answers (docs/reliability.md): a request it cannot read as HTTP/1.x,
    # or a head past its buffer; the right status, and the service survives them
    for req, want in ((b"GET /tracking/orders/m-1 HTTP/2.0\r\nHost: x\r\n\r\n", (505,)),
                      (b"GET /tracking/orders/m-1 HTTP/1.1\r\n\r\n", (400,)),
                      (b"GET /tracking/orders/m-1 HTTP/1.1\nHost: x\n\n", (400,)),
                      (b"GET /tracking/orders/m-1 HTTP/1.1\r\nHost: x\r\nX: a\r\n b\r\n\r\n",
                       (400,)),
                      (b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", (0, 414)),
                      (b"GET / HTTP/1.1\r\nHost: x\r\nX: " + b"b" * 70000 + b"\r\n\r\n",
                       (0, 431))):
        try:
            st, h, body, _ = d.raw(req)
        except OSError:
            st = 0
        check(st in want, "MHD's own refusal of %r: %s" % (req[:60], st))
    st, _, _ = d.call("GET", "/healthz")
    check(st == 200, "healthz after the probes: %s" % st)


def short_keys(binary, tmp):
    for key, want in (("k", "api_keys[0].key"), ("fifteen-chars-x", "api_keys[0].key")):
        path = os.path.join(tmp, "short.json")
        with open(path, "w") as f:
            json.dump({"api_keys": [{"key": key, "role": "admin"}]}, f)
        p = subprocess.run([binary, "--config", path], capture_output=True, text=True,
                           timeout=20)
        check(p.returncode == 2 and want in p.stderr and "16-255" in p.stderr,
              "key %r: exit %s, %s" % (key, p.returncode, p.stderr.strip()[:300]))


def main():
    binary, case = sys.argv[1], sys.argv[2]
    tmp = tempfile.mkdtemp(prefix="ot-bounds-")
    try:
        if case == "short_keys":
            short_keys(binary, tmp)
        else:
            limits = {"max_issues": 5, "max_substitutions": 2, "max_metadata_bytes": 1024,
                      "max_record_bytes": 32768}
            d = Daemon(binary, tmp, limits)
            d.tmp = tmp
            try:
                {"order_growth": order_growth, "strict_http": strict_http}[case](d)
            finally:
                d.stop()
                if FAILS:
                    d.log.seek(0)
                    sys.stderr.write(d.log.read()[-3000:])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if FAILS:
        sys.exit("%d check(s) failed" % len(FAILS))
    print("ok: %s" % case)


if __name__ == "__main__":
    main()
