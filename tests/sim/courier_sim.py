#!/usr/bin/python3
"""Courier simulator for the poll tests, benchmarks and the demo (standard library only).

Serves on 127.0.0.1 (ephemeral port, printed alone on stdout's first line) the tracking and
login endpoints of Delhivery B2C, Delhivery B2B, Shiprocket and Velocity, with answers shaped
like the couriers' (and like tests/data/courier/*.json, which the parsers accept):

  GET  /api/v1/packages/json/?waybill=A,B      Authorization: Token <key>      (<= 50)
  POST /ums/login {username, password}          -> {"jwt": ...}
  GET  /lrn/track?lrnum=LR                      Authorization: Bearer <jwt>
  POST /v1/external/auth/login {email, password} -> {"token": ...}
  POST /v1/external/courier/track/awbs {"awbs"}  Authorization: Bearer <token> (<= 50)
  POST /custom/api/v1/auth-token {username, password} -> {"token": ...}
  POST /custom/api/v1/order-tracking {"awbs"}    Authorization: <token>        (<= 45)
  GET  /generic/v1/track?awbs=A,B                X-Api-Key: <key>              (<= 20)

The generic endpoint is a courier no C code knows: it is polled through a courier
definition (docs/couriers-as-data.md, tests/data/couriers/acme_express.json) and answers
{"ok": true, "data": {"shipments": [{"tracking": {"number"}, "reference", "latest":
{"code", "label", "at" (ISO-8601 with +05:30), "where"}}]}}; its AWBs use courier "generic".

Every AWB follows a scripted list of statuses: each answer that reports it shows the current
step and then advances one step (the last one stays). A request hit by a fault never
advances anything. Tokens expire after `ttl_s` seconds or `max_uses` uses; a new Velocity
token revokes the older ones. Control endpoints (no authentication):

  GET  /_sim/log          what was received: [{method, path, query, authorization, body,
                          awbs, status, t}], oldest first (t: when it arrived, seconds
                          of the simulator's monotonic clock)
  POST /_sim/log/clear    forget the log
  POST /_sim/awbs         {"AWB": {"courier": ..., "steps": [...]}, ...}: add or replace
  GET  /_sim/awb?awb=X&courier=velocity&steps=in_transit,delivered   (the same, by query)
  POST /_sim/faults       [{"path": prefix, "times": n, "status": 429, "retry_after": 1,
                          "delay_ms": 0, "drop": false, "skip": 0}, ...]: appended
  POST /_sim/tokens/expire  every token issued so far stops working
  GET  /_sim/state        {"AWB": step index, ...} and token counts

Scenario file (--scenario FILE), every member optional:
  {"credentials": {"delhivery": {"token": "dl-key"},
                   "delhivery_b2b": {"username": "b2b", "password": "pw"},
                   "shiprocket": {"email": "ops@example.com", "password": "pw"},
                   "velocity": {"username": "+919999999999", "password": "pw"}},
   "tokens": {"shiprocket": {"ttl_s": 864000, "max_uses": 0}, ...},
   "awbs": {...as /_sim/awbs...}, "faults": [...as /_sim/faults...],
   "base_time": "2026-01-01T08:00:00"}

Steps: Delhivery "TYPE/Status[/StatusCode]" ("UD/Pending/EOD-74"); Delhivery B2B its status
("OFD"); Shiprocket the shipment status id (18); Velocity its status ("in_transit");
generic "CODE" or "CODE/Label" ("OFD/Out for delivery": the code is what the courier maps).
Step i happened at base_time + i hours (IST, no offset, as the couriers write it).

Uber Direct and DoorDash Drive (token, JWT check, quote, create, get, cancel, scripted
no-driver answers, status webhooks back to the tracker): tests/sim/dispatch_sim.py.

Options: --latency-ms N (every tracking answer waits N ms), --scenario FILE.
Stops when stdin closes or on SIGTERM / SIGINT.
"""

import argparse
import datetime
import json
import os
import secrets
import signal
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dispatch_sim  # noqa: E402  (next to this file)

BATCH = {"delhivery": 50, "delhivery_b2b": 1, "shiprocket": 50, "velocity": 45, "generic": 20}
DEFAULT_CREDENTIALS = {
    "delhivery": {"token": "dl-key"},
    "delhivery_b2b": {"username": "b2b", "password": "pw"},
    "shiprocket": {"email": "ops@example.com", "password": "pw"},
    "velocity": {"username": "+919999999999", "password": "pw"},
    "generic": {"token": "gen-key"},
}
SR_LABELS = {
    1: "AWB Assigned", 6: "Shipped", 7: "Delivered", 8: "Cancelled", 9: "RTO Initiated",
    10: "RTO Delivered", 12: "Lost", 17: "Out For Delivery", 18: "In Transit", 21: "Undelivered",
    38: "Reached at Destination Hub", 42: "Picked Up", 46: "RTO In Transit",
}
DELHIVERY_INSTRUCTIONS = {
    "Manifested": "Manifest uploaded", "In Transit": "Shipment picked up",
    "Pending": "Reached destination", "Dispatched": "Out for delivery",
    "Delivered": "Delivered to consignee",
}


class Sim:
    def __init__(self, scenario, latency_ms):
        self.lock = threading.Lock()
        self.latency_ms = latency_ms
        self.credentials = dict(DEFAULT_CREDENTIALS)
        self.credentials.update(scenario.get("credentials", {}))
        self.token_rules = scenario.get("tokens", {})
        self.tokens = {}            # token -> {courier, issued, uses, revoked}
        self.awbs = {}              # awb -> {courier, steps, index}
        self.faults = []
        self.log = []
        self.logins = {c: 0 for c in BATCH}
        base = scenario.get("base_time", "2026-01-01T08:00:00")
        self.base_time = datetime.datetime.fromisoformat(base)
        self.add_awbs(scenario.get("awbs", {}))
        self.add_faults(scenario.get("faults", []))
        self.partners = dispatch_sim.Partners(scenario)

    def add_awbs(self, awbs):
        with self.lock:
            for awb, spec in awbs.items():
                if spec.get("courier") not in BATCH or not spec.get("steps"):
                    raise ValueError("awb %s: courier and steps are required" % awb)
                self.awbs[awb] = {"courier": spec["courier"], "steps": list(spec["steps"]),
                                  "index": 0}

    def add_faults(self, faults):
        with self.lock:
            for f in faults:
                rule = {"path": f.get("path", "/"), "times": int(f.get("times", 1)),
                        "skip": int(f.get("skip", 0)), "status": f.get("status"),
                        "retry_after": f.get("retry_after"), "delay_ms": f.get("delay_ms", 0),
                        "drop": bool(f.get("drop", False))}
                self.faults.append(rule)

    def take_fault(self, path):
        with self.lock:
            for f in self.faults:
                if f["times"] > 0 and path.startswith(f["path"]):
                    if f["skip"] > 0:
                        f["skip"] -= 1
                        continue
                    f["times"] -= 1
                    return dict(f)
        return None

    def issue_token(self, courier):
        token = "%s-%s" % (courier, secrets.token_hex(12))
        with self.lock:
            if courier == "velocity":   # a new token revokes the older ones
                for t in self.tokens.values():
                    if t["courier"] == courier:
                        t["revoked"] = True
            self.tokens[token] = {"courier": courier, "issued": time.time(), "uses": 0,
                                  "revoked": False}
            self.logins[courier] += 1
        return token

    def check_token(self, courier, token):
        with self.lock:
            t = self.tokens.get(token)
            if not t or t["courier"] != courier or t["revoked"]:
                return False
            rule = self.token_rules.get(courier, {})
            ttl = rule.get("ttl_s")
            if ttl is not None and time.time() > t["issued"] + float(ttl):
                return False
            max_uses = int(rule.get("max_uses", 0))
            if max_uses and t["uses"] >= max_uses:
                return False
            t["uses"] += 1
            return True

    def expire_tokens(self):
        with self.lock:
            for t in self.tokens.values():
                t["revoked"] = True

    def step_time(self, i):
        return self.base_time + datetime.timedelta(hours=i)

    def advance(self, courier, awbs, advance=True):
        """The steps so far of each known AWB (then one step on, when `advance`)."""
        out = {}
        with self.lock:
            for awb in awbs:
                a = self.awbs.get(awb)
                if not a or a["courier"] != courier:
                    continue
                out[awb] = (a["steps"][: a["index"] + 1], a["index"])
                if advance and a["index"] + 1 < len(a["steps"]):
                    a["index"] += 1
        return out


def delhivery_record(step, when, scan):
    parts = str(step).split("/")
    stype, status = parts[0], parts[1] if len(parts) > 1 else parts[0]
    code = parts[2] if len(parts) > 2 else None
    rec = {
        ("ScanType" if scan else "StatusType"): stype,
        ("Scan" if scan else "Status"): status,
        "StatusDateTime": when.strftime("%Y-%m-%dT%H:%M:%S"),
        ("ScannedLocation" if scan else "StatusLocation"): "Delhi_Okhla_PC (Delhi)",
        "Instructions": DELHIVERY_INSTRUCTIONS.get(status, status),
    }
    if scan:
        rec["ScanDateTime"] = rec["StatusDateTime"]
    if code:
        rec["StatusCode"] = code
    return rec


def delhivery_answer(sim, found):
    data = []
    for awb, (steps, index) in found.items():
        scans = [{"ScanDetail": delhivery_record(s, sim.step_time(i), True)}
                 for i, s in enumerate(steps)]
        data.append({"Shipment": {
            "AWB": awb, "ReferenceNo": "REF-" + awb,
            "PickUpDate": sim.step_time(0).strftime("%Y-%m-%dT%H:%M:%S"),
            "Status": delhivery_record(steps[-1], sim.step_time(index), False),
            "Scans": scans}})
    return {"ShipmentData": data}


def b2b_answer(sim, lr, steps, index):
    when = sim.step_time(index).strftime("%Y-%m-%dT%H:%M:%S")
    return {"success": True, "data": {"lrnum": lr, "status": steps[-1], "wbns": [
        {"status": steps[-1], "wbn": lr + "-1", "location": "Chennai_Hub",
         "scan_remark": str(steps[-1]).replace("_", " ").title(), "scan_timestamp": when}]}}


def shiprocket_answer(sim, awbs, found):
    out = {}
    for awb in awbs:
        if awb not in found:
            out[awb] = {"tracking_data": {"track_status": 0,
                                          "error": "Aramex AWB not found"}}
            continue
        steps, index = found[awb]
        acts = []
        for i in range(len(steps) - 1, -1, -1):
            sid = int(steps[i])
            label = SR_LABELS.get(sid, "Status %d" % sid)
            acts.append({"date": sim.step_time(i).strftime("%Y-%m-%d %H:%M:%S"),
                         "status": label[:4].upper(), "activity": label,
                         "location": "MUMBAI_ANDHERI, Mumbai", "sr-status": str(sid),
                         "sr-status-label": label.upper()})
        sid = int(steps[-1])
        out[awb] = {"tracking_data": {
            "track_status": 1, "shipment_status": sid,
            "shipment_track": [{"id": 185584215, "awb_code": awb, "courier_company_id": 51,
                                "shipment_id": 168347943, "order_id": 168807908,
                                "current_status": SR_LABELS.get(sid, "Status %d" % sid),
                                "origin": "Delhi", "destination": "Mumbai"}],
            "shipment_track_activities": acts,
            "track_url": "https://shiprocket.co/tracking/" + awb,
            "etd": sim.step_time(len(steps) + 24).strftime("%Y-%m-%d %H:%M:%S")}}
    return out


def velocity_answer(sim, awbs, found):
    result = {}
    for awb in awbs:
        if awb not in found:
            result[awb] = {"error": "AWB not found"}
            continue
        steps, index = found[awb]
        acts = [{"date": sim.step_time(i).strftime("%Y-%m-%dT%H:%M:%S+05:30"),
                 "activity": str(steps[i]).replace("_", " ").capitalize(),
                 "location": "Jaipur Hub"} for i in range(len(steps) - 1, -1, -1)]
        result[awb] = {"tracking_data": {
            "shipment_status": steps[-1],
            "shipment_track": [{"awb": awb, "current_status": steps[-1]}],
            "shipment_track_activities": acts,
            "track_url": "https://velocity.in/track/" + awb}}
    return {"status": "SUCCESS", "result": result}


def generic_answer(sim, found):
    ships = []
    for awb, (steps, index) in found.items():
        code, _, label = str(steps[-1]).partition("/")
        ships.append({"tracking": {"number": awb}, "reference": "REF-" + awb,
                      "latest": {"code": code, "label": label or code,
                                 "at": sim.step_time(index).strftime("%Y-%m-%dT%H:%M:%S+05:30"),
                                 "where": "Pune Hub"}})
    return {"ok": True, "data": {"shipments": ships}}


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024   # 50 connections at once must not overflow the backlog

    def handle_error(self, request, client_address):
        # a client that gave up (time-out, test over) is not an error of the simulator
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "courier-sim/1.0"

    def log_message(self, fmt, *args):    # quiet: the log endpoint tells what happened
        pass

    @property
    def sim(self):
        return self.server.sim

    def reply(self, status, obj, headers=None):
        self.entry["status"] = status   # also when the client is gone before the answer
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)
        self.entry["status"] = status

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")

    def do_PUT(self):
        self.handle_any("PUT")

    def handle_any(self, method):
        url = urlsplit(self.path)
        body = self.read_body()
        self.entry = {"method": method, "path": url.path, "query": url.query,
                      "authorization": self.headers.get("Authorization"),
                      "body": body.decode("utf-8", "replace"), "awbs": [], "status": 0,
                      "t": round(time.monotonic(), 4)}
        if url.path.startswith("/_sim/"):
            return self.control(method, url, body)
        with self.sim.lock:
            self.sim.log.append(self.entry)
        fault = self.sim.take_fault(url.path)
        if fault:
            if fault["delay_ms"]:
                time.sleep(fault["delay_ms"] / 1000.0)
            if fault["drop"]:
                self.entry["status"] = -1
                self.close_connection = True
                try:
                    self.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                return
            if fault["status"]:
                headers = {}
                if fault["retry_after"] is not None:
                    headers["Retry-After"] = str(fault["retry_after"])
                return self.reply(int(fault["status"]), {"message": "injected fault"},
                                  headers)
            if not fault["delay_ms"]:
                return self.reply(500, {"message": "injected fault"})
            # a delay alone: answer late, showing the current step without advancing
            return self.route(method, url, body, advance=False)
        return self.route(method, url, body, advance=True)

    def route(self, method, url, body, advance):
        path, query = url.path, parse_qs(url.query)
        try:
            partner = dispatch_sim.route(self, self.sim.partners, method, path, body)
        except ValueError:
            return self.reply(400, {"code": "invalid_params", "message": "malformed JSON"})
        if partner is not None:
            return self.reply(partner[0], partner[1])
        try:
            payload = json.loads(body) if body else {}
        except ValueError:
            return self.reply(400, {"message": "malformed JSON"})
        logins = {("POST", "/ums/login"): ("delhivery_b2b", "username", "jwt"),
                  ("POST", "/v1/external/auth/login"): ("shiprocket", "email", "token"),
                  ("POST", "/custom/api/v1/auth-token"): ("velocity", "username", "token")}
        if (method, path) in logins:
            courier, user_key, token_key = logins[(method, path)]
            cred = self.sim.credentials[courier]
            if not isinstance(payload, dict) or payload.get(user_key) != cred[user_key] \
                    or payload.get("password") != cred["password"]:
                return self.reply(401, {"message": "Invalid email and password combination"})
            return self.reply(200, {token_key: self.sim.issue_token(courier),
                                    "id": 1, "first_name": "Ops"})
        if self.sim.latency_ms:
            time.sleep(self.sim.latency_ms / 1000.0)
        if method == "GET" and path == "/api/v1/packages/json/":
            auth = self.headers.get("Authorization") or ""
            if auth != "Token " + self.sim.credentials["delhivery"]["token"]:
                return self.reply(401, {"detail": "Authentication credentials were not provided."})
            awbs = [a for a in ",".join(query.get("waybill", [])).split(",") if a]
            return self.track("delhivery", awbs, advance)
        if method == "GET" and path == "/lrn/track":
            if not self.bearer_ok("delhivery_b2b", "Bearer "):
                return self.reply(401, {"message": "token expired"})
            lrs = query.get("lrnum", [])
            return self.track("delhivery_b2b", lrs, advance)
        if method == "POST" and path == "/v1/external/courier/track/awbs":
            if not self.bearer_ok("shiprocket", "Bearer "):
                return self.reply(401, {"message": "Token has expired", "status_code": 401})
            return self.track("shiprocket", self.awb_list(payload), advance)
        if method == "POST" and path == "/custom/api/v1/order-tracking":
            if not self.bearer_ok("velocity", ""):
                return self.reply(401, {"status": "FAILED", "message": "Unauthorized"})
            return self.track("velocity", self.awb_list(payload), advance)
        if method == "GET" and path == "/generic/v1/track":
            if (self.headers.get("X-Api-Key") or "") != self.sim.credentials["generic"]["token"]:
                return self.reply(401, {"ok": False, "error": "bad api key"})
            awbs = [a for a in ",".join(query.get("awbs", [])).split(",") if a]
            return self.track("generic", awbs, advance)
        return self.reply(404, {"message": "no route %s %s" % (method, path)})

    @staticmethod
    def awb_list(payload):
        awbs = payload.get("awbs") if isinstance(payload, dict) else None
        return [str(a) for a in awbs] if isinstance(awbs, list) else []

    def bearer_ok(self, courier, prefix):
        auth = self.headers.get("Authorization") or ""
        return auth.startswith(prefix) and self.sim.check_token(courier, auth[len(prefix):])

    def track(self, courier, awbs, advance):
        self.entry["awbs"] = awbs
        if not awbs or len(awbs) > BATCH[courier]:
            return self.reply(400, {"message": "between 1 and %d AWBs per request, not %d"
                                    % (BATCH[courier], len(awbs))})
        found = self.sim.advance(courier, awbs, advance)
        if courier == "delhivery":
            return self.reply(200, delhivery_answer(self.sim, found))
        if courier == "delhivery_b2b":
            if awbs[0] not in found:
                return self.reply(404, {"success": False, "message": "LR not found"})
            steps, index = found[awbs[0]]
            return self.reply(200, b2b_answer(self.sim, awbs[0], steps, index))
        if courier == "shiprocket":
            return self.reply(200, shiprocket_answer(self.sim, awbs, found))
        if courier == "generic":
            return self.reply(200, generic_answer(self.sim, found))
        return self.reply(200, velocity_answer(self.sim, awbs, found))

    def control(self, method, url, body):
        try:
            payload = json.loads(body) if body else None
            if url.path == "/_sim/log" and method == "GET":
                with self.sim.lock:
                    log = list(self.sim.log)
                return self.reply(200, log)
            if url.path == "/_sim/log/clear" and method == "POST":
                with self.sim.lock:
                    self.sim.log.clear()
                return self.reply(200, {"ok": True})
            if url.path == "/_sim/awbs" and method == "POST":
                self.sim.add_awbs(payload or {})
                return self.reply(200, {"ok": True})
            if url.path == "/_sim/awb" and method == "GET":
                q = parse_qs(url.query)
                self.sim.add_awbs({q["awb"][0]: {"courier": q["courier"][0],
                                                 "steps": q["steps"][0].split(",")}})
                return self.reply(200, {"ok": True})
            if url.path == "/_sim/faults" and method == "POST":
                self.sim.add_faults(payload or [])
                return self.reply(200, {"ok": True})
            if url.path == "/_sim/tokens/expire" and method == "POST":
                self.sim.expire_tokens()
                return self.reply(200, {"ok": True})
            answer = dispatch_sim.control(self.sim.partners, method, url.path, payload)
            if answer is not None:
                return self.reply(answer[0], answer[1])
            if url.path == "/_sim/state" and method == "GET":
                with self.sim.lock:
                    state = {"awbs": {a: v["index"] for a, v in self.sim.awbs.items()},
                             "logins": dict(self.sim.logins),
                             "faults_left": sum(f["times"] for f in self.sim.faults)}
                return self.reply(200, state)
        except (ValueError, KeyError, TypeError) as e:
            return self.reply(400, {"message": "bad control request: %s" % e})
        return self.reply(404, {"message": "no control route %s" % url.path})


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scenario", help="JSON scenario file")
    ap.add_argument("--latency-ms", type=int, default=0, help="delay of every tracking answer")
    ap.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: ephemeral)")
    args = ap.parse_args()
    scenario = {}
    if args.scenario:
        with open(args.scenario, encoding="utf-8") as f:
            scenario = json.load(f)
    server = Server(("127.0.0.1", args.port), Handler)
    server.sim = Sim(scenario, args.latency_ms)
    stop = threading.Event()

    def shutdown(*_):
        stop.set()

    signal.signal(signal.SIGTERM, shutdown)
    signal.signal(signal.SIGINT, shutdown)

    def watch_stdin():
        # a raw read: a buffered stdin would hold its lock at interpreter shutdown
        try:
            while os.read(0, 4096):
                pass
        except OSError:
            pass
        stop.set()

    threading.Thread(target=watch_stdin, daemon=True).start()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(server.server_address[1], flush=True)
    while not stop.wait(0.2):
        pass
    server.shutdown()
    server.server_close()


if __name__ == "__main__":
    main()
