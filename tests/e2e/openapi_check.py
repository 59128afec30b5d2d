#!/usr/bin/env python3
"""docs/openapi.yaml checked on its own and against the service (ctest e2e.openapi):

- the document is well-formed OpenAPI 3.1 (a structural check: versions, every $ref
  resolves, every schema is valid JSON Schema 2020-12, path parameters declared, unique
  operation ids, known security schemes and tags, status-code keys);
- its operations are exactly ordertrackd's route table (examples/ordertrackd/router.c), its
  error codes the service's (http_errors.c) and its enums the library's vocabularies;
- GET /openapi.json serves the same document, without a key, with Content-Type and
  Cache-Control;
- the validating proxy (openapi_proxy.py) catches violations: a spec made wrong in four
  places yields the four expected violations on live answers, the right spec none; and
  handcrafted bad answers are each refused.

Usage: openapi_check.py ORDERTRACKD (standard library, PyYAML and jsonschema from Debian)."""
import copy
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request

import yaml
from jsonschema import Draft202012Validator

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
SPEC = os.path.join(ROOT, "docs", "openapi.yaml")
sys.path.insert(0, HERE)
import openapi_proxy  # noqa: E402
from openapi_harness import OpenApiProxy  # noqa: E402

BIN = None
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
KEY = "admin-key-0123456789"


def load_spec():
    with open(SPEC, encoding="utf-8") as f:
        return yaml.safe_load(f)


def read(path):
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        return f.read()


class Daemon:
    """ordertrackd on memory storage, with the validating proxy in front (spec: a path)."""

    def __init__(self, directory, spec_path):
        cfg = os.path.join(directory, "config.json")
        with open(cfg, "w") as f:
            json.dump({"listen": "127.0.0.1:0", "storage": "memory:",
                       "api_keys": [{"key": KEY, "role": "admin"}]}, f)
        self.log = os.path.join(directory, "d.log")
        with open(self.log, "w") as log:
            self.proc = subprocess.Popen([BIN, "--config", cfg], stdout=subprocess.DEVNULL,
                                         stderr=log)
        port = None
        deadline = time.monotonic() + 15
        while port is None and time.monotonic() < deadline and self.proc.poll() is None:
            with open(self.log) as f:
                m = re.search(r"listening on 127\.0\.0\.1:(\d+) ", f.read())
            port = int(m.group(1)) if m else time.sleep(0.05)
        if port is None:
            raise RuntimeError("ordertrackd did not start")
        self.direct = "http://127.0.0.1:%d" % port
        self.proxy = OpenApiProxy(directory, "check", port, spec_path)
        self.port, self.url = self.proxy.port, self.proxy.url

    def call(self, method, path, body=None, key=KEY, direct=False):
        req = urllib.request.Request((self.direct if direct else self.url) + path,
                                     method=method,
                                     data=None if body is None else json.dumps(body).encode())
        if key:
            req.add_header("Authorization", "Bearer " + key)
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, dict(r.headers), r.read()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read()

    def stream(self, path, seconds):
        """Read an event stream for `seconds`, then hang up."""
        s = socket.create_connection(("127.0.0.1", self.port))
        s.sendall(("GET %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n"
                   % (path, KEY)).encode())
        s.settimeout(seconds)
        data = b""
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        except socket.timeout:
            pass
        s.close()
        return data

    def finish(self):
        """Stop both; the violations the proxy recorded."""
        self.proc.terminate()
        self.proc.wait(20)
        return self.proxy.violations()


class SpecShape(unittest.TestCase):
    """The document itself."""

    def setUp(self):
        self.doc = load_spec()

    def walk(self, node, path="#"):
        if isinstance(node, dict):
            yield path, node
            for k, v in node.items():
                yield from self.walk(v, path + "/" + str(k))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                yield from self.walk(v, "%s/%d" % (path, i))

    def test_version_and_info(self):
        self.assertRegex(str(self.doc["openapi"]), r"^3\.1\.\d+$")
        self.assertTrue(self.doc["info"]["title"])
        self.assertTrue(self.doc["info"]["version"])
        self.assertEqual(set(self.doc) - {"openapi", "info", "jsonSchemaDialect", "servers",
                                          "paths", "webhooks", "components", "security",
                                          "tags", "externalDocs"},
                         {k for k in self.doc if k.startswith("x-")})

    def test_every_ref_resolves(self):
        refs = 0
        for where, node in self.walk(self.doc):
            if "$ref" in node and isinstance(node["$ref"], str):
                refs += 1
                try:
                    openapi_proxy.resolve_pointer(self.doc, node["$ref"])
                except (KeyError, IndexError, ValueError) as e:
                    self.fail("%s: $ref %s does not resolve (%s)" % (where, node["$ref"], e))
        self.assertGreater(refs, 50)

    def schemas(self):
        for name, s in self.doc["components"]["schemas"].items():
            yield "components/schemas/" + name, s
        for where, node in self.walk(self.doc["paths"], "#/paths"):
            if "schema" in node and isinstance(node["schema"], dict):
                yield where, node["schema"]

    def test_schemas_are_json_schema_2020_12(self):
        for where, s in self.schemas():
            with self.subTest(where):
                Draft202012Validator.check_schema(openapi_proxy.inline_refs(self.doc, s))
                # OpenAPI 3.0 keywords have no meaning in 3.1
                self.assertNotIn("nullable", json.dumps(s))

    def test_operations(self):
        ids = set()
        schemes = set(self.doc["components"]["securitySchemes"])
        tags = {t["name"] for t in self.doc["tags"]}
        for template, item in self.doc["paths"].items():
            self.assertTrue(template.startswith("/"), template)
            in_template = set(re.findall(r"{([^}]+)}", template))
            for method in item:
                self.assertIn(method, METHODS + ("parameters", "summary", "description"),
                              template)
            for method in (m for m in item if m in METHODS):
                op = item[method]
                where = "%s %s" % (method.upper(), template)
                self.assertNotIn(op["operationId"], ids, where)
                ids.add(op["operationId"])
                params = [openapi_proxy.resolve_pointer(self.doc, p["$ref"]) if "$ref" in p
                          else p for p in item.get("parameters", []) + op.get("parameters", [])]
                declared = {p["name"] for p in params if p["in"] == "path"}
                self.assertEqual(declared, in_template, where)
                for p in params:
                    self.assertIn(p["in"], ("path", "query", "header", "cookie"), where)
                    if p["in"] == "path":
                        self.assertTrue(p.get("required"), where + " " + p["name"])
                self.assertTrue(op["responses"], where)
                for code in op["responses"]:
                    self.assertRegex(str(code), r"^([1-5][0-9]{2}|[1-5]XX|default)$", where)
                for req in op.get("security", self.doc["security"]):
                    self.assertLessEqual(set(req), schemes, where)
                self.assertLessEqual(set(op.get("tags", [])), tags, where)


class SpecMatchesService(unittest.TestCase):
    """The document against the code it describes."""

    def setUp(self):
        self.doc = load_spec()

    def test_operations_are_the_route_table(self):
        table = set(re.findall(r'{OTD_ROUTE_\w+,\s*"(\w+)",\s*"([^"]+)"',
                               read("examples/ordertrackd/router.c")))
        self.assertGreater(len(table), 20)
        spec = {(m.upper(), t) for t, item in self.doc["paths"].items()
                for m in item if m in METHODS}
        self.assertEqual(spec, table)

    def test_error_codes(self):
        codes = set(re.findall(r'\[OTD_ERR_\w+\] = {"(\w+)"',
                               read("examples/ordertrackd/http_errors.c")))
        self.assertGreater(len(codes), 10)
        self.assertEqual(set(self.doc["components"]["schemas"]["ErrorCode"]["enum"]), codes)

    def vocabulary(self, array):
        src = read("lib/core/rules/status.c")
        body = re.search(array + r"\[\w+\] = {(.*?)};", src, re.S).group(1)
        return set(re.findall(r'= "([^"]+)"', body))

    def test_enums_are_the_library_vocabularies(self):
        s = self.doc["components"]["schemas"]
        self.assertEqual(set(s["Status"]["enum"]), self.vocabulary("status_names"))
        self.assertEqual(set(s["ShipmentStatus"]["enum"]), self.vocabulary("shipment_names"))
        # the built-in providers; a courier defined as data matches the name pattern
        builtin = [a for a in s["Provider"]["anyOf"] if "enum" in a]
        self.assertEqual(len(builtin), 1)
        self.assertEqual(set(builtin[0]["enum"]), self.vocabulary("provider_names"))
        self.assertEqual(set(s["Severity"]["enum"]), self.vocabulary("severity_names"))
        self.assertEqual(set(s["Substitution"]["properties"]["status"]["enum"]),
                         self.vocabulary("substitution_names"))


def mutated(doc):
    """The spec made wrong in four places, each of which a live answer below reaches."""
    bad = copy.deepcopy(doc)
    bad["components"]["schemas"]["Order"]["properties"]["version"] = {"type": "string"}
    del bad["paths"]["/tracking/orders/{order_id}"]["get"]["responses"]["404"]
    bad["components"]["schemas"]["Status"]["enum"].remove("submitted")
    del bad["paths"]["/healthz"]
    return bad


class ProxyCatchesViolations(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def exercise(self, d):
        status, _, _ = d.call("POST", "/tracking/orders/m-1/init",
                              {"store_id": "s", "customer_id": "c",
                               "delivery_provider": "internal"})
        self.assertEqual(status, 201)
        self.assertEqual(d.call("GET", "/tracking/orders/nope")[0], 404)
        self.assertEqual(d.call("GET", "/healthz", key=None)[0], 200)
        data = d.stream("/tracking/orders/m-1/events", 0.7)
        self.assertIn(b"event: status", data)

    def test_right_spec_no_violation(self):
        d = Daemon(self.dir, SPEC)
        self.exercise(d)
        self.assertEqual(d.finish(), [])

    def test_wrong_spec_each_violation(self):
        path = os.path.join(self.dir, "bad.yaml")
        with open(path, "w") as f:
            yaml.safe_dump(mutated(load_spec()), f)
        d = Daemon(self.dir, path)
        self.exercise(d)
        got = "\n".join(d.finish())
        self.assertRegex(got, r"POST /tracking/orders/m-1/init -> 201: version: 1 is not of "
                              r"type 'string'")
        self.assertRegex(got, r"GET /tracking/orders/nope -> 404: status 404 undocumented")
        self.assertRegex(got, r"GET /healthz -> 200: undocumented route")
        self.assertRegex(got, r"events -> 200: event status: status: 'submitted' is not one of")

    def test_served_description(self):
        d = Daemon(self.dir, SPEC)
        status, headers, body = d.call("GET", "/openapi.json", key=None)
        violations = d.finish()
        self.assertEqual(status, 200)
        self.assertEqual(headers["Content-Type"], "application/json; charset=utf-8")
        self.assertEqual(headers["Cache-Control"], "public, max-age=3600")
        self.assertEqual(json.loads(body), load_spec())
        self.assertEqual(violations, [])



class HandcraftedAnswers(unittest.TestCase):
    """check_exchange on answers no service gave: each must be refused."""

    @classmethod
    def setUpClass(cls):
        cls.spec = openapi_proxy.Spec(load_spec())
        ts = "2026-11-23T06:40:01.123Z"
        cls.order = {
            "id": "0123456789abcdef01234567", "order_id": "o-1", "store_id": "s",
            "customer_id": "c", "delivery_provider": "internal", "current_status": "submitted",
            "status_history": [{"status": "submitted", "timestamp": ts, "updated_by": "api",
                                "notes": None, "metadata": {}}],
            "store_acknowledgment_time": None, "picking_start_time": None,
            "picking_complete_time": None, "delivery_pickup_time": None,
            "estimated_delivery_time": None, "actual_delivery_time": None,
            "delivery_tracking_id": None, "delivery_tracking_url": None,
            "driver_location": None, "location_trail": [], "driver_details": None,
            "shipment_status": None, "courier_status_raw": None, "substitutions": [],
            "issues": [], "metadata": {}, "created_at": ts, "updated_at": ts, "version": 1}

    def check(self, status, headers, body, method="GET", target="/tracking/orders/o-1",
              request_body=None):
        return openapi_proxy.check_exchange(self.spec, {
            "method": method, "target": target, "request_headers": {},
            "request_body": request_body, "status": status,
            "headers": {k.lower(): v for k, v in headers.items()},
            "body": body if isinstance(body, bytes) else json.dumps(body).encode()})

    JSON = {"Content-Type": "application/json; charset=utf-8"}

    def test_good_order_passes(self):
        self.assertEqual(self.check(200, {**self.JSON, "ETag": '"1"'}, self.order), [])

    def test_bad_answers(self):
        order = dict(self.order, extra=1)
        cases = {
            "unknown member": (200, {**self.JSON, "ETag": '"1"'}, order),
            "ETag missing": (200, self.JSON, self.order),
            "ETag malformed": (200, {**self.JSON, "ETag": "W/1"}, self.order),
            "wrong content type": (200, {"Content-Type": "text/plain", "ETag": '"1"'},
                                   self.order),
            "not JSON": (200, {**self.JSON, "ETag": '"1"'}, b"{"),
            "429 without Retry-After": (429, self.JSON,
                                        {"error": {"code": "rate_limited", "message": "m"}}),
            "unknown error code": (404, self.JSON, {"error": {"code": "teapot", "message": "m"}}),
            "undocumented status": (418, self.JSON, {}),
        }
        for name, (status, headers, body) in cases.items():
            with self.subTest(name):
                self.assertTrue(self.check(status, headers, body), name)

    def test_accepted_bad_request(self):
        """The service accepting a body the spec refuses is drift as well."""
        problems = self.check(200, {**self.JSON, "ETag": '"2"'}, self.order, method="PUT",
                              target="/tracking/orders/o-1/status",
                              request_body=b'{"status": "teleported", "updated_by": "x"}')
        self.assertTrue(any("(request)" in p for p in problems), problems)

    def test_unmatched_route_and_method(self):
        err = {"error": {"code": "not_found", "message": "no such route"}}
        self.assertEqual(self.check(404, self.JSON, err, target="/nothing"), [])
        self.assertTrue(self.check(200, self.JSON, {}, target="/nothing"))
        # refused before routing: 413 and 400 may answer any path, nothing else
        too_large = {"error": {"code": "payload_too_large", "message": "m",
                               "max_body_bytes": 65536}}
        self.assertEqual(self.check(413, self.JSON, too_large, target="/nothing"), [])
        self.assertEqual(self.check(413, self.JSON, too_large, target="/healthz"), [])
        self.assertTrue(self.check(500, self.JSON, {"error": {
            "code": "internal_error", "message": "m"}}, target="/nothing"))
        self.assertTrue(self.check(405, self.JSON, dict(err, error={
            "code": "method_not_allowed", "message": "m"}), method="DELETE"))  # no Allow
        self.assertEqual(self.check(405, {**self.JSON, "Allow": "GET"}, {"error": {
            "code": "method_not_allowed", "message": "m"}}, method="DELETE"), [])


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        sys.exit(64)
    BIN = sys.argv.pop(1)
    unittest.main(verbosity=2)
