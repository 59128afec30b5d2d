#!/usr/bin/env python3
"""A validating proxy between the end-to-end tests and ordertrackd (standard library,
PyYAML and jsonschema, both from Debian).

It forwards every byte both ways unchanged (connections, keep-alive, half-closes, time-outs and
event streams behave as without it) and reads a copy of each HTTP/1.1 exchange on the way.
Each answer is checked against docs/openapi.yaml: the request's path and method must be a
documented operation (or the documented 404/405 for a path or method no route has), the
status must be one of the operation's responses, the Content-Type one of its media types, the
body valid against its schema (every event of a text/event-stream against the schema of its
`event:` type), and its required headers present and valid. A 2xx answer also checks the
request: a body or parameter the spec calls invalid that the service accepted is drift too.

Each violation is one JSON line in the --report file, written at once. Usage:

    openapi_proxy.py --spec docs/openapi.yaml --upstream 127.0.0.1:PORT \
        --port-file FILE --report FILE
    openapi_proxy.py --spec docs/openapi.yaml --check-exchange FILE.json

--check-exchange validates one recorded exchange (a JSON object: method, target,
request_headers, request_body, status, headers, body) and prints its violations, exit 1 when
there is any: the self-test (tests/e2e/openapi_selftest.py) uses it and the proxy.
"""
import argparse
import json
import os
import re
import signal
import socket
import sys
import threading
import time
import urllib.parse

import yaml
from jsonschema import Draft202012Validator

BODY_CAP = 8 * 1024 * 1024
HEAD_CAP = 256 * 1024


# ---- the spec ----------------------------------------------------------------------------

def resolve_pointer(doc, ref):
    if not ref.startswith("#/"):
        raise ValueError("only local references are supported: " + ref)
    node = doc
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def inline_refs(doc, node, depth=0):
    """node with every local $ref replaced by (a copy of) its target; keywords beside a $ref
    (description, ...) are kept, as in JSON Schema 2020-12."""
    if depth > 64:
        raise ValueError("reference cycle")
    if isinstance(node, dict):
        if "$ref" in node:
            target = inline_refs(doc, resolve_pointer(doc, node["$ref"]), depth + 1)
            siblings = {k: inline_refs(doc, v, depth + 1) for k, v in node.items() if k != "$ref"}
            if not siblings:
                return target
            return {"allOf": [target], **siblings}
        return {k: inline_refs(doc, v, depth + 1) for k, v in node.items()}
    if isinstance(node, list):
        return [inline_refs(doc, v, depth + 1) for v in node]
    return node


class Spec:
    def __init__(self, doc):
        self.doc = doc
        self.routes = []
        for template, item in doc["paths"].items():
            names = re.findall(r"{([^}/]+)}", template)
            pattern = "^" + re.sub(r"\\{[^}/]+\\}", "([^/]+)", re.escape(template)) + "$"
            literal = len([s for s in template.split("/") if s and not s.startswith("{")])
            self.routes.append((literal, template, re.compile(pattern), names, item))
        self.routes.sort(key=lambda r: -r[0])
        self.validators = {}
        self.lock = threading.Lock()
        self.framing = set(doc.get("x-framing-statuses", []))

    def deref(self, node):
        while isinstance(node, dict) and "$ref" in node:
            node = resolve_pointer(self.doc, node["$ref"])
        return node

    def errors(self, schema, value):
        key = json.dumps(schema, sort_keys=True)
        with self.lock:
            v = self.validators.get(key)
            if v is None:
                v = Draft202012Validator(inline_refs(self.doc, schema))
                self.validators[key] = v
        return ["%s: %s" % ("/".join(str(p) for p in e.absolute_path) or "(root)", e.message)
                for e in v.iter_errors(value)]

    def match(self, path):
        for _, template, regex, names, item in self.routes:
            m = regex.match(path)
            if m:
                return template, item, dict(zip(names, m.groups()))
        return None, None, {}


def media_type(value):
    return (value or "").split(";")[0].strip().lower()


def header_value(schema, raw):
    if schema.get("type") == "integer":
        try:
            return int(raw)
        except ValueError:
            return raw
    return raw


def sse_events(text):
    """(event type, data) of every complete event of an event stream; the trailing partial
    event (a stream cut off) is left out."""
    blocks = text.replace("\r\n", "\n").split("\n\n")
    for block in blocks[:-1]:
        event, data = "message", []
        for line in block.split("\n"):
            if line.startswith(":") or not line:
                continue
            name, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if name == "event":
                event = value
            elif name == "data":
                data.append(value)
        if data:
            yield event, "\n".join(data)


def check_body(spec, where, media, schema_node, body, extensions):
    """Violations of one body against a media type object."""
    problems = []
    if media == "application/json":
        try:
            value = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as e:
            return ["%s: not JSON: %s" % (where, e)]
        if schema_node is not None:
            problems += ["%s: %s" % (where, p) for p in spec.errors(schema_node, value)]
    elif media == "text/event-stream":
        kinds = extensions.get("x-sse-events", {})
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as e:
            return ["%s: event stream not UTF-8: %s" % (where, e)]
        for event, data in sse_events(text):
            if event not in kinds:
                problems.append("%s: undocumented event type %r" % (where, event))
                continue
            try:
                value = json.loads(data)
            except ValueError as e:
                problems.append("%s: event %s: data not JSON: %s" % (where, event, e))
                continue
            problems += ["%s: event %s: %s" % (where, event, p)
                         for p in spec.errors(kinds[event], value)]
    elif media.startswith("text/"):
        try:
            body.decode("utf-8")
        except UnicodeDecodeError as e:
            problems.append("%s: not UTF-8 text: %s" % (where, e))
    return problems


def check_exchange(spec, x):
    """Violations of one exchange: a dict with method, target, request_headers (lower-case
    names), request_body (bytes or None when incomplete), status, headers (lower-case names),
    body (bytes or None when not kept), truncated (the stream was cut off)."""
    method, status = x["method"], x["status"]
    split = urllib.parse.urlsplit(x["target"])
    path = urllib.parse.unquote(split.path)
    headers = x["headers"]
    ctype = media_type(headers.get("content-type"))
    what = "%s %s -> %d" % (method, x["target"][:200], status)
    if status in spec.framing and ctype in ("", "text/html"):
        return []  # libmicrohttpd's own answer to a malformed request
    template, item, params = spec.match(path)
    anywhere = spec.doc.get("x-any-request-responses", {}).get(str(status))
    operation = None
    if item is None:
        response = spec.doc.get("x-unmatched-path-response") if status == 404 else anywhere
        if response is None:
            return ["%s: undocumented route" % what]
    elif method.lower() not in item:
        response = spec.doc.get("x-unmatched-method-response") if status == 405 else anywhere
        if response is None:
            return ["%s: undocumented method for %s" % (what, template)]
    else:
        operation = item[method.lower()]
        responses = operation.get("responses", {})
        response = (responses.get(str(status)) or responses.get("%dXX" % (status // 100))
                    or responses.get("default") or anywhere)
        if response is None:
            return ["%s: status %d undocumented for %s %s" % (what, status, method, template)]
    response = spec.deref(response)
    problems = []
    for name, h in response.get("headers", {}).items():
        h = spec.deref(h)
        raw = headers.get(name.lower())
        if raw is None:
            if h.get("required"):
                problems.append("%s: header %s missing" % (what, name))
            continue
        if "schema" in h:
            problems += ["%s: header %s %r: %s" % (what, name, raw, p)
                         for p in spec.errors(h["schema"], header_value(h["schema"], raw))]
    content = response.get("content", {})
    body = x.get("body")
    if content:
        if ctype not in content:
            problems.append("%s: Content-Type %r is not one of %s" %
                            (what, headers.get("content-type"), sorted(content)))
        elif body is not None:
            media = content[ctype]
            if ctype == "text/event-stream" or not x.get("truncated"):
                problems += check_body(spec, what, ctype, media.get("schema"), body, media)
    elif body:
        problems.append("%s: a body where the spec documents none" % what)
    if operation is not None and 200 <= status < 300:
        problems += check_request(spec, what, item, operation, params, split.query, x)
    return problems


def check_request(spec, what, item, operation, params, query, x):
    """A request the service accepted must be one the spec accepts."""
    problems = []
    args = urllib.parse.parse_qs(query, keep_blank_values=True)
    for p in item.get("parameters", []) + operation.get("parameters", []):
        p = spec.deref(p)
        schema = p.get("schema", {})
        if p["in"] == "path":
            raw = params.get(p["name"])
        elif p["in"] == "query":
            raw = args.get(p["name"], [None])[0]
        elif p["in"] == "header":
            raw = x["request_headers"].get(p["name"].lower())
        else:
            continue
        if raw is None:
            continue
        problems += ["%s: accepted %s parameter %s=%r: %s" % (what, p["in"], p["name"], raw, e)
                     for e in spec.errors(schema, header_value(schema, raw))]
    rb = operation.get("requestBody")
    body = x.get("request_body")
    if rb and body is not None:
        rb = spec.deref(rb)
        if not body.strip():
            if rb.get("required"):
                problems.append("%s: accepted without the required body" % what)
        else:
            media = rb.get("content", {}).get("application/json")
            if media is not None:
                problems += check_body(spec, what + " (request)", "application/json",
                                       media.get("schema"), body, media)
    return problems


# ---- passive HTTP/1.1 parsing --------------------------------------------------------------

def parse_head(block):
    lines = block.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if not sep:
            raise ValueError("bad header line %r" % line[:80])
        name = name.strip().lower()
        value = value.strip()
        if name in headers and name != "content-length":
            headers[name] += ", " + value
        elif name not in headers:
            headers[name] = value
        elif headers[name] != value:
            headers[name] = None  # two different lengths: ambiguous framing
    return lines[0], headers


class Body:
    """Incremental body reader: chunked, by length, or until close."""

    def __init__(self, headers, none=False):
        te = (headers.get("transfer-encoding") or "").lower()
        self.mode = "none" if none else "chunked" if "chunked" in te else \
            "length" if headers.get("content-length") is not None else "close"
        self.left = int(headers["content-length"]) if self.mode == "length" else 0
        self.data = bytearray()
        self.kept = True
        self.raw = bytearray()  # chunked framing not yet decoded
        self.chunk_left = None
        self.done = self.mode == "none" or (self.mode == "length" and self.left == 0)

    def keep(self, data):
        if self.kept and len(self.data) + len(data) <= BODY_CAP:
            self.data += data
        else:
            self.kept = False

    def feed(self, buf):
        """Consume what belongs to the body from buf; return the rest."""
        if self.mode == "length":
            take = buf[:self.left]
            self.keep(take)
            self.left -= len(take)
            self.done = self.left == 0
            return buf[len(take):]
        if self.mode == "close":
            self.keep(buf)
            return b""
        # chunked
        self.raw += buf
        while not self.done:
            if self.chunk_left is None:
                end = self.raw.find(b"\r\n")
                if end < 0:
                    return b""
                size = int(bytes(self.raw[:end]).split(b";")[0].strip() or b"0", 16)
                del self.raw[:end + 2]
                self.chunk_left = size
                if size == 0:
                    self.chunk_left = -1  # trailers
            if self.chunk_left == -1:
                end = self.raw.find(b"\r\n")
                if end < 0:
                    return b""
                line = bytes(self.raw[:end])
                del self.raw[:end + 2]
                if not line:
                    self.done = True
                continue
            if len(self.raw) < self.chunk_left + 2:
                return b""
            self.keep(bytes(self.raw[:self.chunk_left]))
            del self.raw[:self.chunk_left + 2]
            self.chunk_left = None
        rest = bytes(self.raw)
        self.raw = bytearray()
        return rest

    def value(self):
        return bytes(self.data) if self.kept else None


class Connection:
    """The two directions of one proxied connection, and the exchanges seen on it."""

    def __init__(self, proxy):
        self.proxy = proxy
        self.pending = []       # requests whose answer has not been seen
        self.lock = threading.Lock()
        self.req_buf = b""
        self.req = None         # the request whose body is being read
        self.req_desync = False
        self.resp_buf = b""
        self.resp = None        # the answer whose body is being read
        self.resp_broken = False

    # requests
    def from_client(self, data):
        if self.req_desync:
            return
        self.req_buf += data
        try:
            while self.req_buf:
                if self.req is None:
                    end = self.req_buf.find(b"\r\n\r\n")
                    if end < 0:
                        if len(self.req_buf) > HEAD_CAP:
                            self.req_desync = True
                        return
                    line, headers = parse_head(self.req_buf[:end])
                    self.req_buf = self.req_buf[end + 4:]
                    parts = line.split(" ")
                    if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
                        raise ValueError("bad request line")
                    ambiguous = headers.get("content-length", "") is None or (
                        "content-length" in headers and "transfer-encoding" in headers)
                    body = Body(headers, none="content-length" not in headers and
                                "transfer-encoding" not in headers)
                    rec = {"method": parts[0], "target": parts[1], "request_headers": headers,
                           "body": body}
                    with self.lock:
                        self.pending.append(rec)
                    if ambiguous:
                        rec["body"] = None
                        self.req_desync = True  # the service refuses it and closes
                        return
                    self.req = rec
                    if body.done:
                        self.req = None
                        continue
                self.req_buf = self.req["body"].feed(self.req_buf)
                if self.req["body"].done:
                    self.req = None
        except (ValueError, IndexError):
            self.req_desync = True

    # answers
    def from_server(self, data):
        if self.resp_broken:
            return
        self.resp_buf += data
        try:
            while self.resp_buf:
                if self.resp is None:
                    end = self.resp_buf.find(b"\r\n\r\n")
                    if end < 0:
                        if len(self.resp_buf) > HEAD_CAP:
                            raise ValueError("answer head over %d bytes" % HEAD_CAP)
                        return
                    line, headers = parse_head(self.resp_buf[:end])
                    self.resp_buf = self.resp_buf[end + 4:]
                    parts = line.split(" ", 2)
                    status = int(parts[1])
                    if 100 <= status < 200:
                        continue
                    with self.lock:
                        req = self.pending.pop(0) if self.pending else None
                    if req is None:
                        # the request could not be read (bad framing sent on purpose), or
                        # is refused before its head ended (414, 431): only libmicrohttpd's
                        # own refusal may answer it
                        unread = self.req_desync or self.req_buf
                        self.req_desync = True
                        if not (unread and status in self.proxy.spec.framing):
                            self.proxy.violation("%s answers no request seen" % line)
                        self.resp_broken = True
                        return
                    none = req["method"] == "HEAD" or status in (204, 304)
                    self.resp = {"req": req, "status": status, "headers": headers,
                                 "body": Body(headers, none)}
                    if self.resp["body"].done:
                        self.finish()
                        continue
                self.resp_buf = self.resp["body"].feed(self.resp_buf)
                if self.resp["body"].done:
                    self.finish()
        except (ValueError, IndexError) as e:
            self.proxy.violation("unparsable answer: %s" % e)
            self.resp_broken = True

    def finish(self, truncated=False):
        r, self.resp = self.resp, None
        req = r["req"]
        rb = req["body"]
        self.proxy.check({
            "method": req["method"], "target": req["target"],
            "request_headers": req["request_headers"],
            "request_body": rb.value() if rb is not None and rb.done else None,
            "status": r["status"], "headers": r["headers"], "body": r["body"].value(),
            "truncated": truncated or not r["body"].done})

    def closed(self):
        """Both directions ended: an answer read until close (or cut off) is complete."""
        if self.resp is not None and not self.resp_broken:
            self.finish(truncated=self.resp["body"].mode != "close")


class Proxy:
    def __init__(self, spec, upstream, report):
        self.spec = spec
        self.upstream = upstream
        self.report = open(report, "a", encoding="utf-8") if report else None
        self.lock = threading.Lock()
        self.exchanges = 0
        self.violations = 0
        self.active = 0
        self.stopping = False

    def violation(self, text):
        with self.lock:
            self.violations += 1
            line = json.dumps({"violation": text})
            if self.report:
                self.report.write(line + "\n")
                self.report.flush()
            print("openapi_proxy: " + text, file=sys.stderr, flush=True)

    def check(self, x):
        with self.lock:
            self.exchanges += 1
        try:
            problems = check_exchange(self.spec, x)
        except Exception as e:  # a fault of the proxy is a failure too, never a pass
            problems = ["%s %s: the proxy could not check it: %r" % (x["method"], x["target"], e)]
        for p in problems:
            self.violation(p)

    def pump(self, src, dst, feed):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                try:
                    feed(data)
                except Exception as e:
                    self.violation("proxy parser fault: %r" % e)
                dst.sendall(data)
        except OSError:
            pass
        try:
            dst.shutdown(socket.SHUT_WR)
        except OSError:
            pass

    def serve_one(self, client):
        conn = Connection(self)
        try:
            server = socket.create_connection(self.upstream)
        except OSError:
            client.close()
            return
        with self.lock:
            self.active += 1
        up = threading.Thread(target=self.pump, args=(client, server, conn.from_client),
                              daemon=True)
        up.start()
        self.pump(server, client, conn.from_server)
        up.join()
        conn.closed()
        for s in (client, server):
            try:
                s.close()
            except OSError:
                pass
        with self.lock:
            self.active -= 1

    def run(self, listener):
        listener.settimeout(0.2)
        while not self.stopping:
            try:
                client, _ = listener.accept()
            except socket.timeout:
                continue
            except OSError:
                break
            client.settimeout(None)
            threading.Thread(target=self.serve_one, args=(client,), daemon=True).start()
        listener.close()
        deadline = time.monotonic() + 5
        while self.active and time.monotonic() < deadline:
            time.sleep(0.05)


def load_spec(path):
    with open(path, encoding="utf-8") as f:
        return Spec(yaml.safe_load(f))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--spec", required=True)
    ap.add_argument("--upstream", help="HOST:PORT of ordertrackd")
    ap.add_argument("--port-file", help="where to write the proxy's port once it listens")
    ap.add_argument("--report", help="violations, one JSON line each")
    ap.add_argument("--check-exchange", help="validate one recorded exchange (JSON) and exit")
    args = ap.parse_args()
    spec = load_spec(args.spec)
    if args.check_exchange:
        with open(args.check_exchange, encoding="utf-8") as f:
            x = json.load(f)
        x["headers"] = {k.lower(): v for k, v in x.get("headers", {}).items()}
        x["request_headers"] = {k.lower(): v for k, v in x.get("request_headers", {}).items()}
        for k in ("body", "request_body"):
            if x.get(k) is not None:
                x[k] = x[k].encode("utf-8")
        problems = check_exchange(spec, x)
        for p in problems:
            print(p)
        return 1 if problems else 0
    if not args.upstream or not args.port_file:
        ap.error("--upstream and --port-file are required to proxy")
    host, _, port = args.upstream.rpartition(":")
    proxy = Proxy(spec, (host.strip("[]"), int(port)), args.report)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)

    def stop(signum, frame):
        proxy.stopping = True
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    with open(args.port_file + ".tmp", "w") as f:
        f.write("%d\n" % listener.getsockname()[1])
    os.rename(args.port_file + ".tmp", args.port_file)
    proxy.run(listener)
    print("openapi_proxy: %d answers checked, %d violations" %
          (proxy.exchanges, proxy.violations), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
